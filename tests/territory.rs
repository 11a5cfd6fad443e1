//! Who sees whom (issue 23, item 7): a user limited to a territory (`okno user add …
//! --territory`) reaches no case, bag, figure or log of another territory by any route of the
//! page, and reaches their own. The archive holds the fixtures' cases: NSK-2026-0002 is of
//! г. Бердск (`berdsk`), NSK-2026-0008 of г. Искитим (`iskitim`), the others of other
//! territories. `berd` sees Бердск only, `isk` Искитим only, `adm` (administrator) all.

mod common;

use common::serve::{Client, Reply, Server};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

const OURS: &str = "NSK-2026-0002";
const THEIRS: &str = "NSK-2026-0008";
const PASSWORD: &str = "пароль-для-теста-1";

fn okno() -> Command {
    Command::new(env!("CARGO_BIN_EXE_okno"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `okno user add NAME --role ROLE [--territory T…]`, the password on standard input.
fn add_user(archive: &Path, name: &str, role: &str, territories: &[&str]) -> std::process::Output {
    let mut cmd = okno();
    cmd.args(["user", "add", name, "--role", role]);
    for t in territories {
        cmd.args(["--territory", t]);
    }
    let mut child = cmd
        .arg("--archive")
        .arg(archive)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A refused territory ends okno before it reads the password: the pipe may be closed.
    if let Err(e) = writeln!(child.stdin.take().unwrap(), "{PASSWORD}") {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

/// The fixtures' cases archived once, with the three users; each test copies it when it
/// changes it.
fn archive() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = okno()
            .args(["--today", "2026-11-24", "archive"])
            .arg(fixtures().join("cases"))
            .arg("--archive")
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            dir.path().join(OURS).is_dir() && dir.path().join(THEIRS).is_dir(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (name, role, t) in [
            ("berd", "secretary", &["berdsk"][..]),
            ("isk", "secretary", &["г. Искитим"][..]),
            ("adm", "admin", &[][..]),
        ] {
            let out = add_user(dir.path(), name, role, t);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        dir
    })
    .path()
}

/// Copies the shared archive, which other tests' servers use meanwhile: a file gone between
/// the listing and the copy (the index's WAL when its last reader closes, a lock) is left
/// out; the server's start catches the index up from the bags.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            match std::fs::copy(e.path(), target) {
                Err(x) if x.kind() == std::io::ErrorKind::NotFound => {}
                r => {
                    r.unwrap();
                }
            }
        }
    }
}

/// A logged-in client of `user`.
fn login(server: &Server, user: &str) -> Client {
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    let r = c.post_form(
        "/login",
        &[("csrf", &token), ("name", user), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 303, "{user} logs in: {}", r.text());
    c
}

fn post_csrf(c: &mut Client, path: &str, fields: &[(&str, &str)]) -> Reply {
    let token = c.csrf();
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    c.post_form(path, &all)
}

/// The answer to a case that is not in the archive at all: what another territory's case
/// must look like.
fn missing_case(c: &mut Client) -> Reply {
    c.get("/archive/case/NSK-2099-9999")
}

#[test]
fn the_archive_list_shows_the_users_territory_only() {
    let server = Server::start(archive(), &[]);
    let mut berd = login(&server, "berd");
    let page = berd.get("/archive").text();
    assert!(page.contains(OURS), "{page}");
    assert!(!page.contains(THEIRS), "{page}");
    assert!(
        !page.contains("NSK-2026-0001"),
        "Ленинский район is not Бердск"
    );
    let mut isk = login(&server, "isk");
    let page = isk.get("/archive").text();
    assert!(page.contains(THEIRS) && !page.contains(OURS), "{page}");
    // The administrator (no territories) sees every case.
    let mut adm = login(&server, "adm");
    let page = adm.get("/archive").text();
    assert!(page.contains(OURS) && page.contains(THEIRS) && page.contains("NSK-2026-0001"));
}

#[test]
fn another_territorys_case_page_is_answered_as_missing() {
    let server = Server::start(archive(), &[]);
    let mut berd = login(&server, "berd");
    let own = berd.get(&format!("/archive/case/{OURS}"));
    assert_eq!(own.status, 200);
    assert!(own.text().contains(OURS));
    let other = berd.get(&format!("/archive/case/{THEIRS}"));
    let missing = missing_case(&mut berd);
    assert_eq!(other.status, 404);
    assert_eq!(other.text(), missing.text(), "the same answer as no case");
    assert!(!other.text().contains(THEIRS));
}

/// The first form of a case's first version, as its page links it.
fn first_form(archive: &Path, case: &str) -> String {
    let data = archive.join(case).join("v1").join("data");
    let mut found = Vec::new();
    let mut stack = vec![data.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "pdf") {
                found.push(p);
            }
        }
    }
    found.sort();
    let rel = found[0].strip_prefix(&data).unwrap();
    rel.to_string_lossy().replace('\\', "/")
}

