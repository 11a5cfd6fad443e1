//! «Архив»: the case list with its filters, a case's versions and their forms, the check of
//! the archive's integrity and its export — each a call of the library function the command
//! line makes (`archive`, `bagit::verify_bag`).

use super::auth::Session;
use super::download::download_file;
use super::error::{Error, Result};
use super::extract::Secretary;
use super::fields::{date_input, period};
use super::jobs::Verification;
use super::layout::layout;
use super::quarter::this_quarter;
use super::scope::cases_seen;
use super::state::Shared;
use crate::model::Case;
use crate::report::{self, MonitoringState};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::middleware::from_extractor;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use chrono::NaiveDate;
use maud::html;
use serde::Deserialize;
use std::path::Path;
use std::sync::Arc;

/// The archive's pages.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/archive/export", post(export))
        .route_layer(from_extractor::<Secretary>())
        .route("/archive", get(list))
        .route("/archive/verify", post(verify))
        .route("/archive/verify/{id}", get(verify_page))
}

/// One row of the case list.
struct Row {
    id: String,
    level: String,
    opened: Option<NaiveDate>,
    agency: String,
    version: u32,
    deadline: Option<MonitoringState>,
}

fn opened(c: &Case) -> Option<NaiveDate> {
    c.case_opening
        .as_ref()
        .and_then(|o| o.date)
        .or_else(|| c.notification.as_ref().and_then(|n| n.date_received))
        .or_else(|| c.notification.as_ref().and_then(|n| n.date_sent))
        .map(|d| d.0)
}

fn rows(root: &Path, today: NaiveDate, scope: &crate::index::Scope) -> Result<Vec<Row>> {
    let versions: std::collections::HashMap<String, u32> = crate::archive::list_cases(root)
        .into_iter()
        .map(|(id, v)| (id, v.last().copied().unwrap_or(0)))
        .collect();
    let q = this_quarter(today);
    let mut out = Vec::new();
    crate::archive::each_newest_case(root, |c| {
        if !scope.sees(c.territory.as_ref().map(|t| t.code())) {
            return;
        }
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
    })
    .map_err(Error::failed)?;
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
) -> Result<Response> {
    let root = state.cfg.archive.clone();
    let today = state.today();
    let scope = s.scope();
    let all = tokio::task::spawn_blocking(move || rows(&root, today, &scope))
        .await
        .map_err(Error::fault)?
        .map_err(|e| Error::page(StatusCode::INTERNAL_SERVER_ERROR, "Архив не читается", e))?;
    let levels: std::collections::BTreeSet<String> = all
        .iter()
        .map(|r| r.level.clone())
        .filter(|l| !l.is_empty())
        .collect();
    let (period_error, (from, to)) = match period(&q.from, &q.to) {
        Ok(p) => (None, p),
        Err(e) => (Some(e.to_string()), (None, None)),
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
    let secretary = s.is_secretary();
    Ok(layout(
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
    .into_response())
}

/// `POST /archive/verify`: every bag checked in full, in the background; the page shows the
/// progress. A user limited to territories checks the bags of their territories' cases only.
pub async fn verify(State(state): State<Shared>, Extension(s): Extension<Session>) -> Response {
    let v = Arc::new(Verification {
        owner: s.user_name().to_string(),
        ..Verification::default()
    });
    let id = state.verifications.put(v.clone());
    let root = state.cfg.archive.clone();
    let st = state.clone();
    let user = s.user_name().to_string();
    let scope = s.scope();
    tokio::task::spawn_blocking(move || {
        use std::sync::atomic::Ordering;
        let mut bags = crate::archive::bags(&root);
        if let Some(seen) = cases_seen(&root, &scope) {
            bags.retain(|b| {
                b.parent()
                    .and_then(|c| c.file_name())
                    .and_then(|c| c.to_str())
                    .is_some_and(|c| seen.contains(c))
            });
        }
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
        st.audit(
            &user,
            "verify",
            &cases,
            &format!("пакетов {}, с нарушениями {broken}", results.len()),
        );
        *v.results.lock().unwrap_or_else(|e| e.into_inner()) = Some(results);
    });
    Redirect::to(&format!("/archive/verify/{id}")).into_response()
}

/// `GET /archive/verify/{id}`: the progress (the page reloads itself each second) and then
/// the result of a verification.
pub async fn verify_page(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response> {
    use std::sync::atomic::Ordering;
    let v = state
        .verifications
        .get(&id, &s)
        .ok_or_else(|| Error::page(StatusCode::NOT_FOUND, "Не найдено", "Такой проверки нет."))?;
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
        return Ok(page);
    };
    let broken = results.iter().filter(|(_, e)| !e.is_empty()).count();
    Ok(layout(
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
    .into_response())
}

#[derive(Deserialize)]
pub struct PeriodForm {
    from: Option<String>,
    to: Option<String>,
}

/// `POST /archive/export`: the bags of a period as one tar (of the user's territories).
pub async fn export(
    State(state): State<Shared>,
    Secretary(s): Secretary,
    axum::Form(f): axum::Form<PeriodForm>,
) -> Result<Response> {
    let refused = |e: Error| Error::page(StatusCode::BAD_REQUEST, "Выгрузка не сделана", e);
    let root = state.cfg.archive.clone();
    let today = state.today();
    let (from, to) = period(&f.from, &f.to).map_err(refused)?;
    let tmp = state.scratch("export-").map_err(Error::fault)?;
    // Written to disk as `okno export` writes it, then sent from there: the server never
    // holds the tar, however large the archive.
    let out = tmp.path().join("export.tar");
    let o = out.clone();
    let scope = s.scope();
    let e = tokio::task::spawn_blocking(move || {
        let seen = cases_seen(&root, &scope);
        let keep = |case: &str| seen.as_ref().is_none_or(|s| s.contains(case));
        crate::archive::export_cases(&root, from, to, &o, today, &keep)
    })
    .await
    .map_err(Error::fault)?
    .map_err(|e| refused(Error::failed(e)))?;
    let cases: Vec<String> = e
        .bags
        .iter()
        .filter_map(|b| b.split(['/', '\\']).next().map(String::from))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    state.audit(
        s.user_name(),
        "export",
        &cases,
        &format!("пакетов {}", e.bags.len()),
    );
    download_file(tmp, &out, "выгрузка-архива.tar")
}
