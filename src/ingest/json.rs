//! JSON and TOML case files: one case object, an array of cases, or `{"cases": [...]}`
//! (`[[cases]]` in TOML). The model's JSON shape is the file's shape, so a diagnostic's
//! pointer is the place in the file.

use super::deserialize::case_from_value;
use super::ingested::{Ingested, Unreadable, size_error};
use super::source::SourceMap;
use serde_json::Value;

pub fn read_json(name: &str, bytes: &[u8]) -> Result<Ingested, Unreadable> {
    let text = utf8(name, bytes)?;
    if let Some(too_deep) = too_deep(name, text, false) {
        return Ok(too_deep);
    }
    let value: Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| Unreadable {
            file: name.to_string(),
            message: format!(
                "файл JSON повреждён: строка {}, столбец {}: {}",
                e.line(),
                e.column(),
                json_reason(&e)
            ),
        })?;
    Ok(from_value(name, value))
}

pub fn read_toml(name: &str, bytes: &[u8]) -> Result<Ingested, Unreadable> {
    let text = utf8(name, bytes)?;
    if let Some(too_deep) = too_deep(name, text, true) {
        return Ok(too_deep);
    }
    let table: toml::Table =
        toml::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| Unreadable {
            file: name.to_string(),
            message: format!("файл TOML повреждён: {}", e.message().trim()),
        })?;
    Ok(from_value(name, toml_to_json(toml::Value::Table(table))))
}

/// Nesting deeper than `MAX_DEPTH` (I-SIZE, at its line), found before the text is parsed:
/// the parsers and the readers after them recurse once per level.
fn too_deep(name: &str, text: &str, toml: bool) -> Option<Ingested> {
    let (mut depth, mut line) = (0usize, 1usize);
    let mut quote: Option<u8> = None;
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match (quote, b) {
            (_, b'\n') => {
                line += 1;
                // A TOML literal string ends at its line (a multi-line one is taken as lines), and
                // so does a comment.
                if toml && quote != Some(b'"') {
                    quote = None;
                }
            }
            // An escaped character is skipped, a line break with it counted.
            (Some(b'"'), b'\\') if bytes.next() == Some(b'\n') => line += 1,
            (Some(b'"'), b'\\') => {}
            (Some(b'#'), _) => {}
            (Some(q), _) if q == b => quote = None,
            (Some(_), _) => {}
            (None, b'"') => quote = Some(b'"'),
            (None, b'\'') if toml => quote = Some(b'\''),
            (None, b'#') if toml => quote = Some(b'#'),
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > super::bounds::MAX_DEPTH {
                    let mut d = size_error(
                        "",
                        format!(
                            "строка {line}: вложенность глубже {} уровней — такой файл okno не читает",
                            super::bounds::MAX_DEPTH
                        ),
                    );
                    d.file = name.to_string();
                    return Some(Ingested {
                        file: name.to_string(),
                        cases: Vec::new(),
                        diagnostics: vec![d],
                    });
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn utf8<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, Unreadable> {
    std::str::from_utf8(bytes).map_err(|_| Unreadable {
        file: name.to_string(),
        message: "файл не в кодировке UTF-8: сохраните его как UTF-8".into(),
    })
}

fn json_reason(e: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => "файл обрывается на середине",
        Category::Syntax => "ошибка синтаксиса",
        Category::Data => "неверные данные",
        Category::Io => "ошибка чтения",
    }
}

/// TOML dates become the ISO strings the model reads.
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn from_value(name: &str, value: Value) -> Ingested {
    let mut out = Ingested {
        file: name.to_string(),
        ..Default::default()
    };
    let items: Vec<(String, Value)> = match value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (format!("/{i}"), v))
            .collect(),
        Value::Object(mut map) if map.get("cases").is_some_and(Value::is_array) => {
            let Some(Value::Array(items)) = map.remove("cases") else {
                unreachable!("checked above")
            };
            for key in map.keys() {
                out.diagnostics.push(located(
                    name,
                    crate::diagnostic::Diagnostic::warning(
                        "I-UNKNOWN",
                        format!("/{key}"),
                        format!("поле «{key}» рядом со списком «cases» неизвестно и не будет использовано"),
                    ),
                ));
            }
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (format!("/cases/{i}"), v))
                .collect()
        }
        other => vec![(String::new(), other)],
    };
    for (prefix, v) in items {
        let source = SourceMap {
            file: name.to_string(),
            json_prefix: Some(prefix.clone()),
            ..Default::default()
        };
        let (case, mut diags) = case_from_value(v, true);
        for d in &mut diags {
            source.locate(d);
        }
        out.add(case, source, diags);
    }
    out
}

fn located(name: &str, mut d: crate::diagnostic::Diagnostic) -> crate::diagnostic::Diagnostic {
    d.file = name.to_string();
    d
}
