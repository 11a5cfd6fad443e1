//! «Поиск»: a child found by name, birth date, case ID, curator, agency or territory — the
//! page (`POST /archive/search`) and the API (`POST /api/search`), both over
//! `Index::search`. The query travels in a POST body only, never in a URL, and is never
//! logged: the audit log gets the case IDs of the page shown and the count.

use super::auth::Session;
use super::error::{Error, Result};
use super::layout::layout;
use super::state::Shared;
use crate::catalog::{NameVariants, catalog, variants_for};
use crate::index::{Found, Index, SEARCH_PAGE};
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Form, Json, Router};
use maud::html;
use serde::Deserialize;
use std::path::Path;
use std::sync::OnceLock;

/// The search's routes.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/archive/search", post(page).get(empty_page))
        .route("/api/search", post(api))
}

/// The longest query searched (characters, words): a query is a name, a date, an ID.
const MAX_CHARS: usize = 200;
const MAX_WORDS: usize = 10;
const TOO_LONG: &str = "Запрос слишком длинный: не больше 200 знаков и 10 слов (фамилия, имя, \
                        дата рождения, номер случая).";

static VARIANTS: OnceLock<NameVariants> = OnceLock::new();

/// Reads the archive's name variants (`ARCHIVE/name_variants.toml`) once, at serve start;
/// a malformed file is reported and the built-in groups used.
pub fn load_variants(archive: &Path) {
    VARIANTS.get_or_init(|| {
        let (v, msg) = variants_for(archive);
        if let Some(m) = msg {
            eprintln!("okno: {m}");
        }
        v
    });
}

fn variants() -> &'static NameVariants {
    VARIANTS.get().unwrap_or_else(|| NameVariants::builtin())
}

/// What a search answers: the hits, or why there are none.
struct Answer {
    found: Found,
    /// The index is not there yet: the archive reads as empty, with this message.
    note: Option<String>,
}

async fn run(state: &Shared, s: &Session, q: &str, page: usize) -> Result<Answer> {
    if q.chars().count() > MAX_CHARS || q.split_whitespace().count() > MAX_WORDS {
        return Err(Error::page(StatusCode::BAD_REQUEST, "Поиск", TOO_LONG));
    }
    let root = state.cfg.archive.clone();
    let scope = s.scope();
    let q = q.to_string();
    let answer = tokio::task::spawn_blocking(move || match Index::open_read(&root) {
        Ok(ix) => ix
            .search(&q, &scope, variants(), page)
            .map(|found| Answer { found, note: None }),
        Err(crate::index::Error::Missing(_)) => Ok(Answer {
            found: Found::default(),
            note: Some(
                "Указатель архива ещё не создан — поиск пока ничего не найдёт. Он создаётся \
                 при записи в архив или командой okno index --archive АРХИВ."
                    .into(),
            ),
        }),
        Err(e) => Err(e),
    })
    .await
    .map_err(Error::fault)?
    .map_err(|e| Error::page(StatusCode::INTERNAL_SERVER_ERROR, "Поиск", e))?;
    let ids: Vec<String> = answer
        .found
        .cases
        .iter()
        .map(|h| h.case_id.clone())
        .collect();
    // IDs and the count only: the query's names never reach a log.
    state.audit(
        s.user_name(),
        "search",
        &ids,
        &format!("найдено {}", answer.found.total),
    );
    Ok(answer)
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[derive(Deserialize)]
struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

/// `GET /archive/search`: the empty search box. A query in the URL is refused: a search
/// goes in a form's body, so that names stay out of addresses, histories and logs.
async fn empty_page(Extension(s): Extension<Session>, req: Request) -> Result<Response> {
    if req.uri().query().is_some() {
        return Err(Error::page(
            StatusCode::METHOD_NOT_ALLOWED,
            "Поиск",
            "Поиск отправляется только формой на странице, чтобы имена не попадали в адрес.",
        ));
    }
    Ok(no_store(
        layout(
            "Поиск",
            "/archive",
            Some(&s),
            html! { h1 { "Поиск" } (search_box(&s, "")) },
        )
        .into_response(),
    ))
}

fn search_box(s: &Session, q: &str) -> maud::Markup {
    html! {
        form.filters #search method="post" action="/archive/search" {
            input type="hidden" name="csrf" value=(s.csrf);
            label { "ФИО, дата рождения, номер случая, куратор, организация или территория "
                input #q type="search" name="q" value=(q) maxlength=(MAX_CHARS) autocomplete="off" autofocus;
            }
            button #search-go type="submit" { "Найти" }
        }
    }
}

