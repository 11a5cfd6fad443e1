//! The catalogs of `templates/catalog/`: indicator texts, family factors, the six domains with
//! their questions, and every option list, verbatim from seed 003. They are compiled into the
//! binary (the tool runs offline from one file) and parsed once per process.

use crate::text::fold;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const OPTIONS: &str = include_str!("../templates/catalog/options.toml");
const CHILD_INDICATORS: &str = include_str!("../templates/catalog/child_indicators.toml");
const FAMILY_FACTORS: &str = include_str!("../templates/catalog/family_factors.toml");
const DOMAINS: &str = include_str!("../templates/catalog/domains.toml");
const HOUSING: &str = include_str!("../templates/catalog/housing.toml");
/// Variants of given names one person is written with (not from the seeds).
const NAME_VARIANTS: &str = include_str!("../templates/catalog/name_variants.toml");
/// The region's territories (not from the seeds): the list `territory`.
const TERRITORIES: &str = include_str!("../templates/catalog/territories.toml");

#[derive(Debug, Deserialize)]
pub struct Criterion {
    pub number: u8,
    pub title: String,
    pub indicators: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct ChildIndicators {
    #[serde(default)]
    pub notes: Vec<String>,
    pub criterion: Vec<Criterion>,
}

#[derive(Debug, Deserialize)]
pub struct FactorSection {
    pub number: String,
    pub title: String,
    pub factors: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct FamilyFactors {
    pub section: Vec<FactorSection>,
}

#[derive(Debug, Deserialize)]
pub struct Question {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub about: Option<String>,
    pub text: String,
    #[serde(default)]
    pub hint: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DomainEntry {
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub heading: Option<String>,
    #[serde(default)]
    pub plan_title: Option<String>,
    #[serde(default)]
    pub dynamics_title: Option<String>,
    #[serde(default)]
    pub analysis_note: Option<String>,
    #[serde(default)]
    pub question: Vec<Question>,
}

#[derive(Debug, Deserialize)]
pub struct Domains {
    #[serde(default)]
    pub level_note: Option<String>,
    pub domain: Vec<DomainEntry>,
}

#[derive(Debug, Deserialize)]
pub struct Housing {
    #[serde(default)]
    pub question: Vec<Question>,
    #[serde(flatten)]
    pub lists: HashMap<String, toml::Value>,
}

/// All catalogs, parsed.
pub struct Catalog {
    pub child: ChildIndicators,
    pub family: FamilyFactors,
    pub domains: Domains,
    pub housing: Housing,
    /// Option lists by name: (code, text) in the form's order.
    lists: HashMap<String, Vec<(String, String)>>,
    /// The same lists folded (`fold`): (code, text), for lookups without folding the list
    /// again for every cell.
    folded: HashMap<String, Vec<(String, String)>>,
}

static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// The catalogs, parsed on first use. They are part of the binary, so a parse failure is a
/// build defect caught by the tests, not a user error.
pub fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| Catalog::parse().expect("templates/catalog is malformed"))
}

impl Catalog {
    fn parse() -> Result<Catalog, toml::de::Error> {
        let mut lists: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for text in [OPTIONS, TERRITORIES] {
            let options: HashMap<String, toml::Table> = toml::from_str(text)?;
            // toml::Table keeps the file's order (preserve_order is off, so sort by position in text).
            for (name, table) in options {
                let mut entries: Vec<(String, String)> = table
                    .into_iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
                    .collect();
                entries.sort_by_key(|(k, _)| position_in(text, &name, k));
                lists.insert(name, entries);
            }
        }
        let child: ChildIndicators = toml::from_str(CHILD_INDICATORS)?;
        let family: FamilyFactors = toml::from_str(FAMILY_FACTORS)?;
        let domains: Domains = toml::from_str(DOMAINS)?;
        let housing: Housing = toml::from_str(HOUSING)?;
        lists.insert(
            "domain".into(),
            domains
                .domain
                .iter()
                .map(|d| (d.code.clone(), d.title.clone()))
                .collect(),
        );
        for (name, value) in &housing.lists {
            if let Some(items) = value.as_array() {
                let items: Vec<(String, String)> = items
                    .iter()
                    .filter_map(|v| v.as_str())
                    .map(|s| (s.to_string(), s.to_string()))
                    .collect();
                lists.insert(format!("housing.{name}"), items);
            }
        }
        let folded = lists
            .iter()
            .map(|(name, l)| {
                let l = l.iter().map(|(c, t)| (fold(c), fold(t))).collect();
                (name.clone(), l)
            })
            .collect();
        Ok(Catalog {
            child,
            family,
            domains,
            housing,
            lists,
            folded,
        })
    }

