//! Caps on what one input may hold (rule I-SIZE), in one place. A small damaged or hostile
//! file must not take the process down: a far cell is no reason to allocate, a part of a
//! workbook that unpacks to gigabytes is refused before calamine opens it, and a value too
//! long for any document is an error at its place.

use std::io::{Read, Seek};

/// Used columns per sheet (A…IV, the width of an .xls sheet); a cell farther right is refused.
pub const MAX_COLUMNS: u32 = 256;
/// Rows per sheet: a register may use all 1,048,576 rows of an .xlsx sheet, not more.
pub const MAX_ROWS: u32 = 1_100_000;
/// Filled cells of a case workbook (one family's documents hold a few hundred).
pub const MAX_CASE_CELLS: usize = 100_000;
/// Cells from the first to the last used cell of an .ods or .xls sheet: calamine reads those
/// kinds into a dense grid, so their extent is what costs memory (a register of 1,000,000
/// cells, e.g. 30,000 rows of 33 columns, takes 32 MB).
pub const MAX_DENSE_CELLS: u64 = 8_000_000;
/// Items of one list a cell's number places a row in (the monitoring reports of a case).
pub const MAX_LIST: usize = 1_000;
/// Bytes of the shared strings of an .xlsx (and of any part but its sheets), as unpacked.
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// A sheet part larger than this (unpacked) is scanned before it is read, for `MAX_RUN`.
pub const SCAN_SHEET_BYTES: u64 = 16 * 1024 * 1024;
/// Bytes between two tags of a sheet's XML: one cell's text is never longer than this.
pub const MAX_RUN: u64 = 1024 * 1024;
/// Characters of one field (free text included); a longer value is an error at its place.
pub const MAX_FIELD_CHARS: usize = 10_000;
/// Bytes of a JSON or TOML input.
pub const MAX_TEXT_INPUT_BYTES: u64 = 32 * 1024 * 1024;
/// Nesting of a JSON or TOML input (a case is 5 levels deep).
pub const MAX_DEPTH: usize = 32;

/// Why a workbook's package is refused before it is opened (I-SIZE, in the file's report).
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("файл не читается: {0}")]
    Unreadable(std::io::Error),
    #[error(
        "часть «{part}» занимает {} МБ в распакованном виде (больше {} МБ): такую книгу okno не читает; сохраните таблицу заново",
        .size / (1024 * 1024),
        MAX_PART_BYTES / (1024 * 1024)
    )]
    PartTooLarge { part: String, size: u64 },
    #[error("часть «{part}» не читается: {error}")]
    PartUnreadable {
        part: &'static str,
        error: std::io::Error,
    },
    #[error("лист книги не читается: {0}")]
    SheetUnreadable(std::io::Error),
    #[error(
        "таблица строк книги объявляет {count} строк при размере {size} байт: книга повреждена"
    )]
    StringCount { count: u64, size: u64 },
    #[error(
        "в листе книги текст длиннее {} МБ в одной ячейке: такую книгу okno не читает",
        MAX_RUN / (1024 * 1024)
    )]
    TextTooLong,
    #[error(
        "лист «{name}» занимает {rows} строк на {cols} столбцов (ячейки до {last}): таблицу .ods такого размера okno не читает; удалите лишние ячейки или сохраните таблицу как .xlsx"
    )]
    OdsExtent {
        name: String,
        rows: u64,
        cols: u64,
        last: String,
    },
    #[error(
        "{0}: таблицу .xls такого размера okno не читает (не больше {MAX_DENSE_CELLS} ячеек на лист); удалите лишние ячейки или сохраните таблицу как .xlsx"
    )]
    XlsExtent(String),
}

