//! The one module that writes files: whole or not at all (the bytes go to a temporary file in
//! the same folder, are flushed to disk, and the file is renamed into place), not again when
//! they are already there, and in groups flushed once (`Staged`); and the temporary spool a
//! long run appends its records to (`Spool`).

use std::io::Write;
use std::path::Path;

/// Whether `path` already holds exactly `bytes`: then it is not written again, and a rerun
/// on the same inputs leaves every file (and its mtime) as it was.
pub fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// Writes one file atomically unless it already holds these bytes; true when written.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    if unchanged(path, bytes) {
        return Ok(false);
    }
    write_atomic(path, bytes)?;
    Ok(true)
}

/// An empty temporary file beside `path` (its folder made when missing), for a file too long
/// to hold in memory: written as a stream, then put in place by `persist_if_changed`.
pub fn temporary_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    tempfile::NamedTempFile::new_in(dir)
}

/// Puts a finished temporary file (`temporary_beside`) in place, flushed, unless `path`
/// already holds the same bytes (compared a block at a time); true when written.
pub fn persist_if_changed(tmp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<bool> {
    if same_contents(tmp.path(), path)? {
        return Ok(false);
    }
    flush_where_no_syncfs(tmp.as_file())?;
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(true)
}

/// Whether the files at `a` and `b` hold the same bytes (compared a block at a time).
fn same_contents(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let (Ok(mb), ma) = (std::fs::metadata(b), std::fs::metadata(a)?) else {
        return Ok(false);
    };
    if mb.len() != ma.len() {
        return Ok(false);
    }
    let (mut fa, mut fb) = (std::fs::File::open(a)?, std::fs::File::open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = fa.read(&mut ba)?;
        if n == 0 {
            return Ok(true);
        }
        fb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}

/// Writes one file whole: a reader sees the old bytes or the new, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = staged(path, bytes, false)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// `write_atomic` for a file only its owner may read (the users' password hashes). On Unix
/// the temporary file is created 0600 (`tempfile` makes it so before any byte is written)
/// and stays so; the rename replaces an older file, whatever its mode. On Windows the
/// temporary file's inherited ACL is replaced, before any byte is written, by one entry that
/// gives the user alone full control (`icacls`, best effort: where it cannot run, the file
/// keeps its folder's ACL — the user's own profile by default); a rename on one volume keeps it.
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = staged(path, bytes, true)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Takes read and write from everyone but the owner of a file written before
/// `write_atomic_private` existed (best effort: the server still starts if it cannot).
pub fn make_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
    }
    #[cfg(windows)]
    owner_only(path);
    #[cfg(not(any(unix, windows)))]
    let _ = path;
}

