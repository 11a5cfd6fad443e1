//! The family support card (ККСС) says what the case says and has the seed's parts (issue 21,
//! items 3, 5 and 6 for the card): every value at the place its map gives it, every consilium
//! decision and the closure reason printed, the title page signed and stamped, the change of
//! curator, the resource map's instructions and legend, the footnote to section 6 and the
//! contact log's grouped header as seed 003 prints them.

mod common;

use common::forms::{case_at, cases_in, clean, docx_paragraphs, docx_tables};
use common::root;
use okno::doc::{Block, Document, Text};
use okno::forms::fields::{NOT_ON_FORMS, covers, disagreements, placed};
use okno::model::Case;
use serde_json::Value;

/// Every fixture and stress case that has a card.
fn card_cases() -> Vec<Case> {
    cases_in(&["fixtures/cases", "fixtures/stress"])
        .into_iter()
        .filter(|c| c.support_card.is_some())
        .collect()
}

fn card_form() -> &'static okno::forms::Form {
    okno::forms::form("support_card").unwrap()
}

/// The card's document tree as the form builds it.
fn card(case: &Case) -> Document {
    (card_form().build)(case).remove(0)
}

/// The card rendered: (PDF bytes, DOCX bytes).
fn rendered(case: &Case) -> (Vec<u8>, Vec<u8>) {
    common::forms::rendered(&common::forms::form(case, "support_card"))
}

fn pdf_text(pdf: &[u8]) -> String {
    clean(&pdf_extract::extract_text_from_mem(pdf).unwrap())
}

/// The blocks of the card without part II (the individual plan's blocks, `plans::plan_blocks`,
/// tagged and mapped by the individual plan's form): what lies between the landscape turn
/// before «II. ПЛАНОВАЯ ЧАСТЬ.» and the portrait turn after it.
fn without_part_two(doc: &Document) -> Document {
    let mut out = doc.clone();
    let mut blocks = Vec::new();
    let mut in_two = false;
    for (i, b) in doc.blocks.iter().enumerate() {
        let next_is_part_two = matches!(doc.blocks.get(i + 1), Some(Block::Heading { text }) if text.as_str() == "II. ПЛАНОВАЯ ЧАСТЬ.");
        match b {
            Block::Orientation { landscape: true } if next_is_part_two => in_two = true,
            Block::Orientation { landscape: false } if in_two => in_two = false,
            _ if in_two => {}
            b => blocks.push(b.clone()),
        }
    }
    out.blocks = blocks;
    out
}

#[test]
fn every_value_of_the_card_is_tagged_and_stands_at_its_maps_place() {
    let map = card_form().fields;
    for case in card_cases() {
        let doc = without_part_two(&card(&case));
        let mut untagged = Vec::new();
        let mut check = |t: &Text| {
            if let Text::Value(s, f) = t
                && f.is_empty()
            {
                untagged.push(s.clone());
            }
        };
        for b in &doc.blocks {
            match b {
                Block::Para { content, .. } => content.iter().for_each(&mut check),
                Block::Title { lines } => lines.iter().for_each(&mut check),
                Block::Approval { left, right } => left.iter().chain(right).for_each(&mut check),
                Block::Fields { rows, .. } => rows.iter().flat_map(|r| &r.1).for_each(&mut check),
                Block::Table { rows, .. } => rows
                    .iter()
                    .flatten()
                    .flat_map(|c| &c.content)
                    .for_each(&mut check),
                _ => {}
            }
        }
        assert!(
            untagged.is_empty(),
            "{}: values without their field: {untagged:?}",
            case.case_id
        );
        let wrong = disagreements(&doc, map);
        assert!(wrong.is_empty(), "{}:\n{}", case.case_id, wrong.join("\n"));
    }
}

/// The ISO date of the JSON as the forms print it.
fn ru_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    (s.len() == 10 && b[4] == b'-' && b[7] == b'-')
        .then(|| format!("{}.{}.{}", &s[8..10], &s[5..7], &s[..4]))
}

