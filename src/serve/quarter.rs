//! «Квартал»: the quarterly run (`okno quarter`) into the server's folder for that quarter,
//! its summary and charts, its files and the quarter's monitoring forms as one zip.

use super::auth::Session;
use super::download::download;
use super::error::{Error, Result};
use super::layout::layout;
use super::scope::{NOT_YOURS, territory_choice};
use super::state::Shared;
use crate::index::Scope;
use crate::report::{Quarter, QuarterView};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The quarter's page, its forms and files.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/quarter", get(quarter_page))
        .route("/quarter/forms.zip", get(quarter_forms_zip))
        .route("/quarter/file/{q}/{*path}", get(quarter_file))
}

pub fn quarter_code(today: NaiveDate) -> String {
    format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1)
}

pub fn this_quarter(today: NaiveDate) -> Quarter {
    Quarter::parse(&quarter_code(today)).expect("a quarter of a date")
}

#[derive(Deserialize)]
pub struct QuarterQuery {
    pub q: Option<String>,
    /// A territory of the catalog (code); empty or absent: the whole archive.
    pub t: Option<String>,
}

/// The folder of the quarter summaries in the server's work folder: `<label>/…`, by the
/// canonical label only.
const QUARTERS: &str = "quarter";
/// The folder of the monitoring forms' zips, `<stamp>.zip`, kept until the archive changes.
const ZIPS: &str = "quarter-zips";
/// Quarter folders (and zips) kept at once; an older one is removed (its page is simply
/// opened again).
const KEPT_QUARTERS: usize = 4;
/// The stamp of the figures a quarter's folder holds the summary of.
const STAMP: &str = ".stamp";
/// The file in a quarter's folder naming the territory its summary is of (empty: all):
/// `quarter_file` serves a limited user only their own.
const TERRITORY_MARK: &str = ".territory";
/// Replacing a quarter's folder and pruning the others, one server thread at a time.
static QUARTER_SWAP: std::sync::Mutex<()> = std::sync::Mutex::new(());
/// The quarters' figures computed last, by what they were computed from.
static VIEWS: std::sync::Mutex<Vec<(Key, Arc<QuarterView>)>> = std::sync::Mutex::new(Vec::new());
/// Cases the page lists with their monitoring forms; the zip holds them all.
const SHOWN_FORMS: usize = 200;
/// Figures kept at once.
const KEPT_VIEWS: usize = 8;

/// What a quarter's figures and files are made from: the question and the archive's state
/// (its index's generation, which every write changes). None of it names a child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    archive: PathBuf,
    pub label: String,
    pub territory: Option<String>,
    scope: Scope,
    today: NaiveDate,
    /// None without an index: then nothing is kept.
    generation: Option<i64>,
}

impl Key {
    /// A file name for what is made from this key.
    fn stamp(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(&Sha256::digest(format!("{self:?}").as_bytes())[..16])
    }
}

/// The quarter's figures for the page and the API: from the index and the bags it names
/// (`report::quarter_view`), computed once per archive state and kept.
pub async fn quarter_view(
    state: &Shared,
    label: &str,
    territory: Option<&str>,
    scope: &Scope,
) -> Result<(Key, Arc<QuarterView>)> {
    let quarter = Quarter::parse(label).map_err(Error::failed)?;
    let root = state.cfg.archive.clone();
    let today = state.today();
    let t = territory.map(str::to_string);
    let scope = scope.clone();
    tokio::task::spawn_blocking(move || {
        let generation = crate::index::Index::open_read(&root)
            .and_then(|i| i.generation())
            .ok();
        let key = Key {
            archive: root.clone(),
            label: quarter.label(),
            territory: t,
            scope,
            today,
            generation,
        };
        let views = || VIEWS.lock().unwrap_or_else(|e| e.into_inner());
        if generation.is_some()
            && let Some((_, v)) = views().iter().find(|(k, _)| *k == key)
        {
            return Ok((key, v.clone()));
        }
        let view = Arc::new(
            crate::report::quarter_view(
                quarter,
                &root,
                today,
                key.territory.as_deref(),
                &key.scope,
            )
            .map_err(Error::failed)?,
        );
        if generation.is_some() {
            let mut kept = views();
            kept.retain(|(k, _)| k.generation == generation);
            kept.insert(0, (key.clone(), view.clone()));
            kept.truncate(KEPT_VIEWS);
        }
        Ok((key, view))
    })
    .await?
}

