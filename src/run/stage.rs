//! The second pass: a reader streams the inputs again, case by case, to the workers, which
//! read and check a case again (under 1 ms a case, against ~90 ms to render it), render it,
//! stage its files (`commit`) and forget it, so memory does not grow with the folder; the
//! committer puts staged cases in place; the calling thread collects the outcomes.

use super::check::{self, CheckedCase};
use super::commit::{self, Commit};
use super::error::{CaseError, Error};
use super::event::{Event, Sink};
use super::options::Options;
use super::outcome::{Archived, CaseOutcome, FileOutcome, Outcome, Refusal, Status};
use super::survey::{Found, Surveyed};
use crate::archive::{self, Archive, Prepared, Source};
use crate::bagit::write::PayloadFile;
use crate::diagnostic::Diagnostic;
use crate::files::Staged;
use crate::forms::{LogKind, LogSpool};
use crate::model::Case;
use crate::render::{self, Format};
use crate::validate::{CaseKey, Settings};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::SyncSender;

/// The log entries of the rendered cases, spooled as the workers render them, so a register
/// of any length keeps only their sort keys in memory; and the first write to the spool that
/// failed.
pub(super) struct Logged {
    spool: LogSpool,
    failed: Option<String>,
}

impl Logged {
    pub fn new() -> Result<Logged, Error> {
        Ok(Logged {
            spool: LogSpool::new().map_err(Error::LogSpool)?,
            failed: None,
        })
    }
}

/// What every worker shares.
pub(super) struct Ctx<'a> {
    pub opts: &'a Options,
    pub settings: &'a Settings,
    pub archive: Option<&'a Archive>,
    pub logged: Option<&'a Mutex<Logged>>,
}

/// A case on its way from the reader to a worker.
struct Work {
    key: (usize, usize),
    checked: CheckedCase,
    same_id: bool,
    /// I-KNOWN's cases, found by the first pass.
    known: Vec<crate::index::Match>,
}

/// What the reader and the workers tell the collector.
enum Done {
    Case((usize, usize), CaseOutcome),
    /// An input read to its end: its problems as a whole, or why it could not be read; and
    /// how many of its cases were sent to the workers.
    File {
        f: usize,
        diagnostics: Vec<Diagnostic>,
        unreadable: Option<String>,
        sent: usize,
    },
}

/// Why an input is refused in the second pass.
const CHANGED: &str = "файл изменился во время обработки — запустите еще раз";

/// Renders, stages and commits every case of the surveyed inputs; the inputs' outcomes, each
/// told to `sink` as it is done, and the cases that could not be put in place.
pub(super) fn render_all(
    paths: &[PathBuf],
    surveyed: &[Surveyed],
    mut found: Found,
    ctx: &Ctx,
    sink: &Sink,
) -> Result<(Vec<FileOutcome>, commit::Unplaced), Error> {
    let cases: usize = surveyed.iter().map(|s| s.keys.len()).sum();
    let mut files: Vec<FileOutcome> = surveyed
        .iter()
        .map(|s| FileOutcome::head(s.file.clone(), None, vec![]))
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
    let failures = std::thread::scope(|scope| {
        let committer =
            scope.spawn(|| commit::commit_all(staged, ctx.opts.out.as_deref(), ctx.archive));
        let work = |w: Work| {
            let path = &paths[w.key.0];
            let case_id = w.checked.ingested.case.case_id.clone();
            // A fault in one case's rendering fails that case, not the run (and a dead
            // worker would leave the reader waiting).
            let o = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut o = case_outcome(w.checked, w.key, w.same_id, path, &commits, ctx);
                o.known = w.known;
                o
            }))
            .unwrap_or_else(|_| CaseOutcome {
                status: Status::Failed("внутренний сбой при оформлении".into()),
                ..CaseOutcome::checked(case_id, vec![])
            });
            Done::Case(w.key, o)
        };
        let found = &mut found;
        let read = move |feed: &crate::pool::Feed<Work, Done>| {
            for (f, path) in paths.iter().enumerate() {
                let done = read_again(f, path, &surveyed[f], &mut found[f], ctx, &|w| {
                    feed.work(w);
                });
                feed.done(done);
            }
        };
        let take = |done: Done| {
            let f = match done {
                Done::Case((f, c), o) => {
                    slots[f][c] = Some(o);
                    received[f] += 1;
                    f
                }
                Done::File {
                    f,
                    diagnostics,
                    unreadable,
                    sent: n,
                } => {
                    files[f].diagnostics = diagnostics;
                    files[f].unreadable = unreadable;
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
                sink(Event::Done {
                    file: &files[f],
                    done: finished,
                    total,
                });
            }
        };
        let streamed = crate::pool::stream(ctx.opts.workers(cases), read, work, take);
        // Every worker is gone: the committer ends with the last case staged.
        drop(commits);
        let committed = committer.join().unwrap_or(Err(Error::Committer));
        streamed.map_err(Error::Workers)?;
        committed
    });
    Ok((files, failures?))
}

