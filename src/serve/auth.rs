//! Users, sessions, CSRF tokens and the login throttle of `okno serve`.
//!
//! Users live in `ARCHIVE/.okno-users.json`, each with an argon2id hash of the password
//! (PHC string). With no users, the page serves only the loopback address and every visitor
//! is the local secretary; with users, every page but the login asks for a session. Every
//! visitor gets a session cookie (HttpOnly, SameSite=Strict) holding only a random token;
//! the session holds the CSRF token each change must carry.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const USERS_FILE: &str = ".okno-users.json";
pub const COOKIE: &str = "okno_session";
/// Failed logins of one name before it is locked for `LOCKOUT`.
const MAX_FAILURES: u32 = 5;
const LOCKOUT: Duration = Duration::from_secs(60);
/// A session unused this long is forgotten.
const IDLE: Duration = Duration::from_secs(8 * 3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Checks, renders, archives.
    Secretary,
    /// Sees and downloads; does not change the archive.
    Viewer,
}

impl Role {
    pub fn ru(self) -> &'static str {
        match self {
            Role::Secretary => "секретарь",
            Role::Viewer => "наблюдатель",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "secretary" => Some(Role::Secretary),
            "viewer" => Some(Role::Viewer),
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
}

pub fn users_path(archive: &Path) -> PathBuf {
    archive.join(USERS_FILE)
}

/// The users of an archive; none when the file is missing.
pub fn load_users(archive: &Path) -> Result<Vec<User>, String> {
    let path = users_path(archive);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| format!("файл пользователей {} повреждён: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Adds a user (or replaces the password and role of one with that name).
pub fn add_user(archive: &Path, name: &str, role: Role, password: &str) -> Result<(), String> {
    if name.trim().is_empty() || name.chars().any(|c| c.is_control()) {
        return Err("имя пользователя пусто или содержит недопустимые знаки".into());
    }
    if password.chars().count() < 8 {
        return Err("пароль короче 8 знаков".into());
    }
    let mut users = load_users(archive)?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| format!("пароль не удалось зашифровать: {e}"))?
        .to_string();
    users.retain(|u| u.name != name);
    users.push(User {
        name: name.to_string(),
        role,
        hash,
    });
    users.sort_by(|a, b| a.name.cmp(&b.name));
    std::fs::create_dir_all(archive).map_err(|e| format!("{}: {e}", archive.display()))?;
    let json = serde_json::to_vec_pretty(&users).map_err(|e| e.to_string())?;
    crate::atomic_write::write_atomic(&users_path(archive), &json)
        .map_err(|e| format!("{}: {e}", users_path(archive).display()))
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
    pub seen: Instant,
}

impl Session {
    pub fn user_name(&self) -> &str {
        self.user.as_ref().map(|u| u.0.as_str()).unwrap_or("")
    }
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.1)
    }
}

#[derive(Default)]
pub struct Sessions {
    map: HashMap<String, Session>,
    failures: HashMap<String, (u32, Instant)>,
}

impl Sessions {
    pub fn get(&mut self, id: &str) -> Option<Session> {
        let now = Instant::now();
        self.map.retain(|_, s| now.duration_since(s.seen) < IDLE);
        let s = self.map.get_mut(id)?;
        s.seen = now;
        Some(s.clone())
    }

    pub fn create(&mut self, user: Option<(String, Role)>) -> Session {
        let s = Session {
            id: token(),
            csrf: token(),
            user,
            seen: Instant::now(),
        };
        self.map.insert(s.id.clone(), s.clone());
        s
    }

    pub fn remove(&mut self, id: &str) {
        self.map.remove(id);
    }

    /// Seconds the name must still wait before another try, if locked.
    pub fn locked(&mut self, name: &str) -> Option<u64> {
        let (n, at) = *self.failures.get(name)?;
        let left = LOCKOUT.saturating_sub(at.elapsed());
        if n >= MAX_FAILURES && !left.is_zero() {
            Some(left.as_secs().max(1))
        } else {
            if n >= MAX_FAILURES {
                self.failures.remove(name);
            }
            None
        }
    }

    pub fn failed(&mut self, name: &str) {
        let e = self
            .failures
            .entry(name.to_string())
            .or_insert((0, Instant::now()));
        e.0 += 1;
        e.1 = Instant::now();
    }

    pub fn succeeded(&mut self, name: &str) {
        self.failures.remove(name);
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
