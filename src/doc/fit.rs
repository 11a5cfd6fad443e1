//! Fit: the document tree made to fit its pages before either writer sees it, so that the
//! PDF and the DOCX get the same column widths and the same type size.
//!
//! - **Column widths from content.** A `Col::Fixed` column (numbers, dates, codes, marks) is
//!   as wide as its widest entry and never breaks; `Col::Text` columns share the rest by
//!   weight, none narrower than its longest word, or than its longest syllable when the words
//!   do not all fit. A table that cannot fit at 12 pt is set at 11, 10 or 9 pt.
//! - **Tall rows may split.** A row estimated taller than a third of the page body splits
//!   across pages (the header repeats); shorter rows move to the next page whole.
//! - **Hyphenation where it is needed.** A cell gets Russian hyphenation when one of its
//!   words is wider than its column. Elsewhere lines break at spaces only: ГОСТ Р 7.0.97
//!   keeps requisites whole, the text extracted from the PDF stays verbatim, and Typst does
//!   not pay for hyphenating text that never needed it.
//! - **Unbreakable data.** A value token wider than its column (an e-mail, a reference, a
//!   phone list) gets zero-width break points, so it wraps instead of running into the next
//!   column. Labels (the seed's words) are never changed.
//!
//! Widths are measured with the embedded fonts' advance widths (Liberation Serif, metric
//! twin of the Times New Roman the DOCX names), with a small margin for kerning.

use super::fonts::{Face, width, width_in};
use super::measure::{
    INSET_X, SLACK, SLACK_PT, cell_lines, check_text, hardest_piece, lines_in, lines_of,
    longest_word, needs_hyphens, row_height, widest_segment, wrap_values,
};
use super::tree::{Block, Cell, Col, Document, Text, entries};

/// Page geometry in points (A4, the margins of `templates/form.typ` and the DOCX writer).
const MM: f32 = 72.0 / 25.4;
const TEXT_WIDTH: [f32; 2] = [(210.0 - 35.0) * MM, (297.0 - 35.0) * MM];
const BODY_HEIGHT: [f32; 2] = [(297.0 - 40.0) * MM, (210.0 - 40.0) * MM];
/// Sizes tried in turn for a table whose words do not fit at the first.
const SIZES: [f32; 4] = [12.0, 11.0, 10.0, 9.0];
/// A row taller than this share of the page body may split.
const TALL: f32 = 1.0 / 3.0;
/// No fixed column takes more than this share of the width; longer entries wrap.
const FIXED_CAP: f32 = 0.25;

/// `doc` fitted: itself when it already is, else a fitted copy.
pub fn fitted(doc: &Document) -> std::borrow::Cow<'_, Document> {
    let unfitted = doc
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Table { widths, .. } if widths.is_empty()));
    if unfitted {
        let mut d = doc.clone();
        fit(&mut d);
        std::borrow::Cow::Owned(d)
    } else {
        std::borrow::Cow::Borrowed(doc)
    }
}

/// Fits every table and long value of `doc` to its pages.
pub fn fit(doc: &mut Document) {
    let mut landscape = doc.landscape;
    for b in &mut doc.blocks {
        let o = usize::from(landscape);
        match b {
            Block::Orientation { landscape: l } => landscape = *l,
            Block::Table {
                columns,
                header,
                rows,
                widths,
                size,
            } => {
                (*widths, *size) =
                    fit_table(columns, header, rows, *size, TEXT_WIDTH[o], BODY_HEIGHT[o]);
            }
            Block::Fields {
                rows,
                label_width,
                split,
            } => {
                let label = TEXT_WIDTH[o] * f32::from(*label_width) / 100.0;
                let value = TEXT_WIDTH[o] - label;
                *split = rows
                    .iter_mut()
                    .map(|(l, v)| {
                        wrap_values(v, value - 2.0 * INSET_X, 12.0, true);
                        let lines = lines_of(std::slice::from_ref(l), label - 2.0 * INSET_X, 12.0)
                            .max(lines_of(v, value - 2.0 * INSET_X, 12.0));
                        row_height(lines, 12.0) > TALL * BODY_HEIGHT[o]
                    })
                    .collect();
                if split.iter().all(|s| !s) {
                    split.clear();
                }
            }
            Block::Para { content, .. } => wrap_values(content, TEXT_WIDTH[o], 12.0, false),
            Block::Checks { options, .. } => {
                for c in options {
                    wrap_values(&mut c.detail, TEXT_WIDTH[o] * 0.8, 12.0, false)
                }
            }
            Block::Signature { name, .. } => {
                wrap_values(std::slice::from_mut(name), TEXT_WIDTH[o] * 0.4, 12.0, false)
            }
            Block::Sign { lines, .. } => {
                for l in lines {
                    let share = if l.width == 0 {
                        40.0
                    } else {
                        f32::from(l.width)
                    };
                    wrap_values(
                        std::slice::from_mut(&mut l.text),
                        TEXT_WIDTH[o] * share / 100.0,
                        12.0,
                        false,
                    )
                }
            }
            _ => {}
        }
    }
}