/// The quarter's summary (PDF, DOCX, XLSX) in the server's folder for that quarter, written
/// when the figures changed: into a fresh folder, which then replaces the quarter's (no file
/// of another territory's run is left in it); only the `KEPT_QUARTERS` newest quarters are
/// kept. Returns the files, relative to the folder, and the failures.
pub async fn summary_files(
    state: &Shared,
    key: &Key,
    view: &Arc<QuarterView>,
) -> Result<(Vec<String>, Vec<String>)> {
    let quarters = state.work.path().join(QUARTERS);
    let (key, view) = (key.clone(), view.clone());
    tokio::task::spawn_blocking(move || {
        let out =
            crate::safe_path::join(&quarters, [&key.label]).map_err(|e| Error::failed(e.0))?;
        let stamp = key.stamp();
        if key.generation.is_some()
            && let Ok(kept) = std::fs::read_to_string(out.join(STAMP))
            && let Some((first, files)) = kept.split_once('\n')
            && first == stamp
        {
            return Ok((files.lines().map(String::from).collect(), Vec::new()));
        }
        std::fs::create_dir_all(&quarters)?;
        let fresh = tempfile::Builder::new()
            .prefix(".run-")
            .tempdir_in(&quarters)?;
        let written = crate::report::write_summary(&view.report, fresh.path(), key.today);
        let files = relative(&written.files, fresh.path());
        let mut kept = format!("{stamp}\n");
        for f in &files {
            kept.push_str(f);
            kept.push('\n');
        }
        std::fs::write(fresh.path().join(STAMP), kept)?;
        std::fs::write(
            fresh.path().join(TERRITORY_MARK),
            key.territory.as_deref().unwrap_or(""),
        )?;
        let _one = QUARTER_SWAP.lock().unwrap_or_else(|e| e.into_inner());
        match std::fs::remove_dir_all(&out) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        std::fs::rename(fresh.keep(), &out)?;
        prune_quarters(&quarters);
        Ok((files, written.failures))
    })
    .await?
}

