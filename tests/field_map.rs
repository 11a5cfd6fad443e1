//! The field map (issue 21): every value a form prints stands at the place its form's map
//! gives its field (`okno::forms::fields`), read from the document tree of every fixture and
//! stress case; the marker case (every text field of the model holding its own marker
//! «МК0001»…) rendered to PDF and DOCX puts each marker beside or under its map's label and
//! nowhere else; and no free-text value of the fixtures is missing from every form but the
//! documented list (`fields::NOT_ON_FORMS`).
//!
//! `OKNO_FIELD_MAP_FORMS=housing_inspection,conclusion` limits the marker and converse tests to
//! those forms (the state per form while the forms are being tagged).

mod common;

use common::forms::cases_in;
use common::{python_has, root};
use okno::doc::{Block, Document};
use okno::forms::documents;
use okno::forms::{FORMS, Form, fields};
use okno::ingest::{case_from_value, read_path};
use okno::model::Case;
use okno::render::{Format, render_files};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

fn read(paths: &[PathBuf]) -> Vec<Case> {
    paths
        .iter()
        .flat_map(|p| read_path(p).unwrap().cases)
        .map(|c| c.case)
        .collect()
}

fn cases() -> Vec<Case> {
    cases_in(&["fixtures/cases", "fixtures/stress"])
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

// --- The model's fields, read from its JSON schema ---

/// Strings the forms read as a code (looked up or used to sort, never printed as given): the
/// marker case keeps the fixtures' valid values, and the coverage count leaves them out.
const CODES: &[&str] = &[
    "/case_id",
    "/conclusion/basis_indicators",
    "/conclusion/basis_factors",
    "/family_assessment/marks/*/factor",
    "/housing_inspection/answers/*/question",
    "/housing_inspection/residents/*/group",
    "/housing_inspection/incomes/*/kind",
];

/// Strings the forms read as a choice from a catalog list, printed as a tick («☒»): the marker
/// case keeps the fixtures' values, and the coverage count looks for them among the ticks.
const TICKS: &[&str] = &[
    "/housing_inspection/marital_status",
    "/housing_inspection/ownership",
    "/housing_inspection/dwelling",
    "/housing_inspection/access",
    "/housing_inspection/heating",
    "/housing_inspection/water",
    "/housing_inspection/bathing",
    "/housing_inspection/stove",
    "/housing_inspection/relations",
    "/housing_inspection/attitude_to_child",
    "/housing_inspection/attitude_to_specialist",
];

fn is_choice(path: &str) -> bool {
    CODES.iter().chain(TICKS).any(|c| fields::covers(c, path))
}

fn is_tick(path: &str) -> bool {
    TICKS.iter().any(|c| fields::covers(c, path))
}

/// The JSON schema of a case (`okno schema`) and its definitions.
fn schema() -> (Value, Map<String, Value>) {
    let s = serde_json::to_value(schemars::schema_for!(Case)).unwrap();
    let defs = s["$defs"].as_object().unwrap().clone();
    (s, defs)
}

/// What a schema node is once `$ref` and `Option`'s `anyOf [T, null]` are looked through.
fn resolve<'a>(defs: &'a Map<String, Value>, mut s: &'a Value) -> &'a Value {
    loop {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            s = &defs[r.trim_start_matches("#/$defs/")];
        } else if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
            s = any.iter().find(|b| b["type"] != "null").unwrap();
        } else {
            return s;
        }
    }
}

/// The node's type other than null: "object", "array", "string", "number", …
fn kind(s: &Value) -> &str {
    match &s["type"] {
        Value::String(t) => t,
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or(""),
        _ => "",
    }
}

/// A string the user writes freely: no list of values, no pattern (dates), no choice.
fn is_text(s: &Value, path: &str) -> bool {
    kind(s) == "string" && s.get("enum").is_none() && s.get("pattern").is_none() && !is_choice(path)
}

/// Every leaf of the model, as a map path (`*` for an index), and whether it is free text.
fn schema_leaves(defs: &Map<String, Value>, s: &Value, path: &str, out: &mut Vec<(String, bool)>) {
    let s = resolve(defs, s);
    match kind(s) {
        "object" => {
            for (k, p) in s["properties"].as_object().unwrap() {
                schema_leaves(defs, p, &format!("{path}/{k}"), out);
            }
        }
        "array" => schema_leaves(defs, &s["items"], &format!("{path}/*"), out),
        _ => out.push((path.to_string(), is_text(s, path))),
    }
}

