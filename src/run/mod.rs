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
mod spool;
pub mod text;

use crate::archive::{self, Archive, Prepared, Source};
use crate::bagit::write::PayloadFile;
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::files::Staged;
use crate::forms::{LogKind, LogSpool, write_log};
use crate::model::Case;
use crate::pipeline::{self, CheckedCase};
use crate::render::{self, Format};
use crate::validate::{CaseKey, Settings};
use commit::Commit;
use serde::{Deserialize, Serialize};
use spool::{CaseSpool, Spooled};
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
    /// Told as the first pass reads each input (for progress displays; `on_file` comes
    /// only when an input is done, after every input was read).
    pub progress: Option<Progress>,
}

/// What the first pass tells of an input as it reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadEvent {
    /// Reading has started.
    Started,
    /// One more of its cases was read and checked.
    Case,
    /// Read to its end.
    Read,
    /// Found unreadable.
    Unreadable,
}

/// What listens to the first pass: the input's path and what happened.
pub type OnRead = dyn Fn(&Path, ReadEvent) + Send + Sync;

/// A listener to the first pass, by input path.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<OnRead>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
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
        verdict(failed, unreadable, with_errors, unreadable_fails)
    }
}

/// The exit status of a run: `failed` writes, `unreadable` inputs, inputs and cases
/// `with_errors` (see `Outcome::verdict`).
fn verdict(
    failed: usize,
    unreadable: usize,
    with_errors: usize,
    unreadable_fails: bool,
) -> crate::error::Result<()> {
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

/// What a run that only checks tells as it goes (`check_each`).
pub enum Checked<'a> {
    /// An input, before its cases: its problems as a whole (or why it cannot be read), its
    /// `cases` left empty; and its counts, the rules across the run included.
    File {
        file: &'a FileOutcome,
        cases: usize,
        errors: usize,
        warnings: usize,
    },
    /// The input's next case, in the input's order.
    Case(CaseOutcome),
}

/// The counts of a run that only checks.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub files: usize,
    pub cases: usize,
    pub errors: usize,
    pub warnings: usize,
    pub unreadable: usize,
    /// Inputs (as a whole) and cases with errors.
    pub with_errors: usize,
}

impl Totals {
    /// As `Outcome::verdict`.
    pub fn verdict(&self, unreadable_fails: bool) -> crate::error::Result<()> {
        verdict(0, self.unreadable, self.with_errors, unreadable_fails)
    }
}

/// One input after the first pass.
struct Surveyed {
    file: String,
    /// Why the input could not be read at all.
    unreadable: Option<String>,
    /// Diagnostics about the input as a whole.
    diagnostics: Vec<Diagnostic>,
    /// What the rules across the run need of each case.
    keys: Vec<CaseKey>,
    /// When nothing is rendered (validate): each case's outcome, and where its fields of the
    /// rules across the run are (the case itself is not kept), in the run's spool.
    checked: Spooled,
}

/// Where a case's ID and its notified child's name are in its input, for the rules across
/// the run: only sheet, cell and pointer, the file being the input's (a validate run keeps
/// one per case).
#[derive(Serialize, Deserialize)]
struct Places {
    case_id: Place,
    child: Option<Place>,
}

#[derive(Serialize, Deserialize)]
struct Place {
    sheet: Option<Box<str>>,
    cell: Option<Box<str>>,
    /// The pointer as located, where it differs (a case inside a JSON file's list).
    pointer: Option<Box<str>>,
}

impl Places {
    fn of(checked: &CheckedCase, key: &CaseKey) -> Places {
        let at = |pointer: String| {
            let mut d = Diagnostic::warning("", pointer.clone(), "");
            checked.ingested.source.locate(&mut d);
            Place {
                sheet: d.sheet.map(String::into_boxed_str),
                cell: d.cell.map(String::into_boxed_str),
                pointer: (d.pointer != pointer).then(|| d.pointer.into_boxed_str()),
            }
        };
        Places {
            case_id: at("/case_id".into()),
            child: key
                .child
                .as_ref()
                .map(|(i, ..)| at(format!("/family/children/{i}/name"))),
        }
    }

    /// Gives a diagnostic of the rules across the run the place of its field (its file is
    /// already the input's).
    fn locate(&self, d: &mut Diagnostic) {
        let at = match &self.child {
            Some(child) if d.pointer != "/case_id" => child,
            _ => &self.case_id,
        };
        d.sheet = at.sheet.as_deref().map(str::to_string);
        d.cell = at.cell.as_deref().map(str::to_string);
        if let Some(p) = &at.pointer {
            d.pointer = p.to_string();
        }
    }
}

