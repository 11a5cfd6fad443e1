//! The bag on disk: every entry found by walking the bag folder without following links,
//! and reading the files found, making sure each is still the file the walk saw.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::paths::{is_system_file, nfc, show_bytes};
use super::report::Report;

pub(super) fn io_ru(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "файл не найден".into(),
        io::ErrorKind::PermissionDenied => "нет прав на чтение".into(),
        io::ErrorKind::IsADirectory => "это каталог, а не файл".into(),
        io::ErrorKind::InvalidData => "файл был подменён во время проверки".into(),
        _ => format!("ошибка чтения ({e})"),
    }
}

/// A regular file found in the bag.
pub(super) struct DiskFile {
    /// Path relative to the bag, components joined by `/`, as raw bytes.
    pub(super) rel: Vec<u8>,
    pub(super) shown: String,
    pub(super) abs: PathBuf,
    pub(super) size: u64,
    #[cfg(unix)]
    pub(super) id: (u64, u64),
    pub(super) payload: bool,
    pub(super) system: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Other {
    Dir,
    Symlink,
    Special,
}

#[derive(Default)]
pub(super) struct Tree {
    pub(super) files: Vec<DiskFile>,
    pub(super) by_bytes: HashMap<Vec<u8>, usize>,
    pub(super) by_nfc: HashMap<String, Vec<usize>>,
    pub(super) other: BTreeMap<Vec<u8>, Other>,
}

#[cfg(unix)]
pub(super) fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().to_vec()
}

#[cfg(not(unix))]
pub(super) fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    s.to_string_lossy().into_owned().into_bytes()
}

pub(super) fn rel_bytes(p: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in p.components().enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        out.extend_from_slice(&os_bytes(c.as_os_str()));
    }
    out
}

pub(super) fn walk(bag: &Path, r: &mut Report) -> Tree {
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
pub(super) fn open_checked(f: &DiskFile) -> io::Result<File> {
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

/// A file of the bag that could not be read, said in Russian for the report.
#[derive(Debug, thiserror::Error)]
#[error("{}", io_ru(.0))]
pub(super) struct Unread(#[from] pub(super) io::Error);

pub(super) fn read_checked(f: &DiskFile, limit: Option<u64>) -> Result<Vec<u8>, Unread> {
    let file = open_checked(f)?;
    let mut buf = Vec::new();
    let res = match limit {
        Some(l) => file.take(l + 1).read_to_end(&mut buf),
        None => (&file).read_to_end(&mut buf),
    };
    res?;
    Ok(buf)
}

pub(super) fn other_ru(k: Other) -> &'static str {
    match k {
        Other::Dir => "это каталог",
        Other::Symlink => "это символическая ссылка",
        Other::Special => "это устройство, канал или сокет",
    }
}
