//! The DOCX writer: the same document tree as real Word paragraphs and tables, Times New Roman,
//! A4, the same margins as the PDF. Data goes into text runs, so nothing in it is markup.

use crate::doc::measure::{INSET_X, INSET_Y, cell_height};
use crate::doc::{Block, Cell, Check, Document, SignLine, Text, entries};
use docx_rs::{
    AlignmentType, BreakType, Docx, Header, HeightRule, LineSpacing, PageMargin, PageNum,
    PageOrientationType, Paragraph, Run, RunFonts, Section, Table, TableCell, TableCellMargins,
    TableLayoutType, TableRow, VMergeType, WidthType,
};

const FONT: &str = "Times New Roman";
/// Check boxes: a font with the ballot box glyphs, as Word itself uses.
const SYMBOL_FONT: &str = "Segoe UI Symbol";
/// A4 in twentieths of a point.
const A4: (u32, u32) = (11906, 16838);
/// Margins after ГОСТ Р 7.0.97-2016: left 25 mm, right 10 mm, top and bottom 20 mm.
const MARGIN: (i32, i32, i32, i32) = (1134, 567, 1134, 1417);
const SIZE: usize = 24; // half-points: 12 pt

fn text_width(landscape: bool) -> usize {
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
fn table(widths: &[f32], header: &[Vec<Cell>], rows: &[Vec<Cell>], size: f32) -> Table {
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

fn header(draft: bool, numbered: bool) -> Header {
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
enum Item {
    P(Box<Paragraph>),
    T(Box<Table>),
}

impl Item {
    fn p(p: Paragraph) -> Item {
        Item::P(Box::new(p))
    }
}

/// Renders a document tree to DOCX bytes. An orientation block starts a new section, so a
/// wide table gets landscape pages while the rest stays portrait, as in the PDF.
pub fn docx(doc: &Document) -> Result<Vec<u8>, String> {
    let doc = &*crate::doc::fit::fitted(doc);
    let mut sections: Vec<(bool, Vec<Item>)> = vec![(doc.landscape, Vec::new())];
    for b in &doc.blocks {
        if let Block::Orientation { landscape } = b {
            if sections.last().is_some_and(|(_, items)| items.is_empty()) {
                sections.pop();
            }
            sections.push((*landscape, Vec::new()));
            continue;
        }
        let (landscape, items) = sections.last_mut().expect("one section at least");
        block_items(b, text_width(*landscape), items);
    }
    // The paragraph just before a table (its label, «Сведения о детях:») keeps with it.
    for (_, items) in &mut sections {
        for i in 1..items.len() {
            if let [Item::P(p), Item::T(_)] = &mut items[i - 1..=i] {
                p.property = std::mem::take(&mut p.property).keep_next(true);
            }
        }
    }
    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT);
    let margin = || {
        PageMargin::new()
            .top(MARGIN.0)
            .right(MARGIN.1)
            .bottom(MARGIN.2)
            .left(MARGIN.3)
            .header(567)
            .footer(567)
    };
    let size = |landscape: bool| if landscape { (A4.1, A4.0) } else { A4 };
    let orient = |landscape: bool| {
        if landscape {
            PageOrientationType::Landscape
        } else {
            PageOrientationType::Portrait
        }
    };
    let mut d = Docx::new()
        .default_fonts(fonts)
        .default_size(SIZE)
        .default_line_spacing(LineSpacing::new().after(60));
    let last = sections.len() - 1;
    for (i, (landscape, items)) in sections.into_iter().enumerate() {
        let (w, h) = size(landscape);
        if i < last {
            // Every section but the last is written where it ends; page numbers run on.
            let mut sec = Section::new()
                .page_size(
                    docx_rs::PageSize::new()
                        .size(w, h)
                        .orient(orient(landscape)),
                )
                .page_margin(margin())
                .header(header(doc.draft, true));
            if i == 0 {
                sec = sec.title_pg().first_header(header(doc.draft, false));
            }
            for item in items {
                sec = match item {
                    Item::P(p) => sec.add_paragraph(*p),
                    Item::T(t) => sec.add_table(*t),
                };
            }
            d = d.add_section(sec);
        } else {
            d = d
                .page_size(w, h)
                .page_orient(orient(landscape))
                .page_margin(margin())
                .header(header(doc.draft, true));
            if i == 0 {
                // Page numbers from the second page: the first has its own (empty) header.
                d = d.title_pg().first_header(header(doc.draft, false));
            }
            for item in items {
                d = match item {
                    Item::P(p) => d.add_paragraph(*p),
                    Item::T(t) => d.add_table(*t),
                };
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).map_err(|e| e.to_string())?;
    repack(out.get_ref()).map_err(|e| e.to_string())
}

/// One block as Word paragraphs and tables, `width` twips wide.
fn block_items(b: &Block, width: usize, out: &mut Vec<Item>) {
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
        Block::Orientation { .. } => {}
    }
}

/// docx-rs stores the package's parts uncompressed; Word and LibreOffice deflate them.
/// Repacked with deflate, a support card's DOCX is ~8× smaller, in the output folder and in
/// every archived version alike. Entries keep their order and a fixed date (reproducible).
/// Parts under `DEFLATE_FROM` bytes stay stored: each deflated part costs a fresh deflate
/// state (~300 KB zeroed), which for the dozen sub-kilobyte parts of every DOCX was ~5% of a
/// batch's CPU, to save a few hundred bytes each.
///
/// The repack also writes what docx-rs has no call for (`patch`): header rows that repeat,
/// Russian as the text's language and automatic hyphenation.
fn repack(stored: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::{Read, Write};
    let mut input = zip::ZipArchive::new(std::io::Cursor::new(stored))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(stored.len() / 4)));
    const DEFLATE_FROM: usize = 2048;
    let stored_options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    let options = stored_options.compression_method(zip::CompressionMethod::Deflated);
    let mut buf = Vec::new();
    for i in 0..input.len() {
        let mut part = input.by_index(i)?;
        let name = part.name().to_string();
        if part.is_dir() {
            out.add_directory(name, stored_options)?;
            continue;
        }
        buf.clear();
        part.read_to_end(&mut buf)?;
        let clean = xml_chars(&buf);
        let bytes = patch(&name, &clean);
        let small = bytes.len() < DEFLATE_FROM;
        out.start_file(name, if small { stored_options } else { options })?;
        out.write_all(&bytes)?;
    }
    // The same bytes whether written on Linux or Windows.
    Ok(crate::portable_zip::portable(out.finish()?.into_inner()))
}

/// `xml` without what XML 1.0 forbids anywhere (C0 controls but tab and line ends, U+FFFE,
/// U+FFFF), which docx-rs writes as they come: one such character in a text makes Word and
/// LibreOffice refuse the whole document. Validation refuses them first (I-CHAR); this is
/// the writer's own guarantee.
fn xml_chars(xml: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let bad = |i: usize| -> usize {
        match xml[i] {
            b'\t' | b'\n' | b'\r' => 0,
            0..0x20 => 1,
            0xEF if xml.get(i + 1) == Some(&0xBF)
                && matches!(xml.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                3
            }
            _ => 0,
        }
    };
    if !(0..xml.len()).any(|i| bad(i) > 0) {
        return std::borrow::Cow::Borrowed(xml);
    }
    let mut out = Vec::with_capacity(xml.len());
    let mut i = 0;
    while i < xml.len() {
        match bad(i) {
            0 => {
                out.push(xml[i]);
                i += 1;
            }
            n => i += n,
        }
    }
    std::borrow::Cow::Owned(out)
}

/// How docx-rs ends a header row's height (`header_heights`): no other row has rule «auto».
const HEADER_HEIGHT_END: &str = r#"" w:hRule="auto" />"#;
const HEIGHT_START: &str = r#"<w:trHeight w:val=""#;
/// Russian for spelling and hyphenation, on every run through the default run properties.
const LANG_XML: &str = r#"<w:lang w:val="ru-RU" w:eastAsia="ru-RU" w:bidi="ar-SA" />"#;
/// Hyphenation as Word's «Автоматическая расстановка переносов»; LibreOffice reads it too.
const HYPHENATION_XML: &str = r#"<w:autoHyphenation w:val="true" />"#;

/// A part with what docx-rs cannot say written in. User text is escaped in `<w:t>`, so the
/// markup searched for here can only be docx-rs's own.
fn patch<'a>(name: &str, xml: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
    use std::borrow::Cow;
    let Ok(text) = std::str::from_utf8(xml) else {
        return Cow::Borrowed(xml);
    };
    match name {
        "word/document.xml" if text.contains(HEADER_HEIGHT_END) => {
            Cow::Owned(header_rows(text).into_bytes())
        }
        "word/styles.xml" => match text
            .find("<w:rPrDefault>")
            .and_then(|start| text[start..].find("</w:rPr>").map(|end| start + end))
        {
            Some(at) => Cow::Owned([&text[..at], LANG_XML, &text[at..]].concat().into_bytes()),
            None => Cow::Borrowed(xml),
        },
        // autoHyphenation comes before compat in the schema's order.
        "word/settings.xml" => match text.find("<w:compat>") {
            Some(at) => Cow::Owned(
                [&text[..at], HYPHENATION_XML, &text[at..]]
                    .concat()
                    .into_bytes(),
            ),
            None => Cow::Borrowed(xml),
        },
        _ => Cow::Borrowed(xml),
    }
}

