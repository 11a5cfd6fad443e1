//! The package docx-rs packs, finished: parts deflated, characters XML forbids dropped, and
//! what docx-rs has no call for written into its XML (repeated header rows, Russian, automatic
//! hyphenation, unique paragraph IDs for streamed rows).

use crate::render::error::Error;
use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;

/// docx-rs stores the package's parts uncompressed; Word and LibreOffice deflate them.
/// Repacked with deflate, a support card's DOCX is ~8× smaller, in the output folder and in
/// every archived version alike. Entries keep their order and a fixed date (reproducible).
/// Parts under `DEFLATE_FROM` bytes stay stored: each deflated part costs a fresh deflate
/// state (~300 KB zeroed), which for the dozen sub-kilobyte parts of every DOCX was ~5% of a
/// batch's CPU, to save a few hundred bytes each.
///
/// The repack also writes what docx-rs has no call for (`patch`): header rows that repeat,
/// Russian as the text's language and automatic hyphenation.
pub(super) fn repack(stored: &[u8]) -> Result<Vec<u8>, Error> {
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
        let bytes = patch(&name, &clean)?;
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
pub(super) fn xml_chars(xml: &[u8]) -> Cow<'_, [u8]> {
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
        return Cow::Borrowed(xml);
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
    Cow::Owned(out)
}

/// A part with what docx-rs cannot say written in, edited as XML events (user text is only
/// ever a text event, never touched): header rows that repeat, Russian as the language of
/// every run, automatic hyphenation. Parts that are not UTF-8 (none that docx-rs writes) pass.
fn patch<'a>(name: &str, xml: &'a [u8]) -> Result<Cow<'a, [u8]>, Error> {
    let Ok(text) = std::str::from_utf8(xml) else {
        return Ok(Cow::Borrowed(xml));
    };
    let edited = match name {
        "word/document.xml" => rewrite(text, header_rows)?,
        "word/styles.xml" => {
            let (mut in_default, mut done) = (false, false);
            rewrite(text, |e, w| match e {
                Event::Start(s) if s.name().0 == "w:rPrDefault" => {
                    in_default = true;
                    pass(w, Event::Start(s))
                }
                // Russian for spelling and hyphenation, on every run through the default run
                // properties.
                Event::End(end) if in_default && !done && end.name().0 == "w:rPr" => {
                    done = true;
                    let lang = BytesStart::new("w:lang").with_attributes([
                        ("w:val", "ru-RU"),
                        ("w:eastAsia", "ru-RU"),
                        ("w:bidi", "ar-SA"),
                    ]);
                    added(w, lang)?;
                    pass(w, Event::End(end))?;
                    Ok(true)
                }
                e => pass(w, e),
            })?
        }
        "word/settings.xml" => {
            let mut done = false;
            rewrite(text, |e, w| match e {
                // Hyphenation as Word's «Автоматическая расстановка переносов» (LibreOffice
                // reads it too), before compat in the schema's order.
                Event::Start(s) if !done && s.name().0 == "w:compat" => {
                    done = true;
                    added(
                        w,
                        BytesStart::new("w:autoHyphenation").with_attributes([("w:val", "true")]),
                    )?;
                    pass(w, Event::Start(s))?;
                    Ok(true)
                }
                e => pass(w, e),
            })?
        }
        _ => None,
    };
    Ok(edited.map_or(Cow::Borrowed(xml), Cow::Owned))
}

/// `xml` event by event through `edit`, which writes each event (or what stands in its place)
/// and says whether it changed anything: the new XML, or None when nothing changed. Events
/// are written as they were read, so what `edit` passes keeps its bytes.
fn rewrite<'x>(
    xml: &'x str,
    mut edit: impl FnMut(Event<'x>, &mut Writer<Vec<u8>>) -> Result<bool, Error>,
) -> Result<Option<Vec<u8>>, Error> {
    let mut reader = Reader::from_str(xml);
    let mut writer = Writer::new(Vec::with_capacity(xml.len() + 256));
    let mut changed = false;
    loop {
        match reader.read_event()? {
            Event::Eof => break,
            e => changed |= edit(e, &mut writer)?,
        }
    }
    Ok(changed.then(|| writer.into_inner()))
}

/// Writes `e` unchanged.
fn pass(w: &mut Writer<Vec<u8>>, e: Event<'_>) -> Result<bool, Error> {
    w.write_event(e)?;
    Ok(false)
}

/// Writes an element okno adds, empty and closed « />» as docx-rs closes its own.
fn added(w: &mut Writer<Vec<u8>>, e: BytesStart<'_>) -> Result<(), Error> {
    w.config_mut().add_space_before_slash_in_empty_elements = true;
    let written = w.write_event(Event::Empty(e));
    w.config_mut().add_space_before_slash_in_empty_elements = false;
    Ok(written?)
}

