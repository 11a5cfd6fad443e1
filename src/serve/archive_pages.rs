//! «Архив», «Квартал», «Журналы», «Бланки»: pages over the archive, each a call of the same
//! library function the command line makes (`archive`, `bagit::verify_bag`, `report`,
//! `workbooks`).

use super::auth::Session;
use super::pages::{layout, message};
use super::{Shared, audit};
use crate::model::Case;
use crate::report::{self, MonitoringState, Quarter};
use axum::Extension;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One row of the case list.
struct Row {
    id: String,
    level: String,
    opened: Option<NaiveDate>,
    agency: String,
    version: u32,
    deadline: Option<MonitoringState>,
}

fn quarter_code(today: NaiveDate) -> String {
    format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1)
}

fn this_quarter(today: NaiveDate) -> Quarter {
    Quarter::parse(&quarter_code(today)).expect("a quarter of a date")
}

fn opened(c: &Case) -> Option<NaiveDate> {
    c.case_opening
        .as_ref()
        .and_then(|o| o.date)
        .or_else(|| c.notification.as_ref().and_then(|n| n.date_received))
        .or_else(|| c.notification.as_ref().and_then(|n| n.date_sent))
        .map(|d| d.0)
}

fn rows(root: &Path, today: NaiveDate) -> Result<Vec<Row>, String> {
    let versions: std::collections::HashMap<String, u32> = crate::archive::list_cases(root)
        .into_iter()
        .map(|(id, v)| (id, v.last().copied().unwrap_or(0)))
        .collect();
    let q = this_quarter(today);
    let mut out = Vec::new();
    crate::archive::each_newest_case(root, |c| {
        out.push(Row {
            level: report::current_level(&c)
                .map(|l| l.label().to_string())
                .unwrap_or_default(),
            opened: opened(&c),
            agency: c
                .notification
                .as_ref()
                .and_then(|n| n.agency.clone())
                .unwrap_or_default(),
            version: versions.get(&c.case_id).copied().unwrap_or(0),
            deadline: report::monitoring_state(&c, &q, today),
            id: c.case_id,
        });
    })?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    level: Option<String>,
    state: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// A date a user typed (ДД.ММ.ГГГГ or ГГГГ-ММ-ДД); empty: none; else a Russian refusal.
fn typed_date(s: &Option<String>) -> Result<Option<NaiveDate>, String> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => crate::model::values::parse_date(t)
            .map(|d| Some(d.0))
            .map_err(|_| {
                format!(
                    "Дата «{t}» не распознана: запишите её как ДД.ММ.ГГГГ, например 01.10.2026."
                )
            }),
    }
}

/// The period a user typed.
fn period(
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), String> {
    Ok((typed_date(from)?, typed_date(to)?))
}

/// A date field: plain text in the page's own words (a browser's date picker speaks the
/// browser's language and order).
fn date_input(name: &str, value: Option<&str>) -> Markup {
    html! {
        input.date type="text" name=(name) value=[value] placeholder="ДД.ММ.ГГГГ" inputmode="numeric" size="11" autocomplete="off";
    }
}

fn deadline_text(d: &Option<MonitoringState>) -> (String, &'static str) {
    match d {
        Some(s @ MonitoringState::Overdue { .. }) => {
            (format!("мониторинг {} ({})", s.describe(), s.due()), "bad")
        }
        Some(s @ MonitoringState::Due { .. }) => (format!("мониторинг до {}", s.due()), "warn"),
        Some(s) => (format!("мониторинг до {}", s.due()), ""),
        None => (String::new(), ""),
    }
}

