//! «Проверить и оформить»: uploads become a job (a private folder with the inputs and the
//! engine's outcome); its page lists the diagnostics by file and case, each linked to its
//! sheet shown as a grid with the cell highlighted; the forms come as a zip, the sender's
//! workbook back with its remarks, the checked cases go to the archive. The JSON API calls
//! the same functions.

use super::archive_pages::download;
use super::auth::Session;
use super::pages::{layout, message};
use super::{CsrfInBody, Shared, audit};
use crate::annotate;
use crate::diagnostic::{Diagnostic, Severity};
use crate::render::Format;
use crate::run::{self, Archived, Options, Outcome, Status};
use axum::Extension;
use axum::extract::{Multipart, Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Jobs are forgotten (and their folders removed) this long after they were made.
const JOB_LIFE: Duration = Duration::from_secs(2 * 3600);
/// At most this many jobs of one user are kept; the user's oldest goes first, so one
/// user's uploads never take another's job.
const MAX_JOBS_PER_USER: usize = 20;
/// At most this many jobs of all users; past it a new user's upload waits for a free place.
const MAX_JOBS: usize = 200;
/// Entries of the zips of one upload, all together.
const MAX_ZIP_ENTRIES: usize = 1000;
/// A form field that is not a file (the CSRF token): longer is refused unread.
const MAX_FIELD: usize = 4096;

#[derive(Default)]
pub struct Jobs {
    map: Mutex<HashMap<String, Arc<Job>>>,
}

impl Jobs {
    /// Keeps a job, in place of its owner's oldest past `MAX_JOBS_PER_USER`. Err: all
    /// places are taken by others' jobs.
    fn put(&self, job: Arc<Job>) -> Result<(), Response> {
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
            return Err(message(
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
    fn get(&self, id: &str, s: &Session) -> Option<Arc<Job>> {
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
    owner: String,
    created: Instant,
    dir: tempfile::TempDir,
    pub inputs: Vec<Input>,
    /// Files that are not inputs: (name, why).
    pub rejected: Vec<(String, String)>,
    /// The engine's check of the inputs, names as the user knows them; set once the check
    /// in the background is done.
    outcome: std::sync::OnceLock<Outcome>,
    /// Where each input is in the check, by input.
    progress: Arc<Mutex<Vec<FileState>>>,
    /// The forms folder, once rendered: [official, with drafts].
    forms: tokio::sync::Mutex<[Option<PathBuf>; 2]>,
}

impl Job {
    /// The check's outcome, once it is done.
    fn outcome(&self) -> Option<&Outcome> {
        self.outcome.get()
    }
    fn states(&self) -> Vec<FileState> {
        self.progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Where one input is in the check.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileState {
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
    fn code(&self) -> &'static str {
        match self {
            FileState::Waiting => "waiting",
            FileState::Checking { .. } => "checking",
            FileState::Read { .. } => "read",
            FileState::Done { .. } => "done",
            FileState::Unreadable => "unreadable",
        }
    }
    fn finished(&self) -> bool {
        matches!(self, FileState::Done { .. } | FileState::Unreadable)
    }
    /// What the page says of it.
    fn text(&self) -> String {
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
    fn class(&self) -> &'static str {
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

fn not_found() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Не найдено",
        "Такой проверки нет: она устарела или была начата в другом окне. Загрузите файлы снова.",
    )
}

fn too_big(limit: u64) -> Response {
    message(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Файлы слишком велики",
        &format!(
            "Файлы слишком велики: за один раз можно загрузить не больше {} МБ.",
            limit >> 20
        ),
    )
}

/// Reads and drops the rest of a refused upload (as far as the body limit lets it), so the
/// client finishes sending and reads the refusal instead of a reset connection.
async fn drain(mp: &mut Multipart) {
    while let Ok(Some(mut field)) = mp.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// Reads the uploaded files of a multipart request into a new job folder, unpacks zips
/// within the limits, and checks the inputs with the engine.
async fn new_job(
    state: &Shared,
    s: &Session,
    csrf_in_body: bool,
    mut mp: Multipart,
) -> Result<(Arc<Job>, HashMap<String, String>), Response> {
    let dir = tempfile::Builder::new()
        .prefix("job-")
        .tempdir_in(state.work.path())
        .map_err(|e| message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()))?;
    let limit = state.cfg.max_upload;
    let mut total: u64 = 0;
    let mut uploads: Vec<(String, PathBuf)> = Vec::new();
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut csrf_ok = !csrf_in_body;
    let body_error = |e: axum::extract::multipart::MultipartError| {
        if super::limits::too_slow(&e) {
            message(
                StatusCode::REQUEST_TIMEOUT,
                "Файлы не получены",
                "Файлы передавались слишком медленно или передача остановилась, и приём \
                 прерван. Проверьте связь и повторите загрузку.",
            )
        } else if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_big(limit)
        } else {
            message(
                StatusCode::BAD_REQUEST,
                "Файлы не получены",
                "Файлы не получены целиком. Повторите загрузку.",
            )
        }
    };
    while let Some(mut field) = mp.next_field().await.map_err(body_error)? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(display_name);
        let Some(file_name) = file_name else {
            // Read a chunk at a time: a long field is refused before it is in memory.
            let mut v = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(body_error)? {
                if v.len() + chunk.len() > MAX_FIELD {
                    drop(field);
                    drain(&mut mp).await;
                    return Err(message(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "Загрузка отклонена",
                        &format!(
                            "Поле формы «{}» длиннее {MAX_FIELD} байт: так форма страницы \
                             не отправляет. Обновите страницу и повторите.",
                            name.chars().take(40).collect::<String>()
                        ),
                    ));
                }
                v.extend_from_slice(&chunk);
            }
            total += v.len() as u64;
            if total > limit {
                drain(&mut mp).await;
                return Err(too_big(limit));
            }
            let v = String::from_utf8_lossy(&v).into_owned();
            if name == "csrf" && super::auth::same(&v, &s.csrf) {
                csrf_ok = true;
            }
            fields.insert(name, v);
            continue;
        };
        if !csrf_ok {
            return Err(message(
                StatusCode::FORBIDDEN,
                "Запрос отклонён",
                super::CSRF_REFUSED,
            ));
        }
        if file_name.is_empty() {
            continue;
        }
        let ext = Path::new(&file_name)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_lowercase();
        // Stored under a number: the user's file name may name a child.
        let path = dir
            .path()
            .join(format!("{:03}.{}", uploads.len() + 1, safe_ext(&ext)));
        let mut out = std::fs::File::create(&path)
            .map_err(|e| message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()))?;
        while let Some(chunk) = field.chunk().await.map_err(body_error)? {
            total += chunk.len() as u64;
            if total > limit {
                drop(out);
                drop(field);
                drain(&mut mp).await;
                return Err(too_big(limit));
            }
            out.write_all(&chunk)
                .map_err(|e| message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()))?;
        }
        uploads.push((file_name, path));
    }
    if !csrf_ok {
        return Err(message(
            StatusCode::FORBIDDEN,
            "Запрос отклонён",
            super::CSRF_REFUSED,
        ));
    }
    if uploads.is_empty() {
        return Err(message(
            StatusCode::BAD_REQUEST,
            "Нет файлов",
            "Не выбрано ни одного файла.",
        ));
    }
    let max_unzipped = state.cfg.max_unzipped;
    let owner = s.user_name().to_string();
    let job = tokio::task::spawn_blocking(move || -> Result<Job, (StatusCode, String)> {
        let (inputs, rejected) = unpack(dir.path(), uploads, max_unzipped)
            .map_err(|m| (StatusCode::PAYLOAD_TOO_LARGE, m))?;
        let progress = Arc::new(Mutex::new(vec![FileState::Waiting; inputs.len()]));
        Ok(Job {
            id: super::auth::token(),
            owner,
            created: Instant::now(),
            dir,
            inputs,
            rejected,
            outcome: std::sync::OnceLock::new(),
            progress,
            forms: tokio::sync::Mutex::new([None, None]),
        })
    })
    .await
    .map_err(|e| message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()))?
    .map_err(|(status, m)| message(status, "Загрузка отклонена", &m))?;
    let job = Arc::new(job);
    state.jobs.put(job.clone())?;
    Ok((job, fields))
}

/// Starts the engine's check of a job's inputs in the background; the job's progress
/// follows it file by file, and its outcome is set when it is done.
fn start_check(state: &Shared, job: &Arc<Job>) -> tokio::task::JoinHandle<()> {
    let settings = state.settings();
    let job = job.clone();
    tokio::task::spawn_blocking(move || {
        let outcome = check_inputs(&job, &settings);
        let _ = job.outcome.set(outcome);
    })
}

/// The last component of a browser's file name, without control characters.
fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    last.chars().filter(|c| !c.is_control()).collect()
}

