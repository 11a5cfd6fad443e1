//! Full fixity check of a BagIt bag: RFC 8493 (BagIt 1.0) and the 0.93–0.97 drafts.
//!
//! Whatever the bag, the verifier only opens regular files it found by walking the bag
//! directory without following symbolic links, so a manifest or `fetch.txt` can never make it
//! read anything outside the bag. Nothing is ever downloaded: `fetch.txt` is only listed.
//!
//! Messages are in Russian for the archivists; each names the file concerned by its path
//! inside the bag, as written in the manifest (never an absolute path of this machine).
//!
//! Rules that differ by version (decided against the Library of Congress conformance suite):
//! * 1.0: paths in manifests and `fetch.txt` are percent-decoded (`%0A`, `%0D`, `%25` only);
//!   earlier versions take them literally (v0.97 `bag-with-encoded-names` has a file really
//!   named `%7Etest1.txt`).
//! * 1.0: the same path listed twice in one manifest is an error even with the same checksum;
//!   earlier versions only warn.
//! * 1.0: whitespace between a label and its colon in `bagit.txt` is an error; earlier versions
//!   warn (and accept it silently in `bag-info.txt`, where 1.0 gets a warning).
//! * 1.0: every payload file must be listed in every payload manifest; earlier versions need
//!   at least one and warn about the others.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use unicode_normalization::UnicodeNormalization;
use walkdir::WalkDir;

/// The outcome of verifying one bag.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Problems that make the bag invalid (exit 1), in Russian, each naming the file.
    pub errors: Vec<String>,
    /// Things a careful archivist wants to know; the bag is still valid.
    pub warnings: Vec<String>,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Size of the read buffer of each hashing worker.
