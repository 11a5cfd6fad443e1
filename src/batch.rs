//! `okno batch`: every input in a folder checked, rendered and (optionally) archived on all
//! cores. Inputs stream through the workers one at a time — a worker reads a file, renders
//! its cases, writes them and forgets them — so memory does not grow with the folder.

use crate::archive::{Archive, PendingBag, Prepared, Source, payload};
use crate::diagnostic::{Diagnostic, Severity};
use crate::output::Staged;
use crate::pipeline;
use crate::validate::Settings;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender};

#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub archive: Option<PathBuf>,
    pub jobs: Option<usize>,
    pub draft: bool,
}

/// One row of the report: a case, or an input that gave none.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub file: String,
    pub case_id: String,
    /// «оформлен», «черновик», «ошибки», «не читается», «сбой записи».
    pub status: &'static str,
    pub errors: usize,
    pub warnings: usize,
    pub forms: usize,
    /// The archive version written or found unchanged.
    pub archive: Option<String>,
    /// The first problems, for the secretary.
    pub notes: String,
    #[serde(skip)]
    pub failed: bool,
    #[serde(skip)]
    pub child_key: Option<String>,
}

pub const RENDERED: &str = "оформлен";
pub const DRAFT: &str = "черновик";
pub const ERRORS: &str = "ошибки";
pub const UNREADABLE: &str = "не читается";
pub const FAILED: &str = "сбой записи";

