//! Writes an archive-shaped folder of `N` invented cases (`ROOT/<id>/v1/data/case.json`, the
//! part `okno log` reads), to measure the logs' memory and time on it:
//!
//! ```sh
//! cargo run --release --example log_archive -- /tmp/arch 10000
//! /usr/bin/time -v target/release/okno log detection --archive /tmp/arch -o /tmp/out/log
//! ```

use std::path::{Path, PathBuf};

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("ROOT"));
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
    let templates = okno::synth::fixture_templates(&fixtures);
    // In batches with their own seeds and IDs: the generator holds a batch, not all.
    const BATCH: usize = 1000;
    for b in 0..n.div_ceil(BATCH) {
        let k = BATCH.min(n - b * BATCH);
        for (i, mut c) in okno::synth::cases(&templates, k, 42 + b as u64)
            .into_iter()
            .enumerate()
        {
            c.case_id = format!("LOG-{:06}", b * BATCH + i + 1);
            let dir = root.join(&c.case_id).join("v1/data");
            std::fs::create_dir_all(&dir).expect("folder");
            std::fs::write(dir.join("case.json"), serde_json::to_vec(&c).expect("json"))
                .expect("write");
        }
    }
    println!("{n} cases in {}", root.display());
}
