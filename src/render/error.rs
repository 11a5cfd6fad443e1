//! Why a document could not be written. The texts are shown to the secretary (in a run's
//! report, the page's answers): Russian, and unchanged from when they were plain strings.

/// A writer's failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Typst refused the document: its messages, joined by «; ».
    #[error("{0}")]
    Typst(String),
    /// The tree could not be handed to the template.
    #[error("{0}")]
    Data(#[from] serde_json::Error),
    /// The stamp of a page number laid out no page.
    #[error("нет страницы номера")]
    NoPageNumber,
    /// The PDF/A standard was refused by the exporter.
    #[error("{0}")]
    Standard(String),
    /// docx-rs could not pack the document, or its package could not be repacked.
    #[error("{0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A part of a DOCX is not the XML docx-rs writes.
    #[error("{0}")]
    Xml(#[from] quick_xml::Error),
    #[error("{0}")]
    Utf8(#[from] std::string::FromUtf8Error),
    /// A streamed table's template lacks what `docx::with_streamed_rows` replaces.
    #[error("{0}")]
    Template(&'static str),
    /// The rows of a streamed table could not be had (the caller's own failure).
    #[error("{0}")]
    Rows(Box<dyn std::error::Error + Send + Sync>),
    /// Joining the PDFs of a long document's chunks.
    #[error("сборка PDF: {0}")]
    Join(String),
    /// One file of a case's forms (`notification.pdf`) and why it failed.
    #[error("{file}: {source}")]
    File { file: String, source: Box<Error> },
    /// A writer panicked (caught by the caller's worker: one document fails, not the run).
    #[error("внутренний сбой при оформлении")]
    Crashed,
    /// A `--format` list names what okno does not write.
    #[error("неизвестный формат «{0}»: pdf или docx")]
    UnknownFormat(String),
}

impl Error {
    /// This failure as the file of form `form` with extension `ext` (`notification.pdf: …`).
    pub fn in_file(self, form: &str, ext: &str) -> Error {
        Error::File {
            file: format!("{form}.{ext}"),
            source: Box::new(self),
        }
    }
}
