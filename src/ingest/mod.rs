//! Ingest: a file (JSON, TOML, case workbook, register) becomes `Case` values, each with a
//! `SourceMap` that remembers where every value came from so that a diagnostic about the
//! model can point at the file, sheet and cell.
//!
//! Every reader first builds a JSON value shaped like the model and then goes through one
//! deserialization (`case_from_value`), so a date or an option is read the same way whatever
//! the input. A value that cannot be read is reported at its place and left out; the rest of
//! the case is still read and checked.

pub mod bounds;
pub(crate) mod cells;
mod json;
mod register;
mod workbook;

use crate::diagnostic::Diagnostic;
use crate::model::Case;
use crate::model::values::{DATE_ERROR_TAG, OPTION_ERROR_TAG};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub use cells::address as cells_address;
pub use workbook::{SheetWindow, sheet_window};

/// An input beyond a cap of `bounds` (too far, too large, too long, too deep).
pub(crate) fn size_error(pointer: impl Into<String>, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error("I-SIZE", pointer, message)
}

/// A file refused as a whole for its size (I-SIZE), with nothing read from it.
fn refused(file: &str, message: String) -> Vec<Diagnostic> {
    let mut d = size_error("", message);
    d.file = file.to_string();
    vec![d]
}

/// One case read from an input, with where its values came from.
#[derive(Debug, Clone)]
pub struct IngestedCase {
    pub case: Case,
    pub source: SourceMap,
    /// Problems met while reading (unknown columns, unreadable values), already located.
    pub diagnostics: Vec<Diagnostic>,
    /// For a register row: the row itself (sheet, row, every header with its cell), which is
    /// what the archive keeps as the case's input — not the whole register, whose other rows
    /// are other families.
    pub origin: Option<Value>,
}

/// What a file gave: its cases and the problems that concern the file as a whole.
#[derive(Debug, Default)]
pub struct Ingested {
    pub file: String,
    pub cases: Vec<IngestedCase>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Ingested {
    /// A case read whole or in part with its diagnostics; when nothing of a case could be
    /// read, the diagnostics are the file's.
    pub(crate) fn add(
        &mut self,
        case: Option<Case>,
        source: SourceMap,
        diagnostics: Vec<Diagnostic>,
    ) {
        match case {
            Some(case) => self.cases.push(IngestedCase {
                case,
                source,
                diagnostics,
                origin: None,
            }),
            None => self.diagnostics.extend(diagnostics),
        }
    }
}

/// Why a file could not be read at all (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct Unreadable {
    pub file: String,
    pub message: String,
}

/// Where the values of one case live in its file.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    pub file: String,
    /// For JSON/TOML: the pointer of the case inside the file (`/cases/2`), prefixed to
    /// model pointers.
    pub json_prefix: Option<String>,
    /// For spreadsheets: model pointer → (sheet, cell).
    pub cells: HashMap<String, (String, String)>,
    /// Model pointer prefixes → sheet, for values whose cell is unknown (a sheet not filled).
    pub sheets: Vec<(String, String)>,
    /// The place of the case as a whole (the register row's first cell).
    pub default: Option<(String, Option<String>)>,
    /// For a register row: its register's columns, shared by every row, so a row's cells are
    /// named only when a diagnostic needs one.
    pub row: Option<RowColumns>,
}

/// Where a register row's fields are: model pointer → column, the same for every row of the
/// register.
#[derive(Debug, Clone)]
pub struct RowColumns {
    pub sheet: Arc<str>,
    pub row: u32,
    pub columns: Arc<HashMap<&'static str, u32>>,
}