const READ_BUF: usize = 256 * 1024;
/// `bagit.txt` is two short lines; anything bigger than this is not a declaration.
const MAX_BAGIT_TXT: u64 = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Algorithms

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Alg {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Alg {
    fn from_name(name: &str) -> Option<Alg> {
        Some(match name {
            "md5" => Alg::Md5,
            "sha1" => Alg::Sha1,
            "sha224" => Alg::Sha224,
            "sha256" => Alg::Sha256,
            "sha384" => Alg::Sha384,
            "sha512" => Alg::Sha512,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Alg::Md5 => "md5",
            Alg::Sha1 => "sha1",
            Alg::Sha224 => "sha224",
            Alg::Sha256 => "sha256",
            Alg::Sha384 => "sha384",
            Alg::Sha512 => "sha512",
        }
    }

    /// Length of the checksum in hexadecimal digits.
    fn hex_len(self) -> usize {
        match self {
            Alg::Md5 => 32,
            Alg::Sha1 => 40,
            Alg::Sha224 => 56,
            Alg::Sha256 => 64,
            Alg::Sha384 => 96,
            Alg::Sha512 => 128,
        }
    }
}

enum Hasher {
    Md5(Md5),
    Sha1(Sha1),
    Sha224(Sha224),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Hasher {
    fn new(alg: Alg) -> Hasher {
        match alg {
            Alg::Md5 => Hasher::Md5(Md5::new()),
            Alg::Sha1 => Hasher::Sha1(Sha1::new()),
            Alg::Sha224 => Hasher::Sha224(Sha224::new()),
            Alg::Sha256 => Hasher::Sha256(Sha256::new()),
            Alg::Sha384 => Hasher::Sha384(Sha384::new()),
            Alg::Sha512 => Hasher::Sha512(Sha512::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha224(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    fn finish(self) -> String {
        match self {
            Hasher::Md5(h) => hex::encode(h.finalize()),
            Hasher::Sha1(h) => hex::encode(h.finalize()),
            Hasher::Sha224(h) => hex::encode(h.finalize()),
            Hasher::Sha256(h) => hex::encode(h.finalize()),
            Hasher::Sha384(h) => hex::encode(h.finalize()),
            Hasher::Sha512(h) => hex::encode(h.finalize()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Small text helpers (pure; unit-tested below)

/// Splits on LF, CR or CRLF. A final line terminator does not make an empty last line.
fn split_lines(s: &str) -> Vec<&str> {
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

/// BagIt 1.0 percent-decoding of a file path: only `%0A`, `%0D` and `%25` (RFC 8493 §2.1.3);
/// any other `%` stays as it is.
fn percent_decode_v1(s: &str) -> String {
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
fn out_of_bag(p: &str) -> Option<&'static str> {
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
fn squeeze_components(p: &str) -> Option<String> {
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
fn show(s: &str) -> String {
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
fn show_bytes(b: &[u8]) -> String {
    let mut out = String::new();
    for chunk in b.utf8_chunks() {
        out.push_str(&show(chunk.valid()));
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02X}"));
        }
    }
    out
}

fn nfc(s: &str) -> String {
    if s.is_ascii() {
        s.to_string()
    } else {
        s.nfc().collect()
    }
}

/// Key under which names that differ only by case (and normalization) collide.
fn fold(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.nfc().flat_map(char::to_lowercase).collect()
    }
}

/// Which Unicode normalization a path is in, for messages where two paths look the same.
fn form(s: &str) -> &'static str {
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
fn is_system_file(path: &str) -> bool {
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

fn io_ru(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "файл не найден".into(),
        io::ErrorKind::PermissionDenied => "нет прав на чтение".into(),
        io::ErrorKind::IsADirectory => "это каталог, а не файл".into(),
        io::ErrorKind::InvalidData => "файл был подменён во время проверки".into(),
        _ => format!("ошибка чтения ({e})"),
    }
}

/// Parses `octets.count` of Payload-Oxum.
fn parse_oxum(v: &str) -> Option<(u64, u64)> {
    let (o, n) = v.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(o) || !digits(n) {
        return None;
    }
    Some((o.parse().ok()?, n.parse().ok()?))
}

/// `M.N` of `BagIt-Version`.
fn parse_version(v: &str) -> Option<(u32, u32)> {
    let (m, n) = v.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(m) || !digits(n) {
        return None;
    }
    Some((m.parse().ok()?, n.parse().ok()?))
}

fn is_known_version(v: (u32, u32)) -> bool {
    matches!(v, (0, 93..=97) | (1, 0))
}

/// One line of a manifest: `CHECKSUM<whitespace>PATH` (leading whitespace tolerated).
/// `None` for a blank line; `Some(Err(..))` when the line has no path.
fn split_manifest_line(line: &str) -> Option<Result<(&str, &str), ()>> {
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
fn unescape_gnu(s: &str) -> String {
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
fn split_fetch_line(line: &str) -> Option<(&str, &str, &str)> {
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
struct TagLine {
    line: usize,
    label: String,
    value: String,
    /// The label had whitespace before the colon or at its start.
    spaced_label: bool,
}

enum TagProblem {
    NoColon(usize, String),
    EmptyLabel(usize),
    OrphanContinuation(usize),
    BlankLine(usize),
}

fn parse_tags(text: &str) -> (Vec<TagLine>, Vec<TagProblem>) {
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

// ---------------------------------------------------------------------------------------------
// The bag on disk

/// A regular file found in the bag.
struct DiskFile {
    /// Path relative to the bag, components joined by `/`, as raw bytes.
    rel: Vec<u8>,
    shown: String,
    abs: PathBuf,
    size: u64,
    #[cfg(unix)]
    id: (u64, u64),
    payload: bool,
    system: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Other {
    Dir,
    Symlink,
    Special,
}

#[derive(Default)]
struct Tree {
    files: Vec<DiskFile>,
    by_bytes: HashMap<Vec<u8>, usize>,
    by_nfc: HashMap<String, Vec<usize>>,
    other: BTreeMap<Vec<u8>, Other>,
}

#[cfg(unix)]
fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    s.to_string_lossy().into_owned().into_bytes()
}

fn rel_bytes(p: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in p.components().enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        out.extend_from_slice(&os_bytes(c.as_os_str()));
    }
    out
}

fn walk(bag: &Path, r: &mut Report) -> Tree {
    let mut t = Tree::default();
    for item in WalkDir::new(bag)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = match item {
            Ok(e) => e,
            Err(e) => {
                let place = e
                    .path()
                    .and_then(|p| p.strip_prefix(bag).ok())
                    .map(|p| show_bytes(&rel_bytes(p)))
                    .filter(|s| !s.is_empty());
                let why = e.io_error().map(io_ru).unwrap_or_else(|| e.to_string());
                r.errors.push(match place {
                    Some(p) => format!("не удалось прочитать {p}: {why}"),
                    None => format!("не удалось прочитать каталог пакета: {why}"),
                });
                continue;
            }
        };
        let Ok(relp) = entry.path().strip_prefix(bag) else {
            continue;
        };
        let rel = rel_bytes(relp);
        let ft = entry.file_type();
        let kind = if ft.is_symlink() {
            Some(Other::Symlink)
        } else if ft.is_dir() {
            Some(Other::Dir)
        } else if !ft.is_file() {
            Some(Other::Special)
        } else {
            None
        };
        if let Some(k) = kind {
            t.other.insert(rel, k);
            continue;
        }
        let md = match entry.metadata() {
            Ok(m) => m,
            Err(e) => {
                let why = e.io_error().map(io_ru).unwrap_or_else(|| e.to_string());
                r.errors
                    .push(format!("не удалось прочитать {}: {why}", show_bytes(&rel)));
                continue;
            }
        };
        let shown = show_bytes(&rel);
        let payload = rel.starts_with(b"data/");
        let system = payload && is_system_file(&String::from_utf8_lossy(&rel));
        let idx = t.files.len();
        // Only non-ASCII names can differ by normalization.
        if let Some(s) = std::str::from_utf8(&rel).ok().filter(|s| !s.is_ascii()) {
            t.by_nfc.entry(nfc(s)).or_default().push(idx);
        }
        t.by_bytes.insert(rel.clone(), idx);
        t.files.push(DiskFile {
            rel,
            shown,
            abs: entry.path().to_path_buf(),
            size: md.len(),
            #[cfg(unix)]
            id: {
                use std::os::unix::fs::MetadataExt;
                (md.dev(), md.ino())
            },
            payload,
            system,
        });
    }
    t
}

/// Opens a file found by the walk, making sure it is still that regular file (no symlink
/// swapped in since).
fn open_checked(f: &DiskFile) -> io::Result<File> {
    let file = File::open(&f.abs)?;
    let md = file.metadata()?;
    if !md.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "not a regular file",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (md.dev(), md.ino()) != f.id {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "replaced"));
        }
    }
    Ok(file)
}

fn read_checked(f: &DiskFile, limit: Option<u64>) -> Result<Vec<u8>, String> {
    let file = open_checked(f).map_err(|e| io_ru(&e))?;
    let mut buf = Vec::new();
    let res = match limit {
        Some(l) => file.take(l + 1).read_to_end(&mut buf),
        None => (&file).read_to_end(&mut buf),
    };
    res.map_err(|e| io_ru(&e))?;
    Ok(buf)
}

fn hash_file(f: &DiskFile, algs: &[Alg], buf: &mut [u8]) -> Result<Vec<(Alg, String)>, String> {
    let mut file = open_checked(f).map_err(|e| io_ru(&e))?;
    let mut hs: Vec<Hasher> = algs.iter().map(|&a| Hasher::new(a)).collect();
    loop {
        match file.read(buf) {
            Ok(0) => break,
            Ok(n) => {
                for h in &mut hs {
                    h.update(&buf[..n]);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_ru(&e)),
        }
    }
    Ok(algs
        .iter()
        .copied()
        .zip(hs.into_iter().map(Hasher::finish))
        .collect())
}

type HashResult = Result<Vec<(Alg, String)>, String>;

/// Hashes every job (a file and the algorithms wanted for it, all in one read pass) on all
/// cores: the calling thread works too, so a failure to spawn threads only slows things down.
fn hash_all(files: &[DiskFile], jobs: &[(usize, Vec<Alg>)]) -> Vec<HashResult> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut buf = vec![0u8; READ_BUF];
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((fi, algs)) = jobs.get(i) else { break };
            out.push((i, hash_file(&files[*fi], algs, &mut buf)));
        }
        out
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let extra = threads.min(jobs.len()).saturating_sub(1);
    let mut results: Vec<Option<HashResult>> = (0..jobs.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..extra)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, work).ok())
            .collect();
        let mine = work();
        let mut all = vec![mine];
        for h in handles {
            if let Ok(v) = h.join() {
                all.push(v);
            }
        }
        for (i, res) in all.into_iter().flatten() {
            results[i] = Some(res);
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| Err("внутренняя ошибка при подсчёте контрольной суммы".into()))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Verification

struct Entry {
    line: usize,
    /// The path as written in the manifest (without `*` and `./`), for messages.
    shown: String,
    /// The decoded path relative to the bag.
    path: String,
    /// Lowercase hexadecimal checksum; `None` when it was malformed (already reported).
    sum: Option<String>,
    /// The file on disk it resolved to.
    file: Option<usize>,
    /// Path points outside the bag or outside its area: never resolved, already reported.
    rejected: bool,
    /// Points at something that is not a regular file (already reported).
    not_regular: bool,
}

struct Manifest {
    name: String,
    alg: Alg,
    tag: bool,
    entries: Vec<Entry>,
}

struct Fetch {
    line: usize,
    url: String,
    length: Option<u64>,
    shown: String,
    path: String,
}

/// Checks a bag: see the module documentation. Never panics on any input; every problem
/// becomes a message naming the file (as a path inside the bag).
pub fn verify_bag(bag: &Path) -> Report {
    let mut r = Report::default();
    match std::fs::metadata(bag) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            r.errors
                .push("пакет BagIt должен быть каталогом, а указан файл".into());
            return r;
        }
        Err(e) => {
            r.errors
                .push(format!("каталог пакета не открывается: {}", io_ru(&e)));
            return r;
        }
    }
    let tree = walk(bag, &mut r);
    let Some((version, enc, enc_label)) = read_declaration(&tree, &mut r) else {
        return r;
    };
    Verifier {
        tree: &tree,
        version,
        enc,
        enc_label,
        r,
        oxum: Vec::new(),
        sys_missing: BTreeSet::new(),
    }
    .run()
}

/// Reads `bagit.txt`: the version (rules of 1.0 when it is missing or unknown) and the tag
/// file encoding (UTF-8 when missing or unknown). `None` when there is no declaration at all.
fn read_declaration(
    tree: &Tree,
    r: &mut Report,
) -> Option<((u32, u32), &'static Encoding, String)> {
    let Some(&idx) = tree.by_bytes.get(&b"bagit.txt"[..]) else {
        match tree.other.get(&b"bagit.txt"[..]) {
            Some(k) => r
                .errors
                .push(format!("bagit.txt: {}, а не обычный файл", other_ru(*k))),
            None => r
                .errors
                .push("нет файла bagit.txt: каталог не является пакетом BagIt".into()),
        }
        return None;
    };
    let mut bytes = match read_checked(&tree.files[idx], Some(MAX_BAGIT_TXT)) {
        Ok(b) => b,
        Err(e) => {
            r.errors
                .push(format!("bagit.txt: не удалось прочитать: {e}"));
            return None;
        }
    };
    if bytes.len() as u64 > MAX_BAGIT_TXT {
        r.errors
            .push("bagit.txt слишком велик (больше 64 КиБ): это не объявление пакета BagIt".into());
        return None;
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        r.errors.push("bagit.txt записан в UTF-16, а по спецификации должен быть в UTF-8 без метки порядка байтов".into());
        return None;
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        r.errors.push("bagit.txt начинается с метки порядка байтов (BOM): по спецификации BagIt это недопустимо".into());
        bytes.drain(..3);
    }
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            r.errors
                .push("bagit.txt: недопустимые байты — файл должен быть в UTF-8".into());
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let (tags, problems) = parse_tags(&text);
    for p in problems {
        match p {
            TagProblem::NoColon(n, l) => r.errors.push(format!(
                "bagit.txt, строка {n}: непонятная строка «{}»",
                show(&l)
            )),
            TagProblem::EmptyLabel(n) => r
                .errors
                .push(format!("bagit.txt, строка {n}: пустая метка")),
            TagProblem::OrphanContinuation(n) => r.errors.push(format!(
                "bagit.txt, строка {n}: строка с отступом без метки"
            )),
            TagProblem::BlankLine(n) => r
                .warnings
                .push(format!("bagit.txt, строка {n}: пустая строка")),
        }
    }
    const VERSION: &str = "BagIt-Version";
    const ENCODING: &str = "Tag-File-Character-Encoding";
    let mut version_tag: Option<&TagLine> = None;
    let mut encoding_tag: Option<&TagLine> = None;
    for t in &tags {
        let slot = if t.label.eq_ignore_ascii_case(VERSION) {
            &mut version_tag
        } else if t.label.eq_ignore_ascii_case(ENCODING) {
            &mut encoding_tag
        } else {
            r.warnings.push(format!(
                "bagit.txt, строка {}: лишняя строка «{}: {}» (должны быть только {VERSION} и {ENCODING})",
                t.line,
                show(&t.label),
                show(&t.value)
            ));
            continue;
        };
        if t.label != VERSION && t.label != ENCODING {
            r.warnings.push(format!(
                "bagit.txt, строка {}: метка «{}» написана не в том регистре",
                t.line,
                show(&t.label)
            ));
        }
        match slot {
            Some(prev) if prev.value != t.value => r.errors.push(format!(
                "bagit.txt: {} указан дважды с разными значениями (строки {} и {})",
                t.label, prev.line, t.line
            )),
            Some(prev) => r.warnings.push(format!(
                "bagit.txt: {} указан дважды (строки {} и {})",
                t.label, prev.line, t.line
            )),
            None => *slot = Some(t),
        }
    }
    let version = match version_tag {
        None => {
            r.errors.push(format!("bagit.txt: нет строки {VERSION}"));
            None
        }
        Some(t) => match parse_version(&t.value) {
            None => {
                r.errors.push(format!(
                    "bagit.txt: неверный номер версии BagIt «{}» (ожидается вида 1.0 или 0.97)",
                    show(&t.value)
                ));
                None
            }
            Some(v) if !is_known_version(v) => {
                r.errors.push(format!(
                    "bagit.txt: версия BagIt {} не поддерживается (поддерживаются 0.93–0.97 и 1.0)",
                    show(&t.value)
                ));
                None
            }
            Some(v) => Some(v),
        },
    };
    // Unknown version: judge by the strictest rules (those of 1.0).
    let rules = version.unwrap_or((1, 0));
    for t in tags.iter().filter(|t| t.spaced_label) {
        let m = format!(
            "bagit.txt, строка {}: пробел между меткой «{}» и двоеточием",
            t.line,
            show(&t.label)
        );
        if rules.0 >= 1 {
            r.errors.push(format!("{m}: в BagIt 1.0 это недопустимо"));
        } else {
            r.warnings.push(m);
        }
    }
    if let (Some(v), Some(e)) = (version_tag, encoding_tag)
        && e.line < v.line
    {
        r.warnings
            .push(format!("bagit.txt: строка {VERSION} должна идти первой"));
    }
    let (enc, label) = match encoding_tag {
        None => {
            r.errors.push(format!(
                "bagit.txt: нет строки {ENCODING} (кодировка файлов тегов)"
            ));
            (UTF_8, "UTF-8".to_string())
        }
        Some(t) => match Encoding::for_label(t.value.as_bytes()) {
            Some(e) => (e, t.value.clone()),
            None => {
                r.errors.push(format!(
                    "bagit.txt: неизвестная кодировка файлов тегов «{}»; файлы тегов читаются как UTF-8",
                    show(&t.value)
                ));
                (UTF_8, "UTF-8".to_string())
            }
        },
    };
    Some((rules, enc, label))
}

struct Verifier<'a> {
    tree: &'a Tree,
    version: (u32, u32),
    enc: &'static Encoding,
    enc_label: String,
    r: Report,
    /// Payload-Oxum values of bag-info.txt.
    oxum: Vec<String>,
    /// System files (.DS_Store…) listed in a payload manifest but absent.
    sys_missing: BTreeSet<String>,
}

impl Verifier<'_> {
    fn v1(&self) -> bool {
        self.version.0 >= 1
    }

    fn err(&mut self, m: String) {
        self.r.errors.push(m);
    }

    fn warn(&mut self, m: String) {
        self.r.warnings.push(m);
    }

    fn run(mut self) -> Report {
        self.check_layout();
        self.check_bag_info();
        let (manifests, unsupported) = self.load_manifests();
        let fetch = self.load_fetch();
        self.check_coverage(&manifests, &fetch, &unsupported);
        self.check_checksums(&manifests);
        self.check_oxum();
        self.r
    }

    /// Decodes a tag file with the declared encoding (a BOM wins; UTF-16 without a BOM is
    /// guessed from its zero bytes).
    fn decode(&mut self, bytes: &[u8], name: &str) -> String {
        let utf16 = self.enc == UTF_16LE || self.enc == UTF_16BE;
        let has_bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF])
            || bytes.starts_with(&[0xFF, 0xFE])
            || bytes.starts_with(&[0xFE, 0xFF]);
        let (text, bad) = if utf16 && !has_bom {
            let e = if bytes.len() >= 2 && bytes[0] == 0 && bytes[1] != 0 {
                UTF_16BE
            } else {
                UTF_16LE
            };
            let (t, bad) = e.decode_without_bom_handling(bytes);
            (t.into_owned(), bad)
        } else {
            let (t, _, bad) = self.enc.decode(bytes);
            (t.into_owned(), bad)
        };
        if bad {
            self.err(format!(
                "{name}: содержимое не соответствует объявленной в bagit.txt кодировке {} (недопустимые байты)",
                show(&self.enc_label)
            ));
        }
        text
    }

    /// A tag file at the top of the bag, read and decoded; `None` if there is none.
    fn read_tag_file(&mut self, name: &str) -> Option<String> {
        let tree = self.tree;
        let idx = match tree.by_bytes.get(name.as_bytes()) {
            Some(&i) => i,
            None => {
                if let Some(k) = tree.other.get(name.as_bytes()) {
                    self.err(format!(
                        "{name}: {}, а не обычный файл; не проверяется",
                        other_ru(*k)
                    ));
                }
                return None;
            }
        };
        match read_checked(&tree.files[idx], None) {
            Ok(b) => Some(self.decode(&b, name)),
            Err(e) => {
                self.err(format!("{name}: не удалось прочитать: {e}"));
                None
            }
        }
    }

    /// Finds the file a path from a manifest names: by its bytes, then by its Unicode
    /// normalization (macOS writes NFD), then by its bytes in the declared tag encoding
    /// (old bags with ISO-8859-1 file names). `Ok((file, found by normalization))`.
    fn resolve(&self, path: &str) -> Result<(usize, bool), Option<Other>> {
        let tree = self.tree;
        if let Some(&i) = tree.by_bytes.get(path.as_bytes()) {
            return Ok((i, false));
        }
        if let Some(&k) = tree.other.get(path.as_bytes()) {
            return Err(Some(k));
        }
        if !path.is_ascii()
            && let Some(&i) = tree.by_nfc.get(&nfc(path)).and_then(|c| c.first())
        {
            return Ok((i, true));
        }
        if self.enc != UTF_8 && self.enc.output_encoding() == self.enc {
            let (bytes, _, unmappable) = self.enc.encode(path);
            if !unmappable
                && bytes.as_ref() != path.as_bytes()
                && let Some(&i) = tree.by_bytes.get(bytes.as_ref())
            {
                return Ok((i, false));
            }
        }
        Err(None)
    }

    /// `data/`, symbolic links, special files, system files.
    fn check_layout(&mut self) {
        let tree = self.tree;
        match tree.other.get(&b"data"[..]) {
            Some(Other::Dir) => {}
            Some(Other::Symlink) => self.err(
                "data — символическая ссылка, а не каталог полезной нагрузки; okno не переходит по ссылкам".into(),
            ),
            _ if tree.by_bytes.contains_key(&b"data"[..]) => {
                self.err("data — файл, а должен быть каталог полезной нагрузки".into())
            }
            _ => self.err("нет каталога полезной нагрузки data/".into()),
        }
        for (rel, kind) in &tree.other {
            let shown = show_bytes(rel);
            let payload = rel.starts_with(b"data/");
            match kind {
                Other::Dir => {}
                Other::Symlink if payload => self.err(format!(
                    "символическая ссылка {shown} в полезной нагрузке: ссылки в пакете недопустимы, okno по ним не переходит"
                )),
                Other::Special if payload => self.err(format!(
                    "{shown} в полезной нагрузке не является обычным файлом (устройство, канал или сокет)"
                )),
                Other::Symlink if rel.as_slice() == b"data" => {}
                Other::Symlink => self.warn(format!(
                    "символическая ссылка {shown} вне data/: okno по ней не переходит и её не проверяет"
                )),
                Other::Special => self.warn(format!("{shown} не является обычным файлом и не проверяется")),
            }
        }
        for f in tree.files.iter().filter(|f| f.system) {
            self.warn(format!(
                "служебный файл операционной системы в полезной нагрузке: {}",
                f.shown
            ));
        }
    }

    fn bag_info_name(&self) -> &'static str {
        let tree = self.tree;
        if self.version < (0, 96)
            && !tree.by_bytes.contains_key(&b"bag-info.txt"[..])
            && tree.by_bytes.contains_key(&b"package-info.txt"[..])
        {
            "package-info.txt"
        } else {
            "bag-info.txt"
        }
    }

    /// bag-info.txt (optional): its syntax; Payload-Oxum is compared in `check_oxum`.
    fn check_bag_info(&mut self) {
        let name = self.bag_info_name();
        let Some(text) = self.read_tag_file(name) else {
            return;
        };
        let (tags, problems) = parse_tags(&text);
        for p in problems {
            match p {
                TagProblem::NoColon(n, l) => self.err(format!(
                    "{name}, строка {n}: нет двоеточия между меткой и значением: «{}»",
                    show(&l)
                )),
                TagProblem::EmptyLabel(n) => self.err(format!("{name}, строка {n}: пустая метка")),
                TagProblem::OrphanContinuation(n) => self.err(format!(
                    "{name}, строка {n}: строка продолжения (с отступом) без предшествующей метки"
                )),
                TagProblem::BlankLine(n) => self.warn(format!("{name}, строка {n}: пустая строка")),
            }
        }
        if self.v1() {
            for t in tags.iter().filter(|t| t.spaced_label) {
                self.warn(format!(
                    "{name}, строка {}: пробелы вокруг метки «{}» (в BagIt 1.0 метка стоит вплотную к двоеточию)",
                    t.line,
                    show(&t.label)
                ));
            }
        }
        let oxum: Vec<String> = tags
            .iter()
            .filter(|t| t.label.eq_ignore_ascii_case("Payload-Oxum"))
            .map(|t| t.value.clone())
            .collect();
        if oxum.len() > 1 {
            self.warn(format!(
                "{name}: Payload-Oxum указан несколько раз ({})",
                oxum.len()
            ));
        }
        self.oxum = oxum;
    }

    /// Every `manifest-ALG.txt` and `tagmanifest-ALG.txt` at the top of the bag, parsed and
    /// resolved to files. Also returns the payload manifests of unsupported algorithms.
    fn load_manifests(&mut self) -> (Vec<Manifest>, Vec<String>) {
        let tree = self.tree;
        let mut found: Vec<(String, usize, bool, String)> = Vec::new();
        for (i, f) in tree.files.iter().enumerate() {
            let Ok(name) = std::str::from_utf8(&f.rel) else {
                continue;
            };
            if let Some((tag, alg)) = manifest_name(name) {
                found.push((name.to_string(), i, tag, alg.to_string()));
            }
        }
        for (rel, k) in &tree.other {
            if let Some(name) = std::str::from_utf8(rel)
                .ok()
                .filter(|n| manifest_name(n).is_some())
            {
                self.err(format!(
                    "{name}: {}, а не обычный файл; манифест не проверяется",
                    other_ru(*k)
                ));
            }
        }
        found.sort();
        let mut out = Vec::new();
        let mut unsupported = Vec::new();
        for (name, idx, tag, label) in found {
            let alg = Alg::from_name(&label).or_else(|| {
                let a = Alg::from_name(&label.to_ascii_lowercase())?;
                self.warn(format!(
                    "{name}: название алгоритма должно быть строчными буквами"
                ));
                Some(a)
            });
            match alg {
                Some(alg) => out.push(self.load_manifest(idx, &name, alg, tag)),
                None => {
                    self.warn(format!(
                        "{name}: алгоритм «{}» не поддерживается (поддерживаются md5, sha1, sha224, sha256, sha384, sha512); этот манифест не проверяется",
                        show(&label)
                    ));
                    if !tag {
                        unsupported.push(name);
                    }
                }
            }
        }
        (out, unsupported)
    }

    fn load_manifest(&mut self, idx: usize, name: &str, alg: Alg, tag: bool) -> Manifest {
        let tree = self.tree;
        let v1 = self.v1();
        let mut m = Manifest {
            name: name.to_string(),
            alg,
            tag,
            entries: Vec::new(),
        };
        let bytes = match read_checked(&tree.files[idx], None) {
            Ok(b) => b,
            Err(e) => {
                self.err(format!("{name}: не удалось прочитать: {e}"));
                return m;
            }
        };
        let text = self.decode(&bytes, name);
        let decode = |s: &str| {
            if v1 {
                percent_decode_v1(s)
            } else {
                s.to_string()
            }
        };
        let mut by_path: HashMap<String, usize> = HashMap::new();
        let mut by_nfc: HashMap<String, usize> = HashMap::new();
        let mut by_fold: HashMap<String, usize> = HashMap::new();
        let (mut star, mut dot, mut squeezed, mut gnu) = (0usize, 0usize, 0usize, 0usize);
        for (i, line) in split_lines(&text).into_iter().enumerate() {
            let n = i + 1;
            let (cs, raw) = match split_manifest_line(line) {
                None => continue,
                Some(Err(())) => {
                    self.err(format!(
                        "{name}, строка {n}: нет пути к файлу после контрольной суммы: «{}»",
                        show(line.trim())
                    ));
                    continue;
                }
                Some(Ok(x)) => x,
            };
            // GNU md5sum/sha256sum write `\HASH  PATH` when PATH has a backslash or a newline,
            // escaping those as `\\` and `\n`. A checksum never starts with a backslash.
            let (cs, unescaped) = match cs.strip_prefix('\\') {
                Some(rest) => {
                    gnu += 1;
                    (rest, Some(unescape_gnu(raw)))
                }
                None => (cs, None),
            };
            let mut raw: &str = unescaped.as_deref().unwrap_or(raw);
            // `HASH *PATH`: md5sum/sha256sum binary mode, unless a file really is named `*…`.
            if let Some(rest) = raw.strip_prefix('*')
                && !tree.by_bytes.contains_key(decode(raw).as_bytes())
            {
                raw = rest;
                star += 1;
            }
            if raw.starts_with("./") {
                while let Some(rest) = raw.strip_prefix("./") {
                    raw = rest;
                }
                dot += 1;
            }
            let shown = show(raw);
            let cs = cs.to_ascii_lowercase();
            let sum = if cs.len() == alg.hex_len() && cs.bytes().all(|b| b.is_ascii_hexdigit()) {
                Some(cs)
            } else {
                self.err(format!(
                    "{name}, строка {n}: «{}» — не контрольная сумма {} (нужно {} шестнадцатеричных знаков) для файла {shown}",
                    show(&cs),
                    alg.name(),
                    alg.hex_len()
                ));
                None
            };
            let mut e = Entry {
                line: n,
                shown,
                path: decode(raw),
                sum,
                file: None,
                rejected: false,
                not_regular: false,
            };
            if let Some(why) = out_of_bag(&e.path) {
                self.err(format!(
                    "{name}, строка {n}: путь {} указывает за пределы пакета ({why}); такой файл не открывается",
                    e.shown
                ));
                e.rejected = true;
                m.entries.push(e);
                continue;
            }
            if let Some(p) = squeeze_components(&e.path) {
                squeezed += 1;
                e.path = p;
            }
            if !tag && !e.path.starts_with("data/") {
                self.err(format!(
                    "{name}, строка {n}: путь {} вне каталога data/ — манифест полезной нагрузки перечисляет только файлы из data/",
                    e.shown
                ));
                e.rejected = true;
                m.entries.push(e);
                continue;
            }
            if tag && e.path == name {
                self.warn(format!("{name}, строка {n}: манифест тегов указывает сам себя; эта строка не проверяется"));
                e.rejected = true;
                m.entries.push(e);
                continue;
            }
            if tag && e.path.starts_with("data/") {
                self.warn(format!(
                    "{name}, строка {n}: манифест тегов перечисляет файл полезной нагрузки {}",
                    e.shown
                ));
            }
            if let Some(&j) = by_path.get(&e.path) {
                let first = &m.entries[j];
                let base = format!(
                    "{name}: файл {} указан дважды (строки {} и {n})",
                    e.shown, first.line
                );
                if first.sum.is_none() || first.sum != e.sum {
                    self.err(format!("{base} с разными контрольными суммами"));
                } else if v1 {
                    self.err(format!(
                        "{base}; в BagIt 1.0 каждый файл указывается в манифесте один раз"
                    ));
                } else {
                    self.warn(format!("{base} с одинаковой контрольной суммой"));
                }
                continue;
            }
            let key_nfc = nfc(&e.path);
            let key_fold = fold(&e.path);
            if let Some(&j) = by_nfc.get(&key_nfc) {
                let first = &m.entries[j];
                self.warn(format!(
                    "{name}: пути {} ({}, строка {}) и {} ({}, строка {n}) различаются только нормализацией Unicode; в macOS это один и тот же файл",
                    first.shown,
                    form(&first.path),
                    first.line,
                    e.shown,
                    form(&e.path)
                ));
            } else if let Some(&j) = by_fold.get(&key_fold) {
                let first = &m.entries[j];
                self.warn(format!(
                    "{name}: пути {} (строка {}) и {} (строка {n}) различаются только регистром букв; в Windows и macOS это один и тот же файл",
                    first.shown, first.line, e.shown
                ));
            }
            let here = m.entries.len();
            by_path.insert(e.path.clone(), here);
            by_nfc.entry(key_nfc).or_insert(here);
            by_fold.entry(key_fold).or_insert(here);
            match self.resolve(&e.path) {
                Ok((fi, normalized)) => {
                    if normalized {
                        let disk = &tree.files[fi];
                        let disk_form = std::str::from_utf8(&disk.rel).map(form).unwrap_or("?");
                        self.warn(format!(
                            "{name}, строка {n}: путь {} записан в нормализации Unicode {}, а имя файла на диске {} — в {disk_form}; файл сопоставлен по имени в NFC",
                            e.shown,
                            form(&e.path),
                            disk.shown
                        ));
                    }
                    e.file = Some(fi);
                }
                Err(Some(k)) => {
                    // Symbolic links and special files in data/ are already reported.
                    if k == Other::Dir || !e.path.starts_with("data/") {
                        self.err(format!(
                            "{name}, строка {n}: {} — {}, а не обычный файл",
                            e.shown,
                            other_ru(k)
                        ));
                    }
                    e.not_regular = true;
                }
                Err(None) => {}
            }
            m.entries.push(e);
        }
        if star > 0 {
            self.warn(format!(
                "{name}: перед путями стоит «*» (двоичный режим md5sum/sha256sum; строк: {star}) — манифест сделан не инструментом BagIt; «*» отброшена"
            ));
        }
        if gnu > 0 {
            self.warn(format!(
                "{name}: строки в формате GNU md5sum/sha256sum с экранированием «\\» (строк: {gnu}) — манифест сделан не инструментом BagIt"
            ));
        }
        if dot > 0 {
            self.warn(format!("{name}: пути начинаются с «./» (строк: {dot}); по спецификации BagIt пути пишутся без него"));
        }
        if squeezed > 0 {
            self.warn(format!(
                "{name}: в путях есть пустые компоненты или «.» (строк: {squeezed})"
            ));
        }
        m
    }

    /// fetch.txt: listed, never fetched.
    fn load_fetch(&mut self) -> Vec<Fetch> {
        let mut out = Vec::new();
        let Some(text) = self.read_tag_file("fetch.txt") else {
            return out;
        };
        let v1 = self.v1();
        for (i, line) in split_lines(&text).into_iter().enumerate() {
            let n = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            let Some((url, len, raw)) = split_fetch_line(line) else {
                self.err(format!(
                    "fetch.txt, строка {n}: неверный формат (ожидается «URL ДЛИНА ПУТЬ»): «{}»",
                    show(line.trim())
                ));
                continue;
            };
            let length = match len {
                "-" => None,
                l => {
                    match l.parse::<u64>() {
                        Ok(v) => Some(v),
                        Err(_) => {
                            self.err(format!("fetch.txt, строка {n}: неверная длина «{}» (ожидается число или «-»)", show(l)));
                            None
                        }
                    }
                }
            };
            let mut raw = raw;
            while let Some(rest) = raw.strip_prefix("./") {
                raw = rest;
            }
            let shown = show(raw);
            let path = if v1 {
                percent_decode_v1(raw)
            } else {
                raw.to_string()
            };
            if let Some(why) = out_of_bag(&path) {
                self.err(format!(
                    "fetch.txt, строка {n}: путь {shown} указывает за пределы пакета ({why}); okno ничего не загружает, но такой пакет недопустим"
                ));
                continue;
            }
            let path = squeeze_components(&path).unwrap_or(path);
            if !path.starts_with("data/") {
                self.err(format!(
                    "fetch.txt, строка {n}: путь {shown} вне каталога data/ — fetch.txt перечисляет только файлы полезной нагрузки"
                ));
                continue;
            }
            out.push(Fetch {
                line: n,
                url: show(url),
                length,
                shown,
                path,
            });
        }
        out
    }

    /// Missing files, extra files, files not in every manifest, fetch.txt entries.
    fn check_coverage(&mut self, manifests: &[Manifest], fetch: &[Fetch], unsupported: &[String]) {
        let tree = self.tree;
        let v1 = self.v1();
        let payload: Vec<&Manifest> = manifests.iter().filter(|m| !m.tag).collect();
        if payload.is_empty() {
            if unsupported.is_empty() {
                self.err(
                    "нет ни одного манифеста полезной нагрузки (manifest-АЛГОРИТМ.txt)".into(),
                );
            } else {
                self.err(format!(
                    "нет манифеста полезной нагрузки с поддерживаемым алгоритмом: {} не проверяется",
                    unsupported.join(", ")
                ));
            }
        }
        let fetch_by_path: HashMap<&str, &Fetch> =
            fetch.iter().map(|f| (f.path.as_str(), f)).collect();

        // Listed but absent.
        let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut tag_missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut fetch_missing: BTreeMap<String, String> = BTreeMap::new();
        for m in manifests {
            let mut present_by_fold: HashMap<String, Vec<&Entry>> = HashMap::new();
            for e in m.entries.iter().filter(|e| e.file.is_some()) {
                present_by_fold.entry(fold(&e.path)).or_default().push(e);
            }
            for e in &m.entries {
                if e.rejected || e.not_regular || e.file.is_some() {
                    continue;
                }
                if m.tag {
                    tag_missing
                        .entry(e.shown.clone())
                        .or_default()
                        .push(m.name.clone());
                    continue;
                }
                if let Some(f) = fetch_by_path.get(e.path.as_str()) {
                    fetch_missing.insert(e.shown.clone(), f.url.clone());
                    continue;
                }
                let twin = present_by_fold
                    .get(&fold(&e.path))
                    .and_then(|v| v.iter().find(|o| o.sum.is_some() && o.sum == e.sum));
                if let Some(twin) = twin {
                    self.warn(format!(
                        "{}: файла {} нет, но есть {} с той же контрольной суммой; имена различаются только регистром букв — видимо, пакет копировался через файловую систему, не различающую регистр",
                        m.name, e.shown, twin.shown
                    ));
                    continue;
                }
                if is_system_file(&e.path) {
                    if self.sys_missing.insert(e.path.clone()) {
                        self.warn(format!(
                            "служебный файл {} указан в {}, но отсутствует (такие файлы часто теряются при копировании)",
                            e.shown, m.name
                        ));
                    }
                    continue;
                }
                missing
                    .entry(e.shown.clone())
                    .or_default()
                    .push(m.name.clone());
            }
        }
        for (p, ms) in missing {
            self.err(format!(
                "файл {p} указан в {}, но отсутствует",
                ms.join(", ")
            ));
        }
        for (p, ms) in tag_missing {
            self.err(format!(
                "файл тегов {p} указан в {}, но отсутствует",
                ms.join(", ")
            ));
        }
        for (p, url) in fetch_missing {
            self.err(format!(
                "файл {p} должен быть загружен по fetch.txt с {url}, но в пакете отсутствует: пакет неполон (okno ничего не загружает)"
            ));
        }

        // Present but not listed (in every manifest).
        if !payload.is_empty() {
            let mut listed: Vec<Vec<usize>> = vec![Vec::new(); tree.files.len()];
            for (mi, m) in payload.iter().enumerate() {
                for fi in m.entries.iter().filter_map(|e| e.file) {
                    if !listed[fi].contains(&mi) {
                        listed[fi].push(mi);
                    }
                }
            }
            let names: Vec<&str> = payload.iter().map(|m| m.name.as_str()).collect();
            for (fi, f) in tree.files.iter().enumerate().filter(|(_, f)| f.payload) {
                let l = &listed[fi];
                if l.is_empty() {
                    if f.system {
                        self.warn(format!(
                            "служебный файл {} не указан в манифесте и не проверяется",
                            f.shown
                        ));
                    } else if names.len() == 1 {
                        self.err(format!(
                            "лишний файл {}: его нет в манифесте {}",
                            f.shown, names[0]
                        ));
                    } else {
                        self.err(format!(
                            "лишний файл {}: его нет ни в одном манифесте ({})",
                            f.shown,
                            names.join(", ")
                        ));
                    }
                } else if l.len() < names.len() {
                    let absent: Vec<&str> = names
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !l.contains(i))
                        .map(|(_, n)| *n)
                        .collect();
                    let m = format!(
                        "файл {} не указан в манифесте {}",
                        f.shown,
                        absent.join(", ")
                    );
                    if v1 {
                        self.err(format!("{m}: в BagIt 1.0 каждый файл полезной нагрузки указывается в каждом манифесте"));
                    } else {
                        self.warn(m);
                    }
                }
            }
        }

        // fetch.txt: every entry listed in the manifests; nothing is downloaded.
        let paths: Vec<HashSet<&str>> = payload
            .iter()
            .map(|m| m.entries.iter().map(|e| e.path.as_str()).collect())
            .collect();
        for f in fetch {
            let count = paths.iter().filter(|s| s.contains(f.path.as_str())).count();
            if count == 0 {
                self.err(format!(
                    "fetch.txt, строка {}: файл {} не указан ни в одном манифесте полезной нагрузки",
                    f.line, f.shown
                ));
            } else if count < paths.len() {
                let m = format!(
                    "fetch.txt, строка {}: файл {} указан не во всех манифестах полезной нагрузки",
                    f.line, f.shown
                );
                if v1 {
                    self.err(m);
                } else {
                    self.warn(m);
                }
            }
            if let Ok((fi, _)) = self.resolve(&f.path) {
                let size = tree.files[fi].size;
                self.warn(format!(
                    "fetch.txt: файл {} указан для загрузки с {}; okno ничего не загружает — файл уже в пакете и проверяется по манифесту",
                    f.shown, f.url
                ));
                if let Some(l) = f.length.filter(|&l| l != size) {
                    self.warn(format!(
                        "fetch.txt, строка {}: для {} указан размер {l} байт, фактически {size}",
                        f.line, f.shown
                    ));
                }
            }
        }
    }

    /// Hashes every listed file once (all its algorithms in one pass, all cores) and compares.
    fn check_checksums(&mut self, manifests: &[Manifest]) {
        let tree = self.tree;
        let mut want: BTreeMap<usize, BTreeSet<Alg>> = BTreeMap::new();
        for m in manifests {
            for e in &m.entries {
                if let (Some(fi), Some(_)) = (e.file, &e.sum) {
                    want.entry(fi).or_default().insert(m.alg);
                }
            }
        }
        let mut jobs: Vec<(usize, Vec<Alg>)> = want
            .into_iter()
            .map(|(f, a)| (f, a.into_iter().collect()))
            .collect();
        // Largest first, so that one big file does not finish alone at the end.
        jobs.sort_by(|a, b| {
            tree.files[b.0]
                .size
                .cmp(&tree.files[a.0].size)
                .then(a.0.cmp(&b.0))
        });
        let results = hash_all(&tree.files, &jobs);
        let by_file: BTreeMap<usize, &HashResult> =
            jobs.iter().map(|(f, _)| *f).zip(results.iter()).collect();
        for (&fi, res) in &by_file {
            if let Err(e) = res {
                let what = if tree.files[fi].payload {
                    "файл"
                } else {
                    "файл тегов"
                };
                self.err(format!(
                    "{what} {} не удалось прочитать: {e}",
                    tree.files[fi].shown
                ));
            }
        }
        for m in manifests {
            for e in &m.entries {
                let (Some(fi), Some(expected)) = (e.file, &e.sum) else {
                    continue;
                };
                let Some(Ok(sums)) = by_file.get(&fi) else {
                    continue;
                };
                let Some((_, actual)) = sums.iter().find(|(a, _)| *a == m.alg) else {
                    continue;
                };
                if actual != expected {
                    let alg = m.alg.name();
                    if m.tag {
                        self.err(format!(
                            "файл тегов {} изменён: {alg} в манифесте тегов {} {expected}, фактически {actual}",
                            e.shown, m.name
                        ));
                    } else {
                        self.err(format!(
                            "файл {} изменён: {alg} в манифесте {expected}, фактически {actual}",
                            e.shown
                        ));
                    }
                }
            }
        }
    }

    /// Payload-Oxum of bag-info.txt against the files in data/.
    fn check_oxum(&mut self) {
        let name = self.bag_info_name();
        let tree = self.tree;
        let (mut all_o, mut all_n, mut core_o, mut core_n, mut sys_o, mut sys_n) =
            (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
        for f in tree.files.iter().filter(|f| f.payload) {
            all_o += f.size;
            all_n += 1;
            if f.system {
                sys_o += f.size;
                sys_n += 1;
            } else {
                core_o += f.size;
                core_n += 1;
            }
        }
        let sys_missing = self.sys_missing.len() as u64;
        for v in std::mem::take(&mut self.oxum) {
            match parse_oxum(&v) {
                None => self.err(format!(
                    "{name}: Payload-Oxum «{}» имеет неверный формат (ожидается «октеты.файлы», например 1024.3)",
                    show(&v)
                )),
                Some((o, n)) if (o, n) == (all_o, all_n) => {}
                Some((o, n)) => {
                    // Finder and Explorer add and drop .DS_Store and Thumbs.db on their own.
                    let explained = sys_n + sys_missing > 0
                        && n >= core_n
                        && n <= core_n + sys_n + sys_missing
                        && o >= core_o
                        && (sys_missing > 0 || o <= core_o + sys_o);
                    let m = format!("{name}: Payload-Oxum {o}.{n}, фактически {all_o}.{all_n}");
                    if explained {
                        self.warn(format!("{m}; расхождение объясняется служебными файлами (.DS_Store, Thumbs.db и т. п.)"));
                    } else {
                        self.err(m);
                    }
                }
            }
        }
    }
}

/// `(is tag manifest, algorithm)` for `manifest-ALG.txt` / `tagmanifest-ALG.txt` at the top.
fn manifest_name(name: &str) -> Option<(bool, &str)> {
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

fn other_ru(k: Other) -> &'static str {
    match k {
        Other::Dir => "это каталог",
        Other::Symlink => "это символическая ссылка",
        Other::Special => "это устройство, канал или сокет",
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

    #[test]
    fn all_algorithms_hash_correctly() {
        let expect = [
            (Alg::Md5, "900150983cd24fb0d6963f7d28e17f72"),
            (Alg::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                Alg::Sha224,
                "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
            ),
            (
                Alg::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
        ];
        for (alg, hex) in expect {
            let mut h = Hasher::new(alg);
            h.update(b"a");
            h.update(b"bc");
            let got = h.finish();
            assert_eq!(got, hex, "{}", alg.name());
            assert_eq!(got.len(), alg.hex_len());
        }
        for alg in [Alg::Sha384, Alg::Sha512] {
            assert_eq!(Hasher::new(alg).finish().len(), alg.hex_len());
        }
    }
}
