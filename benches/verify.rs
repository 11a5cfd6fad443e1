//! `okno verify` against `sha256sum -c` and `bagit.py --validate` on a bag of 2,000 × 50 KiB
//! files, as ratios in one run (targets: ≥ 1.5× sha256sum, ≥ 3× bagit.py). Files are in the
//! page cache for every tool (each runs once before it is timed). Prints figures only.
//!
//! cargo bench --bench verify [-- FILES]

use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn best_of(n: usize, mut f: impl FnMut() -> bool) -> Option<f64> {
    let mut best = f64::INFINITY;
    f(); // warm the page cache and the binary
    for _ in 0..n {
        let t = Instant::now();
        if !f() {
            return None;
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    Some(best)
}

fn main() {
    let files: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().unwrap();
    let bag = dir.path().join("bag");
    let data = bag.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let mut manifest = String::new();
    let mut octets = 0usize;
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..files {
        let mut bytes = vec![0u8; 50 * 1024];
        for chunk in bytes.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
        let name = format!("file-{i:05}.bin");
        std::fs::write(data.join(&name), &bytes).unwrap();
        manifest.push_str(&format!(
            "{}  data/{name}\n",
            hex::encode(Sha256::digest(&bytes))
        ));
        octets += bytes.len();
    }
    std::fs::write(
        bag.join("bagit.txt"),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    )
    .unwrap();
    std::fs::write(bag.join("manifest-sha256.txt"), &manifest).unwrap();
    std::fs::write(
        bag.join("bag-info.txt"),
        format!("Payload-Oxum: {octets}.{files}\n"),
    )
    .unwrap();
    println!(
        "bag: {files} files × 50 KiB = {:.0} MiB, SHA-256 manifest",
        octets as f64 / 1048576.0
    );

    let okno = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/okno");
    let okno_lib =
        best_of(3, || okno::bagit::verify_bag(&bag).is_valid()).expect("the bag is valid");
    println!("okno verify (library):  {:.3} s", okno_lib);
    let okno_bin = okno
        .exists()
        .then(|| {
            best_of(3, || {
                Command::new(&okno)
                    .arg("verify")
                    .arg(&bag)
                    .output()
                    .is_ok_and(|o| o.status.success())
            })
        })
        .flatten();
    if let Some(t) = okno_bin {
        println!("okno verify (binary):   {t:.3} s");
    }
    let ours = okno_bin.unwrap_or(okno_lib);
    let sha = best_of(3, || {
        Command::new("sha256sum")
            .args(["-c", "--quiet", "manifest-sha256.txt"])
            .current_dir(&bag)
            .output()
            .is_ok_and(|o| o.status.success())
    });
    match sha {
        Some(t) => println!(
            "sha256sum -c:           {t:.3} s  → okno is {:.1}x faster (target ≥ 1.5x)",
            t / ours
        ),
        None => println!("sha256sum -c: not available"),
    }
    let bagit_py = Command::new("python3")
        .args(["-c", "import bagit"])
        .output()
        .is_ok_and(|o| o.status.success());
    if bagit_py {
        let t = best_of(1, || {
            Command::new("python3")
                .args(["-m", "bagit", "--validate", "--quiet"])
                .arg(&bag)
                .output()
                .is_ok_and(|o| o.status.success())
        });
        match t {
            Some(t) => println!(
                "bagit.py --validate:    {t:.3} s  → okno is {:.1}x faster (target ≥ 3x)",
                t / ours
            ),
            None => println!("bagit.py --validate failed"),
        }
    } else {
        println!("bagit.py: not installed (pip install bagit) — ratio skipped");
    }
}
