//! The workbooks secretaries fill in: `okno template case|register`, blank or filled with a
//! case. Written from the same layout the reader uses, with a dropdown for every option list
//! and an instruction sheet, by the XLSX writer's fixed-property workbook (`render::xlsx`): the
//! same okno writes the same bytes.

use crate::catalog::catalog;
use crate::model::Case;
use crate::render::xlsx::{new_book, saved};
use crate::sheet_layouts::{
    CASE_WORKBOOK, Field, INSTRUCTION_SHEET, Kind, LISTS_SHEET, Prefill, REGISTER_COLUMNS,
    REGISTER_SHEET, REPORT_NUMBER_LABEL, Sheet, Table,
};
use rust_xlsxwriter::{
    DataValidation, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
    XlsxError,
};
use serde_json::Value;
use std::collections::BTreeMap;

struct Styles {
    title: Format,
    label: Format,
    header: Format,
    cell: Format,
    date: Format,
    display: Format,
}

fn styles() -> Styles {
    let border = |f: Format| {
        f.set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top)
    };
    Styles {
        title: Format::new().set_bold().set_font_size(13),
        label: border(Format::new().set_bold()),
        header: border(Format::new().set_bold().set_background_color(0xDDE4EE)),
        cell: border(Format::new()),
        date: border(Format::new().set_num_format("dd.mm.yyyy")),
        display: border(Format::new().set_font_color(0x444444)),
    }
}

/// Lists used by dropdowns, each in a column of the hidden-away «Списки» sheet.
struct Lists {
    columns: BTreeMap<&'static str, (u16, usize)>,
}

impl Lists {
    fn write(book: &mut Workbook, names: &[&'static str]) -> Result<Lists, XlsxError> {
        let sheet = book.add_worksheet();
        sheet.set_name(LISTS_SHEET)?;
        let bold = Format::new().set_bold();
        let mut columns = BTreeMap::new();
        for (i, name) in names.iter().enumerate() {
            let col = i as u16;
            let labels = catalog().labels(name);
            sheet.write_string_with_format(0, col, *name, &bold)?;
            for (r, l) in labels.iter().enumerate() {
                sheet.write_string(1 + r as u32, col, *l)?;
            }
            sheet.set_column_width(col, 30)?;
            columns.insert(*name, (col, labels.len()));
        }
        sheet.set_hidden(true);
        Ok(Lists { columns })
    }

    fn validation(&self, list: &str) -> Option<DataValidation> {
        let (col, len) = self.columns.get(list)?;
        let letter = crate::ingest::cells::address(0, u32::from(*col));
        let letter = letter.trim_end_matches('1');
        let formula = format!("='{LISTS_SHEET}'!${letter}$2:${letter}${}", len + 1);
        DataValidation::new()
            .allow_list_formula(Formula::new(formula))
            .set_error_title("Значение не из списка")
            .ok()?
            .set_error_message("Выберите значение из раскрывающегося списка.")
            .ok()
    }
}

fn option_lists() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    let fields = CASE_WORKBOOK
        .iter()
        .flat_map(|s| {
            s.fields
                .iter()
                .chain(s.tables.iter().flat_map(|t| t.columns.iter()))
        })
        .chain(REGISTER_COLUMNS.iter());
    for f in fields {
        if let Kind::Opt(l) | Kind::Multi(l) = f.kind
            && !names.contains(&l)
        {
            names.push(l);
        }
    }
    names
}

fn instruction(book: &mut Workbook, title: &str, lines: &[String]) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name(INSTRUCTION_SHEET)?;
    sheet.set_column_width(0, 120)?;
    let wrap = Format::new().set_text_wrap();
    sheet.write_string_with_format(0, 0, title, &Format::new().set_bold().set_font_size(14))?;
    for (i, l) in lines.iter().enumerate() {
        sheet.write_string_with_format(2 + i as u32, 0, l, &wrap)?;
    }
    Ok(())
}