    /// The (code, text) pairs of a list, in the form's order.
    pub fn list(&self, name: &str) -> &[(String, String)] {
        self.lists.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn labels(&self, name: &str) -> Vec<&str> {
        self.list(name).iter().map(|(_, l)| l.as_str()).collect()
    }

    pub fn labels_joined(&self, name: &str) -> String {
        self.labels(name)
            .iter()
            .map(|l| format!("«{l}»"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The text of an option; the code itself when the catalog lacks it.
    pub fn label<'a>(&'a self, name: &str, code: &'a str) -> &'a str {
        self.list(name)
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, l)| l.as_str())
            .unwrap_or(code)
    }

    /// Finds the code of an option from its text or code, ignoring case, ё/е and spacing.
    pub fn lookup(&self, name: &str, text: &str) -> Option<&str> {
        let key = fold(text);
        if key.is_empty() {
            return None;
        }
        let folded = self.folded.get(name).map(Vec::as_slice).unwrap_or(&[]);
        folded
            .iter()
            .position(|(c, l)| *l == key || *c == key)
            .map(|i| self.list(name)[i].0.as_str())
            // «−» typed as a dash or a hyphen both mean «-» (folded already); «✓»/«v» never guessed.
            .or_else(|| {
                (name == "presence" && matches!(text.trim(), "−" | "–" | "—")).then_some("minus")
            })
    }

    /// The canonical text of a free option list entry (housing act lists), if it is one.
    pub fn canonical(&self, name: &str, text: &str) -> Option<&str> {
        let key = fold(text);
        let folded = self.folded.get(name).map(Vec::as_slice).unwrap_or(&[]);
        folded
            .iter()
            .position(|(_, l)| *l == key)
            .map(|i| self.list(name)[i].1.as_str())
    }

    pub fn criterion(&self, number: u8) -> Option<&Criterion> {
        self.child.criterion.iter().find(|c| c.number == number)
    }

    pub fn indicator(&self, criterion: u8, indicator: u8) -> Option<&str> {
        self.criterion(criterion)?
            .indicators
            .get(usize::from(indicator).checked_sub(1)?)
            .map(String::as_str)
    }

    /// Every family factor as («I.1», text).
    pub fn factors(&self) -> Vec<(String, &str)> {
        self.family
            .section
            .iter()
            .flat_map(|s| {
                s.factors
                    .iter()
                    .enumerate()
                    .map(move |(i, f)| (format!("{}.{}", s.number, i + 1), f.as_str()))
            })
            .collect()
    }

    pub fn domain(&self, code: &str) -> Option<&DomainEntry> {
        self.domains.domain.iter().find(|d| d.code == code)
    }
}

/// Where `key` of `[table]` stands in the TOML text, to keep the file's order.
fn position_in(text: &str, table: &str, key: &str) -> usize {
    let header = format!("[{table}]");
    let start = text.find(&header).unwrap_or(0);
    text[start..]
        .lines()
        .position(|l| l.split('=').next().map(str::trim) == Some(key))
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_catalog_has_seven_criteria_with_the_seed_counts() {
        let counts: Vec<usize> = catalog()
            .child
            .criterion
            .iter()
            .map(|c| c.indicators.len())
            .collect();
        assert_eq!(counts, vec![5, 7, 6, 6, 6, 6, 6]);
    }

    #[test]
    fn option_lists_keep_the_forms_order_and_match_tolerantly() {
        let c = catalog();
        assert_eq!(
            c.labels("risk_level"),
            vec!["Нет риска", "Низкий", "Средний", "Высокий", "Угроза жизни"]
        );
        assert_eq!(
            c.lookup("risk_level", " угроза  ЖИЗНИ "),
            Some("threat_to_life")
        );
        assert_eq!(c.lookup("sex", "ж"), Some("F"));
        assert_eq!(c.lookup("presence", "−"), Some("minus"));
        assert_eq!(c.lookup("sex", "X"), None);
        assert_eq!(c.list("domain").len(), 6);
    }
}

/// Groups of given-name variants, folded: `templates/catalog/name_variants.toml`, then the
/// groups of `extra` (an archive's own `name_variants.toml`, same shape).
#[derive(Debug, Clone, Default)]
pub struct NameVariants {
    /// Folded name → its group's index.
    group_of: HashMap<String, usize>,
    groups: Vec<Vec<String>>,
}

#[derive(Deserialize)]
struct VariantFile {
    groups: Vec<Vec<String>>,
}

impl NameVariants {
    /// The built-in groups and those of `extra` (TOML text); a name in two groups joins them.
    pub fn parse(extra: Option<&str>) -> Result<NameVariants, toml::de::Error> {
        let mut out = NameVariants::default();
        for text in std::iter::once(NAME_VARIANTS).chain(extra) {
            let file: VariantFile = toml::from_str(text)?;
            for group in file.groups {
                let names: Vec<String> = group
                    .iter()
                    .map(|n| fold(n))
                    .filter(|n| !n.is_empty())
                    .collect();
                let joined = names.iter().find_map(|n| out.group_of.get(n).copied());
                let g = joined.unwrap_or_else(|| {
                    out.groups.push(Vec::new());
                    out.groups.len() - 1
                });
                for n in names {
                    if !out.groups[g].contains(&n) {
                        out.groups[g].push(n.clone());
                    }
                    out.group_of.insert(n, g);
                }
            }
        }
        Ok(out)
    }

    /// The built-in groups.
    pub fn builtin() -> &'static NameVariants {
        static BUILTIN: OnceLock<NameVariants> = OnceLock::new();
        BUILTIN.get_or_init(|| NameVariants::parse(None).expect("name_variants.toml is malformed"))
    }

    /// The other names of `folded`'s group (empty when it has none).
    pub fn others(&self, folded: &str) -> impl Iterator<Item = &str> {
        self.group_of
            .get(folded)
            .map(|&g| self.groups[g].as_slice())
            .unwrap_or(&[])
            .iter()
            .map(String::as_str)
            .filter(move |n| *n != folded)
    }

    /// Whether two folded names are variants of one name (not the same spelling).
    pub fn same_name(&self, a: &str, b: &str) -> bool {
        a != b
            && self
                .group_of
                .get(a)
                .is_some_and(|g| self.group_of.get(b) == Some(g))
    }
}

/// The file of an archive's own given-name variants, beside its cases.
pub const ARCHIVE_VARIANTS: &str = "name_variants.toml";

/// The name variants the search and I-KNOWN use for the archive at `root`: the built-in
/// groups joined with `ARCHIVE/name_variants.toml` when there is one. A file that cannot be
/// read gives the built-in groups and a Russian message naming the file and the line.
pub fn variants_for(root: &std::path::Path) -> (NameVariants, Option<String>) {
    let path = root.join(ARCHIVE_VARIANTS);
    let builtin = || NameVariants::builtin().clone();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (builtin(), None),
        Err(e) => {
            let msg = format!(
                "{} не прочитан ({e}); используются только встроенные варианты имён",
                path.display()
            );
            return (builtin(), Some(msg));
        }
    };
    match NameVariants::parse(Some(&text)) {
        Ok(v) => (v, None),
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1);
            let msg = format!(
                "{}, строка {line}: файл не читается — ожидается groups = [[\"наталья\", \
                 \"наталия\"], …] (одна группа вариантов имени в квадратных скобках, имена в \
                 кавычках через запятую); используются только встроенные варианты имён",
                path.display()
            );
            (builtin(), Some(msg))
        }
    }
}

