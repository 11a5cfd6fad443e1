//! The one pipeline of `validate`, `render`, `archive`, `batch` and `demo`: inputs → checked
//! cases → forms → optional archive → report. The commands differ only in their `Options`.
//!
//! Two passes over the inputs. The first reads and checks every input and keeps only what the
//! rules across the run need (`CaseKey`), so I-SAME-ID and I-DUPLICATE are known before
//! anything is written. The second streams the inputs through the workers: a worker reads and
//! checks an input again (under 1 ms a case, against ~90 ms to render it), renders its cases,
//! stages their files (`commit`) and forgets them, so memory does not grow with the folder. A
//! run that renders nothing (validate) keeps what its first pass read.

mod commit;
pub mod text;

pub use commit::write_if_changed;

use crate::archive::{self, Archive, Prepared, Source};
use crate::atomic_write::Staged;
use crate::bagit::write::PayloadFile;
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::model::Case;
use crate::pipeline::{self, CheckedCase, FileReport};
use crate::render::{self, Format};
use crate::validate::{CaseKey, Settings};
use commit::Commit;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::SyncSender;

pub const NO_INPUTS: &str = "в указанных папках нет файлов .xlsx, .xls, .ods, .json или .toml";

/// What a run does besides checking.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where the forms go, as `<out>/<case-id>/<form>.<ext>`; None: no forms on disk.
    pub out: Option<PathBuf>,
    pub formats: Vec<Format>,
    /// Form codes to render into `out`; None: every form the case has.
    pub forms: Option<Vec<String>>,
    /// Render cases with errors too, every page marked «ЧЕРНОВИК». A draft is never archived.
    pub draft: bool,
    /// Worker threads; None: all cores.
    pub jobs: Option<usize>,
    /// Store each valid case in this archive (all forms, PDF and DOCX, whatever `forms` says).
    pub archive: Option<PathBuf>,
    /// The two logs of the rendered cases, in `out` itself.
    pub logs: bool,
    /// The secretary's report workbook, `out/отчет.xlsx`.
    pub report: bool,
}

impl Options {
    fn renders(&self) -> bool {
        self.out.is_some() || self.archive.is_some()
    }
}

/// Why a case was not rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Error diagnostics, and no `--draft`.
    Errors,
    /// Its case ID comes from more than one input (I-SAME-ID): not even a draft, whose folder
    /// the other input would share.
    SameId,
    /// The case ID cannot name a folder.
    UnsafeId,
}

impl Refusal {
    pub fn ru(self) -> &'static str {
        match self {
            Refusal::Errors => "есть ошибки",
            Refusal::SameId => "номер случая повторяется во входных файлах — выберите один",
            Refusal::UnsafeId => "номер случая недопустим для имени папки",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Checked only: the run renders nothing (validate).
    Checked,
    /// Official forms in place and/or the case in the archive.
    Done,
    /// Rendered with the draft mark, not archived.
    Draft,
    Refused(Refusal),
    /// Rendering or writing failed: the run failed.
    Failed(String),
}

/// The archive's answer for a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archived {
    New(u32),
    Unchanged(u32),
}

#[derive(Debug)]
pub struct CaseOutcome {
    pub case_id: String,
    /// Reading, validation and run-wide diagnostics, located.
    pub diagnostics: Vec<Diagnostic>,
    pub status: Status,
    /// Form files of the case in `out`, written or found with the same bytes.
    pub forms: usize,
    /// Of those, the ones found with the same bytes and left alone.
    pub unchanged: usize,
    pub archived: Option<Archived>,
}

impl CaseOutcome {
    pub fn has_errors(&self) -> bool {
        crate::diagnostic::has_errors(&self.diagnostics)
    }
}

/// One input after the run.
#[derive(Debug)]
pub struct FileOutcome {
    pub file: String,
    /// Why the input could not be read at all.
    pub unreadable: Option<String>,
    /// Diagnostics about the input as a whole.
    pub diagnostics: Vec<Diagnostic>,
    pub cases: Vec<CaseOutcome>,
}

