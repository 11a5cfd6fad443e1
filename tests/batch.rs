//! The everyday jobs from outside: a folder through `okno batch`, the quarterly run over an
//! archive, the logs.

mod common;
use calamine::{Data, Reader, open_workbook_auto};
use common::{okno, root};
use serde_json::{Value, json};
use std::path::Path;

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut book = open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => okno::model::values::number_text(*f),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_batch_renders_every_good_input_and_lists_every_other_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("папка");
    std::fs::create_dir_all(input.join("вложенная")).unwrap();
    std::fs::copy(
        root().join("fixtures/cases/NSK-2026-0002.json"),
        input.join("a.json"),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/workbooks/NSK-2026-0008.xlsx"),
        input.join("вложенная/b.xlsx"),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/broken/C-BASIS.json"),
        input.join("c.json"),
    )
    .unwrap();
    let mut bytes = std::fs::read(root().join("fixtures/workbooks/NSK-2026-0001.xlsx")).unwrap();
    bytes.truncate(2000);
    std::fs::write(input.join("d.xlsx"), bytes).unwrap();
    std::fs::write(input.join("notes.txt"), "не вход").unwrap();
    let out = dir.path().join("out");
    let arch = dir.path().join("archive");
    let o = okno(&[
        "batch",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--archive",
        arch.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "some inputs had errors: {text}");
    let broken_id = serde_json::from_str::<Value>(
        &std::fs::read_to_string(root().join("fixtures/broken/C-BASIS.json")).unwrap(),
    )
    .unwrap()["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    // Good inputs: their forms, and their bags.
    for id in ["NSK-2026-0002", "NSK-2026-0008"] {
        assert!(
            out.join(id).join("notification.pdf").exists()
                && out.join(id).join("notification.docx").exists(),
            "{id}"
        );
        assert!(
            okno::bagit::verify_bag(&arch.join(id).join("v1")).is_valid(),
            "{id} archived"
        );
    }
    // Its own case ID: one case ID from two inputs would refuse both (I-SAME-ID).
    assert!(!["NSK-2026-0002", "NSK-2026-0008"].contains(&broken_id.as_str()));
    assert!(!arch.join(&broken_id).exists());
    // The report: a row per case or input, with the reason.
    let rows = sheet(&out.join("отчет.xlsx"), "Отчет");
    assert_eq!(
        rows[0][..3],
        [
            "Файл".to_string(),
            "Номер случая".into(),
            "Состояние".into()
        ]
    );
    let find = |f: &str| {
        rows.iter()
            .find(|r| r[0].ends_with(f))
            .unwrap_or_else(|| panic!("{f} not in the report: {rows:?}"))
            .clone()
    };
    assert_eq!(find("a.json")[2], "оформлен");
    assert_eq!(find("b.xlsx")[2], "оформлен");
    let c = find("c.json");
    assert_eq!(c[2], "ошибки");
    assert!(c[7].contains("C-BASIS"), "{c:?}");
    let d = find("d.xlsx");
    assert_eq!(d[2], "не читается");
    assert!(d[7].contains("повреждён"), "{d:?}");
    assert_eq!(rows.len(), 1 + 4, "notes.txt is not an input");
    assert!(
        find("a.json")[5].parse::<usize>().unwrap() >= 8,
        "forms written are counted"
    );
    // Nothing half-written anywhere (the archive's index, closed, is one whole file: its
    // journal files are gone when the run ends).
    for e in walkdir::WalkDir::new(dir.path())
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
    {
        let name = e.file_name().to_string_lossy();
        assert!(
            !name.starts_with(".tmp") && (!name.starts_with(".okno-") || name == okno::index::FILE),
            "leftover {}",
            e.path().display()
        );
    }
    // --json: one object per row, for machines.
    let o = okno(&[
        "batch",
        input.to_str().unwrap(),
        "-o",
        dir.path().join("out2").to_str().unwrap(),
        "--json",
    ]);
    let lines: Vec<Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert!(lines.iter().any(|l| l["status"] == "не читается"));
}

/// A case opened on `opened` with monitorings on `dates` (the last given `kind`).
fn case_with(id: &str, opened: &str, dates: &[&str], closed: Option<&str>) -> Value {
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/cases/NSK-2026-0005.json")).unwrap(),
    )
    .unwrap();
    v["case_id"] = json!(id);
    v["case_opening"]["date"] = json!(opened);
    let template = v["monitoring"][0].clone();
    v["monitoring"] = Value::Array(
        dates
            .iter()
            .map(|d| {
                let mut m = template.clone();
                m["date"] = json!(d);
                m["kind"] = json!("interim");
                m
            })
            .collect(),
    );
    if let Some(c) = closed {
        v["closure"] = json!({"date": c, "reason": "цели достигнуты"});
    }
    v
}

