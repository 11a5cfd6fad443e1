//! Damaged and hostile inputs (issue 20, item 8): writes ≥ 1,000 of them — truncations, bit
//! flips, far cells, huge strings, control characters, deep nesting, shared-strings bombs —
//! from the fixtures and a generated register, runs the release `okno validate` on each as a
//! child under a 4 GB address-space limit, and `render --draft` on a sample. Prints the exit
//! codes, the worst time and peak RSS, and flags any input that exits other than 0/1/2, takes
//! 10 s or more, or peaks at 512 MB or more. Asserts nothing.
//!
//! cargo bench --bench robustness [-- SEED]

#[path = "../tests/common/serve.rs"]
mod serve;

use okno::synth::Rng;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const LIMIT_AS: u64 = 4 << 30;
const SLOW_SECS: f64 = 10.0;
const FAT_MB: i64 = 512;
/// A child still running after this is killed (and flagged: it is over `SLOW_SECS` anyway).
const KILL_SECS: u64 = 120;

fn main() {
    let seed: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let inputs = write_inputs(root, dir.path(), seed);
    println!(
        "wrote {} damaged inputs in {:.1} s",
        inputs.len(),
        t.elapsed().as_secs_f64()
    );
    let bin = env!("CARGO_BIN_EXE_okno");
    let mut exits: BTreeMap<i32, usize> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, (usize, f64, i64)> = BTreeMap::new();
    let mut flagged = Vec::new();
    let (mut worst_secs, mut worst_rss) = ((0.0, String::new()), (0, String::new()));
    let mut passed = Vec::new();
    let t = Instant::now();
    for (kind, path) in &inputs {
        let m = run(Command::new(bin)
            .args(["--today", "2026-11-24", "validate"])
            .arg(path));
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        *exits.entry(m.exit).or_default() += 1;
        let k = by_kind.entry(kind.clone()).or_default();
        k.0 += 1;
        k.1 = k.1.max(m.secs);
        k.2 = k.2.max(m.peak_rss_mb);
        if m.secs > worst_secs.0 {
            worst_secs = (m.secs, name.clone());
        }
        if m.peak_rss_mb > worst_rss.0 {
            worst_rss = (m.peak_rss_mb, name.clone());
        }
        if !(0..=2).contains(&m.exit) || m.secs >= SLOW_SECS || m.peak_rss_mb >= FAT_MB {
            flagged.push(format!(
                "validate {name}: exit {}, {:.2} s, {} MB",
                m.exit, m.secs, m.peak_rss_mb
            ));
        }
        if m.exit <= 1 {
            passed.push(path.clone());
        }
    }
    println!(
        "validate: {} inputs in {:.1} s",
        inputs.len(),
        t.elapsed().as_secs_f64()
    );
    println!("exit codes: {exits:?}");
    println!("worst time: {:.2} s ({})", worst_secs.0, worst_secs.1);
    println!("worst peak RSS: {} MB ({})", worst_rss.0, worst_rss.1);
    println!("by kind (inputs, worst s, worst MB):");
    for (kind, (n, s, mb)) in &by_kind {
        println!("  {kind:<22} {n:>5} {s:>7.2} {mb:>6}");
    }
    // Render every 25th input that validate read (errors drafted), PDF only.
    let out = dir.path().join("rendered");
    let (mut rendered, mut render_exits) = (0, BTreeMap::<i32, usize>::new());
    let mut worst_render = (0.0, 0);
    for path in passed.iter().step_by(25) {
        let m = run(Command::new(bin)
            .args([
                "--today",
                "2026-11-24",
                "render",
                "--draft",
                "--format",
                "pdf",
            ])
            .args(["--jobs", "1", "--output"])
            .arg(&out)
            .arg(path));
        rendered += 1;
        *render_exits.entry(m.exit).or_default() += 1;
        worst_render.0 = f64::max(worst_render.0, m.secs);
        worst_render.1 = worst_render.1.max(m.peak_rss_mb);
        if !(0..=2).contains(&m.exit) || m.secs >= SLOW_SECS || m.peak_rss_mb >= FAT_MB {
            flagged.push(format!(
                "render {}: exit {}, {:.2} s, {} MB",
                path.display(),
                m.exit,
                m.secs,
                m.peak_rss_mb
            ));
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    println!(
        "render --draft (pdf) on {rendered}: exit codes {render_exits:?}, worst {:.2} s, {} MB",
        worst_render.0, worst_render.1
    );
    uploaded(&inputs, &mut flagged);
    println!("flagged: {}", flagged.len());
    for f in &flagged {
        println!("  {f}");
    }
}

/// Every input uploaded to one `okno serve` (`POST /api/validate`), one after another: the
/// server must answer each (a status it documents) and still serve its page after it.
fn uploaded(inputs: &[(String, PathBuf)], flagged: &mut Vec<String>) {
    let archive = tempfile::tempdir().expect("temp dir");
    let server = serve::Server::start(archive.path(), &[]);
    let mut client = serve::Client::new(&server.url);
    let csrf = client.csrf();
    let t = Instant::now();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut worst = (0.0, String::new());
    for (_, path) in inputs {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(path).expect("input");
        let started = Instant::now();
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let r = client.upload("/api/validate", &[(name.as_str(), bytes)], Some(&csrf));
            let page = client.get("/");
            (r.status, page.status)
        }));
        let secs = started.elapsed().as_secs_f64();
        if secs > worst.0 {
            worst = (secs, name.clone());
        }
        match answer {
            Ok((status, 200)) if [200, 400, 413, 422].contains(&status) => {
                *statuses.entry(status).or_default() += 1;
                if secs >= SLOW_SECS {
                    flagged.push(format!("serve {name}: {secs:.2} s"));
                }
            }
            Ok((status, page)) => {
                flagged.push(format!("serve {name}: answer {status}, page {page}"));
            }
            Err(_) => {
                flagged.push(format!("serve {name}: no answer — the server is gone"));
                break;
            }
        }
    }
    let hwm = std::fs::read_to_string(format!("/proc/{}/status", server.pid()))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<i64>().ok())
            })
        })
        .map(|kb| kb / 1024)
        .unwrap_or(-1);
    println!(
        "serve: {} inputs uploaded to /api/validate in {:.1} s, statuses {statuses:?}, slowest {:.2} s ({}), server peak RSS {hwm} MB, still answering: {}",
        inputs.len(),
        t.elapsed().as_secs_f64(),
        worst.0,
        worst.1,
        client.get("/").status == 200
    );
    if hwm >= FAT_MB {
        flagged.push(format!("serve: peak RSS {hwm} MB"));
    }
}

