//! Documents of any length in flat memory (the logs): a document whose one table's entries
//! come from a source a batch at a time (`Long`), written in a few passes over them:
//!
//! - **Fit once.** One pass measures every entry's cells (`fit::Measure`) and fits the columns
//!   once, so every chunk of the table gets the same widths a table of all rows would.
//! - **PDF.** Each chunk is laid out by Typst as a table with the repeated header (the title
//!   block only on the first), its pages numbered on from the chunk before, exported, and
//!   appended to one PDF/A file (`pdf_join`). A chunk's last page, usually part full, is not
//!   kept: its rows start the next chunk, so pages run full across chunk boundaries.
//! - **DOCX.** The document is built once with the header and a marker row; the rows replace
//!   the marker, a chunk at a time, written into the package as they come.
//! - **XLSX.** A constant-memory worksheet, row by row (`xlsx::grid`).
//!
//! The file is written whole or not at all, and not at all when it already holds the same
//! bytes (`crate::files`).

use super::{pdf, pdf_join};
use crate::doc::fit;
use crate::doc::{Block, Cell, Col, Document};
use std::fs::File;
use std::io::Write;
use std::ops::Range;
use std::path::Path;

/// Entries laid out by Typst at a time: a few pages' worth of memory, and few enough chunk
/// boundaries that their cost (a page laid out twice) stays small.
const CHUNK: usize = 200;
/// Entries read, measured or written at a time by the other passes.
const BATCH: usize = 256;
/// The left page margin (`templates/form.typ`): where a log's «№ п/п» column starts.
const LEFT_MARGIN_PT: f64 = 25.0 * 72.0 / 25.4;

/// A long document: `doc` holds what comes before the entries (its title blocks, then its
/// table with the columns, the header, the largest type size and the rows before the entries)
/// and is dated; `rows` gives the entries at a range of `0..len`, numbered by their place.
pub struct Long<'a> {
    pub doc: &'a Document,
    pub len: usize,
    pub rows: &'a dyn Fn(Range<usize>) -> std::io::Result<Vec<Vec<Cell>>>,
}

/// Why a long document was not written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The entries could not be read back (the log's spool).
    #[error("журнал: {0}")]
    Entries(std::io::Error),
    /// The file could not be written.
    #[error("{0}: {1}")]
    File(String, std::io::Error),
    /// A PDF/A file needs a date, and okno never takes one from the clock.
    #[error("в журнале нет записей с датой — PDF не оформляется")]
    Undated,
    #[error("формат «{0}»: журнал пишется в pdf, docx или xlsx")]
    Format(String),
    /// A writer's own message.
    #[error("{0}")]
    Writer(String),
    #[error("{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Writes `long` to `path` in `format` ("pdf" | "docx" | "xlsx"), whole or not at all, and not
/// at all when `path` already holds the same bytes: Ok(true) when written, Ok(false) when
/// unchanged.
pub fn write(long: &Long, format: &str, path: &Path) -> Result<bool, Error> {
    let io = |e: std::io::Error| Error::File(path.display().to_string(), e);
    let tmp = crate::files::temporary_beside(path).map_err(io)?;
    let file = tmp.as_file().try_clone().map_err(io)?;
    let parts = Parts::of(long);
    match format {
        "pdf" => parts.pdf(std::io::BufWriter::with_capacity(1 << 16, file))?,
        "docx" => parts.docx(file)?,
        "xlsx" => {
            let entries = (0..long.len).step_by(BATCH).flat_map(|start| {
                match (long.rows)(start..(start + BATCH).min(long.len)) {
                    Ok(rows) => rows.into_iter().map(Ok).collect::<Vec<_>>(),
                    Err(e) => vec![Err(Error::Entries(e))],
                }
            });
            let bytes = super::xlsx::grid(long.doc, entries)?;
            let mut file = file;
            file.write_all(&bytes).map_err(io)?;
        }
        other => return Err(Error::Format(other.to_string())),
    }
    crate::files::persist_if_changed(tmp, path).map_err(io)
}

/// A long document taken apart: the blocks before its table, and the table's parts.
struct Parts<'a> {
    long: &'a Long<'a>,
    titles: Vec<Block>,
    columns: Vec<Col>,
    header: Vec<Vec<Cell>>,
    lead: Vec<Vec<Cell>>,
    size: f32,
}

fn writer(e: impl std::fmt::Display) -> Error {
    Error::Writer(e.to_string())
}