fn common_rules() -> Vec<String> {
    vec![
        "Даты: ячейка с датой или текст ДД.ММ.ГГГГ (например, 05.03.2026). Даты вида 03/04/2025 и годы из двух цифр не принимаются: они неоднозначны.".into(),
        "Значения из списков выбирайте в раскрывающемся списке ячейки. Где можно указать несколько значений (тип семьи, приложения), разделяйте их «;».".into(),
        "ФИО пишется полностью: «Фамилия Имя Отчество» (отчество — при наличии).".into(),
        "Телефоны: российские номера, например +7 913 123-45-67 или 8 (383) 274-05-17.".into(),
        "Не переименовывайте листы и не меняйте подписи в столбце A и заголовки таблиц: по ним okno находит данные. Строки таблиц можно добавлять.".into(),
        "Проверка: okno validate ФАЙЛ — покажет ошибки с листом и ячейкой.".into(),
    ]
}

/// The blank case workbook.
pub fn case_workbook() -> Result<Vec<u8>, XlsxError> {
    write_case_workbook(None)
}

/// A case workbook filled with a case: what a secretary would have typed. Used to make the
/// workbook fixtures from the JSON ones and to hand a case back for editing.
pub fn case_workbook_filled(case: &Case) -> Result<Vec<u8>, XlsxError> {
    let value = serde_json::to_value(case).unwrap_or(Value::Null);
    write_case_workbook(Some(&value))
}

fn write_case_workbook(data: Option<&Value>) -> Result<Vec<u8>, XlsxError> {
    let mut book = new_book();
    let mut lines = vec![
        "Книга случая: каждый лист — один документ порядка. Заполняйте только те листы, документы которых уже есть; пустые листы не мешают проверке.".to_string(),
        "Номер случая (лист «Семья») обязателен: он используется в именах файлов и папок вместо ФИО.".to_string(),
        String::new(),
        "Листы:".to_string(),
    ];
    for s in CASE_WORKBOOK {
        lines.push(format!("«{}» — {}", s.name, s.about));
    }
    lines.push(String::new());
    lines.extend(common_rules());
    instruction(&mut book, "Книга случая okno: как заполнять", &lines)?;
    let names = option_lists();
    let st = styles();
    let lists = ListsIndex::new(&names);
    for layout in CASE_WORKBOOK {
        let ws = case_sheet(layout, &st, &lists, data)?;
        book.push_worksheet(ws);
    }
    Lists::write(&mut book, &names)?;
    saved(&mut book)
}

/// Where each list sits on the lists sheet, known before the sheet is written.
struct ListsIndex(Lists);

impl ListsIndex {
    fn new(names: &[&'static str]) -> ListsIndex {
        let columns = names
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, (i as u16, catalog().labels(n).len())))
            .collect();
        ListsIndex(Lists { columns })
    }
    fn validation(&self, list: &str) -> Option<DataValidation> {
        self.0.validation(list)
    }
}

fn value_format(st: &Styles, kind: Kind) -> &Format {
    match kind {
        Kind::Date => &st.date,
        Kind::Display => &st.display,
        _ => &st.cell,
    }
}

fn validate_cells(
    ws: &mut Worksheet,
    lists: &ListsIndex,
    f: &Field,
    r0: u32,
    r1: u32,
    c0: u16,
    c1: u16,
) -> Result<(), XlsxError> {
    let dv = match f.kind {
        Kind::Opt(list) => lists.validation(list),
        Kind::Int | Kind::Index1 => Some(
            DataValidation::new()
                .allow_whole_number(rust_xlsxwriter::DataValidationRule::GreaterThanOrEqualTo(0)),
        ),
        _ => None,
    };
    if let Some(dv) = dv {
        ws.add_data_validation(r0, c0, r1, c1, &dv)?;
    }
    Ok(())
}

/// A model value as the text a person types into the cell of that kind.
fn cell_text(v: &Value, kind: Kind) -> Option<String> {
    let scalar = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => n.as_f64().map(crate::model::values::number_text),
            Value::Bool(b) => Some(if *b { "да" } else { "нет" }.to_string()),
            Value::Object(_) => serde_json::from_value::<crate::model::PersonName>(v.clone())
                .ok()
                .map(|n| n.full()),
            _ => None,
        }
    };
    let label = |list: &str, code: &str| catalog().label(list, code).to_string();
    let text = match (kind, v) {
        (_, Value::Null) => return None,
        (Kind::Opt(list), Value::String(code)) => label(list, code),
        (Kind::Multi(list), Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(|c| label(list, c)))
            .collect::<Vec<_>>()
            .join("; "),
        (Kind::Refs, Value::Array(items)) => items
            .iter()
            .filter_map(scalar)
            .collect::<Vec<_>>()
            .join("; "),
        (Kind::Index1, Value::Number(n)) => (n.as_u64()? + 1).to_string(),
        _ => scalar(v)?,
    };
    (!text.is_empty()).then_some(text)
}