#[cfg(test)]
mod variant_tests {
    use super::*;

    #[test]
    fn built_in_groups_fold_and_name_each_other() {
        let v = NameVariants::builtin();
        let mut others: Vec<&str> = v.others("наталья").collect();
        others.sort();
        assert_eq!(others, vec!["наталия"]);
        assert!(v.same_name("софья", "софия"));
        assert!(v.same_name("дарья", "дария"));
        // Артём folds to «артем», which is in a group with «артемий».
        assert!(v.same_name(&fold("Артём"), "артемий"));
        assert!(
            !v.same_name("наталья", "наталья"),
            "one spelling is not a variant"
        );
        assert!(!v.same_name("наталья", "софья"));
        assert_eq!(v.others("петр").count(), 0);
        assert_eq!(v.others("нет-такого").count(), 0);
    }

    #[test]
    fn a_regions_file_adds_groups_and_joins_a_name_in_two() {
        let v = NameVariants::parse(Some(
            "groups = [[\"Наталья\", \"Наташа\"], [\"Зоя\", \"Зоия\"]]",
        ))
        .expect("parse");
        // Joined to the built-in «наталья / наталия», folded.
        assert!(v.same_name("наташа", "наталия"));
        assert!(v.same_name("зоя", "зоия"));
        let mut others: Vec<&str> = v.others("наталия").collect();
        others.sort();
        assert_eq!(others, vec!["наталья", "наташа"]);
    }

    #[test]
    fn the_archives_file_is_read_and_a_broken_one_named_by_line() {
        let dir = tempfile::tempdir().expect("tmp");
        let (v, msg) = variants_for(dir.path());
        assert!(msg.is_none());
        assert!(!v.same_name("зоя", "зоия"));
        std::fs::write(
            dir.path().join(ARCHIVE_VARIANTS),
            "groups = [[\"Зоя\", \"Зоия\"]]\n",
        )
        .expect("write");
        let (v, msg) = variants_for(dir.path());
        assert!(msg.is_none());
        assert!(v.same_name("зоя", "зоия"));
        std::fs::write(
            dir.path().join(ARCHIVE_VARIANTS),
            "# мои варианты\ngroups = [\n  [\"Зоя\", \"Зоия\"],\n  [\"Ия\" \"Ия\"],\n]\n",
        )
        .expect("write");
        let (v, msg) = variants_for(dir.path());
        let msg = msg.expect("a message");
        assert!(msg.contains("name_variants.toml, строка 4:"), "{msg}");
        assert!(v.same_name("софья", "софия"), "the built-in groups stay");
        assert!(!v.same_name("зоя", "зоия"));
    }
}
