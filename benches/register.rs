//! Reads and validates a generated register of 10,000 notifications (issue: the target is
//! under 2 s on one core). Prints figures; asserts nothing about time.
//!
//! cargo bench --bench register [-- ROWS]

use okno::run;
use okno::validate::Settings;
use std::time::Instant;

fn main() {
    let rows: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let t = Instant::now();
    let bytes = okno::synth::register_xlsx(rows, 42).expect("generate register");
    println!(
        "generated register: {rows} rows, {} KiB in {:.2} s",
        bytes.len() / 1024,
        t.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("register.xlsx");
    std::fs::write(&path, &bytes).expect("write register");
    let settings = Settings {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
    };
    let mut read_times = Vec::new();
    let mut total_times = Vec::new();
    let mut summary = String::new();
    for _ in 0..3 {
        let t = Instant::now();
        let ingested = okno::ingest::read_path(&path).expect("read register");
        read_times.push(t.elapsed().as_secs_f64());
        drop(ingested);
        let t = Instant::now();
        let reports = run::check_all(std::slice::from_ref(&path), &settings);
        total_times.push(t.elapsed().as_secs_f64());
        let r = &reports[0];
        let errors = r
            .all_diagnostics()
            .filter(|d| d.severity == okno::Severity::Error)
            .count();
        let warnings = r.all_diagnostics().count() - errors;
        summary = format!(
            "cases {}, errors {errors}, warnings {warnings}",
            r.cases.len()
        );
    }
    let best = |v: &[f64]| v.iter().cloned().fold(f64::INFINITY, f64::min);
    println!("{summary}");
    println!("read only:           best {:.3} s of 3", best(&read_times));
    println!(
        "read + validate:     best {:.3} s of 3 (target < 2 s, one core)",
        best(&total_times)
    );
    println!(
        "per row:             {:.1} µs",
        best(&total_times) / rows as f64 * 1e6
    );
}
