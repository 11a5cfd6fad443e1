//! A checked spreadsheet's sheet as a grid, the cell of a diagnostic highlighted: a window
//! around the cell read by `ingest::sheet_window`, A1 addresses by rust_xlsxwriter's.

use super::auth::Session;
use super::error::{Error, Result};
use super::extract::ThisJob;
use super::layout::layout;
use super::state::Shared;
use crate::diagnostic::{Diagnostic, Severity};
use crate::ingest::bounds::{MAX_COLUMNS, MAX_ROWS};
use axum::extract::{Path as UrlPath, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use maud::html;
use rust_xlsxwriter::{column_name_to_number, column_number_to_name};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// The sheet viewer of a job's spreadsheets.
pub fn router() -> Router<Shared> {
    Router::new().route("/check/{job}/sheet/{file}", get(sheet))
}

#[derive(Deserialize)]
pub struct SheetQuery {
    sheet: Option<String>,
    cell: Option<String>,
}

/// "K7" → (row 7, column 11), both 1-based.
fn parse_cell(cell: &str) -> Option<(u32, u32)> {
    let letters: String = cell
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let digits = &cell[letters.len()..];
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let col = u32::from(column_name_to_number(&letters.to_ascii_uppercase())) + 1;
    let row: u32 = digits.parse().ok()?;
    // Within the caps okno reads a sheet to (`ingest::bounds`), so the window is bounded too.
    (row > 0 && row <= MAX_ROWS && col <= MAX_COLUMNS).then_some((row, col))
}

/// The part of a sheet the page shows, read by `ingest::sheet_window`: a window around the
/// cell asked for, so that a far cell (in the file or in the address) costs no memory.
fn read_grid(
    path: &Path,
    sheet: Option<&str>,
    target: Option<(u32, u32)>,
) -> Result<crate::ingest::SheetWindow> {
    let (first_row, first_col) = window_start(target);
    crate::ingest::sheet_window(
        path,
        sheet,
        first_row..=first_row.saturating_add(SHOWN_ROWS * 2),
        first_col..=first_col.saturating_add(SHOWN_COLS - 1),
    )
    .map_err(Error::failed)
}

/// Rows and columns the page shows at most around the cell asked for.
const SHOWN_ROWS: u32 = 500;
const SHOWN_COLS: u32 = 100;

/// The first row and column shown: 1, unless the cell asked for is farther than a window.
fn window_start(target: Option<(u32, u32)>) -> (u32, u32) {
    let Some((r, c)) = target else { return (1, 1) };
    let row = if r > SHOWN_ROWS {
        r - SHOWN_ROWS / 2
    } else {
        1
    };
    let col = if c > SHOWN_COLS {
        c - SHOWN_COLS / 2
    } else {
        1
    };
    (row, col)
}

/// The letters of a 1-based column: 28 → «AB».
fn column_name(col: u32) -> String {
    u16::try_from(col.saturating_sub(1))
        .map(column_number_to_name)
        .unwrap_or_default()
}

/// `GET /check/{job}/sheet/{file}?sheet=&cell=`: the sheet as a grid, the cell highlighted.
pub async fn sheet(
    Extension(s): Extension<Session>,
    UrlPath((_, file)): UrlPath<(String, usize)>,
    Query(q): Query<SheetQuery>,
    ThisJob(job): ThisJob,
) -> Result<Response> {
    let input = job.inputs.get(file).ok_or_else(ThisJob::none)?;
    let outcome = job.checked()?;
    let f = outcome.files.get(file).ok_or_else(ThisJob::none)?;
    let path = input.path.clone();
    let target = q.cell.as_deref().and_then(parse_cell);
    // A cell beyond the caps is not shown: the sheet's start is, with a word why.
    let far = q
        .cell
        .as_deref()
        .filter(|_| target.is_none())
        .map(|c| {
            format!(
                "Ячейка {c} лежит дальше, чем okno читает лист (столбцы до {}, строки до {}): она не показана.",
                column_name(MAX_COLUMNS),
                MAX_ROWS
            )
        });
    let asked = q.sheet.clone();
    let grid = tokio::task::spawn_blocking(move || read_grid(&path, asked.as_deref(), target))
        .await
        .map_err(|_| {
            Error::page(
                StatusCode::NOT_FOUND,
                "Лист не показан",
                "Лист не читается.",
            )
        })?
        .map_err(|why| Error::page(StatusCode::NOT_FOUND, "Лист не показан", why))?;
    let sheet_name = grid.sheet.clone();
    let (first_row, first_col) = window_start(target);
    let rows = grid
        .rows
        .max(target.map_or(0, |t| t.0))
        .min(
            target
                .map_or(SHOWN_ROWS, |t| t.0 + SHOWN_ROWS)
                .max(SHOWN_ROWS),
        )
        .min(first_row.saturating_add(SHOWN_ROWS * 2));
    let cols = grid
        .cols
        .max(target.map_or(0, |t| t.1))
        .min(first_col + SHOWN_COLS - 1);
    let here: Vec<&Diagnostic> = f
        .all_diagnostics()
        .filter(|d| d.sheet.as_deref() == Some(sheet_name.as_str()))
        .collect();
    let marked: HashMap<(u32, u32), Severity> = here.iter().fold(HashMap::new(), |mut m, d| {
        if let Some(at) = d.cell.as_deref().and_then(parse_cell) {
            let e = m.entry(at).or_insert(d.severity);
            *e = (*e).max(d.severity);
        }
        m
    });
    let cell_name = q.cell.clone().unwrap_or_default();
    let value = target.and_then(|t| grid.cells.get(&t)).cloned();
    let at_cell: Vec<&&Diagnostic> = here
        .iter()
        .filter(|d| d.cell.as_deref() == Some(cell_name.as_str()))
        .collect();
    Ok(layout(
        "Лист",
        "/",
        Some(&s),
        html! {
            p { a href={"/check/" (job.id)} { "← К результатам проверки" } }
            h1 { (f.file) " — лист «" (sheet_name) "»" }
            nav.tabs {
                @for name in &grid.sheets {
                    @let qs = serde_urlencoded::to_string([("sheet", name.as_str())]).unwrap_or_default();
                    a href={"/check/" (job.id) "/sheet/" (file) "?" (qs)} class=@if *name == sheet_name { "active" } { (name) }
                }
            }
            @if let Some(far) = &far {
                p.warning { (far) }
            }
            @if target.is_some() {
                div.cell-info #cell-info {
                    p { "Ячейка " b #cell-name { (cell_name) } ": "
                        @match &value {
                            Some(v) => { "значение «" span #cell-value { (v) } "»" },
                            None => { span #cell-value.empty { "пусто" } },
                        }
                    }
                    @for d in &at_cell {
                        p class=(if d.severity == Severity::Error { "error" } else { "warning" }) {
                            (d.severity.ru()) " " code { (d.rule) } ": " (d.message)
                        }
                    }
                }
            }
            div.grid-wrap {
                table.grid #grid {
                    thead { tr { th.corner {} @for c in first_col..=cols { th { (column_name(c)) } } } }
                    tbody {
                        @for r in first_row..=rows {
                            tr {
                                th { (r) }
                                @for c in first_col..=cols {
                                    @let addr = format!("{}{r}", column_name(c));
                                    @let cls = match (Some((r, c)) == target, marked.get(&(r, c))) {
                                        (true, _) => "hl",
                                        (false, Some(Severity::Error)) => "bad-cell",
                                        (false, Some(Severity::Warning)) => "warn-cell",
                                        _ => "",
                                    };
                                    td class=(cls) id=[(Some((r, c)) == target).then_some("hl")] data-cell=(addr) {
                                        @if let Some(v) = grid.cells.get(&(r, c)) { (v) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_parse() {
        assert_eq!(super::parse_cell("K7"), Some((7, 11)));
        assert_eq!(super::parse_cell("aa10"), Some((10, 27)));
        assert_eq!(super::parse_cell("IV1"), Some((1, 256)));
        assert_eq!(super::parse_cell("IW1"), None);
        assert_eq!(super::parse_cell("7"), None);
        assert_eq!(super::parse_cell("ABCD1"), None);
        assert_eq!(super::column_name(28), "AB");
        assert_eq!(super::column_name(1), "A");
    }
}
