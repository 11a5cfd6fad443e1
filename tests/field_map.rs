//! The field map (issue 21): every value a form prints stands at the place its form's map
//! gives its field (`okno::forms::fields`), read from the document tree of every fixture and
//! stress case.

mod common;

use common::root;
use okno::ingest::read_path;
use okno::model::Case;

fn cases() -> Vec<Case> {
    let mut paths: Vec<_> = ["fixtures/cases", "fixtures/stress"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root().join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .flat_map(|p| read_path(p).unwrap().cases)
        .map(|c| c.case)
        .collect()
}

#[test]
fn every_tagged_value_stands_at_its_maps_place_in_the_document_tree() {
    let mut wrong = Vec::new();
    for case in cases() {
        for w in okno::forms::map_disagreements(&case) {
            wrong.push(format!("{}: {w}", case.case_id));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
