//! Who sees whom: which cases a reader's territories let through (`Index::territory`,
//! `Index::cases_seen` call these). The page asks here before it shows, sends or counts a case.

use rusqlite::{Connection, OptionalExtension};

/// The territory code of an indexed case: `None` when the index has no such case,
/// `Some(None)` for a case without a territory.
pub(super) fn territory(
    conn: &Connection,
    case_id: &str,
) -> rusqlite::Result<Option<Option<String>>> {
    conn.query_row(
        "SELECT territory FROM cases WHERE case_id = ?1",
        [case_id],
        |r| r.get::<_, Option<String>>(0),
    )
    .optional()
}

/// The IDs of the cases that pass `condition` (a scope's, on the column `territory`, with
/// its parameters), sorted.
pub(super) fn cases_seen(
    conn: &Connection,
    condition: &str,
    params: &[String],
) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT case_id FROM cases WHERE {condition} ORDER BY case_id"
    ))?;
    stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
        r.get::<_, String>(0)
    })?
    .collect()
}

#[cfg(test)]
mod tests {
    use crate::index::{Index, Row, Scope};

    #[test]
    fn a_scope_sees_its_territories_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = Index::open(dir.path()).unwrap();
        let case = |id: &str, t: Option<&str>| {
            let mut c = crate::model::Case {
                case_id: id.into(),
                ..Default::default()
            };
            c.territory = t.and_then(crate::model::Territory::parse);
            Row::of(&c, 1, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
        };
        index.put(&case("A", Some("berdsk"))).unwrap();
        index.put(&case("B", Some("iskitim"))).unwrap();
        index.put(&case("C", None)).unwrap();
        let only = |codes: &[&str]| Scope::Only(codes.iter().map(|c| c.to_string()).collect());
        assert_eq!(index.cases_seen(&Scope::All).unwrap(), ["A", "B", "C"]);
        assert_eq!(index.cases_seen(&only(&["berdsk"])).unwrap(), ["A"]);
        assert_eq!(
            index.cases_seen(&only(&["berdsk", "iskitim"])).unwrap(),
            ["A", "B"]
        );
        assert!(index.cases_seen(&only(&[])).unwrap().is_empty());
        assert_eq!(
            index.territory("A").unwrap(),
            Some(Some("berdsk".to_string()))
        );
        assert_eq!(index.territory("C").unwrap(), Some(None));
        assert_eq!(index.territory("Z").unwrap(), None);
    }
}
