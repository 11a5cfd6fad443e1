//! One case from its JSON shape: every reader builds that shape and deserializes it here, so a
//! date or an option reads the same whatever the input. A value that does not fit is reported
//! at its place and removed, and the rest is read again.

use super::bounds;
use super::ingested::size_error;
use super::pointer::{escape, ignored_pointer, path_pointer, remove_pointer};
use crate::diagnostic::Diagnostic;
use crate::model::Case;
use crate::model::values::{DATE_ERROR_TAG, OPTION_ERROR_TAG};
use serde::Deserialize;
use serde_json::Value;

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
}