fn date_text(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%d.%m.%Y").to_string())
}

/// `POST /archive/search` (form `q`, `page`, `csrf`): the results page.
async fn page(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    form: std::result::Result<Form<SearchForm>, FormRejection>,
) -> Result<Response> {
    let Form(f) = form.map_err(|_| {
        Error::page(
            StatusCode::BAD_REQUEST,
            "Поиск",
            "Запрос поиска не прочитан: отправьте его формой на странице.",
        )
    })?;
    let page_no = f.page.trim().parse::<usize>().unwrap_or(1).max(1);
    let q = f.q.trim().to_string();
    let answer = run(&state, &s, &q, page_no).await?;
    let found = &answer.found;
    let pages = found.total.div_ceil(SEARCH_PAGE).max(1);
    let shown_from = (page_no - 1) * SEARCH_PAGE + 1;
    let step = |to: usize, label: &str, id: &str| {
        html! {
            form.inline method="post" action="/archive/search" {
                input type="hidden" name="csrf" value=(s.csrf);
                input type="hidden" name="q" value=(q);
                input type="hidden" name="page" value=(to);
                button id=(id) type="submit" { (label) }
            }
        }
    };
    let body = html! {
        h1 { "Поиск" }
        (search_box(&s, &q))
        @if let Some(n) = &answer.note { p.message role="alert" { (n) } }
        @if !q.is_empty() {
            p.lead #search-total {
                "Найдено случаев: " b { (found.total) }
                @if found.total > SEARCH_PAGE {
                    " · показаны " (shown_from) "–" (shown_from + found.cases.len() - 1)
                    " (страница " (page_no) " из " (pages) ")"
                }
            }
        }
        @if !found.cases.is_empty() {
            table.list #found {
                thead { tr {
                    th { "Случай" } th { "Ребёнок" } th { "Дата рождения" } th { "Уровень" }
                    th { "Территория" } th { "Почему найден" }
                } }
                tbody {
                    @for h in &found.cases {
                        tr {
                            td { a href={"/archive/case/" (h.case_id)} { (h.case_id) } }
                            td { (h.child) }
                            td { @if let Some(d) = date_text(h.birth_date) { (d) } }
                            td { @if let Some(l) = &h.level { (catalog().label("risk_level", l)) } }
                            td { @if let Some(t) = &h.territory { (catalog().label("territory", t)) } }
                            td.why { (h.why) }
                        }
                    }
                }
            }
        } @else if !q.is_empty() && answer.note.is_none() {
            p.note { "Ничего не найдено. Проверьте написание или введите часть фамилии (от трёх букв)." }
        }
        @if found.total > SEARCH_PAGE {
            div.actions {
                @if page_no > 1 { (step(page_no - 1, "← Предыдущая страница", "search-prev")) }
                @if page_no < pages { (step(page_no + 1, "Следующая страница →", "search-next")) }
            }
        }
        p { a href="/archive" { "← К архиву" } }
    };
    Ok(no_store(
        layout("Поиск", "/archive", Some(&s), body).into_response(),
    ))
}

#[derive(Deserialize)]
struct ApiQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<usize>,
}

/// `POST /api/search`, `{"q": "…", "page": 1}`: `{"total", "cases": [...]}`.
async fn api(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    body: std::result::Result<Json<ApiQuery>, JsonRejection>,
) -> Result<Response> {
    let Json(a) = body.map_err(|_| {
        Error::api(
            StatusCode::BAD_REQUEST,
            "тело запроса — JSON {\"q\": \"…\", \"page\": 1}",
        )
    })?;
    let answer = run(&state, &s, a.q.trim(), a.page.unwrap_or(1).max(1))
        .await
        .map_err(|e| match e {
            Error::Page { status, text, .. } => Error::api(status, text),
            e => e,
        })?;
    let cases: Vec<serde_json::Value> = answer
        .found
        .cases
        .iter()
        .map(|h| {
            serde_json::json!({
                "case_id": h.case_id,
                "child": h.child,
                "birth_date": date_text(h.birth_date),
                "level": h.level,
                "territory": h.territory,
                "why": h.why,
            })
        })
        .collect();
    let mut v = serde_json::json!({"total": answer.found.total, "cases": cases});
    if let Some(n) = answer.note {
        v["note"] = n.into();
    }
    Ok(no_store(Json(v).into_response()))
}
