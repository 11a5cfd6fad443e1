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

/// Writes each document in each format into `dir`, as `<form>.<ext>`; returns the paths.
/// Every file is written whole or not at all.
pub fn write_documents(
    docs: &[Document],
    formats: &[Format],
    dir: &Path,
) -> Result<Vec<PathBuf>, String> {
    let files = render_files(docs, formats, dir)?;
    crate::atomic_write::write_all_atomic(&files).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
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

/// The outcome of rendering a run.
#[derive(Debug, Default)]
pub struct Summary {
    pub rendered_cases: usize,
    pub files: Vec<PathBuf>,
    /// (file, case ID, why) for cases not rendered.
    pub refused: Vec<(String, String, String)>,
    /// Write failures: the run itself failed.
    pub failures: Vec<String>,
}

/// Renders every checked case of a run into `dir/<case-id>/`, in parallel. A case with error
/// diagnostics is refused unless `draft` (then every page says «ЧЕРНОВИК»). The logs cover
/// the cases rendered, in `dir` itself.
pub fn render_reports(
    reports: &[crate::pipeline::FileReport],
    dir: &Path,
    options: &Options,
) -> Summary {
    let mut summary = Summary::default();
    let mut seen = std::collections::HashSet::new();
    let mut todo: Vec<&Case> = Vec::new();
    for r in reports {
        for c in &r.cases {
            let case = &c.ingested.case;
            let id = case.case_id.clone();
            if !crate::validate::case_id_is_safe(&id) {
                summary.refused.push((
                    r.file.clone(),
                    id,
                    "номер случая недопустим для имени папки".into(),
                ));
            } else if c.has_errors() && !options.draft {
                summary.refused.push((
                    r.file.clone(),
                    id,
                    "есть ошибки — официальные формы не оформляются (черновик: --draft)".into(),
                ));
            } else if !seen.insert(id.clone()) {
                summary.refused.push((
                    r.file.clone(),
                    id,
                    "номер случая уже встречался в этом запуске".into(),
                ));
            } else {
                todo.push(case);
            }
        }
    }
    let results: Vec<Result<Vec<PathBuf>, String>> = parallel_map(&todo, options.jobs, |case| {
        write_documents(
            &documents(case, options),
            &options.formats,
            &dir.join(&case.case_id),
        )
    });
    for r in results {
        match r {
            Ok(files) => {
                summary.rendered_cases += 1;
                summary.files.extend(files);
            }
            Err(e) => summary.failures.push(e),
        }
    }
    let wants = |code: &str| {
        options
            .forms
            .as_ref()
            .is_none_or(|f| f.iter().any(|c| c == code))
    };
    let mut logs = Vec::new();
    if !todo.is_empty() && wants("detection_log") {
        logs.push(crate::forms::detection_log(&todo, None));
    }
    if !todo.is_empty() && wants("intake_log") {
        logs.push(crate::forms::intake_log(&todo, None));
    }
    for l in &mut logs {
        l.draft = options.draft;
        fit::fit(l);
    }
    match write_documents(&logs, &options.formats, dir) {
        Ok(files) => summary.files.extend(files),
        Err(e) => summary.failures.push(e),
    }
    summary
}
