//! `okno serve` over HTTP: safety (loopback, users, login throttle, CSRF, upload limits,
//! CSP, cookies) and the JSON API. The browser tests are in `browser.rs`.

mod common;

use common::serve::{Client, Server, multipart};
use common::{okno, root};
use std::io::Write;

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap()
}

#[test]
fn a_non_loopback_listen_without_users_refuses_to_start() {
    let archive = tempfile::tempdir().unwrap();
    let out = okno(&[
        "serve",
        "--no-browser",
        "--listen",
        "0.0.0.0:0",
        "--archive",
        archive.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("пользователей нет"), "{err}");
    assert!(err.contains("okno user add"), "{err}");
}

#[test]
fn cookies_csp_and_a_change_without_csrf_token_refused() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &[]);
    let mut c = Client::new(&server.url);
    let page = c.get("/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Проверить и оформить"));
    let cookie = page.header("set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("default-src 'none'"),
        "{csp}"
    );

    let files = [(
        "register.xlsx",
        fixture("fixtures/register/register-2026-10.xlsx"),
    )];
    // No token at all, a wrong token in the header, a wrong token in the form: refused.
    let r = c.upload("/check", &files, None);
    assert_eq!(r.status, 403);
    assert!(r.text().contains("нет кода защиты формы"), "{}", r.text());
    let r = c.upload("/api/validate", &files, Some("0123"));
    assert_eq!(r.status, 403);
    let r = c.post_form("/archive/verify", &[("csrf", "wrong")]);
    assert_eq!(r.status, 403);
    assert!(r.text().contains("Запрос отклонён"));
    // Another session's token does not open this one.
    let mut other = Client::new(&server.url);
    let token = other.csrf();
    let r = c.upload("/api/validate", &files, Some(&token));
    assert_eq!(r.status, 403);
    // With this session's token: checked.
    let token = c.csrf();
    let r = c.upload("/api/validate", &files, Some(&token));
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn oversized_upload_and_zip_bomb_refused_with_a_message() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(
        archive.path(),
        &["--max-upload-mb", "1", "--max-unzipped-mb", "2"],
    );
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    let big = vec![b'x'; 3 << 20];
    let r = c.upload("/check", &[("big.xlsx", big)], Some(&token));
    assert_eq!(r.status, 413);
    assert!(
        r.text()
            .contains("Файлы слишком велики: за один раз можно загрузить не больше 1 МБ"),
        "{}",
        r.text()
    );

    // 20 MB of zeros in a zip of a few kilobytes.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("реестр.xlsx", opts).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..20 {
        zip.write_all(&zeros).unwrap();
    }
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 100_000);
    let r = c.upload("/check", &[("bomb.zip", bomb)], Some(&token));
    assert_eq!(r.status, 413);
    assert!(
        r.text().contains("распаковывается больше чем в 2 МБ"),
        "{}",
        r.text()
    );
}

