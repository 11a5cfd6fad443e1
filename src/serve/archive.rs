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
use crate::index;
use crate::model::{AgencyKind, RiskLevel, Territory};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::middleware::from_extractor;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use chrono::NaiveDate;
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

/// The archive's pages.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/archive/export", post(export))
        .route_layer(from_extractor::<Secretary>())
        .route("/archive", get(list))
        .route("/api/cases", get(api_cases))
        .route("/archive/verify", post(verify))
        .route("/archive/verify/{id}", get(verify_page))
}

/// The list's address: its filters, sort and page, as typed (`ListQuery::ask` reads them).
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    level: Option<String>,
    /// Deadlines: `overdue` or `due` (the API also takes a work state here).
    state: Option<String>,
    /// The work state: one of `index::STATES`.
    work: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// A territory (code or name).
    t: Option<String>,
    /// An agency kind (code or name).
    kind: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
}

/// The work states in the page's words.
const WORK: [(&str, &str); 4] = [
    ("notification", "извещение"),
    ("plan", "ведомственный план"),
    ("open", "случай открыт"),
    ("closed", "работа завершена"),
];

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl ListQuery {
    /// The index's question, and the message about a period that is not a date (the
    /// period is then left out).
    fn ask(&self, today: NaiveDate) -> (index::Ask, Option<String>) {
        let mut errors: Vec<String> = Vec::new();
        let (from, to) = match period(&self.from, &self.to) {
            Ok(p) => p,
            Err(e) => {
                errors.push(e.to_string());
                (None, None)
            }
        };
        // A value the list does not know is said, not dropped: a filter silently ignored
        // would show every case as if it were the answer.
        let mut known = |what: &str, typed: Option<&str>, found: Option<String>| {
            if let (Some(typed), None) = (typed, &found) {
                errors.push(format!("{what}: «{typed}» — нет такого значения"));
            }
            found
        };
        let work = |v: Option<&str>| {
            v.and_then(|v| index::STATES.iter().find(|s| **s == v))
                .map(|s| s.to_string())
        };
        let level = known(
            "Уровень",
            given(&self.level),
            given(&self.level)
                .and_then(|l| {
                    RiskLevel::ALL
                        .iter()
                        .find(|x| x.code() == l || x.label() == l)
                })
                .map(|l| l.code().to_string()),
        );
        let deadlines = match given(&self.state) {
            Some("overdue") => Some(index::Deadlines::Overdue),
            Some("due") => Some(index::Deadlines::Due),
            _ => None,
        };
        let state_typed = given(&self.state).filter(|s| !matches!(*s, "overdue" | "due"));
        let state = match (given(&self.work), state_typed) {
            (Some(w), _) => known("Работа", Some(w), work(Some(w))),
            (None, Some(s)) => known("Сроки", Some(s), work(Some(s))),
            (None, None) => None,
        };
        let territory = known(
            "Территория",
            given(&self.t),
            given(&self.t)
                .and_then(Territory::parse)
                .map(|t| t.code().to_string()),
        );
        let agency_kind = known(
            "Орган",
            given(&self.kind),
            given(&self.kind)
                .and_then(AgencyKind::parse)
                .map(|k| k.code().to_string()),
        );
        let filter = index::Filter {
            level,
            deadlines,
            opened_from: from,
            opened_to: to,
            territory,
            agency_kind,
            state,
        };
        let period_error = (!errors.is_empty()).then(|| errors.join("; "));
        let ask = index::Ask {
            filter,
            sort: given(&self.sort)
                .and_then(index::Sort::parse)
                .unwrap_or_default(),
            desc: given(&self.dir) == Some("desc"),
            page: given(&self.page)
                .and_then(|p| p.parse::<usize>().ok())
                .unwrap_or(1)
                .max(1),
            today,
            quarter_end: this_quarter(today).end(),
        };
        (ask, period_error)
    }

    /// The filters as typed, for the links of the list (sort, pages) to keep them.
    fn filters(&self) -> Vec<(&'static str, String)> {
        [
            ("level", &self.level),
            ("state", &self.state),
            ("work", &self.work),
            ("from", &self.from),
            ("to", &self.to),
            ("t", &self.t),
            ("kind", &self.kind),
        ]
        .into_iter()
        .filter_map(|(k, v)| given(v).map(|v| (k, v.to_string())))
        .collect()
    }

    /// The list's address with these filters, sorted so, at `page`.
    fn link(&self, sort: index::Sort, desc: bool, page: usize) -> String {
        let mut q = self.filters();
        if sort != index::Sort::Case {
            q.push(("sort", sort.code().to_string()));
        }
        if desc {
            q.push(("dir", "desc".into()));
        }
        if page > 1 {
            q.push(("page", page.to_string()));
        }
        let q = serde_urlencoded::to_string(q).unwrap_or_default();
        if q.is_empty() {
            "/archive".into()
        } else {
            format!("/archive?{q}")
        }
    }
}