impl FileOutcome {
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .chain(self.cases.iter().flat_map(|c| c.diagnostics.iter()))
    }

    /// The unreadable-input problem as a diagnostic (I-FILE), for JSON output.
    pub fn unreadable_diagnostic(&self) -> Option<Diagnostic> {
        self.unreadable.as_ref().map(|m| {
            let mut d = Diagnostic::error("I-FILE", "", m.clone());
            d.file = self.file.clone();
            d
        })
    }
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<FileOutcome>,
    /// The logs in `out`: files written or found unchanged.
    pub logs: usize,
    pub logs_unchanged: usize,
    /// The report workbook, when asked for.
    pub report: Option<PathBuf>,
    /// Writes outside any one case that failed (logs, report).
    pub failures: Vec<String>,
    pub seconds: f64,
}

impl Outcome {
    pub fn cases(&self) -> impl Iterator<Item = (&FileOutcome, &CaseOutcome)> {
        self.files
            .iter()
            .flat_map(|f| f.cases.iter().map(move |c| (f, c)))
    }

    /// The exit status as an error: 2 when a write failed, or an input cannot be read and
    /// `unreadable_fails` (a batch lists it as one more input with errors instead); 1 when an
    /// input has errors; Ok otherwise.
    pub fn verdict(&self, unreadable_fails: bool) -> crate::error::Result<()> {
        let failed = self
            .cases()
            .filter(|(_, c)| matches!(c.status, Status::Failed(_)))
            .count()
            + self.failures.len();
        let unreadable = self.files.iter().filter(|f| f.unreadable.is_some()).count();
        let with_errors = self
            .files
            .iter()
            .filter(|f| crate::diagnostic::has_errors(&f.diagnostics))
            .count()
            + self.cases().filter(|(_, c)| c.has_errors()).count();
        if failed > 0 {
            return Err(Error::Failed(format!("сбоев записи: {failed}")));
        }
        if unreadable > 0 && unreadable_fails {
            return Err(Error::Unreadable(format!(
                "не читается файлов: {unreadable}"
            )));
        }
        let mut parts = Vec::new();
        if with_errors > 0 {
            parts.push(format!("случаев с ошибками: {with_errors}"));
        }
        if unreadable > 0 {
            parts.push(format!("не читается файлов: {unreadable}"));
        }
        if parts.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(format!(
                "найдены ошибки ({}) — они перечислены выше",
                parts.join(", ")
            )))
        }
    }
}

/// One input as the second pass takes it.
struct Input<'a> {
    index: usize,
    path: &'a Path,
    /// The case IDs the first pass read (None: unreadable then).
    ids: Option<Vec<String>>,
    /// The first pass's report, kept when nothing is rendered.
    kept: Mutex<Option<FileReport>>,
    /// Run-wide diagnostics: (case index, diagnostic).
    found: Vec<(usize, Diagnostic)>,
}

/// Rendered cases kept for the logs: (key, case, draft).
type Logged = Vec<((usize, usize), Case, bool)>;

/// What every worker shares.
struct Ctx<'a> {
    opts: &'a Options,
    settings: &'a Settings,
    archive: Option<&'a Archive>,
    commits: SyncSender<Commit>,
    logged: &'a Mutex<Logged>,
}

