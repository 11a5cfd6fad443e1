//! Spreadsheets in and out: our template filled by other programs, the register's tolerant
//! headers, unknown sheets and columns, and the JSON ↔ workbook round trip of every fixture.

use okno::diagnostic::{Diagnostic, Severity};
use okno::ingest::{read_bytes, read_path};
use okno::model::{FamilyType, Presence, RiskLevel, Sex};
use okno::run;
use okno::sheet_layouts::REGISTER_COLUMNS;
use okno::validate::Settings;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn settings() -> Settings {
    Settings {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
    }
}

fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

#[test]
fn template_filled_by_openpyxl_and_libreoffice_reads_the_same_and_validates() {
    let mut values = Vec::new();
    for name in [
        "NSK-2026-0201-openpyxl.xlsx",
        "NSK-2026-0201-libreoffice.ods",
        "NSK-2026-0201-libreoffice.xls",
    ] {
        let path = fixture(&format!("other-writers/{name}"));
        let report = run::check_file(&path, &settings());
        assert!(
            report.unreadable.is_none(),
            "{name}: {:?}",
            report.unreadable
        );
        let all: Vec<Diagnostic> = report.all_diagnostics().cloned().collect();
        assert!(errors(&all).is_empty(), "{name}: {all:#?}");
        assert!(
            !all.iter().any(|d| d.rule == "I-UNKNOWN"),
            "{name}: {all:#?}"
        );
        let case = &report.cases[0].ingested.case;
        assert_eq!(case.case_id, "NSK-2026-0201");
        let child = &case.family.children[0];
        assert_eq!(child.name.full(), "Тарасов Глеб Андреевич");
        assert_eq!(child.birth_date.unwrap().ru(), "02.05.2016");
        assert_eq!(child.sex, Some(Sex::M));
        assert_eq!(case.family.children[1].sex, Some(Sex::F));
        assert_eq!(
            case.family.family_types,
            vec![FamilyType::IncompleteBlood, FamilyType::Large]
        );
        assert_eq!(case.risk_level(), Some(RiskLevel::Low));
        let n = case.notification.as_ref().unwrap();
        assert_eq!(n.date_sent.unwrap().ru(), "09.10.2026");
        let marks = &case.child_assessment.as_ref().unwrap().marks;
        let m = marks
            .iter()
            .find(|m| m.criterion == 5 && m.indicator == 3)
            .expect("mark 5.3");
        assert_eq!(m.present, Some(Presence::Plus));
        assert_eq!(
            m.reason.as_deref(),
            Some("12 дней пропусков за сентябрь без уважительной причины")
        );
        assert_eq!(marks.len(), 7, "only the marked indicators are read");
        assert_eq!(case.departmental_plan.as_ref().unwrap().rows.len(), 2);
        values.push(serde_json::to_value(case).unwrap());
    }
    assert_eq!(values[0], values[1], "xlsx and ods differ");
    assert_eq!(values[0], values[2], "xlsx and xls differ");
}

#[test]
fn the_blank_template_reads_without_unknown_sheets_or_rows() {
    let bytes = okno::workbooks::case_workbook().unwrap();
    let ing = read_bytes("blank.xlsx", &bytes).unwrap();
    let diags: Vec<&Diagnostic> = ing
        .diagnostics
        .iter()
        .chain(ing.cases.iter().flat_map(|c| c.diagnostics.iter()))
        .collect();
    assert!(diags.is_empty(), "{diags:#?}");
    let case = &ing.cases[0].case;
    assert!(
        case.notification.is_none() && case.child_assessment.is_none(),
        "pre-filled rows are not data"
    );
}

#[test]
fn templates_are_reproducible() {
    assert_eq!(
        okno::workbooks::case_workbook().unwrap(),
        okno::workbooks::case_workbook().unwrap()
    );
    assert_eq!(
        okno::workbooks::register_workbook().unwrap(),
        okno::workbooks::register_workbook().unwrap()
    );
}