/// The free-text (`true`) and ticked (`false`) strings of a case's JSON, with their paths.
fn string_leaves(
    defs: &Map<String, Value>,
    s: &Value,
    v: &Value,
    path: &str,
    out: &mut Vec<(String, bool, String)>,
) {
    let s = resolve(defs, s);
    match (kind(s), v) {
        ("object", Value::Object(o)) => {
            for (k, p) in s["properties"].as_object().unwrap() {
                if let Some(x) = o.get(k) {
                    string_leaves(defs, p, x, &format!("{path}/{k}"), out);
                }
            }
        }
        ("array", Value::Array(a)) => {
            for (i, x) in a.iter().enumerate() {
                string_leaves(defs, &s["items"], x, &format!("{path}/{i}"), out);
            }
        }
        (_, Value::String(t)) if !t.trim().is_empty() && s.get("enum").is_none() => {
            if is_text(s, path) {
                out.push((path.to_string(), true, t.clone()));
            } else if is_tick(path) {
                out.push((path.to_string(), false, t.clone()));
            }
        }
        _ => {}
    }
}

// --- The marker case ---

/// The fixtures' JSON merged: objects key by key, arrays element by element, the first
/// case's value kept where both have one.
fn merge(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Null, b) => b,
        (Value::Object(mut a), Value::Object(b)) => {
            for (k, v) in b {
                let old = a.remove(&k).unwrap_or(Value::Null);
                a.insert(k, merge(old, v));
            }
            Value::Object(a)
        }
        (Value::Array(a), Value::Array(b)) => {
            let n = a.len().max(b.len());
            let (mut a, mut b) = (a.into_iter(), b.into_iter());
            Value::Array(
                (0..n)
                    .map(|_| {
                        merge(
                            a.next().unwrap_or(Value::Null),
                            b.next().unwrap_or(Value::Null),
                        )
                    })
                    .collect(),
            )
        }
        (a, _) => a,
    }
}

struct Marker<'a> {
    defs: &'a Map<String, Value>,
    /// Leave every free-text field empty instead (the hollow case: every place a blank).
    hollow: bool,
    /// Marker → the path of the field holding it (`/family/children/1/name/surname`).
    paths: BTreeMap<String, String>,
}

impl Marker<'_> {
    /// The value at `path` as the schema `s` makes it: every free-text string its own marker,
    /// missing objects built, empty arrays given two elements; choices, codes, dates, numbers
    /// and list values kept from the fixtures (or a valid one made up).
    fn fill(&mut self, s: &Value, v: Value, path: &str) -> Value {
        let s = resolve(self.defs, s);
        match kind(s) {
            "object" => {
                let mut o = match v {
                    Value::Object(o) => o,
                    _ => Map::new(),
                };
                for (k, p) in s["properties"].as_object().unwrap() {
                    let x = o.remove(k).unwrap_or(Value::Null);
                    let x = self.fill(p, x, &format!("{path}/{k}"));
                    o.insert(k.clone(), x);
                }
                Value::Object(o)
            }
            "array" if is_choice(path) => v,
            "array" => {
                let mut a = match v {
                    Value::Array(a) => a,
                    _ => vec![],
                };
                if a.is_empty() {
                    a = vec![Value::Null, Value::Null];
                }
                Value::Array(
                    a.into_iter()
                        .enumerate()
                        .map(|(i, x)| self.fill(&s["items"], x, &format!("{path}/{i}")))
                        .collect(),
                )
            }
            "string" if is_text(s, path) && self.hollow => match &s["type"] {
                Value::Array(_) => Value::Null,
                _ => json!(""),
            },
            "string" if is_text(s, path) => {
                let m = format!("МК{:04}", self.paths.len() + 1);
                self.paths.insert(m.clone(), path.to_string());
                Value::String(m)
            }
            "string" if !v.is_null() => v,
            "string" => match s.get("enum").and_then(|e| e.get(0)) {
                Some(first) => first.clone(),
                None if s.get("pattern").is_some() => json!("2026-03-02"),
                None => v,
            },
            "integer" | "number" | "boolean" if !v.is_null() => v,
            "integer" => json!(0),
            "number" => json!(1000),
            "boolean" => json!(false),
            _ => v,
        }
    }
}

/// The marker case: the fixtures merged, then every free-text field of the model (from its
/// schema, not only the fixtures' fields) holding its own marker; and marker → field path.
fn marker_case() -> (Case, BTreeMap<String, String>) {
    made_case(false)
}

