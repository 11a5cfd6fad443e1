//! `okno validate --annotate DIR`: the sender's workbook handed back with its bad cells
//! filled and noted, read back by openpyxl as the sender's office program would.

mod common;

use common::{okno, python_has, root};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// openpyxl present, or (under CI) a failure; locally a skip with a note.
fn openpyxl() -> bool {
    if python_has("openpyxl") {
        return true;
    }
    assert!(
        std::env::var("CI").is_err(),
        "openpyxl is missing (pip install openpyxl)"
    );
    eprintln!("note: openpyxl is missing; the annotated workbook test is skipped");
    false
}

fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "python failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// (sheet, cell) of every located diagnostic of `input`, from `validate --format json`.
fn bad_cells(input: &str) -> (BTreeSet<(String, String)>, usize, Vec<serde_json::Value>) {
    let out = okno(&["validate", "--format", "json", input]);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let cells = lines
        .iter()
        .filter_map(|d| {
            Some((
                d["sheet"].as_str()?.to_string(),
                d["cell"].as_str()?.to_string(),
            ))
        })
        .collect();
    (cells, lines.len(), lines)
}

/// Per cell of every sheet but «Замечания»: sheet, cell, fill, note; and the sheets.
const READ: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
src = openpyxl.load_workbook(sys.argv[2]) if len(sys.argv) > 2 else None
out = {"sheets": wb.sheetnames, "cells": [], "remarks": [], "same_values": True}
for ws in wb.worksheets:
    if ws.title.startswith("Замечания"):
        out["remarks"] = [[c.value for c in row] for row in ws.iter_rows()]
        continue
    for row in ws.iter_rows():
        for c in row:
            fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
            note = c.comment.text if c.comment else None
            before = None
            if src is not None and ws.title in src.sheetnames:
                s = src[ws.title][c.coordinate]
                before = s.fill.fgColor.rgb if s.fill is not None and s.fill.fill_type == "solid" else None
            # Only what okno changed: a fill the sender's cell did not have, a note.
            if (fill and fill != before) or note:
                out["cells"].append([ws.title, c.coordinate, fill, note])
            if src is not None and ws.title in src.sheetnames:
                if src[ws.title][c.coordinate].value != c.value:
                    out["same_values"] = False
print(json.dumps(out, ensure_ascii=False, default=str))
"#;

