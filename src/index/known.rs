//! I-KNOWN: the notified child the archive already holds under another case ID. Candidates
//! come from the index by birth date (the date and, when it is a date too, the date with day
//! and month swapped: `cases_birth`), so a lookup reads a dozen rows whatever the archive's
//! size; the names are compared here: the same folded name is the same child, one of the
//! mistakes the search forgives (a letter missing, doubled, replaced or swapped; a given-name
//! variant; day and month swapped) may be. The secretary's decisions about a pair (linked,
//! different children) are read from `.okno-known.jsonl` beside the index, so a pair decided
//! is not asked about again.

use crate::catalog::NameVariants;
use crate::diagnostic::Diagnostic;
use crate::text::{fold, within_one_edit};
use crate::validate::case_id_fold;
use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The decisions file's name in the archive folder.
pub const DECISIONS_FILE: &str = ".okno-known.jsonl";

/// How many cases a message names; the rest are counted.
const NAMED: usize = 3;

/// Why an archived child may be the notified one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Likeness {
    /// The same folded name and birth date.
    Same,
    SurnameTypo,
    GivenTypo,
    PatronymicTypo,
    GivenVariant,
    BirthSwapped,
}

impl Likeness {
    /// In the message's words.
    pub fn ru(self) -> &'static str {
        match self {
            Likeness::Same => "ФИО и дата рождения совпадают",
            Likeness::SurnameTypo => "фамилия с опечаткой",
            Likeness::GivenTypo => "имя с опечаткой",
            Likeness::PatronymicTypo => "отчество с опечаткой",
            Likeness::GivenVariant => "вариант имени",
            Likeness::BirthSwapped => "день и месяц даты рождения переставлены",
        }
    }
}

/// A secretary's decision about a pair of cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The same child: the notification belongs with the known case.
    Link,
    /// Different children: not reported again.
    Different,
}

/// An archived case whose child is, or may be, the notified one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    pub case_id: String,
    pub likeness: Likeness,
    /// Territory code of the known case.
    pub territory: Option<String>,
    /// Whether the reader's scope sees the known case: if not, only its territory is named.
    pub visible: bool,
    /// The pair was linked by a secretary (it is reported as linked, and not asked again).
    pub linked: bool,
    /// Risk level code, curator and the date of the newest version (only when visible).
    pub level: Option<String>,
    pub curator: Option<String>,
    pub bagged: Option<NaiveDate>,
}

/// The notified child as the lookup compares it.
pub struct Child<'a> {
    pub case_id: &'a str,
    /// The name as written (surname, given name, patronymic).
    pub name: &'a str,
    pub birth: NaiveDate,
}

/// An archived case as I-KNOWN compares it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub case_id: String,
    pub child: String,
    pub birth: Option<NaiveDate>,
    pub territory: Option<String>,
    pub level: Option<String>,
    pub curator: Option<String>,
    pub bagged: Option<NaiveDate>,
}

fn day(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

/// A key of `known_keys`: the birth date and the name's words with word `masked` left out
/// (None: the whole name), as 64 bits of SHA-256 — compact, the same on every platform; a
/// collision only adds a candidate, whose name is compared anyway.
fn key(birth: NaiveDate, words: &[String], masked: Option<usize>) -> i64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(birth.format("%Y-%m-%d").to_string().as_bytes());
    for (i, w) in words.iter().enumerate() {
        h.update([0]);
        if Some(i) != masked {
            h.update(w.as_bytes());
        }
    }
    let d = h.finalize();
    let mut k = [0; 8];
    k.copy_from_slice(&d[..8]);
    i64::from_le_bytes(k)
}

/// The keys an archived child is found by: its birth date with its name less one word (a
/// mistake in that word), and with its whole name (the date with day and month swapped).
fn keys(child: &str, birth: NaiveDate) -> Vec<i64> {
    let words = name_parts(child);
    if words.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<i64> = (0..words.len())
        .map(|i| key(birth, &words, Some(i)))
        .collect();
    out.push(key(birth, &words, None));
    out
}

/// Writes a case's keys (its old ones are gone: `clear_case`).
pub(super) fn put_keys(
    conn: &Connection,
    case_row: i64,
    child: &str,
    birth: Option<NaiveDate>,
) -> rusqlite::Result<()> {
    each_key(
        conn,
        "INSERT INTO known_keys (key, case_row) VALUES (?1, ?2) \
         ON CONFLICT (key, case_row) DO NOTHING",
        case_row,
        child,
        birth,
    )
}

