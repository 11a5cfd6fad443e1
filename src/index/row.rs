//! What the index keeps of one case version: the few facts the lists, the search, I-KNOWN and
//! the deadlines page need, taken from the normalized case. Everything else stays in the bags.

use crate::model::{Case, Date};
use crate::text::fold;
use chrono::NaiveDate;

/// Who a name in the `names` table belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Child = 0,
    Parent = 1,
}

/// The state of a case's work, as the archive list filters it.
pub const STATES: [&str; 4] = ["notification", "plan", "open", "closed"];

/// One pending deadline of a case (done ones stay in the bags; the case page reads them there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRow {
    pub rule: String,
    pub what: String,
    /// How the due date was counted, in words («3 дня с поступления извещения …»).
    pub from: String,
    pub due: NaiveDate,
    /// Only while the work goes on (the next monitoring): not once the case has ended.
    pub while_active: bool,
    /// Watched for the deadlines page only (`validate::watched`), not a D- rule's own due:
    /// the quarter's missed deadlines leave it out.
    pub watched: bool,
}

/// The index's row of a case version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub case_id: String,
    pub version: u32,
    /// The bag's Bagging-Date.
    pub bagged: NaiveDate,
    /// Territory code.
    pub territory: Option<String>,
    /// The notified child's name as written, and its key (`child_key`).
    pub child: String,
    pub child_key: String,
    pub birth: Option<NaiveDate>,
    /// The legal representatives, as written, «; »-separated.
    pub parents: String,
    /// Folded name words (child's and parents'), for the search.
    pub words: Vec<(String, Who)>,
    /// The current risk level's code.
    pub level: Option<String>,
    /// One of `STATES`.
    pub state: &'static str,
    pub agency: Option<String>,
    /// Agency kind's code.
    pub agency_kind: Option<String>,
    pub curator: Option<String>,
    pub received: Option<NaiveDate>,
    pub sent: Option<NaiveDate>,
    pub opened: Option<NaiveDate>,
    pub ended: Option<NaiveDate>,
    /// The family's key: a digest of its folded actual address (cases of one family share
    /// it; the address itself stays in the bags).
    pub family: Option<String>,
    pub dues: Vec<DueRow>,
    /// What the quarter's figures need besides (`QuarterFacts`).
    pub facts: QuarterFacts,
}

/// What the quarter's figures need of a case version beyond the list's columns, none of it
/// depending on the run date: the page counts a quarter from these and the pending `dues`,
/// as the quarterly run counts it from the bags (`report::QuarterFold`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuarterFacts {
    /// The departmental plan's start (the start of the work when no case was opened).
    pub plan_from: Option<NaiveDate>,
    /// The level the single window set (the conclusion's), its code; and whether the
    /// conclusion is dated.
    pub sw_level: Option<String>,
    pub concluded: bool,
    /// When the next monitoring is due (`validate::next_monitoring`).
    pub monitor_due: Option<NaiveDate>,
    /// The monitorings' dates in the case's order (None: undated): a quarter's monitoring
    /// forms are named by their place.
    pub monitorings: Vec<Option<NaiveDate>>,
    /// The D- diagnostics holding on any run date (`validate::dated_breaches`), D-MONITOR-3M
    /// aside; and whether D-NOTIFY-1 is one of them (sent late).
    pub late_steps: u32,
    pub sent_late: bool,
}