/// Runs the pipeline over `inputs` (files and folders). `on_file` is called as each input is
/// done (from a worker thread, before its files are in place), for progress displays.
pub fn run(
    inputs: &[PathBuf],
    opts: &Options,
    settings: &Settings,
    on_file: &(dyn Fn(&FileOutcome, usize, usize) + Sync),
) -> crate::error::Result<Outcome> {
    let started = std::time::Instant::now();
    let paths = pipeline::expand_inputs(inputs);
    if paths.is_empty() {
        return Err(Error::Usage(NO_INPUTS.into()));
    }
    if let Some(out) = &opts.out {
        std::fs::create_dir_all(out)
            .map_err(|e| Error::Failed(format!("{}: {e}", out.display())))?;
    }
    let archive = match &opts.archive {
        Some(a) => Some(
            Archive::open(a).map_err(|e| Error::Failed(format!("архив {}: {e}", a.display())))?,
        ),
        None => None,
    };
    let inputs = survey(&paths, opts, settings);
    let total = inputs.len();
    let done = Mutex::new(0usize);
    let logged = Mutex::new(Logged::new());
    let (commits, staged) = std::sync::mpsc::sync_channel::<Commit>(16);
    let (mut files, failures) = std::thread::scope(|scope| {
        let committer =
            scope.spawn(|| commit::commit_all(staged, opts.out.as_deref(), archive.as_ref()));
        let ctx = Ctx {
            opts,
            settings,
            archive: archive.as_ref(),
            commits,
            logged: &logged,
        };
        let files = render::parallel_map(&inputs, opts.jobs, |input| {
            let outcome = process(input, &ctx);
            let mut n = done.lock().unwrap_or_else(|e| e.into_inner());
            *n += 1;
            on_file(&outcome, *n, total);
            outcome
        });
        // The last sender goes: the committer ends once it has placed what was sent.
        drop(ctx);
        let failures = committer
            .join()
            .unwrap_or_else(|_| Err("сбой записи файлов".to_string()));
        (files, failures)
    });
    for ((f, c), e) in failures.map_err(Error::Failed)? {
        let case = &mut files[f].cases[c];
        case.status = Status::Failed(e);
        case.forms = 0;
        case.unchanged = 0;
        case.archived = None;
    }
    let mut outcome = Outcome {
        files,
        ..Outcome::default()
    };
    if let (true, Some(out)) = (opts.logs, &opts.out) {
        let logged = logged.into_inner().unwrap_or_else(|e| e.into_inner());
        write_logs(logged, out, opts, &mut outcome);
    }
    if opts.renders() {
        render::pdf::release_cache();
    }
    if let (true, Some(out)) = (opts.report, &opts.out) {
        let path = out.join("отчет.xlsx");
        let rows = crate::batch_report::rows(&outcome.files);
        match crate::batch_report::report_xlsx(&rows)
            .map_err(|e| e.to_string())
            .and_then(|b| write_if_changed(&path, &b).map_err(|e| e.to_string()))
        {
            Ok(_) => outcome.report = Some(path),
            Err(e) => outcome.failures.push(format!("{}: {e}", path.display())),
        }
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    Ok(outcome)
}

/// The first pass: every input read and checked on all cores; the rules across the run
/// applied to what was read.
fn survey<'a>(paths: &'a [PathBuf], opts: &Options, settings: &Settings) -> Vec<Input<'a>> {
    let keep = !opts.renders();
    let read: Vec<(String, Option<Vec<CaseKey>>, Option<FileReport>)> =
        render::parallel_map(paths, opts.jobs, |p| {
            let r = pipeline::check_file(p, settings);
            let keys = r.unreadable.is_none().then(|| pipeline::keys(&r));
            (r.file.clone(), keys, keep.then_some(r))
        });
    let named: Vec<(String, Vec<CaseKey>)> = read
        .iter()
        .map(|(file, keys, _)| (file.clone(), keys.clone().unwrap_or_default()))
        .collect();
    let found = pipeline::run_wide(&named);
    read.into_iter()
        .zip(found)
        .zip(paths)
        .enumerate()
        .map(|(index, (((_, keys, kept), found), path))| Input {
            index,
            path,
            ids: keys.map(|k| k.into_iter().map(|k| k.case_id).collect()),
            kept: Mutex::new(kept),
            found,
        })
        .collect()
}

