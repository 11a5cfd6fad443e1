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

/// Whether two words differ by at most one of the mistakes registers have: a letter missing,
/// added (a doubled one), replaced, or two neighbours swapped (Damerau–Levenshtein ≤ 1).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let head = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        let rest = head + 1;
        // One replaced letter, or two neighbours swapped.
        short[rest..] == long[rest..]
            || (rest < short.len()
                && short[head] == long[rest]
                && short[rest] == long[head]
                && short[rest + 1..] == long[rest + 1..])
    } else {
        // One letter missing from the shorter.
        short[head..] == long[head + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_is_a_missing_doubled_replaced_or_swapped_letter() {
        for (a, b) in [
            ("петрова", "петрова"),
            ("петрова", "петова"),
            ("петрова", "петррова"),
            ("петрова", "пентрова"),
            ("петрова", "петрово"),
            ("петрова", "пертова"),
            ("петрова", "етрова"),
            ("петрова", "петров"),
            ("иван", "ивна"),
        ] {
            assert!(within_one_edit(a, b), "{a} / {b}");
            assert!(within_one_edit(b, a), "{b} / {a}");
        }
        for (a, b) in [
            ("петрова", "петроваcc"),
            ("петрова", "пертоав"),
            ("петрова", "сидорова"),
            ("петрова", "петр"),
            ("иван", "нави"),
            ("петрова", "петрровa"),
        ] {
            assert!(!within_one_edit(a, b), "{a} / {b}");
        }
    }

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
