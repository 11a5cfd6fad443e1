//! «Журналы»: the detection log and the «Единое окно» log over the archive for a period and
//! a territory — a page of rows to look at, and the whole log in PDF, DOCX or XLSX
//! (`report::log_preview`, `report::run_log`).

use super::auth::Session;
use super::download::download;
use super::error::{Error, Result};
use super::fields::{date_input, period};
use super::layout::layout;
use super::scope::{NOT_YOURS, territory_choice};
use super::state::Shared;
use crate::forms::LogKind;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use maud::html;
use serde::Deserialize;

/// The logs' page and their files.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/logs", get(logs_page))
        .route("/logs/file", get(log_file))
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
    fn kind(&self) -> LogKind {
        match self.kind.as_deref() {
            Some("intake") => LogKind::Intake,
            _ => LogKind::Detection,
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
                LogKind::Intake => "intake",
                LogKind::Detection => "detection",
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
    Query(mut q): Query<LogQuery>,
) -> Response {
    // A limited user's logs are of their territories only.
    match territory_choice(&s, q.t.take()) {
        Ok(t) => q.t = t,
        Err(_) => {
            return Error::page(StatusCode::NOT_FOUND, "Не найдено", NOT_YOURS).into_response();
        }
    }
    let scope = s.scope();
    let territories: Vec<&(String, String)> = crate::catalog::catalog()
        .list("territory")
        .iter()
        .filter(|(code, _)| scope.sees(Some(code)))
        .collect();
    let picked = q.kind.is_some();
    let page = q.p.unwrap_or(1).max(1);
    let preview = if picked {
        let root = state.cfg.archive.clone();
        let kind = q.kind();
        let dates = period(&q.from, &q.to);
        let t = q.territory().map(str::to_string);
        let start = (page - 1) * LOG_PAGE;
        let done = tokio::task::spawn_blocking(move || {
            let (from, to) = dates?;
            let only = crate::report::territory_arg(t.as_deref()).map_err(Error::failed)?;
            crate::report::log_preview(
                kind,
                &root,
                from.map(crate::model::Date),
                to.map(crate::model::Date),
                only.as_ref(),
                start..start + LOG_PAGE,
            )
            .map_err(Error::failed)
        })
        .await;
        Some(done.map_err(Error::from).and_then(|r| r))
    } else {
        None
    };
    let intake = q.kind() == LogKind::Intake;
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
                Some(Err(e)) => { p.message role="alert" { (e.to_string()) } },
                None => {},
            }
        },
    )
    .into_response()
}

/// `GET /logs/file?kind=&from=&to=&t=&format=`: the log, written by `report::run_log`.
pub async fn log_file(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    Query(mut q): Query<LogQuery>,
) -> Result<Response> {
    q.t = territory_choice(&s, q.t.take())
        .map_err(|_| Error::page(StatusCode::NOT_FOUND, "Не найдено", NOT_YOURS))?;
    let refused = |e: Error| Error::page(StatusCode::BAD_REQUEST, "Журнал не составлен", e);
    let kind = q.kind();
    let ext = match q.format.as_deref() {
        Some("docx") => "docx",
        Some("xlsx") => "xlsx",
        _ => "pdf",
    };
    let (from, to) = period(&q.from, &q.to).map_err(refused)?;
    let only =
        crate::report::territory_arg(q.territory()).map_err(|e| refused(Error::failed(e)))?;
    let tmp = state.scratch("log-").map_err(Error::fault)?;
    // Named by the log and the territory's catalog code, nothing a user typed.
    let name = format!(
        "{}{}.{ext}",
        match kind {
            LogKind::Intake => "журнал-единого-окна",
            LogKind::Detection => "журнал-учета",
        },
        only.as_ref()
            .map(|t| format!("-{}", t.code()))
            .unwrap_or_default()
    );
    let out = tmp.path().join(format!("log.{ext}"));
    let root = state.cfg.archive.clone();
    let o = out.clone();
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
        crate::report::run_log(
            kind,
            &root,
            from.map(crate::model::Date),
            to.map(crate::model::Date),
            &o,
            only.as_ref(),
        )
        .map_err(Error::failed)?;
        Ok(std::fs::read(&o)?)
    })
    .await
    .map_err(Error::fault)?
    .map_err(refused)?;
    Ok(download(&name, bytes))
}
