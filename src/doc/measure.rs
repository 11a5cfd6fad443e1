//! Measuring text in a table cell: its lines at a width, its height, the widest piece a word
//! breaks into, and zero-width break points for a value token wider than its column. The fit
//! (`super::fit`) sizes columns with these; the DOCX writer estimates header heights with
//! `cell_height`.

use super::fonts::{Face, ZWSP, advance, advance_in, width, width_in};
use super::tree::{Cell, Check, Text, entries};

/// A table cell's horizontal and vertical inset (`templates/form.typ`, DOCX cell margins).
pub const INSET_X: f32 = 4.0;
pub const INSET_Y: f32 = 3.0;
/// Line pitch as a multiple of the size (cap height 0.66 em plus leading 0.45 em, rounded up).
const LINE: f32 = 1.15;
/// Measured widths are widened by this factor and margin (kerning, rounding).
pub(super) const SLACK: f32 = 1.03;
pub(super) const SLACK_PT: f32 = 0.5;
/// Widths are rounded down to 1/20 pt (the DOCX's unit); a word measured to fit still fits.
const ROUNDING: f32 = 0.1;

pub(super) fn longest_word(s: &str, face: Face) -> f32 {
    s.split_whitespace()
        .map(|w| width_in(w, face))
        .fold(0.0, f32::max)
}

pub(super) fn check_text(c: &Check) -> String {
    let mut s = String::from("☒");
    if !c.label.is_empty() {
        s.push('\u{a0}');
        s.push_str(&c.label);
    }
    s
}

/// Whether a word of the cell is wider than `room` points at `size`.
pub(super) fn needs_hyphens(cell: &Cell, room: f32, size: f32, bold: bool) -> bool {
    let limit = (room + ROUNDING - SLACK_PT) / SLACK / (size * cell.scale);
    let entries = entries(&cell.content);
    cell.content.iter().zip(entries).any(|(t, entry)| {
        let face = Face::of(bold || cell.bold, entry);
        t.as_str()
            .split_whitespace()
            .any(|w| widest_segment(w, face) > limit)
    })
}

/// Where a line may break inside a word without hyphenating it: after «-», «/» and «–».
const BREAKS_AFTER: [char; 3] = ['-', '/', '–'];

/// The widest part of a word between the points where a line may break anyway.
/// A short word («п/п», «+/-») is kept whole.
pub(super) fn widest_segment(word: &str, face: Face) -> f32 {
    if word.chars().count() <= 5 {
        return width_in(word, face);
    }
    word.split_inclusive([BREAKS_AFTER[0], BREAKS_AFTER[1], BREAKS_AFTER[2], ZWSP])
        .map(|s| width_in(s, face))
        .fold(0.0, f32::max)
}

/// Gives each value token wider than `room` points (at `size`) zero-width break points:
/// after the punctuation that separates its parts, and inside a run that is still too wide.
/// A word that hyphenation can break (its syllables fit) is left whole: a break point inside
/// it would split «Новосибирс|к» without a hyphen, and in the DOCX it would stop Word's search
/// and its own hyphenation. `cell`: the texts are a cell's, whose entries are set in italic.
pub(super) fn wrap_values(texts: &mut [Text], room: f32, size: f32, cell: bool) {
    let limit = ((room + ROUNDING - SLACK_PT) / SLACK / size).max(1.0);
    let entries = if cell {
        entries(texts)
    } else {
        vec![false; texts.len()]
    };
    for (t, entry) in texts.iter_mut().zip(entries) {
        let Text::Value(s, _) = t else { continue };
        let face = Face::of(false, entry);
        if !s.split_whitespace().any(|w| width_in(w, face) > limit) || s.contains(ZWSP) {
            continue;
        }
        let mut out = String::with_capacity(s.len() + 16);
        for (i, word) in s.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            // (Digits excepted: no line breaks after the «-» of «731-48-02».)
            let hyphenable = |w: &str| {
                !w.contains(|c: char| c.is_ascii_digit())
                    && w.split_inclusive(BREAKS_AFTER)
                        .all(|part| hardest_piece(part, face) <= limit)
            };
            if width_in(word, face) <= limit || hyphenable(word) {
                // Words are hyphenated by the writer; only what cannot be gets points.
                out.push_str(word);
                continue;
            }
            // Break points after the punctuation that separates the token's parts; a part
            // still too wide is hyphenated when it is a word, else broken where it fills the
            // width.
            let mut parts: Vec<String> = vec![String::new()];
            let mut chars = word.chars().peekable();
            while let Some(c) = chars.next() {
                parts.last_mut().expect("a part").push(c);
                if "/.@_,;:)]-–+".contains(c) && chars.peek().is_some() {
                    parts.push(String::new());
                }
            }
            for (k, part) in parts.iter().enumerate() {
                if k > 0 {
                    out.push(ZWSP);
                }
                if width_in(part, face) <= limit || hyphenable(part) {
                    out.push_str(part);
                    continue;
                }
                let mut run = 0.0f32;
                for c in part.chars() {
                    let w = advance_in(c, face);
                    if run + w > limit && run > 0.0 {
                        out.push(ZWSP);
                        run = 0.0;
                    }
                    out.push(c);
                    run += w;
                }
            }
        }
        *s = out;
    }
}