#[test]
fn another_territorys_bag_files_are_not_sent() {
    let server = Server::start(archive(), &[]);
    let mut berd = login(&server, "berd");
    let ours = first_form(archive(), OURS);
    let theirs = first_form(archive(), THEIRS);
    let own = berd.get(&format!("/archive/file/{OURS}/1/{ours}"));
    assert_eq!(own.status, 200);
    assert!(own.body.starts_with(b"%PDF"));
    let other = berd.get(&format!("/archive/file/{THEIRS}/1/{theirs}"));
    assert_eq!(other.status, 404);
    assert!(!other.body.starts_with(b"%PDF"));
    // Its own user gets it.
    let mut isk = login(&server, "isk");
    let r = isk.get(&format!("/archive/file/{THEIRS}/1/{theirs}"));
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with(b"%PDF"));
}

#[test]
fn the_export_holds_the_users_territory_only() {
    let server = Server::start(archive(), &[]);
    let mut berd = login(&server, "berd");
    let r = post_csrf(&mut berd, "/archive/export", &[("from", ""), ("to", "")]);
    assert_eq!(r.status, 200, "{}", r.text());
    let tar = String::from_utf8_lossy(&r.body);
    assert!(tar.contains(&format!("{OURS}/v1")));
    assert!(
        !tar.contains(THEIRS),
        "another territory's case in the export"
    );
    assert!(!tar.contains("NSK-2026-0001"));
    // An unlimited secretary's export has both.
    let mut adm = login(&server, "adm");
    let r = post_csrf(&mut adm, "/archive/export", &[("from", ""), ("to", "")]);
    let tar = String::from_utf8_lossy(&r.body);
    assert!(tar.contains(OURS) && tar.contains(THEIRS));
}

