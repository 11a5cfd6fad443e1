//! I-KNOWN in the engine: the archive's index opened once per run (read only), and every
//! notified child looked up in it as its case is checked in the first pass. No index (a new
//! archive, or none made yet) is no I-KNOWN, never a failed run.

use crate::index::{Child, Decisions, Index, Match, Scope, known_matches};
use crate::model::Case;
use std::path::Path;
use std::sync::Mutex;

pub(super) struct Known {
    index: Mutex<Index>,
    decided: Decisions,
    scope: Scope,
}

impl Known {
    /// The archive at `root`'s index, or None when it has none that this okno reads.
    pub fn open(root: &Path, scope: Scope) -> Option<Known> {
        let index = Index::open_read(root).ok()?;
        Some(Known {
            index: Mutex::new(index),
            decided: Decisions::read(root),
            scope,
        })
    }

    /// The notified child's row in «Дети» and the archived cases that are, or may be, the
    /// same child; None when the case has no notified child with a name and a birth date, or
    /// the index could not be read (the run goes on without I-KNOWN for it).
    pub fn look(&self, case: &Case) -> Option<(usize, Vec<Match>)> {
        let (row, child) = case.notification.as_ref().and(case.notified_child())?;
        let name = child.name.full();
        let birth = child.birth_date?.0;
        let candidates = {
            let index = self.index.lock().unwrap_or_else(|e| e.into_inner());
            index.known_candidates(&name, birth).ok()?
        };
        let child = Child {
            case_id: &case.case_id,
            name: &name,
            birth,
        };
        let found = known_matches(&child, candidates, &self.decided, &|t| self.scope.sees(t));
        (!found.is_empty()).then_some((row, found))
    }
}