/// The monitorings' dates as the index keeps them: ISO dates, `,` between, an undated one
/// empty.
pub fn monitorings_text(dates: &[Option<NaiveDate>]) -> Option<String> {
    (!dates.is_empty()).then(|| {
        dates
            .iter()
            .map(|d| {
                d.map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// The monitorings' dates back from `monitorings_text`.
pub fn monitorings_of(text: Option<&str>) -> Vec<Option<NaiveDate>> {
    text.map_or_else(Vec::new, |t| {
        t.split(',')
            .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .collect()
    })
}

fn day(d: Option<Date>) -> Option<NaiveDate> {
    d.map(|d| d.0)
}

fn text(s: Option<&String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The words of a name as the search compares them: folded, split at spaces and hyphens.
pub fn name_words(full: &str) -> Vec<String> {
    fold(full)
        .split([' ', '-'])
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// A child's name as the index matches one child (with the birth date): 16 hex digits of
/// the SHA-256 of its folded full name (`PersonName::key`); empty for a child without a name.
pub fn child_key(name: &crate::model::PersonName) -> String {
    use sha2::{Digest, Sha256};
    let key = name.key();
    if key.is_empty() {
        return String::new();
    }
    hex::encode(&Sha256::digest(key.as_bytes())[..8])
}

/// The family key of an address: 16 hex digits of the SHA-256 of its folded text.
pub fn family_key(address: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(fold(address).as_bytes())[..8])
}

impl Row {
    pub fn of(case: &Case, version: u32, bagged: NaiveDate) -> Row {
        let child = case.notified_child().map(|(_, c)| c);
        let child_name = child.map(|c| c.name.full()).unwrap_or_default();
        let mut words: Vec<(String, Who)> = Vec::new();
        let mut add = |full: &str, who: Who| {
            for w in name_words(full) {
                if !words.iter().any(|(x, o)| *x == w && *o == who) {
                    words.push((w, who));
                }
            }
        };
        add(&child_name, Who::Child);
        let reps = &case.family.legal_representatives;
        for r in reps {
            add(&r.name.full(), Who::Parent);
        }
        // In the order the index gives them back.
        words.sort_by(|a, b| (&a.0, a.1 as u8).cmp(&(&b.0, b.1 as u8)));
        let n = case.notification.as_ref();
        let ended = crate::validate::ended(case);
        let opened = case.case_opening.as_ref().and_then(|o| o.date);
        let plan = case.departmental_plan.as_ref().and_then(|p| p.from);
        let state = match (ended, opened, plan) {
            (Some(_), _, _) => "closed",
            (None, Some(_), _) => "open",
            (None, None, Some(_)) => "plan",
            _ => "notification",
        };
        let watched = crate::validate::watched(case);
        let dues = crate::validate::dues(case)
            .into_iter()
            .map(|d| (d, false))
            .chain(watched.into_iter().map(|d| (d, true)))
            .filter(|(d, _)| d.done.is_none() && d.pending)
            .filter(|(d, _)| !d.while_active || ended.is_none())
            .map(|(d, watched)| DueRow {
                rule: d.rule.to_string(),
                what: d.what,
                from: d.from,
                due: d.due.0,
                while_active: d.while_active,
                watched,
            })
            .collect();
        let late: Vec<&str> = crate::validate::dated_breaches(case)
            .into_iter()
            .filter(|r| *r != "D-MONITOR-3M")
            .collect();
        let facts = QuarterFacts {
            plan_from: day(plan),
            sw_level: case.risk_level().map(|l| l.code().to_string()),
            concluded: case.conclusion.as_ref().and_then(|c| c.date).is_some(),
            monitor_due: day(crate::validate::next_monitoring(case)),
            monitorings: case.monitoring.iter().map(|m| day(m.date)).collect(),
            late_steps: u32::try_from(late.len()).unwrap_or(u32::MAX),
            sent_late: late.contains(&"D-NOTIFY-1"),
        };
        Row {
            case_id: case.case_id.clone(),
            version,
            bagged,
            territory: case.territory.as_ref().map(|t| t.code().to_string()),
            child_key: child.map(|c| child_key(&c.name)).unwrap_or_default(),
            child: child_name,
            birth: day(child.and_then(|c| c.birth_date)),
            parents: reps
                .iter()
                .map(|r| r.name.full())
                .filter(|n| !n.is_empty())
                .collect::<Vec<_>>()
                .join("; "),
            words,
            level: case.current_level().map(|l| l.code().to_string()),
            state,
            agency: text(n.and_then(|n| n.agency.as_ref())),
            agency_kind: n.and_then(|n| n.agency_kind).map(|k| k.code().to_string()),
            curator: case
                .case_opening
                .as_ref()
                .and_then(|o| o.curator.as_ref())
                .map(|c| c.name.full())
                .filter(|c| !c.is_empty()),
            received: day(n.and_then(|n| n.date_received)),
            sent: day(n.and_then(|n| n.date_sent)),
            opened: day(opened),
            ended: day(ended),
            family: text(case.family.address_actual.as_ref()).map(|a| family_key(&a)),
            dues,
            facts,
        }
    }
}
