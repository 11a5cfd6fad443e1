//! The page's work in the background, kept by ID for the user who started it: a check of
//! uploaded files (`Job`: its private folder, its inputs, each file's progress and the
//! engine's outcome) and a verification of the archive (`Verification`).

use super::auth::Session;
use super::error::{Error, Result};
use crate::diagnostic::Diagnostic;
use crate::run::{self, Options, Outcome};
use axum::http::StatusCode;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Jobs are forgotten (and their folders removed) this long after they were made.
const JOB_LIFE: Duration = Duration::from_secs(2 * 3600);
/// At most this many jobs of one user are kept; the user's oldest goes first, so one
/// user's uploads never take another's job.
const MAX_JOBS_PER_USER: usize = 20;
/// At most this many jobs of all users; past it a new user's upload waits for a free place.
const MAX_JOBS: usize = 200;

#[derive(Default)]
pub struct Jobs {
    map: Mutex<HashMap<String, Arc<Job>>>,
}

impl Jobs {
    /// Keeps a job, in place of its owner's oldest past `MAX_JOBS_PER_USER`. Err: all
    /// places are taken by others' jobs.
    pub fn put(&self, job: Arc<Job>) -> Result<()> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, j| j.created.elapsed() < JOB_LIFE);
        loop {
            let mine = map.values().filter(|j| j.owner == job.owner);
            if mine.clone().count() < MAX_JOBS_PER_USER {
                break;
            }
            let Some(oldest) = mine.min_by_key(|j| j.created).map(|j| j.id.clone()) else {
                break;
            };
            map.remove(&oldest);
        }
        if map.len() >= MAX_JOBS {
            return Err(Error::page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Сервер занят",
                "Сейчас на сервере слишком много проверок других пользователей. \
                 Повторите загрузку через несколько минут.",
            ));
        }
        map.insert(job.id.clone(), job);
        Ok(())
    }
    /// The job, if it is the caller's.
    pub fn get(&self, id: &str, s: &Session) -> Option<Arc<Job>> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(id).filter(|j| j.owner == s.user_name()).cloned()
    }
}

/// One input of a job: the name the user knows it by, where it is stored.
pub struct Input {
    pub name: String,
    pub path: PathBuf,
}

pub struct Job {
    pub id: String,
    pub owner: String,
    pub created: Instant,
    pub dir: tempfile::TempDir,
    pub inputs: Vec<Input>,
    /// Files that are not inputs: (name, why).
    pub rejected: Vec<(String, String)>,
    /// The engine's check of the inputs, names as the user knows them; set once the check
    /// in the background is done.
    pub outcome: std::sync::OnceLock<Outcome>,
    /// Where each input is in the check, by input.
    pub progress: Arc<Mutex<Vec<FileState>>>,
    /// The forms folder, once rendered: [official, with drafts].
    pub forms: tokio::sync::Mutex<[Option<PathBuf>; 2]>,
}

impl Job {
    /// The check's outcome, once it is done.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.get()
    }
    /// The check's outcome; refused while the check runs.
    pub fn checked(&self) -> Result<&Outcome> {
        self.outcome().ok_or_else(|| {
            Error::page(
                StatusCode::CONFLICT,
                "Проверка ещё идёт",
                "Файлы ещё проверяются. Дождитесь окончания проверки на странице результатов.",
            )
        })
    }
    pub fn states(&self) -> Vec<FileState> {
        self.progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Where one input is in the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    Waiting,
    /// Being read and checked: its cases so far.
    Checking {
        cases: usize,
    },
    /// Read to its end; the checks across the files are still to come.
    Read {
        cases: usize,
    },
    Done {
        cases: usize,
        errors: usize,
        warnings: usize,
    },
    Unreadable,
}

impl FileState {
    pub fn code(&self) -> &'static str {
        match self {
            FileState::Waiting => "waiting",
            FileState::Checking { .. } => "checking",
            FileState::Read { .. } => "read",
            FileState::Done { .. } => "done",
            FileState::Unreadable => "unreadable",
        }
    }
    pub fn finished(&self) -> bool {
        matches!(self, FileState::Done { .. } | FileState::Unreadable)
    }
    /// What the page says of it.
    pub fn text(&self) -> String {
        match self {
            FileState::Waiting => "ожидает".into(),
            FileState::Checking { cases: 0 } => "проверяется…".into(),
            FileState::Checking { cases } => format!("проверяется… случаев: {cases}"),
            FileState::Read { cases } => {
                format!("прочитан, случаев: {cases}; ждёт остальные файлы…")
            }
            FileState::Done {
                errors, warnings, ..
            } => format!("готово: {}", status_text(*errors, *warnings)),
            FileState::Unreadable => "не читается".into(),
        }
    }
    pub fn class(&self) -> &'static str {
        match self {
            FileState::Done { errors: 0, .. } => "ok",
            FileState::Done { .. } | FileState::Unreadable => "bad",
            _ => "",
        }
    }
    fn of(f: &run::FileOutcome) -> FileState {
        if f.unreadable.is_some() {
            return FileState::Unreadable;
        }
        let (errors, warnings) = counts(f.all_diagnostics());
        FileState::Done {
            cases: f.cases.len(),
            errors,
            warnings,
        }
    }
}

