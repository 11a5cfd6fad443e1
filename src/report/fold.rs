//! The quarter's model and counts: the quarter itself, the states of a case in it, and the
//! fold that counts the archive's cases one at a time into a `QuarterReport`.

use super::error::Error;
use crate::model::{AgencyKind, Case, Date, Domain, RiskLevel, Territory};
use crate::validate::ended;
use crate::validate::{CaseKey, ChildKey, Settings, deadline_diagnostics};
use chrono::{Months, NaiveDate};
use std::collections::{BTreeMap, HashMap};

/// A quarter: `2026-Q4` → 01.10.2026 … 31.12.2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    pub year: i32,
    pub q: u32,
}

impl Quarter {
    pub fn parse(s: &str) -> Result<Quarter, Error> {
        let bad = || Error::NotAQuarter(s.to_string());
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

/// A departmental plan without a case: a low-risk family (R-LOW) is helped by one agency's
/// plan and no case is opened, so the summary counts these apart from cases.
pub fn plan_only(case: &Case) -> bool {
    case.case_opening.as_ref().and_then(|o| o.date).is_none()
        && case
            .departmental_plan
            .as_ref()
            .and_then(|p| p.from)
            .is_some()
}

/// A rule's code with its meaning, «D-SW-3 (заключение «Единого окна» …)», as the summary
/// names rules: a code alone tells the commission nothing.
pub fn rule_with_meaning(id: &str) -> String {
    match rule_meaning(id) {
        "" => id.to_string(),
        meaning => format!("{id} ({meaning})"),
    }
}

/// A rule's meaning from the rules list (empty for an unknown code).
pub fn rule_meaning(id: &str) -> &'static str {
    crate::validate::RULES
        .iter()
        .find(|(r, _)| *r == id)
        .map_or("", |(_, meaning)| meaning)
}

fn started(case: &Case) -> Option<Date> {
    case.case_opening
        .as_ref()
        .and_then(|o| o.date)
        .or(case.departmental_plan.as_ref().and_then(|p| p.from))
}

/// Active at some time in the quarter: started by its end, not ended before its start.
pub fn active_in(case: &Case, q: &Quarter) -> bool {
    in_work(started(case).map(|d| d.0), ended(case).map(|d| d.0), q)
}

/// Work that started on `start` and ended on `end` is in the quarter: started by its end, not
/// ended before its start.
pub fn in_work(start: Option<NaiveDate>, end: Option<NaiveDate>, q: &Quarter) -> bool {
    start.is_some_and(|s| s <= q.end()) && end.is_none_or(|e| e >= q.start())
}

/// The case's current level (`Case::current_level`).
pub fn current_level(case: &Case) -> Option<RiskLevel> {
    case.current_level()
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
    monitoring_owed(
        crate::validate::next_monitoring(case).map(|d| d.0),
        ended(case).map(|d| d.0),
        q,
        today,
    )
}

/// The state on `today` of the next monitoring, due on `due` (`validate::next_monitoring`), of
/// work that ended on `ended`: none once the work has ended.
pub fn monitoring_owed(
    due: Option<NaiveDate>,
    ended: Option<NaiveDate>,
    q: &Quarter,
    today: NaiveDate,
) -> Option<MonitoringState> {
    if ended.is_some_and(|e| e <= today) {
        return None;
    }
    let due = Date(due?);
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

/// The label of a case's territory in the summary, «не указана» without one.
pub const NO_TERRITORY: &str = "не указана";

/// A case in work in the quarter, as its rows in the summary need it.
#[derive(Debug, Clone)]
pub struct ActiveRow {
    pub case_id: String,
    pub territory: Option<Territory>,
    pub level: Option<RiskLevel>,
    pub opened: Option<Date>,
    pub closed: Option<Date>,
    /// A departmental plan without a case (`plan_only`).
    pub plan: bool,
}

impl ActiveRow {
    /// «случай» or «ведомственный план».
    pub fn kind(&self) -> &'static str {
        if self.plan {
            "ведомственный план"
        } else {
            "случай"
        }
    }
}

/// A missed deadline of a case (a D- rule's warning or error).
#[derive(Debug, Clone)]
pub struct Breach {
    pub case_id: String,
    pub rule: &'static str,
    pub message: String,
}

/// A notification of the quarter the single window has not set a level for yet.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub case_id: String,
    pub territory: Option<Territory>,
    /// The single window's receipt date, when recorded.
    pub received: Option<Date>,
    pub sent: Option<Date>,
    /// D-SW-3 overdue on the run date: (due, days over), counted from the receipt date, or
    /// from the date sent when the receipt was not recorded (`received_on`).
    pub overdue: Option<(Date, i64)>,
}