struct Measured {
    secs: f64,
    peak_rss_mb: i64,
    /// The exit code, or 128 + the signal that ended the child.
    exit: i32,
}

/// Runs a child under `LIMIT_AS` (output discarded) and measures it with wait4.
fn run(cmd: &mut Command) -> Measured {
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: LIMIT_AS,
                rlim_max: LIMIT_AS,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let t = Instant::now();
    #[allow(clippy::zombie_processes)] // reaped by wait4 below
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run okno");
    let pid = child.id() as libc::pid_t;
    // Kills the child if it is still running after `KILL_SECS`; told when it ended.
    let (ended, ended_rx) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        let timeout = std::time::Duration::from_secs(KILL_SECS);
        if ended_rx.recv_timeout(timeout).is_err() {
            // SAFETY: our own child, not yet reaped (the main thread is still in wait4).
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    });
    let mut status = 0;
    // SAFETY: rusage is plain data; zeroed is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child; usage is a valid out-pointer.
    unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let secs = t.elapsed().as_secs_f64();
    let _ = ended.send(());
    let _ = watchdog.join();
    let exit = if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        libc::WEXITSTATUS(status)
    };
    Measured {
        secs,
        peak_rss_mb: usage.ru_maxrss / 1024,
        exit,
    }
}

/// Writes the damaged inputs; each with its kind, for the table.
fn write_inputs(root: &Path, dir: &Path, seed: u64) -> Vec<(String, PathBuf)> {
    let mut rng = Rng::new(seed);
    let mut seeds: Vec<PathBuf> = Vec::new();
    for sub in [
        "fixtures/cases",
        "fixtures/workbooks",
        "fixtures/other-writers",
        "fixtures/register",
        "fixtures/broken",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .filter(|p| okno::ingest::is_input(p))
            .collect();
        files.sort();
        seeds.extend(files);
    }
    let register = dir.join("seed-register.xlsx");
    std::fs::write(
        &register,
        okno::synth::register_xlsx(300, seed).expect("register"),
    )
    .expect("write");
    seeds.push(register);
    let mut out = Vec::new();
    let mut n = 0;
    // Bombs of hundreds of megabytes take seconds to pack: one xlsx and one ods get them.
    let mut heavy_done: Vec<String> = Vec::new();
    let mut put = |kind: &str, ext: &str, bytes: &[u8]| {
        n += 1;
        let path = dir.join(format!("{n:05}-{kind}.{ext}"));
        std::fs::write(&path, bytes).expect("write input");
        out.push((kind.to_string(), path));
    };
    for seed_path in &seeds {
        let bytes = std::fs::read(seed_path).expect("read seed");
        let ext = seed_path
            .extension()
            .unwrap()
            .to_string_lossy()
            .to_lowercase();
        // Truncations and bit flips of the file as it is.
        for _ in 0..6 {
            let cut = rng.below(bytes.len() as u64) as usize;
            put("truncated", &ext, &bytes[..cut]);
        }
        for _ in 0..8 {
            let mut b = bytes.clone();
            for _ in 0..=rng.below(8) {
                let i = rng.below(b.len() as u64) as usize;
                b[i] ^= 1 << rng.below(8);
            }
            put("bit-flip", &ext, &b);
        }
        if ext == "json" || ext == "toml" {
            let text = String::from_utf8_lossy(&bytes).to_string();
            text_mutations(&text, &ext, &mut rng, &mut put);
        } else if ext != "xls" {
            let heavy = !heavy_done.contains(&ext);
            heavy_done.push(ext.clone());
            zip_mutations(&bytes, &ext, heavy, &mut rng, &mut put);
        }
    }
    // Deep nesting, whole-file size.
    for depth in [10, 40, 200, 5_000, 1_000_000] {
        let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        put("deep-json", "json", json.as_bytes());
        let json = format!(
            "{{\"case_id\": \"T-1\", \"x\": {}1{}}}",
            "{\"a\":".repeat(depth),
            "}".repeat(depth)
        );
        put("deep-json", "json", json.as_bytes());
        let toml = format!("x = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
        put("deep-toml", "toml", toml.as_bytes());
        let toml = format!("x = {}1{}\n", "{a = ".repeat(depth), "}".repeat(depth));
        put("deep-toml", "toml", toml.as_bytes());
    }
    let case = std::fs::read_to_string(root.join("fixtures/cases/NSK-2026-0001.json")).unwrap();
    for chars in [20_000, 1_000_000, 20_000_000, 100_000_000] {
        let long = "ж".repeat(chars);
        let json = case.replacen(
            "\"case_id\"",
            &format!("\"grounds_x\": \"{long}\", \"case_id\""),
            1,
        );
        put("huge-json-field", "json", json.as_bytes());
        let at = case.find("\"territory\": \"").map(|i| i + 14).unwrap_or(0);
        let json = format!("{}{long}{}", &case[..at], &case[at..]);
        put("huge-json-field", "json", json.as_bytes());
    }
    out
}

/// Control characters, long strings and broken syntax in a JSON or TOML text.
fn text_mutations(text: &str, ext: &str, rng: &mut Rng, put: &mut dyn FnMut(&str, &str, &[u8])) {
    let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i).collect();
    for _ in 0..6 {
        let at = quotes[rng.below(quotes.len() as u64) as usize] + 1;
        let c = char::from_u32(rng.below(32) as u32).unwrap();
        let mut t = text.to_string();
        t.insert(at, c);
        put("control-char", ext, t.as_bytes());
        let mut t = text.to_string();
        t.insert_str(at, &format!("\\u{:04x}", rng.below(32)));
        put("control-char", ext, t.as_bytes());
    }
    for _ in 0..4 {
        let at = quotes[rng.below(quotes.len() as u64) as usize] + 1;
        let n = [5_000usize, 15_000, 300_000, 3_000_000][rng.below(4) as usize];
        let mut t = text.to_string();
        t.insert_str(at, &"щ".repeat(n));
        put("long-string", ext, t.as_bytes());
    }
    for _ in 0..4 {
        let at = rng.below(text.len() as u64) as usize;
        let at = (0..=at)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        let junk =
            ["{", "[", "]", "}", "\"", ",", ":", "=", "\u{feff}", "\\"][rng.below(10) as usize];
        let mut t = text.to_string();
        t.insert_str(at, junk);
        put("syntax", ext, t.as_bytes());
    }
}