fn notes(diags: &[Diagnostic]) -> String {
    let mut list: Vec<&Diagnostic> = diags.iter().collect();
    list.sort_by_key(|d| std::cmp::Reverse(d.severity));
    list.iter()
        .take(5)
        .map(|d| {
            let place = d.place();
            if place.is_empty() {
                format!("[{}] {}", d.rule, d.message)
            } else {
                format!("[{}] {} ({place})", d.rule, d.message)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Files of one case written under temporary names, waiting for the committer's flush.
struct Commit {
    /// (input index, row index within the input).
    key: (usize, usize),
    forms: Staged,
    bag: Option<PendingBag>,
}

/// Processes one input file: checks, renders, and stages the files of each case; the
/// committer thread puts them in place.
fn process(
    (index, path): (usize, &Path),
    opts: &Options,
    settings: &Settings,
    archive: Option<&Archive>,
    commits: &SyncSender<Commit>,
) -> Vec<Row> {
    let report = pipeline::check_file(path, settings);
    if let Some(m) = &report.unreadable {
        return vec![Row {
            file: report.file.clone(),
            case_id: String::new(),
            status: UNREADABLE,
            errors: 1,
            warnings: 0,
            forms: 0,
            archive: None,
            notes: m.clone(),
            failed: false,
            child_key: None,
        }];
    }
    let bytes = std::fs::read(path).unwrap_or_default();
    let mut rows = Vec::new();
    if report.cases.is_empty() {
        let errors = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        rows.push(Row {
            file: report.file.clone(),
            case_id: String::new(),
            status: if errors > 0 { ERRORS } else { RENDERED },
            errors,
            warnings: report.diagnostics.len() - errors,
            forms: 0,
            archive: None,
            notes: if errors > 0 {
                notes(&report.diagnostics)
            } else {
                "случаев нет".into()
            },
            failed: false,
            child_key: None,
        });
    }
    for c in &report.cases {
        let case = &c.ingested.case;
        let mut diags: Vec<Diagnostic> = report.diagnostics.clone();
        diags.extend(c.diagnostics.iter().cloned());
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = diags.len() - errors;
        let child_key = case
            .notified_child()
            .filter(|_| case.notification.is_some())
            .and_then(|(_, ch)| {
                ch.birth_date
                    .map(|b| format!("{}|{}", ch.name.key(), b.iso()))
            });
        let mut row = Row {
            file: report.file.clone(),
            case_id: case.case_id.clone(),
            status: ERRORS,
            errors,
            warnings,
            forms: 0,
            archive: None,
            notes: notes(&diags),
            failed: false,
            child_key,
        };
        let safe = crate::validate::case_id_is_safe(&case.case_id);
        if !safe || (errors > 0 && !opts.draft) {
            rows.push(row);
            continue;
        }
        let draft = errors > 0;
        let key = (index, rows.len());
        let result = (|| -> Result<(usize, Option<String>), String> {
            let out_dir = opts.out.join(&case.case_id);
            let staging = |e: std::io::Error| format!("{}: {e}", out_dir.display());
            let (forms, count, bag, version) = if draft {
                // A draft is never archived: the archive keeps official documents only.
                let docs = crate::render::documents(
                    case,
                    &crate::render::Options {
                        formats: vec![],
                        forms: None,
                        draft: true,
                        jobs: None,
                    },
                );
                let files = crate::render::render_files(
                    &docs,
                    &[crate::render::Format::Pdf, crate::render::Format::Docx],
                    &out_dir,
                )?;
                (
                    Staged::write(&files).map_err(staging)?,
                    files.len(),
                    None,
                    None,
                )
            } else {
                let files = payload(case, &Source::of(&c.ingested, path, &bytes))?;
                let forms: Vec<(PathBuf, &[u8])> = files
                    .iter()
                    .filter_map(|f| {
                        let name = f.path.strip_prefix("forms/")?;
                        Some((out_dir.join(name), f.bytes.as_slice()))
                    })
                    .collect();
                let (bag, version) = match archive {
                    Some(a) => match a.prepare(case, &files, settings.today)? {
                        Prepared::Bag(bag) => {
                            let v = format!("v{} (новая)", bag.version);
                            (Some(bag), Some(v))
                        }
                        Prepared::Unchanged { version } => {
                            (None, Some(format!("v{version} (без изменений)")))
                        }
                    },
                    None => (None, None),
                };
                (
                    Staged::write(&forms).map_err(staging)?,
                    forms.len(),
                    bag,
                    version,
                )
            };
            commits
                .send(Commit { key, forms, bag })
                .map_err(|_| "запись файлов прервана".to_string())?;
            Ok((count, version))
        })();
        match result {
            Ok((forms, version)) => {
                row.status = if draft { DRAFT } else { RENDERED };
                row.forms = forms;
                row.archive = version;
            }
            Err(e) => {
                row.status = FAILED;
                row.failed = true;
                row.notes = e;
            }
        }
        rows.push(row);
    }
    rows
}

/// The committer: takes the staged cases as the workers send them, flushes the filesystem
/// once for all that have arrived meanwhile (group commit), then renames them into place.
/// The flushes run beside the rendering (the workers wait only when 16 cases are queued),
/// and one flush covers every case that arrived while the last one ran.
/// Returns the cases that could not be put in place, with the reason; fails only when a
/// flush itself fails.
fn commit_all(
    staged: Receiver<Commit>,
    out: &Path,
    archive: Option<&Archive>,
) -> Result<Vec<((usize, usize), String)>, String> {
    let flush = || -> Result<(), String> {
        crate::output::sync_filesystem(out).map_err(|e| format!("{}: {e}", out.display()))?;
        if let Some(a) = archive {
            crate::output::sync_filesystem(a.root())
                .map_err(|e| format!("{}: {e}", a.root().display()))?;
        }
        Ok(())
    };
    let mut failures = Vec::new();
    while let Ok(first) = staged.recv() {
        let group: Vec<Commit> = std::iter::once(first).chain(staged.try_iter()).collect();
        flush()?;
        for c in group {
            let placed = c
                .forms
                .persist()
                .map_err(|e| format!("{}: {e}", out.display()))
                .and_then(|_| match (c.bag, archive) {
                    (Some(bag), Some(a)) => a.commit(bag).map(|_| ()),
                    _ => Ok(()),
                });
            if let Err(e) = placed {
                failures.push((c.key, e));
            }
        }
    }
    // The last renames reach the disk before the report says they are done.
    flush()?;
    Ok(failures)
}

/// What a batch run did.
pub struct Outcome {
    pub rows: Vec<Row>,
    pub report: PathBuf,
    pub seconds: f64,
}

impl Outcome {
    /// 0: everything rendered; 1: some inputs had errors; 2: the run itself failed.
    pub fn exit_code(&self) -> i32 {
        if self.rows.iter().any(|r| r.failed) {
            2
        } else if self.rows.iter().any(|r| r.status != RENDERED) {
            1
        } else {
            0
        }
    }
}

/// Runs a batch over the inputs under `dir`. `on_row` is called as each input finishes (from
/// a worker thread), for the progress display.
pub fn run(
    dir: &Path,
    opts: &Options,
    settings: &Settings,
    on_row: &(dyn Fn(&Row, usize, usize) + Sync),
) -> Result<Outcome, String> {
    let started = std::time::Instant::now();
    let files = pipeline::expand_inputs(&[dir.to_path_buf()]);
    std::fs::create_dir_all(&opts.out).map_err(|e| format!("{}: {e}", opts.out.display()))?;
    let archive = match &opts.archive {
        Some(a) => Some(Archive::open(a).map_err(|e| format!("архив {}: {e}", a.display()))?),
        None => None,
    };
    let done = Mutex::new(0usize);
    let total = files.len();
    let inputs: Vec<(usize, &Path)> = files.iter().map(PathBuf::as_path).enumerate().collect();
    let (commits, staged) = std::sync::mpsc::sync_channel::<Commit>(16);
    let (mut per_file, failures) = std::thread::scope(|scope| {
        let committer = scope.spawn(|| commit_all(staged, &opts.out, archive.as_ref()));
        let per_file = crate::render::parallel_map(&inputs, opts.jobs, |&input| {
            let rows = process(input, opts, settings, archive.as_ref(), &commits);
            let mut n = done.lock().unwrap_or_else(|e| e.into_inner());
            *n += 1;
            for r in &rows {
                on_row(r, *n, total);
            }
            rows
        });
        drop(commits);
        let failures = committer
            .join()
            .unwrap_or_else(|_| Err("сбой записи файлов".to_string()));
        (per_file, failures)
    });
    crate::render::pdf::release_cache();
    for ((i, j), e) in failures? {
        let row = &mut per_file[i][j];
        row.status = FAILED;
        row.failed = true;
        row.forms = 0;
        row.archive = None;
        row.notes = e;
    }
    let mut rows: Vec<Row> = per_file.into_iter().flatten().collect();
    // I-DUPLICATE across the batch, from the small keys the workers kept.
    let mut seen: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(k) = &r.child_key {
            seen.entry(k.clone()).or_default().push(i);
        }
    }
    for group in seen.values().filter(|g| g.len() > 1) {
        for &i in group {
            let others: Vec<String> = group
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| format!("{} ({})", rows[j].file, rows[j].case_id))
                .collect();
            rows[i].warnings += 1;
            let note = format!(
                "[I-DUPLICATE] повторное извещение о том же ребенке: {}",
                others.join(", ")
            );
            rows[i].notes = if rows[i].notes.is_empty() {
                note
            } else {
                format!("{}\n{note}", rows[i].notes)
            };
        }
    }
    let report = opts.out.join("отчет.xlsx");
    let bytes = report_xlsx(&rows).map_err(|e| e.to_string())?;
    crate::output::write_atomic(&report, &bytes)
        .map_err(|e| format!("{}: {e}", report.display()))?;
    Ok(Outcome {
        rows,
        report,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The secretary's report: one row per case (or per input that gave none).
pub fn report_xlsx(rows: &[Row]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Отчет")?;
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(0xDDE4EE);
    let wrap = Format::new().set_text_wrap();
    let headers = [
        "Файл",
        "Номер случая",
        "Состояние",
        "Ошибок",
        "Предупреждений",
        "Оформлено форм",
        "Архив",
        "Замечания",
    ];
    let widths = [40.0, 18.0, 14.0, 9.0, 15.0, 15.0, 22.0, 90.0];
    for (c, (h, w)) in headers.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, w)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, &r.file)?;
        ws.write_string(row, 1, &r.case_id)?;
        ws.write_string(row, 2, r.status)?;
        ws.write_number(row, 3, r.errors as f64)?;
        ws.write_number(row, 4, r.warnings as f64)?;
        ws.write_number(row, 5, r.forms as f64)?;
        ws.write_string(row, 6, r.archive.as_deref().unwrap_or(""))?;
        ws.write_string_with_format(row, 7, &r.notes, &wrap)?;
    }
    ws.autofilter(0, 0, rows.len() as u32, headers.len() as u16 - 1)?;
    ws.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}
