//! Path rules of BagIt: decoding, paths that leave the bag, normalization and case keys,
//! system files, and how names are shown in messages.

use unicode_normalization::UnicodeNormalization;

/// BagIt 1.0 percent-decoding of a file path: only `%0A`, `%0D` and `%25` (RFC 8493 §2.1.3);
/// any other `%` stays as it is.
pub(super) fn percent_decode_v1(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        let decoded = match tail.get(1..3).map(|c| c.to_ascii_uppercase()).as_deref() {
            Some("0A") => Some('\n'),
            Some("0D") => Some('\r'),
            Some("25") => Some('%'),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[3..];
            }
            None => {
                out.push('%');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Why a path from a manifest or `fetch.txt` points outside the bag, if it does.
pub(super) fn out_of_bag(p: &str) -> Option<&'static str> {
    if p.is_empty() {
        Some("пустой путь")
    } else if p.starts_with('/') {
        Some("абсолютный путь")
    } else if p.starts_with('~') {
        Some("сокращение «~» для домашнего каталога")
    } else if p.contains('\0') {
        Some("нулевой символ в пути")
    } else if p.split('/').any(|c| c == "..") {
        Some("переход в родительский каталог «..»")
    } else {
        None
    }
}

/// Removes empty and `.` components (`data//a`, `data/./a`); `None` if nothing changed.
pub(super) fn squeeze_components(p: &str) -> Option<String> {
    if !p.split('/').any(|c| c.is_empty() || c == ".") {
        return None;
    }
    Some(
        p.split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// Shows text with control characters escaped, so one message stays one line.
pub(super) fn show(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.push_str(&format!("\\x{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Shows a file name from the disk: valid UTF-8 as text, other bytes as `\xNN`.
pub(super) fn show_bytes(b: &[u8]) -> String {
    let mut out = String::new();
    for chunk in b.utf8_chunks() {
        out.push_str(&show(chunk.valid()));
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02X}"));
        }
    }
    out
}

pub(super) fn nfc(s: &str) -> String {
    if s.is_ascii() {
        s.to_string()
    } else {
        s.nfc().collect()
    }
}

/// Key under which names that differ only by case (and normalization) collide.
pub(super) fn fold(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.nfc().flat_map(char::to_lowercase).collect()
    }
}

/// Which Unicode normalization a path is in, for messages where two paths look the same.
pub(super) fn form(s: &str) -> &'static str {
    if unicode_normalization::is_nfc(s) {
        "NFC"
    } else if unicode_normalization::is_nfd(s) {
        "NFD"
    } else {
        "смешанная нормализация"
    }
}

/// Files that operating systems create on their own (Finder, Explorer); their presence or
/// absence is reported as a warning, not as damage to the archive.
pub(super) fn is_system_file(path: &str) -> bool {
    path.split('/').any(|c| {
        let l = c.to_lowercase();
        matches!(
            l.as_str(),
            ".ds_store"
                | "thumbs.db"
                | "ehthumbs.db"
                | "ehthumbs_vista.db"
                | "desktop.ini"
                | ".spotlight-v100"
                | ".trashes"
                | ".fseventsd"
                | ".temporaryitems"
                | ".apdisk"
                | "__macosx"
                | "icon\r"
        ) || l.starts_with("._")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_touches_only_lf_cr_and_percent() {
        assert_eq!(percent_decode_v1("data/a%0Ab%0dc%25d"), "data/a\nb\rc%d");
        assert_eq!(percent_decode_v1("data/%7Etest1.txt"), "data/%7Etest1.txt");
        assert_eq!(percent_decode_v1("data/%test2.txt"), "data/%test2.txt");
        assert_eq!(percent_decode_v1("100%"), "100%");
        assert_eq!(percent_decode_v1("%2"), "%2");
        assert_eq!(percent_decode_v1("%0Ж"), "%0Ж");
    }

    #[test]
    fn paths_out_of_the_bag_are_recognised() {
        for p in [
            "",
            "/etc/passwd",
            "~/x",
            "~root/x",
            "../x",
            "data/../../x",
            "data/..",
            "a\0b",
        ] {
            assert!(out_of_bag(p).is_some(), "{p:?}");
        }
        for p in [
            "data/x",
            "data/dir1/~test3.txt",
            "data/..x",
            "data/x..",
            "data/%7E",
            "bag-info.txt",
        ] {
            assert!(out_of_bag(p).is_none(), "{p:?}");
        }
    }

    #[test]
    fn empty_and_dot_components_are_squeezed() {
        assert_eq!(squeeze_components("data//a/./b"), Some("data/a/b".into()));
        assert_eq!(squeeze_components("data/a"), None);
    }

    #[test]
    fn system_files() {
        for p in [
            "data/.DS_Store",
            "data/a/Thumbs.db",
            "data/THUMBS.DB",
            "data/._x.jpg",
            "data/__MACOSX/a",
        ] {
            assert!(is_system_file(p), "{p}");
        }
        for p in ["data/a.txt", "data/ds_store", "data/_x"] {
            assert!(!is_system_file(p), "{p}");
        }
    }

    #[test]
    fn shown_names_escape_controls_and_invalid_bytes() {
        assert_eq!(show_bytes(b"data/caf\xe9.txt"), "data/caf\\xE9.txt");
        assert_eq!(show("a\nb"), "a\\x0Ab");
        assert_eq!(show_bytes("data/опись.txt".as_bytes()), "data/опись.txt");
    }

    #[test]
    fn normalization_and_case_keys() {
        let nfd = "data/Nu\u{301}n\u{303}ez";
        let nfc_ = "data/N\u{fa}\u{f1}ez";
        assert_eq!(nfc(nfd), nfc_);
        assert_eq!(form(nfd), "NFD");
        assert_eq!(form(nfc_), "NFC");
        assert_eq!(fold("data/HELLO.txt"), fold("data/hello.txt"));
        assert_eq!(fold("data/ДЕЛО"), fold("data/дело"));
    }
}
