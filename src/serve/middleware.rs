//! The layers every request passes, outermost first: the access log, the security headers,
//! the host and origin check (`trust`), the session (created on first visit, its cookie),
//! the login wall and the CSRF check of every change.

use super::auth::{self, LOCAL_USER, Role, Session};
use super::error::Error;
use super::state::Shared;
use axum::Extension;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};

/// A response that replaces the session (login, logout): the new session's ID.
#[derive(Clone)]
pub struct NewSession(pub String);

/// A multipart body whose CSRF field the handler checks before reading any file.
#[derive(Clone)]
pub struct CsrfInBody;

/// The log line of each request: the method, the path (no query: it may carry a sheet
/// name, and nothing a user typed is logged), the status and the time taken.
pub async fn access_log(req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let path = logged_path(req.uri().path());
    let resp = next.run(req).await;
    eprintln!(
        "okno serve: {method} {path} {} {} мс",
        resp.status().as_u16(),
        started.elapsed().as_millis()
    );
    resp
}

/// Paths longer than this are logged cut, so that a request cannot grow the log at will.
const LOGGED_PATH: usize = 200;

/// The path as the access log writes it: at most `LOGGED_PATH` bytes, then «…».
fn logged_path(path: &str) -> String {
    if path.len() <= LOGGED_PATH {
        return path.to_string();
    }
    let mut end = LOGGED_PATH;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &path[..end])
}

/// The headers of every answer: the Content-Security-Policy and its companions; no cache
/// unless the answer says otherwise.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        // Not «no-referrer»: with it a browser sends `Origin: null` on a form's POST, and
        // the page could no longer tell its own forms from another site's.
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// Before any session: a request by another name, or a change from another site, gets
/// none, not even the local one.
pub async fn trusted(State(state): State<Shared>, req: Request, next: Next) -> Response {
    match state.trust.refusal(&req) {
        Some(refused) => refused.into_response(),
        None => next.run(req).await,
    }
}

/// The caller's session (a fresh one on a first visit) for the layers and handlers below,
/// and its cookie on the way back when it is new or replaced.
pub async fn session(State(state): State<Shared>, mut req: Request, next: Next) -> Response {
    let cookie_id = session_cookie(req.headers());
    let (session, fresh) = {
        let anonymous = (!state.with_users()).then(|| (LOCAL_USER.to_string(), Role::Secretary));
        let mut sessions = state.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.resolve(cookie_id.as_deref(), anonymous)
    };
    req.extensions_mut().insert(session.clone());
    let mut resp = next.run(req).await;
    let replaced = resp.extensions().get::<NewSession>().map(|n| n.0.clone());
    if fresh || replaced.is_some() {
        let id = replaced.unwrap_or(session.id);
        let cookie = Cookie::build((auth::COOKIE, id))
            .http_only(true)
            .same_site(SameSite::Strict)
            .path("/");
        if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// The session's ID in the request's cookies.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == auth::COOKIE)
        .map(|c| c.value().to_string())
}

/// Every page but the login (and the page's style and script) asks for a logged-in
/// session: a page sends the visitor to the login, a program is refused; `/api/session`
/// answers anyone (its token is what a program logs in with).
pub async fn login_wall(Extension(s): Extension<Session>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let public = path == "/login" || path.starts_with("/static/") || path == "/api/session";
    if public || s.user.is_some() {
        return next.run(req).await;
    }
    if path.starts_with("/api/") {
        Error::page(
            StatusCode::UNAUTHORIZED,
            "Нужен вход",
            "Войдите: POST /login с именем и паролем.",
        )
        .into_response()
    } else {
        Redirect::to("/login").into_response()
    }
}

/// The CSRF token of a change: the `X-CSRF-Token` header, or the `csrf` field of a form
/// (a multipart form's is checked by its handler, before any file is read).
pub async fn csrf(Extension(session): Extension<Session>, req: Request, next: Next) -> Response {
    // A visitor not logged in reaches `/api/session` as the login wall lets it: unchecked.
    let unchecked = session.user.is_none() && req.uri().path() == "/api/session";
    if req.method() == Method::GET || req.method() == Method::HEAD || unchecked {
        return next.run(req).await;
    }
    match csrf_checked(&session, req).await {
        Ok(req) => next.run(req).await,
        Err(refused) => refused.into_response(),
    }
}

async fn csrf_checked(session: &Session, req: Request) -> Result<Request, Error> {
    let refused = Error::csrf;
    if let Some(h) = req.headers().get("x-csrf-token") {
        return if h.to_str().is_ok_and(|t| auth::same(t, &session.csrf)) {
            Ok(req)
        } else {
            Err(refused())
        };
    }
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if kind.starts_with("multipart/form-data") {
        let mut req = req;
        req.extensions_mut().insert(CsrfInBody);
        return Ok(req);
    }
    if kind.starts_with("application/x-www-form-urlencoded") {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, 64 * 1024)
            .await
            .map_err(|_| refused())?;
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| refused())?;
        let ok = fields
            .iter()
            .any(|(k, v)| k == "csrf" && auth::same(v, &session.csrf));
        if !ok {
            return Err(refused());
        }
        return Ok(Request::from_parts(parts, Body::from(bytes)));
    }
    Err(refused())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_path_is_logged_cut() {
        assert_eq!(logged_path("/archive/case/NSK-1"), "/archive/case/NSK-1");
        let long = format!("/archive/case/{}", "A".repeat(20_000));
        let logged = logged_path(&long);
        assert_eq!(logged.len(), LOGGED_PATH + "…".len());
        assert!(logged.ends_with('…'));
        assert!(logged_path(&"я".repeat(300)).ends_with('…'));
    }

    #[test]
    fn the_session_is_found_among_the_cookies() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; theme=dark"));
        h.append(
            header::COOKIE,
            HeaderValue::from_static("x=2;okno_session=abc123 ; y=3"),
        );
        assert_eq!(session_cookie(&h).as_deref(), Some("abc123"));
        let mut none = HeaderMap::new();
        none.append(
            header::COOKIE,
            HeaderValue::from_static("okno_sessionx=1; xokno_session=2"),
        );
        assert_eq!(session_cookie(&none), None);
    }
}
