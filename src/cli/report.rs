//! The report of `okno batch`, `RESULTS/отчет.xlsx`: one row per case, or per input that gave
//! none, with its state, counts, archive version and first problems — for the secretary to
//! work through. The same rows are the `--json` lines.

use okno::diagnostic::{Diagnostic, Severity};
use okno::run::{Archived, FileOutcome, Status};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One row of the report: a case, or an input that gave none.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub file: String,
    pub case_id: String,
    /// «оформлен», «черновик», «ошибки», «не читается», «сбой записи».
    pub status: &'static str,
    pub errors: usize,
    pub warnings: usize,
    pub forms: usize,
    /// The archive version written or found unchanged.
    pub archive: Option<String>,
    /// The first problems, for the secretary.
    pub notes: String,
    #[serde(skip)]
    pub failed: bool,
}

pub const RENDERED: &str = "оформлен";
pub const DRAFT: &str = "черновик";
pub const ERRORS: &str = "ошибки";
pub const UNREADABLE: &str = "не читается";
pub const FAILED: &str = "сбой записи";

/// The first problems, errors first, each at its place.
fn notes(diags: &[&Diagnostic]) -> String {
    let mut list = diags.to_vec();
    list.sort_by_key(|d| std::cmp::Reverse(d.severity));
    list.iter()
        .take(5)
        .map(|d| {
            let place = d.place();
            if place.is_empty() {
                format!("[{}] {}", d.rule, d.message)
            } else {
                format!("[{}] {} ({place})", d.rule, d.message)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rows of the inputs of a run, in order.
pub fn rows(files: &[FileOutcome]) -> Vec<Row> {
    files.iter().flat_map(file_rows).collect()
}

/// The rows of one input: one per case, or one for an input that gave none.
pub fn file_rows(f: &FileOutcome) -> Vec<Row> {
    let row = |case_id: &str, status, diags: &[&Diagnostic]| {
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Row {
            file: f.file.clone(),
            case_id: case_id.to_string(),
            status,
            errors,
            warnings: diags.len() - errors,
            forms: 0,
            archive: None,
            notes: notes(diags),
            failed: false,
        }
    };
    if let Some(m) = &f.unreadable {
        let mut r = row("", UNREADABLE, &[]);
        r.errors = 1;
        r.notes = m.clone();
        return vec![r];
    }
    if f.cases.is_empty() {
        let diags: Vec<&Diagnostic> = f.diagnostics.iter().collect();
        let mut r = row("", RENDERED, &diags);
        if r.errors > 0 {
            r.status = ERRORS;
        } else {
            r.notes = "случаев нет".into();
        }
        return vec![r];
    }
    f.cases
        .iter()
        .map(|c| {
            let diags: Vec<&Diagnostic> = f.diagnostics.iter().chain(&c.diagnostics).collect();
            let mut r = row(&c.case_id, ERRORS, &diags);
            r.forms = c.forms;
            r.archive = c.archived.map(|a| match a {
                Archived::New(v) => format!("v{v} (новая)"),
                Archived::Unchanged(v) => format!("v{v} (без изменений)"),
            });
            match &c.status {
                Status::Done | Status::Checked => r.status = RENDERED,
                Status::Draft => r.status = DRAFT,
                Status::Refused(_) => {}
                Status::Failed(e) => {
                    r.status = FAILED;
                    r.failed = true;
                    r.notes = e.clone();
                }
            }
            r
        })
        .collect()
}

/// Why the report was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}: {source}", .path.display())]
    Xlsx {
        path: PathBuf,
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// `out/отчет.xlsx`, written whole and only when its bytes change; its path.
pub fn write(rows: &[Row], out: &Path) -> Result<PathBuf, WriteError> {
    let path = out.join("отчет.xlsx");
    let bytes = report_xlsx(rows).map_err(|source| WriteError::Xlsx {
        path: path.clone(),
        source,
    })?;
    match okno::files::write_if_changed(&path, &bytes) {
        Ok(_) => Ok(path),
        Err(source) => Err(WriteError::Io { path, source }),
    }
}

/// The secretary's report: one row per case (or per input that gave none).
fn report_xlsx(rows: &[Row]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Format;
    // Fixed properties, so the same rows give the same bytes and a rerun rewrites nothing.
    let mut book = okno::render::xlsx::new_book();
    let ws = book.add_worksheet();
    ws.set_name("Отчет")?;
    let bold = okno::render::xlsx::header_format();
    let wrap = Format::new().set_text_wrap();
    let headers = [
        "Файл",
        "Номер случая",
        "Состояние",
        "Ошибок",
        "Предупреждений",
        "Оформлено форм",
        "Архив",
        "Замечания",
    ];
    let widths = [40.0, 18.0, 14.0, 9.0, 15.0, 15.0, 22.0, 90.0];
    for (c, (h, w)) in headers.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, w)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, &r.file)?;
        ws.write_string(row, 1, &r.case_id)?;
        ws.write_string(row, 2, r.status)?;
        ws.write_number(row, 3, r.errors as f64)?;
        ws.write_number(row, 4, r.warnings as f64)?;
        ws.write_number(row, 5, r.forms as f64)?;
        ws.write_string(row, 6, r.archive.as_deref().unwrap_or(""))?;
        ws.write_string_with_format(row, 7, &r.notes, &wrap)?;
    }
    ws.autofilter(0, 0, rows.len() as u32, headers.len() as u16 - 1)?;
    ws.set_freeze_panes(1, 0)?;
    okno::render::xlsx::saved(&mut book)
}
