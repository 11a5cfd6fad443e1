//! The quarter page from the archive's index: the same figures as `okno quarter`, the
//! monitoring forms rendered only when their zip is asked for, then kept until the archive
//! changes.

mod common;
use common::serve::{Client, Server};
use common::{okno, root, synth_archive};
use okno::index::Scope;
use okno::report::{Quarter, quarter_view, run_quarter, run_quarter_seen};
use std::path::{Path, PathBuf};

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

/// A workbook's parts as text, by name: what differs, said readably.
fn parts(xlsx: &[u8]) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut s = String::new();
            std::io::Read::read_to_string(&mut f, &mut s).unwrap();
            (f.name().to_string(), s)
        })
        .collect()
}

/// The summary workbook of the page's figures: every count and every listed case.
fn page_summary(arch: &Path, q: &str, t: Option<&str>, scope: &Scope) -> Vec<u8> {
    let view = quarter_view(Quarter::parse(q).unwrap(), arch, today(), t, scope).unwrap();
    let out = tempfile::tempdir().unwrap();
    let w = okno::report::write_summary(&view.report, out.path(), today());
    let xlsx = w
        .files
        .iter()
        .find(|f| f.extension().unwrap() == "xlsx")
        .unwrap();
    std::fs::read(xlsx).unwrap()
}

fn cli_summary(arch: &Path, q: &str, t: Option<&str>, scope: &Scope) -> (Vec<u8>, usize) {
    let out = tempfile::tempdir().unwrap();
    let d = run_quarter_seen(q, arch, out.path(), today(), t, scope).unwrap();
    let xlsx = d
        .written
        .files
        .iter()
        .find(|f| f.extension().unwrap() == "xlsx")
        .unwrap();
    (std::fs::read(xlsx).unwrap(), d.forms)
}

fn archive_fixtures(arch: &Path) {
    let out = okno(&[
        "archive",
        "fixtures/cases",
        "fixtures/register",
        "--archive",
        arch.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_pages_figures_are_the_cli_summarys() {
    let dir = tempfile::tempdir().unwrap();
    let bags = dir.path().join("bags");
    archive_fixtures(&bags);
    let synth = dir.path().join("synth");
    synth_archive::write(&synth, 120);
    let only = Scope::Only(vec!["berdsk".into(), "nsk_leninsky".into()]);
    for arch in [&bags, &synth] {
        for q in ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"] {
            for t in [None, Some("berdsk"), Some("nsk_leninsky")] {
                for scope in [&Scope::All, &only] {
                    let (cli, forms) = cli_summary(arch, q, t, scope);
                    let page = page_summary(arch, q, t, scope);
                    let (a, b) = (parts(&page), parts(&cli));
                    let names =
                        |p: &[(String, String)]| p.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
                    assert_eq!(
                        names(&a),
                        names(&b),
                        "{} {q} {t:?} {scope:?}",
                        arch.display()
                    );
                    for ((name, a), (_, b)) in a.iter().zip(b) {
                        assert_eq!(*a, b, "{} {q} {t:?} {scope:?}: {name}", arch.display());
                    }
                    assert!(
                        page == cli,
                        "{} {q} {t:?} {scope:?}: the same bytes",
                        arch.display()
                    );
                    let view =
                        quarter_view(Quarter::parse(q).unwrap(), arch, today(), t, scope).unwrap();
                    assert_eq!(view.form_files(), forms, "{q} {t:?}");
                }
            }
        }
    }
    // A reader limited to one territory sees its figures: those of `--territory`.
    let counts = |t: Option<&str>, scope: &Scope| {
        let v = quarter_view(
            Quarter::parse("2026-Q4").unwrap(),
            &synth,
            today(),
            t,
            scope,
        )
        .unwrap();
        (okno::report::Counts::of(&v.report), v.form_files())
    };
    let berdsk = counts(Some("berdsk"), &Scope::All);
    assert_eq!(counts(None, &Scope::Only(vec!["berdsk".into()])), berdsk);
    assert_ne!(counts(None, &Scope::All), berdsk);
    assert!(berdsk.0.received + berdsk.0.active > 0, "{berdsk:?}");

    // The page's JSON answer: the CLI run's figures.
    let out = tempfile::tempdir().unwrap();
    let d = run_quarter("2026-Q4", &bags, out.path(), today(), None).unwrap();
    let server = Server::start(&bags, &[]);
    let mut c = Client::new(&server.url);
    let v: serde_json::Value =
        serde_json::from_slice(&c.get("/api/quarter?q=2026-Q4").body).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "quarter": "2026-Q4", "active": d.active, "monitoring_forms": d.forms,
            "overdue": d.overdue, "due": d.due, "missed": d.missed,
            "received": d.received, "waiting": d.waiting, "sw_overdue": d.sw_overdue,
            "late": d.late,
        })
    );
    let page = c.get("/quarter?q=2026-Q4").text();
    assert!(
        page.contains(&format!("в работе: <b>{}</b>", d.active)),
        "{page}"
    );
    assert!(page.contains(&format!("извещений поступило: <b>{}</b>", d.received)));
}

