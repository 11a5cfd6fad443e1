//! The two logs of the procedure, over many cases: App. 1 «Журнал учета выявленных факторов
//! риска» (kept by an agency) and the single window's intake log.

use super::fields::{Place, at};
use super::pieces::*;
use crate::doc::{Block, Cell, Col, Document, Fields, Text};
use crate::model::{Case, Date};
use serde::{Deserialize, Serialize};

/// Which log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// The log of detected risk factors (Прил. 1), by the date of detection.
    Detection,
    /// The single window's intake log, by the date received.
    Intake,
}

impl LogKind {
    /// The log's file name (without extension).
    pub fn form(self) -> &'static str {
        match self {
            LogKind::Detection => "detection_log",
            LogKind::Intake => "intake_log",
        }
    }

    fn title(self) -> &'static str {
        match self {
            LogKind::Detection => "учета выявленных факторов риска семейного неблагополучия",
            LogKind::Intake => {
                "учета поступивших сведений об обнаружении факторов риска семейного неблагополучия"
            }
        }
    }

    /// The date that orders the log and puts an entry in a period: the date the information
    /// came in (detected, or received), else the date the notification was sent.
    pub(crate) fn key(self, e: &Dates) -> Option<i32> {
        match self {
            LogKind::Detection => e.detected.or(e.sent),
            LogKind::Intake => e.received.or(e.sent),
        }
    }

    /// The date that spans the log's «начат … окончен …».
    pub(crate) fn span_date(self, e: &Dates) -> Option<i32> {
        match self {
            LogKind::Detection => e.detected,
            LogKind::Intake => e.received.or(e.sent),
        }
    }

    pub(crate) fn columns(self) -> Vec<Col> {
        match self {
            LogKind::Detection => {
                log_columns([10, 12, 10, 12, 7, 10], &[Col::Text(16), Col::Fixed])
            }
            LogKind::Intake => log_columns(
                [8, 10, 8, 10, 6, 9],
                &[
                    Col::Text(7),
                    Col::Text(12),
                    Col::Text(8),
                    Col::Text(7),
                    Col::Text(8),
                ],
            ),
        }
    }

    /// The header rows, repeated on every page.
    pub(crate) fn header(self) -> Vec<Vec<Cell>> {
        match self {
            LogKind::Detection => two_row_header(
                "Источник поступления сведений",
                &["Основания для извещения", "Дата направления извещения"],
            ),
            LogKind::Intake => two_row_header(
                "Источник поступления сведений, вид документа",
                &[
                    "Передано на первичную оценку (в случае отсутствия в пакете документов)",
                    "Основания для извещения",
                    "Заключение о наличии и степени риска семейного неблагополучия",
                    "Передано на рассмотрение на заседание КДНиЗП",
                    "Даты проведения и заполнения мониторинга/результативной части по результатам работы",
                ],
            ),
        }
    }

    /// Rows before the entries, on the first page only: the column numbers, as the seed
    /// prints them once under the header (the intake log's 1–9, –, 10, 11, –, 12: two of its
    /// fourteen columns have no number in the seed).
    pub(crate) fn lead(self) -> Vec<Vec<Cell>> {
        match self {
            LogKind::Detection => vec![numbers(11)],
            LogKind::Intake => {
                let mut row = numbers(9);
                row.push(Cell::empty());
                row.extend(["10", "11"].into_iter().map(|n| Cell::label(n).center()));
                row.push(Cell::empty());
                row.push(Cell::label("12").center());
                vec![row]
            }
        }
    }

    /// Entry `i` (from 0) as a row of the log, each value tagged with its fields (the map:
    /// `DETECTION_LOG_FIELDS`, `INTAKE_LOG_FIELDS`).
    pub(crate) fn row(self, i: usize, e: &Entry) -> Vec<Cell> {
        let (date, date_fields) = match self {
            LogKind::Detection => (e.dates.detected, DETECTED),
            LogKind::Intake if e.dates.received.is_some() => (e.dates.received, RECEIVED),
            LogKind::Intake => (e.dates.sent, SENT),
        };
        let mut row = vec![
            Cell::value(Some((i + 1).to_string())).center(),
            Cell::value(day(date)).at(date_fields),
            match self {
                LogKind::Detection => Cell::value(e.source.clone()).at(SOURCE),
                LogKind::Intake => Cell::value(e.intake_source.clone()).at(AGENCY),
            },
        ];
        row.extend(
            e.family
                .iter()
                .zip(FAMILY)
                .map(|(v, f)| Cell::value(v.clone()).at(f)),
        );
        match self {
            LogKind::Detection => row.extend([
                Cell::value(e.grounds.clone()).at(GROUNDS),
                Cell::value(day(e.dates.sent)).at(SENT),
            ]),
            LogKind::Intake => row.extend(
                [
                    (&e.assessor, ASSESSOR),
                    (&e.grounds, GROUNDS),
                    (&e.conclusion, CONCLUSION),
                    (&e.consilium, CONSILIUM),
                    (&e.monitoring, MONITORING),
                ]
                .map(|(v, f)| Cell::value(v.clone()).at(f)),
            ),
        }
        row
    }

    /// What comes before the table on the first page: the appendix mark (the detection log)
    /// and the title block with the first and last dates.
    pub(crate) fn title_blocks(
        self,
        agency: Option<String>,
        from: Option<i32>,
        to: Option<i32>,
    ) -> Vec<Block> {
        let mut blocks = match self {
            LogKind::Detection => vec![appendix(1)],
            LogKind::Intake => vec![],
        };
        blocks.extend(header_block(self.title(), agency, date(from), date(to)));
        blocks
    }

    /// The log's document around `blocks` (landscape; dated by the last date).
    pub(crate) fn document(self, blocks: Vec<Block>, to: Option<i32>, draft: bool) -> Document {
        let mut document = doc(
            self.form(),
            &format!("Журнал {}", self.title()),
            date(to),
            blocks,
        );
        document.landscape = true;
        document.draft = draft;
        document
    }

    /// The whole log of `entries`, in their order, as one document (small sets: the spool
    /// writes long logs a chunk at a time).
    pub(crate) fn log(self, entries: &[Entry], agency: Option<String>) -> Document {
        let (from, to) = span(entries.iter().filter_map(|e| self.span_date(&e.dates)));
        let mut rows = self.lead();
        rows.extend(entries.iter().enumerate().map(|(i, e)| self.row(i, e)));
        let mut blocks = self.title_blocks(agency, from, to);
        blocks.push(Block::table(self.columns(), self.header(), rows).sized(LOG_SIZE));
        self.document(blocks, to, false)
    }
}