/// What one column needs, at 1 pt (every width scales with the size).
#[derive(Default, Clone, Copy)]
struct Need {
    /// The widest piece that can never break: a fixed entry, a label's syllable.
    hard: f32,
    /// The widest whole word (labels and values alike): fitting these avoids hyphens.
    soft: f32,
}

impl Need {
    fn add(&mut self, hard: f32, soft: f32) {
        self.hard = self.hard.max(hard);
        self.soft = self.soft.max(soft.max(hard));
    }
}

/// The columns' widths (points, inset included) and the table's size.
fn fit_table(
    columns: &[Col],
    header: &mut [Vec<Cell>],
    rows: &mut [Vec<Cell>],
    max_size: f32,
    width: f32,
    body: f32,
) -> (Vec<f32>, f32) {
    let mut measure = Measure::of_header(columns, header, width);
    measure.add_rows(columns, rows);
    let (widths, size) = measure.widths(columns, header, max_size, width);
    place_cells(header, rows, &widths, size, body);
    (widths, size)
}

/// What a table's columns need, gathered row by row: a long log is measured in one pass over
/// its entries, a chunk of rows at a time, and fitted once (`Measure::widths`), so every chunk
/// gets the same widths as one table of all rows would.
pub struct Measure {
    needs: Vec<Need>,
    /// Per column: the text width of its cells summed, and their count.
    load: Vec<(f32, usize)>,
    cap: f32,
}

impl Measure {
    /// A measure of `header` alone, for a table `width` points wide.
    pub fn of_header(columns: &[Col], header: &[Vec<Cell>], width: f32) -> Measure {
        let n = columns.len().max(1);
        let mut m = Measure {
            needs: vec![Need::default(); n],
            load: vec![(0.0, 0); n],
            cap: width * FIXED_CAP,
        };
        let cap = m.cap;
        for_each_placed(header, n, |col, span, cell| {
            if span == 1 {
                let (hard, soft) = cell_need(cell, true, false, cap);
                m.needs[col].add(hard, soft);
            }
        });
        m
    }

    /// Adds the needs of `rows`.
    pub fn add_rows(&mut self, columns: &[Col], rows: &[Vec<Cell>]) {
        let n = self.needs.len();
        let cap = self.cap;
        for_each_placed(rows, n, |col, span, cell| {
            if span == 1 {
                let fixed = columns.get(col) == Some(&Col::Fixed);
                let (hard, soft) = cell_need(cell, cell.bold, fixed, cap);
                self.needs[col].add(hard, soft);
                let text: f32 = cell
                    .content
                    .iter()
                    .map(|t| self::width(t.as_str(), false))
                    .sum();
                self.load[col].0 += text;
                self.load[col].1 += 1;
            }
        });
    }

