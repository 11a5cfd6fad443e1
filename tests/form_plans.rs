//! The housing act, the departmental plan, the individual plan and the monitoring say what
//! seed 003 says (issue 21, items 5 and 6 for these forms, and their field maps): footnotes,
//! captions and options in place, each caption under its line, no phrase said twice, every
//! value tagged with the field it comes from.

mod common;

use common::forms::{fixture as case, form};
use common::{python_has, root};
use okno::doc::{Block, Check, Document, Text};
use okno::ingest::{case_from_value, read_path};
use okno::model::Case;
use okno::render::Format;
use serde_json::{Value, json};
use std::process::Command;

fn case_json(id: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(root().join(format!("fixtures/cases/{id}.json"))).unwrap(),
    )
    .unwrap()
}

fn from_json(v: Value) -> Case {
    let (case, diags) = case_from_value(v, true);
    assert!(diags.is_empty(), "{diags:?}");
    case.unwrap()
}

/// The form's PDF.
fn pdf(doc: &Document) -> Vec<u8> {
    Format::Pdf.write(doc).unwrap()
}

/// Words of a PDF with their page and box, by pdfplumber: [page, text, x0, x1, top, bottom];
/// and the horizontal rules drawn: [page, x0, x1, y].
fn pdf_geometry(pdf: &[u8]) -> (Vec<Value>, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, pdf).unwrap();
    let script = r#"
import json, sys, pdfplumber
words, rules = [], []
with pdfplumber.open(sys.argv[1]) as pdf:
    for n, page in enumerate(pdf.pages):
        for w in page.extract_words():
            words.append([n, w["text"], w["x0"], w["x1"], w["top"], w["bottom"]])
        for l in page.lines + page.rects:
            if abs(l["bottom"] - l["top"]) < 1.5 and l["x1"] - l["x0"] > 20:
                rules.append([n, l["x0"], l["x1"], l["bottom"]])
print(json.dumps([words, rules]))
"#;
    let o = Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    (
        v[0].as_array().unwrap().clone(),
        v[1].as_array().unwrap().clone(),
    )
}

/// Whether the word `caption` stands under a rule of its own: centred under a rule that
/// ends just above it, on its page.
fn under_a_rule(words: &[Value], rules: &[Value], caption: &str) -> Vec<bool> {
    let f = |v: &Value| v.as_f64().unwrap();
    words
        .iter()
        .filter(|w| w[1] == caption)
        .map(|w| {
            let centre = (f(&w[2]) + f(&w[3])) / 2.0;
            rules.iter().any(|r| {
                r[0] == w[0]
                    && f(&r[1]) <= centre
                    && centre <= f(&r[2])
                    && f(&r[3]) <= f(&w[4]) + 1.0
                    && f(&w[4]) - f(&r[3]) < 12.0
            })
        })
        .collect()
}

fn labels(doc: &Document) -> Vec<String> {
    doc.labels()
}

