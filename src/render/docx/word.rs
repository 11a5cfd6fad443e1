//! The document tree as docx-rs's paragraphs and tables: texts as runs, tables at the fitted
//! widths, signature lines, the page header (numbers, the draft mark). Data goes into text
//! runs, so nothing in it is markup.

use crate::doc::measure::{INSET_X, INSET_Y, cell_height};
use crate::doc::{Block, Cell, Check, SignLine, Text, entries};
use docx_rs::{
    AlignmentType, BreakType, Header, HeightRule, PageNum, Paragraph, Run, RunFonts, Table,
    TableCell, TableCellMargins, TableLayoutType, TableRow, VMergeType, WidthType,
};

pub(super) const FONT: &str = "Times New Roman";
/// Check boxes: a font with the ballot box glyphs, as Word itself uses.
const SYMBOL_FONT: &str = "Segoe UI Symbol";
/// A4 in twentieths of a point.
pub(super) const A4: (u32, u32) = (11906, 16838);
/// Margins after ГОСТ Р 7.0.97-2016: left 25 mm, right 10 mm, top and bottom 20 mm.
pub(super) const MARGIN: (i32, i32, i32, i32) = (1134, 567, 1134, 1417);
pub(super) const SIZE: usize = 24; // half-points: 12 pt

pub(super) fn text_width(landscape: bool) -> usize {
    let page = if landscape { A4.1 } else { A4.0 } as i32;
    (page - MARGIN.1 - MARGIN.3) as usize
}

fn run_of(t: &Text) -> Run {
    match t {
        Text::Label(s) | Text::Value(s, _) => Run::new().add_text(s.as_str()),
        Text::Blank(_) => Run::new().add_text("________________________"),
    }
}

fn paragraph(texts: &[Text], bold: bool) -> Paragraph {
    let mut p = Paragraph::new();
    for (i, t) in texts.iter().enumerate() {
        if i > 0 {
            p = p.add_run(Run::new().add_text(" "));
        }
        let r = run_of(t);
        p = p.add_run(if bold { r.bold() } else { r });
    }
    p
}

/// A cell's texts as paragraphs: an entry (`doc::entries`: a value after the form's words in
/// the same cell) starts a paragraph of its own, in italic, as in the PDF.
fn cell_paragraphs(texts: &[Text], bold: bool) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    let mut prev: Option<bool> = None;
    for (t, entry) in texts.iter().zip(entries(texts)) {
        let mut p = match prev {
            Some(p) if p == entry => out
                .pop()
                .expect("a paragraph")
                .add_run(Run::new().add_text(" ")),
            _ => Paragraph::new(),
        };
        let r = run_of(t);
        let r = if bold { r.bold() } else { r };
        p = p.add_run(if entry { r.italic() } else { r });
        out.push(p);
        prev = Some(entry);
    }
    if out.is_empty() {
        out.push(Paragraph::new());
    }
    out
}

fn mark(checked: bool) -> Run {
    Run::new().add_text(if checked { "☒" } else { "☐" }).fonts(
        RunFonts::new()
            .ascii(SYMBOL_FONT)
            .hi_ansi(SYMBOL_FONT)
            .cs(SYMBOL_FONT)
            .east_asia(SYMBOL_FONT),
    )
}

/// The mark and its option stay on one line: a no-break space between them, as in the PDF.
fn check_paragraph(c: &Check) -> Paragraph {
    let mut p = Paragraph::new().add_run(mark(c.checked));
    if !c.label.is_empty() {
        p = p.add_run(Run::new().add_text(format!("\u{a0}{}", c.label)));
    }
    for t in &c.detail {
        p = p.add_run(Run::new().add_text(" ")).add_run(run_of(t));
    }
    p
}

fn cell(c: &Cell, width: usize, bold: bool, size: usize) -> TableCell {
    let mut tc = TableCell::new().width(width, WidthType::Dxa);
    if c.colspan > 1 {
        tc = tc.grid_span(c.colspan);
    }
    if c.rowspan > 1 {
        tc = tc.vertical_merge(VMergeType::Restart);
    }
    let align = if c.align == "center" {
        AlignmentType::Center
    } else {
        AlignmentType::Left
    };
    // In a table an empty cell is the blank to fill in: no underscores in it.
    let content: Vec<Text> = c
        .content
        .iter()
        .filter(|t| !matches!(t, Text::Blank(_)))
        .cloned()
        .collect();
    let size = (size as f32 * c.scale).round() as usize;
    if !content.is_empty() || c.checks.is_empty() {
        for p in cell_paragraphs(&content, bold || c.bold) {
            tc = tc.add_paragraph(sized(p, size).align(align).keep_next(c.keep));
        }
    }
    for k in &c.checks {
        tc = tc.add_paragraph(sized(check_paragraph(k), size).align(align));
    }
    tc
}

