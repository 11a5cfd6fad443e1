//! The case page's query: the cases related to one — the same child (the same folded name
//! and birth date under another case ID) and the same family (the same actual address, or a
//! legal representative of the same name).

use super::row::name_words;
use super::store::{Index, Result, Scope};

/// Why a case is related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    SameChild,
    SameAddress,
    SameParent,
}

impl Relation {
    pub fn ru(self) -> &'static str {
        match self {
            Relation::SameChild => "тот же ребенок (ФИО и дата рождения)",
            Relation::SameAddress => "та же семья (адрес проживания)",
            Relation::SameParent => "та же семья (законный представитель)",
        }
    }
}

/// A related case. Outside the reader's scope only its territory is told (`seen` false,
/// the other facts empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub relation: Relation,
    pub seen: bool,
    pub case_id: String,
    pub territory: Option<String>,
    pub child: String,
    pub level: Option<String>,
    pub bagged: Option<chrono::NaiveDate>,
}

/// A case's row id, child key, birth date, family address and parents.
type Me = (i64, String, Option<String>, Option<String>, String);
/// A related case's ID, territory, child, level and bag date.
type Found = (
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

impl Index {
    /// The cases related to `case_id`, each once (its closest relation), by relation and
    /// case ID.
    pub fn related(&self, case_id: &str, scope: &Scope) -> Result<Vec<Related>> {
        let me: Option<Me> = self
            .conn()
            .query_row(
                "SELECT id, child_key, birth, family, parents FROM cases WHERE case_id = ?1",
                [case_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(self.sql())?;
        let Some((me, child_key, birth, family, parents)) = me else {
            return Ok(Vec::new());
        };
        let mut found: Vec<(Relation, i64)> = Vec::new();
        let mut ids = |rel: Relation, sql: &str, params: Vec<String>| -> Result<()> {
            let mut st = self.conn().prepare(sql).map_err(self.sql())?;
            let rows = st
                .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                    r.get::<_, i64>(0)
                })
                .map_err(self.sql())?;
            for id in rows {
                let id = id.map_err(self.sql())?;
                if id != me && !found.iter().any(|(_, f)| *f == id) {
                    found.push((rel, id));
                }
            }
            Ok(())
        };
        if let (false, Some(birth)) = (child_key.is_empty(), birth) {
            ids(
                Relation::SameChild,
                "SELECT id FROM cases WHERE child_key = ?1 AND birth = ?2",
                vec![child_key, birth],
            )?;
        }
        if let Some(family) = family.filter(|f| !f.is_empty()) {
            ids(
                Relation::SameAddress,
                "SELECT id FROM cases WHERE family = ?1",
                vec![family],
            )?;
        }
        for parent in parents.split("; ") {
            let mut words = name_words(parent);
            words.sort();
            words.dedup();
            // A surname alone names too many families.
            if words.len() < 2 {
                continue;
            }
            let marks: Vec<String> = (1..=words.len()).map(|i| format!("?{i}")).collect();
            let k = words.len();
            let mut params = words;
            params.push(k.to_string());
            ids(
                Relation::SameParent,
                &format!(
                    "SELECT n.case_row FROM names n JOIN words w ON w.id = n.word \
                     WHERE n.who = 1 AND w.word IN ({}) GROUP BY n.case_row \
                     HAVING COUNT(DISTINCT w.word) = CAST(?{} AS INTEGER)",
                    marks.join(", "),
                    k + 1
                ),
                params,
            )?;
        }
        let mut out = Vec::new();
        let mut st = self
            .conn()
            .prepare("SELECT case_id, territory, child, level, bagged FROM cases WHERE id = ?1")
            .map_err(self.sql())?;
        for (relation, id) in found {
            let (case_id, territory, child, level, bagged): Found = st
                .query_row([id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .map_err(self.sql())?;
            let seen = scope.sees(territory.as_deref());
            out.push(if seen {
                Related {
                    relation,
                    seen,
                    case_id,
                    territory,
                    child,
                    level,
                    bagged: super::store::date(bagged),
                }
            } else {
                Related {
                    relation,
                    seen,
                    case_id: String::new(),
                    territory,
                    child: String::new(),
                    level: None,
                    bagged: None,
                }
            });
        }
        out.sort_by(|a, b| (a.relation, &a.case_id).cmp(&(b.relation, &b.case_id)));
        Ok(out)
    }
}