/// Removes the keys `put_keys` wrote for this child (the file keeps no index of them by
/// case: they are computed again).
pub(super) fn remove_keys(
    conn: &Connection,
    case_row: i64,
    child: &str,
    birth: Option<NaiveDate>,
) -> rusqlite::Result<()> {
    each_key(
        conn,
        "DELETE FROM known_keys WHERE key = ?1 AND case_row = ?2",
        case_row,
        child,
        birth,
    )
}

/// Runs `sql` (`?1` a key, `?2` the case's row) for each of a child's keys.
fn each_key(
    conn: &Connection,
    sql: &str,
    case_row: i64,
    child: &str,
    birth: Option<NaiveDate>,
) -> rusqlite::Result<()> {
    let Some(birth) = birth else { return Ok(()) };
    let mut st = conn.prepare_cached(sql)?;
    for k in keys(child, birth) {
        st.execute([k, case_row])?;
    }
    Ok(())
}

/// The keys of every case already in the index (the migration that adds them).
pub(super) fn fill(conn: &Connection) -> rusqlite::Result<()> {
    let rows: Vec<(i64, String, Option<String>)> = conn
        .prepare("SELECT id, child, birth FROM cases")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, child, birth) in rows {
        put_keys(conn, id, &child, day(birth))?;
    }
    Ok(())
}

/// The cases whose child may be the one named, born on `birth`: the same birth date and at
/// most one word of the name different, or the same name and the date with day and month
/// swapped — through `known_keys`, a few rows whatever the archive's size.
pub(super) fn candidates(
    conn: &Connection,
    name: &str,
    birth: NaiveDate,
) -> rusqlite::Result<Vec<Candidate>> {
    let words = name_parts(name);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let mut asked: Vec<i64> = (0..words.len())
        .map(|i| key(birth, &words, Some(i)))
        .collect();
    asked.push(key(birth, &words, None));
    if let Some(s) = swap_day_month(birth) {
        asked.push(key(s, &words, None));
    }
    let marks: Vec<String> = (1..=asked.len()).map(|i| format!("?{i}")).collect();
    let mut st = conn.prepare_cached(&format!(
        "SELECT case_id, child, birth, territory, level, curator, bagged FROM cases \
         WHERE id IN (SELECT case_row FROM known_keys WHERE key IN ({}))",
        marks.join(", ")
    ))?;
    let rows = st.query_map(rusqlite::params_from_iter(asked), |r| {
        Ok(Candidate {
            case_id: r.get(0)?,
            child: r.get(1)?,
            birth: day(r.get(2)?),
            territory: r.get(3)?,
            level: r.get(4)?,
            curator: r.get(5)?,
            bagged: day(r.get(6)?),
        })
    })?;
    rows.collect()
}

/// Of the candidates, the archived cases of the same child, and of one that may be it; the
/// child's own case ID (letter case ignored) and pairs decided «different» left out; a case
/// `sees` does not see (its territory) only by its territory. Same children (and linked ones)
/// first, then by the newest version, then by case ID.
pub fn matches(
    child: &Child,
    candidates: Vec<Candidate>,
    decided: &Decisions,
    sees: &dyn Fn(Option<&str>) -> bool,
) -> Vec<Match> {
    let words: Vec<String> = name_parts(child.name);
    if words.is_empty() {
        return Vec::new();
    }
    let own = case_id_fold(child.case_id);
    let variants = NameVariants::builtin();
    let mut out = Vec::new();
    for c in candidates {
        let folded = case_id_fold(&c.case_id);
        if folded == own {
            continue;
        }
        let same_birth = c.birth == Some(child.birth);
        let Some(likeness) = likeness(&words, &name_parts(&c.child), same_birth, variants) else {
            continue;
        };
        let decision = decided.of(&own, &folded);
        if decision == Some(Decision::Different) {
            continue;
        }
        let visible = sees(c.territory.as_deref());
        out.push(Match {
            case_id: if visible { c.case_id } else { String::new() },
            likeness,
            territory: c.territory,
            visible,
            linked: decision == Some(Decision::Link),
            level: c.level.filter(|_| visible),
            curator: c.curator.filter(|_| visible),
            bagged: c.bagged.filter(|_| visible),
        });
    }
    out.sort_by(|a, b| {
        (a.likeness != Likeness::Same && !a.linked)
            .cmp(&(b.likeness != Likeness::Same && !b.linked))
            .then(b.bagged.cmp(&a.bagged))
            .then(a.case_id.cmp(&b.case_id))
    });
    out
}

