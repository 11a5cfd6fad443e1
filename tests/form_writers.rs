//! What the writers make of the forms (issue 21, items 6, 8 and 9): data entered after the
//! form's own words in one cell stands apart from them (its own line, italic), the logs break
//! no word without a hyphen and keep their header small, and no heading is left alone at the
//! foot of a page — in the PDF and in the DOCX as LibreOffice lays it out.

mod common;

use common::forms::{cases_in, document_xml, fixture as case, form, runs};
use common::{python_has, root};
use okno::doc::{Block, Cell, Col, Document, Text};
use okno::forms::fields::{label_matches, placed};
use okno::forms::{DETECTION_LOG_FIELDS, INTAKE_LOG_FIELDS, detection_log, intake_log};
use okno::model::Case;
use okno::render::Format;
use serde_json::Value;
use std::process::Command;

/// The fixture and stress cases.
fn all_cases() -> Vec<Case> {
    cases_in(&["fixtures/cases", "fixtures/stress"])
}

/// The DOCX's paragraphs: (their XML, their text).
fn paragraphs(xml: &str) -> Vec<(String, String)> {
    let mut chunks: Vec<&str> = xml.split("</w:p>").collect();
    chunks.pop();
    chunks
        .into_iter()
        .map(|c| {
            // The paragraph starts at its `<w:p>` or `<w:p w14:paraId=…>`, not at `<w:pPr>`.
            let start = [c.rfind("<w:p>"), c.rfind("<w:p ")]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(0);
            let p = &c[start..];
            (p.to_string(), runs(p))
        })
        .collect()
}

/// Runs a Python script with pdfplumber on `pdf` (its path is `sys.argv[1]`, then `args`); its
/// stdout is JSON.
fn plumb(pdf: &[u8], script: &str) -> Value {
    plumb_with(pdf, script, &[])
}

