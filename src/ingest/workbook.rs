//! The case workbook: one sheet per document, laid out as `crate::sheet_layouts::CASE_WORKBOOK`
//! says. Labels and headers are found by text (tolerantly), so a workbook edited in
//! LibreOffice or written by another program reads the same as our own template.

use super::bounds::{MAX_CASE_CELLS, MAX_COLUMNS, MAX_LIST, MAX_ROWS};
use super::cells::{address, text, value};
use super::register::{self, Row};
use super::{Each, Ingested, SourceMap, Unreadable, case_from_value, set_pointer};
use crate::diagnostic::Diagnostic;
use crate::model::fold;
use crate::sheet_layouts::{
    CASE_WORKBOOK, Field, INSTRUCTION_SHEET, Kind, LISTS_SHEET, REGISTER_SHEET, Sheet, Table,
};
use calamine::{Data, Ods, Reader, Sheets, Xls, Xlsb, Xlsx, open_workbook_from_rs};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
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

/// Reads a workbook case by case: a register row at a time (streamed from the file for
/// xlsx), a case workbook whole. Returns the diagnostics about the file as a whole.
pub(super) fn read_workbook_each<RS: Read + Seek + Send, T: Send>(
    name: &str,
    book: Result<Sheets<RS>, calamine::Error>,
    each: Each<T>,
) -> Result<Vec<Diagnostic>, Unreadable> {
    let unreadable = |e: calamine::Error| Unreadable {
        file: name.to_string(),
        message: format!(
            "файл таблицы повреждён или это не таблица: {}",
            calamine_reason(&e)
        ),
    };
    let mut book = book.map_err(unreadable)?;
    let names = book.sheet_names();
    // A register has a sheet «Реестр», or no sheet of the case workbook and a header row
    // with the detection log's columns on its first sheet.
    let named = names.iter().position(|n| fold(n) == fold(REGISTER_SHEET));
    let register = match named {
        Some(i) => Some(i),
        None if !names.is_empty() && !names.iter().any(|n| Sheet::find(n).is_some()) => Some(0),
        None => None,
    };
    if let Some(index) = register {
        let sheet = names[index].clone();
        let mut far = Far::default();
        let header = register::read_sheet(
            name,
            &sheet,
            |push: &mut dyn FnMut(Row) -> bool| stream_rows(&mut book, &sheet, &mut far, push),
            Each {
                origin: each.origin,
                map: each.map,
                each: &mut *each.each,
            },
        )
        .map_err(unreadable)?;
        match header {
            Some(header) => {
                let mut diags = other_sheets(name, &mut book, &names, index);
                diags.extend(header);
                diags.extend(far.diagnostic(name, &sheet));
                return Ok(diags);
            }
            None if named.is_some() => {
                let mut diags = other_sheets(name, &mut book, &names, index);
                let mut d = Diagnostic::error(
                    "I-FORMAT",
                    "",
                    "не найдена строка заголовков реестра: нужны столбцы журнала учета (Прил. 1), например «Дата поступления сведений», «Дата рождения ребенка»",
                );
                d.file = name.to_string();
                d.sheet = Some(sheet);
                diags.push(d);
                return Ok(diags);
            }
            // No register header on the first sheet: a case workbook with renamed sheets.
            None => {}
        }
    }
    // A case workbook's cells are few: they are kept by position, never as a grid from the
    // first to the last used cell, and no more than `MAX_CASE_CELLS` of them.
    let mut sheets: Vec<(String, SheetCells)> = Vec::new();
    let mut budget = MAX_CASE_CELLS;
    let mut refused = Vec::new();
    for sheet in names {
        let mut cells = SheetCells::default();
        let mut far = Far::default();
        let mut full = false;
        each_cell(&mut book, &sheet, |r, c, v| {
            if !far.keeps(r, c) {
                return true;
            }
            if budget == 0 {
                full = true;
                return false;
            }
            budget -= 1;
            cells.insert(r, c, v);
            true
        })
        .map_err(unreadable)?;
        refused.extend(far.diagnostic(name, &sheet));
        if full {
            let mut d = super::size_error(
                "",
                format!(
                    "в книге случая больше {MAX_CASE_CELLS} заполненных ячеек: книга не дочитана; в книге случая — документы одной семьи, уберите лишние данные"
                ),
            );
            d.file = name.to_string();
            d.sheet = Some(sheet.clone());
            refused.push(d);
            sheets.push((sheet, cells));
            break;
        }
        sheets.push((sheet, cells));
    }
    let ingested = read_case_workbook(name, sheets, refused);
    for case in ingested.cases {
        (each.each)((each.map)(case));
    }
    Ok(ingested.diagnostics)
}

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

