//! Issue 20, item 3: one small file must not take the process down. A far cell, a shared
//! strings bomb, a huge JSON field, deep nesting: each is refused in Russian at its place
//! (I-SIZE), with `okno validate` run under a 1 GB address-space limit, so that a reader that
//! allocates for the file's claims fails fast (abort) instead of eating the machine.

mod common;

use common::root;
use common::serve::{Client, Server};
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output};

const LIMIT_AS: u64 = 1 << 30;

/// `okno --today 2026-11-24 validate FILE` under `LIMIT_AS`.
fn validate(file: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_okno"));
    cmd.args(["--today", "2026-11-24", "validate"]).arg(file);
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: LIMIT_AS,
                rlim_max: LIMIT_AS,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().expect("run okno")
}

fn said(out: &Output) -> String {
    format!(
        "exit {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Each I-SIZE diagnostic with the line under it that gives its place.
fn size_errors(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    (0..lines.len())
        .filter(|&i| lines[i].contains("[I-SIZE]"))
        .map(|i| format!("{} {}", lines[i], lines.get(i + 1).unwrap_or(&"")))
        .collect()
}

/// The number of cases in validate's total line («Итого: файлов 1, случаев 26, …»).
fn cases(text: &str) -> String {
    let total = text.lines().find(|l| l.starts_with("Итого")).unwrap_or("");
    total
        .split(", ")
        .find(|p| p.starts_with("случаев"))
        .unwrap_or("")
        .to_string()
}

/// The parts of a zip package, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().to_string(), b)
        })
        .collect()
}

