//! `okno serve` started on a free loopback port for a test, and a small HTTP client for it
//! that keeps the session cookie.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    /// `okno --today 2026-11-24 serve --no-browser --listen 127.0.0.1:0 --archive ARCHIVE EXTRA…`
    pub fn start(archive: &Path, extra: &[&str]) -> Server {
        Server::start_in(archive, extra, None)
    }

    /// As `start`, with the server's temporary folders (its work folder) under `tmp`.
    pub fn start_in(archive: &Path, extra: &[&str], tmp: Option<&Path>) -> Server {
        // OKNO_BIN: another binary (the serve bench's before-and-after runs).
        let bin = std::env::var_os("OKNO_BIN").unwrap_or(env!("CARGO_BIN_EXE_okno").into());
        let mut cmd = Command::new(bin);
        if let Some(t) = tmp {
            cmd.env("TMPDIR", t).env("TMP", t).env("TEMP", t);
        }
        let mut child = cmd
            .args(["--today", "2026-11-24", "serve", "--no-browser"])
            .args(["--listen", "127.0.0.1:0", "--archive"])
            .arg(archive)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start okno serve");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().expect("a line").expect("a line");
        let url = first
            .split("http://")
            .nth(1)
            .map(|rest| format!("http://{}", rest.trim().trim_end_matches('/')))
            .unwrap_or_else(|| panic!("no address in «{first}»"));
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, url }
    }

    /// The server's process ID.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `host:port` of the server.
    pub fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client with one session: redirects not followed, statuses not errors.
pub struct Client {
    agent: ureq::Agent,
    pub base: String,
    pub cookie: Option<String>,
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Client {
    pub fn new(base: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Client {
            agent,
            base: base.to_string(),
            cookie: None,
        }
    }

    fn done(&mut self, r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut r = r.expect("HTTP request");
        let headers: Vec<(String, String)> = r
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        for (k, v) in &headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                self.cookie = v.split(';').next().map(String::from);
            }
        }
        let mut body = Vec::new();
        r.body_mut()
            .with_config()
            .limit(1 << 30)
            .reader()
            .read_to_end(&mut body)
            .unwrap();
        Reply {
            status: r.status().as_u16(),
            headers,
            body,
        }
    }

    pub fn get(&mut self, path: &str) -> Reply {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        let r = req.call();
        self.done(r)
    }

    /// The CSRF token of this session (from `GET /api/session`).
    pub fn csrf(&mut self) -> String {
        let r = self.get("/api/session");
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        v["csrf"].as_str().unwrap().to_string()
    }

    pub fn post(
        &mut self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        csrf: Option<&str>,
    ) -> Reply {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", content_type)
            // As a browser does: every POST says which page it comes from.
            .header("Origin", &self.base);
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        if let Some(t) = csrf {
            req = req.header("X-CSRF-Token", t);
        }
        let r = req.send(&body[..]);
        self.done(r)
    }

    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.post(
            path,
            "application/x-www-form-urlencoded",
            body.into_bytes(),
            None,
        )
    }

    /// A multipart upload of `files` (name, bytes) as the field `files`.
    pub fn upload(&mut self, path: &str, files: &[(&str, Vec<u8>)], csrf: Option<&str>) -> Reply {
        let (ct, body) = multipart(files);
        self.post(path, &ct, body, csrf)
    }
}

pub fn multipart(files: &[(&str, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "----okno-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
