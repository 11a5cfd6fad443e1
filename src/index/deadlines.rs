//! The deadlines page's queries: the pending deadlines of the archive's newest versions
//! (`dues`, with the ones that last only while the work goes on kept to cases not ended),
//! filtered and paged, and the number overdue (the menu's «Сроки (N)»).

use super::store::{Index, Result, Scope, date};
use chrono::NaiveDate;

/// One pending deadline, with what the page filters and shows of its case (no names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    pub case_id: String,
    pub territory: Option<String>,
    pub agency: Option<String>,
    pub agency_kind: Option<String>,
    pub curator: Option<String>,
    pub rule: String,
    pub what: String,
    /// How the due date was counted, in words.
    pub counted: String,
    pub due: NaiveDate,
}

/// The page's filters; an empty one is no filter. `agency` and `curator` match the start of
/// the text as written.
#[derive(Debug, Clone, Default)]
pub struct DueFilter {
    pub territory: Option<String>,
    pub agency_kind: Option<String>,
    pub agency: Option<String>,
    pub curator: Option<String>,
}

/// `text%` for LIKE, the user's own `%`, `_` and `\` taken literally.
fn prefix(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// The WHERE clause shared by the list and its count, with its parameters.
fn condition(scope: &Scope, filter: &DueFilter) -> (String, Vec<String>) {
    let (mut sql, mut params) = scope.sql("c.territory", 1);
    sql = format!("(d.while_active = 0 OR c.ended IS NULL) AND {sql}");
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let mut add = |clause: &str, value: String| {
        params.push(value);
        sql.push_str(&clause.replace("?#", &format!("?{}", params.len())));
    };
    if let Some(t) = given(&filter.territory) {
        add(" AND c.territory = ?#", t);
    }
    if let Some(k) = given(&filter.agency_kind) {
        add(" AND c.agency_kind = ?#", k);
    }
    if let Some(a) = given(&filter.agency) {
        add(" AND c.agency LIKE ?# ESCAPE '\\'", prefix(&a));
    }
    if let Some(c) = given(&filter.curator) {
        add(" AND c.curator LIKE ?# ESCAPE '\\'", prefix(&c));
    }
    (sql, params)
}

impl Index {
    /// The pending deadlines a reader of `scope` sees, filtered, by due date (then case ID
    /// and rule), `limit` from `offset`; and how many there are in all.
    pub fn deadlines(
        &self,
        scope: &Scope,
        filter: &DueFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<DueItem>)> {
        let (cond, params) = condition(scope, filter);
        let total: i64 = self
            .conn()
            .query_row(
                &format!(
                    "SELECT COUNT(*) FROM dues d JOIN cases c ON c.id = d.case_row WHERE {cond}"
                ),
                rusqlite::params_from_iter(params.iter()),
                |r| r.get(0),
            )
            .map_err(self.sql())?;
        let n = params.len();
        let mut st = self
            .conn()
            .prepare(&format!(
                "SELECT c.case_id, c.territory, c.agency, c.agency_kind, c.curator, d.rule, \
                 w.text, t.text, d.due FROM dues d JOIN cases c ON c.id = d.case_row \
                 JOIN texts w ON w.id = d.what JOIN texts t ON t.id = d.counted \
                 WHERE {cond} ORDER BY d.due, c.case_id, d.rule LIMIT ?{} OFFSET ?{}",
                n + 1,
                n + 2
            ))
            .map_err(self.sql())?;
        let mut values: Vec<rusqlite::types::Value> = params
            .into_iter()
            .map(rusqlite::types::Value::Text)
            .collect();
        values.push(rusqlite::types::Value::Integer(
            i64::try_from(limit).unwrap_or(i64::MAX),
        ));
        values.push(rusqlite::types::Value::Integer(
            i64::try_from(offset).unwrap_or(i64::MAX),
        ));
        let items = st
            .query_map(rusqlite::params_from_iter(values), |r| {
                Ok(DueItem {
                    case_id: r.get(0)?,
                    territory: r.get(1)?,
                    agency: r.get(2)?,
                    agency_kind: r.get(3)?,
                    curator: r.get(4)?,
                    rule: r.get(5)?,
                    what: r.get(6)?,
                    counted: r.get(7)?,
                    due: date(r.get(8)?).unwrap_or_default(),
                })
            })
            .map_err(self.sql())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(self.sql())?;
        Ok((total.max(0) as u64, items))
    }

    /// How many pending deadlines a reader of `scope` sees past their due date on `today`.
    pub fn overdue(&self, scope: &Scope, today: NaiveDate) -> Result<u64> {
        let (cond, mut params) = condition(scope, &DueFilter::default());
        params.push(today.format("%Y-%m-%d").to_string());
        let n: i64 = self
            .conn()
            .query_row(
                &format!(
                    "SELECT COUNT(*) FROM dues d JOIN cases c ON c.id = d.case_row \
                     WHERE {cond} AND d.due < ?{}",
                    params.len()
                ),
                rusqlite::params_from_iter(params.iter()),
                |r| r.get(0),
            )
            .map_err(self.sql())?;
        Ok(n.max(0) as u64)
    }
}
