//! Reports over the archive: the two logs of the procedure and the quarterly monitoring run
//! with its summary for the commission. They read the newest version of each case bag.

use crate::archive::list_cases;
use crate::diagnostic::Diagnostic;
use crate::model::{Case, Date, Domain, RiskLevel};
use crate::render::doc::{Block, Cell, Col, Document, Text};
use crate::validate::ended;
use crate::validate::{Settings, validate};
use chrono::{Datelike, Months, NaiveDate};
use std::path::Path;

/// The newest version of every case in an archive (its normalized `case.json`).
pub fn newest_cases(root: &Path) -> Result<Vec<Case>, String> {
    let mut out = Vec::new();
    for (id, versions) in list_cases(root) {
        let Some(v) = versions.last() else { continue };
        let path = root.join(&id).join(format!("v{v}")).join("data/case.json");
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let case: Case =
            serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        out.push(case);
    }
    Ok(out)
}

/// A quarter: `2026-Q4` → 01.10.2026 … 31.12.2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    pub year: i32,
    pub q: u32,
}

impl Quarter {
    pub fn parse(s: &str) -> Result<Quarter, String> {
        let bad = || format!("«{s}» — не квартал: укажите ГГГГ-QN, например 2026-Q4");
        let (y, q) = s.trim().split_once(['-', ' ']).ok_or_else(bad)?;
        let q = q.trim_start_matches(['Q', 'q', 'К', 'к']);
        let (year, q) = (
            y.parse::<i32>().map_err(|_| bad())?,
            q.parse::<u32>().map_err(|_| bad())?,
        );
        if !(1..=4).contains(&q) || !(1900..=2200).contains(&year) {
            return Err(bad());
        }
        Ok(Quarter { year, q })
    }
    pub fn start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, 3 * (self.q - 1) + 1, 1).expect("valid quarter")
    }
    pub fn end(&self) -> NaiveDate {
        self.start()
            .checked_add_months(Months::new(3))
            .expect("valid")
            - chrono::Days::new(1)
    }
    pub fn contains(&self, d: Date) -> bool {
        self.start() <= d.0 && d.0 <= self.end()
    }
    pub fn label(&self) -> String {
        format!("{}-Q{}", self.year, self.q)
    }
}

fn started(case: &Case) -> Option<Date> {
    case.case_opening
        .as_ref()
        .and_then(|o| o.date)
        .or(case.departmental_plan.as_ref().and_then(|p| p.from))
}

/// Active at some time in the quarter: started by its end, not ended before its start.
pub fn active_in(case: &Case, q: &Quarter) -> bool {
    started(case).is_some_and(|s| s.0 <= q.end()) && ended(case).is_none_or(|e| e.0 >= q.start())
}

/// The case's current level: the newest monitoring's, or the conclusion's.
pub fn current_level(case: &Case) -> Option<RiskLevel> {
    case.monitoring
        .iter()
        .filter(|m| m.date.is_some() && m.risk_level.is_some())
        .max_by_key(|m| m.date)
        .and_then(|m| m.risk_level)
        .or(case.risk_level())
}

/// The state of a case's next monitoring on the run date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitoringState {
    /// Due date passed without a monitoring.
    Overdue {
        due: Date,
        days: i64,
    },
    /// Falls due within the quarter.
    Due {
        due: Date,
    },
    NotDue {
        due: Date,
    },
}

pub fn monitoring_state(case: &Case, q: &Quarter, today: NaiveDate) -> Option<MonitoringState> {
    let start = started(case)?;
    if ended(case).is_some_and(|e| e.0 <= today) {
        return None;
    }
    let last = case
        .monitoring
        .iter()
        .filter_map(|m| m.date)
        .max()
        .unwrap_or(start)
        .max(start);
    let due = Date(last.0.checked_add_months(Months::new(3))?);
    Some(if due.0 < today {
        MonitoringState::Overdue {
            due,
            days: (today - due.0).num_days(),
        }
    } else if due.0 <= q.end() {
        MonitoringState::Due { due }
    } else {
        MonitoringState::NotDue { due }
    })
}

/// Everything the quarterly run found.
pub struct QuarterReport {
    pub quarter: Quarter,
    pub active: Vec<Case>,
    pub monitoring: Vec<(String, MonitoringState)>,
    /// Other missed deadlines (every D- rule but the monitoring one), per case.
    pub missed: Vec<(String, Diagnostic)>,
    pub by_level: Vec<(String, usize)>,
    pub by_agency: Vec<(String, usize)>,
    pub opened: usize,
    pub closed: usize,
    /// Level now against the conclusion's: lower, same, higher.
    pub level_changes: (usize, usize, usize),
    /// Per domain: better, same, worse (card part III).
    pub dynamics: Vec<(String, usize, usize, usize)>,
}

