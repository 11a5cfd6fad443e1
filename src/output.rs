//! Writing files so that nothing is ever half-written: the bytes go to a temporary file in
//! the same folder, are flushed to disk, and the file is renamed into place.

use std::io::Write;
use std::path::Path;

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = staged(path, bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The bytes in a temporary file beside `path`, readable like any saved file, not yet flushed.
fn staged(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    // Readable by others like any file the user saves (a temp file starts private).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    Ok(tmp)
}

/// Flushes the whole filesystem holding `path` to disk: one `syncfs(2)` after writing many
/// files costs one journal commit, where an fsync per file costs one each (25 per case bag).
pub fn sync_filesystem(path: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let f = std::fs::File::open(path)?;
        // SAFETY: syncfs takes any open descriptor of the filesystem; `f` lives across the call.
        if unsafe { libc::syncfs(f.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        std::fs::File::open(path)?.sync_all()
    }
}

/// Writes several files so that each is whole or absent: all are written to temporary names
/// beside their targets, flushed together, then renamed into place.
pub fn write_all_atomic(files: &[(std::path::PathBuf, &[u8])]) -> std::io::Result<()> {
    let mut pending = Vec::new();
    for (path, bytes) in files {
        pending.push((staged(path, bytes)?, path.clone()));
    }
    if let Some((_, first)) = pending.first() {
        sync_filesystem(first.parent().unwrap_or(Path::new(".")))?;
    }
    for (tmp, path) in pending {
        tmp.persist(&path).map_err(|e| e.error)?;
    }
    Ok(())
}
