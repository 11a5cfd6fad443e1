//! «Проверить и оформить»: uploads become a job; its page follows the check file by file,
//! then lists the diagnostics by file and case, each linked to its sheet (`sheet`); the
//! job's forms, annotated workbooks and archiving are in `deliver`.

use super::auth::Session;
use super::deliver;
use super::error::{Error, Result};
use super::extract::{Secretary, ThisJob};
use super::jobs::{FileState, Job, counts, start_check, status_text};
use super::known;
use super::layout::layout;
use super::state::Shared;
use super::upload::Uploaded;
use crate::annotate;
use crate::diagnostic::{Diagnostic, Severity};
use crate::run;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::middleware::from_extractor;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use maud::{Markup, html};
use serde::Deserialize;

/// The upload, the job's pages and what a checked job gives.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/check/{job}/archive", post(deliver::archive_job))
        .route("/check/{job}/known", post(known::decided))
        .route_layer(from_extractor::<Secretary>())
        .route("/", get(page))
        .route("/check", post(upload))
        .route("/check/{job}", get(results))
        .route("/check/{job}/status", get(status))
        .route("/check/{job}/annotated/{file}", get(deliver::annotated))
        .route("/check/{job}/forms.zip", get(deliver::forms_zip))
        .route(
            "/check/{job}/case/{case}/forms.zip",
            get(deliver::case_forms_zip),
        )
}

/// `GET /`: the upload form.
pub async fn page(Extension(s): Extension<Session>, State(state): State<Shared>) -> Response {
    let limit = state.cfg.max_upload >> 20;
    layout(
        "Проверить и оформить",
        "/",
        Some(&s),
        html! {
            h1 { "Проверить и оформить" }
            p.lead { "Перетащите сюда таблицы (xlsx, ods, xls), файлы случаев (json, toml) или zip с ними. okno проверит каждый случай по правилам порядка, покажет ошибки с листом и ячейкой и оформит документы." }
            form #upload method="post" action="/check" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(s.csrf);
                // The browser's own file button speaks the browser's language: it is hidden
                // (still focusable, and read by screen readers) behind a Russian one.
                div #drop.drop data-limit=(state.cfg.max_upload) {
                    span.big { "Перетащите файлы сюда" }
                    span.or { "или" }
                    input #files.visually-hidden type="file" name="files" multiple accept=".xlsx,.xlsm,.ods,.xls,.json,.toml,.zip";
                    label.button.pick for="files" { "Выбрать файлы" }
                    span #chosen.chosen aria-live="polite" { "Файлы не выбраны" }
                    span.hint { "xlsx, ods, xls, json, toml или zip с ними · до " (limit) " МБ за раз" }
                }
                ul #progress.progress {}
                button.primary #submit type="submit" { "Проверить" }
            }
        },
    )
    .into_response()
}

/// `POST /check`: the upload; then the job's page.
pub async fn upload(
    Extension(s): Extension<Session>,
    State(state): State<Shared>,
    Uploaded(job): Uploaded,
) -> Response {
    // The check runs on; the job's page follows it file by file. Every notified child is
    // looked up in the archive, named as far as the user's territories go (I-KNOWN).
    let lookup = (state.cfg.archive.clone(), s.scope());
    drop(start_check(&job, state.settings(), lookup));
    Redirect::to(&format!("/check/{}", job.id)).into_response()
}

/// The list of the job's files with the state of each: while the check runs (the page's
/// script follows `/check/{job}/status`) and at the head of the results.
fn file_states(job: &Job, running: bool) -> Markup {
    let states = job.states();
    let finished = states.iter().filter(|s| s.finished()).count();
    html! {
        div.checking #checking data-status=(format!("/check/{}/status", job.id)) data-running=(if running { "1" } else { "0" }) {
            @if running {
                p #check-count { "Проверено файлов: " b #checked { (finished) } " из " (states.len()) }
                progress #check-bar max=(states.len().max(1)) value=(finished) {}
            }
            ol.file-states #file-states {
                @for (n, (input, st)) in job.inputs.iter().zip(&states).enumerate() {
                    li data-n=(n) data-state=(st.code()) {
                        @if running {
                            span.name { (input.name) }
                        } @else {
                            a.name href={"#file-" (n)} { (input.name) }
                        }
                        " — "
                        span class={"state " (st.class())} { (st.text()) }
                    }
                }
            }
        }
    }
}

