//! Diagnostics: what is wrong, which rule says so, and where — file, sheet and cell for a
//! spreadsheet, a JSON pointer for a case file — in words a secretary understands.

use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn ru(self) -> &'static str {
        match self {
            Severity::Error => "ошибка",
            Severity::Warning => "предупреждение",
        }
    }
}

/// One finding. `pointer` is the JSON pointer of the value in the case model (the same as in
/// a JSON case file); ingest resolves it to a file, sheet and cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub pointer: String,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: String::new(),
            sheet: None,
            cell: None,
            pointer: pointer.into(),
            rule,
            severity,
            message: message.into(),
        }
    }
    pub fn error(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(rule, Severity::Error, pointer, message)
    }
    pub fn warning(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(rule, Severity::Warning, pointer, message)
    }

    /// `Лист «Извещение», B7`, or the pointer for case files.
    pub fn place(&self) -> String {
        match (&self.sheet, &self.cell) {
            (Some(s), Some(c)) => format!("лист «{s}», {c}"),
            (Some(s), None) => format!("лист «{s}»"),
            _ if !self.pointer.is_empty() => self.pointer.clone(),
            _ => String::new(),
        }
    }

    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// The human report: diagnostics grouped by file, errors first, then a count line.
pub fn render_text(diags: &[Diagnostic], files: &[String]) -> String {
    let mut out = String::new();
    for file in files {
        let mut mine: Vec<&Diagnostic> = diags.iter().filter(|d| &d.file == file).collect();
        let errors = mine
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = mine.len() - errors;
        let status = match (errors, warnings) {
            (0, 0) => "ошибок нет".to_string(),
            _ => format!("ошибок: {errors}, предупреждений: {warnings}"),
        };
        let _ = writeln!(out, "{file}: {status}");
        mine.sort_by_key(|d| std::cmp::Reverse(d.severity));
        for d in mine {
            let place = d.place();
            let _ = writeln!(out, "  {}[{}]: {}", d.severity.ru(), d.rule, d.message);
            if !place.is_empty() {
                let _ = writeln!(out, "    --> {place}");
            }
        }
    }
    out
}
