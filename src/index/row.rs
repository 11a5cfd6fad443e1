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
        let dues = crate::validate::dues(case)
            .into_iter()
            .chain(crate::validate::watched(case))
            .filter(|d| d.done.is_none() && d.pending)
            .filter(|d| !d.while_active || ended.is_none())
            .map(|d| DueRow {
                rule: d.rule.to_string(),
                what: d.what,
                from: d.from,
                due: d.due.0,
                while_active: d.while_active,
            })
            .collect();
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
        }
    }
}