/// `GET /archive`: the case list with its filters, verify and export.
pub async fn list(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<ListQuery>,
) -> Response {
    let root = state.cfg.archive.clone();
    let today = state.today();
    let all = match tokio::task::spawn_blocking(move || rows(&root, today)).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return message(StatusCode::INTERNAL_SERVER_ERROR, "Архив не читается", &e),
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()),
    };
    let levels: std::collections::BTreeSet<String> = all
        .iter()
        .map(|r| r.level.clone())
        .filter(|l| !l.is_empty())
        .collect();
    let (period_error, (from, to)) = match period(&q.from, &q.to) {
        Ok(p) => (None, p),
        Err(e) => (Some(e), (None, None)),
    };
    let shown: Vec<&Row> = all
        .iter()
        .filter(|r| {
            q.level
                .as_deref()
                .is_none_or(|l| l.is_empty() || r.level == l)
        })
        .filter(|r| match q.state.as_deref() {
            Some("overdue") => matches!(r.deadline, Some(MonitoringState::Overdue { .. })),
            Some("due") => matches!(r.deadline, Some(MonitoringState::Due { .. })),
            _ => true,
        })
        .filter(|r| from.is_none_or(|f| r.opened.is_some_and(|o| o >= f)))
        .filter(|r| to.is_none_or(|t| r.opened.is_some_and(|o| o <= t)))
        .collect();
    let secretary = super::may_change(&s);
    layout(
        "Архив",
        "/archive",
        Some(&s),
        html! {
            h1 { "Архив" }
            p.lead { "Папка архива: " code { (state.cfg.archive.display()) } " · случаев: " b #case-count { (all.len()) } }
            form.filters method="get" action="/archive" {
                label { "Уровень" select name="level" {
                    option value="" { "все" }
                    @for l in &levels { option value=(l) selected[q.level.as_deref() == Some(l.as_str())] { (l) } }
                } }
                label { "Сроки" select name="state" {
                    option value="" { "все" }
                    option value="due" selected[q.state.as_deref() == Some("due")] { "срок в квартале" }
                    option value="overdue" selected[q.state.as_deref() == Some("overdue")] { "просрочено" }
                } }
                label { "Открыт с" (date_input("from", q.from.as_deref())) }
                label { "по" (date_input("to", q.to.as_deref())) }
                button type="submit" { "Показать" }
            }
            @if let Some(e) = &period_error { p.message role="alert" { (e) } }
            table.list #cases {
                thead { tr { th { "Случай" } th { "Уровень" } th { "Открыт" } th { "Организация" } th { "Версия" } th { "Сроки" } } }
                tbody {
                    @for r in &shown {
                        @let (text, cls) = deadline_text(&r.deadline);
                        tr {
                            td { a href={"/archive/case/" (r.id)} { (r.id) } }
                            td { (r.level) }
                            td { @if let Some(d) = r.opened { (d.format("%d.%m.%Y")) } }
                            td { (r.agency) }
                            td { (r.version) }
                            td class=(cls) { (text) }
                        }
                    }
                }
            }
            @if shown.is_empty() { p.note { "Случаев нет." } }
            div.actions {
                form.inline method="post" action="/archive/verify" {
                    input type="hidden" name="csrf" value=(s.csrf);
                    button #verify type="submit" { "Проверить целостность архива" }
                }
            }
            @if secretary {
                form.filters method="post" action="/archive/export" {
                    input type="hidden" name="csrf" value=(s.csrf);
                    label { "Выгрузить с" (date_input("from", None)) }
                    label { "по" (date_input("to", None)) }
                    button type="submit" { "Выгрузить период (tar)" }
                }
            }
        },
    )
    .into_response()
}

