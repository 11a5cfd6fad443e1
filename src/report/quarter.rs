//! `okno quarter`, the quarterly monitoring run over the archive: the monitoring forms dated
//! in the quarter and the summary for the commission. It reads the newest version of each case
//! (`archive::each_newest_case`); every file is written whole, and not at all when it already
//! holds the same bytes.

use super::figures::{Counts, QuarterFigures};
use super::fold::{self, Quarter, QuarterFold};
use crate::error::{Error, Result};
use crate::files::write_if_changed;
use crate::index::Scope;
use crate::model::Case;
use crate::render::Format;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Files a job wrote (or found with the same bytes) and the ones it could not write.
#[derive(Debug, Default)]
pub struct Written {
    pub files: Vec<PathBuf>,
    pub failures: Vec<String>,
}

impl Written {
    /// Writes `bytes` to `path`, or tells why not (the bytes' own error, or the disk's).
    fn put<E: std::fmt::Display>(&mut self, path: PathBuf, bytes: std::result::Result<Vec<u8>, E>) {
        let written = match bytes {
            Ok(b) => write_if_changed(&path, &b).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match written {
            Ok(_) => self.files.push(path),
            Err(e) => self.failures.push(format!("{}: {e}", path.display())),
        }
    }
}

/// What the quarterly run found and wrote.
#[derive(Debug)]
pub struct QuarterDone {
    pub label: String,
    /// The quarter's figures, as the page shows them.
    pub counts: Counts,
    /// Monitoring forms of the quarter in place (PDF and DOCX files).
    pub forms: usize,
    /// The summary in PDF, DOCX and XLSX; the failures include the forms'.
    pub written: Written,
    /// The monitoring forms in place, `out/<case-id>/<form>.pdf|.docx`, sorted.
    pub form_files: Vec<PathBuf>,
}

/// A `--territory` value: a territory of the catalog (its name or code), or a usage error
/// naming the list.
pub fn territory_arg(text: Option<&str>) -> Result<Option<crate::model::Territory>> {
    let Some(text) = text else { return Ok(None) };
    crate::model::Territory::parse(text).map(Some).ok_or_else(|| {
        Error::Usage(format!(
            "--territory: территории «{}» нет в каталоге территорий Новосибирской области; укажите одну из: {}",
            text.trim(),
            crate::catalog::catalog().labels_joined(crate::model::Territory::LIST)
        ))
    })
}

/// The monitoring forms of a case the quarter's run renders, by form name (`monitoring-N`,
/// N counting the case's monitorings): those dated in the quarter of a case in work in it.
pub fn quarter_forms(case: &Case, q: &Quarter) -> Vec<String> {
    if !fold::active_in(case, q) {
        return Vec::new();
    }
    case.monitoring
        .iter()
        .enumerate()
        .filter(|(_, m)| m.date.is_some_and(|x| q.contains(x)))
        .map(|(i, _)| format!("monitoring-{}", i + 1))
        .collect()
}

/// Whether a reader limited to `scope` sees a case.
fn seen(scope: &Scope, case: &Case) -> bool {
    scope.sees(case.territory.as_ref().map(|t| t.code()))
}

/// `okno quarter`: the monitoring forms dated in the quarter, in `out/<case-id>/`, and the
/// summary for the commission in `out`. The archive is read case by case (a fold): the run
/// holds counts and the rows the summary names, never the cases. `territory` limits both to
/// one territory.
pub fn run_quarter(
    quarter: &str,
    archive: &Path,
    out: &Path,
    today: NaiveDate,
    territory: Option<&str>,
) -> Result<QuarterDone> {
    run_quarter_seen(quarter, archive, out, today, territory, &Scope::All)
}

/// `run_quarter` over the cases a reader limited to territories sees (the page's).
pub fn run_quarter_seen(
    quarter: &str,
    archive: &Path,
    out: &Path,
    today: NaiveDate,
    territory: Option<&str>,
    scope: &Scope,
) -> Result<QuarterDone> {
    let q = Quarter::parse(quarter).map_err(|e| Error::Usage(e.to_string()))?;
    let only = territory_arg(territory)?;
    let mut fold = QuarterFold::new(q, today, only);
    let both = [Format::Pdf, Format::Docx];
    // The fold reads the archive on the feeder's thread; the monitoring forms (nearly all the
    // time of a large archive) are rendered and written on every core, a few cases in flight.
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut forms = Written::default();
    let mut read = Ok(());
    crate::pool::stream(
        jobs,
        |feed| {
            read = crate::archive::each_newest_case(archive, |c| {
                if !seen(scope, &c) {
                    return;
                }
                fold.add(&c);
                if !fold.wants(&c) {
                    return;
                }
                let names = quarter_forms(&c, &q);
                if names.is_empty() {
                    return;
                }
                let docs: Vec<_> =
                    crate::forms::case_documents(&c, Some(&["monitoring".to_string()]))
                        .into_iter()
                        .filter(|d| names.contains(&d.form))
                        .collect();
                if !docs.is_empty() {
                    feed.work((c.case_id.clone(), docs));
                }
            });
        },
        |(case_id, docs): (String, Vec<crate::doc::Document>)| {
            let mut written = Written::default();
            for d in &docs {
                for f in both {
                    let path = out.join(&case_id).join(format!("{}.{}", d.form, f.ext()));
                    let bytes = std::panic::catch_unwind(|| f.write(d))
                        .unwrap_or(Err(crate::render::Error::Crashed));
                    written.put(path, bytes);
                }
            }
            written
        },
        |w| {
            forms.files.extend(w.files);
            forms.failures.extend(w.failures);
        },
    )
    .map_err(|e| Error::Failed(format!("не удалось запустить потоки оформления: {e}")))?;
    read.map_err(|e| Error::Failed(e.to_string()))?;
    // Written in whatever order the workers finished: told in order.
    forms.files.sort();
    forms.failures.sort();
    let r = fold.finish();
    let form_files = forms.files;
    let mut written = write_summary(&r, out, today);
    written.failures.splice(0..0, forms.failures);
    Ok(QuarterDone {
        label: q.label(),
        counts: Counts::of(&r),
        forms: form_files.len(),
        written,
        form_files,
    })
}

/// The summary for the commission in PDF, DOCX and XLSX, in `out`.
pub fn write_summary(r: &fold::QuarterReport, out: &Path, today: NaiveDate) -> Written {
    let both = [Format::Pdf, Format::Docx];
    let mut written = Written::default();
    // One document, three writers; fitted once here, where each page writer would fit a copy
    // (the sheets' every row with it).
    let mut summary = super::summary::summary_document(r, today);
    crate::doc::fit::fit(&mut summary);
    for f in both {
        written.put(
            out.join(format!("{}.{}", summary.form, f.ext())),
            f.write(&summary),
        );
    }
    written.put(
        out.join(format!("{}.xlsx", summary.form)),
        crate::render::xlsx::xlsx(&summary),
    );
    written
}

/// The quarter's figures for the page and the API (`QuarterFigures`): counted from the
/// archive's index, so a moment whatever the archive's size; without an index (not built
/// yet), from the fold over every bag.
pub fn quarter_view(
    quarter: Quarter,
    archive: &Path,
    today: NaiveDate,
    territory: Option<&str>,
    scope: &Scope,
) -> Result<QuarterFigures> {
    let only = territory_arg(territory)?;
    let code = only.as_ref().map(|t| t.code().to_string());
    match crate::index::Index::open_read(archive) {
        Ok(index) => {
            super::figures::quarter_figures(&index, quarter, today, code.as_deref(), scope)
                .map_err(|e| Error::Failed(e.to_string()))
        }
        Err(crate::index::Error::Missing(_)) => {
            let mut fold = QuarterFold::new(quarter, today, only);
            let mut forms = Vec::new();
            crate::archive::each_newest_case(archive, |c| {
                if seen(scope, &c) {
                    fold.add(&c);
                    let names = quarter_forms(&c, &quarter);
                    if fold.wants(&c) && !names.is_empty() {
                        forms.push((c.case_id.clone(), names));
                    }
                }
            })
            .map_err(|e| Error::Failed(e.to_string()))?;
            Ok(QuarterFigures::of(&fold.finish(), forms))
        }
        Err(e) => Err(Error::Failed(e.to_string())),
    }
}

/// The quarter's whole report, for its summary (the page writes it when it is asked for):
/// reading only the bags the archive's index says can be in the quarter
/// (`Index::quarter_cases`), and of the others only those about a child notified in the
/// quarter (the repeated notifications). The same fold as `run_quarter`, so the same
/// summary. Without an index (not built yet), every bag is read.
pub fn quarter_report(
    quarter: Quarter,
    archive: &Path,
    today: NaiveDate,
    territory: Option<&str>,
    scope: &Scope,
) -> Result<fold::QuarterReport> {
    let only = territory_arg(territory)?;
    let code = only.as_ref().map(|t| t.code().to_string());
    let mut fold = QuarterFold::new(quarter, today, only);
    let failed = |e: crate::index::Error| Error::Failed(e.to_string());
    let read = |id: &str, v: u32| {
        crate::archive::read_case(archive, id, v).map_err(|e| Error::Failed(e.to_string()))
    };
    let index = match crate::index::Index::open_read(archive) {
        Ok(index) => index,
        Err(crate::index::Error::Missing(_)) => {
            crate::archive::each_newest_case(archive, |c| {
                if seen(scope, &c) {
                    fold.add(&c);
                }
            })
            .map_err(|e| Error::Failed(e.to_string()))?;
            return Ok(fold.finish());
        }
        Err(e) => return Err(failed(e)),
    };
    let cases = index
        .quarter_cases(quarter.start(), quarter.end(), code.as_deref(), scope)
        .map_err(failed)?;
    let taken: std::collections::HashSet<&str> = cases.iter().map(|(id, _)| id.as_str()).collect();
    let mut children = Vec::new();
    // Read and parsed on every core a batch at a time, folded in case-ID order: the parse is
    // most of the run's time, and a batch holds a few hundred cases, not the quarter.
    let batches = cases.chunks(256).map(|batch| {
        use rayon::prelude::*;
        batch
            .par_iter()
            .map(|(id, v)| read(id, *v))
            .collect::<Vec<_>>()
    });
    for c in batches.flatten() {
        let c = c?;
        if !seen(scope, &c) {
            continue;
        }
        fold.add(&c);
        let notified = fold::received_on(&c).is_some_and(|d| quarter.contains(d));
        if let (true, Some((_, child))) = (notified, c.notified_child())
            && let Some(birth) = child.birth_date
        {
            children.push((crate::index::child_key(&child.name), birth.0));
        }
    }
    // The archive's other notifications about the quarter's children.
    let mut counted = std::collections::HashSet::new();
    for (key, birth) in children {
        if key.is_empty() {
            continue;
        }
        for (id, v) in index
            .same_child(&key, birth, code.as_deref(), scope)
            .map_err(failed)?
        {
            if !taken.contains(id.as_str()) && counted.insert(id.clone()) {
                let c = read(&id, v)?;
                if seen(scope, &c) {
                    fold.count_child(&c);
                }
            }
        }
    }
    Ok(fold.finish())
}
