//! `okno quarter`, the quarterly monitoring run over the archive: the monitoring forms dated
//! in the quarter and the summary for the commission. It reads the newest version of each case
//! (`archive::each_newest_case`); every file is written whole, and not at all when it already
//! holds the same bytes.

use super::fold::{self, MonitoringState, Quarter, QuarterFold};
use crate::error::{Error, Result};
use crate::files::write_if_changed;
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
    pub active: usize,
    /// Monitoring forms of the quarter in place (PDF and DOCX files).
    pub forms: usize,
    pub overdue: usize,
    pub due: usize,
    /// Other missed deadlines.
    pub missed: usize,
    /// Notifications received in the quarter; still waiting for the single window, of them
    /// overdue (D-SW-3); sent late (D-NOTIFY-1).
    pub received: usize,
    pub waiting: usize,
    pub sw_overdue: usize,
    pub late: usize,
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
                fold.add(&c);
                if !fold.wants(&c) || !fold::active_in(&c, &q) {
                    return;
                }
                let docs: Vec<_> =
                    crate::forms::case_documents(&c, Some(&["monitoring".to_string()]))
                        .into_iter()
                        .zip(&c.monitoring)
                        .filter(|(_, m)| m.date.is_some_and(|x| q.contains(x)))
                        .map(|(d, _)| d)
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
    let mut written = Written {
        files: vec![],
        failures: forms.failures,
    };
    // One document, three writers; fitted once here, where each page writer would fit a copy
    // (the sheets' every row with it).
    let mut summary = super::summary::summary_document(&r, today);
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
    let state =
        |want: fn(&MonitoringState) -> bool| r.monitoring.iter().filter(|(_, s)| want(s)).count();
    Ok(QuarterDone {
        label: q.label(),
        active: r.active.len(),
        forms: form_files.len(),
        overdue: state(|s| matches!(s, MonitoringState::Overdue { .. })),
        due: state(|s| matches!(s, MonitoringState::Due { .. })),
        missed: r.missed.len(),
        received: r.inflow.received,
        waiting: r.inflow.waiting.len(),
        sw_overdue: r
            .inflow
            .waiting
            .iter()
            .filter(|w| w.overdue.is_some())
            .count(),
        late: r.inflow.late,
        written,
        form_files,
    })
}
