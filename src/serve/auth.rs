//! Users, sessions, CSRF tokens and the login throttle of `okno serve`.
//!
//! Users live in `ARCHIVE/.okno-users.json`, each with an argon2id hash of the password
//! (PHC string). With no users, the page serves only the loopback address and every visitor
//! is the local secretary; with users, every page but the login asks for a session. Every
//! visitor gets a session cookie (HttpOnly, SameSite=Strict) holding only a random token;
//! the session holds the CSRF token each change must carry. Only logged-in sessions are
//! stored (`Sessions`); logins are throttled per client and name (`Login`).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const USERS_FILE: &str = ".okno-users.json";
pub const COOKIE: &str = "okno_session";
/// The refusal of a change without its CSRF token, or with a stale one.
pub const CSRF_REFUSED: &str = "Запрос отклонён: в нём нет кода защиты формы или он устарел. \
                                Обновите страницу и повторите.";
/// Who works at the page when it has no users (loopback only).
pub const LOCAL_USER: &str = "локальный пользователь";
/// Failed logins of one client and name that cost no wait.
const FREE_TRIES: u32 = 3;
const MAX_DELAY: Duration = Duration::from_secs(30);
/// Failures this old are forgotten.
const FORGET: Duration = Duration::from_secs(15 * 60);
/// Passwords hashed at once.
const HASHING: usize = 2;
/// The longest user name, in characters.
pub const MAX_NAME: usize = 100;
/// A session unused this long is forgotten.
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// Stored sessions of one user (each login makes one).
const MAX_PER_USER: usize = 20;

/// Why the users file was not read or written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("файл пользователей {} повреждён: {source}", .path.display())]
    Damaged {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: {source}", .path.display())]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("имя пользователя пусто или содержит недопустимые знаки")]
    Name,
    #[error("имя пользователя длиннее {MAX_NAME} знаков")]
    NameLong,
    #[error("пароль короче 8 знаков")]
    ShortPassword,
    #[error("пароль не удалось зашифровать: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Checks, renders, archives.
    Secretary,
    /// Sees and downloads; does not change the archive.
    Viewer,
    /// A secretary who also reads the audit log on the page.
    Admin,
}