/// Writes a value into a cell: dates as date cells, numbers as numbers, the rest as text.
fn write_value(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: &Value,
    kind: Kind,
    st: &Styles,
) -> Result<(), XlsxError> {
    let fmt = value_format(st, kind);
    let Some(text) = cell_text(v, kind) else {
        ws.write_blank(r, c, fmt)?;
        return Ok(());
    };
    match kind {
        Kind::Date => match crate::model::values::parse_date(&text) {
            Ok(d) => {
                use chrono::Datelike;
                let dt =
                    ExcelDateTime::from_ymd(d.0.year() as u16, d.0.month() as u8, d.0.day() as u8)?;
                ws.write_datetime_with_format(r, c, &dt, fmt)?;
            }
            Err(_) => {
                ws.write_string_with_format(r, c, &text, fmt)?;
            }
        },
        Kind::Int | Kind::Number | Kind::Index1 => match text.parse::<f64>() {
            Ok(n) => {
                ws.write_number_with_format(r, c, n, fmt)?;
            }
            Err(_) => {
                ws.write_string_with_format(r, c, &text, fmt)?;
            }
        },
        _ => {
            ws.write_string_with_format(r, c, &text, fmt)?;
        }
    }
    Ok(())
}

fn case_sheet(
    layout: &Sheet,
    st: &Styles,
    lists: &ListsIndex,
    data: Option<&Value>,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(layout.name)?;
    ws.write_string_with_format(0, 0, layout.title(), &st.title)?;
    let mut row: u32 = 2;
    if !layout.fields.is_empty() {
        ws.set_column_width(0, 60)?;
        let reports = match (layout.multi, data) {
            (Some(base), Some(d)) => d
                .pointer(base)
                .and_then(Value::as_array)
                .map(Vec::len)
                .unwrap_or(0),
            _ => 0,
        };
        let value_cols: u16 = if layout.multi.is_some() {
            reports.max(4) as u16
        } else {
            1
        };
        for c in 1..=value_cols {
            ws.set_column_width(c, if layout.multi.is_none() { 60 } else { 30 })?;
        }
        if layout.multi.is_some() {
            ws.write_string_with_format(1, 0, REPORT_NUMBER_LABEL, &st.header)?;
            for c in 1..=value_cols {
                ws.write_number_with_format(1, c, f64::from(c), &st.header)?;
            }
        }
        for f in layout.fields {
            ws.write_string_with_format(row, 0, f.label, &st.label)?;
            for c in 1..=value_cols {
                let pointer = match layout.multi {
                    Some(base) => format!("{base}/{}{}", c - 1, f.path),
                    None => f.path.to_string(),
                };
                let v = data
                    .and_then(|d| d.pointer(&pointer))
                    .unwrap_or(&Value::Null);
                write_value(&mut ws, row, c, v, f.kind, st)?;
            }
            validate_cells(&mut ws, lists, f, row, row, 1, value_cols)?;
            row += 1;
        }
        row += 1;
    }
    for table in layout.tables {
        row = write_table(
            &mut ws,
            table,
            row,
            st,
            lists,
            layout.fields.is_empty(),
            data,
        )?;
        row += 1;
    }
    Ok(ws)
}