/// Every `<w:trHeight w:val="H" w:hRule="auto" />` (a header row) as a repeated header row
/// at least H high.
fn header_rows(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    while let Some(end) = rest.find(HEADER_HEIGHT_END) {
        let Some(start) = rest[..end].rfind(HEIGHT_START) else {
            break;
        };
        let value = &rest[start + HEIGHT_START.len()..end];
        out.push_str(&rest[..start]);
        out.push_str("<w:tblHeader />");
        out.push_str(HEIGHT_START);
        out.push_str(value);
        out.push_str(r#"" w:hRule="atLeast" />"#);
        rest = &rest[end + HEADER_HEIGHT_END.len()..];
    }
    out.push_str(rest);
    out
}

/// A DOCX whose one long table gets its rows as they come: `template` is the document built
/// with `marker` as the only text of the table's last row (after its header and any rows of the
/// first page), and `next` gives the rows that replace that row, a chunk at a time, until None.
/// The rows are written as docx-rs writes a table at `widths` and `size`, deflated into the
/// package as they come, so memory holds one chunk. Written to `out`, made portable.
pub fn with_streamed_rows(
    template: &[u8],
    marker: &str,
    widths: &[f32],
    size: f32,
    mut next: impl FnMut() -> Result<Option<Vec<Vec<Cell>>>, String>,
    out: std::fs::File,
) -> Result<std::fs::File, String> {
    use docx_rs::BuildXML;
    use std::io::{Read, Write};
    let zip_err = |e: zip::result::ZipError| e.to_string();
    let mut input = zip::ZipArchive::new(std::io::Cursor::new(template)).map_err(zip_err)?;
    let mut zip = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    // Paragraph IDs of the streamed rows, past any of the template's (docx-rs numbers from 1).
    let mut para_id: u32 = 0x0100_0000;
    for i in 0..input.len() {
        let part = input.by_index(i).map_err(zip_err)?;
        if part.name() != "word/document.xml" {
            zip.raw_copy_file(part).map_err(zip_err)?;
            continue;
        }
        let mut xml = String::new();
        { part }
            .read_to_string(&mut xml)
            .map_err(|e| e.to_string())?;
        let at = xml.find(marker).ok_or("нет места для строк таблицы")?;
        let start = xml[..at].rfind("<w:tr>").ok_or("нет строки таблицы")?;
        let end = at + xml[at..].find("</w:tr>").ok_or("нет конца строки")? + "</w:tr>".len();
        zip.start_file("word/document.xml", options)
            .map_err(zip_err)?;
        let io = |e: std::io::Error| e.to_string();
        zip.write_all(&xml.as_bytes()[..start]).map_err(io)?;
        while let Some(rows) = next()? {
            if rows.is_empty() {
                continue;
            }
            let built = table(widths, &[], &rows, size).build();
            let built = String::from_utf8(built).map_err(|e| e.to_string())?;
            let (Some(a), Some(b)) = (built.find("<w:tr>"), built.rfind("</w:tr>")) else {
                return Err("нет строк в таблице".into());
            };
            let rows_xml = renumber_paragraphs(&built[a..b + "</w:tr>".len()], &mut para_id);
            zip.write_all(&xml_chars(rows_xml.as_bytes())).map_err(io)?;
        }
        zip.write_all(&xml.as_bytes()[end..]).map_err(io)?;
    }
    reset_paragraph_ids();
    let mut file = zip.finish().map_err(zip_err)?;
    crate::portable_zip::portable_file(&mut file).map_err(|e| e.to_string())?;
    Ok(file)
}

/// docx-rs numbers paragraphs from a per-thread counter that only a document's build resets:
/// an empty build resets it, so that the next document's IDs start where every document's do,
/// whatever paragraphs (streamed rows) were made on this thread before.
pub fn reset_paragraph_ids() {
    let _ = Docx::new().build();
}

/// `xml` with every `w14:paraId` replaced by the next of `id`: unique across the document.
fn renumber_paragraphs(xml: &str, id: &mut u32) -> String {
    const ATTR: &str = "w14:paraId=\"";
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find(ATTR) {
        let value = at + ATTR.len();
        let Some(len) = rest[value..].find('"') else {
            break;
        };
        out.push_str(&rest[..value]);
        out.push_str(&format!("{:08X}", *id));
        *id += 1;
        rest = &rest[value + len..];
    }
    out.push_str(rest);
    out
}