fn plumb_with(pdf: &[u8], script: &str, args: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .args(args)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// For each needle (argv[2:]): the font names of its characters and the top of its first line.
const FONTS_OF: &str = r#"
import json, sys, pdfplumber
out = {}
with pdfplumber.open(sys.argv[1]) as pdf:
    for needle in json.loads(sys.argv[2]):
        for page in pdf.pages:
            found = page.search(needle, regex=False, return_chars=True)
            if found:
                chars = found[0]["chars"]
                out[needle] = {"fonts": sorted({c["fontname"] for c in chars}),
                               "top": min(c["top"] for c in chars),
                               "bottom": max(c["bottom"] for c in chars)}
                break
print(json.dumps(out))
"#;

fn fonts_of(pdf: &[u8], needles: &[&str]) -> Value {
    plumb_with(pdf, FONTS_OF, &[&serde_json::to_string(needles).unwrap()])
}

/// A prompt of the form and the answer entered after it, in one table cell and in one row
/// of label and value.
fn prompted() -> Document {
    let prompt = "Если нет, то укажите причину";
    Document {
        form: "prompted".into(),
        title: "prompted".into(),
        date: Some((2026, 4, 16)),
        landscape: false,
        draft: false,
        blocks: vec![
            Block::table(
                vec![Col::Text(2), Col::Fixed, Col::Text(2)],
                vec![vec![
                    Cell::label("Вопрос"),
                    Cell::label("Да/ Нет"),
                    Cell::label("Примечания"),
                ]],
                vec![vec![
                    Cell::label("Оформлены ли льготы?"),
                    Cell::value(Some("Нет")),
                    Cell::of(vec![
                        Text::label(prompt),
                        Text::data("Документы еще не собраны").at(&["/a"]),
                    ]),
                ]],
            ),
            Block::Fields {
                rows: vec![(
                    Text::label("Жилье:"),
                    vec![
                        Text::label("укажите вид жилья"),
                        Text::data("Комната в общежитии").at(&["/b"]),
                    ],
                )],
                label_width: 45,
                split: vec![],
            },
        ],
    }
}

#[test]
fn an_answer_entered_after_the_forms_prompt_is_italic_on_a_line_of_its_own() {
    // The card of NSK-2026-0003 notes «Курит с лета 2025 г., алкоголь отрицает» under the
    // catalog's hint «Если да, то кто и какие употребляет…» (section 2, «Здоровье»); the other
    // document puts a seed-like prompt and its answer in a table cell and in a row of fields.
    let card = form(&case("NSK-2026-0003"), "support_card");
    let checks: [(&Document, &str, &str); 3] = [
        (
            &card,
            "Если да, то кто и какие",
            "Курит с лета 2025 г., алкоголь отрицает",
        ),
        (
            &prompted(),
            "Если нет, то укажите причину",
            "Документы еще не собраны",
        ),
        (&prompted(), "укажите вид жилья", "Комната в общежитии"),
    ];
    for (doc, prompt, entry) in checks {
        // DOCX: the entry is a paragraph of its own (without the prompt), its run italic.
        let xml = document_xml(&Format::Docx.write(doc).unwrap());
        let paras = paragraphs(&xml);
        let (p, text) = paras
            .iter()
            .find(|(_, t)| t.contains(entry))
            .unwrap_or_else(|| panic!("«{entry}» in the DOCX"));
        assert!(!text.contains(prompt), "«{entry}» shares «{text}»");
        assert!(p.contains("<w:i />"), "«{entry}» not italic: {p}");
        let (q, _) = paras.iter().find(|(_, t)| t.contains(prompt)).unwrap();
        assert!(!q.contains("<w:i />"), "the prompt «{prompt}» is italic");
        // PDF: the entry in the italic face, below the prompt; the prompt upright.
        if python_has("pdfplumber") {
            // Its first words: a search does not run across a line's end.
            let entry = &entry.split(' ').take(3).collect::<Vec<_>>().join(" ");
            let found = fonts_of(&Format::Pdf.write(doc).unwrap(), &[prompt, entry]);
            let e = &found[entry];
            let q = &found[prompt];
            assert_eq!(
                e["fonts"].as_array().map(Vec::len),
                Some(1),
                "«{entry}»: {e}"
            );
            assert!(
                e["fonts"][0].as_str().unwrap().contains("Italic"),
                "«{entry}»: {e}"
            );
            assert!(
                q["fonts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|f| !f.as_str().unwrap().contains("Italic")),
                "«{prompt}»: {q}"
            );
            assert!(
                e["top"].as_f64().unwrap() >= q["bottom"].as_f64().unwrap() - 0.5,
                "«{entry}» on the prompt's line: {e} {q}"
            );
        }
    }
}

/// Whether `s` breaks a word with a zero-width space between two Cyrillic letters.
fn splits_a_word(s: &str) -> bool {
    let cyr = |c: char| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё');
    let v: Vec<char> = s.chars().collect();
    v.windows(3)
        .any(|w| w[1] == '\u{200B}' && cyr(w[0]) && cyr(w[2]))
}

#[test]
fn the_logs_break_no_word_without_a_hyphen_and_number_their_columns_as_the_seed() {
    // «Новосибирс|к», «поликлин|ика»: zero-width break points inside words split them with no
    // hyphen in the PDF and stop Word's search and hyphenation in the DOCX. The seed numbers
    // the intake log's columns 1–9, –, 10, 11, –, 12, once under the header.
    let cases = all_cases();
    let refs: Vec<&Case> = cases.iter().collect();
    for log in [detection_log(&refs, None), intake_log(&refs, None)] {
        let fitted = okno::doc::fit::fitted(&log);
        for b in &fitted.blocks {
            if let Block::Table { rows, .. } = b {
                for t in rows.iter().flatten().flat_map(|c| &c.content) {
                    assert!(!splits_a_word(t.as_str()), "{}: «{}»", log.form, t.as_str());
                }
            }
        }
        let xml = document_xml(&Format::Docx.write(&log).unwrap());
        let split = runs(&xml)
            .split_whitespace()
            .filter(|w| splits_a_word(w))
            .map(String::from)
            .collect::<Vec<_>>();
        assert!(split.is_empty(), "{}: {split:?}", log.form);
    }
    let xml = document_xml(&Format::Docx.write(&intake_log(&refs, None)).unwrap());
    let numbers: Vec<String> = xml
        .split("</w:tr>")
        .map(|row| {
            row.split("<w:tc>")
                .skip(1)
                .map(|c| runs(c).trim().to_string())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.first().is_some_and(|c| c == "1") && cells.len() > 10)
        .expect("the row of column numbers");
    assert_eq!(
        numbers,
        [
            "1", "2", "3", "4", "5", "6", "7", "8", "9", "", "10", "11", "", "12"
        ],
    );
    // Only under the header of the first page, as in the seed: no header row (repeated on
    // every page) holds a column number.
    let header_rows: Vec<&str> = xml
        .split("</w:tr>")
        .filter(|r| r.contains("<w:tblHeader />"))
        .collect();
    assert_eq!(header_rows.len(), 2);
    for r in header_rows {
        for c in r.split("<w:tc>").skip(1) {
            let t = runs(c);
            assert!(
                t.trim().is_empty() || !t.trim().chars().all(|c| c.is_ascii_digit()),
                "a column number in the repeated header: {t}"
            );
        }
    }
}

/// On each page after the first: the height of the table's repeated header (from the table's
/// top rule to the first line of an entry, the first text not in bold) and the page's height.
const HEADER_SHARE: &str = r#"
import json, sys, pdfplumber
out = []
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages[1:]:
        top = min(e["top"] for e in page.horizontal_edges)
        body = [c["top"] for c in page.chars if c["top"] > top and "Bold" not in c["fontname"]]
        out.append((min(body) - top) / (page.height - 2 * 20 * 72 / 25.4))
print(json.dumps(out))
"#;

#[test]
fn the_logs_repeated_header_takes_under_a_fifth_of_a_page() {
    if !python_has("pdfplumber") {
        eprintln!("skipped: no pdfplumber");
        return;
    }
    let cases = all_cases();
    let refs: Vec<&Case> = cases.iter().collect();
    for log in [intake_log(&refs, None), detection_log(&refs, None)] {
        let shares = plumb(&Format::Pdf.write(&log).unwrap(), HEADER_SHARE);
        let shares = shares.as_array().unwrap();
        assert!(!shares.is_empty(), "{}: one page only", log.form);
        for (i, s) in shares.iter().enumerate() {
            let s = s.as_f64().unwrap();
            assert!(
                s < 0.20,
                "{} p. {}: the header takes {:.0}% of the page",
                log.form,
                i + 2,
                s * 100.0
            );
        }
    }
}

/// The last line of text of each page.
const LAST_LINES: &str = r#"
import json, sys, pdfplumber
out = []
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        lines = [l.strip() for l in (page.extract_text() or "").split("\n") if l.strip()]
        out.append(lines[-1] if lines else "")
print(json.dumps(out, ensure_ascii=False))
"#;

/// The headings of a form: its section headings, its bold paragraphs, and the title rows of
/// groups inside its tables («Про ребенка/детей»).
fn headings(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Heading { text } => out.push(text.as_str().to_string()),
            Block::Para {
                content,
                bold: true,
                ..
            } => out.push(
                content
                    .iter()
                    .map(Text::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Block::Table { rows, .. } => {
                for row in rows {
                    if let [c] = row.as_slice()
                        && c.bold
                    {
                        out.push(c.content.iter().map(Text::as_str).collect());
                    }
                }
            }
            _ => {}
        }
    }
    out.retain(|h| h.trim().chars().count() > 3);
    out
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The pages (from 1) whose last line ends one of `headings`.
fn pages_ending_in_a_heading(last_lines: &Value, headings: &[String]) -> Vec<(usize, String)> {
    last_lines
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let l = fold(l.as_str().unwrap());
            headings
                .iter()
                .any(|h| l.chars().count() > 3 && fold(h).ends_with(&l))
                .then_some((i + 1, l))
        })
        .collect()
}

#[test]
fn no_page_of_the_support_card_ends_with_a_heading_in_pdf_or_docx() {
    // Issue 21: NSK-2026-0003 p. 1 and 5, 0005 p. 4, 0007 p. 4–5 (PDF), the DOCX p. 1.
    if !python_has("pdfplumber") {
        eprintln!("skipped: no pdfplumber");
        return;
    }
    let soffice = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let dir = tempfile::tempdir().unwrap();
    let docx_dir = dir.path().join("docx");
    std::fs::create_dir_all(&docx_dir).unwrap();
    let mut all_headings = Vec::new();
    for id in ["NSK-2026-0003", "NSK-2026-0005", "NSK-2026-0007"] {
        let card = form(&case(id), "support_card");
        let heads = headings(&card);
        assert!(heads.len() > 10, "{id}: {heads:?}");
        let last = plumb(&Format::Pdf.write(&card).unwrap(), LAST_LINES);
        let bad = pages_ending_in_a_heading(&last, &heads);
        assert!(bad.is_empty(), "{id} PDF: {bad:?}");
        std::fs::write(
            docx_dir.join(format!("{id}.docx")),
            Format::Docx.write(&card).unwrap(),
        )
        .unwrap();
        all_headings.push((id, heads));
    }
    if !soffice {
        eprintln!("DOCX part skipped: no soffice");
        return;
    }
    let pdf_dir = dir.path().join("pdf");
    let o = Command::new(root().join("scripts/docx_to_pdf.sh"))
        .args([&docx_dir, &pdf_dir])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (id, heads) in all_headings {
        let pdf = std::fs::read(pdf_dir.join(format!("{id}.pdf"))).unwrap();
        let bad = pages_ending_in_a_heading(&plumb(&pdf, LAST_LINES), &heads);
        assert!(bad.is_empty(), "{id} DOCX in LibreOffice: {bad:?}");
    }
}

#[test]
fn every_value_of_both_logs_stands_under_the_header_its_map_names() {
    // The logs' field maps (`DETECTION_LOG_FIELDS`, `INTAKE_LOG_FIELDS`): each value a log
    // prints is tagged with its fields, and each field's place is the column it stands in.
    let cases = all_cases();
    let refs: Vec<&Case> = cases.iter().collect();
    for (log, map) in [
        (detection_log(&refs, None), DETECTION_LOG_FIELDS),
        (intake_log(&refs, None), INTAKE_LOG_FIELDS),
    ] {
        let placed = placed(&log);
        assert!(
            placed.len() > cases.len() * 8,
            "{}: {}",
            log.form,
            placed.len()
        );
        for p in &placed {
            for f in p.fields {
                let places: Vec<_> = map.iter().filter(|m| m.field == *f).collect();
                assert!(!places.is_empty(), "{}: {f} has no place", log.form);
                assert!(
                    places.iter().any(|m| label_matches(&p.label, m.label)),
                    "{}: {f} «{}» stands under «{}»",
                    log.form,
                    p.text,
                    p.label
                );
            }
        }
        // Every place of the map is a column of the log.
        let heads: Vec<String> = log
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table { header, .. } => Some(header),
                _ => None,
            })
            .flatten()
            .flatten()
            .map(|c| c.content.iter().map(Text::as_str).collect())
            .collect();
        for m in map {
            assert!(
                heads.iter().any(|h| label_matches(h, m.label)),
                "{}: no column «{}» for {}",
                log.form,
                m.label,
                m.field
            );
        }
    }
}
