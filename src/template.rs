//! Blank workbooks for secretaries: `okno template case|register`. Written from the same
//! layout the reader uses, with a dropdown for every option list and an instruction sheet.
//! The file's metadata carries a fixed date, so the same okno writes the same bytes.

use crate::catalog::catalog;
use crate::layout::{
    CASE_WORKBOOK, Field, INSTRUCTION_SHEET, Kind, LISTS_SHEET, Prefill, REGISTER_COLUMNS, REGISTER_SHEET, Sheet, Table,
};
use rust_xlsxwriter::{
    DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
    XlsxError,
};
use std::collections::BTreeMap;

/// The heading written in A1 of a sheet (skipped by the reader).
pub fn sheet_title(sheet: &Sheet) -> String {
    let mut c = sheet.about.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The row above the report columns of a multi sheet.
pub const REPORT_NUMBER_LABEL: &str = "Номер отчета";

struct Styles {
    title: Format,
    label: Format,
    header: Format,
    cell: Format,
    date: Format,
    display: Format,
}

fn styles() -> Styles {
    let border = |f: Format| f.set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
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
        Some(
            DataValidation::new()
                .allow_list_formula(Formula::new(formula))
                .set_error_title("Значение не из списка")
                .ok()?
                .set_error_message("Выберите значение из раскрывающегося списка.")
                .ok()?,
        )
    }
}

fn option_lists() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    let fields = CASE_WORKBOOK
        .iter()
        .flat_map(|s| s.fields.iter().chain(s.tables.iter().flat_map(|t| t.columns.iter())))
        .chain(REGISTER_COLUMNS.iter());
    for f in fields {
        if let Kind::Opt(l) | Kind::Multi(l) = f.kind {
            if !names.contains(&l) {
                names.push(l);
            }
        }
    }
    names
}

fn new_book() -> Workbook {
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
    // The lists sheet must exist before validations refer to it, but it goes last.
    let mut sheets: Vec<Worksheet> = Vec::new();
    let lists_probe = ListsIndex::new(&names);
    for layout in CASE_WORKBOOK {
        sheets.push(case_sheet(layout, &st, &lists_probe)?);
    }
    for s in sheets {
        book.push_worksheet(s);
    }
    Lists::write(&mut book, &names)?;
    book.save_to_buffer()
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

fn value_format<'a>(st: &'a Styles, kind: Kind) -> &'a Format {
    match kind {
        Kind::Date => &st.date,
        Kind::Display => &st.display,
        _ => &st.cell,
    }
}

fn validate_cells(ws: &mut Worksheet, lists: &ListsIndex, f: &Field, r0: u32, r1: u32, c0: u16, c1: u16) -> Result<(), XlsxError> {
    let dv = match f.kind {
        Kind::Opt(list) => lists.validation(list),
        Kind::Int | Kind::Index1 => Some(DataValidation::new().allow_whole_number(rust_xlsxwriter::DataValidationRule::GreaterThanOrEqualTo(0))),
        _ => None,
    };
    if let Some(dv) = dv {
        ws.add_data_validation(r0, c0, r1, c1, &dv)?;
    }
    Ok(())
}

fn case_sheet(layout: &Sheet, st: &Styles, lists: &ListsIndex) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(layout.name)?;
    ws.write_string_with_format(0, 0, sheet_title(layout), &st.title)?;
    let mut row: u32 = 2;
    if !layout.fields.is_empty() {
        ws.set_column_width(0, 60)?;
        let value_cols: u16 = if layout.multi.is_some() { 4 } else { 1 };
        for c in 1..=value_cols {
            ws.set_column_width(c, if value_cols == 1 { 60 } else { 30 })?;
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
                ws.write_blank(row, c, value_format(st, f.kind))?;
            }
            validate_cells(&mut ws, lists, f, row, row, 1, value_cols)?;
            row += 1;
        }
        row += 1;
    }
    for table in layout.tables {
        row = write_table(&mut ws, table, row, st, lists, layout.fields.is_empty())?;
        row += 1;
    }
    Ok(ws)
}

/// Rows the template writes in advance for a table: (key values, display text).
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
                    vec![c.number.to_string(), c.title.clone(), (i + 1).to_string(), text.clone()]
                })
            })
            .collect(),
        Prefill::FamilyFactors => cat.factors().into_iter().map(|(id, t)| vec![id, t.to_string()]).collect(),
        Prefill::HousingQuestions => cat
            .housing
            .question
            .iter()
            .enumerate()
            .map(|(i, q)| vec![(i + 1).to_string(), q.text.clone()])
            .collect(),
        Prefill::DomainQuestions => cat
            .domains
            .domain
            .iter()
            .flat_map(|d| {
                d.question
                    .iter()
                    .enumerate()
                    .map(move |(i, q)| vec![d.title.clone(), (i + 1).to_string(), q.text.clone()])
            })
            .collect(),
        Prefill::Domains => cat.domains.domain.iter().map(|d| vec![d.title.clone()]).collect(),
    }
}

fn write_table(ws: &mut Worksheet, table: &Table, mut row: u32, st: &Styles, lists: &ListsIndex, wide: bool) -> Result<u32, XlsxError> {
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
    let n = if pre.is_empty() { table.blank_rows } else { pre.len() as u32 };
    for i in 0..n {
        let values = pre.get(i as usize);
        // Pre-filled values go, in order, to the key and display columns.
        let mut next = values.map(|v| v.iter());
        for (c, f) in table.columns.iter().enumerate() {
            let fmt = value_format(st, f.kind);
            let pre_value = if f.key || f.kind == Kind::Display { next.as_mut().and_then(|it| it.next()) } else { None };
            match pre_value {
                Some(v) if matches!(f.kind, Kind::Int) => {
                    ws.write_number_with_format(row + i, c as u16, v.parse::<f64>().unwrap_or(0.0), fmt)?;
                }
                Some(v) => {
                    ws.write_string_with_format(row + i, c as u16, v, fmt)?;
                }
                None => {
                    ws.write_blank(row + i, c as u16, fmt)?;
                }
            }
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
    book.save_to_buffer()
}
