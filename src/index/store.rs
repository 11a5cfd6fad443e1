//! The index file itself: opening (and migrating) it, who sees what (`Scope`), writing a
//! case version's row and reading it back. The queries of the pages are in the sibling files.

use super::known::{self, Candidate};
use super::row::{DueRow, QuarterFacts, Row, STATES, Who, monitorings_of, monitorings_text};
use super::schema::{self, SCHEMA_VERSION};
use super::territory;
use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The index file's name in the archive folder.
pub const FILE: &str = ".okno-index.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("указатель архива {}: {source}", .path.display())]
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "указатель архива {} создан более новой версией okno (схема {found}, эта версия знает до {SCHEMA_VERSION}); пересоздайте его: okno index --archive АРХИВ",
        .path.display()
    )]
    Newer { path: PathBuf, found: i64 },
    /// Not there, or made by an older okno (the next writer brings it up to date).
    #[error(
        "указатель архива {} еще не создан или не обновлен для этой версии okno (обновится при следующем сохранении в архив или запуске страницы; сразу — okno index --archive АРХИВ)",
        .0.display()
    )]
    Missing(PathBuf),
}

pub type Result<T> = std::result::Result<T, Error>;

/// Which territories a reader may see: all, or only these codes (a user limited to
/// territories, `okno user add … --territory`). Every query of a list, a search, a case or the
/// deadlines takes one; a case without a territory is seen only by `All`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    All,
    Only(Vec<String>),
}

impl Scope {
    /// Whether a case of `territory` (its code) is seen.
    pub fn sees(&self, territory: Option<&str>) -> bool {
        match self {
            Scope::All => true,
            Scope::Only(codes) => territory.is_some_and(|t| codes.iter().any(|c| c == t)),
        }
    }

    /// The condition on `cases.territory` (`column` names it in the query) with its
    /// parameters, numbered from `first`: `("1 = 1", [])` for `All`.
    pub fn sql(&self, column: &str, first: usize) -> (String, Vec<String>) {
        match self {
            Scope::All => ("1 = 1".into(), Vec::new()),
            Scope::Only(codes) if codes.is_empty() => ("1 = 0".into(), Vec::new()),
            Scope::Only(codes) => {
                let marks: Vec<String> = (0..codes.len())
                    .map(|i| format!("?{}", first + i))
                    .collect();
                (format!("{column} IN ({})", marks.join(", ")), codes.clone())
            }
        }
    }
}

/// An open index.
pub struct Index {
    conn: Connection,
    path: PathBuf,
}

/// A date as the index stores it: ISO text, which sorts and compares as the date does.
fn iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// Reads an ISO date column.
pub(crate) fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

