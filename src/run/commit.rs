//! Putting a run's files in place: the workers stage each case's forms and bag under
//! temporary names; the committer flushes once for every case that arrived meanwhile (group
//! commit) and then renames them. Nothing is in place before its bytes are on disk, and
//! workers never wait for the disk (only when 16 cases are queued).

use crate::archive::{Archive, PendingBag};
use crate::files::Staged;
use std::path::Path;
use std::sync::mpsc::Receiver;

/// Files of one case written under temporary names, waiting for the committer's flush.
pub(super) struct Commit {
    /// (input index, case index within the input).
    pub key: (usize, usize),
    pub forms: Staged,
    pub bag: Option<PendingBag>,
}

/// The cases that could not be put in place, by key, with the reason.
pub(super) type Unplaced = Vec<((usize, usize), String)>;

/// Takes the staged cases as the workers send them, flushes the filesystem once for all that
/// have arrived meanwhile, then renames them into place. Fails only when a flush fails.
pub(super) fn commit_all(
    staged: Receiver<Commit>,
    out: Option<&Path>,
    archive: Option<&Archive>,
) -> Result<Unplaced, String> {
    let flush = || -> Result<(), String> {
        for root in out.into_iter().chain(archive.map(Archive::root)) {
            crate::files::sync_filesystem(root)
                .map_err(|e| format!("{}: {e}", root.display()))?;
        }
        Ok(())
    };
    let mut failures = Vec::new();
    while let Ok(first) = staged.recv() {
        let group: Vec<Commit> = std::iter::once(first).chain(staged.try_iter()).collect();
        flush()?;
        for c in group {
            let placed = c
                .forms
                .persist()
                .map_err(|e| format!("{}: {e}", out.unwrap_or(Path::new(".")).display()))
                .and_then(|_| match (c.bag, archive) {
                    (Some(bag), Some(a)) => a.commit(bag).map(|_| ()),
                    _ => Ok(()),
                });
            if let Err(e) = placed {
                failures.push((c.key, e));
            }
        }
    }
    // The last renames reach the disk before the report says they are done.
    flush()?;
    Ok(failures)
}
