//! `serve::Error`: why a request was refused or a step of the server failed. A refusal is
//! the answer itself — the message page (`Page`) or, to a program, `{"error": …}` (`Api`),
//! each with its status; any other error answers as the page «Сбой» (500).

use super::layout::message_page;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::path::PathBuf;

/// What a lower layer reported, passed on with its own (Russian) message.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A refusal on a page: the message page with this status and title.
    #[error("{text}")]
    Page {
        status: StatusCode,
        title: &'static str,
        text: String,
    },
    /// A refusal to a program: `{"error": text}` with this status.
    #[error("{text}")]
    Api { status: StatusCode, text: String },
    /// A library call failed; its message as it gave it.
    #[error("{0}")]
    Failed(Cause),
    /// A background task of the server ended before its work did.
    #[error("{0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("{0}")]
    Io(#[from] std::io::Error),

    // ---- the uploads ----
    #[error(
        "Архив «{name}» (вместе с остальными файлами загрузки) распаковывается больше \
         чем в {mb} МБ — загрузка отклонена (так бывает у повреждённых или опасных \
         архивов). Разделите загрузку на части."
    )]
    ZipBomb { name: String, mb: u64 },
    #[error(
        "Файлы загрузки вместе с распакованными архивами больше {mb} МБ — загрузка \
         отклонена. Разделите загрузку на части."
    )]
    UploadTooBig { mb: u64 },
    #[error("архив «{0}» повреждён")]
    ZipDamaged(String),

    // ---- a job's files ----
    #[error("нет такого файла")]
    NoSuchFile,
    #[error("файлы ещё проверяются")]
    StillChecking,
    #[error("замечания ставятся только в таблицы (xlsx, ods, xls)")]
    NotASpreadsheet,
    #[error("no such case")]
    NoSuchCase,

    // ---- what a user typed ----
    #[error("Дата «{0}» не распознана: запишите её как ДД.ММ.ГГГГ, например 01.10.2026.")]
    Date(String),

    // ---- starting the server ----
    #[error("папка архива {}: {source}", .path.display())]
    ArchiveFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "адрес {0} доступен с других компьютеров, а пользователей нет: \
         сначала добавьте их (okno user add ИМЯ --role secretary --archive ПАПКА) \
         или слушайте 127.0.0.1"
    )]
    Exposed(SocketAddr),
    #[error(
        "--host «{0}»: укажите имя компьютера без порта и без http://, \
         например okno.school.local"
    )]
    Host(String),
    #[error("временная папка: {0}")]
    WorkFolder(std::io::Error),
    #[error("адрес {listen} занят или недоступен: {source}")]
    Bind {
        listen: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Accept(tokio::sync::AcquireError),

    // ---- the users file ----
    #[error(transparent)]
    Users(#[from] super::auth::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The message page with this status and title.
    pub fn page(status: StatusCode, title: &'static str, text: impl ToString) -> Error {
        Error::Page {
            status,
            title,
            text: text.to_string(),
        }
    }
    /// `{"error": text}` with this status.
    pub fn api(status: StatusCode, text: impl ToString) -> Error {
        Error::Api {
            status,
            text: text.to_string(),
        }
    }
    /// A lower layer's error, with its message.
    pub fn failed(e: impl Into<Cause>) -> Error {
        Error::Failed(e.into())
    }
    /// A change without its CSRF token, or with a stale one (403).
    pub fn csrf() -> Error {
        Error::page(
            StatusCode::FORBIDDEN,
            "Запрос отклонён",
            super::auth::CSRF_REFUSED,
        )
    }
    /// «Сбой» (500) with this error's message.
    pub fn fault(e: impl ToString) -> Error {
        Error::page(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", e)
    }
    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Page { status, .. } | Error::Api { status, .. } => *status,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match self {
            Error::Page {
                status,
                title,
                text,
            } => (status, message_page(title, &text)).into_response(),
            Error::Api { status, text } => {
                (status, axum::Json(serde_json::json!({ "error": text }))).into_response()
            }
            other => Error::fault(other).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn answer(e: Error) -> (StatusCode, Option<String>, String) {
        let r = e.into_response();
        let kind = r
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string());
        let status = r.status();
        let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        (status, kind, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn a_refusal_answers_a_page_to_a_person_and_json_to_a_program() {
        let (status, kind, page) = answer(Error::page(
            StatusCode::NOT_FOUND,
            "Не найдено",
            "Такого <файла> нет.",
        ))
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(kind.as_deref(), Some("text/html; charset=utf-8"));
        assert!(page.contains("<title>Не найдено — okno</title>"), "{page}");
        assert!(
            page.contains(r#"<p class="message" role="alert">Такого &lt;файла&gt; нет.</p>"#),
            "{page}"
        );

        let (status, kind, json) =
            answer(Error::api(StatusCode::FORBIDDEN, "только секретарь")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(kind.as_deref(), Some("application/json"));
        assert_eq!(json, r#"{"error":"только секретарь"}"#);

        // Any other error is a fault of the server, with its message.
        let (status, _, page) = answer(Error::NoSuchFile).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(page.contains("<h1>Сбой</h1>"), "{page}");
        assert!(page.contains("нет такого файла"), "{page}");
    }
}