impl Index {
    pub(super) fn sql(&self) -> impl FnOnce(rusqlite::Error) -> Error + '_ {
        |source| Error::Sql {
            path: self.path.clone(),
            source,
        }
    }

    /// Opens the index of the archive at `root` for writing, creating or migrating it. Only a
    /// holder of the archive's lock writes it.
    pub fn open(root: &Path) -> Result<Index> {
        let path = root.join(FILE);
        let sql = |source| Error::Sql {
            path: path.clone(),
            source,
        };
        let conn = Connection::open(&path).map_err(sql)?;
        // WAL: readers (the page) never wait for a writer; NORMAL: a commit survives a killed
        // process (what is lost to a power cut, the next start catches up from the bags).
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        )
        .map_err(sql)?;
        let mut index = Index { conn, path };
        schema::migrate(&mut index.conn).map_err(|e| match e {
            schema::Failed::Sql(source) => Error::Sql {
                path: index.path.clone(),
                source,
            },
            schema::Failed::Newer(found) => Error::Newer {
                path: index.path.clone(),
                found,
            },
        })?;
        Ok(index)
    }

    /// Opens an existing index for reading only (the page, the reports).
    pub fn open_read(root: &Path) -> Result<Index> {
        let path = root.join(FILE);
        if !path.is_file() {
            return Err(Error::Missing(path));
        }
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| Error::Sql {
            path: path.clone(),
            source,
        })?;
        let index = Index { conn, path };
        index
            .conn
            .execute_batch("PRAGMA busy_timeout=10000;")
            .map_err(index.sql())?;
        let found = schema::version(&index.conn).map_err(index.sql())?;
        if found > SCHEMA_VERSION {
            return Err(Error::Newer {
                path: index.path,
                found,
            });
        }
        if found < SCHEMA_VERSION {
            // An older file is migrated by the next writer; until then it is read as missing.
            return Err(Error::Missing(index.path));
        }
        Ok(index)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for the queries of this module's other files.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Puts one case version in, in one transaction: its version row, and — when it is the
    /// newest the index has of the case — the case's row, names and pending deadlines.
    pub fn put(&mut self, row: &Row) -> Result<()> {
        self.put_all(std::slice::from_ref(row))
    }

    /// Puts many versions in one transaction (a rebuild, a catch-up).
    pub fn put_all(&mut self, rows: &[Row]) -> Result<()> {
        let path = self.path.clone();
        let sql = |source| Error::Sql {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        for row in rows {
            put_row(&tx, row).map_err(sql)?;
        }
        tx.execute(
            "UPDATE meta SET value = value + 1 WHERE name = 'generation'",
            [],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// Case ID → the newest version the index holds.
    pub fn indexed(&self) -> Result<HashMap<String, u32>> {
        let mut st = self
            .conn
            .prepare("SELECT case_id, version FROM cases")
            .map_err(self.sql())?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
            .map_err(self.sql())?;
        rows.collect::<rusqlite::Result<_>>().map_err(self.sql())
    }

    /// Case ID → every version the index holds, ascending.
    pub fn indexed_versions(&self) -> Result<HashMap<String, Vec<u32>>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT c.case_id, v.version FROM versions v JOIN cases c ON c.id = v.case_row \
                 ORDER BY c.case_id, v.version",
            )
            .map_err(self.sql())?;
        let mut out: HashMap<String, Vec<u32>> = HashMap::new();
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
            .map_err(self.sql())?;
        for r in rows {
            let (id, v) = r.map_err(self.sql())?;
            out.entry(id).or_default().push(v);
        }
        Ok(out)
    }

    /// Forgets cases whose folders are gone (someone deleted them by hand).
    pub fn remove(&mut self, case_ids: &[String]) -> Result<()> {
        let path = self.path.clone();
        let sql = |source| Error::Sql {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        for id in case_ids {
            let row: Option<i64> = tx
                .query_row("SELECT id FROM cases WHERE case_id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(sql)?;
            if let Some(row) = row {
                clear_case(&tx, row).map_err(sql)?;
                tx.execute("DELETE FROM versions WHERE case_row = ?1", [row])
                    .map_err(sql)?;
                tx.execute("DELETE FROM cases WHERE id = ?1", [row])
                    .map_err(sql)?;
            }
        }
        tx.execute(
            "UPDATE meta SET value = value + 1 WHERE name = 'generation'",
            [],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// Empties the index (before a rebuild), keeping its schema.
    pub fn clear(&mut self) -> Result<()> {
        self.conn
            .execute_batch(
                "BEGIN; DELETE FROM names; DELETE FROM words; DELETE FROM dues; DELETE FROM texts; \
                 DELETE FROM known_keys; \
                 DELETE FROM versions; DELETE FROM cases; \
                 UPDATE meta SET value = value + 1 WHERE name = 'generation'; COMMIT;",
            )
            .map_err(self.sql())
    }

    /// A number that changes with every write: what a cache of the archive's figures keys on.
    pub fn generation(&self) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE name = 'generation'",
                [],
                |r| r.get(0),
            )
            .map_err(self.sql())
    }

    /// The territory code of an indexed case: `None` when the index has no such case,
    /// `Some(None)` for a case without a territory.
    pub fn territory(&self, case_id: &str) -> Result<Option<Option<String>>> {
        territory::territory(self.conn(), case_id).map_err(self.sql())
    }

    /// The IDs of the cases `scope` sees, sorted.
    pub fn cases_seen(&self, scope: &Scope) -> Result<Vec<String>> {
        let (condition, params) = scope.sql("territory", 1);
        territory::cases_seen(self.conn(), &condition, &params).map_err(self.sql())
    }

    /// The number of cases.
    pub fn count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT COUNT(*) FROM cases", [], |r| r.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
            .map_err(self.sql())
    }

    /// The row the index holds of a case's newest version, as `put` was given it.
    pub fn row(&self, case_id: &str) -> Result<Option<Row>> {
        let found = self
            .conn
            .query_row(
                "SELECT id, case_id, version, bagged, territory, child, child_key, birth, parents, \
                 level, state, agency, agency_kind, curator, received, sent, opened, ended, family, \
                 plan_from, sw_level, concluded, monitor_due, monitorings, late_steps, sent_late \
                 FROM cases WHERE case_id = ?1",
                [case_id],
                |r| {
                    let state: String = r.get(10)?;
                    Ok((
                        r.get::<_, i64>(0)?,
                        Row {
                            case_id: r.get(1)?,
                            version: r.get(2)?,
                            bagged: date(r.get(3)?).unwrap_or_default(),
                            territory: r.get(4)?,
                            child: r.get(5)?,
                            child_key: r.get(6)?,
                            birth: date(r.get(7)?),
                            parents: r.get(8)?,
                            words: Vec::new(),
                            level: r.get(9)?,
                            state: STATES.iter().find(|s| **s == state).copied().unwrap_or(""),
                            agency: r.get(11)?,
                            agency_kind: r.get(12)?,
                            curator: r.get(13)?,
                            received: date(r.get(14)?),
                            sent: date(r.get(15)?),
                            opened: date(r.get(16)?),
                            ended: date(r.get(17)?),
                            family: r.get(18)?,
                            dues: Vec::new(),
                            facts: QuarterFacts {
                                plan_from: date(r.get(19)?),
                                sw_level: r.get(20)?,
                                concluded: r.get(21)?,
                                monitor_due: date(r.get(22)?),
                                monitorings: monitorings_of(r.get::<_, Option<String>>(23)?.as_deref()),
                                late_steps: r.get(24)?,
                                sent_late: r.get(25)?,
                            },
                        },
                    ))
                },
            )
            .optional()
            .map_err(self.sql())?;
        let Some((id, mut row)) = found else {
            return Ok(None);
        };
        let mut st = self
            .conn
            .prepare(
                "SELECT w.word, n.who FROM names n JOIN words w ON w.id = n.word \
                 WHERE n.case_row = ?1 ORDER BY w.word, n.who",
            )
            .map_err(self.sql())?;
        row.words = st
            .query_map([id], |r| {
                let who: i64 = r.get(1)?;
                Ok((
                    r.get::<_, String>(0)?,
                    if who == 0 { Who::Child } else { Who::Parent },
                ))
            })
            .map_err(self.sql())?
            .collect::<rusqlite::Result<_>>()
            .map_err(self.sql())?;
        let mut st = self
            .conn
            .prepare(
                "SELECT d.rule, w.text, c.text, d.due, d.while_active, d.watched FROM dues d \
                 JOIN texts w ON w.id = d.what JOIN texts c ON c.id = d.counted \
                 WHERE d.case_row = ?1 \
                 ORDER BY d.rowid",
            )
            .map_err(self.sql())?;
        row.dues = st
            .query_map([id], |r| {
                Ok(DueRow {
                    rule: r.get(0)?,
                    what: r.get(1)?,
                    from: r.get(2)?,
                    due: date(r.get(3)?).unwrap_or_default(),
                    while_active: r.get(4)?,
                    watched: r.get(5)?,
                })
            })
            .map_err(self.sql())?
            .collect::<rusqlite::Result<_>>()
            .map_err(self.sql())?;
        Ok(Some(row))
    }

    /// Whether the index holds exactly `row` as its case's newest version.
    pub fn agrees(&self, row: &Row) -> Result<bool> {
        Ok(self.row(&row.case_id)?.as_ref() == Some(row))
    }

    /// I-KNOWN's candidates for a child (`known_matches` compares their names).
    pub fn known_candidates(&self, name: &str, birth: NaiveDate) -> Result<Vec<Candidate>> {
        known::candidates(self.conn(), name, birth).map_err(self.sql())
    }

    /// Compacts the file after a rebuild.
    pub fn vacuum(&self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")
            .map_err(self.sql())
    }
}

/// Removes a case's names, deadlines and I-KNOWN keys (its row is then rewritten or
/// removed): the keys are computed again from the name and birth date its row still holds.
fn clear_case(tx: &rusqlite::Transaction, case_row: i64) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM names WHERE case_row = ?1", [case_row])?;
    tx.execute("DELETE FROM dues WHERE case_row = ?1", [case_row])?;
    let (child, birth): (String, Option<String>) = tx.query_row(
        "SELECT child, birth FROM cases WHERE id = ?1",
        [case_row],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    known::remove_keys(tx, case_row, &child, date(birth))
}

fn put_row(tx: &rusqlite::Transaction, row: &Row) -> rusqlite::Result<()> {
    let existing: Option<(i64, u32)> = tx
        .query_row(
            "SELECT id, version FROM cases WHERE case_id = ?1",
            [&row.case_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let newest = existing.is_none_or(|(_, v)| row.version >= v);
    let case_row = if newest {
        // Before the row changes: the old keys are computed from it.
        if let Some((id, _)) = existing {
            clear_case(tx, id)?;
        }
        tx.execute(
            "INSERT INTO cases (case_id, version, bagged, territory, child, child_key, birth, \
             parents, level, state, agency, agency_kind, curator, received, sent, opened, ended, \
             family, plan_from, sw_level, concluded, monitor_due, monitorings, late_steps, \
             sent_late) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, \
             ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25) \
             ON CONFLICT (case_id) DO UPDATE SET version = excluded.version, \
             bagged = excluded.bagged, territory = excluded.territory, child = excluded.child, \
             child_key = excluded.child_key, birth = excluded.birth, parents = excluded.parents, \
             level = excluded.level, state = excluded.state, agency = excluded.agency, \
             agency_kind = excluded.agency_kind, curator = excluded.curator, \
             received = excluded.received, sent = excluded.sent, opened = excluded.opened, \
             ended = excluded.ended, family = excluded.family, plan_from = excluded.plan_from, \
             sw_level = excluded.sw_level, concluded = excluded.concluded, \
             monitor_due = excluded.monitor_due, monitorings = excluded.monitorings, \
             late_steps = excluded.late_steps, sent_late = excluded.sent_late",
            params![
                row.case_id,
                row.version,
                iso(Some(row.bagged)),
                row.territory,
                row.child,
                row.child_key,
                iso(row.birth),
                row.parents,
                row.level,
                row.state,
                row.agency,
                row.agency_kind,
                row.curator,
                iso(row.received),
                iso(row.sent),
                iso(row.opened),
                iso(row.ended),
                row.family,
                iso(row.facts.plan_from),
                row.facts.sw_level,
                row.facts.concluded,
                iso(row.facts.monitor_due),
                monitorings_text(&row.facts.monitorings),
                row.facts.late_steps,
                row.facts.sent_late,
            ],
        )?;
        let id: i64 = tx.query_row(
            "SELECT id FROM cases WHERE case_id = ?1",
            [&row.case_id],
            |r| r.get(0),
        )?;
        for (word, who) in &row.words {
            tx.execute(
                "INSERT INTO words (word) VALUES (?1) ON CONFLICT (word) DO NOTHING",
                [word],
            )?;
            tx.execute(
                "INSERT INTO names (word, case_row, who) \
                 SELECT id, ?2, ?3 FROM words WHERE word = ?1",
                params![word, id, *who as i64],
            )?;
        }
        known::put_keys(tx, id, &row.child, row.birth)?;
        for d in &row.dues {
            // The texts repeat across cases: each is stored once.
            for text in [&d.what, &d.from] {
                tx.execute(
                    "INSERT INTO texts (text) VALUES (?1) ON CONFLICT (text) DO NOTHING",
                    [text],
                )?;
            }
            tx.execute(
                "INSERT INTO dues (case_row, rule, what, counted, due, while_active, watched) \
                 SELECT ?1, ?2, w.id, c.id, ?5, ?6, ?7 FROM texts w, texts c \
                 WHERE w.text = ?3 AND c.text = ?4",
                params![
                    id,
                    d.rule,
                    d.what,
                    d.from,
                    iso(Some(d.due)),
                    d.while_active,
                    d.watched
                ],
            )?;
        }
        id
    } else {
        existing.map(|(id, _)| id).unwrap_or_default()
    };
    tx.execute(
        "INSERT INTO versions (case_row, version, bagged, level, state) \
         VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (case_row, version) DO UPDATE SET bagged = excluded.bagged, \
         level = excluded.level, state = excluded.state",
        params![
            case_row,
            row.version,
            iso(Some(row.bagged)),
            row.level,
            row.state
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Case;

    fn case(id: &str, child: &str, birth: &str) -> Case {
        serde_json::from_value(serde_json::json!({
            "case_id": id,
            "family": {
                "children": [{"name": child, "birth_date": birth}],
                "legal_representatives": [{"name": "Петрова Анна Сергеевна"}],
                "address_actual": "г. Бердск, ул. Лесная, д. 1"
            },
            "notification": {"child": 0, "agency": "МБОУ СОШ № 1", "date_sent": "2026-10-01"}
        }))
        .expect("case")
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_put_row_reads_back_as_given_and_a_newer_version_replaces_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut ix = Index::open(dir.path()).expect("open");
        let v1 = Row::of(
            &case("nsk-1", "Петров Иван Олегович", "2015-03-04"),
            1,
            day("2026-10-02"),
        );
        ix.put(&v1).expect("put");
        assert_eq!(ix.row("nsk-1").expect("row"), Some(v1.clone()));
        let keys = |ix: &Index| -> i64 {
            ix.conn()
                .query_row("SELECT COUNT(*) FROM known_keys", [], |r| r.get(0))
                .expect("count")
        };
        // I-KNOWN's keys: the birth date with the name less each of its 3 words, and whole.
        assert_eq!(keys(&ix), 4);
        assert!(
            v1.words
                .iter()
                .any(|(w, who)| w == "петров" && *who == Who::Child)
        );
        assert!(
            v1.words
                .iter()
                .any(|(w, who)| w == "анна" && *who == Who::Parent)
        );
        let v2 = Row::of(
            &case("nsk-1", "Петров Иван Олегович", "2015-04-03"),
            2,
            day("2026-10-05"),
        );
        ix.put(&v2).expect("put");
        // An older version put in later (a catch-up) adds its version, not its facts.
        ix.put(&v1).expect("put");
        assert_eq!(ix.row("nsk-1").expect("row"), Some(v2.clone()));
        assert!(ix.agrees(&v2).expect("agrees"));
        assert!(!ix.agrees(&v1).expect("agrees"));
        assert_eq!(ix.indexed_versions().expect("v")["nsk-1"], vec![1, 2]);
        // The old birth date's keys went with the old row (else 8); the new ones find it.
        assert_eq!(keys(&ix), 4);
        assert_eq!(
            ix.known_candidates("Петров Иван Олегович", day("2015-04-03"))
                .expect("c")
                .len(),
            1
        );
        let before = ix.generation().expect("g");
        ix.remove(&["nsk-1".into()]).expect("remove");
        assert_eq!(ix.row("nsk-1").expect("row"), None);
        assert_eq!(keys(&ix), 0);
        assert!(ix.generation().expect("g") > before);
    }

    #[test]
    fn a_version_1_file_is_migrated_and_keeps_its_rows() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join(FILE);
        {
            let mut conn = Connection::open(&path).expect("open");
            schema::migrate_to(&mut conn, 1).ok().expect("v1");
            conn.execute(
                "INSERT INTO cases (case_id, version, bagged, child, child_key, parents, state) \
                 VALUES ('nsk-7', 3, '2026-01-02', 'Сидорова Мария', 'сидорова мария', '', 'open')",
                [],
            )
            .expect("row");
        }
        // A reader does not migrate: an old file reads as missing until a writer opens it.
        assert!(matches!(
            Index::open_read(dir.path()),
            Err(Error::Missing(_))
        ));
        let ix = Index::open(dir.path()).expect("migrated");
        assert_eq!(schema::version(ix.conn()).expect("v"), SCHEMA_VERSION);
        let row = ix.row("nsk-7").expect("row").expect("kept");
        assert_eq!(
            (row.version, row.child.as_str(), row.family),
            (3, "Сидорова Мария", None)
        );
        assert!(Index::open_read(dir.path()).is_ok());
    }

    #[test]
    fn a_version_4_file_forgets_its_versions_so_the_catch_up_puts_the_quarter_facts_in() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join(FILE);
        {
            let mut conn = Connection::open(&path).expect("open");
            schema::migrate_to(&mut conn, 4).ok().expect("v4");
            conn.execute_batch(
                "INSERT INTO cases (id, case_id, version, bagged, child, child_key, parents, state) \
                 VALUES (1, 'nsk-1', 1, '2026-10-02', 'Петров Иван Олегович', 'k', '', 'open'); \
                 INSERT INTO versions (case_row, version, bagged, state) \
                 VALUES (1, 1, '2026-10-02', 'open');",
            )
            .expect("rows");
        }
        let mut ix = Index::open(dir.path()).expect("migrated");
        assert_eq!(schema::version(ix.conn()).expect("v"), SCHEMA_VERSION);
        // Kept, without facts; no version counted as indexed, so a catch-up reads them all.
        let kept = ix.row("nsk-1").expect("row").expect("kept");
        assert_eq!(kept.facts, QuarterFacts::default());
        assert!(ix.indexed_versions().expect("v").is_empty());
        let mut c = case("nsk-1", "Петров Иван Олегович", "2015-03-04");
        c.monitoring = serde_json::from_value(serde_json::json!([
            {"date": "2026-11-02"}, {}, {"date": "2026-12-20"}
        ]))
        .expect("monitorings");
        let row = Row::of(&c, 1, day("2026-10-02"));
        assert_eq!(
            row.facts.monitorings,
            vec![Some(day("2026-11-02")), None, Some(day("2026-12-20"))]
        );
        ix.put(&row).expect("put");
        assert_eq!(ix.row("nsk-1").expect("row"), Some(row));
        assert_eq!(ix.indexed_versions().expect("v")["nsk-1"], vec![1]);
    }

    #[test]
    fn a_file_of_a_newer_okno_is_refused_not_changed() {
        let dir = tempfile::tempdir().expect("tmp");
        {
            let ix = Index::open(dir.path()).expect("open");
            ix.conn()
                .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .expect("bump");
        }
        let e = Index::open(dir.path()).err().expect("refused");
        assert!(matches!(e, Error::Newer { found, .. } if found == SCHEMA_VERSION + 1));
        assert!(e.to_string().contains("okno index --archive"), "{e}");
    }
}