impl Role {
    pub fn ru(self) -> &'static str {
        match self {
            Role::Secretary => "секретарь",
            Role::Viewer => "наблюдатель",
            Role::Admin => "администратор",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "secretary" => Some(Role::Secretary),
            "viewer" => Some(Role::Viewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// argon2id, PHC string.
    pub hash: String,
    /// The territories (catalog codes) whose cases the user sees; none: all. A users file
    /// written before territories existed has none, so its users see all as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub territories: Vec<String>,
}

impl User {
    /// What this user sees of the archive.
    pub fn scope(&self) -> crate::index::Scope {
        if self.territories.is_empty() {
            crate::index::Scope::All
        } else {
            crate::index::Scope::Only(self.territories.clone())
        }
    }
}

pub fn users_path(archive: &Path) -> PathBuf {
    archive.join(USERS_FILE)
}

/// The users of an archive; none when the file is missing.
pub fn load_users(archive: &Path) -> Result<Vec<User>> {
    let path = users_path(archive);
    match std::fs::read(&path) {
        Ok(bytes) => {
            crate::files::make_private(&path);
            serde_json::from_slice(&bytes).map_err(|source| Error::Damaged { path, source })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
        Err(source) => Err(Error::File { path, source }),
    }
}

/// Adds a user (or replaces the password, role and territories of one with that name);
/// `territories` are catalog codes (`territory_codes`), none: all.
pub fn add_user(
    archive: &Path,
    name: &str,
    role: Role,
    territories: &[String],
    password: &str,
) -> Result<()> {
    if name.trim().is_empty() || name.chars().any(|c| c.is_control()) {
        return Err(Error::Name);
    }
    if name.chars().count() > MAX_NAME {
        return Err(Error::NameLong);
    }
    if password.chars().count() < 8 {
        return Err(Error::ShortPassword);
    }
    let mut users = load_users(archive)?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(Error::Hash)?
        .to_string();
    users.retain(|u| u.name != name);
    users.push(User {
        name: name.to_string(),
        role,
        hash,
        territories: territories.to_vec(),
    });
    users.sort_by(|a, b| a.name.cmp(&b.name));
    std::fs::create_dir_all(archive).map_err(|source| Error::File {
        path: archive.to_path_buf(),
        source,
    })?;
    let json = serde_json::to_vec_pretty(&users)?;
    // Readable by its owner only: the hashes are worth guessing at.
    let path = users_path(archive);
    crate::files::write_atomic_private(&path, &json).map_err(|source| Error::File { path, source })
}

/// The catalog codes of territories given by code or name (`okno user add --territory`);
/// an unknown one is refused with the catalog's list.
pub fn territory_codes(given: &[String]) -> std::result::Result<Vec<String>, String> {
    let mut codes: Vec<String> = Vec::new();
    for t in given {
        let Some(code) = crate::model::Territory::parse(t) else {
            return Err(format!(
                "территории «{}» нет в каталоге территорий Новосибирской области; укажите одну из: {}",
                t.trim(),
                crate::catalog::catalog()
                    .list(crate::model::Territory::LIST)
                    .iter()
                    .map(|(code, name)| format!("{code} ({name})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        if !codes.iter().any(|c| c == code.code()) {
            codes.push(code.code().to_string());
        }
    }
    Ok(codes)
}

/// The user whose password this is.
pub fn check_password<'a>(users: &'a [User], name: &str, password: &str) -> Option<&'a User> {
    let user = users.iter().find(|u| u.name == name);
    // An unknown name costs the same time as a wrong password.
    let hash = user
        .map(|u| u.hash.as_str())
        .unwrap_or("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$9kUxqYx6a3TqJ5mW0Xq0AJ1qkZy3x3y2Z4m0n8QeF6g");
    let ok =
        PasswordVerifier::<str>::verify_password(&Argon2::default(), password.as_bytes(), hash)
            .is_ok();
    if ok { user } else { None }
}

/// A random token, 128 bits, hex.
pub fn token() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the system's random source");
    hex::encode(b)
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub csrf: String,
    /// None until login (with users).
    pub user: Option<(String, Role)>,
    /// The territories the user sees, set at login; `All` for everyone else.
    pub scope: crate::index::Scope,
    pub seen: Instant,
}

impl Session {
    pub fn user_name(&self) -> &str {
        self.user.as_ref().map(|u| u.0.as_str()).unwrap_or("")
    }
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.1)
    }
    /// The user may change the archive (a secretary or an administrator).
    pub fn is_secretary(&self) -> bool {
        matches!(self.role(), Some(Role::Secretary | Role::Admin))
    }
    /// The user reads the audit log.
    pub fn is_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }
    /// The territories this session's user sees: every query of the archive takes it.
    pub fn scope(&self) -> crate::index::Scope {
        self.scope.clone()
    }
}

/// Sessions of logged-in users, the only ones stored. A visitor's session before login
/// (and every session when there are no users) is derived from its cookie: its CSRF token
/// is a keyed hash of the cookie's ID, so a request without a cookie stores nothing.
pub struct Sessions {
    map: HashMap<String, Session>,
    /// New at each start: the anonymous sessions of a past run are void.
    key: [u8; 32],
}

impl Default for Sessions {
    fn default() -> Self {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the system's random source");
        Sessions {
            map: HashMap::new(),
            key,
        }
    }
}

impl Sessions {
    /// The session of a request's cookie: a stored one, or an anonymous one (`anonymous`
    /// as its user) derived from the cookie's ID, or from a new ID when the cookie is
    /// missing or malformed (then true: the cookie is to be set).
    pub fn resolve(
        &mut self,
        cookie: Option<&str>,
        anonymous: Option<(String, Role)>,
    ) -> (Session, bool) {
        let now = Instant::now();
        self.map.retain(|_, s| now.duration_since(s.seen) < IDLE);
        if let Some(id) = cookie {
            if let Some(s) = self.map.get_mut(id) {
                s.seen = now;
                return (s.clone(), false);
            }
            if is_token(id) {
                return (self.anonymous(id.to_string(), anonymous), false);
            }
        }
        (self.anonymous(token(), anonymous), true)
    }