/// Reads input `f` again, each case checked, given the run-wide diagnostics the first pass
/// found for it, and handed to `send`; what the collector is to know of the input.
fn read_again(
    f: usize,
    path: &Path,
    expected: &Surveyed,
    found: &mut Vec<(usize, Diagnostic)>,
    ctx: &Ctx,
    send: &dyn Fn(Work),
) -> Done {
    if let Some(why) = &expected.unreadable {
        return Done::File {
            f,
            diagnostics: vec![],
            unreadable: Some(why.clone()),
            sent: 0,
        };
    }
    let mut found = std::mem::take(found).into_iter().peekable();
    let mut c = 0;
    let mut changed = false;
    let origin = ctx.archive.is_some();
    let read = check::check_file_each(path, ctx.settings, origin, &mut |mut checked| {
        // The rules across the run were applied to what the first pass read.
        if changed || expected.keys.get(c) != Some(&CaseKey::of(&checked.ingested.case)) {
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
        let known = match expected.known.binary_search_by_key(&c, |(i, ..)| *i) {
            Ok(k) => expected.known[k].2.clone(),
            Err(_) => Vec::new(),
        };
        c += 1;
        send(Work {
            key,
            checked,
            same_id,
            known,
        });
    });
    let (diagnostics, unreadable) = match read {
        Ok(_) if changed || c != expected.keys.len() => (vec![], Some(CHANGED.to_string())),
        Ok(d) => (d, None),
        Err(e) => (vec![], Some(e.message)),
    };
    Done::File {
        f,
        diagnostics,
        unreadable,
        sent: c,
    }
}

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
    let mut outcome = CaseOutcome::checked(case.case_id.clone(), Vec::new());
    outcome.status = if !opts.renders() {
        Status::Checked
    } else if same_id {
        Status::Refused(Refusal::SameId)
    } else if !crate::validate::case_id_is_safe(&case.case_id) {
        Status::Refused(Refusal::UnsafeId)
    } else if !opts.scope.sees(case.territory.as_ref().map(|t| t.code())) {
        Status::Refused(Refusal::Territory)
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
            Err(e) => Status::Failed(e.to_string()),
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
) -> Result<(usize, usize, Option<Archived>), CaseError> {
    let opts = ctx.opts;
    // The bag holds every form as PDF and DOCX; the forms in `out` reuse its bytes when they
    // are the same set, so a batch renders each form once.
    let payload: Option<Vec<PayloadFile>> = match (source, ctx.archive) {
        (Some(s), Some(_)) => Some(archive::payload(case, s).map_err(lower)?),
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
                        .map_err(lower)?
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
        (Some(p), Some(a)) => match a.prepare(case, p, ctx.settings.today).map_err(lower)? {
            Prepared::Bag(bag) => {
                let v = bag.version;
                (Some(bag), Some(Archived::New(v)))
            }
            Prepared::Unchanged { version } => (None, Some(Archived::Unchanged(version))),
        },
        _ => (None, None),
    };
    if !files.is_empty() || bag.is_some() {
        let staged = Staged::write(&files).map_err(|source| match opts.out.as_ref() {
            Some(o) => CaseError::Stage {
                dir: o.join(&case.case_id),
                source,
            },
            None => CaseError::StageBag(source),
        })?;
        commits
            .send(Commit {
                key,
                forms: staged,
                bag,
            })
            .map_err(|_| CaseError::Interrupted)?;
    }
    Ok((forms, unchanged, archived))
}

/// A lower layer's failure for this case, in its words.
fn lower(e: impl std::fmt::Display) -> CaseError {
    CaseError::Forms(e.to_string())
}

/// The detection and intake logs of the rendered cases, each in the log's own order (date the
/// information came in, then case ID), in `out`, written from the spool a chunk at a time;
/// marked draft when a draft is among them.
pub(super) fn write_logs(logged: Logged, out: &Path, opts: &Options, outcome: &mut Outcome) {
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
        let log = logged.spool.log(kind);
        let long = crate::render::stream::Long {
            doc: &log.document,
            len: log.len(),
            rows: &|range| log.rows(range),
        };
        for format in &opts.formats {
            let path = out.join(format!("{}.{}", kind.form(), format.ext()));
            match crate::render::stream::write(&long, format.ext(), &path) {
                Ok(written) => {
                    outcome.logs += 1;
                    outcome.logs_unchanged += usize::from(!written);
                }
                Err(e) => outcome.failures.push(format!("{}: {e}", path.display())),
            }
        }
    }
}