/// `GET /archive/case/{case}`: the versions of a case and their forms.
pub async fn case_page(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath(case): UrlPath<String>,
) -> Response {
    if !crate::validate::case_id_is_safe(&case) {
        return message(
            StatusCode::NOT_FOUND,
            "Не найдено",
            "Такого случая нет в архиве.",
        );
    }
    let root = state.cfg.archive.clone();
    let versions = crate::archive::case_versions(&root, &case);
    if versions.is_empty() {
        return message(
            StatusCode::NOT_FOUND,
            "Не найдено",
            "Такого случая нет в архиве.",
        );
    }
    let files = |v: u32| crate::archive::payload_forms(&root, &case, v);
    layout(
        "Случай",
        "/archive",
        Some(&s),
        html! {
            p { a href="/archive" { "← К списку случаев" } }
            h1 { "Случай " (case) }
            @for v in versions.iter().rev() {
                section.file {
                    h2 { "Версия " (v) }
                    @let info = crate::archive::read_bag_info(&crate::archive::bag_dir(&root, &case, *v));
                    @if let Some((_, d)) = info.iter().find(|(k, _)| k == "Bagging-Date") {
                        p { "Упакован: " (NaiveDate::parse_from_str(d, "%Y-%m-%d").map(|d| d.format("%d.%m.%Y").to_string()).unwrap_or_else(|_| d.clone())) }
                    }
                    ul.files {
                        @for f in files(*v) {
                            li { a href={"/archive/file/" (case) "/" (v) "/" (f)} title=(f) { (form_label(&f)) } }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

/// `GET /archive/file/{case}/{version}/{path}`: a form from a bag's payload.
pub async fn bag_file(
    State(state): State<Shared>,
    UrlPath((case, version, path)): UrlPath<(String, u32, String)>,
) -> Response {
    let Some(file) = crate::archive::payload_form(&state.cfg.archive, &case, version, &path) else {
        return message(StatusCode::NOT_FOUND, "Не найдено", "Такого файла нет.");
    };
    match std::fs::read(&file) {
        Ok(bytes) => {
            let kind = if path.ends_with(".pdf") {
                "application/pdf"
            } else {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            };
            let name = path.rsplit('/').next().unwrap_or("файл");
            download(&format!("{case}-v{version}-{name}"), kind, bytes)
        }
        Err(_) => message(StatusCode::NOT_FOUND, "Не найдено", "Такого файла нет."),
    }
}

pub(crate) fn download(name: &str, kind: &'static str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, disposition(name)),
        ],
        bytes,
    )
        .into_response()
}

/// `file` (in `dir`, removed once it is sent or the client leaves) as a download, read
/// from disk a piece at a time.
fn download_file(dir: tempfile::TempDir, file: &Path, name: &str, kind: &'static str) -> Response {
    use std::io::Read;
    let (mut f, len) = match std::fs::File::open(file).and_then(|f| {
        let len = f.metadata()?.len();
        Ok((f, len))
    }) {
        Ok(x) => x,
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()),
    };
    let (send, receive) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(2);
    tokio::task::spawn_blocking(move || {
        loop {
            let mut piece = vec![0u8; 256 << 10];
            let sent = match f.read(&mut piece) {
                Ok(0) => break,
                Ok(n) => {
                    piece.truncate(n);
                    send.blocking_send(Ok(piece))
                }
                Err(e) => send.blocking_send(Err(e)),
            };
            if sent.is_err() {
                break;
            }
        }
        // Closed before its folder goes (Windows removes no open file).
        drop(f);
        drop(dir);
    });
    let pieces =
        futures_util::stream::unfold(
            receive,
            |mut r| async move { r.recv().await.map(|p| (p, r)) },
        );
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, disposition(name)),
            (header::CONTENT_LENGTH, len.to_string()),
        ],
        axum::body::Body::from_stream(pieces),
    )
        .into_response()
}

/// `Content-Disposition` of a download named `name` (any script), for every browser.
fn disposition(name: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A bag (`<case-id>/v<N>`) and its problems (none: intact).
type BagResult = (String, Vec<String>);

/// A verification of the whole archive running in the background: bags done of all, and
/// each bag's problems when finished.
#[derive(Default)]
pub struct Verification {
    total: std::sync::atomic::AtomicUsize,
    done: std::sync::atomic::AtomicUsize,
    results: std::sync::Mutex<Option<Vec<BagResult>>>,
    owner: String,
}

/// `POST /archive/verify`: every bag checked in full, in the background; the page shows the
/// progress.
pub async fn verify(State(state): State<Shared>, Extension(s): Extension<Session>) -> Response {
    let id = super::auth::token();
    let v = std::sync::Arc::new(Verification {
        owner: s.user_name().to_string(),
        ..Verification::default()
    });
    {
        let mut all = state
            .verifications
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if all.len() > 50 {
            all.clear();
        }
        all.insert(id.clone(), v.clone());
    }
    let root = state.cfg.archive.clone();
    let st = state.clone();
    let user = s.user_name().to_string();
    tokio::task::spawn_blocking(move || {
        use std::sync::atomic::Ordering;
        let bags = crate::archive::bags(&root);
        v.total.store(bags.len(), Ordering::Relaxed);
        let mut results = Vec::new();
        for b in bags {
            let r = crate::bagit::verify_bag(&b);
            let name = b
                .strip_prefix(&root)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            results.push((name, r.errors));
            v.done.fetch_add(1, Ordering::Relaxed);
        }
        let broken = results.iter().filter(|(_, e)| !e.is_empty()).count();
        let cases: Vec<String> = results
            .iter()
            .filter_map(|(n, _)| n.split('/').next().map(String::from))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        audit(
            &st,
            &user,
            "verify",
            &cases,
            &format!("пакетов {}, с нарушениями {broken}", results.len()),
        );
        *v.results.lock().unwrap_or_else(|e| e.into_inner()) = Some(results);
    });
    axum::response::Redirect::to(&format!("/archive/verify/{id}")).into_response()
}

/// `GET /archive/verify/{id}`: the progress (the page reloads itself each second) and then
/// the result of a verification.
pub async fn verify_page(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    use std::sync::atomic::Ordering;
    let v = state
        .verifications
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&id)
        .filter(|v| v.owner == s.user_name())
        .cloned();
    let Some(v) = v else {
        return message(StatusCode::NOT_FOUND, "Не найдено", "Такой проверки нет.");
    };
    let results = v.results.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let (done, total) = (
        v.done.load(Ordering::Relaxed),
        v.total.load(Ordering::Relaxed),
    );
    let Some(results) = results else {
        let body = html! {
            h1 { "Проверка целостности архива" }
            p #verify-progress { "Проверено пакетов: " (done) " из " (total) "…" }
            progress max=(total.max(1)) value=(done) {}
            p.note { "Страница обновляется сама." }
        };
        let mut page = layout("Проверка архива", "/archive", Some(&s), body).into_response();
        page.headers_mut()
            .insert(header::REFRESH, axum::http::HeaderValue::from_static("1"));
        return page;
    };
    let broken = results.iter().filter(|(_, e)| !e.is_empty()).count();
    layout(
        "Проверка архива",
        "/archive",
        Some(&s),
        html! {
            h1 { "Проверка целостности архива" }
            p #verify-result class=(if broken == 0 { "ok big" } else { "bad big" }) {
                @if broken == 0 { "Архив цел: проверено пакетов " (results.len()) ", нарушений нет." }
                @else { "Пакетов с нарушениями: " (broken) " из " (results.len()) "." }
            }
            table.list {
                thead { tr { th { "Пакет" } th { "Результат" } } }
                tbody {
                    @for (name, errors) in &results {
                        tr {
                            td { (name) }
                            td class=(if errors.is_empty() { "ok" } else { "bad" }) {
                                @if errors.is_empty() { "пакет цел" } @else {
                                    "пакет НЕ цел" ul { @for e in errors { li { (e) } } }
                                }
                            }
                        }
                    }
                }
            }
            p { a.button href="/archive" { "← К архиву" } }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct PeriodForm {
    from: Option<String>,
    to: Option<String>,
}

/// `POST /archive/export`: the bags of a period as one tar.
pub async fn export(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    axum::Form(f): axum::Form<PeriodForm>,
) -> Response {
    let root = state.cfg.archive.clone();
    let today = state.today();
    let (from, to) = match period(&f.from, &f.to) {
        Ok(p) => p,
        Err(e) => return message(StatusCode::BAD_REQUEST, "Выгрузка не сделана", &e),
    };
    let tmp = match tempfile::Builder::new()
        .prefix("export-")
        .tempdir_in(state.work.path())
    {
        Ok(t) => t,
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()),
    };
    // Written to disk as `okno export` writes it, then sent from there: the server never
    // holds the tar, however large the archive.
    let out = tmp.path().join("export.tar");
    let o = out.clone();
    let done =
        tokio::task::spawn_blocking(move || crate::archive::export(&root, from, to, &o, today))
            .await;
    match done {
        Ok(Ok(e)) => {
            let cases: Vec<String> = e
                .bags
                .iter()
                .filter_map(|b| b.split(['/', '\\']).next().map(String::from))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            audit(
                &state,
                s.user_name(),
                "export",
                &cases,
                &format!("пакетов {}", e.bags.len()),
            );
            download_file(tmp, &out, "выгрузка-архива.tar", "application/x-tar")
        }
        Ok(Err(e)) => message(StatusCode::BAD_REQUEST, "Выгрузка не сделана", &e),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()),
    }
}

#[derive(Deserialize)]
pub struct QuarterQuery {
    q: Option<String>,
    /// A territory of the catalog (code); empty or absent: the whole archive.
    t: Option<String>,
}

/// The folder of the quarterly runs in the server's work folder: `<label>/…`, by the
/// canonical label only.
const QUARTERS: &str = "quarter";
/// Quarter folders kept at once; an older one is removed (its page is simply opened again).
const KEPT_QUARTERS: usize = 4;
/// Replacing a quarter's folder and pruning the others, one server thread at a time.
static QUARTER_SWAP: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The quarterly run into the server's folder for that quarter: rendered into a fresh
/// folder, which then replaces the quarter's (no file of another territory's run is left
/// in it); only the `KEPT_QUARTERS` newest quarters are kept. Returns the run and the folder
/// its file paths are under.
async fn run_quarter(
    state: &Shared,
    label: &str,
    territory: Option<&str>,
) -> Result<(crate::report::QuarterDone, PathBuf), String> {
    // One spelling, one folder: `2026-q4`, `2026 4` and `2026-Q4` are the same quarter.
    let label = Quarter::parse(label).map_err(|e| e.to_string())?.label();
    let quarters = state.work.path().join(QUARTERS);
    let root = state.cfg.archive.clone();
    let today = state.today();
    let t = territory.map(str::to_string);
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&quarters).map_err(|e| e.to_string())?;
        let fresh = tempfile::Builder::new()
            .prefix(".run-")
            .tempdir_in(&quarters)
            .map_err(|e| e.to_string())?;
        let done = crate::report::run_quarter(&label, &root, fresh.path(), today, t.as_deref())
            .map_err(|e| e.to_string())?;
        let out = crate::safe_path::join(&quarters, [&label]).map_err(|e| e.0.to_string())?;
        let _one = QUARTER_SWAP.lock().unwrap_or_else(|e| e.into_inner());
        match std::fs::remove_dir_all(&out) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.to_string()),
            _ => {}
        }
        let base = fresh.keep();
        std::fs::rename(&base, &out).map_err(|e| e.to_string())?;
        prune_quarters(&quarters);
        Ok((done, base))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Removes all but the `KEPT_QUARTERS` newest quarter folders (runs in flight are left).