/// The second pass over one input: its cases checked, rendered and staged.
fn process(input: &Input, ctx: &Ctx) -> FileOutcome {
    let kept = input.kept.lock().unwrap_or_else(|e| e.into_inner()).take();
    let mut report = match kept {
        Some(r) => r,
        None => {
            let r = pipeline::check_file(input.path, ctx.settings);
            let ids = r.unreadable.is_none().then(|| {
                r.cases
                    .iter()
                    .map(|c| c.ingested.case.case_id.clone())
                    .collect::<Vec<_>>()
            });
            // The rules across the run were applied to what the first pass read.
            if ids != input.ids {
                FileReport {
                    file: r.file,
                    unreadable: Some(
                        "файл изменился во время обработки — запустите еще раз".into(),
                    ),
                    cases: vec![],
                    diagnostics: vec![],
                }
            } else {
                r
            }
        }
    };
    pipeline::attach(&mut report, input.found.clone());
    let same_id = |c: usize| {
        input
            .found
            .iter()
            .any(|(i, d)| *i == c && d.rule == "I-SAME-ID")
    };
    let mut bytes = None;
    let cases = std::mem::take(&mut report.cases)
        .into_iter()
        .enumerate()
        .map(|(c, checked)| {
            case_outcome(
                checked,
                (input.index, c),
                same_id(c),
                input.path,
                &mut bytes,
                ctx,
            )
        })
        .collect();
    FileOutcome {
        file: report.file,
        unreadable: report.unreadable,
        diagnostics: report.diagnostics,
        cases,
    }
}

/// One case: refused, or rendered and staged, and kept for the logs.
fn case_outcome(
    checked: CheckedCase,
    key: (usize, usize),
    same_id: bool,
    path: &Path,
    bytes: &mut Option<Vec<u8>>,
    ctx: &Ctx,
) -> CaseOutcome {
    let opts = ctx.opts;
    let case = &checked.ingested.case;
    let errors = checked.has_errors();
    let mut outcome = CaseOutcome {
        case_id: case.case_id.clone(),
        diagnostics: Vec::new(),
        status: Status::Checked,
        forms: 0,
        unchanged: 0,
        archived: None,
    };
    outcome.status = if !opts.renders() {
        Status::Checked
    } else if same_id {
        Status::Refused(Refusal::SameId)
    } else if !crate::validate::case_id_is_safe(&case.case_id) {
        Status::Refused(Refusal::UnsafeId)
    } else if errors && !opts.draft {
        Status::Refused(Refusal::Errors)
    } else {
        // The input's bytes go into the bag; read once per input, only when archiving.
        let file = match (errors, ctx.archive) {
            (false, Some(_)) => {
                Some(&*bytes.get_or_insert_with(|| std::fs::read(path).unwrap_or_default()))
            }
            _ => None,
        };
        let source = file.map(|b| Source::of(&checked.ingested, path, b));
        match stage(case, errors, source.as_ref(), key, ctx) {
            Ok((forms, unchanged, archived)) => {
                outcome.forms = forms;
                outcome.unchanged = unchanged;
                outcome.archived = archived;
                if errors { Status::Draft } else { Status::Done }
            }
            Err(e) => Status::Failed(e),
        }
    };
    let rendered = matches!(outcome.status, Status::Done | Status::Draft);
    outcome.diagnostics = checked.diagnostics;
    if rendered && opts.logs {
        ctx.logged.lock().unwrap_or_else(|e| e.into_inner()).push((
            key,
            checked.ingested.case,
            errors,
        ));
    }
    outcome
}

