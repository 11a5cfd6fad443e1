//! The jobs over an archive rather than over inputs: the quarterly monitoring run (`okno
//! quarter`) and the two logs (`okno log`). Both read the newest version of each case
//! (`archive::each_newest_case`); every file is written whole, and not at all when it already holds
//! the same bytes.

use crate::error::{Error, Result};
use crate::files::write_if_changed;
use crate::forms::{LogSpool, write_log};
use crate::model::{Case, Date};
use crate::render::Format;
use crate::report::{self, MonitoringState, Quarter};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Files a job wrote (or found with the same bytes) and the ones it could not write.
#[derive(Debug, Default)]
pub struct Written {
    pub files: Vec<PathBuf>,
    pub failures: Vec<String>,
}

impl Written {
    fn put(&mut self, path: PathBuf, bytes: std::result::Result<Vec<u8>, String>) {
        match bytes.and_then(|b| write_if_changed(&path, &b).map_err(|e| e.to_string())) {
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
pub fn quarter(
    quarter: &str,
    archive: &Path,
    out: &Path,
    today: NaiveDate,
    territory: Option<&str>,
) -> Result<QuarterDone> {
    let q = Quarter::parse(quarter).map_err(Error::Usage)?;
    let only = territory_arg(territory)?;
    let mut fold = report::QuarterFold::new(q, today, only);
    let both = [Format::Pdf, Format::Docx];
    // The fold reads the archive on this thread; the monitoring forms (nearly all the time of
    // a large archive) are rendered and written on every core, a few cases in flight.
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (send, queue) =
        std::sync::mpsc::sync_channel::<(String, Vec<crate::doc::Document>)>(2 * jobs);
    let queue = std::sync::Mutex::new(queue);
    let forms = std::sync::Mutex::new(Written::default());
    let read = std::thread::scope(|scope| {
        let mut workers = 0;
        for i in 0..jobs {
            let (queue, forms) = (&queue, &forms);
            let worker = move || {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((case_id, docs)) = next else { break };
                    for d in &docs {
                        for f in both {
                            let path = out.join(&case_id).join(format!("{}.{}", d.form, f.ext()));
                            let bytes = std::panic::catch_unwind(|| f.write(d))
                                .unwrap_or(Err(crate::render::Error::Crashed))
                                .map_err(|e| e.to_string());
                            forms
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .put(path, bytes);
                        }
                    }
                }
            };
            // Typst lays out deep trees: the stack the render workers have.
            if std::thread::Builder::new()
                .name(format!("okno-quarter-{i}"))
                .stack_size(64 << 20)
                .spawn_scoped(scope, worker)
                .is_ok()
            {
                workers += 1;
            }
        }
        if workers == 0 {
            return Err("не удалось запустить потоки оформления".to_string());
        }
        let read = crate::archive::each_newest_case(archive, |c| {
            fold.add(&c);
            if !fold.wants(&c) || !report::active_in(&c, &q) {
                return;
            }
            let docs: Vec<_> = crate::forms::case_documents(&c, Some(&["monitoring".to_string()]))
                .into_iter()
                .zip(&c.monitoring)
                .filter(|(_, m)| m.date.is_some_and(|x| q.contains(x)))
                .map(|(d, _)| d)
                .collect();
            if !docs.is_empty() {
                let _ = send.send((c.case_id.clone(), docs));
            }
        });
        drop(send);
        read
    });
    read.map_err(Error::Failed)?;
    let mut forms = forms.into_inner().unwrap_or_else(|e| e.into_inner());
    // Written in whatever order the workers finished: told in order.
    forms.files.sort();
    forms.failures.sort();
    let r = fold.finish();
    let form_files = forms.files;
    let mut written = Written {
        files: vec![],
        failures: forms.failures,
    };
    let summary = report::summary_document(&r, today);
    for f in both {
        written.put(
            out.join(format!("{}.{}", summary.form, f.ext())),
            f.write(&summary).map_err(|e| e.to_string()),
        );
    }
    written.put(
        out.join(format!("{}.xlsx", summary.form)),
        report::summary_xlsx(&r).map_err(|e| e.to_string()),
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

pub use crate::forms::LogKind;

/// What `okno log` wrote.
#[derive(Debug)]
pub struct LogDone {
    pub entries: usize,
    pub written: Written,
}

/// The log's entries: the newest version of each case of the archive whose date (detection
/// or receipt, else the date sent) falls in `[from, to]`, of one territory when given.
fn log_spool(
    kind: LogKind,
    archive: &Path,
    from: Option<Date>,
    to: Option<Date>,
    territory: Option<&crate::model::Territory>,
) -> Result<LogSpool> {
    let date_of = |c: &Case| {
        c.notification.as_ref().and_then(|n| match kind {
            LogKind::Detection => n.detection_date.or(n.date_sent),
            LogKind::Intake => n.date_received.or(n.date_sent),
        })
    };
    // Case by case into the spool: a log of years never holds its cases at once.
    let spooled = |e: std::io::Error| Error::Failed(format!("журнал: {e}"));
    let mut spool = LogSpool::new().map_err(spooled)?;
    let mut failed = None;
    crate::archive::each_newest_case(archive, |c| {
        let chosen = date_of(&c)
            .is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t))
            && territory.is_none_or(|t| c.territory.as_ref() == Some(t));
        if chosen && failed.is_none() {
            failed = spool.push(&c, false).err();
        }
    })
    .map_err(Error::Failed)?;
    match failed {
        Some(e) => Err(spooled(e)),
        None => Ok(spool),
    }
}

/// The rows of the log `okno log` writes for the same choice, at `range` of its order (the
/// page shows a log before it is downloaded).
pub fn log_preview(
    kind: LogKind,
    archive: &Path,
    from: Option<Date>,
    to: Option<Date>,
    territory: Option<&crate::model::Territory>,
    range: std::ops::Range<usize>,
) -> Result<crate::forms::LogPreview> {
    let spool = log_spool(kind, archive, from, to, territory)?;
    crate::forms::preview_log(&spool, kind, range).map_err(Error::Failed)
}

/// `okno log`: the cases whose date (detection or receipt, else the date sent) falls in
/// `[from, to]` (of one territory, when given), as PDF, DOCX or XLSX by `out`'s extension, or all three when it has none.
pub fn log(
    kind: LogKind,
    archive: &Path,
    from: Option<Date>,
    to: Option<Date>,
    out: &Path,
    territory: Option<&crate::model::Territory>,
) -> Result<LogDone> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    let targets: Vec<(PathBuf, String)> = match ext.as_deref() {
        Some(e @ ("pdf" | "docx" | "xlsx")) => vec![(out.to_path_buf(), e.to_string())],
        None => ["pdf", "docx", "xlsx"]
            .iter()
            .map(|e| (out.with_extension(e), e.to_string()))
            .collect(),
        Some(other) => {
            return Err(Error::Usage(format!(
                "расширение «.{other}»: журнал пишется в .pdf, .docx или .xlsx"
            )));
        }
    };
    let spool = log_spool(kind, archive, from, to, territory)?;
    let mut written = Written::default();
    for (path, e) in targets {
        match write_log(&spool, kind, &e, &path) {
            Ok(_) => written.files.push(path),
            Err(e) => written.failures.push(format!("{}: {e}", path.display())),
        }
    }
    Ok(LogDone {
        entries: spool.len(),
        written,
    })
}
