//! The search («Поиск»): a query's words against the index, tolerant of the mistakes registers
//! have. Each word of the query must match something of a case (AND): a name word of the child
//! or a parent — exact, a given-name variant, a prefix (3 letters or more) or one edit away
//! (4 letters or more) —, a birth date (or one with day and month swapped), a case ID (or its
//! prefix), the curator, the agency or the territory. Candidate words come from the small
//! vocabulary (`words`, kept in memory per `generation()`), then the cases from `names`.

use super::row::name_words;
use super::store::{Index, Result, Scope, date};
use crate::catalog::NameVariants;
use crate::text::{fold, within_one_edit};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// Hits a page shows.
pub const PAGE: usize = 50;

/// What a search found: the number of hits and one page of them, best first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Found {
    pub total: usize,
    pub cases: Vec<Hit>,
}

/// One case found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub case_id: String,
    /// The child's name as written.
    pub child: String,
    pub birth_date: Option<NaiveDate>,
    /// Risk level's code.
    pub level: Option<String>,
    /// Territory's code.
    pub territory: Option<String>,
    /// Why it was found, in Russian (its matches, «; »-joined).
    pub why: String,
    pub score: u32,
}

/// How a query word met a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Exact,
    Variant,
    Prefix,
    OneEdit,
    Birth,
    BirthSwapped,
    Id,
    IdPrefix,
    Curator,
    Agency,
    Territory,
}

/// A query word's best match in one case.
#[derive(Debug, Clone)]
struct Match {
    score: u32,
    kind: Kind,
    /// The query's word (folded) and the case's word it met (names only).
    asked: Arc<str>,
    met: Arc<str>,
    child: bool,
}

impl Match {
    fn new(kind: Kind, child: bool, asked: &Arc<str>, met: &Arc<str>) -> Match {
        // Ranked: exact > variant/prefix > one edit; the child's name before a parent's.
        let base = match kind {
            Kind::Exact | Kind::Birth | Kind::Id => 100,
            Kind::Variant => 70,
            Kind::Prefix | Kind::IdPrefix => 60,
            Kind::Curator | Kind::Agency | Kind::Territory => 50,
            Kind::OneEdit | Kind::BirthSwapped => 40,
        };
        let names = matches!(
            kind,
            Kind::Exact | Kind::Variant | Kind::Prefix | Kind::OneEdit
        );
        Match {
            score: if names && !child { base * 4 / 5 } else { base },
            kind,
            asked: asked.clone(),
            met: met.clone(),
            child,
        }
    }
}

/// A term's best match per case (by the case's row).
type Found1 = HashMap<i64, Match>;

/// The index's vocabulary, read once per generation: the name words (sorted, for prefixes),
/// and the distinct curators and agencies with their folded words.
struct Vocab {
    generation: i64,
    words: Vec<(String, i64, usize)>,
    /// Case row → case ID: the order of hits of one score.
    ids: HashMap<i64, String>,
    curators: Vec<(String, Vec<String>)>,
    agencies: Vec<(String, Vec<String>)>,
}

fn vocab_cache() -> &'static Mutex<HashMap<PathBuf, Arc<Vocab>>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Vocab>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// A value's words as the search compares them.
fn value_words(v: &str) -> Vec<String> {
    fold(v)
        .split([' ', '-', '_'])
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// Whether `asked` meets one of `words`: exactly, or as a prefix of 3 letters or more.
fn meets(words: &[String], asked: &str) -> bool {
    words
        .iter()
        .any(|w| w == asked || (asked.chars().count() >= 3 && w.starts_with(asked)))
}

/// A date as typed: ДД.ММ.ГГГГ (or Д.М.ГГГГ) or ГГГГ-ММ-ДД.
fn parse_date(token: &str) -> Option<NaiveDate> {
    let t = token.trim();
    NaiveDate::parse_from_str(t, "%d.%m.%Y")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        .ok()
        .filter(|_| t.len() >= 8)
}

/// The part of a name a word is, by its place: the surname first («Фамилия Имя Отчество»).
fn part(name: &str, word: &str) -> &'static str {
    match name_words(name).iter().position(|w| w == word) {
        Some(0) => "фамилия",
        Some(1) => "имя",
        Some(2) => "отчество",
        _ => "ФИО",
    }
}