    fn anonymous(&self, id: String, user: Option<(String, Role)>) -> Session {
        use hmac::{KeyInit, Mac};
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.key).expect("any key length");
        mac.update(id.as_bytes());
        let csrf = hex::encode(&mac.finalize().into_bytes()[..16]);
        Session {
            id,
            csrf,
            user,
            scope: crate::index::Scope::All,
            seen: Instant::now(),
        }
    }

    /// A stored session of a user who logged in, seeing `scope`; the user's oldest past
    /// `MAX_PER_USER` is forgotten.
    pub fn create(&mut self, user: (String, Role), scope: crate::index::Scope) -> Session {
        let mine: Vec<(Instant, String)> = self
            .map
            .values()
            .filter(|s| s.user.as_ref().is_some_and(|u| u.0 == user.0))
            .map(|s| (s.seen, s.id.clone()))
            .collect();
        if mine.len() >= MAX_PER_USER
            && let Some((_, oldest)) = mine.iter().min()
        {
            self.map.remove(oldest);
        }
        let s = Session {
            id: token(),
            csrf: token(),
            user: Some(user),
            scope,
            seen: Instant::now(),
        };
        self.map.insert(s.id.clone(), s.clone());
        s
    }

    pub fn remove(&mut self, id: &str) {
        self.map.remove(id);
    }

    /// Sessions stored.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// A session ID as `token` makes them.
fn is_token(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Failed logins by client address and name. The first `FREE_TRIES` failures cost nothing;
/// each later try must wait 1, 2, 4… seconds (at most `MAX_DELAY`) after the last failure.
/// A wait, never a lock: after it the right password logs in, and another computer's
/// failures never delay this one.
#[derive(Default)]
struct Throttle {
    failures: HashMap<(IpAddr, String), (u32, Instant)>,
}

impl Throttle {
    /// Seconds this client must still wait before trying this name, if any.
    fn wait(&self, ip: IpAddr, name: &str) -> Option<u64> {
        let (n, at) = *self.failures.get(&(ip, name.to_string()))?;
        let left = delay(n).saturating_sub(at.elapsed());
        (!left.is_zero()).then(|| left.as_secs_f64().ceil().max(1.0) as u64)
    }

    fn failed(&mut self, ip: IpAddr, name: &str) {
        if self.failures.len() >= 1000 {
            self.failures.retain(|_, (_, at)| at.elapsed() < FORGET);
        }
        let e = self
            .failures
            .entry((ip, name.to_string()))
            .or_insert((0, Instant::now()));
        if e.1.elapsed() >= FORGET {
            e.0 = 0;
        }
        e.0 += 1;
        e.1 = Instant::now();
    }

    fn succeeded(&mut self, ip: IpAddr, name: &str) {
        self.failures.remove(&(ip, name.to_string()));
    }
}

/// The wait after `failures` failed tries.
fn delay(failures: u32) -> Duration {
    if failures < FREE_TRIES {
        return Duration::ZERO;
    }
    Duration::from_secs(1u64 << (failures - FREE_TRIES).min(5)).min(MAX_DELAY)
}

/// What a login attempt came to.
pub enum Attempt {
    /// The user, logged in.
    User(String, Role),
    Wrong,
    /// Too many failures of this client and name: wait this many seconds.
    Wait(u64),
}

/// The logins of the page. The tries of one name are checked one after another, so the
/// throttle sees each failure before the next try; at most `HASHING` passwords are hashed
/// at once (argon2 takes 19 MB and a CPU each).
pub struct Login {
    throttle: std::sync::Mutex<Throttle>,
    names: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    hashing: tokio::sync::Semaphore,
}

impl Default for Login {
    fn default() -> Self {
        Login {
            throttle: Default::default(),
            names: Default::default(),
            hashing: tokio::sync::Semaphore::new(HASHING),
        }
    }
}

impl Login {
    pub async fn attempt(
        &self,
        users: &[User],
        ip: IpAddr,
        name: &str,
        password: String,
    ) -> Attempt {
        // No user has so long a name (`add_user`): wrong, without keeping it anywhere.
        if name.chars().count() > MAX_NAME {
            return Attempt::Wrong;
        }
        let lock = {
            let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
            // Locks no one holds or waits for are dropped (a dropped request leaves none).
            names.retain(|_, l| Arc::strong_count(l) > 1);
            names.entry(name.to_string()).or_default().clone()
        };
        let _turn = lock.lock().await;
        let throttle = || self.throttle.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(wait) = throttle().wait(ip, name) {
            return Attempt::Wait(wait);
        }
        let Ok(_permit) = self.hashing.acquire().await else {
            return Attempt::Wrong;
        };
        let users = users.to_vec();
        let (n, p) = (name.to_string(), password);
        let found = tokio::task::spawn_blocking(move || {
            check_password(&users, &n, &p).map(|u| (u.name.clone(), u.role))
        })
        .await
        .ok()
        .flatten();
        match found {
            Some((user, role)) => {
                throttle().succeeded(ip, name);
                Attempt::User(user, role)
            }
            None => {
                throttle().failed(ip, name);
                Attempt::Wrong
            }
        }
    }
}

/// `a == b` in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_after_three_failures_and_stays_below_half_a_minute() {
        let waits: Vec<u64> = (0..10).map(|n| delay(n).as_secs()).collect();
        assert_eq!(waits, [0, 0, 0, 1, 2, 4, 8, 16, 30, 30]);
    }

