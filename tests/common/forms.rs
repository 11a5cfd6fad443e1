//! What the tests of the forms' content share: a fixture case, one form of it as the writers
//! get it, its PDF and DOCX bytes, and the DOCX read back as text, paragraphs and table cells.

use okno::doc::Document;
use okno::forms::documents;
use okno::ingest::read_path;
use okno::model::Case;
use okno::render::Format;
use std::io::Read;
use std::path::Path;

/// A case file of the repository, read as `okno` reads it.
pub fn case_at(path: &Path) -> Case {
    read_path(path).unwrap().cases.remove(0).case
}

/// Every case of the case files (JSON, TOML) in these folders of the repository, in the
/// order of their paths.
pub fn cases_in(dirs: &[&str]) -> Vec<Case> {
    let mut paths: Vec<_> = dirs
        .iter()
        .flat_map(|d| std::fs::read_dir(super::root().join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .flat_map(|p| read_path(p).unwrap().cases)
        .map(|c| c.case)
        .collect()
}

/// `fixtures/cases/<id>.json`.
pub fn fixture(id: &str) -> Case {
    case_at(&super::root().join(format!("fixtures/cases/{id}.json")))
}

/// One form of a case, fitted as the writers get it (`monitoring-1` names one document of
/// the form `monitoring`).
pub fn form(case: &Case, code: &str) -> Document {
    documents(
        case,
        Some(&[code.split('-').next().unwrap().to_string()]),
        false,
    )
    .into_iter()
    .find(|d| d.form == code)
    .unwrap_or_else(|| panic!("{}: no form «{code}»", case.case_id))
}

/// The document's (PDF, DOCX) bytes.
pub fn rendered(doc: &Document) -> (Vec<u8>, Vec<u8>) {
    (
        Format::Pdf.write(doc).unwrap(),
        Format::Docx.write(doc).unwrap(),
    )
}

/// Text without the break points the writers add (soft hyphens, zero-width spaces), spaces
/// folded.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{AD}' | '\u{200B}'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

pub fn document_xml(docx: &[u8]) -> String {
    let mut xml = String::new();
    zip::ZipArchive::new(std::io::Cursor::new(docx))
        .unwrap()
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The text of an XML fragment's `<w:t>` runs, each followed by `sep`.
fn runs_with(xml: &str, sep: &str) -> String {
    let mut out = String::new();
    for part in xml.split("<w:t").skip(1) {
        // `<w:t>` or `<w:t xml:space=…>`, not `<w:tc>`, `<w:tbl>`…
        if !(part.starts_with('>') || part.starts_with(' ')) {
            continue;
        }
        let Some(open) = part.find('>') else { continue };
        let body = &part[open + 1..];
        if let Some(end) = body.find("</w:t>") {
            out.push_str(&unescape(&body[..end]));
            out.push_str(sep);
        }
    }
    out
}

/// The text of an XML fragment's runs, run together as a reader sees it.
pub fn runs(xml: &str) -> String {
    runs_with(xml, "")
}

/// Every table of a DOCX as rows of cell texts (a row's cells in order; a merged cell once),
/// runs joined by `sep`.
fn tables_with(docx: &[u8], sep: &str) -> Vec<Vec<Vec<String>>> {
    document_xml(docx)
        .split("<w:tbl>")
        .skip(1)
        .map(|t| {
            let t = &t[..t.find("</w:tbl>").unwrap_or(t.len())];
            // A row is what precedes its `</w:tr>` (splitting at `<w:tr` would cut at `<w:trPr>`).
            let rows: Vec<&str> = t.split("</w:tr>").collect();
            rows[..rows.len() - 1]
                .iter()
                .map(|r| {
                    r.split("<w:tc>")
                        .skip(1)
                        .map(|c| clean(&runs_with(c, sep)))
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Every table of a DOCX as rows of cell texts.
pub fn docx_tables(docx: &[u8]) -> Vec<Vec<Vec<String>>> {
    tables_with(docx, "")
}

/// Every table row of a DOCX, its runs read as separate words.
pub fn docx_rows_spaced(docx: &[u8]) -> Vec<Vec<String>> {
    tables_with(docx, " ").concat()
}

/// Every non-empty paragraph of a DOCX (a table cell's too), as text.
pub fn docx_paragraphs(docx: &[u8]) -> Vec<String> {
    document_xml(docx)
        .split("</w:p>")
        .map(|p| clean(&runs(p)))
        .filter(|p| !p.is_empty())
        .collect()
}