fn prune_quarters(quarters: &Path) {
    let Ok(entries) = std::fs::read_dir(quarters) else {
        return;
    };
    let mut folders: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with(".run-"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    folders.sort();
    let old = folders.len().saturating_sub(KEPT_QUARTERS);
    for (_, f) in folders.into_iter().take(old) {
        let _ = std::fs::remove_dir_all(f);
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
    let territory = q.t.clone().filter(|t| !t.is_empty());
    let result = match Quarter::parse(&label) {
        Ok(_) => Some(run_quarter(&state, &label, territory.as_deref()).await),
        Err(e) => Some(Err(e.to_string())),
    };
    // The same fold as the summary's, case by case over the archive (never all cases at once).
    let report = {
        let root = state.cfg.archive.clone();
        let (l, t) = (label.clone(), territory.clone());
        tokio::task::spawn_blocking(move || -> Result<report::QuarterReport, String> {
            let q = Quarter::parse(&l).map_err(|e| e.to_string())?;
            let only = crate::report::territory_arg(t.as_deref()).map_err(|e| e.to_string())?;
            let mut fold = report::QuarterFold::new(q, today, only);
            crate::archive::each_newest_case(&root, |c| fold.add(&c))?;
            Ok(fold.finish())
        })
        .await
        .ok()
        .and_then(Result::ok)
    };
    let territories = crate::catalog::catalog().list("territory");
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
                Some(Ok((done, out))) => {
                    div #quarter-summary {
                    div.summary {
                        span { (done.label) }
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
                    @if let Some(r) = &report {
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
                    }
                    h2 { "Файлы" }
                    ul.files #quarter-files {
                        @for f in &done.written.files {
                            @if let Ok(rel) = f.strip_prefix(&out) {
                                @let rel = rel.to_string_lossy().replace('\\', "/");
                                li { a href={"/quarter/file/" (label) "/" (rel)} { (rel) } }
                            }
                        }
                    }
                    h2 { "Формы мониторинга квартала" }
                    @let forms = relative(&done.form_files, &out);
                    @if forms.is_empty() {
                        p.note #monitoring-forms { "Мониторингов с датой в этом квартале нет." }
                    } @else {
                        div.actions {
                            a.button.primary #monitoring-zip href={"/quarter/forms.zip?" (quarter_query(&label, territory.as_deref()))} {
                                "Скачать формы мониторинга (zip, " (forms.len()) " " (files_word(forms.len())) ")"
                            }
                        }
                        table.list #monitoring-forms {
                            thead { tr { th { "Случай" } th { "Формы" } } }
                            tbody {
                                @for (case, files) in by_case(&forms) {
                                    tr {
                                        td { a href={"/archive/case/" (case)} { (case) } }
                                        td { @for f in files { a href={"/quarter/file/" (label) "/" (f)} title=(f) { (form_label(f)) } " " } }
                                    }
                                }
                            }
                        }
                    }
                    @for e in &done.written.failures { p.bad { (e) } }
                },
                Some(Err(e)) => { p.message role="alert" { (e) } },
                None => {},
            }
        },
    )
    .into_response()
}

