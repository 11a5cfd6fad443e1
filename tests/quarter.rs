//! The commission's quarter over an archive (issue 12): the single window's inflow counted as
//! `okno validate` counts it, the chained notification deadline, territories side by side and
//! one at a time, a bad territory refused in Russian.

mod common;

use calamine::{Data, Reader, open_workbook_auto};
use common::root;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

const TODAY: &str = "01.12.2026";

/// `okno --today 01.12.2026 ARGS…` in the repository.
fn okno(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_okno"))
        .args(["--today", TODAY])
        .args(args)
        .current_dir(root())
        .output()
        .expect("run okno")
}

fn ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

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

/// The value of a «Сводка» row.
fn value(summary: &[Vec<String>], key: &str) -> usize {
    summary
        .iter()
        .find(|r| r[0] == key)
        .unwrap_or_else(|| panic!("{key}: {summary:?}"))[1]
        .parse()
        .unwrap()
}

/// `okno validate --format json` on `inputs`: (rule, message) of every diagnostic.
fn validated(inputs: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["validate", "--format", "json"];
    args.extend(inputs);
    let o = okno(&args);
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| {
            Some((
                v["rule"].as_str()?.to_string(),
                v["message"].as_str()?.to_string(),
            ))
        })
        .collect()
}

fn archive(inputs: &[&str], arch: &Path) {
    let mut args = vec!["archive"];
    args.extend(inputs);
    args.extend(["--archive", arch.to_str().unwrap()]);
    ok(&okno(&args));
}

fn quarter(arch: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "quarter",
        "2026-Q4",
        "--archive",
        arch.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    okno(&args)
}

#[test]
fn the_quarter_counts_octobers_notifications_and_their_breaches_as_validate_does() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    archive(&["fixtures/cases", "fixtures/register"], &arch);
    let out = dir.path().join("q");
    let o = quarter(&arch, &out, &[]);
    ok(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("извещений поступило 26"), "{stdout}");

    let xlsx = out.join("сводка-2026-Q4.xlsx");
    let summary = sheet(&xlsx, "Сводка");
    // Every row of the register is a notification of October 2026.
    let register = validated(&["fixtures/register"]);
    let rows = sheet(
        &root().join("fixtures/register/register-2026-10.xlsx"),
        "Реестр",
    );
    let ids: Vec<&String> = rows[1..].iter().map(|r| &r[11]).collect();
    assert_eq!(ids.len(), 26);
    assert_eq!(value(&summary, "Извещений поступило в квартале"), ids.len());
    // No conclusion in a register: all of them wait, named one by one.
    let waiting = sheet(&xlsx, "Ожидают");
    let mut named: Vec<&String> = waiting[1..].iter().map(|r| &r[0]).collect();
    named.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(named, want);
    assert_eq!(value(&summary, "Извещения: ожидают «Единого окна»"), 26);
    // The deadlines the summary lists for these cases are exactly validate's.
    let mut from_validate: Vec<(String, String)> = register
        .into_iter()
        .filter(|(rule, _)| rule.starts_with("D-") && rule != "D-MONITOR-3M")
        .collect();
    let mut from_quarter: Vec<(String, String)> = sheet(&xlsx, "Сроки")[1..]
        .iter()
        .filter(|r| ids.contains(&&r[0]))
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    from_validate.sort();
    from_quarter.sort();
    assert!(!from_validate.is_empty());
    assert_eq!(from_quarter, from_validate);
    let diag = from_validate
        .iter()
        .filter(|(r, _)| r == "D-DIAG-3")
        .count();
    assert_eq!(value(&summary, "Нарушений D-DIAG-3"), diag);
    // The PDF says it too, and names the waiting cases.
    let pdf = pdf_extract::extract_text(out.join("сводка-2026-Q4.pdf")).unwrap();
    let flat = pdf.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Поступило извещений: 26"), "{flat}");
    assert!(flat.contains("NSK-2026-1001") && flat.contains("NSK-2026-1026"));
}

