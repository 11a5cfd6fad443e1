//! The register at scale (issue 14, item 5): for each size, a generated register (one child
//! per row, Oct–Nov 2026) read bare by calamine and run through `okno validate`, `render`,
//! `archive` and `quarter`, each a child process measured from outside (wall time, CPU time
//! and peak RSS from wait4); then how each grows from one size to the next, and `validate` on
//! 1,000 notifications about one child (I-DUPLICATE). Prints figures only.
//!
//! cargo build --release && cargo bench --bench scale [-- 10000 100000]
//! OKNO_SCALE_STEPS=range,cells,validate   only these steps (default: all of
//!     range,cells,validate,render,archive,quarter,repeats); render of 100,000 rows takes long
//! OKNO_SCALE_REPEATS=1000                 rows of the one-child register
//! OKNO_BIN=/path/okno                     another binary (default target/release/okno)

mod common;

use common::Measured;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

// The same allocator as okno's, so the bare read's RSS compares with validate's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TODAY: &str = "01.12.2026";
const SEED: u64 = 42;
/// Set (to `range` or `cells`) when this binary runs itself as the bare read, or to `write`
/// when it writes a register: the figures of a child (wait4's peak RSS) include what its
/// parent held when it was started, so the parent itself never holds much.
const CHILD: &str = "OKNO_SCALE_CHILD";
const STEPS: &[(&str, &str)] = &[
    ("range", "calamine worksheet_range"),
    ("cells", "calamine cells reader"),
    ("validate", "okno validate"),
    ("render", "okno render"),
    ("archive", "okno archive"),
    ("quarter", "okno quarter 2026-Q4"),
];

