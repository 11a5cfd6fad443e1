//! Writing a BagIt 1.0 bag (RFC 8493): payload under `data/`, SHA-256 and SHA-512 payload
//! manifests, `bag-info.txt` with Payload-Oxum, and a SHA-256 tag manifest. Every file is
//! flushed to disk before the caller renames the bag into place.

use sha2::{Digest, Sha256, Sha512};
use std::fs::File;
use std::io::Write;
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// One payload file: its path under `data/` (with `/` separators) and its bytes.
pub struct PayloadFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Makes a payload path safe for every BagIt tool: NFC, no `%`, CR, LF or backslash (which
/// bagit-python mishandles or which would need escaping), no empty, `.` or `..` segments.
pub fn safe_path(path: &str) -> Option<String> {
    let nfc: String = path.nfc().collect();
    let ok = !nfc.is_empty()
        && !nfc.starts_with('/')
        && nfc
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
        && !nfc
            .chars()
            .any(|c| matches!(c, '%' | '\r' | '\n' | '\\' | '\0') || c.is_control());
    ok.then_some(nfc)
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    crate::files::flush_where_no_syncfs(&f)
}

pub use crate::files::sync_dir;

/// `bag-info.txt` lines: labels and values, in order. Values are kept on one line.
pub type BagInfo = Vec<(String, String)>;

/// The payload manifest for one algorithm, as written to `manifest-ALG.txt`: one line per
/// file, sorted by path. Comparing the SHA-256 one decides whether two versions differ.
fn manifest<D: Digest>(payload: &[PayloadFile]) -> String {
    let mut sorted: Vec<&PayloadFile> = payload.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    sorted
        .iter()
        .map(|f| manifest_line(&hex::encode(D::digest(&f.bytes)), &f.path))
        .collect()
}

/// A payload manifest's line for the file at `path` under `data/`.
pub(super) fn manifest_line(hex: &str, path: &str) -> String {
    format!("{hex}  data/{}\n", path.nfc().collect::<String>())
}

/// A tag manifest's line.
pub(super) fn tag_manifest_line(sha256: &str, name: &str) -> String {
    format!("{sha256}  {name}\n")
}

pub(super) const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// The tag files the tag manifest lists, in its order (the contents are the bag's own).
pub(super) const TAGGED: [&str; 4] = [
    "bagit.txt",
    "bag-info.txt",
    "manifest-sha256.txt",
    "manifest-sha512.txt",
];

/// `bag-info.txt`: the given lines, each kept on one line, then Payload-Oxum.
pub(super) fn bag_info_text(info: &BagInfo, octets: u64, files: u64) -> String {
    let mut text = String::new();
    for (label, value) in info {
        // A line break inside a value would start a new label.
        let value = value.replace(['\r', '\n'], " ");
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push_str(&format!("Payload-Oxum: {octets}.{files}\n"));
    text
}

/// A payload path as it goes into a bag (see `safe_path`), or the error that refuses it.
pub(super) fn checked_path(path: &str) -> std::io::Result<String> {
    safe_path(path)
        .ok_or_else(|| std::io::Error::other(format!("недопустимое имя файла в пакете: {path:?}")))
}

/// The error for a path that is in a bag twice (after NFC).
pub(super) fn twice(path: &str) -> std::io::Error {
    std::io::Error::other(format!("файл {path} дважды в пакете"))
}

pub fn payload_manifest(payload: &[PayloadFile]) -> String {
    manifest::<Sha256>(payload)
}

/// Writes a complete bag into `dir` (which must not exist yet or be empty), unflushed.
/// `sha256` is `payload_manifest(payload)`, which the caller has already made to compare
/// versions: the payload is hashed once per algorithm.
pub fn write_bag(
    dir: &Path,
    payload: &[PayloadFile],
    sha256: &str,
    info: &BagInfo,
) -> std::io::Result<()> {
    let mut paths = std::collections::BTreeSet::new();
    for f in payload {
        let safe = checked_path(&f.path)?;
        if !paths.insert(safe.clone()) {
            return Err(twice(&safe));
        }
        write_file(&dir.join("data").join(&safe), &f.bytes)?;
    }
    let sha512 = manifest::<Sha512>(payload);
    let octets: usize = payload.iter().map(|f| f.bytes.len()).sum();
    let bag_info = bag_info_text(info, octets as u64, payload.len() as u64);
    let contents = [BAGIT_TXT, &bag_info, sha256, &sha512];
    let mut tagmanifest = String::new();
    for (name, text) in TAGGED.into_iter().zip(contents) {
        write_file(&dir.join(name), text.as_bytes())?;
        tagmanifest.push_str(&tag_manifest_line(&hex::encode(Sha256::digest(text)), name));
    }
    write_file(&dir.join("tagmanifest-sha256.txt"), tagmanifest.as_bytes())
    // Not flushed here: the caller flushes before it renames the bag into place, so that a
    // batch flushes many bags with one syncfs (an fsync per file costs a journal commit each).
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_refused_and_names_are_nfc() {
        assert_eq!(
            safe_path("forms/notification.pdf").as_deref(),
            Some("forms/notification.pdf")
        );
        assert!(safe_path("../x").is_none());
        assert!(safe_path("/etc/passwd").is_none());
        assert!(safe_path("a%2Fb").is_none());
        assert!(safe_path("a\nb").is_none());
        let nfd = "й".nfd().collect::<String>();
        assert_eq!(safe_path(&nfd).unwrap(), "й".nfc().collect::<String>());
    }
}
