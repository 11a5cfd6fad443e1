//! `okno serve` under load and abuse (issue 20): form fields and zips within the upload's
//! limits, logins that cannot lock a user out nor eat the memory, connections that stall,
//! sessions of visitors without a cookie, jobs per user, the users file's mode.

mod common;

use common::root;
use common::serve::{Client, Reply, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

fn add_user(archive: &Path, name: &str, role: &str, password: &str) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_okno"))
        .args(["user", "add", name, "--role", role, "--archive"])
        .arg(archive)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
}

/// A client with a session (cookie and CSRF token).
fn visitor(server: &Server) -> (Client, String) {
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    (c, token)
}

fn login(c: &mut Client, token: &str, name: &str, password: &str) -> Reply {
    c.post_form(
        "/login",
        &[("csrf", token), ("name", name), ("password", password)],
    )
}

/// The peak memory of a process, bytes (Linux).
#[cfg(target_os = "linux")]
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb << 10
}

fn zip_of(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(name, opts).unwrap();
    zip.write_all(bytes).unwrap();
    zip.finish().unwrap().into_inner()
}

/// A multipart body: (field, file name or None for a text field, bytes), in order.
fn form(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----okno-limits-boundary-51c3";
    let mut body = Vec::new();
    for (field, file, bytes) in parts {
        let disposition = match file {
            Some(f) => format!("form-data; name=\"{field}\"; filename=\"{f}\""),
            None => format!("form-data; name=\"{field}\""),
        };
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn a_long_form_field_is_refused_unread_and_the_unzip_limit_holds_for_the_whole_upload() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(
        archive.path(),
        &["--max-upload-mb", "10", "--max-unzipped-mb", "2"],
    );
    let (mut c, token) = visitor(&server);

    // 60 MB in a text field before the CSRF token: refused after its first kilobytes.
    #[cfg(target_os = "linux")]
    let before = peak_memory(server.pid());
    let long = vec![b'x'; 60 << 20];
    let (ct, body) = form(&[
        ("note", None, &long),
        ("csrf", None, token.as_bytes()),
        ("files", Some("a.json"), b"{}"),
    ]);
    let r = c.post("/check", &ct, body, None);
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.text().contains("длиннее 4096 байт"), "{}", r.text());
    #[cfg(target_os = "linux")]
    {
        let grown = peak_memory(server.pid()).saturating_sub(before);
        eprintln!("peak memory for a 60 MB field: +{} MB", grown >> 20);
        assert!(
            grown < 30 << 20,
            "the field was read into memory: +{grown} bytes"
        );
    }

    // A login form of 100 KB (its token in the header): refused unread. (Not much more,
    // so the client has sent it all before the refusal closes the connection.)
    let long_name = format!("name={}&password=x", "x".repeat(100 << 10));
    let r = c.post(
        "/login",
        "application/x-www-form-urlencoded",
        long_name.into_bytes(),
        Some(&token),
    );
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.text().contains("Форма входа не получена"), "{}", r.text());

    // Six zips of 0.5 MB each: each within 2 MB, together past it.
    let half = vec![0u8; 512 << 10];
    let zips: Vec<Vec<u8>> = (0..6).map(|_| zip_of("реестр.xlsx", &half)).collect();
    let names = ["1.zip", "2.zip", "3.zip", "4.zip", "5.zip", "6.zip"];
    let files: Vec<(&str, Vec<u8>)> = names.iter().copied().zip(zips.clone()).collect();
    let r = c.upload("/check", &files, Some(&token));
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(
        r.text().contains("распаковывается больше чем в 2 МБ"),
        "{}",
        r.text()
    );
    // Three of them (1.5 MB) are taken.
    let r = c.upload("/check", &files[..3], Some(&token));
    assert_eq!(r.status, 303, "{}", r.text());
}

#[test]
fn half_open_connections_are_cut_and_the_page_still_answers() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(
        archive.path(),
        &["--max-connections", "50", "--header-timeout-s", "1"],
    );
    // 300 connections that send half a header and stall.
    let stalled: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut s = TcpStream::connect(server.addr()).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: sl")
                .unwrap();
            s
        })
        .collect();
    // The server holds no more of them than its limit (the rest wait unaccepted).
    #[cfg(target_os = "linux")]
    {
        std::thread::sleep(Duration::from_millis(300));
        let fds = std::fs::read_dir(format!("/proc/{}/fd", server.pid()))
            .unwrap()
            .count();
        assert!(fds < 50 + 40, "{fds} files open in the server");
    }
    // A normal request is answered.
    let mut c = Client::new(&server.url);
    let r = c.get("/static/okno.css");
    assert_eq!(r.status, 200);
    // Every stalled connection is closed by the server (well within the generous bound).
    for mut s in stalled {
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        // To its end: the server closed it (a reset reads as closed too).
        if let Err(e) = s.read_to_end(&mut Vec::new()) {
            assert!(
                !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ),
                "a half-open connection still held: {e}"
            );
        }
    }
}

