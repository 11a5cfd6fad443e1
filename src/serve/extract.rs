//! What a handler asks of a request before it runs: the job of this session named in the
//! path (`ThisJob`), and a user who may change the archive (`Secretary`). Each refuses with
//! the answer itself.

use super::auth::Session;
use super::error::Error;
use super::jobs::Job;
use super::state::Shared;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::StatusCode;
use axum::http::request::Parts;
use std::sync::Arc;

/// The job named by the path's `{job}`, if it is this session's.
pub struct ThisJob(pub Arc<Job>);

impl FromRequestParts<Shared> for ThisJob {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Error> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ThisJob::none())?;
        let id = params.iter().find(|(k, _)| *k == "job").map(|(_, v)| v);
        let session = parts.extensions.get::<Session>();
        match (id, session) {
            (Some(id), Some(s)) => state.jobs.get(id, s).map(ThisJob).ok_or_else(ThisJob::none),
            _ => Err(ThisJob::none()),
        }
    }
}

impl ThisJob {
    /// The refusal of a job that is not there (or not this session's).
    pub fn none() -> Error {
        Error::page(
            StatusCode::NOT_FOUND,
            "Не найдено",
            "Такой проверки нет: она устарела или была начата в другом окне. Загрузите файлы снова.",
        )
    }
}

/// A secretary's session: only a secretary changes the archive or takes the whole of it
/// away, whatever the page shows.
pub struct Secretary(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for Secretary {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        if let Some(s) = parts
            .extensions
            .get::<Session>()
            .filter(|s| s.is_secretary())
        {
            return Ok(Secretary(s.clone()));
        }
        let text = "Сохранять в архив и выгружать его может только секретарь.";
        Err(if parts.uri.path().starts_with("/api/") {
            Error::api(StatusCode::FORBIDDEN, text)
        } else {
            Error::page(StatusCode::FORBIDDEN, "Недостаточно прав", text)
        })
    }
}
