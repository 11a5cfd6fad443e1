//! A test archive of invented cases, fast: `synth` cases written as `ID/v1/data/case.json`
//! (what the reports read; no bag files), then `okno index`, as `examples/quarter_archive`
//! makes the large one.
#![allow(dead_code)]

use std::path::Path;

/// Territories the cases take in turn.
pub const TERRITORIES: [&str; 3] = ["berdsk", "iskitimsky", "nsk_kirovsky"];

/// `n` cases `L-0001`… in `root`, indexed. Returns the cases as written.
pub fn write(root: &Path, n: usize) -> Vec<okno::model::Case> {
    let templates = okno::synth::fixture_templates(&super::root().join("fixtures/cases"));
    let mut cases = okno::synth::cases(&templates, n, 7);
    for (i, c) in cases.iter_mut().enumerate() {
        c.case_id = format!("L-{:04}", i + 1);
        c.territory = okno::model::Territory::parse(TERRITORIES[i % TERRITORIES.len()]);
        let dir = root.join(&c.case_id).join("v1/data");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("case.json"), serde_json::to_vec(&c).unwrap()).unwrap();
    }
    let out = super::okno(&["index", "--archive", root.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    cases
}