/// A notification at the single window, from the polyclinic's fixture.
fn notification(id: &str, territory: Option<&str>, dates: (&str, &str, Option<&str>)) -> Value {
    let path = root().join("fixtures/duplicates/NSK-2026-0131-polyclinic.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["case_id"] = json!(id);
    match territory {
        Some(t) => v["territory"] = json!(t),
        None => {
            v.as_object_mut().unwrap().remove("territory");
        }
    }
    // A child of its own (no I-DUPLICATE between them): the name from the ID's number.
    let n: String = id.chars().filter(char::is_ascii_digit).collect();
    v["family"]["children"][0]["name"] = json!(format!("Тестова{n} Полина Алексеевна"));
    v["notification"]["detection_date"] = json!(dates.0);
    v["notification"]["date_sent"] = json!(dates.1);
    v["notification"]["date_received"] = json!(dates.2);
    v
}

fn write_cases(dir: &Path, cases: &[Value]) {
    std::fs::create_dir_all(dir).unwrap();
    for c in cases {
        std::fs::write(
            dir.join(format!("{}.json", c["case_id"].as_str().unwrap())),
            serde_json::to_vec_pretty(c).unwrap(),
        )
        .unwrap();
    }
}

#[test]
fn a_notification_sent_ten_days_after_detection_without_diagnostics_is_late() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = notification(
        "CHAIN-1",
        Some("г. Бердск"),
        ("05.03.2026", "15.03.2026", None),
    );
    c.as_object_mut().unwrap().remove("child_assessment");
    c.as_object_mut().unwrap().remove("family_assessment");
    c["notification"]["primary_assessment"] = json!("Проведена полностью");
    write_cases(dir.path(), &[c.clone()]);
    let input = dir.path().join("CHAIN-1.json");
    let d = validated(&[input.to_str().unwrap()]);
    let late: Vec<&String> = d
        .iter()
        .filter(|(r, _)| r == "D-NOTIFY-1")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(late.len(), 1, "{d:?}");
    assert!(
        late[0].contains("срок — 09.03.2026") && late[0].contains("просрочка 6 дн."),
        "{}",
        late[0]
    );
    // With a diagnostics date the two deadlines stand apart: diagnostics on 07.03 (in time),
    // notification due 08.03, sent 15.03: 7 days over, counted from the diagnostics.
    c["child_assessment"] = json!({"date": "07.03.2026"});
    write_cases(dir.path(), &[c]);
    let d = validated(&[input.to_str().unwrap()]);
    let late: Vec<&String> = d
        .iter()
        .filter(|(r, _)| r == "D-NOTIFY-1")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(late.len(), 1, "{d:?}");
    assert!(
        late[0].contains("срок — 08.03.2026") && late[0].contains("просрочка 7 дн."),
        "{}",
        late[0]
    );
}