fn main() {
    if let Ok(mode) = std::env::var(CHILD) {
        let args: Vec<String> = std::env::args().collect();
        let path = Path::new(&args[1]);
        if mode == "write" {
            let rows = args[2].parse().expect("rows");
            let repeat = args.get(3).map(|n| n.parse().expect("repeat every"));
            okno::synth::write_register(path, rows, SEED, repeat).unwrap();
        } else {
            bare_read(&mode, path);
        }
        return;
    }
    let sizes = common::sizes(&[10_000, 100_000]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let okno = root.join(std::env::var("OKNO_BIN").unwrap_or("target/release/okno".into()));
    assert!(
        okno.exists(),
        "build the binary first: cargo build --release"
    );
    let wanted: Vec<String> = match std::env::var("OKNO_SCALE_STEPS") {
        Ok(list) => list.split(',').map(|s| s.trim().to_string()).collect(),
        Err(_) => STEPS
            .iter()
            .map(|(s, _)| s.to_string())
            .chain(["repeats".into()])
            .collect(),
    };
    let on = |step: &str| wanted.iter().any(|w| w == step);
    let skipped: Vec<&str> = STEPS
        .iter()
        .map(|(s, _)| *s)
        .chain(["repeats"])
        .filter(|s| !on(s))
        .collect();
    if !skipped.is_empty() {
        println!("skipped (OKNO_SCALE_STEPS): {}", skipped.join(", "));
    }
    if on("quarter") && !on("archive") {
        println!("quarter needs the archive step: skipped too");
    }
    println!(
        "binary {}, --today {TODAY}, {} cores",
        okno.display(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let mut runs: Vec<(usize, Vec<Option<Measured>>)> = Vec::new();
    for &rows in &sizes {
        let dir = tempfile::tempdir().unwrap();
        let reg = dir.path().join("register.xlsx");
        let t = Instant::now();
        write_register(&reg, rows, None);
        println!(
            "\n{rows} rows: register {:.1} MB, written in {:.1} s",
            mb(&reg),
            t.elapsed().as_secs_f64()
        );
        println!(
            "  {:<26} {:>8} {:>8} {:>7} {:>8} {:>4}",
            "step", "wall s", "user s", "sys s", "RSS MB", "exit"
        );
        let mut got: Vec<Option<Measured>> = Vec::new();
        for (step, label) in STEPS {
            let runs_it = on(step) && (*step != "quarter" || on("archive"));
            let m = runs_it.then(|| run_step(step, &okno, &reg, dir.path()));
            if let Some((m, note)) = &m {
                let note = match *step {
                    "validate" => match &got[0] {
                        Some(r) => format!("{note}; ×{:.1} the range read", m.secs / r.secs),
                        None => note.clone(),
                    },
                    _ => note.clone(),
                };
                let line = format!(
                    "  {label:<26} {:>8.2} {:>8.2} {:>7.2} {:>8} {:>4}  {note}",
                    m.secs, m.user_secs, m.sys_secs, m.peak_rss_mb, m.exit
                );
                println!("{}", line.trim_end());
            }
            got.push(m.map(|(m, _)| m));
        }
        runs.push((rows, got));
    }
    summary(&runs);
    if on("repeats") {
        repeats(&okno);
    }
}

/// One step on the register `reg`, with its outputs under `dir`; returns the measure and a
/// note on what it did.
fn run_step(step: &str, okno: &Path, reg: &Path, dir: &Path) -> (Measured, String) {
    let (out, archive, quarter) = (dir.join("out"), dir.join("archive"), dir.join("quarter"));
    let okno_cmd = |args: &[&str]| {
        let mut c = Command::new(okno);
        c.args(args);
        c
    };
    match step {
        "range" | "cells" => {
            let mut c = Command::new(std::env::current_exe().unwrap());
            c.env(CHILD, step).arg(reg);
            (common::measure(&mut c), String::new())
        }
        "validate" => {
            // Its report to a file: the last line gives the errors and warnings.
            let report = dir.join("validate.txt");
            let m = common::measure_to(
                okno_cmd(&["validate"]).arg(reg).args(["--today", TODAY]),
                std::fs::File::create(&report).unwrap().into(),
            );
            let text = std::fs::read_to_string(&report).unwrap_or_default();
            let total = text.lines().last().unwrap_or("").to_string();
            (m, total)
        }
        "render" => {
            let m = common::measure(
                okno_cmd(&["render"])
                    .arg(reg)
                    .arg("-o")
                    .arg(&out)
                    .args(["--today", TODAY]),
            );
            (m, format!("{} files", files(&out)))
        }
        "archive" => {
            let m = common::measure(
                okno_cmd(&["archive"])
                    .arg(reg)
                    .arg("--archive")
                    .arg(&archive)
                    .args(["--today", TODAY]),
            );
            (m, format!("{} files", files(&archive)))
        }
        "quarter" => {
            let m = common::measure(
                okno_cmd(&["quarter", "2026-Q4", "--archive"])
                    .arg(&archive)
                    .arg("-o")
                    .arg(&quarter)
                    .args(["--today", TODAY]),
            );
            (m, format!("{} files", files(&quarter)))
        }
        _ => unreachable!("{step}"),
    }
}

/// `synth::write_register` in a child process (see `CHILD`).
fn write_register(path: &Path, rows: usize, repeat_every: Option<usize>) {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.env(CHILD, "write").arg(path).arg(rows.to_string());
    if let Some(n) = repeat_every {
        c.arg(n.to_string());
    }
    assert!(c.status().unwrap().success(), "writing the register failed");
}

/// The child: open the workbook and read the register sheet, nothing else.
fn bare_read(mode: &str, path: &Path) {
    use calamine::{Reader, Xlsx, open_workbook};
    let sheet = okno::sheet_layouts::REGISTER_SHEET;
    let mut book: Xlsx<_> = open_workbook(path).expect("open");
    let cells = match mode {
        "range" => {
            let range = book.worksheet_range(sheet).expect("range");
            range.used_cells().count()
        }
        "cells" => {
            let mut reader = book.worksheet_cells_reader(sheet).expect("reader");
            let mut n = 0usize;
            while reader.next_cell().expect("cell").is_some() {
                n += 1;
            }
            n
        }
        _ => panic!("{CHILD}={mode}: range or cells"),
    };
    println!("{cells} cells");
}

/// All sizes side by side, then how each step grows from one size to the next.
fn summary(runs: &[(usize, Vec<Option<Measured>>)]) {
    if runs.len() < 2 {
        return;
    }
    print!("\n{:<26}", "wall s / peak RSS MB");
    for (rows, _) in runs {
        print!(" {:>18}", format!("{rows} rows"));
    }
    println!();
    for (i, (_, label)) in STEPS.iter().enumerate() {
        print!("{label:<26}");
        for (_, got) in runs {
            match &got[i] {
                Some(m) => print!(
                    " {:>18}",
                    format!("{:.2} s {:>5} MB", m.secs, m.peak_rss_mb)
                ),
                None => print!(" {:>18}", "—"),
            }
        }
        println!();
    }
    for pair in runs.windows(2) {
        let ((a, ra), (b, rb)) = (&pair[0], &pair[1]);
        println!(
            "\ngrowth {a} → {b} rows (rows ×{:.1}): time ×, RSS MB",
            *b as f64 / *a as f64
        );
        for (i, (_, label)) in STEPS.iter().enumerate() {
            if let (Some(x), Some(y)) = (&ra[i], &rb[i]) {
                println!(
                    "  {label:<26} ×{:<7.1} {:>6} → {} MB",
                    y.secs / x.secs,
                    x.peak_rss_mb,
                    y.peak_rss_mb
                );
            }
        }
    }
}

/// `okno validate --format json` on a register of notifications all about one child (each
/// I-DUPLICATE message names every other row): its time and its longest message.
fn repeats(okno: &Path) {
    let rows: usize = std::env::var("OKNO_SCALE_REPEATS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("repeats.xlsx");
    write_register(&reg, rows, Some(1));
    let json = dir.path().join("validate.jsonl");
    let m = common::measure_to(
        Command::new(okno)
            .arg("validate")
            .arg(&reg)
            .args(["--format", "json", "--today", TODAY]),
        std::fs::File::create(&json).unwrap().into(),
    );
    let text = std::fs::read_to_string(&json).unwrap_or_default();
    let longest = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("message")?.as_str().map(|s| s.chars().count()))
        .max()
        .unwrap_or(0);
    let duplicates = text.lines().filter(|l| l.contains("I-DUPLICATE")).count();
    println!(
        "\n{rows} notifications about one child: validate {:.2} s wall, peak RSS {} MB, exit {}; \
         {} lines ({duplicates} I-DUPLICATE), {:.1} MB of JSON, longest message {longest} characters",
        m.secs,
        m.peak_rss_mb,
        m.exit,
        text.lines().count(),
        text.len() as f64 / 1e6
    );
}

fn mb(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0, |m| m.len()) as f64 / 1e6
}

fn files(dir: &PathBuf) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count()
}