/// Rows the template writes in advance for a table: the key and display cells, in order.
fn prefill_rows(p: Prefill) -> Vec<Vec<String>> {
    let cat = catalog();
    match p {
        Prefill::None => vec![],
        Prefill::ChildIndicators => cat
            .child
            .criterion
            .iter()
            .flat_map(|c| {
                c.indicators.iter().enumerate().map(move |(i, text)| {
                    vec![
                        c.number.to_string(),
                        c.title.clone(),
                        (i + 1).to_string(),
                        text.clone(),
                    ]
                })
            })
            .collect(),
        Prefill::FamilyFactors => cat
            .factors()
            .into_iter()
            .map(|(id, t)| vec![id, t.to_string()])
            .collect(),
        Prefill::HousingQuestions => cat
            .housing
            .question
            .iter()
            .enumerate()
            .map(|(i, q)| vec![(i + 1).to_string(), q.text.clone()])
            .collect(),
        Prefill::DomainQuestions => {
            cat.domains
                .domain
                .iter()
                .flat_map(|d| {
                    d.question.iter().enumerate().map(move |(i, q)| {
                        vec![d.title.clone(), (i + 1).to_string(), q.text.clone()]
                    })
                })
                .collect()
        }
        Prefill::Domains => cat
            .domains
            .domain
            .iter()
            .map(|d| vec![d.title.clone()])
            .collect(),
    }
}