#[test]
fn two_territories_side_by_side_add_up_and_one_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let ber = "г. Бердск";
    let tog = "Тогучинский район";
    // Received 02.11, no conclusion on 01.12: D-SW-3 overdue (due 05.11).
    let cases = vec![
        notification(
            "T-0001",
            Some(ber),
            ("01.11.2026", "02.11.2026", Some("02.11.2026")),
        ),
        notification(
            "T-0002",
            Some(ber),
            ("01.11.2026", "02.11.2026", Some("02.11.2026")),
        ),
        // Received 29.11: waiting, still in time.
        notification(
            "T-0003",
            Some(ber),
            ("27.11.2026", "28.11.2026", Some("29.11.2026")),
        ),
        notification(
            "T-0004",
            Some(tog),
            ("01.10.2026", "02.10.2026", Some("03.10.2026")),
        ),
        // No territory: its own line, and a warning.
        notification("T-0005", None, ("10.10.2026", "11.10.2026", None)),
    ];
    write_cases(&input, &cases);
    let arch = dir.path().join("archive");
    archive(&[input.to_str().unwrap()], &arch);
    let out = dir.path().join("q");
    ok(&quarter(&arch, &out, &[]));
    let xlsx = out.join("сводка-2026-Q4.xlsx");
    let t = sheet(&xlsx, "Территории");
    let head = &t[0];
    let (lines, total) = (&t[1..t.len() - 1], &t[t.len() - 1]);
    assert_eq!(total[0], "Всего");
    let labels: Vec<&str> = lines.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(labels, vec![ber, tog, "не указана"]);
    for c in 1..head.len() {
        let sum: usize = lines.iter().map(|r| r[c].parse::<usize>().unwrap()).sum();
        assert_eq!(sum.to_string(), total[c], "column «{}»", head[c]);
    }
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    assert_eq!(lines[0][col("Поступило извещений")], "3");
    assert_eq!(lines[0][col("Просрочен D-SW-3")], "2");
    assert_eq!(total[col("Поступило извещений")], "5");
    // The overdue ones are validate's D-SW-3, and T-0005, whose receipt was not recorded:
    // counted from its date sent (11.10), and the summary says so (issue 21, item 10).
    let sw = validated(&[input.to_str().unwrap()])
        .into_iter()
        .filter(|(r, _)| r == "D-SW-3")
        .count();
    let waiting = sheet(&xlsx, "Ожидают");
    let overdue: Vec<&str> = waiting[1..]
        .iter()
        .filter(|r| r[4].starts_with("просрочено"))
        .map(|r| r[0].as_str())
        .collect();
    assert_eq!(overdue.len(), sw + 1);
    // The longest overdue first.
    assert_eq!(overdue, vec!["T-0004", "T-0005", "T-0001", "T-0002"]);
    let pdf = pdf_extract::extract_text(out.join("сводка-2026-Q4.pdf")).unwrap();
    assert!(pdf.contains("Извещения по территориям") && pdf.contains(tog));

    // One territory: by code or name, the summary and the log hold its cases only.
    let one = dir.path().join("one");
    ok(&quarter(&arch, &one, &["--territory", "berdsk"]));
    let xlsx = one.join("сводка-2026-Q4-berdsk.xlsx");
    let summary = sheet(&xlsx, "Сводка");
    assert_eq!(summary[1][..2], ["Территория".to_string(), ber.to_string()]);
    assert_eq!(value(&summary, "Извещений поступило в квартале"), 3);
    let ids: Vec<String> = sheet(&xlsx, "Ожидают")[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(ids, vec!["T-0001", "T-0002", "T-0003"]);
    let log = dir.path().join("log.xlsx");
    ok(&okno(&[
        "log",
        "intake",
        "--archive",
        arch.to_str().unwrap(),
        "--territory",
        tog,
        "-o",
        log.to_str().unwrap(),
    ]));
    // The log is the seed's form: no case IDs, the children by name.
    let text: String = sheet(&log, "Журнал").concat().concat();
    assert!(
        text.contains("Тестова0004") && !text.contains("Тестова0001"),
        "{text}"
    );
}

#[test]
fn an_unknown_territory_is_refused_in_russian_with_the_list() {
    let dir = tempfile::tempdir().unwrap();
    // On the command line: exit 2, the catalog's names.
    let o = quarter(
        dir.path(),
        &dir.path().join("q"),
        &["--territory", "Атлантида"],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("территории «Атлантида» нет в каталоге") && err.contains("«г. Бердск»"),
        "{err}"
    );
    // In a case file: an error at its place, the case is not archived.
    let c = notification(
        "T-0009",
        Some("Атлантида"),
        ("01.11.2026", "02.11.2026", None),
    );
    write_cases(dir.path(), &[c]);
    let file = dir.path().join("T-0009.json");
    let o = okno(&["validate", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("ошибка[I-OPTION]") && text.contains("/territory"),
        "{text}"
    );
    // Missing: a warning only.
    let c = notification("T-0010", None, ("01.11.2026", "02.11.2026", None));
    write_cases(dir.path(), &[c]);
    let d = validated(&[dir.path().join("T-0010.json").to_str().unwrap()]);
    assert!(d.iter().any(|(r, _)| r == "N-TERRITORY"), "{d:?}");
}

#[test]
fn the_summary_is_the_same_bytes_twice() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    archive(&["fixtures/cases", "fixtures/register"], &arch);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    ok(&quarter(&arch, &a, &[]));
    ok(&quarter(&arch, &b, &[]));
    for ext in ["pdf", "docx", "xlsx"] {
        let name = format!("сводка-2026-Q4.{ext}");
        assert!(
            std::fs::read(a.join(&name)).unwrap() == std::fs::read(b.join(&name)).unwrap(),
            "{name}"
        );
    }
}

