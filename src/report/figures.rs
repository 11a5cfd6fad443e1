//! The quarter's figures for the page and the API: what became of the quarter's
//! notifications, the cases in work, their monitoring and missed deadlines, and the quarter's
//! monitoring forms. Counted from the archive's index (`Index::quarter_rows`), a moment at any
//! size; where there is no index yet, taken from the fold's report. Both say the same as
//! `okno quarter` (tests/quarter_page.rs compares them on archives it writes, on many days).

use super::fold::{
    MonitoringState, NO_TERRITORY, Quarter, QuarterReport, by_agency, in_work, monitoring_owed,
    sw_overdue_on,
};
use crate::error::Error;
use crate::index::{QuarterRow, Scope};
use crate::model::{AgencyKind, RiskLevel, Territory};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The figures of a quarter the page and the API show (`okno quarter` prints them too).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub active: usize,
    pub overdue: usize,
    pub due: usize,
    pub missed: usize,
    pub received: usize,
    pub waiting: usize,
    pub sw_overdue: usize,
    pub late: usize,
}

impl Counts {
    pub fn of(r: &QuarterReport) -> Counts {
        let state = |want: fn(&MonitoringState) -> bool| {
            r.monitoring.iter().filter(|(_, s)| want(s)).count()
        };
        Counts {
            active: r.active.len(),
            overdue: state(|s| matches!(s, MonitoringState::Overdue { .. })),
            due: state(|s| matches!(s, MonitoringState::Due { .. })),
            missed: r.missed.len(),
            received: r.inflow.received,
            waiting: r.inflow.waiting.len(),
            sw_overdue: r
                .inflow
                .waiting
                .iter()
                .filter(|w| w.overdue.is_some())
                .count(),
            late: r.inflow.late,
        }
    }
}

/// The quarter's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterFigures {
    pub counts: Counts,
    /// The quarter's notifications (`counts.received` of them): a level set by the single
    /// window; a case opened; a departmental plan begun instead; the work finished since.
    pub level_set: usize,
    pub opened: usize,
    pub plans: usize,
    pub closed: usize,
    /// The quarter's notifications by agency kind, in the catalog's order, then «не указан».
    pub by_agency: Vec<(String, usize)>,
    /// The quarter's notifications by territory: the territories with anything in the
    /// quarter, in the catalog's order, «не указана» last.
    pub by_territory: Vec<(String, usize)>,
    /// The cases in work by current level, the four levels then «не определен».
    pub by_level: Vec<(String, usize)>,
    /// The monitoring forms the quarterly run renders, by case (case ID, form names), in
    /// case-ID order.
    pub forms: Vec<(String, Vec<String>)>,
}

impl QuarterFigures {
    /// Monitoring form files (PDF and DOCX) the run writes.
    pub fn form_files(&self) -> usize {
        2 * self.forms.iter().map(|(_, f)| f.len()).sum::<usize>()
    }

    /// The figures of the fold's report, with the forms the run renders.
    pub fn of(r: &QuarterReport, forms: Vec<(String, Vec<String>)>) -> QuarterFigures {
        QuarterFigures {
            counts: Counts::of(r),
            level_set: r.inflow.level_set,
            opened: r.inflow.opened,
            plans: r.inflow.plans,
            closed: r.inflow.closed,
            by_agency: r.inflow.by_agency.clone(),
            by_territory: r
                .territories
                .iter()
                .map(|t| (t.label.clone(), t.received))
                .collect(),
            by_level: r.by_level.clone(),
            forms,
        }
    }
}

/// A code of one of an option list's values.
fn coded<T: Copy>(all: &[T], code: Option<&str>, of: fn(T) -> &'static str) -> Option<T> {
    all.iter().copied().find(|v| Some(of(*v)) == code)
}

/// The quarter's figures from the archive's index, on `today`, limited to one territory (a
/// code) and to what `scope` sees, as `okno quarter --territory` and the fold count them.
pub fn quarter_figures(
    index: &crate::index::Index,
    q: Quarter,
    today: NaiveDate,
    territory: Option<&str>,
    scope: &Scope,
) -> Result<QuarterFigures, Error> {
    let rows = index
        .quarter_rows(q.start(), q.end(), today, territory, scope)
        .map_err(|e| Error::Failed(e.to_string()))?;
    Ok(count(&rows, q, today))
}

/// Counts the quarter's rows (`Index::quarter_rows`).
fn count(rows: &[QuarterRow], q: Quarter, today: NaiveDate) -> QuarterFigures {
    let mut c = Counts::default();
    let (mut level_set, mut opened, mut plans, mut closed) = (0, 0, 0, 0);
    let mut agency: BTreeMap<Option<AgencyKind>, usize> = BTreeMap::new();
    let mut level: BTreeMap<Option<RiskLevel>, usize> = BTreeMap::new();
    let mut territories: BTreeMap<(usize, Option<String>), (String, usize)> = BTreeMap::new();
    let mut forms = Vec::new();
    for r in rows {
        let notified = r
            .received_on
            .is_some_and(|d| q.start() <= d && d <= q.end());
        let active = in_work(r.started, r.ended, &q);
        if !notified && !active {
            continue;
        }
        let place = r.territory.as_deref().and_then(Territory::parse);
        let received_here = &mut territories
            .entry((
                place.as_ref().map_or(usize::MAX, Territory::order),
                place.as_ref().map(|t| t.code().to_string()),
            ))
            .or_insert_with(|| {
                let label = place.as_ref().map_or(NO_TERRITORY, |t| t.label());
                (label.to_string(), 0)
            })
            .1;
        c.missed += r.missed as usize;
        if notified {
            c.received += 1;
            *received_here += 1;
            let kind = coded(AgencyKind::ALL, r.agency_kind.as_deref(), AgencyKind::code);
            *agency.entry(kind).or_default() += 1;
            c.late += usize::from(r.late);
            if r.sw_level.is_some() {
                level_set += 1;
            } else {
                c.waiting += 1;
                c.sw_overdue +=
                    usize::from(sw_overdue_on(r.received_on, r.concluded, today).is_some());
            }
            if r.plan_only {
                plans += 1;
            } else {
                opened += usize::from(r.started.is_some());
            }
            closed += usize::from(r.ended.is_some_and(|e| e <= today));
        }
        if active {
            c.active += 1;
            match monitoring_owed(r.monitor_due, r.ended, &q, today) {
                Some(MonitoringState::Overdue { .. }) => c.overdue += 1,
                Some(MonitoringState::Due { .. }) => c.due += 1,
                _ => {}
            }
            let now = coded(RiskLevel::ALL, r.level.as_deref(), RiskLevel::code);
            *level.entry(now).or_default() += 1;
            let names: Vec<String> = r
                .monitorings
                .iter()
                .enumerate()
                .filter(|(_, d)| d.is_some_and(|d| q.start() <= d && d <= q.end()))
                .map(|(i, _)| format!("monitoring-{}", i + 1))
                .collect();
            if !names.is_empty() {
                forms.push((r.case_id.clone(), names));
            }
        }
    }
    let mut by_level: Vec<(String, usize)> = RiskLevel::ALL
        .iter()
        .map(|l| {
            (
                l.label().to_string(),
                level.get(&Some(*l)).copied().unwrap_or(0),
            )
        })
        .collect();
    by_level.push((
        "не определен".into(),
        level.get(&None).copied().unwrap_or(0),
    ));
    QuarterFigures {
        counts: c,
        level_set,
        opened,
        plans,
        closed,
        by_agency: by_agency(&agency),
        by_territory: territories.into_values().collect(),
        by_level,
        forms,
    }
}