fn rezip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, b) in parts {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The part of an xlsx package that holds the sheet named `sheet`.
fn sheet_part(parts: &[(String, Vec<u8>)], sheet: &str) -> usize {
    let text = |name: &str| {
        let (_, b) = parts.iter().find(|(n, _)| n == name).unwrap();
        String::from_utf8_lossy(b).to_string()
    };
    let workbook = text("xl/workbook.xml");
    let tag = workbook
        .split("<sheet ")
        .find(|t| t.contains(&format!("name=\"{sheet}\"")))
        .unwrap();
    let id = tag
        .split("r:id=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let rels = text("xl/_rels/workbook.xml.rels");
    let rel = rels
        .split("<Relationship ")
        .find(|t| t.contains(&format!("Id=\"{id}\"")))
        .unwrap();
    let target = rel
        .split("Target=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let path = format!("xl/{}", target.trim_start_matches("/xl/"));
    parts.iter().position(|(n, _)| *n == path).unwrap()
}

/// A workbook with one more cell, at `cell` of `sheet` (an inline string «x»).
fn with_far_cell(fixture: &str, sheet: Option<&str>, cell: &str, row: u32) -> Vec<u8> {
    let mut parts = unzip(&std::fs::read(root().join(fixture)).unwrap());
    let i = match sheet {
        Some(s) => sheet_part(&parts, s),
        None => parts
            .iter()
            .position(|(n, _)| n.starts_with("xl/worksheets/sheet"))
            .unwrap(),
    };
    let xml = String::from_utf8(parts[i].1.clone()).unwrap().replacen(
        "</sheetData>",
        &format!(
            "<row r=\"{row}\"><c r=\"{cell}\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData>"
        ),
        1,
    );
    parts[i].1 = xml.into_bytes();
    rezip(&parts)
}

/// The workbook: a case workbook whose «Извещение» has one cell at XFD1048576.
fn far_case_workbook() -> Vec<u8> {
    with_far_cell(
        "fixtures/workbooks/NSK-2026-0001.xlsx",
        Some("Извещение"),
        "XFD1048576",
        1_048_576,
    )
}

#[test]
fn a_far_cell_in_a_case_workbook_is_refused_at_its_address_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("NSK-2026-0001.xlsx");
    let bytes = far_case_workbook();
    assert!(bytes.len() < 100_000, "a small file: {} bytes", bytes.len());
    std::fs::write(&path, bytes).unwrap();
    let out = validate(&path);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let errors = size_errors(&text);
    assert_eq!(errors.len(), 1, "{text}");
    assert!(
        errors[0].contains("«Извещение», XFD1048576"),
        "{}",
        errors[0]
    );
    // The case itself was read, and whole: the far cell is its only error.
    assert_eq!(cases(&text), "случаев 1", "{text}");
    assert_eq!(text.matches("ошибка[").count(), 1, "{text}");
}

#[test]
fn a_far_cell_in_a_register_is_refused_and_its_rows_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("реестр.xlsx");
    let clean = validate(&root().join("fixtures/register/register-2026-10.xlsx"));
    std::fs::write(
        &path,
        with_far_cell(
            "fixtures/register/register-2026-10.xlsx",
            None,
            "XFD1048576",
            1_048_576,
        ),
    )
    .unwrap();
    let out = validate(&path);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let errors = size_errors(&text);
    assert!(
        errors.len() == 1 && errors[0].contains("«Реестр», XFD1048576"),
        "{text}"
    );
    // Every row is still checked: the case count is the clean register's.
    let clean = said(&clean);
    assert!(cases(&clean).len() > "случаев ".len(), "{clean}");
    assert_eq!(cases(&text), cases(&clean), "{clean}\n---\n{text}");
}

#[test]
fn a_shared_strings_bomb_is_refused_before_it_is_read() {
    let mut parts =
        unzip(&std::fs::read(root().join("fixtures/workbooks/NSK-2026-0002.xlsx")).unwrap());
    let i = parts
        .iter()
        .position(|(n, _)| n == "xl/sharedStrings.xml")
        .unwrap();
    // 400 MB of one letter: a few hundred kilobytes packed.
    let sst = String::from_utf8(parts[i].1.clone()).unwrap().replacen(
        "</sst>",
        &format!("<si><t>{}</t></si></sst>", "z".repeat(400 << 20)),
        1,
    );
    parts[i].1 = sst.into_bytes();
    let bytes = rezip(&parts);
    drop(parts);
    assert!(bytes.len() < 5 << 20, "{} bytes", bytes.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("бомба.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let out = validate(&path);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let errors = size_errors(&text);
    assert!(
        errors.len() == 1 && errors[0].contains("sharedStrings.xml"),
        "{text}"
    );
}

#[test]
fn a_json_field_of_a_million_characters_is_an_error_at_its_pointer() {
    let case = std::fs::read_to_string(root().join("fixtures/cases/NSK-2026-0001.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&case).unwrap();
    v["territory"] = serde_json::Value::String("ж".repeat(1_000_000));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("длинный.json");
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    let out = validate(&path);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let errors = size_errors(&text);
    assert!(
        errors.len() == 1 && errors[0].contains("1000000") && errors[0].contains("--> /territory"),
        "{text}"
    );
    assert!(text.len() < 10_000, "the text itself is not echoed");
}

#[test]
fn json_nested_too_deep_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("глубокий.json");
    let depth = 100_000;
    let mut json = String::from("{\"case_id\": \"T-1\",\n\"x\": ");
    json.push_str(&"[".repeat(depth));
    json.push_str(&"]".repeat(depth));
    json.push('}');
    std::fs::write(&path, json).unwrap();
    let out = validate(&path);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let errors = size_errors(&text);
    assert!(
        errors.len() == 1 && errors[0].contains("строка 2"),
        "{text}"
    );
}

/// The page's sheet view: the far cell's workbook checked, then its sheet shown around the
/// far cell and around a far cell of the address — the server answers, and stays up.
#[test]
fn the_sheet_view_of_a_far_cell_answers_and_the_server_stays_up() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &[]);
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    let r = c.upload(
        "/check",
        &[("NSK-2026-0001.xlsx", far_case_workbook())],
        Some(&token),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let job = r.header("location").unwrap().to_string();
    let started = std::time::Instant::now();
    loop {
        let r = c.get(&format!("{job}/status"));
        assert_eq!(r.status, 200, "{}", r.text());
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        if v["done"].as_bool() == Some(true) {
            break;
        }
        assert!(started.elapsed().as_secs() < 120, "the check never ended");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let sheet = |c: &mut Client, q: &str| c.get(&format!("{job}/sheet/0?sheet={q}"));
    // «Извещение», at the far cell itself: not shown, with a word why.
    let r = sheet(
        &mut c,
        "%D0%98%D0%B7%D0%B2%D0%B5%D1%89%D0%B5%D0%BD%D0%B8%D0%B5&cell=XFD1048576",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("дальше, чем okno читает"), "{}", r.text());
    // «Семья» around CV200000: a window of rows, not 200,000 of them.
    let r = sheet(&mut c, "%D0%A1%D0%B5%D0%BC%D1%8C%D1%8F&cell=CV200000");
    assert_eq!(r.status, 200, "{}", r.text());
    let html = r.text();
    assert!(html.contains("id=\"hl\""), "the cell is highlighted");
    assert!(html.len() < 5 << 20, "{} bytes", html.len());
    assert!(
        html.contains("<th>200000</th>") && !html.contains("<th>1</th>"),
        "the window is around the cell"
    );
    // Still up.
    assert_eq!(c.get(&job).status, 200);
}

/// An .ods is read by calamine into a grid from the first to the last filled cell: a far
/// cell (after a million repeated empty rows) is refused before that grid is made.
#[test]
fn a_far_cell_in_an_ods_is_refused_before_the_grid_is_made() {
    let mut parts = unzip(
        &std::fs::read(root().join("fixtures/other-writers/NSK-2026-0201-libreoffice.ods"))
            .unwrap(),
    );
    let i = parts.iter().position(|(n, _)| n == "content.xml").unwrap();
    let xml = String::from_utf8(parts[i].1.clone()).unwrap();
    let at = xml.find("table:name=\"Извещение\"").unwrap();
    let end = at + xml[at..].find("</table:table>").unwrap();
    let far = "<table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated=\"16383\"/><table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>";
    parts[i].1 = format!("{}{far}{}", &xml[..end], &xml[end..]).into_bytes();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("NSK-2026-0201.ods");
    std::fs::write(&path, rezip(&parts)).unwrap();
    let out = validate(&path);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let errors = size_errors(&text);
    assert!(
        errors.len() == 1 && errors[0].contains("«Извещение»") && errors[0].contains(".xlsx"),
        "{text}"
    );
}

/// calamine reserves room for as many cells as an .xls sheet's DIMENSIONS record claims: four
/// bytes changed (the last row made 2,147,483,632) are refused before it opens the file.
#[test]
fn an_xls_claiming_two_billion_rows_is_refused_before_it_is_opened() {
    let mut bytes =
        std::fs::read(root().join("fixtures/other-writers/NSK-2026-0201-libreoffice.xls")).unwrap();
    // The first DIMENSIONS record (type 0x0200, 14 bytes): its last row, in place.
    let at = bytes
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0e, 0x00])
        .unwrap()
        + 4;
    bytes[at + 4..at + 8].copy_from_slice(&0x7FFF_FFF0u32.to_le_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("NSK-2026-0201.xls");
    std::fs::write(&path, bytes).unwrap();
    let out = validate(&path);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let errors = size_errors(&text);
    assert!(
        errors.len() == 1 && errors[0].contains("2147483632 строк"),
        "{text}"
    );
}
