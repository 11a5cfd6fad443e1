//! Logs of any length in flat memory. The entries of a run (or of an archive) are spooled to a
//! temporary file as they come; only small sort keys stay in memory. A log of the spool
//! (`LogSpool::log`) is its document without the entries, and the entries' rows read back in
//! the log's order a batch at a time: the streaming writer (`render::stream`) writes it.

use super::logs::{Dates, Entry, LOG_SIZE, LogKind, span};
use crate::doc::{Block, Cell, Document};
use crate::files::Spool;
use crate::model::Case;
use std::ops::Range;

/// The log entries of many cases, spilled to a temporary file as they come, so memory does not
/// grow with them. Entries are compact (only the strings the two logs print); order is the
/// log's own (date the information came in, then case ID), sorted on small keys, not on whole
/// entries.
pub struct LogSpool {
    file: Spool,
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
            file: Spool::new()?,
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
        let (at, len) = self.file.append(&serde_json::to_vec(&entry)?)?;
        self.slots.push(Slot {
            id: entry.id.into_boxed_str(),
            dates: entry.dates,
            at,
            len,
        });
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

    fn read(&self, slot: u32) -> std::io::Result<Entry> {
        let s = &self.slots[slot as usize];
        Ok(serde_json::from_slice(&self.file.read(s.at, s.len)?)?)
    }

    /// `kind`'s log of every spooled entry, for the streaming writer (`render::stream`).
    pub fn log(&self, kind: LogKind) -> SpooledLog<'_> {
        let order = self.order(kind);
        let (from, to) = span(
            order
                .iter()
                .filter_map(|i| kind.span_date(&self.slots[*i as usize].dates)),
        );
        // The log's own date: its last date, else the last date of any entry (PDF/A needs one).
        let dated = to.or_else(|| {
            order
                .iter()
                .filter_map(|i| kind.key(&self.slots[*i as usize].dates))
                .max()
        });
        let mut blocks = kind.title_blocks(None, from, to);
        blocks.push(Block::table(kind.columns(), kind.header(), kind.lead()).sized(LOG_SIZE));
        SpooledLog {
            spool: self,
            kind,
            order,
            document: kind.document(blocks, dated, self.draft),
        }
    }
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
) -> std::io::Result<LogPreview> {
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
        .collect::<std::io::Result<_>>()?;
    Ok(LogPreview {
        header,
        rows,
        total,
    })
}

/// One log of a spool: its document without the entries (the title blocks, the table with its
/// header and the rows before the entries), and its entries in the log's order.
pub struct SpooledLog<'a> {
    spool: &'a LogSpool,
    kind: LogKind,
    order: Vec<u32>,
    pub document: Document,
}

impl SpooledLog<'_> {
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The rows of the entries at `range` of the log's order (numbered by their place).
    pub fn rows(&self, range: Range<usize>) -> std::io::Result<Vec<Vec<Cell>>> {
        range
            .map(|i| Ok(self.kind.row(i, &self.spool.read(self.order[i])?)))
            .collect()
    }
}