#[test]
fn users_login_throttle_and_roles() {
    let archive = tempfile::tempdir().unwrap();
    let add = |name: &str, role: &str, password: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_okno"))
            .args(["user", "add", name, "--role", role, "--archive"])
            .arg(archive.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
    };
    add("ivanova", "secretary", "секрет-пароль-1");
    add("petrov", "viewer", "другой-пароль-2");
    let users = std::fs::read_to_string(archive.path().join(".okno-users.json")).unwrap();
    assert!(users.contains("$argon2id$") && !users.contains("секрет-пароль-1"));

    let server = Server::start(archive.path(), &[]);
    let mut c = Client::new(&server.url);
    let r = c.get("/");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login"));
    let token = c.csrf();
    let r = c.upload("/api/validate", &[("a.json", b"{}".to_vec())], Some(&token));
    assert_eq!(r.status, 401, "no user, no check");
    let wrong = c.post_form(
        "/login",
        &[
            ("csrf", &token),
            ("name", "ivanova"),
            ("password", "не тот"),
        ],
    );
    assert_eq!(wrong.status, 401);
    assert!(
        wrong
            .text()
            .contains("Неверное имя пользователя или пароль")
    );
    for _ in 0..4 {
        c.post_form(
            "/login",
            &[("csrf", &token), ("name", "ivanova"), ("password", "x")],
        );
    }
    let locked = c.post_form(
        "/login",
        &[
            ("csrf", &token),
            ("name", "ivanova"),
            ("password", "секрет-пароль-1"),
        ],
    );
    assert_eq!(locked.status, 429, "throttled even with the right password");
    assert!(
        locked
            .text()
            .contains("Слишком много неудачных попыток входа")
    );

    // The viewer logs in, sees the archive, may not archive.
    let mut v = Client::new(&server.url);
    let token = v.csrf();
    let r = v.post_form(
        "/login",
        &[
            ("csrf", &token),
            ("name", "petrov"),
            ("password", "другой-пароль-2"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(v.get("/archive").status, 200);
    let token = v.csrf();
    let r = v.upload(
        "/api/archive",
        &[("c.json", fixture("fixtures/cases/NSK-2026-0001.json"))],
        Some(&token),
    );
    assert_eq!(r.status, 403);
}

#[test]
fn json_api_validate_annotate_render_archive_quarter() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &[]);
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    let bad = fixture("fixtures/broken/register-bad-row.xlsx");
    let r = c.upload(
        "/api/validate",
        &[("реестр.xlsx", bad.clone())],
        Some(&token),
    );
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let file = &v["files"][0];
    assert_eq!(
        file["file"], "реестр.xlsx",
        "the user's name, not the stored path"
    );
    let date = file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["diagnostics"].as_array().unwrap())
        .find(|d| d["rule"] == "I-DATE")
        .expect("the bad date");
    assert_eq!(date["cell"], "K7");
    assert_eq!(date["sheet"], "Реестр");

    let r = c.upload("/api/annotate", &[("реестр.xlsx", bad)], Some(&token));
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-disposition")
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    assert_eq!(&r.body[..2], b"PK");

    let good = fixture("fixtures/cases/NSK-2026-0001.json");
    let r = c.upload(
        "/api/render",
        &[("случай.json", good.clone())],
        Some(&token),
    );
    assert_eq!(r.status, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body)).unwrap();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("NSK-2026-0001/") && n.ends_with(".pdf")),
        "{names:?}"
    );
    let mut pdf = Vec::new();
    let first = names.iter().find(|n| n.ends_with(".pdf")).unwrap().clone();
    std::io::Read::read_to_end(&mut zip.by_name(&first).unwrap(), &mut pdf).unwrap();
    assert!(
        pdf_extract::extract_text_from_mem(&pdf).is_ok(),
        "the PDF opens"
    );

    let r = c.upload("/api/archive", &[("случай.json", good)], Some(&token));
    assert_eq!(r.status, 200, "{}", r.text());
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["cases"][0]["case_id"], "NSK-2026-0001");
    assert_eq!(v["cases"][0]["new"], true);
    let audit = std::fs::read_to_string(archive.path().join(".okno-audit.jsonl")).unwrap();
    assert!(audit.contains("\"action\":\"archive\"") && audit.contains("NSK-2026-0001"));

    let r = c.get("/api/quarter?q=2026-Q4");
    assert_eq!(r.status, 200, "{}", r.text());
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert!(v["active"].as_u64().is_some(), "{v}");

    // A multipart form without a token field before the files is refused.
    let (ct, body) = multipart(&[("x.json", b"{}".to_vec())]);
    let r = c.post("/api/validate", &ct, body, None);
    assert_eq!(r.status, 403);
}

/// Two users archiving at once: the second waits for the first, and is told so.
#[test]
fn two_archivings_at_once_are_serialized_and_the_second_is_told() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &[]);
    let url = server.url.clone();
    // A register long enough that archiving it takes many seconds on any machine (its
    // forms rendered and bagged case by case), so the second surely comes in meanwhile.
    let rows = 1500;
    let long = tempfile::tempdir().unwrap();
    let register = long.path().join("реестр.xlsx");
    okno::synth::write_register(&register, rows, 3, None).unwrap();
    let register = std::fs::read(&register).unwrap();
    let first = std::thread::spawn(move || {
        let mut c = Client::new(&url);
        let token = c.csrf();
        let r = c.upload("/api/archive", &[("реестр.xlsx", register)], Some(&token));
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()
    });
    std::thread::sleep(std::time::Duration::from_millis(700));
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    let r = c.upload(
        "/api/archive",
        &[("c.json", fixture("fixtures/cases/NSK-2026-0002.json"))],
        Some(&token),
    );
    let second: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let first = first.join().unwrap();
    assert_eq!(first["waited_for_archive"], false);
    assert_eq!(second["waited_for_archive"], true, "{second}");
    assert_eq!(first["cases"].as_array().unwrap().len(), rows);
    assert_eq!(second["cases"][0]["new"], true);
}
