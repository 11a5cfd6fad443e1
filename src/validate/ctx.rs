//! What every group of checks writes to: the case, the run's date and the diagnostics found.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Case, Date};

/// Collects diagnostics for one case.
pub(super) struct Ctx<'a> {
    pub case: &'a Case,
    pub today: Date,
    pub out: Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub fn error(
        &mut self,
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.out
            .push(Diagnostic::new(rule, Severity::Error, pointer, message));
    }
    pub fn warning(
        &mut self,
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.out
            .push(Diagnostic::new(rule, Severity::Warning, pointer, message));
    }
}

/// Calendar days from `a` to `b`.
pub(super) fn days(a: Date, b: Date) -> i64 {
    (b.0 - a.0).num_days()
}

pub(super) fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}
