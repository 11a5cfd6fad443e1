//! The register: one row per notification, with the detection log's columns (App. 1) and the
//! notification's other fields. Each row becomes a case; a bad row is reported alone.
//!
//! A register is read as a stream of rows (`RegisterStream`): the header is found among the
//! first rows, then every row is made a case and handed on at once, so a region's register of
//! any length is never held whole — only one row at a time.

use super::cells::{address, filled, split_list, text, value};
use super::deserialize::case_from_value;
use super::ingested::{Each, IngestedCase};
use super::pointer::{Seg, segments, set_pointer, set_segments};
use super::source::{RowColumns, SourceMap};
use crate::diagnostic::Diagnostic;
use crate::sheet_layouts::{
    FATHER_NAME, FATHER_PHONE, Field, MOTHER_NAME, MOTHER_PHONE, REGISTER_COLUMNS, REP_NAMES,
    REP_PHONES,
};
use crate::text::fold;
use calamine::{Cell, Data, Range};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

/// The header: its last row, and absolute column → field. Also the header cells that matched
/// nothing.
pub struct Header {
    pub last_row: u32,
    pub columns: HashMap<u32, &'static Field>,
    pub unknown: Vec<(u32, u32, String)>,
}

fn column_for(label: &str) -> Option<&'static Field> {
    let key = fold(label);
    REGISTER_COLUMNS.iter().find(|f| fold(f.label) == key)
}

/// Finds the header row among the first rows: the row matching most register columns (at
/// least three). The seed's two-row header («Сведения о родителях» over «ФИО» and
/// «телефон») is read too, and a row of column numbers under it is skipped.
pub fn find_header(range: &Range<Data>) -> Option<Header> {
    let (r0, c0) = range.start()?;
    let (r1, c1) = range.end()?;
    let mut best: Option<Header> = None;
    for r in r0..=r1.min(r0 + 20) {
        let mut columns = HashMap::new();
        let mut unknown = Vec::new();
        let mut parent = String::new();
        let mut used_second_row = false;
        for c in c0..=c1 {
            let top = range.get_value((r, c)).and_then(text);
            if let Some(t) = &top {
                parent = t.clone();
            }
            let below = range.get_value((r + 1, c)).and_then(text);
            let field = top.as_deref().and_then(column_for).or_else(|| {
                let below = below.as_deref()?;
                let f = column_for(&format!("{parent}: {below}"))?;
                used_second_row = true;
                Some(f)
            });
            match (field, top) {
                (Some(f), _) => {
                    columns.insert(c, f);
                }
                (None, Some(t)) => unknown.push((r, c, t)),
                _ => {}
            }
        }
        if columns.len() >= 3
            && best
                .as_ref()
                .is_none_or(|b| columns.len() > b.columns.len())
        {
            // Parent cells that only head a second row are not unknown columns.
            unknown.retain(|(_, c, _)| !columns.contains_key(c));
            let mut last_row = if used_second_row { r + 1 } else { r };
            // The seed numbers its columns 1, 2, 3 … under the header.
            let numbers = (c0..=c1)
                .filter_map(|c| range.get_value((last_row + 1, c)).and_then(text))
                .collect::<Vec<_>>();
            if numbers.len() >= 3
                && numbers
                    .iter()
                    .enumerate()
                    .all(|(i, t)| t == &(i + 1).to_string())
            {
                last_row += 1;
            }
            best = Some(Header {
                last_row,
                columns,
                unknown,
            });
        }
    }
    best
}

/// One row of a sheet: its index and its cells by absolute column.
#[derive(Debug)]
pub struct Row {
    pub r: u32,
    cells: Vec<Data>,
}

impl Row {
    pub fn new(r: u32) -> Row {
        Row { r, cells: vec![] }
    }

    pub fn set(&mut self, c: u32, value: Data) {
        let c = c as usize;
        if self.cells.len() <= c {
            self.cells.resize(c + 1, Data::Empty);
        }
        self.cells[c] = value;
    }

    fn get(&self, c: u32) -> Option<&Data> {
        self.cells.get(c as usize)
    }

    fn text(&self, c: u32) -> Option<String> {
        self.get(c).and_then(text)
    }

    pub fn has_text(&self) -> bool {
        self.cells.iter().any(filled)
    }

    fn filled(&self, c: u32) -> bool {
        self.get(c).is_some_and(filled)
    }

    fn width(&self) -> u32 {
        self.cells.len() as u32
    }
}

