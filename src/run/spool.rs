//! The checked cases of a run that renders nothing (validate), spooled to one temporary file as
//! the inputs are read, so a register of any length keeps in memory only what the rules across
//! the run need. The cases are told afterwards, input by input in order, once those rules are
//! known.

use super::outcome::{CaseOutcome, count};
use super::places::Places;
use crate::diagnostic::{Diagnostic, Severity};
use crate::files::Spool;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

/// Bytes of an input's records kept before they are written out as one chunk.
const CHUNK: usize = 64 << 10;

/// The one temporary file of the run, shared by the inputs read on every core.
pub(super) struct CaseSpool {
    file: Spool,
}

/// One input's cases: its chunks in the spool, and what is counted of them as they come.
#[derive(Default)]
pub(super) struct Spooled {
    chunks: Vec<(u64, u32)>,
    buffer: Vec<u8>,
    pub cases: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Per case: it has an error. A run-wide error on a case without one makes one more case
    /// with errors.
    pub with_errors: Vec<bool>,
}

#[derive(Serialize, Deserialize)]
struct Record {
    case_id: String,
    places: Places,
    diagnostics: Vec<Diag>,
}

#[derive(Serialize, Deserialize)]
struct Diag {
    /// None: the input's own name (nearly always).
    file: Option<String>,
    sheet: Option<String>,
    cell: Option<String>,
    pointer: String,
    rule: String,
    error: bool,
    message: String,
}

impl CaseSpool {
    pub fn new() -> std::io::Result<CaseSpool> {
        Ok(CaseSpool {
            file: Spool::new()?,
        })
    }

    /// Adds a checked case of the input `file` to `to`.
    pub fn push(
        &self,
        to: &mut Spooled,
        file: &str,
        case: CaseOutcome,
        places: Places,
    ) -> std::io::Result<()> {
        let (e, w) = count(case.diagnostics.iter());
        to.cases += 1;
        to.errors += e;
        to.warnings += w;
        to.with_errors.push(e > 0);
        let record = Record {
            case_id: case.case_id,
            places,
            diagnostics: case
                .diagnostics
                .into_iter()
                .map(|d| Diag {
                    file: (d.file != file).then_some(d.file),
                    sheet: d.sheet,
                    cell: d.cell,
                    pointer: d.pointer,
                    rule: d.rule.to_string(),
                    error: d.severity == Severity::Error,
                    message: d.message,
                })
                .collect(),
        };
        serde_json::to_writer(&mut to.buffer, &record)?;
        to.buffer.push(b'\n');
        if to.buffer.len() >= CHUNK {
            self.flush(to)?;
        }
        Ok(())
    }

    /// Writes out what `to` still holds.
    pub fn flush(&self, to: &mut Spooled) -> std::io::Result<()> {
        if to.buffer.is_empty() {
            return Ok(());
        }
        to.chunks.push(self.file.append(&to.buffer)?);
        to.buffer.clear();
        Ok(())
    }

    /// The cases of one input, in the order they were pushed, each with its places.
    pub fn read<'a>(
        &'a self,
        from: &'a Spooled,
        file: &'a str,
    ) -> impl Iterator<Item = std::io::Result<(CaseOutcome, Places)>> + 'a {
        from.chunks.iter().flat_map(move |&(at, len)| {
            let records: Vec<std::io::Result<(CaseOutcome, Places)>> = match self.file.read(at, len)
            {
                Ok(buf) => serde_json::Deserializer::from_slice(&buf)
                    .into_iter::<Record>()
                    .map(|r| r.map(|r| r.into_case(file)).map_err(std::io::Error::other))
                    .collect(),
                Err(e) => vec![Err(e)],
            };
            records
        })
    }
}

impl Record {
    fn into_case(self, file: &str) -> (CaseOutcome, Places) {
        let diagnostics = self
            .diagnostics
            .into_iter()
            .map(|d| Diagnostic {
                file: d.file.unwrap_or_else(|| file.to_string()),
                sheet: d.sheet,
                cell: d.cell,
                pointer: d.pointer,
                rule: rule_id(&d.rule),
                severity: if d.error {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                message: d.message,
            })
            .collect();
        (CaseOutcome::checked(self.case_id, diagnostics), self.places)
    }
}

/// The rule's ID as the rules name it; an ID they do not list (none should be) is kept once.
fn rule_id(id: &str) -> &'static str {
    static OTHERS: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    if let Some(r) = crate::validate::RULES
        .iter()
        .map(|(r, _)| *r)
        .find(|r| *r == id)
    {
        return r;
    }
    let mut others = OTHERS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = others.iter().find(|r| **r == id) {
        return r;
    }
    let r: &'static str = Box::leak(id.to_string().into_boxed_str());
    others.push(r);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::places::Place;

    fn place(cell: &str) -> Place {
        Place {
            sheet: Some("Реестр".into()),
            cell: Some(cell.into()),
            pointer: None,
        }
    }

    #[test]
    fn cases_come_back_in_order_per_input_whatever_the_interleaving() {
        let spool = CaseSpool::new().unwrap();
        let (mut a, mut b) = (Spooled::default(), Spooled::default());
        for i in 0..3000 {
            let mut d = Diagnostic::error("D-NOTIFY-1", "/notification/sent", format!("№{i}"));
            d.file = "a.xlsx".into();
            let case = CaseOutcome::checked;
            let places = || Places {
                case_id: place(&format!("A{i}")),
                child: None,
            };
            spool
                .push(&mut a, "a.xlsx", case(format!("A-{i}"), vec![d]), places())
                .unwrap();
            spool
                .push(&mut b, "b.json", case(format!("B-{i}"), vec![]), places())
                .unwrap();
        }
        spool.flush(&mut a).unwrap();
        spool.flush(&mut b).unwrap();
        assert!(a.chunks.len() > 1, "several chunks: {}", a.chunks.len());
        assert_eq!((a.cases, a.errors, a.warnings), (3000, 3000, 0));
        let back: Vec<(CaseOutcome, Places)> =
            spool.read(&a, "a.xlsx").map(Result::unwrap).collect();
        assert_eq!(back.len(), 3000);
        for (i, (c, p)) in back.iter().enumerate() {
            assert_eq!(c.case_id, format!("A-{i}"));
            assert_eq!(c.diagnostics[0].message, format!("№{i}"));
            assert_eq!(c.diagnostics[0].file, "a.xlsx");
            assert_eq!(c.diagnostics[0].rule, "D-NOTIFY-1");
            assert_eq!(p.case_id.cell.as_deref(), Some(format!("A{i}").as_str()));
        }
        let ids: Vec<String> = spool
            .read(&b, "b.json")
            .map(|r| r.unwrap().0.case_id)
            .collect();
        assert_eq!(ids.len(), 3000);
        assert_eq!(ids[2999], "B-2999");
    }
}