/// Refuses a workbook's package before it is opened, saying why.
pub fn check_package<RS: Read + Seek>(mut reader: RS) -> Result<(), Refused> {
    let mut magic = [0u8; 8];
    let cfb =
        reader.read_exact(&mut magic).is_ok() && magic == *b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    reader.rewind().map_err(Refused::Unreadable)?;
    if cfb {
        return check_xls(reader);
    }
    // Not a zip either: calamine says what it is not.
    let Ok(mut zip) = zip::ZipArchive::new(reader) else {
        return Ok(());
    };
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            continue;
        };
        let name = entry.name().to_ascii_lowercase();
        let size = entry.size();
        // Sheets (xlsx) and the content (ods) hold the rows of a register: legitimately large,
        // they are scanned instead, so that no single text inside is huge.
        let rows = name.contains("worksheets/") || name == "content.xml";
        if !rows && size > MAX_PART_BYTES {
            return Err(Refused::PartTooLarge {
                part: entry.name().to_string(),
                size,
            });
        }
        if name == "content.xml" {
            check_ods_extent(&mut entry, size)?;
        } else if name.ends_with("sharedstrings.xml") {
            check_unique_count(&mut entry, size)?;
        } else if rows && name.ends_with(".xml") && size > SCAN_SHEET_BYTES {
            check_runs(&mut entry, size)?;
        }
    }
    Ok(())
}

/// calamine reserves room for as many strings as the table says it has: the number must fit
/// the table's size (every string takes at least `<si><t/></si>`).
fn check_unique_count(entry: &mut impl Read, size: u64) -> Result<(), Refused> {
    let mut head = Vec::new();
    entry
        .take(4096)
        .read_to_end(&mut head)
        .map_err(|error| Refused::PartUnreadable {
            part: "sharedStrings.xml",
            error,
        })?;
    let head = String::from_utf8_lossy(&head);
    for attr in ["uniqueCount=\"", "count=\""] {
        let Some(count) = head.split(attr).nth(1).and_then(|r| r.split('"').next()) else {
            continue;
        };
        let count: u64 = count.trim().parse().unwrap_or(u64::MAX);
        if attr == "uniqueCount=\"" && count > size / 8 + 1024 {
            return Err(Refused::StringCount { count, size });
        }
    }
    Ok(())
}

/// The longest run of bytes between two tags of a sheet: calamine holds a cell's text whole.
fn check_runs(entry: &mut impl Read, size: u64) -> Result<(), Refused> {
    let mut buf = vec![0u8; 64 * 1024];
    let (mut run, mut longest): (u64, u64) = (0, 0);
    let mut read = entry.take(size.saturating_add(1));
    loop {
        let n = read.read(&mut buf).map_err(Refused::SheetUnreadable)?;
        if n == 0 {
            return Ok(());
        }
        for &b in &buf[..n] {
            if b == b'<' {
                longest = longest.max(run);
                run = 0;
            } else {
                run += 1;
            }
        }
        if longest.max(run) > MAX_RUN {
            return Err(Refused::TextTooLong);
        }
    }
}

/// An .ods sheet's filled cells, as far as they reach (rows and columns, zero-based).
#[derive(Default)]
struct Extent {
    name: String,
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
}

impl Extent {
    fn add(&mut self, (r0, r1): (u64, u64), (c0, c1): (u64, u64)) {
        let (a, b) = self.rows.unwrap_or((r0, r1));
        self.rows = Some((a.min(r0), b.max(r1)));
        let (a, b) = self.cols.unwrap_or((c0, c1));
        self.cols = Some((a.min(c0), b.max(c1)));
    }

    fn check(&self) -> Result<(), Refused> {
        let (Some((r0, r1)), Some((c0, c1))) = (self.rows, self.cols) else {
            return Ok(());
        };
        let cells = (r1 - r0 + 1).saturating_mul(c1 - c0 + 1);
        if cells > MAX_DENSE_CELLS {
            return Err(Refused::OdsExtent {
                name: self.name.clone(),
                rows: r1 - r0 + 1,
                cols: c1 - c0 + 1,
                last: super::cells::address(
                    r1.min(u32::MAX as u64) as u32,
                    c1.min(u32::MAX as u64) as u32,
                ),
            });
        }
        Ok(())
    }
}