/// Reads the cells of a sheet within `rows` × `cols` (1-based) and no others, so that a far
/// cell asked for, or far cells in the file, cost no memory (`each_cell`).
pub fn sheet_window(
    path: &std::path::Path,
    sheet: Option<&str>,
    rows: std::ops::RangeInclusive<u32>,
    cols: std::ops::RangeInclusive<u32>,
) -> Result<SheetWindow, String> {
    let open = || {
        std::fs::File::open(path)
            .map(std::io::BufReader::new)
            .map_err(calamine::Error::Io)
    };
    super::bounds::check_package(open().map_err(|e| e.to_string())?)?;
    let read = || {
        let mut book = open_book(open).map_err(|e| {
            format!(
                "Файл таблицы повреждён или это не таблица: {}",
                calamine_reason(&e)
            )
        })?;
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
            if super::cells::filled(&v) {
                window.rows = window.rows.max(r);
                window.cols = window.cols.max(c);
            }
            true
        })
        .map_err(|e| {
            format!(
                "В файле нет листа «{}» или он не читается: {}",
                window.sheet,
                calamine_reason(&e)
            )
        })?;
        Ok(window)
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .unwrap_or_else(|_| Err("файл таблицы повреждён".to_string()))
}

/// A sheet's filled cells by absolute (row, column), zero-based.
#[derive(Default)]
pub(crate) struct SheetCells {
    cells: BTreeMap<(u32, u32), Data>,
    /// The rightmost used column.
    last_col: u32,
}

impl SheetCells {
    fn insert(&mut self, r: u32, c: u32, v: Data) {
        self.last_col = self.last_col.max(c);
        self.cells.insert((r, c), v);
    }

    fn get(&self, r: u32, c: u32) -> Option<&Data> {
        self.cells.get(&(r, c))
    }

    /// The used rows, in order.
    fn rows(&self) -> impl Iterator<Item = u32> + '_ {
        let mut last = None;
        self.cells
            .keys()
            .map(|&(r, _)| r)
            .filter(move |&r| last.replace(r) != Some(r))
    }

    /// A row's cells, by column.
    fn row(&self, r: u32) -> impl Iterator<Item = (u32, &Data)> + '_ {
        self.cells
            .range((r, 0)..=(r, u32::MAX))
            .map(|(&(_, c), v)| (c, v))
    }
}

/// Cells beyond `MAX_ROWS` × `MAX_COLUMNS`: not read, and reported once per sheet (I-SIZE).
#[derive(Default)]
pub(crate) struct Far {
    first: Option<(u32, u32)>,
    count: u64,
}

impl Far {
    /// Whether a cell is within the caps; notes it when not.
    pub(crate) fn keeps(&mut self, r: u32, c: u32) -> bool {
        if r < MAX_ROWS && c < MAX_COLUMNS {
            return true;
        }
        self.first.get_or_insert((r, c));
        self.count += 1;
        false
    }