/// A name's folded words (surname, given name, patronymic…).
fn name_parts(name: &str) -> Vec<String> {
    fold(name)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// The date with day and month swapped, when that is another date.
fn swap_day_month(d: NaiveDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year(), d.day(), d.month()).filter(|s| *s != d)
}

/// How an archived child's name (with the same birth date, or day and month swapped) is like
/// the notified one's: at most one mistake.
fn likeness(
    new: &[String],
    old: &[String],
    same_birth: bool,
    variants: &NameVariants,
) -> Option<Likeness> {
    if new.len() != old.len() {
        return None;
    }
    let differ: Vec<usize> = (0..new.len()).filter(|&i| new[i] != old[i]).collect();
    match (differ.as_slice(), same_birth) {
        ([], true) => Some(Likeness::Same),
        ([], false) => Some(Likeness::BirthSwapped),
        ([i], true) => {
            let (a, b) = (new[*i].as_str(), old[*i].as_str());
            match *i {
                1 if variants.same_name(a, b) => Some(Likeness::GivenVariant),
                _ if !within_one_edit(a, b) => None,
                0 => Some(Likeness::SurnameTypo),
                1 => Some(Likeness::GivenTypo),
                _ => Some(Likeness::PatronymicTypo),
            }
        }
        _ => None,
    }
}

/// The I-KNOWN warnings of a notified child's matches, at its name: one for the same child
/// (the cases named with their level, curator and last version), one for the likely matches,
/// and for cases the reader does not see only their territories.
pub fn diagnostics(row: usize, matches: &[Match]) -> Vec<Diagnostic> {
    let at = format!("/family/children/{row}/name");
    let known = |m: &&Match| m.likeness == Likeness::Same || m.linked;
    let (seen, hidden): (Vec<&Match>, Vec<&Match>) = matches.iter().partition(|m| m.visible);
    let mut out = Vec::new();
    let same: Vec<&Match> = seen.iter().copied().filter(known).collect();
    if !same.is_empty() {
        let named: Vec<String> = same.iter().take(NAMED).map(|m| described(m)).collect();
        out.push(Diagnostic::warning(
            "I-KNOWN",
            at.clone(),
            format!(
                "ребенок уже известен «Единому окну»: {}{}",
                named.join("; "),
                more(same.len())
            ),
        ));
    }
    let likely: Vec<&Match> = seen.iter().copied().filter(|m| !known(m)).collect();
    if !likely.is_empty() {
        let named: Vec<String> = likely
            .iter()
            .take(NAMED)
            .map(|m| format!("{} ({})", m.case_id, m.likeness.ru()))
            .collect();
        let cases = if likely.len() == 1 {
            "случае"
        } else {
            "случаях"
        };
        out.push(Diagnostic::warning(
            "I-KNOWN",
            at.clone(),
            format!(
                "возможно, это тот же ребенок, что в {cases} {}{}: проверьте",
                named.join(", "),
                more(likely.len())
            ),
        ));
    }
    for (same, head) in [(true, "ребенок"), (false, "возможно, этот ребенок")]
    {
        let mut labels: Vec<String> = Vec::new();
        for m in hidden.iter().filter(|m| known(m) == same) {
            let label = territory_label(m.territory.as_deref());
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
        if !labels.is_empty() {
            let tail = if same { "" } else { ": проверьте" };
            out.push(Diagnostic::warning(
                "I-KNOWN",
                at.clone(),
                format!(
                    "{head} известен в другой территории: {}{tail}",
                    labels.join(", ")
                ),
            ));
        }
    }
    out
}

fn more(n: usize) -> String {
    match n.saturating_sub(NAMED) {
        0 => String::new(),
        n => format!(" и еще {n}"),
    }
}

/// «случай NSK-1, уровень риска высокий, куратор …, последняя версия от ДД.ММ.ГГГГ».
fn described(m: &Match) -> String {
    let level = match m.level.as_deref() {
        None => "уровень риска не определен".to_string(),
        Some("none") => "риска нет".to_string(),
        Some(code) => format!(
            "уровень риска {}",
            crate::catalog::catalog()
                .label("risk_level", code)
                .to_lowercase()
        ),
    };
    let curator = match &m.curator {
        Some(c) => format!("куратор {c}"),
        None => "куратор не назначен".into(),
    };
    let mut s = format!("случай {}, {level}, {curator}", m.case_id);
    if let Some(d) = m.bagged {
        s.push_str(&format!(", последняя версия от {}", d.format("%d.%m.%Y")));
    }
    if m.likeness != Likeness::Same {
        s.push_str(&format!(" ({})", m.likeness.ru()));
    }
    if m.linked {
        s.push_str(" — извещение связано с ним решением секретаря");
    }
    s
}

fn territory_label(code: Option<&str>) -> String {
    match code {
        Some(c) => crate::catalog::catalog().label("territory", c).to_string(),
        None => "не указана".into(),
    }
}

/// One line of the decisions file: IDs only.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decided {
    pub time: String,
    pub user: String,
    pub decision: Decision,
    /// [the notification's case, the known case].
    pub cases: [String; 2],
}

