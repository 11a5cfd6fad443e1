//! What reading an input gives: its cases, each with where its values came from, and the
//! problems met; or why the file could not be read at all.

use super::source::SourceMap;
use crate::diagnostic::Diagnostic;
use crate::model::Case;
use serde_json::Value;

/// An input beyond a cap of `bounds` (too far, too large, too long, too deep).
pub(crate) fn size_error(pointer: impl Into<String>, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error("I-SIZE", pointer, message)
}

/// One case read from an input, with where its values came from.
#[derive(Debug, Clone)]
pub struct IngestedCase {
    pub case: Case,
    pub source: SourceMap,
    /// Problems met while reading (unknown columns, unreadable values), already located.
    pub diagnostics: Vec<Diagnostic>,
    /// For a register row: the row itself (sheet, row, every header with its cell), which is
    /// what the archive keeps as the case's input — not the whole register, whose other rows
    /// are other families.
    pub origin: Option<Value>,
}

/// What a file gave: its cases and the problems that concern the file as a whole.
#[derive(Debug, Default)]
pub struct Ingested {
    pub file: String,
    pub cases: Vec<IngestedCase>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Ingested {
    /// A case read whole or in part with its diagnostics; when nothing of a case could be
    /// read, the diagnostics are the file's.
    pub(crate) fn add(
        &mut self,
        case: Option<Case>,
        source: SourceMap,
        diagnostics: Vec<Diagnostic>,
    ) {
        match case {
            Some(case) => self.cases.push(IngestedCase {
                case,
                source,
                diagnostics,
                origin: None,
            }),
            None => self.diagnostics.extend(diagnostics),
        }
    }
}

/// Why a file could not be read at all (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct Unreadable {
    pub file: String,
    pub message: String,
}

/// What is done with each case of an input as it is read: `map` on the reading threads (a
/// register's rows are made cases and mapped on every core), then `each` on the caller's
/// thread, in the input's order.
pub struct Each<'a, T> {
    /// Keep a register row's own cells (`IngestedCase::origin`): only the archive needs them.
    pub origin: bool,
    pub map: &'a (dyn Fn(IngestedCase) -> T + Sync),
    pub each: &'a mut dyn FnMut(T),
}
