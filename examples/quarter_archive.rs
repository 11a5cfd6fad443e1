//! Writes an archive-shaped folder of `N` invented cases (`ROOT/<id>/v1/data/case.json`, the
//! part `okno quarter` reads) to measure the quarter's memory and time on it, without
//! rendering and bagging every case first (which `cargo bench --bench scale` does, slowly):
//!
//! ```sh
//! cargo run --release --example quarter_archive -- /tmp/arch 100000
//! /usr/bin/time -v target/release/okno --today 01.12.2026 quarter 2026-Q4 --archive /tmp/arch -o /tmp/q
//! ```
//!
//! The mix is `synth::cases`' funnel (4 in 10 at the single window, the rest with a level,
//! a case or a plan); the notifications still at the single window are moved into October and
//! November 2026 (sent 0–6 days after detection, half with the single window's receipt date and
//! no diagnostics date), so the quarter 2026-Q4 has an inflow with waiting, overdue and late
//! notifications. Four territories in turn.

use okno::model::Date;
use std::path::{Path, PathBuf};

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("ROOT"));
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
    let templates = okno::synth::fixture_templates(&fixtures);
    let day = |k: usize| Date::ymd(2026, 10, 1).map(|d| Date(d.0 + chrono::Days::new(k as u64)));
    // In batches with their own seeds and IDs: the generator holds a batch, not all.
    const BATCH: usize = 1000;
    for b in 0..n.div_ceil(BATCH) {
        let k = BATCH.min(n - b * BATCH);
        for (i, mut c) in okno::synth::cases(&templates, k, 42 + b as u64)
            .into_iter()
            .enumerate()
        {
            let j = b * BATCH + i;
            c.case_id = format!("Q-{:06}", j + 1);
            if c.conclusion.is_none()
                && let Some(nt) = c.notification.as_mut()
            {
                let detected = day(j % 60);
                nt.detection_date = detected;
                nt.date_sent = day(j % 60 + j % 7);
                nt.date_received = if j.is_multiple_of(2) {
                    nt.date_sent
                } else {
                    None
                };
                if j.is_multiple_of(2) {
                    // No diagnostics yet: the assessments are not made (one without its date
                    // is an error, I-DOC-DATE, and its form could not be written).
                    c.child_assessment = None;
                    c.family_assessment = None;
                    nt.attachments.retain(|a| {
                        !matches!(
                            a,
                            okno::model::NotificationAttachment::ChildAssessment
                                | okno::model::NotificationAttachment::FamilyAssessment
                        )
                    });
                }
            }
            let dir = root.join(&c.case_id).join("v1/data");
            std::fs::create_dir_all(&dir).expect("folder");
            std::fs::write(dir.join("case.json"), serde_json::to_vec(&c).expect("json"))
                .expect("write");
        }
    }
    println!("{n} cases in {}", root.display());
}
