//! Zip packages (XLSX, DOCX) with the same bytes on every platform. A zip writer records the
//! system it ran on in each entry's «version made by» (3 for Unix, 0 for Windows) and, on
//! Windows, DOS attributes in the low half of the external attributes (0x10 on a folder);
//! nothing else in okno's packages depends on the platform, so both are written as on Unix
//! (the Unix mode in the high half is the same everywhere).

/// Central directory header and end-of-central-directory signatures (APPNOTE 4.3.12, 4.3.16).
const CENTRAL: [u8; 4] = *b"PK\x01\x02";
const END: [u8; 4] = *b"PK\x05\x06";
const UNIX: u8 = 3;

/// `zip` with every entry's «version made by» system set to Unix. A package that does not
/// parse as a plain zip (no end record, entries out of bounds) is returned unchanged.
pub fn portable(mut zip: Vec<u8>) -> Vec<u8> {
    patch(&mut zip, 0);
    zip
}

/// As `portable`, in place in a zip file: only its end (the central directory) is read.
pub fn portable_file(file: &mut std::fs::File) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom, Write};
    let len = file.seek(SeekFrom::End(0))?;
    // The central directory of a package of a few dozen parts is a few kilobytes.
    let from = len.saturating_sub(1 << 20);
    file.seek(SeekFrom::Start(from))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)?;
    let before = tail.clone();
    patch(&mut tail, from as usize);
    if tail != before {
        file.seek(SeekFrom::Start(from))?;
        file.write_all(&tail)?;
    }
    file.flush()
}

/// A zip of files, in the order given, each under its name (`/` between folders): deflated,
/// with fixed times and the Unix «version made by», so the same files give the same bytes
/// on every system.
pub fn zip_files<'a>(
    files: impl IntoIterator<Item = (String, &'a std::path::Path)>,
) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, path) in files {
        zip.start_file(name, opts)?;
        let bytes = std::fs::read(path)?;
        zip.write_all(&bytes)?;
    }
    Ok(portable(zip.finish()?.into_inner()))
}

/// Patches the central directory of the zip whose last bytes are `zip`, from byte `base` of it.
fn patch(zip: &mut [u8], base: usize) {
    let Some(end) = zip.windows(4).rposition(|w| w == END) else {
        return;
    };
    let field = |at: usize, len: usize| -> Option<usize> {
        let bytes = zip.get(at..at + len)?;
        Some(
            bytes
                .iter()
                .rev()
                .fold(0usize, |n, b| n << 8 | usize::from(*b)),
        )
    };
    let (Some(entries), Some(start)) = (field(end + 10, 2), field(end + 16, 4)) else {
        return;
    };
    let Some(mut at) = start.checked_sub(base) else {
        return;
    };
    let mut headers = Vec::with_capacity(entries);
    for _ in 0..entries {
        if zip.get(at..at + 4) != Some(&CENTRAL[..]) {
            return;
        }
        let (Some(name), Some(extra), Some(comment)) =
            (field(at + 28, 2), field(at + 30, 2), field(at + 32, 2))
        else {
            return;
        };
        headers.push(at);
        at += 46 + name + extra + comment;
    }
    for h in headers {
        // «Version made by»: the specification's version, then the system.
        zip[h + 5] = UNIX;
        // External attributes: no DOS attributes, as a Unix writer leaves them.
        zip[h + 38] = 0;
        zip[h + 39] = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn package(system: zip::System) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default()
            .system(system)
            .last_modified_time(zip::DateTime::default());
        w.add_directory("xl/", o).unwrap();
        for name in ["[Content_Types].xml", "xl/workbook.xml"] {
            w.start_file(name, o).unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_package_written_on_windows_gets_the_bytes_of_one_written_on_linux() {
        let windows = package(zip::System::Dos);
        let linux = package(zip::System::Unix);
        assert_ne!(windows, linux);
        assert_eq!(portable(windows), linux);
        assert_eq!(portable(linux.clone()), linux);
        let mut read =
            zip::ZipArchive::new(std::io::Cursor::new(portable(package(zip::System::Dos))))
                .unwrap();
        assert_eq!(read.len(), 3);
        assert!(read.by_name("xl/workbook.xml").is_ok());
    }

    #[test]
    fn what_is_not_a_zip_is_left_as_it_is() {
        assert_eq!(portable(b"not a zip".to_vec()), b"not a zip");
        assert_eq!(portable(b"PK\x05\x06".to_vec()), b"PK\x05\x06");
    }
}