pub fn quarter(cases: Vec<Case>, q: Quarter, today: NaiveDate) -> QuarterReport {
    let active: Vec<Case> = cases.into_iter().filter(|c| active_in(c, &q)).collect();
    let mut monitoring = Vec::new();
    let mut missed = Vec::new();
    for c in &active {
        if let Some(s) = monitoring_state(c, &q, today) {
            monitoring.push((c.case_id.clone(), s));
        }
        for d in validate(c, &Settings { today }) {
            if d.rule.starts_with("D-") && d.rule != "D-MONITOR-3M" {
                missed.push((c.case_id.clone(), d));
            }
        }
    }
    let mut by_level = Vec::new();
    for l in RiskLevel::ALL {
        by_level.push((
            l.label().to_string(),
            active
                .iter()
                .filter(|c| current_level(c) == Some(*l))
                .count(),
        ));
    }
    by_level.push((
        "не определен".into(),
        active.iter().filter(|c| current_level(c).is_none()).count(),
    ));
    let mut by_agency = Vec::new();
    for k in crate::model::AgencyKind::ALL {
        let n = active
            .iter()
            .filter(|c| c.notification.as_ref().and_then(|n| n.agency_kind) == Some(*k))
            .count();
        by_agency.push((k.label().to_string(), n));
    }
    by_agency.push((
        "не указан".into(),
        active
            .iter()
            .filter(|c| {
                c.notification
                    .as_ref()
                    .and_then(|n| n.agency_kind)
                    .is_none()
            })
            .count(),
    ));
    let opened = active
        .iter()
        .filter(|c| started(c).is_some_and(|d| q.contains(d)))
        .count();
    let closed = active
        .iter()
        .filter(|c| ended(c).is_some_and(|d| q.contains(d)))
        .count();
    let mut changes = (0, 0, 0);
    for c in &active {
        if let (Some(first), Some(now)) = (c.risk_level(), current_level(c)) {
            match now.cmp(&first) {
                std::cmp::Ordering::Less => changes.0 += 1,
                std::cmp::Ordering::Equal => changes.1 += 1,
                std::cmp::Ordering::Greater => changes.2 += 1,
            }
        }
    }
    let mut dynamics = Vec::new();
    for d in Domain::ALL {
        let (mut better, mut same, mut worse) = (0, 0, 0);
        for c in &active {
            let Some(r) = c.support_card.as_ref().and_then(|s| s.results.as_ref()) else {
                continue;
            };
            let Some(x) = r.dynamics.iter().find(|x| x.domain == Some(*d)) else {
                continue;
            };
            if let (Some(a), Some(b)) = (x.level_start, x.level_end) {
                match b.cmp(&a) {
                    std::cmp::Ordering::Less => better += 1,
                    std::cmp::Ordering::Equal => same += 1,
                    std::cmp::Ordering::Greater => worse += 1,
                }
            }
        }
        dynamics.push((d.label().to_string(), better, same, worse));
    }
    QuarterReport {
        quarter: q,
        active,
        monitoring,
        missed,
        by_level,
        by_agency,
        opened,
        closed,
        level_changes: changes,
        dynamics,
    }
}