/// Starts the engine's check of a job's inputs in the background; the job's progress
/// follows it file by file, and its outcome is set when it is done.
/// `lookup`: the archive every notified child is looked up in (I-KNOWN) and the territories
/// the user sees.
pub fn start_check(
    job: &Arc<Job>,
    settings: crate::validate::Settings,
    lookup: (PathBuf, crate::index::Scope),
) -> tokio::task::JoinHandle<()> {
    let job = job.clone();
    tokio::task::spawn_blocking(move || {
        let outcome = check_inputs(&job, &settings, lookup);
        let _ = job.outcome.set(outcome);
    })
}

/// The engine's check (`okno validate`) of a job's inputs, its progress kept in the job's
/// states file by file; names as the user knows them.
fn check_inputs(
    job: &Job,
    settings: &crate::validate::Settings,
    (archive, scope): (PathBuf, crate::index::Scope),
) -> Outcome {
    let inputs = &job.inputs;
    if inputs.is_empty() {
        return Outcome::default();
    }
    let paths: Vec<PathBuf> = inputs.iter().map(|i| i.path.clone()).collect();
    let index: Arc<HashMap<PathBuf, usize>> = Arc::new(
        paths
            .iter()
            .enumerate()
            .map(|(n, p)| (p.clone(), n))
            .collect(),
    );
    let states = job.progress.clone();
    let set =
        move |states: &Mutex<Vec<FileState>>, n: usize, f: &dyn Fn(&FileState) -> FileState| {
            let mut states = states.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(s) = states.get_mut(n) {
                *s = f(s);
            }
        };
    let progress = {
        let (index, states) = (index.clone(), states.clone());
        move |p: &Path, e: run::ReadEvent| {
            let Some(&n) = index.get(p) else { return };
            set(&states, n, &|s| match (e, s) {
                (run::ReadEvent::Started, _) => FileState::Checking { cases: 0 },
                (run::ReadEvent::Case, FileState::Checking { cases }) => {
                    FileState::Checking { cases: cases + 1 }
                }
                (run::ReadEvent::Read, FileState::Checking { cases }) => {
                    FileState::Read { cases: *cases }
                }
                (run::ReadEvent::Unreadable, _) => FileState::Unreadable,
                (_, s) => s.clone(),
            });
        }
    };
    let by_name: HashMap<String, usize> = paths
        .iter()
        .enumerate()
        .map(|(n, p)| (p.display().to_string(), n))
        .collect();
    let sink = |event: run::Event| match event {
        run::Event::Read(p, e) => progress(p, e),
        run::Event::Done { file: f, .. } => {
            if let Some(&n) = by_name.get(&f.file) {
                set(&states, n, &|_| FileState::of(f));
            }
        }
        _ => {}
    };
    let opts = Options {
        known: Some(archive),
        scope,
        ..Options::default()
    };
    let mut outcome = match run::run(&paths, &opts, settings, &sink) {
        Ok(o) => o,
        Err(_) => {
            let mut s = states.lock().unwrap_or_else(|e| e.into_inner());
            s.iter_mut().for_each(|s| *s = FileState::Unreadable);
            return Outcome::default();
        }
    };
    // The final word, input by input (the outcome's files are the inputs, in order).
    {
        let mut s = states.lock().unwrap_or_else(|e| e.into_inner());
        for (state, f) in s.iter_mut().zip(&outcome.files) {
            *state = FileState::of(f);
        }
    }
    rename(&mut outcome, inputs);
    outcome
}

/// Every stored path in an outcome (file names, diagnostics, messages) replaced by the
/// user's name of the file.
pub fn rename(outcome: &mut Outcome, inputs: &[Input]) {
    let names: Vec<(String, &str)> = inputs
        .iter()
        .map(|i| (i.path.display().to_string(), i.name.as_str()))
        .collect();
    let fix = |s: &mut String| {
        for (p, n) in &names {
            if s.contains(p.as_str()) {
                *s = s.replace(p.as_str(), n);
            }
        }
    };
    for f in &mut outcome.files {
        fix(&mut f.file);
        if let Some(u) = &mut f.unreadable {
            fix(u);
        }
        for d in f.diagnostics.iter_mut() {
            fix(&mut d.file);
            fix(&mut d.message);
        }
        for c in &mut f.cases {
            for d in c.diagnostics.iter_mut() {
                fix(&mut d.file);
                fix(&mut d.message);
            }
        }
    }
}

pub fn counts<'a>(diags: impl Iterator<Item = &'a Diagnostic>) -> (usize, usize) {
    run::count(diags)
}

pub fn status_text(errors: usize, warnings: usize) -> String {
    format!("ошибок {errors}, предупреждений {warnings}")
}

/// A bag (`<case-id>/v<N>`) and its problems (none: intact).
pub type BagResult = (String, Vec<String>);

/// A verification of the whole archive running in the background: bags done of all, and
/// each bag's problems when finished.
#[derive(Default)]
pub struct Verification {
    pub total: AtomicUsize,
    pub done: AtomicUsize,
    pub results: Mutex<Option<Vec<BagResult>>>,
    pub owner: String,
}

/// The verifications of the archive, running or done, by ID.
#[derive(Default)]
pub struct Verifications(Mutex<HashMap<String, Arc<Verification>>>);

impl Verifications {
    /// Keeps a new verification (past 50, the older ones are forgotten); its ID.
    pub fn put(&self, v: Arc<Verification>) -> String {
        let id = super::auth::token();
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if all.len() > 50 {
            all.clear();
        }
        all.insert(id.clone(), v);
        id
    }
    /// The verification, if it is the caller's.
    pub fn get(&self, id: &str, s: &Session) -> Option<Arc<Verification>> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .filter(|v| v.owner == s.user_name())
            .cloned()
    }
}
