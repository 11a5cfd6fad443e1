//! «Сроки»: every pending deadline of the archive's cases, from the index — filtered by
//! territory, agency and curator, by due date, 100 a page, as XLSX and as JSON — and the
//! number overdue beside «Сроки» in the menu (`overdue_menu`).

use super::auth::Session;
use super::case::territory_label;
use super::download::download;
use super::error::{Error, Result};
use super::layout::{OVERDUE, layout};
use super::state::Shared;
use crate::index::{DueFilter, DueItem, Index, Scope};
use crate::model::{AgencyKind, Territory};
use axum::extract::{Query, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use chrono::NaiveDate;
use maud::html;
use serde::Deserialize;

/// The page's rows a page.
const PAGE: u64 = 100;
/// The most rows one XLSX holds.
const XLSX_MAX: u64 = 1_000_000;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/deadlines", get(page))
        .route("/deadlines/xlsx", get(xlsx))
        .route("/api/deadlines", get(api))
}

#[derive(Deserialize, Default, Clone)]
pub struct DueQuery {
    t: Option<String>,
    kind: Option<String>,
    agency: Option<String>,
    curator: Option<String>,
    page: Option<u64>,
}

impl DueQuery {
    fn filter(&self) -> DueFilter {
        DueFilter {
            territory: self.t.clone(),
            agency_kind: self.kind.clone(),
            agency: self.agency.clone(),
            curator: self.curator.clone(),
        }
    }
    /// The filters as a query string (the pager's and the download's links).
    fn query(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("t", &self.t),
            ("kind", &self.kind),
            ("agency", &self.agency),
            ("curator", &self.curator),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_deref().filter(|v| !v.trim().is_empty())?)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// Days past the due date on `today`: positive overdue, 0 due today, negative days left.
fn days_over(due: NaiveDate, today: NaiveDate) -> i64 {
    (today - due).num_days()
}

fn standing(due: NaiveDate, today: NaiveDate) -> String {
    match days_over(due, today) {
        n if n > 0 => format!("просрочено на {n} дн."),
        0 => "срок сегодня".into(),
        n => format!("осталось {} дн.", -n),
    }
}

/// Where the count of D-SW-3 starts, said plainly (the rule counts from the receipt; the
/// page watches a notification without one from the date it was sent).
fn counted_from(d: &DueItem) -> &str {
    if d.rule != "D-SW-3" {
        ""
    } else if d.counted.contains("с отправки") {
        "от даты отправки (поступление не записано)"
    } else {
        "от даты поступления"
    }
}

fn kind_label(code: Option<&str>) -> String {
    code.and_then(|c| AgencyKind::ALL.iter().find(|k| k.code() == c))
        .map(|k| k.label().to_string())
        .unwrap_or_default()
}

/// The index's answer, or the page's refusal.
async fn query(
    state: &Shared,
    scope: Scope,
    filter: DueFilter,
    offset: u64,
    limit: u64,
) -> std::result::Result<Option<(u64, Vec<DueItem>)>, String> {
    let root = state.cfg.archive.clone();
    tokio::task::spawn_blocking(move || match Index::open_read(&root) {
        Ok(ix) => ix
            .deadlines(&scope, &filter, offset, limit)
            .map(Some)
            .map_err(|e| e.to_string()),
        Err(crate::index::Error::Missing(_)) => Ok(None),
        Err(e) => Err(e.to_string()),
    })
    .await
    .map_err(|e| e.to_string())?
}

/// `GET /deadlines`: the page.
async fn page(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<DueQuery>,
) -> Result<Response> {
    let today = state.today();
    let n = q.page.unwrap_or(1).max(1);
    let found = query(&state, s.scope(), q.filter(), (n - 1) * PAGE, PAGE)
        .await
        .map_err(|e| Error::page(StatusCode::INTERNAL_SERVER_ERROR, "Сроки не читаются", e))?;
    let link = q.query();
    let pages = found
        .as_ref()
        .map(|(t, _)| t.div_ceil(PAGE).max(1))
        .unwrap_or(1);
    Ok(layout(
        "Сроки",
        "/deadlines",
        Some(&s),
        html! {
            h1 { "Сроки" }
            p.lead { "Все ожидаемые и пропущенные сроки случаев архива на " (today.format("%d.%m.%Y")) ", по дате срока." }
            form.filters method="get" action="/deadlines" {
                label { "Территория" select name="t" {
                    option value="" { "все" }
                    @for t in Territory::all() {
                        option value=(t.code()) selected[q.t.as_deref() == Some(t.code())] { (t.label()) }
                    }
                } }
                label { "Вид организации" select name="kind" {
                    option value="" { "все" }
                    @for k in AgencyKind::ALL {
                        option value=(k.code()) selected[q.kind.as_deref() == Some(k.code())] { (k.label()) }
                    }
                } }
                label { "Организация" input type="text" name="agency" value=[q.agency.as_deref()] placeholder="начало названия"; }
                label { "Куратор" input type="text" name="curator" value=[q.curator.as_deref()] placeholder="начало ФИО"; }
                button type="submit" { "Показать" }
            }
            @match &found {
                None => p.message role="alert" { "Указатель архива ещё не создан — сроки не показаны. Создайте его: okno index --archive АРХИВ." },
                Some((total, items)) => {
                    p { "Сроков: " b #due-total { (total) } @if pages > 1 { " · страница " (n) " из " (pages) } }
                    table.list #deadlines {
                        thead { tr {
                            th { "Срок" } th { "Состояние" } th { "Случай" } th { "Правило" } th { "Что" }
                            th { "Отсчёт" } th { "Территория" } th { "Организация" } th { "Куратор" }
                        } }
                        tbody {
                            @for d in items {
                                @let over = days_over(d.due, today);
                                tr class=(if over > 0 { "overdue" } else { "" }) {
                                    td { (d.due.format("%d.%m.%Y")) }
                                    td class=(if over > 0 { "bad" } else if over == 0 { "warn" } else { "" }) { (standing(d.due, today)) }
                                    td { a href={"/archive/case/" (d.case_id)} { (d.case_id) } }
                                    td.rule-code { (d.rule) }
                                    td { (d.what) }
                                    td { @if d.rule == "D-SW-3" { b { (counted_from(d)) } br; } span.note { (d.counted) } }
                                    td { (territory_label(d.territory.as_deref())) }
                                    td { (d.agency.clone().unwrap_or_default()) @if let Some(k) = d.agency_kind.as_deref() { br; span.note { (kind_label(Some(k))) } } }
                                    td { (d.curator.clone().unwrap_or_default()) }
                                }
                            }
                        }
                    }
                    @if items.is_empty() { p.note { "Сроков нет." } }
                    p.pager {
                        @if n > 1 { a href={"/deadlines?" (link) "&page=" (n - 1)} { "← предыдущая" } " " }
                        @if n < pages { a href={"/deadlines?" (link) "&page=" (n + 1)} { "следующая →" } }
                    }
                    p { a.button #deadlines-xlsx href={"/deadlines/xlsx?" (link)} { "Скачать XLSX" } }
                },
            }
        },
    )
    .into_response())
}

/// `GET /deadlines/xlsx`: the filtered list as a workbook, `сроки-ГГГГ-ММ-ДД.xlsx`.
async fn xlsx(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<DueQuery>,
) -> Result<Response> {
    let today = state.today();
    let refused =
        |e: String| Error::page(StatusCode::INTERNAL_SERVER_ERROR, "Сроки не выгружены", e);
    let (_, items) = query(&state, s.scope(), q.filter(), 0, XLSX_MAX)
        .await
        .map_err(refused)?
        .ok_or_else(|| {
            refused("указатель архива ещё не создан (okno index --archive АРХИВ)".into())
        })?;
    let bytes = tokio::task::spawn_blocking(move || workbook(&items, today))
        .await
        .map_err(Error::fault)?
        .map_err(|e| refused(e.to_string()))?;
    Ok(download(
        &format!("сроки-{}.xlsx", today.format("%Y-%m-%d")),
        bytes,
    ))
}

fn workbook(
    items: &[DueItem],
    today: NaiveDate,
) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use crate::render::xlsx::{header_format, new_book, saved};
    let mut book = new_book();
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name("Сроки")?;
    let head = header_format();
    let columns: [(&str, f64); 11] = [
        ("Срок", 12.0),
        ("Дней сверх срока (минус — осталось)", 14.0),
        ("Состояние", 22.0),
        ("Случай", 18.0),
        ("Правило", 16.0),
        ("Что", 40.0),
        ("Отсчёт", 40.0),
        ("Территория", 24.0),
        ("Организация", 30.0),
        ("Вид организации", 20.0),
        ("Куратор", 28.0),
    ];
    for (c, (name, width)) in columns.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
        ws.write_string_with_format(0, c as u16, *name, &head)?;
    }
    for (i, d) in items.iter().enumerate() {
        let r = i as u32 + 1;
        let counted = match counted_from(d) {
            "" => d.counted.clone(),
            from => format!("{from}: {}", d.counted),
        };
        ws.write_string(r, 0, d.due.format("%d.%m.%Y").to_string())?;
        ws.write_number(r, 1, days_over(d.due, today) as f64)?;
        ws.write_string(r, 2, standing(d.due, today))?;
        ws.write_string(r, 3, &d.case_id)?;
        ws.write_string(r, 4, &d.rule)?;
        ws.write_string(r, 5, &d.what)?;
        ws.write_string(r, 6, counted)?;
        ws.write_string(r, 7, territory_label(d.territory.as_deref()))?;
        ws.write_string(r, 8, d.agency.as_deref().unwrap_or(""))?;
        ws.write_string(r, 9, kind_label(d.agency_kind.as_deref()))?;
        ws.write_string(r, 10, d.curator.as_deref().unwrap_or(""))?;
    }
    saved(&mut book)
}

