//! The quarter's summary for the commission as a document tree (PDF and DOCX through the
//! writers). Labels of the summary are its own words (not a seed form), so every text is a
//! value. Tables that name cases stop at `NAMED` rows in the PDF and DOCX (a quarter over a
//! large archive would otherwise be a book); the XLSX holds every row.

use super::{NO_TERRITORY, QuarterReport, TerritoryRow, rule_with_meaning};
use crate::doc::{Block, Cell, Col, Document, Text};
use chrono::{Datelike, NaiveDate};

/// Rows of a table naming cases in the PDF and DOCX; the rest are counted, listed in the XLSX.
pub const NAMED: usize = 200;

fn v(s: impl Into<String>) -> Text {
    Text::Value(s.into(), &[])
}
fn heading(s: &str) -> Block {
    Block::Heading { text: v(s) }
}
fn c(s: impl Into<String>) -> Cell {
    Cell::value(Some(s.into()))
}
fn n(x: usize) -> Cell {
    Cell::value(Some(x.to_string())).center()
}
fn header(cols: &[&str]) -> Vec<Vec<Cell>> {
    vec![cols.iter().map(|h| c(*h)).collect()]
}

/// A table naming cases: at most `NAMED` rows, then one saying how many more the XLSX sheet
/// `sheet` lists; one row «нет» when empty.
fn named(
    columns: Vec<Col>,
    head: &[&str],
    rows: impl ExactSizeIterator<Item = Vec<Cell>>,
    sheet: &str,
) -> Block {
    let total = rows.len();
    let width = columns.len();
    let mut out: Vec<Vec<Cell>> = rows.take(NAMED).collect();
    if total == 0 {
        out.push(vec![c("нет").span(width)]);
    } else if total > NAMED {
        out.push(vec![
            c(format!(
                "… и еще {}: всего {total}, полный список — в сводке XLSX, лист «{sheet}»",
                total - NAMED
            ))
            .span(width),
        ]);
    }
    Block::table(columns, header(head), out)
}

