//! Registers longer than any fixture, written by `okno::synth` row by row: read whole, in
//! row order, with messages that stay short however often a child recurs.

mod common;
use serde_json::Value;
use std::process::{Command, Output};

/// okno on a day after every generated notification (October–November 2026).
fn okno(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_okno"))
        .args(["--today", "2026-12-15"])
        .args(args)
        .current_dir(common::root())
        .output()
        .expect("run okno")
}

/// `okno validate FILE --format json`: (exit code, diagnostics, stderr).
fn validate(path: &std::path::Path) -> (i32, Vec<Value>, String) {
    let out = okno(&["validate", path.to_str().unwrap(), "--format", "json"]);
    let diags = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON diagnostic per line"))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        diags,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The row number of a cell address («D1001» → 1001).
fn row_of(cell: &str) -> usize {
    cell.trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap()
}

#[test]
fn one_child_in_a_thousand_rows_is_told_briefly_on_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("реестр.xlsx");
    okno::synth::write_register(&path, 1000, 11, Some(1)).unwrap();
    let (code, diags, _) = validate(&path);
    assert_eq!(code, 0, "repeats are warnings, not errors");
    let dups: Vec<&Value> = diags
        .iter()
        .filter(|d| d["rule"] == "I-DUPLICATE")
        .collect();
    assert_eq!(
        dups.len(),
        1000,
        "every notification is told about the others"
    );
    let mut rows: Vec<usize> = dups
        .iter()
        .map(|d| row_of(d["cell"].as_str().unwrap()))
        .collect();
    rows.dedup();
    assert_eq!(rows.len(), 1000, "one message per row, at its own row");
    for d in &dups {
        let m = d["message"].as_str().unwrap();
        assert!(m.chars().count() <= 400, "a message of {} chars", m.len());
        assert_eq!(m.matches("случай ").count(), 3, "three others named: {m}");
        assert!(
            !m.contains("реестр.xlsx"),
            "rows of the same register named by case, not by file: {m}"
        );
        assert!(m.contains("и еще 996"), "the rest counted: {m}");
    }
}

#[test]
fn a_register_of_thousands_of_rows_is_read_whole_and_in_row_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("реестр.xlsx");
    let rows = 3000;
    okno::synth::write_register(&path, rows, 5, None).unwrap();
    let out = okno(&["validate", path.to_str().unwrap()]);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(&format!("случаев {rows}")),
        "every row is a case: {}",
        text.lines().last().unwrap_or("")
    );
    // The rows are made cases on several threads; their diagnostics still come in row order.
    let (_, diags, _) = validate(&path);
    let order: Vec<usize> = diags
        .iter()
        .filter(|d| d["rule"] == "D-DIAG-3")
        .map(|d| row_of(d["cell"].as_str().unwrap()))
        .collect();
    assert!(
        order.len() > rows / 10,
        "about one row in six lacks the assessment"
    );
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "rows out of order");
}