/// The texts of the field row whose label starts with `label`: (label, texts).
fn field_row<'a>(doc: &'a Document, label: &str) -> (&'a Text, &'a [Text]) {
    doc.blocks
        .iter()
        .find_map(|b| match b {
            Block::Fields { rows, .. } => rows
                .iter()
                .find(|(l, _)| l.as_str().starts_with(label))
                .map(|(l, v)| (l, v.as_slice())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{}: no «{label}»", doc.form))
}

#[test]
fn the_housing_act_has_the_seeds_footnotes_colons_and_owner_caption() {
    let act = form(&case("NSK-2026-0005"), "housing_inspection");
    // Seed 003: «Основания для обследования[footnoteRef:1]:» and «Собственником жилья
    // является[footnoteRef:2]:», each with its footnote.
    let (grounds, _) = field_row(&act, "Основания для обследования");
    assert_eq!(grounds.as_str(), "Основания для обследования¹:");
    let (owner, texts) = field_row(&act, "Собственником жилья является");
    assert_eq!(owner.as_str(), "Собственником жилья является²:");
    // The owner column's caption, then the value: the form's words first, the data apart.
    assert!(
        matches!(&texts[0], Text::Label(l) if l.starts_with("Фамилия, имя, отчество (последнее – при наличии), статус по отношению к законному представителю детей и несовершеннолетнему")),
        "{texts:?}"
    );
    assert!(
        matches!(&texts[1], Text::Value(v, _) if v.starts_with("мэрия г. Новосибирска")),
        "{texts:?}"
    );
    let all = labels(&act).join("\n");
    for note in [
        "личное обращение (указать цель обращения); сигнал от физ. лица/учреждения системы профилактики",
        "заполняется в случае, если жилье в собственности или социальном найме",
    ] {
        assert!(all.contains(note), "no footnote «{note}»");
    }
    // And in the PDF.
    let text = pdf_text(&act);
    if !text.is_empty() {
        for note in [
            "личное обращение (указать цель обращения); сигнал",
            "заполняется в случае, если жилье в собственности",
        ] {
            assert!(text.contains(note), "PDF: no «{note}»: {text}");
        }
    }
}

/// The options of the housing act's «Семейное положение».
fn marital_status(act: &Document) -> &[Check] {
    act.blocks
        .iter()
        .find_map(|b| match b {
            Block::Checks {
                label: Some(l),
                options,
                ..
            } if l.as_str().starts_with("Семейное положение") => {
                Some(&options[..])
            }
            _ => None,
        })
        .unwrap()
}

#[test]
fn a_marital_status_not_among_the_options_is_written_on_the_seeds_blank_option() {
    // Seed 003 ends the list with a blank «· ____» for any other status.
    let mut v = case_json("NSK-2026-0005");
    v["housing_inspection"]["marital_status"] = json!("Состоит в гражданском браке");
    let (other, mut diags) = case_from_value(v, true);
    let other = other.unwrap();
    diags.extend(okno::validate::validate(
        &other,
        &okno::validate::Settings {
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        },
    ));
    assert!(
        !diags
            .iter()
            .any(|d| d.pointer == "/housing_inspection/marital_status"),
        "{diags:?}"
    );
    let act = form(&other, "housing_inspection");
    let options = marital_status(&act);
    let other = options.last().unwrap();
    assert_eq!(other.label, "");
    assert!(other.checked);
    assert_eq!(other.detail[0].as_str(), "Состоит в гражданском браке");
    assert!(options[..options.len() - 1].iter().all(|o| !o.checked));
    // A listed status ticks its option and leaves the blank a blank.
    let act = form(&case("NSK-2026-0005"), "housing_inspection");
    let options = marital_status(&act);
    assert_eq!(options.len(), 7);
    assert!(!options[6].checked);
    assert!(matches!(options[6].detail[..], [Text::Blank(_)]));
}

#[test]
fn the_housing_acts_podpis_stands_under_its_line_in_the_pdf() {
    if !python_has("pdfplumber") {
        eprintln!("SKIPPED: pdfplumber (PyPI) is not installed");
        return;
    }
    let (words, rules) = pdf_geometry(&pdf(&form(&case("NSK-2026-0005"), "housing_inspection")));
    let under = under_a_rule(&words, &rules, "подпись");
    assert_eq!(under, vec![true, true], "«подпись» under the line to sign");
}

#[test]
fn the_monitoring_captions_its_lines_podpis_and_data_under_them() {
    let doc = form(&case("NSK-2026-0001"), "monitoring-1");
    let all = labels(&doc);
    assert_eq!(all.iter().filter(|l| *l == "(подпись)").count(), 2);
    assert_eq!(all.iter().filter(|l| *l == "(дата)").count(), 1);
    if !python_has("pdfplumber") {
        eprintln!("SKIPPED: pdfplumber (PyPI) is not installed");
        return;
    }
    let (words, rules) = pdf_geometry(&pdf(&doc));
    assert_eq!(under_a_rule(&words, &rules, "(подпись)"), vec![true, true]);
    assert_eq!(under_a_rule(&words, &rules, "(дата)"), vec![true]);
    // The monitoring's date stands on the head's date line, above «(дата)».
    let f = |v: &Value| v.as_f64().unwrap();
    let date = words.iter().find(|w| w[1] == "16.11.2026").expect("date");
    let caption = words.iter().find(|w| w[1] == "(дата)").unwrap();
    assert!(f(&date[2]) < f(&caption[3]) && f(&caption[2]) < f(&date[3]));
    assert!(f(&date[4]) < f(&caption[4]));
}

/// The text of a monitoring's PDF, whitespace squashed.
fn pdf_text(doc: &Document) -> String {
    let words: Vec<String> = if python_has("pdfplumber") {
        pdf_geometry(&pdf(doc))
            .0
            .iter()
            .map(|w| w[1].as_str().unwrap().to_string())
            .collect()
    } else {
        vec![]
    };
    words.join(" ")
}

#[test]
fn the_monitoring_says_ответственным_за_работу_с_семьей_once() {
    // NSK-2026-0001 and 0002 as the workbook's row invited them to be written: the
    // assignment restates the option's words.
    for (id, restated) in [
        (
            "NSK-2026-0001",
            "Назначение МАДОУ д/с № 12 ответственным за работу с семьей (заключение «Единого окна» КДНиЗП Ленинского района от 14.08.2026)",
        ),
        (
            "NSK-2026-0002",
            "Назначение МБУ «КЦСОН г. Бердска» ответственным за работу с семьей (заключение «Единого окна» КДНиЗП г. Бердска от 26.01.2026)",
        ),
    ] {
        for text in [None, Some(restated)] {
            let mut v = case_json(id);
            if let Some(t) = text {
                v["monitoring"][0]["assignment"] = json!(t);
            }
            let doc = form(&from_json(v), "monitoring-1");
            let tree: String = doc
                .blocks
                .iter()
                .filter_map(|b| match b {
                    Block::Checks { options, .. } => Some(
                        options
                            .iter()
                            .map(|o| {
                                let detail: Vec<&str> = o.detail.iter().map(Text::as_str).collect();
                                format!("{} {}", o.label, detail.join(" "))
                            })
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(
                tree.matches("ответственным за работу с семьей").count(),
                1,
                "{id}: {tree}"
            );
            // The body and the basis are there, after the option.
            assert!(tree.contains("(заключение «Единого окна» КДНиЗП"), "{tree}");
            let text = pdf_text(&doc);
            if !text.is_empty() {
                assert_eq!(
                    text.matches("ответственным за работу с семьей").count(),
                    1,
                    "{id}: {text}"
                );
            }
        }
    }
}

#[test]
fn each_family_type_of_the_monitoring_stays_whole_on_its_line() {
    if !python_has("pdfplumber") {
        eprintln!("SKIPPED: pdfplumber (PyPI) is not installed");
        return;
    }
    let types = [
        "Полная кровная",
        "Замещающая",
        "С ребенком инвалидом",
        "Неполная кровная",
        "Беженцы",
        "Многодетная",
        "Несовершеннолетний родитель",
        "Одинокая мать",
        "Семья студентов",
    ];
    for id in ["NSK-2026-0001", "NSK-2026-0005"] {
        let doc = form(&case(id), "monitoring-1");
        // A word the PDF holds with no-break spaces is its words on one line.
        let words: Vec<Value> = pdf_geometry(&pdf(&doc))
            .0
            .into_iter()
            .flat_map(|w| {
                let parts: Vec<String> = w[1]
                    .as_str()
                    .unwrap()
                    .split('\u{a0}')
                    .map(str::to_string)
                    .collect();
                parts.into_iter().map(move |p| {
                    let mut w = w.clone();
                    w[1] = json!(p);
                    w
                })
            })
            .collect();
        let text: Vec<&str> = words.iter().map(|w| w[1].as_str().unwrap()).collect();
        let start = (0..text.len())
            .find(|&i| text[i] == "Тип" && text.get(i + 1) == Some(&"семьи:"))
            .unwrap_or_else(|| panic!("{id}: no «Тип семьи:»"));
        for t in types {
            let seq: Vec<&str> = t.split(' ').collect();
            let i = (start..text.len())
                .find(|&i| text[i..].starts_with(&seq))
                .unwrap_or_else(|| panic!("{id}: «{t}» not found"));
            let tops: Vec<f64> = words[i..i + seq.len()]
                .iter()
                .map(|w| w[4].as_f64().unwrap())
                .collect();
            assert!(
                tops.iter().all(|y| (y - tops[0]).abs() < 1.0),
                "{id}: «{t}» parts at a line's end: {tops:?}"
            );
        }
    }
}

/// Every value and blank of the tree, with the fields it holds.
fn values(doc: &Document) -> Vec<(String, &'static [&'static str])> {
    okno::forms::fields::placed(doc)
        .into_iter()
        .map(|p| (p.text, p.fields))
        .chain(untagged(doc))
        .collect()
}

/// The values the tree holds without a field (none should be: a count is a label).
fn untagged(doc: &Document) -> Vec<(String, &'static [&'static str])> {
    let mut out = Vec::new();
    let mut see = |t: &Text| {
        if let Text::Value(s, f) = t
            && f.is_empty()
        {
            out.push((s.clone(), *f));
        }
    };
    for b in &doc.blocks {
        match b {
            Block::Fields { rows, .. } => rows.iter().flat_map(|(_, v)| v).for_each(&mut see),
            Block::Table { rows, .. } => {
                for c in rows.iter().flatten() {
                    c.content.iter().for_each(&mut see);
                    c.checks.iter().flat_map(|k| &k.detail).for_each(&mut see);
                }
            }
            Block::Para { content, .. } => content.iter().for_each(&mut see),
            Block::Checks { options, .. } => {
                options.iter().flat_map(|o| &o.detail).for_each(&mut see)
            }
            Block::Signature { name, .. } => see(name),
            Block::Sign { lines, .. } => lines.iter().for_each(|l| see(&l.text)),
            _ => {}
        }
    }
    out
}

#[test]
fn every_value_of_these_forms_holds_its_field_and_the_yes_no_notes_follow_their_prompt() {
    let mut seen = 0;
    for id in [
        "NSK-2026-0001",
        "NSK-2026-0002",
        "NSK-2026-0005",
        "NSK-2026-0007",
    ] {
        let c = case(id);
        for doc in okno::forms::case_documents(&c, None) {
            let mine = [
                "housing_inspection",
                "departmental_plan",
                "individual_plan",
                "monitoring",
            ]
            .iter()
            .any(|f| doc.form.starts_with(f));
            if !mine {
                continue;
            }
            let loose = untagged(&doc);
            assert!(loose.is_empty(), "{id} {}: untagged {loose:?}", doc.form);
            seen += values(&doc).len();
        }
    }
    assert!(seen > 200, "values seen: {seen}");
    // Item 6: in the act's yes/no table the seed's prompt is a label, the note a value after it.
    let act = form(&case("NSK-2026-0005"), "housing_inspection");
    let notes: Vec<&Vec<Text>> = act
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table { rows, .. } => Some(rows),
            _ => None,
        })
        .flatten()
        .filter_map(|r| r.get(2).map(|c| &c.content))
        .filter(|c| matches!(c.first(), Some(Text::Label(l)) if l.starts_with("Если")))
        .collect();
    assert_eq!(notes.len(), 7);
    for n in notes {
        assert!(
            matches!(&n[..], [Text::Label(_), Text::Value(_, f) | Text::Blank(f)] if *f == ["/housing_inspection/answers/*/note"]),
            "{n:?}"
        );
    }
}

#[test]
fn kopecks_are_written_with_two_digits() {
    // STRESS-0001's file says «23 037,50».
    let c = read_path(&root().join("fixtures/stress/STRESS-0001.json"))
        .unwrap()
        .cases
        .remove(0)
        .case;
    let act = form(&c, "housing_inspection");
    let (_, v) = field_row(&act, "Среднедушевой доход составляет:");
    assert_eq!(v[0].as_str(), "23\u{a0}037,50\u{a0}руб.");
}
