//! What a run tells as it goes: one sink of events, for whoever shows progress (the command
//! line's bar and lines, the page's states of each input) or streams the results (validate).

use super::outcome::{CaseOutcome, FileOutcome};
use std::path::Path;

/// What the first pass tells of an input as it reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadEvent {
    /// Reading has started.
    Started,
    /// One more of its cases was read and checked.
    Case,
    /// Read to its end.
    Read,
    /// Found unreadable.
    Unreadable,
}

/// One thing a run tells.
#[derive(Debug)]
pub enum Event<'a> {
    /// The first pass reading an input, on any worker, in no order across inputs: before every
    /// input of the run is read, nothing else is told.
    Read(&'a Path, ReadEvent),
    /// A run that only checks (`check_each`): an input, before its cases: its problems as a
    /// whole (or why it cannot be read), its `cases` left empty; and its counts, the rules
    /// across the run included.
    File {
        file: &'a FileOutcome,
        cases: usize,
        errors: usize,
        warnings: usize,
    },
    /// A run that only checks: the input's next case, in the input's order.
    Case(CaseOutcome),
    /// `run`: an input is done — checked, or its cases rendered and staged (their files are
    /// put in place by the end of the run): `done` inputs of `total`.
    Done {
        file: &'a FileOutcome,
        done: usize,
        total: usize,
    },
}

/// Where a run's events go. Called from the workers too.
pub type Sink<'s> = dyn Fn(Event<'_>) + Sync + 's;

/// A sink that hears nothing.
pub fn quiet(_: Event<'_>) {}
