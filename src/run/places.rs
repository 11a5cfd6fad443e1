//! Where a case's ID and its notified child's name are in its input, for the rules across the
//! run: only sheet, cell and pointer, the file being the input's (a validate run keeps one per
//! case, not the case).

use super::check::CheckedCase;
use crate::diagnostic::Diagnostic;
use crate::validate::CaseKey;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub(super) struct Places {
    pub case_id: Place,
    pub child: Option<Place>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct Place {
    pub sheet: Option<Box<str>>,
    pub cell: Option<Box<str>>,
    /// The pointer as located, where it differs (a case inside a JSON file's list).
    pub pointer: Option<Box<str>>,
}

impl Places {
    pub fn of(checked: &CheckedCase, key: &CaseKey) -> Places {
        let at = |pointer: String| {
            let mut d = Diagnostic::warning("", pointer.clone(), "");
            checked.ingested.source.locate(&mut d);
            Place {
                sheet: d.sheet.map(String::into_boxed_str),
                cell: d.cell.map(String::into_boxed_str),
                pointer: (d.pointer != pointer).then(|| d.pointer.into_boxed_str()),
            }
        };
        Places {
            case_id: at("/case_id".into()),
            child: key
                .child
                .as_ref()
                .map(|(i, ..)| at(format!("/family/children/{i}/name"))),
        }
    }

    /// Gives a diagnostic of the rules across the run the place of its field (its file is
    /// already the input's).
    pub fn locate(&self, d: &mut Diagnostic) {
        let at = match &self.child {
            Some(child) if d.pointer != "/case_id" => child,
            _ => &self.case_id,
        };
        d.sheet = at.sheet.as_deref().map(str::to_string);
        d.cell = at.cell.as_deref().map(str::to_string);
        if let Some(p) = &at.pointer {
            d.pointer = p.to_string();
        }
    }
}
