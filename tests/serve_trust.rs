//! `okno serve` trusts only itself (issue 20): a request must name this server (no DNS
//! rebinding), a change must come from its own page, every URL to a file goes through one
//! check, roles are checked per route, the archive's export is streamed from disk, and a
//! quarter has one folder whatever its spelling.

mod common;

use common::serve::{Client, Server};
use common::{okno, root};
use std::io::{Read, Write};
use std::path::Path;

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap()
}

/// One request as bytes on a socket, with exactly the headers given (no `Host` unless
/// named): what any program, or a rebound browser, can send.
struct Raw {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Raw {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

fn port(server: &Server) -> u16 {
    server.url.rsplit(':').next().unwrap().parse().unwrap()
}

fn raw(server: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Raw {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port(server))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if method != "GET" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let split = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Raw {
        status,
        head,
        body: all[split + 4..].to_vec(),
    }
}

/// The session cookie and CSRF token a well-behaved program gets.
fn session(server: &Server) -> (String, String) {
    let host = format!("127.0.0.1:{}", port(server));
    let r = raw(server, "GET", "/api/session", &[("Host", &host)], b"");
    assert_eq!(r.status, 200, "{}", r.text());
    let cookie = r.header("set-cookie").unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    (cookie, v["csrf"].as_str().unwrap().to_string())
}

#[test]
fn a_request_by_another_name_gets_nothing_not_even_a_session() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &["--host", "okno.school.local"]);
    let p = port(&server);
    let evil = format!("attacker.example:{p}");
    // The rebinding chain's first step: a session (and its token) for a foreign name.
    let r = raw(&server, "GET", "/api/session", &[("Host", &evil)], b"");
    assert_eq!(r.status, 421, "{}", r.text());
    assert!(r.header("set-cookie").is_none(), "no session: {}", r.head);
    assert!(!r.text().contains("csrf"), "{}", r.text());
    assert!(
        r.text()
            .contains("Страница okno открывается только по адресу этого компьютера"),
        "{}",
        r.text()
    );
    // Every page, and every change, by that name.
    for (method, path) in [
        ("GET", "/"),
        ("GET", "/archive"),
        ("GET", "/quarter"),
        ("POST", "/archive/export"),
        ("POST", "/api/archive"),
    ] {
        let r = raw(&server, method, path, &[("Host", &evil)], b"");
        assert_eq!(r.status, 421, "{method} {path}");
    }
    // Another port, a name without the port, another loopback address, no Host at all.
    let other = format!("127.0.0.1:{}", p.wrapping_add(1));
    for host in [
        other.as_str(),
        "localhost",
        "127.0.0.2",
        "okno.school.local",
    ] {
        let r = raw(&server, "GET", "/api/session", &[("Host", host)], b"");
        assert_eq!(r.status, 421, "{host}");
    }
    let r = raw(&server, "GET", "/api/session", &[], b"");
    assert_eq!(r.status, 421, "no Host");
    // The page's own names.
    for host in [
        format!("127.0.0.1:{p}"),
        format!("localhost:{p}"),
        format!("OKNO.school.local:{p}"),
    ] {
        let r = raw(&server, "GET", "/api/session", &[("Host", &host)], b"");
        assert_eq!(r.status, 200, "{host}: {}", r.text());
        assert!(r.text().contains("csrf"));
    }
    // A name given with a port or a scheme is refused before the server starts.
    let out = okno(&[
        "serve",
        "--no-browser",
        "--listen",
        "127.0.0.1:0",
        "--host",
        "http://okno.local:8080",
        "--archive",
        archive.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("укажите имя компьютера без порта"));
}

#[test]
fn a_change_comes_from_the_page_itself_or_from_a_program_with_the_token() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &[]);
    let p = port(&server);
    let host = format!("127.0.0.1:{p}");
    let (cookie, csrf) = session(&server);
    let form = format!("csrf={csrf}");
    let form_headers = |origin: Option<&str>| {
        let mut h = vec![
            ("Host", host.clone()),
            ("Cookie", cookie.clone()),
            (
                "Content-Type",
                "application/x-www-form-urlencoded".to_string(),
            ),
        ];
        if let Some(o) = origin {
            h.push(("Origin", o.to_string()));
        }
        h
    };
    let post = |headers: Vec<(&str, String)>| {
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        raw(&server, "POST", "/archive/verify", &h, form.as_bytes())
    };
    // With the right cookie and token, from another site, or from a page with no origin
    // (a sandboxed frame, a data: URL), or from a form with no Origin at all: refused.
    for origin in [
        Some(format!("http://attacker.example:{p}")),
        Some("null".to_string()),
        Some(format!("http://localhost:{p}")),
        Some(format!("https://127.0.0.1:{p}")),
        Some(format!("http://127.0.0.1:{p}/x")),
        None,
    ] {
        let r = post(form_headers(origin.as_deref()));
        assert_eq!(r.status, 403, "{origin:?}");
        assert!(
            r.text().contains("Запрос отправлен не со страницы okno"),
            "{origin:?}: {}",
            r.text()
        );
    }
    // From the page itself: done (the verification's page follows).
    let r = post(form_headers(Some(&format!("http://127.0.0.1:{p}"))));
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(
        r.header("location")
            .unwrap()
            .starts_with("/archive/verify/")
    );
    // A program: no Origin, the token in the header.
    let (ct, body) = common::serve::multipart(&[(
        "реестр.xlsx",
        fixture("fixtures/register/register-2026-10.xlsx"),
    )]);
    let h = [
        ("Host", host.as_str()),
        ("Cookie", cookie.as_str()),
        ("Content-Type", ct.as_str()),
        ("X-CSRF-Token", csrf.as_str()),
    ];
    let r = raw(&server, "POST", "/api/validate", &h, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    // The page tells a browser to send its origin with its own forms.
    assert_eq!(
        r.header("referrer-policy").as_deref(),
        Some("same-origin"),
        "«no-referrer» makes a browser send Origin: null"
    );
}

