//! What every request shares: the server's configuration, its users and sessions, the jobs
//! in progress, and the archive's audit log.

use super::auth::{self, Sessions, User};
use super::jobs::{Jobs, Verifications};
use super::trust;
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
pub struct AppState {
    pub cfg: Config,
    pub users: Vec<User>,
    pub sessions: Mutex<Sessions>,
    pub login: auth::Login,
    pub jobs: Jobs,
    /// One archive change at a time from this server (the archive's own lock serializes
    /// it with other processes); the page tells a waiting user.
    pub archive_busy: tokio::sync::Mutex<()>,
    /// The private folder of this server's uploads, removed when it stops.
    pub work: tempfile::TempDir,
    /// Verifications of the archive, running or done, by ID.
    pub verifications: Verifications,
    /// The names and address requests must call this server by.
    pub trust: trust::Allowed,
}

pub type Shared = Arc<AppState>;

impl AppState {
    pub fn today(&self) -> NaiveDate {
        self.cfg
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }
    pub fn settings(&self) -> crate::validate::Settings {
        crate::validate::Settings {
            today: self.today(),
        }
    }
    pub fn with_users(&self) -> bool {
        !self.users.is_empty()
    }
    /// A new private folder for one request's files, in the server's work folder.
    pub fn scratch(&self, prefix: &str) -> std::io::Result<tempfile::TempDir> {
        tempfile::Builder::new()
            .prefix(prefix)
            .tempdir_in(self.work.path())
    }
    /// Appends a line to the archive's audit log: who did what, when, with case IDs only.
    pub fn audit(&self, user: &str, action: &str, cases: &[String], result: &str) {
        use std::io::Write;
        let line = serde_json::json!({
            "time": chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            "user": user,
            "action": action,
            "cases": cases,
            "result": result,
        });
        let path = self.cfg.archive.join(AUDIT_FILE);
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            // One write of the whole line: appends of concurrent requests never interleave.
            .and_then(|mut f| f.write_all(format!("{line}\n").as_bytes()));
        if let Err(e) = written {
            eprintln!(
                "okno serve: журнал действий {} не записан: {e}",
                path.display()
            );
        }
    }
}