/// How many rows the header may lie within: the 21 rows `find_header` tries, a second header
/// row and a row of column numbers.
const HEAD_ROWS: usize = 24;
/// Rows handed to a builder at a time: enough to make a thread hand-over cheap, few enough
/// that the rows in flight take little memory.
const BATCH: usize = 64;

/// The register's header once found, each column's header text for the archived row, and
/// where the rows come from (for the cases' sources and default IDs).
struct Found {
    header: Header,
    /// The header's fields in column order, each with its pointer's segments.
    fields: Vec<(u32, &'static Field, Vec<Seg<'static>>)>,
    /// Model pointer → column, shared by every row's `SourceMap`.
    columns: Arc<HashMap<&'static str, u32>>,
    /// The leftmost known column: the place of a row as a whole.
    first: u32,
    labels: Vec<Option<String>>,
    name: String,
    sheet: Arc<str>,
    stem: String,
    /// Keep each row's own cells (`IngestedCase::origin`).
    origin: bool,
}

/// Rows of the register after its header, in order, and the header they are read by.
struct Batch {
    found: Arc<Found>,
    rows: Vec<Row>,
}

/// Finds the header of a register sheet among its first rows, then hands on its other rows
/// in batches; the sheet is never held whole.
struct RegisterStream<'a> {
    name: &'a str,
    origin: bool,
    sheet: &'a str,
    head: Vec<Row>,
    found: Option<Arc<Found>>,
    /// The first rows hold no register header.
    no_header: bool,
    /// Diagnostics about the header (unknown columns).
    diagnostics: Vec<Diagnostic>,
    batch: Vec<Row>,
    /// Hands a batch on; false when no one takes batches any more.
    out: &'a mut dyn FnMut(Batch) -> bool,
    stopped: bool,
}

impl<'a> RegisterStream<'a> {
    fn new(
        name: &'a str,
        sheet: &'a str,
        origin: bool,
        out: &'a mut dyn FnMut(Batch) -> bool,
    ) -> RegisterStream<'a> {
        RegisterStream {
            name,
            origin,
            sheet,
            head: Vec::new(),
            found: None,
            no_header: false,
            diagnostics: Vec::new(),
            batch: Vec::new(),
            out,
            stopped: false,
        }
    }

    /// Takes the sheet's next row (rows come in order); false once the first rows turned out
    /// to hold no register header, or the cases are no longer taken, so the caller can stop
    /// reading.
    fn push(&mut self, row: Row) -> bool {
        if self.found.is_some() {
            self.take(row);
            return !self.stopped;
        }
        self.head.push(row);
        if self.head.len() >= HEAD_ROWS {
            self.settle();
        }
        !self.no_header
    }

    /// The end of the sheet: the diagnostics about the header, or None when the sheet has no
    /// register header.
    fn finish(mut self) -> Option<Vec<Diagnostic>> {
        if self.found.is_none() && !self.no_header {
            self.settle();
        }
        self.flush();
        self.found.as_ref()?;
        Some(self.diagnostics)
    }

    /// Finds the header among the buffered rows and takes the rows after it.
    fn settle(&mut self) {
        let head = std::mem::take(&mut self.head);
        // The header lies within the first rows: a far row among the first filled ones would
        // make the grid below reach it.
        let near = head.first().map_or(0, |row| row.r) + HEAD_ROWS as u32;
        let cells: Vec<Cell<Data>> = head
            .iter()
            .filter(|row| row.r < near)
            .flat_map(|row| {
                row.cells
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| !matches!(v, Data::Empty))
                    .map(|(c, v)| Cell::new((row.r, c as u32), v.clone()))
            })
            .collect();
        let range = Range::from_sparse(cells);
        let Some(header) = find_header(&range) else {
            self.no_header = true;
            return;
        };
        for (r, c, t) in &header.unknown {
            let mut d = Diagnostic::warning(
                "I-UNKNOWN",
                "",
                format!(
                    "столбец «{t}» неизвестен: его значения не будут прочитаны; проверьте заголовок"
                ),
            );
            d.file = self.name.to_string();
            d.sheet = Some(self.sheet.to_string());
            d.cell = Some(address(*r, *c));
            self.diagnostics.push(d);
        }
        // The header text over each column, else the sheet's first row.
        let width = range.end().map_or(0, |(_, c)| c + 1);
        let labels = (0..width)
            .map(|c| {
                range
                    .get_value((header.last_row, c))
                    .and_then(text)
                    .or_else(|| range.get_value((0, c)).and_then(text))
            })
            .collect();
        let stem = Path::new(self.name)
            .file_stem()
            .and_then(|s| s.to_str())
            .map(safe_stem)
            .unwrap_or_else(|| "реестр".into());
        let mut fields: Vec<(u32, &'static Field, Vec<Seg<'static>>)> = header
            .columns
            .iter()
            .map(|(c, f)| (*c, *f, segments(f.path)))
            .collect();
        fields.sort_by_key(|(c, ..)| *c);
        let mut columns: HashMap<&'static str, u32> = fields
            .iter()
            .filter(|(_, f, _)| !f.path.is_empty() && !f.path.starts_with('#'))
            .map(|(c, f, _)| (f.path, *c))
            .collect();
        // The child as a whole: its name's column when the register has one, else the row's
        // first cell.
        columns.entry("/family/children/0").or_insert(0);
        let first = fields.first().map_or(0, |(c, ..)| *c);
        self.found = Some(Arc::new(Found {
            header,
            fields,
            columns: Arc::new(columns),
            first,
            labels,
            name: self.name.to_string(),
            sheet: Arc::from(self.sheet),
            stem,
            origin: self.origin,
        }));
        for row in head {
            self.take(row);
        }
    }

    /// Keeps a row after the header that has something in a known column.
    fn take(&mut self, row: Row) {
        let Some(found) = &self.found else { return };
        if row.r <= found.header.last_row || !found.fields.iter().any(|(c, ..)| row.filled(*c)) {
            return;
        }
        self.batch.push(row);
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if let (Some(found), false) = (&self.found, self.batch.is_empty()) {
            let rows = std::mem::take(&mut self.batch);
            self.stopped |= !(self.out)(Batch {
                found: found.clone(),
                rows,
            });
        }
    }
}