fn safe_ext(ext: &str) -> &str {
    match ext {
        "xlsx" | "xlsm" | "xls" | "ods" | "json" | "toml" | "zip" => ext,
        _ => "bin",
    }
}

/// Inputs from the uploads: zips unpacked (their inputs only), other files as they are.
/// Err: the upload's files and the content of its zips, all together, pass the limit.
#[allow(clippy::type_complexity)]
fn unpack(
    dir: &Path,
    uploads: Vec<(String, PathBuf)>,
    max_unzipped: u64,
) -> Result<(Vec<Input>, Vec<(String, String)>), String> {
    let mut inputs = Vec::new();
    let mut rejected = Vec::new();
    let bomb = |name: &str| {
        format!(
            "Архив «{name}» (вместе с остальными файлами загрузки) распаковывается больше \
             чем в {} МБ — загрузка отклонена (так бывает у повреждённых или опасных \
             архивов). Разделите загрузку на части.",
            max_unzipped >> 20
        )
    };
    // One budget and one count of entries for the whole upload: many zips, each within
    // the limit, must not add up past it.
    let mut budget = max_unzipped;
    let mut entries = 0usize;
    for (n, (name, path)) in uploads.into_iter().enumerate() {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext == "zip" {
            let file = std::fs::File::open(&path).map_err(|e| e.to_string())?;
            let mut zip = match zip::ZipArchive::new(file) {
                Ok(z) => z,
                Err(_) => {
                    rejected.push((name, "архив zip повреждён и не читается".into()));
                    continue;
                }
            };
            entries += zip.len();
            if entries > MAX_ZIP_ENTRIES {
                return Err(bomb(&name));
            }
            for i in 0..zip.len() {
                let Ok(mut entry) = zip.by_index(i) else {
                    rejected.push((name.clone(), "архив zip повреждён".into()));
                    break;
                };
                if entry.is_dir() {
                    continue;
                }
                if entry.size() > budget {
                    return Err(bomb(&name));
                }
                let inner = display_name(entry.name());
                let inner_ext = Path::new(&inner)
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("")
                    .to_lowercase();
                let shown = format!("{name} → {inner}");
                if inner.starts_with(['~', '.']) {
                    continue;
                }
                if !crate::ingest::is_input(Path::new(&inner)) {
                    rejected.push((shown, unknown_kind(&inner_ext)));
                    continue;
                }
                let to = dir.join(format!(
                    "{:03}-{:04}.{}",
                    n + 1,
                    i + 1,
                    safe_ext(&inner_ext)
                ));
                let mut out = std::fs::File::create(&to).map_err(|e| e.to_string())?;
                // The sizes in a zip's headers may lie: never more than the budget is read.
                let copied = std::io::copy(&mut (&mut entry).take(budget + 1), &mut out)
                    .map_err(|_| format!("архив «{name}» повреждён"))?;
                if copied > budget {
                    return Err(bomb(&name));
                }
                budget -= copied;
                inputs.push(Input {
                    name: shown,
                    path: to,
                });
            }
            let _ = std::fs::remove_file(&path);
        } else if crate::ingest::is_input(&path) {
            let size = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
            if size > budget {
                return Err(format!(
                    "Файлы загрузки вместе с распакованными архивами больше {} МБ — загрузка \
                     отклонена. Разделите загрузку на части.",
                    max_unzipped >> 20
                ));
            }
            budget -= size;
            inputs.push(Input { name, path });
        } else {
            let _ = std::fs::remove_file(&path);
            let ext = Path::new(&name)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_lowercase();
            rejected.push((name, unknown_kind(&ext)));
        }
    }
    Ok((inputs, rejected))
}