    pub(crate) fn diagnostic(&self, file: &str, sheet: &str) -> Option<Diagnostic> {
        let (r, c) = self.first?;
        let more = match self.count {
            0 | 1 => String::new(),
            n => format!(" (и ещё {} таких ячеек)", n - 1),
        };
        let mut d = super::size_error(
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
pub(crate) fn each_cell<RS: Read + Seek>(
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

/// Hands a sheet's rows to `push` in order until it returns false; only one row is in memory
/// for an xlsx sheet (`each_cell`). Cells beyond the caps are noted in `far`, not read.
fn stream_rows<RS: Read + Seek>(
    book: &mut Sheets<RS>,
    sheet: &str,
    far: &mut Far,
    mut push: impl FnMut(Row) -> bool,
) -> Result<(), calamine::Error> {
    let mut row: Option<Row> = None;
    let mut stopped = false;
    each_cell(book, sheet, |r, c, value| {
        if !far.keeps(r, c) {
            return true;
        }
        if let Some(done) = row.take_if(|row| row.r != r)
            && !push(done)
        {
            stopped = true;
            return false;
        }
        row.get_or_insert_with(|| Row::new(r)).set(c, value);
        true
    })?;
    if let Some(done) = row
        && !stopped
    {
        push(done);
    }
    Ok(())
}

/// I-UNKNOWN for the register workbook's other sheets that hold text (they are not read),
/// but the instruction and the lists of our template.
fn other_sheets<RS: Read + Seek>(
    name: &str,
    book: &mut Sheets<RS>,
    names: &[String],
    register: usize,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, sheet) in names.iter().enumerate() {
        if i == register
            || fold(sheet) == fold(INSTRUCTION_SHEET)
            || fold(sheet) == fold(LISTS_SHEET)
        {
            continue;
        }
        let mut filled = false;
        // Stops at the first row with text: a large sheet is not read to its end.
        let _ = stream_rows(book, sheet, &mut Far::default(), |row| {
            filled = row.has_text();
            !filled
        });
        if filled {
            let mut d = Diagnostic::warning(
                "I-UNKNOWN",
                "",
                format!("лист «{sheet}» не относится к реестру и не будет прочитан"),
            );
            d.file = name.to_string();
            d.sheet = Some(sheet.clone());
            out.push(d);
        }
    }
    out
}

fn calamine_reason(e: &calamine::Error) -> String {
    let s = e.to_string();
    if s.len() > 200 {
        format!("{}…", &s[..s.floor_char_boundary(200)])
    } else {
        s
    }
}

/// `refused`: the cells not read (I-SIZE), which belong to the case like its other errors.
fn read_case_workbook(
    name: &str,
    sheets: Vec<(String, SheetCells)>,
    refused: Vec<Diagnostic>,
) -> Ingested {
    let mut out = Ingested {
        file: name.to_string(),
        ..Default::default()
    };
    let mut root = Value::Object(Default::default());
    let mut source = SourceMap {
        file: name.to_string(),
        sheets: sheet_prefixes(),
        ..Default::default()
    };
    let mut diags: Vec<Diagnostic> = Vec::new();
    for (sheet_name, range) in &sheets {
        let key = fold(sheet_name);
        if key == fold(INSTRUCTION_SHEET) || key == fold(LISTS_SHEET) {
            continue;
        }
        match Sheet::find(sheet_name) {
            Some(layout) => read_sheet(
                sheet_name,
                range,
                layout,
                &mut root,
                &mut source,
                &mut diags,
            ),
            None if range.cells.values().any(|c| text(c).is_some()) => {
                let mut d = Diagnostic::warning(
                    "I-UNKNOWN",
                    "",
                    format!(
                        "лист «{sheet_name}» не относится к книге случая и не будет прочитан; листы книги: {}",
                        CASE_WORKBOOK
                            .iter()
                            .map(|s| format!("«{}»", s.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                d.sheet = Some(sheet_name.clone());
                diags.push(d);
            }
            None => {}
        }
    }
    let (case, mut more) = case_from_value(root, true);
    for d in &mut more {
        source.locate(d);
    }
    for d in &mut diags {
        d.file = name.to_string();
    }
    diags.extend(more);
    diags.extend(refused);
    out.add(case, source, diags);
    out
}

/// For values whose cell is unknown: the sheet each part of the model lives on.
fn sheet_prefixes() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for sheet in CASE_WORKBOOK {
        for field in sheet.fields {
            let p = match sheet.multi {
                Some(base) => base.to_string(),
                None => field.path.to_string(),
            };
            out.push((p, sheet.name.to_string()));
        }
        for table in sheet.tables {
            let p = table.path.split("/{}").next().unwrap_or(table.path);
            out.push((p.to_string(), sheet.name.to_string()));
        }
    }
    out
}

struct OpenTable<'a> {
    table: &'a Table,
    /// Absolute column → field.
    columns: HashMap<u32, &'a Field>,
    /// Rows read so far per array path (the group's path for grouped tables).
    counts: HashMap<String, usize>,
}

fn row_texts(range: &SheetCells, r: u32) -> Vec<(u32, String)> {
    range
        .row(r)
        .filter_map(|(c, v)| text(v).map(|t| (c, t)))
        .collect()
}

/// A table's header found in a row: the table, its fields by column, the cells no field has.
type HeaderMatch<'a> = (&'a Table, HashMap<u32, &'a Field>, Vec<(u32, String)>);

/// Is this row the header row of one of the sheet's tables? Its first filled cell must be a
/// column header of the table and at least half of the table's headers must be present.
fn match_header<'a>(layout: &'a Sheet, cells: &[(u32, String)]) -> Option<HeaderMatch<'a>> {
    let (_, first) = cells.first()?;
    for table in layout.tables {
        if !table.columns.iter().any(|c| fold(c.label) == fold(first)) {
            continue;
        }
        let mut columns = HashMap::new();
        let mut unknown = Vec::new();
        for (c, t) in cells {
            match table.columns.iter().find(|f| fold(f.label) == fold(t)) {
                Some(f) => {
                    columns.insert(*c, f);
                }
                None => unknown.push((*c, t.clone())),
            }
        }
        if columns.len() * 2 >= table.columns.len() {
            return Some((table, columns, unknown));
        }
    }
    None
}

fn read_sheet(
    sheet_name: &str,
    range: &SheetCells,
    layout: &Sheet,
    root: &mut Value,
    source: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(&(r0, _)) = range.cells.keys().next() else {
        return;
    };
    let c1 = range.last_col;
    let c0 = 0; // labels are in column A, wherever the used range starts
    let mut open: Option<OpenTable> = None;
    let at = |r: u32, c: u32| (sheet_name.to_string(), address(r, c));
    let warn = |diags: &mut Vec<Diagnostic>, r: u32, c: u32, message: String| {
        let mut d = Diagnostic::warning("I-UNKNOWN", "", message);
        d.sheet = Some(sheet_name.to_string());
        d.cell = Some(address(r, c));
        diags.push(d);
    };
    let headings = [
        fold(&crate::workbooks::sheet_title(layout)),
        fold(crate::workbooks::REPORT_NUMBER_LABEL),
    ];
    let titles: Vec<String> = layout
        .tables
        .iter()
        .filter(|t| !t.title.is_empty())
        .map(|t| fold(t.title))
        .collect();
    for r in range.rows() {
        let cells = row_texts(range, r);
        if cells.is_empty() {
            continue;
        }
        if cells.len() == 1 && titles.contains(&fold(&cells[0].1)) {
            continue;
        }
        if let Some((table, columns, unknown)) = match_header(layout, &cells) {
            for (c, t) in unknown {
                warn(
                    diags,
                    r,
                    c,
                    format!("столбец «{t}» неизвестен и не будет прочитан: проверьте заголовок"),
                );
            }
            let array = table
                .path
                .split("/{}")
                .next()
                .unwrap_or(table.path)
                .to_string();
            let first_col = columns.keys().min().copied().unwrap_or(0);
            source
                .cells
                .entry(array)
                .or_insert_with(|| at(r, first_col));
            open = Some(OpenTable {
                table,
                columns,
                counts: HashMap::new(),
            });
            continue;
        }
        if let Some(t) = open.as_mut() {
            read_table_row(sheet_name, range, r, t, root, source, diags);
            continue;
        }
        // Field rows: label in column A, value in B (or B, C, … on a multi sheet).
        let label = range.get(r, c0).and_then(text);
        if label
            .as_deref()
            .is_some_and(|l| headings.contains(&fold(l)))
        {
            continue;
        }
        let field = label
            .as_deref()
            .and_then(|l| layout.fields.iter().find(|f| fold(f.label) == fold(l)));
        match (field, layout.multi) {
            (Some(field), None) => {
                let pointer = field.path.to_string();
                source.cells.insert(pointer.clone(), at(r, c0 + 1));
                if let Some(v) = range.get(r, c0 + 1).and_then(|c| value(c, field.kind)) {
                    set_pointer(root, &pointer, v);
                }
                for (c, t) in cells.iter().filter(|(c, _)| *c > c0 + 1) {
                    warn(
                        diags,
                        r,
                        *c,
                        format!("значение «{}» вне столбца B не будет прочитано", short(t)),
                    );
                }
            }
            (Some(field), Some(base)) => {
                for c in (c0 + 1)..=c1 {
                    let i = (c - c0 - 1) as usize;
                    let pointer = format!("{base}/{i}{}", field.path);
                    if let Some(v) = range.get(r, c).and_then(|cell| value(cell, field.kind)) {
                        source.cells.insert(pointer.clone(), at(r, c));
                        source
                            .cells
                            .entry(format!("{base}/{i}"))
                            .or_insert_with(|| at(r0, c));
                        set_pointer(root, &pointer, v);
                    } else {
                        source.cells.insert(pointer, at(r, c));
                    }
                }
            }
            (None, _) => {
                let filled: Vec<&(u32, String)> = cells.iter().filter(|(c, _)| *c > c0).collect();
                if let Some(l) = &label {
                    if !filled.is_empty() {
                        warn(
                            diags,
                            r,
                            c0,
                            format!(
                                "строка «{}» неизвестна и не будет прочитана: проверьте подпись в столбце A",
                                short(l)
                            ),
                        );
                    }
                } else if let Some((c, t)) = filled.first() {
                    warn(
                        diags,
                        r,
                        *c,
                        format!(
                            "значение «{}» без подписи в столбце A не будет прочитано",
                            short(t)
                        ),
                    );
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn read_table_row(
    sheet_name: &str,
    range: &SheetCells,
    r: u32,
    t: &mut OpenTable,
    root: &mut Value,
    source: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) {
    let at = |c: u32| (sheet_name.to_string(), address(r, c));
    // Data outside the known columns is reported, never dropped silently.
    for (c, cell) in range.row(r) {
        if !t.columns.contains_key(&c)
            && let Some(txt) = text(cell)
        {
            let mut d = Diagnostic::warning(
                "I-UNKNOWN",
                "",
                format!(
                    "значение «{}» в столбце без заголовка не будет прочитано",
                    short(&txt)
                ),
            );
            d.sheet = Some(sheet_name.to_string());
            d.cell = Some(address(r, c));
            diags.push(d);
        }
    }
    let meaningful = t.columns.iter().any(|(c, f)| {
        !f.key
            && f.kind != Kind::Display
            && f.kind != Kind::Index1
            && range.get(r, *c).and_then(text).is_some()
    });
    if !meaningful {
        return;
    }
    // The group column (monitoring № for its tasks) picks the array.
    let mut array = t.table.path.to_string();
    if array.contains("{}") {
        let group = t
            .columns
            .iter()
            .find(|(_, f)| f.kind == Kind::Index1 && f.path.is_empty());
        let g =
            group.and_then(|(c, _)| range.get(r, *c).and_then(|cell| value(cell, Kind::Index1)));
        match g.and_then(|v| v.as_u64()) {
            // The number is a place in a list: a far one would make the list that long.
            Some(g) if g >= MAX_LIST as u64 => {
                let c = group.map(|(c, _)| *c).unwrap_or(0);
                let mut d = super::size_error(
                    "",
                    format!(
                        "номер мониторинга {} больше {MAX_LIST}: проверьте номер",
                        g + 1
                    ),
                );
                d.sheet = Some(sheet_name.to_string());
                d.cell = Some(address(r, c));
                diags.push(d);
                return;
            }
            Some(g) => array = array.replace("{}", &g.to_string()),
            None => {
                let c = group.map(|(c, _)| *c).unwrap_or(0);
                let mut d = Diagnostic::error(
                    "I-FORMAT",
                    "",
                    "не указан номер мониторинга (1, 2, …) — строка не может быть отнесена к отчету",
                );
                d.sheet = Some(sheet_name.to_string());
                d.cell = Some(address(r, c));
                diags.push(d);
                return;
            }
        }
    }
    let count = t.counts.entry(array.clone()).or_insert(0);
    let i = *count;
    *count += 1;
    let row_pointer = format!("{array}/{i}");
    let first_col = t.columns.keys().min().copied().unwrap_or(0);
    source.cells.insert(row_pointer.clone(), at(first_col));
    let mut row = Value::Object(Default::default());
    for (c, f) in &t.columns {
        if f.path.is_empty() || f.kind == Kind::Display {
            continue;
        }
        source
            .cells
            .insert(format!("{row_pointer}{}", f.path), at(*c));
        if let Some(v) = range.get(r, *c).and_then(|cell| value(cell, f.kind)) {
            set_pointer(&mut row, f.path, v);
        }
    }
    set_pointer(root, &row_pointer, row);
}

fn short(t: &str) -> String {
    let mut s: String = t.chars().take(60).collect();
    if t.chars().count() > 60 {
        s.push('…');
    }
    s
}