/// `GET /check/{job}/status`: where each file is in the check, for the page's script.
pub async fn status(job: std::result::Result<ThisJob, Error>) -> Result<Response> {
    let ThisJob(job) = job.map_err(|_| Error::api(StatusCode::NOT_FOUND, "такой проверки нет"))?;
    let states = job.states();
    let files: Vec<serde_json::Value> = states
        .iter()
        .enumerate()
        .map(|(n, st)| {
            let (cases, errors, warnings) = match st {
                FileState::Checking { cases } | FileState::Read { cases } => (*cases, None, None),
                FileState::Done {
                    cases,
                    errors,
                    warnings,
                } => (*cases, Some(*errors), Some(*warnings)),
                _ => (0, None, None),
            };
            serde_json::json!({
                "n": n, "state": st.code(), "text": st.text(), "cases": cases,
                "errors": errors, "warnings": warnings,
            })
        })
        .collect();
    Ok(axum::Json(serde_json::json!({
        "done": job.outcome().is_some(),
        "checked": states.iter().filter(|s| s.finished()).count(),
        "total": states.len(),
        "files": files,
    }))
    .into_response())
}

fn place(job: &Job, file: usize, d: &Diagnostic) -> Markup {
    let text = d.place();
    let spreadsheet = job
        .inputs
        .get(file)
        .is_some_and(|i| annotate::can_annotate(&i.path));
    match (&d.sheet, spreadsheet) {
        (Some(sheet), true) => {
            let q = serde_urlencoded::to_string([
                ("sheet", sheet.as_str()),
                ("cell", d.cell.as_deref().unwrap_or("")),
            ])
            .unwrap_or_default();
            html! { a.cell-link href={"/check/" (job.id) "/sheet/" (file) "?" (q)} { (text) } }
        }
        _ => html! { span.place { (text) } },
    }
}

fn diag_rows(job: &Job, file: usize, diags: &[Diagnostic]) -> Markup {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by_key(|d| std::cmp::Reverse(d.severity));
    html! {
        @if !sorted.is_empty() {
            table.diags {
                thead { tr { th { "Вид" } th { "Правило" } th { "Где" } th { "Что не так" } } }
                tbody {
                    @for d in sorted {
                        tr class=(if d.severity == Severity::Error { "error" } else { "warning" }) {
                            td.kind { (d.severity.ru()) }
                            td.rule { code { (d.rule) } }
                            td { (place(job, file, d)) }
                            td { (d.message) }
                        }
                    }
                }
            }
        }
    }
}

fn case_status(c: &run::CaseOutcome) -> &'static str {
    if c.has_errors() {
        "с ошибками"
    } else {
        "готов к оформлению"
    }
}

/// `GET /check/{job}`: the diagnostics by file and case.
/// Cases listed per file at a time: a region's register would make a page too heavy to show.
const CASES_PER_PAGE: usize = 200;

/// Which cases the results page lists: a file's page (`f`, from case `from`), and only the
/// cases with errors (`errors=1`).
#[derive(Deserialize, Default)]
pub struct ResultsQuery {
    f: Option<usize>,
    from: Option<usize>,
    errors: Option<u8>,
}