/// The decisions made so far, the latest of each pair (either order, letter case ignored).
#[derive(Default)]
pub struct Decisions {
    pairs: HashMap<(String, String), Decision>,
}

fn pair(a: &str, b: &str) -> (String, String) {
    let (a, b) = (case_id_fold(a), case_id_fold(b));
    if a <= b { (a, b) } else { (b, a) }
}

impl Decisions {
    /// Reads the archive's decisions file (none yet: no decisions; a line that does not read —
    /// a write cut short — is skipped: its pair is simply asked about again).
    pub fn read(root: &Path) -> Decisions {
        let mut out = Decisions::default();
        let Ok(text) = std::fs::read_to_string(decisions_path(root)) else {
            return out;
        };
        for line in text.lines() {
            if let Ok(d) = serde_json::from_str::<Decided>(line) {
                out.pairs.insert(pair(&d.cases[0], &d.cases[1]), d.decision);
            }
        }
        out
    }

    /// The latest decision about a pair.
    pub fn of(&self, a: &str, b: &str) -> Option<Decision> {
        self.pairs.get(&pair(a, b)).copied()
    }
}

pub fn decisions_path(root: &Path) -> PathBuf {
    root.join(DECISIONS_FILE)
}

/// Appends a decision to the archive's decisions file (one line, written whole and synced).
pub fn decide(
    root: &Path,
    user: &str,
    decision: Decision,
    new: &str,
    known: &str,
) -> std::io::Result<()> {
    let line = Decided {
        time: chrono::Local::now()
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        user: user.to_string(),
        decision,
        cases: [new.to_string(), known.to_string()],
    };
    let mut text = serde_json::to_string(&line).map_err(std::io::Error::other)?;
    text.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(decisions_path(root))?;
    f.write_all(text.as_bytes())?;
    f.sync_data()
}