/// Removes all but the `KEPT_QUARTERS` newest quarter folders or zips (runs in flight are
/// left).
fn prune_quarters(quarters: &Path) {
    let Ok(entries) = std::fs::read_dir(quarters) else {
        return;
    };
    let mut folders: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(std::result::Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with(".run-"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    folders.sort();
    let old = folders.len().saturating_sub(KEPT_QUARTERS);
    for (_, f) in folders.into_iter().take(old) {
        let _ = if f.is_dir() {
            std::fs::remove_dir_all(f)
        } else {
            std::fs::remove_file(f)
        };
    }
}

/// A bar chart of labelled counts, as SVG (no script, no outside fonts).
fn bars(title: &str, data: &[(String, usize)]) -> Markup {
    let max = data.iter().map(|d| d.1).max().unwrap_or(0).max(1);
    let h = 28 * data.len() + 10;
    html! {
        figure.chart {
            figcaption { (title) }
            svg xmlns="http://www.w3.org/2000/svg" width="560" height=(h) role="img" aria-label=(title) {
                @for (i, (label, n)) in data.iter().enumerate() {
                    @let y = 28 * i + 5;
                    @let w = 300 * n / max;
                    text x="0" y=(y + 16) font-size="13" { (label) }
                    rect x="220" y=(y) width=(w.max(1)) height="20" fill="#3b6ea5" {}
                    text x=(225 + w) y=(y + 15) font-size="13" { (n) }
                }
            }
        }
    }
}

/// `GET /quarter?q=2026-Q4`: the summary and its charts, downloads.
pub async fn quarter_page(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<QuarterQuery>,
) -> Response {
    let today = state.today();
    let typed = q.q.clone().unwrap_or_else(|| quarter_code(today));
    // The canonical label in the links and the field, whatever the spelling typed.
    let label = Quarter::parse(&typed).map(|q| q.label()).unwrap_or(typed);
    // A limited user's quarter is of their territories only.
    let Ok(territory) = territory_choice(&s, q.t.clone()) else {
        return Error::page(StatusCode::NOT_FOUND, "Не найдено", NOT_YOURS).into_response();
    };
    let scope = s.scope();
    let result = match Quarter::parse(&label) {
        Ok(_) => match quarter_view(&state, &label, territory.as_deref(), &scope).await {
            Ok((key, view)) => match summary_files(&state, &key, &view).await {
                Ok(files) => Ok((view, files)),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        },
        Err(e) => Err(Error::failed(e)),
    };
    let territories: Vec<&(String, String)> = crate::catalog::catalog()
        .list("territory")
        .iter()
        .filter(|(code, _)| scope.sees(Some(code)))
        .collect();
    layout(
        "Квартал",
        "/quarter",
        Some(&s),
        html! {
            h1 { "Квартальный мониторинг" }
            form.filters method="get" action="/quarter" {
                label { "Квартал (ГГГГ-QN)" input type="text" name="q" value=(label) ; }
                label { "Территория"
                    select name="t" {
                        option value="" { "все территории" }
                        @for (code, name) in territories {
                            option value=(code) selected[territory.as_deref() == Some(code.as_str())] { (name) }
                        }
                    }
                }
                button type="submit" { "Показать" }
            }
            @match result {
                Ok((view, (files, failures))) => {
                    @let r = &view.report;
                    @let done = crate::report::Counts::of(r);
                    div #quarter-summary {
                    div.summary {
                        span { (label) }
                        span { "извещений поступило: " b { (done.received) } }
                        span { "ожидают «Единого окна»: " (done.waiting) }
                        span class=(if done.sw_overdue > 0 { "bad" } else { "ok" }) { "срок «Единого окна» (3 дня) просрочен: " (done.sw_overdue) }
                        span class=(if done.late > 0 { "bad" } else { "ok" }) { "направлены поздно (D-NOTIFY-1): " (done.late) }
                    }
                    div.summary {
                        span { "в работе: " b { (done.active) } }
                        span class=(if done.overdue > 0 { "bad" } else { "ok" }) { "мониторинг просрочен: " (done.overdue) }
                        span { "срок в квартале: " (done.due) }
                        span { "других нарушенных сроков: " (done.missed) }
                    }
                    }
                    div.charts {
                        (bars("Что стало с извещениями квартала", &[
                            ("поступило".to_string(), r.inflow.received),
                            ("уровень риска определен".to_string(), r.inflow.level_set),
                            ("открыт случай".to_string(), r.inflow.opened),
                            ("начат ведомственный план".to_string(), r.inflow.plans),
                            ("работа завершена".to_string(), r.inflow.closed),
                        ]))
                        (bars("Извещения по виду органа", &r.inflow.by_agency))
                        @if r.territories.len() > 1 {
                            (bars("Извещения по территориям", &r.territories.iter().map(|t| (t.label.clone(), t.received)).collect::<Vec<_>>()))
                        }
                        (bars("Случаи по уровню", &r.by_level))
                        (bars("Мониторинг", &[("просрочен".to_string(), done.overdue), ("срок в квартале".to_string(), done.due), ("в работе".to_string(), done.active)]))
                    }
                    h2 { "Файлы" }
                    ul.files #quarter-files {
                        @for rel in &files {
                            li { a href={"/quarter/file/" (label) "/" (rel)} { (rel) } }
                        }
                    }
                    h2 { "Формы мониторинга квартала" }
                    @let n = view.form_files();
                    @if n == 0 {
                        p.note #monitoring-forms { "Мониторингов с датой в этом квартале нет." }
                    } @else {
                        div.actions {
                            a.button.primary #monitoring-zip href={"/quarter/forms.zip?" (quarter_query(&label, territory.as_deref()))} {
                                "Скачать формы мониторинга (zip, " (n) " " (files_word(n)) ")"
                            }
                        }
                        p.note { "Формы оформляются, когда их скачивают, и хранятся, пока архив не изменится." }
                        table.list #monitoring-forms {
                            thead { tr { th { "Случай" } th { "Формы" } } }
                            tbody {
                                @for (case, forms) in view.forms.iter().take(SHOWN_FORMS) {
                                    tr {
                                        td { a href={"/archive/case/" (case)} { (case) } }
                                        td { @for f in forms { (form_label(&format!("{f}.pdf"))) ", " (form_label(&format!("{f}.docx"))) " " } }
                                    }
                                }
                            }
                        }
                    }
                    @if view.forms.len() > SHOWN_FORMS {
                        p.note { "… и еще случаев: " (view.forms.len() - SHOWN_FORMS) "; их формы — в zip." }
                    }
                    @for e in &failures { p.bad { (e) } }
                },
                Err(e) => { p.message role="alert" { (e.to_string()) } },
            }
        },
    )
    .into_response()
}

