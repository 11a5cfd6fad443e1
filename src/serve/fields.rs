//! What a user types in the page's filters: dates and periods, in the page's own words.

use super::error::{Error, Result};
use chrono::NaiveDate;
use maud::{Markup, html};

/// A date a user typed (ДД.ММ.ГГГГ or ГГГГ-ММ-ДД); empty: none; else a Russian refusal.
fn typed_date(s: &Option<String>) -> Result<Option<NaiveDate>> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => crate::model::values::parse_date(t)
            .map(|d| Some(d.0))
            .map_err(|_| Error::Date(t.to_string())),
    }
}

/// The period a user typed.
pub fn period(
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>)> {
    Ok((typed_date(from)?, typed_date(to)?))
}

/// A date field: plain text in the page's own words (a browser's date picker speaks the
/// browser's language and order).
pub fn date_input(name: &str, value: Option<&str>) -> Markup {
    html! {
        input.date type="text" name=(name) value=[value] placeholder="ДД.ММ.ГГГГ" inputmode="numeric" size="11" autocomplete="off";
    }
}
