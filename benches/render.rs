//! Rendering figures: ms per form (PDF and DOCX, one core, steady state), forms per second on
//! all cores, peak RSS as the number of documents grows, and — as ratios in the same run —
//! the same DOCX through `soffice --headless --convert-to pdf` when LibreOffice is installed.
//! Prints figures; asserts nothing about time.
//!
//! cargo bench --bench render [-- DOCS]   (DOCS for the RSS run, default 1000)

use okno::forms::documents;
use okno::render::Format;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::Path;
use std::time::Instant;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0)
}

fn pages(pdf: &[u8]) -> usize {
    String::from_utf8_lossy(pdf)
        .matches("/Type /Page\n")
        .count()
        .max(String::from_utf8_lossy(pdf).matches("/Type/Page/").count())
}

fn main() {
    let docs_for_rss: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let case = okno::ingest::read_path(&root.join("fixtures/cases/NSK-2026-0005.json"))
        .unwrap()
        .cases
        .remove(0)
        .case;
    let docs = documents(&case, None, false);
    let notification = docs
        .iter()
        .find(|d| d.form == "notification")
        .unwrap()
        .clone();
    let first = Format::Pdf.write(&notification).unwrap();
    println!(
        "form: notification, {} pages, PDF {} KiB",
        pdf_page_count(&first),
        first.len() / 1024
    );

    // One core, steady state (after the first compilation warmed the template and fonts).
    // Every document differs (its title), so no compilation is served whole from the cache.
    let variant = |i: usize| {
        let mut d = notification.clone();
        d.title = format!("{} {i}", d.title);
        d
    };
    let n = 200;
    let variants: Vec<_> = (0..n).map(variant).collect();
    let t = Instant::now();
    for d in &variants {
        std::hint::black_box(Format::Pdf.write(d).unwrap());
    }
    let pdf_ms = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
    let t = Instant::now();
    for d in &variants {
        std::hint::black_box(Format::Docx.write(d).unwrap());
    }
    let docx_ms = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
    println!("one core: PDF {pdf_ms:.2} ms/form (target < 10 ms), DOCX {docx_ms:.2} ms/form");
    println!(
        "RSS after {n} documents on one core: {} MiB (peak {} MiB)",
        rss_kib() / 1024,
        peak_rss_kib() / 1024
    );

    // Every form of the case, once each, for the spread of sizes.
    for d in &docs {
        let t = Instant::now();
        let pdf = Format::Pdf.write(d).unwrap();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "  {:<20} {:>2} pages  PDF {:>6.1} ms",
            d.form,
            pdf_page_count(&pdf),
            ms
        );
    }

    // All cores.
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let batch = 400;
    let batch_docs: Vec<_> = (n..n + batch).map(variant).collect();
    let t = Instant::now();
    okno::pool::map(&batch_docs, None, |d| {
        std::hint::black_box(Format::Pdf.write(d).unwrap());
    });
    let pdf_per_s = batch as f64 / t.elapsed().as_secs_f64();
    println!(
        "RSS after {batch} documents on all cores: {} MiB (peak {} MiB)",
        rss_kib() / 1024,
        peak_rss_kib() / 1024
    );
    println!("all cores ({threads}): {pdf_per_s:.0} PDF forms/s");

    // LibreOffice on our DOCX, in the same run.
    let soffice = which("soffice");
    match soffice {
        None => println!(
            "soffice: not installed — ratios skipped (apt-get install libreoffice-writer-nogui)"
        ),
        Some(soffice) => {
            let dir = tempfile::tempdir().unwrap();
            let docx = Format::Docx.write(&notification).unwrap();
            let one = dir.path().join("one.docx");
            std::fs::write(&one, &docx).unwrap();
            let out = dir.path().join("out");
            let t = Instant::now();
            let ok = std::process::Command::new(&soffice)
                .args([
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    out.to_str().unwrap(),
                    one.to_str().unwrap(),
                ])
                .output()
                .is_ok_and(|o| o.status.success());
            let single_ms = t.elapsed().as_secs_f64() * 1000.0;
            let many = 200;
            let mut files = Vec::new();
            for i in 0..many {
                let p = dir.path().join(format!("m{i}.docx"));
                std::fs::write(&p, &docx).unwrap();
                files.push(p.to_string_lossy().into_owned());
            }
            let t = Instant::now();
            let mut cmd = std::process::Command::new(&soffice);
            cmd.args([
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                out.to_str().unwrap(),
            ])
            .args(&files);
            let ok_many = cmd.output().is_ok_and(|o| o.status.success());
            let batched_ms = t.elapsed().as_secs_f64() * 1000.0 / many as f64;
            println!(
                "soffice: one file per call {single_ms:.0} ms (ok: {ok}); {many} files in one call {batched_ms:.1} ms/doc (ok: {ok_many})"
            );
            println!(
                "ratios: okno PDF is {:.0}x faster than soffice per file, {:.1}x faster than batched soffice on one core",
                single_ms / pdf_ms,
                batched_ms / pdf_ms
            );
            // Two soffice instances on two cores would at best halve the batched time.
            let soffice_two = 2.0 * 1000.0 / batched_ms;
            println!(
                "throughput on all cores: okno {pdf_per_s:.0}/s vs two batched soffice ≈ {soffice_two:.0}/s → {:.1}x (target ≥ 4x)",
                pdf_per_s / soffice_two
            );
        }
    }

    // Peak RSS must stay flat as documents accumulate.
    let mut marks = Vec::new();
    let start = rss_kib();
    for i in 1..=docs_for_rss {
        std::hint::black_box(Format::Pdf.write(&variant(10_000 + i)).unwrap());
        if i == 10 || i == docs_for_rss / 10 || i == docs_for_rss {
            marks.push((i, rss_kib(), peak_rss_kib()));
        }
    }
    println!("RSS at start {} MiB", start / 1024);
    for (i, rss, peak) in marks {
        println!(
            "  after {i:>5} documents: RSS {:>4} MiB, peak {:>4} MiB",
            rss / 1024,
            peak / 1024
        );
    }
}

fn pdf_page_count(pdf: &[u8]) -> usize {
    let s = String::from_utf8_lossy(pdf);
    let n = s.matches("/Type/Page\n").count()
        + s.matches("/Type/Page/").count()
        + s.matches("/Type /Page\n").count()
        + s.matches("/Type/Page>").count();
    if n > 0 { n } else { pages(pdf) }
}

fn which(cmd: &str) -> Option<String> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| format!("{d}/{cmd}"))
        .find(|p| Path::new(p).exists())
}
