//! «Квартал»: the quarterly run (`okno quarter`) into the server's folder for that quarter,
//! its summary and charts, its files and the quarter's monitoring forms as one zip.

use super::auth::Session;
use super::download::download;
use super::error::{Error, Result};
use super::layout::layout;
use super::scope::{NOT_YOURS, territory_choice};
use super::state::Shared;
use crate::index::Scope;
use crate::report::{Quarter, QuarterFigures};
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

/// The folder of the quarter summaries in the server's work folder: `<stamp>/…`, one folder
/// for each question and archive state (`Key::stamp`), so no one is served a summary made
/// for another choice.
const QUARTERS: &str = "quarter";
/// The folder of the monitoring forms' zips, `<stamp>.zip`, kept until the archive changes.
const ZIPS: &str = "quarter-zips";
/// Summaries (and zips) kept at once; an older one is made again when asked for.
const KEPT_QUARTERS: usize = 4;
/// The file in a summary's folder listing its files; written last, so a folder without it
/// is not whole.
const STAMP: &str = ".stamp";
/// The quarters' figures computed last, by what they were computed from.
static VIEWS: std::sync::Mutex<Vec<(Key, Arc<QuarterFigures>)>> = std::sync::Mutex::new(Vec::new());
/// Cases the page lists with their monitoring forms; the zip holds them all.
const SHOWN_FORMS: usize = 200;
/// Figures kept at once.
const KEPT_VIEWS: usize = 8;
/// The summary's formats, as its files end.
const SUMMARY_FORMATS: [&str; 3] = ["pdf", "docx", "xlsx"];

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
    /// The key of a question on the archive as it is now.
    fn now(
        root: &Path,
        quarter: Quarter,
        territory: Option<String>,
        scope: Scope,
        today: NaiveDate,
    ) -> Key {
        let generation = crate::index::Index::open_read(root)
            .and_then(|i| i.generation())
            .ok();
        Key {
            archive: root.to_path_buf(),
            label: quarter.label(),
            territory,
            scope,
            today,
            generation,
        }
    }

    /// A file name for what is made from this key.
    fn stamp(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(&Sha256::digest(format!("{self:?}").as_bytes())[..16])
    }

    /// The summary's file names (PDF, DOCX, XLSX) for this question.
    fn summary_files(&self) -> Vec<String> {
        let Ok(q) = Quarter::parse(&self.label) else {
            return Vec::new();
        };
        let t = self
            .territory
            .as_deref()
            .and_then(crate::model::Territory::parse);
        let name = crate::report::summary_name(&q, t.as_ref());
        SUMMARY_FORMATS
            .iter()
            .map(|ext| format!("{name}.{ext}"))
            .collect()
    }
}