/// The summary for the commission as a document tree (PDF and DOCX through the writers).
pub fn summary_document(r: &QuarterReport, today: NaiveDate) -> Document {
    let q = &r.quarter;
    let fmt = |d: NaiveDate| format!("{:02}.{:02}.{}", d.day(), d.month(), d.year());
    let i = &r.inflow;
    let overdue_sw = i.waiting.iter().filter(|w| w.overdue.is_some()).count();
    let mut title = vec![
        v("Сводка по случаям для КДНиЗП"),
        v(format!(
            "{} квартал {} г. ({} — {}), на {}",
            q.q,
            q.year,
            fmt(q.start()),
            fmt(q.end()),
            fmt(today)
        )),
    ];
    if let Some(t) = &r.territory {
        title.push(v(format!("Территория: {}", t.label())));
    }
    let mut b = vec![
        Block::Title { lines: title },
        // The single window's inflow.
        heading("Извещения, поступившие в «Единое окно» в квартале"),
        Block::para(vec![v(format!(
            "Поступило извещений: {}; уровень риска определен: {}; ожидают заключения «Единого окна»: {}, из них срок просрочен: {}; направлены с нарушением срока: {}; повторных извещений о том же ребенке: {}; открыто случаев: {}; начато ведомственных планов (низкий риск, случай не открывается): {}.",
            i.received,
            i.level_set,
            i.waiting.len(),
            overdue_sw,
            i.late,
            i.repeated.len(),
            i.opened,
            i.plans
        ))]),
        rules_note(&["D-SW-3", "D-NOTIFY-1", "I-DUPLICATE"]),
        heading("Что стало с извещениями квартала"),
        Block::Bars {
            bars: vec![
                ("поступило".into(), i.received),
                ("уровень риска определен".into(), i.level_set),
                ("открыт случай".into(), i.opened),
                ("начат ведомственный план".into(), i.plans),
                ("работа завершена".into(), i.closed),
            ],
        },
        heading("Извещения по виду органа системы профилактики"),
        Block::Bars {
            bars: i.by_agency.clone(),
        },
        heading("Уровень риска, определенный «Единым окном» по извещениям квартала"),
        Block::Bars {
            bars: i.by_level.clone(),
        },
        heading("Ожидают заключения «Единого окна» (D-SW-3: 3 дня с поступления)"),
        Block::para(vec![v(
            "Где дата поступления в «Единое окно» не записана, срок считается от даты направления извещения (так сказано в столбце «Состояние»).",
        )]),
        named(
            vec![
                Col::Fixed,
                Col::Text(30),
                Col::Fixed,
                Col::Fixed,
                Col::Text(35),
            ],
            &[
                "Случай",
                "Территория",
                "Направлено",
                "Поступило",
                "Состояние",
            ],
            i.waiting.iter().map(|w| {
                vec![
                    c(w.case_id.clone()),
                    c(territory_label(w.territory.as_ref())),
                    Cell::value(w.sent.map(|d| d.ru())),
                    Cell::value(w.received.map(|d| d.ru())),
                    c(w.describe()),
                ]
            }),
            super::xlsx::WAITING,
        ),
        heading("Повторные извещения о том же ребенке (I-DUPLICATE)"),
        named(
            vec![Col::Text(60)],
            &["Случай"],
            i.repeated.iter().map(|id| vec![c(id.clone())]),
            super::xlsx::REPEATED,
        ),
        // The flow of cases.
        heading("Движение случаев и ведомственных планов в квартале"),
        Block::table(
            vec![Col::Text(50), Col::Fixed, Col::Fixed],
            header(&["", "Случаев", "Ведомственных планов (без случая)"]),
            vec![
                vec![
                    c("в работе на начало квартала"),
                    n(r.flow.open_at_start),
                    n(r.plan_flow.open_at_start),
                ],
                vec![
                    c("открыто (начато) в квартале"),
                    n(r.flow.opened),
                    n(r.plan_flow.opened),
                ],
                vec![
                    c("закрыто (завершено) в квартале"),
                    n(r.flow.closed),
                    n(r.plan_flow.closed),
                ],
                vec![
                    c("в работе на конец квартала"),
                    n(r.flow.open_at_end),
                    n(r.plan_flow.open_at_end),
                ],
            ],
        ),
    ];
    // Side by side: every territory with something in the quarter.
    if r.territory.is_none() && !r.territories.is_empty() {
        let total = r.territory_total();
        let rows = |f: &dyn Fn(&TerritoryRow) -> Vec<Cell>| -> Vec<Vec<Cell>> {
            r.territories
                .iter()
                .chain(std::iter::once(&total))
                .map(f)
                .collect()
        };
        b.push(heading("Извещения по территориям"));
        b.push(Block::para(vec![v(
            "«Срок ЕО просрочен» — заключение «Единого окна» позже 3 дней с поступления (D-SW-3; где дата поступления не записана — с даты направления); «Направлены поздно» — извещение с нарушением срока (D-NOTIFY-1).",
        )]));
        b.push(Block::table(
            vec![
                Col::Text(40),
                Col::Fixed,
                Col::Fixed,
                Col::Fixed,
                Col::Fixed,
                Col::Fixed,
            ],
            header(&[
                "Территория",
                "Поступило",
                "Уровень определен",
                "Ожидают",
                "Срок ЕО просрочен",
                "Направлены поздно",
            ]),
            rows(&|t| {
                vec![
                    c(t.label.clone()),
                    n(t.received),
                    n(t.level_set),
                    n(t.waiting),
                    n(t.sw_overdue),
                    n(t.late),
                ]
            }),
        ));
        b.push(heading("Случаи и ведомственные планы по территориям"));
        b.push(Block::table(
            vec![
                Col::Text(40),
                Col::Fixed,
                Col::Fixed,
                Col::Fixed,
                Col::Fixed,
                Col::Fixed,
            ],
            header(&[
                "Территория",
                "В работе (случаи и планы)",
                "Открыто",
                "Закрыто",
                "В работе на конец",
                "Нарушений сроков",
            ]),
            rows(&|t| {
                vec![
                    c(t.label.clone()),
                    n(t.active),
                    n(t.opened),
                    n(t.closed),
                    n(t.open_at_end),
                    n(t.breaches),
                ]
            }),
        ));
        if r.territories.len() > 1 {
            b.push(heading("Поступило извещений, по территориям"));
            b.push(Block::Bars {
                bars: r
                    .territories
                    .iter()
                    .map(|t| (t.label.clone(), t.received))
                    .collect(),
            });
            b.push(heading("Случаев в работе, по территориям"));
            b.push(Block::Bars {
                bars: r
                    .territories
                    .iter()
                    .map(|t| (t.label.clone(), t.active))
                    .collect(),
            });
        }
    }
    b.extend([
        heading("Случаи в работе в квартале"),
        Block::para(vec![v(format!(
            "Случаев в работе в квартале: {}; открыто в квартале: {}; закрыто в квартале: {}. Ведомственных планов без случая (низкий риск) в работе: {}; начато: {}; завершено: {}.",
            r.active.iter().filter(|a| !a.plan).count(),
            r.opened,
            r.closed,
            r.active.iter().filter(|a| a.plan).count(),
            r.plan_flow.opened,
            r.plan_flow.closed
        ))]),
        heading("Случаи по уровню риска (текущему)"),
        Block::Bars {
            bars: r.by_level.clone(),
        },
        heading("Случаи по виду органа, направившего извещение"),
        Block::Bars {
            bars: r.by_agency.clone(),
        },
        heading("Изменение уровня риска с момента заключения"),
        Block::Bars {
            bars: vec![
                ("снизился".into(), r.level_changes.0),
                ("не изменился".into(), r.level_changes.1),
                ("повысился".into(), r.level_changes.2),
            ],
        },
        heading("Динамика по шести разделам (результативная часть ККСС)"),
        Block::table(
            vec![Col::Text(40), Col::Fixed, Col::Fixed, Col::Fixed],
            vec![vec![
                c("Раздел"),
                c("лучше").center(),
                c("без изменений").center(),
                c("хуже").center(),
            ]],
            r.dynamics
                .iter()
                .map(|(d, a, s, w)| vec![c(d.clone()), n(*a), n(*s), n(*w)])
                .collect(),
        ),
    ]);
    let due: Vec<_> = r
        .monitoring
        .iter()
        .filter(|(_, s)| !matches!(s, super::MonitoringState::NotDue { .. }))
        .collect();
    b.push(heading(
        "Мониторинг: просрочен или наступает срок (D-MONITOR-3M)",
    ));
    b.push(rules_note(&["D-MONITOR-3M"]));
    b.push(named(
        vec![Col::Fixed, Col::Text(25), Col::Text(45)],
        &["Случай", "Срок мониторинга", "Состояние"],
        due.iter()
            .map(|(id, s)| vec![c(id.clone()), c(s.due().ru()), c(s.describe())]),
        super::xlsx::MONITORING,
    ));
    b.push(heading(
        "Нарушенные сроки (все правила D-, кроме мониторинга; и на стадии извещения)",
    ));
    let counts = breach_counts(r);
    // A bar's label is short; the meaning of each code stands right under the bars.
    b.push(rules_note(
        &counts.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
    ));
    b.push(Block::Bars {
        bars: counts
            .into_iter()
            .map(|(id, n)| (id.to_string(), n))
            .collect(),
    });
    b.push(named(
        vec![Col::Fixed, Col::Text(28), Col::Text(50)],
        &["Случай", "Правило", "Что"],
        r.missed.iter().map(|m| {
            vec![
                c(m.case_id.clone()),
                c(rule_with_meaning(m.rule)),
                c(m.message.clone()),
            ]
        }),
        super::xlsx::MISSED,
    ));
    b.push(heading("Случаи и ведомственные планы в работе"));
    b.push(named(
        vec![
            Col::Fixed,
            Col::Text(15),
            Col::Text(25),
            Col::Text(18),
            Col::Fixed,
            Col::Fixed,
        ],
        &[
            "Случай",
            "Вид",
            "Территория",
            "Уровень (текущий)",
            "Открыт",
            "Закрыт",
        ],
        r.active.iter().map(|a| {
            vec![
                c(a.case_id.clone()),
                c(a.kind()),
                c(territory_label(a.territory.as_ref())),
                Cell::value(a.level.map(|l| l.label().to_string())),
                Cell::value(a.opened.map(|d| d.ru())),
                Cell::value(a.closed.map(|d| d.ru())),
            ]
        }),
        super::xlsx::ACTIVE,
    ));
    // Who issues it, who prepared it, when: a summary the commission can file.
    // A commission the data does not name is a blank line to fill in by hand.
    b.push(Block::Fields {
        rows: vec![
            (
                v("Комиссия по делам несовершеннолетних и защите их прав:"),
                vec![Text::value(r.commission.clone())],
            ),
            (v("Дата составления:"), vec![v(fmt(today))]),
        ],
        label_width: 45,
        split: Vec::new(),
    });
    b.push(Block::Signature {
        role: v("Сводку подготовил(а) (должность)"),
        name: Text::value(None::<String>),
        caption: Some("(подпись, расшифровка подписи)".into()),
    });
    let suffix = r
        .territory
        .as_ref()
        .map(|t| format!("-{}", t.code()))
        .unwrap_or_default();
    Document {
        form: format!("сводка-{}{suffix}", q.label()),
        title: format!("Сводка по случаям, {}", q.label()),
        date: Some((today.year(), today.month(), today.day())),
        landscape: false,
        draft: false,
        blocks: b,
    }
}

pub(crate) fn territory_label(t: Option<&crate::model::Territory>) -> String {
    t.map_or(NO_TERRITORY.to_string(), |t| t.label().to_string())
}

/// What the rule codes a part of the summary names mean.
fn rules_note(ids: &[&str]) -> Block {
    let meanings: Vec<String> = ids.iter().map(|id| rule_with_meaning(id)).collect();
    Block::para(vec![v(format!("Правила: {}.", meanings.join("; ")))])
}

/// Breaches by rule, every D- rule but the monitoring one in the rules list's order.
pub(crate) fn breach_counts(r: &QuarterReport) -> Vec<(&'static str, usize)> {
    crate::validate::RULES
        .iter()
        .filter(|(id, _)| id.starts_with("D-") && *id != "D-MONITOR-3M")
        .map(|(id, _)| (*id, r.missed.iter().filter(|m| m.rule == *id).count()))
        .collect()
}
