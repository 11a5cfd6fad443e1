//! The shared first half of every command: find the inputs, read them, check each case,
//! link duplicates across the run, and locate every diagnostic at its file, sheet and cell.

use crate::diagnostic::{Diagnostic, Severity};
use crate::ingest::{self, IngestedCase};
use crate::validate::{self, Settings};
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
    match ingest::read_path(path) {
        Err(e) => FileReport {
            file: e.file,
            unreadable: Some(e.message),
            cases: vec![],
            diagnostics: vec![],
        },
        Ok(ing) => {
            let cases = ing
                .cases
                .into_iter()
                .map(|ic| {
                    let mut diagnostics = ic.diagnostics.clone();
                    for mut d in validate::validate(&ic.case, settings) {
                        ic.source.locate(&mut d);
                        // A value refused while reading is already reported at its place;
                        // "missing" for the same field would say the same thing twice.
                        let said = ic.diagnostics.iter().any(|i| {
                            i.severity == Severity::Error
                                && i.pointer == d.pointer
                                && !i.pointer.is_empty()
                        });
                        if !said {
                            diagnostics.push(d);
                        }
                    }
                    CheckedCase {
                        ingested: ic,
                        diagnostics,
                    }
                })
                .collect();
            FileReport {
                file: ing.file,
                unreadable: None,
                cases,
                diagnostics: ing.diagnostics,
            }
        }
    }
}

/// Checks every input of a run, then links duplicate notifications across all of them.
pub fn check_all(paths: &[PathBuf], settings: &Settings) -> Vec<FileReport> {
    let mut reports: Vec<FileReport> = paths.iter().map(|p| check_file(p, settings)).collect();
    link_duplicates(&mut reports);
    reports
}

/// I-DUPLICATE across the run: each case is told about the other sources.
pub fn link_duplicates(reports: &mut [FileReport]) {
    let index: Vec<(usize, usize)> = reports
        .iter()
        .enumerate()
        .flat_map(|(f, r)| (0..r.cases.len()).map(move |c| (f, c)))
        .collect();
    let found = {
        let cases: Vec<(&crate::model::Case, &str)> = index
            .iter()
            .map(|&(f, c)| (&reports[f].cases[c].ingested.case, reports[f].file.as_str()))
            .collect();
        validate::duplicates(&cases)
    };
    for (i, mut d) in found {
        let (f, c) = index[i];
        let case = &mut reports[f].cases[c];
        case.ingested.source.locate(&mut d);
        case.diagnostics.push(d);
    }
}

/// Exit status of a check: 2 when a file could not be read, 1 when errors were found.
pub fn exit_status(reports: &[FileReport]) -> i32 {
    if reports.iter().any(|r| r.unreadable.is_some()) {
        2
    } else if reports
        .iter()
        .any(|r| r.all_diagnostics().any(|d| d.severity == Severity::Error))
    {
        1
    } else {
        0
    }
}

/// The unreadable-file problem as a diagnostic, for the JSON output.
pub fn unreadable_diagnostic(r: &FileReport) -> Option<Diagnostic> {
    r.unreadable.as_ref().map(|m| {
        let mut d = Diagnostic::error("I-FILE", "", m.clone());
        d.file = r.file.clone();
        d
    })
}
