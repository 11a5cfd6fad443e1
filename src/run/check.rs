//! The engine's first step, for every command: find the inputs, read them, check each case,
//! apply the rules across the run's inputs, and locate every diagnostic at its file, sheet
//! and cell.

use crate::diagnostic::{Diagnostic, Severity};
use crate::ingest::{self, IngestedCase};
use crate::validate::{self, CaseKey, Settings};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One input file after checking.
#[derive(Debug)]
pub struct FileReport {
    pub file: String,
    /// Why the file could not be read at all (exit status 2).
    pub unreadable: Option<String>,
    pub cases: Vec<CheckedCase>,
    /// Diagnostics about the file as a whole.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug)]
pub struct CheckedCase {
    pub ingested: IngestedCase,
    /// Reading and validation diagnostics, located.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckedCase {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

impl FileReport {
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .chain(self.cases.iter().flat_map(|c| c.diagnostics.iter()))
    }
}

/// Expands folders into the inputs they contain (sorted, so runs are reproducible).
pub fn expand_inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file() && ingest::is_input(e.path()))
                // Office lock files (~$name.xlsx, .~lock.name#) are not inputs.
                .filter(|e| !e.file_name().to_string_lossy().starts_with(['~', '.']))
                .map(|e| e.into_path())
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// Reads and checks one file.
pub fn check_file(path: &Path, settings: &Settings) -> FileReport {
    let mut cases = Vec::new();
    match check_file_each(path, settings, true, &mut |c| cases.push(c)) {
        Err(e) => FileReport {
            file: e.file,
            unreadable: Some(e.message),
            cases: vec![],
            diagnostics: vec![],
        },
        Ok(diagnostics) => FileReport {
            file: path.display().to_string(),
            unreadable: None,
            cases,
            diagnostics,
        },
    }
}

/// Reads and checks one file case by case (a register's rows read, made cases and checked on
/// every core): `each` is handed every case, checked, in the file's order, as soon as it is
/// read. `origin`: keep a register row's own cells (for the archive). Returns the diagnostics
/// about the file as a whole.
pub fn check_file_each(
    path: &Path,
    settings: &Settings,
    origin: bool,
    each: &mut dyn FnMut(CheckedCase),
) -> Result<Vec<Diagnostic>, ingest::Unreadable> {
    let each = ingest::Each {
        origin,
        map: &|ic| check_case(ic, settings),
        each,
    };
    ingest::read_path_with(path, each)
}

/// Validates a case read from an input, each diagnostic located at its file, sheet and cell.
pub fn check_case(ic: IngestedCase, settings: &Settings) -> CheckedCase {
    let mut diagnostics = ic.diagnostics.clone();
    for mut d in validate::validate(&ic.case, settings) {
        ic.source.locate(&mut d);
        // A value refused while reading is already reported at its place; "missing" for
        // the same field would say the same thing twice.
        let said = ic.diagnostics.iter().any(|i| {
            i.severity == Severity::Error && i.pointer == d.pointer && !i.pointer.is_empty()
        });
        if !said {
            diagnostics.push(d);
        }
    }
    CheckedCase {
        ingested: ic,
        diagnostics,
    }
}

/// Checks every input of a run, then applies the rules across them (`run_wide`).
pub fn check_all(paths: &[PathBuf], settings: &Settings) -> Vec<FileReport> {
    let mut reports: Vec<FileReport> = paths.iter().map(|p| check_file(p, settings)).collect();
    let keys: Vec<Vec<CaseKey>> = reports.iter().map(keys).collect();
    let files: Vec<(&str, &[CaseKey])> = reports
        .iter()
        .zip(&keys)
        .map(|(r, k)| (r.file.as_str(), k.as_slice()))
        .collect();
    let found = run_wide(&files);
    for (r, found) in reports.iter_mut().zip(found) {
        attach(r, found);
    }
    reports
}

/// What the rules across a run need of each case of a file.
pub fn keys(report: &FileReport) -> Vec<CaseKey> {
    report
        .cases
        .iter()
        .map(|c| CaseKey::of(&c.ingested.case))
        .collect()
}

/// The rules across a run (I-SAME-ID, I-DUPLICATE) over every input's keys (borrowed: a
/// large run holds them once): for each input, (case index, diagnostic) to `attach`, in case
/// order.
pub fn run_wide(files: &[(&str, &[CaseKey])]) -> Vec<Vec<(usize, Diagnostic)>> {
    let index: Vec<(usize, usize)> = files
        .iter()
        .enumerate()
        .flat_map(|(f, (_, keys))| (0..keys.len()).map(move |c| (f, c)))
        .collect();
    let cases: Vec<(&CaseKey, &str)> = index
        .iter()
        .map(|&(f, c)| (&files[f].1[c], files[f].0))
        .collect();
    let mut out: Vec<Vec<(usize, Diagnostic)>> = files.iter().map(|_| Vec::new()).collect();
    for (i, d) in validate::run_wide(&cases) {
        let (f, c) = index[i];
        out[f].push((c, d));
    }
    for found in &mut out {
        found.sort_by_key(|(c, _)| *c);
    }
    out
}

/// Adds the run-wide diagnostics of one input to its cases, located in the input.
pub fn attach(report: &mut FileReport, found: Vec<(usize, Diagnostic)>) {
    for (c, mut d) in found {
        if let Some(case) = report.cases.get_mut(c) {
            case.ingested.source.locate(&mut d);
            case.diagnostics.push(d);
        }
    }
}