/// A paragraph's runs at `size` half-points (tables set smaller than 12 pt to fit).
fn sized(mut p: Paragraph, size: usize) -> Paragraph {
    if size != SIZE {
        for child in &mut p.children {
            if let docx_rs::ParagraphChild::Run(r) = child {
                **r = r.as_ref().clone().size(size);
            }
        }
    }
    p
}

/// The continuation of a rowspan in a row below it.
fn merged(width: usize) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_merge(VMergeType::Continue)
        .add_paragraph(Paragraph::new())
}

/// docx-rs cannot mark a header row: header rows get their height with the rule «auto»,
/// which no other row has, and the repack turns that into `<w:tblHeader/>` and «atLeast»
/// (Word and LibreOffice then repeat them on every page).
///
/// The heights themselves are for LibreOffice, which repeats a header without growing the
/// rows that a tall merged cell («№ п/п» over both header rows) needs, and so cut its text
/// on every page but the first: each header row is given the height its cells need.
fn header_heights(header: &[Vec<Cell>], g: &[usize], size: f32) -> Vec<f32> {
    let n = g.len().max(1);
    let mut heights = vec![0.0f32; header.len()];
    for (r, (row, cols)) in header
        .iter()
        .zip(crate::doc::fit::columns(header))
        .enumerate()
    {
        for (c, col) in row.iter().zip(cols) {
            let w: f32 = g[col.min(n - 1)..(col + c.colspan).min(n)]
                .iter()
                .sum::<usize>() as f32
                / 20.0;
            // With room to spare: LibreOffice's line breaks in a narrow column are not ours,
            // and the paragraph's space after (3 pt) is not in the estimate.
            let h = cell_height(c, w, size) * 1.25 + 3.0;
            // What the rows above a rowspan's last do not give, the last row takes.
            let last = (r + c.rowspan - 1).min(header.len() - 1);
            heights[last] = heights[last].max(h - heights[r..last].iter().sum::<f32>());
        }
    }
    heights
}

/// A table at `widths` (points, from `fit`), set at `size` points.
pub(super) fn table(widths: &[f32], header: &[Vec<Cell>], rows: &[Vec<Cell>], size: f32) -> Table {
    let g: Vec<usize> = widths.iter().map(|w| (w * 20.0).round() as usize).collect();
    let n = g.len().max(1);
    let half_points = (size * 2.0).round() as usize;
    let total: usize = g.iter().sum();
    // (column, rows left) of the rowspans still open.
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let mut make_row = |cells: &Vec<Cell>, head: bool| {
        let mut tcs = Vec::new();
        let mut col = 0;
        let mut cells = cells.iter();
        let mut split = false;
        while col < n {
            if let Some(k) = open.iter().position(|(c, left, _)| *c == col && *left > 0) {
                let span = open[k].2;
                open[k].1 -= 1;
                let w: usize = g[col..(col + span).min(n)].iter().sum();
                let mut tc = merged(w);
                if span > 1 {
                    tc = tc.grid_span(span);
                }
                tcs.push(tc);
                col += span;
                continue;
            }
            let Some(c) = cells.next() else { break };
            let span = c.colspan.max(1);
            let w: usize = g[col.min(n - 1)..(col + span).min(n)].iter().sum();
            if c.rowspan > 1 {
                open.push((col, c.rowspan - 1, span));
            }
            split |= c.split;
            tcs.push(cell(c, w, head, half_points));
            col += span;
        }
        open.retain(|(_, left, _)| *left > 0);
        let row = TableRow::new(tcs);
        // Short rows move to the next page whole; tall ones split under the repeated header.
        if split { row } else { row.cant_split() }
    };
    let heights = header_heights(header, &g, size);
    let mut trs: Vec<TableRow> = header
        .iter()
        .zip(heights)
        .map(|(r, h)| {
            make_row(r, true)
                .row_height((h * 20.0).round())
                .height_rule(HeightRule::Auto)
        })
        .collect();
    trs.extend(rows.iter().map(|r| make_row(r, false)));
    let inset_x = (INSET_X * 20.0) as usize;
    let inset_y = (INSET_Y * 20.0) as usize;
    Table::new(trs)
        .set_grid(g)
        .layout(TableLayoutType::Fixed)
        .width(total, WidthType::Dxa)
        .margins(TableCellMargins::new().margin(inset_y, inset_x, inset_y, inset_x))
}

