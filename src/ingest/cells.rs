//! Spreadsheet cells to model values, by the kind the layout gives the column.

use crate::model::values::number_text;
use crate::sheet_layouts::Kind;
use calamine::Data;
use chrono::{Duration, NaiveDate, Timelike};
use serde_json::Value;

/// `A1`-style address of a zero-based (row, column).
pub fn address(row: u32, col: u32) -> String {
    let mut name = String::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        name.insert(0, (b'A' + rem as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{name}{}", row + 1)
}

/// The text of a cell as a person sees it; None for an empty cell.
/// Whether `text` would give something, without making the text.
pub fn filled(cell: &Data) -> bool {
    match cell {
        Data::Empty => false,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => !s.trim().is_empty(),
        _ => true,
    }
}

pub fn text(cell: &Data) -> Option<String> {
    let s = match cell {
        Data::Empty => return None,
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "да" } else { "нет" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time().num_seconds_from_midnight() == 0 => {
                t.date().format("%d.%m.%Y").to_string()
            }
            Some(t) => t.format("%d.%m.%Y %H:%M").to_string(),
            None => number_text(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Error(e) => format!("#ОШИБКА {e:?}"),
    };
    (!s.is_empty()).then_some(s)
}

/// A spreadsheet day number (1900 date system) to a date, for plain numbers in date columns.
fn serial_date(serial: f64) -> Option<NaiveDate> {
    if serial.fract() != 0.0 || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(serial as i64))
}

/// Splits a cell listing several values.
pub fn split_list(text: &str, also_commas: bool) -> Vec<String> {
    text.split(|c: char| c == ';' || c == '\n' || (also_commas && (c == ',' || c.is_whitespace())))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The model value of a cell, or None when the cell is empty. A value that does not fit is
/// passed on as text, so that deserialization reports it with the field's rule.
pub fn value(cell: &Data, kind: Kind) -> Option<Value> {
    if let Data::Error(e) = cell {
        return Some(Value::String(format!("#ОШИБКА {e:?}")));
    }
    let txt = text(cell)?;
    Some(match kind {
        Kind::Date => match cell {
            Data::DateTime(dt) => match dt.as_datetime() {
                Some(t) if t.time().num_seconds_from_midnight() == 0 => {
                    Value::String(t.date().format("%Y-%m-%d").to_string())
                }
                _ => Value::String(txt),
            },
            Data::Float(f) => serial_date(*f)
                .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
                .unwrap_or(Value::String(txt)),
            Data::Int(i) => serial_date(*i as f64)
                .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
                .unwrap_or(Value::String(txt)),
            _ => Value::String(txt),
        },
        Kind::Int => match txt.trim().parse::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) => Value::String(txt),
        },
        Kind::Index1 => match txt.trim().parse::<i64>() {
            Ok(i) if i >= 1 => Value::from(i - 1),
            _ => Value::String(txt),
        },
        Kind::Number => match cell {
            Data::Float(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::String(txt)),
            Data::Int(i) => Value::from(*i),
            _ => Value::String(txt),
        },
        Kind::Bool => match crate::text::fold(&txt).as_str() {
            "да" | "yes" | "true" | "1" => Value::Bool(true),
            "нет" | "no" | "false" | "0" => Value::Bool(false),
            _ => Value::String(txt),
        },
        Kind::Multi(_) => Value::Array(
            split_list(&txt, false)
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
        Kind::Refs => Value::Array(
            split_list(&txt, true)
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
        Kind::Text | Kind::Opt(_) | Kind::Display => Value::String(txt),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_a1() {
        assert_eq!(address(0, 0), "A1");
        assert_eq!(address(6, 1), "B7");
        assert_eq!(address(0, 26), "AA1");
    }

    #[test]
    fn serial_numbers_in_date_columns_are_dates() {
        assert_eq!(
            value(&Data::Float(46086.0), Kind::Date),
            Some(Value::String("2026-03-05".into()))
        );
        assert_eq!(
            value(&Data::String("05.03.2026".into()), Kind::Date),
            Some(Value::String("05.03.2026".into()))
        );
    }
}