/// The result page of a verification, once it is done.
fn verified(c: &mut Client) -> String {
    let r = post_csrf(c, "/archive/verify", &[]);
    assert_eq!(r.status, 303);
    let at = r.header("location").unwrap().to_string();
    for _ in 0..600 {
        let page = c.get(&at).text();
        if page.contains("verify-result") {
            return page;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the verification did not end");
}

#[test]
fn the_verification_checks_the_users_territory_only() {
    let server = Server::start(archive(), &[]);
    let mut berd = login(&server, "berd");
    let page = verified(&mut berd);
    assert!(page.contains(&format!("{OURS}/v1")), "{page}");
    assert!(!page.contains(THEIRS), "{page}");
    assert!(page.contains("проверено пакетов 1,"), "{page}");
}

fn quarter_json(c: &mut Client, query: &str) -> (u16, serde_json::Value) {
    let r = c.get(&format!("/api/quarter?q=2026-Q4{query}"));
    (
        r.status,
        serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null),
    )
}

#[test]
fn the_quarters_figures_forms_and_files_are_the_users_territory() {
    let server = Server::start(archive(), &[]);
    let mut berd = login(&server, "berd");
    let mut adm = login(&server, "adm");
    // Figures: a limited user's are their territory's, whatever they ask.
    let (status, mine) = quarter_json(&mut berd, "");
    assert_eq!(status, 200);
    let (_, berdsk) = quarter_json(&mut adm, "&t=berdsk");
    let (_, all) = quarter_json(&mut adm, "");
    assert_eq!(mine, berdsk);
    assert_ne!(
        mine, all,
        "the fixtures' quarter differs between Бердск and all"
    );
    let (status, _) = quarter_json(&mut berd, "&t=iskitim");
    assert_eq!(status, 404);
    // The page: another territory refused; their own shown, the choice offering theirs only.
    assert_eq!(berd.get("/quarter?q=2026-Q4&t=iskitim").status, 404);
    let page = berd.get("/quarter?q=2026-Q4").text();
    assert!(page.contains("value=\"berdsk\""), "{page}");
    assert!(!page.contains("value=\"iskitim\""), "{page}");
    // The monitoring forms' zip.
    assert_eq!(
        berd.get("/quarter/forms.zip?q=2026-Q4&t=iskitim").status,
        404
    );
    let zip = berd.get("/quarter/forms.zip?q=2026-Q4");
    assert!(!String::from_utf8_lossy(&zip.body).contains(THEIRS));
    // The run's files: after an unlimited user's run of the whole region the folder holds
    // every territory's files, which a limited user does not get.
    let page = adm.get("/quarter?q=2026-Q4").text();
    let file = page
        .split("href=\"/quarter/file/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a file of the quarter")
        .to_string();
    assert_eq!(adm.get(&format!("/quarter/file/{file}")).status, 200);
    assert_eq!(berd.get(&format!("/quarter/file/{file}")).status, 404);
    // After their own run, their own files come.
    let page = berd.get("/quarter?q=2026-Q4").text();
    let file = page
        .split("href=\"/quarter/file/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a file of the quarter")
        .to_string();
    let r = berd.get(&format!("/quarter/file/{file}"));
    assert_eq!(r.status, 200);
    assert!(!String::from_utf8_lossy(&r.body).contains(THEIRS));
    // Their file's name with another territory asked for: refused, nothing made.
    let (name, _) = file.split_once('?').unwrap_or((&file, ""));
    assert_eq!(
        berd.get(&format!("/quarter/file/{name}?t=iskitim")).status,
        404
    );
    assert_eq!(
        berd.get("/quarter/file/2026-Q4/сводка-2026-Q4-iskitim.pdf?t=iskitim")
            .status,
        404
    );
}

#[test]
fn the_logs_are_the_users_territory() {
    let server = Server::start(archive(), &[]);
    let mut berd = login(&server, "berd");
    assert_eq!(berd.get("/logs?kind=detection&t=iskitim").status, 404);
    assert_eq!(
        berd.get("/logs/file?kind=detection&format=xlsx&t=iskitim")
            .status,
        404
    );
    let mut adm = login(&server, "adm");
    let theirs = adm.get("/logs?kind=intake&t=iskitim").text();
    let ours = adm.get("/logs?kind=intake&t=berdsk").text();
    let mine = berd.get("/logs?kind=intake").text();
    // The rows shown: Бердск's, not Искитим's (the agency names the town).
    let agency = "г. Искитима";
    assert!(theirs.contains(agency), "{theirs}");
    assert!(!mine.contains(agency), "{mine}");
    assert_eq!(
        rows_of(&mine),
        rows_of(&ours),
        "a limited user's log is their territory's"
    );
    let r = berd.get("/logs/file?kind=intake&format=xlsx");
    assert_eq!(r.status, 200);
    let name = r.header("content-disposition").unwrap_or("").to_string();
    assert!(name.contains("berdsk"), "{name}");
}

/// The table of a logs page.
fn rows_of(page: &str) -> String {
    page.split("<table")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap_or("")
        .to_string()
}

/// A fixture case under another case ID, as JSON.
fn renamed(case: &str, id: &str) -> Vec<u8> {
    let text =
        std::fs::read_to_string(fixtures().join("cases").join(format!("{case}.json"))).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["case_id"] = id.into();
    serde_json::to_vec_pretty(&v).unwrap()
}

#[test]
fn a_limited_user_cannot_store_another_territorys_case() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(archive(), dir.path());
    let server = Server::start(dir.path(), &[]);
    let mut berd = login(&server, "berd");
    let token = berd.csrf();
    let files = [
        ("ours.json", renamed(OURS, "NSK-2026-0102")),
        ("theirs.json", renamed(THEIRS, "NSK-2026-0108")),
    ];
    // The API.
    let r = berd.upload("/api/archive", &files, Some(&token));
    assert_eq!(r.status, 200, "{}", r.text());
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let result = |id: &str| {
        v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["case_id"] == id)
            .unwrap_or_else(|| panic!("{id} in {v}"))
            .clone()
    };
    assert_eq!(result("NSK-2026-0102")["new"], true);
    let refused = result("NSK-2026-0108");
    assert_eq!(refused["new"], false);
    assert!(
        refused["result"]
            .as_str()
            .unwrap()
            .contains("территория случая не из ваших"),
        "{refused}"
    );
    assert!(dir.path().join("NSK-2026-0102").is_dir());
    assert!(!dir.path().join("NSK-2026-0108").exists());
    // The page: check, then «Сохранить в архив».
    let files = [("theirs.json", renamed(THEIRS, "NSK-2026-0208"))];
    let r = berd.upload("/check", &files, Some(&token));
    assert_eq!(r.status, 303, "{}", r.text());
    let job = r.header("location").unwrap().to_string();
    for _ in 0..1200 {
        let r = berd.get(&format!("{job}/status"));
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        if v["done"] == true {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let r = post_csrf(&mut berd, &format!("{job}/archive"), &[]);
    assert!(
        r.text().contains("территория случая не из ваших"),
        "{}",
        r.text()
    );
    assert!(!dir.path().join("NSK-2026-0208").exists());
    // Its own territory's user stores it.
    let mut isk = login(&server, "isk");
    let token = isk.csrf();
    let r = isk.upload("/api/archive", &files, Some(&token));
    assert_eq!(r.status, 200);
    assert!(dir.path().join("NSK-2026-0208").is_dir());
}

#[test]
fn the_audit_log_is_for_the_administrator() {
    // A copy: the other tests' logins go to the shared archive's log.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(archive(), dir.path());
    let server = Server::start(dir.path(), &[]);
    let mut berd = login(&server, "berd");
    assert_eq!(berd.get("/audit").status, 404);
    assert!(!berd.get("/archive").text().contains("href=\"/audit\""));
    let mut adm = login(&server, "adm");
    let menu = adm.get("/archive").text();
    assert!(menu.contains("Журнал действий") && menu.contains("href=\"/audit\""));
    let page = adm.get("/audit?user=berd&action=login");
    assert_eq!(page.status, 200);
    let page = page.text();
    assert!(page.contains("berd") && page.contains("вход"), "{page}");
    assert!(page.contains("<td>berd</td>"), "{page}");
    assert!(!page.contains("<td>adm</td>"), "filtered by user: {page}");
    // A wrong password is written too; a name no user has is not.
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    c.post_form(
        "/login",
        &[("csrf", &token), ("name", "isk"), ("password", "не тот")],
    );
    c.post_form(
        "/login",
        &[
            ("csrf", &token),
            ("name", "Иванова Мария"),
            ("password", "x"),
        ],
    );
    let page = adm.get("/audit?action=login").text();
    assert!(page.contains("неверный пароль"), "{page}");
    assert!(!page.contains("Иванова Мария"), "{page}");
    // Newest first.
    let isk_at = page.find("неверный пароль").unwrap();
    let berd_at = page.find("<td>berd</td>").unwrap();
    assert!(isk_at < berd_at, "newest first: {page}");
}

#[test]
fn territories_are_given_by_code_or_name_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let out = add_user(dir.path(), "x", "viewer", &["berdsk", "г. Искитим"]);
    assert!(out.status.success());
    let out = add_user(dir.path(), "y", "secretary", &["Бердск-на-Луне"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("территории «Бердск-на-Луне» нет в каталоге")
            && err.contains("berdsk (г. Бердск)"),
        "{err}"
    );
    let list = okno()
        .args(["user", "list", "--archive"])
        .arg(dir.path())
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.contains("x (наблюдатель; территории: г. Бердск (berdsk), г. Искитим (iskitim))"),
        "{list}"
    );
    assert!(!list.contains("y ("));
}