/// calamine reads each table of an .ods into a grid from its first to its last filled cell,
/// with repeated rows and cells spelled out: the grid's size is found first, from the tags of
/// `content.xml` (a pass over the bytes, no tree).
fn check_ods_extent(entry: &mut impl Read, size: u64) -> Result<(), Refused> {
    let attr = |tag: &[u8], name: &[u8]| -> Option<u64> {
        let at = tag.windows(name.len()).position(|w| w == name)? + name.len();
        let digits: Vec<u8> = tag[at..]
            .iter()
            .skip_while(|b| **b == b'=' || **b == b'"' || **b == b'\'')
            .take_while(|b| b.is_ascii_digit())
            .copied()
            .collect();
        // A number too large for u64 is as large as can be.
        Some(
            std::str::from_utf8(&digits)
                .ok()?
                .parse()
                .unwrap_or(u64::MAX),
        )
    };
    let has = |tag: &[u8], name: &[u8]| tag.windows(name.len()).any(|w| w == name);
    let mut table = Extent::default();
    let (mut row, mut row_repeat, mut col) = (0u64, 1u64, 0u64);
    // The open cell: its first column, its repeat, whether it holds something.
    let mut cell: Option<(u64, u64, bool)> = None;
    let mut tag: Vec<u8> = Vec::with_capacity(256);
    let (mut in_tag, mut prev) = (false, 0u8);
    // Bytes since the last tag began: one cell's text is held whole by calamine.
    let mut run: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    let mut read = entry.take(size.saturating_add(1));
    loop {
        let n = read
            .read(&mut buf)
            .map_err(|error| Refused::PartUnreadable {
                part: "content.xml",
                error,
            })?;
        if n == 0 {
            return table.check();
        }
        for &b in &buf[..n] {
            run = if b == b'<' { 0 } else { run + 1 };
            if run > MAX_RUN {
                return Err(Refused::TextTooLong);
            }
            if !in_tag {
                if b == b'<' {
                    in_tag = true;
                    tag.clear();
                }
                continue;
            }
            if b != b'>' {
                // The names and attributes okno looks for come first in a tag.
                if tag.len() < 4096 {
                    tag.push(b);
                }
                prev = b;
                continue;
            }
            in_tag = false;
            let closed = prev == b'/';
            let t = tag.as_slice();
            if t.starts_with(b"table:table ") || t == b"table:table" {
                table = Extent::default();
                if let Some(at) = t.windows(12).position(|w| w == b"table:name=\"") {
                    let rest = &t[at + 12..];
                    let end = rest.iter().position(|&b| b == b'"').unwrap_or(rest.len());
                    table.name = String::from_utf8_lossy(&rest[..end]).to_string();
                }
                (row, col) = (0, 0);
            } else if t == b"/table:table" {
                table.check()?;
            } else if t.starts_with(b"table:table-row") && !t.starts_with(b"table:table-rows") {
                row_repeat = attr(t, b"table:number-rows-repeated").unwrap_or(1).max(1);
                col = 0;
                if closed {
                    row = row.saturating_add(row_repeat);
                }
            } else if t == b"/table:table-row" {
                row = row.saturating_add(row_repeat);
            } else if t.starts_with(b"table:table-cell")
                || t.starts_with(b"table:covered-table-cell")
            {
                let repeat = attr(t, b"table:number-columns-repeated")
                    .unwrap_or(1)
                    .max(1);
                let filled = has(t, b"office:value-type");
                if closed {
                    if filled {
                        table.add(
                            (row, row.saturating_add(row_repeat - 1)),
                            (col, col.saturating_add(repeat - 1)),
                        );
                    }
                    col = col.saturating_add(repeat);
                } else {
                    cell = Some((col, repeat, filled));
                }
            } else if t == b"/table:table-cell" || t == b"/table:covered-table-cell" {
                if let Some((c, repeat, filled)) = cell.take() {
                    if filled {
                        table.add(
                            (row, row.saturating_add(row_repeat - 1)),
                            (c, c.saturating_add(repeat - 1)),
                        );
                    }
                    col = c.saturating_add(repeat);
                }
            } else if let Some(open) = cell.as_mut()
                && !t.starts_with(b"/")
            {
                // Text or a note inside the cell.
                open.2 = true;
            }
        }
    }
}

