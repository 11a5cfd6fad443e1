//! A window of a sheet for the page: the cells within some rows and columns, and how far the
//! sheet goes, read without holding the rest.

use super::bounds;
use super::cells::{filled, text};
use super::sheet::{Far, calamine_reason, each_cell, open_book};
use calamine::Reader;
use std::collections::HashMap;

/// What the page shows of a sheet: the workbook's sheets, the text of the cells within a
/// window, and how far the sheet's cells go; row and column numbers are 1-based.
pub struct SheetWindow {
    pub sheets: Vec<String>,
    /// The sheet shown: the one asked for, else the first.
    pub sheet: String,
    pub cells: HashMap<(u32, u32), String>,
    pub rows: u32,
    pub cols: u32,
}

/// Why a sheet's window could not be read (shown on the page as it is).
#[derive(Debug, thiserror::Error)]
pub enum WindowError {
    #[error("{0}")]
    Open(calamine::Error),
    #[error(transparent)]
    Refused(#[from] bounds::Refused),
    #[error("Файл таблицы повреждён или это не таблица: {0}")]
    NotSpreadsheet(String),
    #[error("В файле нет листа «{sheet}» или он не читается: {reason}")]
    Sheet { sheet: String, reason: String },
    #[error("файл таблицы повреждён")]
    Damaged,
}

/// Reads the cells of a sheet within `rows` × `cols` (1-based) and no others, so that a far
/// cell asked for, or far cells in the file, cost no memory (`each_cell`).
pub fn sheet_window(
    path: &std::path::Path,
    sheet: Option<&str>,
    rows: std::ops::RangeInclusive<u32>,
    cols: std::ops::RangeInclusive<u32>,
) -> Result<SheetWindow, WindowError> {
    let open = || {
        std::fs::File::open(path)
            .map(std::io::BufReader::new)
            .map_err(calamine::Error::Io)
    };
    bounds::check_package(open().map_err(WindowError::Open)?)?;
    let read = || {
        let mut book =
            open_book(open).map_err(|e| WindowError::NotSpreadsheet(calamine_reason(&e)))?;
        let sheets = book.sheet_names();
        let sheet = match sheet {
            Some(s) => s.to_string(),
            None => sheets.first().cloned().unwrap_or_default(),
        };
        let mut window = SheetWindow {
            sheets,
            sheet,
            cells: HashMap::new(),
            rows: 0,
            cols: 0,
        };
        let mut far = Far::default();
        each_cell(&mut book, &window.sheet.clone(), |r, c, v| {
            if !far.keeps(r, c) {
                return true;
            }
            let (r, c) = (r + 1, c + 1);
            if rows.contains(&r)
                && cols.contains(&c)
                && let Some(t) = text(&v)
            {
                window.cells.insert((r, c), t);
            }
            if filled(&v) {
                window.rows = window.rows.max(r);
                window.cols = window.cols.max(c);
            }
            true
        })
        .map_err(|e| WindowError::Sheet {
            sheet: window.sheet.clone(),
            reason: calamine_reason(&e),
        })?;
        Ok(window)
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .unwrap_or(Err(WindowError::Damaged))
}
