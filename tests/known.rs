//! I-KNOWN: a notification about a child the archive already holds under another case ID, in
//! the command line (validate, archive), for a reader limited to territories, after a
//! secretary's decision, and on the page with its link and buttons.

mod common;

use common::serve::{Client, Server};
use common::{archive_into, okno, root};
use okno::index::{Decision, Scope, decide};
use okno::run::{self, Options};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The fixtures' cases archived once (`okno archive fixtures/cases`); tests that write a
/// decision work on a copy.
fn archived() -> &'static Path {
    static ARCHIVE: OnceLock<tempfile::TempDir> = OnceLock::new();
    ARCHIVE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let a = dir.path().join("архив");
            archive_into(&a, &["fixtures/cases"]);
            dir
        })
        .path()
}

fn archive() -> PathBuf {
    archived().join("архив")
}

/// A copy of the archive, for a test that writes decisions into it.
fn archive_copy(to: &Path) -> PathBuf {
    let from = archive();
    let dest = to.join("архив");
    for e in walkdir::WalkDir::new(&from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&from).unwrap();
        if e.file_type().is_dir() {
            std::fs::create_dir_all(dest.join(rel)).unwrap();
        } else {
            std::fs::copy(e.path(), dest.join(rel)).unwrap();
        }
    }
    dest
}