/// Windows: the file's inherited ACL removed and full control granted to the current user
/// only, by the system's own `icacls` (no `unsafe` Win32 calls); best effort.
#[cfg(windows)]
fn owner_only(path: &Path) {
    use std::process::{Command, Stdio};
    let Ok(name) = std::env::var("USERNAME") else {
        return;
    };
    let user = match std::env::var("USERDOMAIN") {
        Ok(domain) if !domain.is_empty() => format!("{domain}\\{name}"),
        _ => name,
    };
    let _ = Command::new("icacls")
        .arg(path)
        .args(["/inheritance:r", "/grant:r"])
        .arg(format!("{user}:F"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The bytes in a temporary file beside `path`, not yet flushed: readable like any saved
/// file, or only by its owner when `private`.
fn staged(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    #[cfg(windows)]
    if private {
        owner_only(tmp.path());
    }
    tmp.write_all(bytes)?;
    flush_where_no_syncfs(tmp.as_file())?;
    // Readable by others like any file the user saves (a temp file starts private).
    #[cfg(unix)]
    if !private {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = private;
    Ok(tmp)
}

/// Flushes the whole filesystem holding `path` to disk: one `syncfs(2)` after writing many
/// files costs one journal commit, where an fsync per file costs one each (25 per case bag).
/// Elsewhere each file was flushed when written (`flush_where_no_syncfs`): Windows has no
/// syncfs and cannot flush a folder.
pub fn sync_filesystem(path: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let f = std::fs::File::open(path)?;
        rustix::fs::syncfs(&f)?;
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    std::fs::File::open(path)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Where one flush of the filesystem cannot cover the files (Windows), each file is flushed
/// as it is written (FlushFileBuffers), so a rename never puts unflushed bytes in place.
pub fn flush_where_no_syncfs(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(not(target_os = "linux"))]
    file.sync_all()?;
    #[cfg(target_os = "linux")]
    let _ = file;
    Ok(())
}

/// Flushes a folder's entries (the names of the files in it) to disk. NTFS journals its
/// folders itself, and Windows cannot open a folder as a file: there it is a no-op.
pub fn sync_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(path)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Files written under temporary names beside their targets, closed, not yet flushed or in
/// place. Dropping it removes the temporary files.
pub struct Staged(Vec<(tempfile::TempPath, std::path::PathBuf)>);

impl Staged {
    /// Writes every file to its temporary name.
    pub fn write<B: AsRef<[u8]>>(files: &[(std::path::PathBuf, B)]) -> std::io::Result<Staged> {
        let mut pending = Vec::new();
        for (path, bytes) in files {
            // Closed at once: a batch may hold many staged cases while a flush runs.
            pending.push((
                staged(path, bytes.as_ref(), false)?.into_temp_path(),
                path.clone(),
            ));
        }
        Ok(Staged(pending))
    }

    /// Renames the files into place; call only after their bytes are flushed.
    pub fn persist(self) -> std::io::Result<()> {
        for (tmp, path) in self.0 {
            tmp.persist(&path).map_err(|e| e.error)?;
        }
        Ok(())
    }
}

/// A temporary file that records are appended to and read back from by place, so that a run
/// of any length keeps in memory only where its records are. Shared by threads; removed when
/// dropped (or, after a crash, by the system: it has no name).
pub struct Spool {
    file: std::sync::Mutex<(std::fs::File, u64)>,
}

impl Spool {
    pub fn new() -> std::io::Result<Spool> {
        Ok(Spool {
            file: std::sync::Mutex::new((tempfile::tempfile()?, 0)),
        })
    }

    /// Appends `bytes`: where they are, (offset, length), for `read`.
    pub fn append(&self, bytes: &[u8]) -> std::io::Result<(u64, u32)> {
        use std::io::{Seek, SeekFrom};
        let len = u32::try_from(bytes.len()).map_err(std::io::Error::other)?;
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let (file, end) = &mut *guard;
        // Reads are positional, and on Windows they move the cursor: write at the end.
        file.seek(SeekFrom::Start(*end))?;
        file.write_all(bytes)?;
        let at = *end;
        *end += u64::from(len);
        Ok((at, len))
    }

    /// The `len` bytes appended at `at`.
    pub fn read(&self, at: u64, len: u32) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0; len as usize];
        let guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        read_at(&guard.0, &mut buf, at)?;
        Ok(buf)
    }
}

/// Reads `buf.len()` bytes at `at`, on Windows too.
#[cfg(unix)]
fn read_at(f: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, at)
}

#[cfg(windows)]
fn read_at(f: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        let n = f.seek_read(&mut buf[done..], at + done as u64)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        done += n;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_gives_back_each_record_from_any_thread() {
        let spool = Spool::new().unwrap();
        let places: Vec<Vec<(u64, u32, String)>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|t| {
                    let spool = &spool;
                    s.spawn(move || {
                        (0..300)
                            .map(|i| {
                                let text = format!("поток {t}, запись {i}");
                                let (at, len) = spool.append(text.as_bytes()).unwrap();
                                (at, len, text)
                            })
                            .collect()
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        for (at, len, text) in places.into_iter().flatten() {
            assert_eq!(spool.read(at, len).unwrap(), text.as_bytes());
        }
    }
}
