//! Rules over all the inputs of one run, not one case: a case ID given by more than one input
//! (I-SAME-ID) and two notifications about the same child (I-DUPLICATE). They work on small
//! keys, so a batch of thousands of cases can forget each case once it is rendered and still
//! apply them before anything is written.

use crate::diagnostic::Diagnostic;
use crate::model::Case;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What the run-wide rules need of one case: kept for every case of a run, so small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseKey {
    pub case_id: Box<str>,
    /// The notified child, when the case has a notification and the child a name and a birth
    /// date: (row in «Дети», the child's key).
    pub child: Option<(usize, ChildKey)>,
}

/// A child as the rules compare children: name (ё = е, case and spacing folded) and birth
/// date, as a 128-bit digest — a region's register keeps one per row, not the strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChildKey([u8; 16]);

impl ChildKey {
    pub fn new(name_key: &str, birth_iso: &str) -> ChildKey {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(name_key.as_bytes());
        h.update([0]);
        h.update(birth_iso.as_bytes());
        let d = h.finalize();
        let mut k = [0; 16];
        k.copy_from_slice(&d[..16]);
        ChildKey(k)
    }
}

impl CaseKey {
    pub fn of(case: &Case) -> CaseKey {
        let child = case
            .notification
            .as_ref()
            .and(case.notified_child())
            .and_then(|(i, c)| Some((i, c.name.key(), c.birth_date?)))
            .filter(|(_, key, _)| !key.is_empty())
            .map(|(i, key, birth)| (i, ChildKey::new(&key, &birth.iso())));
        CaseKey {
            case_id: case.case_id.as_str().into(),
            child,
        }
    }
}

/// Both rules over the cases of a run, each given with the input it came from. Returns, per
/// index into `cases`, the diagnostics to add (unlocated: the caller knows the source map).
pub fn run_wide(cases: &[(&CaseKey, &str)]) -> Vec<(usize, Diagnostic)> {
    let mut out = same_id(cases);
    out.extend(duplicates(cases));
    out
}

/// I-SAME-ID: one case ID from two inputs (or twice from one) is an error for every one of
/// them — which holds the case is the secretary's choice, so none of them is rendered or
/// archived until only one is left.
pub fn same_id(cases: &[(&CaseKey, &str)]) -> Vec<(usize, Diagnostic)> {
    // Letter case ignored, as Windows names folders: `nsk-1` and `NSK-1` are one case folder.
    let mut by_id: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (key, _)) in cases.iter().enumerate() {
        if !key.case_id.trim().is_empty() {
            by_id
                .entry(super::input::case_id_fold(&key.case_id))
                .or_default()
                .push(i);
        }
    }
    let mut out = Vec::new();
    for (_, group) in by_id.into_iter().filter(|(_, g)| g.len() > 1) {
        let mut spellings: Vec<&str> = Vec::new();
        for &i in &group {
            if !spellings.contains(&&*cases[i].0.case_id) {
                spellings.push(&cases[i].0.case_id);
            }
        }
        let id = if spellings.len() > 1 {
            format!(
                "{} (номера различаются только регистром букв, а в Windows это одна папка)",
                spellings.join(" и ")
            )
        } else {
            spellings[0].to_string()
        };
        let mut files: Vec<&str> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for &i in &group {
            if seen.insert(cases[i].1) {
                files.push(cases[i].1);
            }
        }
        let message = if files.len() == 1 {
            let n = group.len();
            let times = if (2..=4).contains(&n) {
                "раза"
            } else {
                "раз"
            };
            format!(
                "номер случая {id} встречается в файле {} {n} {times} — оставьте одну запись",
                files[0]
            )
        } else {
            format!(
                "номер случая {id} встречается в {} файлах: {} — выберите один",
                in_files(files.len()),
                joined(&files, NAMED)
            )
        };
        for &i in &group {
            out.push((
                i,
                Diagnostic::error("I-SAME-ID", "/case_id", message.clone()),
            ));
        }
    }
    out
}

/// «двух», «трех», «четырех», then the number.
fn in_files(n: usize) -> String {
    match n {
        2 => "двух".into(),
        3 => "трех".into(),
        4 => "четырех".into(),
        n => n.to_string(),
    }
}

/// «A и B», «A, B и C»; past `most`, «A, B, C и еще 7» (never «и еще 1»: that one is named).
fn joined(items: &[&str], most: usize) -> String {
    if items.len() > most + 1 {
        return format!("{} и еще {}", items[..most].join(", "), items.len() - most);
    }
    match items.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} и {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// How many other inputs or notifications a message names; the rest are counted, so a child
/// notified a thousand times gets short messages, in linear time.
const NAMED: usize = 3;

/// I-DUPLICATE: two notifications about the same child (same name and birth date) under
/// different case IDs among the cases of one run; each is told about the first few others and
/// how many more there are. Inputs with the same case ID are I-SAME-ID's, not linked again
/// here.
pub fn duplicates(cases: &[(&CaseKey, &str)]) -> Vec<(usize, Diagnostic)> {
    // Groups in the order of their first notification, so the messages come out the same
    // whatever the digests.
    let mut by_child: HashMap<ChildKey, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, (key, _)) in cases.iter().enumerate() {
        if let Some((_, child)) = &key.child {
            let g = *by_child.entry(*child).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[g].push(i);
        }
    }
    let id = |i: usize| &*cases[i].0.case_id;
    let mut out = Vec::new();
    for group in groups.into_iter().filter(|g| g.len() > 1) {
        // IDs that differ only in letter case are one case (I-SAME-ID's), not linked here.
        let folded: HashMap<usize, String> = group
            .iter()
            .map(|&i| (i, super::input::case_id_fold(id(i))))
            .collect();
        let id_key = |i: usize| folded[&i].as_str();
        let mut per_id: HashMap<&str, usize> = HashMap::new();
        for &i in &group {
            *per_id.entry(id_key(i)).or_default() += 1;
        }
        if per_id.len() < 2 {
            continue;
        }
        // The group's first notifications, at most NAMED of any one case ID: enough to name
        // the first NAMED others of every member, whatever its own ID.
        let mut lead: Vec<usize> = Vec::new();
        let mut in_lead: HashMap<&str, usize> = HashMap::new();
        for &i in &group {
            if in_lead.len() > NAMED {
                break;
            }
            let n = in_lead.entry(id_key(i)).or_default();
            if *n < NAMED {
                *n += 1;
                lead.push(i);
            }
        }
        for &i in &group {
            let others = group.len() - per_id[id_key(i)];
            let named: Vec<String> = lead
                .iter()
                .filter(|&&j| id_key(j) != id_key(i))
                .take(NAMED)
                // Another row of the same register is named by its case alone.
                .map(|&j| match cases[j].1 {
                    f if f == cases[i].1 => format!("случай {}", id(j)),
                    f => format!("{f} (случай {})", id(j)),
                })
                .collect();
            let more = match others - named.len() {
                0 => String::new(),
                n => format!(" и еще {n}"),
            };
            let child = cases[i].0.child.as_ref().map_or(0, |c| c.0);
            out.push((
                i,
                Diagnostic::warning(
                    "I-DUPLICATE",
                    format!("/family/children/{child}/name"),
                    format!(
                        "повторное извещение о том же ребенке (ФИО и дата рождения совпадают): {}{more}; извещения связаны — ведите их одним случаем",
                        named.join(", ")
                    ),
                ),
            ));
        }
    }
    out
}
