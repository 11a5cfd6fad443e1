//! `okno export` over an archive of generated bags: wall time and peak RSS (target: about the
//! same at 1,000 and 10,000 bags). The bags are written with the library's bag writer, with
//! small payloads shaped like a case's (16 forms of 4 KiB, case.json, the input): rendering
//! 10,000 cases would take minutes. Runs the release binary as a child process and reads its
//! peak RSS from the kernel (wait4). Prints figures only.
//!
//! cargo build --release && cargo bench --bench export [-- 1000 10000]
//! OKNO_BIN=/path/old-okno:target/release/okno cargo bench --bench export   (several binaries
//! on the same archives, e.g. before and after a change)

use okno::bagit::write::{BagInfo, PayloadFile, payload_manifest, write_bag};
use std::path::{Path, PathBuf};
use std::time::Instant;

const FORMS: usize = 16;
const FORM_BYTES: usize = 4096;

mod common;

fn main() {
    let sizes = common::sizes(&[1000, 10_000]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bins: Vec<PathBuf> = match std::env::var("OKNO_BIN") {
        Ok(list) => list.split(':').map(|b| root.join(b)).collect(),
        Err(_) => vec![root.join("target/release/okno")],
    };
    for b in &bins {
        assert!(
            b.exists(),
            "{}: build the binary first (cargo build --release)",
            b.display()
        );
    }
    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("archive");
        let t = Instant::now();
        let octets = make_archive(&archive, n);
        println!(
            "{n:>6} bags, {:.0} MB of files: written in {:.1} s",
            octets as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
        for bin in &bins {
            let tar = dir.path().join("export.tar");
            let run = common::measure(
                std::process::Command::new(bin)
                    .args(["--today", "2026-11-24", "export", "--archive"])
                    .arg(&archive)
                    .arg("-o")
                    .arg(&tar),
            );
            let size = std::fs::metadata(&tar).map_or(0, |m| m.len());
            println!(
                "        {}: {:.2} s wall, peak RSS {} MB, tar {:.0} MB, exit {}",
                bin.display(),
                run.secs,
                run.peak_rss_mb,
                size as f64 / 1e6,
                run.exit
            );
            let _ = std::fs::remove_file(&tar);
        }
    }
}

/// `n` case bags `NSK-2026-NNNNN/v1`, Bagging-Date 2026-11-24; returns the bytes of all files.
fn make_archive(archive: &Path, n: usize) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut noise = |len: usize| -> Vec<u8> {
        let mut bytes = vec![0u8; len];
        for chunk in bytes.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
        bytes
    };
    for i in 0..n {
        let id = format!("NSK-2026-{i:05}");
        let mut payload: Vec<PayloadFile> = (0..FORMS)
            .map(|f| PayloadFile {
                path: format!("forms/form-{f:02}.{}", ["pdf", "docx"][f % 2]),
                bytes: noise(FORM_BYTES),
            })
            .collect();
        payload.push(PayloadFile {
            path: "case.json".into(),
            bytes: format!("{{\"case_id\": \"{id}\"}}\n").into_bytes(),
        });
        payload.push(PayloadFile {
            path: "source/input.json".into(),
            bytes: noise(1024),
        });
        let info: BagInfo = vec![
            ("External-Identifier".into(), id.clone()),
            ("Bagging-Date".into(), "2026-11-24".into()),
        ];
        let bag = archive.join(&id).join("v1");
        std::fs::create_dir_all(&bag).unwrap();
        write_bag(&bag, &payload, &payload_manifest(&payload), &info).unwrap();
    }
    walkdir::WalkDir::new(archive)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum()
}