impl Waiting {
    /// The state in words, as the summary and its workbook put it; says when the term is
    /// counted from the date sent.
    pub fn describe(&self) -> String {
        let state = match self.overdue {
            Some((_, days)) => format!("просрочено на {days} дн."),
            None => "срок не истек".into(),
        };
        match (self.received, self.sent) {
            (Some(_), _) => state,
            (None, Some(_)) => {
                format!(
                    "{state} (дата поступления не записана: срок считается от даты направления)"
                )
            }
            (None, None) => "даты поступления и направления не записаны: срок не определить".into(),
        }
    }
}

/// The notifications received in the quarter and what became of them.
#[derive(Debug, Clone, Default)]
pub struct Inflow {
    pub received: usize,
    /// By agency kind, in the catalog's order, then «не указан».
    pub by_agency: Vec<(String, usize)>,
    /// Repeated notifications (I-DUPLICATE): the quarter's notifications about a child another
    /// notification of the archive is also about, by case ID.
    pub repeated: Vec<String>,
    /// Level set by the single window, by level (the conclusion's four), with the total.
    pub level_set: usize,
    pub by_level: Vec<(String, usize)>,
    /// A case opened for them; a departmental plan begun instead (no case, `plan_only`);
    /// the work (either) finished since.
    pub opened: usize,
    pub plans: usize,
    pub closed: usize,
    /// Still waiting for the single window's conclusion: the overdue first (longest first),
    /// then the others in case-ID order.
    pub waiting: Vec<Waiting>,
    /// Sent late (D-NOTIFY-1, the chained deadline included).
    pub late: usize,
}

/// The flow of cases through the quarter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flow {
    /// Open on the quarter's first day (started before it, not ended before it).
    pub open_at_start: usize,
    pub opened: usize,
    pub closed: usize,
    /// Open after the quarter's last day.
    pub open_at_end: usize,
}

/// One territory's line of the side-by-side table; the lines add up to the totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerritoryRow {
    /// The catalog's name, or `NO_TERRITORY`.
    pub label: String,
    pub received: usize,
    pub level_set: usize,
    pub waiting: usize,
    pub sw_overdue: usize,
    pub late: usize,
    pub active: usize,
    pub opened: usize,
    pub closed: usize,
    pub open_at_end: usize,
    pub breaches: usize,
}

impl TerritoryRow {
    fn add(&mut self, o: &TerritoryRow) {
        self.received += o.received;
        self.level_set += o.level_set;
        self.waiting += o.waiting;
        self.sw_overdue += o.sw_overdue;
        self.late += o.late;
        self.active += o.active;
        self.opened += o.opened;
        self.closed += o.closed;
        self.open_at_end += o.open_at_end;
        self.breaches += o.breaches;
    }
}

/// Everything the quarterly run found. Built by `QuarterFold` case by case: it holds counts
/// and the compact rows the summary names, never the cases.
pub struct QuarterReport {
    pub quarter: Quarter,
    /// The run date: the summary's date.
    pub date: NaiveDate,
    /// The one territory the summary is limited to (`--territory`), if any.
    pub territory: Option<Territory>,
    pub inflow: Inflow,
    /// The flow of cases; `plan_flow` that of departmental plans without a case.
    pub flow: Flow,
    pub plan_flow: Flow,
    /// The commission the summary is for, when the data names one: the commission approving
    /// the support cards of the cases in it («УТВЕРЖДЕНА»), when they all name the same.
    pub commission: Option<String>,
    /// Cases and departmental plans in work at some time in the quarter.
    pub active: Vec<ActiveRow>,
    pub monitoring: Vec<(String, MonitoringState)>,
    /// Missed deadlines (every D- rule but the monitoring one) of the cases in work and of the
    /// quarter's notifications, by case.
    pub missed: Vec<Breach>,
    pub by_level: Vec<(String, usize)>,
    pub by_agency: Vec<(String, usize)>,
    /// Cases (not plans) opened and closed in the quarter.
    pub opened: usize,
    pub closed: usize,
    /// Level now against the conclusion's: lower, same, higher.
    pub level_changes: (usize, usize, usize),
    /// Per domain: better, same, worse (card part III).
    pub dynamics: Vec<(String, usize, usize, usize)>,
    /// Per territory (only those with something in the quarter), in the catalog's order,
    /// «не указана» last.
    pub territories: Vec<TerritoryRow>,
}