pub async fn results(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(q): Query<ResultsQuery>,
    ThisJob(job): ThisJob,
) -> Response {
    let Some(outcome) = job.outcome() else {
        // Still checking: the files and where each is; the script follows the check and
        // shows the results when it is done (without script, the page reloads itself).
        return layout(
            "Проверка файлов",
            "/",
            Some(&s),
            html! {
                noscript { meta http-equiv="refresh" content="2"; }
                h1 { "Проверка файлов" }
                p.lead { "okno проверяет файлы по правилам порядка. Результаты откроются здесь сами, когда проверка закончится." }
                (file_states(&job, true))
            },
        )
        .into_response();
    };
    let files = &outcome.files;
    // The pairs decided so far (I-KNOWN), read only when the check found a known child.
    let decided = if outcome.cases().any(|(_, c)| !c.known.is_empty()) {
        crate::index::Decisions::read(&state.cfg.archive)
    } else {
        crate::index::Decisions::default()
    };
    let cases: usize = files.iter().map(|f| f.cases.len()).sum();
    let (errors, warnings) = counts(files.iter().flat_map(|f| f.all_diagnostics()));
    let unreadable = files.iter().filter(|f| f.unreadable.is_some()).count();
    let good = outcome.cases().filter(|(_, c)| !c.has_errors()).count();
    let only_errors = q.errors == Some(1);
    let base = format!("/check/{}", job.id);
    // A file's page of cases: the cases listed (with the filter) and where the page starts.
    fn page<'a>(
        n: usize,
        f: &'a run::FileOutcome,
        q: &ResultsQuery,
        only_errors: bool,
    ) -> (Vec<&'a run::CaseOutcome>, usize) {
        let listed: Vec<&run::CaseOutcome> = f
            .cases
            .iter()
            .filter(|c| !only_errors || c.has_errors())
            .collect();
        let from = match q.f {
            Some(k) if k == n => q.from.unwrap_or(0).min(listed.len().saturating_sub(1)),
            _ => 0,
        };
        let from = from - from % CASES_PER_PAGE;
        (listed, from)
    }
    let link = |n: usize, from: usize| {
        let errors = if only_errors { "&errors=1" } else { "" };
        format!("{base}?f={n}&from={from}{errors}#file-{n}")
    };
    layout(
        "Результаты проверки",
        "/",
        Some(&s),
        html! {
            h1 { "Результаты проверки" }
            @if job.inputs.len() > 1 { (file_states(&job, false)) }
            div.summary #summary {
                span { "Файлов: " b { (files.len()) } }
                span { "случаев: " b { (cases) } }
                span class=(if errors > 0 { "bad" } else { "ok" }) { (status_text(errors, warnings)) }
                @if unreadable > 0 { span.bad { "не читается файлов: " (unreadable) } }
            }
            div.actions {
                @if good > 0 {
                    a.button.primary href={"/check/" (job.id) "/forms.zip"} { "Скачать формы (zip)" }
                }
                @if cases > good {
                    a.button href={"/check/" (job.id) "/forms.zip?draft=1"} { "Скачать с черновиками (zip)" }
                }
                @if good > 0 && s.is_secretary() {
                    form.inline method="post" action={"/check/" (job.id) "/archive"} {
                        input type="hidden" name="csrf" value=(s.csrf);
                        button type="submit" #archive { "Сохранить в архив (" (good) ")" }
                    }
                }
                a.button href="/" { "Проверить другие файлы" }
            }
            @if cases > good {
                p.note { "Случаи с ошибками не оформляются как официальные документы; «с черновиками» — они оформляются с отметкой «ЧЕРНОВИК» на каждой странице и в архив не попадают." }
                p.filter {
                    @if only_errors {
                        "Показаны только случаи с ошибками. " a #all-cases href=(base) { "Показать все случаи" }
                    } @else {
                        a #only-errors href={(base) "?errors=1"} { "Показать только случаи с ошибками (" (cases - good) ")" }
                    }
                }
            }
            @for (name, why) in &job.rejected {
                section.file.rejected { h2 { (name) } p.bad { (why) } }
            }
            @for (n, f) in files.iter().enumerate() {
                @let (fe, fw) = counts(f.all_diagnostics());
                section.file id={"file-" (n)} {
                    div.file-head {
                        h2 { (f.file) }
                        @if f.unreadable.is_none() {
                            span class={"status " (if fe > 0 { "bad" } else { "ok" })} { (status_text(fe, fw)) }
                        }
                        @if f.unreadable.is_none() && job.inputs.get(n).is_some_and(|i| annotate::can_annotate(&i.path)) {
                            a.button.small href={"/check/" (job.id) "/annotated/" (n)} title="Копия таблицы отправителя с отмеченными ячейками и листом «Замечания»" { "Вернуть отправителю" }
                        }
                    }
                    @if let Some(u) = &f.unreadable { p.bad { "Файл не читается: " (u) } }
                    (diag_rows(&job, n, &f.diagnostics))
                    @let (listed, from) = page(n, f, &q, only_errors);
                    @let to = (from + CASES_PER_PAGE).min(listed.len());
                    @if listed.len() > CASES_PER_PAGE {
                        nav.pages {
                            "Случаи " b { (from + 1) "–" (to) } " из " (listed.len()) " "
                            @if from > 0 { a.button.small href=(link(n, from - CASES_PER_PAGE)) { "← предыдущие" } }
                            @if to < listed.len() { a.button.small.next href=(link(n, to)) { "следующие →" } }
                        }
                    }
                    @for c in listed.iter().skip(from).take(CASES_PER_PAGE) {
                        @let (ce, cw) = counts(c.diagnostics.iter());
                        details.case open[ce + cw > 0] {
                            summary {
                                span.case-id { (c.case_id) }
                                span class={"status " (if ce > 0 { "bad" } else { "ok" })} { (case_status(c)) " · " (status_text(ce, cw)) }
                                @if crate::validate::case_id_is_safe(&c.case_id) {
                                    @if ce == 0 {
                                        a.small href={"/check/" (job.id) "/case/" (c.case_id) "/forms.zip"} { "формы" }
                                    } @else {
                                        a.small href={"/check/" (job.id) "/case/" (c.case_id) "/forms.zip?draft=1"} { "черновик" }
                                    }
                                }
                            }
                            (diag_rows(&job, n, &c.diagnostics))
                            (known::block(&job, &s, c, &decided))
                        }
                    }
                }
            }
        },
    )
    .into_response()
}
