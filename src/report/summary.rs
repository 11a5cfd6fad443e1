//! The quarter's summary for the commission as one document tree, written by the PDF, DOCX
//! and XLSX writers. Labels of the summary are its own words (not a seed form), so every text
//! is a value. Tables that name cases stop at `NAMED` rows in the PDF and DOCX (a quarter over
//! a large archive would otherwise be a book); the workbook's sheets (`Block::Sheet`, at the
//! end of the tree) hold every row, and the counts by name.

use super::fold::{
    ActiveRow, Flow, MonitoringState, NO_TERRITORY, QuarterReport, TerritoryRow, Waiting,
    rule_meaning, rule_with_meaning,
};
use crate::doc::{Block, Cell, Col, Document, Text};
use chrono::{Datelike, NaiveDate};

/// Sheet names of the summary workbook the PDF refers to for its full lists.
pub const WAITING: &str = "Ожидают";
pub const REPEATED: &str = "Повторные";
pub const MONITORING: &str = "Мониторинг";
pub const MISSED: &str = "Сроки";
pub const ACTIVE: &str = "Случаи";

/// The heads of the lists, the same on the pages and in their sheets.
const WAITING_HEAD: [&str; 5] = [
    "Случай",
    "Территория",
    "Направлено",
    "Поступило",
    "Состояние",
];
const MONITORING_HEAD: [&str; 3] = ["Случай", "Срок мониторинга", "Состояние"];
const ACTIVE_HEAD: [&str; 6] = [
    "Случай",
    "Вид",
    "Территория",
    "Уровень (текущий)",
    "Открыт",
    "Закрыт",
];

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
    // A line of the flow: cases, then departmental plans.
    let flow_row = |label: &str, count: fn(&Flow) -> usize| {
        vec![c(label), n(count(&r.flow)), n(count(&r.plan_flow))]
    };
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
            &WAITING_HEAD,
            i.waiting.iter().map(|w| cells(waiting_row(w))),
            WAITING,
        ),
        heading("Повторные извещения о том же ребенке (I-DUPLICATE)"),
        named(
            vec![Col::Text(60)],
            &["Случай"],
            i.repeated.iter().map(|id| vec![c(id.clone())]),
            REPEATED,
        ),
        // The flow of cases.
        heading("Движение случаев и ведомственных планов в квартале"),
        Block::table(
            vec![Col::Text(50), Col::Fixed, Col::Fixed],
            header(&["", "Случаев", "Ведомственных планов (без случая)"]),
            vec![
                flow_row("в работе на начало квартала", |f| {
                    f.open_at_start
                }),
                flow_row("открыто (начато) в квартале", |f| {
                    f.opened
                }),
                flow_row("закрыто (завершено) в квартале", |f| f.closed),
                flow_row("в работе на конец квартала", |f| {
                    f.open_at_end
                }),
            ],
        ),
    ];
    // Side by side: every territory with something in the quarter.
    if r.territory.is_none() && !r.territories.is_empty() {
        // Each table: the territory and five of its counts (`territory_counts`).
        let table = |head: [&str; 5], counts: std::ops::Range<usize>| {
            let mut cols = vec![Col::Text(40)];
            cols.extend([Col::Fixed; 5]);
            let mut names = vec!["Территория"];
            names.extend(head);
            let rows = territory_rows(r)
                .map(|t| {
                    let mut row = vec![c(t.label.clone())];
                    row.extend(territory_counts(&t)[counts.clone()].iter().map(|x| n(*x)));
                    row
                })
                .collect();
            Block::table(cols, header(&names), rows)
        };
        b.push(heading("Извещения по территориям"));
        b.push(Block::para(vec![v(
            "«Срок ЕО просрочен» — заключение «Единого окна» позже 3 дней с поступления (D-SW-3; где дата поступления не записана — с даты направления); «Направлены поздно» — извещение с нарушением срока (D-NOTIFY-1).",
        )]));
        b.push(table(
            [
                "Поступило",
                "Уровень определен",
                "Ожидают",
                "Срок ЕО просрочен",
                "Направлены поздно",
            ],
            0..5,
        ));
        b.push(heading("Случаи и ведомственные планы по территориям"));
        b.push(table(
            [
                "В работе (случаи и планы)",
                "Открыто",
                "Закрыто",
                "В работе на конец",
                "Нарушений сроков",
            ],
            5..10,
        ));
        if r.territories.len() > 1 {
            let bars = |count: fn(&TerritoryRow) -> usize| Block::Bars {
                bars: r
                    .territories
                    .iter()
                    .map(|t| (t.label.clone(), count(t)))
                    .collect(),
            };
            b.push(heading("Поступило извещений, по территориям"));
            b.push(bars(|t| t.received));
            b.push(heading("Случаев в работе, по территориям"));
            b.push(bars(|t| t.active));
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
        .filter(|(_, s)| !matches!(s, MonitoringState::NotDue { .. }))
        .collect();
    b.push(heading(
        "Мониторинг: просрочен или наступает срок (D-MONITOR-3M)",
    ));
    b.push(rules_note(&["D-MONITOR-3M"]));
    b.push(named(
        vec![Col::Fixed, Col::Text(25), Col::Text(45)],
        &MONITORING_HEAD,
        due.iter().map(|(id, s)| cells(monitoring_row(id, s))),
        MONITORING,
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
        MISSED,
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
        &ACTIVE_HEAD,
        r.active.iter().map(|a| cells(active_row(a))),
        ACTIVE,
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
    // The workbook's sheets: every row of the lists, and the counts by name.
    b.extend(sheets(r));
    Document {
        form: summary_name(q, r.territory.as_ref()),
        title: format!("Сводка по случаям, {}", q.label()),
        date: Some((today.year(), today.month(), today.day())),
        landscape: false,
        draft: false,
        blocks: b,
    }
}

fn territory_label(t: Option<&crate::model::Territory>) -> String {
    t.map_or(NO_TERRITORY.to_string(), |t| t.label().to_string())
}

/// A row of a list as printed cells (a blank where there is no value).
fn cells(row: Vec<Option<String>>) -> Vec<Cell> {
    row.into_iter().map(Cell::value).collect()
}

/// A row of a list as a sheet's values (empty where there is none).
fn values(row: Vec<Option<String>>) -> Vec<String> {
    row.into_iter().map(Option::unwrap_or_default).collect()
}

fn waiting_row(w: &Waiting) -> Vec<Option<String>> {
    vec![
        Some(w.case_id.clone()),
        Some(territory_label(w.territory.as_ref())),
        w.sent.map(|d| d.ru()),
        w.received.map(|d| d.ru()),
        Some(w.describe()),
    ]
}

fn monitoring_row(id: &str, s: &MonitoringState) -> Vec<Option<String>> {
    vec![Some(id.to_string()), Some(s.due().ru()), Some(s.describe())]
}

fn active_row(a: &ActiveRow) -> Vec<Option<String>> {
    vec![
        Some(a.case_id.clone()),
        Some(a.kind().to_string()),
        Some(territory_label(a.territory.as_ref())),
        a.level.map(|l| l.label().to_string()),
        a.opened.map(|d| d.ru()),
        a.closed.map(|d| d.ru()),
    ]
}

/// The territories' lines, then their total.
fn territory_rows(r: &QuarterReport) -> impl Iterator<Item = TerritoryRow> + '_ {
    r.territories
        .iter()
        .cloned()
        .chain(std::iter::once(r.territory_total()))
}

/// A territory's counts: the single window's five, then the five of the work.
fn territory_counts(t: &TerritoryRow) -> [usize; 10] {
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
}

fn sheet(name: &str, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Block {
    Block::Sheet {
        name: name.to_string(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: rows.collect(),
    }
}

/// The summary's sheets: the counts by name, the territories side by side, and every row of
/// the lists the printed pages shorten.
fn sheets(r: &QuarterReport) -> Vec<Block> {
    let i = &r.inflow;
    vec![
        sheet(
            "Сводка",
            &["Показатель", "Число", "Пояснение"],
            totals(r).into_iter(),
        ),
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
            territory_rows(r).map(|t| {
                let mut row = vec![t.label.clone()];
                row.extend(territory_counts(&t).map(|n| n.to_string()));
                row
            }),
        ),
        sheet(
            WAITING,
            &WAITING_HEAD,
            i.waiting.iter().map(|w| values(waiting_row(w))),
        ),
        sheet(
            REPEATED,
            &["Случай"],
            i.repeated.iter().map(|id| vec![id.clone()]),
        ),
        sheet(
            "Динамика",
            &["Раздел", "лучше", "без изменений", "хуже"],
            r.dynamics
                .iter()
                .map(|(d, a, s, w)| vec![d.clone(), a.to_string(), s.to_string(), w.to_string()]),
        ),
        sheet(
            MONITORING,
            &MONITORING_HEAD,
            r.monitoring
                .iter()
                .map(|(id, s)| values(monitoring_row(id, s))),
        ),
        sheet(
            MISSED,
            &["Случай", "Правило", "Что", "Правило означает"],
            r.missed.iter().map(|m| {
                vec![
                    m.case_id.clone(),
                    m.rule.to_string(),
                    m.message.clone(),
                    rule_meaning(m.rule).to_string(),
                ]
            }),
        ),
        sheet(
            ACTIVE,
            &ACTIVE_HEAD,
            r.active.iter().map(|a| values(active_row(a))),
        ),
    ]
}

/// The sheet «Сводка»: who issues it and when, then every count by name.
fn totals(r: &QuarterReport) -> Vec<Vec<String>> {
    let i = &r.inflow;
    let kv = |k: &str, n: usize| vec![k.to_string(), n.to_string()];
    // Who issues it, who prepared it, when: blank cells to fill where the data is silent.
    let mut totals = Vec::new();
    if let Some(t) = &r.territory {
        totals.push(vec!["Территория".into(), t.label().to_string()]);
    }
    totals.extend([
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
    ]);
    for (what, counts) in [
        ("Уровень", &r.by_level),
        ("Орган", &r.by_agency),
        ("Извещения, орган", &i.by_agency),
        ("Извещения, уровень", &i.by_level),
    ] {
        totals.extend(
            counts
                .iter()
                .map(|(k, n)| vec![format!("{what}: {k}"), n.to_string()]),
        );
    }
    // The rule's code keys the row; its meaning stands beside the count.
    totals.extend(breach_counts(r).into_iter().map(|(id, n)| {
        vec![
            format!("Нарушений {id}"),
            n.to_string(),
            rule_meaning(id).to_string(),
        ]
    }));
    totals
}

/// What the rule codes a part of the summary names mean.
fn rules_note(ids: &[&str]) -> Block {
    let meanings: Vec<String> = ids.iter().map(|id| rule_with_meaning(id)).collect();
    Block::para(vec![v(format!("Правила: {}.", meanings.join("; ")))])
}

/// Breaches by rule, every D- rule but the monitoring one in the rules list's order.
fn breach_counts(r: &QuarterReport) -> Vec<(&'static str, usize)> {
    crate::validate::RULES
        .iter()
        .filter(|(id, _)| id.starts_with("D-") && *id != "D-MONITOR-3M")
        .map(|(id, _)| (*id, r.missed.iter().filter(|m| m.rule == *id).count()))
        .collect()
}

/// The summary's file name without its extension: `сводка-2026-Q4`, with the territory's code
/// when limited to one (`сводка-2026-Q4-berdsk`).
pub fn summary_name(
    q: &super::fold::Quarter,
    territory: Option<&crate::model::Territory>,
) -> String {
    let suffix = territory
        .map(|t| format!("-{}", t.code()))
        .unwrap_or_default();
    format!("сводка-{}{suffix}", q.label())
}
