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
//!
//! The house: `state` (what requests share) and `jobs` (the work in the background) at the
//! bottom; `error` (one refusal type, the answer itself), `extract` (this session's job, a
//! secretary) and `middleware` (one layer per concern) above them; one router per section
//! (`check`, `sheet`, `archive`, `quarter`, `logs`, `blanks`, `api`, with `login` and
//! `assets`), merged here.

mod api;
mod archive;
mod assets;
mod audit;
pub mod auth;
mod blanks;
mod case;
mod check;
mod deadlines;
mod deliver;
mod download;
mod error;
mod extract;
mod fields;
mod jobs;
mod known;
mod layout;
mod limits;
mod login;
mod logs;
mod middleware;
mod quarter;
mod scope;
mod search;
mod sheet;
mod state;
mod trust;
mod upload;

pub use error::Error;
pub use state::{
    AUDIT_FILE, Config, DEFAULT_BODY_TIMEOUT_S, DEFAULT_HEADER_TIMEOUT_S, DEFAULT_LISTEN,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_UNZIPPED_MB, DEFAULT_MAX_UPLOAD_MB, default_archive,
};

use auth::{Sessions, User};
use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use state::{AppState, Shared};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// Why the server did not start.
pub fn check_listen(listen: &SocketAddr, users: &[User]) -> Result<(), Error> {
    if !listen.ip().is_loopback() && users.is_empty() {
        return Err(Error::Exposed(*listen));
    }
    Ok(())
}

/// Serves until interrupted.
pub fn serve(cfg: Config) -> Result<(), Error> {
    std::fs::create_dir_all(&cfg.archive).map_err(|source| Error::ArchiveFolder {
        path: cfg.archive.clone(),
        source,
    })?;
    let users = auth::load_users(&cfg.archive)?;
    check_listen(&cfg.listen, &users)?;
    trust::check_hosts(&cfg.hosts)?;
    // The page reads the archive through its index: bring it up to the bags first (what a
    // killed run or a copied-in folder left out). The page works on without it.
    if let Err(e) = crate::archive::refresh_index(&cfg.archive) {
        eprintln!("okno: {e}");
    }
    search::load_variants(&cfg.archive);
    let work = tempfile::Builder::new()
        .prefix("okno-serve-")
        .tempdir()
        .map_err(Error::WorkFolder)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(cfg.listen)
            .await
            .map_err(|source| Error::Bind {
                listen: cfg.listen,
                source,
            })?;
        let addr = listener.local_addr()?;
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
            jobs: jobs::Jobs::default(),
            archive_busy: tokio::sync::Mutex::new(()),
            work,
            verifications: jobs::Verifications::default(),
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

/// The sections' routers, merged, under the layers every request passes (the last added
/// runs first): the access log, the security headers, the host and origin check, the
/// session, the login wall, the CSRF check.
fn router(state: Shared) -> Router {
    let limit = state.cfg.max_upload as usize;
    Router::new()
        .merge(check::router())
        .merge(sheet::router())
        .merge(archive::router())
        .merge(case::router())
        .merge(deadlines::router())
        .merge(search::router())
        .merge(quarter::router())
        .merge(logs::router())
        .merge(blanks::router())
        .merge(api::router())
        .merge(login::router())
        .merge(audit::router())
        .merge(assets::router())
        // Past the upload limit a request is refused, but its body is still read (and
        // dropped) up to this much, so the client gets the Russian message rather than a
        // connection reset while it is still sending.
        .layer(axum::extract::DefaultBodyLimit::max(
            limit.saturating_mul(4).saturating_add(64 << 20),
        ))
        .layer(from_fn_with_state(state.clone(), deadlines::overdue_menu))
        .layer(from_fn(middleware::csrf))
        .layer(from_fn(middleware::login_wall))
        .layer(from_fn_with_state(state.clone(), middleware::session))
        .layer(from_fn_with_state(state.clone(), middleware::trusted))
        .layer(from_fn(middleware::security_headers))
        .layer(from_fn(middleware::access_log))
        .with_state(state)
}