/// A small register written by hand, with headers as a person might type them.
fn register_with(headers: &[(usize, &str)], rows: &[Vec<(usize, &str)>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Реестр").unwrap();
    for (c, h) in headers {
        ws.write_string(0, *c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row {
            ws.write_string(1 + r as u32, *c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn register_headers_match_tolerantly_and_unknown_columns_are_reported() {
    let bytes = register_with(
        &[
            (0, "НОМЕР СЛУЧАЯ"),
            (
                1,
                "Фамилия, имя, отчество (последнее – при наличии)\nребенка",
            ),
            (2, "  дата  рождения ребёнка "),
            (3, "Пол"),
            (4, "Дата направления извещения"),
            (5, "Любимый цвет"),
        ],
        &[vec![
            (0, "R-1"),
            (1, "Семёнов Пётр Ильич"),
            (2, "12.04.2015"),
            (3, "М"),
            (4, "2026-10-01"),
            (5, "синий"),
        ]],
    );
    let ing = read_bytes("reg.xlsx", &bytes).unwrap();
    assert_eq!(ing.cases.len(), 1);
    let case = &ing.cases[0].case;
    assert_eq!(case.case_id, "R-1");
    assert_eq!(case.family.children[0].name.surname, "Семёнов");
    assert_eq!(
        case.family.children[0].birth_date.unwrap().iso(),
        "2015-04-12"
    );
    assert_eq!(
        case.notification.as_ref().unwrap().date_sent.unwrap().iso(),
        "2026-10-01"
    );
    let unknown: Vec<&Diagnostic> = ing
        .diagnostics
        .iter()
        .filter(|d| d.rule == "I-UNKNOWN")
        .collect();
    assert_eq!(unknown.len(), 1, "{unknown:#?}");
    assert_eq!(unknown[0].cell.as_deref(), Some("F1"));
    assert!(unknown[0].message.contains("Любимый цвет"));
}

#[test]
fn the_seeds_two_row_header_is_read() {
    // App. 1 as printed: «Сведения о родителях» over «ФИО» and «телефон», then column numbers.
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let top = [
        "№ п/п",
        "Дата поступления сведений",
        "Источник поступления сведений",
        "Фамилия, имя, отчество (последнее – при наличии) ребенка",
        "Дата рождения ребенка",
        "Место обучения ребенка",
        "Сведения о родителях (законных представителях)",
        "",
        "Адрес места жительства, регистрации семьи",
        "Основания для извещения",
        "Дата направления извещения",
    ];
    for (c, t) in top.iter().enumerate() {
        if !t.is_empty() {
            ws.write_string(0, c as u16, *t).unwrap();
        }
    }
    ws.merge_range(
        0,
        6,
        0,
        7,
        "Сведения о родителях (законных представителях)",
        &Format::new(),
    )
    .unwrap();
    ws.write_string(1, 6, "Фамилия, имя, отчество (последнее – при наличии)")
        .unwrap();
    ws.write_string(1, 7, "телефон").unwrap();
    for c in 0..11u16 {
        ws.write_number(2, c, f64::from(c + 1)).unwrap();
    }
    let date = Format::new().set_num_format("dd.mm.yyyy");
    ws.write_number(3, 0, 1.0).unwrap();
    ws.write_datetime_with_format(3, 1, ExcelDateTime::from_ymd(2026, 9, 14).unwrap(), &date)
        .unwrap();
    ws.write_string(3, 3, "Белова Ксения Романовна").unwrap();
    ws.write_datetime_with_format(3, 4, ExcelDateTime::from_ymd(2013, 2, 3).unwrap(), &date)
        .unwrap();
    ws.write_string(3, 6, "Белова Ирина Олеговна; Белов Роман Сергеевич")
        .unwrap();
    ws.write_string(3, 7, "+7 913 000-11-22; 8 913 000-33-44")
        .unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let ing = read_bytes("журнал.xlsx", &bytes).unwrap();
    assert!(
        ing.diagnostics.iter().all(|d| d.rule != "I-UNKNOWN"),
        "{:#?}",
        ing.diagnostics
    );
    assert_eq!(ing.cases.len(), 1, "the numbers row is not a notification");
    let case = &ing.cases[0].case;
    let reps = &case.family.legal_representatives;
    assert_eq!(reps.len(), 2);
    assert_eq!(reps[1].name.full(), "Белов Роман Сергеевич");
    assert_eq!(reps[1].phone.as_deref(), Some("8 913 000-33-44"));
    assert_eq!(
        case.notification
            .as_ref()
            .unwrap()
            .detection_date
            .unwrap()
            .ru(),
        "14.09.2026"
    );
}

#[test]
fn a_register_with_one_bad_row_reports_that_row_only() {
    let mut rng = okno::synth::Rng::new(7);
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Реестр").unwrap();
    for (c, col) in REGISTER_COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, col.label).unwrap();
    }
    let sent_col = REGISTER_COLUMNS
        .iter()
        .position(|c| c.path == "/notification/date_sent")
        .unwrap();
    for n in 1..=6usize {
        for (c, cell) in okno::synth::register_row(&mut rng, n) {
            let (r, c16) = (n as u32, c as u16);
            match cell {
                _ if n == 4 && c == sent_col => {
                    ws.write_string(r, c16, "31.02.2026").unwrap();
                }
                okno::synth::Cell::Text(t) => {
                    ws.write_string(r, c16, t).unwrap();
                }
                okno::synth::Cell::Number(x) => {
                    ws.write_number(r, c16, x).unwrap();
                }
                okno::synth::Cell::Date(y, m, d) => {
                    ws.write_datetime_with_format(
                        r,
                        c16,
                        ExcelDateTime::from_ymd(y, m, d).unwrap(),
                        &Format::new().set_num_format("dd.mm.yyyy"),
                    )
                    .unwrap();
                }
                okno::synth::Cell::Empty => {}
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reg.xlsx");
    std::fs::write(&path, book.save_to_buffer().unwrap()).unwrap();
    let report = run::check_file(&path, &settings());
    assert_eq!(report.cases.len(), 6);
    for (i, c) in report.cases.iter().enumerate() {
        let errs = errors(&c.diagnostics);
        if i == 3 {
            assert_eq!(errs.len(), 1, "{errs:#?}");
            assert_eq!(errs[0].rule, "I-DATE");
            let col = okno::ingest::cells_address(4, sent_col as u32);
            assert_eq!(errs[0].cell.as_deref(), Some(col.as_str()));
            assert_eq!(errs[0].sheet.as_deref(), Some("Реестр"));
        } else {
            assert!(errs.is_empty(), "row {}: {errs:#?}", i + 2);
        }
    }
}

#[test]
fn unknown_sheets_and_rows_of_a_case_workbook_are_reported_at_their_place() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Семья").unwrap();
    ws.write_string(2, 0, "Номер случая").unwrap();
    ws.write_string(2, 1, "NSK-1").unwrap();
    ws.write_string(3, 0, "Кличка собаки").unwrap();
    ws.write_string(3, 1, "Шарик").unwrap();
    let other = book.add_worksheet();
    other.set_name("Заметки").unwrap();
    other.write_string(0, 0, "что-то важное").unwrap();
    let ing = read_bytes("k.xlsx", &book.save_to_buffer().unwrap()).unwrap();
    let diags: Vec<&Diagnostic> = ing
        .cases
        .iter()
        .flat_map(|c| c.diagnostics.iter())
        .chain(ing.diagnostics.iter())
        .collect();
    let row = diags
        .iter()
        .find(|d| d.message.contains("Кличка собаки"))
        .expect("unknown row reported");
    assert_eq!(
        (row.rule, row.sheet.as_deref(), row.cell.as_deref()),
        ("I-UNKNOWN", Some("Семья"), Some("A4"))
    );
    let sheet = diags
        .iter()
        .find(|d| d.sheet.as_deref() == Some("Заметки"))
        .expect("unknown sheet reported");
    assert_eq!(sheet.rule, "I-UNKNOWN");
}

#[test]
fn every_json_fixture_survives_the_trip_through_a_case_workbook() {
    let dir = fixture("cases");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "toml")
        ) {
            continue;
        }
        let original = read_path(&path).unwrap().cases.remove(0).case;
        let bytes = okno::workbooks::case_workbook_filled(&original).unwrap();
        let back = read_bytes("back.xlsx", &bytes).unwrap();
        let diags: Vec<&Diagnostic> = back
            .diagnostics
            .iter()
            .chain(back.cases.iter().flat_map(|c| c.diagnostics.iter()))
            .collect();
        assert!(diags.is_empty(), "{}: {diags:#?}", path.display());
        let a = canonical(serde_json::to_value(&original).unwrap());
        let b = canonical(serde_json::to_value(&back.cases[0].case).unwrap());
        let mut diffs = Vec::new();
        diff(&a, &b, String::new(), &mut diffs);
        assert!(
            diffs.is_empty(),
            "{}: the workbook loses or changes data:
{}",
            path.display(),
            diffs.join(
                "
"
            )
        );
        n += 1;
    }
    assert!(n >= 8, "at least 8 case fixtures, found {n}");
}

/// The pointers where two JSON values differ, with both sides.
fn diff(a: &serde_json::Value, b: &serde_json::Value, at: String, out: &mut Vec<String>) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                diff(
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    format!("{at}/{k}"),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                diff(
                    x.get(i).unwrap_or(&Value::Null),
                    y.get(i).unwrap_or(&Value::Null),
                    format!("{at}/{i}"),
                    out,
                );
            }
        }
        _ if a != b => out.push(format!("{at}: {a} ≠ {b}")),
        _ => {}
    }
}

