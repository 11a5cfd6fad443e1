//! The one engine of `validate`, `render`, `archive`, `batch` and `demo` (and the page): inputs
//! → checked cases → forms → optional archive. The commands differ only in their `Options`.
//! It tells what it does through one sink of events (`Event`) and answers with the outcome of
//! every input and case; what is shown of them, and the exit status, are its callers' own.
//!
//! Two passes over the inputs. The first (`survey`) reads and checks every input and keeps only
//! what the rules across the run need, so I-SAME-ID and I-DUPLICATE are known before anything
//! is written. The second (`stage`) streams the inputs through the workers, which render each
//! case, stage its files (`commit`) and forget it, so memory does not grow with the folder. A
//! run that renders nothing (validate) keeps what its first pass read, in a spool.

mod check;
mod commit;
mod error;
mod event;
mod known;
mod options;
mod outcome;
mod places;
mod spool;
mod stage;
mod survey;

pub use check::{CheckedCase, FileReport, check_all, check_case, check_file, expand_inputs};
pub use error::Error;
pub use event::{Event, ReadEvent, Sink, quiet};
pub use options::Options;
pub use outcome::{Archived, CaseOutcome, FileOutcome, Outcome, Refusal, Status, Totals, count};

use crate::archive::Archive;
use crate::validate::Settings;
use std::path::PathBuf;
use std::sync::Mutex;

/// Runs the engine over `inputs` (files and folders), telling `sink` as it goes: `Event::Read`
/// as the first pass reads, `Event::Done` as each input is done (before its files are in
/// place).
pub fn run(
    inputs: &[PathBuf],
    opts: &Options,
    settings: &Settings,
    sink: &Sink,
) -> Result<Outcome, Error> {
    let started = std::time::Instant::now();
    let paths = check::expand_inputs(inputs);
    if paths.is_empty() {
        return Err(Error::NoInputs);
    }
    if let Some(out) = &opts.out {
        std::fs::create_dir_all(out).map_err(|source| Error::Out {
            path: out.clone(),
            source,
        })?;
    }
    let archive = match &opts.archive {
        Some(a) => Some(Archive::open(a).map_err(|e| Error::Archive {
            path: a.clone(),
            message: e.to_string(),
        })?),
        None => None,
    };
    let mut outcome = Outcome::default();
    if !opts.renders() {
        outcome.files = check_all_told(&paths, opts, settings, sink)?;
        outcome.seconds = started.elapsed().as_secs_f64();
        return Ok(outcome);
    }
    let (surveyed, found) = survey::survey(&paths, opts, settings, None, sink);
    let logged = match (opts.logs, &opts.out) {
        (true, Some(_)) => Some(Mutex::new(stage::Logged::new()?)),
        _ => None,
    };
    let ctx = stage::Ctx {
        opts,
        settings,
        archive: archive.as_ref(),
        logged: logged.as_ref(),
    };
    let (files, failures) = stage::render_all(&paths, &surveyed, found, &ctx, sink)?;
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
        stage::write_logs(logged, out, opts, &mut outcome);
    }
    crate::render::pdf::release_cache();
    outcome.seconds = started.elapsed().as_secs_f64();
    Ok(outcome)
}

/// A run that only checks, collected whole: each input told to `sink` as `Event::Done`.
fn check_all_told(
    paths: &[PathBuf],
    opts: &Options,
    settings: &Settings,
    sink: &Sink,
) -> Result<Vec<FileOutcome>, Error> {
    let total = paths.len();
    let files: Mutex<Vec<FileOutcome>> = Mutex::new(Vec::new());
    let done = |files: &[FileOutcome]| {
        if let Some(file) = files.last() {
            sink(Event::Done {
                file,
                done: files.len(),
                total,
            });
        }
    };
    let take = |event: Event| match event {
        Event::File { file, .. } => {
            let mut files = files.lock().unwrap_or_else(|e| e.into_inner());
            done(&files);
            files.push(FileOutcome::head(
                file.file.clone(),
                file.unreadable.clone(),
                file.diagnostics.clone(),
            ));
        }
        Event::Case(c) => {
            let mut files = files.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(f) = files.last_mut() {
                f.cases.push(c);
            }
        }
        other => sink(other),
    };
    survey::check_paths(paths, opts, settings, &take)?;
    let files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    done(&files);
    Ok(files)
}

