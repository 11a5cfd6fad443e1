//! What the quarter's figures need of the index: the cases that can be in a quarter (so the
//! fold reads those bags, not every bag), and the other cases about one child (the repeated
//! notifications count them).

use super::store::{Index, Result, Scope};
use chrono::NaiveDate;
use rusqlite::types::Value;

impl Index {
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
