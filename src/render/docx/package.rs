//! The package docx-rs packs, finished: parts deflated, characters XML forbids dropped, and
//! what docx-rs has no call for written into its XML (repeated header rows, Russian, automatic
//! hyphenation, unique paragraph IDs for streamed rows).

/// docx-rs stores the package's parts uncompressed; Word and LibreOffice deflate them.
/// Repacked with deflate, a support card's DOCX is ~8× smaller, in the output folder and in
/// every archived version alike. Entries keep their order and a fixed date (reproducible).
/// Parts under `DEFLATE_FROM` bytes stay stored: each deflated part costs a fresh deflate
/// state (~300 KB zeroed), which for the dozen sub-kilobyte parts of every DOCX was ~5% of a
/// batch's CPU, to save a few hundred bytes each.
///
/// The repack also writes what docx-rs has no call for (`patch`): header rows that repeat,
/// Russian as the text's language and automatic hyphenation.
pub(super) fn repack(stored: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
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
pub(super) fn xml_chars(xml: &[u8]) -> std::borrow::Cow<'_, [u8]> {
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

/// `xml` with every `w14:paraId` replaced by the next of `id`: unique across the document.
pub(super) fn renumber_paragraphs(xml: &str, id: &mut u32) -> String {
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