/// The log entries of the rendered cases, spooled as the workers render them, so a register
/// of any length keeps only their sort keys in memory; and the first write to the spool that
/// failed.
struct Logged {
    spool: LogSpool,
    failed: Option<String>,
}

/// What every worker shares.
struct Ctx<'a> {
    opts: &'a Options,
    settings: &'a Settings,
    archive: Option<&'a Archive>,
    logged: Option<&'a Mutex<Logged>>,
}

/// A case on its way from the reader to a worker.
struct Work {
    key: (usize, usize),
    checked: CheckedCase,
    same_id: bool,
}

/// What the reader and the workers tell the collector.
enum Done {
    Case((usize, usize), CaseOutcome),
    /// An input read to its end: its problems as a whole, or why it could not be read.
    /// And how many of its cases were sent to the workers.
    File(usize, Result<Vec<Diagnostic>, String>, usize),
}

/// Runs the pipeline over `inputs` (files and folders). `on_file` is called as each input is
/// done (before its files are in place), for progress displays.
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
    let mut outcome = Outcome::default();
    if !opts.renders() {
        let total = paths.len();
        let mut files: Vec<FileOutcome> = Vec::new();
        let mut take = |checked: Checked| match checked {
            Checked::File { file, .. } => {
                if let Some(done) = files.last() {
                    on_file(done, files.len(), total);
                }
                files.push(FileOutcome {
                    file: file.file.clone(),
                    unreadable: file.unreadable.clone(),
                    diagnostics: file.diagnostics.clone(),
                    cases: Vec::new(),
                });
            }
            Checked::Case(c) => {
                if let Some(f) = files.last_mut() {
                    f.cases.push(c);
                }
            }
        };
        check_paths(&paths, opts, settings, &mut take)?;
        if let Some(done) = files.last() {
            on_file(done, files.len(), total);
        }
        outcome.files = files;
        outcome.seconds = started.elapsed().as_secs_f64();
        return Ok(outcome);
    }
    let (surveyed, found) = survey(&paths, opts, settings, None);
    let logged = match (opts.logs, &opts.out) {
        (true, Some(_)) => Some(Mutex::new(Logged {
            spool: LogSpool::new()
                .map_err(|e| Error::Failed(format!("журналы: временный файл: {e}")))?,
            failed: None,
        })),
        _ => None,
    };
    let ctx = Ctx {
        opts,
        settings,
        archive: archive.as_ref(),
        logged: logged.as_ref(),
    };
    let (files, failures) = render_all(&paths, &surveyed, found, &ctx, on_file)?;
    outcome.files = files;
    for ((f, c), e) in failures {
        let case = &mut outcome.files[f].cases[c];
        case.status = Status::Failed(e);
        case.forms = 0;
        case.unchanged = 0;
        case.archived = None;
    }
    if let (Some(logged), Some(out)) = (logged, &opts.out) {
        let logged = logged.into_inner().unwrap_or_else(|e| e.into_inner());
        write_logs(logged, out, opts, &mut outcome);
    }
    render::pdf::release_cache();
    if let (true, Some(out)) = (opts.report, &opts.out) {
        let path = out.join("отчет.xlsx");
        let rows = crate::batch_report::rows(&outcome.files);
        match crate::batch_report::report_xlsx(&rows)
            .map_err(|e| e.to_string())
            .and_then(|b| crate::files::write_if_changed(&path, &b).map_err(|e| e.to_string()))
        {
            Ok(_) => outcome.report = Some(path),
            Err(e) => outcome.failures.push(format!("{}: {e}", path.display())),
        }
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    Ok(outcome)
}

/// A run that only checks (validate), told as it goes: each input (`Checked::File`, with its
/// counts) and then its cases one at a time, in order. Memory holds what the rules across the
/// run need, not the cases: they wait in a temporary file until those rules are known.
pub fn check_each(
    inputs: &[PathBuf],
    opts: &Options,
    settings: &Settings,
    each: &mut dyn FnMut(Checked),
) -> crate::error::Result<Totals> {
    let paths = pipeline::expand_inputs(inputs);
    if paths.is_empty() {
        return Err(Error::Usage(NO_INPUTS.into()));
    }
    check_paths(&paths, opts, settings, each)
}