fn unknown_kind(ext: &str) -> String {
    format!(
        "неизвестный вид файла «.{ext}»: okno читает .xlsx, .xls, .ods, .json, .toml и .zip с ними"
    )
}

/// The engine's check (`okno validate`) of a job's inputs, its progress kept in the job's
/// states file by file; names as the user knows them.
fn check_inputs(job: &Job, settings: &crate::validate::Settings) -> Outcome {
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
    let opts = Options::default();
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
fn rename(outcome: &mut Outcome, inputs: &[Input]) {
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

/// `GET /`: the upload form.
pub async fn page(Extension(s): Extension<Session>, State(state): State<Shared>) -> Response {
    let limit = state.cfg.max_upload >> 20;
    layout(
        "Проверить и оформить",
        "/",
        Some(&s),
        html! {
            h1 { "Проверить и оформить" }
            p.lead { "Перетащите сюда таблицы (xlsx, ods, xls), файлы случаев (json, toml) или zip с ними. okno проверит каждый случай по правилам порядка, покажет ошибки с листом и ячейкой и оформит документы." }
            form #upload method="post" action="/check" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(s.csrf);
                // The browser's own file button speaks the browser's language: it is hidden
                // (still focusable, and read by screen readers) behind a Russian one.
                div #drop.drop data-limit=(state.cfg.max_upload) {
                    span.big { "Перетащите файлы сюда" }
                    span.or { "или" }
                    input #files.visually-hidden type="file" name="files" multiple accept=".xlsx,.xlsm,.ods,.xls,.json,.toml,.zip";
                    label.button.pick for="files" { "Выбрать файлы" }
                    span #chosen.chosen aria-live="polite" { "Файлы не выбраны" }
                    span.hint { "xlsx, ods, xls, json, toml или zip с ними · до " (limit) " МБ за раз" }
                }
                ul #progress.progress {}
                button.primary #submit type="submit" { "Проверить" }
            }
        },
    )
    .into_response()
}

/// `POST /check`: the upload; then the job's page.
pub async fn upload(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    csrf: Option<Extension<CsrfInBody>>,
    mp: Multipart,
) -> Response {
    match new_job(&state, &s, csrf.is_some(), mp).await {
        Ok((job, _)) => {
            // The check runs on; the job's page follows it file by file.
            drop(start_check(&state, &job));
            Redirect::to(&format!("/check/{}", job.id)).into_response()
        }
        Err(r) => r,
    }
}

/// The list of the job's files with the state of each: while the check runs (the page's
/// script follows `/check/{job}/status`) and at the head of the results.
fn file_states(job: &Job, running: bool) -> Markup {
    let states = job.states();
    let finished = states.iter().filter(|s| s.finished()).count();
    html! {
        div.checking #checking data-status=(format!("/check/{}/status", job.id)) data-running=(if running { "1" } else { "0" }) {
            @if running {
                p #check-count { "Проверено файлов: " b #checked { (finished) } " из " (states.len()) }
                progress #check-bar max=(states.len().max(1)) value=(finished) {}
            }
            ol.file-states #file-states {
                @for (n, (input, st)) in job.inputs.iter().zip(&states).enumerate() {
                    li data-n=(n) data-state=(st.code()) {
                        @if running {
                            span.name { (input.name) }
                        } @else {
                            a.name href={"#file-" (n)} { (input.name) }
                        }
                        " — "
                        span class={"state " (st.class())} { (st.text()) }
                    }
                }
            }
        }
    }
}

/// `GET /check/{job}/status`: where each file is in the check, for the page's script.
pub async fn status(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let Some(job) = state.jobs.get(&id, &s) else {
        return json_error(StatusCode::NOT_FOUND, "такой проверки нет");
    };
    let states = job.states();
    let files: Vec<serde_json::Value> = states
        .iter()
        .enumerate()
        .map(|(n, st)| {
            let (cases, errors, warnings) = match st {
                FileState::Checking { cases } | FileState::Read { cases } => (*cases, None, None),
                FileState::Done {
                    cases,
                    errors,
                    warnings,
                } => (*cases, Some(*errors), Some(*warnings)),
                _ => (0, None, None),
            };
            serde_json::json!({
                "n": n, "state": st.code(), "text": st.text(), "cases": cases,
                "errors": errors, "warnings": warnings,
            })
        })
        .collect();
    axum::Json(serde_json::json!({
        "done": job.outcome().is_some(),
        "checked": states.iter().filter(|s| s.finished()).count(),
        "total": states.len(),
        "files": files,
    }))
    .into_response()
}

fn still_checking() -> Response {
    message(
        StatusCode::CONFLICT,
        "Проверка ещё идёт",
        "Файлы ещё проверяются. Дождитесь окончания проверки на странице результатов.",
    )
}

