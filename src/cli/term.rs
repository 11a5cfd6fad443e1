//! What reaches the terminal. A cell value may hold an escape sequence (ESC, CSI, OSC…) that
//! would move the cursor, retitle the window or hide the lines after it, or a bidi override
//! that shows a text reversed: every line printed goes through `shown`, which writes such a
//! character as its code, `<U+001B>`, and keeps line breaks and tabs.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Writes to standard output what `format!` makes of its arguments, made harmless.
macro_rules! out {
    ($($arg:tt)*) => {
        print!("{}", $crate::cli::term::shown(&format!($($arg)*)))
    };
}

/// `out!` and a line break.
macro_rules! outln {
    ($($arg:tt)*) => {
        println!("{}", $crate::cli::term::shown(&format!($($arg)*)))
    };
}

/// To standard error, made harmless, with a line break.
macro_rules! errln {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::cli::term::shown(&format!($($arg)*)))
    };
}

/// To standard error, made harmless.
macro_rules! err {
    ($($arg:tt)*) => {
        eprint!("{}", $crate::cli::term::shown(&format!($($arg)*)))
    };
}

pub(crate) use {err, errln, out, outln};

/// A character a terminal would act on rather than show.
fn acted_on(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        // Bidi embeddings, overrides and isolates: they reorder what follows on the line.
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every character a terminal would act on written as `<U+XXXX>`.
pub fn shown(s: &str) -> Cow<'_, str> {
    if !s.chars().any(acted_on) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if acted_on(c) {
            let _ = write!(out, "<U+{:04X}>", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn escape_sequences_are_shown_as_codes_and_lines_kept() {
        assert_eq!(
            shown("случай \u{1b}[2J\u{1b}]0;x\u{7}A\nстрока\tB"),
            "случай <U+001B>[2J<U+001B>]0;x<U+0007>A\nстрока\tB"
        );
        assert_eq!(
            shown("\u{9b}31m\u{202e}abc\r"),
            "<U+009B>31m<U+202E>abc<U+000D>"
        );
        assert!(matches!(
            shown("Иванова Анна"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
