//! Value types shared by the whole model: dates that are never guessed, option lists whose
//! texts live in the catalog, personal names. Each deserializes from what a secretary writes
//! (the form's text or its code) and serializes to one canonical form, so the normalized case
//! JSON is stable.

use chrono::{Datelike, NaiveDate};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use std::borrow::Cow;
use std::fmt;

/// Marks an error produced while reading a value, so ingest can give it the field's rule ID.
pub const DATE_ERROR_TAG: &str = "[I-DATE] ";
pub const OPTION_ERROR_TAG: &str = "[I-OPTION] ";

/// A calendar date. Reads ISO `ГГГГ-ММ-ДД` and `ДД.ММ.ГГГГ` only: `03/04/2025` or a two-digit
/// year could mean two different days, so they are refused rather than guessed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }
    /// `ДД.ММ.ГГГГ`, the way dates are written on the forms and in messages.
    pub fn ru(&self) -> String {
        format!(
            "{:02}.{:02}.{:04}",
            self.0.day(),
            self.0.month(),
            self.0.year()
        )
    }
    pub fn iso(&self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
    pub fn parse(text: &str) -> Result<Date, DateError> {
        parse_date(text)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ru())
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Why a text is not a date: the text (trimmed) and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("«{0}» — не дата: укажите дату как ДД.ММ.ГГГГ или ГГГГ-ММ-ДД")]
    WithTime(String),
    #[error("«{0}» — дата не распознана: укажите её как ДД.ММ.ГГГГ (например, 05.03.2026)")]
    Unrecognized(String),
    #[error("«{0}» — такой даты нет в календаре")]
    NotInCalendar(String),
}

/// Parses a date written as `ДД.ММ.ГГГГ` (day and month may have one digit) or ISO
/// `ГГГГ-ММ-ДД` (optionally followed by a time of `00:00`, as spreadsheets export dates).
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let t = text.trim();
    let (y, m, d) = if let Some((date, time)) = t.split_once('T').or_else(|| t.split_once(' ')) {
        // ISO date-time from a spreadsheet: accept only midnight, a date with a time is not a date.
        if !time.trim_end_matches(['0', ':', '.', 'Z']).is_empty() || !date.contains('-') {
            return Err(DateError::WithTime(t.to_string()));
        }
        split3(date, '-')
    } else if t.contains('-') {
        split3(t, '-')
    } else if t.contains('.') {
        split3(t, '.').map(|(d, m, y)| (y, m, d))
    } else {
        None
    }
    .filter(|(y, m, d)| y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()))
    .ok_or_else(|| DateError::Unrecognized(t.to_string()))?;
    let (y, m, d): (i32, u32, u32) = (
        y.parse().unwrap_or(0),
        m.parse().unwrap_or(0),
        d.parse().unwrap_or(0),
    );
    Date::ymd(y, m, d)
        .filter(|_| (1900..=2200).contains(&y))
        .ok_or_else(|| DateError::NotInCalendar(t.to_string()))
}

fn split3(s: &str, sep: char) -> Option<(&str, &str, &str)> {
    let mut it = s.split(sep);
    let (a, b, c) = (it.next()?, it.next()?, it.next()?);
    (it.next().is_none() && all_digits(a) && all_digits(b) && all_digits(c)).then_some((a, b, c))
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d).map_err(|_| {
            de::Error::custom(format!(
                "{DATE_ERROR_TAG}ожидалась дата в виде текста ДД.ММ.ГГГГ"
            ))
        })?;
        parse_date(&s).map_err(|e| de::Error::custom(format!("{DATE_ERROR_TAG}{e}")))
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "Дата: ГГГГ-ММ-ДД или ДД.ММ.ГГГГ",
            "pattern": r"^(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})$"
        })
    }
}

