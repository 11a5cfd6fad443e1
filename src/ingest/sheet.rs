//! A workbook as sheets of cells: opened by its content, read cell by cell within the caps of
//! `bounds`, a far cell noted rather than read.

use super::bounds::{MAX_COLUMNS, MAX_ROWS};
use super::cells::address;
use super::ingested::size_error;
use crate::diagnostic::Diagnostic;
use calamine::{Data, Ods, Reader, Sheets, Xls, Xlsb, Xlsx, open_workbook_from_rs};
use std::collections::BTreeMap;
use std::io::{Read, Seek};

/// Opens a workbook of any kind okno reads, by its content (not its extension): `open` gives
/// a fresh reader for each kind tried.
pub(super) fn open_book<RS: Read + Seek>(
    open: impl Fn() -> Result<RS, calamine::Error>,
) -> Result<Sheets<RS>, calamine::Error> {
    if let Ok(b) = open_workbook_from_rs::<Xls<_>, _>(open()?) {
        return Ok(Sheets::Xls(b));
    }
    if let Ok(b) = open_workbook_from_rs::<Xlsx<_>, _>(open()?) {
        return Ok(Sheets::Xlsx(b));
    }
    if let Ok(b) = open_workbook_from_rs::<Xlsb<_>, _>(open()?) {
        return Ok(Sheets::Xlsb(b));
    }
    if let Ok(b) = open_workbook_from_rs::<Ods<_>, _>(open()?) {
        return Ok(Sheets::Ods(b));
    }
    Err(calamine::Error::Msg("Cannot detect file format"))
}

/// A sheet's filled cells by absolute (row, column), zero-based.
#[derive(Default)]
pub(super) struct SheetCells {
    pub(super) cells: BTreeMap<(u32, u32), Data>,
    /// The rightmost used column.
    pub(super) last_col: u32,
}

impl SheetCells {
    pub(super) fn insert(&mut self, r: u32, c: u32, v: Data) {
        self.last_col = self.last_col.max(c);
        self.cells.insert((r, c), v);
    }

    pub(super) fn get(&self, r: u32, c: u32) -> Option<&Data> {
        self.cells.get(&(r, c))
    }

    /// The used rows, in order.
    pub(super) fn rows(&self) -> impl Iterator<Item = u32> + '_ {
        let mut last = None;
        self.cells
            .keys()
            .map(|&(r, _)| r)
            .filter(move |&r| last.replace(r) != Some(r))
    }

    /// A row's cells, by column.
    pub(super) fn row(&self, r: u32) -> impl Iterator<Item = (u32, &Data)> + '_ {
        self.cells
            .range((r, 0)..=(r, u32::MAX))
            .map(|(&(_, c), v)| (c, v))
    }
}

/// Cells beyond `MAX_ROWS` × `MAX_COLUMNS`: not read, and reported once per sheet (I-SIZE).
#[derive(Default)]
pub(super) struct Far {
    first: Option<(u32, u32)>,
    count: u64,
}

impl Far {
    /// Whether a cell is within the caps; notes it when not.
    pub(super) fn keeps(&mut self, r: u32, c: u32) -> bool {
        if r < MAX_ROWS && c < MAX_COLUMNS {
            return true;
        }
        self.first.get_or_insert((r, c));
        self.count += 1;
        false
    }

    pub(super) fn diagnostic(&self, file: &str, sheet: &str) -> Option<Diagnostic> {
        let (r, c) = self.first?;
        let more = match self.count {
            0 | 1 => String::new(),
            n => format!(" (и ещё {} таких ячеек)", n - 1),
        };
        let mut d = size_error(
            "",
            format!(
                "ячейка {} лежит дальше, чем okno читает (столбцы до {}, строки до {}): её значение{more} не прочитано; перенесите данные ближе к началу листа или удалите лишнее",
                address(r, c),
                address(0, MAX_COLUMNS - 1).trim_end_matches('1'),
                MAX_ROWS
            ),
        );
        d.file = file.to_string();
        d.sheet = Some(sheet.to_string());
        d.cell = Some(address(r, c));
        Some(d)
    }
}

/// Hands every filled cell of a sheet to `cell`, row by row, until it returns false. An xlsx
/// or xlsb sheet is read cell by cell from the file, so a far cell costs nothing; calamine
/// reads ods and xls into a grid from the first to the last used cell, which is refused when
/// larger than `MAX_DENSE_CELLS` (an xls sheet is at most 65,536 × 256 cells).
pub(super) fn each_cell<RS: Read + Seek>(
    book: &mut Sheets<RS>,
    sheet: &str,
    mut cell: impl FnMut(u32, u32, Data) -> bool,
) -> Result<(), calamine::Error> {
    match book {
        Sheets::Xlsx(xlsx) => {
            let mut cells = xlsx
                .worksheet_cells_reader(sheet)
                .map_err(calamine::Error::Xlsx)?;
            while let Some(c) = cells.next_cell().map_err(calamine::Error::Xlsx)? {
                let (r, col) = c.get_position();
                let v = Data::from(c.get_value().clone());
                if !matches!(v, Data::Empty) && !cell(r, col, v) {
                    break;
                }
            }
        }
        Sheets::Xlsb(xlsb) => {
            let mut cells = xlsb
                .worksheet_cells_reader(sheet)
                .map_err(calamine::Error::Xlsb)?;
            while let Some(c) = cells.next_cell().map_err(calamine::Error::Xlsb)? {
                let (r, col) = c.get_position();
                let v = Data::from(c.get_value().clone());
                if !matches!(v, Data::Empty) && !cell(r, col, v) {
                    break;
                }
            }
        }
        _ => {
            let range = book.worksheet_range(sheet)?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            'rows: for (i, cells) in range.rows().enumerate() {
                for (j, v) in cells.iter().enumerate() {
                    if !matches!(v, Data::Empty) && !cell(r0 + i as u32, c0 + j as u32, v.clone()) {
                        break 'rows;
                    }
                }
            }
        }
    }
    Ok(())
}

pub(super) fn calamine_reason(e: &calamine::Error) -> String {
    let s = e.to_string();
    if s.len() > 200 {
        format!("{}…", &s[..s.floor_char_boundary(200)])
    } else {
        s
    }
}
