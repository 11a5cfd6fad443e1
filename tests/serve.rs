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

/// The job's states as the page's script reads them: (state, text) by file.
fn states(c: &mut Client, job: &str) -> (bool, Vec<(String, String)>) {
    let r = c.get(&format!("{job}/status"));
    assert_eq!(r.status, 200, "{}", r.text());
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let files = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["state"].as_str().unwrap().to_string(),
                f["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (v["done"].as_bool().unwrap(), files)
}

#[test]
fn the_check_is_followed_file_by_file_for_a_zip_and_for_one_big_register() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &[]);
    let mut c = Client::new(&server.url);
    let token = c.csrf();

    // A zip of three files: a good case, a broken register, a file that is no workbook.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in [
        ("случай.json", fixture("fixtures/cases/NSK-2026-0002.json")),
        (
            "реестр.xlsx",
            fixture("fixtures/broken/register-bad-row.xlsx"),
        ),
        ("испорчен.xlsx", b"not a workbook".to_vec()),
    ] {
        zip.start_file(name, opts).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    let zip = zip.finish().unwrap().into_inner();
    let r = c.upload("/check", &[("пакет.zip", zip.clone())], Some(&token));
    assert_eq!(r.status, 303, "{}", r.text());
    let job = r.header("location").unwrap().to_string();
    let started = std::time::Instant::now();
    let last = loop {
        let (done, files) = states(&mut c, &job);
        assert_eq!(files.len(), 3, "{files:?}");
        if done {
            break files;
        }
        assert!(started.elapsed().as_secs() < 120, "{files:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    // The same counts as the JSON API's for the same zip.
    let api = c.upload("/api/validate", &[("пакет.zip", zip)], Some(&token));
    let api: serde_json::Value = serde_json::from_slice(&api.body).unwrap();
    let expected: Vec<(String, String)> = api["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            if f["unreadable"].is_string() {
                ("unreadable".to_string(), "не читается".to_string())
            } else {
                (
                    "done".to_string(),
                    format!(
                        "готово: ошибок {}, предупреждений {}",
                        f["errors"], f["warnings"]
                    ),
                )
            }
        })
        .collect();
    assert_eq!(last, expected);
    assert!(last[0].1.starts_with("готово: ошибок 0"), "{last:?}");
    assert!(!last[1].1.starts_with("готово: ошибок 0"), "{last:?}");
    assert_eq!(last[2].1, "не читается");
    // The results page lists the files, each with its final state.
    let page = c.get(&job).text();
    assert!(page.contains("id=\"file-states\""), "{page}");
    for (name, (_, text)) in ["случай.json", "реестр.xlsx", "испорчен.xlsx"]
        .iter()
        .zip(&last)
    {
        assert!(page.contains(&format!("пакет.zip → {name}")), "{name}");
        assert!(page.contains(text.as_str()), "{text}");
    }

    // One big register: «проверяется…» with its cases counted, then the counts.
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("big.xlsx");
    okno::synth::write_register(&register, 10_000, 5, None).unwrap();
    let r = c.upload(
        "/check",
        &[("большой.xlsx", std::fs::read(&register).unwrap())],
        Some(&token),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let job = r.header("location").unwrap().to_string();
    let mut seen: Vec<String> = Vec::new();
    let started = std::time::Instant::now();
    let last = loop {
        let (done, files) = states(&mut c, &job);
        if seen.last() != Some(&files[0].1) {
            seen.push(files[0].1.clone());
        }
        if done {
            break files[0].clone();
        }
        // While it runs, the page shows the file and its state.
        if seen.len() == 1 {
            let page = c.get(&job).text();
            assert!(page.contains("Проверка файлов"), "{page}");
            assert!(page.contains("большой.xlsx"));
        }
        assert!(started.elapsed().as_secs() < 300, "{seen:?}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(
        seen.iter().any(|s| s.starts_with("проверяется… случаев: ")),
        "{seen:?}"
    );
    assert_eq!(last.0, "done");
    assert!(last.1.starts_with("готово: ошибок "), "{seen:?}");
    // Counted up, never down, while it read.
    let counted: Vec<usize> = seen
        .iter()
        .filter_map(|s| s.strip_prefix("проверяется… случаев: "))
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(counted.windows(2).all(|w| w[0] <= w[1]), "{counted:?}");
    assert!(counted.iter().all(|n| *n <= 10_000), "{counted:?}");
    assert_eq!(c.get("/check/0123/status").status, 404);
}

#[test]
fn the_quarters_monitoring_forms_come_as_one_zip_named_by_case_ids() {
    let archive = tempfile::tempdir().unwrap();
    let out = okno(&[
        "archive",
        root().join("fixtures/cases").to_str().unwrap(),
        "--archive",
        archive.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // What `okno quarter` writes: the forms the zip must hold.
    let cli = tempfile::tempdir().unwrap();
    let out = okno(&[
        "quarter",
        "2026-Q4",
        "--archive",
        archive.path().to_str().unwrap(),
        "-o",
        cli.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut expected: Vec<String> = walk(cli.path())
        .into_iter()
        .filter(|p| p.contains('/'))
        .collect();
    expected.sort();
    assert!(expected.len() >= 4, "{expected:?}");

    let server = Server::start(archive.path(), &[]);
    let mut c = Client::new(&server.url);
    let page = c.get("/quarter?q=2026-Q4").text();
    assert!(
        page.contains("href=\"/quarter/forms.zip?q=2026-Q4\""),
        "{page}"
    );
    assert!(page.contains(&format!("{} файлов", expected.len())));
    let r = c.get("/quarter/forms.zip?q=2026-Q4");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/zip"));
    let disposition = r.header("content-disposition").unwrap();
    assert!(
        disposition.contains("filename*=UTF-8''%D1%84%D0%BE%D1%80%D0%BC%D1%8B-")
            && disposition.contains("2026-Q4.zip"),
        "{disposition}"
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body.clone())).unwrap();
    let mut names: Vec<String> = zip.file_names().map(String::from).collect();
    names.sort();
    assert_eq!(names, expected);
    for name in &names {
        let case = name.split('/').next().unwrap();
        assert!(okno::validate::case_id_is_safe(case), "{name}");
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(name).unwrap(), &mut bytes).unwrap();
        // The same bytes as `okno quarter` wrote.
        assert_eq!(
            bytes,
            std::fs::read(cli.path().join(name)).unwrap(),
            "{name}"
        );
        if name.ends_with(".pdf") {
            assert!(bytes.starts_with(b"%PDF"), "{name}");
        } else {
            assert!(
                name.ends_with(".docx") && bytes.starts_with(b"PK"),
                "{name}"
            );
        }
    }
    // The same zip twice: reproducible.
    assert_eq!(c.get("/quarter/forms.zip?q=2026-Q4").body, r.body);
    // One territory: only its forms (none in another territory's quarter).
    let r = c.get("/quarter/forms.zip?q=2026-Q4&t=berdsk");
    assert!(r.status == 200 || r.status == 404, "{}", r.status);
    if r.status == 200 {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(r.body.clone())).unwrap();
        assert!(zip.len() < names.len());
    } else {
        assert!(
            r.text()
                .contains("Мониторингов с датой в этом квартале нет")
        );
    }
    assert_eq!(c.get("/quarter/forms.zip?q=2026-Q9").status, 400);
}

/// Files under `dir`, relative, with `/`.
fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            out.extend(walk(&p).into_iter().map(|r| format!("{name}/{r}")));
        } else {
            out.push(name);
        }
    }
    out
}

