//! The seed is the specification: every catalog text is in seed 003 verbatim, every rule of
//! RULES.md is implemented and documented, and the README's layout is the real one.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The specification, carried by the repository (`docs/README.md` says what each file is).
fn docs() -> PathBuf {
    root().join("docs")
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A seed, by its file in `docs/`: seed 000 is `procedure-presentation.txt`,
/// seed 003 `procedure-appendices.txt`.
fn seed(file: &str) -> String {
    let path = docs().join(file);
    let text = std::fs::read_to_string(&path);
    squash(&text.unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

#[test]
fn catalog_texts_are_verbatim_from_seed_003() {
    let seed003 = seed("procedure-appendices.txt");
    let seed000 = seed("procedure-presentation.txt");
    let cat = okno::catalog::catalog();
    let mut texts: Vec<(String, &str)> = Vec::new();
    for c in &cat.child.criterion {
        texts.push((c.title.clone(), "criterion"));
        texts.extend(c.indicators.iter().map(|i| (i.clone(), "indicator")));
    }
    texts.extend(cat.child.notes.iter().map(|n| (n.clone(), "note")));
    for s in &cat.family.section {
        texts.push((s.title.clone(), "factor section"));
        texts.extend(s.factors.iter().map(|f| (f.clone(), "factor")));
    }
    for d in &cat.domains.domain {
        texts.push((d.title.clone(), "domain"));
        for q in &d.question {
            texts.push((q.text.clone(), "question"));
            for line in q.hint.iter().flat_map(|h| h.lines()) {
                texts.push((line.to_string(), "hint"));
            }
        }
    }
    for q in &cat.housing.question {
        texts.push((q.text.clone(), "housing question"));
    }
    let mut missing = Vec::new();
    for (t, what) in &texts {
        if !seed003.contains(&squash(t)) {
            missing.push(format!("{what}: «{t}»"));
        }
    }
    // Option lists: seed 003, except the agency kinds, which only seed 000 names.
    for list in [
        "sex",
        "signal_check",
        "primary_assessment",
        "notification_attachment",
        "family_type",
        "representative_role",
    ] {
        for l in cat.labels(list) {
            if !seed003.contains(&squash(l)) {
                missing.push(format!("{list}: «{l}»"));
            }
        }
    }
    for l in cat.labels("agency_kind") {
        if !seed000.contains(l) {
            missing.push(format!("agency_kind: «{l}»"));
        }
    }
    for l in cat.labels("risk_level") {
        // The conclusion prints the levels in capitals («НИЗКИЙ»), the monitoring as «Низкий».
        if !seed003.contains(l) && !seed003.contains(&l.to_uppercase()) {
            missing.push(format!("risk_level: «{l}»"));
        }
    }
    assert!(
        missing.is_empty(),
        "not in the seed:\n{}",
        missing.join("\n")
    );
    assert!(
        texts.len() > 100,
        "the catalogs are loaded ({} texts)",
        texts.len()
    );
}

#[test]
fn every_rule_of_rules_md_is_implemented_and_documented() {
    let rules_md = std::fs::read_to_string(docs().join("RULES.md")).expect("docs/RULES.md");
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let ids: Vec<&str> = rules_md
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next())
        .filter(|id| {
            id.len() > 2
                && id.as_bytes()[1] == b'-'
                && id
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        })
        .collect();
    assert!(ids.len() >= 35, "RULES.md parsed: {ids:?}");
    for id in ids {
        assert!(
            okno::validate::RULES.iter().any(|(r, _)| *r == id),
            "{id} is not in validate::RULES"
        );
        assert!(
            readme.contains(&format!("| {id} |")),
            "{id} is not in the README's rule list"
        );
        // The checks: every file of validate/ and ingest/ (a value that does not fit its
        // field is reported where it is read), and the archive's index (I-KNOWN looks the
        // child up there), but the list of rules itself.
        let src = ["src/validate", "src/ingest", "src/index"]
            .iter()
            .flat_map(|d| walkdir::WalkDir::new(root().join(d)))
            .map(|e| e.unwrap())
            .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
            .filter(|e| !e.path().ends_with("validate/mod.rs"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect::<String>();
        assert!(src.contains(&format!("\"{id}\"")), "no check reports {id}");
    }
}

#[test]
fn the_readme_layout_section_is_the_real_layout() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let begin = readme.find("<!-- layout:begin").expect("layout marker");
    let body_start = readme[begin..].find("-->").unwrap() + begin + 3;
    let end = readme
        .find("<!-- layout:end -->")
        .expect("layout end marker");
    assert_eq!(
        readme[body_start..end].trim(),
        okno::sheet_layouts::markdown().trim(),
        "README's layout is stale: replace it with the output of `cargo run -- layout`"
    );
}

#[test]
fn the_schema_describes_the_case() {
    let schema = serde_json::to_value(schemars::schema_for!(okno::Case)).unwrap();
    let props = schema["properties"].as_object().unwrap();
    for key in [
        "case_id",
        "family",
        "notification",
        "child_assessment",
        "conclusion",
        "support_card",
        "monitoring",
        "consilium",
    ] {
        assert!(props.contains_key(key), "{key} missing from the schema");
    }
}