/// `GET /api/deadlines[?t=CODE]`: `{"total", "items": [{"case_id", "rule", "what", "due"
/// (ДД.ММ.ГГГГ), "days_over"}]}`; `days_over` is positive when overdue, 0 on the due date,
/// negative for the days left. 100 a page (`page=N`).
async fn api(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<DueQuery>,
) -> Result<Response> {
    let today = state.today();
    let n = q.page.unwrap_or(1).max(1);
    let (total, items) = query(&state, s.scope(), q.filter(), (n - 1) * PAGE, PAGE)
        .await
        .map_err(|e| Error::api(StatusCode::INTERNAL_SERVER_ERROR, e))?
        .unwrap_or_default();
    Ok(axum::Json(serde_json::json!({
        "total": total,
        "items": items.iter().map(|d| serde_json::json!({
            "case_id": d.case_id,
            "rule": d.rule,
            "what": d.what,
            "due": d.due.format("%d.%m.%Y").to_string(),
            "days_over": days_over(d.due, today),
        })).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// The menu's counts kept: (archive, scope, day, index generation) → overdue items.
type CountKey = (
    std::path::PathBuf,
    crate::index::Scope,
    chrono::NaiveDate,
    i64,
);
static COUNTS: std::sync::Mutex<Vec<(CountKey, u64)>> = std::sync::Mutex::new(Vec::new());

/// The menu's «Сроки (N)»: the overdue deadlines the signed-in user sees (one COUNT on the
/// index when the archive, the day or the user's scope changed; none without an index),
/// handed to `layout`.
pub async fn overdue_menu(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let page =
        req.method() == Method::GET && !path.starts_with("/api/") && !path.starts_with("/static/");
    let session = req
        .extensions()
        .get::<Session>()
        .filter(|s| page && s.user.is_some())
        .map(|s| s.scope());
    let Some(scope) = session else {
        return next.run(req).await;
    };
    let root = state.cfg.archive.clone();
    let today = state.today();
    let count = tokio::task::spawn_blocking(move || {
        let ix = Index::open_read(&root).ok()?;
        // Counted once per archive state, day and scope: every page shows it.
        let key = (root, scope, today, ix.generation().ok()?);
        let kept = || COUNTS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, n)) = kept().iter().find(|(k, _)| *k == key) {
            return Some(*n);
        }
        let n = ix.overdue(&key.1, today).ok()?;
        let mut counts = kept();
        counts.retain(|(k, _)| k.3 == key.3);
        counts.insert(0, (key, n));
        counts.truncate(16);
        Some(n)
    })
    .await
    .ok()
    .flatten();
    OVERDUE.scope(count, next.run(req)).await
}
