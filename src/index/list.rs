//! The archive list's query: one page of cases, filtered and sorted, with the number of all
//! that pass the filter. A page is `PAGE` rows whatever the archive's size: the database
//! counts, sorts and skips, the page reads 50 rows and their pending deadlines.

use super::store::{Index, Result, Scope, date};
use chrono::NaiveDate;
use rusqlite::types::Value;

/// Rows on a page of the list.
pub const PAGE: usize = 50;

/// What the list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Case,
    Level,
    Opened,
    Territory,
    Agency,
    /// The date of the newest version (its bag).
    Version,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::Case,
        Sort::Level,
        Sort::Opened,
        Sort::Territory,
        Sort::Agency,
        Sort::Version,
    ];

    /// The name in the page's address (`?sort=`).
    pub fn code(self) -> &'static str {
        match self {
            Sort::Case => "case",
            Sort::Level => "level",
            Sort::Opened => "opened",
            Sort::Territory => "territory",
            Sort::Agency => "agency",
            Sort::Version => "version",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.code() == s)
    }

    /// For a sort in a list's order (levels, territories): the column and its codes in
    /// order. Such a page is read segment by segment (`Index::ranked_page`), each in case-ID
    /// order, which the database does from its indexes, where sorting by a ranking
    /// expression would sort every case on every view.
    fn ranked(self) -> Option<(&'static str, Vec<String>)> {
        match self {
            Sort::Level => Some((
                "c.level",
                crate::model::RiskLevel::ALL
                    .iter()
                    .map(|l| l.code().to_string())
                    .collect(),
            )),
            Sort::Territory => Some((
                "c.territory",
                crate::catalog::catalog()
                    .list("territory")
                    .iter()
                    .map(|(code, _)| code.clone())
                    .collect(),
            )),
            _ => None,
        }
    }

    /// The ordering expression of a sort by value (`ranked` ones are read by groups).
    fn sql(self) -> &'static str {
        match self {
            Sort::Case => "c.case_id",
            Sort::Level => "c.level",
            Sort::Opened => OPENED,
            Sort::Territory => "c.territory",
            Sort::Agency => "c.agency",
            Sort::Version => "c.bagged",
        }
    }
}

/// The date a case is listed as opened: the case's opening, else the notification's receipt,
/// else the date it was sent.
const OPENED: &str = "COALESCE(c.opened, c.received, c.sent)";

/// Which pending deadlines a listed case must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadlines {
    /// One past its due date.
    Overdue,
    /// One falling due from today to the quarter's end.
    Due,
}

/// The list's filters; `None` lets everything through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// A risk level's code (`RiskLevel::code`).
    pub level: Option<String>,
    pub deadlines: Option<Deadlines>,
    /// The opened date (`OPENED`) from, to (both included).
    pub opened_from: Option<NaiveDate>,
    pub opened_to: Option<NaiveDate>,
    /// A territory's code.
    pub territory: Option<String>,
    /// An agency kind's code.
    pub agency_kind: Option<String>,
    /// One of `STATES`.
    pub state: Option<String>,
}

/// One page of the list asked for.
#[derive(Debug, Clone)]
pub struct Ask {
    pub filter: Filter,
    pub sort: Sort,
    pub desc: bool,
    /// From 1.
    pub page: usize,
    /// The day deadlines are counted to, and the end of its quarter (`Deadlines::Due`).
    pub today: NaiveDate,
    pub quarter_end: NaiveDate,
}

/// A pending deadline as the list shows it: the earliest of the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextDue {
    pub rule: String,
    pub what: String,
    pub due: NaiveDate,
    /// Pending deadlines of the case in all.
    pub count: usize,
}

/// A listed case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub case_id: String,
    pub child: String,
    pub birth: Option<NaiveDate>,
    pub level: Option<String>,
    pub territory: Option<String>,
    pub agency: Option<String>,
    pub opened: Option<NaiveDate>,
    pub version: u32,
    /// The newest version's bagging date.
    pub bagged: Option<NaiveDate>,
    pub next_due: Option<NextDue>,
}

