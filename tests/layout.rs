//! The forms as paper: nothing crosses a column rule or leaves the page (checked from the
//! outside, on the PDFs themselves, by `scripts/check_layout.py`), wide tables on landscape
//! pages and the rest portrait, in both formats, and no word of the data lost.
//!
//! The checks from outside need pdfplumber (PyPI) and, for the DOCX, LibreOffice (Debian's
//! libreoffice-writer-nogui); `.ci/run` installs both. Where they are missing a test says so
//! and passes — except under CI, where a missing tool fails it.

mod common;

use common::{okno, python_has, root};
use okno::doc::{Block, Document, Text};
use okno::forms::documents;
use okno::ingest::read_path;
use okno::model::Case;
use okno::render::Format;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

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

fn soffice() -> bool {
    Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `okno demo` and `okno render fixtures/stress` into a fresh folder.
fn rendered_fixtures() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let demo = out.path().join("demo");
    let stress = out.path().join("stress");
    let o = okno(&["demo", "-o", demo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = okno(&["render", "fixtures/stress", "-o", stress.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    out
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

/// Runs the layout check over `dirs`; returns its report when it found a problem.
fn layout_problems(dirs: &[&Path]) -> Option<String> {
    let o = Command::new("python3")
        .arg(root().join("scripts/check_layout.py"))
        .args(dirs)
        .output()
        .expect("python3");
    let report =
        String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    eprintln!(
        "{}",
        report.lines().rev().take(3).collect::<Vec<_>>().join("\n")
    );
    (!o.status.success()).then_some(report)
}

#[test]
fn no_word_of_any_pdf_crosses_a_column_rule_or_leaves_the_page() {
    if !have("pdfplumber", python_has("pdfplumber")) {
        return;
    }
    let out = rendered_fixtures();
    let pdfs = files(out.path(), "pdf");
    // The demo's forms and logs, and every form of the three stress cases and the 60-row register.
    assert!(pdfs.len() > 120, "{} PDFs", pdfs.len());
    if let Some(report) = layout_problems(&[out.path()]) {
        panic!("{report}");
    }
}

#[test]
fn no_word_of_any_docx_opened_in_libreoffice_crosses_a_rule_or_leaves_the_page() {
    if !have("pdfplumber", python_has("pdfplumber")) || !have("LibreOffice", soffice()) {
        return;
    }
    let out = rendered_fixtures();
    let converted = out.path().join("docx-as-pdf");
    let o = Command::new("bash")
        .arg(root().join("scripts/docx_to_pdf.sh"))
        .arg(out.path())
        .arg(&converted)
        .output()
        .expect("bash");
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        files(&converted, "pdf").len(),
        files(out.path(), "docx").len()
    );
    if let Some(report) = layout_problems(&[&converted]) {
        panic!("{report}");
    }
}

/// The layout check itself finds what it must: a word run into the next column, text below
/// the page's edge and text over text (a PDF laid out the old way, by hand).
#[test]
fn the_layout_check_finds_overflow_in_a_broken_pdf() {
    if !have("pdfplumber", python_has("pdfplumber")) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.pdf"), broken_pdf()).unwrap();
    let report = layout_problems(&[dir.path()]).expect("problems found");
    for kind in ["crossing", "outside", "overlap"] {
        assert!(report.contains(kind), "{kind} not found:\n{report}");
    }
}

/// A one-page PDF with a table rule at x = 100 crossed by a word, a word below the page and
/// two words printed over each other.
fn broken_pdf() -> Vec<u8> {
    let content = "0.5 w 100 700 m 100 760 l S \
        BT /F1 12 Tf 60 720 Td (Intellektualnoe) Tj ET \
        BT /F1 12 Tf 200 -40 Td (lost) Tj ET \
        BT /F1 12 Tf 300 500 Td (over) Tj ET BT /F1 12 Tf 302 500 Td (text) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        pdf.extend(format!("{o:010} 00000 n \n").bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    pdf
}

fn case(path: &str) -> Case {
    read_path(&root().join(path)).unwrap().cases.remove(0).case
}

/// Each page's orientation, from its media box.
fn pdf_orientations(bytes: &[u8]) -> Vec<bool> {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    doc.get_pages()
        .values()
        .map(|id| {
            let page = doc.get_dictionary(*id).unwrap();
            let b: Vec<f32> = page
                .get(b"MediaBox")
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_float().unwrap())
                .collect();
            b[2] - b[0] > b[3] - b[1]
        })
        .collect()
}

fn docx_part(bytes: &[u8], part: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The orientation of each section of a DOCX, in order.
fn docx_sections(bytes: &[u8]) -> Vec<bool> {
    let xml = docx_part(bytes, "word/document.xml");
    xml.split("<w:sectPr")
        .skip(1)
        .map(|s| {
            let size = &s[s.find("<w:pgSz").unwrap()..];
            size[..size.find("/>").unwrap()].contains("landscape")
        })
        .collect()
}

/// A text with whitespace, hyphens (a hyphenation break or a word's own) and zero-width
/// break points removed, so a word reads the same wherever its line broke.
fn letters(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{AD}' | '\u{200B}' | '-'))
        .collect()
}

fn pdf_words(bytes: &[u8]) -> String {
    letters(&pdf_extract::extract_text_from_mem(bytes).unwrap())
}

#[test]
fn wide_tables_are_on_landscape_pages_and_the_rest_stays_portrait_in_pdf_and_docx() {
    let c = case("fixtures/cases/NSK-2026-0004.json");
    let docs = documents(&c, None, false);
    let get = |form: &str| {
        docs.iter()
            .find(|d| d.form == form)
            .unwrap_or_else(|| panic!("{form}"))
    };
    // The support card: part I portrait, part II (the plan) landscape, part III portrait,
    // part IV (contacts, curator's work) landscape.
    let card = get("support_card");
    let pdf = Format::Pdf.write(card).unwrap();
    let pages = pdf_orientations(&pdf);
    let mut runs: Vec<bool> = Vec::new();
    for p in &pages {
        if runs.last() != Some(p) {
            runs.push(*p);
        }
    }
    assert_eq!(runs, [false, true, false, true], "{pages:?}");
    let text = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    let page_of = |needle: &str| text.iter().position(|t| t.contains(needle)).unwrap();
    assert!(pages[page_of("ПЛАНОВАЯ ЧАСТЬ")]);
    assert!(!pages[page_of("РЕЗУЛЬТАТИВНАЯ ЧАСТЬ")]);
    assert!(pages[page_of("ФИКСАЦИЯ ПРОВЕДЕННОЙ РАБОТЫ")]);
    assert!(!pages[0]);
    assert_eq!(
        docx_sections(&Format::Docx.write(card).unwrap()),
        [false, true, false, true]
    );
    // Forms that are one wide table: landscape throughout; the rest portrait.
    for d in &docs {
        let want = matches!(d.form.as_str(), "individual_plan" | "departmental_plan");
        let pdf = Format::Pdf.write(d).unwrap();
        if d.form != "support_card" {
            assert!(
                pdf_orientations(&pdf).iter().all(|l| *l == want),
                "{}",
                d.form
            );
            assert_eq!(
                docx_sections(&Format::Docx.write(d).unwrap()),
                [want],
                "{}",
                d.form
            );
        }
    }
    let cases: Vec<&Case> = vec![&c];
    for log in [
        okno::forms::detection_log(&cases, None),
        okno::forms::intake_log(&cases, None),
    ] {
        assert!(
            pdf_orientations(&Format::Pdf.write(&log).unwrap())
                .iter()
                .all(|l| *l)
        );
        assert_eq!(docx_sections(&Format::Docx.write(&log).unwrap()), [true]);
    }
}

#[test]
fn the_departmental_plan_is_landscape() {
    let c = case("fixtures/stress/STRESS-0003.json");
    let docs = documents(&c, None, false);
    let plan = docs
        .iter()
        .find(|d| d.form == "departmental_plan")
        .expect("a plan");
    let pages = pdf_orientations(&Format::Pdf.write(plan).unwrap());
    assert!(pages.len() > 1 && pages.iter().all(|l| *l), "{pages:?}");
}

/// Every word of the data of the stress cases (5,000-character grounds, 40-row plans,
/// 30 contacts, the longest names) is printed: a row too tall for a page splits instead of
/// running off it. Counted word by word, so a word lost at a page's foot is missed even if
/// the same word stands elsewhere.
#[test]
fn no_word_of_the_stress_cases_is_lost_at_a_page_break() {
    for path in [
        "fixtures/stress/STRESS-0001.json",
        "fixtures/stress/STRESS-0002.json",
        "fixtures/stress/STRESS-0003.json",
    ] {
        for d in documents(&case(path), None, false) {
            let pdf = Format::Pdf.write(&d).unwrap();
            let text = pdf_words(&pdf);
            // A row split across pages may hyphenate a word at the split: its halves then end
            // one page's cell and begin the next page's (after its repeated header), apart in the
            // text's order.
            let pages: Vec<String> = pdf_extract::extract_text_from_mem_by_pages(&pdf)
                .unwrap()
                .iter()
                .map(|p| letters(p))
                .collect();
            let split_at_page = |w: &str| {
                let chars: Vec<char> = w.chars().collect();
                (2..chars.len().saturating_sub(1)).any(|i| {
                    let head: String = chars[..i].iter().collect();
                    let tail: String = chars[i..].iter().collect();
                    pages
                        .windows(2)
                        .any(|two| two[0].contains(&head) && two[1].contains(&tail))
                })
            };
            let mut missing = Vec::new();
            let mut seen = std::collections::HashMap::<String, usize>::new();
            for v in values(&d) {
                // A line (and a page) may break at a space or a zero-width break point.
                for w in v.split(|c: char| c.is_whitespace() || c == '\u{200B}') {
                    let w = letters(w);
                    if w.is_empty() {
                        continue;
                    }
                    let n = seen.entry(w.clone()).or_default();
                    *n += 1;
                    if text.matches(w.as_str()).count() < *n && !split_at_page(&w) {
                        missing.push(w);
                    }
                }
            }
            assert!(missing.is_empty(), "{path} {}: {missing:?}", d.form);
        }
    }
}

/// Every value of a document's tables and fields (the data, not the form's words).
fn values(d: &Document) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |t: &Text| {
        if let Text::Value(s, _) = t {
            out.push(s.clone());
        }
    };
    for b in &d.blocks {
        match b {
            Block::Table { rows, .. } => rows
                .iter()
                .flatten()
                .flat_map(|c| &c.content)
                .for_each(&mut push),
            Block::Fields { rows, .. } => rows.iter().flat_map(|(_, v)| v).for_each(&mut push),
            Block::Para { content, .. } => content.iter().for_each(&mut push),
            _ => {}
        }
    }
    out
}

#[test]
fn all_42_child_indicators_of_app_3_are_verbatim_in_the_pdf_text() {
    let c = case("fixtures/cases/NSK-2026-0004.json");
    let d = documents(&c, None, false)
        .into_iter()
        .find(|d| d.form == "child_assessment")
        .unwrap();
    let pdf = Format::Pdf.write(&d).unwrap();
    // Only whitespace is squashed: no hyphen, no break point inside an indicator's words.
    let text = pdf_extract::extract_text_from_mem(&pdf)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let cat = okno::catalog::catalog();
    let mut n = 0;
    for crit in &cat.child.criterion {
        assert!(text.contains(crit.title.as_str()), "{}", crit.title);
        for ind in &crit.indicators {
            n += 1;
            let want = ind.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(&want), "not verbatim: {want}");
        }
    }
    assert_eq!(n, 42);
}

#[test]
fn a_criterion_spans_its_indicators_rows_in_pdf_and_docx() {
    let c = case("fixtures/cases/NSK-2026-0004.json");
    let d = documents(&c, None, false)
        .into_iter()
        .find(|d| d.form == "child_assessment")
        .unwrap();
    let cat = okno::catalog::catalog();
    let docx = docx_part(&Format::Docx.write(&d).unwrap(), "word/document.xml");
    // Number and title of each of the 7 criteria: one merged cell each, continued below.
    assert_eq!(
        docx.matches(r#"<w:vMerge w:val="restart" />"#).count(),
        2 * cat.child.criterion.len()
    );
    let continued: usize = cat
        .child
        .criterion
        .iter()
        .map(|c| 2 * (c.indicators.len() - 1))
        .sum();
    assert_eq!(
        docx.matches(r#"<w:vMerge w:val="continue" />"#).count(),
        continued
    );
    // In the PDF the title stands once, beside its first indicator, not once per row.
    let text = pdf_extract::extract_text_from_mem(&Format::Pdf.write(&d).unwrap()).unwrap();
    let squashed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for crit in &cat.child.criterion {
        assert_eq!(
            squashed.matches(crit.title.as_str()).count(),
            1,
            "{}",
            crit.title
        );
    }
}

#[test]
fn the_docx_hyphenates_in_russian_repeats_header_rows_and_splits_only_tall_rows() {
    let c = case("fixtures/stress/STRESS-0002.json");
    let docs = documents(&c, None, false);
    let notification = docs.iter().find(|d| d.form == "notification").unwrap();
    let docx = Format::Docx.write(notification).unwrap();
    assert!(
        docx_part(&docx, "word/settings.xml").contains(r#"<w:autoHyphenation w:val="true" />"#)
    );
    let styles = docx_part(&docx, "word/styles.xml");
    let defaults =
        &styles[styles.find("<w:rPrDefault>").unwrap()..styles.find("</w:rPrDefault>").unwrap()];
    assert!(defaults.contains(r#"<w:lang w:val="ru-RU""#), "{defaults}");
    let xml = docx_part(&docx, "word/document.xml");
    // Every table with a header repeats it.
    assert!(xml.contains("<w:tblHeader />"));
    // The row of the 5,000-character grounds may split; a short row stays whole.
    let grounds = c.notification.as_ref().unwrap().grounds.clone().unwrap();
    assert!(grounds.chars().count() >= 5000);
    let opening: String = grounds
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let mut splitting = 0;
    for r in xml.split("<w:tr>").skip(1) {
        let r = &r[..r.find("</w:tr>").unwrap()];
        let props = &r[..r.find("</w:trPr>").unwrap_or(0)];
        let text: usize = r.split("<w:t").skip(1).map(|t| t.len()).sum();
        if r.contains(&opening) {
            assert!(!props.contains("cantSplit"), "the grounds' row must split");
        }
        if !props.contains("cantSplit") && !props.contains("tblHeader") {
            splitting += 1;
            assert!(
                text > 1500,
                "a short row may split: {}",
                &r[..r.len().min(400)]
            );
        }
    }
    assert!(splitting >= 1);
}

#[test]
fn the_docx_tables_have_the_pdfs_column_widths() {
    let c = case("fixtures/cases/NSK-2026-0004.json");
    for d in documents(&c, None, false) {
        let xml = docx_part(&Format::Docx.write(&d).unwrap(), "word/document.xml");
        let grids: Vec<Vec<usize>> = xml
            .split("<w:tblGrid>")
            .skip(1)
            .map(|g| {
                g[..g.find("</w:tblGrid>").unwrap()]
                    .split(r#"<w:gridCol w:w=""#)
                    .skip(1)
                    .map(|x| x[..x.find('"').unwrap()].parse().unwrap())
                    .collect()
            })
            .collect();
        let tables: Vec<&Vec<f32>> = d
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table { widths, .. } => Some(widths),
                _ => None,
            })
            .collect();
        // Fields and approvals are tables in the DOCX too; the grids of real tables are
        // among them in order, each the PDF's widths in twentieths of a point.
        let mut g = grids.iter();
        for t in tables {
            let want: Vec<usize> = t.iter().map(|w| (w * 20.0).round() as usize).collect();
            assert!(
                g.any(|x| *x == want),
                "{}: {want:?} not in {grids:?}",
                d.form
            );
        }
    }
}