fn capital(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A term of the query: a date, or a token (a case ID as typed, and its name words).
enum Term {
    Date(NaiveDate),
    Token { raw: String, words: Vec<String> },
}

fn terms(q: &str) -> Vec<Term> {
    q.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|t| !t.is_empty())
        .filter_map(|t| match parse_date(t) {
            Some(d) => Some(Term::Date(d)),
            None => {
                let words = name_words(t);
                let id = t.chars().any(|c| c.is_ascii_digit());
                (id || !words.is_empty()).then(|| Term::Token {
                    raw: t.to_string(),
                    words,
                })
            }
        })
        .collect()
}

/// Keeps, per case, the better of two matches of one term.
fn add(into: &mut Found1, row: i64, m: Match) {
    match into.get_mut(&row) {
        Some(old) if old.score >= m.score => {}
        Some(slot) => *slot = m,
        None => {
            into.insert(row, m);
        }
    }
}

impl Index {
    fn vocab(&self) -> Result<Arc<Vocab>> {
        let generation = self.generation()?;
        let key = self.path().to_path_buf();
        if let Some(v) = vocab_cache()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .filter(|v| v.generation == generation)
        {
            return Ok(v.clone());
        }
        let mut st = self
            .conn()
            .prepare("SELECT word, id FROM words")
            .map_err(self.sql())?;
        let mut words: Vec<(String, i64, usize)> = st
            .query_map([], |r| {
                let w: String = r.get(0)?;
                let n = w.chars().count();
                Ok((w, r.get(1)?, n))
            })
            .map_err(self.sql())?
            .collect::<rusqlite::Result<_>>()
            .map_err(self.sql())?;
        words.sort();
        let mut st = self
            .conn()
            .prepare("SELECT id, case_id FROM cases")
            .map_err(self.sql())?;
        let ids: HashMap<i64, String> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sql())?
            .collect::<rusqlite::Result<_>>()
            .map_err(self.sql())?;
        let distinct = |column: &str| -> Result<Vec<(String, Vec<String>)>> {
            let mut st = self
                .conn()
                .prepare(&format!(
                    "SELECT DISTINCT {column} FROM cases WHERE {column} IS NOT NULL"
                ))
                .map_err(self.sql())?;
            let values: Vec<String> = st
                .query_map([], |r| r.get(0))
                .map_err(self.sql())?
                .collect::<rusqlite::Result<_>>()
                .map_err(self.sql())?;
            Ok(values
                .into_iter()
                .map(|v| {
                    let w = value_words(&v);
                    (v, w)
                })
                .collect())
        };
        let vocab = Arc::new(Vocab {
            generation,
            words,
            ids,
            curators: distinct("curator")?,
            agencies: distinct("agency")?,
        });
        vocab_cache()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, vocab.clone());
        Ok(vocab)
    }

    /// Runs `sql` (its `?1…` parameters `params`, then the scope's) for (case row, extra).
    fn rows(&self, sql: &str, params: &[String]) -> Result<Vec<(i64, i64)>> {
        let mut st = self.conn().prepare_cached(sql).map_err(self.sql())?;
        let rows = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(self.sql())?
            .collect::<rusqlite::Result<_>>()
            .map_err(self.sql())?;
        Ok(rows)
    }

    /// Cases with a column's value among `values`, in scope.
    fn cases_where(
        &self,
        column: &str,
        values: Vec<String>,
        scope: &Scope,
    ) -> Result<Vec<(i64, i64)>> {
        if values.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
        let (cond, sp) = scope.sql("c.territory", values.len() + 1);
        let sql = format!(
            "SELECT c.id, 0 FROM cases c WHERE c.{column} IN ({}) AND {cond}",
            marks.join(", ")
        );
        self.rows(&sql, &values.into_iter().chain(sp).collect::<Vec<_>>())
    }

    /// A date: the birth date, or the one with day and month swapped (lower rank).
    fn date_matches(&self, d: NaiveDate, scope: &Scope) -> Result<Found1> {
        let mut out = HashMap::new();
        let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let swapped = NaiveDate::from_ymd_opt(d.year(), d.day(), d.month()).filter(|s| *s != d);
        let mut values = vec![iso(d)];
        values.extend(swapped.map(iso));
        let exact = iso(d);
        let (cond, sp) = scope.sql("c.territory", values.len() + 1);
        let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "SELECT c.id, c.birth FROM cases c WHERE c.birth IN ({}) AND {cond}",
            marks.join(", ")
        );
        let mut st = self.conn().prepare_cached(&sql).map_err(self.sql())?;
        let params: Vec<String> = values.into_iter().chain(sp).collect();
        let rows: Vec<(i64, String)> = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(self.sql())?
            .collect::<rusqlite::Result<_>>()
            .map_err(self.sql())?;
        let none: Arc<str> = Arc::from("");
        for (row, birth) in rows {
            let kind = if birth == exact {
                Kind::Birth
            } else {
                Kind::BirthSwapped
            };
            add(&mut out, row, Match::new(kind, true, &none, &none));
        }
        Ok(out)
    }

    /// A case ID as typed: exact, or its prefix (3 characters or more).
    fn id_matches(&self, raw: &str, scope: &Scope) -> Result<Found1> {
        let mut out = HashMap::new();
        let mut forms = vec![raw.to_string()];
        let upper = raw.to_uppercase();
        if upper != raw {
            forms.push(upper);
        }
        let (cond, sp) = scope.sql("c.territory", 3);
        let sql = format!(
            "SELECT c.id, c.case_id FROM cases c \
             WHERE c.case_id >= ?1 AND c.case_id < ?2 AND {cond}"
        );
        let none: Arc<str> = Arc::from("");
        for f in forms {
            if f.chars().count() < 3 {
                // Too short to be a prefix: exact only.
                for (row, _) in self.cases_where("case_id", vec![f.clone()], scope)? {
                    add(&mut out, row, Match::new(Kind::Id, true, &none, &none));
                }
                continue;
            }
            let params: Vec<String> = [f.clone(), format!("{f}{}", char::MAX)]
                .into_iter()
                .chain(sp.iter().cloned())
                .collect();
            let mut st = self.conn().prepare_cached(&sql).map_err(self.sql())?;
            let rows: Vec<(i64, String)> = st
                .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(self.sql())?
                .collect::<rusqlite::Result<_>>()
                .map_err(self.sql())?;
            for (row, id) in rows {
                let kind = if id == f { Kind::Id } else { Kind::IdPrefix };
                add(&mut out, row, Match::new(kind, true, &none, &none));
            }
        }
        Ok(out)
    }

    /// A folded word: name words (exact, variant, prefix, one edit), curator, agency,
    /// territory.
    fn word_matches(
        &self,
        w: &str,
        vocab: &Vocab,
        scope: &Scope,
        variants: &NameVariants,
    ) -> Result<Found1> {
        let mut out = HashMap::new();
        let n = w.chars().count();
        // Vocabulary word id → (kind, word).
        let mut met: HashMap<i64, (Kind, &str)> = HashMap::new();
        let asked: Arc<str> = Arc::from(w);
        let none: Arc<str> = Arc::from("");
        let find = |word: &str| {
            vocab
                .words
                .binary_search_by(|(x, _, _)| x.as_str().cmp(word))
                .ok()
                .map(|i| &vocab.words[i])
        };
        if let Some((word, id, _)) = find(w) {
            met.insert(*id, (Kind::Exact, word.as_str()));
        }
        for other in variants.others(w) {
            if let Some((word, id, _)) = find(other) {
                met.entry(*id).or_insert((Kind::Variant, word.as_str()));
            }
        }
        if n >= 3 {
            let start = vocab.words.partition_point(|(x, _, _)| x.as_str() < w);
            for (word, id, _) in vocab.words[start..]
                .iter()
                .take_while(|(x, _, _)| x.starts_with(w))
            {
                met.entry(*id).or_insert((Kind::Prefix, word.as_str()));
            }
        }
        if n >= 4 {
            for (word, id, len) in &vocab.words {
                if len.abs_diff(n) <= 1 && !met.contains_key(id) && within_one_edit(w, word) {
                    met.insert(*id, (Kind::OneEdit, word.as_str()));
                }
            }
        }
        if !met.is_empty() {
            let ids: Vec<String> = met.keys().map(|i| i.to_string()).collect();
            let marks: Vec<String> = (1..=ids.len()).map(|i| format!("?{i}")).collect();
            let (cond, sp) = scope.sql("c.territory", ids.len() + 1);
            // Without a scope, the names alone (no look into the cases).
            let sql = if *scope == Scope::All {
                format!(
                    "SELECT n.case_row, n.word * 2 + n.who FROM names n WHERE n.word IN ({})",
                    marks.join(", ")
                )
            } else {
                format!(
                    "SELECT n.case_row, n.word * 2 + n.who FROM names n \
                     JOIN cases c ON c.id = n.case_row WHERE n.word IN ({}) AND {cond}",
                    marks.join(", ")
                )
            };
            let met: HashMap<i64, (Kind, Arc<str>)> = met
                .into_iter()
                .map(|(id, (k, word))| (id, (k, Arc::from(word))))
                .collect();
            let params: Vec<String> = ids.into_iter().chain(sp).collect();
            for (row, packed) in self.rows(&sql, &params)? {
                let (word, who) = (packed >> 1, packed & 1);
                if let Some((kind, word)) = met.get(&word) {
                    add(&mut out, row, Match::new(*kind, who == 0, &asked, word));
                }
            }
        }
        for (column, values, kind) in [
            ("curator", &vocab.curators, Kind::Curator),
            ("agency", &vocab.agencies, Kind::Agency),
        ] {
            let hits: Vec<String> = values
                .iter()
                .filter(|(_, words)| meets(words, w))
                .map(|(v, _)| v.clone())
                .collect();
            for (row, _) in self.cases_where(column, hits, scope)? {
                add(&mut out, row, Match::new(kind, true, &asked, &none));
            }
        }
        let territories: Vec<String> = crate::catalog::catalog()
            .list(crate::model::Territory::LIST)
            .iter()
            .filter(|(code, label)| {
                let mut words = value_words(code);
                words.extend(value_words(label));
                meets(&words, w)
            })
            .map(|(code, _)| code.clone())
            .filter(|code| scope.sees(Some(code)))
            .collect();
        for (row, _) in self.cases_where("territory", territories, scope)? {
            add(
                &mut out,
                row,
                Match::new(Kind::Territory, true, &asked, &none),
            );
        }
        Ok(out)
    }

    /// Searches the cases `scope` sees for `q`; `page` counts from 1 (`PAGE` hits a page).
    pub fn search(
        &self,
        q: &str,
        scope: &Scope,
        variants: &NameVariants,
        page: usize,
    ) -> Result<Found> {
        let terms = terms(q);
        if terms.is_empty() {
            return Ok(Found::default());
        }
        let vocab = self.vocab()?;
        let mut all: Option<HashMap<i64, Vec<Match>>> = None;
        for term in &terms {
            let found = match term {
                Term::Date(d) => self.date_matches(*d, scope)?,
                Term::Token { raw, words } => {
                    // A token of several words (a hyphenated surname): all of them.
                    let mut by_words: Option<Found1> = None;
                    for w in words {
                        let m = self.word_matches(w, &vocab, scope, variants)?;
                        by_words = Some(match by_words {
                            None => m,
                            Some(mut acc) => {
                                acc.retain(|row, _| m.contains_key(row));
                                for (row, x) in acc.iter_mut() {
                                    x.score = x.score.min(m[row].score);
                                }
                                acc
                            }
                        });
                    }
                    let mut found = by_words.unwrap_or_default();
                    // The token as a case ID (or its start) too.
                    for (row, m) in self.id_matches(raw, scope)? {
                        add(&mut found, row, m);
                    }
                    found
                }
            };
            all = Some(match all {
                None => found.into_iter().map(|(row, m)| (row, vec![m])).collect(),
                Some(mut acc) => {
                    acc.retain(|row, _| found.contains_key(row));
                    for (row, ms) in acc.iter_mut() {
                        ms.push(found[row].clone());
                    }
                    acc
                }
            });
        }
        let all = all.unwrap_or_default();
        let unknown = String::new();
        let mut ranked: Vec<(u32, &String, i64, &Vec<Match>)> = all
            .iter()
            .map(|(row, ms)| {
                let id = vocab.ids.get(row).unwrap_or(&unknown);
                (ms.iter().map(|m| m.score).sum(), id, *row, ms)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let start = page.max(1).saturating_sub(1).saturating_mul(PAGE);
        let mut cases = Vec::new();
        for (score, _, row, ms) in ranked.iter().skip(start).take(PAGE) {
            let (case_id, child, birth, level, territory, parents): (
                String,
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                String,
            ) = self
                .conn()
                .prepare_cached(
                    "SELECT case_id, child, birth, level, territory, parents FROM cases \
                     WHERE id = ?1",
                )
                .map_err(self.sql())?
                .query_row([row], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })
                .map_err(self.sql())?;
            cases.push(Hit {
                why: why(ms, &child, &parents),
                case_id,
                child,
                birth_date: date(birth),
                level,
                territory,
                score: *score,
            });
        }
        Ok(Found {
            total: ranked.len(),
            cases,
        })
    }
}