/// A fixture case made into a new notification: another case ID, its notified child's name or
/// birth date changed when given. NSK-2026-0003's child is Тихонов Даниил Андреевич, born
/// 23.08.2012 (Барабинский район, no risk, curator Котова Юлия Владимировна); NSK-2026-0001's
/// is Мельникова Варвара Сергеевна, born 02.07.2021.
fn notification(
    dir: &Path,
    fixture: &str,
    id: &str,
    name: Option<&str>,
    birth: Option<&str>,
) -> PathBuf {
    let text =
        std::fs::read_to_string(root().join(format!("fixtures/cases/{fixture}.json"))).unwrap();
    let mut case: serde_json::Value = serde_json::from_str(&text).unwrap();
    case["case_id"] = id.into();
    let child = case["notification"]["child"].as_u64().unwrap_or(0) as usize;
    let c = &mut case["family"]["children"][child];
    if let Some(n) = name {
        c["name"] = n.into();
    }
    if let Some(b) = birth {
        c["birth_date"] = b.into();
    }
    let path = dir.join(format!("{id}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    path
}

/// `okno validate FILE --format json [--archive A]`: the I-KNOWN lines (pointer, message).
fn known_lines(file: &Path, archive: Option<&Path>) -> Vec<(String, String)> {
    let mut args = vec!["validate", file.to_str().unwrap(), "--format", "json"];
    if let Some(a) = archive {
        args.extend(["--archive", a.to_str().unwrap()]);
    }
    let o = okno(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["rule"] == "I-KNOWN")
        .map(|v| {
            assert_eq!(v["severity"], "warning");
            (
                v["pointer"].as_str().unwrap().to_string(),
                v["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_same_child_under_a_new_case_id_names_the_known_case() {
    let dir = tempfile::tempdir().unwrap();
    let file = notification(dir.path(), "NSK-2026-0003", "NSK-2026-9003", None, None);
    let found = known_lines(&file, Some(&archive()));
    assert_eq!(
        found,
        [(
            "/family/children/0/name".to_string(),
            "ребенок уже известен «Единому окну»: случай NSK-2026-0003, риска нет, куратор Котова Юлия Владимировна, последняя версия от 24.11.2026".to_string()
        )]
    );
    // Without an archive nothing is looked up.
    assert!(known_lines(&file, None).is_empty());
    // The archived case itself, in any letter case, is a new version, not a known child.
    let own = notification(dir.path(), "NSK-2026-0003", "nsk-2026-0003", None, None);
    assert!(known_lines(&own, Some(&archive())).is_empty());
}

#[test]
fn one_mistake_away_may_be_the_same_child() {
    let dir = tempfile::tempdir().unwrap();
    let a = archive();
    let typo = notification(
        dir.path(),
        "NSK-2026-0003",
        "NSK-2026-9004",
        Some("Тихонв Даниил Андреевич"),
        None,
    );
    assert_eq!(
        known_lines(&typo, Some(&a))[0].1,
        "возможно, это тот же ребенок, что в случае NSK-2026-0003 (фамилия с опечаткой): проверьте"
    );
    let swapped = notification(
        dir.path(),
        "NSK-2026-0001",
        "NSK-2026-9001",
        None,
        Some("2021-02-07"),
    );
    assert_eq!(
        known_lines(&swapped, Some(&a))[0].1,
        "возможно, это тот же ребенок, что в случае NSK-2026-0001 (день и месяц даты рождения переставлены): проверьте"
    );
    // Two mistakes at once are another child.
    let two = notification(
        dir.path(),
        "NSK-2026-0001",
        "NSK-2026-9002",
        Some("Мельникав Варвара Сергеевна"),
        Some("2021-02-07"),
    );
    assert!(known_lines(&two, Some(&a)).is_empty());
}

#[test]
fn an_archive_run_reports_the_known_child_and_not_the_case_itself() {
    let dir = tempfile::tempdir().unwrap();
    let a = archive_copy(dir.path());
    let file = notification(dir.path(), "NSK-2026-0003", "NSK-2026-9003", None, None);
    let args = [
        "archive",
        file.to_str().unwrap(),
        "--archive",
        a.to_str().unwrap(),
    ];
    let o = okno(&args);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("[I-KNOWN]: ребенок уже известен «Единому окну»: случай NSK-2026-0003"),
        "{out}"
    );
    assert!(out.contains("NSK-2026-9003: записана версия v1"), "{out}");
    // Archived again, unchanged: it names the other case, never itself.
    let out = String::from_utf8_lossy(&okno(&args).stdout).into_owned();
    let known: Vec<&str> = out.lines().filter(|l| l.contains("[I-KNOWN]")).collect();
    assert_eq!(known.len(), 1, "{out}");
    assert!(known[0].contains("случай NSK-2026-0003"), "{out}");
    assert!(!known[0].contains("NSK-2026-9003"), "{out}");
}

#[test]
fn a_pair_decided_different_is_not_reported_and_a_linked_one_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let a = archive_copy(dir.path());
    let typo = notification(
        dir.path(),
        "NSK-2026-0003",
        "NSK-2026-9004",
        Some("Тихонов Даниил Андреевичч"),
        None,
    );
    assert_eq!(known_lines(&typo, Some(&a)).len(), 1);
    decide(
        &a,
        "секретарь",
        Decision::Different,
        "nsk-2026-9004",
        "NSK-2026-0003",
    )
    .unwrap();
    assert!(known_lines(&typo, Some(&a)).is_empty());

    let same = notification(dir.path(), "NSK-2026-0003", "NSK-2026-9003", None, None);
    decide(
        &a,
        "секретарь",
        Decision::Link,
        "NSK-2026-9003",
        "NSK-2026-0003",
    )
    .unwrap();
    let found = known_lines(&same, Some(&a));
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .1
            .ends_with("— извещение связано с ним решением секретаря"),
        "{}",
        found[0].1
    );
    assert_eq!(
        okno::index::known_links(&a, "NSK-2026-0003"),
        ["NSK-2026-9003"]
    );
}

#[test]
fn a_reader_limited_to_other_territories_learns_only_the_territory() {
    let dir = tempfile::tempdir().unwrap();
    let file = notification(dir.path(), "NSK-2026-0003", "NSK-2026-9003", None, None);
    let messages = |scope: Scope| {
        let opts = Options {
            known: Some(archive()),
            scope,
            ..Options::default()
        };
        let settings = okno::validate::Settings {
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        };
        let outcome = run::run(std::slice::from_ref(&file), &opts, &settings, &run::quiet).unwrap();
        let case = &outcome.files[0].cases[0];
        let found: Vec<String> = case
            .diagnostics
            .iter()
            .filter(|d| d.rule == "I-KNOWN")
            .map(|d| d.message.clone())
            .collect();
        (found, case.known.clone())
    };
    let (found, known) = messages(Scope::Only(vec!["berdsk".into()]));
    assert_eq!(
        found,
        ["ребенок известен в другой территории: Барабинский район"]
    );
    assert!(!known[0].visible && known[0].case_id.is_empty() && known[0].curator.is_none());
    let (found, _) = messages(Scope::Only(vec!["barabinsky".into()]));
    assert!(found[0].contains("случай NSK-2026-0003"), "{found:?}");
}

/// Polls the job's status until the check is done.
fn checked(c: &mut Client, job: &str) {
    for _ in 0..3000 {
        let v: serde_json::Value =
            serde_json::from_slice(&c.get(&format!("{job}/status")).body).unwrap();
        if v["done"] == true {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the check of {job} did not end");
}

#[test]
fn the_page_links_the_known_case_and_records_the_decision() {
    let dir = tempfile::tempdir().unwrap();
    let a = archive_copy(dir.path());
    let file = notification(dir.path(), "NSK-2026-0003", "NSK-2026-9003", None, None);
    let server = Server::start(&a, &[]);
    let mut c = Client::new(&server.url);
    let token = c.csrf();
    let r = c.upload(
        "/check",
        &[("извещение.json", std::fs::read(&file).unwrap())],
        Some(&token),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let job = r.header("location").unwrap().to_string();
    checked(&mut c, &job);
    let page = c.get(&job).text();
    assert!(page.contains("I-KNOWN"), "{page}");
    assert!(
        page.contains("ребенок уже известен «Единому окну»: случай NSK-2026-0003"),
        "{page}"
    );
    assert!(
        page.contains(r#"href="/archive/case/NSK-2026-0003""#),
        "{page}"
    );
    assert!(page.contains("Это тот же ребенок — связать"), "{page}");
    assert!(page.contains("Это разные дети"), "{page}");
    // The link opens the known case.
    assert_eq!(c.get("/archive/case/NSK-2026-0003").status, 200);

    // A pair the check did not find is refused.
    let path = format!("{job}/known");
    let r = c.post_form(
        &path,
        &[
            ("csrf", &token),
            ("new", "NSK-2026-9003"),
            ("known", "NSK-2026-0001"),
            ("decision", "different"),
        ],
    );
    assert_eq!(r.status, 404);
    assert!(!a.join(okno::index::DECISIONS_FILE).exists());

    let r = c.post_form(
        &path,
        &[
            ("csrf", &token),
            ("new", "NSK-2026-9003"),
            ("known", "NSK-2026-0003"),
            ("decision", "different"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let page = c.get(&job).text();
    assert!(page.contains("отмечено: это разные дети"), "{page}");
    assert!(!page.contains("Это разные дети"), "asked again: {page}");
    let audit = std::fs::read_to_string(a.join(".okno-audit.jsonl")).unwrap();
    let line = audit
        .lines()
        .find(|l| l.contains("known-different"))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(
        v["cases"],
        serde_json::json!(["NSK-2026-9003", "NSK-2026-0003"])
    );
    let decisions = std::fs::read_to_string(a.join(okno::index::DECISIONS_FILE)).unwrap();
    assert!(!decisions.contains("Тихонов"), "IDs only: {decisions}");
    // The command line does not ask again either.
    assert!(known_lines(&file, Some(&a)).is_empty());
}
