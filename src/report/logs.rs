//! `okno log`: the two logs of the procedure over the archive (the newest version of each
//! case), and the rows of one for the page.

use super::quarter::Written;
use crate::error::{Error, Result};
use crate::forms::{LogKind, LogSpool};
use crate::model::{Case, Date};
use std::path::{Path, PathBuf};

/// What `okno log` wrote.
#[derive(Debug)]
pub struct LogDone {
    pub entries: usize,
    pub written: Written,
}

fn spooled(e: std::io::Error) -> Error {
    Error::Failed(format!("журнал: {e}"))
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
    .map_err(|e| Error::Failed(e.to_string()))?;
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
    crate::forms::preview_log(&spool, kind, range).map_err(spooled)
}

/// `okno log`: the cases whose date (detection or receipt, else the date sent) falls in
/// `[from, to]` (of one territory, when given), as PDF, DOCX or XLSX by `out`'s extension, or all three when it has none.
pub fn run_log(
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
    let log = spool.log(kind);
    let long = crate::render::stream::Long {
        doc: &log.document,
        len: log.len(),
        rows: &|range| log.rows(range),
    };
    let mut written = Written::default();
    for (path, e) in targets {
        match crate::render::stream::write(&long, &e, &path) {
            Ok(_) => written.files.push(path),
            Err(e) => written.failures.push(format!("{}: {e}", path.display())),
        }
    }
    Ok(LogDone {
        entries: spool.len(),
        written,
    })
}