fn check_paths(
    paths: &[PathBuf],
    opts: &Options,
    settings: &Settings,
    each: &mut dyn FnMut(Checked),
) -> crate::error::Result<Totals> {
    let spool =
        CaseSpool::new().map_err(|e| Error::Failed(format!("проверка: временный файл: {e}")))?;
    let (surveyed, found) = survey(paths, opts, settings, Some(&spool));
    let mut totals = Totals::default();
    for (s, found) in surveyed.into_iter().zip(found) {
        told(&spool, s, found, &mut totals, each)?;
    }
    Ok(totals)
}

/// The first pass: every input read and checked case by case (inputs on all cores), keeping
/// only the keys of the rules across the run — and, with a `spool` (nothing is rendered), each
/// case's outcome in it; then those rules applied: per input, (case index, diagnostic), sorted.
fn survey(
    paths: &[PathBuf],
    opts: &Options,
    settings: &Settings,
    spool: Option<&CaseSpool>,
) -> (Vec<Surveyed>, Vec<Vec<(usize, Diagnostic)>>) {
    let tell = |p: &Path, e: ReadEvent| {
        if let Some(progress) = &opts.progress {
            (progress.0)(p, e);
        }
    };
    let surveyed: Vec<Surveyed> = crate::pool::map(paths, opts.jobs, |p| {
        let file = p.display().to_string();
        let mut keys = Vec::new();
        let mut checked = Spooled::default();
        let mut spooled = Ok(());
        tell(p, ReadEvent::Started);
        let read = pipeline::check_file_each(p, settings, false, &mut |c| {
            tell(p, ReadEvent::Case);
            let key = CaseKey::of(&c.ingested.case);
            if let (Some(spool), Ok(())) = (spool, &spooled) {
                let places = Places::of(&c, &key);
                spooled = spool.push(&mut checked, &file, checked_outcome(c), places);
            }
            keys.push(key);
        });
        if let (Some(spool), Ok(())) = (spool, &spooled) {
            spooled = spool.flush(&mut checked);
        }
        let read = match (read, spooled) {
            (Ok(d), Ok(())) => Ok(d),
            (Err(e), _) => Err(e.message),
            (_, Err(e)) => Err(format!("проверка: временный файл: {e}")),
        };
        tell(
            p,
            if read.is_ok() {
                ReadEvent::Read
            } else {
                ReadEvent::Unreadable
            },
        );
        match read {
            Ok(diagnostics) => Surveyed {
                file,
                unreadable: None,
                diagnostics,
                keys,
                checked,
            },
            Err(e) => Surveyed {
                file,
                unreadable: Some(e),
                diagnostics: vec![],
                keys: vec![],
                checked: Spooled::default(),
            },
        }
    });
    let named: Vec<(&str, &[CaseKey])> = surveyed
        .iter()
        .map(|s| (s.file.as_str(), s.keys.as_slice()))
        .collect();
    let found = pipeline::run_wide(&named);
    (surveyed, found)
}

/// A case that is only checked: its diagnostics, nothing rendered.
fn checked_outcome(checked: CheckedCase) -> CaseOutcome {
    CaseOutcome {
        case_id: checked.ingested.case.case_id,
        diagnostics: checked.diagnostics,
        status: Status::Checked,
        forms: 0,
        unchanged: 0,
        archived: None,
    }
}

/// Tells an input of a run that only checks, its cases read back from the spool with the rules
/// across the run located in them.
fn told(
    spool: &CaseSpool,
    mut s: Surveyed,
    found: Vec<(usize, Diagnostic)>,
    totals: &mut Totals,
    each: &mut dyn FnMut(Checked),
) -> crate::error::Result<()> {
    let head = FileOutcome {
        file: s.file,
        unreadable: s.unreadable,
        diagnostics: s.diagnostics,
        cases: Vec::new(),
    };
    let mut with_errors = std::mem::take(&mut s.checked.with_errors);
    let checked = &s.checked;
    let (mut errors, mut warnings) = count(head.diagnostics.iter());
    errors += checked.errors;
    warnings += checked.warnings;
    for (c, d) in &found {
        match d.severity {
            Severity::Error => {
                errors += 1;
                if let Some(e) = with_errors.get_mut(*c) {
                    *e = true;
                }
            }
            Severity::Warning => warnings += 1,
        }
    }
    totals.files += 1;
    totals.cases += checked.cases;
    totals.errors += errors;
    totals.warnings += warnings;
    totals.unreadable += usize::from(head.unreadable.is_some());
    totals.with_errors += usize::from(crate::diagnostic::has_errors(&head.diagnostics))
        + with_errors.iter().filter(|e| **e).count();
    each(Checked::File {
        file: &head,
        cases: checked.cases,
        errors,
        warnings,
    });
    let mut found = found.into_iter().peekable();
    for (c, case) in spool.read(checked, &head.file).enumerate() {
        let (mut case, places) =
            case.map_err(|e| Error::Failed(format!("проверка: временный файл: {e}")))?;
        while let Some((_, mut d)) = found.next_if(|(i, _)| *i == c) {
            d.file.clone_from(&head.file);
            places.locate(&mut d);
            case.diagnostics.push(d);
        }
        each(Checked::Case(case));
    }
    Ok(())
}