/// Writes `n` invented cases as an archive-shaped folder (`<id>/v1/data/case.json`, what the
/// logs read), the first child of the first named `name`.
fn log_archive(root: &std::path::Path, n: usize, name: &str) {
    let templates = okno::synth::fixture_templates(&crate::root().join("fixtures/cases"));
    for (i, mut c) in okno::synth::cases(&templates, n, 7).into_iter().enumerate() {
        c.case_id = format!("LOG-{:04}", i + 1);
        if i == 0 {
            let child = c.family.children.first_mut().expect("a child");
            child.name.surname = name.to_string();
        }
        let dir = root.join(&c.case_id).join("v1/data");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("case.json"), serde_json::to_vec(&c).unwrap()).unwrap();
    }
}

#[test]
fn the_logs_page_shows_the_log_by_territory_a_page_at_a_time_and_escaped() {
    let archive = tempfile::tempdir().unwrap();
    let xss = "<script>alert(1)</script>";
    log_archive(archive.path(), 450, xss);
    let server = Server::start(archive.path(), &[]);
    let mut c = Client::new(&server.url);

    // The choice: logs, period, territories from the catalog.
    let page = c.get("/logs").text();
    assert!(
        page.contains("<option value=\"\">все территории</option>"),
        "{page}"
    );
    assert!(
        page.contains("<option value=\"berdsk\">г. Бердск</option>"),
        "{page}"
    );
    assert!(!page.contains("id=\"log\""), "no log before a choice");

    // The whole archive: 450 entries, 200 shown, the next 200 on page 2, 50 on page 3.
    let page = c.get("/logs?kind=detection").text();
    // How many entries `okno log` writes for the same choice.
    let cli = |extra: &[&str]| -> usize {
        let out = tempfile::tempdir().unwrap();
        let file = out.path().join("log.xlsx");
        let mut args = vec![
            "log",
            "detection",
            "--archive",
            archive.path().to_str().unwrap(),
            "-o",
            file.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = okno(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("в журнале записей: "))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let total = cli(&[]);
    assert_eq!(total, 450);
    assert!(
        page.contains(&format!(
            "Записей: <b>{total}</b> · показаны 1–200 из {total}"
        )),
        "{page}"
    );
    assert_eq!(page.matches("<tr><td>").count(), 200);
    assert!(page.contains("<td>1</td>") && page.contains("<td>200</td>"));
    assert!(!page.contains("<td>201</td>"));
    assert!(page.contains("страница 1 из 3"));
    let page3 = c.get("/logs?kind=detection&p=3").text();
    assert_eq!(page3.matches("<tr><td>").count(), 50);
    assert!(page3.contains("<td>401</td>") && page3.contains("<td>450</td>"));
    // The columns of the log form.
    for th in [
        "№ п/п",
        "Дата поступления сведений",
        "Сведения о родителях (законных представителях)",
        "Дата направления извещения",
    ] {
        assert!(page.contains(&format!(">{th}</th>")), "{th}");
    }
    // The child named like a script is printed as text, on whichever page it falls.
    let page2 = c.get("/logs?kind=detection&p=2").text();
    let all = [page.as_str(), page2.as_str(), page3.as_str()].concat();
    assert_eq!(
        all.matches("&lt;script&gt;alert(1)&lt;/script&gt;").count(),
        1
    );
    assert!(!all.contains(xss));

    // One territory: the same entries as `okno log --territory`.
    let (code, label) = okno::model::Territory::all()
        .into_iter()
        .map(|t| (t.code().to_string(), t.label().to_string()))
        .find(|(code, _)| {
            let p = c.get(&format!("/logs?kind=detection&t={code}")).text();
            !p.contains("Записей за этот период нет")
        })
        .expect("a territory with entries");
    let page = c.get(&format!("/logs?kind=detection&t={code}")).text();
    let n = cli(&["--territory", &code]);
    assert!(
        page.contains(&format!("Записей: <b>{n}</b>")),
        "{label}: {n}\n{page}"
    );
    assert!(n < total);
    assert!(
        page.contains(&format!("<option value=\"{code}\" selected>")),
        "{page}"
    );
    // Its downloads keep the territory; named by the log and the territory's code.
    assert!(
        page.contains(&format!(
            "/logs/file?kind=detection&amp;t={code}&amp;format=pdf"
        )),
        "{page}"
    );
    let r = c.get(&format!("/logs/file?kind=detection&t={code}&format=pdf"));
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with(b"%PDF"));
    let disposition = r.header("content-disposition").unwrap();
    assert!(
        disposition.contains(&format!("-{code}.pdf")),
        "{disposition}"
    );
    // The same bytes as the command line's log.
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("log.xlsx");
    let o = okno(&[
        "log",
        "detection",
        "--archive",
        archive.path().to_str().unwrap(),
        "--territory",
        &code,
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let r = c.get(&format!("/logs/file?kind=detection&t={code}&format=xlsx"));
    assert_eq!(r.body, std::fs::read(&file).unwrap());
    // An unknown territory is refused in Russian.
    let page = c.get("/logs?kind=intake&t=atlantis").text();
    assert!(page.contains("нет в каталоге территорий"), "{page}");
    assert_eq!(c.get("/logs/file?kind=intake&t=atlantis").status, 400);
    // A date that is no date is refused in Russian, never taken for «no date».
    let page = c.get("/logs?kind=detection&from=31.02.2026").text();
    assert!(page.contains("Дата «31.02.2026» не распознана"), "{page}");
    assert!(!page.contains("id=\"log\""));
    assert_eq!(c.get("/logs/file?kind=detection&to=2026-13-01").status, 400);
    let token = c.csrf();
    let r = c.post_form(
        "/archive/export",
        &[("csrf", token.as_str()), ("from", "32.01.2026"), ("to", "")],
    );
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("Дата «32.01.2026» не распознана"),
        "{}",
        r.text()
    );
    // The same period in either spelling gives the same log.
    assert_eq!(
        c.get("/logs/file?kind=detection&from=01.10.2026&format=xlsx")
            .body,
        c.get("/logs/file?kind=detection&from=2026-10-01&format=xlsx")
            .body
    );
}

#[test]
fn a_large_check_lists_its_cases_a_page_at_a_time_and_can_show_only_those_with_errors() {
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &[]);
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("реестр.xlsx");
    okno::synth::write_register(&big, 450, 3, None).unwrap();
    let r = c.upload(
        "/check",
        &[
            ("реестр.xlsx", std::fs::read(&big).unwrap()),
            (
                "ошибки.xlsx",
                fixture("fixtures/broken/register-bad-row.xlsx"),
            ),
        ],
        Some(&token),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let job = r.header("location").unwrap().to_string();
    let started = std::time::Instant::now();
    while !states(&mut c, &job).0 {
        assert!(started.elapsed().as_secs() < 120, "the check never ended");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let case_blocks = |html: &str| -> Vec<String> {
        html.split("<details class=\"case\"")
            .skip(1)
            .map(|b| b.split("</details>").next().unwrap().to_string())
            .collect()
    };
    let first = c.get(&job).text();
    assert!(first.contains("Случаи <b>1–200</b> из 450"), "{first}");
    // 200 of the register, and every case of the other (small) file.
    let listed = case_blocks(&first).len();
    assert!((201..=260).contains(&listed), "{listed} cases on the page");

    let next = c.get(&format!("{job}?f=0&from=200")).text();
    assert!(next.contains("Случаи <b>201–400</b> из 450"), "{next}");
    assert!(next.contains("← предыдущие") && next.contains("следующие →"));
    let last = c.get(&format!("{job}?f=0&from=400")).text();
    assert!(last.contains("Случаи <b>401–450</b> из 450"), "{last}");
    assert!(!last.contains("следующие →"));

    // Only the cases with errors: each one listed is marked bad, and there is at least one.
    let errors = c.get(&format!("{job}?errors=1")).text();
    assert!(errors.contains("Показать все случаи"), "{errors}");
    let blocks = case_blocks(&errors);
    assert!(!blocks.is_empty());
    for b in &blocks {
        assert!(
            b.contains("status bad"),
            "a case without errors listed: {b}"
        );
    }
    assert!(first.contains("Показать только случаи с ошибками"));
}
