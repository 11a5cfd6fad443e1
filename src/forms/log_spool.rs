//! Logs of any length in flat memory. The entries of a run (or of an archive) are spooled to a
//! temporary file as they come; only small sort keys stay in memory. A log is then written from
//! the spool in a few passes over it, a chunk of entries at a time:
//!
//! - **Fit once.** One pass measures every entry's cells (`fit::Measure`) and fits the columns
//!   once, so every chunk of the table gets the same widths a table of all rows would.
//! - **PDF.** Each chunk is laid out by Typst as a table with the repeated header (the title
//!   block only on the first), its pages numbered on from the chunk before, exported, and
//!   appended to one PDF/A file (`render::pdf_join`). A chunk's last page, usually part full,
//!   is not kept: its rows start the next chunk, so pages run full across chunk boundaries.
//! - **DOCX.** The document is built once with the header and a marker row; the rows replace
//!   the marker, a chunk at a time, written into the package as they come.
//! - **XLSX.** A constant-memory worksheet, row by row.

use super::logs::{Dates, Entry, LOG_SIZE, LogKind, span};
use crate::doc::fit;
use crate::doc::{Block, Cell, Document};
use crate::model::Case;
use crate::render::{pdf, pdf_join};
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::Path;

/// Entries laid out by Typst at a time: a few pages' worth of memory, and few enough chunk
/// boundaries that their cost (a page laid out twice) stays small.
const CHUNK: usize = 200;
/// Entries read, measured or written at a time by the other passes.
const BATCH: usize = 256;
/// The left page margin (`templates/form.typ`): where a log's «№ п/п» column starts.
const LEFT_MARGIN_PT: f64 = 25.0 * 72.0 / 25.4;

/// The log entries of many cases, spilled to a temporary file as they come, so memory does not
/// grow with them. Entries are compact (only the strings the two logs print); order is the
/// log's own (date the information came in, then case ID), sorted on small keys, not on whole
/// entries.
pub struct LogSpool {
    file: File,
    end: u64,
    slots: Vec<Slot>,
    draft: bool,
}

/// Where an entry is in the spool, and what it sorts by.
struct Slot {
    id: Box<str>,
    dates: Dates,
    at: u64,
    len: u32,
}

impl LogSpool {
    pub fn new() -> std::io::Result<LogSpool> {
        Ok(LogSpool {
            file: tempfile::tempfile()?,
            end: 0,
            slots: Vec::new(),
            draft: false,
        })
    }

    /// Adds what both logs need of `case` (nothing when it has no notification). `draft`: the
    /// case was rendered as a draft, so the logs get the «ЧЕРНОВИК» mark.
    pub fn push(&mut self, case: &Case, draft: bool) -> std::io::Result<()> {
        let Some(entry) = Entry::of(case) else {
            return Ok(());
        };
        let bytes = serde_json::to_vec(&entry)?;
        let len = u32::try_from(bytes.len()).map_err(std::io::Error::other)?;
        // Reads are positional, and on Windows they move the cursor: write at the end.
        self.file.seek(SeekFrom::Start(self.end))?;
        self.file.write_all(&bytes)?;
        self.slots.push(Slot {
            id: entry.id.into_boxed_str(),
            dates: entry.dates,
            at: self.end,
            len,
        });
        self.end += u64::from(len);
        self.draft |= draft;
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The slots in `kind`'s order.
    fn order(&self, kind: LogKind) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.slots.len() as u32).collect();
        order.sort_by(|a, b| {
            let (a, b) = (&self.slots[*a as usize], &self.slots[*b as usize]);
            kind.key(&a.dates)
                .cmp(&kind.key(&b.dates))
                .then_with(|| a.id.cmp(&b.id))
        });
        order
    }

    fn read(&self, slot: u32) -> Result<Entry, String> {
        let s = &self.slots[slot as usize];
        let mut buf = vec![0; s.len as usize];
        read_at(&self.file, &mut buf, s.at).map_err(|e| format!("журнал: {e}"))?;
        serde_json::from_slice(&buf).map_err(|e| format!("журнал: {e}"))
    }
}

/// Reads `buf.len()` bytes at `at`, on Windows too.
#[cfg(unix)]
pub(crate) fn read_at(f: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, at)
}

#[cfg(windows)]
pub(crate) fn read_at(f: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        let n = f.seek_read(&mut buf[done..], at + done as u64)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        done += n;
    }
    Ok(())
}