/// The second pass: a reader streams the inputs again, case by case, to the workers, which
/// render, stage and forget each case; the committer puts staged cases in place; this thread
/// collects the outcomes. Memory holds a few cases in flight, not the run.
fn render_all(
    paths: &[PathBuf],
    surveyed: &[Surveyed],
    mut found: Vec<Vec<(usize, Diagnostic)>>,
    ctx: &Ctx,
    on_file: &(dyn Fn(&FileOutcome, usize, usize) + Sync),
) -> crate::error::Result<(Vec<FileOutcome>, commit::Unplaced)> {
    let cases: usize = surveyed.iter().map(|s| s.keys.len()).sum();
    let jobs = ctx
        .opts
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, cases.max(1));
    let mut files: Vec<FileOutcome> = surveyed
        .iter()
        .map(|s| FileOutcome {
            file: s.file.clone(),
            unreadable: None,
            diagnostics: vec![],
            cases: Vec::new(),
        })
        .collect();
    let mut slots: Vec<Vec<Option<CaseOutcome>>> = surveyed
        .iter()
        .map(|s| (0..s.keys.len()).map(|_| None).collect())
        .collect();
    // Per input: cases back from the workers, and (once read to its end) cases sent.
    let mut received = vec![0usize; surveyed.len()];
    let mut sent: Vec<Option<usize>> = vec![None; surveyed.len()];
    let (total, mut finished) = (surveyed.len(), 0);
    let (commits, staged) = std::sync::mpsc::sync_channel::<Commit>(16);
    let (work, queue) = std::sync::mpsc::sync_channel::<Work>(2 * jobs);
    let queue = Mutex::new(queue);
    let (report, reports) = std::sync::mpsc::channel::<Done>();
    let failures = std::thread::scope(|scope| {
        let committer =
            scope.spawn(|| commit::commit_all(staged, ctx.opts.out.as_deref(), ctx.archive));
        for i in 0..jobs {
            let (queue, report, commits) = (&queue, report.clone(), commits.clone());
            // Typst lays out deep trees: the workers get the stack the render pool has.
            let worker = move || {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(w) = next else { break };
                    let path = &paths[w.key.0];
                    let case_id = w.checked.ingested.case.case_id.clone();
                    // A fault in one case's rendering fails that case, not the run (and a
                    // dead worker would leave the reader waiting).
                    let o = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        case_outcome(w.checked, w.key, w.same_id, path, &commits, ctx)
                    }))
                    .unwrap_or_else(|_| CaseOutcome {
                        case_id,
                        diagnostics: vec![],
                        status: Status::Failed("внутренний сбой при оформлении".into()),
                        forms: 0,
                        unchanged: 0,
                        archived: None,
                    });
                    if report.send(Done::Case(w.key, o)).is_err() {
                        break;
                    }
                }
            };
            std::thread::Builder::new()
                .name(format!("okno-render-{i}"))
                .stack_size(64 << 20)
                .spawn_scoped(scope, worker)
                .expect("a worker thread");
        }
        drop(commits);
        let reader = report.clone();
        let found = &mut found;
        scope.spawn(move || {
            for (f, path) in paths.iter().enumerate() {
                let expected = &surveyed[f];
                if expected.unreadable.is_some() {
                    let why = expected.unreadable.clone().unwrap_or_default();
                    let _ = reader.send(Done::File(f, Err(why), 0));
                    continue;
                }
                let mut found = std::mem::take(&mut found[f]).into_iter().peekable();
                let mut c = 0;
                let mut changed = false;
                let origin = ctx.archive.is_some();
                let read =
                    pipeline::check_file_each(path, ctx.settings, origin, &mut |mut checked| {
                        // The rules across the run were applied to what the first pass read.
                        if changed
                            || expected.keys.get(c) != Some(&CaseKey::of(&checked.ingested.case))
                        {
                            changed = true;
                            return;
                        }
                        let mut same_id = false;
                        while let Some((_, mut d)) = found.next_if(|(i, _)| *i == c) {
                            same_id |= d.rule == "I-SAME-ID";
                            checked.ingested.source.locate(&mut d);
                            checked.diagnostics.push(d);
                        }
                        let key = (f, c);
                        c += 1;
                        let _ = work.send(Work {
                            key,
                            checked,
                            same_id,
                        });
                    });
                let read = match read {
                    Ok(_) if changed || c != expected.keys.len() => Err(CHANGED.to_string()),
                    Ok(d) => Ok(d),
                    Err(e) => Err(e.message),
                };
                let _ = reader.send(Done::File(f, read, c));
            }
            // The last work is sent: the workers end when the queue is empty.
            drop(work);
        });
        drop(report);
        for done in reports {
            let f = match done {
                Done::Case((f, c), o) => {
                    slots[f][c] = Some(o);
                    received[f] += 1;
                    f
                }
                Done::File(f, read, n) => {
                    match read {
                        Ok(d) => files[f].diagnostics = d,
                        Err(e) => files[f].unreadable = Some(e),
                    }
                    sent[f] = Some(n);
                    f
                }
            };
            // An input is done once it is read to its end and every case sent is back.
            if sent[f] == Some(received[f]) {
                files[f].cases = std::mem::take(&mut slots[f])
                    .into_iter()
                    .flatten()
                    .collect();
                sent[f] = None;
                finished += 1;
                on_file(&files[f], finished, total);
            }
        }
        committer
            .join()
            .unwrap_or_else(|_| Err("сбой записи файлов".to_string()))
    });
    Ok((files, failures.map_err(Error::Failed)?))
}

