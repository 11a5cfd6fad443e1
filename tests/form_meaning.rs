//! The forms say what the case says (issue 21, items 1, 2, 7 and 10): each value in the place
//! the seed's form gives it (the DOCX cell under its header, the PDF column by position), each
//! attachment tick true on the form's date, amounts written as Russian documents write them,
//! and a quarter summary that counts what it says it counts.

mod common;

use common::forms::{cases_in, document_xml, docx_tables, fixture as case, form, rendered};
use common::{python_has, root};
use okno::doc::{Block, Document, Text};
use okno::ingest::case_from_value;
use okno::model::Case;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

fn all_cases() -> Vec<Case> {
    cases_in(&["fixtures/cases"])
}

const FOR_WHOM: &str = "Кому из членов семьи:";
const WHICH: &str = "Какие:";

#[test]
fn the_housing_acts_benefits_stand_in_the_seeds_three_columns_in_the_docx() {
    // Seed 003: «Какие льготы/пособия/выплаты необходимо оформить: | Кому из членов семьи: |
    // Какие:», then rows. NSK-2026-0005 answers «Да» and lists three benefits, each for someone.
    let (_, docx) = rendered(&form(&case("NSK-2026-0005"), "housing_inspection"));
    let tables = docx_tables(&docx);
    let table = tables
        .iter()
        .find(|t| t.iter().any(|r| r.iter().any(|c| c == FOR_WHOM)))
        .expect("a table with the column «Кому из членов семьи:»");
    let head = table
        .iter()
        .position(|r| r.iter().any(|c| c == FOR_WHOM))
        .unwrap();
    let header = &table[head];
    assert_eq!(header.len(), 3, "{header:?}");
    assert!(
        header[0].starts_with("Какие льготы/ пособия /выплаты"),
        "{header:?}"
    );
    assert_eq!((header[1].as_str(), header[2].as_str()), (FOR_WHOM, WHICH));
    let rows = &table[head + 1..];
    assert_eq!(
        rows,
        &[
            vec![
                "Да".to_string(),
                "Захарова Ирина Сергеевна (мать)".into(),
                "Статус многодетной семьи".into()
            ],
            vec![
                String::new(),
                "семья".into(),
                "Субсидия на оплату ЖКУ".into()
            ],
            vec![
                String::new(),
                "Захаров Никита, Захарова Маргарита".into(),
                "Бесплатное питание детей в школе".into()
            ],
        ]
    );
}