/// A page of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Cases that pass the filter (in the reader's scope).
    pub total: u64,
    pub cases: Vec<Listed>,
}

impl Ask {
    /// The WHERE clause and its parameters (`?1` … in order).
    fn condition(&self, scope: &Scope) -> (String, Vec<Value>) {
        let (scoped, codes) = scope.sql("c.territory", 1);
        let mut params: Vec<Value> = codes.into_iter().map(Value::Text).collect();
        let mut parts = vec![scoped];
        // `#1`, `#2` in a condition: its own parameters, numbered here after those before.
        let mut add = |sql: &str, values: Vec<Value>| {
            let mut sql = sql.to_string();
            for (i, v) in values.into_iter().enumerate() {
                sql = sql.replace(&format!("#{}", i + 1), &format!("?{}", params.len() + 1));
                params.push(v);
            }
            parts.push(sql);
        };
        let f = &self.filter;
        let iso = |d: NaiveDate| Value::Text(d.format("%Y-%m-%d").to_string());
        if let Some(l) = &f.level {
            add("c.level = #1", vec![Value::Text(l.clone())]);
        }
        if let Some(t) = &f.territory {
            add("c.territory = #1", vec![Value::Text(t.clone())]);
        }
        if let Some(k) = &f.agency_kind {
            add("c.agency_kind = #1", vec![Value::Text(k.clone())]);
        }
        if let Some(s) = &f.state {
            add("c.state = #1", vec![Value::Text(s.clone())]);
        }
        if let Some(d) = f.opened_from {
            add(&format!("{OPENED} >= #1"), vec![iso(d)]);
        }
        if let Some(d) = f.opened_to {
            add(&format!("{OPENED} <= #1"), vec![iso(d)]);
        }
        match f.deadlines {
            Some(Deadlines::Overdue) => add(
                "EXISTS (SELECT 1 FROM dues d WHERE d.case_row = c.id AND d.due < #1)",
                vec![iso(self.today)],
            ),
            Some(Deadlines::Due) => add(
                "EXISTS (SELECT 1 FROM dues d WHERE d.case_row = c.id AND d.due >= #1 \
                 AND d.due <= #2)",
                vec![iso(self.today), iso(self.quarter_end)],
            ),
            None => {}
        }
        (parts.join(" AND "), params)
    }
}

