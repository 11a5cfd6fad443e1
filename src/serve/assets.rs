//! The page's style and script, embedded in the program.

use super::state::Shared;
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

static CSS: &str = include_str!("static/okno.css");
static JS: &str = include_str!("static/okno.js");

/// `/static/okno.css` and `/static/okno.js`.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/static/okno.css", get(static_css))
        .route("/static/okno.js", get(static_js))
}

async fn static_css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

async fn static_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        JS,
    )
        .into_response()
}