/// Whether an outside tool is there; under CI its absence is a failure, not a skip.
fn have(what: &str, present: bool) -> bool {
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "{what} is missing, and CI must run this test"
        );
        eprintln!("skipped: {what} is not installed");
    }
    present
}

/// The layout check (`scripts/check_layout.py`) over `path`: its report when it found a problem.
fn layout_problems(path: &Path) -> Option<String> {
    let o = Command::new("python3")
        .arg(root().join("scripts/check_layout.py"))
        .arg(path)
        .output()
        .expect("python3");
    let report =
        String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    (!o.status.success()).then_some(report)
}

/// 230 notifications at the single window over five territories, some without one: long
/// lists (cut at 200 rows in the PDF and DOCX), tables and bars per territory.
fn many() -> Vec<okno::model::Case> {
    let territories = [
        Some("г. Новосибирск, Ленинский район"),
        Some("г. Новосибирск, Железнодорожный район"),
        Some("Усть-Таркский район"),
        Some("р. п. Кольцово"),
        Some("г. Бердск"),
        None,
    ];
    (0..230)
        .map(|i| {
            let day = 1 + i % 28;
            let v = notification(
                &format!("M-{i:04}"),
                territories[i % territories.len()],
                (
                    &format!("{day:02}.10.2026"),
                    &format!("{:02}.10.2026", day + i % 3),
                    (i % 2 == 0)
                        .then(|| format!("{:02}.10.2026", day + i % 3))
                        .as_deref(),
                ),
            );
            serde_json::from_value(v).unwrap()
        })
        .collect()
}

#[test]
fn the_summary_with_long_lists_and_many_territories_keeps_its_layout_in_pdf_and_docx() {
    let q = okno::report::Quarter::parse("2026-Q4").unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let r = okno::report::quarter(many(), q, today);
    assert_eq!(r.inflow.received, 230);
    assert_eq!(r.territories.len(), 6);
    let doc = okno::report::summary_document(&r, today);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("сводка.pdf");
    let docx = dir.path().join("сводка.docx");
    std::fs::write(&pdf, okno::render::Format::Pdf.write(&doc).unwrap()).unwrap();
    std::fs::write(&docx, okno::render::Format::Docx.write(&doc).unwrap()).unwrap();
    let text = pdf_extract::extract_text(&pdf).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // The waiting list stops at 200 rows and says where the rest is.
    // (All 230 are overdue since issue 21 counts from the date sent, so the order is by days.)
    let from = flat.find("Ожидают заключения «Единого окна»").unwrap();
    let list = &flat[from..from + flat[from..].find("… и еще 30").unwrap()];
    let named = (0..230)
        .filter(|i| list.contains(&format!("M-{i:04}")))
        .count();
    assert_eq!(named, 200, "{flat}");
    assert!(
        flat.contains("… и еще 30: всего 230, полный список — в сводке XLSX, лист «Ожидают»"),
        "{flat}"
    );
    assert!(flat.contains("Усть-Таркский район") && flat.contains("Всего"));
    if !have("pdfplumber", common::python_has("pdfplumber")) {
        return;
    }
    if let Some(report) = layout_problems(&pdf) {
        panic!("PDF: {report}");
    }
    let soffice = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have("LibreOffice", soffice) {
        return;
    }
    let converted = dir.path().join("docx");
    let o = Command::new("bash")
        .arg(root().join("scripts/docx_to_pdf.sh"))
        .arg(dir.path())
        .arg(&converted)
        .output()
        .expect("bash");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    if let Some(report) = layout_problems(&converted) {
        panic!("DOCX: {report}");
    }
}

/// The column letters of a 0-based index (0 → A, 26 → AA).
fn column_letters(mut i: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (i % 26) as u8) as char);
        if i < 26 {
            return s;
        }
        i = i / 26 - 1;
    }
}