impl QuarterReport {
    /// The territories' lines added up: equal to the totals.
    pub fn territory_total(&self) -> TerritoryRow {
        let mut t = TerritoryRow {
            label: "Всего".into(),
            ..Default::default()
        };
        for r in &self.territories {
            t.add(r);
        }
        t
    }
}

/// The date a notification reached the single window: its receipt, else the date sent.
pub fn received_on(case: &Case) -> Option<Date> {
    let n = case.notification.as_ref()?;
    n.date_received.or(n.date_sent)
}

/// The quarter as a fold over the archive's cases (`archive::each_newest_case`): `add` each case,
/// then `finish`.
pub struct QuarterFold {
    q: Quarter,
    today: NaiveDate,
    only: Option<Territory>,
    /// Notified children (name key, birth date) of the whole archive → notifications.
    children: HashMap<ChildKey, u32>,
    /// The quarter's notifications with their child's key.
    inflow_keys: Vec<(String, ChildKey)>,
    inflow: Inflow,
    inflow_agency: BTreeMap<Option<AgencyKind>, usize>,
    inflow_level: BTreeMap<RiskLevel, usize>,
    flow: Flow,
    plan_flow: Flow,
    commissions: std::collections::BTreeSet<String>,
    active: Vec<ActiveRow>,
    monitoring: Vec<(String, MonitoringState)>,
    missed: Vec<Breach>,
    level: BTreeMap<Option<RiskLevel>, usize>,
    agency: BTreeMap<Option<AgencyKind>, usize>,
    opened: usize,
    closed: usize,
    changes: (usize, usize, usize),
    dynamics: Vec<(usize, usize, usize)>,
    territories: BTreeMap<(usize, Option<Territory>), TerritoryRow>,
}

impl QuarterFold {
    pub fn new(q: Quarter, today: NaiveDate, only: Option<Territory>) -> QuarterFold {
        QuarterFold {
            q,
            today,
            only,
            children: HashMap::new(),
            inflow_keys: Vec::new(),
            inflow: Inflow::default(),
            inflow_agency: BTreeMap::new(),
            inflow_level: BTreeMap::new(),
            flow: Flow::default(),
            plan_flow: Flow::default(),
            commissions: std::collections::BTreeSet::new(),
            active: Vec::new(),
            monitoring: Vec::new(),
            missed: Vec::new(),
            level: BTreeMap::new(),
            agency: BTreeMap::new(),
            opened: 0,
            closed: 0,
            changes: (0, 0, 0),
            dynamics: vec![(0, 0, 0); Domain::ALL.len()],
            territories: BTreeMap::new(),
        }
    }

    /// Whether a case belongs to the summary (its territory, when limited to one).
    pub fn wants(&self, case: &Case) -> bool {
        self.only.is_none() || case.territory == self.only
    }

    /// Whether a case is in the quarter at all: in work in it, or notified in it.
    pub fn in_quarter(&self, case: &Case) -> bool {
        active_in(case, &self.q) || received_on(case).is_some_and(|d| self.q.contains(d))
    }

    /// Counts a case's child only (for the repeated notifications): a case of the archive
    /// outside the quarter, which `add` would take no further.
    pub fn count_child(&mut self, case: &Case) {
        if !self.wants(case) {
            return;
        }
        if let Some((_, k)) = CaseKey::of(case).child {
            *self.children.entry(k).or_default() += 1;
        }
    }

