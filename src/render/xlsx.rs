//! The XLSX writer: a document tree as a workbook. A tree with sheets of its own
//! (`Block::Sheet`: the quarter summary) is written a worksheet per sheet; any other (a log)
//! as one sheet «Журнал» of its titles and its first table. Every workbook has fixed
//! properties (no clock) and is packed the same on every platform: the same tree gives the
//! same bytes. Worksheets are written in constant memory: rows go to a temporary file as they
//! come.

use crate::doc::{Block, Cell, Col, Document};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// A workbook with the crate's fixed properties (title, author, a fixed creation date).
pub fn new_book() -> Workbook {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1).expect("fixed date");
    book.set_properties(
        &DocProperties::new()
            .set_title("okno")
            .set_author("okno")
            .set_creation_datetime(&created),
    );
    book
}

/// The workbook's bytes, the same on every platform (`portable_zip`).
/// A table's header cells: bold, wrapped, on the forms' grey-blue.
pub fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(0xDDE4EE)
}

pub fn saved(book: &mut Workbook) -> Result<Vec<u8>, XlsxError> {
    book.save_to_buffer().map(crate::portable_zip::portable)
}

/// `doc` as a workbook: its sheets, or (without any) its titles and first table.
pub fn xlsx(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    if doc.blocks.iter().any(|b| matches!(b, Block::Sheet { .. })) {
        sheets(doc)
    } else {
        grid(doc, std::iter::empty::<Result<Vec<Cell>, XlsxError>>())
    }
}

/// Every `Block::Sheet` of `doc` a worksheet: a bold header row, the last column wide, and a
/// value that reads as a number (without a «-», which dates and case IDs carry) a number cell.
fn sheets(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut book = new_book();
    let bold = Format::new().set_bold().set_background_color(0xDDE4EE);
    for b in &doc.blocks {
        let Block::Sheet { name, header, rows } = b else {
            continue;
        };
        let ws = book.add_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        for c in 0..header.len() {
            ws.set_column_width(c as u16, if c == header.len() - 1 { 60.0 } else { 22.0 })?;
        }
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (i, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                match v.parse::<f64>() {
                    Ok(n) if !v.contains('-') => ws.write_number(1 + i as u32, c as u16, n)?,
                    _ => ws.write_string(1 + i as u32, c as u16, v)?,
                };
            }
        }
    }
    saved(&mut book)
}

/// A cell's texts as one string.
fn text(cell: &Cell) -> String {
    cell.content
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A workbook of one sheet «Журнал»: the lines of `doc`'s titles, then its first table's
/// header and rows, then `more` rows after them (a log streams its entries here, as many as
/// a log of years holds).
pub fn grid<E: From<XlsxError>>(
    doc: &Document,
    more: impl Iterator<Item = Result<Vec<Cell>, E>>,
) -> Result<Vec<u8>, E> {
    let titles: Vec<String> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Title { lines } => Some(
                lines
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        })
        .collect();
    let table = doc.blocks.iter().find_map(|b| match b {
        Block::Table {
            columns,
            header,
            rows,
            ..
        } => Some((columns.as_slice(), header.as_slice(), rows.as_slice())),
        _ => None,
    });
    let (columns, header, rows): (&[Col], &[Vec<Cell>], &[Vec<Cell>]) =
        table.unwrap_or((&[], &[], &[]));
    let mut book = new_book();
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name("Журнал")?;
    let (bold, wrap) = (header_format(), Format::new().set_text_wrap());
    for (c, col) in columns.iter().enumerate() {
        let chars = match col {
            Col::Text(w) => f64::from(*w) * 2.2,
            Col::Fixed => 14.0,
        };
        ws.set_column_width(c as u16, chars)?;
    }
    let mut r = 0u32;
    for title in &titles {
        ws.write_string_with_format(r, 0, title, &Format::new().set_bold())?;
        r += 2;
    }
    let mut write = |r: u32, row: &[Cell], format: &Format| -> Result<(), XlsxError> {
        let mut c = 0u16;
        for cell in row {
            ws.write_string_with_format(r, c, text(cell), format)?;
            c += cell.colspan as u16;
        }
        Ok(())
    };
    for row in header {
        write(r, row, &bold)?;
        r += 1;
    }
    for row in rows {
        write(r, row, &wrap)?;
        r += 1;
    }
    for row in more {
        write(r, &row?, &wrap)?;
        r += 1;
    }
    Ok(saved(&mut book)?)
}