impl SourceMap {
    /// Fills the file, sheet and cell of a diagnostic about this case.
    pub fn locate(&self, d: &mut Diagnostic) {
        d.file = self.file.clone();
        if let Some(prefix) = &self.json_prefix {
            d.pointer = format!("{prefix}{}", d.pointer);
            return;
        }
        let mut p = d.pointer.as_str();
        loop {
            if let Some((sheet, cell)) = self.cells.get(p) {
                d.sheet = Some(sheet.clone());
                d.cell = Some(cell.clone());
                return;
            }
            if let Some(row) = &self.row
                && let Some(c) = row.columns.get(p)
            {
                d.sheet = Some(row.sheet.to_string());
                d.cell = Some(cells::address(row.row, *c));
                return;
            }
            match p.rfind('/') {
                Some(i) if i > 0 => p = &p[..i],
                _ => break,
            }
        }
        if let Some((_, sheet)) = self
            .sheets
            .iter()
            .filter(|(prefix, _)| d.pointer.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
        {
            d.sheet = Some(sheet.clone());
        } else if let Some((sheet, cell)) = &self.default {
            d.sheet = Some(sheet.clone());
            d.cell = cell.clone();
        }
    }
}

/// Reads any input okno understands, by its extension.
pub fn read_path(path: &Path) -> Result<Ingested, Unreadable> {
    let mut cases = Vec::new();
    let diagnostics = read_path_each(path, &mut |c| cases.push(c))?;
    Ok(Ingested {
        file: path.display().to_string(),
        cases,
        diagnostics,
    })
}

/// Reads any input case by case: `each` is handed every case as soon as it is read — a
/// register one row at a time, streamed from the file — so an input of any length is never
/// held whole. Returns the diagnostics about the file as a whole.
pub fn read_path_each(
    path: &Path,
    each: &mut dyn FnMut(IngestedCase),
) -> Result<Vec<Diagnostic>, Unreadable> {
    read_path_with(
        path,
        Each {
            origin: true,
            map: &|c| c,
            each,
        },
    )
}

/// What is done with each case of an input as it is read: `map` on the reading threads (a
/// register's rows are made cases and mapped on every core), then `each` on the caller's
/// thread, in the input's order.
pub struct Each<'a, T> {
    /// Keep a register row's own cells (`IngestedCase::origin`): only the archive needs them.
    pub origin: bool,
    pub map: &'a (dyn Fn(IngestedCase) -> T + Sync),
    pub each: &'a mut dyn FnMut(T),
}

/// `read_path_each` with a step on the reading threads (`Each`).
pub fn read_path_with<T: Send>(path: &Path, each: Each<T>) -> Result<Vec<Diagnostic>, Unreadable> {
    let file = path.display().to_string();
    let unreadable = |e: std::io::Error| Unreadable {
        file: file.clone(),
        message: format!("не удалось прочитать файл: {}", io_reason(&e)),
    };
    if !is_spreadsheet(path) {
        let size = std::fs::metadata(path).map_err(unreadable)?.len();
        if size > bounds::MAX_TEXT_INPUT_BYTES {
            return Ok(refused(&file, too_large(size)));
        }
        let bytes = std::fs::read(path).map_err(unreadable)?;
        return read_bytes(&file, &bytes).map(|ing| {
            for c in ing.cases {
                (each.each)((each.map)(c));
            }
            ing.diagnostics
        });
    }
    let opened = std::fs::File::open(path).map_err(unreadable)?;
    if let Err(message) = bounds::check_package(std::io::BufReader::new(opened)) {
        return Ok(refused(&file, message));
    }
    guarded(&file, || {
        let book = workbook::open_book(|| {
            std::fs::File::open(path)
                .map(std::io::BufReader::new)
                .map_err(calamine::Error::Io)
        });
        workbook::read_workbook_each(&file, book, each)
    })
}

fn is_spreadsheet(path: &Path) -> bool {
    matches!(extension(path).as_str(), "xlsx" | "xlsm" | "xls" | "ods")
}

/// calamine parses untrusted archives; a panic in it must not take the batch down.
fn guarded(
    file: &str,
    read: impl FnOnce() -> Result<Vec<Diagnostic>, Unreadable>,
) -> Result<Vec<Diagnostic>, Unreadable> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(Unreadable {
            file: file.to_string(),
            message: "файл таблицы повреждён и не может быть прочитан".to_string(),
        })
    })
}

/// The kinds of input, by file extension.
pub fn is_input(path: &Path) -> bool {
    matches!(
        extension(path).as_str(),
        "json" | "toml" | "xlsx" | "xlsm" | "xls" | "ods"
    )
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase()
}