/// Tables keyed by the catalog come back in the catalog's order: compare them sorted.
fn canonical(mut v: serde_json::Value) -> serde_json::Value {
    let domains = [
        "housing_income",
        "health",
        "safety",
        "education",
        "family_relations",
        "social_relations",
    ];
    let rank = |x: &serde_json::Value| domains.iter().position(|d| x["domain"] == *d).unwrap_or(99);
    let num = |x: &serde_json::Value, k: &str| {
        x[k].as_u64()
            .or_else(|| x[k].as_str().and_then(|s| s.parse().ok()))
            .unwrap_or(0)
    };
    if let Some(a) = v
        .pointer_mut("/child_assessment/marks")
        .and_then(|a| a.as_array_mut())
    {
        a.sort_by_key(|x| (num(x, "criterion"), num(x, "indicator")));
    }
    if let Some(a) = v
        .pointer_mut("/housing_inspection/answers")
        .and_then(|a| a.as_array_mut())
    {
        a.sort_by_key(|x| num(x, "question"));
    }
    for p in ["/support_card/domains", "/support_card/results/dynamics"] {
        if let Some(a) = v.pointer_mut(p).and_then(|a| a.as_array_mut()) {
            a.sort_by_key(|x| rank(x));
        }
    }
    if let Some(a) = v
        .pointer_mut("/support_card/answers")
        .and_then(|a| a.as_array_mut())
    {
        a.sort_by_key(|x| (rank(x), num(x, "question")));
    }
    v
}