impl<'a> Parts<'a> {
    fn of(long: &'a Long<'a>) -> Parts<'a> {
        let mut titles = Vec::new();
        let mut table = None;
        for b in &long.doc.blocks {
            match b {
                Block::Table {
                    columns,
                    header,
                    rows,
                    size,
                    ..
                } if table.is_none() => {
                    table = Some((columns.clone(), header.clone(), rows.clone(), *size))
                }
                b if table.is_none() => titles.push(b.clone()),
                _ => {}
            }
        }
        let (columns, header, lead, size) = table.unwrap_or_default();
        Parts {
            long,
            titles,
            columns,
            header,
            lead,
            size,
        }
    }

    fn rows(&self, range: Range<usize>) -> Result<Vec<Vec<Cell>>, Error> {
        (self.long.rows)(range).map_err(Error::Entries)
    }

    /// The columns' widths and the type size, from every entry, a batch at a time.
    fn fit(&self) -> Result<(Vec<f32>, f32), Error> {
        let width = fit::text_width(self.long.doc.landscape);
        let mut measure = fit::Measure::of_header(&self.columns, &self.header, width);
        measure.add_rows(&self.columns, &self.lead);
        for start in (0..self.long.len).step_by(BATCH) {
            let rows = self.rows(start..(start + BATCH).min(self.long.len))?;
            measure.add_rows(&self.columns, &rows);
        }
        Ok(measure.widths(&self.columns, &self.header, self.size, width))
    }

    /// The entries at `range` as a fitted table document; the first chunk has the title blocks
    /// and the rows before the entries. `extra`: rows after the entries.
    fn chunk(
        &self,
        range: Range<usize>,
        fitted: &(Vec<f32>, f32),
        extra: Vec<Vec<Cell>>,
    ) -> Result<Document, Error> {
        let first = range.start == 0;
        let (widths, size) = fitted;
        let mut header = self.header.clone();
        let mut rows = if first { self.lead.clone() } else { Vec::new() };
        rows.extend(self.rows(range)?);
        fit::place(
            &mut header,
            &mut rows,
            widths,
            *size,
            self.long.doc.landscape,
        );
        rows.extend(extra);
        let mut blocks = if first {
            self.titles.clone()
        } else {
            Vec::new()
        };
        blocks.push(Block::Table {
            columns: self.columns.clone(),
            header,
            rows,
            widths: widths.clone(),
            size: *size,
        });
        let d = self.long.doc;
        Ok(Document {
            form: d.form.clone(),
            title: d.title.clone(),
            date: d.date,
            landscape: d.landscape,
            draft: d.draft,
            blocks,
        })
    }

    fn pdf(&self, out: impl Write) -> Result<(), Error> {
        if self.long.doc.date.is_none() {
            return Err(Error::Undated);
        }
        let fitted = self.fit()?;
        let number_column = LEFT_MARGIN_PT + f64::from(fitted.0[0]);
        let n = self.long.len;
        let mut join = pdf_join::PdfJoin::new(out);
        let mut start = 0;
        loop {
            let end = (start + CHUNK).min(n);
            let doc = self.chunk(start..end, &fitted, Vec::new())?;
            let mut laid = pdf::layout(&doc).map_err(writer)?;
            let mut next = end;
            let pages = laid.pages().len();
            if end < n && pages > 1 {
                // The entries that start on the second-last page: the last of them ends there
                // unless it is tall (it may run on); the ones after start the next chunk.
                // («1» is also the first column's number, in the row under the first page's header.)
                let last_whole = pdf::numbers_left_of(&laid.pages()[pages - 2], number_column)
                    .into_iter()
                    .filter(|k| *k > 1)
                    .max();
                if let Some(k) = last_whole
                    && k > start
                    && k < end
                    && !self.tall(&doc, k - 1 - start)
                {
                    next = k;
                    let kept: typst::ecow::EcoVec<_> =
                        laid.pages()[..pages - 1].iter().cloned().collect();
                    let info = typst::model::Document::info(&laid).clone();
                    laid = typst_layout::PagedDocument::new(kept, info);
                }
            }
            let laid = pdf::numbered(laid, join.pages()).map_err(writer)?;
            let bytes = pdf::export(&laid, &doc).map_err(writer)?;
            drop(laid);
            join.append(&bytes).map_err(writer)?;
            pdf::release_cache();
            if next >= n {
                break;
            }
            start = next;
        }
        join.finish().map_err(writer)?;
        Ok(())
    }

    /// Whether entry `i` of the chunk `doc` may split across pages (a tall row).
    fn tall(&self, doc: &Document, i: usize) -> bool {
        let lead = if doc.blocks.len() > 1 {
            self.lead.len()
        } else {
            0
        };
        doc.blocks.iter().any(|b| match b {
            Block::Table { rows, .. } => {
                rows.get(lead + i).is_none_or(|r| r.iter().any(|c| c.split))
            }
            _ => false,
        })
    }

    fn docx(&self, file: File) -> Result<(), Error> {
        /// The text of the row the entries replace (a private-use character, never data).
        const MARKER: &str = "\u{F8FF}okno-log-rows\u{F8FF}";
        let fitted = self.fit()?;
        let template = self.chunk(0..0, &fitted, vec![vec![Cell::label(MARKER)]])?;
        super::docx::reset_paragraph_ids();
        let template = super::docx::docx(&template).map_err(writer)?;
        let n = self.long.len;
        let landscape = self.long.doc.landscape;
        let mut start = 0;
        let next = || {
            if start >= n {
                return Ok(None);
            }
            let end = (start + BATCH).min(n);
            let mut rows = self
                .rows(start..end)
                .map_err(|e| super::error::Error::Rows(Box::new(e)))?;
            fit::place(&mut [], &mut rows, &fitted.0, fitted.1, landscape);
            start = end;
            Ok(Some(rows))
        };
        super::docx::with_streamed_rows(&template, MARKER, &fitted.0, fitted.1, next, file)
            .map_err(writer)?;
        Ok(())
    }
}
