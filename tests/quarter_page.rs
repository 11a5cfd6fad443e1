//! The quarter page from the archive's index: the same figures as `okno quarter`, the
//! monitoring forms rendered only when their zip is asked for, then kept until the archive
//! changes.

mod common;
use common::serve::{Client, Server};
use common::{archive_into, okno, root, synth_archive};
use okno::index::Scope;
use okno::report::{
    Quarter, QuarterFigures, quarter_report, quarter_view, run_quarter, run_quarter_seen,
};
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

/// The summary workbook the page offers: every count and every listed case.
fn page_summary(arch: &Path, q: &str, t: Option<&str>, scope: &Scope) -> Vec<u8> {
    let report = quarter_report(Quarter::parse(q).unwrap(), arch, today(), t, scope).unwrap();
    let out = tempfile::tempdir().unwrap();
    let w = okno::report::write_summary(&report, out.path(), today());
    let xlsx = w
        .files
        .iter()
        .find(|f| f.extension().unwrap() == "xlsx")
        .unwrap();
    std::fs::read(xlsx).unwrap()
}

/// The CLI run's summary workbook and the monitoring forms it rendered, by case (case ID,
/// form names) as the page lists them.
fn cli_summary(
    arch: &Path,
    q: &str,
    t: Option<&str>,
    scope: &Scope,
) -> (Vec<u8>, Vec<(String, Vec<String>)>) {
    let out = tempfile::tempdir().unwrap();
    let d = run_quarter_seen(q, arch, out.path(), today(), t, scope).unwrap();
    let xlsx = d
        .written
        .files
        .iter()
        .find(|f| f.extension().unwrap() == "xlsx")
        .unwrap();
    let mut forms: Vec<(String, Vec<String>)> = Vec::new();
    for f in d
        .form_files
        .iter()
        .filter(|f| f.extension().unwrap() == "pdf")
    {
        let case = f.parent().unwrap().file_name().unwrap().to_string_lossy();
        let form = f.file_stem().unwrap().to_string_lossy().to_string();
        match forms.last_mut() {
            Some((c, names)) if *c == case => names.push(form),
            _ => forms.push((case.to_string(), vec![form])),
        }
    }
    (std::fs::read(xlsx).unwrap(), forms)
}

fn archive_fixtures(arch: &Path) {
    archive_into(arch, &["fixtures/cases", "fixtures/register"]);
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
                    // The page's figures, counted from the index, are the run's: every
                    // count, every bar of the charts, every monitoring form.
                    let quarter = Quarter::parse(q).unwrap();
                    let report = quarter_report(quarter, arch, today(), t, scope).unwrap();
                    let view = quarter_view(quarter, arch, today(), t, scope).unwrap();
                    assert_eq!(
                        view,
                        QuarterFigures::of(&report, forms),
                        "{} {q} {t:?} {scope:?}",
                        arch.display()
                    );
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
        (v.counts, v.form_files())
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
            "quarter": "2026-Q4", "active": d.counts.active, "monitoring_forms": d.forms,
            "overdue": d.counts.overdue, "due": d.counts.due, "missed": d.counts.missed,
            "received": d.counts.received, "waiting": d.counts.waiting,
            "sw_overdue": d.counts.sw_overdue, "late": d.counts.late,
        })
    );
    let page = c.get("/quarter?q=2026-Q4").text();
    assert!(
        page.contains(&format!("в работе: <b>{}</b>", d.counts.active)),
        "{page}"
    );
    assert!(page.contains(&format!(
        "извещений поступило: <b>{}</b>",
        d.counts.received
    )));
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

/// A copy of an archive's bags without its index: the quarter is then counted by the fold
/// over every bag, as before the index.
fn without_index(arch: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(arch)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(arch).unwrap();
        if rel.to_string_lossy().starts_with(".okno-index") {
            continue;
        }
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[test]
fn the_index_counts_the_quarter_as_the_fold_over_the_bags_on_any_day() {
    let dir = tempfile::tempdir().unwrap();
    let bags = dir.path().join("bags");
    archive_fixtures(&bags);
    let synth = dir.path().join("synth");
    synth_archive::write(&synth, 300);
    let only = Scope::Only(vec!["berdsk".into(), "iskitim".into(), "iskitimsky".into()]);
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    for arch in [&bags, &synth] {
        let plain = dir.path().join("plain");
        let _ = std::fs::remove_dir_all(&plain);
        without_index(arch, &plain);
        assert!(!plain.join(okno::index::FILE).exists());
        let mut seen_any = (0, 0, 0, 0);
        // Some days, and the days a pending step falls due (and the day after): a step due
        // today is not yet missed.
        let mut days = vec![
            day(2026, 3, 2),
            day(2026, 11, 24),
            day(2027, 1, 15),
            day(2027, 6, 30),
        ];
        let mut due: Vec<chrono::NaiveDate> = okno::archive::list_cases(arch)
            .into_iter()
            .filter_map(|(id, v)| okno::archive::read_case(arch, &id, *v.last()?).ok())
            .flat_map(|c| okno::validate::dues(&c))
            .filter(|d| d.done.is_none() && d.pending && d.rule != "D-MONITOR-3M")
            .map(|d| d.due.0)
            .collect();
        due.sort();
        due.dedup();
        for d in due.into_iter().step_by(7).take(4) {
            days.extend([d, d.succ_opt().unwrap()]);
        }
        for today in days {
            for q in [
                "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1",
            ] {
                let q = Quarter::parse(q).unwrap();
                for t in [None, Some("berdsk"), Some("iskitim"), Some("iskitimsky")] {
                    for scope in [&Scope::All, &only] {
                        let from_index = quarter_view(q, arch, today, t, scope).unwrap();
                        let from_bags = quarter_view(q, &plain, today, t, scope).unwrap();
                        assert_eq!(
                            from_index,
                            from_bags,
                            "{} {} on {today} {t:?} {scope:?}",
                            arch.display(),
                            q.label()
                        );
                        let c = from_index.counts;
                        seen_any.0 += c.overdue + c.due;
                        seen_any.1 += c.missed + c.late;
                        seen_any.2 += c.waiting + c.sw_overdue;
                        seen_any.3 += from_index.plans + from_index.closed + from_index.forms.len();
                    }
                }
            }
        }
        eprintln!("{}: {seen_any:?}", arch.display());
        // The comparison covered every kind of figure, not zeros alone.
        assert!(
            seen_any.0 > 0 && seen_any.1 > 0 && seen_any.2 > 0 && seen_any.3 > 0,
            "{} {seen_any:?}",
            arch.display()
        );
    }
}
