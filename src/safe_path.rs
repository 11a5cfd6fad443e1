//! The one way from a URL or a case ID to a file: each piece must be a plain name on every
//! system okno runs on, so that no piece can name a drive, a device or a parent folder.
//!
//! `Path::join` takes a piece with a root (`/x`), a drive (`C:`, `Z:/…`) or, on Windows, a
//! backslash (`\x`) as a new root, and Windows opens `CON`, `x.pdf.` or `x:stream` as
//! something other than the file named; so the pieces are checked here, by the same rules
//! on Linux as on Windows, before anything is joined.

use std::path::{Path, PathBuf};

/// Why a piece was refused (for engineers; the page only says «не найдено»).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub &'static str);

/// Names Windows keeps for devices, with or without an extension, in any letter case.
const RESERVED: [&str; 6] = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];

/// Whether `piece` is a plain file or folder name on Linux and Windows alike.
pub fn check(piece: &str) -> Result<(), Refused> {
    if piece.is_empty() {
        return Err(Refused("empty"));
    }
    if piece == "." || piece == ".." {
        return Err(Refused("dot"));
    }
    if piece.chars().any(|c| c.is_control()) {
        return Err(Refused("control character"));
    }
    // `:` makes a drive (`C:`) or an alternate data stream; the rest Windows refuses or
    // reads as wildcards and separators.
    if piece
        .chars()
        .any(|c| matches!(c, '/' | '\\' | ':' | '<' | '>' | '"' | '|' | '?' | '*'))
    {
        return Err(Refused("separator or reserved character"));
    }
    // Windows drops a trailing dot or space: `x.pdf.` opens `x.pdf`, `.. ` opens `..`.
    if piece.ends_with(['.', ' ']) {
        return Err(Refused("trailing dot or space"));
    }
    if windows_device(piece).is_some() {
        return Err(Refused("reserved device name"));
    }
    Ok(())
}

/// The Windows device name `piece` is (`CON`, `com1`, `aux.txt`: any letter case, with or
/// without an extension), which Windows opens as the device, not a file: its stem.
pub fn windows_device(piece: &str) -> Option<&str> {
    let stem = piece.split('.').next().unwrap_or(piece).trim_end();
    let upper = stem.to_uppercase();
    let device = RESERVED.contains(&upper.as_str())
        || ["COM", "LPT"].iter().any(|p| {
            upper.strip_prefix(p).is_some_and(|n| {
                n.chars().count() == 1
                    && n.chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, '¹' | '²' | '³'))
            })
        });
    device.then_some(stem)
}

/// `root` joined with `pieces`, each checked; the result never leaves `root`.
pub fn join<I, S>(root: &Path, pieces: I) -> Result<PathBuf, Refused>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = root.to_path_buf();
    for piece in pieces {
        let piece = piece.as_ref();
        check(piece)?;
        // What this system's own path rules make of it: one plain name, nothing else.
        let mut parts = Path::new(piece).components();
        match (parts.next(), parts.next()) {
            (Some(std::path::Component::Normal(_)), None) => out.push(piece),
            _ => return Err(Refused("not one plain name")),
        }
    }
    if out.starts_with(root) {
        Ok(out)
    } else {
        Err(Refused("outside its folder"))
    }
}

/// `root` joined with a URL's path (already percent-decoded), split on `/`.
pub fn join_url(root: &Path, path: &str) -> Result<PathBuf, Refused> {
    join(root, path.split('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(piece: &str) -> bool {
        check(piece).is_err() && join(Path::new("/root"), [piece]).is_err()
    }

    #[test]
    fn plain_names_pass() {
        for ok in [
            "NSK-2026-0001",
            "v3",
            "data",
            "conclusion.pdf",
            "monitoring-2.docx",
            "журнал учёта.xlsx",
            ".hidden-but-plain",
            "console.pdf",
            "COM10",
            "LPT",
            "auxiliary.docx",
            "x..y",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            join(Path::new("/a"), ["NSK-1", "v1", "data", "x.pdf"]).unwrap(),
            Path::new("/a/NSK-1/v1/data/x.pdf")
        );
        assert_eq!(
            join_url(Path::new("/a"), "NSK-1/monitoring-2.pdf").unwrap(),
            Path::new("/a/NSK-1/monitoring-2.pdf")
        );
    }

    #[test]
    fn drives_separators_and_parents_refused() {
        for bad in [
            "",
            ".",
            "..",
            "C:",
            "c:",
            "Z:",
            "C:x.pdf",
            "x:stream",
            "a\\b",
            "\\",
            "..\\..",
            "\\\\server",
            "/",
            "/etc",
            "a/b",
            "x?",
            "x*",
            "a<b",
            "a>b",
            "a|b",
            "\"x\"",
        ] {
            assert!(refused(bad), "{bad:?} passed");
        }
        // Percent-decoded forms: `%5C` is a backslash, `%2F` a slash, `%00` NUL.
        for bad in ["Z:\\etc\\secret.txt", "..%5C".replace("%5C", "\\").as_str()] {
            assert!(refused(bad), "{bad:?} passed");
        }
        for bad in [
            "Z:/work/secret.txt",
            "a/../../etc/passwd",
            "../x.pdf",
            "./x.pdf",
            "a//b",
            "a/",
            "/abs.pdf",
            "NSK-1/1/Z:\\work\\x.pdf",
            "x.pdf\0.png",
        ] {
            assert!(join_url(Path::new("/root"), bad).is_err(), "{bad:?} passed");
        }
    }

    #[test]
    fn control_characters_and_trailing_dots_refused() {
        for bad in [
            "x\0", "a\nb", "a\rb", "\t", "a\u{7f}", "x.pdf.", "x.pdf ", "...", ".. ", " ",
        ] {
            assert!(refused(bad), "{bad:?} passed");
        }
    }

    #[test]
    fn windows_device_names_refused_in_any_case_and_with_an_extension() {
        for bad in [
            "CON",
            "con",
            "Con",
            "PRN",
            "aux",
            "NUL",
            "nul.txt",
            "CON.pdf",
            "con .pdf",
            "COM1",
            "com9",
            "COM0",
            "LPT1",
            "lpt9.docx",
            "COM¹",
            "lpt³.txt",
            "CONIN$",
            "conout$.x",
            "aux.tar.gz",
        ] {
            assert!(refused(bad), "{bad:?} passed");
        }
    }
}