/// The parts of a zip package (xlsx, ods), each with its bytes.
fn unzip(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).ok()?;
        let mut b = Vec::new();
        f.read_to_end(&mut b).ok()?;
        parts.push((f.name().to_string(), b));
    }
    Some(parts)
}

fn rezip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, b) in parts {
        let method = if name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(b.len() > u32::MAX as usize / 2);
        w.start_file(name.as_str(), options).expect("zip entry");
        w.write_all(b).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// Damage inside the package: parts truncated or flipped, far cells, huge and control
/// characters in text, shared-strings bombs, lying counts.
fn zip_mutations(
    bytes: &[u8],
    ext: &str,
    heavy: bool,
    rng: &mut Rng,
    put: &mut dyn FnMut(&str, &str, &[u8]),
) {
    let Some(parts) = unzip(bytes) else { return };
    let xml: Vec<usize> = (0..parts.len())
        .filter(|&i| parts[i].0.ends_with(".xml"))
        .collect();
    let sheets: Vec<usize> = (0..parts.len())
        .filter(|&i| parts[i].0.contains("worksheets/sheet") || parts[i].0 == "content.xml")
        .collect();
    for _ in 0..6 {
        let mut p = parts.clone();
        let i = xml[rng.below(xml.len() as u64) as usize];
        let cut = rng.below(p[i].1.len() as u64 + 1) as usize;
        p[i].1.truncate(cut);
        put("part-truncated", ext, &rezip(&p));
        let mut p = parts.clone();
        let b = &mut p[i].1;
        for _ in 0..=rng.below(4) {
            if !b.is_empty() {
                let j = rng.below(b.len() as u64) as usize;
                b[j] ^= 1 << rng.below(8);
            }
        }
        put("part-bit-flip", ext, &rezip(&p));
    }
    if sheets.is_empty() {
        return;
    }
    // Far cells: the last cell a sheet may have, and beyond.
    for (row, col, cell) in [
        (1_048_576u32, "XFD", "XFD1048576"),
        (1_048_576, "A", "A1048576"),
        (1, "XFD", "XFD1"),
        (70_000, "IW", "IW70000"),
    ] {
        let mut p = parts.clone();
        let i = sheets[rng.below(sheets.len() as u64) as usize];
        let s = String::from_utf8_lossy(&p[i].1).to_string();
        let s = if ext == "ods" {
            let far = format!(
                "<table:table-row table:number-rows-repeated=\"{}\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated=\"{}\"/><table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>",
                row.saturating_sub(100),
                if col == "XFD" { 16383 } else { 0 }
            );
            s.replacen("</table:table>", &format!("{far}</table:table>"), 1)
        } else {
            s.replacen(
                "</sheetData>",
                &format!("<row r=\"{row}\"><c r=\"{cell}\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData>"),
                1,
            )
        };
        let _ = col;
        p[i].1 = s.into_bytes();
        put("far-cell", ext, &rezip(&p));
    }
    // A huge inline string and control characters in a sheet.
    for n in [20_000usize, 2_000_000, 300_000_000] {
        if n > 10_000_000 && !heavy {
            continue;
        }
        let mut p = parts.clone();
        let i = sheets[rng.below(sheets.len() as u64) as usize];
        let s = String::from_utf8_lossy(&p[i].1).to_string();
        let long = "y".repeat(n);
        let s = if ext == "ods" {
            s.replacen("<text:p>", &format!("<text:p>{long}"), 1)
        } else {
            s.replacen(
                "</sheetData>",
                &format!("<row r=\"900\"><c r=\"B900\" t=\"inlineStr\"><is><t>{long}</t></is></c></row></sheetData>"),
                1,
            )
        };
        p[i].1 = s.into_bytes();
        put("huge-cell", ext, &rezip(&p));
    }
    for _ in 0..3 {
        let mut p = parts.clone();
        let i = sheets[rng.below(sheets.len() as u64) as usize];
        let s = String::from_utf8_lossy(&p[i].1).to_string();
        let c = char::from_u32(rng.below(32) as u32).unwrap();
        let s = s.replacen("<t>", &format!("<t>{c}"), 1).replacen(
            "<text:p>",
            &format!("<text:p>&#{};", rng.below(32)),
            1,
        );
        p[i].1 = s.into_bytes();
        put("control-char", ext, &rezip(&p));
    }
    // Shared strings: a bomb, a lying count.
    if let Some(i) = parts
        .iter()
        .position(|(n, _)| n.ends_with("sharedStrings.xml"))
    {
        for n in [70_000_000usize, 1_000_000_000] {
            if n > 100_000_000 && !heavy {
                continue;
            }
            let mut p = parts.clone();
            let s = String::from_utf8_lossy(&p[i].1).to_string();
            let s = s.replacen(
                "</sst>",
                &format!("<si><t>{}</t></si></sst>", "z".repeat(n)),
                1,
            );
            p[i].1 = s.into_bytes();
            put("shared-strings-bomb", ext, &rezip(&p));
        }
        for count in ["4000000000", "99999999999999999999", "-1"] {
            let mut p = parts.clone();
            let s = String::from_utf8_lossy(&p[i].1).to_string();
            let at = s.find("uniqueCount=\"").map(|a| a + 13);
            let s = match at {
                Some(a) => {
                    let end = s[a..].find('"').map_or(a, |e| a + e);
                    format!("{}{count}{}", &s[..a], &s[end..])
                }
                None => s.replacen("<sst ", &format!("<sst uniqueCount=\"{count}\" "), 1),
            };
            p[i].1 = s.into_bytes();
            put("lying-count", ext, &rezip(&p));
        }
    }
}