/// A header row: docx-rs sets its height (`word::header_heights`) with rule «auto», which no
/// other row has. It becomes a row that repeats on every page (`w:tblHeader`), at least that
/// high.
fn header_rows(e: Event<'_>, w: &mut Writer<Vec<u8>>) -> Result<bool, Error> {
    let Event::Empty(height) = e else {
        return pass(w, e);
    };
    let auto = height.name().0 == "w:trHeight"
        && height
            .attributes()
            .flatten()
            .any(|a| a.key.0 == "w:hRule" && a.value.as_ref() == "auto");
    if !auto {
        return pass(w, Event::Empty(height));
    }
    let attributes: Vec<Attribute> = height
        .attributes()
        .flatten()
        .map(|a| match a.key.0 {
            "w:hRule" => Attribute::from(("w:hRule", "atLeast")),
            _ => a,
        })
        .collect();
    added(w, BytesStart::new("w:tblHeader"))?;
    added(w, BytesStart::new("w:trHeight").with_attributes(attributes))?;
    Ok(true)
}

/// `xml` (rows of a table) with every `w14:paraId` replaced by the next of `id`: unique
/// across the document.
pub(super) fn renumber_paragraphs(xml: &str, id: &mut u32) -> Result<Vec<u8>, Error> {
    let numbered = |e: &BytesStart<'_>| e.attributes().flatten().any(|a| a.key.0 == PARA_ID);
    let edited = rewrite(xml, |e, w| match e {
        Event::Start(s) if numbered(&s) => {
            w.write_event(Event::Start(renumbered(&s, id)))?;
            Ok(true)
        }
        Event::Empty(s) if numbered(&s) => {
            added(w, renumbered(&s, id))?;
            Ok(true)
        }
        e => pass(w, e),
    })?;
    Ok(edited.unwrap_or_else(|| xml.as_bytes().to_vec()))
}

const PARA_ID: &str = "w14:paraId";

/// `e` with its paragraph ID the next of `id` (8 hex digits, as docx-rs writes them).
fn renumbered<'e>(e: &'e BytesStart<'_>, id: &mut u32) -> BytesStart<'e> {
    BytesStart::new(e.name().0).with_attributes(e.attributes().flatten().map(|a| {
        if a.key.0 != PARA_ID {
            return a;
        }
        let value = format!("{:08X}", *id);
        *id += 1;
        Attribute {
            key: a.key,
            value: Cow::Owned(value),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patched(name: &str, xml: &str) -> String {
        String::from_utf8(patch(name, xml.as_bytes()).unwrap().into_owned()).unwrap()
    }

    #[test]
    fn a_header_row_repeats_and_other_rows_and_text_stay_as_they_were() {
        let xml = concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<w:tbl><w:tr><w:trPr><w:trHeight w:val="613" w:hRule="auto" /></w:trPr></w:tr>"#,
            r#"<w:tr><w:trPr><w:trHeight w:val="20" w:hRule="exact" /></w:trPr>"#,
            r#"<w:tc><w:p><w:r><w:t xml:space="preserve">&lt;w:trHeight w:val="1" w:hRule="auto" /&gt; &amp; «да»</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        );
        assert_eq!(
            patched("word/document.xml", xml),
            xml.replacen(
                r#"<w:trHeight w:val="613" w:hRule="auto" />"#,
                r#"<w:tblHeader /><w:trHeight w:val="613" w:hRule="atLeast" />"#,
                1
            )
        );
    }

    #[test]
    fn russian_goes_into_the_default_run_properties_and_hyphenation_before_compat() {
        let styles = r#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="24" /></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:rPr /></w:pPr></w:pPrDefault></w:docDefaults><w:style><w:rPr><w:b /></w:rPr></w:style></w:styles>"#;
        assert_eq!(
            patched("word/styles.xml", styles),
            styles.replacen(
                "</w:rPr>",
                r#"<w:lang w:val="ru-RU" w:eastAsia="ru-RU" w:bidi="ar-SA" /></w:rPr>"#,
                1
            )
        );
        let settings =
            r#"<w:settings><w:zoom w:percent="100" /><w:compat><w:x /></w:compat></w:settings>"#;
        assert_eq!(
            patched("word/settings.xml", settings),
            settings.replace(
                "<w:compat>",
                r#"<w:autoHyphenation w:val="true" /><w:compat>"#
            )
        );
        // A part with nothing to add is the very same bytes.
        let other = r#"<w:settings><w:zoom w:percent="100" /></w:settings>"#;
        assert_eq!(patched("word/settings.xml", other), other);
    }

    #[test]
    fn streamed_paragraphs_are_numbered_on_from_the_given_id() {
        let rows = r#"<w:tr><w:tc><w:p w14:paraId="00000001"><w:r><w:t>w14:paraId="7"</w:t></w:r></w:p><w:p w14:paraId="00000002" /></w:tc></w:tr>"#;
        let mut id = 0x0100_0000;
        let out = renumber_paragraphs(rows, &mut id).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<w:tr><w:tc><w:p w14:paraId="01000000"><w:r><w:t>w14:paraId="7"</w:t></w:r></w:p><w:p w14:paraId="01000001" /></w:tc></w:tr>"#
        );
        assert_eq!(id, 0x0100_0002);
    }
}