/// The first and last of some days.
pub(crate) fn span(days: impl Iterator<Item = i32>) -> (Option<i32>, Option<i32>) {
    days.fold((None, None), |(lo, hi): (Option<i32>, Option<i32>), d| {
        (
            Some(lo.map_or(d, |l| l.min(d))),
            Some(hi.map_or(d, |h| h.max(d))),
        )
    })
}

fn days(d: Option<Date>) -> Option<i32> {
    use chrono::Datelike;
    d.map(|d| d.0.num_days_from_ce())
}

fn date(days: Option<i32>) -> Option<Date> {
    days.and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
        .map(Date)
}

fn day(days: Option<i32>) -> Option<String> {
    d(date(days))
}

/// The dates of a notification that order and span the logs, in days from the common era.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub(crate) struct Dates {
    pub detected: Option<i32>,
    pub sent: Option<i32>,
    pub received: Option<i32>,
}

/// What both logs print of one notified case, and nothing else: compact, so that a long log's
/// entries can be spooled to a file and read back one at a time. Dates are days from the
/// common era (ordered as dates).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub id: String,
    pub dates: Dates,
    /// The detection log's source of the information.
    pub source: Option<String>,
    /// The intake log's source: the notifying agency and the kind of document.
    pub intake_source: Option<String>,
    /// The child's name, birth date and school, the parents' names and phones, the address.
    pub family: [Option<String>; 6],
    pub grounds: Option<String>,
    /// Who was sent the primary assessment, when it was not done.
    pub assessor: Option<String>,
    pub conclusion: Option<String>,
    pub consilium: Option<String>,
    pub monitoring: Option<String>,
}