/// The cases a secretary linked to `case_id` (the latest decision of each pair is a link), in
/// the order they were first decided: for the case page's related cases.
pub fn known_links(root: &Path, case_id: &str) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(decisions_path(root)) else {
        return Vec::new();
    };
    let me = case_id_fold(case_id);
    let mut order: Vec<String> = Vec::new();
    let mut latest: HashMap<String, Decision> = HashMap::new();
    for d in text
        .lines()
        .filter_map(|l| serde_json::from_str::<Decided>(l).ok())
    {
        let other = match (case_id_fold(&d.cases[0]), case_id_fold(&d.cases[1])) {
            (a, _) if a == me => d.cases[1].clone(),
            (_, b) if b == me => d.cases[0].clone(),
            _ => continue,
        };
        if !latest.contains_key(&case_id_fold(&other)) {
            order.push(other.clone());
        }
        latest.insert(case_id_fold(&other), d.decision);
    }
    order
        .into_iter()
        .filter(|o| latest.get(&case_id_fold(o)) == Some(&Decision::Link))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        name_parts(s)
    }

    #[test]
    fn one_mistake_is_likely_two_are_not() {
        let v = NameVariants::builtin();
        let new = words("Смирнова Наталья Ивановна");
        let l = |old: &str, same: bool| likeness(&new, &words(old), same, v);
        assert_eq!(l("СМИРНОВА  наталья ивановна", true), Some(Likeness::Same));
        assert_eq!(
            l("Смирнова Наталья Ивановна", false),
            Some(Likeness::BirthSwapped)
        );
        assert_eq!(
            l("Смирновва Наталья Ивановна", true),
            Some(Likeness::SurnameTypo)
        );
        assert_eq!(
            l("Смирнова Натальа Ивановна", true),
            Some(Likeness::GivenTypo)
        );
        assert_eq!(
            l("Смирнова Наталия Ивановна", true),
            Some(Likeness::GivenVariant)
        );
        assert_eq!(
            l("Смирнова Наталья Иваонвна", true),
            Some(Likeness::PatronymicTypo)
        );
        assert_eq!(l("Смирновва Наталья Ивановна", false), None);
        assert_eq!(l("Смирновва Наталия Ивановна", true), None);
        assert_eq!(l("Смирнова Наталья", true), None);
        assert_eq!(l("Петрова Наталья Ивановна", true), None);
    }

    #[test]
    fn a_version_2_file_gets_the_keys_of_its_cases() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut conn = Connection::open(dir.path().join(super::super::store::FILE)).unwrap();
            super::super::schema::migrate_to(&mut conn, 2).ok().unwrap();
            conn.execute(
                "INSERT INTO cases (case_id, version, bagged, child, child_key, birth, parents, \
                 state) VALUES ('nsk-7', 1, '2026-01-02', 'Сидорова Мария Ивановна', \
                 'сидорова мария ивановна', '2015-03-04', '', 'open')",
                [],
            )
            .unwrap();
        }
        let ix = super::super::store::Index::open(dir.path()).unwrap();
        let (born, swapped) = (
            NaiveDate::from_ymd_opt(2015, 3, 4).unwrap(),
            NaiveDate::from_ymd_opt(2015, 4, 3).unwrap(),
        );
        let found = |name: &str, d| ix.known_candidates(name, d).unwrap().len();
        assert_eq!(found("Сидорова Мария Ивановна", born), 1);
        assert_eq!(found("Сидорова Мария Ивановна", swapped), 1);
        assert_eq!(found("Сидорва Мария Ивановна", born), 1);
        assert_eq!(found("Сидорова Марина Ивановна", born), 1);
        assert_eq!(found("Сидорва Мария Ивановна", swapped), 0);
        assert_eq!(found("Сидорва Марина Ивановна", born), 0);
    }

    #[test]
    fn swapped_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(swap_day_month(d(2015, 3, 7)), Some(d(2015, 7, 3)));
        assert_eq!(swap_day_month(d(2015, 3, 3)), None);
        assert_eq!(swap_day_month(d(2015, 3, 25)), None);
    }

    #[test]
    fn decisions_latest_wins_and_links_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        decide(dir.path(), "u", Decision::Different, "NSK-2", "nsk-1").unwrap();
        assert_eq!(
            Decisions::read(dir.path()).of("NSK-1", "nsk-2"),
            Some(Decision::Different)
        );
        assert!(known_links(dir.path(), "NSK-1").is_empty());
        decide(dir.path(), "u", Decision::Link, "NSK-1", "NSK-2").unwrap();
        decide(dir.path(), "u", Decision::Link, "NSK-3", "NSK-1").unwrap();
        assert_eq!(
            Decisions::read(dir.path()).of("nsk-2", "NSK-1"),
            Some(Decision::Link)
        );
        assert_eq!(known_links(dir.path(), "nsk-1"), ["NSK-2", "NSK-3"]);
        assert_eq!(known_links(dir.path(), "NSK-3"), ["NSK-1"]);
    }

    #[test]
    fn hidden_cases_are_named_by_territory_only() {
        let m = Match {
            case_id: String::new(),
            likeness: Likeness::Same,
            territory: Some("berdsk".into()),
            visible: false,
            linked: false,
            level: None,
            curator: None,
            bagged: None,
        };
        let d = diagnostics(0, &[m]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].pointer, "/family/children/0/name");
        assert!(
            d[0].message.contains("известен в другой территории: "),
            "{}",
            d[0].message
        );
        assert!(!d[0].message.contains("NSK"));
    }
}