/// Defines an enum whose variants are one option list of `templates/catalog/options.toml`
/// (or the domain catalog): the code is the serde name, the text comes from the catalog.
macro_rules! option_enum {
    ($(#[$m:meta])* $name:ident, $list:literal { $($(#[$vm:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// The option list's name in the catalog.
            pub const LIST: &'static str = $list;
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// The text printed on the forms, from the catalog.
            pub fn label(self) -> &'static str {
                crate::catalog::catalog().label(Self::LIST, self.code())
            }
            /// Reads the form's text or the code, tolerantly.
            pub fn parse(text: &str) -> Option<Self> {
                let code = crate::catalog::catalog().lookup(Self::LIST, text)?;
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = crate::model::values::loose_string(d)?;
                Self::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "{}«{}» нет в списке: {}",
                        crate::model::values::OPTION_ERROR_TAG,
                        text.trim(),
                        crate::catalog::catalog().labels_joined(Self::LIST)
                    ))
                })
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut values: Vec<String> = Vec::new();
                for v in Self::ALL {
                    values.push(v.code().to_string());
                    values.push(v.label().to_string());
                }
                values.dedup();
                schemars::json_schema!({
                    "type": "string",
                    "description": format!("Код или текст из списка «{}» (templates/catalog)", Self::LIST),
                    "enum": values
                })
            }
        }
    };
}
pub(crate) use option_enum;

/// Reads a string, also accepting a number or a boolean (spreadsheets turn «1» into 1.0).
pub fn loose_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl de::Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("текст")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(crate::model::values::number_text(v))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
            Ok(if v { "да" } else { "нет" }.to_string())
        }
    }
    d.deserialize_any(V)
}

/// A number as a person would write it: no trailing `.0`, no exponent for whole numbers.
pub fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A person's full name: «Фамилия Имя Отчество», the patronymic only when there is one.
/// A case file may give it as one string (split on spaces: surname, given name, the rest
/// patronymic) or as an object.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, JsonSchema)]
pub struct PersonName {
    #[serde(default)]
    pub surname: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
}

impl PersonName {
    pub fn parse(full: &str) -> PersonName {
        let mut parts = full.split_whitespace();
        let surname = parts.next().unwrap_or("").to_string();
        let given_name = parts.next().unwrap_or("").to_string();
        let rest: Vec<&str> = parts.collect();
        PersonName {
            surname,
            given_name,
            patronymic: (!rest.is_empty()).then(|| rest.join(" ")),
        }
    }
    pub fn full(&self) -> String {
        let mut s = self.surname.trim().to_string();
        for part in [Some(&self.given_name), self.patronymic.as_ref()]
            .into_iter()
            .flatten()
        {
            if !part.trim().is_empty() {
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(part.trim());
            }
        }
        s
    }
    /// The key two notifications about one child are matched on: ё = е, case and spacing ignored.
    pub fn key(&self) -> String {
        crate::text::fold(&self.full())
    }
}

impl<'de> Deserialize<'de> for PersonName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Parts {
            #[serde(default)]
            surname: String,
            #[serde(default)]
            given_name: String,
            #[serde(default)]
            patronymic: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Full(String),
            Parts(Parts),
        }
        match Repr::deserialize(d).map_err(|_| {
            de::Error::custom("ожидалось ФИО: строка «Фамилия Имя Отчество» или объект {surname, given_name, patronymic}")
        })? {
            Repr::Full(s) => Ok(PersonName::parse(&s)),
            Repr::Parts(p) => Ok(PersonName {
                surname: p.surname,
                given_name: p.given_name,
                patronymic: p.patronymic.filter(|s| !s.trim().is_empty()),
            }),
        }
    }
}

/// A sum of money or another amount, accepting `12 500,50` as written in Russian.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Amount(pub f64);

impl Amount {
    /// The amount as a Russian document writes it: «23 166,67», «45,3» — a decimal comma and
    /// a no-break space (U+00A0, in every font the forms use) between thousands, so a
    /// number never breaks across lines. Every form prints amounts and areas through this.
    pub fn ru(self) -> String {
        let plain = number_text(self.0);
        if plain.contains(['e', 'E']) || !plain.is_ascii() {
            return plain.replace('.', ",");
        }
        let (sign, rest) = plain.split_at(usize::from(plain.starts_with('-')));
        let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
        let mut out = String::from(sign);
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push('\u{a0}');
            }
            out.push(ch);
        }
        if !frac.is_empty() {
            out.push(',');
            out.push_str(frac);
        }
        out
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = loose_string(d)?;
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '₽')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        let cleaned = cleaned.trim_end_matches("руб.").trim_end_matches("руб");
        cleaned
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Amount)
            .ok_or_else(|| de::Error::custom(format!("[I-FORMAT] «{}» — не число", text.trim())))
    }
}