/// The string leaves of a JSON value with their paths.
fn leaves(v: &Value, path: String, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) if !s.trim().is_empty() => out.push((path, s.clone())),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| leaves(x, format!("{path}/{i}"), out)),
        Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| leaves(x, format!("{path}/{k}"), out)),
        _ => {}
    }
}

/// Codes the card shows as ticks or words of its own (levels, yes/no, the domain's row).
const CODES: &[&str] = &[
    "domain",
    "answer",
    "level",
    "summary_level",
    "level_start",
    "level_end",
];

#[test]
fn every_text_and_date_of_the_card_the_consilium_and_the_closure_is_printed_at_its_place() {
    let mut missing = Vec::new();
    let mut checked = 0;
    for case in card_cases() {
        let doc = card(&case);
        let at = placed(&doc);
        let json = serde_json::to_value(&case).unwrap();
        let mut all = Vec::new();
        for part in ["support_card", "consilium", "closure"] {
            leaves(&json[part], format!("/{part}"), &mut all);
        }
        for (path, value) in all {
            let key = path.rsplit('/').next().unwrap();
            if path.starts_with("/support_card/plan/")
                || CODES.contains(&key)
                || NOT_ON_FORMS.iter().any(|(p, _)| covers(p, &path))
            {
                continue;
            }
            let want = clean(&ru_date(&value).unwrap_or(value));
            checked += 1;
            let found = at.iter().any(|p| {
                p.fields.iter().any(|f| covers(f, &path)) && clean(&p.text).contains(&want)
            });
            if !found {
                missing.push(format!("{}: {path} «{want}»", case.case_id));
            }
        }
    }
    assert!(checked > 300, "values checked: {checked}");
    assert!(
        missing.is_empty(),
        "not on the card:\n{}",
        missing.join("\n")
    );
}

#[test]
fn each_consilium_decision_and_the_closure_reason_stand_in_the_card_in_pdf_and_docx() {
    let c = case_at(&root().join("fixtures/cases/NSK-2026-0003.json"));
    assert_eq!(c.consilium.len(), 3);
    let (pdf, docx) = rendered(&c);
    let (pdf, paras) = (pdf_text(&pdf), docx_paragraphs(&docx));
    for x in &c.consilium {
        let head = format!(
            "(Протокол) № {} от {}",
            x.number.as_deref().unwrap(),
            x.date.unwrap().ru()
        );
        let text = format!(
            "(кратко и по сути принятого решения) {}",
            clean(x.text.as_deref().unwrap())
        );
        for (what, want) in [("head", &head), ("text", &text)] {
            assert!(pdf.contains(want.as_str()), "PDF: {what} {want}");
            assert!(
                paras.iter().any(|p| p.contains(want.as_str())),
                "DOCX: {what} {want}"
            );
        }
    }
    // The closure reason has a paragraph of its own after the last decision.
    let reason = clean(c.closure.as_ref().unwrap().reason.as_deref().unwrap());
    let gist = format!("(кратко и по сути принятого решения) {reason}");
    assert!(pdf.contains(&gist), "PDF: {gist}");
    let at = paras
        .iter()
        .position(|p| *p == gist)
        .expect("DOCX: closure");
    let last = paras
        .iter()
        .position(|p| p.contains("№ 11 от 13.04.2026"))
        .unwrap();
    assert!(
        at > last,
        "the closure follows the decision that closed the case"
    );
}