/// One page of the list from the archive's index, in the session's scope; with no index yet,
/// none (and the page says so).
async fn listing(
    state: &Shared,
    s: &Session,
    ask: index::Ask,
) -> std::result::Result<index::Listing, String> {
    let root = state.cfg.archive.clone();
    let scope = s.scope();
    tokio::task::spawn_blocking(move || {
        index::Index::open_read(&root).and_then(|i| i.list(&ask, &scope))
    })
    .await
    .map_err(|e| e.to_string())?
    .or_else(|e| match e {
        index::Error::Missing(_) => Ok(index::Listing {
            total: 0,
            cases: Vec::new(),
        }),
        e => Err(e.to_string()),
    })
}

fn level_label(code: Option<&str>) -> &'static str {
    code.and_then(|c| RiskLevel::ALL.iter().find(|l| l.code() == c))
        .map_or("", |l| l.label())
}

fn territory_label(code: Option<&str>) -> String {
    code.map(|c| crate::catalog::catalog().label("territory", c).to_string())
        .unwrap_or_default()
}

/// The «Сроки» cell: the earliest pending deadline, marked when overdue or due this quarter.
fn deadline_text(d: &Option<index::NextDue>, ask: &index::Ask) -> (String, &'static str) {
    let Some(d) = d else {
        return (String::new(), "");
    };
    let more = match d.count {
        0 | 1 => String::new(),
        n => format!(" (и еще {})", n - 1),
    };
    let date = d.due.format("%d.%m.%Y");
    if d.due < ask.today {
        (
            format!(
                "просрочено на {} дн.: {}, срок {date}{more}",
                (ask.today - d.due).num_days(),
                d.what
            ),
            "bad",
        )
    } else if d.due <= ask.quarter_end {
        (format!("{} до {date}{more}", d.what), "warn")
    } else {
        (format!("{} до {date}{more}", d.what), "")
    }
}

/// The page numbers the pager links: the first, the last and those near the current one.
fn pages_near(page: usize, pages: usize) -> Vec<usize> {
    let mut out: Vec<usize> = (1..=pages)
        .filter(|p| *p == 1 || *p == pages || p.abs_diff(page) <= 3)
        .collect();
    out.dedup();
    out
}

