//! What a checked job gives: the sender's workbook back with its remarks, the forms of its
//! cases as a zip (official, or with drafts), and its cases into the archive. The page's
//! links and the JSON API call the same functions.

use super::auth::Session;
use super::download::download;
use super::error::{Error, Result};
use super::extract::{Secretary, ThisJob};
use super::jobs::{Job, rename};
use super::layout::layout;
use super::state::Shared;
use crate::annotate;
use crate::render::Format;
use crate::run::{self, Archived, Options, Outcome, Status};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The annotated workbook of a job's input, and its file name.
pub fn annotated_of(job: &Job, file: usize) -> Result<(String, Vec<u8>)> {
    let input = job.inputs.get(file).ok_or(Error::NoSuchFile)?;
    let f = job
        .outcome()
        .ok_or(Error::StillChecking)?
        .files
        .get(file)
        .ok_or(Error::NoSuchFile)?;
    if !annotate::can_annotate(&input.path) {
        return Err(Error::NotASpreadsheet);
    }
    let inner = input.name.rsplit(" → ").next().unwrap_or(&input.name);
    let name = annotate::annotated_name(Path::new(inner));
    let bytes = annotate::annotate(&input.path, &annotate::remarks_of(f)).map_err(Error::failed)?;
    Ok((name, bytes))
}

/// `GET /check/{job}/annotated/{file}`: «Вернуть отправителю».
pub async fn annotated(
    UrlPath((_, file)): UrlPath<(String, usize)>,
    ThisJob(job): ThisJob,
) -> Result<Response> {
    let (name, bytes) = tokio::task::spawn_blocking(move || annotated_of(&job, file))
        .await
        .map_err(Error::fault)?
        .map_err(|e| Error::page(StatusCode::BAD_REQUEST, "Замечания не поставлены", e))?;
    Ok(download(&name, bytes))
}

#[derive(Deserialize)]
pub struct DraftQuery {
    draft: Option<String>,
}

impl DraftQuery {
    pub fn on(&self) -> bool {
        matches!(self.draft.as_deref(), Some("1" | "true" | "on"))
    }
}

/// The job's forms folder (`<case-id>/<form>.<ext>`), rendered by the engine once per mode.
async fn rendered(state: &Shared, job: &Arc<Job>, draft: bool) -> Result<PathBuf> {
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
        run::run(&paths, &opts, &settings, &run::quiet).map_err(Error::failed)
    })
    .await??;
    forms[usize::from(draft)] = Some(out.clone());
    Ok(out)
}

/// A zip of the files under `dir` (only `case`'s folder, when named), in the order of the
/// folders, with fixed times: the same forms give the same bytes.
fn zip_dir(dir: &Path, case: Option<&str>) -> Result<(Vec<u8>, usize)> {
    let root = match case {
        Some(c) => crate::safe_path::join(dir, [c]).map_err(|_| Error::NoSuchCase)?,
        None => dir.to_path_buf(),
    };
    let files: Vec<(String, PathBuf)> = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some((name, e.path().to_path_buf()))
        })
        .collect();
    let n = files.len();
    let zip = crate::portable_zip::zip_files(files.iter().map(|(n, p)| (n.clone(), p.as_path())))?;
    Ok((zip, n))
}

fn no_forms() -> Error {
    Error::page(
        StatusCode::CONFLICT,
        "Нет форм",
        "Нет оформленных форм: у всех случаев есть ошибки. Исправьте их или скачайте «с черновиками».",
    )
}

/// `GET /check/{job}/forms.zip[?draft=1]`: every rendered case's forms.
pub async fn forms_zip(
    State(state): State<Shared>,
    Query(q): Query<DraftQuery>,
    ThisJob(job): ThisJob,
) -> Result<Response> {
    zip_response(&state, &job, None, q.on()).await
}

/// `GET /check/{job}/case/{case}/forms.zip[?draft=1]`: one case's forms.
pub async fn case_forms_zip(
    State(state): State<Shared>,
    UrlPath((_, case)): UrlPath<(String, String)>,
    Query(q): Query<DraftQuery>,
    ThisJob(job): ThisJob,
) -> Result<Response> {
    let outcome = job.checked()?;
    if !outcome.cases().any(|(_, c)| c.case_id == case) || !crate::validate::case_id_is_safe(&case)
    {
        return Err(ThisJob::none());
    }
    zip_response(&state, &job, Some(case), q.on()).await
}

pub async fn zip_response(
    state: &Shared,
    job: &Arc<Job>,
    case: Option<String>,
    draft: bool,
) -> Result<Response> {
    let dir = rendered(state, job, draft)
        .await
        .map_err(|e| Error::page(StatusCode::INTERNAL_SERVER_ERROR, "Формы не оформлены", e))?;
    let c = case.clone();
    let zipped = tokio::task::spawn_blocking(move || zip_dir(&dir, c.as_deref()))
        .await
        .map_err(Error::fault)?
        .map_err(Error::fault)?;
    match zipped {
        (_, 0) => Err(no_forms()),
        (bytes, _) => {
            let name = match (&case, draft) {
                (Some(c), _) => format!("формы-{c}.zip"),
                (None, true) => "формы-с-черновиками.zip".to_string(),
                (None, false) => "формы.zip".to_string(),
            };
            Ok(download(&name, bytes))
        }
    }
}

/// The archive run over a job's inputs (`okno archive`), one at a time; `waited` tells
/// whether another user's run was in the way.
pub async fn archive_inputs(
    state: &Shared,
    job: &Arc<Job>,
    s: &Session,
) -> Result<(Outcome, bool)> {
    let user = s.user_name();
    // A limited user stores only the cases of their territories; others are refused.
    let scope = s.scope();
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
            scope,
            ..Options::default()
        };
        run::run(&paths, &opts, &settings, &run::quiet).map_err(Error::failed)
    })
    .await?;
    drop(guard);
    let mut outcome = result?;
    rename(&mut outcome, &job.inputs);
    let stored: Vec<String> = outcome
        .cases()
        .filter(|(_, c)| matches!(c.archived, Some(Archived::New(_))))
        .map(|(_, c)| c.case_id.clone())
        .collect();
    state.audit(
        user,
        "archive",
        &stored,
        &format!("новых версий: {}", stored.len()),
    );
    Ok((outcome, waited))
}

pub fn archived_text(c: &run::CaseOutcome) -> String {
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
    Secretary(s): Secretary,
    ThisJob(job): ThisJob,
) -> Result<Response> {
    let (outcome, waited) = archive_inputs(&state, &job, &s)
        .await
        .map_err(|e| Error::page(StatusCode::INTERNAL_SERVER_ERROR, "Архив не сохранён", e))?;
    Ok(layout(
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
    .into_response())
}