/// A form file's name in the page's words: `monitoring-2.pdf` → «Мониторинг № 2 (PDF)».
fn form_label(path: &str) -> String {
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

/// `<case-id>/<file>` paths grouped by case, in order.
fn by_case(files: &[String]) -> Vec<(&str, Vec<&str>)> {
    let mut out: Vec<(&str, Vec<&str>)> = Vec::new();
    for f in files {
        let case = f.split('/').next().unwrap_or("");
        match out.last_mut() {
            Some((c, fs)) if *c == case => fs.push(f),
            _ => out.push((case, vec![f])),
        }
    }
    out
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
    Query(q): Query<QuarterQuery>,
) -> Response {
    let typed = q.q.unwrap_or_else(|| quarter_code(state.today()));
    let Ok(label) = Quarter::parse(&typed).map(|q| q.label()) else {
        return message(
            StatusCode::BAD_REQUEST,
            "Квартал не указан",
            "Квартал записывается как ГГГГ-QN, например 2026-Q4.",
        );
    };
    let territory = q.t.filter(|t| !t.is_empty());
    let tmp = match tempfile::Builder::new()
        .prefix("quarter-forms-")
        .tempdir_in(state.work.path())
    {
        Ok(t) => t,
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()),
    };
    let root = state.cfg.archive.clone();
    let today = state.today();
    let (l, t) = (label.clone(), territory.clone());
    let done = tokio::task::spawn_blocking(move || -> Result<(Vec<u8>, usize), String> {
        let out = tmp.path();
        let done = crate::report::run_quarter(&l, &root, out, today, t.as_deref())
            .map_err(|e| e.to_string())?;
        if let Some(e) = done.written.failures.first() {
            return Err(e.clone());
        }
        let n = done.form_files.len();
        zip_files(out, &done.form_files).map(|z| (z, n))
    })
    .await;
    match done {
        Ok(Ok((_, 0))) => message(
            StatusCode::NOT_FOUND,
            "Форм нет",
            "Мониторингов с датой в этом квартале нет.",
        ),
        Ok(Ok((bytes, _))) => {
            // Named by the quarter and the territory's catalog code only.
            let code = territory
                .as_deref()
                .and_then(crate::model::Territory::parse)
                .map(|t| format!("-{}", t.code()))
                .unwrap_or_default();
            download(
                &format!("формы-мониторинга-{label}{code}.zip"),
                "application/zip",
                bytes,
            )
        }
        Ok(Err(e)) => message(StatusCode::BAD_REQUEST, "Формы не собраны", &e),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()),
    }
}