/// A role and its lines to fill (`Block::Sign`): a table without borders but the lines under
/// what stands on them, the captions in the row below, the whole kept on one page.
fn sign_table(role: &Text, role_width: u8, lines: &[SignLine], total: usize) -> Table {
    let part = |pct: u8| total * usize::from(pct) / 100;
    let fixed: usize = part(role_width) + lines.iter().map(|l| part(l.width)).sum::<usize>();
    let free = lines.iter().filter(|l| l.width == 0).count().max(1);
    let rest = total.saturating_sub(fixed) / free;
    let widths: Vec<usize> = std::iter::once(part(role_width))
        .chain(
            lines
                .iter()
                .map(|l| if l.width == 0 { rest } else { part(l.width) }),
        )
        .collect();
    let line = |t: &Text, w: usize| {
        // A blank is the line itself: no underscores in it.
        let content: Vec<Text> = std::iter::once(t.clone())
            .filter(|t| !matches!(t, Text::Blank(_)))
            .collect();
        TableCell::new()
            .width(w, WidthType::Dxa)
            .vertical_align(docx_rs::VAlignType::Bottom)
            .set_borders(docx_rs::TableCellBorders::with_empty().set(
                docx_rs::TableCellBorder::new(docx_rs::TableCellBorderPosition::Bottom).size(4),
            ))
            .add_paragraph(paragraph(&content, false).keep_next(true))
    };
    let first = TableRow::new(
        std::iter::once(
            TableCell::new()
                .width(widths[0], WidthType::Dxa)
                .vertical_align(docx_rs::VAlignType::Bottom)
                .add_paragraph(paragraph(std::slice::from_ref(role), false).keep_next(true)),
        )
        .chain(
            lines
                .iter()
                .zip(&widths[1..])
                .map(|(l, w)| line(&l.text, *w)),
        )
        .collect(),
    )
    .cant_split();
    let second = TableRow::new(
        std::iter::once(
            TableCell::new()
                .width(widths[0], WidthType::Dxa)
                .add_paragraph(Paragraph::new()),
        )
        .chain(lines.iter().zip(&widths[1..]).map(|(l, w)| {
            TableCell::new().width(*w, WidthType::Dxa).add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(l.caption.as_str()))
                    .align(AlignmentType::Center),
            )
        }))
        .collect(),
    )
    .cant_split();
    let inset_x = (INSET_X * 20.0) as usize;
    Table::new(vec![first, second])
        .set_grid(widths.clone())
        .layout(TableLayoutType::Fixed)
        .width(widths.iter().sum(), WidthType::Dxa)
        .margins(TableCellMargins::new().margin(0, inset_x, 0, inset_x))
        .clear_all_border()
}

/// A two-column table without a header at `left` percent of `total` twips (fields, approval).
fn plain_table(left: u8, rows: &[Vec<Cell>], total: usize) -> Table {
    let l = total as f32 / 20.0 * f32::from(left) / 100.0;
    table(&[l, total as f32 / 20.0 - l], &[], rows, 12.0)
}

pub(super) fn header(draft: bool, numbered: bool) -> Header {
    let mut h = Header::new();
    if numbered {
        h = h.add_paragraph(
            Paragraph::new()
                .add_page_num(PageNum::new())
                .align(AlignmentType::Center),
        );
    }
    if draft {
        h = h.add_paragraph(
            Paragraph::new()
                .add_run(
                    Run::new()
                        .add_text("ЧЕРНОВИК")
                        .size(72)
                        .bold()
                        .color("BFBFBF"),
                )
                .align(AlignmentType::Center),
        );
    }
    h
}

/// What a run of blocks of one orientation becomes: Word's paragraphs and tables (boxed: a
/// docx-rs paragraph is 2.4 KB).
pub(super) enum Item {
    P(Box<Paragraph>),
    T(Box<Table>),
}

impl Item {
    pub(super) fn p(p: Paragraph) -> Item {
        Item::P(Box::new(p))
    }
}