/// Writes `kind`'s log of every spooled entry to `path` in `format` ("pdf" | "docx" | "xlsx"),
/// whole or not at all (temporary file + rename, as `crate::files` does), and not at
/// all when `path` already holds the same bytes. Returns Ok(true) when written, Ok(false) when
/// unchanged.
pub fn write_log(
    spool: &LogSpool,
    kind: LogKind,
    format: &str,
    path: &Path,
) -> Result<bool, String> {
    let order = spool.order(kind);
    let (from, to) = span(
        order
            .iter()
            .filter_map(|i| kind.span_date(&spool.slots[*i as usize].dates)),
    );
    let log = Log {
        spool,
        kind,
        order,
        from,
        to,
    };
    let io = |e: std::io::Error| format!("{}: {e}", path.display());
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    let file = tmp.as_file().try_clone().map_err(io)?;
    match format {
        "pdf" => {
            let out = std::io::BufWriter::with_capacity(1 << 16, file);
            log.pdf(out)?;
        }
        "docx" => {
            log.docx(file)?;
        }
        "xlsx" => {
            let bytes = log.xlsx()?;
            let mut file = file;
            file.write_all(&bytes).map_err(io)?;
        }
        other => {
            return Err(format!(
                "формат «{other}»: журнал пишется в pdf, docx или xlsx"
            ));
        }
    }
    commit(tmp, path).map_err(io)
}

/// Part of a log as plain text, for a page: the header rows (each cell's text, columns and
/// rows spanned), the entries at `range` of the log's order, numbered by their place, and how
/// many entries there are in all.
pub struct LogPreview {
    pub header: Vec<Vec<(String, usize, usize)>>,
    pub rows: Vec<Vec<String>>,
    pub total: usize,
}

/// The entries of `kind`'s log at `range` (cut to the log's length), as the log prints them.
pub fn preview_log(
    spool: &LogSpool,
    kind: LogKind,
    range: Range<usize>,
) -> Result<LogPreview, String> {
    let order = spool.order(kind);
    let total = order.len();
    let range = range.start.min(total)..range.end.min(total);
    let text = |c: &Cell| {
        c.content
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let header = kind
        .header()
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| (text(c), c.colspan, c.rowspan))
                .collect()
        })
        .collect();
    let rows = range
        .map(|i| {
            let entry = spool.read(order[i])?;
            Ok(kind.row(i, &entry).iter().map(text).collect())
        })
        .collect::<Result<_, String>>()?;
    Ok(LogPreview {
        header,
        rows,
        total,
    })
}

