//! `okno batch … --archive` on generated cases: wall time, forms per second and peak RSS for
//! 1,000 and 10,000 cases (targets: 10,000 under 10 minutes, peak RSS under 300 MB and the
//! same for both sizes). Runs the release binary as a child process and reads its peak RSS
//! from the kernel (wait4). Prints figures only.
//!
//! cargo build --release && cargo bench --bench batch [-- 1000 10000]
//! OKNO_BIN=/path/okno cargo bench --bench batch -- 1000   (another binary, e.g. before a change)

mod common;

use std::path::Path;

fn main() {
    let sizes = common::sizes(&[1000, 10_000]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // OKNO_BIN: another binary (an earlier build kept outside target/) on the same inputs.
    let okno = root.join(std::env::var("OKNO_BIN").unwrap_or("target/release/okno".into()));
    assert!(
        okno.exists(),
        "build the binary first: cargo build --release"
    );
    let templates = okno::synth::fixture_templates(&root.join("fixtures/cases"));
    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir_all(&input).unwrap();
        for c in okno::synth::cases(&templates, n, 42) {
            std::fs::write(
                input.join(format!("{}.json", c.case_id)),
                serde_json::to_vec(&c).unwrap(),
            )
            .unwrap();
        }
        let run = common::measure(
            std::process::Command::new(&okno)
                .args(["--today", "2026-11-24", "batch"])
                .arg(&input)
                .arg("-o")
                .arg(dir.path().join("out"))
                .arg("--archive")
                .arg(dir.path().join("archive")),
        );
        let secs = run.secs;
        let forms = walkdir::WalkDir::new(dir.path().join("out"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| {
                e.path()
                    .extension()
                    .is_some_and(|x| x == "pdf" || x == "docx")
            })
            .count();
        println!(
            "{n:>6} cases: {:.1} s wall ({:.1} min), {forms} forms = {:.0} forms/s, peak RSS {} MB, \
             CPU {:.0} s user + {:.0} s sys ({:.1} ms per case), exit {}",
            secs,
            secs / 60.0,
            forms as f64 / secs,
            run.peak_rss_mb,
            run.user_secs,
            run.sys_secs,
            (run.user_secs + run.sys_secs) * 1000.0 / n as f64,
            run.exit
        );
    }
}