/// `GET /archive?page=N[&sort=…&dir=asc|desc&level=&state=&work=&from=&to=&t=&kind=]`: one
/// page of the case list (`index::PAGE` cases) from the archive's index, with its filters,
/// the search, verify and export.
pub async fn list(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    let (ask, period_error) = q.ask(state.today());
    let found = listing(&state, &s, ask.clone())
        .await
        .map_err(|e| Error::page(StatusCode::INTERNAL_SERVER_ERROR, "Архив не читается", e))?;
    let pages = (found.total as usize).div_ceil(index::PAGE).max(1);
    let page = ask.page.min(pages);
    // Names and birth dates to signed-in users only (the local user is one).
    let named = s.user.is_some();
    let scope = s.scope();
    let territories: Vec<&(String, String)> = crate::catalog::catalog()
        .list("territory")
        .iter()
        .filter(|(code, _)| scope.sees(Some(code)))
        .collect();
    let f = &ask.filter;
    let sorted = |sort: index::Sort, label: &str| {
        let on = ask.sort == sort;
        let desc = on && !ask.desc;
        html! {
            a.sort href=(q.link(sort, desc, 1)) {
                (label)
                @if on { @if ask.desc { " ▼" } @else { " ▲" } }
            }
        }
    };
    let secretary = s.is_secretary();
    Ok(layout(
        "Архив",
        "/archive",
        Some(&s),
        html! {
            h1 { "Архив" }
            form.filters #search method="post" action="/archive/search" {
                input type="hidden" name="csrf" value=(s.csrf);
                label { "Поиск" input type="search" name="q" size="40" autocomplete="off" placeholder="ФИО ребенка или родителя, дата рождения, номер случая…"; }
                button type="submit" { "Найти" }
            }
            p.lead { "Папка архива: " code { (state.cfg.archive.display()) } " · случаев: " b #case-count { (found.total) } }
            form.filters method="get" action="/archive" {
                label { "Уровень" select name="level" {
                    option value="" { "все" }
                    @for l in RiskLevel::ALL { option value=(l.code()) selected[f.level.as_deref() == Some(l.code())] { (l.label()) } }
                } }
                label { "Сроки" select name="state" {
                    option value="" { "все" }
                    option value="due" selected[f.deadlines == Some(index::Deadlines::Due)] { "срок в квартале" }
                    option value="overdue" selected[f.deadlines == Some(index::Deadlines::Overdue)] { "просрочено" }
                } }
                label { "Работа" select name="work" {
                    option value="" { "все" }
                    @for (code, label) in WORK { option value=(code) selected[f.state.as_deref() == Some(code)] { (label) } }
                } }
                label { "Территория" select name="t" {
                    option value="" { "все" }
                    @for (code, label) in &territories { option value=(code) selected[f.territory.as_deref() == Some(code.as_str())] { (label) } }
                } }
                label { "Орган" select name="kind" {
                    option value="" { "все" }
                    @for k in AgencyKind::ALL { option value=(k.code()) selected[f.agency_kind.as_deref() == Some(k.code())] { (k.label()) } }
                } }
                label { "Открыт с" (date_input("from", q.from.as_deref())) }
                label { "по" (date_input("to", q.to.as_deref())) }
                @if ask.sort != index::Sort::Case { input type="hidden" name="sort" value=(ask.sort.code()); }
                @if ask.desc { input type="hidden" name="dir" value="desc"; }
                button type="submit" { "Показать" }
            }
            @if let Some(e) = &period_error { p.message role="alert" { (e) } }
            table.list #cases {
                thead { tr {
                    th { (sorted(index::Sort::Case, "Случай")) }
                    @if named { th { "Ребенок" } th { "Дата рождения" } }
                    th { (sorted(index::Sort::Level, "Уровень")) }
                    th { (sorted(index::Sort::Territory, "Территория")) }
                    th { (sorted(index::Sort::Agency, "Организация")) }
                    th { (sorted(index::Sort::Opened, "Открыт")) }
                    th { (sorted(index::Sort::Version, "Версия")) }
                    th { "Сроки" }
                } }
                tbody {
                    @for r in &found.cases {
                        @let (text, cls) = deadline_text(&r.next_due, &ask);
                        tr {
                            td { a href={"/archive/case/" (r.case_id)} { (r.case_id) } }
                            @if named {
                                td { (r.child) }
                                td { @if let Some(d) = r.birth { (d.format("%d.%m.%Y")) } }
                            }
                            td { (level_label(r.level.as_deref())) }
                            td { (territory_label(r.territory.as_deref())) }
                            td { (r.agency.as_deref().unwrap_or("")) }
                            td { @if let Some(d) = r.opened { (d.format("%d.%m.%Y")) } }
                            td { (r.version) @if let Some(d) = r.bagged { " от " (d.format("%d.%m.%Y")) } }
                            td class=(cls) { (text) }
                        }
                    }
                }
            }
            @if found.cases.is_empty() { p.note { "Случаев нет." } }
            @if pages > 1 {
                nav.pages #pages aria-label="Страницы" {
                    "Страница " (page) " из " (pages) ":"
                    @if page > 1 { a href=(q.link(ask.sort, ask.desc, page - 1)) rel="prev" { "← назад" } }
                    @for p in pages_near(page, pages) {
                        @if p == page { b { (p) } } @else { a href=(q.link(ask.sort, ask.desc, p)) { (p) } }
                    }
                    @if page < pages { a href=(q.link(ask.sort, ask.desc, page + 1)) rel="next" { "вперед →" } }
                }
            }
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

/// `GET /api/cases?page=N[&level=&t=&state=&work=&kind=&sort=&dir=]`: a page of the list as
/// JSON, `{"total", "cases": [{"case_id", "child", "birth_date", "level", "territory",
/// "agency", "opened", "version"}]}`; codes for level and territory, ISO dates, the child's
/// name only to a signed-in user.
pub async fn api_cases(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    let (ask, period_error) = q.ask(state.today());
    if let Some(e) = period_error {
        return Err(Error::api(StatusCode::BAD_REQUEST, e));
    }
    let found = listing(&state, &s, ask)
        .await
        .map_err(|e| Error::api(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    let named = s.user.is_some();
    let iso = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let cases: Vec<serde_json::Value> = found
        .cases
        .iter()
        .map(|c| {
            serde_json::json!({
                "case_id": c.case_id,
                "child": named.then_some(&c.child),
                "birth_date": if named { iso(c.birth) } else { None },
                "level": c.level,
                "territory": c.territory,
                "agency": c.agency,
                "opened": iso(c.opened),
                "version": c.version,
            })
        })
        .collect();
    Ok(axum::Json(serde_json::json!({ "total": found.total, "cases": cases })).into_response())
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