/// The list a cell (range) of sheet `name` offers as its dropdown: the cells of «Списки» its
/// `formula1` names. rust_xlsxwriter stores the n-th sheet of the book as `sheetN.xml`.
fn dropdown(book: &Path, name: &str, start: &str) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let read = |zip: &mut zip::ZipArchive<std::fs::File>, part: &str| {
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(part).unwrap(), &mut xml).unwrap();
        xml
    };
    let workbook = read(&mut zip, "xl/workbook.xml");
    let n = workbook
        .match_indices("<sheet ")
        .position(|(i, _)| workbook[i..].starts_with(&format!("<sheet name=\"{name}\"")))
        .unwrap();
    let xml = read(&mut zip, &format!("xl/worksheets/sheet{}.xml", n + 1));
    let at = xml
        .find(&format!("sqref=\"{start}:"))
        .or_else(|| xml.find(&format!("sqref=\"{start}\"")))
        .unwrap_or_else(|| panic!("no dropdown at {name}!{start}"));
    let formula = &xml[at..];
    let f0 = formula.find("<formula1>").unwrap() + "<formula1>".len();
    let f1 = formula.find("</formula1>").unwrap();
    // 'Списки'!$A$2:$A$45
    let cells = formula[f0..f1].split('!').nth(1).unwrap().replace('$', "");
    let (a, b) = cells.split_once(':').unwrap();
    let col: String = a.chars().take_while(char::is_ascii_alphabetic).collect();
    let row = |s: &str| -> usize { s[col.len()..].parse().unwrap() };
    let c = col
        .bytes()
        .fold(0usize, |n, b| n * 26 + (b - b'A' + 1) as usize)
        - 1;
    let lists = sheet(book, "Списки");
    (row(a)..=row(b)).map(|r| lists[r - 1][c].clone()).collect()
}

#[test]
fn the_blank_workbooks_offer_the_catalogs_territories_as_a_dropdown() {
    let dir = tempfile::tempdir().unwrap();
    let catalog: Vec<String> = okno::catalog::catalog()
        .labels("territory")
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(catalog.len() >= 44 && catalog.contains(&"Тогучинский район".to_string()));
    let register = dir.path().join("реестр.xlsx");
    ok(&okno(&[
        "template",
        "register",
        "-o",
        register.to_str().unwrap(),
    ]));
    let head = &sheet(&register, "Реестр")[0];
    let col = head.iter().position(|h| h == "Территория").unwrap();
    assert_eq!(
        dropdown(&register, "Реестр", &format!("{}2", column_letters(col))),
        catalog
    );
    let case = dir.path().join("случай.xlsx");
    ok(&okno(&["template", "case", "-o", case.to_str().unwrap()]));
    let family = sheet(&case, "Семья");
    let row = family.iter().position(|r| r[0] == "Территория").unwrap();
    assert_eq!(dropdown(&case, "Семья", &format!("B{}", row + 1)), catalog);
}

#[test]
fn the_summary_is_one_document_whose_sheets_only_the_workbook_holds() {
    use okno::doc::Block;
    let q = okno::report::Quarter::parse("2026-Q4").unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let r = okno::report::quarter(many(), q, today);
    let doc = okno::report::summary_document(&r, today);
    // The workbook: a sheet per table, every row of the lists the pages cut at 200.
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("сводка.xlsx");
    std::fs::write(&xlsx, okno::render::xlsx::xlsx(&doc).unwrap()).unwrap();
    let book = open_workbook_auto(&xlsx).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Сводка",
            "Территории",
            "Ожидают",
            "Повторные",
            "Динамика",
            "Мониторинг",
            "Сроки",
            "Случаи"
        ]
    );
    assert_eq!(sheet(&xlsx, "Ожидают").len(), 1 + 230);
    assert_eq!(
        value(&sheet(&xlsx, "Сводка"), "Извещений поступило в квартале"),
        230
    );
    // The pages: the sheets are passed over, the PDF and DOCX are those of the tree without them.
    let mut printed = doc.clone();
    printed.blocks.retain(|b| !matches!(b, Block::Sheet { .. }));
    assert!(printed.blocks.len() < doc.blocks.len());
    for f in [okno::render::Format::Pdf, okno::render::Format::Docx] {
        assert!(
            f.write(&doc).unwrap() == f.write(&printed).unwrap(),
            "{}: the sheets change nothing on the pages",
            f.ext()
        );
    }
}
