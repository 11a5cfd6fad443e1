//! A DOCX of ours must open: every XML part of the package well-formed (a control character
//! in a part, for one, makes Word and LibreOffice refuse the whole document).

use std::io::Read;

/// Parts bigger than this are not parsed (a case's forms are far smaller); the bag's
/// checksums still cover them.
const MAX_PART: u64 = 256 << 20;

/// DOCX files bigger than this are not opened (the bag's checksums still cover them).
pub(super) const MAX_FILE: u64 = 512 << 20;

/// What is wrong with a DOCX package, in Russian: the zip unreadable, or a part that is not
/// well-formed XML.
pub(super) fn problems(bytes: &[u8]) -> Vec<String> {
    let mut zip = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => return vec![format!("не открывается как документ DOCX (архив ZIP: {e})")],
    };
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for i in 0..zip.len() {
        let part = match zip.by_index(i) {
            Ok(p) => p,
            Err(e) => {
                out.push(format!("часть № {} не читается ({e})", i + 1));
                continue;
            }
        };
        let name = part.name().to_string();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        if part.size() > MAX_PART {
            out.push(format!(
                "часть {name} больше {} МБ: ее XML не проверен",
                MAX_PART >> 20
            ));
            continue;
        }
        buf.clear();
        if let Err(e) = part.take(MAX_PART).read_to_end(&mut buf) {
            out.push(format!("часть {name} не читается ({e})"));
            continue;
        }
        let Ok(text) = std::str::from_utf8(&buf) else {
            out.push(format!("часть {name} — не текст UTF-8"));
            continue;
        };
        if let Err(e) = roxmltree::Document::parse(text) {
            let at = e.pos();
            out.push(format!(
                "часть {name} — неправильный XML (строка {}, позиция {}: {e}); Word и LibreOffice документ не откроют",
                at.row, at.col
            ));
        }
    }
    out
}
