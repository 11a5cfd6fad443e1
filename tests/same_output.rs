//! A tool, not a check: writes what okno makes from the bundled inputs — the demo, the stress
//! cases' forms, a 1,000-case `batch --archive`, the quarter, both logs and the page's JSON
//! answers for the fixtures — and a SHA256SUMS of it all, so that a change meant to keep the
//! output (a refactoring) can be compared byte for byte with the commit before it:
//!
//! OKNO_SAME_OUTPUT=/tmp/before cargo test --release --test same_output -- --ignored
//! (then the same on the change, into /tmp/after, and `diff /tmp/{before,after}/SHA256SUMS`)

mod common;

use common::root;
use common::serve::{Client, Server};
use sha2::{Digest, Sha256};
use std::path::Path;

/// `okno --today 2026-11-24 ARGS…` in `dir`, with paths relative to it: the same bytes from
/// any checkout.
fn run(dir: &Path, args: &[&str]) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_okno"))
        .args(["--today", "2026-11-24"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "okno {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
// Ignored: it is not a check but a tool that writes ~34,000 files (a minute) for a person to
// compare two commits with; the checks of each output are the other tests.
#[ignore = "a tool: OKNO_SAME_OUTPUT=DIR writes the outputs and their SHA256SUMS"]
fn write_the_outputs_and_their_digests() {
    let out =
        std::path::PathBuf::from(std::env::var("OKNO_SAME_OUTPUT").expect("OKNO_SAME_OUTPUT=DIR"));
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let p = |s: &str| s.to_string();
    let run = |args: &[&str]| run(&out, args);
    // The fixtures copied in, so that no path names the checkout.
    for e in walkdir::WalkDir::new(root().join("fixtures")) {
        let e = e.unwrap();
        let to = out
            .join("fixtures")
            .join(e.path().strip_prefix(root().join("fixtures")).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }

    run(&["demo", "--fixtures", "fixtures", "-o", &p("demo")]);
    run(&["render", "fixtures/stress", "-o", &p("stress")]);

    // The batch bench's 1,000 generated cases.
    let templates = okno::synth::fixture_templates(&root().join("fixtures/cases"));
    let input = out.join("in1000");
    std::fs::create_dir_all(&input).unwrap();
    for c in okno::synth::cases(&templates, 1000, 42) {
        std::fs::write(
            input.join(format!("{}.json", c.case_id)),
            serde_json::to_vec(&c).unwrap(),
        )
        .unwrap();
    }
    run(&[
        "batch",
        &p("in1000"),
        "-o",
        &p("batch"),
        "--archive",
        &p("archive"),
    ]);
    run(&[
        "quarter",
        "2026-Q4",
        "--archive",
        &p("archive"),
        "-o",
        &p("quarter"),
    ]);
    run(&[
        "log",
        "detection",
        "--archive",
        &p("archive"),
        "-o",
        &p("logs/detection"),
    ]);
    run(&[
        "log",
        "intake",
        "--archive",
        &p("archive"),
        "-o",
        &p("logs/intake"),
    ]);

    // The page's answers, on the batch's archive (read only) and on an archive of its own.
    let page = out.join("page");
    std::fs::create_dir_all(&page).unwrap();
    {
        let server = Server::start(&out.join("archive"), &[]);
        let mut c = Client::new(&server.url);
        let token = c.csrf();
        for dir in [
            "cases",
            "broken",
            "register",
            "workbooks",
            "stress",
            "duplicates",
            "other-writers",
        ] {
            let mut names: Vec<_> = std::fs::read_dir(root().join("fixtures").join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            names.sort();
            for f in names {
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                let r = c.upload(
                    "/api/validate",
                    &[(&name, std::fs::read(&f).unwrap())],
                    Some(&token),
                );
                // The job's ID is drawn anew each time.
                let mut v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
                if let Some(o) = v.as_object_mut() {
                    o.remove("job");
                }
                std::fs::write(
                    page.join(format!("validate-{dir}-{name}.json")),
                    serde_json::to_vec_pretty(&v).unwrap(),
                )
                .unwrap();
                if dir == "cases" {
                    let r = c.upload(
                        "/api/render",
                        &[(&name, std::fs::read(&f).unwrap())],
                        Some(&token),
                    );
                    std::fs::write(page.join(format!("render-{name}.zip")), &r.body).unwrap();
                }
            }
        }
        let r = c.get("/api/quarter?q=2026-Q4");
        std::fs::write(page.join("quarter.json"), &r.body).unwrap();
    }
    {
        let server = Server::start(&out.join("page-archive"), &[]);
        let mut c = Client::new(&server.url);
        let token = c.csrf();
        let f = root().join("fixtures/cases/NSK-2026-0001.json");
        let r = c.upload(
            "/api/archive",
            &[("случай.json", std::fs::read(&f).unwrap())],
            Some(&token),
        );
        std::fs::write(page.join("archive.json"), &r.body).unwrap();
    }

    // The digests, in path order; the page's audit log carries the clock, and the archive's
    // index (a database file, derived from the bags) is compared by what it says
    // (`okno verify --archive`), not by its bytes: both are left out.
    let mut sums = String::new();
    let mut files: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .filter(|p| !p.to_string_lossy().contains(".okno-audit"))
        .filter(|p| !p.to_string_lossy().contains(okno::index::FILE))
        .collect();
    files.sort();
    for f in &files {
        let rel = f.strip_prefix(&out).unwrap();
        let hash = hex::encode(Sha256::digest(std::fs::read(f).unwrap()));
        sums.push_str(&format!("{hash}  {}\n", rel.display()));
    }
    std::fs::write(Path::new(&out).join("SHA256SUMS"), sums).unwrap();
    eprintln!(
        "{} files; {}",
        files.len(),
        out.join("SHA256SUMS").display()
    );
}