#[test]
fn the_housing_acts_benefits_stand_under_their_headers_in_the_pdf() {
    if !python_has("pdfplumber") {
        eprintln!("SKIPPED: pdfplumber (PyPI) is not installed");
        return;
    }
    let (pdf, _) = rendered(&form(&case("NSK-2026-0005"), "housing_inspection"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("act.pdf");
    std::fs::write(&path, &pdf).unwrap();
    // The left edge of each header word and of the first word of each value, on its page.
    let script = r#"
import json, sys, pdfplumber
want = json.loads(sys.argv[2])
out = {}
words = []
with pdfplumber.open(sys.argv[1]) as pdf:
    for n, page in enumerate(pdf.pages):
        words += [(n, w) for w in page.extract_words()]
def find(seq, start):
    for i in range(start, len(words)):
        if [w["text"] for _, w in words[i:i + len(seq)]] == seq:
            return i
# The header first; the values after it (a name may stand in the residents' table above).
head = find(want.pop("for_whom"), 0)
n, w = words[head]
out["for_whom"] = [n, w["x0"], w["top"]]
for key, seq in want.items():
    i = find(seq, head)
    if i is not None:
        n, w = words[i]
        out[key] = [n, w["x0"], w["top"]]
print(json.dumps(out))
"#;
    let want = json!({
        "for_whom": ["Кому", "из", "членов", "семьи:"],
        "which": ["Какие:"],
        "mother": ["Захарова", "Ирина", "Сергеевна"],
        "status": ["Статус", "многодетной"],
        "subsidy": ["Субсидия", "на", "оплату"],
    });
    let o = Command::new("python3")
        .args(["-c", script, path.to_str().unwrap(), &want.to_string()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let at: Value = serde_json::from_slice(&o.stdout).unwrap();
    let x = |k: &str| {
        at[k][1]
            .as_f64()
            .unwrap_or_else(|| panic!("«{k}» not found: {at}"))
    };
    let y = |k: &str| at[k][2].as_f64().unwrap();
    // «Кому» column: from its header to the «Какие» header; «Какие» column: right of it.
    assert!(
        x("mother") >= x("for_whom") - 1.0 && x("mother") < x("which"),
        "{at}"
    );
    for k in ["status", "subsidy"] {
        assert!(x(k) >= x("which") - 1.0, "«{k}» not under «Какие:»: {at}");
    }
    // On the header's page, below it; a benefit and its person on one row.
    assert_eq!(at["mother"][0], at["for_whom"][0]);
    assert!(y("mother") > y("for_whom"), "{at}");
    assert!((y("mother") - y("status")).abs() < 2.0, "{at}");
}

#[test]
fn an_old_case_file_keeps_its_benefits_as_a_row_of_the_table() {
    // The shape okno read before: the question's «Да» and one text of the benefits.
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/cases/NSK-2026-0001.json")).unwrap(),
    )
    .unwrap();
    v["housing_inspection"]["benefits_needed"] = json!("Да");
    v["housing_inspection"]
        .as_object_mut()
        .unwrap()
        .remove("benefits_to_arrange");
    v["housing_inspection"]["benefits_needed_for"] = json!("единое пособие, компенсация платы");
    let (case, diags) = case_from_value(v.clone(), true);
    assert!(diags.is_empty(), "{diags:?}");
    let h = serde_json::to_value(case.unwrap()).unwrap()["housing_inspection"].clone();
    assert_eq!(h["benefits_needed"], "yes");
    assert_eq!(
        h["benefits_to_arrange"],
        json!([{ "for_whom": null, "which": "единое пособие, компенсация платы" }])
    );
    assert!(h.get("benefits_needed_for").is_none());
    // An older workbook's free text under the question is a row too, not an error.
    v["housing_inspection"]["benefits_needed"] = json!("субсидия на ЖКУ");
    let (case, diags) = case_from_value(v, true);
    assert!(diags.is_empty(), "{diags:?}");
    let h = serde_json::to_value(case.unwrap()).unwrap()["housing_inspection"].clone();
    let which: Vec<&str> = h["benefits_to_arrange"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["which"].as_str().unwrap())
        .collect();
    assert_eq!(
        which,
        vec!["субсидия на ЖКУ", "единое пособие, компенсация платы"]
    );
}

/// The check boxes under a label of a document: (option, ticked).
fn ticks(doc: &Document, label: &str) -> Vec<(String, bool)> {
    doc.blocks
        .iter()
        .find_map(|b| match b {
            Block::Checks {
                label: Some(l),
                options,
                ..
            } if l.as_str() == label => Some(
                options
                    .iter()
                    .map(|o| (o.label.clone(), o.checked))
                    .collect(),
            ),
            // A grid of options (App. 2): a table row led by the label.
            Block::Table { rows, .. } => rows
                .iter()
                .find(|r| {
                    r.first()
                        .is_some_and(|c| c.content.iter().any(|t| t.as_str() == label))
                })
                .map(|r| {
                    r.iter()
                        .flat_map(|c| &c.checks)
                        .map(|o| (o.label.clone(), o.checked))
                        .collect()
                }),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{}: no «{label}»", doc.form))
}

#[test]
fn an_attachment_is_ticked_only_when_it_exists_on_the_forms_date() {
    // NSK-2026-0005: conclusion 10.04.2026, housing act 16.04.2026 — not an attachment.
    let c = case("NSK-2026-0005");
    let t = ticks(&form(&c, "conclusion"), "Приложения к заключению:");
    assert!(
        t.contains(&("Акт обследования ЖБУ;".to_string(), false)),
        "{t:?}"
    );
    assert!(
        t.contains(&(
            "Извещение об обнаружении факторов риска семейного неблагополучия;".to_string(),
            true
        )),
        "{t:?}"
    );
    // Every fixture, both forms that list attachments: a tick is a document dated by then.
    let mut unticked = 0;
    for c in all_cases() {
        let docs: [(Option<okno::model::Date>, &str); 3] = [
            (
                c.housing_inspection.as_ref().and_then(|h| h.date),
                "Акт обследования ЖБУ",
            ),
            (
                c.child_assessment.as_ref().and_then(|a| a.date),
                "Оценка показателей неблагополучия ребенка",
            ),
            (
                c.family_assessment.as_ref().and_then(|a| a.date),
                "Оценка факторов риска семейного неблагополучия",
            ),
        ];
        for (code, label, on) in [
            (
                "conclusion",
                "Приложения к заключению:",
                c.conclusion.as_ref().and_then(|x| x.date),
            ),
            (
                "notification",
                "Приложения к извещению:",
                c.notification.as_ref().and_then(|n| n.date_sent),
            ),
        ] {
            let Some(on) = on else { continue };
            for (option, ticked) in ticks(&form(&c, code), label) {
                let Some((made, _)) = docs.iter().find(|(_, l)| option.starts_with(l)) else {
                    continue;
                };
                if let Some(made) = made
                    && *made > on
                {
                    assert!(
                        !ticked,
                        "{} {code}: «{option}» made {} after the form's {}",
                        c.case_id,
                        made.ru(),
                        on.ru()
                    );
                    unticked += 1;
                }
            }
        }
    }
    // 0002, 0003, 0004, 0005, 0007, 0008 (issue 21): acts made after the conclusion.
    assert!(unticked >= 6, "later documents found: {unticked}");
}

/// The values beside a label in a document's field rows.
fn field(doc: &Document, label: &str) -> String {
    doc.blocks
        .iter()
        .find_map(|b| match b {
            Block::Fields { rows, .. } => rows
                .iter()
                .find(|(l, _)| l.as_str() == label)
                .map(|(_, v)| v.iter().map(Text::as_str).collect::<String>()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{}: no «{label}»", doc.form))
}

#[test]
fn amounts_and_areas_are_written_the_russian_way_in_pdf_and_docx() {
    // NSK-2026-0004's file says «23 166,67»; NSK-2026-0005's area is 45.3.
    let act = form(&case("NSK-2026-0004"), "housing_inspection");
    let want = "23\u{a0}166,67\u{a0}руб.";
    assert_eq!(field(&act, "Среднедушевой доход составляет:"), want);
    let (pdf, docx) = rendered(&act);
    let docx_text: String = docx_tables(&docx).concat().concat().join("|");
    let xml_has = document_xml(&docx).contains(want);
    assert!(xml_has, "DOCX: {docx_text}");
    let pdf_text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let squashed: String = pdf_text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squashed.contains("23 166,67 руб."), "PDF: {squashed}");
    assert!(!squashed.contains("23166.67"), "PDF: {squashed}");
    let act = form(&case("NSK-2026-0005"), "housing_inspection");
    let area = act
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Para { content, .. }
                if content
                    .first()
                    .is_some_and(|t| t.as_str() == "Жилая площадь, составляет") =>
            {
                Some(content[1].as_str().to_string())
            }
            _ => None,
        })
        .unwrap();
    assert_eq!(area, "45,3");
    let (_, docx) = rendered(&act);
    let xml = document_xml(&docx);
    assert!(xml.contains(">45,3<") && !xml.contains("45.3"));
    assert!(
        xml.contains("73\u{a0}810\u{a0}руб."),
        "monthly income 73810"
    );
}

fn okno(args: &[&str]) -> std::process::Output {
    let o = Command::new(env!("CARGO_BIN_EXE_okno"))
        .args(["--today", "01.12.2026"])
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut book = open_workbook_auto(path).unwrap();
    book.worksheet_range(name)
        .unwrap()
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
fn the_quarter_summary_counts_unrecorded_receipts_plans_apart_and_is_signed() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    let out = dir.path().join("q");
    let (a, o) = (arch.to_str().unwrap(), out.to_str().unwrap());
    okno(&[
        "archive",
        "fixtures/cases",
        "fixtures/register",
        "--archive",
        a,
    ]);
    okno(&["quarter", "2026-Q4", "--archive", a, "-o", o]);
    let xlsx = out.join("сводка-2026-Q4.xlsx");
    let pdf = pdf_extract::extract_text(out.join("сводка-2026-Q4.pdf")).unwrap();
    // Compared without whitespace: the extractor adds spaces after brackets and breaks
    // codes at their hyphen («D- NOTIFY-1»).
    let pdf: String = pdf.chars().filter(|c| !c.is_whitespace()).collect();
    let has = |s: &str| pdf.contains(&s.chars().filter(|c| !c.is_whitespace()).collect::<String>());

    // The register's 26 October notifications: no receipt date, no conclusion on 01.12 —
    // overdue counted from the date sent, and each row says so.
    let register = sheet(
        &root().join("fixtures/register/register-2026-10.xlsx"),
        "Реестр",
    );
    let ids: Vec<&String> = register[1..].iter().map(|r| &r[11]).collect();
    assert_eq!(ids.len(), 26);
    let waiting = sheet(&xlsx, "Ожидают");
    for id in &ids {
        let row = waiting.iter().find(|r| &&r[0] == id).unwrap();
        assert!(row[3].is_empty(), "{row:?}: receipt recorded?");
        assert!(
            row[4].starts_with("просрочено на ")
                && row[4].contains("срок считается от даты направления"),
            "{row:?}"
        );
    }
    let summary = sheet(&xlsx, "Сводка");
    let value = |k: &str| -> String {
        summary
            .iter()
            .find(|r| r[0].starts_with(k))
            .unwrap_or_else(|| panic!("{k}: {summary:?}"))[1]
            .clone()
    };
    let overdue: usize = value("Извещения: просрочен срок «Единого окна»")
        .parse()
        .unwrap();
    assert!(overdue >= 26, "{overdue}");
    assert!(has("из них срок просрочен: 26;"), "{pdf}");

    // NSK-2026-0001: low risk, a departmental plan, no case opened (R-LOW): a plan, not a case.
    let active = sheet(&xlsx, "Случаи");
    let kind = active[0]
        .iter()
        .position(|h| h == "Вид")
        .expect("column «Вид»");
    let row = active.iter().find(|r| r[0] == "NSK-2026-0001").unwrap();
    assert_eq!(row[kind], "ведомственный план");
    let row = active.iter().find(|r| r[0] == "NSK-2026-0005").unwrap();
    assert_eq!(row[kind], "случай");
    let plans = active[1..]
        .iter()
        .filter(|r| r[kind] == "ведомственный план")
        .count();
    let cases = active.len() - 1 - plans;
    assert!(plans >= 1);
    assert_eq!(value("Случаев в работе в квартале"), cases.to_string());
    assert_eq!(
        value("Ведомственных планов без случая в работе в квартале"),
        plans.to_string()
    );
    assert!(has("Ведомственных планов (без случая)"), "{pdf}");

    // Rule codes with their meaning.
    for (code, meaning) in [
        (
            "D-CARD-20",
            "части I–II ККСС в течение 20 дней с открытия случая",
        ),
        (
            "D-SW-3",
            "проверка и определение уровня риска «Единым окном» в течение 3 дней",
        ),
    ] {
        assert!(has(&format!("{code} ({meaning})")), "{code}: {pdf}");
    }

    // Issued by a commission (a blank line when the data names several), dated, signed.
    assert!(
        has("Комиссия по делам несовершеннолетних и защите их прав:")
            && has("Дата составления: 01.12.2026")
            && has("Сводку подготовил(а)")
            && has("(подпись, расшифровка подписи)"),
        "{pdf}"
    );
    assert_eq!(value("Дата составления"), "01.12.2026");
    assert!(
        summary
            .iter()
            .any(|r| r[0].starts_with("Сводку подготовил"))
    );
}

#[test]
fn one_commission_named_by_the_cards_heads_the_summary() {
    // A territory's cases whose cards the same commission approved: its name, not a blank.
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    let out = dir.path().join("q");
    let (a, o) = (arch.to_str().unwrap(), out.to_str().unwrap());
    okno(&[
        "archive",
        "fixtures/cases/NSK-2026-0005.json",
        "--archive",
        a,
    ]);
    okno(&["quarter", "2026-Q2", "--archive", a, "-o", o]);
    let summary = sheet(&out.join("сводка-2026-Q2.xlsx"), "Сводка");
    let row = summary
        .iter()
        .find(|r| r[0] == "Комиссия по делам несовершеннолетних и защите их прав")
        .unwrap();
    assert_eq!(row[1], "КДНиЗП Ленинского района");
}