/// Renders a case's forms into `out` and (for an official case with an archive) its bag,
/// stages both and hands them to the committer: (form files, of them unchanged, archive).
fn stage(
    case: &Case,
    draft: bool,
    source: Option<&Source>,
    key: (usize, usize),
    ctx: &Ctx,
) -> Result<(usize, usize, Option<Archived>), String> {
    let opts = ctx.opts;
    // The bag holds every form as PDF and DOCX; the forms in `out` reuse its bytes when they
    // are the same set, so a batch renders each form once.
    let payload: Option<Vec<PayloadFile>> = match (source, ctx.archive) {
        (Some(s), Some(_)) => Some(archive::payload(case, s)?),
        _ => None,
    };
    let mut files: Vec<(PathBuf, Cow<[u8]>)> = Vec::new();
    if let Some(out) = &opts.out {
        let dir = out.join(&case.case_id);
        let whole = opts.forms.is_none()
            && opts.formats.len() == 2
            && opts.formats.contains(&Format::Pdf)
            && opts.formats.contains(&Format::Docx);
        match &payload {
            Some(p) if whole => files.extend(p.iter().filter_map(|f| {
                let name = f.path.strip_prefix("forms/")?;
                Some((dir.join(name), Cow::Borrowed(f.bytes.as_slice())))
            })),
            _ => {
                let docs = render::documents(
                    case,
                    &render::Options {
                        formats: vec![],
                        forms: opts.forms.clone(),
                        draft,
                        jobs: None,
                    },
                );
                files.extend(
                    render::render_files(&docs, &opts.formats, &dir)?
                        .into_iter()
                        .map(|(p, b)| (p, Cow::Owned(b))),
                );
            }
        }
    }
    let forms = files.len();
    files.retain(|(p, b)| !commit::unchanged(p, b));
    let unchanged = forms - files.len();
    let (bag, archived) = match (&payload, ctx.archive) {
        (Some(p), Some(a)) => match a.prepare(case, p, ctx.settings.today)? {
            Prepared::Bag(bag) => {
                let v = bag.version;
                (Some(bag), Some(Archived::New(v)))
            }
            Prepared::Unchanged { version } => (None, Some(Archived::Unchanged(version))),
        },
        _ => (None, None),
    };
    if !files.is_empty() || bag.is_some() {
        let staged = Staged::write(&files).map_err(|e| match opts.out.as_ref() {
            Some(o) => format!("{}: {e}", o.join(&case.case_id).display()),
            None => e.to_string(),
        })?;
        ctx.commits
            .send(Commit {
                key,
                forms: staged,
                bag,
            })
            .map_err(|_| "запись файлов прервана".to_string())?;
    }
    Ok((forms, unchanged, archived))
}

/// The detection and intake logs of the rendered cases, in input order, in `out`; marked
/// draft when a draft is among them.
fn write_logs(mut logged: Logged, out: &Path, opts: &Options, outcome: &mut Outcome) {
    if logged.is_empty() {
        return;
    }
    logged.sort_by_key(|(k, _, _)| *k);
    let draft = logged.iter().any(|(_, _, d)| *d);
    let cases: Vec<&Case> = logged.iter().map(|(_, c, _)| c).collect();
    let wants = |code: &str| {
        opts.forms
            .as_ref()
            .is_none_or(|f| f.iter().any(|c| c == code))
    };
    let mut logs = Vec::new();
    if wants("detection_log") {
        logs.push(crate::forms::detection_log(&cases, None));
    }
    if wants("intake_log") {
        logs.push(crate::forms::intake_log(&cases, None));
    }
    for l in &mut logs {
        l.draft = draft;
        render::fit::fit(l);
    }
    let files = match render::render_files(&logs, &opts.formats, out) {
        Ok(f) => f,
        Err(e) => return outcome.failures.push(e),
    };
    for (path, bytes) in files {
        match write_if_changed(&path, &bytes) {
            Ok(written) => {
                outcome.logs += 1;
                outcome.logs_unchanged += usize::from(!written);
            }
            Err(e) => outcome.failures.push(format!("{}: {e}", path.display())),
        }
    }
}

/// A line of `Severity` counts: (errors, warnings).
pub fn count<'a>(diags: impl Iterator<Item = &'a Diagnostic>) -> (usize, usize) {
    let (mut e, mut w) = (0, 0);
    for d in diags {
        match d.severity {
            Severity::Error => e += 1,
            Severity::Warning => w += 1,
        }
    }
    (e, w)
}
