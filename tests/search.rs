//! «Поиск» from outside: an archive of the fixtures (and one invented case with «Наталья»)
//! searched through `okno serve` — a surname with a letter missing, doubled or swapped, a
//! given-name variant, a birth date with day and month swapped, each finding the child among
//! the first three, the exact name first; the API's answer; names kept out of URLs, the
//! access log and the audit log; the login wall.

mod common;
use common::serve::{Client, Server};
use common::{archive_into, root};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// The invented case: a girl named «Наталья» (the fixtures' children have none).
const NATALYA: &str = "NSK-2026-0901";

fn invented_case(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("fixtures/cases/NSK-2026-0002.json")).unwrap();
    let mut c: serde_json::Value = serde_json::from_str(&text).unwrap();
    c["case_id"] = NATALYA.into();
    c["family"]["children"][0]["name"] = "Орлова Наталья Петровна".into();
    c["family"]["children"][0]["birth_date"] = "2014-03-05".into();
    c["family"]["children"][0]["sex"] = "F".into();
    let path = dir.join(format!("{NATALYA}.json"));
    std::fs::write(&path, serde_json::to_vec_pretty(&c).unwrap()).unwrap();
    path
}

/// Archives `inputs` into a fresh `name` folder under the tests' temporary folder.
fn archive_of(name: &str, inputs: &[&Path]) -> PathBuf {
    let arch = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&arch);
    let inputs: Vec<&str> = inputs.iter().map(|p| p.to_str().unwrap()).collect();
    archive_into(&arch, &inputs);
    arch
}

/// The fixtures' archive with the invented case, made once for this file's tests.
fn archive() -> &'static Path {
    static ARCH: OnceLock<PathBuf> = OnceLock::new();
    ARCH.get_or_init(|| {
        let extra = tempfile::tempdir().unwrap();
        let case = invented_case(extra.path());
        archive_of(
            "search-archive",
            &[
                &root().join("fixtures/cases"),
                &root().join("fixtures/register"),
                &case,
            ],
        )
    })
}

fn search(c: &mut Client, token: &str, q: &str) -> serde_json::Value {
    let body = serde_json::json!({"q": q, "page": 1}).to_string();
    let r = c.post(
        "/api/search",
        "application/json",
        body.into_bytes(),
        Some(token),
    );
    assert_eq!(r.status, 200, "{q}: {}", r.text());
    serde_json::from_slice(&r.body).unwrap()
}

fn ids(v: &serde_json::Value) -> Vec<String> {
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_misspelt_surname_a_name_variant_and_a_swapped_date_find_the_child_in_the_top_three() {
    let server = Server::start(archive(), &[]);
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    // «Воронцова Алина Максимовна», 19.09.2011 (NSK-2026-0008); «Пахомова София» (0007);
    // «Мельникова Варвара», 02.07.2021 (0001); the invented «Орлова Наталья», 05.03.2014.
    for (q, id) in [
        ("Воронцва Алина", "NSK-2026-0008"),
        ("Воронцовва Алина", "NSK-2026-0008"),
        ("Вороцнова Алина", "NSK-2026-0008"),
        ("алина ВОРОНЦВА", "NSK-2026-0008"),
        ("Пахомова Софья", "NSK-2026-0007"),
        ("Наталия Орлова", NATALYA),
        ("07.02.2021", "NSK-2026-0001"),
        ("2021-02-07 Мельникова", "NSK-2026-0001"),
        ("03.05.2014", NATALYA),
    ] {
        let v = search(&mut c, &token, q);
        let found = ids(&v);
        assert!(
            found.iter().take(3).any(|f| f == id),
            "«{q}» should find {id} among the first three: {found:?}"
        );
    }
    let v = search(&mut c, &token, "Воронцова Алина Максимовна");
    assert_eq!(ids(&v)[0], "NSK-2026-0008");
    assert_eq!(v["cases"][0]["why"], "точное совпадение ФИО");
    let v = search(&mut c, &token, "Вороцнова");
    let hit = &v["cases"][0];
    assert_eq!(hit["case_id"], "NSK-2026-0008");
    assert_eq!(hit["why"], "фамилия с опечаткой: Вороцнова / Воронцова");
    let v = search(&mut c, &token, "Софья Пахомова");
    assert!(
        v["cases"][0]["why"]
            .as_str()
            .unwrap()
            .contains("имя — вариант: Софья / София"),
        "{v}"
    );
    let v = search(&mut c, &token, "07.02.2021");
    let hit = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["case_id"] == "NSK-2026-0001")
        .unwrap();
    assert_eq!(hit["why"], "дата рождения: день и месяц переставлены");
    assert_eq!(hit["birth_date"], "02.07.2021");
    // A case ID and a territory.
    assert_eq!(
        ids(&search(&mut c, &token, "nsk-2026-0007"))[0],
        "NSK-2026-0007"
    );
    let v = search(&mut c, &token, "Искитим Воронцова");
    assert_eq!(ids(&v), vec!["NSK-2026-0008"]);
    assert_eq!(v["cases"][0]["territory"], "iskitim");
}

/// `okno serve` with its access log (stderr) written to `log`.
struct Logged {
    child: Child,
    url: String,
}