    /// Takes one case into the counts.
    pub fn add(&mut self, case: &Case) {
        if !self.wants(case) {
            return;
        }
        let child = CaseKey::of(case).child.map(|(_, key)| key);
        if let Some(k) = child {
            *self.children.entry(k).or_default() += 1;
        }
        let q = self.q;
        let notified = received_on(case).is_some_and(|d| q.contains(d));
        let active = active_in(case, &q);
        if !notified && !active {
            return;
        }
        let mut row = TerritoryRow::default();
        let breaches: Vec<Breach> = deadline_diagnostics(case, &Settings { today: self.today })
            .into_iter()
            .filter(|d| d.rule != "D-MONITOR-3M")
            .map(|d| Breach {
                case_id: case.case_id.clone(),
                rule: d.rule,
                message: d.message,
            })
            .collect();
        row.breaches = breaches.len();
        let start = started(case);
        let end = ended(case);
        if notified {
            let i = &mut self.inflow;
            i.received += 1;
            row.received = 1;
            let kind = case.notification.as_ref().and_then(|n| n.agency_kind);
            *self.inflow_agency.entry(kind).or_default() += 1;
            if let Some(k) = child {
                self.inflow_keys.push((case.case_id.clone(), k));
            }
            let late = breaches.iter().any(|b| b.rule == "D-NOTIFY-1");
            i.late += usize::from(late);
            row.late = usize::from(late);
            match case.risk_level() {
                Some(l) => {
                    i.level_set += 1;
                    row.level_set = 1;
                    *self.inflow_level.entry(l).or_default() += 1;
                }
                None => {
                    let n = case.notification.as_ref();
                    let overdue = sw_overdue(case, self.today);
                    row.waiting = 1;
                    row.sw_overdue = usize::from(overdue.is_some());
                    i.waiting.push(Waiting {
                        case_id: case.case_id.clone(),
                        territory: case.territory.clone(),
                        received: n.and_then(|n| n.date_received),
                        sent: n.and_then(|n| n.date_sent),
                        overdue,
                    });
                }
            }
            if plan_only(case) {
                i.plans += 1;
            } else {
                i.opened += usize::from(start.is_some());
            }
            i.closed += usize::from(end.is_some_and(|e| e.0 <= self.today));
        }
        if active {
            row.active = 1;
            let plan = plan_only(case);
            let flow = if plan {
                &mut self.plan_flow
            } else {
                &mut self.flow
            };
            let s = start.expect("active cases have started");
            if s.0 < q.start() {
                flow.open_at_start += 1;
            } else {
                flow.opened += 1;
                self.opened += usize::from(!plan);
                row.opened = 1;
            }
            if end.is_some_and(|e| q.contains(e)) {
                flow.closed += 1;
                self.closed += usize::from(!plan);
                row.closed = 1;
            } else {
                flow.open_at_end += 1;
                row.open_at_end = 1;
            }
            if let Some(c) = case
                .support_card
                .as_ref()
                .and_then(|c| c.approved_by.as_deref())
            {
                // «КДНиЗП Барабинского района, председатель …»: the commission, not its chair.
                let c = c.split(',').next().unwrap_or(c).trim();
                if !c.is_empty() {
                    self.commissions.insert(c.to_string());
                }
            }
            if let Some(s) = monitoring_state(case, &q, self.today) {
                self.monitoring.push((case.case_id.clone(), s));
            }
            let level = current_level(case);
            *self.level.entry(level).or_default() += 1;
            let kind = case.notification.as_ref().and_then(|n| n.agency_kind);
            *self.agency.entry(kind).or_default() += 1;
            if let (Some(first), Some(now)) = (case.risk_level(), level) {
                match now.cmp(&first) {
                    std::cmp::Ordering::Less => self.changes.0 += 1,
                    std::cmp::Ordering::Equal => self.changes.1 += 1,
                    std::cmp::Ordering::Greater => self.changes.2 += 1,
                }
            }
            if let Some(r) = case.support_card.as_ref().and_then(|s| s.results.as_ref()) {
                for (n, d) in Domain::ALL.iter().enumerate() {
                    let Some(x) = r.dynamics.iter().find(|x| x.domain == Some(*d)) else {
                        continue;
                    };
                    if let (Some(a), Some(b)) = (x.level_start, x.level_end) {
                        let slot = &mut self.dynamics[n];
                        match b.cmp(&a) {
                            std::cmp::Ordering::Less => slot.0 += 1,
                            std::cmp::Ordering::Equal => slot.1 += 1,
                            std::cmp::Ordering::Greater => slot.2 += 1,
                        }
                    }
                }
            }
            self.active.push(ActiveRow {
                case_id: case.case_id.clone(),
                territory: case.territory.clone(),
                level,
                opened: start,
                closed: end,
                plan,
            });
        }
        self.missed.extend(breaches);
        let key = (
            case.territory.as_ref().map_or(usize::MAX, Territory::order),
            case.territory.clone(),
        );
        self.territories
            .entry(key)
            .or_insert_with(|| TerritoryRow {
                label: case
                    .territory
                    .as_ref()
                    .map_or(NO_TERRITORY.to_string(), |t| t.label().to_string()),
                ..Default::default()
            })
            .add(&row);
    }

