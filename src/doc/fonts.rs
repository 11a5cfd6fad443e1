//! The embedded fonts' advance widths (`crate::printable::FONTS`, the fonts the PDF embeds),
//! for the fit to measure text as Typst will set it.

use std::sync::OnceLock;

/// The zero-width space: a break point inside a token, no width.
pub const ZWSP: char = '\u{200B}';

/// The width of `s` at 1 pt.
pub fn width(s: &str, bold: bool) -> f32 {
    s.chars().map(|c| advance(c, bold)).sum()
}

/// The face a text is set in: bold (a header, a bold cell), italic (an entry: `doc::entries`)
/// or regular.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Face {
    Regular,
    Bold,
    Italic,
}

impl Face {
    pub(super) fn of(bold: bool, entry: bool) -> Face {
        match (bold, entry) {
            (_, true) => Face::Italic,
            (true, false) => Face::Bold,
            (false, false) => Face::Regular,
        }
    }
}

/// The width of `s` at 1 pt in `face`.
pub(super) fn width_in(s: &str, face: Face) -> f32 {
    s.chars().map(|c| advance_in(c, face)).sum()
}

/// Advance widths (em) of the regular, bold and italic faces for the first code points, with
/// the check box font for what Liberation Serif lacks; everything else is looked up.
struct Metrics {
    table: [Vec<f32>; 3],
}

const TABLED: usize = 0x2700;

fn metrics() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(|| Metrics {
        table: [Face::Regular, Face::Bold, Face::Italic]
            .map(|face| (0..TABLED as u32).map(|c| lookup(c, face)).collect()),
    })
}

fn faces() -> &'static [ttf_parser::Face<'static>; 4] {
    static F: OnceLock<[ttf_parser::Face<'static>; 4]> = OnceLock::new();
    F.get_or_init(|| {
        let f = crate::printable::FONTS;
        [f[0], f[1], f[2], f[4]].map(|b| ttf_parser::Face::parse(b, 0).expect("embedded font"))
    })
}

fn lookup(c: u32, face: Face) -> f32 {
    let Some(ch) = char::from_u32(c) else {
        return 0.0;
    };
    if ch == ZWSP || ch.is_control() {
        return 0.0;
    }
    let f = faces();
    for face in [&f[face as usize], &f[3]] {
        if let Some(g) = face.glyph_index(ch) {
            let adv = face.glyph_hor_advance(g).unwrap_or(0);
            return f32::from(adv) / f32::from(face.units_per_em());
        }
    }
    0.5
}

pub(super) fn advance(c: char, bold: bool) -> f32 {
    advance_in(c, Face::of(bold, false))
}

pub(super) fn advance_in(c: char, face: Face) -> f32 {
    let m = metrics();
    match m.table[face as usize].get(c as usize) {
        Some(w) => *w,
        None => lookup(c as u32, face),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_measured_as_the_font_sets_it() {
        // Ten characters of Liberation Serif at 12 pt: eight digits (0.5 em) and two dots (0.25 em).
        assert!((width("21.11.2025", false) * 12.0 - 54.0).abs() < 0.1);
    }
}