/// A form file's name in the page's words: `monitoring-2.pdf` → «Мониторинг № 2 (PDF)».
pub fn form_label(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return file.to_string();
    };
    let (code, n) = match stem.rsplit_once('-') {
        Some((c, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => (c, Some(n)),
        _ => (stem, None),
    };
    match crate::forms::form(code) {
        Some(f) => format!(
            "{}{} ({})",
            f.name,
            n.map(|n| format!(" № {n}")).unwrap_or_default(),
            ext.to_uppercase()
        ),
        None => file.to_string(),
    }
}

/// «файл», «файла» or «файлов» after `n`.
fn files_word(n: usize) -> &'static str {
    match (n % 10, n % 100) {
        (1, h) if h != 11 => "файл",
        (2..=4, h) if !(12..=14).contains(&h) => "файла",
        _ => "файлов",
    }
}

/// Paths under `base`, with `/` between folders.
fn relative(files: &[PathBuf], base: &Path) -> Vec<String> {
    files
        .iter()
        .filter_map(|f| f.strip_prefix(base).ok())
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .collect()
}

fn quarter_query(label: &str, territory: Option<&str>) -> String {
    let mut q = vec![("q", label)];
    if let Some(t) = territory {
        q.push(("t", t));
    }
    serde_urlencoded::to_string(q).unwrap_or_default()
}

/// `GET /quarter/forms.zip?q=2026-Q4[&t=CODE]`: the quarter's monitoring forms, PDF and DOCX,
/// as `okno quarter` writes them (`<case-id>/<form>.pdf|.docx`), one zip. The run goes to a
/// folder of its own, so the zip holds this choice's forms only.
pub async fn quarter_forms_zip(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<QuarterQuery>,
) -> Result<Response> {
    let typed = q.q.unwrap_or_else(|| quarter_code(state.today()));
    let Ok(label) = Quarter::parse(&typed).map(|q| q.label()) else {
        return Err(Error::page(
            StatusCode::BAD_REQUEST,
            "Квартал не указан",
            "Квартал записывается как ГГГГ-QN, например 2026-Q4.",
        ));
    };
    let territory = territory_choice(&s, q.t.clone())
        .map_err(|_| Error::page(StatusCode::NOT_FOUND, "Не найдено", NOT_YOURS))?;
    let scope = s.scope();
    let (key, view) = quarter_view(&state, &label, territory.as_deref(), &scope)
        .await
        .map_err(|e| Error::page(StatusCode::BAD_REQUEST, "Формы не собраны", e))?;
    let n = view.form_files();
    let zips = state.work.path().join(ZIPS);
    let cached = zips.join(format!("{}.zip", key.stamp()));
    let tmp = state.scratch("quarter-forms-").map_err(Error::fault)?;
    let root = state.cfg.archive.clone();
    let today = state.today();
    let (l, t) = (label.clone(), territory.clone());
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
        // Rendered once per archive state: kept until the archive changes.
        if key.generation.is_some()
            && let Ok(bytes) = std::fs::read(&cached)
        {
            return Ok(bytes);
        }
        if n == 0 {
            return Ok(Vec::new());
        }
        let out = tmp.path();
        let done = crate::report::run_quarter_seen(&l, &root, out, today, t.as_deref(), &scope)
            .map_err(Error::failed)?;
        if let Some(e) = done.written.failures.first() {
            return Err(Error::failed(e.clone()));
        }
        // Named relative to the run's folder, sorted.
        let mut files: Vec<(String, &Path)> = done
            .form_files
            .iter()
            .filter_map(|f| {
                let rel = f.strip_prefix(out).ok()?;
                Some((rel.to_string_lossy().replace('\\', "/"), f.as_path()))
            })
            .collect();
        files.sort();
        let bytes = crate::portable_zip::zip_files(files)?;
        if key.generation.is_some() {
            std::fs::create_dir_all(&zips)?;
            crate::files::write_if_changed(&cached, &bytes)?;
            prune_quarters(&zips);
        }
        Ok(bytes)
    })
    .await
    .map_err(Error::fault)?
    .map_err(|e| Error::page(StatusCode::BAD_REQUEST, "Формы не собраны", e))?;
    if n == 0 {
        return Err(Error::page(
            StatusCode::NOT_FOUND,
            "Форм нет",
            "Мониторингов с датой в этом квартале нет.",
        ));
    }
    // Named by the quarter and the territory's catalog code only.
    let code = territory
        .as_deref()
        .and_then(crate::model::Territory::parse)
        .map(|t| format!("-{}", t.code()))
        .unwrap_or_default();
    Ok(download(
        &format!("формы-мониторинга-{label}{code}.zip"),
        bytes,
    ))
}

