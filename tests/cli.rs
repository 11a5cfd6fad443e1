//! The `okno` binary as a secretary meets it: exit codes, the messages and their places,
//! what gets written and what does not.

mod common;
use common::{okno, python_has, root};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn every_good_fixture_validates_with_exit_0() {
    // other-writers holds one case as three programs saved it: each file is a run of its own
    // (together they are one case ID from three inputs, I-SAME-ID).
    let writers: Vec<String> = std::fs::read_dir(root().join("fixtures/other-writers"))
        .unwrap()
        .map(|e| {
            format!(
                "fixtures/other-writers/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    assert_eq!(writers.len(), 3);
    for input in [
        "fixtures/cases",
        "fixtures/workbooks",
        "fixtures/register",
        "fixtures/duplicates",
    ]
    .into_iter()
    .chain(writers.iter().map(String::as_str))
    {
        let o = okno(&["validate", input]);
        assert_eq!(code(&o), 0, "{input}:\n{}", stdout(&o));
    }
}

#[test]
fn every_broken_fixture_exits_1_naming_its_rule_and_place() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("fixtures/broken")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let rule = path.file_stem().unwrap().to_string_lossy().to_string();
        let o = okno(&["validate", "--format", "json", path.to_str().unwrap()]);
        assert_eq!(code(&o), 1, "{rule}: {}", stdout(&o));
        let errors: Vec<Value> = json_lines(&o)
            .into_iter()
            .filter(|d| d["severity"] == "error")
            .collect();
        let hit = errors
            .iter()
            .find(|d| d["rule"] == rule.as_str())
            .unwrap_or_else(|| panic!("{rule} not reported: {errors:#?}"));
        assert!(
            hit["pointer"].as_str().is_some_and(|p| p.starts_with('/')),
            "{rule}: a JSON pointer into the file: {hit}"
        );
        assert!(!hit["message"].as_str().unwrap().is_empty());
        // The human report names the rule too.
        let text = stdout(&okno(&["validate", path.to_str().unwrap()]));
        assert!(text.contains(&format!("ошибка[{rule}]")), "{rule}: {text}");
        n += 1;
    }
    assert!(n >= 20, "a broken fixture per error rule: {n}");
}

#[test]
fn a_register_with_one_bad_row_reports_that_row_at_its_cell() {
    let o = okno(&[
        "validate",
        "--format",
        "json",
        "fixtures/broken/register-bad-row.xlsx",
    ]);
    assert_eq!(code(&o), 1);
    let errors: Vec<Value> = json_lines(&o)
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["rule"], "I-DATE");
    assert_eq!(errors[0]["sheet"], "Реестр");
    assert_eq!(errors[0]["cell"], "K7");
    let text = stdout(&okno(&[
        "validate",
        "fixtures/broken/register-bad-row.xlsx",
    ]));
    assert!(text.contains("лист «Реестр», K7"), "{text}");
}

