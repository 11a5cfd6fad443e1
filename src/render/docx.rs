//! The DOCX writer: the same document tree as real Word paragraphs and tables, Times New Roman,
//! A4, the same margins as the PDF. Data goes into text runs, so nothing in it is markup.

use super::doc::{Block, Cell, Check, Document, Text};
use docx_rs::{
    AlignmentType, BreakType, Docx, Header, LineSpacing, PageMargin, PageNum, PageOrientationType,
    Paragraph, Run, RunFonts, Table, TableCell, TableLayoutType, TableRow, WidthType,
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
        Text::Label(s) | Text::Value(s) => Run::new().add_text(s.as_str()),
        Text::Blank => Run::new().add_text("________________________"),
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

fn mark(checked: bool) -> Run {
    Run::new().add_text(if checked { "☒" } else { "☐" }).fonts(
        RunFonts::new()
            .ascii(SYMBOL_FONT)
            .hi_ansi(SYMBOL_FONT)
            .cs(SYMBOL_FONT)
            .east_asia(SYMBOL_FONT),
    )
}

fn check_paragraph(c: &Check) -> Paragraph {
    let mut p = Paragraph::new().add_run(mark(c.checked));
    if !c.label.is_empty() {
        p = p.add_run(Run::new().add_text(format!(" {}", c.label)));
    }
    for t in &c.detail {
        p = p.add_run(Run::new().add_text(" ")).add_run(run_of(t));
    }
    p
}

fn cell(c: &Cell, width: usize, bold: bool) -> TableCell {
    let mut tc = TableCell::new().width(width, WidthType::Dxa);
    if c.colspan > 1 {
        tc = tc.grid_span(c.colspan);
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
        .filter(|t| **t != Text::Blank)
        .cloned()
        .collect();
    if !content.is_empty() || c.checks.is_empty() {
        tc = tc.add_paragraph(paragraph(&content, bold || c.bold).align(align));
    }
    for k in &c.checks {
        tc = tc.add_paragraph(check_paragraph(k).align(align));
    }
    tc
}

/// Column widths in twips from relative widths.
fn grid(widths: &[u8], total: usize) -> Vec<usize> {
    let sum: usize = widths.iter().map(|w| usize::from(*w)).sum::<usize>().max(1);
    widths
        .iter()
        .map(|w| total * usize::from(*w) / sum)
        .collect()
}

fn table(widths: &[u8], header: &[Vec<Cell>], rows: &[Vec<Cell>], total: usize) -> Table {
    let g = grid(widths, total);
    let make_row = |cells: &Vec<Cell>, bold: bool| {
        let mut col = 0;
        let tcs: Vec<TableCell> = cells
            .iter()
            .map(|c| {
                let w: usize = g[col.min(g.len() - 1)..(col + c.colspan).min(g.len())]
                    .iter()
                    .sum();
                col += c.colspan;
                cell(c, w, bold)
            })
            .collect();
        TableRow::new(tcs).cant_split()
    };
    let mut trs: Vec<TableRow> = header.iter().map(|r| make_row(r, true)).collect();
    trs.extend(rows.iter().map(|r| make_row(r, false)));
    Table::new(trs)
        .set_grid(g)
        .layout(TableLayoutType::Fixed)
        .width(total, WidthType::Dxa)
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

/// Renders a document tree to DOCX bytes.
pub fn docx(doc: &Document) -> Result<Vec<u8>, String> {
    let width = text_width(doc.landscape);
    let (w, h) = if doc.landscape { (A4.1, A4.0) } else { A4 };
    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT);
    let mut d = Docx::new()
        .page_size(w, h)
        .page_margin(
            PageMargin::new()
                .top(MARGIN.0)
                .right(MARGIN.1)
                .bottom(MARGIN.2)
                .left(MARGIN.3)
                .header(567)
                .footer(567),
        )
        .default_fonts(fonts)
        .default_size(SIZE)
        .default_line_spacing(LineSpacing::new().after(60))
        // Page numbers from the second page: the first page has its own (empty) header.
        .title_pg()
        .first_header(header(doc.draft, false))
        .header(header(doc.draft, true));
    if doc.landscape {
        d = d.page_orient(PageOrientationType::Landscape);
    }
    for b in &doc.blocks {
        match b {
            Block::Appendix { lines } => {
                for l in lines {
                    d = d.add_paragraph(
                        Paragraph::new()
                            .add_run(Run::new().add_text(l.as_str()))
                            .indent(Some((width * 2 / 5) as i32), None, None, None),
                    );
                }
                d = d.add_paragraph(Paragraph::new());
            }
            Block::Title { lines } => {
                for l in lines {
                    d = d.add_paragraph(
                        paragraph(std::slice::from_ref(l), true).align(AlignmentType::Center),
                    );
                }
            }
            Block::Heading { text } => {
                d = d.add_paragraph(paragraph(std::slice::from_ref(text), true).keep_next(true));
            }
            Block::Para { content, bold, .. } => d = d.add_paragraph(paragraph(content, *bold)),
            Block::Fields { rows, label_width } => {
                let cells: Vec<Vec<Cell>> = rows
                    .iter()
                    .map(|(l, v)| vec![Cell::of(vec![l.clone()]), Cell::of(v.clone())])
                    .collect();
                let lw = (*label_width).clamp(10, 90);
                d = d.add_table(table(&[lw, 100 - lw], &[], &cells, width));
            }
            Block::Table {
                widths,
                header,
                rows,
            } => d = d.add_table(table(widths, header, rows, width)),
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
                            .add_run(Run::new().add_text(format!(" {}", o.label)));
                        for t in &o.detail {
                            p = p.add_run(Run::new().add_text(" ")).add_run(run_of(t));
                        }
                    }
                    d = d.add_paragraph(p);
                } else {
                    if let Some(l) = label {
                        d = d.add_paragraph(paragraph(std::slice::from_ref(l), false));
                    }
                    for o in options {
                        d = d.add_paragraph(check_paragraph(o));
                    }
                }
            }
            Block::Signature {
                role,
                name,
                caption,
            } => {
                d = d.add_paragraph(Paragraph::new());
                d = d.add_paragraph(
                    Paragraph::new()
                        .add_run(run_of(role))
                        .add_run(Run::new().add_text(" ____________________ "))
                        .add_run(run_of(name)),
                );
                if let Some(c) = caption {
                    d = d.add_paragraph(
                        Paragraph::new()
                            .add_run(Run::new().add_text(c.as_str()))
                            .align(AlignmentType::Right),
                    );
                }
            }
            Block::Approval { left, right } => {
                let n = left.len().max(right.len());
                let rows: Vec<Vec<Cell>> = (0..n)
                    .map(|i| {
                        vec![
                            left.get(i)
                                .map(|t| Cell::of(vec![t.clone()]))
                                .unwrap_or_else(Cell::empty),
                            right
                                .get(i)
                                .map(|t| Cell::of(vec![t.clone()]))
                                .unwrap_or_else(Cell::empty),
                        ]
                    })
                    .collect();
                let mut t = table(&[1, 1], &[], &rows, width);
                t = t.clear_all_border();
                d = d.add_table(t);
            }
            Block::Bars { bars } => {
                // Word has no simple chart here: a table with the count drawn as a bar of blocks.
                let top = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
                let rows: Vec<Vec<Cell>> = bars
                    .iter()
                    .map(|(k, n)| {
                        vec![
                            Cell::of(vec![Text::Value(k.clone())]),
                            Cell::of(vec![Text::Value("█".repeat(n * 30 / top))]),
                            Cell::of(vec![Text::Value(n.to_string())]),
                        ]
                    })
                    .collect();
                d = d.add_table(table(&[35, 55, 10], &[], &rows, width));
            }
            Block::Space => d = d.add_paragraph(Paragraph::new()),
            Block::PageBreak => {
                d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).map_err(|e| e.to_string())?;
    deflate_parts(out.get_ref()).map_err(|e| e.to_string())
}

/// docx-rs stores the package's parts uncompressed; Word and LibreOffice deflate them.
/// Repacked with deflate, a support card's DOCX is ~8× smaller, in the output folder and in
/// every archived version alike. Entries keep their order and a fixed date (reproducible).
/// Parts under `DEFLATE_FROM` bytes stay stored: each deflated part costs a fresh deflate
/// state (~300 KB zeroed), which for the dozen sub-kilobyte parts of every DOCX was ~5% of a
/// batch's CPU, to save a few hundred bytes each.
fn deflate_parts(stored: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::{Read, Write};
    let mut input = zip::ZipArchive::new(std::io::Cursor::new(stored))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(stored.len() / 4)));
    const DEFLATE_FROM: u64 = 2048;
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
        let small = part.size() < DEFLATE_FROM;
        buf.clear();
        part.read_to_end(&mut buf)?;
        out.start_file(name, if small { stored_options } else { options })?;
        out.write_all(&buf)?;
    }
    Ok(out.finish()?.into_inner())
}