/// The head of a multipart upload to `/check` announcing `len` bytes of body.
fn upload_head(server: &Server, c: &Client, token: &str, len: usize) -> Vec<u8> {
    format!(
        "POST /check HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nX-CSRF-Token: {token}\r\n\
         Content-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: {len}\r\n\r\n\
         --b0undary\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.xlsx\"\r\n\r\n",
        server.addr(),
        c.cookie.as_deref().unwrap()
    )
    .into_bytes()
}

#[test]
fn a_stalled_or_trickling_upload_is_cut_off() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &["--body-timeout-s", "1"]);
    let (c, token) = visitor(&server);

    // A body that stops after its first kilobyte: answered 408, in Russian, and closed.
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.write_all(&upload_head(&server, &c, &token, 1 << 20))
        .unwrap();
    s.write_all(&[b'x'; 1024]).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("передавались слишком медленно"), "{answer}");

    // A body of 1 KB a second: cut off (a write fails or the server answers and closes)
    // long before it could finish.
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.write_all(&upload_head(&server, &c, &token, 1 << 20))
        .unwrap();
    let started = Instant::now();
    let mut cut = false;
    while started.elapsed() < Duration::from_secs(30) {
        if s.write_all(&[b'x'; 100]).is_err() {
            cut = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(cut, "a trickling upload was held for 30 s");
}

#[test]
fn parallel_wrong_logins_are_checked_one_by_one_and_never_lock_the_user_out() {
    let archive = tempfile::tempdir().unwrap();
    add_user(archive.path(), "ivanova", "secretary", "секрет-пароль-1");
    let server = Server::start(archive.path(), &[]);

    // 40 wrong passwords at once from this computer.
    let clients: Vec<(Client, String)> = (0..40).map(|_| visitor(&server)).collect();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(clients.len()));
    let statuses: Vec<u16> = clients
        .into_iter()
        .map(|(mut c, token)| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                login(&mut c, &token, "ivanova", "не тот").status
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    let waited = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!(checked + waited, 40, "{statuses:?}");
    assert!(
        (1..=6).contains(&checked),
        "{checked} of 40 parallel wrong passwords checked"
    );

    // The right password from another computer logs in at once.
    #[cfg(target_os = "linux")]
    {
        let (c, token) = visitor(&server);
        let body = serde_urlencoded::to_string([
            ("csrf", token.as_str()),
            ("name", "ivanova"),
            ("password", "секрет-пароль-1"),
        ])
        .unwrap();
        let request = format!(
            "POST /login HTTP/1.1\r\nHost: {}\r\nOrigin: http://{}\r\nCookie: {}\r\n\
             Connection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            server.addr(),
            server.addr(),
            c.cookie.as_deref().unwrap(),
            body.len()
        );
        let mut s = connect_from("127.0.0.2", &server.addr());
        s.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        s.read_to_end(&mut answer).unwrap();
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    }

    // From this computer, after the wait the page names, the right password logs in.
    let (mut c, token) = visitor(&server);
    let mut tries = 0;
    loop {
        let r = login(&mut c, &token, "ivanova", "секрет-пароль-1");
        if r.status == 303 {
            break;
        }
        assert_eq!(r.status, 429, "{}", r.text());
        let text = r.text();
        let wait: u64 = text
            .split("Повторите через ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no wait in {text}"));
        assert!(wait <= 30, "{wait} s");
        tries += 1;
        assert!(tries <= 3, "still refused after waiting");
        std::thread::sleep(Duration::from_millis(wait * 1000 + 300));
    }
    // Forty visitors without a login left no stored sessions behind: only the logins'.
    let v: serde_json::Value = serde_json::from_slice(&c.get("/api/session").body).unwrap();
    assert_eq!(v["user"], "ivanova");
    let logins = if cfg!(target_os = "linux") { 2 } else { 1 };
    assert_eq!(v["stored_sessions"], logins, "{v}");
}