impl Index {
    /// One page of the archive list, in the reader's scope.
    pub fn list(&self, ask: &Ask, scope: &Scope) -> Result<Listing> {
        let (cond, params) = ask.condition(scope);
        let total: i64 = self
            .conn()
            .query_row(
                &format!("SELECT COUNT(*) FROM cases c WHERE {cond}"),
                rusqlite::params_from_iter(params.iter()),
                |r| r.get(0),
            )
            .map_err(self.sql())?;
        let dir = if ask.desc { "DESC" } else { "ASC" };
        let offset = ask.page.saturating_sub(1).saturating_mul(PAGE);
        let rows = match ask.sort.ranked() {
            Some((column, codes)) => {
                self.ranked_page(&cond, &params, column, &codes, ask.desc, offset)?
            }
            None => {
                let key = ask.sort.sql();
                // Cases without the value last either way (as PostgreSQL puts NULLs by
                // default ascending); the case ID breaks ties, so a page boundary never moves.
                let order = if ask.sort == Sort::Case {
                    format!("c.case_id {dir}")
                } else {
                    format!(
                        "CASE WHEN {key} IS NULL THEN 1 ELSE 0 END, {key} {dir}, c.case_id {dir}"
                    )
                };
                self.page_rows(&cond, &params, &order, PAGE, offset)?
            }
        };
        let mut cases = Vec::with_capacity(rows.len());
        let mut st = self
            .conn()
            .prepare(
                "SELECT d.rule, w.text, d.due FROM dues d JOIN texts w ON w.id = d.what \
                 WHERE d.case_row = ?1 ORDER BY d.due, d.rule, w.text",
            )
            .map_err(self.sql())?;
        for (id, mut case) in rows {
            let dues: Vec<(String, String, Option<NaiveDate>)> = st
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, date(r.get(2)?))))
                .map_err(self.sql())?
                .collect::<rusqlite::Result<_>>()
                .map_err(self.sql())?;
            let count = dues.len();
            case.next_due = dues
                .into_iter()
                .find_map(|(rule, what, due)| Some((rule, what, due?)))
                .map(|(rule, what, due)| NextDue {
                    rule,
                    what,
                    due,
                    count,
                });
            cases.push(case);
        }
        Ok(Listing {
            total: total.max(0) as u64,
            cases,
        })
    }

    /// `limit` rows from `offset` of the cases passing `cond`, in `order`.
    fn page_rows(
        &self,
        cond: &str,
        params: &[Value],
        order: &str,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<(i64, Listed)>> {
        let mut st = self
            .conn()
            .prepare(&format!(
                "SELECT c.id, c.case_id, c.child, c.birth, c.level, c.territory, c.agency, \
                 {OPENED}, c.version, c.bagged FROM cases c WHERE {cond} ORDER BY {order} \
                 LIMIT {limit} OFFSET {offset}"
            ))
            .map_err(self.sql())?;
        st.query_map(rusqlite::params_from_iter(params.iter()), |r| {
            Ok((
                r.get(0)?,
                Listed {
                    case_id: r.get(1)?,
                    child: r.get(2)?,
                    birth: date(r.get(3)?),
                    level: r.get(4)?,
                    territory: r.get(5)?,
                    agency: r.get(6)?,
                    opened: date(r.get(7)?),
                    version: r.get(8)?,
                    bagged: date(r.get(9)?),
                    next_due: None,
                },
            ))
        })
        .map_err(self.sql())?
        .collect::<rusqlite::Result<_>>()
        .map_err(self.sql())
    }

    /// A page sorted by `column` in the order of `codes` (reversed when `desc`), then cases
    /// with none or another value, each group in case-ID order: the groups are counted, and
    /// only those the page falls in are read.
    fn ranked_page(
        &self,
        cond: &str,
        params: &[Value],
        column: &str,
        codes: &[String],
        desc: bool,
        offset: usize,
    ) -> Result<Vec<(i64, Listed)>> {
        // Our own catalog's codes, quoted as SQL text.
        let quoted: Vec<String> = codes
            .iter()
            .map(|c| format!("'{}'", c.replace('\'', "''")))
            .collect();
        let mut groups: Vec<String> = quoted.iter().map(|q| format!("{column} = {q}")).collect();
        if desc {
            groups.reverse();
        }
        groups.push(format!(
            "({column} IS NULL OR {column} NOT IN ({}))",
            quoted.join(", ")
        ));
        let counted: Vec<(Option<String>, i64)> = self
            .conn()
            .prepare(&format!(
                "SELECT {column}, COUNT(*) FROM cases c WHERE {cond} GROUP BY {column}"
            ))
            .map_err(self.sql())?
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(self.sql())?
            .collect::<rusqlite::Result<_>>()
            .map_err(self.sql())?;
        let count = |i: usize| -> usize {
            let known = |v: &Option<String>| v.as_ref().is_some_and(|v| codes.contains(v));
            let n: i64 = counted
                .iter()
                .filter(|(v, _)| {
                    if i + 1 == groups.len() {
                        !known(v)
                    } else {
                        let code = if desc {
                            &codes[codes.len() - 1 - i]
                        } else {
                            &codes[i]
                        };
                        v.as_deref() == Some(code.as_str())
                    }
                })
                .map(|(_, n)| *n)
                .sum();
            n.max(0) as usize
        };
        let dir = if desc { "DESC" } else { "ASC" };
        let (mut skip, mut out) = (offset, Vec::new());
        for (i, group) in groups.iter().enumerate() {
            let n = count(i);
            if skip >= n {
                skip -= n;
                continue;
            }
            let rows = self.page_rows(
                &format!("{cond} AND {group}"),
                params,
                &format!("c.case_id {dir}"),
                PAGE - out.len(),
                skip,
            )?;
            skip = 0;
            out.extend(rows);
            if out.len() >= PAGE {
                break;
            }
        }
        Ok(out)
    }
}
