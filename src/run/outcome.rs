//! What a run found and did, case by case and input by input: data for whoever tells it (the
//! command line's text and report, the page).

use crate::diagnostic::{Diagnostic, Severity};

/// Why a case was not rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Error diagnostics, and no `--draft`.
    Errors,
    /// Its case ID comes from more than one input (I-SAME-ID): not even a draft, whose folder
    /// the other input would share.
    SameId,
    /// The case ID cannot name a folder.
    UnsafeId,
    /// The case's territory is not one the user works for (`Options::scope`).
    Territory,
}

impl Refusal {
    pub fn ru(self) -> &'static str {
        match self {
            Refusal::Errors => "есть ошибки",
            Refusal::SameId => "номер случая повторяется во входных файлах — выберите один",
            Refusal::UnsafeId => "номер случая недопустим для имени папки",
            Refusal::Territory => {
                "территория случая не из ваших: его сохраняет пользователь его территории"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Checked only: the run renders nothing (validate).
    Checked,
    /// Official forms in place and/or the case in the archive.
    Done,
    /// Rendered with the draft mark, not archived.
    Draft,
    Refused(Refusal),
    /// Rendering or writing failed: the run failed.
    Failed(String),
}

/// The archive's answer for a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archived {
    New(u32),
    Unchanged(u32),
}

#[derive(Debug, Clone)]
pub struct CaseOutcome {
    pub case_id: String,
    /// Reading, validation and run-wide diagnostics, located.
    pub diagnostics: Vec<Diagnostic>,
    pub status: Status,
    /// Form files of the case in `out`, written or found with the same bytes.
    pub forms: usize,
    /// Of those, the ones found with the same bytes and left alone.
    pub unchanged: usize,
    pub archived: Option<Archived>,
    /// The archived cases whose child is, or may be, this case's (I-KNOWN): what the page
    /// links and asks about.
    pub known: Vec<crate::index::Match>,
}

impl CaseOutcome {
    /// A case with its diagnostics, nothing rendered yet.
    pub fn checked(case_id: String, diagnostics: Vec<Diagnostic>) -> CaseOutcome {
        CaseOutcome {
            case_id,
            diagnostics,
            status: Status::Checked,
            forms: 0,
            unchanged: 0,
            archived: None,
            known: Vec::new(),
        }
    }

    pub fn has_errors(&self) -> bool {
        crate::diagnostic::has_errors(&self.diagnostics)
    }
}

/// One input after the run.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    pub file: String,
    /// Why the input could not be read at all.
    pub unreadable: Option<String>,
    /// Diagnostics about the input as a whole.
    pub diagnostics: Vec<Diagnostic>,
    pub cases: Vec<CaseOutcome>,
}

impl FileOutcome {
    /// An input before its cases.
    pub fn head(file: String, unreadable: Option<String>, diagnostics: Vec<Diagnostic>) -> Self {
        FileOutcome {
            file,
            unreadable,
            diagnostics,
            cases: Vec::new(),
        }
    }

    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .chain(self.cases.iter().flat_map(|c| c.diagnostics.iter()))
    }

    /// The unreadable-input problem as a diagnostic (I-FILE), for JSON output.
    pub fn unreadable_diagnostic(&self) -> Option<Diagnostic> {
        self.unreadable.as_ref().map(|m| {
            let mut d = Diagnostic::error("I-FILE", "", m.clone());
            d.file = self.file.clone();
            d
        })
    }
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<FileOutcome>,
    /// The logs in `out`: files written or found unchanged.
    pub logs: usize,
    pub logs_unchanged: usize,
    /// Writes outside any one case that failed (the logs).
    pub failures: Vec<String>,
    pub seconds: f64,
}

impl Outcome {
    pub fn cases(&self) -> impl Iterator<Item = (&FileOutcome, &CaseOutcome)> {
        self.files
            .iter()
            .flat_map(|f| f.cases.iter().map(move |c| (f, c)))
    }
}

/// The counts of a run that only checks.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub files: usize,
    pub cases: usize,
    pub errors: usize,
    pub warnings: usize,
    pub unreadable: usize,
    /// Inputs (as a whole) and cases with errors.
    pub with_errors: usize,
}

/// A line of `Severity` counts: (errors, warnings).
pub fn count<'a>(diags: impl Iterator<Item = &'a Diagnostic>) -> (usize, usize) {
    let (mut e, mut w) = (0, 0);
    for d in diags {
        match d.severity {
            Severity::Error => e += 1,
            Severity::Warning => w += 1,
        }
    }
    (e, w)
}