fn counts<'a>(diags: impl Iterator<Item = &'a Diagnostic>) -> (usize, usize) {
    run::count(diags)
}

fn status_text(errors: usize, warnings: usize) -> String {
    format!("ошибок {errors}, предупреждений {warnings}")
}

/// A link to the cell of a diagnostic, or its place as text.
fn place(job: &Job, file: usize, d: &Diagnostic) -> Markup {
    let text = d.place();
    let spreadsheet = job
        .inputs
        .get(file)
        .is_some_and(|i| annotate::can_annotate(&i.path));
    match (&d.sheet, spreadsheet) {
        (Some(sheet), true) => {
            let q = serde_urlencoded::to_string([
                ("sheet", sheet.as_str()),
                ("cell", d.cell.as_deref().unwrap_or("")),
            ])
            .unwrap_or_default();
            html! { a.cell-link href={"/check/" (job.id) "/sheet/" (file) "?" (q)} { (text) } }
        }
        _ => html! { span.place { (text) } },
    }
}

fn diag_rows(job: &Job, file: usize, diags: &[Diagnostic]) -> Markup {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by_key(|d| std::cmp::Reverse(d.severity));
    html! {
        @if !sorted.is_empty() {
            table.diags {
                thead { tr { th { "Вид" } th { "Правило" } th { "Где" } th { "Что не так" } } }
                tbody {
                    @for d in sorted {
                        tr class=(if d.severity == Severity::Error { "error" } else { "warning" }) {
                            td.kind { (d.severity.ru()) }
                            td.rule { code { (d.rule) } }
                            td { (place(job, file, d)) }
                            td { (d.message) }
                        }
                    }
                }
            }
        }
    }
}

fn case_status(c: &run::CaseOutcome) -> &'static str {
    if c.has_errors() {
        "с ошибками"
    } else {
        "готов к оформлению"
    }
}

/// `GET /check/{job}`: the diagnostics by file and case.
/// Cases listed per file at a time: a region's register would make a page too heavy to show.
const CASES_PER_PAGE: usize = 200;

/// Which cases the results page lists: a file's page (`f`, from case `from`), and only the
/// cases with errors (`errors=1`).
#[derive(Deserialize, Default)]
pub struct ResultsQuery {
    f: Option<usize>,
    from: Option<usize>,
    errors: Option<u8>,
}

