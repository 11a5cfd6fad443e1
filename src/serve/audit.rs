//! «Журнал действий»: the archive's audit log (`.okno-audit.jsonl`: who did what, when, with
//! case IDs only) for an administrator, newest first, a page at a time, filtered by user,
//! action and date. Anyone else gets the page as missing.

use super::auth::Session;
use super::error::{Error, Result};
use super::fields::{date_input, period};
use super::layout::layout;
use super::state::{AUDIT_FILE, Shared};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use maud::html;
use serde::Deserialize;

pub fn router() -> Router<Shared> {
    Router::new().route("/audit", get(audit_page))
}

/// Lines of the log on one page.
const AUDIT_PAGE: usize = 50;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    user: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<usize>,
}

/// One line of the log as `AppState::audit` writes it.
#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    time: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    cases: Vec<String>,
    #[serde(default)]
    result: String,
}

/// The actions' names on the page; an action not listed shows as written.
fn action_ru(action: &str) -> &str {
    match action {
        "login" => "вход",
        "archive" => "сохранение в архив",
        "export" => "выгрузка",
        "verify" => "проверка целостности",
        "view" | "case" => "просмотр случая",
        "search" => "поиск",
        other => other,
    }
}

/// `GET /audit[?user=&action=&from=&to=&page=]`: the audit log, newest first.
pub async fn audit_page(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<AuditQuery>,
) -> Result<Response> {
    if !s.is_admin() {
        return Err(Error::page(
            StatusCode::NOT_FOUND,
            "Не найдено",
            "Такой страницы нет.",
        ));
    }
    let (period_error, (from, to)) = match period(&q.from, &q.to) {
        Ok(p) => (None, p),
        Err(e) => (Some(e.to_string()), (None, None)),
    };
    let path = state.cfg.archive.join(AUDIT_FILE);
    let text =
        tokio::task::spawn_blocking(move || std::fs::read_to_string(path).unwrap_or_default())
            .await
            .map_err(Error::fault)?;
    // A line that does not read (cut by a crash) is left out, never the page.
    let lines: Vec<Line> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let mut users: Vec<&str> = lines.iter().map(|l| l.user.as_str()).collect();
    users.sort_unstable();
    users.dedup();
    let mut actions: Vec<&str> = lines.iter().map(|l| l.action.as_str()).collect();
    actions.sort_unstable();
    actions.dedup();
    let wanted = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let (user, action) = (wanted(&q.user), wanted(&q.action));
    // The time is local ISO (`2026-12-05T04:16:47+07:00`): its first ten bytes, the date.
    let day = |l: &Line| chrono::NaiveDate::parse_from_str(l.time.get(..10)?, "%Y-%m-%d").ok();
    let shown: Vec<&Line> = lines
        .iter()
        .rev()
        .filter(|l| user.as_deref().is_none_or(|u| l.user == u))
        .filter(|l| action.as_deref().is_none_or(|a| l.action == a))
        .filter(|l| from.is_none_or(|f| day(l).is_some_and(|d| d >= f)))
        .filter(|l| to.is_none_or(|t| day(l).is_some_and(|d| d <= t)))
        .collect();
    let pages = shown.len().div_ceil(AUDIT_PAGE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let link = |p: usize| {
        let mut query: Vec<(&str, String)> = Vec::new();
        for (k, v) in [
            ("user", &q.user),
            ("action", &q.action),
            ("from", &q.from),
            ("to", &q.to),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                query.push((k, v.to_string()));
            }
        }
        query.push(("page", p.to_string()));
        format!(
            "/audit?{}",
            serde_urlencoded::to_string(query).unwrap_or_default()
        )
    };
    Ok(layout(
        "Журнал действий",
        "/audit",
        Some(&s),
        html! {
            h1 { "Журнал действий" }
            p.lead { "Кто, когда и что делал с архивом; случаи — только номерами. Записей: " b #audit-count { (shown.len()) } }
            form.filters method="get" action="/audit" {
                label { "Пользователь" select name="user" {
                    option value="" { "все" }
                    @for u in &users { option value=(u) selected[user.as_deref() == Some(*u)] { (u) } }
                } }
                label { "Действие" select name="action" {
                    option value="" { "все" }
                    @for a in &actions { option value=(a) selected[action.as_deref() == Some(*a)] { (action_ru(a)) } }
                } }
                label { "С" (date_input("from", q.from.as_deref())) }
                label { "по" (date_input("to", q.to.as_deref())) }
                button type="submit" { "Показать" }
            }
            @if let Some(e) = &period_error { p.message role="alert" { (e) } }
            table.list #audit {
                thead { tr { th { "Когда" } th { "Пользователь" } th { "Действие" } th { "Случаи" } th { "Результат" } } }
                tbody {
                    @for l in shown.iter().skip((page - 1) * AUDIT_PAGE).take(AUDIT_PAGE) {
                        tr {
                            td { (l.time.replace('T', " ")) }
                            td { (l.user) }
                            td { (action_ru(&l.action)) }
                            td { (l.cases.join(", ")) }
                            td { (l.result) }
                        }
                    }
                }
            }
            @if shown.is_empty() { p.note { "Записей нет." } }
            @if pages > 1 {
                nav.pages {
                    @if page > 1 { a href=(link(page - 1)) { "← Новее" } " " }
                    span { "Страница " (page) " из " (pages) }
                    @if page < pages { " " a href=(link(page + 1)) { "Старее →" } }
                }
            }
        },
    )
    .into_response())
}