/// Estimated lines of a cell at `room` points wide.
pub(super) fn cell_lines(cell: &Cell, room: f32, size: f32) -> usize {
    let text = lines_of(&cell.content, room, size);
    let checks: usize = cell
        .checks
        .iter()
        .map(|c| lines_in(&check_text(c), room, size, cell.bold))
        .sum();
    (text + checks).max(1)
}

/// Lines of a cell's texts; an entry starts a line of its own (`doc::entries`).
pub(super) fn lines_of(texts: &[Text], room: f32, size: f32) -> usize {
    let mut joined = String::new();
    let mut prev: Option<bool> = None;
    for (t, entry) in texts.iter().zip(entries(texts)) {
        match prev {
            Some(p) if p != entry => joined.push('\n'),
            Some(_) => joined.push(' '),
            None => {}
        }
        joined.push_str(t.as_str());
        prev = Some(entry);
    }
    lines_in(&joined, room, size, false)
}

/// Greedy line count of `s` at `room` points wide (paragraph breaks count as lines).
pub(super) fn lines_in(s: &str, room: f32, size: f32, bold: bool) -> usize {
    let room = (room / size).max(1.0);
    let space = advance(' ', bold);
    let mut lines = 0;
    for para in s.split('\n') {
        let mut line = 0.0f32;
        lines += 1;
        for w in para.split_whitespace() {
            let ww = width(w, bold);
            if line > 0.0 && line + space + ww > room {
                lines += 1;
                line = 0.0;
            }
            if ww > room {
                // A word wider than the column is broken into as many lines as it takes.
                lines += (ww / room).floor() as usize;
                line = ww % room;
            } else {
                line += if line > 0.0 { space + ww } else { ww };
            }
        }
    }
    lines
}

/// The estimated height in points of `cell` set `room` points wide at `size`.
pub fn cell_height(cell: &Cell, room: f32, size: f32) -> f32 {
    let size = size * cell.scale;
    row_height(cell_lines(cell, room - 2.0 * INSET_X, size), size)
}

pub(super) fn row_height(lines: usize, size: f32) -> f32 {
    lines as f32 * size * LINE + 2.0 * INSET_Y
}

/// The widest piece a word can be broken into: a syllable (with its hyphen) of each part
/// between the break points a line breaker allows (after «-», «/», «–»).
pub(super) fn hardest_piece(word: &str, face: Face) -> f32 {
    let hyphen = advance_in('-', face);
    let mut widest = 0.0f32;
    for part in word.split_inclusive(BREAKS_AFTER) {
        // Punctuation around the letters («(асоциальное», «т.д.)») sticks to the end syllables.
        let core = part.trim_matches(|c: char| !c.is_alphabetic());
        let lead = &part[..part.find(core).unwrap_or(0)];
        let tail = &part[lead.len() + core.len()..];
        if core.chars().count() < 5 || !core.chars().all(char::is_alphabetic) {
            widest = widest.max(width_in(part, face));
            continue;
        }
        let syllables: Vec<&str> = hypher::hyphenate(core, hypher::Lang::Russian).collect();
        let last = syllables.len().saturating_sub(1);
        for (i, s) in syllables.iter().enumerate() {
            let mut w = width_in(s, face);
            if i == 0 {
                w += width_in(lead, face);
            }
            w += if i < last {
                hyphen
            } else {
                width_in(tail, face)
            };
            widest = widest.max(w);
        }
    }
    widest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::fonts::{Face, ZWSP, width};

    #[test]
    fn a_long_word_breaks_into_syllables_no_wider_than_its_longest() {
        let whole = width("Интеллектуальное", false);
        let piece = hardest_piece("Интеллектуальное", Face::Regular);
        assert!(piece < whole / 2.0, "{piece} of {whole}");
    }

    #[test]
    fn a_token_wider_than_its_column_gets_break_points_and_a_word_does_not() {
        let mut t = vec![Text::Value(
            "почта: ivanova.marya.petrovna@school-212.nsk.ru".into(),
            &[],
        )];
        wrap_values(&mut t, 80.0, 12.0, true);
        let s = t[0].as_str();
        assert!(s.contains(ZWSP));
        for piece in s.split([' ', ZWSP]) {
            assert!(width(piece, false) * 12.0 <= 80.0, "{piece}");
        }
        let mut plain = vec![Text::Value("Константинопольская".into(), &[])];
        wrap_values(&mut plain, 60.0, 12.0, true);
        assert_eq!(plain[0].as_str(), "Константинопольская");
    }
}