/// Reads an input from memory; `name` gives its kind by extension and names it in messages.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<Ingested, Unreadable> {
    let unreadable = |message: String| Unreadable {
        file: name.to_string(),
        message,
    };
    let ext = extension(Path::new(name));
    let text = matches!(ext.as_str(), "json" | "toml");
    if text && bytes.len() as u64 > bounds::MAX_TEXT_INPUT_BYTES {
        return Ok(Ingested {
            file: name.to_string(),
            cases: Vec::new(),
            diagnostics: refused(name, too_large(bytes.len() as u64)),
        });
    }
    if !text && let Err(message) = bounds::check_package(std::io::Cursor::new(bytes)) {
        return Ok(Ingested {
            file: name.to_string(),
            cases: Vec::new(),
            diagnostics: refused(name, message),
        });
    }
    match ext.as_str() {
        "json" => json::read_json(name, bytes),
        "toml" => json::read_toml(name, bytes),
        "xlsx" | "xlsm" | "xls" | "ods" => {
            let mut cases = Vec::new();
            let diagnostics = guarded(name, || {
                let book = workbook::open_book(|| Ok(std::io::Cursor::new(bytes)));
                let each = Each {
                    origin: true,
                    map: &|c| c,
                    each: &mut |c| cases.push(c),
                };
                workbook::read_workbook_each(name, book, each)
            })?;
            Ok(Ingested {
                file: name.to_string(),
                cases,
                diagnostics,
            })
        }
        other => Err(unreadable(format!(
            "неизвестный вид файла «.{other}»: okno читает .xlsx, .xls, .ods, .json и .toml"
        ))),
    }
}

fn too_large(size: u64) -> String {
    format!(
        "файл занимает {} МБ, а okno читает файлы JSON и TOML не больше {} МБ: разделите его на несколько",
        size / (1024 * 1024),
        bounds::MAX_TEXT_INPUT_BYTES / (1024 * 1024)
    )
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "файл не найден".into(),
        std::io::ErrorKind::PermissionDenied => "нет прав на чтение".into(),
        _ => e.to_string(),
    }
}

/// Deserializes one case from its JSON shape. A value that does not fit its field is
/// reported (with the field's rule) and removed, and the rest is read again, so one bad
/// cell never hides the others. Unknown fields are reported as I-UNKNOWN.
pub fn case_from_value(mut value: Value, report_unknown: bool) -> (Option<Case>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    too_long(&mut value, &mut String::new(), &mut diags);
    drop_empty(&mut value);
    crate::model::upgrade_old_shape(&mut value);
    // Most cases read whole: try once without tracking the path of an error, which costs a
    // good part of a register row; a case that fails is read again below to name its field.
    // Where no field can be unknown (a register row's are the model's own), not even the
    // unknown ones are tracked.
    if report_unknown {
        let mut unknown: Vec<String> = Vec::new();
        let mut on_unknown = |path: serde_ignored::Path| unknown.push(ignored_pointer(&path));
        let de = serde_ignored::Deserializer::new(&value, &mut on_unknown);
        if let Ok(case) = Case::deserialize(de) {
            diags.extend(unknown.iter().map(|p| unknown_field(p)));
            return (Some(case), diags);
        }
    } else if let Ok(case) = Case::deserialize(&value) {
        return (Some(case), diags);
    }
    for _ in 0..10_000 {
        let mut unknown: Vec<String> = Vec::new();
        let result: Result<Case, _> = {
            let mut on_unknown = |path: serde_ignored::Path| unknown.push(ignored_pointer(&path));
            let de = serde_ignored::Deserializer::new(&value, &mut on_unknown);
            serde_path_to_error::deserialize(de)
        };
        match result {
            Ok(case) => {
                if report_unknown {
                    diags.extend(unknown.iter().map(|p| unknown_field(p)));
                }
                return (Some(case), diags);
            }
            Err(err) => {
                let pointer = path_pointer(err.path());
                let message = err.inner().to_string();
                diags.push(value_diagnostic(&pointer, &message));
                if pointer.is_empty()
                    || value.pointer(&pointer).is_none()
                    || !remove_pointer(&mut value, &pointer)
                {
                    return (None, diags);
                }
            }
        }
    }
    (None, diags)
}

/// A text longer than `MAX_FIELD_CHARS` is an error at its place (I-SIZE) and is removed, so
/// that no document is made with it.
fn too_long(v: &mut Value, pointer: &mut String, diags: &mut Vec<Diagnostic>) {
    let at = pointer.len();
    match v {
        // Bytes first: most texts are far shorter than the cap in any encoding.
        Value::String(s)
            if s.len() > bounds::MAX_FIELD_CHARS && s.chars().count() > bounds::MAX_FIELD_CHARS =>
        {
            let label = crate::sheet_layouts::label_of(pointer)
                .map(|l| format!("«{l}»: "))
                .unwrap_or_default();
            diags.push(size_error(
                pointer.clone(),
                format!(
                    "{label}текст длиной {} знаков, а okno принимает не больше {} знаков в одном поле: сократите его",
                    s.chars().count(),
                    bounds::MAX_FIELD_CHARS
                ),
            ));
            *v = Value::Null;
        }
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                pointer.push('/');
                pointer.push_str(&escape(key));
                too_long(child, pointer, diags);
                pointer.truncate(at);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                pointer.push_str(&format!("/{i}"));
                too_long(child, pointer, diags);
                pointer.truncate(at);
            }
        }
        _ => {}
    }
}