#[test]
fn the_title_page_has_lines_to_sign_their_captions_and_the_stamp() {
    let c = case_at(&root().join("fixtures/cases/NSK-2026-0005.json"));
    let doc = card(&c);
    let Some(Block::Approval { left, right }) = doc.blocks.first() else {
        panic!("the card opens with СОСТАВЛЕНА / УТВЕРЖДЕНА");
    };
    // A line to sign (a blank) with «(подпись)» under it, on both sides; the stamp on the left.
    for (side, texts) in [("СОСТАВЛЕНА", left), ("УТВЕРЖДЕНА", right)] {
        let sign = texts
            .windows(2)
            .any(|w| matches!(w[0], Text::Blank(_)) && w[1] == Text::label("(подпись)"));
        assert!(sign, "{side}: no line to sign with «(подпись)» under it");
    }
    assert!(left.contains(&Text::label("м.п")), "no «м.п»");
    // The director's name stands over «(расшифровка подписи)», after «Руководитель организации».
    let director = c.support_card.as_ref().unwrap().director.clone().unwrap();
    let i = left
        .iter()
        .position(|t| t.as_str() == director)
        .expect("director");
    assert_eq!(left[i - 1], Text::label("Руководитель организации"));
    assert_eq!(left[i + 1], Text::label("(расшифровка подписи)"));
    // Drawn in both writers: the DOCX shows the lines and captions, the PDF the captions.
    let (pdf, docx) = rendered(&c);
    let paras = docx_paragraphs(&docx);
    let first = &paras[..paras
        .iter()
        .position(|p| p == "Карта комплексного сопровождения семьи")
        .unwrap()];
    assert_eq!(first.iter().filter(|p| *p == "(подпись)").count(), 2);
    assert!(first.iter().any(|p| p == "м.п"));
    assert_eq!(
        first.iter().filter(|p| p.starts_with("_____")).count(),
        2,
        "two lines to sign: {first:?}"
    );
    assert_eq!(pdf_text(&pdf).matches("(подпись)").count(), 2);
}

#[test]
fn a_change_of_curator_has_the_seeds_lines_for_name_position_and_organization() {
    let c = case_at(&root().join("fixtures/stress/STRESS-0001.json"));
    let change = c
        .support_card
        .as_ref()
        .unwrap()
        .curator_change
        .clone()
        .unwrap();
    let at = placed(&card(&c));
    let p = at
        .iter()
        .find(|p| p.text == change)
        .expect("the change of curator is printed");
    assert!(
        p.label.starts_with(
            "Куратор семьи (Фамилия, имя, отчество (последнее – при наличии, /должность)"
        ),
        "at «{}»",
        p.label
    );
    // The organization's line under the name, with its caption.
    let doc = card(&c);
    let i = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Para { content, .. } if content.iter().any(|t| t.as_str() == change)))
        .unwrap();
    assert!(
        matches!(&doc.blocks[i + 1], Block::Para { content, .. } if matches!(content[..], [Text::Blank(_)])),
        "a line for the organization"
    );
    assert!(
        matches!(&doc.blocks[i + 2], Block::Para { content, .. } if content == &vec![Text::label("(наименование организации)")])
    );
    let (_, docx) = rendered(&c);
    let paras = docx_paragraphs(&docx);
    assert!(
        paras.iter().any(|p| p
            == &clean(&format!(
                "Куратор семьи (Фамилия, имя, отчество (последнее – при наличии, /должность) {change}"
            ))),
        "DOCX"
    );
}

#[test]
fn the_resource_map_has_the_seeds_instructions_and_explains_its_codes() {
    let c = case_at(&root().join("fixtures/cases/NSK-2026-0003.json"));
    let (pdf, docx) = rendered(&c);
    let pdf = pdf_text(&pdf);
    for want in [
        "Карта (вкладыш) обязательна для заполнения на законных представителей",
        "Карта ресурсного окружения включает в себя 3 раздела:",
        "Условные обозначения связи (УОС):",
    ] {
        assert!(pdf.contains(want), "PDF: {want}");
    }
    let tables = docx_tables(&docx);
    let legend = tables
        .iter()
        .find(|t| {
            t[0].first()
                .is_some_and(|h| h == "Графическое/буквенное обозначение")
        })
        .expect("the legend of УОС");
    assert_eq!(
        legend[0],
        [
            "Графическое/буквенное обозначение",
            "Что обозначает",
            "Примечания"
        ]
    );
    assert_eq!(legend[1][0], "И");
    assert_eq!(
        legend[1][1],
        "Вид поддержки «+»(положительный) Вид воздействия «-» (отрицательный)"
    );
    assert_eq!(legend[1][2], "Информационная");
    assert_eq!(
        (legend[2][0].as_str(), legend[2][2].as_str()),
        ("М", "Материальная")
    );
    assert_eq!(
        (legend[3][0].as_str(), legend[3][2].as_str()),
        ("Э", "Эмоциональная")
    );
    // The legend comes before the map that uses the codes.
    let legend_at = tables.iter().position(|t| std::ptr::eq(t, legend)).unwrap();
    let map_at = tables
        .iter()
        .position(|t| t[0].first().is_some_and(|h| h == "Родственные связи"))
        .unwrap();
    assert!(legend_at < map_at);
}