/// A zip of `files` (under `base`, named relative to it), sorted, with fixed times and the
/// Unix «version made by»: the same forms give the same bytes on every system.
fn zip_files(base: &Path, files: &[PathBuf]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut names: Vec<(String, &PathBuf)> = files
        .iter()
        .filter_map(|f| {
            f.strip_prefix(base)
                .ok()
                .map(|r| (r.to_string_lossy().replace('\\', "/"), f))
        })
        .collect();
    names.sort();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, path) in names {
        zip.start_file(name, opts).map_err(|e| e.to_string())?;
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    let bytes = zip.finish().map_err(|e| e.to_string())?.into_inner();
    Ok(crate::portable_zip::portable(bytes))
}

fn kind_of(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("pdf") => "application/pdf",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// `GET /quarter/file/{q}/{path}`: a file of the quarterly run.
pub async fn quarter_file(
    State(state): State<Shared>,
    UrlPath((q, path)): UrlPath<(String, String)>,
) -> Response {
    // Only the canonical label names a folder (the page links with it).
    let file = match Quarter::parse(&q) {
        Ok(quarter) if quarter.label() == q => {
            crate::safe_path::join(&state.work.path().join(QUARTERS), [&q])
                .and_then(|dir| crate::safe_path::join_url(&dir, &path))
        }
        _ => Err(crate::safe_path::Refused("not a quarter")),
    };
    let Ok(file) = file else {
        return message(StatusCode::NOT_FOUND, "Не найдено", "Такого файла нет.");
    };
    match std::fs::read(&file) {
        Ok(b) => {
            let name = path.replace('/', "-");
            download(&name, kind_of(&path), b)
        }
        Err(_) => message(
            StatusCode::NOT_FOUND,
            "Не найдено",
            "Файл не найден: откройте квартал заново.",
        ),
    }
}

/// `GET /api/quarter?q=2026-Q4`: the quarter's figures as JSON.
pub async fn api_quarter(State(state): State<Shared>, Query(q): Query<QuarterQuery>) -> Response {
    let label = q.q.unwrap_or_else(|| quarter_code(state.today()));
    let territory = q.t.filter(|t| !t.is_empty());
    match run_quarter(&state, &label, territory.as_deref()).await {
        Ok((d, _)) => axum::Json(serde_json::json!({
            "quarter": d.label, "active": d.active, "monitoring_forms": d.forms,
            "overdue": d.overdue, "due": d.due, "missed": d.missed,
            "received": d.received, "waiting": d.waiting, "sw_overdue": d.sw_overdue,
            "late": d.late,
        }))
        .into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({ "error": e })),
        )
            .into_response(),
    }
}

