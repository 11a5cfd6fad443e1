//! `okno serve` under load, on loopback: CLIENTS clients (default 20) upload the 26-row
//! register to `POST /api/validate` at once, ROUNDS times each (default 3); every answer is
//! checked (200, 26 cases, the register's 8 warnings and no error), and p50, p95 and the
//! slowest are printed. Then the time from choosing the file to the diagnostics on screen as
//! the page does it: `POST /check` (303), `GET /check/{job}` (the check's progress, or
//! already the results), its status until done, and the results page.
//! Prints figures only.
//!
//! cargo bench --bench serve [-- CLIENTS ROUNDS]
//! OKNO_BIN=/path/okno cargo bench --bench serve   (another binary, e.g. before a change)

#[path = "../tests/common/serve.rs"]
mod serve;

use serve::{Client, Server};
use std::time::Instant;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let clients = args.first().copied().unwrap_or(20);
    let rounds = args.get(1).copied().unwrap_or(3);
    let register = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/register/register-2026-10.xlsx"),
    )
    .unwrap();
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &[]);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(clients));
    let started = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let url = server.url.clone();
            let bytes = register.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut c = Client::new(&url);
                let token = c.csrf();
                let mut times = Vec::new();
                for _ in 0..rounds {
                    barrier.wait();
                    let t = Instant::now();
                    let r = c.upload(
                        "/api/validate",
                        &[("реестр.xlsx", bytes.clone())],
                        Some(&token),
                    );
                    let elapsed = t.elapsed().as_secs_f64();
                    assert_eq!(r.status, 200, "{}", r.text());
                    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
                    let f = &v["files"][0];
                    assert_eq!(f["cases"].as_array().unwrap().len(), 26);
                    assert_eq!(f["errors"], 0);
                    assert_eq!(f["warnings"], 8);
                    times.push(elapsed);
                }
                times
            })
        })
        .collect();
    let mut all: Vec<f64> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("a client"))
        .collect();
    let wall = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    println!(
        "serve: {clients} clients × {rounds} uploads of the 26-row register ({} requests, all answered correctly) in {wall:.2} s",
        all.len()
    );
    println!(
        "  latency p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        percentile(&all, 0.5) * 1e3,
        percentile(&all, 0.95) * 1e3,
        all.last().unwrap() * 1e3
    );

    // The page: upload, redirect, results page with the diagnostics.
    let mut c = Client::new(&server.url);
    c.get("/");
    let token = c.csrf();
    let mut page = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let r = c.upload("/check", &[("реестр.xlsx", register.clone())], Some(&token));
        assert_eq!(r.status, 303);
        let to = r.header("location").unwrap().to_string();
        // As the page's script does it: the job's page, then (while it checks) its status
        // at once, every 0.1 s for 2 s, then every 0.3 s; then the results.
        let mut p = c.get(&to);
        assert_eq!(p.status, 200);
        if p.text().contains("Проверка файлов") {
            let polling = Instant::now();
            loop {
                let st = c.get(&format!("{to}/status"));
                if st.text().contains("\"done\":true") {
                    break;
                }
                let pause = if polling.elapsed().as_secs() < 2 {
                    100
                } else {
                    300
                };
                std::thread::sleep(std::time::Duration::from_millis(pause));
            }
            p = c.get(&to);
        }
        assert!(p.text().contains("случаев: <b>26</b>"));
        page.push(t.elapsed().as_secs_f64());
    }
    page.sort_by(f64::total_cmp);
    println!(
        "  diagnostics on screen (POST /check + results page), 5 runs: median {:.0} ms, slowest {:.0} ms (target < 1000 ms)",
        percentile(&page, 0.5) * 1e3,
        page.last().unwrap() * 1e3
    );
}