impl Entry {
    /// A case's entry; None when it has no notification (the logs list only notified cases).
    pub(crate) fn of(c: &Case) -> Option<Entry> {
        let n = c.notification.as_ref()?;
        let child = the_child(c);
        let reps = &c.family.legal_representatives;
        let names: Vec<String> = reps.iter().filter_map(|r| name(&r.name)).collect();
        let phones: Vec<String> = reps.iter().filter_map(|r| r.phone.clone()).collect();
        let joined = |v: Vec<String>| (!v.is_empty()).then(|| v.join("; "));
        let sent_for_assessment = match n.primary_assessment {
            Some(crate::model::PrimaryAssessment::NotDone) => {
                n.primary_assessor.as_ref().and_then(|s| name(&s.name))
            }
            _ => None,
        };
        let conclusion = c.conclusion.as_ref().map(|con| {
            join(&[con.risk_level.map(|l| l.label().to_string()), d(con.date)]).unwrap_or_default()
        });
        let consilium = c
            .consilium
            .first()
            .map(|x| join(&[x.number.clone(), d(x.date)]).unwrap_or_default());
        let monitoring: Vec<String> = c.monitoring.iter().filter_map(|m| d(m.date)).collect();
        Some(Entry {
            id: c.case_id.clone(),
            dates: Dates {
                detected: days(n.detection_date),
                sent: days(n.date_sent),
                received: days(n.date_received),
            },
            source: n.detection_source.clone(),
            intake_source: join(&[n.agency.clone(), Some("извещение".to_string())]),
            family: [
                name(&child.name),
                d(child.birth_date),
                child.school.clone(),
                joined(names),
                joined(phones),
                join_distinct(&[
                    c.family.address_actual.clone(),
                    c.family.address_registered.clone(),
                ]),
            ],
            grounds: n.grounds.clone(),
            assessor: sent_for_assessment,
            conclusion,
            consilium,
            monitoring: joined(monitoring),
        })
    }
}

/// The entries of `cases` in `kind`'s order: by its date, then by case ID.
fn ordered(kind: LogKind, cases: &[&Case]) -> Vec<Entry> {
    let mut v: Vec<Entry> = cases.iter().filter_map(|c| Entry::of(c)).collect();
    v.sort_by(|a, b| {
        kind.key(&a.dates)
            .cmp(&kind.key(&b.dates))
            .then_with(|| a.id.cmp(&b.id))
    });
    v
}

/// App. 1, the log of detected risk factors, of `cases` as one document.
pub fn detection_log(cases: &[&Case], agency: Option<String>) -> Document {
    LogKind::Detection.log(&ordered(LogKind::Detection, cases), agency)
}

/// The single window's intake log of `cases` as one document.
pub fn intake_log(cases: &[&Case], agency: Option<String>) -> Document {
    LogKind::Intake.log(&ordered(LogKind::Intake, cases), agency)
}

/// The family's address of residence and of registration («Адрес места жительства,
/// регистрации семьи»): both when they differ, so neither is dropped.
fn join_distinct(parts: &[Option<String>]) -> Option<String> {
    let mut seen: Vec<&str> = Vec::new();
    for p in parts.iter().flatten().map(|p| p.trim()) {
        if !p.is_empty() && !seen.contains(&p) {
            seen.push(p);
        }
    }
    (!seen.is_empty()).then(|| seen.join("; "))
}

const DETECTED: Fields = &["/notification/detection_date"];
const RECEIVED: Fields = &["/notification/date_received"];
const SENT: Fields = &["/notification/date_sent"];
const SOURCE: Fields = &["/notification/detection_source"];
const AGENCY: Fields = &["/notification/agency"];
const FAMILY: [Fields; 6] = [
    &["/family/children/*/name"],
    &["/family/children/*/birth_date"],
    &["/family/children/*/school"],
    &["/family/legal_representatives/*/name"],
    &["/family/legal_representatives/*/phone"],
    &["/family/address_actual", "/family/address_registered"],
];
const GROUNDS: Fields = &["/notification/grounds"];
const ASSESSOR: Fields = &["/notification/primary_assessor/name"];
const CONCLUSION: Fields = &["/conclusion/risk_level", "/conclusion/date"];
const CONSILIUM: Fields = &["/consilium/*/number", "/consilium/*/date"];
const MONITORING: Fields = &["/monitoring/*/date"];

