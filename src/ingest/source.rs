//! Where a case's values live in its file: the JSON pointer prefix, or the sheet and cell of
//! every value, so a diagnostic about the model points at the place a secretary fills in.

use super::cells;
use crate::diagnostic::Diagnostic;
use std::collections::HashMap;
use std::sync::Arc;

/// Where the values of one case live in its file.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    pub file: String,
    /// For JSON/TOML: the pointer of the case inside the file (`/cases/2`), prefixed to
    /// model pointers.
    pub json_prefix: Option<String>,
    /// For spreadsheets: model pointer → (sheet, cell).
    pub cells: HashMap<String, (String, String)>,
    /// Model pointer prefixes → sheet, for values whose cell is unknown (a sheet not filled).
    pub sheets: Vec<(String, String)>,
    /// The place of the case as a whole (the register row's first cell).
    pub default: Option<(String, Option<String>)>,
    /// For a register row: its register's columns, shared by every row, so a row's cells are
    /// named only when a diagnostic needs one.
    pub row: Option<RowColumns>,
}

/// Where a register row's fields are: model pointer → column, the same for every row of the
/// register.
#[derive(Debug, Clone)]
pub struct RowColumns {
    pub sheet: Arc<str>,
    pub row: u32,
    pub columns: Arc<HashMap<&'static str, u32>>,
}

impl SourceMap {
    /// Fills the file, sheet and cell of a diagnostic about this case.
    pub fn locate(&self, d: &mut Diagnostic) {
        d.file = self.file.clone();
        if let Some(prefix) = &self.json_prefix {
            d.pointer = format!("{prefix}{}", d.pointer);
            return;
        }
        let mut p = d.pointer.as_str();
        loop {
            if let Some((sheet, cell)) = self.cells.get(p) {
                d.sheet = Some(sheet.clone());
                d.cell = Some(cell.clone());
                return;
            }
            if let Some(row) = &self.row
                && let Some(c) = row.columns.get(p)
            {
                d.sheet = Some(row.sheet.to_string());
                d.cell = Some(cells::address(row.row, *c));
                return;
            }
            match p.rfind('/') {
                Some(i) if i > 0 => p = &p[..i],
                _ => break,
            }
        }
        if let Some((_, sheet)) = self
            .sheets
            .iter()
            .filter(|(prefix, _)| d.pointer.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
        {
            d.sheet = Some(sheet.clone());
        } else if let Some((sheet, cell)) = &self.default {
            d.sheet = Some(sheet.clone());
            d.cell = cell.clone();
        }
    }
}
