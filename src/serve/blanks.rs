//! «Бланки»: the blank workbooks to fill in (`workbooks`).

use super::auth::Session;
use super::download::download;
use super::error::{Error, Result};
use super::layout::layout;
use super::state::Shared;
use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use maud::html;

/// The blanks' page and the blanks.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/blanks", get(blanks_page))
        .route("/blanks/{kind}", get(blank))
}

/// `GET /blanks`: the blank workbooks.
pub async fn blanks_page(Extension(s): Extension<Session>) -> Response {
    layout(
        "Бланки",
        "/blanks",
        Some(&s),
        html! {
            h1 { "Бланки" }
            p.lead { "Пустые книги для заполнения: их заполненными и нужно загружать на странице «Проверить и оформить»." }
            ul.files {
                li { a href="/blanks/case" { "Книга случая (xlsx)" } }
                li { a href="/blanks/register" { "Реестр извещений (xlsx)" } }
            }
        },
    )
    .into_response()
}

/// `GET /blanks/{case|register}`.
pub async fn blank(UrlPath(kind): UrlPath<String>) -> Result<Response> {
    let (name, bytes) = match kind.as_str() {
        "case" => ("книга-случая.xlsx", crate::workbooks::case_workbook()),
        "register" => ("реестр.xlsx", crate::workbooks::register_workbook()),
        _ => {
            return Err(Error::page(
                StatusCode::NOT_FOUND,
                "Не найдено",
                "Такого бланка нет.",
            ));
        }
    };
    Ok(download(name, bytes.map_err(Error::fault)?))
}
