//! The PDF writer: Typst embedded as a library behind our own `World`, which can read only
//! our template, the fonts compiled into the binary and the one document it is handed. The
//! library, fonts and parsed template are made once per process and shared by every
//! document (and every thread).

use super::error::Error;
use crate::doc::Document;
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};
use typst::diag::{FileError, FileResult};
use typst::ecow::EcoVec;
use typst::foundations::{Bytes, Datetime, Duration};
use typst::layout::{Frame, FrameItem, Point};
use typst::model::Document as _;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::{Page, PagedDocument};
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

const TEMPLATE: &str = include_str!("../../templates/form.typ");
pub(crate) use crate::printable::FONTS;

/// What every compilation shares.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    data_id: FileId,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|f| Font::iter(Bytes::new(*f)))
            .collect();
        let path = |p: &str| {
            RootedPath::new(
                VirtualRoot::Project,
                VirtualPath::new(p).expect("fixed path"),
            )
            .intern()
        };
        Shared {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            main: Source::new(path("/form.typ"), TEMPLATE.to_string()),
            data_id: path("/data.json"),
            fonts,
        }
    })
}

/// One compilation: the shared parts and this document's data.
struct FormWorld {
    data: Bytes,
    today: Option<Datetime>,
}

impl World for FormWorld {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }
    fn main(&self) -> FileId {
        shared().main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == shared().main.id() {
            Ok(shared().main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == shared().data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }
    /// The document's own date: nothing in a form depends on the clock.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

/// Lays out one document's data with the template.
fn compile(data: Vec<u8>, today: Option<Datetime>) -> Result<PagedDocument, Error> {
    let world = FormWorld {
        data: Bytes::new(data),
        today,
    };
    typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| Error::Typst(messages(&errors)))
}

/// Typst's errors as one line.
fn messages(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The header of page `number`: the template's empty page laid out with only that number,
/// once per process for each number and orientation. Its frame has the page's size, so it is
/// stamped at the page's origin.
fn page_number_stamp(number: usize, landscape: bool) -> Result<Frame, Error> {
    static STAMPS: Mutex<BTreeMap<(usize, bool), Frame>> = Mutex::new(BTreeMap::new());
    let known = STAMPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&(number, landscape))
        .cloned();
    if let Some(frame) = known {
        return Ok(frame);
    }
    let empty = Document {
        form: String::new(),
        title: String::new(),
        date: None,
        landscape,
        draft: false,
        blocks: Vec::new(),
    };
    let mut data = serde_json::to_value(&empty)?;
    data["page_number"] = number.into();
    let stamp = compile(data.to_string().into_bytes(), None)?;
    let frame = stamp
        .pages()
        .first()
        .map(|p| without_tags(&p.frame))
        .ok_or(Error::NoPageNumber)?;
    STAMPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert((number, landscape), frame.clone());
    Ok(frame)
}

/// A frame's visible items only: the stamp's introspection tags belong to its own document.
fn without_tags(frame: &Frame) -> Frame {
    let mut out = Frame::new(frame.size(), frame.kind());
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Tag(_) => {}
            FrameItem::Group(g) => {
                let mut g = g.clone();
                g.frame = without_tags(&g.frame);
                g.parent = None;
                out.push(*pos, FrameItem::Group(g));
            }
            other => out.push(*pos, other.clone()),
        }
    }
    out
}

/// Renders a document tree to PDF/A-2b bytes.
pub fn pdf(doc: &Document) -> Result<Vec<u8>, Error> {
    let doc = &*crate::doc::fit::fitted(doc);
    let document = numbered(layout(doc)?, 0)?;
    let bytes = export(&document, doc)?;
    trim_cache();
    Ok(bytes)
}

/// The document's own date, for Typst's `today` and the PDF's metadata.
fn today(doc: &Document) -> Option<Datetime> {
    doc.date
        .and_then(|(y, m, d)| Datetime::from_ymd(y, m as u8, d as u8))
}

