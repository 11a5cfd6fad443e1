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
        "view" | "case" | "case-view" => "просмотр случая",
        "search" => "поиск",
        "known-link" => "связь с известным случаем",
        "known-different" => "отмечены разные дети",
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
    let wanted = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let (user, action) = (wanted(&q.user), wanted(&q.action));
    let asked = q.page.unwrap_or(1);
    let (u, a) = (user.clone(), action.clone());
    let read = tokio::task::spawn_blocking(move || {
        // The time is local ISO (`2026-12-05T04:16:47+07:00`): its first ten bytes, the date.
        let day = |l: &Line| chrono::NaiveDate::parse_from_str(l.time.get(..10)?, "%Y-%m-%d").ok();
        read_log(&path, asked, |l| {
            u.as_deref().is_none_or(|u| l.user == u)
                && a.as_deref().is_none_or(|a| l.action == a)
                && from.is_none_or(|f| day(l).is_some_and(|d| d >= f))
                && to.is_none_or(|t| day(l).is_some_and(|d| d <= t))
        })
    })
    .await
    .map_err(Error::fault)?;
    let Read {
        total,
        users,
        actions,
        page,
        pages,
        lines: shown,
    } = read;
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
            p.lead { "Кто, когда и что делал с архивом; случаи — только номерами. Записей: " b #audit-count { (total) } }
            form.filters method="get" action="/audit" {
                label { "Пользователь" select name="user" {
                    option value="" { "все" }
                    @for u in &users { option value=(u) selected[user.as_deref() == Some(u.as_str())] { (u) } }
                } }
                label { "Действие" select name="action" {
                    option value="" { "все" }
                    @for a in &actions { option value=(a) selected[action.as_deref() == Some(a.as_str())] { (action_ru(a)) } }
                } }
                label { "С" (date_input("from", q.from.as_deref())) }
                label { "по" (date_input("to", q.to.as_deref())) }
                button type="submit" { "Показать" }
            }
            @if let Some(e) = &period_error { p.message role="alert" { (e) } }
            table.list #audit {
                thead { tr { th { "Когда" } th { "Пользователь" } th { "Действие" } th { "Случаи" } th { "Результат" } } }
                tbody {
                    @for l in &shown {
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

/// One page of the log as the page shows it.
struct Read {
    /// Lines that pass the filters.
    total: usize,
    /// Every user and action of the log (the filters' choices), sorted.
    users: Vec<String>,
    actions: Vec<String>,
    /// The page shown (the one asked for, within the pages there are) and how many.
    page: usize,
    pages: usize,
    /// Its lines, newest first.
    lines: Vec<Line>,
}

/// Reads the log line by line and keeps only what the page shows: the newest `page` pages of
/// the lines `keep` takes, and the choices. A log of years is never held whole; a line that
/// does not read (cut by a crash, not UTF-8) is left out, never the page.
fn read_log(path: &std::path::Path, page: usize, keep: impl Fn(&Line) -> bool) -> Read {
    use std::io::BufRead;
    let mut users = std::collections::BTreeSet::new();
    let mut actions = std::collections::BTreeSet::new();
    let want = page.max(1).saturating_mul(AUDIT_PAGE);
    let mut newest: std::collections::VecDeque<Line> = std::collections::VecDeque::new();
    let mut total: usize = 0;
    if let Ok(file) = std::fs::File::open(path) {
        for bytes in std::io::BufReader::new(file).split(b'\n') {
            let Ok(bytes) = bytes else { break };
            let Ok(line) = serde_json::from_slice::<Line>(&bytes) else {
                continue;
            };
            if !users.contains(&line.user) {
                users.insert(line.user.clone());
            }
            if !actions.contains(&line.action) {
                actions.insert(line.action.clone());
            }
            if keep(&line) {
                total += 1;
                newest.push_back(line);
                if newest.len() > want {
                    newest.pop_front();
                }
            }
        }
    }
    let pages = total.div_ceil(AUDIT_PAGE).max(1);
    // A page past the last shows the last: `newest` then holds every line taken.
    let page = page.clamp(1, pages);
    Read {
        total,
        users: users.into_iter().collect(),
        actions: actions.into_iter().collect(),
        page,
        pages,
        lines: newest
            .into_iter()
            .rev()
            .skip((page - 1) * AUDIT_PAGE)
            .take(AUDIT_PAGE)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_the_page_writes_has_a_russian_name() {
        for a in [
            "login",
            "archive",
            "export",
            "verify",
            "case-view",
            "search",
            "known-link",
            "known-different",
        ] {
            assert_ne!(action_ru(a), a, "{a}");
        }
    }

    #[test]
    fn the_log_is_read_a_page_at_a_time_newest_first_and_a_broken_line_is_left_out() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("audit.jsonl");
        let mut text = Vec::new();
        for i in 0..120 {
            let user = if i % 2 == 0 { "anna" } else { "oleg" };
            text.extend(
                format!(r#"{{"time":"2026-12-05T10:00:00+07:00","user":"{user}","action":"view","cases":["N-{i}"]}}"#)
                    .bytes(),
            );
            text.push(b'\n');
            if i == 7 {
                text.extend(b"{\"time\":\"2026-12-05T10:0\xff\n");
            }
        }
        std::fs::write(&path, &text).expect("write");
        let all = read_log(&path, 1, |_| true);
        assert_eq!((all.total, all.pages, all.page), (120, 3, 1));
        assert_eq!(all.users, ["anna", "oleg"]);
        assert_eq!(all.lines.len(), 50);
        assert_eq!(all.lines[0].cases, ["N-119"]);
        // Page 3 of 3: the oldest 20; a page past the last shows the last.
        for asked in [3, 9] {
            let last = read_log(&path, asked, |_| true);
            assert_eq!(last.page, 3);
            assert_eq!(last.lines.len(), 20);
            assert_eq!(last.lines[19].cases, ["N-0"]);
        }
        let anna = read_log(&path, 2, |l| l.user == "anna");
        assert_eq!((anna.total, anna.page), (60, 2));
        assert_eq!(anna.lines[0].cases, ["N-18"]);
        assert!(
            read_log(&dir.path().join("none"), 1, |_| true)
                .lines
                .is_empty()
        );
    }
}
