//! The annotated workbook («Вернуть отправителю»): a copy of the sender's own spreadsheet with
//! every cell a diagnostic points at filled (red for an error, yellow for a warning) and
//! carrying a note with the Russian message and the rule ID, plus a sheet «Замечания» that
//! lists every diagnostic of the file, those without a cell too.
//!
//! An xlsx is read, modified and written back with umya-spreadsheet, so the sender's other
//! sheets, formatting and formulas stay. An ods or xls cannot be written back as it was: its
//! values (not its formulas or formatting) are copied into a new xlsx, which is annotated
//! the same way. The diagnostics come from the one engine (`run::run`); nothing is checked
//! here.

use crate::diagnostic::{Diagnostic, Severity};
use std::collections::BTreeMap;
use std::path::Path;
use umya_spreadsheet as umya;

/// The fill of a cell with an error (light red) and with warnings only (light yellow).
pub const ERROR_FILL: &str = "FFFFC7CE";
pub const WARNING_FILL: &str = "FFFFEB9C";
/// The name of the sheet of remarks (another name if the sender's book already has it).
pub const REMARKS_SHEET: &str = "Замечания";
const AUTHOR: &str = "okno";

/// One remark: a diagnostic and the case it is about (None: the file as a whole).
#[derive(Debug, Clone, Copy)]
pub struct Remark<'a> {
    pub case_id: Option<&'a str>,
    pub diagnostic: &'a Diagnostic,
}

/// The remarks of one input of a run: its own diagnostics, then each case's.
pub fn remarks_of(file: &crate::run::FileOutcome) -> Vec<Remark<'_>> {
    let mut out: Vec<Remark> = file
        .diagnostics
        .iter()
        .map(|d| Remark {
            case_id: None,
            diagnostic: d,
        })
        .collect();
    for c in &file.cases {
        out.extend(c.diagnostics.iter().map(|d| Remark {
            case_id: Some(c.case_id.as_str()),
            diagnostic: d,
        }));
    }
    out
}

/// Whether okno can hand this input back annotated (a spreadsheet).
pub fn can_annotate(path: &Path) -> bool {
    matches!(extension(path).as_str(), "xlsx" | "xlsm" | "ods" | "xls")
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase()
}

/// The file name of the annotated copy of `input`: `<имя>-замечания.xlsx`.
pub fn annotated_name(input: &Path) -> String {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "книга".into());
    format!("{stem}-замечания.xlsx")
}

/// Why a workbook could not be handed back annotated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("книга не читается: {0}")]
    Open(std::io::Error),
    /// Over the check's caps, or not a package the reader takes.
    #[error("книга не читается для замечаний: {0}")]
    Unreadable(String),
    #[error("файл «.{0}» не таблица: замечания не ставятся")]
    NotTable(String),
    /// An ods or xls whose values cannot be copied.
    #[error("таблица не читается для замечаний: {0}")]
    Table(String),
    #[error("лист «{sheet}» не читается: {message}")]
    SheetUnreadable { sheet: String, message: String },
    #[error("лист «{sheet}»: {message}")]
    Sheet { sheet: String, message: String },
    /// A sheet could not be added (the spreadsheet library's words).
    #[error("{0}")]
    NewSheet(String),
    #[error("книга с замечаниями не записана: {0}")]
    Unwritable(String),
}

/// The annotated workbook of `input` as xlsx bytes. `remarks` are the diagnostics of that
/// input; those with a sheet and a cell mark the cell, all are listed in «Замечания».
pub fn annotate(input: &Path, remarks: &[Remark]) -> Result<Vec<u8>, Error> {
    // The same caps as the check (I-SIZE): a workbook the check refused unread is not loaded
    // whole here either.
    let file = std::fs::File::open(input).map_err(Error::Open)?;
    crate::ingest::bounds::check_package(std::io::BufReader::new(file))
        .map_err(|e| Error::Unreadable(e.to_string()))?;
    let mut book = match extension(input).as_str() {
        "xlsx" | "xlsm" => {
            umya::reader::xlsx::read(input).map_err(|e| Error::Unreadable(e.to_string()))?
        }
        "ods" | "xls" => copy_values(input)?,
        other => return Err(Error::NotTable(other.to_string())),
    };
    mark_cells(&mut book, remarks);
    add_remarks_sheet(&mut book, remarks)?;
    let mut out = std::io::Cursor::new(Vec::new());
    umya::writer::xlsx::write_writer(&book, &mut out)
        .map_err(|e| Error::Unwritable(e.to_string()))?;
    reproducible(&out.into_inner()).map_err(|e| Error::Unwritable(e.to_string()))
}