/// A run that only checks (validate), told as it goes: each input (`Event::File`, with its
/// counts) and then its cases one at a time (`Event::Case`), in order. Memory holds what the
/// rules across the run need, not the cases: they wait in a temporary file until those rules
/// are known.
pub fn check_each(
    inputs: &[PathBuf],
    opts: &Options,
    settings: &Settings,
    sink: &Sink,
) -> Result<Totals, Error> {
    let paths = check::expand_inputs(inputs);
    if paths.is_empty() {
        return Err(Error::NoInputs);
    }
    survey::check_paths(&paths, opts, settings, sink)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Format;
    use std::path::Path;

    fn settings() -> Settings {
        Settings {
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        }
    }

    fn inputs() -> Vec<PathBuf> {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        vec![fixtures.join("cases"), fixtures.join("broken")]
    }

    /// What a sink heard, owned.
    #[derive(Debug, PartialEq)]
    enum Heard {
        Read(String, ReadEvent),
        Done(String, usize, usize, usize),
        File(String, usize),
        Case(String),
    }

    fn heard(e: Event) -> Heard {
        match e {
            Event::Read(p, r) => Heard::Read(p.display().to_string(), r),
            Event::Done { file, done, total } => {
                Heard::Done(file.file.clone(), file.cases.len(), done, total)
            }
            Event::File { file, cases, .. } => Heard::File(file.file.clone(), cases),
            Event::Case(c) => Heard::Case(c.case_id),
        }
    }

    /// The page's progress and `batch`'s lines come from these events: each input is read
    /// (started, each case, read) before any input is done, then each is done once, counted
    /// up to the number of inputs — for a run that checks and one that renders alike.
    #[test]
    fn every_input_is_read_then_done_once_with_its_cases() {
        let out = tempfile::tempdir().unwrap();
        let renders = Options {
            out: Some(out.path().to_path_buf()),
            formats: vec![Format::Docx],
            forms: Some(vec!["notification".into()]),
            jobs: Some(2),
            ..Options::default()
        };
        for opts in [Options::default(), renders] {
            let events = Mutex::new(Vec::new());
            let sink = |e: Event| events.lock().unwrap().push(heard(e));
            let outcome = run(&inputs(), &opts, &settings(), &sink).unwrap();
            let events = events.into_inner().unwrap();
            let total = outcome.files.len();
            assert!(total > 20, "{total} inputs");
            let first_done = events
                .iter()
                .position(|e| matches!(e, Heard::Done(..)))
                .unwrap();
            for f in &outcome.files {
                let read: Vec<&ReadEvent> = events
                    .iter()
                    .filter_map(|e| match e {
                        Heard::Read(p, r) if *p == f.file => Some(r),
                        _ => None,
                    })
                    .collect();
                let mut expected = vec![&ReadEvent::Started];
                expected.extend(std::iter::repeat_n(&ReadEvent::Case, f.cases.len()));
                expected.push(&ReadEvent::Read);
                assert_eq!(read, expected, "{}", f.file);
            }
            assert!(
                events[..first_done]
                    .iter()
                    .all(|e| matches!(e, Heard::Read(..)))
            );
            let done: Vec<&Heard> = events[first_done..].iter().collect();
            assert_eq!(done.len(), total, "only `Done` after the reading");
            let mut named = Vec::new();
            for (n, e) in done.into_iter().enumerate() {
                let Heard::Done(file, cases, at, of) = e else {
                    panic!("{e:?} after the reading")
                };
                assert_eq!((*at, *of), (n + 1, total));
                let f = outcome.files.iter().find(|f| f.file == *file).unwrap();
                assert_eq!(*cases, f.cases.len(), "{file}");
                named.push(file.clone());
            }
            named.sort();
            let mut files: Vec<String> = outcome.files.iter().map(|f| f.file.clone()).collect();
            files.sort();
            assert_eq!(named, files);
        }
    }

    /// `validate` prints from these events: each input with its count of cases, then exactly
    /// that many cases, in the inputs' order.
    #[test]
    fn a_check_tells_each_input_then_its_cases_in_order() {
        let events = Mutex::new(Vec::new());
        let sink = |e: Event| {
            if !matches!(e, Event::Read(..)) {
                events.lock().unwrap().push(heard(e))
            }
        };
        let totals = check_each(&inputs(), &Options::default(), &settings(), &sink).unwrap();
        let whole = run(&inputs(), &Options::default(), &settings(), &quiet).unwrap();
        let mut expected = Vec::new();
        for f in &whole.files {
            expected.push(Heard::File(f.file.clone(), f.cases.len()));
            expected.extend(f.cases.iter().map(|c| Heard::Case(c.case_id.clone())));
        }
        assert_eq!(events.into_inner().unwrap(), expected);
        assert_eq!(totals.files, whole.files.len());
        assert_eq!(totals.cases, whole.cases().count());
    }
}