/// A connection from a given loopback address (Linux routes all of 127/8 to this host).
#[cfg(target_os = "linux")]
fn connect_from(ip: &str, to: &str) -> TcpStream {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let s = rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(format!("{ip}:0").parse().unwrap()).unwrap();
        socket.connect(to.parse().unwrap()).await.unwrap()
    });
    let s = s.into_std().unwrap();
    s.set_nonblocking(false).unwrap();
    s
}

#[cfg(target_os = "linux")]
#[test]
fn a_hundred_logins_at_once_hash_two_passwords_at_a_time() {
    let archive = tempfile::tempdir().unwrap();
    add_user(archive.path(), "ivanova", "secretary", "секрет-пароль-1");
    let server = Server::start(archive.path(), &[]);
    let clients: Vec<(Client, String)> = (0..100).map(|_| visitor(&server)).collect();
    let before = peak_memory(server.pid());
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(clients.len()));
    let statuses: Vec<u16> = clients
        .into_iter()
        .enumerate()
        .map(|(n, (mut c, token))| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                login(&mut c, &token, &format!("user{n}"), "не тот").status
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert!(statuses.iter().all(|&s| s == 401), "{statuses:?}");
    // argon2 takes 19 MB a password: 100 at once would take 1.9 GB.
    let grown = peak_memory(server.pid()).saturating_sub(before);
    eprintln!("peak memory for 100 logins at once: +{} MB", grown >> 20);
    assert!(grown < 150 << 20, "+{} MB for 100 logins", grown >> 20);
}

#[test]
fn thirty_thousand_requests_without_a_cookie_store_no_session() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &[]);
    let mut c = Client::new(&server.url);
    for n in 0..30_000 {
        c.cookie = None;
        let path = match n % 3 {
            0 => "/static/okno.css",
            1 => "/",
            _ => "/no-such-page",
        };
        let r = c.get(path);
        assert!(r.status == 200 || r.status == 404, "{path}: {}", r.status);
    }
    // A visitor's session still works: its token checks a file.
    let (mut c, token) = visitor(&server);
    let r = c.upload("/api/validate", &[("a.json", b"{}".to_vec())], Some(&token));
    assert_eq!(r.status, 200, "{}", r.text());
    let v: serde_json::Value = serde_json::from_slice(&c.get("/api/session").body).unwrap();
    assert_eq!(v["stored_sessions"], 0, "{v}");
}

/// The job's page, from its upload's redirect.
fn job_of(r: &Reply) -> String {
    assert_eq!(r.status, 303, "{}", r.text());
    r.header("location").unwrap().to_string()
}

#[test]
fn one_users_uploads_never_take_anothers_job() {
    let archive = tempfile::tempdir().unwrap();
    add_user(archive.path(), "ivanova", "secretary", "секрет-пароль-1");
    add_user(archive.path(), "sidorova", "secretary", "секрет-пароль-2");
    let server = Server::start(archive.path(), &[]);
    let (mut a, token) = visitor(&server);
    assert_eq!(
        login(&mut a, &token, "ivanova", "секрет-пароль-1").status,
        303
    );
    let (mut b, token) = visitor(&server);
    assert_eq!(
        login(&mut b, &token, "sidorova", "секрет-пароль-2").status,
        303
    );
    let case = std::fs::read(root().join("fixtures/cases/NSK-2026-0001.json")).unwrap();
    let a_token = a.csrf();
    let a_job = job_of(&a.upload("/check", &[("c.json", case)], Some(&a_token)));

    // Sidorova uploads 201 times: more than all the jobs the server keeps.
    let b_token = b.csrf();
    let b_jobs: Vec<String> = (0..201)
        .map(|_| job_of(&b.upload("/check", &[("b.json", b"{}".to_vec())], Some(&b_token))))
        .collect();
    assert_eq!(a.get(&a_job).status, 200, "Ivanova's job was taken");
    assert_eq!(b.get(&b_jobs[200]).status, 200);
    // Sidorova's oldest went to make room for her newest.
    assert_eq!(b.get(&b_jobs[0]).status, 404);
}

#[cfg(unix)]
#[test]
fn the_users_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let archive = tempfile::tempdir().unwrap();
    let file = archive.path().join(".okno-users.json");
    let mode = || std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    add_user(archive.path(), "ivanova", "secretary", "секрет-пароль-1");
    assert_eq!(mode(), 0o600);
    // A file written by an older okno is made private when written again...
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    add_user(archive.path(), "petrov", "viewer", "другой-пароль-2");
    assert_eq!(mode(), 0o600);
    // ...and when the page reads it.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let server = Server::start(archive.path(), &[]);
    assert_eq!(mode(), 0o600);
    drop(server);
}
