//! Render: a checked case becomes its forms, each built once as a document tree and written
//! by two writers, Typst for PDF/A-2b and docx-rs for DOCX. Output names carry the case ID and
//! the form's code, never a person's name.

pub mod doc;
pub mod docx;
pub mod fit;
pub mod pdf;
pub mod pdf_join;
pub mod stream;
pub mod xlsx;

use crate::model::Case;
use doc::Document;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
    pub fn write(self, doc: &Document) -> Result<Vec<u8>, String> {
        match self {
            Format::Pdf => pdf::pdf(doc),
            Format::Docx => docx::docx(doc),
        }
    }
}

/// What to render.
#[derive(Debug, Clone)]
pub struct Options {
    pub formats: Vec<Format>,
    /// Form codes to render; None: all that the case has.
    pub forms: Option<Vec<String>>,
    pub draft: bool,
    /// Worker threads; None: all cores.
    pub jobs: Option<usize>,
}

/// The documents of one case (with the draft mark when asked).
pub fn documents(case: &Case, options: &Options) -> Vec<Document> {
    let mut docs = crate::forms::case_documents(case, options.forms.as_deref());
    for d in &mut docs {
        d.draft = options.draft;
        fit::fit(d);
    }
    docs
}

/// Each document in each format, as the bytes of `dir/<form>.<ext>` (not yet written).
pub fn render_files(
    docs: &[Document],
    formats: &[Format],
    dir: &Path,
) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let mut files = Vec::new();
    for d in docs {
        for f in formats {
            let bytes = f
                .write(d)
                .map_err(|e| format!("{}.{}: {e}", d.form, f.ext()))?;
            files.push((dir.join(format!("{}.{}", d.form, f.ext())), bytes));
        }
    }
    Ok(files)
}

/// Parses `pdf,docx`.
pub fn parse_formats(s: &str) -> Result<Vec<Format>, String> {
    s.split(',')
        .map(|f| match f.trim().to_lowercase().as_str() {
            "pdf" => Ok(Format::Pdf),
            "docx" => Ok(Format::Docx),
            other => Err(format!("неизвестный формат «{other}»: pdf или docx")),
        })
        .collect()
}

/// The codes `--forms` accepts: every per-case form and the two logs.
pub fn form_codes() -> Vec<&'static str> {
    let mut v: Vec<&str> = crate::forms::FORMS.iter().map(|f| f.code).collect();
    v.extend(["detection_log", "intake_log"]);
    v
}