pub async fn results(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath(id): UrlPath<String>,
    Query(q): Query<ResultsQuery>,
) -> Response {
    let Some(job) = state.jobs.get(&id, &s) else {
        return not_found();
    };
    let Some(outcome) = job.outcome() else {
        // Still checking: the files and where each is; the script follows the check and
        // shows the results when it is done (without script, the page reloads itself).
        return layout(
            "Проверка файлов",
            "/",
            Some(&s),
            html! {
                noscript { meta http-equiv="refresh" content="2"; }
                h1 { "Проверка файлов" }
                p.lead { "okno проверяет файлы по правилам порядка. Результаты откроются здесь сами, когда проверка закончится." }
                (file_states(&job, true))
            },
        )
        .into_response();
    };
    let files = &outcome.files;
    let cases: usize = files.iter().map(|f| f.cases.len()).sum();
    let (errors, warnings) = counts(files.iter().flat_map(|f| f.all_diagnostics()));
    let unreadable = files.iter().filter(|f| f.unreadable.is_some()).count();
    let good = outcome.cases().filter(|(_, c)| !c.has_errors()).count();
    let only_errors = q.errors == Some(1);
    let base = format!("/check/{}", job.id);
    // A file's page of cases: the cases listed (with the filter) and where the page starts.
    fn page<'a>(
        n: usize,
        f: &'a run::FileOutcome,
        q: &ResultsQuery,
        only_errors: bool,
    ) -> (Vec<&'a run::CaseOutcome>, usize) {
        let listed: Vec<&run::CaseOutcome> = f
            .cases
            .iter()
            .filter(|c| !only_errors || c.has_errors())
            .collect();
        let from = match q.f {
            Some(k) if k == n => q.from.unwrap_or(0).min(listed.len().saturating_sub(1)),
            _ => 0,
        };
        let from = from - from % CASES_PER_PAGE;
        (listed, from)
    }
    let link = |n: usize, from: usize| {
        let errors = if only_errors { "&errors=1" } else { "" };
        format!("{base}?f={n}&from={from}{errors}#file-{n}")
    };
    layout(
        "Результаты проверки",
        "/",
        Some(&s),
        html! {
            h1 { "Результаты проверки" }
            @if job.inputs.len() > 1 { (file_states(&job, false)) }
            div.summary #summary {
                span { "Файлов: " b { (files.len()) } }
                span { "случаев: " b { (cases) } }
                span class=(if errors > 0 { "bad" } else { "ok" }) { (status_text(errors, warnings)) }
                @if unreadable > 0 { span.bad { "не читается файлов: " (unreadable) } }
            }
            div.actions {
                @if good > 0 {
                    a.button.primary href={"/check/" (job.id) "/forms.zip"} { "Скачать формы (zip)" }
                }
                @if cases > good {
                    a.button href={"/check/" (job.id) "/forms.zip?draft=1"} { "Скачать с черновиками (zip)" }
                }
                @if good > 0 && s.role() == Some(super::auth::Role::Secretary) {
                    form.inline method="post" action={"/check/" (job.id) "/archive"} {
                        input type="hidden" name="csrf" value=(s.csrf);
                        button type="submit" #archive { "Сохранить в архив (" (good) ")" }
                    }
                }
                a.button href="/" { "Проверить другие файлы" }
            }
            @if cases > good {
                p.note { "Случаи с ошибками не оформляются как официальные документы; «с черновиками» — они оформляются с отметкой «ЧЕРНОВИК» на каждой странице и в архив не попадают." }
                p.filter {
                    @if only_errors {
                        "Показаны только случаи с ошибками. " a #all-cases href=(base) { "Показать все случаи" }
                    } @else {
                        a #only-errors href={(base) "?errors=1"} { "Показать только случаи с ошибками (" (cases - good) ")" }
                    }
                }
            }
            @for (name, why) in &job.rejected {
                section.file.rejected { h2 { (name) } p.bad { (why) } }
            }
            @for (n, f) in files.iter().enumerate() {
                @let (fe, fw) = counts(f.all_diagnostics());
                section.file id={"file-" (n)} {
                    div.file-head {
                        h2 { (f.file) }
                        @if f.unreadable.is_none() {
                            span class={"status " (if fe > 0 { "bad" } else { "ok" })} { (status_text(fe, fw)) }
                        }
                        @if f.unreadable.is_none() && job.inputs.get(n).is_some_and(|i| annotate::can_annotate(&i.path)) {
                            a.button.small href={"/check/" (job.id) "/annotated/" (n)} title="Копия таблицы отправителя с отмеченными ячейками и листом «Замечания»" { "Вернуть отправителю" }
                        }
                    }
                    @if let Some(u) = &f.unreadable { p.bad { "Файл не читается: " (u) } }
                    (diag_rows(&job, n, &f.diagnostics))
                    @let (listed, from) = page(n, f, &q, only_errors);
                    @let to = (from + CASES_PER_PAGE).min(listed.len());
                    @if listed.len() > CASES_PER_PAGE {
                        nav.pages {
                            "Случаи " b { (from + 1) "–" (to) } " из " (listed.len()) " "
                            @if from > 0 { a.button.small href=(link(n, from - CASES_PER_PAGE)) { "← предыдущие" } }
                            @if to < listed.len() { a.button.small.next href=(link(n, to)) { "следующие →" } }
                        }
                    }
                    @for c in listed.iter().skip(from).take(CASES_PER_PAGE) {
                        @let (ce, cw) = counts(c.diagnostics.iter());
                        details.case open[ce + cw > 0] {
                            summary {
                                span.case-id { (c.case_id) }
                                span class={"status " (if ce > 0 { "bad" } else { "ok" })} { (case_status(c)) " · " (status_text(ce, cw)) }
                                @if crate::validate::case_id_is_safe(&c.case_id) {
                                    @if ce == 0 {
                                        a.small href={"/check/" (job.id) "/case/" (c.case_id) "/forms.zip"} { "формы" }
                                    } @else {
                                        a.small href={"/check/" (job.id) "/case/" (c.case_id) "/forms.zip?draft=1"} { "черновик" }
                                    }
                                }
                            }
                            (diag_rows(&job, n, &c.diagnostics))
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct SheetQuery {
    sheet: Option<String>,
    cell: Option<String>,
}

/// "K7" → (row 7, column 11), both 1-based.
fn parse_cell(cell: &str) -> Option<(u32, u32)> {
    let letters: String = cell
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let digits = &cell[letters.len()..];
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let col = letters
        .to_ascii_uppercase()
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
    let row: u32 = digits.parse().ok()?;
    // Within the caps okno reads a sheet to (`ingest::bounds`), so the window is bounded too.
    (row > 0 && row <= crate::ingest::bounds::MAX_ROWS && col <= crate::ingest::bounds::MAX_COLUMNS)
        .then_some((row, col))
}

/// The part of a sheet the page shows, read by `ingest::sheet_window`: a window around the
/// cell asked for, so that a far cell (in the file or in the address) costs no memory.
fn read_grid(
    path: &Path,
    sheet: Option<&str>,
    target: Option<(u32, u32)>,
) -> Result<crate::ingest::SheetWindow, String> {
    let (first_row, first_col) = window_start(target);
    crate::ingest::sheet_window(
        path,
        sheet,
        first_row..=first_row.saturating_add(SHOWN_ROWS * 2),
        first_col..=first_col.saturating_add(SHOWN_COLS - 1),
    )
}

/// Rows and columns the page shows at most around the cell asked for.
const SHOWN_ROWS: u32 = 500;
const SHOWN_COLS: u32 = 100;

/// The first row and column shown: 1, unless the cell asked for is farther than a window.
fn window_start(target: Option<(u32, u32)>) -> (u32, u32) {
    let Some((r, c)) = target else { return (1, 1) };
    let row = if r > SHOWN_ROWS {
        r - SHOWN_ROWS / 2
    } else {
        1
    };
    let col = if c > SHOWN_COLS {
        c - SHOWN_COLS / 2
    } else {
        1
    };
    (row, col)
}

fn column_name(mut col: u32) -> String {
    let mut s = Vec::new();
    while col > 0 {
        s.push(b'A' + ((col - 1) % 26) as u8);
        col = (col - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// `GET /check/{job}/sheet/{file}?sheet=&cell=`: the sheet as a grid, the cell highlighted.
pub async fn sheet(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath((id, file)): UrlPath<(String, usize)>,
    Query(q): Query<SheetQuery>,
) -> Response {
    let Some(job) = state.jobs.get(&id, &s) else {
        return not_found();
    };
    let Some(input) = job.inputs.get(file) else {
        return not_found();
    };
    let Some(outcome) = job.outcome() else {
        return still_checking();
    };
    let Some(f) = outcome.files.get(file) else {
        return not_found();
    };
    let path = input.path.clone();
    let target = q.cell.as_deref().and_then(parse_cell);
    // A cell beyond the caps is not shown: the sheet's start is, with a word why.
    let far = q
        .cell
        .as_deref()
        .filter(|_| target.is_none())
        .map(|c| {
            format!(
                "Ячейка {c} лежит дальше, чем okno читает лист (столбцы до {}, строки до {}): она не показана.",
                column_name(crate::ingest::bounds::MAX_COLUMNS),
                crate::ingest::bounds::MAX_ROWS
            )
        });
    let asked = q.sheet.clone();
    let grid = match tokio::task::spawn_blocking(move || read_grid(&path, asked.as_deref(), target))
        .await
    {
        Ok(Ok(g)) => g,
        Ok(Err(why)) => return message(StatusCode::NOT_FOUND, "Лист не показан", &why),
        Err(_) => {
            return message(
                StatusCode::NOT_FOUND,
                "Лист не показан",
                "Лист не читается.",
            );
        }
    };
    let sheet_name = grid.sheet.clone();
    let (first_row, first_col) = window_start(target);
    let rows = grid
        .rows
        .max(target.map_or(0, |t| t.0))
        .min(
            target
                .map_or(SHOWN_ROWS, |t| t.0 + SHOWN_ROWS)
                .max(SHOWN_ROWS),
        )
        .min(first_row.saturating_add(SHOWN_ROWS * 2));
    let cols = grid
        .cols
        .max(target.map_or(0, |t| t.1))
        .min(first_col + SHOWN_COLS - 1);
    let here: Vec<&Diagnostic> = f
        .all_diagnostics()
        .filter(|d| d.sheet.as_deref() == Some(sheet_name.as_str()))
        .collect();
    let marked: HashMap<(u32, u32), Severity> = here.iter().fold(HashMap::new(), |mut m, d| {
        if let Some(at) = d.cell.as_deref().and_then(parse_cell) {
            let e = m.entry(at).or_insert(d.severity);
            *e = (*e).max(d.severity);
        }
        m
    });
    let cell_name = q.cell.clone().unwrap_or_default();
    let value = target.and_then(|t| grid.cells.get(&t)).cloned();
    let at_cell: Vec<&&Diagnostic> = here
        .iter()
        .filter(|d| d.cell.as_deref() == Some(cell_name.as_str()))
        .collect();
    layout(
        "Лист",
        "/",
        Some(&s),
        html! {
            p { a href={"/check/" (job.id)} { "← К результатам проверки" } }
            h1 { (f.file) " — лист «" (sheet_name) "»" }
            nav.tabs {
                @for name in &grid.sheets {
                    @let qs = serde_urlencoded::to_string([("sheet", name.as_str())]).unwrap_or_default();
                    a href={"/check/" (job.id) "/sheet/" (file) "?" (qs)} class=@if *name == sheet_name { "active" } { (name) }
                }
            }
            @if let Some(far) = &far {
                p.warning { (far) }
            }
            @if target.is_some() {
                div.cell-info #cell-info {
                    p { "Ячейка " b #cell-name { (cell_name) } ": "
                        @match &value {
                            Some(v) => { "значение «" span #cell-value { (v) } "»" },
                            None => { span #cell-value.empty { "пусто" } },
                        }
                    }
                    @for d in &at_cell {
                        p class=(if d.severity == Severity::Error { "error" } else { "warning" }) {
                            (d.severity.ru()) " " code { (d.rule) } ": " (d.message)
                        }
                    }
                }
            }
            div.grid-wrap {
                table.grid #grid {
                    thead { tr { th.corner {} @for c in first_col..=cols { th { (column_name(c)) } } } }
                    tbody {
                        @for r in first_row..=rows {
                            tr {
                                th { (r) }
                                @for c in first_col..=cols {
                                    @let addr = format!("{}{}", column_name(c), r);
                                    @let cls = match (Some((r, c)) == target, marked.get(&(r, c))) {
                                        (true, _) => "hl",
                                        (false, Some(Severity::Error)) => "bad-cell",
                                        (false, Some(Severity::Warning)) => "warn-cell",
                                        _ => "",
                                    };
                                    td class=(cls) id=[(Some((r, c)) == target).then_some("hl")] data-cell=(addr) {
                                        @if let Some(v) = grid.cells.get(&(r, c)) { (v) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The annotated workbook of a job's input, and its file name.
fn annotated_of(job: &Job, file: usize) -> Result<(String, Vec<u8>), String> {
    let input = job.inputs.get(file).ok_or("нет такого файла")?;
    let f = job
        .outcome()
        .ok_or("файлы ещё проверяются")?
        .files
        .get(file)
        .ok_or("нет такого файла")?;
    if !annotate::can_annotate(&input.path) {
        return Err("замечания ставятся только в таблицы (xlsx, ods, xls)".into());
    }
    let inner = input.name.rsplit(" → ").next().unwrap_or(&input.name);
    let name = annotate::annotated_name(Path::new(inner));
    let bytes =
        annotate::annotate(&input.path, &annotate::remarks_of(f)).map_err(|e| e.to_string())?;
    Ok((name, bytes))
}

/// `GET /check/{job}/annotated/{file}`: «Вернуть отправителю».
pub async fn annotated(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath((id, file)): UrlPath<(String, usize)>,
) -> Response {
    let Some(job) = state.jobs.get(&id, &s) else {
        return not_found();
    };
    match tokio::task::spawn_blocking(move || annotated_of(&job, file)).await {
        Ok(Ok((name, bytes))) => download(&name, XLSX, bytes),
        Ok(Err(e)) => message(StatusCode::BAD_REQUEST, "Замечания не поставлены", &e),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()),
    }
}

#[derive(Deserialize)]
pub struct DraftQuery {
    draft: Option<String>,
}

impl DraftQuery {
    fn on(&self) -> bool {
        matches!(self.draft.as_deref(), Some("1" | "true" | "on"))
    }
}

/// The job's forms folder (`<case-id>/<form>.<ext>`), rendered by the engine once per mode.
async fn rendered(state: &Shared, job: &Arc<Job>, draft: bool) -> Result<PathBuf, String> {
    let mut forms = job.forms.lock().await;
    if let Some(p) = &forms[usize::from(draft)] {
        return Ok(p.clone());
    }
    let out = job
        .dir
        .path()
        .join(if draft { "forms-draft" } else { "forms" });
    let paths: Vec<PathBuf> = job.inputs.iter().map(|i| i.path.clone()).collect();
    let settings = state.settings();
    let o = out.clone();
    tokio::task::spawn_blocking(move || {
        let opts = Options {
            out: Some(o),
            formats: vec![Format::Pdf, Format::Docx],
            draft,
            ..Options::default()
        };
        run::run(&paths, &opts, &settings, &run::quiet).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())??;
    forms[usize::from(draft)] = Some(out.clone());
    Ok(out)
}

/// A zip of the files under `dir` (only `case`'s folder, when named), sorted, with fixed
/// times: the same forms give the same bytes.
fn zip_dir(dir: &Path, case: Option<&str>) -> Result<(Vec<u8>, usize), String> {
    let root = match case {
        Some(c) => crate::safe_path::join(dir, [c]).map_err(|_| "no such case".to_string())?,
        None => dir.to_path_buf(),
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut n = 0;
    for e in walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let rel = e.path().strip_prefix(dir).map_err(|e| e.to_string())?;
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        zip.start_file(name, opts).map_err(|e| e.to_string())?;
        let bytes = std::fs::read(e.path()).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
        n += 1;
    }
    let bytes = zip.finish().map_err(|e| e.to_string())?.into_inner();
    Ok((crate::portable_zip::portable(bytes), n))
}

fn no_forms() -> Response {
    message(
        StatusCode::CONFLICT,
        "Нет форм",
        "Нет оформленных форм: у всех случаев есть ошибки. Исправьте их или скачайте «с черновиками».",
    )
}

/// `GET /check/{job}/forms.zip[?draft=1]`: every rendered case's forms.
pub async fn forms_zip(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath(id): UrlPath<String>,
    Query(q): Query<DraftQuery>,
) -> Response {
    let Some(job) = state.jobs.get(&id, &s) else {
        return not_found();
    };
    zip_response(&state, &job, None, q.on()).await
}

/// `GET /check/{job}/case/{case}/forms.zip[?draft=1]`: one case's forms.
pub async fn case_forms_zip(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath((id, case)): UrlPath<(String, String)>,
    Query(q): Query<DraftQuery>,
) -> Response {
    let Some(job) = state.jobs.get(&id, &s) else {
        return not_found();
    };
    let Some(outcome) = job.outcome() else {
        return still_checking();
    };
    if !outcome.cases().any(|(_, c)| c.case_id == case) || !crate::validate::case_id_is_safe(&case)
    {
        return not_found();
    }
    zip_response(&state, &job, Some(case), q.on()).await
}

async fn zip_response(
    state: &Shared,
    job: &Arc<Job>,
    case: Option<String>,
    draft: bool,
) -> Response {
    let dir = match rendered(state, job, draft).await {
        Ok(d) => d,
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, "Формы не оформлены", &e),
    };
    let c = case.clone();
    match tokio::task::spawn_blocking(move || zip_dir(&dir, c.as_deref())).await {
        Ok(Ok((_, 0))) => no_forms(),
        Ok(Ok((bytes, _))) => {
            let name = match (&case, draft) {
                (Some(c), _) => format!("формы-{c}.zip"),
                (None, true) => "формы-с-черновиками.zip".to_string(),
                (None, false) => "формы.zip".to_string(),
            };
            download(&name, "application/zip", bytes)
        }
        Ok(Err(e)) => message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()),
    }
}

/// The archive run over a job's inputs (`okno archive`), one at a time; `waited` tells
/// whether another user's run was in the way.
async fn archive_inputs(
    state: &Shared,
    job: &Arc<Job>,
    user: &str,
) -> Result<(Outcome, bool), String> {
    let (guard, waited) = match state.archive_busy.try_lock() {
        Ok(g) => (g, false),
        Err(_) => (state.archive_busy.lock().await, true),
    };
    let paths: Vec<PathBuf> = job.inputs.iter().map(|i| i.path.clone()).collect();
    let settings = state.settings();
    let root = state.cfg.archive.clone();
    let result = tokio::task::spawn_blocking(move || {
        let opts = Options {
            archive: Some(root),
            formats: vec![Format::Pdf, Format::Docx],
            ..Options::default()
        };
        run::run(&paths, &opts, &settings, &run::quiet).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?;
    drop(guard);
    let mut outcome = result?;
    rename(&mut outcome, &job.inputs);
    let stored: Vec<String> = outcome
        .cases()
        .filter(|(_, c)| matches!(c.archived, Some(Archived::New(_))))
        .map(|(_, c)| c.case_id.clone())
        .collect();
    audit(
        state,
        user,
        "archive",
        &stored,
        &format!("новых версий: {}", stored.len()),
    );
    Ok((outcome, waited))
}

fn archived_text(c: &run::CaseOutcome) -> String {
    match (&c.archived, &c.status) {
        (Some(Archived::New(v)), _) => format!("сохранён, версия {v}"),
        (Some(Archived::Unchanged(v)), _) => format!("без изменений, версия {v}"),
        (None, Status::Refused(r)) => format!("не сохранён: {}", r.ru()),
        (None, Status::Failed(e)) => format!("сбой: {e}"),
        _ => "не сохранён".to_string(),
    }
}

/// `POST /check/{job}/archive`: the checked cases into the archive.
pub async fn archive_job(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let Some(job) = state.jobs.get(&id, &s) else {
        return not_found();
    };
    let (outcome, waited) = match archive_inputs(&state, &job, s.user_name()).await {
        Ok(x) => x,
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, "Архив не сохранён", &e),
    };
    layout(
        "Сохранение в архив",
        "/archive",
        Some(&s),
        html! {
            h1 { "Сохранение в архив" }
            @if waited {
                p.note #waited { "Архив был занят: другой пользователь сохранял случаи. Ваши случаи сохранены сразу после него." }
            }
            table.list #archived {
                thead { tr { th { "Случай" } th { "Результат" } } }
                tbody {
                    @for (_, c) in outcome.cases() {
                        tr {
                            td { a href={"/archive/case/" (c.case_id)} { (c.case_id) } }
                            td { (archived_text(c)) }
                        }
                    }
                }
            }
            p { a.button href="/archive" { "Открыть архив" } " " a.button href={"/check/" (job.id)} { "← К результатам проверки" } }
        },
    )
    .into_response()
}

// ---- JSON API ----

fn json_error(status: StatusCode, text: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": text }))).into_response()
}

/// An HTML refusal of `new_job` as a JSON one (same status).
async fn api_job(
    state: &Shared,
    s: &Session,
    csrf: bool,
    mp: Multipart,
) -> Result<(Arc<Job>, HashMap<String, String>), Response> {
    let (job, fields) = new_job(state, s, csrf, mp).await.map_err(|r| {
        let status = r.status();
        let text = match status {
            StatusCode::PAYLOAD_TOO_LARGE => {
                "загрузка слишком велика или архив zip распаковывается больше предела"
            }
            StatusCode::FORBIDDEN => super::CSRF_REFUSED,
            StatusCode::REQUEST_TIMEOUT => "файлы передавались слишком медленно, приём прерван",
            StatusCode::SERVICE_UNAVAILABLE => {
                "на сервере слишком много проверок других пользователей, повторите позже"
            }
            _ => "файлы не получены",
        };
        json_error(status, text)
    })?;
    // A program waits for the whole check.
    start_check(state, &job)
        .await
        .map_err(|e| json_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))?;
    Ok((job, fields))
}

fn outcome_json(job: &Job) -> serde_json::Value {
    let empty = Outcome::default();
    let files: Vec<serde_json::Value> = job
        .outcome()
        .unwrap_or(&empty)
        .files
        .iter()
        .map(|f| {
            let (e, w) = counts(f.all_diagnostics());
            serde_json::json!({
                "file": f.file,
                "unreadable": f.unreadable,
                "errors": e,
                "warnings": w,
                "diagnostics": f.diagnostics,
                "cases": f.cases.iter().map(|c| {
                    let (e, w) = counts(c.diagnostics.iter());
                    serde_json::json!({
                        "case_id": c.case_id, "errors": e, "warnings": w,
                        "diagnostics": c.diagnostics,
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({
        "job": job.id,
        "files": files,
        "rejected": job.rejected.iter().map(|(n, w)| serde_json::json!({"file": n, "reason": w})).collect::<Vec<_>>(),
    })
}

/// `POST /api/validate` (multipart `files`): the diagnostics as JSON.
pub async fn api_validate(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    csrf: Option<Extension<CsrfInBody>>,
    mp: Multipart,
) -> Response {
    match api_job(&state, &s, csrf.is_some(), mp).await {
        Ok((job, _)) => axum::Json(outcome_json(&job)).into_response(),
        Err(r) => r,
    }
}

/// `POST /api/annotate` (multipart, one spreadsheet): the annotated workbook.
pub async fn api_annotate(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    csrf: Option<Extension<CsrfInBody>>,
    mp: Multipart,
) -> Response {
    let job = match api_job(&state, &s, csrf.is_some(), mp).await {
        Ok((job, _)) => job,
        Err(r) => return r,
    };
    match tokio::task::spawn_blocking(move || annotated_of(&job, 0)).await {
        Ok(Ok((name, bytes))) => download(&name, XLSX, bytes),
        Ok(Err(e)) => json_error(StatusCode::BAD_REQUEST, &e),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// `POST /api/render[?draft=1]` (multipart `files`): the forms as a zip.
pub async fn api_render(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    csrf: Option<Extension<CsrfInBody>>,
    Query(q): Query<DraftQuery>,
    mp: Multipart,
) -> Response {
    match api_job(&state, &s, csrf.is_some(), mp).await {
        Ok((job, _)) => zip_response(&state, &job, None, q.on()).await,
        Err(r) => r,
    }
}

/// `POST /api/archive` (multipart `files`): the cases without errors into the archive.
pub async fn api_archive(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    csrf: Option<Extension<CsrfInBody>>,
    mp: Multipart,
) -> Response {
    let job = match api_job(&state, &s, csrf.is_some(), mp).await {
        Ok((job, _)) => job,
        Err(r) => return r,
    };
    match archive_inputs(&state, &job, s.user_name()).await {
        Ok((outcome, waited)) => axum::Json(serde_json::json!({
            "waited_for_archive": waited,
            "cases": outcome.cases().map(|(_, c)| serde_json::json!({
                "case_id": c.case_id,
                "version": match c.archived { Some(Archived::New(v) | Archived::Unchanged(v)) => Some(v), None => None },
                "new": matches!(c.archived, Some(Archived::New(_))),
                "result": archived_text(c),
            })).collect::<Vec<_>>(),
        }))
        .into_response(),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_parse() {
        assert_eq!(super::parse_cell("K7"), Some((7, 11)));
        assert_eq!(super::parse_cell("AA10"), Some((10, 27)));
        assert_eq!(super::parse_cell("7"), None);
        assert_eq!(super::column_name(28), "AB");
    }
}
