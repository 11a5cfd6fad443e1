//! What the quarter needs of the index: the facts of the cases in a quarter (the page's
//! figures are counted from them), the cases that can be in it (so the summary's fold reads
//! those bags, not every bag), and the other cases about one child (the repeated
//! notifications count them).

use super::row::monitorings_of;
use super::store::{Index, Result, Scope, date};
use chrono::NaiveDate;
use rusqlite::types::Value;

/// A case in a quarter (notified or in work in it) as the quarter's figures count it: its
/// row's facts (`QuarterFacts`) with what they come to on the run date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterRow {
    pub case_id: String,
    /// Territory code.
    pub territory: Option<String>,
    /// The current level's code, and the single window's (the conclusion's).
    pub level: Option<String>,
    pub sw_level: Option<String>,
    /// The conclusion is dated.
    pub concluded: bool,
    /// Agency kind's code.
    pub agency_kind: Option<String>,
    /// The notification's receipt, else the date it was sent.
    pub received_on: Option<NaiveDate>,
    /// The work's start: the case's opening, else the departmental plan's.
    pub started: Option<NaiveDate>,
    /// A departmental plan without a case.
    pub plan_only: bool,
    pub ended: Option<NaiveDate>,
    pub monitor_due: Option<NaiveDate>,
    pub monitorings: Vec<Option<NaiveDate>>,
    /// The D- diagnostics on the run date, D-MONITOR-3M aside: those holding on any date and
    /// the pending dues past it; and whether D-NOTIFY-1 is among them.
    pub missed: u32,
    pub late: bool,
}

impl Index {
    /// The cases notified (received, else sent) in the quarter `start`..=`end` or in work in
    /// it (started by its end, not ended before its start), in case-ID order, with what they
    /// come to on `today`. `territory` (a code) limits it as `okno quarter --territory` does.
    pub fn quarter_rows(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        today: NaiveDate,
        territory: Option<&str>,
        scope: &Scope,
    ) -> Result<Vec<QuarterRow>> {
        let iso = |d: NaiveDate| Value::Text(d.format("%Y-%m-%d").to_string());
        let (scoped, codes) = scope.sql("c.territory", 5);
        let mut params = vec![
            iso(start),
            iso(end),
            territory.map_or(Value::Null, |t| Value::Text(t.to_string())),
            iso(today),
        ];
        params.extend(codes.into_iter().map(Value::Text));
        // A due not done is missed once the run date is past it (`validate`'s D- rules).
        let pending = "FROM dues d WHERE d.case_row = c.id AND d.watched = 0 AND d.due < ?4";
        let sql = format!(
            "SELECT c.case_id, c.territory, c.level, c.sw_level, c.concluded, c.agency_kind, \
                 COALESCE(c.received, c.sent), COALESCE(c.opened, c.plan_from), \
                 c.opened IS NULL AND c.plan_from IS NOT NULL, c.ended, c.monitor_due, \
                 c.monitorings, \
                 c.late_steps + (SELECT COUNT(*) {pending} AND d.rule <> 'D-MONITOR-3M'), \
                 c.sent_late = 1 OR EXISTS (SELECT 1 {pending} AND d.rule = 'D-NOTIFY-1') \
             FROM cases c WHERE (?3 IS NULL OR c.territory = ?3) AND {scoped} AND ( \
                 COALESCE(c.received, c.sent) BETWEEN ?1 AND ?2 \
                 OR (COALESCE(c.opened, c.plan_from) <= ?2 AND (c.ended IS NULL OR c.ended >= ?1))) \
             ORDER BY c.case_id"
        );
        let mut st = self.conn().prepare(&sql).map_err(self.sql())?;
        let rows = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok(QuarterRow {
                    case_id: r.get(0)?,
                    territory: r.get(1)?,
                    level: r.get(2)?,
                    sw_level: r.get(3)?,
                    concluded: r.get(4)?,
                    agency_kind: r.get(5)?,
                    received_on: date(r.get(6)?),
                    started: date(r.get(7)?),
                    plan_only: r.get(8)?,
                    ended: date(r.get(9)?),
                    monitor_due: date(r.get(10)?),
                    monitorings: monitorings_of(r.get::<_, Option<String>>(11)?.as_deref()),
                    missed: r.get(12)?,
                    late: r.get(13)?,
                })
            })
            .map_err(self.sql())?
            .collect::<rusqlite::Result<_>>()
            .map_err(self.sql())?;
        Ok(rows)
    }

    /// Case ID and newest version of every case that may be in the quarter `start`..=`end`,
    /// in case-ID order: notified in it (received, else sent, in it), or possibly in work in
    /// it (not ended before it, and opened by its end — or not opened, but past the
    /// notification: a departmental plan's start is not indexed). A superset: the fold
    /// decides on the case itself. `territory` (a code) limits it as `okno quarter
    /// --territory` does.
    pub fn quarter_cases(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        territory: Option<&str>,
        scope: &Scope,
    ) -> Result<Vec<(String, u32)>> {
        let iso = |d: NaiveDate| Value::Text(d.format("%Y-%m-%d").to_string());
        let (scoped, codes) = scope.sql("c.territory", 4);
        let mut params = vec![iso(start), iso(end), Value::Null];
        if let Some(t) = territory {
            params[2] = Value::Text(t.to_string());
        }
        params.extend(codes.into_iter().map(Value::Text));
        let sql = format!(
            "SELECT c.case_id, c.version FROM cases c WHERE \
                 (?3 IS NULL OR c.territory = ?3) AND {scoped} AND ( \
                 (c.received >= ?1 AND c.received <= ?2) \
                 OR (c.received IS NULL AND c.sent >= ?1 AND c.sent <= ?2) \
                 OR ((c.ended IS NULL OR c.ended >= ?1) \
                     AND (c.opened <= ?2 OR (c.opened IS NULL AND c.state <> 'notification')))) \
                 ORDER BY c.case_id"
        );
        self.ids_versions(&sql, params)
    }

    /// Case ID and newest version of the cases whose notified child has this folded name and
    /// birth date, in case-ID order, limited as `quarter_cases`.
    pub fn same_child(
        &self,
        child_key: &str,
        birth: NaiveDate,
        territory: Option<&str>,
        scope: &Scope,
    ) -> Result<Vec<(String, u32)>> {
        let (scoped, codes) = scope.sql("c.territory", 4);
        let mut params = vec![
            Value::Text(child_key.to_string()),
            Value::Text(birth.format("%Y-%m-%d").to_string()),
            territory.map_or(Value::Null, |t| Value::Text(t.to_string())),
        ];
        params.extend(codes.into_iter().map(Value::Text));
        let sql = format!(
            "SELECT c.case_id, c.version FROM cases c WHERE c.child_key = ?1 \
                 AND c.birth = ?2 AND (?3 IS NULL OR c.territory = ?3) AND {scoped} \
                 ORDER BY c.case_id"
        );
        self.ids_versions(&sql, params)
    }

    /// (case ID, version) rows of a query over `cases c`, with its parameters.
    fn ids_versions(&self, sql: &str, params: Vec<Value>) -> Result<Vec<(String, u32)>> {
        let mut st = self.conn().prepare(sql).map_err(self.sql())?;
        let rows = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(self.sql())?
            .collect::<rusqlite::Result<_>>()
            .map_err(self.sql())?;
        Ok(rows)
    }
}
