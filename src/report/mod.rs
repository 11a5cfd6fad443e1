//! Reports over the archive: the two logs of the procedure and the quarterly monitoring run
//! with its summary for the commission. They read the newest version of each case bag.
//! Here the quarter's model and counts; `form` is the summary as a document tree, `xlsx` the
//! workbooks.

use crate::archive::list_cases;
use crate::diagnostic::Diagnostic;
use crate::model::{Case, Date, Domain, RiskLevel};
use crate::validate::ended;
use crate::validate::{Settings, validate};
use chrono::{Months, NaiveDate};
use std::path::Path;

mod form;
mod xlsx;

pub use form::summary_document;
pub use xlsx::{grid_xlsx, summary_xlsx, table_xlsx};

/// The newest version of every case in an archive (its normalized `case.json`).
pub fn newest_cases(root: &Path) -> Result<Vec<Case>, String> {
    let mut out = Vec::new();
    each_newest_case(root, |case| out.push(case))?;
    Ok(out)
}

/// The newest version of every case in an archive, one at a time in case-ID order, so a job
/// over a large archive holds one case, not all of them.
pub fn each_newest_case(root: &Path, mut each: impl FnMut(Case)) -> Result<(), String> {
    for (id, versions) in list_cases(root) {
        let Some(v) = versions.last() else { continue };
        let path = root.join(&id).join(format!("v{v}")).join("data/case.json");
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let case: Case =
            serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        each(case);
    }
    Ok(())
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

impl MonitoringState {
    /// The state in words, as the summary and its workbook put it.
    pub fn describe(&self) -> String {
        match self {
            MonitoringState::Overdue { days, .. } => format!("просрочен на {days} дн."),
            MonitoringState::Due { .. } => "срок в квартале".into(),
            MonitoringState::NotDue { .. } => "срок не наступил".into(),
        }
    }

    pub fn due(&self) -> Date {
        match self {
            MonitoringState::Overdue { due, .. }
            | MonitoringState::Due { due }
            | MonitoringState::NotDue { due } => *due,
        }
    }
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