fn unknown_field(pointer: &str) -> Diagnostic {
    let name = last_segment(pointer);
    let mut shown: String = name.chars().take(60).collect();
    if shown.len() < name.len() {
        shown.push('…');
    }
    Diagnostic::warning(
        "I-UNKNOWN",
        pointer,
        format!("поле «{shown}» неизвестно okno и не будет использовано: проверьте его название"),
    )
}

fn last_segment(pointer: &str) -> &str {
    pointer.rsplit('/').next().unwrap_or(pointer)
}

/// A diagnostic for a value that could not be read, with the rule of its field.
fn value_diagnostic(pointer: &str, message: &str) -> Diagnostic {
    let label = crate::sheet_layouts::label_of(pointer)
        .map(|l| format!("«{l}»: "))
        .unwrap_or_default();
    if let Some(m) = message.strip_prefix(DATE_ERROR_TAG) {
        return Diagnostic::error("I-DATE", pointer, format!("{label}{m}"));
    }
    if let Some(m) = message.strip_prefix(OPTION_ERROR_TAG) {
        return Diagnostic::error(option_rule(pointer), pointer, format!("{label}{m}"));
    }
    let m = message.strip_prefix("[I-FORMAT] ").unwrap_or(message);
    let m = if m.contains("expected u") || m.contains("expected i") || m.contains("expected usize")
    {
        format!("{} — нужно целое число", quoted_value(m))
    } else if m.contains("expected a boolean") {
        "нужно «да» или «нет»".to_string()
    } else if m.contains("expected a sequence") {
        "здесь нужен список значений".to_string()
    } else if m.contains("expected struct") || m.contains("expected a map") {
        "здесь нужен объект с полями".to_string()
    } else if m.contains("expected a string") {
        "здесь нужен текст".to_string()
    } else if m.contains("invalid type") || m.contains("invalid value") {
        format!("значение не подходит для этого поля ({m})")
    } else {
        m.to_string()
    };
    Diagnostic::error("I-FORMAT", pointer, format!("{label}{m}"))
}

fn quoted_value(serde_msg: &str) -> String {
    // serde says: invalid type: string "abc", expected u8
    serde_msg
        .split_once(':')
        .map(|(_, rest)| {
            rest.split(", expected")
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .map(|v| format!("«{v}»"))
        .unwrap_or_else(|| "значение".into())
}

/// The rule an unreadable option belongs to: the field's own rule where RULES.md has one.
fn option_rule(pointer: &str) -> &'static str {
    let generic: Vec<&str> = pointer
        .split('/')
        .filter(|s| !s.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let generic = generic.join("/");
    match generic.as_str() {
        s if s.ends_with("/sex") => "N-SEX",
        "/notification/signal_check" => "N-SIGNAL",
        "/notification/primary_assessment" => "N-PRIMARY",
        "/conclusion/risk_level" => "C-LEVEL",
        "/monitoring/kind" | "/monitoring/risk_level" => "M-KIND",
        "/support_card/domains/level" | "/support_card/domains/summary_level" => "K-DOMAINS",
        s if s.starts_with("/support_card/results/dynamics") => "K-DYNAMICS",
        _ => "I-OPTION",
    }
}

/// Empty strings, empty objects and nulls mean "not filled": removing them keeps one notion
/// of absence for every input.
fn drop_empty(v: &mut Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Object(map) => {
            map.retain(|_, child| !drop_empty(child));
            map.is_empty()
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                drop_empty(item);
            }
            // Keep positions of array items (diagnostics point at them); drop only empty scalars.
            items.retain(|i| {
                !matches!(i, Value::Null) && !matches!(i, Value::String(s) if s.trim().is_empty())
            });
            false
        }
        _ => false,
    }
}

fn remove_pointer(value: &mut Value, pointer: &str) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&key).is_some(),
        Some(Value::Array(items)) => match key.parse::<usize>() {
            // Replace rather than remove, so the other items keep their positions.
            Ok(i) if i < items.len() => {
                items[i] = Value::Object(Default::default());
                true
            }
            _ => false,
        },
        _ => false,
    }
}