    pub fn finish(self) -> QuarterReport {
        let children = &self.children;
        let repeated: Vec<String> = self
            .inflow_keys
            .into_iter()
            .filter(|(_, k)| children.get(k).is_some_and(|n| *n > 1))
            .map(|(id, _)| id)
            .collect();
        let mut inflow = self.inflow;
        inflow.repeated = repeated;
        // The overdue first, the longest overdue at the top: what the commission asks about.
        inflow
            .waiting
            .sort_by_key(|w| std::cmp::Reverse(w.overdue.map_or(-1, |(_, days)| days)));
        inflow.by_agency = by_agency(&self.inflow_agency);
        inflow.by_level = RiskLevel::ALL
            .iter()
            .filter(|l| **l != RiskLevel::None)
            .map(|l| {
                (
                    l.label().to_string(),
                    self.inflow_level.get(l).copied().unwrap_or(0),
                )
            })
            .collect();
        let mut by_level: Vec<(String, usize)> = RiskLevel::ALL
            .iter()
            .map(|l| {
                (
                    l.label().to_string(),
                    self.level.get(&Some(*l)).copied().unwrap_or(0),
                )
            })
            .collect();
        by_level.push((
            "не определен".into(),
            self.level.get(&None).copied().unwrap_or(0),
        ));
        QuarterReport {
            quarter: self.q,
            date: self.today,
            territory: self.only,
            inflow,
            flow: self.flow,
            plan_flow: self.plan_flow,
            commission: (self.commissions.len() == 1)
                .then(|| self.commissions.into_iter().next())
                .flatten(),
            active: self.active,
            monitoring: self.monitoring,
            missed: self.missed,
            by_level,
            by_agency: by_agency(&self.agency),
            opened: self.opened,
            closed: self.closed,
            level_changes: self.changes,
            dynamics: Domain::ALL
                .iter()
                .zip(self.dynamics)
                .map(|(d, (a, s, w))| (d.label().to_string(), a, s, w))
                .collect(),
            territories: self.territories.into_values().collect(),
        }
    }
}

/// Counts by agency kind in the catalog's order, then «не указан».
pub(super) fn by_agency(counts: &BTreeMap<Option<AgencyKind>, usize>) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = AgencyKind::ALL
        .iter()
        .map(|k| {
            (
                k.label().to_string(),
                counts.get(&Some(*k)).copied().unwrap_or(0),
            )
        })
        .collect();
    out.push(("не указан".into(), counts.get(&None).copied().unwrap_or(0)));
    out
}

/// D-SW-3 on the run date for a notification without a conclusion: 3 days from its receipt,
/// or from the date sent when the receipt was not recorded — a notification whose receipt
/// nobody wrote down is still waiting, and the commission must see it overdue.
fn sw_overdue(case: &Case, today: NaiveDate) -> Option<(Date, i64)> {
    sw_overdue_on(
        received_on(case).map(|d| d.0),
        case.conclusion.as_ref().and_then(|c| c.date).is_some(),
        today,
    )
}

/// D-SW-3 on `today` for a notification received (else sent) on `received`, whose conclusion
/// is dated or not: (due, days over) once overdue.
pub fn sw_overdue_on(
    received: Option<NaiveDate>,
    concluded: bool,
    today: NaiveDate,
) -> Option<(Date, i64)> {
    let due = Date(received?.checked_add_days(chrono::Days::new(3))?);
    (today > due.0 && !concluded).then(|| (due, (today - due.0).num_days()))
}

/// The quarter over cases already in memory (tests, small runs): the same fold.
pub fn quarter(cases: Vec<Case>, q: Quarter, today: NaiveDate) -> QuarterReport {
    let mut f = QuarterFold::new(q, today, None);
    for c in &cases {
        f.add(c);
    }
    f.finish()
}