    /// The columns' widths (points, inset included) and the type size, `width` points wide.
    pub fn widths(
        &self,
        columns: &[Col],
        header: &[Vec<Cell>],
        max_size: f32,
        width: f32,
    ) -> (Vec<f32>, f32) {
        let n = self.needs.len();
        let (needs, cap) = (&self.needs, self.cap);
        // The largest size at which every column's unbreakable pieces fit.
        let inner = |size: f32| needs.iter().map(|k| k.hard * size).sum::<f32>();
        let size = SIZES
            .into_iter()
            .filter(|s| *s <= max_size)
            .find(|s| inner(*s) + 2.0 * INSET_X * n as f32 <= width)
            .unwrap_or(SIZES[SIZES.len() - 1]);
        let pad = |w: f32| (w * size * SLACK + SLACK_PT + 2.0 * INSET_X).min(width);
        let hard: Vec<f32> = needs.iter().map(|k| pad(k.hard)).collect();
        let soft: Vec<f32> = needs
            .iter()
            .zip(columns)
            .map(|(k, c)| {
                // A fixed column is as wide as its widest entry, within its cap.
                let want = pad(k.soft);
                if *c == Col::Fixed {
                    want.min(cap).max(pad(k.hard))
                } else {
                    want
                }
            })
            .collect();
        // Whole words where they all fit; otherwise (a log's fourteen columns) only syllables
        // are kept whole and the width goes where the text is, headers hyphenated.
        let sum_soft: f32 = soft.iter().sum();
        let mut widths: Vec<f32> = if sum_soft <= width {
            soft
        } else {
            header_floors(header, n, &hard, size, width)
        };
        // Text columns share what is left by the form's weights, leaning towards the columns
        // that hold more text in this table (the grounds of a log, not its empty columns).
        let load: Vec<f32> = self
            .load
            .iter()
            .map(|(w, k)| w / (*k).max(1) as f32)
            .collect();
        let text_cols = columns
            .iter()
            .filter(|c| matches!(c, Col::Text(_)))
            .count()
            .max(1);
        let mean = load
            .iter()
            .zip(columns)
            .filter(|(_, c)| matches!(c, Col::Text(_)))
            .map(|(l, _)| *l)
            .sum::<f32>()
            / text_cols as f32;
        const SMOOTH: f32 = 6.0;
        let weights: Vec<Col> = columns
            .iter()
            .zip(&load)
            .map(|(c, l)| match c {
                Col::Text(w) if mean > 0.0 => {
                    let lean = ((l + SMOOTH) / (mean + SMOOTH)).sqrt().clamp(0.5, 3.0);
                    Col::Text((f32::from(*w) * lean).round().clamp(1.0, 255.0) as u8)
                }
                other => *other,
            })
            .collect();
        share_rest(&mut widths, &weights, width);
        for w in widths.iter_mut() {
            // Rounded to 1/20 pt, the DOCX's unit, so both writers get the very same widths.
            *w = (*w * 20.0).floor() / 20.0;
        }
        (widths, size)
    }
}

/// The text width of a page, landscape or not (points).
pub fn text_width(landscape: bool) -> f32 {
    TEXT_WIDTH[usize::from(landscape)]
}

/// Sets the cells of a table fitted to `widths` at `size`: break points in long values,
/// hyphenation where a word is wider than its column, and which rows may split across pages.
pub fn place(
    header: &mut [Vec<Cell>],
    rows: &mut [Vec<Cell>],
    widths: &[f32],
    size: f32,
    landscape: bool,
) {
    place_cells(
        header,
        rows,
        widths,
        size,
        BODY_HEIGHT[usize::from(landscape)],
    );
}

fn place_cells(
    header: &mut [Vec<Cell>],
    rows: &mut [Vec<Cell>],
    widths: &[f32],
    size: f32,
    body: f32,
) {
    let n = widths.len().max(1);
    let place = |col: usize, span: usize| -> f32 {
        widths[col.min(n - 1)..(col + span).min(n)]
            .iter()
            .sum::<f32>()
            - 2.0 * INSET_X
    };
    for_each_placed_mut(header, n, |_, col, span, cell| {
        cell.hyphenate = needs_hyphens(cell, place(col, span), size, true);
    });
    // Row heights: a row's tallest cell (a rowspan's height is left to its rows).
    let mut heights = vec![0.0f32; rows.len()];
    for_each_placed_mut(rows, n, |r, col, span, cell| {
        let w = place(col, span);
        let at = size * cell.scale;
        wrap_values(&mut cell.content, w, at, true);
        cell.hyphenate = needs_hyphens(cell, w, size, cell.bold);
        if cell.rowspan == 1 {
            heights[r] = heights[r].max(row_height(cell_lines(cell, w, at), at));
        }
    });
    // A group's title (one bold label across the table, with rows after it) keeps with them.
    let last = rows.len().saturating_sub(1);
    for (r, row) in rows.iter_mut().enumerate() {
        if let [cell] = row.as_mut_slice() {
            cell.keep = r < last
                && cell.bold
                && cell.colspan >= n
                && cell.checks.is_empty()
                && cell.content.iter().all(|t| matches!(t, Text::Label(_)));
        }
    }
    let tall: Vec<bool> = heights.iter().map(|h| *h > TALL * body).collect();
    for (r, row) in rows.iter_mut().enumerate() {
        for cell in row.iter_mut() {
            // A group (a criterion beside its indicators) may break between its rows, so
            // it does not leave half a page empty; each row in it stays whole unless tall.
            cell.split = cell.rowspan > 1 || tall[r];
        }
    }
}