/// Reads a register sheet as a stream: `rows` feeds the sheet's rows in order to the function
/// it is given (and stops when that returns false); it runs on a thread of its own, the rows
/// are made cases (and mapped by `each.map`) on every core, and handed to `each.each` in row
/// order on this thread. Returns the diagnostics about the header, or None when the sheet has
/// no register header. Memory holds a few batches of rows, whatever the sheet's length.
pub fn read_sheet<E: Send, T: Send>(
    name: &str,
    sheet: &str,
    rows: impl FnOnce(&mut dyn FnMut(Row) -> bool) -> Result<(), E> + Send,
    each: Each<T>,
) -> Result<Option<Vec<Diagnostic>>, E> {
    type Built<T> = std::thread::Result<Vec<T>>;
    let Each { origin, map, each } = each;
    let builders = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
    let (batches, batches_rx) = mpsc::sync_channel::<(usize, Batch)>(builders * 2);
    // Shared by the builders alone: when they are gone (the cases no longer taken), the
    // reader's next send fails and it stops, rather than wait for ever.
    let batches_rx = Arc::new(Mutex::new(batches_rx));
    let (built, built_rx) = mpsc::sync_channel::<(usize, Built<T>)>(builders * 2);
    let mut panicked = None;
    let read = std::thread::scope(|s| {
        let reader = s.spawn(move || {
            let mut seq = 0;
            let mut send = |b: Batch| {
                seq += 1;
                batches.send((seq - 1, b)).is_ok()
            };
            let mut stream = RegisterStream::new(name, sheet, origin, &mut send);
            rows(&mut |row| stream.push(row)).map(|()| stream.finish())
        });
        for _ in 0..builders {
            let (built, batches_rx) = (built.clone(), batches_rx.clone());
            s.spawn(move || {
                loop {
                    let next = batches_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((seq, b)) = next else { break };
                    // A defect in one batch is reported for the file (by `guarded`), not a
                    // builder lost with the reader waiting on it.
                    let cases = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        b.rows.iter().map(|r| map(read_row(&b.found, r))).collect()
                    }));
                    if built.send((seq, cases)).is_err() {
                        break;
                    }
                }
            });
        }
        drop((built, batches_rx));
        // The builders finish out of order; the cases go on in the rows' order.
        let mut waiting: BTreeMap<usize, Built<T>> = BTreeMap::new();
        let mut next = 0;
        for (seq, cases) in built_rx {
            waiting.insert(seq, cases);
            while let Some(cases) = waiting.remove(&next) {
                next += 1;
                match cases {
                    Ok(cases) => cases.into_iter().for_each(&mut *each),
                    Err(p) => {
                        panicked.get_or_insert(p);
                    }
                }
            }
        }
        reader.join()
    });
    let read = read.unwrap_or_else(|p| std::panic::resume_unwind(p));
    if let Some(p) = panicked {
        std::panic::resume_unwind(p);
    }
    read
}