/// Files under the server's work folder (under `tmp`), relative to it.
fn work_files(tmp: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(tmp)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(tmp).unwrap().to_path_buf())
        .collect()
}

fn zips(tmp: &Path) -> Vec<PathBuf> {
    let mut z: Vec<PathBuf> = work_files(tmp)
        .into_iter()
        .filter(|p| {
            p.to_string_lossy().contains("quarter-zips")
                && p.extension().is_some_and(|e| e == "zip")
        })
        .collect();
    z.sort();
    z
}

#[test]
fn the_forms_zip_is_rendered_on_first_ask_kept_and_rebuilt_after_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    archive_fixtures(&arch);
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let server = Server::start_in(&arch, &[], Some(&tmp));
    let mut c = Client::new(&server.url);

    // The page shows the figures and offers the zip, but renders no monitoring form.
    let page = c.get("/quarter?q=2026-Q4").text();
    assert!(
        page.contains("href=\"/quarter/forms.zip?q=2026-Q4\""),
        "{page}"
    );
    let rendered = |tmp: &Path| {
        work_files(tmp)
            .into_iter()
            .filter(|p| p.to_string_lossy().contains("monitoring-"))
            .count()
    };
    assert_eq!(rendered(&tmp), 0, "{:?}", work_files(&tmp));
    assert!(zips(&tmp).is_empty());

    // First ask: rendered and kept.
    let first = c.get("/quarter/forms.zip?q=2026-Q4");
    assert_eq!(first.status, 200, "{}", first.text());
    let kept = zips(&tmp);
    assert_eq!(kept.len(), 1, "{kept:?}");
    let at = |p: &Path| std::fs::metadata(tmp.join(p)).unwrap().modified().unwrap();
    let made = at(&kept[0]);
    assert_eq!(std::fs::read(tmp.join(&kept[0])).unwrap(), first.body);
    // Second ask: the kept zip, not rendered again (the file is untouched), same bytes.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = c.get("/quarter/forms.zip?q=2026-Q4");
    assert_eq!(second.body, first.body);
    assert_eq!(zips(&tmp), kept);
    assert_eq!(at(&kept[0]), made, "the kept zip was not written again");
    let names = |body: &[u8]| {
        let z = zip::ZipArchive::new(std::io::Cursor::new(body.to_vec())).unwrap();
        let mut n: Vec<String> = z.file_names().map(String::from).collect();
        n.sort();
        n
    };
    let before = names(&first.body);
    assert!(
        before.contains(&"NSK-2026-0001/monitoring-1.pdf".to_string()),
        "{before:?}"
    );

    // The archive changes (a new case with a monitoring in the quarter): a new zip.
    let mut case: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("fixtures/cases/NSK-2026-0001.json")).unwrap(),
    )
    .unwrap();
    case["case_id"] = "NSK-2026-0777".into();
    let new = dir.path().join("NSK-2026-0777.json");
    std::fs::write(&new, serde_json::to_vec(&case).unwrap()).unwrap();
    let out = okno(&[
        "archive",
        new.to_str().unwrap(),
        "--archive",
        arch.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let third = c.get("/quarter/forms.zip?q=2026-Q4");
    assert_eq!(third.status, 200);
    let after = names(&third.body);
    assert!(
        after.contains(&"NSK-2026-0777/monitoring-1.pdf".to_string()),
        "{after:?}"
    );
    assert_eq!(after.len(), before.len() + 2);
    assert_eq!(zips(&tmp).len(), 2, "a new zip beside the old one");
    let page = c.get("/quarter?q=2026-Q4").text();
    assert!(
        page.contains("NSK-2026-0777"),
        "the page's figures changed too"
    );
}