#[derive(Deserialize, Default)]
pub struct LogQuery {
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// A territory of the catalog (code); empty or absent: the whole archive.
    t: Option<String>,
    format: Option<String>,
    /// The page of the preview, from 1.
    p: Option<usize>,
}

/// Rows of a log shown on one page.
const LOG_PAGE: usize = 200;

impl LogQuery {
    fn kind(&self) -> crate::forms::LogKind {
        match self.kind.as_deref() {
            Some("intake") => crate::forms::LogKind::Intake,
            _ => crate::forms::LogKind::Detection,
        }
    }
    fn territory(&self) -> Option<&str> {
        self.t.as_deref().filter(|t| !t.is_empty())
    }
    /// The choice as a query (kind, period, territory), for the links that keep it.
    fn query(&self, extra: &[(&str, String)]) -> String {
        let mut q: Vec<(&str, String)> = vec![(
            "kind",
            match self.kind() {
                crate::forms::LogKind::Intake => "intake",
                crate::forms::LogKind::Detection => "detection",
            }
            .to_string(),
        )];
        for (k, v) in [("from", &self.from), ("to", &self.to), ("t", &self.t)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                q.push((k, v.to_string()));
            }
        }
        q.extend(extra.iter().cloned());
        serde_urlencoded::to_string(q).unwrap_or_default()
    }
}

/// `GET /logs[?kind=&from=&to=&t=&p=]`: pick a log, a period and a territory; once picked, the
/// log's rows as the log prints them (a page of them) and its downloads.
pub async fn logs_page(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<LogQuery>,
) -> Response {
    let territories = crate::catalog::catalog().list("territory");
    let picked = q.kind.is_some();
    let page = q.p.unwrap_or(1).max(1);
    let preview = if picked {
        let root = state.cfg.archive.clone();
        let kind = q.kind();
        let dates = period(&q.from, &q.to);
        let t = q.territory().map(str::to_string);
        let start = (page - 1) * LOG_PAGE;
        let done = tokio::task::spawn_blocking(move || {
            let (from, to) = dates.map_err(crate::error::Error::Usage)?;
            let only = crate::report::territory_arg(t.as_deref())?;
            crate::report::log_preview(
                kind,
                &root,
                from.map(crate::model::Date),
                to.map(crate::model::Date),
                only.as_ref(),
                start..start + LOG_PAGE,
            )
        })
        .await;
        Some(match done {
            Ok(r) => r.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        })
    } else {
        None
    };
    let intake = q.kind() == crate::forms::LogKind::Intake;
    layout(
        "Журналы",
        "/logs",
        Some(&s),
        html! {
            h1 { "Журналы" }
            p.lead { "Журнал по архиву за период: журнал учёта — по дате выявления, журнал «Единого окна» — по дате поступления сведений. Выберите журнал, период и территорию и нажмите «Показать»: журнал откроется на странице, его можно скачать в PDF, DOCX и XLSX." }
            form.filters #log-form method="get" action="/logs" {
                label { "Журнал" select name="kind" {
                    option value="detection" selected[!intake] { "Журнал учёта (Прил. 1)" }
                    option value="intake" selected[intake] { "Журнал «Единого окна»" }
                } }
                label { "С" (date_input("from", q.from.as_deref())) }
                label { "по" (date_input("to", q.to.as_deref())) }
                label { "Территория"
                    select name="t" {
                        option value="" { "все территории" }
                        @for (code, name) in territories {
                            option value=(code) selected[q.territory() == Some(code.as_str())] { (name) }
                        }
                    }
                }
                button.primary type="submit" { "Показать" }
            }
            @match &preview {
                Some(Ok(log)) => {
                    div.actions #log-downloads {
                        span { "Скачать журнал целиком:" }
                        @for (f, label) in [("pdf", "PDF"), ("docx", "DOCX"), ("xlsx", "XLSX")] {
                            a.button href={"/logs/file?" (q.query(&[("format", f.to_string())]))} { (label) }
                        }
                    }
                    @let first = ((page - 1) * LOG_PAGE).min(log.total);
                    p #log-count {
                        @if log.total == 0 {
                            "Записей за этот период нет."
                        } @else {
                            "Записей: " b { (log.total) } " · показаны " (first + 1) "–" (first + log.rows.len())
                            @if log.total > LOG_PAGE { " из " (log.total) }
                        }
                    }
                    @if !log.rows.is_empty() {
                        div.grid-wrap {
                            table.list.log #log {
                                thead {
                                    @for row in &log.header {
                                        tr { @for (text, cols, rows) in row { th colspan=[(*cols > 1).then_some(cols)] rowspan=[(*rows > 1).then_some(rows)] { (text) } } }
                                    }
                                }
                                tbody {
                                    @for row in &log.rows {
                                        tr { @for cell in row { td { (cell) } } }
                                    }
                                }
                            }
                        }
                    }
                    @if log.total > LOG_PAGE {
                        p.actions #log-pages {
                            @if page > 1 {
                                a.button href={"/logs?" (q.query(&[("p", (page - 1).to_string())]))} { "← предыдущие " (LOG_PAGE) }
                            }
                            span { "страница " (page) " из " (log.total.div_ceil(LOG_PAGE)) }
                            @if page * LOG_PAGE < log.total {
                                a.button href={"/logs?" (q.query(&[("p", (page + 1).to_string())]))} { "следующие " (LOG_PAGE) " →" }
                            }
                        }
                    }
                },
                Some(Err(e)) => { p.message role="alert" { (e) } },
                None => {},
            }
        },
    )
    .into_response()
}