/// The quarter's figures for the page and the API: from the archive's index
/// (`report::quarter_view`), computed once per archive state and kept.
pub async fn quarter_view(
    state: &Shared,
    label: &str,
    territory: Option<&str>,
    scope: &Scope,
) -> Result<(Key, Arc<QuarterFigures>)> {
    let quarter = Quarter::parse(label).map_err(Error::failed)?;
    let root = state.cfg.archive.clone();
    let today = state.today();
    let t = territory.map(str::to_string);
    let scope = scope.clone();
    tokio::task::spawn_blocking(move || {
        let key = Key::now(&root, quarter, t, scope, today);
        let generation = key.generation;
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

/// The quarter's summary (PDF, DOCX, XLSX) for `key`, in the server's folder for it, made when
/// first asked for (the fold reads the quarter's bags: `report::quarter_report`) and kept
/// until the archive changes: written into a fresh folder, which then takes the key's name.
/// Returns the folder.
async fn summary_folder(state: &Shared, key: &Key) -> Result<PathBuf> {
    let quarters = state.work.path().join(QUARTERS);
    let key = key.clone();
    tokio::task::spawn_blocking(move || {
        let out = quarters.join(key.stamp());
        if key.generation.is_some() && out.join(STAMP).is_file() {
            return Ok(out);
        }
        let quarter = Quarter::parse(&key.label).map_err(Error::failed)?;
        let report = crate::report::quarter_report(
            quarter,
            &key.archive,
            key.today,
            key.territory.as_deref(),
            &key.scope,
        )
        .map_err(Error::failed)?;
        std::fs::create_dir_all(&quarters)?;
        let fresh = tempfile::Builder::new()
            .prefix(".run-")
            .tempdir_in(&quarters)?;
        let written = crate::report::write_summary(&report, fresh.path(), key.today);
        if let Some(e) = written.failures.first() {
            return Err(Error::failed(e.clone()));
        }
        std::fs::write(
            fresh.path().join(STAMP),
            relative(&written.files, fresh.path()).join("\n"),
        )?;
        let _one = QUARTER_SWAP.lock().unwrap_or_else(|e| e.into_inner());
        // Another request made the same summary meanwhile: it stays (a download of it may be
        // reading it), and this one goes with its temporary folder.
        if key.generation.is_some() && out.join(STAMP).is_file() {
            return Ok(out);
        }
        match std::fs::remove_dir_all(&out) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        std::fs::rename(fresh.keep(), &out)?;
        prune_quarters(&quarters);
        Ok(out)
    })
    .await?
}

/// Replacing a summary's folder and pruning the others, one server thread at a time.
static QUARTER_SWAP: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
    // The bars start after the longest label («г. Новосибирск, Октябрьский район»), about
    // 8 px a letter at this size, so no label runs under a bar.
    let longest = data.iter().map(|d| d.0.chars().count()).max().unwrap_or(0);
    let x = (longest * 8 + 12).clamp(160, 340);
    html! {
        figure.chart {
            figcaption { (title) }
            svg xmlns="http://www.w3.org/2000/svg" width=(x + 340) height=(h) role="img" aria-label=(title) {
                @for (i, (label, n)) in data.iter().enumerate() {
                    @let y = 28 * i + 5;
                    @let w = 300 * n / max;
                    text x="0" y=(y + 16) font-size="13" { (label) }
                    rect x=(x) y=(y) width=(w.max(1)) height="20" fill="#3b6ea5" {}
                    text x=(x + 5 + w) y=(y + 15) font-size="13" { (n) }
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
        Ok(_) => quarter_view(&state, &label, territory.as_deref(), &scope).await,
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
                Ok((key, r)) => {
                    @let done = r.counts;
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
                            ("поступило".to_string(), done.received),
                            ("уровень риска определен".to_string(), r.level_set),
                            ("открыт случай".to_string(), r.opened),
                            ("начат ведомственный план".to_string(), r.plans),
                            ("работа завершена".to_string(), r.closed),
                        ]))
                        (bars("Извещения по виду органа", &r.by_agency))
                        @if r.by_territory.len() > 1 {
                            (bars("Извещения по территориям", &r.by_territory))
                        }
                        (bars("Случаи по уровню", &r.by_level))
                        (bars("Мониторинг", &[("просрочен".to_string(), done.overdue), ("срок в квартале".to_string(), done.due), ("в работе".to_string(), done.active)]))
                    }
                    h2 { "Сводка для комиссии" }
                    ul.files #quarter-files {
                        @for name in key.summary_files() {
                            li { a href={"/quarter/file/" (label) "/" (name) (territory.as_deref().map(|t| format!("?{}", serde_urlencoded::to_string([("t", t)]).unwrap_or_default())).unwrap_or_default())} { (name) } }
                        }
                    }
                    p.note { "Сводка оформляется, когда ее скачивают, и хранится, пока архив не изменится." }
                    h2 { "Формы мониторинга квартала" }
                    @let n = r.form_files();
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
                                @for (case, forms) in r.forms.iter().take(SHOWN_FORMS) {
                                    tr {
                                        td { a href={"/archive/case/" (case)} { (case) } }
                                        td { @for f in forms { (form_label(&format!("{f}.pdf"))) ", " (form_label(&format!("{f}.docx"))) " " } }
                                    }
                                }
                            }
                        }
                    }
                    @if r.forms.len() > SHOWN_FORMS {
                        p.note { "… и еще случаев: " (r.forms.len() - SHOWN_FORMS) "; их формы — в zip." }
                    }
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

/// `GET /quarter/file/{q}/{name}[?t=CODE]`: a file of the quarter's summary for the
/// commission, made when first asked for and kept until the archive changes. Only the
/// canonical label and the summary's own names are answered; a limited user's summary is of
/// their territory.
pub async fn quarter_file(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath((q, path)): UrlPath<(String, String)>,
    Query(query): Query<QuarterQuery>,
) -> Result<Response> {
    let missing = || Error::page(StatusCode::NOT_FOUND, "Не найдено", "Такого файла нет.");
    let quarter = match Quarter::parse(&q) {
        Ok(quarter) if quarter.label() == q => quarter,
        _ => return Err(missing()),
    };
    let territory = territory_choice(&s, query.t)
        .map_err(|_| Error::page(StatusCode::NOT_FOUND, "Не найдено", NOT_YOURS))?;
    let (root, today) = (state.cfg.archive.clone(), state.today());
    let scope = s.scope();
    let key =
        tokio::task::spawn_blocking(move || Key::now(&root, quarter, territory, scope, today))
            .await
            .map_err(Error::fault)?;
    // A name of this summary's files, nothing else: no path reaches the disk from the URL.
    if !key.summary_files().contains(&path) {
        return Err(missing());
    }
    let folder = summary_folder(&state, &key)
        .await
        .map_err(|e| Error::page(StatusCode::BAD_REQUEST, "Сводка не оформлена", e))?;
    let bytes = std::fs::read(folder.join(&path)).map_err(|_| missing())?;
    Ok(download(&path, bytes))
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
