//! Tag file syntax: lines, `Label: value` tags, manifest and `fetch.txt` lines, Payload-Oxum,
//! versions, manifest names, and decoding a tag file in its declared encoding.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

/// Splits on LF, CR or CRLF. A final line terminator does not make an empty last line.
pub(super) fn split_lines(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'\n' => {
                out.push(&s[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                out.push(&s[start..i]);
                i += 1;
                if i < b.len() && b[i] == b'\n' {
                    i += 1;
                }
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < b.len() {
        out.push(&s[start..]);
    }
    out
}

/// Parses `octets.count` of Payload-Oxum.
pub(super) fn parse_oxum(v: &str) -> Option<(u64, u64)> {
    two_numbers(v)
}

/// `M.N` of `BagIt-Version`.
pub(super) fn parse_version(v: &str) -> Option<(u32, u32)> {
    two_numbers(v)
}

/// `A.B`, both plain decimal digits (no sign, no spaces).
fn two_numbers<T: std::str::FromStr>(v: &str) -> Option<(T, T)> {
    let (a, b) = v.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(a) || !digits(b) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

pub(super) fn is_known_version(v: (u32, u32)) -> bool {
    matches!(v, (0, 93..=97) | (1, 0))
}

/// One line of a manifest: `CHECKSUM<whitespace>PATH` (leading whitespace tolerated).
/// `None` for a blank line; `Some(Err(..))` when the line has no path.
pub(super) fn split_manifest_line(line: &str) -> Option<Result<(&str, &str), ()>> {
    let l = line.trim_start_matches([' ', '\t']);
    if l.trim().is_empty() {
        return None;
    }
    let Some(ws) = l.find([' ', '\t']) else {
        return Some(Err(()));
    };
    let path = l[ws..].trim_start_matches([' ', '\t']);
    if path.is_empty() {
        return Some(Err(()));
    }
    Some(Ok((&l[..ws], path)))
}

/// Undoes the escaping of GNU md5sum/sha256sum (`\\\\` → `\\`, `\\n` → LF, `\\r` → CR).
pub(super) fn unescape_gnu(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// One line of `fetch.txt`: `URL LENGTH PATH` (LENGTH is digits or `-`).
pub(super) fn split_fetch_line(line: &str) -> Option<(&str, &str, &str)> {
    let ws = [' ', '\t'];
    let l = line.trim_start_matches(ws);
    let u = l.find(ws)?;
    let (url, rest) = (&l[..u], l[u..].trim_start_matches(ws));
    let n = rest.find(ws)?;
    let (len, path) = (&rest[..n], rest[n..].trim_start_matches(ws));
    if url.is_empty() || len.is_empty() || path.is_empty() {
        return None;
    }
    Some((url, len, path))
}

/// Labels and values of a tag file like `bag-info.txt`; continuation lines (starting with
/// a space or a tab) are joined to the value with one space.
pub(super) struct TagLine {
    pub(super) line: usize,
    pub(super) label: String,
    pub(super) value: String,
    /// The label had whitespace before the colon or at its start.
    pub(super) spaced_label: bool,
}

pub(super) enum TagProblem {
    NoColon(usize, String),
    EmptyLabel(usize),
    OrphanContinuation(usize),
    BlankLine(usize),
}

pub(super) fn parse_tags(text: &str) -> (Vec<TagLine>, Vec<TagProblem>) {
    let mut tags: Vec<TagLine> = Vec::new();
    let mut problems = Vec::new();
    let lines = split_lines(text);
    let last_content = lines.iter().rposition(|l| !l.trim().is_empty());
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            if last_content.is_some_and(|last| i < last) {
                problems.push(TagProblem::BlankLine(n));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match tags.last_mut() {
                Some(t) => {
                    if !t.value.is_empty() {
                        t.value.push(' ');
                    }
                    t.value.push_str(line.trim());
                }
                None => problems.push(TagProblem::OrphanContinuation(n)),
            }
            continue;
        }
        let Some((label, value)) = line.split_once(':') else {
            problems.push(TagProblem::NoColon(n, line.to_string()));
            continue;
        };
        let trimmed = label.trim();
        if trimmed.is_empty() {
            problems.push(TagProblem::EmptyLabel(n));
            continue;
        }
        tags.push(TagLine {
            line: n,
            label: trimmed.to_string(),
            value: value.trim().to_string(),
            spaced_label: trimmed != label,
        });
    }
    (tags, problems)
}

/// `(is tag manifest, algorithm)` for `manifest-ALG.txt` / `tagmanifest-ALG.txt` at the top.
pub(super) fn manifest_name(name: &str) -> Option<(bool, &str)> {
    if name.contains('/') {
        return None;
    }
    let (tag, rest) = match name.strip_prefix("tagmanifest-") {
        Some(r) => (true, r),
        None => (false, name.strip_prefix("manifest-")?),
    };
    let alg = rest.strip_suffix(".txt")?;
    (!alg.is_empty()).then_some((tag, alg))
}

/// Decodes a tag file with the declared encoding (a BOM wins; UTF-16 without a BOM is
/// guessed from its zero bytes). `true` with the text when some bytes did not decode.
pub(super) fn decode_tag_file(bytes: &[u8], enc: &'static Encoding) -> (String, bool) {
    let utf16 = enc == UTF_16LE || enc == UTF_16BE;
    let has_bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF])
        || bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF]);
    if utf16 && !has_bom {
        let e = if bytes.len() >= 2 && bytes[0] == 0 && bytes[1] != 0 {
            UTF_16BE
        } else {
            UTF_16LE
        };
        let (t, bad) = e.decode_without_bom_handling(bytes);
        (t.into_owned(), bad)
    } else {
        let (t, _, bad) = enc.decode(bytes);
        (t.into_owned(), bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_on_lf_cr_and_crlf() {
        assert_eq!(split_lines("a\nb\r\nc\rd"), ["a", "b", "c", "d"]);
        assert_eq!(split_lines("a\n"), ["a"]);
        assert_eq!(split_lines("a\r\n\r\nb"), ["a", "", "b"]);
        assert!(split_lines("").is_empty());
    }

    #[test]
    fn manifest_lines_take_any_whitespace_and_keep_spaces_in_paths() {
        assert_eq!(
            split_manifest_line("abc  data/test 1.txt"),
            Some(Ok(("abc", "data/test 1.txt")))
        );
        assert_eq!(
            split_manifest_line("abc\tdata/x"),
            Some(Ok(("abc", "data/x")))
        );
        assert_eq!(
            split_manifest_line("abc *data/x"),
            Some(Ok(("abc", "*data/x")))
        );
        assert_eq!(split_manifest_line("   "), None);
        assert_eq!(split_manifest_line("abc"), Some(Err(())));
        assert_eq!(split_manifest_line("abc   "), Some(Err(())));
    }

    #[test]
    fn gnu_escapes_are_undone() {
        assert_eq!(unescape_gnu(r"data/a\nb\\c"), "data/a\nb\\c");
        assert_eq!(unescape_gnu(r"data/a\x"), r"data/a\x");
    }

    #[test]
    fn fetch_lines_have_url_length_and_path_with_spaces() {
        assert_eq!(
            split_fetch_line("http://h/a%201 - data/test 1.txt"),
            Some(("http://h/a%201", "-", "data/test 1.txt"))
        );
        assert_eq!(
            split_fetch_line("http://h/a 12\tdata/a"),
            Some(("http://h/a", "12", "data/a"))
        );
        assert_eq!(split_fetch_line("http://h/a 12"), None);
        assert_eq!(split_fetch_line("garbage"), None);
    }

    #[test]
    fn bag_info_accepts_uncommon_separators_continuations_and_duplicates() {
        let text = "A: 1\nTest-Tag:   2\nTest-Tag : 3\nTest-Tag    :   5\nB:x\nLong: first\n   second\n\tthird\nA: again";
        let (tags, problems) = parse_tags(text);
        assert!(problems.is_empty());
        let got: Vec<(&str, &str, bool)> = tags
            .iter()
            .map(|t| (t.label.as_str(), t.value.as_str(), t.spaced_label))
            .collect();
        assert_eq!(
            got,
            [
                ("A", "1", false),
                ("Test-Tag", "2", false),
                ("Test-Tag", "3", true),
                ("Test-Tag", "5", true),
                ("B", "x", false),
                ("Long", "first second third", false),
                ("A", "again", false),
            ]
        );
    }

    #[test]
    fn bag_info_problems_are_found() {
        let (_, problems) = parse_tags("  orphan\nno colon here\n: empty label\n\nA: 1\n\n");
        let kinds: Vec<String> = problems
            .iter()
            .map(|p| match p {
                TagProblem::NoColon(n, _) => format!("nocolon{n}"),
                TagProblem::EmptyLabel(n) => format!("empty{n}"),
                TagProblem::OrphanContinuation(n) => format!("orphan{n}"),
                TagProblem::BlankLine(n) => format!("blank{n}"),
            })
            .collect();
        // The trailing blank line is not a problem; the one before "A: 1" is.
        assert_eq!(kinds, ["orphan1", "nocolon2", "empty3", "blank4"]);
    }

    #[test]
    fn oxum_and_version_syntax() {
        assert_eq!(parse_oxum("1024.3"), Some((1024, 3)));
        for bad in [
            "1024",
            ".3",
            "1024.",
            "10 24.3",
            "-1.3",
            "1.3.4",
            "99999999999999999999999.1",
        ] {
            assert_eq!(parse_oxum(bad), None, "{bad}");
        }
        assert_eq!(parse_version("0.97"), Some((0, 97)));
        assert_eq!(parse_version("1.0"), Some((1, 0)));
        assert_eq!(parse_version(".97"), None);
        assert_eq!(parse_version("1"), None);
        assert!(is_known_version((0, 96)) && is_known_version((1, 0)));
        assert!(
            !is_known_version((0, 98)) && !is_known_version((2, 0)) && !is_known_version((1, 1))
        );
    }

    #[test]
    fn manifest_names() {
        assert_eq!(
            manifest_name("manifest-sha256.txt"),
            Some((false, "sha256"))
        );
        assert_eq!(manifest_name("tagmanifest-md5.txt"), Some((true, "md5")));
        assert_eq!(manifest_name("manifest-.txt"), None);
        assert_eq!(manifest_name("data/manifest-md5.txt"), None);
        assert_eq!(manifest_name("manifest-md5.txt.bak"), None);
    }
}