#[test]
fn the_quarter_lists_exactly_the_cases_due_and_overdue_and_counts_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let cases = [
        // Last monitoring 01.07.2026: due 01.10.2026, on 24.11.2026 overdue by 54 days.
        case_with("Q-OVERDUE", "2026-04-13", &["2026-07-01"], None),
        // Last monitoring 15.09.2026: due 15.12.2026, inside Q4.
        case_with("Q-DUE", "2026-04-13", &["2026-06-20", "2026-09-15"], None),
        // Opened 01.11.2026, no monitoring yet: due 01.02.2027, after the quarter.
        case_with("Q-LATER", "2026-11-01", &[], None),
        // Closed in August: not active in Q4.
        case_with(
            "Q-CLOSED",
            "2026-04-13",
            &["2026-07-01"],
            Some("2026-08-15"),
        ),
    ];
    for c in &cases {
        std::fs::write(
            input.join(format!("{}.json", c["case_id"].as_str().unwrap())),
            serde_json::to_vec_pretty(c).unwrap(),
        )
        .unwrap();
    }
    let arch = dir.path().join("archive");
    let o = okno(&[
        "archive",
        input.to_str().unwrap(),
        "--archive",
        arch.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let out = dir.path().join("q");
    let o = okno(&[
        "quarter",
        "2026-Q4",
        "--archive",
        arch.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let xlsx = out.join("сводка-2026-Q4.xlsx");
    let monitoring = sheet(&xlsx, "Мониторинг");
    let lines: Vec<(String, String, String)> = monitoring[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (
                "Q-DUE".to_string(),
                "15.12.2026".to_string(),
                "срок в квартале".to_string()
            ),
            (
                "Q-LATER".to_string(),
                "01.02.2027".to_string(),
                "срок не наступил".to_string()
            ),
            (
                "Q-OVERDUE".to_string(),
                "01.10.2026".to_string(),
                "просрочен на 54 дн.".to_string()
            ),
        ]
    );
    // The summary's counts are the archive's.
    let summary = sheet(&xlsx, "Сводка");
    let value = |k: &str| {
        summary
            .iter()
            .find(|r| r[0] == k)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("{k}: {summary:?}"))
    };
    assert_eq!(value("Случаев в работе в квартале"), "3");
    assert_eq!(value("Открыто в квартале"), "1");
    let level = |c: &Value| {
        c["monitoring"]
            .as_array()
            .and_then(|m| m.last())
            .map(|m| m["risk_level"].clone())
            .unwrap_or(c["conclusion"]["risk_level"].clone())
    };
    let active: Vec<&Value> = cases
        .iter()
        .filter(|c| c["case_id"] != "Q-CLOSED")
        .collect();
    for (code, label) in [
        ("medium", "Средний"),
        ("high", "Высокий"),
        ("low", "Низкий"),
    ] {
        let n = active.iter().filter(|c| level(c) == json!(code)).count();
        assert_eq!(
            value(&format!("Уровень: {label}")),
            n.to_string(),
            "{label}"
        );
    }
    // Monitoring forms of the quarter: Q-DUE has none in Q4 (15.09 is Q3); the PDF summary exists.
    assert!(out.join("сводка-2026-Q4.pdf").exists() && out.join("сводка-2026-Q4.docx").exists());
    let pdf = pdf_extract::extract_text(out.join("сводка-2026-Q4.pdf")).unwrap();
    assert!(
        pdf.contains("Q-OVERDUE") && pdf.contains("просрочен"),
        "{pdf}"
    );
    assert!(!pdf.contains("Q-CLOSED"));
}

#[test]
fn the_logs_come_from_the_archive_in_three_formats() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    okno(&[
        "archive",
        "fixtures/register",
        "--archive",
        arch.to_str().unwrap(),
    ]);
    let base = dir.path().join("журнал");
    let o = okno(&[
        "log",
        "intake",
        "--archive",
        arch.to_str().unwrap(),
        "--from",
        "01.10.2026",
        "--to",
        "31.10.2026",
        "-o",
        base.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    for ext in ["pdf", "docx", "xlsx"] {
        assert!(base.with_extension(ext).exists(), "{ext}");
    }
    let rows = sheet(&base.with_extension("xlsx"), "Журнал");
    let cases = okno::archive::newest_cases(&arch).unwrap();
    let in_october = cases
        .iter()
        .filter(|c| {
            c.notification
                .as_ref()
                .and_then(|n| n.date_received.or(n.date_sent))
                .is_some_and(|d| d.0.format("%Y-%m").to_string() == "2026-10")
        })
        .count();
    let data_rows = rows
        .iter()
        .filter(|r| {
            r.iter()
                .any(|c| c.starts_with("NSK") || c.contains("Реестр"))
                || r[0].parse::<usize>().is_ok_and(|_| r[3].len() > 3)
        })
        .count();
    assert!(in_october > 0);
    assert_eq!(data_rows, in_october, "{rows:?}");
}

#[test]
fn generated_benchmark_cases_are_valid_and_each_has_its_own_wording() {
    let mut templates = Vec::new();
    for e in std::fs::read_dir(root().join("fixtures/cases")).unwrap() {
        let read = okno::ingest::read_path(&e.unwrap().path()).unwrap();
        templates.extend(read.cases.into_iter().map(|c| c.case));
    }
    templates.sort_by(|a, b| a.case_id.cmp(&b.case_id));
    let cases = okno::synth::cases(&templates, 60, 42);
    let settings = okno::validate::Settings {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
    };
    let mut reasons = std::collections::HashSet::new();
    let mut total = 0;
    for c in &cases {
        let errors: Vec<String> = okno::validate::validate(c, &settings)
            .into_iter()
            .filter(|d| d.severity == okno::diagnostic::Severity::Error)
            .map(|d| format!("{} {}", d.rule, d.message))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", c.case_id);
        for m in c.child_assessment.iter().flat_map(|a| &a.marks) {
            if let Some(r) = &m.reason {
                total += 1;
                reasons.insert(r.clone());
            }
        }
    }
    // The same fixture sentence reads differently from case to case.
    assert!(total > 100, "{total} reasons");
    assert!(
        reasons.len() * 10 > total * 9,
        "{} distinct of {total}",
        reasons.len()
    );
}

/// Every file under `dir` (but the run's report, which says what this run did) with its mtime
/// and a hash of its bytes: what a rerun must leave as it was.
fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, std::time::SystemTime, u64)> {
    use std::hash::{Hash, Hasher};
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() != "отчет.xlsx")
        .map(|e| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            std::fs::read(e.path()).unwrap().hash(&mut h);
            (
                e.path().to_path_buf(),
                e.metadata().unwrap().modified().unwrap(),
                h.finish(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn two_inputs_of_one_case_in_a_batch_are_refused_until_one_is_left_and_reruns_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let text = std::fs::read_to_string(root().join("fixtures/cases/NSK-2026-0002.json")).unwrap();
    let mut later: Value = serde_json::from_str(&text).unwrap();
    later["notification"]["grounds"] = json!("Уточнённые основания после повторной беседы");
    std::fs::write(input.join("a.json"), &text).unwrap();
    std::fs::write(input.join("b.json"), serde_json::to_vec(&later).unwrap()).unwrap();
    std::fs::copy(
        root().join("fixtures/cases/NSK-2026-0005.json"),
        input.join("c.json"),
    )
    .unwrap();
    let (out, arch) = (dir.path().join("out"), dir.path().join("archive"));
    let run = || {
        okno(&[
            "batch",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--archive",
            arch.to_str().unwrap(),
            "--jobs",
            "2",
        ])
    };
    let o = run();
    assert_eq!(
        o.status.code(),
        Some(1),
        "one case ID from two inputs is an input error: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Neither input of NSK-2026-0002 is rendered or archived; the other case is.
    assert!(!arch.join("NSK-2026-0002").exists());
    assert!(!out.join("NSK-2026-0002").exists());
    assert!(okno::bagit::verify_bag(&arch.join("NSK-2026-0005/v1")).is_valid());
    let rows = sheet(&out.join("отчет.xlsx"), "Отчет");
    let message = format!(
        "номер случая NSK-2026-0002 встречается в двух файлах: {} и {} — выберите один",
        input.join("a.json").display(),
        input.join("b.json").display()
    );
    for f in ["a.json", "b.json"] {
        let row = rows.iter().find(|r| r[0].ends_with(f)).unwrap();
        assert_eq!(row[2], "ошибки", "{row:?}");
        assert!(
            row[7].contains(&format!("[I-SAME-ID] {message}")),
            "{row:?}"
        );
        assert_eq!(row[6], "", "not archived: {row:?}");
    }
    // The same inputs again: nothing on disk changes, not even an mtime.
    let (archive_before, out_before) = (snapshot(&arch), snapshot(&out));
    assert_eq!(run().status.code(), Some(1));
    assert_eq!(snapshot(&arch), archive_before, "the archive is as it was");
    assert_eq!(snapshot(&out), out_before, "the results are as they were");
    // The secretary keeps the later input: it becomes v1, and a rerun changes nothing.
    std::fs::remove_file(input.join("a.json")).unwrap();
    let o = run();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let case = arch.join("NSK-2026-0002");
    assert!(okno::bagit::verify_bag(&case.join("v1")).is_valid());
    let v1: Value =
        serde_json::from_slice(&std::fs::read(case.join("v1/data/case.json")).unwrap()).unwrap();
    assert_eq!(
        v1["notification"]["grounds"],
        later["notification"]["grounds"]
    );
    let (archive_before, forms_before) = (snapshot(&arch), snapshot(&out.join("NSK-2026-0002")));
    assert_eq!(run().status.code(), Some(0));
    assert_eq!(snapshot(&arch), archive_before);
    assert_eq!(
        snapshot(&out.join("NSK-2026-0002")),
        forms_before,
        "forms not rewritten"
    );
    let versions: Vec<String> = sheet(&out.join("отчет.xlsx"), "Отчет")[1..]
        .iter()
        .map(|r| r[6].clone())
        .collect();
    assert_eq!(versions, ["v1 (без изменений)", "v1 (без изменений)"]);
    assert!(!case.join("v2").exists());
    assert!(!arch.join(".tmp").exists());
}
