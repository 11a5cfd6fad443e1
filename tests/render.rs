//! The forms as a person checks them: the text in the PDF and in the DOCX, the seed's labels
//! verbatim, data printed literally whatever it contains, the same bytes on every run, drafts
//! marked on every page.

use okno::doc::Document;
use okno::forms::documents;
use okno::ingest::read_path;
use okno::model::Case;
use okno::render::Format;
use std::io::Read;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn case(id: &str) -> Case {
    let dir = root().join("fixtures/cases");
    let path = ["json", "toml"]
        .iter()
        .map(|e| dir.join(format!("{id}.{e}")))
        .find(|p| p.exists())
        .unwrap();
    read_path(&path).unwrap().cases.remove(0).case
}

fn all_cases() -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| read_path(p).unwrap().cases.remove(0).case)
        .collect()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a PDF, page by page, whitespace squashed (lines wrap anywhere).
fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(bytes)
        .expect("PDF text")
        .iter()
        .map(|p| squash(p))
        .collect()
}

/// The whole text, without the running page numbers (each page from the second opens with
/// its number), so a cell that goes on over a page break reads on.
fn pdf_text(bytes: &[u8]) -> String {
    pdf_pages(bytes)
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let number = (i + 1).to_string();
            match p.strip_prefix(&number) {
                Some(rest) if i > 0 => rest.trim_start().to_string(),
                _ => p.clone(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of a DOCX: every `w:t` of word/document.xml, paragraphs separated by spaces.
fn docx_xml(bytes: &[u8], part: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("DOCX is a zip");
    let mut xml = String::new();
    zip.by_name(part)
        .expect(part)
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn docx_text(bytes: &[u8]) -> String {
    let xml = docx_xml(bytes, "word/document.xml");
    let mut out = String::new();
    for para in xml.split("</w:p>") {
        let mut rest = para;
        while let Some(i) = rest.find("<w:t") {
            let after = &rest[i..];
            let Some(open_end) = after.find('>') else {
                break;
            };
            if after[..open_end].ends_with('/') {
                rest = &after[open_end + 1..];
                continue;
            }
            let body = &after[open_end + 1..];
            let Some(close) = body.find("</w:t>") else {
                break;
            };
            out.push_str(&unescape(&body[..close]));
            rest = &body[close..];
        }
        out.push(' ');
    }
    squash(&out)
}

/// The cells of the DOCX's tables: table → row → cell text.
fn docx_tables(bytes: &[u8]) -> Vec<Vec<Vec<String>>> {
    let xml = docx_xml(bytes, "word/document.xml");
    xml.split("<w:tbl>")
        .skip(1)
        .map(|t| {
            let t = t.split("</w:tbl>").next().unwrap();
            t.split("<w:tr>")
                .skip(1)
                .map(|r| {
                    r.split("<w:tc>")
                        .skip(1)
                        .map(|c| {
                            let mut text = String::new();
                            // Text runs only: <w:t> or <w:t xml:space=…>, not <w:tcPr> and kin.
                            for piece in c.split("<w:t").skip(1) {
                                if !(piece.starts_with('>') || piece.starts_with(' ')) {
                                    continue;
                                }
                                if let Some((_, body)) = piece.split_once('>') {
                                    text.push_str(&unescape(
                                        body.split("</w:t>").next().unwrap_or(""),
                                    ));
                                }
                            }
                            squash(&text)
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

fn rendered(case: &Case) -> Vec<(Document, Vec<u8>, Vec<u8>)> {
    documents(case, None, false)
        .into_iter()
        .map(|d| {
            let pdf = Format::Pdf.write(&d).expect("pdf");
            let docx = Format::Docx.write(&d).expect("docx");
            (d, pdf, docx)
        })
        .collect()
}

fn find<'a>(
    docs: &'a [(Document, Vec<u8>, Vec<u8>)],
    form: &str,
) -> &'a (Document, Vec<u8>, Vec<u8>) {
    docs.iter()
        .find(|(d, ..)| d.form == form)
        .unwrap_or_else(|| panic!("no {form}"))
}

/// Without any whitespace: line wrapping and the extractor's spacing heuristics (it puts a
/// space after `*` or `$` by glyph widths) must not decide a test; the characters and their
/// order must.
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[track_caller]
fn has(text: &str, want: &str, what: &str) {
    assert!(
        compact(text).contains(&compact(want)),
        "{what}: «{want}» not found in:\n{text}"
    );
}

#[test]
fn every_form_shows_the_childs_name_dates_level_and_marked_indicators_in_pdf_and_docx() {
    let c = case("NSK-2026-0005");
    let docs = rendered(&c);
    let (_, child) = c.notified_child().unwrap();
    let child_name = child.name.full();
    let birth = child.birth_date.unwrap().ru();
    let forms: Vec<&str> = docs.iter().map(|(d, ..)| d.form.as_str()).collect();
    for want in [
        "notification",
        "child_assessment",
        "housing_inspection",
        "conclusion",
        "individual_plan",
        "support_card",
        "monitoring-1",
    ] {
        assert!(forms.contains(&want), "{want} missing: {forms:?}");
    }
    for (d, pdf, docx) in &docs {
        let (p, w) = (pdf_text(pdf), docx_text(docx));
        for (text, fmt) in [(&p, "pdf"), (&w, "docx")] {
            let what = format!("{} {fmt}", d.form);
            match d.form.as_str() {
                "notification" => {
                    has(text, &child_name, &what);
                    has(text, &birth, &what);
                    has(
                        text,
                        &c.notification.as_ref().unwrap().date_sent.unwrap().ru(),
                        &what,
                    );
                }
                "conclusion" => {
                    has(text, &child_name, &what);
                    has(text, &birth, &what);
                    has(
                        text,
                        &c.conclusion.as_ref().unwrap().date.unwrap().ru(),
                        &what,
                    );
                }
                "child_assessment" => {
                    has(text, &child_name, &what);
                    for m in &c.child_assessment.as_ref().unwrap().marks {
                        if m.present == Some(okno::model::Presence::Plus) {
                            has(
                                text,
                                okno::catalog::catalog()
                                    .indicator(m.criterion, m.indicator)
                                    .unwrap(),
                                &what,
                            );
                            if let Some(r) = &m.reason {
                                has(text, r, &what);
                            }
                        }
                    }
                }
                "monitoring-1" => {
                    has(text, &child_name, &what);
                    has(
                        text,
                        &c.monitoring[0].date.map(|d| d.ru()).unwrap_or_default(),
                        &what,
                    );
                }
                _ => {}
            }
        }
    }
    // The chosen level is the marked box, in both formats.
    let (_, pdf, docx) = find(&docs, "conclusion");
    has(&pdf_text(pdf), "☒ ВЫСОКИЙ", "conclusion pdf");
    has(&docx_text(docx), "☒ ВЫСОКИЙ", "conclusion docx");
    has(&pdf_text(pdf), "☐ НИЗКИЙ", "conclusion pdf");
}

#[test]
fn docx_parts_are_deflated_as_word_does() {
    let c = case("NSK-2026-0005");
    for (d, _, docx) in rendered(&c) {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
        let mut unpacked = 0;
        let mut document_deflated = false;
        for i in 0..zip.len() {
            let f = zip.by_index(i).unwrap();
            if f.is_file() {
                // Sub-2 KB parts may stay stored (a deflate state costs more than they save).
                if f.size() >= 2048 {
                    assert_eq!(
                        f.compression(),
                        zip::CompressionMethod::Deflated,
                        "{}: {}",
                        d.form,
                        f.name()
                    );
                }
                document_deflated |= f.name() == "word/document.xml"
                    && f.compression() == zip::CompressionMethod::Deflated;
                unpacked += f.size();
            }
        }
        assert!(document_deflated, "{}: word/document.xml", d.form);
        assert!(
            (docx.len() as u64) * 2 < unpacked,
            "{}: {} bytes for {unpacked} of parts",
            d.form,
            docx.len()
        );
    }
}

#[test]
fn the_docx_tables_are_real_tables_with_the_forms_cells() {
    let c = case("NSK-2026-0005");
    let docs = rendered(&c);
    let (_, _, docx) = find(&docs, "child_assessment");
    let tables = docx_tables(docx);
    let grid = tables
        .iter()
        .find(|t| {
            t[0].iter()
                .any(|c| c == "Показатели неблагополучия ребенка")
        })
        .expect("indicator table");
    assert_eq!(grid.len(), 1 + 42, "a header and the 42 indicators");
    assert_eq!(
        grid[0],
        vec![
            "№",
            "Критерии",
            "",
            "Показатели неблагополучия ребенка",
            "Наличие (+/-)",
            "Причина/примечание"
        ]
    );
    let a = c.child_assessment.as_ref().unwrap();
    for m in a.marks.iter().filter(|m| m.present.is_some()) {
        let text = okno::catalog::catalog()
            .indicator(m.criterion, m.indicator)
            .unwrap();
        let row = grid
            .iter()
            .find(|r| r[3] == squash(text) && (r[0].is_empty() || r[0] == m.criterion.to_string()))
            .expect("row");
        let sign = if m.present == Some(okno::model::Presence::Plus) {
            "+"
        } else {
            "-"
        };
        assert_eq!(row[4], sign, "{text}");
        assert_eq!(row[5], squash(m.reason.as_deref().unwrap_or("")), "{text}");
    }
    let (_, _, plan) = find(&docs, "individual_plan");
    let tables = docx_tables(plan);
    let t = tables
        .iter()
        .find(|t| t[0].iter().any(|c| c == "Направление работы"))
        .expect("plan table");
    let rows = &c.support_card.as_ref().unwrap().plan.as_ref().unwrap().rows;
    for r in rows {
        assert!(
            t.iter()
                .any(|row| row.contains(&squash(r.task.as_deref().unwrap()))),
            "task {:?}",
            r.task
        );
    }
}

/// Strips what the form itself adds so that only seed words are checked: numbers, empties.
fn is_seed_text(label: &str) -> bool {
    label.chars().any(|c| c.is_alphabetic())
}

#[test]
fn every_label_and_option_of_every_form_is_verbatim_in_seed_003() {
    let seed = root().join("docs/procedure-appendices.txt");
    // A footnote's mark is printed as a superscript digit where the seed's text has it.
    let mut seed = std::fs::read_to_string(seed).unwrap();
    for (n, mark) in ["¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        .iter()
        .enumerate()
    {
        seed = seed.replace(&format!("[footnoteRef:{}]", n + 1), mark);
    }
    let seed = squash(&seed);
    let mut docs: Vec<Document> = Vec::new();
    let cases = all_cases();
    for c in &cases {
        docs.extend(documents(c, None, false));
    }
    let refs: Vec<&Case> = cases.iter().collect();
    docs.push(okno::forms::detection_log(&refs, None));
    docs.push(okno::forms::intake_log(&refs, None));
    // A blank case still prints every form's labels.
    let mut missing = std::collections::BTreeSet::new();
    let mut checked = 0;
    for d in &docs {
        for l in d.labels().iter().filter(|l| is_seed_text(l)) {
            checked += 1;
            // Seed 003 prints App. 3 again where App. 4, the family assessment, should be.
            let app4 = d.form == "family_assessment" && l == "ПРИЛОЖЕНИЕ № 4";
            if !seed.contains(&squash(l)) && !app4 {
                missing.insert(format!("{}: «{l}»", d.form));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "labels not in seed 003:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
    assert!(checked > 1000, "labels checked: {checked}");
}

#[test]
fn data_is_printed_exactly_as_written_never_as_markup() {
    let mut c = case("NSK-2026-0005");
    let nasty = [
        "#panic(\"x\")",
        "*жирный*",
        "_курсив_",
        "$x^2$",
        "]",
        "<label>",
        "& и",
        "@ref",
        "// не комментарий",
        "#let a = 1",
        "\\",
    ];
    let child = c.notification.as_ref().unwrap().child;
    c.family.children[child].name.given_name = "#panic(\"x\")".into();
    let long: String =
        std::iter::repeat_n("долг ЖКХ > 40 000 руб. & кредит; ", 160).collect::<String>();
    let long = long[..long
        .char_indices()
        .nth(5000)
        .map(|(i, _)| i)
        .unwrap_or(long.len())]
        .to_string();
    assert_eq!(long.chars().count(), 5000);
    let n = c.notification.as_mut().unwrap();
    n.grounds = Some(nasty.join(" ") + " " + &long);
    let docs = rendered(&c);
    let (_, pdf, docx) = find(&docs, "notification");
    let (p, w) = (pdf_text(pdf), docx_text(docx));
    for s in nasty {
        has(&p, s, "pdf");
        has(&w, s, "docx");
    }
    has(&p, &long, "pdf long note");
    has(&w, &long, "docx long note");
    let name = c.family.children[child].name.full();
    has(&p, &name, "pdf name");
}

#[test]
fn rendering_twice_gives_the_same_bytes() {
    let c = case("NSK-2026-0008");
    let a = rendered(&c);
    let b = rendered(&c);
    assert_eq!(a.len(), b.len());
    for ((d, pa, wa), (_, pb, wb)) in a.iter().zip(&b) {
        assert!(pa == pb, "{} PDF differs", d.form);
        assert!(wa == wb, "{} DOCX differs", d.form);
    }
}

#[test]
fn pdfs_are_pdf_a_2b_a4_with_the_fonts_embedded_and_dates_from_the_data() {
    let c = case("NSK-2026-0005");
    let docs = rendered(&c);
    let (d, pdf, _) = find(&docs, "notification");
    let raw = String::from_utf8_lossy(pdf);
    assert!(
        raw.contains("pdfaid:part>2<") || raw.contains("pdfaid:part=\"2\""),
        "PDF/A part 2 declared"
    );
    assert!(
        raw.contains("pdfaid:conformance>B<") || raw.contains("pdfaid:conformance=\"B\""),
        "conformance B"
    );
    assert!(raw.contains("LiberationSerif"), "the serif is embedded");
    assert!(
        raw.contains("/MediaBox[0 0 595.2756 841.8898]"),
        "A4 portrait"
    );
    let (y, m, day) = d.date.unwrap();
    assert!(
        raw.contains(&format!("D:{y:04}{m:02}{day:02}")),
        "the document's date, not the clock"
    );
}

#[test]
fn pages_are_numbered_from_the_second_page() {
    let c = case("NSK-2026-0005");
    let docs = rendered(&c);
    let (_, pdf, docx) = find(&docs, "support_card");
    let pages = pdf_pages(pdf);
    assert!(pages.len() >= 3, "the card has several pages");
    assert!(
        !pages[0].starts_with("1 "),
        "no number on the first page: {}",
        &pages[0][..80]
    );
    for (i, p) in pages.iter().enumerate().skip(1) {
        assert!(
            p.starts_with(&format!("{} ", i + 1)),
            "page {} starts with its number: {}",
            i + 1,
            &p[..60.min(p.len())]
        );
    }
    // DOCX: a different first-page header and a PAGE field in the others.
    let xml = docx_xml(docx, "word/document.xml");
    assert!(xml.contains("<w:titlePg"), "title page header");
    assert!(
        xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""),
        "A4"
    );
    assert!(
        xml.contains("w:left=\"1417\"") && xml.contains("w:right=\"567\""),
        "ГОСТ margins"
    );
    let styles = docx_xml(docx, "word/styles.xml");
    assert!(styles.contains("Times New Roman"), "Times New Roman named");
}

#[test]
fn a_draft_says_so_on_every_page() {
    let c = case("NSK-2026-0005");
    for d in documents(&c, None, true)
        .iter()
        .filter(|d| d.form == "support_card" || d.form == "notification")
    {
        let pdf = Format::Pdf.write(d).unwrap();
        for (i, p) in pdf_pages(&pdf).iter().enumerate() {
            assert!(
                p.contains("ЧЕРНОВИК"),
                "{} page {} has no draft mark",
                d.form,
                i + 1
            );
        }
        let docx = Format::Docx.write(d).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
        let headers: Vec<String> = (0..zip.len())
            .filter_map(|i| {
                let mut f = zip.by_index(i).ok()?;
                let name = f.name().to_string();
                let mut s = String::new();
                (name.starts_with("word/header") && name.ends_with(".xml")).then(|| {
                    f.read_to_string(&mut s).ok();
                    s
                })
            })
            .collect();
        assert!(
            headers.len() >= 2 && headers.iter().all(|h| h.contains("ЧЕРНОВИК")),
            "every DOCX header says ЧЕРНОВИК"
        );
    }
    // Without --draft, no mark.
    let pdf = Format::Pdf.write(&documents(&c, None, false)[0]).unwrap();
    assert!(!pdf_text(&pdf).contains("ЧЕРНОВИК"));
}

#[test]
fn the_logs_list_every_case_in_order() {
    let cases = all_cases();
    let refs: Vec<&Case> = cases.iter().collect();
    let log = okno::forms::detection_log(&refs, None);
    let pdf = Format::Pdf.write(&log).unwrap();
    let text = pdf_text(&pdf);
    for c in &cases {
        let (_, child) = c.notified_child().unwrap();
        has(&text, &child.name.full(), "detection log");
    }
    let docx = Format::Docx
        .write(&okno::forms::intake_log(&refs, None))
        .unwrap();
    let tables = docx_tables(&docx);
    let t = &tables[0];
    assert_eq!(
        t.len(),
        2 + 1 + cases.len(),
        "two header rows, the numbering row, a row per case"
    );
}
