//! Long logs from the spool: written a chunk at a time, yet one log — every entry in order,
//! page numbers and the repeated header running through, the same bytes every time.

mod common;

use common::root;
use okno::forms::{LogKind, LogSpool};
use okno::ingest::read_path;
use okno::model::Case;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Enough entries for several chunks of the PDF.
const ENTRIES: usize = 450;

fn templates() -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| read_path(p).unwrap().cases.remove(0).case)
        .collect()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The cases, the spool of them, and the child names in the detection log's order.
fn spooled() -> (LogSpool, Vec<String>) {
    let cases = okno::synth::cases(&templates(), ENTRIES, 7);
    let mut spool = LogSpool::new().unwrap();
    for c in &cases {
        spool.push(c, false).unwrap();
    }
    let mut order: Vec<&Case> = cases.iter().filter(|c| c.notification.is_some()).collect();
    order.sort_by_key(|c| {
        let n = c.notification.as_ref().unwrap();
        (n.detection_date.or(n.date_sent), c.case_id.clone())
    });
    let names = order
        .iter()
        .map(|c| c.notified_child().unwrap().1.name.full())
        .collect();
    (spool, names)
}

/// `kind`'s log of the spool written by the streaming writer, as `okno log` and a run write it.
fn write_log(
    spool: &LogSpool,
    kind: LogKind,
    ext: &str,
    path: &Path,
) -> Result<bool, okno::render::stream::Error> {
    let log = spool.log(kind);
    let long = okno::render::stream::Long {
        doc: &log.document,
        len: log.len(),
        rows: &|range| log.rows(range),
    };
    okno::render::stream::write(&long, ext, path)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_long_log_is_one_log_in_every_format_and_the_same_bytes_twice() {
    let (spool, names) = spooled();
    assert_eq!(spool.len(), names.len());
    assert!(spool.len() > 400);
    let dir = tempfile::tempdir().unwrap();
    let kind = LogKind::Detection;
    let path = |ext: &str| dir.path().join(format!("{}.{ext}", kind.form()));
    for ext in ["pdf", "docx", "xlsx"] {
        assert!(write_log(&spool, kind, ext, &path(ext)).unwrap(), "{ext}");
        // Written again from the same spool: the same bytes, so the file is left alone.
        let again = dir.path().join(format!("again.{ext}"));
        write_log(&spool, kind, ext, &again).unwrap();
        assert!(
            read(&again) == read(&path(ext)),
            "{ext}: same input, same bytes"
        );
        assert!(!write_log(&spool, kind, ext, &path(ext)).unwrap(), "{ext}");
    }

    // PDF: every page landscape, numbered 2..N at its top, the header on every page, every
    // child in the log's order.
    let pdf = read(&path("pdf"));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages = doc.get_pages();
    for id in pages.values() {
        let page = doc.get_dictionary(*id).unwrap();
        let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
        let n = |o: &lopdf::Object| o.as_float().unwrap();
        assert!(n(&media[2]) - n(&media[0]) > n(&media[3]) - n(&media[1]));
    }
    let texts: Vec<String> = pdf_extract::extract_text_from_mem_by_pages(&pdf)
        .unwrap()
        .iter()
        .map(|p| squash(p))
        .collect();
    assert_eq!(texts.len(), pages.len());
    assert!(texts.len() > 100, "{} pages", texts.len());
    let mut body = String::new();
    for (i, t) in texts.iter().enumerate() {
        assert!(
            t.contains("Основания для извещения"),
            "header on page {}",
            i + 1
        );
        let rest = if i == 0 {
            t.as_str()
        } else {
            let number = (i + 1).to_string();
            t.strip_prefix(&number)
                .unwrap_or_else(|| panic!("page {} opens with its number", i + 1))
        };
        body.push_str(rest);
        body.push(' ');
    }
    let mut at = 0;
    for (i, name) in names.iter().enumerate() {
        let found = body[at..]
            .find(name.as_str())
            .unwrap_or_else(|| panic!("entry {} in order", i + 1));
        at += found + name.len();
    }

    // DOCX: the header's rows repeat, then the numbering row and a row per entry.
    let mut xml = String::new();
    zip::ZipArchive::new(std::io::Cursor::new(read(&path("docx"))))
        .unwrap()
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert_eq!(xml.matches("<w:tblHeader />").count(), 2);
    assert_eq!(xml.matches("<w:tr>").count(), 2 + 1 + names.len());
    assert!(xml.contains(r#"w:orient="landscape""#));
    let mut at = 0;
    for name in &names {
        at += xml[at..]
            .find(name.as_str())
            .expect("every child in the DOCX");
    }

    // XLSX: the title, the header, the numbering row and a row per entry.
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(read(&path("xlsx")))).unwrap();
    let sheet = book.worksheet_range("Журнал").unwrap();
    let children: Vec<String> = sheet
        .rows()
        .skip(2 + 2 + 1)
        .map(|r| r.get(3).map(|c| c.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(children, names);
}

#[test]
fn an_empty_spool_and_a_few_entries_still_make_logs() {
    let dir = tempfile::tempdir().unwrap();
    let mut spool = LogSpool::new().unwrap();
    for kind in [LogKind::Detection, LogKind::Intake] {
        for ext in ["docx", "xlsx"] {
            let p = dir.path().join(format!("empty-{}.{ext}", kind.form()));
            write_log(&spool, kind, ext, &p).unwrap();
        }
        // A PDF/A needs a date, and an empty log has none: refused, not dated by the clock.
        let p = dir.path().join("empty.pdf");
        assert!(write_log(&spool, kind, "pdf", &p).is_err());
        assert!(!p.exists());
    }
    for c in okno::synth::cases(&templates(), 5, 1) {
        spool.push(&c, true).unwrap();
    }
    let p = dir.path().join("intake_log.pdf");
    write_log(&spool, LogKind::Intake, "pdf", &p).unwrap();
    let text = pdf_extract::extract_text_from_mem(&read(&p)).unwrap();
    assert!(text.contains("ЧЕРНОВИК"), "a draft case marks the log");
    assert!(write_log(&spool, LogKind::Intake, "odt", &p).is_err());
}