/// Why an input is refused in the second pass.
const CHANGED: &str = "файл изменился во время обработки — запустите еще раз";

/// One case: refused, or rendered and staged, and kept for the logs.
fn case_outcome(
    checked: CheckedCase,
    key: (usize, usize),
    same_id: bool,
    path: &Path,
    commits: &SyncSender<Commit>,
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
        // What the bag keeps of the input: a register's row, any other input whole (read
        // only when archiving).
        let source = match (errors, ctx.archive) {
            (false, Some(_)) => match checked.ingested.origin {
                Some(_) => Some(Source::of(&checked.ingested, path, &[])),
                None => std::fs::read(path)
                    .map(|b| Source::of(&checked.ingested, path, &b))
                    .ok(),
            },
            _ => None,
        };
        match stage(case, errors, source.as_ref(), key, commits, ctx) {
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
    if let (true, Some(logged)) = (rendered, ctx.logged) {
        let mut logged = logged.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = logged.spool.push(&checked.ingested.case, errors) {
            logged.failed.get_or_insert(format!("журналы: {e}"));
        }
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
    commits: &SyncSender<Commit>,
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
                let docs = crate::forms::documents(case, opts.forms.as_deref(), draft);
                files.extend(
                    render::render_files(&docs, &opts.formats, &dir)
                        .map_err(|e| e.to_string())?
                        .into_iter()
                        .map(|(p, b)| (p, Cow::Owned(b))),
                );
            }
        }
    }
    let forms = files.len();
    files.retain(|(p, b)| !crate::files::unchanged(p, b));
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
        commits
            .send(Commit {
                key,
                forms: staged,
                bag,
            })
            .map_err(|_| "запись файлов прервана".to_string())?;
    }
    Ok((forms, unchanged, archived))
}

/// The detection and intake logs of the rendered cases, each in the log's own order (date the
/// information came in, then case ID), in `out`, written from the spool a chunk at a time;
/// marked draft when a draft is among them.
fn write_logs(logged: Logged, out: &Path, opts: &Options, outcome: &mut Outcome) {
    if let Some(e) = logged.failed {
        return outcome.failures.push(e);
    }
    if logged.spool.is_empty() {
        return;
    }
    for kind in [LogKind::Detection, LogKind::Intake] {
        let wanted = opts
            .forms
            .as_ref()
            .is_none_or(|f| f.iter().any(|c| c == kind.form()));
        if !wanted {
            continue;
        }
        for format in &opts.formats {
            let path = out.join(format!("{}.{}", kind.form(), format.ext()));
            match write_log(&logged.spool, kind, format.ext(), &path) {
                Ok(written) => {
                    outcome.logs += 1;
                    outcome.logs_unchanged += usize::from(!written);
                }
                Err(e) => outcome.failures.push(format!("{}: {e}", path.display())),
            }
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
