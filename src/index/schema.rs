//! The index's schema and its migrations. `PRAGMA user_version` holds the version; each step
//! takes the file from one version to the next in one transaction, so an older okno's index
//! is brought up to date where it stands (and anything derived can always be rebuilt from the
//! bags with `okno index`).

use rusqlite::Connection;

/// The schema this okno writes and reads.
pub const SCHEMA_VERSION: i64 = 5;

/// The steps, in order: `STEPS[n]` takes version n to n + 1.
const STEPS: &[&str] = &[
    // 1: cases, their versions, name words and pending deadlines.
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
     INSERT INTO meta (name, value) VALUES ('generation', 0);
     CREATE TABLE cases (
         id INTEGER PRIMARY KEY,
         case_id TEXT NOT NULL UNIQUE,
         version INTEGER NOT NULL,
         bagged TEXT NOT NULL,
         territory TEXT,
         child TEXT NOT NULL,
         child_key TEXT NOT NULL,
         birth TEXT,
         parents TEXT NOT NULL,
         level TEXT,
         state TEXT NOT NULL,
         agency TEXT,
         agency_kind TEXT,
         curator TEXT,
         received TEXT,
         sent TEXT,
         opened TEXT,
         ended TEXT);
     CREATE INDEX cases_child ON cases (child_key, birth);
     CREATE INDEX cases_birth ON cases (birth);
     CREATE INDEX cases_territory ON cases (territory, case_id);
     CREATE TABLE versions (
         case_row INTEGER NOT NULL,
         version INTEGER NOT NULL,
         bagged TEXT NOT NULL,
         level TEXT,
         state TEXT NOT NULL,
         PRIMARY KEY (case_row, version));
     CREATE TABLE words (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE);
     CREATE TABLE names (
         word INTEGER NOT NULL,
         case_row INTEGER NOT NULL,
         who INTEGER NOT NULL,
         PRIMARY KEY (word, case_row, who)) WITHOUT ROWID;
     CREATE INDEX names_case ON names (case_row);
     CREATE TABLE texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
     CREATE TABLE dues (
         case_row INTEGER NOT NULL,
         rule TEXT NOT NULL,
         what INTEGER NOT NULL,
         counted INTEGER NOT NULL,
         due TEXT NOT NULL,
         while_active INTEGER NOT NULL);
     CREATE INDEX dues_due ON dues (due);
     CREATE INDEX dues_case ON dues (case_row);",
    // 2: the family's key (a digest of its folded address), to name the cases of one family
    // (related cases). Rows written before it have none until their case's next version or
    // a rebuild.
    "ALTER TABLE cases ADD COLUMN family TEXT;
     CREATE INDEX cases_family ON cases (family);",
    // 3: the deadlines page's watched dues (`validate::watched`: plan ends, a notification
    // counted from the date sent). Rows written before lack them: forgetting which versions
    // are indexed makes the next writer's catch-up read every version from the bags again.
    "DELETE FROM versions;
     UPDATE meta SET value = value + 1 WHERE name = 'generation';",
    // 4: I-KNOWN's keys (`known.rs`): a child by birth date and name less one word, or whole;
    // the cases already in the file get theirs as the step runs.
    "CREATE TABLE known_keys (
         key BIGINT NOT NULL,
         case_row INTEGER NOT NULL,
         PRIMARY KEY (key, case_row)) WITHOUT ROWID;
     CREATE INDEX known_keys_case ON known_keys (case_row);",
    // 5: the quarter's facts (`QuarterFacts`), so the quarter page counts from the index, and
    // which dues are only watched. Room for them is made where the file had it to spare:
    // `versions` keyed by its primary key alone (no rowid beside it), and no index of
    // `known_keys` by case (a case's keys are computed again from its name and birth date
    // to remove them). Forgetting the versions makes the next writer's catch-up put every
    // version in again, with its facts.
    "ALTER TABLE cases ADD COLUMN plan_from TEXT;
     ALTER TABLE cases ADD COLUMN sw_level TEXT;
     ALTER TABLE cases ADD COLUMN concluded INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE cases ADD COLUMN monitor_due TEXT;
     ALTER TABLE cases ADD COLUMN monitorings TEXT;
     ALTER TABLE cases ADD COLUMN late_steps INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE cases ADD COLUMN sent_late INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE dues ADD COLUMN watched INTEGER NOT NULL DEFAULT 0;
     DROP INDEX known_keys_case;
     DROP TABLE versions;
     CREATE TABLE versions (
         case_row INTEGER NOT NULL,
         version INTEGER NOT NULL,
         bagged TEXT NOT NULL,
         level TEXT,
         state TEXT NOT NULL,
         PRIMARY KEY (case_row, version)) WITHOUT ROWID;
     UPDATE meta SET value = value + 1 WHERE name = 'generation';",
];

pub(super) enum Failed {
    Sql(rusqlite::Error),
    /// Made by a newer okno: this one does not know its schema.
    Newer(i64),
}

impl From<rusqlite::Error> for Failed {
    fn from(e: rusqlite::Error) -> Failed {
        Failed::Sql(e)
    }
}

pub(super) fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the file to `SCHEMA_VERSION`, step by step.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), Failed> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Brings the file to `target` (the tests stop at older versions).
pub(super) fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), Failed> {
    let found = version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(Failed::Newer(found));
    }
    for step in found..target {
        let tx = conn.transaction()?;
        tx.execute_batch(STEPS[step as usize])?;
        if step == 3 {
            super::known::fill(&tx)?;
        }
        tx.pragma_update(None, "user_version", step + 1)?;
        tx.commit()?;
    }
    Ok(())
}
