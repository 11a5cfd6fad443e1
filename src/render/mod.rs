//! Render: a checked case becomes its forms, each built once as a document tree and written
//! by two writers, Typst for PDF/A-2b and docx-rs for DOCX. Output names carry the case ID and
//! the form's code, never a person's name.

pub mod doc;
pub mod docx;
pub mod fit;
pub mod pdf;
pub mod pdf_join;

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

/// Maps `f` over `items` on `threads` workers (all cores when None), keeping the order.
///
/// Each worker of a rayon pool runs one long loop that takes the next item when it has
/// finished the last. Typst parallelises inside a compilation with rayon, and from a pool
/// thread that inner work goes to the same pool: a worker waiting on it helps the other
/// worker's document instead of sitting idle, and never starts a new document half-way (a
/// `par_iter` over the items would, and memory would grow with the half-done documents).
/// Exactly `threads` threads run, so nothing is oversubscribed. Workers get a large stack:
/// Typst lays out deep trees recursively.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: Option<usize>,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let n = threads
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let work = || {
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(k) else { break };
            let r = f(item);
            results.lock().unwrap_or_else(|e| e.into_inner())[k] = Some(r);
        }
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .stack_size(64 << 20)
        .thread_name(|i| format!("okno-render-{i}"))
        .build()
    {
        Ok(pool) => {
            pool.broadcast(|_| work());
        }
        // No threads to be had: the work is still done, on this thread.
        Err(_) => work(),
    }
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every item was processed"))
        .collect()
}
