//! The DOCX writer: the same document tree as real Word paragraphs and tables, Times New Roman,
//! A4, the same margins as the PDF. Data goes into text runs, so nothing in it is markup.

mod package;
mod word;

use super::error::Error;
use crate::doc::{Block, Cell, Document};
use docx_rs::{Docx, LineSpacing, PageMargin, PageOrientationType, RunFonts, Section};
use package::{renumber_paragraphs, repack, xml_chars};
use word::{A4, FONT, Item, MARGIN, SIZE, block_items, header, table, text_width};

/// Renders a document tree to DOCX bytes. An orientation block starts a new section, so a
/// wide table gets landscape pages while the rest stays portrait, as in the PDF.
pub fn docx(doc: &Document) -> Result<Vec<u8>, Error> {
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
    d.build().pack(&mut out)?;
    repack(out.get_ref())
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
    mut next: impl FnMut() -> Result<Option<Vec<Vec<Cell>>>, Error>,
    out: std::fs::File,
) -> Result<std::fs::File, Error> {
    use docx_rs::BuildXML;
    use std::io::{Read, Write};
    let mut input = zip::ZipArchive::new(std::io::Cursor::new(template))?;
    let mut zip = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    // Paragraph IDs of the streamed rows, past any of the template's (docx-rs numbers from 1).
    let mut para_id: u32 = 0x0100_0000;
    for i in 0..input.len() {
        let part = input.by_index(i)?;
        if part.name() != "word/document.xml" {
            zip.raw_copy_file(part)?;
            continue;
        }
        let mut xml = String::new();
        { part }.read_to_string(&mut xml)?;
        let at = xml
            .find(marker)
            .ok_or(Error::Template("нет места для строк таблицы"))?;
        let start = xml[..at]
            .rfind("<w:tr>")
            .ok_or(Error::Template("нет строки таблицы"))?;
        let end = at
            + xml[at..]
                .find("</w:tr>")
                .ok_or(Error::Template("нет конца строки"))?
            + "</w:tr>".len();
        zip.start_file("word/document.xml", options)?;
        zip.write_all(&xml.as_bytes()[..start])?;
        while let Some(rows) = next()? {
            if rows.is_empty() {
                continue;
            }
            let built = table(widths, &[], &rows, size).build();
            let built = String::from_utf8(built)?;
            let (Some(a), Some(b)) = (built.find("<w:tr>"), built.rfind("</w:tr>")) else {
                return Err(Error::Template("нет строк в таблице"));
            };
            let rows_xml = renumber_paragraphs(&built[a..b + "</w:tr>".len()], &mut para_id)?;
            zip.write_all(&xml_chars(&rows_xml))?;
        }
        zip.write_all(&xml.as_bytes()[end..])?;
    }
    reset_paragraph_ids();
    let mut file = zip.finish()?;
    crate::portable_zip::portable_file(&mut file)?;
    Ok(file)
}

/// docx-rs numbers paragraphs from a per-thread counter that only a document's build resets:
/// an empty build resets it, so that the next document's IDs start where every document's do,
/// whatever paragraphs (streamed rows) were made on this thread before.
pub fn reset_paragraph_ids() {
    let _ = Docx::new().build();
}