/// The package again with fixed entry times and the number formats of `xl/styles.xml` in
/// order of their IDs (umya-spreadsheet writes them from a hash map): the same input and
/// remarks give the same bytes.
fn reproducible(xlsx: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(xlsx))?;
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for i in 0..zin.len() {
        let mut entry = zin.by_index(i)?;
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        if name == "xl/styles.xml" {
            bytes = sorted_number_formats(&String::from_utf8_lossy(&bytes)).into_bytes();
        }
        zout.start_file(name, opts)?;
        zout.write_all(&bytes)?;
    }
    let out = zout.finish()?.into_inner();
    Ok(crate::portable_zip::portable(out))
}

/// `<numFmts>`'s `<numFmt …/>` elements sorted by `numFmtId`.
fn sorted_number_formats(xml: &str) -> String {
    let (Some(start), Some(end)) = (xml.find("<numFmts"), xml.find("</numFmts>")) else {
        return xml.to_string();
    };
    let Some(open_end) = xml[start..].find('>').map(|i| start + i + 1) else {
        return xml.to_string();
    };
    let inner = &xml[open_end..end];
    let mut items: Vec<&str> = inner
        .split_inclusive("/>")
        .filter(|s| !s.trim().is_empty())
        .collect();
    let id = |s: &str| -> u32 {
        s.split("numFmtId=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    items.sort_by_key(|s| id(s));
    format!("{}{}{}", &xml[..open_end], items.concat(), &xml[end..])
}

/// A new workbook with the values of every sheet of an ods or xls.
fn copy_values(input: &Path) -> Result<umya::Workbook, Error> {
    use calamine::{Data, Reader};
    let mut source =
        calamine::open_workbook_auto(input).map_err(|e| Error::Table(e.to_string()))?;
    let mut book = umya::new_file_empty_worksheet();
    for name in source.sheet_names() {
        let range = source
            .worksheet_range(&name)
            .map_err(|e| Error::SheetUnreadable {
                sheet: name.clone(),
                message: e.to_string(),
            })?;
        let sheet = book.new_sheet(name.clone()).map_err(|e| Error::Sheet {
            sheet: name.clone(),
            message: e.to_string(),
        })?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, row) in range.rows().enumerate() {
            for (c, value) in row.iter().enumerate() {
                let at = (c0 + c as u32 + 1, r0 + r as u32 + 1);
                match value {
                    Data::Empty => {}
                    Data::String(s) => {
                        sheet.cell_mut(at).set_value_string(s.clone());
                    }
                    Data::Float(f) => {
                        sheet.cell_mut(at).set_value_number(*f);
                    }
                    Data::Int(i) => {
                        sheet.cell_mut(at).set_value_number(*i as f64);
                    }
                    Data::Bool(b) => {
                        sheet.cell_mut(at).set_value_bool(*b);
                    }
                    Data::DateTime(d) => {
                        let cell = sheet.cell_mut(at);
                        cell.set_value_number(d.as_f64());
                        cell.style_mut()
                            .number_format_mut()
                            .set_format_code("DD.MM.YYYY");
                    }
                    other => {
                        sheet.cell_mut(at).set_value_string(other.to_string());
                    }
                }
            }
        }
    }
    if book.sheet_count() == 0 {
        book.new_sheet("Лист1")
            .map_err(|e| Error::NewSheet(e.to_string()))?;
    }
    Ok(book)
}

/// `[I-DATE] ошибка: message` — one line of a cell's note.
fn note_line(d: &Diagnostic) -> String {
    format!("[{}] {}: {}", d.rule, d.severity.ru(), d.message)
}

/// Fills and notes every cell a remark points at; remarks at one cell share its note.
fn mark_cells(book: &mut umya::Workbook, remarks: &[Remark]) {
    // (sheet, cell) → the remarks there, in the order given; sorted, so the same remarks
    // give the same bytes.
    let mut at: BTreeMap<(&str, &str), Vec<&Diagnostic>> = BTreeMap::new();
    for r in remarks {
        if let (Some(s), Some(c)) = (&r.diagnostic.sheet, &r.diagnostic.cell) {
            at.entry((s.as_str(), c.as_str()))
                .or_default()
                .push(r.diagnostic);
        }
    }
    for ((sheet_name, cell), diags) in at {
        let Ok(sheet) = book.sheet_by_name_mut(sheet_name) else {
            continue;
        };
        let worst = diags.iter().map(|d| d.severity).max();
        let fill = if worst == Some(Severity::Error) {
            ERROR_FILL
        } else {
            WARNING_FILL
        };
        sheet.style_mut(cell).set_background_color(fill);
        let mut lines: Vec<String> = Vec::new();
        for d in &diags {
            let line = note_line(d);
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        let ours = lines.join("\n");
        // A note the sender left at that cell is kept, ours under it.
        let comments = sheet.comments_mut();
        let coordinate = umya::helper::coordinate::CellCoordinates::from(cell);
        let existing = comments.iter().position(|c| {
            c.coordinate().col_num() == coordinate.col && c.coordinate().row_num() == coordinate.row
        });
        let text = match existing {
            Some(i) => {
                let old = comments.remove(i);
                let before = old
                    .text()
                    .rich_text()
                    .map(|t| t.text().into_owned())
                    .or_else(|| old.text().text().map(|t| t.value().to_string()))
                    .unwrap_or_default();
                if before.is_empty() {
                    ours
                } else {
                    format!("{before}\n\n{ours}")
                }
            }
            None => ours,
        };
        let mut comment = umya::Comment::default();
        comment.new_comment(cell);
        comment.set_author(AUTHOR);
        comment.set_text_string(text);
        sheet.add_comments(comment);
    }
}

/// The sheet that lists every remark: №, kind, rule, case, sheet, cell, message.
fn add_remarks_sheet(book: &mut umya::Workbook, remarks: &[Remark]) -> Result<(), Error> {
    let mut name = REMARKS_SHEET.to_string();
    let mut n = 2;
    while book.sheet_by_name(&name).is_ok() {
        name = format!("{REMARKS_SHEET} ({n})");
        n += 1;
    }
    let sheet = book
        .new_sheet(name)
        .map_err(|e| Error::NewSheet(e.to_string()))?;
    let header = [
        "№",
        "Вид",
        "Правило",
        "Случай",
        "Лист",
        "Ячейка",
        "Замечание",
    ];
    let widths = [5.0, 16.0, 14.0, 18.0, 18.0, 9.0, 90.0];
    for (c, (h, w)) in header.iter().zip(widths).enumerate() {
        let col = c as u32 + 1;
        let cell = sheet.cell_mut((col, 1));
        cell.set_value_string(*h);
        cell.style_mut().font_mut().set_bold(true);
        sheet.column_dimension_mut(&column_letter(col)).set_width(w);
    }
    let mut sorted: Vec<&Remark> = remarks.iter().collect();
    // Errors first, then in the order of the file.
    sorted.sort_by_key(|r| std::cmp::Reverse(r.diagnostic.severity));
    if sorted.is_empty() {
        sheet.cell_mut((1, 2)).set_value_string("Замечаний нет");
    }
    for (i, r) in sorted.iter().enumerate() {
        let row = i as u32 + 2;
        let d = r.diagnostic;
        let place = if d.sheet.is_none() && !d.pointer.is_empty() {
            d.pointer.clone()
        } else {
            String::new()
        };
        let values = [
            (i + 1).to_string(),
            d.severity.ru().to_string(),
            d.rule.to_string(),
            r.case_id.unwrap_or("").to_string(),
            d.sheet.clone().unwrap_or(place),
            d.cell.clone().unwrap_or_default(),
            d.message.clone(),
        ];
        for (c, v) in values.into_iter().enumerate() {
            let col = c as u32 + 1;
            if c == 0 {
                sheet.cell_mut((col, row)).set_value_number((i + 1) as f64);
            } else {
                sheet.cell_mut((col, row)).set_value_string(v);
            }
        }
        let fill = match d.severity {
            Severity::Error => ERROR_FILL,
            Severity::Warning => WARNING_FILL,
        };
        sheet.style_mut((2, row)).set_background_color(fill);
    }
    Ok(())
}

/// 1 → A, 27 → AA.
fn column_letter(mut col: u32) -> String {
    let mut s = Vec::new();
    while col > 0 {
        let r = (col - 1) % 26;
        s.push(b'A' + r as u8);
        col = (col - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_letters() {
        assert_eq!(super::column_letter(1), "A");
        assert_eq!(super::column_letter(26), "Z");
        assert_eq!(super::column_letter(27), "AA");
    }
}
