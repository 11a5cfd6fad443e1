//! The archive from outside: append-only versions, no-op reruns, crash safety with a real
//! SIGKILL, two runs at once, export, and bagit-python's opinion of our bags.

mod common;
use common::{okno, python_has, root};
use okno::bagit::verify_bag;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn bags(archive: &Path) -> Vec<PathBuf> {
    okno::archive::list_cases(archive)
        .into_iter()
        .flat_map(|(id, vs)| {
            vs.into_iter()
                .map(move |v| archive.join(&id).join(format!("v{v}")))
        })
        .collect()
}

fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn archiving_twice_adds_nothing_and_a_change_makes_v2_keeping_v1() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    let input = dir.path().join("case.json");
    std::fs::copy(root().join("fixtures/cases/NSK-2026-0003.json"), &input).unwrap();
    let o = okno(&[
        "archive",
        input.to_str().unwrap(),
        "--archive",
        arch.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let v1 = arch.join("NSK-2026-0003/v1");
    assert!(verify_bag(&v1).is_valid(), "{:?}", verify_bag(&v1));
    let files: Vec<String> = tree(&v1)
        .iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .collect();
    for want in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "data/case.json",
        "data/source/input.json",
        "data/forms/notification.pdf",
        "data/forms/notification.docx",
    ] {
        assert!(
            files.iter().any(|f| f == want),
            "{want} missing from the bag: {files:?}"
        );
    }
    let info = std::fs::read_to_string(v1.join("bag-info.txt")).unwrap();
    for want in [
        "External-Identifier: NSK-2026-0003",
        "Bagging-Date: 2026-11-24",
        "Payload-Oxum: ",
        "Bag-Group-Identifier: ",
        "Source-Organization: ",
        "Okno-Risk-Level: Средний",
        "Okno-Case-Opened: ",
        "Okno-Curator-Organization: ",
        "Okno-Version: ",
    ] {
        assert!(info.contains(want), "{want}\n{info}");
    }
    let before = tree(&arch);
    // Same input again, another day: nothing changes on disk.
    let o = Command::new(env!("CARGO_BIN_EXE_okno"))
        .args([
            "--today",
            "2026-11-30",
            "archive",
            input.to_str().unwrap(),
            "--archive",
            arch.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("без изменений (v1)"));
    assert_eq!(tree(&arch), before, "an unchanged case is a no-op");
    // A changed input: v2, and v1 byte for byte as it was.
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&input).unwrap()).unwrap();
    v["notification"]["grounds"] =
        serde_json::Value::String("Уточненные сведения: пропуски занятий в октябре.".into());
    std::fs::write(&input, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let o = okno(&[
        "archive",
        input.to_str().unwrap(),
        "--archive",
        arch.to_str().unwrap(),
    ]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("записана версия v2"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(
        tree(&v1),
        before
            .iter()
            .filter_map(|(p, b)| p
                .strip_prefix("NSK-2026-0003/v1")
                .ok()
                .map(|p| (p.to_path_buf(), b.clone())))
            .collect::<Vec<_>>()
    );
    assert!(verify_bag(&arch.join("NSK-2026-0003/v2")).is_valid());
    let o = okno(&["verify", "--archive", arch.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn a_register_row_keeps_only_its_own_row_as_input() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("a");
    let o = okno(&[
        "archive",
        "fixtures/register",
        "--archive",
        arch.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let all = bags(&arch);
    assert_eq!(all.len(), 26);
    let row: serde_json::Value = serde_json::from_slice(
        &std::fs::read(all[0].join("data/source/register-row.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(row["sheet"], "Реестр");
    let case: okno::Case =
        serde_json::from_slice(&std::fs::read(all[0].join("data/case.json")).unwrap()).unwrap();
    let text = row["cells"].to_string();
    assert!(
        text.contains(&case.family.children[0].name.surname),
        "the row is this case's row"
    );
    let other: okno::Case =
        serde_json::from_slice(&std::fs::read(all[1].join("data/case.json")).unwrap()).unwrap();
    assert!(
        !text.contains(&other.family.children[0].name.full()),
        "no other family's data in this bag"
    );
}

#[test]
fn a_kill_mid_write_leaves_no_partial_bag_and_a_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    for delay_ms in [40u64, 90, 160, 260, 400, 650] {
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
        for bag in bags(&arch) {
            let r = verify_bag(&bag);
            assert!(
                r.is_valid(),
                "after a kill at {delay_ms} ms, {} is partial: {:?}",
                bag.display(),
                r.errors
            );
        }
    }
    let o = okno(&[
        "archive",
        "fixtures/cases",
        "fixtures/register",
        "--archive",
        arch.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let all = bags(&arch);
    assert_eq!(all.len(), 35, "every case archived once: {all:?}");
    assert!(
        all.iter().all(|b| b.ends_with("v1")),
        "a kill never makes a second version"
    );
    assert!(all.iter().all(|b| verify_bag(b).is_valid()));
    assert!(
        !arch.join(".tmp").exists()
            || std::fs::read_dir(arch.join(".tmp"))
                .unwrap()
                .next()
                .is_none(),
        "no leftovers"
    );
}

#[test]
fn two_runs_at_once_do_not_corrupt_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_okno"))
            .args([
                "--today",
                "2026-11-24",
                "archive",
                "fixtures/cases",
                "--archive",
                arch.to_str().unwrap(),
            ])
            .current_dir(root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (spawn(), spawn());
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    let all = bags(&arch);
    assert_eq!(
        all.len(),
        9,
        "one version per case, the second run found them unchanged: {all:?}"
    );
    assert!(all.iter().all(|b| verify_bag(b).is_valid()));
}

#[test]
fn unsafe_case_ids_never_leave_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let arch = okno::archive::Archive::open(dir.path()).unwrap();
    let mut case = okno::ingest::read_path(&root().join("fixtures/cases/NSK-2026-0001.json"))
        .unwrap()
        .cases
        .remove(0)
        .case;
    let source = okno::archive::Source {
        name: "input.json".into(),
        bytes: b"{}".to_vec(),
    };
    for bad in ["../escape", "a/b", "x\0y", "..", ""] {
        case.case_id = bad.into();
        assert!(
            arch.store(
                &case,
                &source,
                chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
            )
            .is_err(),
            "{bad:?}"
        );
    }
    assert!(!dir.path().parent().unwrap().join("escape").exists());
}

#[test]
fn export_packs_the_selected_bags_into_one_valid_outer_bag() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    okno(&[
        "archive",
        "fixtures/cases",
        "--archive",
        arch.to_str().unwrap(),
    ]);
    let tar_path = dir.path().join("export.tar");
    let o = okno(&[
        "export",
        "--archive",
        arch.to_str().unwrap(),
        "--from",
        "01.11.2026",
        "--to",
        "30.11.2026",
        "-o",
        tar_path.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = dir.path().join("unpacked");
    tar::Archive::new(std::fs::File::open(&tar_path).unwrap())
        .unpack(&out)
        .unwrap();
    let outer = out.join("okno-export-2026-11-24");
    let r = verify_bag(&outer);
    assert!(r.is_valid(), "{:?}", r.errors);
    if python_has("bagit") {
        let o = Command::new("python3")
            .args(["-m", "bagit", "--validate", "--quiet"])
            .arg(&outer)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for (id, _) in okno::archive::list_cases(&arch) {
        let inner = outer.join("data").join(&id).join("v1");
        assert!(verify_bag(&inner).is_valid(), "{id} inside the export");
    }
    // Same archive, same day: the same tar, byte for byte.
    let again = dir.path().join("again.tar");
    okno(&[
        "export",
        "--archive",
        arch.to_str().unwrap(),
        "--from",
        "01.11.2026",
        "--to",
        "30.11.2026",
        "-o",
        again.to_str().unwrap(),
    ]);
    let (a, b) = (
        std::fs::read(&tar_path).unwrap(),
        std::fs::read(&again).unwrap(),
    );
    assert!(a == b, "two exports of the same archive and period differ");
    // A period with nothing in it is said so.
    let o = okno(&[
        "export",
        "--archive",
        arch.to_str().unwrap(),
        "--to",
        "01.01.2026",
        "-o",
        dir.path().join("none.tar").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("none.tar").exists());
}

#[test]
fn our_bags_pass_bagit_python() {
    let has = python_has("bagit");
    if !has {
        eprintln!(
            "skipped: bagit-python is not installed (pip install bagit); scripts/check_bags_with_bagit_py.sh runs it"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    okno(&[
        "archive",
        "fixtures/cases",
        "--archive",
        arch.to_str().unwrap(),
    ]);
    for bag in bags(&arch) {
        let o = Command::new("python3")
            .args(["-m", "bagit", "--validate", bag.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{}: {}",
            bag.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// Every file under `dir` with its mtime and bytes.
fn stamped(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime, Vec<u8>)> {
    tree(dir)
        .into_iter()
        .map(|(p, b)| {
            let t = std::fs::metadata(dir.join(&p)).unwrap().modified().unwrap();
            (p, t, b)
        })
        .collect()
}

#[test]
fn a_case_id_in_two_inputs_is_archived_from_neither_and_a_rerun_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    let archive = |inputs: &[&str]| {
        let mut args = vec!["archive"];
        args.extend(inputs);
        args.extend(["--archive", arch.to_str().unwrap()]);
        okno(&args)
    };
    // The fixture cases as JSON and as workbooks: every ID twice, nothing archived, each said.
    let o = archive(&["fixtures/cases", "fixtures/workbooks"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(bags(&arch).is_empty(), "{:?}", bags(&arch));
    assert!(
        text.contains(
            "ошибка[I-SAME-ID]: номер случая NSK-2026-0004 встречается в двух файлах: \
             fixtures/cases/NSK-2026-0004.json и fixtures/workbooks/NSK-2026-0004.xlsx — выберите один"
        ),
        "{text}"
    );
    assert!(
        text.contains("не сохранен: fixtures/workbooks/NSK-2026-0004.xlsx, случай NSK-2026-0004: "),
        "{text}"
    );
    assert!(
        text.contains("новых версий 0, без изменений 0, не сохранено 18"),
        "{text}"
    );
    // One ID in two inputs beside eight single ones: eight bags, and the same run again
    // leaves every file of the archive as it was, mtimes included.
    let inputs = ["fixtures/cases", "fixtures/workbooks/NSK-2026-0004.xlsx"];
    assert_eq!(archive(&inputs).status.code(), Some(1));
    let all = bags(&arch);
    assert_eq!(all.len(), 8, "{all:?}");
    assert!(!arch.join("NSK-2026-0004").exists());
    let before = stamped(&arch);
    for _ in 0..2 {
        let o = archive(&inputs);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stdout).contains("новых версий 0, без изменений 8"));
        assert_eq!(stamped(&arch), before, "a rerun writes nothing");
    }
    // The secretary picks the workbook: now NSK-2026-0004 gets its v1.
    let o = archive(&["fixtures/workbooks/NSK-2026-0004.xlsx"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(verify_bag(&arch.join("NSK-2026-0004/v1")).is_valid());
}