/// Floors that keep the header short: each column wide enough for its header in at most
/// a few lines, the fewest that the width allows (else its syllables alone).
fn header_floors(header: &[Vec<Cell>], n: usize, hard: &[f32], size: f32, width: f32) -> Vec<f32> {
    let mut texts = vec![String::new(); n];
    let mut scales = vec![1.0f32; n];
    for_each_placed(header, n, |col, span, cell| {
        if span == 1 {
            scales[col] = scales[col].min(cell.scale);
            // The header rows of a column are stacked: their lines add up.
            let t: Vec<&str> = cell.content.iter().map(Text::as_str).collect();
            if !texts[col].is_empty() {
                texts[col].push('\n');
            }
            texts[col].push_str(&t.join(" "));
        }
    });
    let room = |col: usize, lines: usize| -> f32 {
        // The narrowest width (bisection) at which the header takes `lines` lines or fewer.
        let (mut lo, mut hi) = (hard[col], width);
        let size = size * scales[col];
        if lines_in(&texts[col], lo - 2.0 * INSET_X, size, true) <= lines {
            return lo;
        }
        for _ in 0..12 {
            let mid = (lo + hi) / 2.0;
            if lines_in(&texts[col], mid - 2.0 * INSET_X, size, true) <= lines {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi * SLACK + SLACK_PT
    };
    // A fifth of the width is kept for the data (a log's grounds), if the header allows.
    for share in [0.8, 1.0] {
        for lines in [4, 5, 6, 7, 8, 10, 12, 14] {
            let floors: Vec<f32> = (0..n).map(|c| room(c, lines)).collect();
            if floors.iter().sum::<f32>() <= width * share {
                return floors;
            }
        }
    }
    hard.to_vec()
}

/// Gives the width left over to the text columns, by weight, never taking from a column
/// what its words need (water-filling: columns already wider than their share keep their
/// width and drop out).
fn share_rest(widths: &mut [f32], columns: &[Col], width: f32) {
    let weight = |c: &Col| match c {
        Col::Text(w) => f32::from(*w).max(1.0),
        Col::Fixed => 0.0,
    };
    let mut free: Vec<usize> = (0..widths.len())
        .filter(|i| weight(&columns[*i]) > 0.0)
        .collect();
    if free.is_empty() {
        // Only fixed columns: they share the rest evenly.
        let extra = (width - widths.iter().sum::<f32>()).max(0.0) / widths.len().max(1) as f32;
        widths.iter_mut().for_each(|w| *w += extra);
        return;
    }
    loop {
        let kept: f32 = (0..widths.len())
            .filter(|i| !free.contains(i))
            .map(|i| widths[i])
            .sum();
        let pool = (width - kept).max(0.0);
        let total: f32 = free.iter().map(|i| weight(&columns[*i])).sum();
        let share = |i: usize| pool * weight(&columns[i]) / total;
        let (over, under): (Vec<usize>, Vec<usize>) =
            free.iter().partition(|i| widths[**i] >= share(**i));
        if over.is_empty() || under.is_empty() {
            if under.is_empty() {
                return; // every text column already needs more than its share
            }
            for i in &under {
                widths[*i] = share(*i);
            }
            return;
        }
        free = under;
    }
}

/// The first column of every cell of `rows`, placed as Typst places them: a column that a
/// rowspan from a row above takes is skipped. The one placement the fit and the DOCX writer
/// (header heights) share.
pub(crate) fn columns(rows: &[Vec<Cell>]) -> Vec<Vec<usize>> {
    // (first row, rows, column) of each column a rowspan takes.
    let mut taken: Vec<(usize, usize, usize)> = Vec::new();
    let above = |taken: &[(usize, usize, usize)], r: usize, col: usize| {
        taken
            .iter()
            .any(|(start, n, c)| *start < r && r < start + n && *c == col)
    };
    rows.iter()
        .enumerate()
        .map(|(r, row)| {
            let mut col = 0;
            row.iter()
                .map(|cell| {
                    while above(&taken, r, col) {
                        col += 1;
                    }
                    if cell.rowspan > 1 {
                        taken.extend((col..col + cell.colspan).map(|c| (r, cell.rowspan, c)));
                    }
                    let at = col;
                    col += cell.colspan;
                    at
                })
                .collect()
        })
        .collect()
}

/// Calls `f(column, colspan, cell)` for each cell of `rows` inside the table's `n` columns.
fn for_each_placed(rows: &[Vec<Cell>], n: usize, mut f: impl FnMut(usize, usize, &Cell)) {
    for (row, cols) in rows.iter().zip(columns(rows)) {
        for (cell, col) in row.iter().zip(cols) {
            if col < n {
                f(col, cell.colspan, cell);
            }
        }
    }
}

/// As `for_each_placed`, with the row's index and the cell to change.
fn for_each_placed_mut(
    rows: &mut [Vec<Cell>],
    n: usize,
    mut f: impl FnMut(usize, usize, usize, &mut Cell),
) {
    let placed = columns(rows);
    for (r, (row, cols)) in rows.iter_mut().zip(placed).enumerate() {
        for (cell, col) in row.iter_mut().zip(cols) {
            if col < n {
                f(r, col, cell.colspan, cell);
            }
        }
    }
}

/// (hard, soft) needs of one cell at 1 pt.
fn cell_need(cell: &Cell, bold: bool, fixed: bool, cap: f32) -> (f32, f32) {
    let mut hard = 0.0f32;
    let mut soft = 0.0f32;
    for (t, entry) in cell.content.iter().zip(entries(&cell.content)) {
        let face = Face::of(bold, entry);
        match t {
            Text::Blank(_) => {}
            // A fixed column's entry stays on one line (within the cap).
            Text::Label(s) | Text::Value(s, _) if fixed => {
                let w = width_in(s.trim(), face);
                let w = if w * 12.0 > cap {
                    longest_word(s, face)
                } else {
                    w
                };
                hard = hard.max(w);
            }
            Text::Label(s) => {
                for w in s.split_whitespace() {
                    hard = hard.max(hardest_piece(w, face));
                    soft = soft.max(widest_segment(w, face));
                }
            }
            // Data words are wished for whole; a word wider than a quarter of the page is
            // wrapped with break points instead of widening its column.
            Text::Value(s, _) => {
                for w in s.split_whitespace() {
                    let whole = widest_segment(w, face);
                    if whole * 12.0 <= cap {
                        hard = hard.max(hardest_piece(w, face));
                        soft = soft.max(whole);
                    }
                }
            }
        }
    }
    for c in &cell.checks {
        let line = check_text(c);
        // The mark and the first word are joined by a no-break space: one piece.
        for w in line.split(' ') {
            hard = hard.max(width(w, bold));
        }
        soft = soft.max(width(&line, bold).min(cap / 12.0));
    }
    (hard * cell.scale, soft * cell.scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_columns_hold_their_widest_entry_and_text_columns_share_the_rest() {
        let header = vec![vec![
            Cell::label("№"),
            Cell::label("Мероприятия"),
            Cell::label("Сроки"),
        ]];
        let rows = vec![vec![
            Cell::label("1"),
            Cell::value(Some("Консультация психолога")),
            Cell::value(Some("21.11.2025")),
        ]];
        let mut b = Block::table(vec![Col::Fixed, Col::Text(1), Col::Fixed], header, rows);
        let mut d = Document {
            form: "t".into(),
            title: "t".into(),
            date: None,
            landscape: false,
            draft: false,
            blocks: vec![b.clone()],
        };
        fit(&mut d);
        b = d.blocks.remove(0);
        let Block::Table { widths, size, .. } = b else {
            unreachable!()
        };
        assert_eq!(size, 12.0);
        let date = width("21.11.2025", false) * 12.0 + 2.0 * INSET_X;
        assert!(widths[2] >= date && widths[2] < date + 6.0, "{widths:?}");
        assert!(
            (widths.iter().sum::<f32>() - TEXT_WIDTH[0]).abs() < 1.0,
            "{widths:?}"
        );
        assert!(widths[1] > 300.0);
    }
}