/// `GET /logs/file?kind=&from=&to=&t=&format=`: the log, written by `report::run_log`.
pub async fn log_file(State(state): State<Shared>, Query(q): Query<LogQuery>) -> Response {
    let kind = q.kind();
    let ext = match q.format.as_deref() {
        Some("docx") => "docx",
        Some("xlsx") => "xlsx",
        _ => "pdf",
    };
    let (from, to) = match period(&q.from, &q.to) {
        Ok(p) => p,
        Err(e) => return message(StatusCode::BAD_REQUEST, "Журнал не составлен", &e),
    };
    let only = match crate::report::territory_arg(q.territory()) {
        Ok(t) => t,
        Err(e) => {
            return message(
                StatusCode::BAD_REQUEST,
                "Журнал не составлен",
                &e.to_string(),
            );
        }
    };
    let tmp = match tempfile::Builder::new()
        .prefix("log-")
        .tempdir_in(state.work.path())
    {
        Ok(t) => t,
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()),
    };
    // Named by the log and the territory's catalog code, nothing a user typed.
    let name = format!(
        "{}{}.{ext}",
        match kind {
            crate::forms::LogKind::Intake => "журнал-единого-окна",
            crate::forms::LogKind::Detection => "журнал-учета",
        },
        only.as_ref()
            .map(|t| format!("-{}", t.code()))
            .unwrap_or_default()
    );
    let out = tmp.path().join(format!("log.{ext}"));
    let root = state.cfg.archive.clone();
    let o = out.clone();
    let done = tokio::task::spawn_blocking(move || {
        crate::report::run_log(
            kind,
            &root,
            from.map(crate::model::Date),
            to.map(crate::model::Date),
            &o,
            only.as_ref(),
        )
        .map_err(|e| e.to_string())
        .and_then(|_| std::fs::read(&o).map_err(|e| e.to_string()))
    })
    .await;
    match done {
        Ok(Ok(b)) => download(&name, kind_of(ext), b),
        Ok(Err(e)) => message(StatusCode::BAD_REQUEST, "Журнал не составлен", &e),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()),
    }
}

/// `GET /blanks`: the blank workbooks.
pub async fn blanks_page(Extension(s): Extension<Session>) -> Response {
    layout(
        "Бланки",
        "/blanks",
        Some(&s),
        html! {
            h1 { "Бланки" }
            p.lead { "Пустые книги для заполнения: их заполненными и нужно загружать на странице «Проверить и оформить»." }
            ul.files {
                li { a href="/blanks/case" { "Книга случая (xlsx)" } }
                li { a href="/blanks/register" { "Реестр извещений (xlsx)" } }
            }
        },
    )
    .into_response()
}

/// `GET /blanks/{case|register}`.
pub async fn blank(UrlPath(kind): UrlPath<String>) -> Response {
    let (name, bytes) = match kind.as_str() {
        "case" => ("книга-случая.xlsx", crate::workbooks::case_workbook()),
        "register" => ("реестр.xlsx", crate::workbooks::register_workbook()),
        _ => return message(StatusCode::NOT_FOUND, "Не найдено", "Такого бланка нет."),
    };
    match bytes {
        Ok(b) => download(name, kind_of(name), b),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, "Сбой", &e.to_string()),
    }
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
