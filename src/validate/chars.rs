//! I-CHAR: every text of the case, whatever its input, holds only characters a form can
//! print (`crate::printable`); a character replaced without loss is a warning, one that
//! cannot be printed an error, at its field.

use super::ctx::Ctx;
use crate::printable::{Fate, findings, message};
use serde_json::Value;

pub(crate) fn check(ctx: &mut Ctx) {
    // Most cases hold nothing to report: their JSON text says so without building a tree.
    let Ok(json) = serde_json::to_string(ctx.case) else {
        return;
    };
    if !suspicious(&json) {
        return;
    }
    let Ok(value) = serde_json::to_value(ctx.case) else {
        return;
    };
    let mut pointer = String::new();
    walk(ctx, &value, &mut pointer);
}

/// Whether a case's JSON text may hold a character to report: an escaped control
/// character (JSON escapes them all, with tab and CR) or any other not kept as it is.
fn suspicious(json: &str) -> bool {
    let mut chars = json.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if matches!(chars.next(), Some('u' | 't' | 'r' | 'b' | 'f')) {
                return true;
            }
        } else if c == '\u{7f}' || (!c.is_ascii() && crate::printable::fate(c) != Fate::Kept) {
            return true;
        }
    }
    false
}

fn walk(ctx: &mut Ctx, v: &Value, pointer: &mut String) {
    match v {
        // The case ID has its own rule (I-FORMAT): it names folders, not printed text.
        Value::String(_) if pointer == "/case_id" => {}
        Value::String(s) => {
            for f in findings(s) {
                match f.fate {
                    Fate::Kept => {}
                    Fate::Replaced(_) => ctx.warning("I-CHAR", pointer.clone(), message(&f)),
                    Fate::Refused(_) => ctx.error("I-CHAR", pointer.clone(), message(&f)),
                }
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                walk(ctx, x, pointer);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                walk(ctx, x, pointer);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}