#[test]
fn a_users_file_without_territories_still_reads_and_sees_all() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(archive(), dir.path());
    // The users file as okno wrote it before territories: no field.
    let users = dir.path().join(".okno-users.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&users).unwrap()).unwrap();
    for u in v.as_array_mut().unwrap() {
        u.as_object_mut().unwrap().remove("territories");
    }
    std::fs::write(&users, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let server = Server::start(dir.path(), &[]);
    let mut berd = login(&server, "berd");
    let page = berd.get("/archive").text();
    assert!(page.contains(OURS) && page.contains(THEIRS));
    let list = okno()
        .args(["user", "list", "--archive"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("berd (секретарь; все территории)"));
}

/// The routes the other helpers of issue 23 add, against the issue's contract: another
/// territory's case IDs never appear in their answers.
mod new_routes {
    use super::*;

    fn theirs_child() -> String {
        let text = std::fs::read_to_string(fixtures().join("cases").join(format!("{THEIRS}.json")))
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["family"]["children"][0]["name"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn api_search_leaves_out_another_territory() {
        let server = Server::start(archive(), &[]);
        let mut berd = login(&server, "berd");
        let token = berd.csrf();
        for q in [theirs_child(), THEIRS.to_string(), "Искитим".to_string()] {
            let body = serde_json::to_vec(&serde_json::json!({"q": q, "page": 1})).unwrap();
            let r = berd.post("/api/search", "application/json", body, Some(&token));
            assert_eq!(r.status, 200, "{}", r.text());
            assert!(!r.text().contains(THEIRS), "{}", r.text());
        }
        let mut isk = login(&server, "isk");
        let token = isk.csrf();
        let body =
            serde_json::to_vec(&serde_json::json!({"q": theirs_child(), "page": 1})).unwrap();
        let r = isk.post("/api/search", "application/json", body, Some(&token));
        assert!(
            r.text().contains(THEIRS),
            "its own user finds it: {}",
            r.text()
        );
    }

    #[test]
    fn archive_search_leaves_out_another_territory() {
        let server = Server::start(archive(), &[]);
        let mut berd = login(&server, "berd");
        for q in [theirs_child(), THEIRS.to_string()] {
            let r = post_csrf(&mut berd, "/archive/search", &[("q", &q)]);
            assert_eq!(r.status, 200, "{}", r.text());
            // The box keeps what the user typed; the results are after the form.
            let text = r.text();
            let form = text.find(r#"id="search""#).expect("the search form");
            let (_, results) = text[form..].split_once("</form>").expect("its end");
            assert!(!results.contains(THEIRS), "{text}");
        }
    }

    #[test]
    fn api_cases_leaves_out_another_territory() {
        let server = Server::start(archive(), &[]);
        let mut berd = login(&server, "berd");
        for q in [
            "/api/cases?page=1",
            "/api/cases?page=1&t=iskitim",
            "/api/cases?page=2",
        ] {
            let r = berd.get(q);
            assert!(!r.text().contains(THEIRS), "{q}: {}", r.text());
        }
        let r = berd.get("/api/cases?page=1");
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["total"], 1, "{v}");
        assert!(r.text().contains(OURS));
    }

    #[test]
    fn archive_pages_leave_out_another_territory() {
        let server = Server::start(archive(), &[]);
        let mut berd = login(&server, "berd");
        for q in [
            "/archive?page=1",
            "/archive?page=2",
            "/archive?page=1&t=iskitim",
        ] {
            let r = berd.get(q);
            assert!(!r.text().contains(THEIRS), "{q}");
        }
        assert!(berd.get("/archive?page=1").text().contains(OURS));
    }

    #[test]
    fn deadlines_leave_out_another_territory() {
        let server = Server::start(archive(), &[]);
        let mut berd = login(&server, "berd");
        for q in ["/deadlines", "/api/deadlines"] {
            let r = berd.get(q);
            assert_eq!(r.status, 200, "{q}");
            assert!(!r.text().contains(THEIRS), "{q}: {}", r.text());
        }
        // Asking for the other territory: refused or empty, never its items.
        for q in ["/deadlines?t=iskitim", "/api/deadlines?t=iskitim"] {
            let r = berd.get(q);
            assert!(r.status == 200 || r.status == 404, "{q}: {}", r.status);
            assert!(!r.text().contains(THEIRS), "{q}: {}", r.text());
        }
        // The same question from Искитим's user does name its case when it has a deadline.
        let mut isk = login(&server, "isk");
        let theirs = isk.get("/api/deadlines").text();
        let mut adm = login(&server, "adm");
        let region = adm.get("/api/deadlines").text();
        assert_eq!(theirs.contains(THEIRS), region.contains(THEIRS));
    }

    #[test]
    fn the_case_page_of_another_territory_is_missing() {
        let server = Server::start(archive(), &[]);
        let mut berd = login(&server, "berd");
        let r = berd.get(&format!("/archive/case/{THEIRS}"));
        assert_eq!(r.status, 404);
        assert!(!r.text().contains(THEIRS) && !r.text().contains(&theirs_child()));
        let r = berd.get(&format!("/archive/case/{OURS}"));
        assert_eq!(r.status, 200);
        // The related cases of our case name no other territory's case.
        assert!(!r.text().contains(THEIRS));
    }
}
