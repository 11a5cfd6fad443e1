//! The exit status of each command, as an error for `main` to print (README, «Коды выхода»):
//! 2 when a write failed or the call cannot be carried out, or an input cannot be read (unless
//! the command lists it as one more input with errors); 1 when an input has errors.

use okno::error::Error;
use okno::report::Written;
use okno::run::{self, Outcome, Status, Totals};

use super::term::outln;

/// Why the engine could not run at all.
pub fn engine(e: run::Error) -> Error {
    match e {
        run::Error::NoInputs => Error::Usage(e.to_string()),
        other => Error::Failed(other.to_string()),
    }
}

/// A run's exit status; `unreadable_fails`: an unreadable input is exit 2 (a batch lists it as
/// one more input with errors instead).
pub fn of_run(outcome: &Outcome, unreadable_fails: bool) -> okno::error::Result<()> {
    let failed = outcome
        .cases()
        .filter(|(_, c)| matches!(c.status, Status::Failed(_)))
        .count()
        + outcome.failures.len();
    let unreadable = outcome
        .files
        .iter()
        .filter(|f| f.unreadable.is_some())
        .count();
    let with_errors = outcome
        .files
        .iter()
        .filter(|f| okno::diagnostic::has_errors(&f.diagnostics))
        .count()
        + outcome.cases().filter(|(_, c)| c.has_errors()).count();
    verdict(failed, unreadable, with_errors, unreadable_fails)
}

/// A run that only checks: as `of_run`.
pub fn of_check(totals: &Totals, unreadable_fails: bool) -> okno::error::Result<()> {
    verdict(0, totals.unreadable, totals.with_errors, unreadable_fails)
}

/// The exit status of `failed` writes, `unreadable` inputs, inputs and cases `with_errors`.
fn verdict(
    failed: usize,
    unreadable: usize,
    with_errors: usize,
    unreadable_fails: bool,
) -> okno::error::Result<()> {
    if failed > 0 {
        return Err(Error::Failed(format!("сбоев записи: {failed}")));
    }
    if unreadable > 0 && unreadable_fails {
        return Err(Error::Unreadable(format!(
            "не читается файлов: {unreadable}"
        )));
    }
    let mut parts = Vec::new();
    if with_errors > 0 {
        parts.push(format!("случаев с ошибками: {with_errors}"));
    }
    if unreadable > 0 {
        parts.push(format!("не читается файлов: {unreadable}"));
    }
    if parts.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "найдены ошибки ({}) — они перечислены выше",
            parts.join(", ")
        )))
    }
}

/// «записан …» for each file in place, «ошибка записи: …» for each that is not; exit 2 when
/// one is not.
pub fn print_written(w: &Written) -> okno::error::Result<()> {
    for f in &w.files {
        outln!("записан {}", f.display());
    }
    for e in &w.failures {
        outln!("ошибка записи: {e}");
    }
    if w.failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed(format!(
            "не записано файлов: {}",
            w.failures.len()
        )))
    }
}