/// Keeps the letters and digits of a file stem for default case IDs.
fn safe_stem(stem: &str) -> String {
    let s: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "реестр".into()
    } else {
        s
    }
}

/// A parent from a register row: name, phone, role, the name's column, the phone's column.
type Parent<'a> = (
    Option<String>,
    Option<String>,
    Option<&'a str>,
    u32,
    Option<u32>,
);

fn read_row(found: &Found, row: &Row) -> IngestedCase {
    let r = row.r;
    let (name, sheet, stem) = (found.name.as_str(), &*found.sheet, found.stem.as_str());
    let mut root = json!({});
    let mut source = SourceMap {
        file: name.to_string(),
        default: Some((sheet.to_string(), Some(address(r, found.first)))),
        row: Some(RowColumns {
            sheet: found.sheet.clone(),
            row: r,
            columns: found.columns.clone(),
        }),
        ..Default::default()
    };
    let at = |c: u32| (sheet.to_string(), address(r, c));
    let mut reps: Vec<Parent> = Vec::new();
    // The representatives' columns (few): marker → (column, text).
    let mut by_marker: Vec<(&str, (u32, Option<String>))> = Vec::new();
    for (c, f, segs) in &found.fields {
        let (c, f) = (*c, *f);
        let cell = row.get(c);
        if f.path.starts_with('#') {
            by_marker.push((f.path, (c, cell.and_then(text))));
            continue;
        }
        if f.path.is_empty() {
            continue;
        }
        if let Some(v) = cell.and_then(|cell| value(cell, f.kind)) {
            set_segments(&mut root, segs, v);
        }
    }
    let by_marker = |m: &str| by_marker.iter().find(|(k, _)| *k == m).map(|(_, v)| v);
    for (name_marker, phone_marker, role) in [
        (MOTHER_NAME, MOTHER_PHONE, Some("mother")),
        (FATHER_NAME, FATHER_PHONE, Some("father")),
    ] {
        if let Some((c, Some(n))) = by_marker(name_marker) {
            let phone = by_marker(phone_marker);
            reps.push((
                Some(n.clone()),
                phone.and_then(|(_, p)| p.clone()),
                role,
                *c,
                phone.map(|(c, _)| *c),
            ));
        }
    }
    if let Some((c, Some(names))) = by_marker(REP_NAMES) {
        let phones = by_marker(REP_PHONES);
        let phone_list = phones
            .and_then(|(_, p)| p.as_deref())
            .map(|p| split_list(p, false))
            .unwrap_or_default();
        for (i, n) in split_list(names, false).into_iter().enumerate() {
            // A person named in the mother's or father's column too is the same person.
            if reps
                .iter()
                .any(|(rn, ..)| rn.as_deref().map(fold) == Some(fold(&n)))
            {
                continue;
            }
            // «Иванова Мария Петровна (мать)»: the role in brackets after the name.
            let (n, role) = split_role(&n);
            reps.push((
                Some(n),
                phone_list.get(i).cloned(),
                role,
                *c,
                phones.map(|(c, _)| *c),
            ));
        }
    }
    for (i, (n, phone, role, name_col, phone_col)) in reps.into_iter().enumerate() {
        let base = format!("/family/legal_representatives/{i}");
        source.cells.insert(base.clone(), at(name_col));
        source.cells.insert(format!("{base}/name"), at(name_col));
        if let Some(pc) = phone_col {
            source.cells.insert(format!("{base}/phone"), at(pc));
        }
        if let Some(n) = n {
            set_pointer(&mut root, &format!("{base}/name"), Value::String(n));
        }
        if let Some(p) = phone {
            set_pointer(&mut root, &format!("{base}/phone"), Value::String(p));
        }
        if let Some(role) = role {
            set_pointer(
                &mut root,
                &format!("{base}/role"),
                Value::String(role.into()),
            );
        }
    }
    if root
        .pointer("/case_id")
        .and_then(Value::as_str)
        .is_none_or(|s| s.trim().is_empty())
    {
        set_pointer(
            &mut root,
            "/case_id",
            Value::String(format!("{stem}-{}", r + 1)),
        );
    }
    // The notification exists whenever the row does (a number survives `drop_empty`).
    if root.pointer("/notification/child").is_none() {
        set_pointer(&mut root, "/notification/child", json!(0));
    }
    let (case, mut diags) = case_from_value(root, false);
    for d in &mut diags {
        source.locate(d);
    }
    IngestedCase {
        case: case.unwrap_or_default(),
        source,
        diagnostics: diags,
        origin: found.origin.then(|| origin(found, row)),
    }
}

