//! Which characters a form can carry (rule I-CHAR of docs/RULES.md), in one place: the
//! validator reports by it and render replaces by it, so a case that validates prints.
//!
//! The embedded fonts decide what can be drawn: a PDF/A may not show a missing glyph, so a
//! character none of them has fails the whole form. Their character maps are read once, so
//! the rule stays true if the fonts change. Control characters and noncharacters are never
//! printable (XML 1.0 forbids them in a DOCX too). A few characters are replaced where that
//! loses nothing: a tab by a space, a carriage return by a line break (a Windows line end
//! CR LF by one line break, silently), invisible zero-width marks dropped.

use std::borrow::Cow;
use std::sync::OnceLock;

/// The fonts compiled into the binary, for the PDF writer and for the rule.
pub(crate) const FONTS: &[&[u8]] = &[
    include_bytes!("../templates/fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../templates/fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../templates/fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../templates/fonts/LiberationSerif-BoldItalic.ttf"),
    // Only for the check boxes ☐ ☒, which Liberation Serif lacks.
    include_bytes!("../templates/fonts/DejaVuSans.ttf"),
];

/// Why a character cannot be printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A control character (C0 but tab and line ends, DEL, C1).
    Control,
    /// A noncharacter (U+FFFE, U+FFFF, U+FDD0–U+FDEF, …): not text at all.
    NotText,
    /// No embedded font has a glyph for it (CJK, emoji, …).
    NotInFonts,
}

/// What becomes of one character on a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Kept,
    /// Printed as this text instead (empty: dropped), losing nothing.
    Replaced(&'static str),
    Refused(Refusal),
}

/// Every code point some embedded font has a real glyph for, as a bit set.
fn coverage() -> &'static [u64] {
    static SET: OnceLock<Vec<u64>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = vec![0u64; 0x11_0000 / 64];
        for data in FONTS {
            let Ok(face) = ttf_parser::Face::parse(data, 0) else {
                continue;
            };
            let Some(cmap) = face.tables().cmap else {
                continue;
            };
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    if cp < 0x11_0000 && sub.glyph_index(cp).is_some_and(|g| g.0 != 0) {
                        set[cp as usize / 64] |= 1 << (cp % 64);
                    }
                });
            }
        }
        set
    })
}

/// Whether an embedded font draws `c`.
pub fn in_fonts(c: char) -> bool {
    let cp = c as usize;
    coverage()[cp / 64] & (1 << (cp % 64)) != 0
}

/// The rule for one character.
pub fn fate(c: char) -> Fate {
    match c {
        '\n' | ' ' => Fate::Kept,
        '\t' => Fate::Replaced(" "),
        '\r' => Fate::Replaced("\n"),
        // Zero-width space, non-joiner, joiner, LTR/RTL marks, word joiner, byte order mark:
        // invisible, so dropping them loses nothing.
        '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' => Fate::Replaced(""),
        c if c.is_control() => Fate::Refused(Refusal::Control),
        c if ('\u{FDD0}'..='\u{FDEF}').contains(&c) || (c as u32 & 0xFFFE) == 0xFFFE => {
            Fate::Refused(Refusal::NotText)
        }
        c if in_fonts(c) => Fate::Kept,
        _ => Fate::Refused(Refusal::NotInFonts),
    }
}

/// `s` as a form prints it: the replacements made. A refused character is an error of the
/// validator (a case with one is not rendered), but a draft is rendered with its errors: there
/// it is printed as its code, `[U+0007]`, so the draft prints and shows what to remove.
pub fn printable(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| fate(c) == Fate::Kept) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match fate(c) {
            // CR LF: one line break.
            _ if c == '\r' && chars.peek() == Some(&'\n') => {}
            Fate::Replaced(r) => out.push_str(r),
            Fate::Refused(_) => {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("[U+{:04X}]", c as u32));
            }
            Fate::Kept => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A character of a text that is not printed as it is: its fate and its position (1-based,
/// in characters), the first of each distinct character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub c: char,
    pub fate: Fate,
    pub at: usize,
}

/// The characters of `s` that are replaced or refused, each once (a CR of a CR LF is not
/// reported: it is just a Windows line end).
pub fn findings(s: &str) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let mut chars = s.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        let fate = fate(c);
        if fate == Fate::Kept
            || (c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n'))
            || out.iter().any(|f| f.c == c)
        {
            continue;
        }
        out.push(Finding { c, fate, at: i + 1 });
    }
    out
}

/// `U+0007`, or `«中» (U+4E2D)` for a character one can see.
pub fn describe(c: char) -> String {
    let invisible = c.is_control()
        || c.is_whitespace()
        || ('\u{2000}'..='\u{206F}').contains(&c)
        || ('\u{FE00}'..='\u{FE0F}').contains(&c)
        || ('\u{FFF0}'..='\u{FFFF}').contains(&c)
        || c as u32 >= 0xE0000;
    if invisible {
        format!("U+{:04X}", c as u32)
    } else {
        format!("«{c}» (U+{:04X})", c as u32)
    }
}

/// The Russian message for one finding.
pub fn message(f: &Finding) -> String {
    let what = describe(f.c);
    let at = f.at;
    match f.fate {
        Fate::Kept => String::new(),
        Fate::Refused(Refusal::Control) => {
            // Excel keeps such a character in a cell as `_x000B_`.
            let excel = if (f.c as u32) < 0x20 {
                format!("; в Excel он выглядит как _x{:04X}_", f.c as u32)
            } else {
                String::new()
            };
            format!(
                "знак {what} (управляющий) не может быть напечатан в форме: удалите его (знак № {at} в тексте{excel})"
            )
        }
        Fate::Refused(Refusal::NotText) => format!(
            "знак {what} не является символом текста и не может быть напечатан в форме: удалите его (знак № {at} в тексте)"
        ),
        Fate::Refused(Refusal::NotInFonts) => format!(
            "знак {what} отсутствует в шрифтах формы: замените его или удалите (знак № {at} в тексте)"
        ),
        Fate::Replaced(" ") => {
            format!("знак табуляции (знак № {at} в тексте) будет напечатан как пробел")
        }
        Fate::Replaced("\n") => format!(
            "знак возврата каретки U+000D (знак № {at} в тексте) будет напечатан как перевод строки"
        ),
        Fate::Replaced(_) => format!(
            "невидимый знак {what} (знак № {at} в тексте) в форме не печатается и будет удален"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fonts_decide() {
        assert!(in_fonts('Ж') && in_fonts('ё') && in_fonts('№') && in_fonts('☒'));
        assert_eq!(fate('中'), Fate::Refused(Refusal::NotInFonts));
        assert_eq!(fate('\u{7}'), Fate::Refused(Refusal::Control));
        assert_eq!(fate('\u{FFFE}'), Fate::Refused(Refusal::NotText));
        assert_eq!(fate('\u{a0}'), Fate::Kept);
    }

    #[test]
    fn a_draft_prints_a_refused_character_as_its_code() {
        assert_eq!(printable("a\u{7}b中\tc\r\nd"), "a[U+0007]b[U+4E2D] c\nd");
        assert!(matches!(
            printable("Иванова Анна, 45,3 кв. м"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn lossless_replacements() {
        assert_eq!(printable("а\tб\r\nв\rг\u{200B}д"), "а б\nв\nгд");
        assert!(matches!(printable("обычный текст"), Cow::Borrowed(_)));
        let f = findings("a\r\nb\tc\t");
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].c, f[0].at), ('\t', 5));
    }
}