/// The summary for the commission as a document tree (PDF and DOCX through the writers).
pub fn summary_document(r: &QuarterReport, today: NaiveDate) -> Document {
    let q = &r.quarter;
    let fmt = |d: NaiveDate| format!("{:02}.{:02}.{}", d.day(), d.month(), d.year());
    let mut b = vec![
        Block::Title {
            lines: vec![
                Text::Value("Сводка по случаям для КДНиЗП".into()),
                Text::Value(format!(
                    "{} квартал {} г. ({} — {}), на {}",
                    q.q,
                    q.year,
                    fmt(q.start()),
                    fmt(q.end()),
                    fmt(today)
                )),
            ],
        },
        Block::para(vec![Text::Value(format!(
            "Случаев, в работе в квартале: {}; открыто в квартале: {}; закрыто в квартале: {}.",
            r.active.len(),
            r.opened,
            r.closed
        ))]),
        Block::Heading {
            text: Text::Value("Случаи по уровню риска (текущему)".into()),
        },
        Block::Bars {
            bars: r.by_level.clone(),
        },
        Block::Heading {
            text: Text::Value("Случаи по виду органа, направившего извещение".into()),
        },
        Block::Bars {
            bars: r.by_agency.clone(),
        },
        Block::Heading {
            text: Text::Value("Изменение уровня риска с момента заключения".into()),
        },
        Block::Bars {
            bars: vec![
                ("снизился".into(), r.level_changes.0),
                ("не изменился".into(), r.level_changes.1),
                ("повысился".into(), r.level_changes.2),
            ],
        },
        Block::Heading {
            text: Text::Value("Динамика по шести разделам (результативная часть ККСС)".into()),
        },
        Block::table(
            vec![Col::Text(40), Col::Fixed, Col::Fixed, Col::Fixed],
            vec![vec![
                Cell::value(Some("Раздел")),
                Cell::value(Some("лучше")).center(),
                Cell::value(Some("без изменений")).center(),
                Cell::value(Some("хуже")).center(),
            ]],
            r.dynamics
                .iter()
                .map(|(d, a, s, w)| {
                    vec![
                        Cell::value(Some(d.clone())),
                        Cell::value(Some(a.to_string())).center(),
                        Cell::value(Some(s.to_string())).center(),
                        Cell::value(Some(w.to_string())).center(),
                    ]
                })
                .collect(),
        ),
    ];
    let overdue: Vec<Vec<Cell>> = r
        .monitoring
        .iter()
        .filter_map(|(id, s)| match s {
            MonitoringState::Overdue { due, days } => Some(vec![
                Cell::value(Some(id.clone())),
                Cell::value(Some(due.ru())),
                Cell::value(Some(format!("просрочен на {days} дн."))),
            ]),
            MonitoringState::Due { due } => Some(vec![
                Cell::value(Some(id.clone())),
                Cell::value(Some(due.ru())),
                Cell::value(Some("срок в квартале")),
            ]),
            MonitoringState::NotDue { .. } => None,
        })
        .collect();
    b.push(Block::Heading {
        text: Text::Value("Мониторинг: просрочен или наступает срок (D-MONITOR-3M)".into()),
    });
    b.push(Block::table(
        vec![Col::Fixed, Col::Text(25), Col::Text(45)],
        vec![vec![
            Cell::value(Some("Случай")),
            Cell::value(Some("Срок мониторинга")),
            Cell::value(Some("Состояние")),
        ]],
        if overdue.is_empty() {
            vec![vec![Cell::value(Some("нет")).span(3)]]
        } else {
            overdue
        },
    ));
    b.push(Block::Heading {
        text: Text::Value("Другие нарушенные сроки".into()),
    });
    b.push(Block::table(
        vec![Col::Fixed, Col::Fixed, Col::Text(65)],
        vec![vec![
            Cell::value(Some("Случай")),
            Cell::value(Some("Правило")),
            Cell::value(Some("Что")),
        ]],
        if r.missed.is_empty() {
            vec![vec![Cell::value(Some("нет")).span(3)]]
        } else {
            r.missed
                .iter()
                .map(|(id, d)| {
                    vec![
                        Cell::value(Some(id.clone())),
                        Cell::value(Some(d.rule.to_string())),
                        Cell::value(Some(d.message.clone())),
                    ]
                })
                .collect()
        },
    ));
    b.push(Block::Heading {
        text: Text::Value("Случаи в работе".into()),
    });
    b.push(Block::table(
        vec![Col::Fixed, Col::Text(25), Col::Fixed, Col::Fixed],
        vec![vec![
            Cell::value(Some("Случай")),
            Cell::value(Some("Уровень (текущий)")),
            Cell::value(Some("Открыт")),
            Cell::value(Some("Закрыт")),
        ]],
        r.active
            .iter()
            .map(|c| {
                vec![
                    Cell::value(Some(c.case_id.clone())),
                    Cell::value(current_level(c).map(|l| l.label().to_string())),
                    Cell::value(started(c).map(|d| d.ru())),
                    Cell::value(ended(c).map(|d| d.ru())),
                ]
            })
            .collect(),
    ));
    Document {
        form: format!("сводка-{}", q.label()),
        title: format!("Сводка по случаям, {}", q.label()),
        date: Some((today.year(), today.month(), today.day())),
        landscape: false,
        draft: false,
        blocks: b,
    }
}

/// The summary as a workbook: one sheet per table of the PDF.
pub fn summary_xlsx(r: &QuarterReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
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
            .map(|(id, s)| match s {
                MonitoringState::Overdue { due, days } => {
                    vec![id.clone(), due.ru(), format!("просрочен на {days} дн.")]
                }
                MonitoringState::Due { due } => {
                    vec![id.clone(), due.ru(), "срок в квартале".into()]
                }
                MonitoringState::NotDue { due } => {
                    vec![id.clone(), due.ru(), "срок не наступил".into()]
                }
            })
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
    book.save_to_buffer()
}

/// The grids of a document as a workbook (the logs as XLSX): every table row a sheet row.
pub fn table_xlsx(doc: &Document) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Журнал")?;
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(0xDDE4EE);
    let wrap = Format::new().set_text_wrap();
    let mut r = 0u32;
    for title in doc.blocks.iter().filter_map(|b| match b {
        Block::Title { lines } => Some(
            lines
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }) {
        ws.write_string_with_format(r, 0, title, &Format::new().set_bold())?;
        r += 2;
    }
    for b in &doc.blocks {
        let Block::Table {
            header,
            rows,
            columns,
            ..
        } = b
        else {
            continue;
        };
        for (c, col) in columns.iter().enumerate() {
            let chars = match col {
                crate::render::doc::Col::Text(w) => f64::from(*w) * 2.2,
                crate::render::doc::Col::Fixed => 14.0,
            };
            ws.set_column_width(c as u16, chars)?;
        }
        for (is_header, row) in header
            .iter()
            .map(|h| (true, h))
            .chain(rows.iter().map(|x| (false, x)))
        {
            let mut c = 0u16;
            for cell in row {
                let text: String = cell
                    .content
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                ws.write_string_with_format(r, c, &text, if is_header { &bold } else { &wrap })?;
                c += cell.colspan as u16;
            }
            r += 1;
        }
        r += 1;
    }
    book.save_to_buffer()
}