/// The marker case with every free-text field left empty: each place a value would fill is a
/// blank.
fn hollow_case() -> Case {
    made_case(true).0
}

fn made_case(hollow: bool) -> (Case, BTreeMap<String, String>) {
    let (s, defs) = schema();
    let merged = cases_in(&["fixtures/cases"])
        .into_iter()
        .map(|c| serde_json::to_value(c).unwrap())
        .fold(Value::Null, merge);
    let mut m = Marker {
        defs: &defs,
        hollow,
        paths: BTreeMap::new(),
    };
    // The fixtures merged element by element may mark one indicator, factor or question
    // twice, which validate refuses (I-TWICE): keep the first of each.
    let mut merged = merged;
    for (list, key) in [
        ("/child_assessment/marks", &["criterion", "indicator"][..]),
        ("/family_assessment/marks", &["factor"]),
        ("/housing_inspection/answers", &["question"]),
        ("/support_card/answers", &["domain", "question"]),
    ] {
        if let Some(Value::Array(a)) = merged.pointer_mut(list) {
            let mut seen = BTreeSet::new();
            a.retain(|x| seen.insert(key.iter().map(|k| x[k].to_string()).collect::<Vec<_>>()));
        }
    }
    let mut v = m.fill(&s, merged, "");
    v["case_id"] = json!("MARKER-0001");
    let (case, diags) = case_from_value(v, true);
    let case = case.unwrap_or_else(|| panic!("the marker case does not read: {diags:?}"));
    (case, m.paths)
}

/// The markers in a text.
fn markers_in(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len().saturating_sub(5) {
        if chars[i] == 'М'
            && chars[i + 1] == 'К'
            && chars[i + 2..i + 6].iter().all(char::is_ascii_digit)
        {
            out.push(chars[i..i + 6].iter().collect());
        }
    }
    out
}

/// The forms the marker and converse tests look at: all, or those `OKNO_FIELD_MAP_FORMS` names.
fn forms_checked() -> Vec<&'static Form> {
    let only = std::env::var("OKNO_FIELD_MAP_FORMS").unwrap_or_default();
    let only: Vec<&str> = only
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    FORMS
        .iter()
        .filter(|f| only.is_empty() || only.contains(&f.code))
        .collect()
}

fn built(case: &Case, form: &Form) -> Vec<Document> {
    documents(case, Some(&[form.code.to_string()]), false)
}

/// Each texts of the document tree against the markers: a marker stands only in a value
/// tagged with its field (or a field above it) at a place the form's map gives that field,
/// never in a label or an untagged value. Returns the markers the tree places, with the
/// labels of their places (the whole label, which the map's gives the start of).
fn tree_check(
    doc: &Document,
    form: &Form,
    paths: &BTreeMap<String, String>,
    wrong: &mut Vec<String>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut placed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in fields::placed(doc) {
        for mk in markers_in(&p.text) {
            let path = &paths[&mk];
            if !p.fields.iter().any(|f| fields::covers(f, path)) {
                wrong.push(format!(
                    "{}: {path} ({mk}) печатается в значении полей {:?} у «{}»",
                    doc.form, p.fields, p.label
                ));
            } else if form
                .fields
                .iter()
                .any(|m| fields::covers(m.field, path) && fields::label_matches(&p.label, m.label))
            {
                placed
                    .entry(mk.clone())
                    .or_default()
                    .insert(p.label.clone());
            } else {
                wrong.push(format!(
                    "{}: {path} ({mk}) стоит у «{}», карта формы: {:?}",
                    doc.form,
                    p.label,
                    form.fields
                        .iter()
                        .filter(|m| fields::covers(m.field, path))
                        .map(|m| m.label)
                        .collect::<Vec<_>>()
                ));
            }
            placed.entry(mk).or_default();
        }
    }
    wrong.extend(fields::disagreements(doc, form.fields));
    for (label, text, _) in fields::untagged(doc) {
        for mk in markers_in(&text) {
            wrong.push(format!(
                "{}: {} ({mk}) печатается без поля у «{label}»",
                doc.form, paths[&mk]
            ));
        }
    }
    for l in doc.labels() {
        for mk in markers_in(&l) {
            wrong.push(format!(
                "{}: {} ({mk}) в тексте формы «{l}»",
                doc.form, paths[&mk]
            ));
        }
    }
    placed
}