#[test]
fn annotated_register_marks_exactly_the_bad_cells() {
    if !openpyxl() {
        return;
    }
    let input = "fixtures/broken/register-bad-row.xlsx";
    let (cells, count, diags) = bad_cells(input);
    assert!(!cells.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let out = okno(&[
        "validate",
        "--annotate",
        dir.path().to_str().unwrap(),
        input,
    ]);
    assert_eq!(out.status.code(), Some(1), "errors → exit 1");
    let book = dir.path().join("register-bad-row-замечания.xlsx");
    assert!(book.is_file(), "{}", String::from_utf8_lossy(&out.stderr));
    let read: serde_json::Value = serde_json::from_str(&python(
        READ,
        &[book.to_str().unwrap(), root().join(input).to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(read["sheets"], serde_json::json!(["Реестр", "Замечания"]));
    assert_eq!(read["same_values"], true, "the sender's values are kept");
    let marked: BTreeSet<(String, String)> = read["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c[0].as_str().unwrap().into(), c[1].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        marked, cells,
        "filled and noted: exactly the cells of the diagnostics"
    );
    for c in read["cells"].as_array().unwrap() {
        let (sheet, cell) = (c[0].as_str().unwrap(), c[1].as_str().unwrap());
        let here: Vec<&serde_json::Value> = diags
            .iter()
            .filter(|d| d["sheet"] == sheet && d["cell"] == cell)
            .collect();
        let note = c[3].as_str().expect("a note on every marked cell");
        for d in &here {
            assert!(note.contains(d["rule"].as_str().unwrap()), "{note}");
            assert!(note.contains(d["message"].as_str().unwrap()), "{note}");
        }
        let error = here.iter().any(|d| d["severity"] == "error");
        let fill = c[2].as_str().unwrap();
        assert_eq!(fill, if error { "FFFFC7CE" } else { "FFFFEB9C" }, "{cell}");
    }
    // The bad date of row 7 in particular.
    assert!(marked.contains(&("Реестр".into(), "K7".into())));
    let remarks = read["remarks"].as_array().unwrap();
    assert_eq!(remarks[0][2], "Правило");
    assert_eq!(remarks.len(), count + 1, "one row per diagnostic");
    let rules: BTreeSet<&str> = remarks[1..]
        .iter()
        .map(|r| r[2].as_str().unwrap())
        .collect();
    assert!(rules.contains("I-DATE"), "{rules:?}");

    // Same input, same bytes.
    let again = tempfile::tempdir().unwrap();
    okno(&[
        "validate",
        "--annotate",
        again.path().to_str().unwrap(),
        input,
    ]);
    assert!(
        std::fs::read(&book).unwrap()
            == std::fs::read(again.path().join("register-bad-row-замечания.xlsx")).unwrap(),
        "the same input gives the same bytes"
    );
}

/// A sender's case workbook with a bad date, a sheet of their own with a formula and a fill:
/// all kept, the bad cell marked.
#[test]
fn annotated_case_workbook_keeps_the_senders_sheets_and_formulas() {
    if !openpyxl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("семья.xlsx");
    python(
        r#"
import sys, openpyxl
from openpyxl.styles import PatternFill, Font
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Извещение"]
done = False
for row in ws.iter_rows():
    for c in row:
        if not done and c.column > 1 and hasattr(c.value, "year"):
            c.value = "31.02.2026"; done = True
assert done
mine = wb.create_sheet("Мои заметки")
mine["A1"] = "Итого"
mine["B1"] = "=1+2"
mine["A1"].fill = PatternFill("solid", fgColor="FF00B0F0")
mine["A1"].font = Font(bold=True)
wb.save(sys.argv[2])
"#,
        &[
            root()
                .join("fixtures/other-writers/NSK-2026-0201-openpyxl.xlsx")
                .to_str()
                .unwrap(),
            src.to_str().unwrap(),
        ],
    );
    let (cells, _, diags) = bad_cells(src.to_str().unwrap());
    assert!(
        diags
            .iter()
            .any(|d| d["rule"] == "I-DATE" && d["sheet"] == "Извещение"),
        "{diags:?}"
    );
    let out_dir = dir.path().join("out");
    okno(&[
        "validate",
        "--annotate",
        out_dir.to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    let book = out_dir.join("семья-замечания.xlsx");
    let read: serde_json::Value = serde_json::from_str(&python(
        READ,
        &[book.to_str().unwrap(), src.to_str().unwrap()],
    ))
    .unwrap();
    let sheets = read["sheets"].as_array().unwrap();
    assert_eq!(
        sheets.len(),
        21,
        "19 sheets of the book, the sender's own, «Замечания»"
    );
    assert_eq!(sheets[19], "Мои заметки");
    assert_eq!(sheets[20], "Замечания");
    assert_eq!(read["same_values"], true);
    let marked: BTreeSet<(String, String)> = read["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c[0] != "Мои заметки")
        .map(|c| (c[0].as_str().unwrap().into(), c[1].as_str().unwrap().into()))
        .collect();
    assert_eq!(marked, cells);
    let kept = python(
        r#"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Мои заметки"]
print(ws["B1"].value, ws["A1"].fill.fgColor.rgb, ws["A1"].font.b, ws["A1"].comment is None)
"#,
        &[book.to_str().unwrap()],
    );
    assert_eq!(kept.trim(), "=1+2 FF00B0F0 True True");
}

/// An ods comes back as xlsx with its sheets and values.
#[test]
fn annotated_ods_comes_back_as_xlsx() {
    if !openpyxl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = "fixtures/other-writers/NSK-2026-0201-libreoffice.ods";
    okno(&[
        "validate",
        "--annotate",
        dir.path().to_str().unwrap(),
        input,
    ]);
    let book = dir.path().join("NSK-2026-0201-libreoffice-замечания.xlsx");
    let read: serde_json::Value =
        serde_json::from_str(&python(READ, &[book.to_str().unwrap()])).unwrap();
    let sheets = read["sheets"].as_array().unwrap();
    assert_eq!(sheets.first().unwrap(), "Инструкция");
    assert_eq!(sheets.last().unwrap(), "Замечания");
    assert!(Path::new(&book).is_file());
}
