//! `okno serve`: the secretary's page. An HTTP server (axum on tokio) in the same binary,
//! calling the same library functions as the command line — `run::run` to check, render and
//! archive, `annotate` to hand a workbook back, `report` for the quarter and the logs —
//! with every page in Russian, HTML from maud (escaped by construction) and every asset
//! embedded.
//!
//! Safe by default: loopback only unless `--listen` names another address, and then only
//! with users (`auth`); only requests that name this server and changes from its own page
//! (`trust`); a CSRF token on every change; upload limits; a Content-Security-
//! Policy; uploads in a private temporary folder removed with their job; log lines with the
//! method, the path (no query) and the status only, never a child's name.

// A refusal is a whole response (status and Russian page), handed back as the error.
#![allow(clippy::result_large_err)]

mod archive_pages;
pub mod auth;
mod check;
mod limits;
mod pages;
mod trust;

use auth::{Role, Session, Sessions, User};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// How the page is served.
#[derive(Debug, Clone)]
pub struct Config {
    pub archive: PathBuf,
    pub listen: SocketAddr,
    /// Other names of this computer the page is opened by (`--host`); the listen address
    /// and, on loopback, `localhost` always do.
    pub hosts: Vec<String>,
    /// Open the default browser on the page once it listens.
    pub open_browser: bool,
    /// Largest upload, bytes (the whole request).
    pub max_upload: u64,
    /// Largest uncompressed content of an uploaded zip, bytes.
    pub max_unzipped: u64,
    /// The date deadlines are counted to; None: today, each time.
    pub today: Option<NaiveDate>,
    /// Connections served at once; more wait in the system's queue (`limits`).
    pub max_connections: usize,
    /// A request's header must come whole within this.
    pub header_timeout: std::time::Duration,
    /// A request body that sends nothing this long, or trickles, is cut off (`limits`).
    pub body_timeout: std::time::Duration,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_MAX_UPLOAD_MB: u64 = 50;
pub const DEFAULT_MAX_UNZIPPED_MB: u64 = 200;
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
pub const DEFAULT_HEADER_TIMEOUT_S: u64 = 10;
pub const DEFAULT_BODY_TIMEOUT_S: u64 = 60;
pub const AUDIT_FILE: &str = ".okno-audit.jsonl";
/// Who works at the page when it has no users (loopback only).
pub const LOCAL_USER: &str = "локальный пользователь";

/// The archive folder when none is named (a double click): `okno-архив` in the user's
/// documents folder, or in the home folder.
pub fn default_archive() -> PathBuf {
    let home = std::env::var_os("USERPROFILE")
        .or_else(|| std::env::var_os("HOME"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let docs = ["Documents", "Документы"]
        .iter()
        .map(|d| home.join(d))
        .find(|p| p.is_dir())
        .unwrap_or(home);
    docs.join("okno-архив")
}

/// What every request shares.
pub(crate) struct AppState {
    cfg: Config,
    users: Vec<User>,
    sessions: Mutex<Sessions>,
    login: auth::Login,
    jobs: check::Jobs,
    /// One archive change at a time from this server (the archive's own lock serializes
    /// it with other processes); the page tells a waiting user.
    archive_busy: tokio::sync::Mutex<()>,
    /// The private folder of this server's uploads, removed when it stops.
    work: tempfile::TempDir,
    /// Verifications of the archive, running or done, by ID.
    verifications: Mutex<std::collections::HashMap<String, Arc<archive_pages::Verification>>>,
    /// The names and address requests must call this server by.
    trust: trust::Allowed,
}

impl AppState {
    fn today(&self) -> NaiveDate {
        self.cfg
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }
    fn settings(&self) -> crate::validate::Settings {
        crate::validate::Settings {
            today: self.today(),
        }
    }
    fn with_users(&self) -> bool {
        !self.users.is_empty()
    }
}

type Shared = Arc<AppState>;

/// Why the server did not start.
pub fn check_listen(listen: &SocketAddr, users: &[User]) -> Result<(), String> {
    if !listen.ip().is_loopback() && users.is_empty() {
        return Err(format!(
            "адрес {listen} доступен с других компьютеров, а пользователей нет: \
             сначала добавьте их (okno user add ИМЯ --role secretary --archive ПАПКА) \
             или слушайте 127.0.0.1"
        ));
    }
    Ok(())
}

/// Serves until interrupted.
pub fn serve(cfg: Config) -> Result<(), String> {
    std::fs::create_dir_all(&cfg.archive)
        .map_err(|e| format!("папка архива {}: {e}", cfg.archive.display()))?;
    let users = auth::load_users(&cfg.archive)?;
    check_listen(&cfg.listen, &users)?;
    trust::check_hosts(&cfg.hosts)?;
    let work = tempfile::Builder::new()
        .prefix("okno-serve-")
        .tempdir()
        .map_err(|e| format!("временная папка: {e}"))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(cfg.listen)
            .await
            .map_err(|e| format!("адрес {} занят или недоступен: {e}", cfg.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let url = format!("http://{addr}/");
        println!("okno: страница открыта по адресу {url}");
        println!("okno: архив — {}", cfg.archive.display());
        if users.is_empty() {
            println!("okno: пользователей нет — вход без пароля, только с этого компьютера");
        }
        println!("okno: чтобы остановить, закройте это окно или нажмите Ctrl+C");
        if cfg.open_browser {
            open_browser(&url);
        }
        let trust = trust::Allowed::new(addr, &cfg.hosts);
        let state = Arc::new(AppState {
            cfg,
            trust,
            users,
            sessions: Mutex::new(Sessions::default()),
            login: auth::Login::default(),
            jobs: check::Jobs::default(),
            archive_busy: tokio::sync::Mutex::new(()),
            work,
            verifications: Mutex::default(),
        });
        let limits = limits::Limits::of(&state.cfg);
        limits::serve(listener, router(state), limits).await
    })
}

fn open_browser(url: &str) {
    use std::process::{Command, Stdio};
    #[cfg(target_os = "windows")]
    let mut cmd = {
        let mut c = Command::new("cmd");
        c.args(["/C", "start", "", url]);
        c
    };
    #[cfg(target_os = "macos")]
    let mut cmd = {
        let mut c = Command::new("open");
        c.arg(url);
        c
    };
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    let mut cmd = {
        let mut c = Command::new("xdg-open");
        c.arg(url);
        c
    };
    let opened = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if opened.is_err() {
        println!("okno: откройте в браузере {url}");
    }
}

fn router(state: Shared) -> Router {
    let limit = state.cfg.max_upload as usize;
    // What only a secretary may do, refused to everyone else here, whatever the page shows:
    // change the archive, or take the whole of it away.
    let secretary = Router::new()
        .route("/check/{job}/archive", post(check::archive_job))
        .route("/archive/export", post(archive_pages::export))
        .route("/api/archive", post(check::api_archive))
        .route_layer(axum::middleware::from_fn(secretary_only));
    Router::new()
        .merge(secretary)
        .route("/", get(check::page))
        .route("/static/okno.css", get(static_css))
        .route("/static/okno.js", get(static_js))
        // A login form is small, whichever way its CSRF token comes.
        .route(
            "/login",
            get(pages::login_page)
                .post(pages::login)
                .layer(axum::extract::DefaultBodyLimit::max(64 * 1024)),
        )
        .route("/logout", post(pages::logout))
        .route("/check", post(check::upload))
        .route("/check/{job}", get(check::results))
        .route("/check/{job}/status", get(check::status))
        .route("/check/{job}/sheet/{file}", get(check::sheet))
        .route("/check/{job}/annotated/{file}", get(check::annotated))
        .route("/check/{job}/forms.zip", get(check::forms_zip))
        .route(
            "/check/{job}/case/{case}/forms.zip",
            get(check::case_forms_zip),
        )
        .route("/archive", get(archive_pages::list))
        .route("/archive/case/{case}", get(archive_pages::case_page))
        .route(
            "/archive/file/{case}/{version}/{*path}",
            get(archive_pages::bag_file),
        )
        .route("/archive/verify", post(archive_pages::verify))
        .route("/archive/verify/{id}", get(archive_pages::verify_page))
        .route("/quarter", get(archive_pages::quarter_page))
        .route("/quarter/forms.zip", get(archive_pages::quarter_forms_zip))
        .route(
            "/quarter/file/{q}/{*path}",
            get(archive_pages::quarter_file),
        )
        .route("/logs", get(archive_pages::logs_page))
        .route("/logs/file", get(archive_pages::log_file))
        .route("/blanks", get(archive_pages::blanks_page))
        .route("/blanks/{kind}", get(archive_pages::blank))
        .route("/api/session", get(api_session))
        .route("/api/validate", post(check::api_validate))
        .route("/api/annotate", post(check::api_annotate))
        .route("/api/render", post(check::api_render))
        .route("/api/quarter", get(archive_pages::api_quarter))
        // Past the upload limit a request is refused, but its body is still read (and
        // dropped) up to this much, so the client gets the Russian message rather than a
        // connection reset while it is still sending.
        .layer(axum::extract::DefaultBodyLimit::max(
            limit.saturating_mul(4).saturating_add(64 << 20),
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

static CSS: &str = include_str!("static/okno.css");
static JS: &str = include_str!("static/okno.js");

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

/// The host and origin check, the session (created on first visit), the login wall, the
/// CSRF check of every change, the security headers and the log line.
async fn guard(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    // The path only: a query may carry a sheet name, and nothing a user typed is logged.
    let path = req.uri().path().to_string();
    // Before any session: a request by another name gets none, not even the local one.
    let mut resp = match state.trust.refusal(&req) {
        Some(refused) => refused,
        None => with_session(&state, req, next).await,
    };
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
    eprintln!(
        "okno serve: {method} {path} {} {} мс",
        resp.status().as_u16(),
        started.elapsed().as_millis()
    );
    resp
}

/// The session, the login wall, the CSRF check and the session cookie.
async fn with_session(state: &AppState, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let cookie_id = session_cookie(req.headers());
    let (session, fresh) = {
        let anonymous = (!state.with_users()).then(|| (LOCAL_USER.to_string(), Role::Secretary));
        let mut sessions = state.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.resolve(cookie_id.as_deref(), anonymous)
    };
    let public = path == "/login" || path.starts_with("/static/");
    let mut resp = if session.user.is_none() && !public {
        if path.starts_with("/api/") && path != "/api/session" {
            pages::message(
                StatusCode::UNAUTHORIZED,
                "Нужен вход",
                "Войдите: POST /login с именем и паролем.",
            )
        } else if path == "/api/session" {
            next_with(&session, req, next).await
        } else {
            Redirect::to("/login").into_response()
        }
    } else if method != Method::GET && method != Method::HEAD {
        match csrf_checked(&session, req).await {
            Ok(req) => next_with(&session, req, next).await,
            Err(resp) => resp,
        }
    } else {
        next_with(&session, req, next).await
    };
    if fresh || resp.extensions().get::<NewSession>().is_some() {
        let id = resp
            .extensions()
            .get::<NewSession>()
            .map(|n| n.0.clone())
            .unwrap_or(session.id.clone());
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{}={id}; HttpOnly; SameSite=Strict; Path=/",
            auth::COOKIE
        )) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

async fn next_with(session: &Session, mut req: Request, next: Next) -> Response {
    req.extensions_mut().insert(session.clone());
    next.run(req).await
}

/// A response that replaces the session (login, logout): the new session's ID.
#[derive(Clone)]
pub(crate) struct NewSession(pub String);

/// A multipart body whose CSRF field the handler checks before reading any file.
#[derive(Clone)]
pub(crate) struct CsrfInBody;

const CSRF_REFUSED: &str = "Запрос отклонён: в нём нет кода защиты формы или он устарел. \
                            Обновите страницу и повторите.";

/// The CSRF token of a change: the `X-CSRF-Token` header, or the `csrf` field of a form
/// (a multipart form's is checked by its handler, before any file is read).
async fn csrf_checked(session: &Session, req: Request) -> Result<Request, Response> {
    let refused = || pages::message(StatusCode::FORBIDDEN, "Запрос отклонён", CSRF_REFUSED);
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

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == auth::COOKIE)
        .map(|(_, v)| v.to_string())
}

/// `GET /api/session`: the CSRF token (and user) of the caller's session, for programs;
/// to a secretary, also how many sessions the server keeps.
async fn api_session(
    State(state): State<Shared>,
    axum::Extension(s): axum::Extension<Session>,
) -> Response {
    let mut v = serde_json::json!({
        "user": s.user.as_ref().map(|u| &u.0),
        "role": s.role(),
        "csrf": s.csrf,
    });
    if s.role() == Some(Role::Secretary) {
        let stored = state
            .sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len();
        v["stored_sessions"] = stored.into();
    }
    axum::Json(v).into_response()
}

/// Appends a line to the archive's audit log: who did what, when, with case IDs only.
pub(crate) fn audit(state: &AppState, user: &str, action: &str, cases: &[String], result: &str) {
    use std::io::Write;
    let line = serde_json::json!({
        "time": chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        "user": user,
        "action": action,
        "cases": cases,
        "result": result,
    });
    let path = state.cfg.archive.join(AUDIT_FILE);
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| writeln!(f, "{line}"));
    if let Err(e) = written {
        eprintln!(
            "okno serve: журнал действий {} не записан: {e}",
            path.display()
        );
    }
}

/// The user may change the archive.
pub(crate) fn may_change(s: &Session) -> bool {
    s.role() == Some(Role::Secretary)
}

/// The layer of the routes only a secretary may take (the login wall comes before it).
async fn secretary_only(req: Request, next: Next) -> Response {
    if req.extensions().get::<Session>().is_some_and(may_change) {
        return next.run(req).await;
    }
    let text = "Сохранять в архив и выгружать его может только секретарь.";
    if req.uri().path().starts_with("/api/") {
        (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({ "error": text })),
        )
            .into_response()
    } else {
        pages::message(StatusCode::FORBIDDEN, "Недостаточно прав", text)
    }
}
