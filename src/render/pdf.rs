//! The PDF writer: Typst embedded as a library behind our own `World`, which can read only
//! our template, the fonts compiled into the binary and the one document it is handed. The
//! library, fonts and parsed template are made once per process and shared by every
//! document (and every thread).

use super::doc::Document;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

const TEMPLATE: &str = include_str!("../../templates/form.typ");
const FONTS: &[&[u8]] = &[
    include_bytes!("../../templates/fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../../templates/fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../../templates/fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../../templates/fonts/LiberationSerif-BoldItalic.ttf"),
    // Only for the check boxes ☐ ☒, which Liberation Serif lacks.
    include_bytes!("../../templates/fonts/DejaVuSans.ttf"),
];

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

/// Renders a document tree to PDF/A-2b bytes.
pub fn pdf(doc: &Document) -> Result<Vec<u8>, String> {
    let data = serde_json::to_vec(doc).map_err(|e| e.to_string())?;
    let today = doc
        .date
        .and_then(|(y, m, d)| Datetime::from_ymd(y, m as u8, d as u8));
    let world = FormWorld {
        data: Bytes::new(data),
        today,
    };
    let result = typst::compile::<PagedDocument>(&world).output;
    let document = result.map_err(|errors| {
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let options = PdfOptions {
        ident: typst::foundations::Smart::Custom(doc.form.clone()),
        timestamp: today.map(Timestamp::new_utc),
        standards: PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| e.message().to_string())?,
        // PDF/A-2b asks for no structure tree; building one costs a good part of the export.
        tagged: false,
        ..PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    // Typst memoizes every compilation; forms never repeat, so now and then drop what the
    // last few documents did not use and memory stays flat over thousands of documents.
    // (Evicting after every document makes parallel renders throw away each other's work.)
    static RENDERED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    if RENDERED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 16 == 15 {
        typst::comemo::evict(2);
    }
    Ok(bytes)
}