/// calamine reads every sheet of an .xls when it opens it, each into a grid from the first to
/// the last cell, after reserving room for as many cells as the sheet's DIMENSIONS record
/// claims. Both are found first, from the records of the workbook stream.
fn check_xls<RS: Read + Seek>(reader: RS) -> Result<(), Refused> {
    let Ok(mut file) = cfb::CompoundFile::open(reader) else {
        return Ok(());
    };
    let Some(name) = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
    else {
        return Ok(());
    };
    let Ok(stream) = file.open_stream(name) else {
        return Ok(());
    };
    let mut stream = std::io::BufReader::new(stream);
    let too_large = |what: String| Err(Refused::XlsExtent(what));
    let mut extent = Extent::default();
    let mut head = [0u8; 4];
    let mut data = Vec::new();
    let u16_at = |d: &[u8], i: usize| d.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |d: &[u8], i: usize| {
        d.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    while stream.read_exact(&mut head).is_ok() {
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]) as usize;
        data.resize(len, 0);
        if stream.read_exact(&mut data).is_err() {
            break;
        }
        let d = data.as_slice();
        let at = |d: &[u8]| Some((u16_at(d, 0)? as u64, u16_at(d, 2)? as u64));
        match typ {
            // FILEPASS: the rest is encrypted, and calamine refuses it.
            0x002F => return Ok(()),
            // EOF of a substream (a sheet).
            0x000A => {
                if let (Some((r0, r1)), Some((c0, c1))) = (extent.rows, extent.cols)
                    && extent.check().is_err()
                {
                    return too_large(format!(
                        "лист занимает {} строк на {} столбцов",
                        r1 - r0 + 1,
                        c1 - c0 + 1
                    ));
                }
                extent = Extent::default();
            }
            // DIMENSIONS, read as calamine reads it (a lie makes a huge reservation).
            0x0200 => {
                let (rf, rl, mut cf, cl) = match len {
                    10 => (
                        u16_at(d, 0).unwrap_or(0) as u32,
                        u16_at(d, 2).unwrap_or(0) as u32,
                        u16_at(d, 4).unwrap_or(0) as u32,
                        u16_at(d, 6).unwrap_or(0) as u32,
                    ),
                    14 | 16 => (
                        u32_at(d, 0).unwrap_or(0),
                        u32_at(d, 4).unwrap_or(0),
                        u16_at(d, 8).unwrap_or(0) as u32,
                        u16_at(d, 10).unwrap_or(0) as u32,
                    ),
                    _ => continue,
                };
                if 0xFF < cf || cl < cf {
                    cf = 0;
                }
                if rl >= 1 && cl >= 1 {
                    let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1) as u64;
                    let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1) as u64;
                    if rows.saturating_mul(cols) > MAX_DENSE_CELLS {
                        return too_large(format!(
                            "лист объявляет {rows} строк на {cols} столбцов"
                        ));
                    }
                }
            }
            // Cells: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let Some((r, c)) = at(d) {
                    extent.add((r, r), (c, c));
                }
            }
            // MULRK: one row, columns from the first to the last.
            0x00BD => {
                if let (Some((r, c)), Some(last)) = (at(d), u16_at(d, len.saturating_sub(2))) {
                    extent.add((r, r), (c, (last as u64).max(c)));
                }
            }
            _ => {}
        }
    }
    Ok(())
}