/// The places of both logs' common columns (the seed's App. 1 header; a value's place is the
/// header of its column).
macro_rules! log_places {
    ($($extra:expr),* $(,)?) => {
        &[
            at(FAMILY[0][0], "Фамилия, имя, отчество (последнее – при наличии) ребенка"),
            at(FAMILY[1][0], "Дата рождения ребенка"),
            at(FAMILY[2][0], "Место обучения ребенка"),
            at(FAMILY[3][0], "Фамилия, имя, отчество (последнее – при наличии)"),
            at(FAMILY[4][0], "телефон"),
            at(FAMILY[5][0], "Адрес места жительства, регистрации семьи"),
            at(FAMILY[5][1], "Адрес места жительства, регистрации семьи"),
            at(GROUNDS[0], "Основания для извещения"),
            $($extra),*
        ]
    };
}

/// The field map of the detection log (App. 1; `super::fields`).
pub static DETECTION_LOG_FIELDS: &[Place] = log_places![
    at(DETECTED[0], "Дата поступления сведений"),
    at(SOURCE[0], "Источник поступления сведений"),
    at(SENT[0], "Дата направления извещения"),
];

/// The field map of the single window's intake log.
pub static INTAKE_LOG_FIELDS: &[Place] = log_places![
    at(RECEIVED[0], "Дата поступления сведений"),
    at(SENT[0], "Дата поступления сведений"),
    at(AGENCY[0], "Источник поступления сведений, вид документа"),
    at(ASSESSOR[0], "Передано на первичную оценку"),
    at(CONCLUSION[0], "Заключение о наличии и степени риска"),
    at(CONCLUSION[1], "Заключение о наличии и степени риска"),
    at(CONSILIUM[0], "Передано на рассмотрение на заседание КДНиЗП"),
    at(CONSILIUM[1], "Передано на рассмотрение на заседание КДНиЗП"),
    at(MONITORING[0], "Даты проведения и заполнения мониторинга"),
];

fn numbers(n: usize) -> Vec<Cell> {
    (1..=n)
        .map(|i| Cell::label(i.to_string()).center())
        .collect()
}

fn header_block(
    kind: &str,
    agency: Option<String>,
    from: Option<Date>,
    to: Option<Date>,
) -> Vec<Block> {
    vec![
        Block::title(&["Журнал", kind]),
        Block::para(vec![Text::value(agency)]),
        Block::label("(наименование субъекта системы профилактики)"),
        Block::para(vec![Text::label("начат"), vd(from)]),
        Block::para(vec![Text::label("окончен"), vd(to)]),
    ]
}

/// A log is a register of many narrow columns: set at 9 pt, as journals are.
pub(crate) const LOG_SIZE: f32 = 9.0;
/// The header's long names in fourteen narrow columns would take a third of every page at
/// 9 pt: they are set at 7 pt (a journal's printed header is small type too).
const HEADER_SCALE: f32 = 7.0 / 9.0;

/// The columns of both logs: number, date, then source, child, birth date, school, parent,
/// phone and address (`text`: the weights of the text columns among them), then `after`.
fn log_columns(text: [u8; 6], after: &[Col]) -> Vec<Col> {
    let [source, child, school, parent, phone, address] = text.map(Col::Text);
    let mut cols = vec![
        Col::Fixed,
        Col::Fixed,
        source,
        child,
        Col::Fixed,
        school,
        parent,
        phone,
        address,
    ];
    cols.extend_from_slice(after);
    cols
}

/// The seed's two-row header of both logs (App. 1): every column spans both rows but the
/// parents' two, under «Сведения о родителях». `source` names the third column, `after` the
/// columns after the family's address.
fn two_row_header(source: &str, after: &[&str]) -> Vec<Vec<Cell>> {
    let spans_both = |t: &str| Cell::label(t).rows(2).scaled(HEADER_SCALE);
    let mut first: Vec<Cell> = [
        "№ п/п",
        "Дата поступления сведений",
        source,
        "Фамилия, имя, отчество (последнее – при наличии) ребенка",
        "Дата рождения ребенка",
        "Место обучения ребенка",
    ]
    .into_iter()
    .map(spans_both)
    .collect();
    first.push(
        Cell::label("Сведения о родителях (законных представителях)")
            .span(2)
            .scaled(HEADER_SCALE),
    );
    first.push(spans_both("Адрес места жительства, регистрации семьи"));
    first.extend(after.iter().copied().map(spans_both));
    let second = vec![
        Cell::label("Фамилия, имя, отчество (последнее – при наличии)").scaled(HEADER_SCALE),
        Cell::label("телефон").scaled(HEADER_SCALE),
    ];
    vec![first, second]
}