impl JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["number", "string"], "description": "Число; допускается «12 500,50»"})
    }
}

/// Normalizes a phone number to `+7XXXXXXXXXX`, or None when it is not a Russian number.
pub fn normalize_phone(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    let national = match digits.len() {
        11 if digits.starts_with('7') || digits.starts_with('8') => &digits[1..],
        10 => &digits[..],
        _ => return None,
    };
    Some(format!("+7{national}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_both_notations_and_never_guessed() {
        assert_eq!(parse_date("05.03.2026").unwrap().iso(), "2026-03-05");
        assert_eq!(parse_date("5.3.2026").unwrap().iso(), "2026-03-05");
        assert_eq!(parse_date("2026-03-05").unwrap().ru(), "05.03.2026");
        assert_eq!(
            parse_date("2026-03-05T00:00:00").unwrap().ru(),
            "05.03.2026"
        );
        assert!(parse_date("03/04/2025").is_err());
        assert!(parse_date("05.03.26").is_err());
        assert!(
            parse_date("31.02.2025")
                .unwrap_err()
                .to_string()
                .contains("нет в календаре")
        );
        assert!(parse_date("2026-03-05T10:30:00").is_err());
    }

    #[test]
    fn phones_normalize_to_plus_seven() {
        assert_eq!(
            normalize_phone("8 (913) 123-45-67").as_deref(),
            Some("+79131234567")
        );
        assert_eq!(
            normalize_phone("(383) 274 05 17").as_deref(),
            Some("+73832740517")
        );
        assert_eq!(normalize_phone("12-34"), None);
    }
}

/// The case's territory: a municipal district, a city district (городской округ) or a district
/// of Novosibirsk, by its code in `templates/catalog/territories.toml` (the list `territory`).
/// Reads the code or the name, tolerantly; a name not in the catalog is an I-OPTION error at
/// its place, with the list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Territory(String);

impl Territory {
    pub const LIST: &'static str = "territory";

    /// The territory of a code or name in the catalog.
    pub fn parse(text: &str) -> Option<Territory> {
        crate::catalog::catalog()
            .lookup(Self::LIST, text)
            .map(|c| Territory(c.to_string()))
    }
    pub fn code(&self) -> &str {
        &self.0
    }
    /// The name printed on the forms and the summary.
    pub fn label(&self) -> &str {
        crate::catalog::catalog().label(Self::LIST, &self.0)
    }
    /// Every territory of the catalog, in its order.
    pub fn all() -> Vec<Territory> {
        crate::catalog::catalog()
            .list(Self::LIST)
            .iter()
            .map(|(c, _)| Territory(c.clone()))
            .collect()
    }
    /// The catalog's position (for the summary's order); unknown ones last.
    pub fn order(&self) -> usize {
        crate::catalog::catalog()
            .list(Self::LIST)
            .iter()
            .position(|(c, _)| *c == self.0)
            .unwrap_or(usize::MAX)
    }
}

impl Serialize for Territory {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Territory {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = loose_string(d)?;
        Territory::parse(&text).ok_or_else(|| {
            de::Error::custom(format!(
                "{OPTION_ERROR_TAG}территории «{}» нет в каталоге территорий Новосибирской области; укажите одну из: {}",
                text.trim(),
                crate::catalog::catalog().labels_joined(Territory::LIST)
            ))
        })
    }
}

impl JsonSchema for Territory {
    fn schema_name() -> Cow<'static, str> {
        "Territory".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut values: Vec<String> = Vec::new();
        for (c, l) in crate::catalog::catalog().list(Territory::LIST) {
            values.push(c.clone());
            values.push(l.clone());
        }
        json_schema!({
            "type": "string",
            "description": "Территория: код или название из templates/catalog/territories.toml",
            "enum": values
        })
    }
}
