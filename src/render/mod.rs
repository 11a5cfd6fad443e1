//! Render: the writers. A document tree (`crate::doc`, built by `crate::forms` or the
//! quarter's summary) is written by Typst as PDF/A-2b and by docx-rs as DOCX; long documents
//! are joined from chunks (`pdf_join`). Writers never look at a case. Output names carry the
//! case ID and the form's code, never a person's name.

pub mod docx;
mod error;
pub mod pdf;
pub mod pdf_join;
pub mod stream;
pub mod xlsx;

use crate::doc::Document;
pub use error::Error;
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
    pub fn write(self, doc: &Document) -> Result<Vec<u8>, Error> {
        match self {
            Format::Pdf => pdf::pdf(doc),
            Format::Docx => docx::docx(doc),
        }
    }
}

/// Each document in each format, as the bytes of `dir/<form>.<ext>` (not yet written).
pub fn render_files(
    docs: &[Document],
    formats: &[Format],
    dir: &Path,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Error> {
    let mut files = Vec::new();
    for d in docs {
        for f in formats {
            let bytes = f.write(d).map_err(|e| e.in_file(&d.form, f.ext()))?;
            files.push((dir.join(format!("{}.{}", d.form, f.ext())), bytes));
        }
    }
    Ok(files)
}

/// Parses `pdf,docx`.
pub fn parse_formats(s: &str) -> Result<Vec<Format>, Error> {
    s.split(',')
        .map(|f| match f.trim().to_lowercase().as_str() {
            "pdf" => Ok(Format::Pdf),
            "docx" => Ok(Format::Docx),
            other => Err(Error::UnknownFormat(other.to_string())),
        })
        .collect()
}
