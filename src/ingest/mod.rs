//! Ingest: a file (JSON, TOML, case workbook, register) becomes `Case` values, each with a
//! `SourceMap` that remembers where every value came from so that a diagnostic about the
//! model can point at the file, sheet and cell.
//!
//! Every reader first builds a JSON value shaped like the model and then goes through one
//! deserialization (`case_from_value`), so a date or an option is read the same way whatever
//! the input. A value that cannot be read is reported at its place and left out; the rest of
//! the case is still read and checked.

pub mod bounds;
pub(crate) mod cells;
mod deserialize;
mod ingested;
mod json;
mod pointer;
mod register;
mod sheet;
mod source;
mod window;
mod workbook;

use crate::diagnostic::Diagnostic;
use ingested::size_error;
use std::path::Path;

pub use cells::address as cells_address;
pub use deserialize::case_from_value;
pub use ingested::{Each, Ingested, IngestedCase, Unreadable};
pub use source::{RowColumns, SourceMap};
pub use window::{SheetWindow, WindowError, sheet_window};

/// A file refused as a whole for its size (I-SIZE), with nothing read from it.
fn refused(file: &str, message: String) -> Vec<Diagnostic> {
    let mut d = size_error("", message);
    d.file = file.to_string();
    vec![d]
}

/// Reads any input okno understands, by its extension.
pub fn read_path(path: &Path) -> Result<Ingested, Unreadable> {
    let mut cases = Vec::new();
    let diagnostics = read_path_each(path, &mut |c| cases.push(c))?;
    Ok(Ingested {
        file: path.display().to_string(),
        cases,
        diagnostics,
    })
}

/// Reads any input case by case: `each` is handed every case as soon as it is read — a
/// register one row at a time, streamed from the file — so an input of any length is never
/// held whole. Returns the diagnostics about the file as a whole.
pub fn read_path_each(
    path: &Path,
    each: &mut dyn FnMut(IngestedCase),
) -> Result<Vec<Diagnostic>, Unreadable> {
    read_path_with(
        path,
        Each {
            origin: true,
            map: &|c| c,
            each,
        },
    )
}

/// `read_path_each` with a step on the reading threads (`Each`).
pub fn read_path_with<T: Send>(path: &Path, each: Each<T>) -> Result<Vec<Diagnostic>, Unreadable> {
    let file = path.display().to_string();
    let unreadable = |e: std::io::Error| Unreadable {
        file: file.clone(),
        message: format!("не удалось прочитать файл: {}", io_reason(&e)),
    };
    if !is_spreadsheet(path) {
        let size = std::fs::metadata(path).map_err(unreadable)?.len();
        if size > bounds::MAX_TEXT_INPUT_BYTES {
            return Ok(refused(&file, too_large(size)));
        }
        let bytes = std::fs::read(path).map_err(unreadable)?;
        return read_bytes(&file, &bytes).map(|ing| {
            for c in ing.cases {
                (each.each)((each.map)(c));
            }
            ing.diagnostics
        });
    }
    let opened = std::fs::File::open(path).map_err(unreadable)?;
    if let Err(refusal) = bounds::check_package(std::io::BufReader::new(opened)) {
        return Ok(refused(&file, refusal.to_string()));
    }
    guarded(&file, || {
        let book = sheet::open_book(|| {
            std::fs::File::open(path)
                .map(std::io::BufReader::new)
                .map_err(calamine::Error::Io)
        });
        workbook::read_workbook_each(&file, book, each)
    })
}

fn is_spreadsheet(path: &Path) -> bool {
    matches!(extension(path).as_str(), "xlsx" | "xlsm" | "xls" | "ods")
}

/// calamine parses untrusted archives; a panic in it must not take the batch down.
fn guarded(
    file: &str,
    read: impl FnOnce() -> Result<Vec<Diagnostic>, Unreadable>,
) -> Result<Vec<Diagnostic>, Unreadable> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(Unreadable {
            file: file.to_string(),
            message: "файл таблицы повреждён и не может быть прочитан".to_string(),
        })
    })
}

/// The kinds of input, by file extension.
pub fn is_input(path: &Path) -> bool {
    matches!(
        extension(path).as_str(),
        "json" | "toml" | "xlsx" | "xlsm" | "xls" | "ods"
    )
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase()
}

/// Reads an input from memory; `name` gives its kind by extension and names it in messages.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<Ingested, Unreadable> {
    let unreadable = |message: String| Unreadable {
        file: name.to_string(),
        message,
    };
    let ext = extension(Path::new(name));
    let text = matches!(ext.as_str(), "json" | "toml");
    if text && bytes.len() as u64 > bounds::MAX_TEXT_INPUT_BYTES {
        return Ok(Ingested {
            file: name.to_string(),
            cases: Vec::new(),
            diagnostics: refused(name, too_large(bytes.len() as u64)),
        });
    }
    if !text && let Err(refusal) = bounds::check_package(std::io::Cursor::new(bytes)) {
        return Ok(Ingested {
            file: name.to_string(),
            cases: Vec::new(),
            diagnostics: refused(name, refusal.to_string()),
        });
    }
    match ext.as_str() {
        "json" => json::read_json(name, bytes),
        "toml" => json::read_toml(name, bytes),
        "xlsx" | "xlsm" | "xls" | "ods" => {
            let mut cases = Vec::new();
            let diagnostics = guarded(name, || {
                let book = sheet::open_book(|| Ok(std::io::Cursor::new(bytes)));
                let each = Each {
                    origin: true,
                    map: &|c| c,
                    each: &mut |c| cases.push(c),
                };
                workbook::read_workbook_each(name, book, each)
            })?;
            Ok(Ingested {
                file: name.to_string(),
                cases,
                diagnostics,
            })
        }
        other => Err(unreadable(format!(
            "неизвестный вид файла «.{other}»: okno читает .xlsx, .xls, .ods, .json и .toml"
        ))),
    }
}

fn too_large(size: u64) -> String {
    format!(
        "файл занимает {} МБ, а okno читает файлы JSON и TOML не больше {} МБ: разделите его на несколько",
        size / (1024 * 1024),
        bounds::MAX_TEXT_INPUT_BYTES / (1024 * 1024)
    )
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "файл не найден".into(),
        std::io::ErrorKind::PermissionDenied => "нет прав на чтение".into(),
        _ => e.to_string(),
    }
}
