//! What a run says to a person: the problems of each input at their places (as `validate`
//! prints them, and `render`, `archive` and `demo` before their own lines), then what was
//! rendered or archived.

use okno::diagnostic::Diagnostic;
use okno::run::{Archived, CaseOutcome, FileOutcome, Outcome, Refusal, Status, count};
use std::fmt::Write as _;
use std::path::Path;

/// Each input with its counts and every problem at its place, errors first; a total line.
pub fn checks(files: &[FileOutcome]) -> String {
    let mut out = String::new();
    let (mut cases, mut errors, mut warnings) = (0, 0, 0);
    for f in files {
        let (e, w) = count(f.all_diagnostics());
        file_head(&mut out, f, f.cases.len(), e, w);
        if f.unreadable.is_some() {
            continue;
        }
        cases += f.cases.len();
        errors += e;
        warnings += w;
        for c in &f.cases {
            case_problems(&mut out, c);
        }
    }
    total(&mut out, files.len(), cases, errors, warnings);
    out
}

/// An input's line — why it cannot be read, or its counts — and its problems as a whole.
pub fn file_head(out: &mut String, f: &FileOutcome, cases: usize, errors: usize, warnings: usize) {
    if let Some(m) = &f.unreadable {
        let _ = writeln!(out, "{}: не удалось прочитать — {m}", f.file);
        return;
    }
    let _ = writeln!(
        out,
        "{}: случаев {cases}, ошибок {errors}, предупреждений {warnings}",
        f.file
    );
    problems(out, &f.diagnostics, "  ");
}

/// A case's problems under its ID; nothing for a case without any.
pub fn case_problems(out: &mut String, c: &CaseOutcome) {
    if c.diagnostics.is_empty() {
        return;
    }
    let id = if c.case_id.is_empty() {
        "(без номера)"
    } else {
        &c.case_id
    };
    let _ = writeln!(out, "  случай {id}:");
    problems(out, &c.diagnostics, "    ");
}

/// The line of the run's counts.
pub fn total(out: &mut String, files: usize, cases: usize, errors: usize, warnings: usize) {
    let _ = writeln!(
        out,
        "Итого: файлов {files}, случаев {cases}, ошибок {errors}, предупреждений {warnings}"
    );
}

fn problems(out: &mut String, list: &[Diagnostic], indent: &str) {
    let mut list: Vec<&Diagnostic> = list.iter().collect();
    list.sort_by_key(|d| std::cmp::Reverse(d.severity));
    for d in list {
        let _ = writeln!(
            out,
            "{indent}{}[{}]: {}",
            d.severity.ru(),
            d.rule,
            d.message
        );
        let place = d.place();
        if !place.is_empty() {
            let _ = writeln!(out, "{indent}  --> {place}");
        }
    }
}

/// After the checks, for `render` and `demo`: the cases not rendered and why, the failed
/// writes, what was rendered.
pub fn rendered(outcome: &Outcome, out: &Path) -> String {
    let mut text = String::new();
    let (mut cases, mut files, mut same) = (0, outcome.logs, outcome.logs_unchanged);
    for (f, c) in outcome.cases() {
        match &c.status {
            Status::Refused(r) => {
                let why = match r {
                    Refusal::Errors => {
                        "есть ошибки — официальные формы не оформляются (черновик: --draft)"
                    }
                    other => other.ru(),
                };
                let _ = writeln!(text, "не оформлен: {}, случай {}: {why}", f.file, c.case_id);
            }
            Status::Failed(e) => {
                let _ = writeln!(text, "ошибка записи: {}, случай {}: {e}", f.file, c.case_id);
            }
            Status::Done | Status::Draft => {
                cases += 1;
                files += c.forms;
                same += c.unchanged;
            }
            Status::Checked => {}
        }
    }
    for e in &outcome.failures {
        let _ = writeln!(text, "ошибка записи: {e}");
    }
    let _ = write!(
        text,
        "Оформлено случаев: {cases}, файлов: {files} (в {})",
        out.display()
    );
    if same > 0 {
        let _ = write!(text, "; без изменений, не переписаны: {same}");
    }
    text.push('\n');
    text
}

/// After the checks, for `archive`: the cases not stored and why, each case's version, the
/// totals.
pub fn archived(outcome: &Outcome, root: &Path) -> String {
    let mut text = String::new();
    let (mut created, mut unchanged, mut missed) = (0, 0, 0);
    for (f, c) in outcome.cases() {
        if let Status::Refused(r) = &c.status {
            missed += 1;
            let _ = writeln!(
                text,
                "не сохранен: {}, случай {}: {}",
                f.file,
                c.case_id,
                r.ru()
            );
        }
    }
    for (_, c) in outcome.cases() {
        let id = &c.case_id;
        match (&c.status, c.archived) {
            (Status::Failed(e), _) => {
                missed += 1;
                let _ = writeln!(text, "{id}: ошибка записи — {e}");
            }
            (_, Some(Archived::New(v))) => {
                created += 1;
                let _ = writeln!(text, "{id}: записана версия v{v}");
            }
            (_, Some(Archived::Unchanged(v))) => {
                unchanged += 1;
                let _ = writeln!(text, "{id}: без изменений (v{v})");
            }
            _ => {}
        }
    }
    let _ = writeln!(
        text,
        "Архив {}: новых версий {created}, без изменений {unchanged}, не сохранено {missed}",
        root.display()
    );
    text
}