/// `okno user add NAME --role ROLE` with its password on standard input.
fn add_user(archive: &Path, name: &str, role: &str, password: &str) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_okno"))
        .args(["user", "add", name, "--role", role, "--archive"])
        .arg(archive)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
}

fn logged_in(server: &Server, name: &str, password: &str) -> Client {
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    let r = c.post_form(
        "/login",
        &[("csrf", &token), ("name", name), ("password", password)],
    );
    assert_eq!(r.status, 303, "{name}: {}", r.text());
    c
}

/// The non-GET routes of the sections' routers (`fn router` in each file of src/serve),
/// read from their source: the table below must name each of them.
fn post_routes() -> Vec<String> {
    let mut routes = Vec::new();
    for entry in std::fs::read_dir(root().join("src/serve")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        let Some(at) = src.find("fn router(") else {
            continue;
        };
        let router = &src[at..];
        let router = &router[..router.find("\n}\n").unwrap()];
        routes.extend(
            router
                .split(".route(")
                .skip(1)
                .filter(|r| r.contains("post("))
                .map(|r| r.split('"').nth(1).unwrap().to_string()),
        );
    }
    assert!(routes.len() >= 10, "the routers are read: {routes:?}");
    routes
}

#[test]
fn each_change_is_allowed_by_role_at_its_route_not_by_its_form() {
    let archive = tempfile::tempdir().unwrap();
    add_user(archive.path(), "ivanova", "secretary", "секрет-пароль-1");
    add_user(archive.path(), "petrov", "viewer", "другой-пароль-2");
    okno(&[
        "archive",
        "fixtures/cases/NSK-2026-0001.json",
        "--archive",
        archive.path().to_str().unwrap(),
    ]);
    let server = Server::start(archive.path(), &[]);
    let case = fixture("fixtures/cases/NSK-2026-0002.json");
    let register = fixture("fixtures/register/register-2026-10.xlsx");

    // Route, then the status for: anonymous, viewer, secretary. With users, an anonymous
    // page is sent to the login (303), an anonymous API call refused (401).
    let table: [(&str, [u16; 3]); 13] = [
        ("/login", [401, 401, 401]),
        ("/check", [303, 303, 303]),
        ("/check/{job}/archive", [303, 403, 200]),
        // A decision about a pair the check did not find: refused as missing.
        ("/check/{job}/known", [303, 403, 404]),
        ("/archive/search", [303, 200, 200]),
        ("/api/search", [401, 200, 200]),
        ("/archive/verify", [303, 303, 303]),
        ("/archive/export", [303, 403, 200]),
        ("/api/validate", [401, 200, 200]),
        ("/api/annotate", [401, 200, 200]),
        ("/api/render", [401, 200, 200]),
        ("/api/archive", [401, 403, 200]),
        ("/logout", [303, 303, 303]),
    ];
    let mut named: Vec<&str> = table.iter().map(|(r, _)| *r).collect();
    let mut routes = post_routes();
    named.sort();
    routes.sort();
    assert_eq!(named, routes, "every non-GET route is in the table");

    let clients = [
        Client::new(&server.url),
        logged_in(&server, "petrov", "другой-пароль-2"),
        logged_in(&server, "ivanova", "секрет-пароль-1"),
    ];
    for (who, mut c) in clients.into_iter().enumerate() {
        let token = c.csrf();
        // A job of this user's own to archive (the anonymous one has none: any ID).
        let job = {
            let r = c.upload("/check", &[("случай.json", case.clone())], Some(&token));
            r.header("location")
                .and_then(|l| l.strip_prefix("/check/"))
                .filter(|_| who > 0)
                .unwrap_or("0123456789abcdef")
                .to_string()
        };
        if who > 0 {
            // The check is done before its cases are archived.
            for _ in 0..600 {
                let s = c.get(&format!("/check/{job}/status"));
                if s.text().contains("\"done\":true") {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
        for (route, expected) in &table {
            let expected = expected[who];
            let r = match *route {
                "/login" => c.post_form(
                    "/login",
                    &[("csrf", &token), ("name", "nobody"), ("password", "x")],
                ),
                "/check" => c.upload(route, &[("случай.json", case.clone())], Some(&token)),
                "/check/{job}/archive" => {
                    c.post_form(&format!("/check/{job}/archive"), &[("csrf", &token)])
                }
                "/check/{job}/known" => c.post_form(
                    &format!("/check/{job}/known"),
                    &[
                        ("csrf", &token),
                        ("new", "NSK-2026-0002"),
                        ("known", "NSK-2026-0001"),
                        ("decision", "different"),
                    ],
                ),
                "/archive/search" => c.post_form(route, &[("csrf", &token), ("q", "Петров")]),
                "/api/search" => c.post(
                    route,
                    "application/json",
                    r#"{"q": "Петров", "page": 1}"#.as_bytes().to_vec(),
                    Some(&token),
                ),
                "/archive/verify" | "/archive/export" | "/logout" => {
                    c.post_form(route, &[("csrf", &token)])
                }
                "/api/annotate" => {
                    c.upload(route, &[("реестр.xlsx", register.clone())], Some(&token))
                }
                _ => c.upload(route, &[("случай.json", case.clone())], Some(&token)),
            };
            assert_eq!(
                r.status,
                expected,
                "{route} as {}: {}",
                ["anonymous", "viewer", "secretary"][who],
                r.text().chars().take(300).collect::<String>()
            );
            if expected == 403 {
                assert!(
                    r.text().contains("может только секретарь"),
                    "{route}: {}",
                    r.text()
                );
            }
        }
    }
}

/// The server's peak memory (resident set), bytes: Linux's `VmHWM`.
#[cfg(target_os = "linux")]
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .unwrap()
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .unwrap();
    kb << 10
}

#[cfg(target_os = "linux")]
#[test]
fn the_archive_export_is_sent_from_disk_as_the_command_line_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    okno(&[
        "archive",
        "fixtures/cases/NSK-2026-0001.json",
        "--archive",
        archive.to_str().unwrap(),
    ]);
    // A large scan in the bag's payload: 96 MB.
    let mut big = std::fs::File::create(archive.join("NSK-2026-0001/v1/data/scan.bin")).unwrap();
    let block: Vec<u8> = (0..1 << 20)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    for _ in 0..96 {
        big.write_all(&block).unwrap();
    }
    drop(big);
    let cli = dir.path().join("cli.tar");
    let o = okno(&[
        "export",
        "--archive",
        archive.to_str().unwrap(),
        "-o",
        cli.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));

    let server = Server::start(&archive, &[]);
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    let before = peak_rss(server.pid());
    let r = c.post_form("/archive/export", &[("csrf", &token)]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("content-length"),
        Some(r.body.len().to_string().as_str())
    );
    assert!(
        r.body == std::fs::read(&cli).unwrap(),
        "the page's export is the command line's, byte for byte"
    );
    let grown = peak_rss(server.pid()).saturating_sub(before);
    println!(
        "export of {} MB: the server's peak memory grew by {} MB",
        r.body.len() >> 20,
        grown >> 20
    );
    assert!(
        grown < 32 << 20,
        "the server held the export: its peak memory grew by {} MB",
        grown >> 20
    );
}

/// The folders of the server's quarter runs (its work folder is under `tmp`).
fn quarter_folders(tmp: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(tmp)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("okno-serve-"))
        .flat_map(|e| {
            std::fs::read_dir(e.path().join("quarter"))
                .into_iter()
                .flatten()
        })
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn a_quarter_has_one_summary_and_one_link_whatever_its_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    okno(&[
        "archive",
        "fixtures/cases/NSK-2026-0001.json",
        "--archive",
        archive.to_str().unwrap(),
    ]);
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let server = Server::start_in(&archive, &[], Some(&tmp));
    let mut c = Client::new(&server.url);
    let summary_pdf = |c: &mut Client, q: &str| {
        let r = c.get(&format!("/quarter?q={q}"));
        assert_eq!(r.status, 200, "{q}");
        let link = r
            .text()
            .split("href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|h| h.starts_with("/quarter/file/") && h.ends_with(".pdf"))
            .map(String::from)
            .unwrap_or_else(|| panic!("{q}: a summary link"));
        let r = c.get(&link);
        assert_eq!(r.status, 200, "{link}");
        assert!(r.body.starts_with(b"%PDF"), "{link}");
        link
    };
    for q in ["2026-q4", "2026+4", "2026-Q4", "2026-%D0%BA4"] {
        let link = summary_pdf(&mut c, q);
        assert!(
            link.starts_with("/quarter/file/2026-Q4/"),
            "{q}: the links name the quarter as 2026-Q4: {link}"
        );
    }
    // One summary made, whatever the spelling; the figures alone make none.
    assert_eq!(
        quarter_folders(&tmp).len(),
        1,
        "{:?}",
        quarter_folders(&tmp)
    );
    let r = c.get("/api/quarter?q=2026%204");
    assert_eq!(r.status, 200);
    assert_eq!(quarter_folders(&tmp).len(), 1);
    // Other quarters: only the newest few summaries are kept.
    for q in [
        "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2",
    ] {
        summary_pdf(&mut c, q);
    }
    assert_eq!(
        quarter_folders(&tmp).len(),
        4,
        "{:?}",
        quarter_folders(&tmp)
    );
}

/// An archive with one case, and a file outside it that no URL may reach.
fn archive_and_secret() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    okno(&[
        "archive",
        "fixtures/cases/NSK-2026-0001.json",
        "--archive",
        archive.to_str().unwrap(),
    ]);
    std::fs::write(dir.path().join("secret.pdf"), b"%PDF secret").unwrap();
    (dir, archive)
}

