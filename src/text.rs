//! Text folding for tolerant matching: what a secretary types against what a layout or
//! catalog says. Below the catalog and the model, which both match texts this way.

/// Normalizes a text for tolerant matching: case, ё/е, dashes, punctuation and all runs of
/// whitespace (line breaks included) do not matter.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut push = |c: char, kept: bool| {
        if kept {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    };
    for c in text.chars() {
        // The common letters without Unicode's tables (a register folds every option cell).
        match c {
            'a'..='z' | '0'..='9' | 'а'..='я' | '+' | '-' => push(c, true),
            'A'..='Z' => push(c.to_ascii_lowercase(), true),
            'А'..='Я' => push(char::from_u32(c as u32 + 0x20).unwrap_or(c), true),
            'ё' | 'Ё' => push('е', true),
            ' ' | '\t' | '\n' | '\r' | ',' | '.' | ';' | ':' | '(' | ')' | '«' | '»' | '"' => {
                push(c, false)
            }
            c => {
                for c in c.to_lowercase() {
                    let c = match c {
                        'ё' => 'е',
                        '−' | '–' | '—' => '-',
                        c => c,
                    };
                    push(c, c.is_alphanumeric() || c == '+' || c == '-');
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_case_yo_spacing_and_punctuation() {
        assert_eq!(fold("  Семёнова\nАнна  "), fold("семенова анна"));
        assert_eq!(fold("Наличие (+/-)"), "наличие + -");
        // The fast path for the common letters agrees with Unicode's tables.
        let all: String = ('\u{0}'..='\u{500}').chain("−–—«»№".chars()).collect();
        let slow: String = {
            let mut out = String::new();
            let mut space = false;
            for c in all.chars().flat_map(char::to_lowercase) {
                let c = match c {
                    'ё' => 'е',
                    '−' | '–' | '—' => '-',
                    c => c,
                };
                if c.is_alphanumeric() || c == '+' || c == '-' {
                    if space && !out.is_empty() {
                        out.push(' ');
                    }
                    space = false;
                    out.push(c);
                } else {
                    space = true;
                }
            }
            out
        };
        assert_eq!(fold(&all), slow);
    }
}