fn escape(seg: &str) -> String {
    seg.replace('~', "~0").replace('/', "~1")
}

fn path_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out.push_str(&format!("/{}", escape(key))),
            Segment::Enum { variant } => out.push_str(&format!("/{}", escape(variant))),
            Segment::Unknown => {}
        }
    }
    out
}

fn ignored_pointer(path: &serde_ignored::Path) -> String {
    use serde_ignored::Path as P;
    match path {
        P::Root => String::new(),
        P::Seq { parent, index } => format!("{}/{index}", ignored_pointer(parent)),
        P::Map { parent, key } => format!("{}/{}", ignored_pointer(parent), escape(key)),
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            ignored_pointer(parent)
        }
    }
}

/// A JSON pointer's segment: an object key or an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// A pointer's segments, parsed once (a register parses its columns' pointers once for all
/// its rows).
pub(crate) fn segments(pointer: &str) -> Vec<Seg<'_>> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| match s.parse::<usize>() {
            Ok(i) if !s.starts_with('+') => Seg::Index(i),
            _ => Seg::Key(s),
        })
        .collect()
}

/// Sets a value at a JSON pointer, creating the objects and arrays on the way.
pub(crate) fn set_pointer(root: &mut Value, pointer: &str, value: Value) {
    set_segments(root, &segments(pointer), value);
}

/// Sets a value at a pointer given by its segments, creating the objects and arrays on the way.
pub(crate) fn set_segments(root: &mut Value, segs: &[Seg], value: Value) {
    let mut cur = root;
    for (i, seg) in segs.iter().enumerate() {
        let next = segs.get(i + 1);
        let last = next.is_none();
        let fresh = || match next {
            Some(Seg::Index(_)) => Value::Array(vec![]),
            _ => Value::Object(Default::default()),
        };
        match *seg {
            Seg::Index(index) => {
                if !cur.is_array() {
                    *cur = Value::Array(vec![]);
                }
                let items = cur.as_array_mut().expect("array");
                while items.len() <= index {
                    items.push(Value::Object(Default::default()));
                }
                if last {
                    items[index] = value;
                    return;
                }
                if !(items[index].is_object() || items[index].is_array()) {
                    items[index] = fresh();
                }
                cur = &mut items[index];
            }
            Seg::Key(key) => {
                if !cur.is_object() {
                    *cur = Value::Object(Default::default());
                }
                let map = cur.as_object_mut().expect("object");
                if last {
                    map.insert(key.to_string(), value);
                    return;
                }
                // Most pointers share their first segments: look before making a key.
                if !map.contains_key(key) {
                    map.insert(key.to_string(), fresh());
                }
                let entry = map.get_mut(key).expect("inserted");
                if !(entry.is_object() || entry.is_array()) {
                    *entry = fresh();
                }
                cur = entry;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_bad_value_is_reported_and_the_rest_is_kept() {
        let v = json!({
            "case_id": "T-1",
            "family": {"children": [{"name": "Петров Илья", "birth_date": "31.02.2015", "sex": "X"}]},
            "notification": {"date_sent": "2026-03-05", "grounds": "x", "colour": "red"}
        });
        let (case, diags) = case_from_value(v, true);
        let case = case.expect("case is read");
        assert_eq!(case.family.children[0].name.given_name, "Илья");
        assert!(case.family.children[0].birth_date.is_none());
        assert!(case.notification.unwrap().date_sent.is_some());
        let rules: Vec<(&str, &str)> = diags.iter().map(|d| (d.rule, d.pointer.as_str())).collect();
        assert!(
            rules.contains(&("I-DATE", "/family/children/0/birth_date")),
            "{rules:?}"
        );
        assert!(
            rules.contains(&("N-SEX", "/family/children/0/sex")),
            "{rules:?}"
        );
        assert!(
            rules.contains(&("I-UNKNOWN", "/notification/colour")),
            "{rules:?}"
        );
    }

    #[test]
    fn set_pointer_builds_nested_arrays_and_objects() {
        let mut v = Value::Null;
        set_pointer(&mut v, "/a/b/0/c", json!(1));
        set_pointer(&mut v, "/a/b/1/c", json!(2));
        assert_eq!(v, json!({"a": {"b": [{"c": 1}, {"c": 2}]}}));
    }
}
