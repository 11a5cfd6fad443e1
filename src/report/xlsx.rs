//! Workbooks: the quarter's summary, one sheet per table, and any document's grids (the logs).

use super::QuarterReport;
use crate::render::doc::{Block, Cell, Col, Document};

/// The summary as a workbook: one sheet per table of the PDF.
pub fn summary_xlsx(r: &QuarterReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Format;
    // Fixed properties (no clock): the same report gives the same bytes.
    let mut book = crate::blank_workbooks::new_book();
    let bold = Format::new().set_bold().set_background_color(0xDDE4EE);
    let mut sheet = |name: &str,
                     headers: &[&str],
                     rows: Vec<Vec<String>>|
     -> Result<(), rust_xlsxwriter::XlsxError> {
        let ws = book.add_worksheet();
        ws.set_name(name)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
            ws.set_column_width(c as u16, if c == headers.len() - 1 { 60.0 } else { 22.0 })?;
        }
        for (i, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                match v.parse::<f64>() {
                    Ok(n) if !v.contains('-') => ws.write_number(1 + i as u32, c as u16, n)?,
                    _ => ws.write_string(1 + i as u32, c as u16, v)?,
                };
            }
        }
        Ok(())
    };
    let mut totals = vec![
        vec![
            "Случаев в работе в квартале".to_string(),
            r.active.len().to_string(),
        ],
        vec!["Открыто в квартале".into(), r.opened.to_string()],
        vec!["Закрыто в квартале".into(), r.closed.to_string()],
        vec!["Уровень снизился".into(), r.level_changes.0.to_string()],
        vec!["Уровень не изменился".into(), r.level_changes.1.to_string()],
        vec!["Уровень повысился".into(), r.level_changes.2.to_string()],
    ];
    totals.extend(
        r.by_level
            .iter()
            .map(|(k, n)| vec![format!("Уровень: {k}"), n.to_string()]),
    );
    totals.extend(
        r.by_agency
            .iter()
            .map(|(k, n)| vec![format!("Орган: {k}"), n.to_string()]),
    );
    sheet("Сводка", &["Показатель", "Число"], totals)?;
    sheet(
        "Динамика",
        &["Раздел", "лучше", "без изменений", "хуже"],
        r.dynamics
            .iter()
            .map(|(d, a, s, w)| vec![d.clone(), a.to_string(), s.to_string(), w.to_string()])
            .collect(),
    )?;
    sheet(
        "Мониторинг",
        &["Случай", "Срок мониторинга", "Состояние"],
        r.monitoring
            .iter()
            .map(|(id, s)| vec![id.clone(), s.due().ru(), s.describe()])
            .collect(),
    )?;
    sheet(
        "Сроки",
        &["Случай", "Правило", "Что"],
        r.missed
            .iter()
            .map(|(id, d)| vec![id.clone(), d.rule.to_string(), d.message.clone()])
            .collect(),
    )?;
    crate::blank_workbooks::saved(&mut book)
}

/// The grids of a document as a workbook (the logs as XLSX): every table row a sheet row.
pub fn table_xlsx(doc: &Document) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
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
    let mut tables = doc.blocks.iter().filter_map(|b| match b {
        Block::Table {
            header,
            rows,
            columns,
            ..
        } => Some((columns, header, rows)),
        _ => None,
    });
    let none = (Vec::new(), Vec::new(), Vec::new());
    let (columns, header, rows) = tables.next().unwrap_or((&none.0, &none.1, &none.2));
    grid_xlsx(&titles, columns, header, rows.iter().cloned().map(Ok))
        .map_err(rust_xlsxwriter::XlsxError::ParameterError)
}

/// A workbook of one sheet «Журнал»: the titles, then a grid's header and rows. The sheet is
/// written in constant memory (rows go to a temporary file as they come), so `rows` may be
/// as many as a log of years holds.
pub fn grid_xlsx(
    titles: &[String],
    columns: &[Col],
    header: &[Vec<Cell>],
    rows: impl Iterator<Item = Result<Vec<Cell>, String>>,
) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::Format;
    let x = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = crate::blank_workbooks::new_book();
    let ws = book.add_worksheet_with_constant_memory().map_err(x)?;
    ws.set_name("Журнал").map_err(x)?;
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(0xDDE4EE);
    let wrap = Format::new().set_text_wrap();
    for (c, col) in columns.iter().enumerate() {
        let chars = match col {
            Col::Text(w) => f64::from(*w) * 2.2,
            Col::Fixed => 14.0,
        };
        ws.set_column_width(c as u16, chars).map_err(x)?;
    }
    let mut r = 0u32;
    for title in titles {
        ws.write_string_with_format(r, 0, title, &Format::new().set_bold())
            .map_err(x)?;
        r += 2;
    }
    let mut write = |r: u32, row: &[Cell], format: &Format| -> Result<(), String> {
        let mut c = 0u16;
        for cell in row {
            let text: String = cell
                .content
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            ws.write_string_with_format(r, c, &text, format)
                .map_err(x)?;
            c += cell.colspan as u16;
        }
        Ok(())
    };
    for row in header {
        write(r, row, &bold)?;
        r += 1;
    }
    for row in rows {
        write(r, &row?, &wrap)?;
        r += 1;
    }
    crate::blank_workbooks::saved(&mut book).map_err(x)
}