impl Logged {
    fn start(archive: &Path, log: &Path) -> Logged {
        let mut child = Command::new(env!("CARGO_BIN_EXE_okno"))
            .args(["--today", "2026-11-24", "serve", "--no-browser"])
            .args(["--listen", "127.0.0.1:0", "--archive"])
            .arg(archive)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = format!(
            "http://{}",
            first
                .split("http://")
                .nth(1)
                .unwrap()
                .trim()
                .trim_end_matches('/')
        );
        std::thread::spawn(move || for _ in lines {});
        Logged { child, url }
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_api_and_the_page_answer_unstored_and_no_log_holds_the_query() {
    let log_dir = tempfile::tempdir().unwrap();
    let log = log_dir.path().join("serve.log");
    let server = Logged::start(archive(), &log);
    let mut c = Client::new(&server.url);
    let token = c.csrf();

    let body = serde_json::json!({"q": "Воронцва Алина", "page": 1}).to_string();
    let r = c.post(
        "/api/search",
        "application/json",
        body.into_bytes(),
        Some(&token),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert!(v["total"].as_u64().unwrap() >= 1);
    let hit = &v["cases"][0];
    let mut keys: Vec<&str> = hit
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "birth_date",
            "case_id",
            "child",
            "level",
            "territory",
            "why"
        ]
    );
    assert_eq!(hit["case_id"], "NSK-2026-0008");
    assert_eq!(hit["child"], "Воронцова Алина Максимовна");
    assert_eq!(hit["birth_date"], "19.09.2011");
    // Without the CSRF header: refused.
    let body = serde_json::json!({"q": "Воронцова"}).to_string();
    let r = c.post("/api/search", "application/json", body.into_bytes(), None);
    assert_eq!(r.status, 403);

    // The page: a form's POST, the query kept in the box, the child and a link to the case.
    let r = c.post_form(
        "/archive/search",
        &[("csrf", &token), ("q", "Воронцва Алина"), ("page", "1")],
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let page = r.text();
    assert!(page.contains("value=\"Воронцва Алина\""), "{page}");
    assert!(page.contains("Воронцова Алина Максимовна"));
    assert!(page.contains("href=\"/archive/case/NSK-2026-0008\""));
    assert!(page.contains("19.09.2011"));
    assert!(page.contains("г. Искитим"));
    assert!(page.contains("фамилия с опечаткой: Воронцва / Воронцова"));
    // A GET with a query string is not a search.
    let r = c.get("/archive/search?q=%D0%92%D0%BE%D1%80%D0%BE%D0%BD%D1%86%D0%BE%D0%B2%D0%B0");
    assert_eq!(r.status, 405);
    assert!(!r.text().contains("Воронцова Алина"));
    let r = c.get("/api/search?q=x");
    assert_eq!(r.status, 405);
    drop(server);

    let access = std::fs::read_to_string(&log).unwrap();
    assert!(access.contains("POST /archive/search 200"), "{access}");
    assert!(access.contains("POST /api/search 200"), "{access}");
    for name in ["Воронц", "%D0%92", "Алина"] {
        assert!(
            !access.contains(name),
            "the access log holds «{name}»: {access}"
        );
    }
    let audit = std::fs::read_to_string(archive().join(".okno-audit.jsonl")).unwrap();
    let searches: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["action"] == "search")
        .collect();
    assert!(
        searches
            .iter()
            .any(|v| v["cases"][0] == "NSK-2026-0008" && v["result"] == "найдено 1"),
        "{audit}"
    );
    for name in ["Воронц", "Алина", "Пахомов", "Орлов"] {
        assert!(!audit.contains(name), "the audit log holds «{name}»");
    }
}

#[test]
fn names_are_shown_only_to_signed_in_users() {
    let arch = archive_of(
        "search-users",
        &[&root().join("fixtures/cases/NSK-2026-0008.json")],
    );
    let mut add = Command::new(env!("CARGO_BIN_EXE_okno"))
        .args(["user", "add", "ivanova", "--role", "viewer", "--archive"])
        .arg(&arch)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "секрет-пароль-1").unwrap();
    assert!(add.wait_with_output().unwrap().status.success());
    let server = Server::start(&arch, &[]);
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    let body = serde_json::json!({"q": "Воронцова"}).to_string();
    let r = c.post(
        "/api/search",
        "application/json",
        body.into_bytes(),
        Some(&token),
    );
    assert_eq!(r.status, 401);
    assert!(!r.text().contains("Воронцова"));
    let r = c.post_form("/archive/search", &[("csrf", &token), ("q", "Воронцова")]);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login"));

    let r = c.post_form(
        "/login",
        &[
            ("csrf", &token),
            ("name", "ivanova"),
            ("password", "секрет-пароль-1"),
        ],
    );
    assert_eq!(r.status, 303);
    let token = c.csrf();
    let v = search(&mut c, &token, "Воронцова");
    assert_eq!(ids(&v), vec!["NSK-2026-0008"]);
    let audit = std::fs::read_to_string(arch.join(".okno-audit.jsonl")).unwrap();
    assert!(audit.contains("\"user\":\"ivanova\""), "{audit}");
}