/// Why a case was found, in the page's words.
fn why(ms: &[Match], child: &str, parents: &str) -> String {
    let child_words = name_words(child);
    // The parts of the child's name met exactly, in the name's order.
    let exact: Vec<&'static str> = child_words
        .iter()
        .filter(|w| {
            ms.iter()
                .any(|m| m.kind == Kind::Exact && m.child && *m.met == **w)
        })
        .map(|w| part(child, w))
        .collect();
    let mut out: Vec<String> = Vec::new();
    if child_words.len() >= 2 && exact.len() == child_words.len() {
        out.push("точное совпадение ФИО".into());
    } else if !exact.is_empty() {
        out.push(format!("совпадает: {}", exact.join(", ")));
    }
    for m in ms {
        let of = |word: &str| -> String {
            if m.child {
                part(child, word).to_string()
            } else {
                let p = parents
                    .split("; ")
                    .map(|n| part(n, word))
                    .find(|p| *p != "ФИО")
                    .unwrap_or("ФИО");
                format!("{p} родителя")
            }
        };
        let text = match m.kind {
            Kind::Exact if m.child => continue,
            Kind::Exact => format!("совпадает: {}", of(&m.met)),
            Kind::Variant => format!(
                "{} — вариант: {} / {}",
                of(&m.met),
                capital(&m.asked),
                capital(&m.met)
            ),
            Kind::Prefix => format!("{}: начинается с «{}»", of(&m.met), capital(&m.asked)),
            Kind::OneEdit => format!(
                "{} с опечаткой: {} / {}",
                of(&m.met),
                capital(&m.asked),
                capital(&m.met)
            ),
            Kind::Birth => "дата рождения".into(),
            Kind::BirthSwapped => "дата рождения: день и месяц переставлены".into(),
            Kind::Id => "номер случая".into(),
            Kind::IdPrefix => "начало номера случая".into(),
            Kind::Curator => "куратор".into(),
            Kind::Agency => "организация".into(),
            Kind::Territory => "территория".into(),
        };
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Row;
    use crate::model::Case;

    fn case(id: &str, territory: &str, child: &str, birth: &str, parent: &str) -> Case {
        serde_json::from_value(serde_json::json!({
            "case_id": id,
            "territory": territory,
            "family": {
                "children": [{"name": child, "birth_date": birth}],
                "legal_representatives": [{"name": parent}],
            },
            "notification": {"child": 0, "agency": "МБОУ СОШ № 12", "date_sent": "2026-10-01"},
            "case_opening": {"date": "2026-10-10", "curator": {"name": "Кузнецова Ольга Ивановна"}}
        }))
        .expect("case")
    }

    fn index() -> (tempfile::TempDir, Index) {
        let dir = tempfile::tempdir().expect("tmp");
        let mut ix = Index::open(dir.path()).expect("open");
        let bagged = NaiveDate::from_ymd_opt(2026, 10, 2).expect("d");
        let cases = [
            case(
                "NSK-1",
                "berdsk",
                "Петрова Наталья Ивановна",
                "2015-03-04",
                "Петрова Анна Сергеевна",
            ),
            case(
                "NSK-2",
                "berdsk",
                "Петров Илья Олегович",
                "2016-04-03",
                "Петров Олег Ильич",
            ),
            case(
                "NSK-3",
                "iskitim",
                "Сидорова Софья Павловна",
                "2014-05-06",
                "Сидоров Павел Артёмович",
            ),
            case(
                "NSK-4",
                "iskitim",
                "Петренко Мария Петровна",
                "2012-01-20",
                "Петренко Ирина Сергеевна",
            ),
            case(
                "NSK-5",
                "berdsk",
                "Иванова Наталия Сергеевна",
                "2013-07-08",
                "Иванова Елена Петровна",
            ),
        ];
        for c in &cases {
            ix.put(&Row::of(c, 1, bagged)).expect("put");
        }
        (dir, ix)
    }

    fn ids(f: &Found) -> Vec<&str> {
        f.cases.iter().map(|h| h.case_id.as_str()).collect()
    }

    fn find(ix: &Index, q: &str) -> Found {
        ix.search(q, &Scope::All, NameVariants::builtin(), 1)
            .expect("search")
    }

    #[test]
    fn the_exact_name_comes_first_in_any_order_case_and_yo() {
        let (_d, ix) = index();
        let f = find(&ix, "наталья ПЕТРОВА");
        assert_eq!(ids(&f)[0], "NSK-1");
        assert_eq!(f.cases[0].why, "совпадает: фамилия, имя");
        let f = find(&ix, "Петрова Наталья Ивановна");
        // NSK-5 too, lower: «Наталия», its mother «Петровна», «Иванова» one letter off.
        assert_eq!(ids(&f), vec!["NSK-1", "NSK-5"]);
        assert_eq!(f.cases[0].why, "точное совпадение ФИО");
        assert_eq!(f.cases[0].child, "Петрова Наталья Ивановна");
        // «Сидоров Павел Артёмович» is found by «артемович».
        assert_eq!(ids(&find(&ix, "Артемович")), vec!["NSK-3"]);
    }

    #[test]
    fn a_letter_missing_doubled_or_swapped_still_finds_the_child() {
        let (_d, ix) = index();
        for q in ["Петова Наталья", "Петтрова Наталья", "Петорва Наталья"]
        {
            let f = find(&ix, q);
            assert_eq!(ids(&f).first(), Some(&"NSK-1"), "{q}: {f:?}");
        }
        let f = find(&ix, "Петорва");
        let hit = f
            .cases
            .iter()
            .find(|h| h.case_id == "NSK-1")
            .expect("found");
        assert!(
            hit.why.contains("фамилия с опечаткой: Петорва / Петрова"),
            "{}",
            hit.why
        );
        // Three letters are too few for a typo: «Пет» is a prefix, not a mistake.
        assert!(find(&ix, "Пет").total >= 3);
    }

    #[test]
    fn a_given_name_variant_finds_both_spellings_the_exact_one_first() {
        let (_d, ix) = index();
        let f = find(&ix, "Наталия");
        assert_eq!(ids(&f), vec!["NSK-5", "NSK-1"]);
        assert!(
            f.cases[1].why.contains("имя — вариант: Наталия / Наталья"),
            "{}",
            f.cases[1].why
        );
        assert_eq!(ids(&find(&ix, "София Сидорова")), vec!["NSK-3"]);
    }

    #[test]
    fn a_birth_date_exact_or_with_day_and_month_swapped() {
        let (_d, ix) = index();
        let f = find(&ix, "04.03.2015");
        assert_eq!(ids(&f), vec!["NSK-1"]);
        assert_eq!(f.cases[0].why, "дата рождения");
        // 03.04.2016 is NSK-2's date; 04.03.2016 is it with day and month swapped.
        let f = find(&ix, "2016-03-04");
        assert_eq!(ids(&f), vec!["NSK-2"]);
        assert_eq!(f.cases[0].why, "дата рождения: день и месяц переставлены");
        // Date and name together: both must match.
        assert_eq!(ids(&find(&ix, "Петров 03.04.2016")), vec!["NSK-2"]);
        assert!(find(&ix, "Сидорова 03.04.2016").cases.is_empty());
    }

    #[test]
    fn case_id_curator_agency_and_territory() {
        let (_d, ix) = index();
        let f = find(&ix, "nsk-3");
        assert_eq!(ids(&f), vec!["NSK-3"]);
        assert_eq!(f.cases[0].why, "номер случая");
        assert_eq!(find(&ix, "NSK").total, 5);
        assert_eq!(find(&ix, "Кузнецова").total, 5);
        assert!(find(&ix, "Кузнецова").cases[0].why.contains("куратор"));
        assert_eq!(find(&ix, "СОШ").total, 5);
        let f = find(&ix, "Искитим");
        assert_eq!(ids(&f), vec!["NSK-3", "NSK-4"]);
        assert_eq!(f.cases[0].why, "территория");
        assert_eq!(f.cases[0].territory.as_deref(), Some("iskitim"));
        assert_eq!(ids(&find(&ix, "iskitim Сидорова")), vec!["NSK-3"]);
    }

    #[test]
    fn a_parent_is_found_after_the_child_and_every_word_must_match() {
        let (_d, ix) = index();
        // «Олег»: the parent of NSK-2 (and a prefix of the child's patronymic «Олегович»).
        let f = find(&ix, "Олег");
        assert_eq!(ids(&f), vec!["NSK-2"]);
        assert!(
            f.cases[0].why.contains("совпадает: имя родителя"),
            "{}",
            f.cases[0].why
        );
        assert!(find(&ix, "Петрова Софья").cases.is_empty());
        assert!(find(&ix, "   ").cases.is_empty());
    }

    #[test]
    fn the_scope_hides_other_territories() {
        let (_d, ix) = index();
        let berdsk = Scope::Only(vec!["berdsk".into()]);
        let f = ix
            .search("Сидорова", &berdsk, NameVariants::builtin(), 1)
            .expect("search");
        assert_eq!(f.total, 0);
        let f = ix
            .search("Петр", &berdsk, NameVariants::builtin(), 1)
            .expect("search");
        assert_eq!(ids(&f), vec!["NSK-1", "NSK-2", "NSK-5"]);
        let none = Scope::Only(Vec::new());
        assert_eq!(
            ix.search("NSK", &none, NameVariants::builtin(), 1)
                .expect("search")
                .total,
            0
        );
    }

    #[test]
    fn pages_of_fifty_in_a_fixed_order() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut ix = Index::open(dir.path()).expect("open");
        let bagged = NaiveDate::from_ymd_opt(2026, 10, 2).expect("d");
        let rows: Vec<Row> = (0..120)
            .map(|i| {
                Row::of(
                    &case(
                        &format!("T-{i:03}"),
                        "berdsk",
                        "Орлова Дарья Ивановна",
                        "2015-03-04",
                        "Орлова Анна",
                    ),
                    1,
                    bagged,
                )
            })
            .collect();
        ix.put_all(&rows).expect("put");
        let p1 = find(&ix, "Орлова");
        assert_eq!(p1.total, 120);
        assert_eq!(p1.cases.len(), PAGE);
        assert_eq!(p1.cases[0].case_id, "T-000");
        let p3 = ix
            .search("Орлова", &Scope::All, NameVariants::builtin(), 3)
            .expect("search");
        assert_eq!(ids(&p3).len(), 20);
        assert_eq!(p3.cases[19].case_id, "T-119");
    }
}