/// One block as Word paragraphs and tables, `width` twips wide.
pub(super) fn block_items(b: &Block, width: usize, out: &mut Vec<Item>) {
    match b {
        Block::Appendix { lines } => {
            for l in lines {
                out.push(Item::p(
                    Paragraph::new()
                        .add_run(Run::new().add_text(l.as_str()))
                        .indent(Some((width * 2 / 5) as i32), None, None, None),
                ));
            }
            out.push(Item::p(Paragraph::new()));
        }
        Block::Title { lines } => {
            for l in lines {
                out.push(Item::p(
                    paragraph(std::slice::from_ref(l), true)
                        .align(AlignmentType::Center)
                        .keep_next(true),
                ));
            }
        }
        Block::Heading { text } => {
            out.push(Item::p(
                paragraph(std::slice::from_ref(text), true).keep_next(true),
            ));
        }
        // A bold paragraph heads what follows it: kept with it, as a heading is.
        Block::Para { content, bold, .. } => {
            out.push(Item::p(paragraph(content, *bold).keep_next(*bold)))
        }
        Block::Fields {
            rows,
            label_width,
            split,
        } => {
            let cells: Vec<Vec<Cell>> = rows
                .iter()
                .enumerate()
                .map(|(i, (l, v))| {
                    let tall = split.get(i).copied().unwrap_or(false);
                    let mut label = Cell::of(vec![l.clone()]);
                    let mut value = Cell::of(v.clone());
                    (label.split, value.split) = (tall, tall);
                    vec![label, value]
                })
                .collect();
            out.push(Item::T(Box::new(plain_table(
                (*label_width).clamp(10, 90),
                &cells,
                width,
            ))));
        }
        Block::Table {
            header,
            rows,
            widths,
            size,
            ..
        } => out.push(Item::T(Box::new(table(widths, header, rows, *size)))),
        Block::Checks {
            label,
            options,
            inline,
        } => {
            if *inline {
                let mut p = Paragraph::new();
                if let Some(l) = label {
                    p = p.add_run(run_of(l)).add_run(Run::new().add_text("  "));
                }
                for (i, o) in options.iter().enumerate() {
                    if i > 0 {
                        p = p.add_run(Run::new().add_text("    "));
                    }
                    p = p
                        .add_run(mark(o.checked))
                        .add_run(Run::new().add_text(format!("\u{a0}{}", o.label)));
                    for t in &o.detail {
                        p = p.add_run(Run::new().add_text(" ")).add_run(run_of(t));
                    }
                }
                out.push(Item::p(p.keep_lines(true)));
            } else {
                // A label and its options stay on one page: each keeps with the next.
                if let Some(l) = label {
                    out.push(Item::p(
                        paragraph(std::slice::from_ref(l), false).keep_next(true),
                    ));
                }
                let last = options.len().saturating_sub(1);
                for (i, o) in options.iter().enumerate() {
                    out.push(Item::p(check_paragraph(o).keep_next(i < last)));
                }
            }
        }
        Block::Signature {
            role,
            name,
            caption,
        } => {
            // The signature block is one unit: kept together, never split by a page break.
            out.push(Item::p(Paragraph::new().keep_next(true)));
            out.push(Item::p(
                Paragraph::new()
                    .add_run(run_of(role))
                    .add_run(Run::new().add_text(" ____________________ "))
                    .add_run(run_of(name))
                    .keep_next(caption.is_some())
                    .keep_lines(true),
            ));
            if let Some(c) = caption {
                out.push(Item::p(
                    Paragraph::new()
                        .add_run(Run::new().add_text(c.as_str()))
                        .align(AlignmentType::Right),
                ));
            }
        }
        Block::Sign {
            role,
            role_width,
            lines,
        } => out.push(Item::T(Box::new(sign_table(
            role,
            *role_width,
            lines,
            width,
        )))),
        Block::Approval { left, right } => {
            let n = left.len().max(right.len());
            // A blank here is a line to sign or fill in, drawn as in a paragraph: a table
            // cell would leave it out, and the borderless table would show nothing.
            let line = |t: &Text| match t {
                Text::Blank(_) => Cell::of(vec![Text::label("________________________")]),
                t => Cell::of(vec![t.clone()]),
            };
            let rows: Vec<Vec<Cell>> = (0..n)
                .map(|i| {
                    vec![
                        left.get(i).map(line).unwrap_or_else(Cell::empty),
                        right.get(i).map(line).unwrap_or_else(Cell::empty),
                    ]
                })
                .collect();
            out.push(Item::T(Box::new(
                plain_table(50, &rows, width).clear_all_border(),
            )));
        }
        Block::Bars { bars } => {
            // Word has no simple chart here: a table with the count drawn as a bar of blocks.
            let top = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
            let rows: Vec<Vec<Cell>> = bars
                .iter()
                .map(|(k, n)| {
                    vec![
                        Cell::of(vec![Text::Value(k.clone(), &[])]),
                        Cell::of(vec![Text::Value("█".repeat(n * 30 / top), &[])]),
                        Cell::of(vec![Text::Value(n.to_string(), &[])]),
                    ]
                })
                .collect();
            let w = width as f32 / 20.0;
            // No rules between the bars: a chart, not a grid.
            out.push(Item::T(Box::new(
                table(&[w * 0.35, w * 0.55, w * 0.10], &[], &rows, 12.0).clear_all_border(),
            )));
        }
        Block::Space => out.push(Item::p(Paragraph::new())),
        Block::PageBreak => out.push(Item::p(
            Paragraph::new().add_run(Run::new().add_break(BreakType::Page)),
        )),
        Block::Orientation { .. } | Block::Sheet { .. } => {}
    }
}