/// The row as it stands, every column with its header, for the archive.
fn origin(found: &Found, row: &Row) -> Value {
    let mut cells = serde_json::Map::new();
    for c in 0..row.width() {
        let label = found.labels.get(c as usize).cloned().flatten();
        if let (Some(h), Some(v)) = (label, row.text(c)) {
            cells.insert(
                format!("{} ({})", h, address(0, c).trim_end_matches('1')),
                Value::String(v),
            );
        }
    }
    json!({"sheet": &*found.sheet, "row": row.r + 1, "cells": cells})
}

/// Splits «ФИО (мать)» into the name and the role code, when the bracket names a role.
fn split_role(text: &str) -> (String, Option<&'static str>) {
    if let Some((name, rest)) = text
        .trim()
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once('('))
    {
        let code = crate::catalog::catalog().lookup("representative_role", rest);
        let code: Option<&'static str> = match code {
            Some("mother") => Some("mother"),
            Some("father") => Some("father"),
            Some(_) => Some("substitute"),
            None => None,
        };
        if code.is_some() {
            return (name.trim().to_string(), code);
        }
    }
    (text.trim().to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row is read without tracking unknown fields (`case_from_value(.., false)`): every
    /// column's pointer must be a field of the model, or its values would vanish unseen.
    #[test]
    fn every_register_column_is_a_field_of_the_model() {
        use serde::Deserialize;
        for f in REGISTER_COLUMNS {
            if f.path.is_empty() || f.path.starts_with('#') {
                continue;
            }
            let mut v = json!({});
            set_pointer(&mut v, f.path, json!("x"));
            let mut unknown = Vec::new();
            let mut seen = |p: serde_ignored::Path| unknown.push(p.to_string());
            let de = serde_ignored::Deserializer::new(&v, &mut seen);
            let _ = crate::model::Case::deserialize(de);
            assert!(unknown.is_empty(), "{} ({}): {unknown:?}", f.label, f.path);
        }
        // And the pointers the representatives' columns are read into.
        for p in ["name", "phone", "role"] {
            let mut v = json!({});
            set_pointer(
                &mut v,
                &format!("/family/legal_representatives/0/{p}"),
                json!("x"),
            );
            let mut unknown = Vec::new();
            let mut seen = |p: serde_ignored::Path| unknown.push(p.to_string());
            let de = serde_ignored::Deserializer::new(&v, &mut seen);
            let _ = crate::model::Case::deserialize(de);
            assert!(unknown.is_empty(), "{p}: {unknown:?}");
        }
    }

    /// A header of the register's first columns, then `n` rows with text in each.
    fn sheet(n: u32) -> impl Iterator<Item = Row> {
        let width = REGISTER_COLUMNS.len().min(6) as u32;
        let mut header = Row::new(0);
        for (c, f) in REGISTER_COLUMNS.iter().take(width as usize).enumerate() {
            header.set(c as u32, Data::String(f.label.to_string()));
        }
        std::iter::once(header).chain((1..=n).map(move |r| {
            let mut row = Row::new(r);
            for c in 0..width {
                row.set(c, Data::String(format!("текст {r}")));
            }
            row
        }))
    }

    fn feed(n: u32) -> impl FnOnce(&mut dyn FnMut(Row) -> bool) -> Result<(), ()> + Send {
        move |push| {
            for row in sheet(n) {
                if !push(row) {
                    break;
                }
            }
            Ok(())
        }
    }

    #[test]
    fn every_row_becomes_a_case_in_row_order() {
        let mut rows = Vec::new();
        let mut each = |c: IngestedCase| rows.push(c.source.default.and_then(|(_, cell)| cell));
        let each = Each {
            origin: false,
            map: &|c| c,
            each: &mut each,
        };
        let header = read_sheet("реестр.xlsx", "Реестр", feed(1000), each);
        assert!(header.unwrap().is_some(), "the header is found");
        let expected: Vec<_> = (1..=1000).map(|r| Some(address(r, 0))).collect();
        assert_eq!(rows, expected);
    }

    #[test]
    fn a_consumer_that_fails_stops_the_reader_instead_of_hanging() {
        let read = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let mut seen = 0;
            let mut each = |_: IngestedCase| {
                seen += 1;
                assert!(seen < 100, "a defect in what takes the cases");
            };
            let each = Each {
                origin: false,
                map: &|c| c,
                each: &mut each,
            };
            read_sheet("реестр.xlsx", "Реестр", feed(100_000), each)
        }));
        assert!(read.is_err(), "the consumer's panic reaches the caller");
    }
}
