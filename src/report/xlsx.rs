//! Workbooks: the quarter's summary, one sheet per table, and any document's grids (the logs).

use super::QuarterReport;
use crate::doc::{Block, Cell, Col, Document};

/// Sheet names of the summary workbook the PDF refers to for its full lists.
pub const WAITING: &str = "Ожидают";
pub const REPEATED: &str = "Повторные";
pub const MONITORING: &str = "Мониторинг";
pub const MISSED: &str = "Сроки";
pub const ACTIVE: &str = "Случаи";

/// The summary as a workbook: one sheet per table of the PDF, every row of the lists the PDF
/// shortens. Sheets are written in constant memory: a list of 100,000 rows goes to a
/// temporary file row by row.
pub fn summary_xlsx(r: &QuarterReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Format;
    // Fixed properties (no clock): the same report gives the same bytes.
    let mut book = crate::blank_workbooks::new_book();
    let bold = Format::new().set_bold().set_background_color(0xDDE4EE);
    let mut sheet = |name: &str,
                     headers: &[&str],
                     rows: &mut dyn Iterator<Item = Vec<String>>|
     -> Result<(), rust_xlsxwriter::XlsxError> {
        let ws = book.add_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        for c in 0..headers.len() {
            ws.set_column_width(c as u16, if c == headers.len() - 1 { 60.0 } else { 22.0 })?;
        }
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, row) in rows.enumerate() {
            for (c, v) in row.iter().enumerate() {
                match v.parse::<f64>() {
                    Ok(n) if !v.contains('-') => ws.write_number(1 + i as u32, c as u16, n)?,
                    _ => ws.write_string(1 + i as u32, c as u16, v)?,
                };
            }
        }
        Ok(())
    };
    let i = &r.inflow;
    let kv = |k: &str, n: usize| vec![k.to_string(), n.to_string()];
    let mut totals = vec![
        kv("Извещений поступило в квартале", i.received),
        kv("Извещения: уровень риска определен", i.level_set),
        kv("Извещения: ожидают «Единого окна»", i.waiting.len()),
        kv(
            "Извещения: просрочен срок «Единого окна» (D-SW-3; без даты поступления — от даты направления)",
            i.waiting.iter().filter(|w| w.overdue.is_some()).count(),
        ),
        kv(
            "Извещения: направлены с нарушением срока (D-NOTIFY-1)",
            i.late,
        ),
        kv("Извещения: повторные (I-DUPLICATE)", i.repeated.len()),
        kv("Извещения: открыт случай", i.opened),
        kv(
            "Извещения: начат ведомственный план (низкий риск, без случая)",
            i.plans,
        ),
        kv("Извещения: работа завершена", i.closed),
        kv("Случаев открыто на начало квартала", r.flow.open_at_start),
        kv("Случаев открыто на конец квартала", r.flow.open_at_end),
        kv(
            "Случаев в работе в квартале",
            r.active.iter().filter(|a| !a.plan).count(),
        ),
        kv("Открыто в квартале", r.opened),
        kv("Закрыто в квартале", r.closed),
        kv(
            "Ведомственных планов без случая на начало квартала",
            r.plan_flow.open_at_start,
        ),
        kv(
            "Ведомственных планов без случая на конец квартала",
            r.plan_flow.open_at_end,
        ),
        kv(
            "Ведомственных планов без случая в работе в квартале",
            r.active.iter().filter(|a| a.plan).count(),
        ),
        kv("Ведомственных планов начато в квартале", r.plan_flow.opened),
        kv(
            "Ведомственных планов завершено в квартале",
            r.plan_flow.closed,
        ),
        kv("Уровень снизился", r.level_changes.0),
        kv("Уровень не изменился", r.level_changes.1),
        kv("Уровень повысился", r.level_changes.2),
    ];
    // Who issues it, who prepared it, when: blank cells to fill where the data is silent.
    totals.splice(
        0..0,
        [
            vec![
                "Комиссия по делам несовершеннолетних и защите их прав".into(),
                r.commission.clone().unwrap_or_default(),
            ],
            vec![
                "Дата составления".into(),
                r.date.format("%d.%m.%Y").to_string(),
            ],
            vec![
                "Сводку подготовил(а): должность, фамилия, инициалы, подпись".into(),
                String::new(),
            ],
        ],
    );
    if let Some(t) = &r.territory {
        totals.insert(0, vec!["Территория".into(), t.label().to_string()]);
    }
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
    totals.extend(
        i.by_agency
            .iter()
            .map(|(k, n)| vec![format!("Извещения, орган: {k}"), n.to_string()]),
    );
    totals.extend(
        i.by_level
            .iter()
            .map(|(k, n)| vec![format!("Извещения, уровень: {k}"), n.to_string()]),
    );
    // The rule's code keys the row; its meaning stands beside the count.
    totals.extend(super::form::breach_counts(r).into_iter().map(|(id, n)| {
        vec![
            format!("Нарушений {id}"),
            n.to_string(),
            super::rule_meaning(id).to_string(),
        ]
    }));
    sheet(
        "Сводка",
        &["Показатель", "Число", "Пояснение"],
        &mut totals.into_iter(),
    )?;
    let total = r.territory_total();
    sheet(
        "Территории",
        &[
            "Территория",
            "Поступило извещений",
            "Уровень определен",
            "Ожидают «Единого окна»",
            "Просрочен D-SW-3",
            "Поздние извещения (D-NOTIFY-1)",
            "В работе (случаи и планы)",
            "Открыто",
            "Закрыто",
            "В работе на конец",
            "Нарушений сроков",
        ],
        &mut r
            .territories
            .iter()
            .chain(std::iter::once(&total))
            .map(|t| {
                let mut row = vec![t.label.clone()];
                row.extend(
                    [
                        t.received,
                        t.level_set,
                        t.waiting,
                        t.sw_overdue,
                        t.late,
                        t.active,
                        t.opened,
                        t.closed,
                        t.open_at_end,
                        t.breaches,
                    ]
                    .map(|n| n.to_string()),
                );
                row
            }),
    )?;
    sheet(
        WAITING,
        &[
            "Случай",
            "Территория",
            "Направлено",
            "Поступило",
            "Состояние",
        ],
        &mut i.waiting.iter().map(|w| {
            vec![
                w.case_id.clone(),
                super::form::territory_label(w.territory.as_ref()),
                w.sent.map(|d| d.ru()).unwrap_or_default(),
                w.received.map(|d| d.ru()).unwrap_or_default(),
                w.describe(),
            ]
        }),
    )?;
    sheet(
        REPEATED,
        &["Случай"],
        &mut i.repeated.iter().map(|id| vec![id.clone()]),
    )?;
    sheet(
        "Динамика",
        &["Раздел", "лучше", "без изменений", "хуже"],
        &mut r
            .dynamics
            .iter()
            .map(|(d, a, s, w)| vec![d.clone(), a.to_string(), s.to_string(), w.to_string()]),
    )?;
    sheet(
        MONITORING,
        &["Случай", "Срок мониторинга", "Состояние"],
        &mut r
            .monitoring
            .iter()
            .map(|(id, s)| vec![id.clone(), s.due().ru(), s.describe()]),
    )?;
    sheet(
        MISSED,
        &["Случай", "Правило", "Что", "Правило означает"],
        &mut r.missed.iter().map(|m| {
            vec![
                m.case_id.clone(),
                m.rule.to_string(),
                m.message.clone(),
                super::rule_meaning(m.rule).to_string(),
            ]
        }),
    )?;
    sheet(
        ACTIVE,
        &[
            "Случай",
            "Вид",
            "Территория",
            "Уровень (текущий)",
            "Открыт",
            "Закрыт",
        ],
        &mut r.active.iter().map(|a| {
            vec![
                a.case_id.clone(),
                a.kind().to_string(),
                super::form::territory_label(a.territory.as_ref()),
                a.level.map(|l| l.label().to_string()).unwrap_or_default(),
                a.opened.map(|d| d.ru()).unwrap_or_default(),
                a.closed.map(|d| d.ru()).unwrap_or_default(),
            ]
        }),
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