#[test]
fn no_url_reaches_a_file_outside_its_folder_or_by_a_windows_only_name() {
    let (dir, archive) = archive_and_secret();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let server = Server::start_in(&archive, &[], Some(&tmp));
    let mut c = Client::new(&server.url);
    let secret = dir.path().join("secret.pdf");
    let abs = secret.to_str().unwrap().trim_start_matches('/');
    // A real form of the bag is served.
    let page = c.get("/archive/case/NSK-2026-0001").text();
    let link = page
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.starts_with("/archive/file/") && h.ends_with(".pdf"))
        .unwrap()
        .to_string();
    assert_eq!(c.get(&link).status, 200, "{link}");
    assert_eq!(c.get("/quarter?q=2026-Q4").status, 200);
    let quarter_page = c.get("/quarter?q=2026-Q4").text();
    let qlink = quarter_page
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.starts_with("/quarter/file/2026-Q4/"))
        .unwrap()
        .to_string();
    assert_eq!(c.get(&qlink).status, 200, "{qlink}");
    let qfile = qlink.trim_start_matches("/quarter/file/2026-Q4/");
    // Names that are plain on Linux but a drive, a device or another file on Windows: the
    // same URL must be refused on both.
    let data = archive.join("NSK-2026-0001/v1/data");
    std::fs::create_dir(data.join("Z:")).unwrap();
    std::fs::write(data.join("Z:/x.pdf"), b"%PDF").unwrap();
    std::fs::write(data.join("CON.pdf"), b"%PDF").unwrap();
    std::fs::write(data.join("a\\b.pdf"), b"%PDF").unwrap();

    let bag = "/archive/file/NSK-2026-0001/1";
    let hostile = [
        format!("{bag}/Z:/x.pdf"),
        format!("{bag}/Z%3A/x.pdf"),
        format!("{bag}/CON.pdf"),
        format!("{bag}/con.pdf"),
        format!("{bag}/a%5Cb.pdf"),
        format!("{bag}/Z:/{abs}"),
        format!("{bag}/Z:%5C{}", abs.replace('/', "%5C")),
        format!("{bag}/..%5C..%5C..%5C..%5Csecret.pdf"),
        format!("{bag}/..%2F..%2F..%2F..%2Fsecret.pdf"),
        format!("{bag}/%2F{abs}"),
        format!("{bag}/x.pdf%00.pdf"),
        format!("{bag}/./x.pdf"),
        format!("/quarter/file/2026-Q4/./{qfile}"),
        format!("/quarter/file/2026-q4/{qfile}"),
        format!("/quarter/file/2026-Q4/Z:/{abs}"),
        "/quarter/file/2026-Q4/..%5C..%5C..%5Csecret.pdf".to_string(),
        "/quarter/file/2026-Q4/NUL".to_string(),
        // Only the summary's own names: not the work folder's marks, nor a path under it.
        "/quarter/file/2026-Q4/.stamp".to_string(),
        "/quarter/file/2026-Q4/..%5C..%5C.okno-users.json".to_string(),
        "/quarter/file/2026-Q4/C:%5Cwindows%5Cwin.ini".to_string(),
        format!("/quarter/file/2026-Q4/{qfile}%00.pdf"),
        "/archive/case/..".to_string(),
        "/archive/case/CON".to_string(),
    ];
    for url in &hostile {
        let r = c.get(url);
        assert_eq!(r.status, 404, "{url}: {}", r.status);
        assert!(!r.text().contains("secret"), "{url}");
        assert!(
            r.text().contains("не найден") || r.text().contains("Такого"),
            "{url}: a Russian message"
        );
    }
}