/// Runs scripts/check_markers.py on a rendered file: (markers found with their counts, wrong).
fn file_check(
    file: &std::path::Path,
    spec: &std::path::Path,
) -> (BTreeMap<String, u64>, Vec<String>) {
    let o = Command::new("python3")
        .arg(root().join("scripts/check_markers.py"))
        .args([file, spec])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let found = v["found"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
        .collect();
    let wrong = v["wrong"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    (found, wrong)
}

#[test]
fn every_marker_stands_beside_or_under_its_maps_label_in_the_pdf_and_the_docx() {
    if !python_has("pdfplumber") {
        eprintln!("SKIPPED: pdfplumber (PyPI) is not installed");
        return;
    }
    let (case, paths) = marker_case();
    let tmp = tempfile::tempdir().unwrap();
    // `OKNO_FIELD_MAP_KEEP=DIR` keeps the rendered forms there, to look at.
    let dir =
        std::env::var_os("OKNO_FIELD_MAP_KEEP").map_or(tmp.path().to_path_buf(), PathBuf::from);
    let mut report = Vec::new();
    let mut failed = 0;
    for form in forms_checked() {
        let docs = built(&case, form);
        let mut wrong = Vec::new();
        let mut count = 0;
        // Each document alone (a monitoring is one document per monitoring).
        for d in &docs {
            let placed = tree_check(d, form, &paths, &mut wrong);
            count += placed.len();
            // Each marker's places: the whole labels of its places in the tree (which the check
            // above holds to the map), else the labels of its field's map entries.
            let labels: BTreeMap<&String, Vec<&str>> = paths
                .iter()
                .map(|(mk, path)| {
                    if let Some(ls) = placed.get(mk).filter(|ls| !ls.is_empty()) {
                        return (mk, ls.iter().map(String::as_str).collect());
                    }
                    let ls = form
                        .fields
                        .iter()
                        .filter(|m| fields::covers(m.field, path))
                        .map(|m| m.label)
                        .collect();
                    (mk, ls)
                })
                .collect();
            let spec = dir.join(format!("{}.json", d.form));
            std::fs::write(
                &spec,
                json!({ "pattern": "МК\\d{4}", "labels": labels }).to_string(),
            )
            .unwrap();
            let files =
                render_files(std::slice::from_ref(d), &[Format::Pdf, Format::Docx], &dir).unwrap();
            for (file, bytes) in files {
                std::fs::write(&file, bytes).unwrap();
                let (found, w) = file_check(&file, &spec);
                let name = file.file_name().unwrap().to_string_lossy().to_string();
                wrong.extend(w.into_iter().map(|w| format!("{name}: {w}")));
                for mk in placed.keys() {
                    if !found.contains_key(mk) {
                        wrong.push(format!(
                            "{name}: {} ({mk}) есть в дереве документа, но не в файле",
                            paths[mk]
                        ));
                    }
                }
            }
        }
        report.push(format!(
            "{}: {} markers placed, {} wrong",
            form.code,
            count,
            wrong.len()
        ));
        if !wrong.is_empty() {
            failed += 1;
            report.extend(wrong.into_iter().map(|w| format!("  {w}")));
        }
    }
    println!("{}", report.join("\n"));
    assert_eq!(failed, 0, "\n{}", report.join("\n"));
}

/// Lines left blank for a hand to fill although they are no signature's: their labels.
const HAND_LINES: &[&str] = &[];

#[test]
fn every_place_that_takes_a_value_has_a_field_but_lines_to_sign_by_hand() {
    let case = hollow_case();
    let mut wrong = Vec::new();
    for form in forms_checked() {
        for d in built(&case, form) {
            for (label, text, signed) in fields::untagged(&d) {
                if !signed
                    && text.is_empty()
                    && !HAND_LINES.iter().any(|h| fields::label_matches(&label, h))
                {
                    wrong.push(format!("{}: пустая строка без поля у «{label}»", d.form));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The values and ticked options of every form and log of a case, spaces folded and break
/// points dropped.
fn printed(case: &Case) -> (Vec<String>, BTreeSet<String>) {
    let mut values = Vec::new();
    let mut ticked = BTreeSet::new();
    // The logs (App. 1, the intake log) print a case's row too.
    let logs = [
        okno::forms::detection_log(&[case], None),
        okno::forms::intake_log(&[case], None),
    ];
    for d in documents(case, None, false).into_iter().chain(logs) {
        values.extend(fields::placed(&d).into_iter().map(|p| norm(&p.text)));
        values.extend(fields::untagged(&d).into_iter().map(|(_, t, _)| norm(&t)));
        for b in &d.blocks {
            let checks: Vec<&okno::doc::Check> = match b {
                Block::Checks { options, .. } => options.iter().collect(),
                Block::Table { rows, .. } => {
                    rows.iter().flatten().flat_map(|c| &c.checks).collect()
                }
                _ => vec![],
            };
            for c in checks {
                if c.checked {
                    ticked.insert(okno::text::fold(&c.label));
                }
            }
        }
    }
    (values, ticked)
}

fn norm(s: &str) -> String {
    s.replace(['\u{200b}', '\u{ad}'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn documented(path: &str) -> bool {
    fields::NOT_ON_FORMS
        .iter()
        .any(|(f, _)| fields::covers(f, path))
}

/// The free-text values and ticked choices of `cases` that no form prints and the
/// documented list does not name, and the counts (values, documented).
fn missing_values(cases: &[Case]) -> ([usize; 2], usize, Vec<String>) {
    let (s, defs) = schema();
    let (mut total, mut listed) = ([0, 0], 0);
    let mut missing = Vec::new();
    for case in cases {
        let (values, ticked) = printed(case);
        let mut leaves = Vec::new();
        string_leaves(
            &defs,
            &s,
            &serde_json::to_value(case).unwrap(),
            "",
            &mut leaves,
        );
        for (path, text, value) in leaves {
            total[usize::from(!text)] += 1;
            if documented(&path) {
                listed += 1;
                continue;
            }
            let v = norm(&value);
            let found = values.iter().any(|x| x.contains(&v))
                || (!text && ticked.contains(&okno::text::fold(&value)));
            if !found {
                let short: String = value.chars().take(40).collect();
                missing.push(format!("{}: {path} «{short}»", case.case_id));
            }
        }
    }
    (total, listed, missing)
}

#[test]
fn no_free_text_value_of_the_fixtures_is_missing_from_every_form_but_the_documented_list() {
    let mut report = Vec::new();
    let mut all = Vec::new();
    let register = root().join("fixtures/register/register-2026-10.xlsx");
    for (what, cases) in [
        ("fixture and stress cases", cases()),
        ("register rows", read(&[register])),
    ] {
        let (total, listed, missing) = missing_values(&cases);
        report.push(format!(
            "{} {what}: {} free-text values and {} ticked choices, {listed} on the documented list, {} missing from every form",
            cases.len(),
            total[0],
            total[1],
            missing.len()
        ));
        all.extend(missing);
    }
    println!("{}", report.join("\n"));
    assert!(all.is_empty(), "{}\n{}", report.join("\n"), all.join("\n"));
}

#[test]
fn every_field_of_the_model_is_on_some_forms_map_or_on_the_documented_list() {
    let (s, defs) = schema();
    let mut leaves = Vec::new();
    schema_leaves(&defs, &s, "", &mut leaves);
    let missing: Vec<&String> = leaves
        .iter()
        .map(|(p, _)| p)
        .filter(|p| {
            !documented(p)
                && !FORMS
                    .iter()
                    .flat_map(|f| f.fields)
                    .chain(okno::forms::DETECTION_LOG_FIELDS)
                    .chain(okno::forms::INTAKE_LOG_FIELDS)
                    .any(|m| fields::covers(m.field, p))
        })
        .collect();
    println!(
        "{} fields of the model, {} on no map",
        leaves.len(),
        missing.len()
    );
    assert!(
        missing.is_empty(),
        "{}",
        missing
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_marker_of_the_marker_case_is_printed_by_some_form_or_documented() {
    let (case, paths) = marker_case();
    let mut seen = BTreeSet::new();
    let logs = [
        okno::forms::detection_log(&[&case], None),
        okno::forms::intake_log(&[&case], None),
    ];
    let docs = FORMS.iter().flat_map(|f| built(&case, f)).chain(logs);
    for d in docs {
        for p in fields::placed(&d) {
            seen.extend(markers_in(&p.text));
        }
        for (_, t, _) in fields::untagged(&d) {
            seen.extend(markers_in(&t));
        }
    }
    let missing: Vec<String> = paths
        .iter()
        .filter(|(mk, p)| !seen.contains(*mk) && !documented(p))
        .map(|(mk, p)| format!("{p} ({mk})"))
        .collect();
    println!(
        "{} markers, {} printed by no form or log",
        paths.len(),
        missing.len()
    );
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