    #[test]
    fn visitors_without_a_login_are_not_stored() {
        let mut sessions = Sessions::default();
        for _ in 0..30_000 {
            let (s, fresh) = sessions.resolve(None, None);
            assert!(fresh && s.user.is_none());
        }
        assert_eq!(sessions.len(), 0);
        // The same cookie, the same CSRF token; another cookie, another token.
        let (a, _) = sessions.resolve(None, None);
        let (again, fresh) = sessions.resolve(Some(&a.id), None);
        assert!(!fresh);
        assert_eq!(
            (again.id.as_str(), again.csrf.as_str()),
            (a.id.as_str(), a.csrf.as_str())
        );
        let (b, _) = sessions.resolve(None, None);
        assert_ne!(a.csrf, b.csrf);
        // A cookie that is not one of ours gets a new ID.
        let (c, fresh) = sessions.resolve(Some("../etc"), None);
        assert!(fresh && c.id != "../etc");
        // A login is stored; a user's sessions are capped.
        for _ in 0..MAX_PER_USER + 5 {
            sessions.create(("ivanova".into(), Role::Secretary), Default::default());
        }
        assert_eq!(sessions.len(), MAX_PER_USER);
    }

    #[tokio::test]
    async fn the_throttle_delays_one_client_and_name_only() {
        let hash = Argon2::default()
            .hash_password(b"right-password")
            .unwrap()
            .to_string();
        let users = vec![User {
            name: "ivanova".into(),
            role: Role::Secretary,
            hash,
            territories: vec![],
        }];
        let login = Login::default();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..FREE_TRIES {
            let r = login.attempt(&users, a, "ivanova", "wrong".into()).await;
            assert!(matches!(r, Attempt::Wrong));
        }
        let r = login
            .attempt(&users, a, "ivanova", "right-password".into())
            .await;
        assert!(matches!(r, Attempt::Wait(1)));
        let r = login
            .attempt(&users, b, "ivanova", "right-password".into())
            .await;
        assert!(matches!(r, Attempt::User(..)));
    }
}