/// Puts the finished temporary file in place, unless `path` already holds the same bytes.
fn commit(tmp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<bool> {
    if same_contents(tmp.path(), path)? {
        return Ok(false);
    }
    crate::files::flush_where_no_syncfs(tmp.as_file())?;
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(true)
}

/// Whether the files at `a` and `b` hold the same bytes (compared a block at a time).
fn same_contents(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let (Ok(mb), ma) = (std::fs::metadata(b), std::fs::metadata(a)?) else {
        return Ok(false);
    };
    if mb.len() != ma.len() {
        return Ok(false);
    }
    let (mut fa, mut fb) = (File::open(a)?, File::open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = fa.read(&mut ba)?;
        if n == 0 {
            return Ok(true);
        }
        fb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}

/// One log being written from a spool.
struct Log<'a> {
    spool: &'a LogSpool,
    kind: LogKind,
    order: Vec<u32>,
    from: Option<i32>,
    to: Option<i32>,
}

impl Log<'_> {
    /// The log's own date: its last date, else the last date of any entry (PDF/A needs one).
    fn dated(&self) -> Option<i32> {
        self.to.or_else(|| {
            self.order
                .iter()
                .filter_map(|i| self.kind.key(&self.spool.slots[*i as usize].dates))
                .max()
        })
    }

    /// The rows of the entries at `range` of the log's order (numbered by their place).
    fn rows(&self, range: Range<usize>) -> Result<Vec<Vec<Cell>>, String> {
        range
            .map(|i| Ok(self.kind.row(i, &self.spool.read(self.order[i])?)))
            .collect()
    }

    /// The columns' widths and the type size, from every entry, a batch at a time.
    fn fit(&self) -> Result<(Vec<f32>, f32), String> {
        let (columns, header) = (self.kind.columns(), self.kind.header());
        let width = fit::text_width(true);
        let mut measure = fit::Measure::of_header(&columns, &header, width);
        measure.add_rows(&columns, &self.kind.lead());
        for start in (0..self.order.len()).step_by(BATCH) {
            let rows = self.rows(start..(start + BATCH).min(self.order.len()))?;
            measure.add_rows(&columns, &rows);
        }
        Ok(measure.widths(&columns, &header, LOG_SIZE, width))
    }

    /// The entries at `range` as a fitted table document; the first chunk has the title block
    /// and the rows before the entries. `extra`: rows after the entries.
    fn chunk(
        &self,
        range: Range<usize>,
        fitted: &(Vec<f32>, f32),
        extra: Vec<Vec<Cell>>,
    ) -> Result<Document, String> {
        let first = range.start == 0;
        let (widths, size) = fitted;
        let mut header = self.kind.header();
        let mut rows = if first { self.kind.lead() } else { Vec::new() };
        rows.extend(self.rows(range)?);
        fit::place(&mut header, &mut rows, widths, *size, true);
        rows.extend(extra);
        let mut blocks = if first {
            self.kind.title_blocks(None, self.from, self.to)
        } else {
            Vec::new()
        };
        blocks.push(Block::Table {
            columns: self.kind.columns(),
            header,
            rows,
            widths: widths.clone(),
            size: *size,
        });
        Ok(self.kind.document(blocks, self.dated(), self.spool.draft))
    }

    fn pdf(&self, out: impl Write) -> Result<(), String> {
        if self.dated().is_none() {
            // A PDF/A file needs a date, and okno never takes one from the clock.
            return Err("в журнале нет записей с датой — PDF не оформляется".into());
        }
        let fitted = self.fit()?;
        let number_column = LEFT_MARGIN_PT + f64::from(fitted.0[0]);
        let n = self.order.len();
        let mut join = pdf_join::PdfJoin::new(out);
        let mut start = 0;
        loop {
            let end = (start + CHUNK).min(n);
            let doc = self.chunk(start..end, &fitted, Vec::new())?;
            let mut laid = pdf::layout(&doc).map_err(|e| e.to_string())?;
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
            let laid = pdf::numbered(laid, join.pages()).map_err(|e| e.to_string())?;
            let bytes = pdf::export(&laid, &doc).map_err(|e| e.to_string())?;
            drop(laid);
            join.append(&bytes).map_err(|e| e.to_string())?;
            pdf::release_cache();
            if next >= n {
                break;
            }
            start = next;
        }
        join.finish().map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Whether entry `i` of the chunk `doc` may split across pages (a tall row).
    fn tall(&self, doc: &Document, i: usize) -> bool {
        let lead = if doc.blocks.len() > 1 {
            self.kind.lead().len()
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

    fn docx(&self, file: File) -> Result<(), String> {
        /// The text of the row the entries replace (a private-use character, never data).
        const MARKER: &str = "\u{F8FF}okno-log-rows\u{F8FF}";
        let fitted = self.fit()?;
        let template = self.chunk(0..0, &fitted, vec![vec![Cell::label(MARKER)]])?;
        crate::render::docx::reset_paragraph_ids();
        let template = crate::render::docx::docx(&template).map_err(|e| e.to_string())?;
        let n = self.order.len();
        let mut start = 0;
        let next = || -> Result<Option<Vec<Vec<Cell>>>, crate::render::Error> {
            if start >= n {
                return Ok(None);
            }
            let end = (start + BATCH).min(n);
            let mut rows = self
                .rows(start..end)
                .map_err(|e| crate::render::Error::Rows(e.into()))?;
            fit::place(&mut [], &mut rows, &fitted.0, fitted.1, true);
            start = end;
            Ok(Some(rows))
        };
        crate::render::docx::with_streamed_rows(&template, MARKER, &fitted.0, fitted.1, next, file)
            .map_err(|e| e.to_string())?;
        Ok(())
    }

    fn xlsx(&self) -> Result<Vec<u8>, String> {
        let titles: Vec<String> = self
            .kind
            .title_blocks(None, None, None)
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
        let lead = self.kind.lead().into_iter().map(Ok);
        let entries =
            (0..self.order.len()).map(|i| Ok(self.kind.row(i, &self.spool.read(self.order[i])?)));
        crate::report::grid_xlsx(
            &titles,
            &self.kind.columns(),
            &self.kind.header(),
            lead.chain(entries),
        )
    }
}