/// The data rows of a table: (group number for grouped tables, row object).
fn table_data<'a>(table: &Table, data: Option<&'a Value>) -> Vec<(Option<usize>, &'a Value)> {
    let Some(d) = data else { return vec![] };
    match table.path.split_once("/{}") {
        None => d
            .pointer(table.path)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|v| (None, v)).collect())
            .unwrap_or_default(),
        Some((base, rest)) => d
            .pointer(base)
            .and_then(Value::as_array)
            .map(|groups| {
                groups
                    .iter()
                    .enumerate()
                    .flat_map(|(g, gv)| {
                        gv.pointer(rest)
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .map(move |v| (Some(g), v))
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn write_table(
    ws: &mut Worksheet,
    table: &Table,
    mut row: u32,
    st: &Styles,
    lists: &ListsIndex,
    wide: bool,
    data: Option<&Value>,
) -> Result<u32, XlsxError> {
    if !table.title.is_empty() {
        ws.write_string_with_format(row, 0, table.title, &st.title)?;
        row += 1;
    }
    for (c, f) in table.columns.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, f.label, &st.header)?;
        let width = match f.kind {
            Kind::Display => 60.0,
            Kind::Int | Kind::Index1 => 12.0,
            Kind::Date => 14.0,
            _ if wide || c > 0 => 30.0,
            _ => 60.0,
        };
        // Column A is shared with the field labels on sheets that have both.
        if c > 0 || wide {
            ws.set_column_width(c as u16, width)?;
        }
    }
    row += 1;
    let pre = prefill_rows(table.prefill);
    let mut rows = table_data(table, data);
    let key_text = |v: &Value| -> Vec<String> {
        table
            .columns
            .iter()
            .filter(|f| f.key)
            .map(|f| {
                v.pointer(f.path)
                    .and_then(|x| cell_text(x, f.kind))
                    .unwrap_or_default()
            })
            .collect()
    };
    // Pre-filled rows take the data row with the same key; the others follow. A line: its
    // pre-filled values, and its data row (with the row's index in the data).
    type Line<'a> = (Option<&'a Vec<String>>, Option<(Option<usize>, &'a Value)>);
    let mut lines: Vec<Line> = Vec::new();
    for p in &pre {
        // Pre-filled values belong, in order, to the key and display columns.
        let mut it = p.iter();
        let keys: Vec<String> = table
            .columns
            .iter()
            .filter(|f| f.key || f.kind == Kind::Display)
            .filter_map(|f| {
                let v = it.next()?;
                f.key.then(|| v.clone())
            })
            .collect();
        let found = rows.iter().position(|(_, v)| key_text(v) == keys);
        lines.push((Some(p), found.map(|i| rows.remove(i))));
    }
    for r in rows {
        lines.push((None, Some(r)));
    }
    let blank = if pre.is_empty() {
        table.blank_rows.saturating_sub(lines.len() as u32)
    } else {
        0
    };
    let n = lines.len() as u32 + blank;
    for (i, line) in lines.iter().enumerate() {
        let r = row + i as u32;
        let mut pre_it = line.0.map(|p| p.iter());
        for (c, f) in table.columns.iter().enumerate() {
            let c = c as u16;
            let fmt = value_format(st, f.kind);
            let pre_value = if f.key || f.kind == Kind::Display {
                pre_it.as_mut().and_then(|it| it.next())
            } else {
                None
            };
            if let Some(v) = pre_value {
                if f.kind == Kind::Int {
                    ws.write_number_with_format(r, c, v.parse::<f64>().unwrap_or(0.0), fmt)?;
                } else {
                    ws.write_string_with_format(r, c, v, fmt)?;
                }
                continue;
            }
            match line.1 {
                Some((group, _)) if f.path.is_empty() && f.kind == Kind::Index1 => {
                    let g = group.map(|g| Value::from(g as u64)).unwrap_or(Value::Null);
                    write_value(ws, r, c, &g, f.kind, st)?;
                }
                Some((_, v)) if !f.path.is_empty() => {
                    write_value(
                        ws,
                        r,
                        c,
                        v.pointer(f.path).unwrap_or(&Value::Null),
                        f.kind,
                        st,
                    )?;
                }
                _ => {
                    ws.write_blank(r, c, fmt)?;
                }
            }
        }
    }
    for i in lines.len() as u32..n {
        for (c, f) in table.columns.iter().enumerate() {
            ws.write_blank(row + i, c as u16, value_format(st, f.kind))?;
        }
    }
    if n > 0 {
        for (c, f) in table.columns.iter().enumerate() {
            if !f.key {
                validate_cells(ws, lists, f, row, row + n - 1, c as u16, c as u16)?;
            }
        }
    }
    Ok(row + n)
}

/// The blank register: one row per notification.
pub fn register_workbook() -> Result<Vec<u8>, XlsxError> {
    let mut book = new_book();
    let mut lines = vec![
        "Реестр извещений: одна строка — одно извещение (один случай). Первые столбцы — графы журнала учета выявленных факторов риска (Прил. 1), далее — остальные сведения извещения (Прил. 2).".to_string(),
        "«Номер случая» можно не заполнять: тогда случай получит номер «имя файла-номер строки».".to_string(),
        "Несколько родителей в графе «Сведения о родителях» разделяйте «;», телефоны — в том же порядке.".to_string(),
        String::new(),
    ];
    lines.extend(common_rules());
    instruction(&mut book, "Реестр извещений okno: как заполнять", &lines)?;
    let names = option_lists();
    let lists = ListsIndex::new(&names);
    let st = styles();
    let mut ws = Worksheet::new();
    ws.set_name(REGISTER_SHEET)?;
    let rows = 300u32;
    for (c, f) in REGISTER_COLUMNS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, f.label, &st.header)?;
        ws.set_column_width(c, if f.kind == Kind::Display { 6.0 } else { 22.0 })?;
        if f.kind == Kind::Date {
            ws.set_column_format(c, &Format::new().set_num_format("dd.mm.yyyy"))?;
        }
        validate_cells(&mut ws, &lists, f, 1, rows, c, c)?;
    }
    ws.set_row_height(0, 90)?;
    ws.set_freeze_panes(1, 0)?;
    book.push_worksheet(ws);
    Lists::write(&mut book, &names)?;
    saved(&mut book)
}

/// `okno template case --from FILE`: the first case of any input, as a filled workbook.
pub fn case_workbook_from(src: &std::path::Path) -> crate::error::Result<Vec<u8>> {
    use crate::error::Error;
    let ingested = crate::ingest::read_path(src).map_err(|e| Error::Unreadable(e.to_string()))?;
    let case = ingested
        .cases
        .first()
        .ok_or_else(|| Error::Unreadable(format!("в файле {} нет случая", src.display())))?;
    case_workbook_filled(&case.case).map_err(|e| Error::Failed(e.to_string()))
}

/// Both blank workbooks into `dir`, as `demo` leaves them beside the forms.
pub fn write_blanks(dir: &std::path::Path) -> crate::error::Result<()> {
    for (name, bytes) in [
        ("шаблон-случая.xlsx", case_workbook()),
        ("шаблон-реестра.xlsx", register_workbook()),
    ] {
        let path = dir.join(name);
        bytes
            .map_err(|e| e.to_string())
            .and_then(|b| crate::files::write_if_changed(&path, &b).map_err(|e| e.to_string()))
            .map_err(|e| {
                crate::error::Error::Failed(format!("не удалось записать {}: {e}", path.display()))
            })?;
    }
    Ok(())
}