/// `GET /quarter/file/{q}/{path}`: a file of the quarterly run.
pub async fn quarter_file(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath((q, path)): UrlPath<(String, String)>,
) -> Result<Response> {
    // Only the canonical label names a folder (the page links with it).
    let file = match Quarter::parse(&q) {
        Ok(quarter) if quarter.label() == q => {
            crate::safe_path::join(&state.work.path().join(QUARTERS), [&q])
                .and_then(|dir| crate::safe_path::join_url(&dir, &path))
        }
        _ => Err(crate::safe_path::Refused("not a quarter")),
    };
    let file =
        file.map_err(|_| Error::page(StatusCode::NOT_FOUND, "Не найдено", "Такого файла нет."))?;
    // The folder holds the latest summary of this quarter, whoever asked for it: a limited
    // user gets its files only when it is of one of their territories.
    let scope = s.scope();
    if scope != Scope::All {
        let mark = state
            .work
            .path()
            .join(QUARTERS)
            .join(&q)
            .join(TERRITORY_MARK);
        let made_for = std::fs::read_to_string(mark).ok();
        if !made_for.is_some_and(|t| !t.is_empty() && scope.sees(Some(&t))) {
            return Err(Error::page(
                StatusCode::NOT_FOUND,
                "Не найдено",
                "Файл не найден: откройте квартал заново.",
            ));
        }
    }
    let bytes = std::fs::read(&file).map_err(|_| {
        Error::page(
            StatusCode::NOT_FOUND,
            "Не найдено",
            "Файл не найден: откройте квартал заново.",
        )
    })?;
    Ok(download(&path.replace('/', "-"), bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn form_files_and_counts_in_russian() {
        assert_eq!(
            super::form_label("NSK-1/monitoring-2.pdf"),
            "Мониторинг № 2 (PDF)"
        );
        assert_eq!(
            super::form_label("forms/conclusion.docx"),
            "Заключение о степени риска (DOCX)"
        );
        assert_eq!(super::form_label("case.json"), "case.json");
        let words: Vec<&str> = [1, 2, 5, 11, 12, 21, 22, 25, 111, 104]
            .into_iter()
            .map(super::files_word)
            .collect();
        assert_eq!(
            words,
            [
                "файл",
                "файла",
                "файлов",
                "файлов",
                "файлов",
                "файл",
                "файла",
                "файлов",
                "файлов",
                "файла"
            ]
        );
    }
}