#[test]
fn the_footnote_to_section_six_is_printed_with_its_mark() {
    let c = case_at(&root().join("fixtures/cases/NSK-2026-0003.json"));
    let (pdf, docx) = rendered(&c);
    let tables = docx_tables(&docx);
    let events = tables
        .iter()
        .find(|t| t[0].first().is_some_and(|h| h == "Фамилия, имя ребенка"))
        .expect("section 6");
    assert_eq!(
        events[0][1],
        "Краткое описание значимых событий и обстоятельств жизни ребенка *"
    );
    let note =
        "* значимые события и обстоятельства - это ситуации следующего характера: разрыв отношений";
    assert!(
        docx_paragraphs(&docx).iter().any(|p| p.starts_with(note)),
        "DOCX"
    );
    assert!(pdf_text(&pdf).contains(note), "PDF");
}

#[test]
fn the_contact_log_groups_initiator_and_contact_person_under_the_participants() {
    let c = case_at(&root().join("fixtures/cases/NSK-2026-0005.json"));
    let (_, docx) = rendered(&c);
    let tables = docx_tables(&docx);
    let log = tables
        .iter()
        .find(|t| t[0].first().is_some_and(|h| h == "Дата") && t[0].len() == 5)
        .expect("the contact log with a grouped header");
    assert!(log[0][2].starts_with("Участники контакта (фамилия, имя, отчество"));
    assert_eq!(log[0][3], "Обсуждаемые вопросы");
    assert_eq!(log[0][4], "Результат");
    // Under the group: the participants, the initiator, the contact person.
    assert_eq!(log[1][2..5], ["", "Инициатор контакта", "Контактное лицо"]);
    let first = &c.support_card.as_ref().unwrap().contact_log[0];
    let row = &log[2];
    let s = |x: &Option<String>| clean(x.as_deref().unwrap());
    assert_eq!(row.len(), 7);
    assert_eq!(row[2], s(&first.participants));
    assert_eq!(row[3], s(&first.initiator));
    assert_eq!(row[4], s(&first.contact_person));
    assert_eq!(row[5], s(&first.issues));
    assert_eq!(row[6], s(&first.result));
}

#[test]
fn in_the_yes_no_tables_the_seeds_prompt_and_the_note_entered_are_apart() {
    let c = case_at(&root().join("fixtures/cases/NSK-2026-0005.json"));
    let doc = card(&c);
    let mut seen = 0;
    for b in &doc.blocks {
        let Block::Table { header, rows, .. } = b else {
            continue;
        };
        if header[0]
            .get(1)
            .is_none_or(|h| h.content != vec![Text::label("Да/ Нет")])
        {
            continue;
        }
        for r in rows.iter().filter(|r| r.len() == 3) {
            let cell = &r[2].content;
            let Some(at) = cell.iter().position(|t| matches!(t, Text::Value(..))) else {
                continue;
            };
            seen += 1;
            // The prompt's words are labels, all before the note; the note is one value that
            // holds its field.
            assert!(cell[..at].iter().all(|t| matches!(t, Text::Label(_))));
            assert_eq!(cell.len(), at + 1, "{cell:?}");
            assert_eq!(cell[at].fields(), &["/support_card/answers/*/note"]);
        }
    }
    assert!(seen >= 3, "notes seen: {seen}");
}