#[test]
fn unreadable_inputs_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("повреждён.xlsx");
    let mut bytes = std::fs::read(root().join("fixtures/workbooks/NSK-2026-0001.xlsx")).unwrap();
    bytes.truncate(bytes.len() / 3);
    std::fs::write(&bad, bytes).unwrap();
    let o = okno(&["validate", bad.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).contains("повреждён"), "{}", stdout(&o));
    let broken_json = dir.path().join("case.json");
    std::fs::write(&broken_json, "{\"case_id\": \"X\",").unwrap();
    let o = okno(&[
        "validate",
        "--format",
        "json",
        broken_json.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    let d = &json_lines(&o)[0];
    assert_eq!(d["rule"], "I-FILE");
    assert!(d["message"].as_str().unwrap().contains("строка 1"), "{d}");
    let o = okno(&["validate", "нет-такого-файла.json"]);
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).contains("файл не найден"));
    let o = okno(&["validate", "README.md"]);
    assert_eq!(code(&o), 2);
    let o = Command::new(env!("CARGO_BIN_EXE_okno"))
        .args(["--today", "31.02.2026", "validate", "fixtures/cases"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(
        code(&o),
        2,
        "an impossible --today is an unusable invocation"
    );
}

#[test]
fn json_output_has_the_documented_fields() {
    let o = okno(&["validate", "--format", "json", "fixtures/broken/N-SEX.json"]);
    for d in json_lines(&o) {
        for k in [
            "file", "sheet", "cell", "pointer", "rule", "severity", "message",
        ] {
            assert!(d.get(k).is_some(), "{k} missing in {d}");
        }
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn render_writes_forms_under_case_ids_and_refuses_cases_with_errors() {
    let out = tempfile::tempdir().unwrap();
    let o = okno(&[
        "render",
        "fixtures/cases/NSK-2026-0002.json",
        "fixtures/broken/N-SEX.json",
        "-o",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.contains("ошибка[N-SEX]"),
        "the reasons are printed as by validate: {text}"
    );
    let files = files_under(out.path());
    let broken_id = serde_json::from_str::<Value>(
        &std::fs::read_to_string(root().join("fixtures/broken/N-SEX.json")).unwrap(),
    )
    .unwrap()["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(broken_id, "NSK-2026-0002");
    assert!(
        !out.path().join(&broken_id).exists(),
        "no forms for a case with errors"
    );
    assert!(
        text.contains(&format!(
            "не оформлен: fixtures/broken/N-SEX.json, случай {broken_id}"
        )),
        "{text}"
    );
    for form in [
        "notification",
        "child_assessment",
        "conclusion",
        "departmental_plan",
        "monitoring-1",
    ] {
        for ext in ["pdf", "docx"] {
            let p = out
                .path()
                .join("NSK-2026-0002")
                .join(format!("{form}.{ext}"));
            assert!(p.exists(), "{} missing", p.display());
        }
    }
    // No person's name in any path.
    let case: okno::Case =
        okno::ingest::read_path(&root().join("fixtures/cases/NSK-2026-0002.json"))
            .unwrap()
            .cases
            .remove(0)
            .case;
    for f in &files {
        let s = f.to_string_lossy();
        for r in &case.family.legal_representatives {
            assert!(!s.contains(&r.name.surname), "{s}");
        }
        for c in &case.family.children {
            assert!(!s.contains(&c.name.surname), "{s}");
        }
    }
    // With --draft the case with errors is rendered, marked as a draft.
    let draft = tempfile::tempdir().unwrap();
    let o = okno(&[
        "render",
        "fixtures/broken/N-SEX.json",
        "-o",
        draft.path().to_str().unwrap(),
        "--draft",
        "--forms",
        "notification",
        "--format",
        "pdf",
    ]);
    assert_eq!(code(&o), 1, "still exit 1: the input has errors");
    let pdfs = files_under(draft.path());
    let pdf = pdfs
        .iter()
        .find(|p| p.ends_with("notification.pdf"))
        .expect("draft notification");
    let text = pdf_extract::extract_text_from_mem(&std::fs::read(pdf).unwrap()).unwrap();
    assert!(text.contains("ЧЕРНОВИК"));
    assert!(
        pdfs.iter()
            .all(|p| p.extension().is_some_and(|e| e == "pdf")),
        "--format pdf writes no DOCX"
    );
}

#[test]
fn render_rejects_unknown_forms_and_formats() {
    let out = tempfile::tempdir().unwrap();
    let o = okno(&[
        "render",
        "fixtures/cases",
        "-o",
        out.path().to_str().unwrap(),
        "--forms",
        "passport",
    ]);
    assert_eq!(code(&o), 2);
    let o = okno(&[
        "render",
        "fixtures/cases",
        "-o",
        out.path().to_str().unwrap(),
        "--format",
        "odt",
    ]);
    assert_eq!(code(&o), 2);
    assert!(files_under(out.path()).is_empty());
}

#[test]
fn templates_are_written_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    for kind in ["case", "register"] {
        let p = dir.path().join(format!("{kind}.xlsx"));
        let o = okno(&["template", kind, "-o", p.to_str().unwrap()]);
        assert_eq!(code(&o), 0);
        let o = okno(&["validate", "--format", "json", p.to_str().unwrap()]);
        let unknown: Vec<Value> = json_lines(&o)
            .into_iter()
            .filter(|d| d["rule"] == "I-UNKNOWN")
            .collect();
        assert!(unknown.is_empty(), "{kind}: {unknown:#?}");
    }
}

#[test]
fn a_template_filled_by_openpyxl_now_validates() {
    let has_openpyxl = python_has("openpyxl");
    if !has_openpyxl {
        eprintln!(
            "skipped: python3 with openpyxl is not installed (pip install openpyxl); fixtures/other-writers covers a committed file"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank.xlsx");
    let filled = dir.path().join("filled.xlsx");
    assert_eq!(
        code(&okno(&["template", "case", "-o", blank.to_str().unwrap()])),
        0
    );
    let py = Command::new("python3")
        .args([
            root()
                .join("scripts/fill_with_openpyxl.py")
                .to_str()
                .unwrap(),
            blank.to_str().unwrap(),
            filled.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let o = okno(&["validate", filled.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("ошибок 0, предупреждений 0"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn schema_is_json_schema_of_a_case() {
    let o = okno(&["schema"]);
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["title"], "Case");
}

#[test]
fn one_case_id_in_two_inputs_is_reported_alike_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("in");
    std::fs::create_dir_all(&folder).unwrap();
    let (a, b) = (folder.join("a.json"), folder.join("b.xlsx"));
    std::fs::copy(root().join("fixtures/cases/NSK-2026-0004.json"), &a).unwrap();
    std::fs::copy(root().join("fixtures/workbooks/NSK-2026-0004.xlsx"), &b).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let message =
        format!("номер случая NSK-2026-0004 встречается в двух файлах: {a} и {b} — выберите один");
    let line = format!("ошибка[I-SAME-ID]: {message}");
    let out = dir.path().join("out");
    let arch = dir.path().join("archive");
    let (out, arch) = (out.to_str().unwrap(), arch.to_str().unwrap());
    for args in [
        vec!["validate", a, b],
        vec!["render", a, b, "-o", out],
        vec!["render", a, b, "-o", out, "--draft"],
        vec!["archive", a, b, "--archive", arch],
    ] {
        let o = okno(&args);
        assert_eq!(code(&o), 1, "{args:?}: {}", stdout(&o));
        assert_eq!(
            stdout(&o).matches(&line).count(),
            2,
            "{args:?}: both inputs are told: {}",
            stdout(&o)
        );
    }
    let o = okno(&["validate", "--format", "json", a, b]);
    let same: Vec<Value> = json_lines(&o)
        .into_iter()
        .filter(|d| d["rule"] == "I-SAME-ID")
        .collect();
    assert_eq!(same.len(), 2);
    assert!(
        same.iter()
            .all(|d| d["severity"] == "error" && d["message"] == message.as_str())
    );
    let o = okno(&[
        "batch",
        folder.to_str().unwrap(),
        "-o",
        out,
        "--archive",
        arch,
        "--json",
    ]);
    assert_eq!(code(&o), 1);
    let rows = json_lines(&o);
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert_eq!(r["status"], "ошибки", "{r}");
        assert!(
            r["notes"]
                .as_str()
                .unwrap()
                .contains(&format!("[I-SAME-ID] {message}")),
            "{r}"
        );
    }
    // Neither input was rendered — not even as a draft — nor archived.
    assert!(!Path::new(out).join("NSK-2026-0004").exists());
    assert!(okno::archive::list_cases(Path::new(arch)).is_empty());
}

/// Every file under `dir` with its mtime.
fn mtimes(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    let mut v: Vec<_> = files_under(dir)
        .into_iter()
        .map(|p| {
            let t = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p, t)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn rendering_the_same_inputs_again_rewrites_no_file() {
    let out = tempfile::tempdir().unwrap();
    let o_path = out.path().to_str().unwrap();
    let args = [
        "render",
        "fixtures/cases",
        "fixtures/register",
        "-o",
        o_path,
    ];
    let o = okno(&args);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let before = mtimes(out.path());
    assert!(before.len() > 100, "{}", before.len());
    let o = okno(&args);
    assert_eq!(code(&o), 0);
    assert_eq!(
        mtimes(out.path()),
        before,
        "same bytes, so not written again"
    );
    assert!(
        stdout(&o).contains(&format!("без изменений, не переписаны: {}", before.len())),
        "{}",
        stdout(&o)
    );
    // demo likewise, templates included.
    let demo = tempfile::tempdir().unwrap();
    let d_path = demo.path().to_str().unwrap();
    assert_eq!(code(&okno(&["demo", "-o", d_path])), 0);
    let before = mtimes(demo.path());
    assert_eq!(code(&okno(&["demo", "-o", d_path])), 0);
    assert_eq!(mtimes(demo.path()), before);
}

#[test]
fn escape_sequences_in_a_cell_value_never_reach_the_terminal() {
    // A birth date typed as an escape sequence: the I-DATE message quotes it. Printed raw, it
    // would retitle the window (OSC) and clear the screen (CSI) of whoever reads the output.
    let text = std::fs::read_to_string(root().join("fixtures/cases/NSK-2026-0001.json")).unwrap();
    let hostile = text.replacen(
        "\"1994-02-08\"",
        "\"\\u001b]0;okno\\u0007\\u001b[2J\\u009b31m\\u202e08.02.1994\"",
        1,
    );
    assert_ne!(hostile, text);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("NSK-2026-0001.json");
    std::fs::write(&input, hostile).unwrap();
    let o = okno(&["validate", input.to_str().unwrap()]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("I-DATE"), "{out}");
    for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(
            !out.contains(c),
            "U+{:04X} reached the terminal:\n{out}",
            c as u32
        );
    }
    assert!(out.contains("<U+001B>]0;okno<U+0007><U+001B>[2J"), "{out}");
}
