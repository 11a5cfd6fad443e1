//! The first pass: every input read and checked case by case (inputs on all cores), keeping
//! only what the rules across the run need (`CaseKey`), so I-SAME-ID and I-DUPLICATE are known
//! before anything is written. A run that renders nothing (validate) keeps each case's outcome
//! in the run's spool and tells it afterwards, input by input, with those rules applied.

use super::check::{self, CheckedCase};
use super::error::Error;
use super::event::{Event, ReadEvent, Sink};
use super::known::Known;
use super::options::Options;
use super::outcome::{CaseOutcome, FileOutcome, Totals, count};
use super::places::Places;
use super::spool::{CaseSpool, Spooled};
use crate::diagnostic::{Diagnostic, Severity};
use crate::index::{Match, known_diagnostics};
use crate::validate::{CaseKey, Settings};
use std::path::PathBuf;

/// One input after the first pass.
pub(super) struct Surveyed {
    pub file: String,
    /// Why the input could not be read at all.
    pub unreadable: Option<String>,
    /// Diagnostics about the input as a whole.
    pub diagnostics: Vec<Diagnostic>,
    /// What the rules across the run need of each case.
    pub keys: Vec<CaseKey>,
    /// I-KNOWN: (case index, the notified child's row, the archived cases found), by case.
    pub known: Vec<(usize, usize, Vec<Match>)>,
    /// When nothing is rendered (validate): each case's outcome, and where its fields of the
    /// rules across the run are (the case itself is not kept), in the run's spool.
    checked: Spooled,
}

/// The run-wide diagnostics of each input: (case index, diagnostic), sorted.
pub(super) type Found = Vec<Vec<(usize, Diagnostic)>>;

/// A run that only checks, told to `sink` input by input (`Event::File`, then each
/// `Event::Case`); the counts.
pub(super) fn check_paths(
    paths: &[PathBuf],
    opts: &Options,
    settings: &Settings,
    sink: &Sink,
) -> Result<Totals, Error> {
    let spool = CaseSpool::new().map_err(Error::CheckSpool)?;
    let (surveyed, found) = survey(paths, opts, settings, Some(&spool), sink);
    let mut totals = Totals::default();
    for (s, found) in surveyed.into_iter().zip(found) {
        told(&spool, s, found, &mut totals, sink)?;
    }
    Ok(totals)
}

/// Reads and checks every input, keeping only the keys of the rules across the run — and,
/// with a `spool` (nothing is rendered), each case's outcome in it; then those rules applied.
pub(super) fn survey(
    paths: &[PathBuf],
    opts: &Options,
    settings: &Settings,
    spool: Option<&CaseSpool>,
    sink: &Sink,
) -> (Vec<Surveyed>, Found) {
    let lookup = opts
        .lookup()
        .and_then(|root| Known::open(root, opts.scope.clone()));
    let surveyed: Vec<Surveyed> = crate::pool::map(paths, opts.jobs, |p| {
        let file = p.display().to_string();
        let mut keys = Vec::new();
        let mut known = Vec::new();
        let mut checked = Spooled::default();
        let mut spooled = Ok(());
        sink(Event::Read(p, ReadEvent::Started));
        let read = check::check_file_each(p, settings, false, &mut |c| {
            sink(Event::Read(p, ReadEvent::Case));
            let key = CaseKey::of(&c.ingested.case);
            if let Some((row, found)) = lookup.as_ref().and_then(|k| k.look(&c.ingested.case)) {
                known.push((keys.len(), row, found));
            }
            if let (Some(spool), Ok(())) = (spool, &spooled) {
                let places = Places::of(&c, &key);
                spooled = spool.push(&mut checked, &file, checked_outcome(c), places);
            }
            keys.push(key);
        });
        if let (Some(spool), Ok(())) = (spool, &spooled) {
            spooled = spool.flush(&mut checked);
        }
        let (diagnostics, unreadable) = match (read, spooled) {
            (Ok(d), Ok(())) => (d, None),
            (Err(e), _) => (vec![], Some(e.message)),
            (_, Err(e)) => (vec![], Some(Error::CheckSpool(e).to_string())),
        };
        let event = match unreadable {
            None => ReadEvent::Read,
            Some(_) => ReadEvent::Unreadable,
        };
        sink(Event::Read(p, event));
        match unreadable {
            None => Surveyed {
                file,
                unreadable,
                diagnostics,
                keys,
                known,
                checked,
            },
            Some(_) => Surveyed {
                file,
                unreadable,
                diagnostics,
                keys: vec![],
                known: vec![],
                checked: Spooled::default(),
            },
        }
    });
    let named: Vec<(&str, &[CaseKey])> = surveyed
        .iter()
        .map(|s| (s.file.as_str(), s.keys.as_slice()))
        .collect();
    let mut found = check::run_wide(&named);
    // I-KNOWN's warnings after the run's own, case by case.
    for (s, found) in surveyed.iter().zip(&mut found) {
        for (c, row, matches) in &s.known {
            found.extend(
                known_diagnostics(*row, matches)
                    .into_iter()
                    .map(|d| (*c, d)),
            );
        }
        found.sort_by_key(|(c, _)| *c);
    }
    (surveyed, found)
}

/// A case that is only checked: its diagnostics, nothing rendered.
fn checked_outcome(checked: CheckedCase) -> CaseOutcome {
    CaseOutcome::checked(checked.ingested.case.case_id, checked.diagnostics)
}

/// Tells an input of a run that only checks, its cases read back from the spool with the rules
/// across the run located in them.
fn told(
    spool: &CaseSpool,
    mut s: Surveyed,
    found: Vec<(usize, Diagnostic)>,
    totals: &mut Totals,
    sink: &Sink,
) -> Result<(), Error> {
    let head = FileOutcome::head(s.file, s.unreadable, s.diagnostics);
    let mut with_errors = std::mem::take(&mut s.checked.with_errors);
    let checked = &s.checked;
    let (mut errors, mut warnings) = count(head.diagnostics.iter());
    errors += checked.errors;
    warnings += checked.warnings;
    for (c, d) in &found {
        match d.severity {
            Severity::Error => {
                errors += 1;
                if let Some(e) = with_errors.get_mut(*c) {
                    *e = true;
                }
            }
            Severity::Warning => warnings += 1,
        }
    }
    totals.files += 1;
    totals.cases += checked.cases;
    totals.errors += errors;
    totals.warnings += warnings;
    totals.unreadable += usize::from(head.unreadable.is_some());
    totals.with_errors += usize::from(crate::diagnostic::has_errors(&head.diagnostics))
        + with_errors.iter().filter(|e| **e).count();
    sink(Event::File {
        file: &head,
        cases: checked.cases,
        errors,
        warnings,
    });
    let mut found = found.into_iter().peekable();
    let mut known = std::mem::take(&mut s.known).into_iter().peekable();
    for (c, case) in spool.read(checked, &head.file).enumerate() {
        let (mut case, places) = case.map_err(Error::CheckSpool)?;
        if let Some((_, _, matches)) = known.next_if(|(i, ..)| *i == c) {
            case.known = matches;
        }
        while let Some((_, mut d)) = found.next_if(|(i, _)| *i == c) {
            d.file.clone_from(&head.file);
            places.locate(&mut d);
            case.diagnostics.push(d);
        }
        sink(Event::Case(case));
    }
    Ok(())
}
