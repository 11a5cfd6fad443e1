//! The JSON API: the same work as the page's, for programs (`curl`, a script) — check,
//! annotate, render and archive uploaded files, the session's token, a quarter's figures.
//! A refusal is `{"error": …}` with the page's status.

use super::auth::{CSRF_REFUSED, Session};
use super::deliver::{DraftQuery, annotated_of, archive_inputs, archived_text, zip_response};
use super::download::download;
use super::error::{Error, Result};
use super::extract::Secretary;
use super::jobs::{Job, counts, start_check};
use super::quarter::{QuarterQuery, quarter_code, quarter_view};
use super::state::Shared;
use super::upload::upload;
use crate::run::{Archived, Outcome};
use axum::extract::{FromRequest, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::from_extractor;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use std::sync::Arc;

/// The API's routes.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/api/archive", post(api_archive))
        .route_layer(from_extractor::<Secretary>())
        .route("/api/session", get(api_session))
        .route("/api/validate", post(api_validate))
        .route("/api/annotate", post(api_annotate))
        .route("/api/render", post(api_render))
        .route("/api/quarter", get(api_quarter))
}

/// `GET /api/session`: the CSRF token (and user) of the caller's session, for programs;
/// to a secretary, also how many sessions the server keeps.
async fn api_session(State(state): State<Shared>, Extension(s): Extension<Session>) -> Response {
    let mut v = serde_json::json!({
        "user": s.user.as_ref().map(|u| &u.0),
        "role": s.role(),
        "csrf": s.csrf,
    });
    if s.is_secretary() {
        let stored = state
            .sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len();
        v["stored_sessions"] = stored.into();
    }
    axum::Json(v).into_response()
}

/// The files of a program's request as a job, checked to its end (a program waits for the
/// whole check); a refusal of the upload in the API's words, with the page's status.
struct ApiJob(Arc<Job>);

impl FromRequest<Shared> for ApiJob {
    type Rejection = Response;

    async fn from_request(req: Request, state: &Shared) -> std::result::Result<Self, Response> {
        // I-KNOWN names only the cases of the user's territories (none without a session).
        let scope = req
            .extensions()
            .get::<Session>()
            .map_or(crate::index::Scope::Only(Vec::new()), Session::scope);
        let job = upload(req, state).await?.map_err(|r| {
            let status = r.status();
            let text = match status {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    "загрузка слишком велика или архив zip распаковывается больше предела"
                }
                StatusCode::FORBIDDEN => CSRF_REFUSED,
                StatusCode::REQUEST_TIMEOUT => "файлы передавались слишком медленно, приём прерван",
                StatusCode::SERVICE_UNAVAILABLE => {
                    "на сервере слишком много проверок других пользователей, повторите позже"
                }
                _ => "файлы не получены",
            };
            Error::api(status, text).into_response()
        })?;
        start_check(&job, state.settings(), (state.cfg.archive.clone(), scope))
            .await
            .map_err(|e| Error::api(StatusCode::INTERNAL_SERVER_ERROR, e).into_response())?;
        Ok(ApiJob(job))
    }
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
async fn api_validate(ApiJob(job): ApiJob) -> Response {
    axum::Json(outcome_json(&job)).into_response()
}

/// `POST /api/annotate` (multipart, one spreadsheet): the annotated workbook.
async fn api_annotate(ApiJob(job): ApiJob) -> Result<Response> {
    let (name, bytes) = tokio::task::spawn_blocking(move || annotated_of(&job, 0))
        .await
        .map_err(|e| Error::api(StatusCode::INTERNAL_SERVER_ERROR, e))?
        .map_err(|e| Error::api(StatusCode::BAD_REQUEST, e))?;
    Ok(download(&name, bytes))
}

/// `POST /api/render[?draft=1]` (multipart `files`): the forms as a zip.
async fn api_render(
    State(state): State<Shared>,
    Query(q): Query<DraftQuery>,
    ApiJob(job): ApiJob,
) -> Result<Response> {
    zip_response(&state, &job, None, q.on()).await
}

/// `POST /api/archive` (multipart `files`): the cases without errors into the archive.
async fn api_archive(
    State(state): State<Shared>,
    Secretary(s): Secretary,
    ApiJob(job): ApiJob,
) -> Result<Response> {
    let (outcome, waited) = archive_inputs(&state, &job, &s)
        .await
        .map_err(|e| Error::api(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    Ok(axum::Json(serde_json::json!({
            "waited_for_archive": waited,
            "cases": outcome.cases().map(|(_, c)| serde_json::json!({
                "case_id": c.case_id,
                "version": match c.archived { Some(Archived::New(v) | Archived::Unchanged(v)) => Some(v), None => None },
                "new": matches!(c.archived, Some(Archived::New(_))),
                "result": archived_text(c),
            })).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// `GET /api/quarter?q=2026-Q4`: the quarter's figures as JSON (`okno quarter`'s), from the
/// page's kept figures (`quarter_view`).
async fn api_quarter(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<QuarterQuery>,
) -> Result<Response> {
    let label = q.q.unwrap_or_else(|| quarter_code(state.today()));
    // A limited user's figures are of their territories only.
    let territory = super::scope::territory_choice(&s, q.t)
        .map_err(|_| Error::api(StatusCode::NOT_FOUND, super::scope::NOT_YOURS))?;
    let (key, view) = quarter_view(&state, &label, territory.as_deref(), &s.scope())
        .await
        .map_err(|e| Error::api(StatusCode::BAD_REQUEST, e))?;
    let d = view.counts;
    Ok(axum::Json(serde_json::json!({
            "quarter": key.label, "active": d.active, "monitoring_forms": view.form_files(),
            "overdue": d.overdue, "due": d.due, "missed": d.missed,
            "received": d.received, "waiting": d.waiting, "sw_overdue": d.sw_overdue,
            "late": d.late,
    }))
    .into_response())
}