/// A fitted document laid out, without page numbers.
pub(crate) fn layout(doc: &Document) -> Result<PagedDocument, Error> {
    let data = serde_json::to_vec(doc)?;
    compile(data, today(doc))
}

/// `document`'s pages numbered as if `before` pages came before them: every page but the
/// very first of the whole gets its number.
pub(crate) fn numbered(document: PagedDocument, before: usize) -> Result<PagedDocument, Error> {
    if document.pages().len() + before <= 1 {
        return Ok(document);
    }
    let mut pages: EcoVec<Page> = document.pages().iter().cloned().collect();
    for (i, page) in pages.make_mut().iter_mut().enumerate() {
        let number = before + i + 1;
        if number == 1 {
            continue;
        }
        // Each page's own orientation: a form turns to landscape for its wide tables.
        let landscape = page.frame.width() > page.frame.height();
        // First in the page's content, as a header is: text extraction reads it first.
        page.frame
            .prepend_frame(Point::zero(), page_number_stamp(number, landscape)?);
    }
    Ok(PagedDocument::new(pages, document.info().clone()))
}

/// `document` (laid out from `doc`) as PDF/A-2b bytes.
pub(crate) fn export(document: &PagedDocument, doc: &Document) -> Result<Vec<u8>, Error> {
    let today = today(doc);
    let options = PdfOptions {
        ident: typst::foundations::Smart::Custom(doc.form.clone()),
        timestamp: today.map(Timestamp::new_utc),
        standards: PdfStandards::new(&[PdfStandard::A_2b])
            .map_err(|e| Error::Standard(e.message().to_string()))?,
        // PDF/A-2b asks for no structure tree; building one costs a good part of the export.
        tagged: false,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| Error::Typst(messages(&errors)))
}

/// The whole numbers set left of `x` points on `page`, top to bottom as laid out (a log's
/// «№ п/п» column: which entries a page holds).
pub(crate) fn numbers_left_of(page: &Page, x: f64) -> Vec<usize> {
    fn walk(frame: &Frame, at: Point, x: f64, out: &mut Vec<usize>) {
        for (pos, item) in frame.items() {
            let p = at + *pos;
            match item {
                FrameItem::Group(g) => {
                    let t = g.transform;
                    walk(&g.frame, p + Point::new(t.tx, t.ty), x, out)
                }
                FrameItem::Text(t) if p.x.to_pt() < x => {
                    if let Ok(n) = t.text.trim().parse::<usize>() {
                        out.push(n);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&page.frame, Point::zero(), x, &mut out);
    out
}

/// Typst memoizes every compilation. Much of it is worth keeping from one document to the
/// next (the forms' own words, shaped and laid out, recur in every case), but most of it
/// never repeats, so the cache is trimmed every 8 documents: entries unused for the last 5
/// trims (~40 documents) go. Trimming often keeps memory low for the same reach (every 16
/// documents with the same reach costs ~50 MB more). Should the process still pass its
/// budget, everything unused for the last trim goes too, whatever the mix of forms.
/// (Trimming after every document makes parallel renders throw away each other's work.)
fn trim_cache() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    const EVERY: usize = 8;
    const BUDGET: u64 = 250 << 20;
    static RENDERED: AtomicUsize = AtomicUsize::new(0);
    if RENDERED.fetch_add(1, Ordering::Relaxed) % EVERY != EVERY - 1 {
        return;
    }
    let over = resident_bytes().is_some_and(|r| r > BUDGET);
    typst::comemo::evict(if over { 1 } else { 5 });
}

/// Drops all of Typst's cache, when no more documents are coming (before a batch builds its
/// report, which then reuses the memory).
pub fn release_cache() {
    typst::comemo::evict(0);
}

/// This process's resident memory (Linux only; elsewhere the budget is not checked).
#[cfg(target_os = "linux")]
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * rustix::param::page_size() as u64)
}

#[cfg(not(target_os = "linux"))]
fn resident_bytes() -> Option<u64> {
    None
}
