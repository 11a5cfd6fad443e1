//! The archive's index against its bags, from outside: written with every archive run,
//! caught up after a real SIGKILL and after folders copied in by hand, rebuilt by
//! `okno index`, and checked by `okno verify --archive`.

mod common;
use common::{okno, root};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn archive_fixtures(arch: &Path) -> std::process::Output {
    okno(&[
        "archive",
        "fixtures/cases",
        "fixtures/register",
        "--archive",
        arch.to_str().unwrap(),
    ])
}

fn verify(arch: &Path) -> (Option<i32>, String) {
    let o = okno(&["verify", "--archive", arch.to_str().unwrap()]);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn an_archive_run_writes_the_index_and_verify_says_it_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    assert_eq!(archive_fixtures(&arch).status.code(), Some(0));
    let index = okno::index::Index::open_read(&arch).expect("the run wrote the index");
    assert_eq!(
        index.count().unwrap(),
        35,
        "every archived case is in the index"
    );
    let row = index.row("NSK-2026-0001").unwrap().expect("a case's row");
    let case = okno::archive::read_case(&arch, "NSK-2026-0001", 1).unwrap();
    assert_eq!(row.child, case.notified_child().unwrap().1.name.full());
    drop(index);
    let (code, out) = verify(&arch);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("Указатель архива совпадает с пакетами"),
        "{out}"
    );
}

#[test]
fn a_missing_or_stale_index_is_named_by_verify_and_rebuilt_by_okno_index() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    assert_eq!(archive_fixtures(&arch).status.code(), Some(0));
    // A case folder copied in by hand: its bag is there, the index does not know it.
    let other = tempfile::tempdir().unwrap();
    let o = okno(&[
        "archive",
        "fixtures/duplicates",
        "--archive",
        other.path().to_str().unwrap(),
    ]);
    assert!(o.status.code().is_some(), "{o:?}");
    let (copied, _) = okno::archive::list_cases(other.path())
        .into_iter()
        .find(|(id, _)| !arch.join(id).exists())
        .expect("a case the first archive lacks");
    let status = Command::new("cp")
        .args(["-a"])
        .arg(other.path().join(&copied))
        .arg(arch.join(&copied))
        .status()
        .unwrap();
    assert!(status.success());
    let (code, out) = verify(&arch);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("случай {copied}: нет в указателе")),
        "{out}"
    );
    // The file deleted: verify says so; `okno index` makes it anew.
    std::fs::remove_file(arch.join(okno::index::FILE)).unwrap();
    let _ = std::fs::remove_file(arch.join(format!("{}-wal", okno::index::FILE)));
    let _ = std::fs::remove_file(arch.join(format!("{}-shm", okno::index::FILE)));
    let (code, out) = verify(&arch);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("не создан"), "{out}");
    let o = okno(&["index", "--archive", arch.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Указатель архива создан: версий 36"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let (code, out) = verify(&arch);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn a_kill_during_an_archive_run_is_caught_up_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    for delay_ms in [60u64, 150, 300, 500, 800] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_okno"))
            .args([
                "--today",
                "2026-11-24",
                "archive",
                "fixtures/cases",
                "fixtures/register",
                "--archive",
                arch.to_str().unwrap(),
            ])
            .current_dir(root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        // The next start (here a run that archives nothing new: one unchanged case).
        let o = okno(&[
            "archive",
            "fixtures/cases/NSK-2026-0001.json",
            "--archive",
            arch.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        let (code, out) = verify(&arch);
        assert_eq!(code, Some(0), "after a kill at {delay_ms} ms: {out}");
        assert!(
            out.contains("Указатель архива совпадает с пакетами"),
            "{out}"
        );
    }
}

#[test]
fn an_index_of_the_okno_before_is_brought_up_to_date_by_the_next_archive_run() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    assert_eq!(archive_fixtures(&arch).status.code(), Some(0));
    let api = |arch: &Path| {
        let index = okno::index::Index::open_read(arch).unwrap();
        let q = okno::report::Quarter::parse("2026-Q4").unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let all = okno::index::Scope::All;
        index
            .quarter_rows(q.start(), q.end(), today, None, &all)
            .unwrap()
    };
    let fresh = api(&arch);
    assert!(fresh.iter().any(|r| !r.monitorings.is_empty()), "{fresh:?}");
    // The file as the okno of schema 4 left it: no quarter facts, versions with a rowid, its
    // keys indexed by case.
    {
        let c = rusqlite::Connection::open(arch.join(okno::index::FILE)).unwrap();
        c.execute_batch(
            "ALTER TABLE cases DROP COLUMN plan_from; ALTER TABLE cases DROP COLUMN sw_level;
             ALTER TABLE cases DROP COLUMN concluded; ALTER TABLE cases DROP COLUMN monitor_due;
             ALTER TABLE cases DROP COLUMN monitorings; ALTER TABLE cases DROP COLUMN late_steps;
             ALTER TABLE cases DROP COLUMN sent_late; ALTER TABLE dues DROP COLUMN watched;
             CREATE TABLE old (case_row INTEGER NOT NULL, version INTEGER NOT NULL,
                 bagged TEXT NOT NULL, level TEXT, state TEXT NOT NULL,
                 PRIMARY KEY (case_row, version));
             INSERT INTO old SELECT case_row, version, bagged, level, state FROM versions;
             DROP TABLE versions; ALTER TABLE old RENAME TO versions;
             CREATE INDEX known_keys_case ON known_keys (case_row);
             PRAGMA user_version = 4;",
        )
        .unwrap();
    }
    // A reader does not change it: verify says it is not up to date, and how to make it so.
    let (code, out) = verify(&arch);
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("не обновлен для этой версии okno"), "{out}");
    // The next archive run (one case, already archived) migrates it and puts every version
    // in again, with its facts: verify agrees, and the quarter's rows are those of a fresh
    // index.
    let o = okno(&[
        "archive",
        "fixtures/cases/NSK-2026-0001.json",
        "--archive",
        arch.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (code, out) = verify(&arch);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(api(&arch), fresh);
}
