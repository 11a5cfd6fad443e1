//! What a run does besides checking: the only difference between `validate`, `render`,
//! `archive`, `batch` and `demo`.

use crate::render::Format;
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where the forms go, as `<out>/<case-id>/<form>.<ext>`; None: no forms on disk.
    pub out: Option<PathBuf>,
    pub formats: Vec<Format>,
    /// Form codes to render into `out`; None: every form the case has.
    pub forms: Option<Vec<String>>,
    /// Render cases with errors too, every page marked «ЧЕРНОВИК». A draft is never archived.
    pub draft: bool,
    /// Worker threads; None: all cores.
    pub jobs: Option<usize>,
    /// Store each valid case in this archive (all forms, PDF and DOCX, whatever `forms` says).
    pub archive: Option<PathBuf>,
    /// The two logs of the rendered cases, in `out` itself.
    pub logs: bool,
    /// Look every notified child up in this archive's index (I-KNOWN), reading only; a run
    /// that archives looks up its `archive` without it.
    pub known: Option<PathBuf>,
    /// The territories whose cases this run may render and archive (the page's user; a case
    /// of another is refused, `Refusal::Territory`) and I-KNOWN may name (the others only by
    /// their territory). The command line sees all.
    pub scope: crate::index::Scope,
}

impl Options {
    pub fn renders(&self) -> bool {
        self.out.is_some() || self.archive.is_some()
    }

    /// The archive whose index I-KNOWN reads, if any.
    pub(crate) fn lookup(&self) -> Option<&std::path::Path> {
        self.known.as_deref().or(self.archive.as_deref())
    }

    /// The workers for `cases`: `jobs`, or all cores; at least one, at most one a case.
    pub(crate) fn workers(&self, cases: usize) -> usize {
        self.jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .clamp(1, cases.max(1))
    }
}
