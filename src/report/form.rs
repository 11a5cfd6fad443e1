//! The quarter's summary for the commission as a document tree (PDF and DOCX through the
//! writers).

use super::{MonitoringState, QuarterReport, current_level, started};
use crate::render::doc::{Block, Cell, Col, Document, Text};
use crate::validate::ended;
use chrono::{Datelike, NaiveDate};

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
        .filter(|(_, s)| !matches!(s, MonitoringState::NotDue { .. }))
        .map(|(id, s)| {
            vec![
                Cell::value(Some(id.clone())),
                Cell::value(Some(s.due().ru())),
                Cell::value(Some(s.describe())),
            ]
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
        or_none(overdue),
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
        or_none(
            r.missed
                .iter()
                .map(|(id, d)| {
                    vec![
                        Cell::value(Some(id.clone())),
                        Cell::value(Some(d.rule.to_string())),
                        Cell::value(Some(d.message.clone())),
                    ]
                })
                .collect(),
        ),
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

/// A three-column table's rows, or one row saying «нет».
fn or_none(rows: Vec<Vec<Cell>>) -> Vec<Vec<Cell>> {
    if rows.is_empty() {
        vec![vec![Cell::value(Some("нет")).span(3)]]
    } else {
        rows
    }
}
