//! A case's page: the child and the family, the level from version to version, the curator,
//! the plans, the deadlines (met, due and missed), the related cases, what each version
//! changed, and the forms of each version; and a form from a bag. The versions are read from
//! the bags (the record), the related cases from the index.

use super::auth::Session;
use super::download::download;
use super::error::{Error, Result};
use super::layout::layout;
use super::quarter::form_label;
use super::state::Shared;
use crate::index::{Index, Related, Row};
use crate::model::{Case, Date, RiskLevel};
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde_json::Value;

/// The case's pages.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/archive/case/{case}", get(case_page))
        .route("/archive/file/{case}/{version}/{*path}", get(bag_file))
}

fn no_case() -> Error {
    Error::page(
        StatusCode::NOT_FOUND,
        "Не найдено",
        "Такого случая нет в архиве.",
    )
}

/// A date as the page shows it.
fn ru(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// A risk level's code in the page's words.
pub fn level_label(code: Option<&str>) -> String {
    code.and_then(|c| RiskLevel::ALL.iter().find(|l| l.code() == c))
        .map(|l| l.label().to_string())
        .unwrap_or_else(|| "—".into())
}

/// The state of a case's work (`index::STATES`) in the page's words.
pub fn state_label(state: &str) -> &'static str {
    match state {
        "notification" => "извещение",
        "plan" => "план ведомственных мероприятий",
        "open" => "случай открыт",
        "closed" => "работа завершена",
        _ => "—",
    }
}

/// A territory's code in the page's words.
pub fn territory_label(code: Option<&str>) -> String {
    code.and_then(crate::model::Territory::parse)
        .map(|t| t.label().to_string())
        .or_else(|| code.map(String::from))
        .unwrap_or_else(|| "—".into())
}

/// One version as the history shows it.
struct Version {
    number: u32,
    bagged: Option<NaiveDate>,
    row: Row,
    json: Value,
    forms: Vec<String>,
}

/// «Просрочено на N дн.», «осталось N дн.», «выполнено с опозданием».
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Standing {
    Overdue(i64),
    Late(i64),
    Due(i64),
}

/// What the page knows of a case, read off the request's thread.
struct Told {
    versions: Vec<Version>,
    newest: Case,
    related: std::result::Result<Vec<Related>, String>,
}

fn read(root: &std::path::Path, case: &str, scope: &crate::index::Scope) -> Result<Option<Told>> {
    let numbers = crate::archive::case_versions(root, case);
    let Some(last) = numbers.last().copied() else {
        return Ok(None);
    };
    let newest = crate::archive::read_case(root, case, last).map_err(Error::failed)?;
    // The bags say the territory: a case outside the reader's is as missing as one not there.
    if !scope.sees(newest.territory.as_ref().map(|t| t.code())) {
        return Ok(None);
    }
    let mut versions = Vec::new();
    for v in numbers {
        let c = if v == last {
            newest.clone()
        } else {
            crate::archive::read_case(root, case, v).map_err(Error::failed)?
        };
        let info = crate::archive::read_bag_info(&crate::archive::bag_dir(root, case, v));
        let bagged = info
            .iter()
            .find(|(k, _)| k == "Bagging-Date")
            .and_then(|(_, d)| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        versions.push(Version {
            number: v,
            bagged,
            row: Row::of(&c, v, bagged.unwrap_or_default()),
            json: serde_json::to_value(&c).unwrap_or(Value::Null),
            forms: crate::archive::payload_forms(root, case, v),
        });
    }
    let related = match Index::open_read(root) {
        Ok(ix) => ix.related(case, scope).map_err(|e| e.to_string()),
        Err(crate::index::Error::Missing(_)) => Err(
            "Указатель архива ещё не создан: связанные случаи не найдены (okno index --archive АРХИВ)."
                .into(),
        ),
        Err(e) => Err(e.to_string()),
    };
    Ok(Some(Told {
        versions,
        newest,
        related,
    }))
}

/// `GET /archive/case/{case}`: the case told.
pub async fn case_page(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath(case): UrlPath<String>,
) -> Result<Response> {
    if !crate::validate::case_id_is_safe(&case) {
        return Err(no_case());
    }
    let root = state.cfg.archive.clone();
    let scope = s.scope();
    let id = case.clone();
    let told = tokio::task::spawn_blocking(move || read(&root, &id, &scope))
        .await
        .map_err(Error::fault)??
        .ok_or_else(no_case)?;
    state.audit(s.user_name(), "case-view", std::slice::from_ref(&case), "");
    let today = state.today();
    Ok(layout("Случай", "/archive", Some(&s), page(&case, &told, today)).into_response())
}

fn page(case: &str, told: &Told, today: NaiveDate) -> Markup {
    let c = &told.newest;
    let newest = told.versions.last().map(|v| &v.row);
    let child = c.notified_child().map(|(_, ch)| ch);
    let reps = &c.family.legal_representatives;
    html! {
        p { a href="/archive" { "← К списку случаев" } }
        h1 { "Случай " (case) }
        section.file #case-facts {
            h2 { "Ребенок и семья" }
            table.facts {
                tr { th { "Ребенок" } td #child { (child.map(|ch| ch.name.full()).unwrap_or_default()) } }
                tr { th { "Дата рождения" } td #birth { (child.and_then(|ch| ch.birth_date).map(|d| d.to_string()).unwrap_or_default()) } }
                tr { th { "Законные представители" } td #parents {
                    @for (i, r) in reps.iter().enumerate() {
                        @if i > 0 { br; }
                        (r.name.full())
                    }
                } }
                tr { th { "Адрес проживания" } td #address { (c.family.address_actual.clone().unwrap_or_default()) } }
                tr { th { "Территория" } td #territory { (territory_label(c.territory.as_ref().map(|t| t.code()))) } }
                tr { th { "Уровень риска сейчас" } td #level { (level_label(newest.and_then(|r| r.level.as_deref()))) } }
                tr { th { "Состояние" } td #state { (state_label(newest.map(|r| r.state).unwrap_or(""))) } }
                tr { th { "Куратор" } td #curator { (newest.and_then(|r| r.curator.clone()).unwrap_or_else(|| "—".into())) } }
                tr { th { "Организация-отправитель" } td { (newest.and_then(|r| r.agency.clone()).unwrap_or_default()) } }
                @for (what, period) in plans(c) {
                    tr.plan { th { (what) } td { (period) } }
                }
            }
        }
        section.file #history {
            h2 { "Уровень по версиям" }
            table.list {
                thead { tr { th { "Версия" } th { "Упакован" } th { "Уровень риска" } th { "Состояние" } } }
                tbody {
                    @for v in &told.versions {
                        tr {
                            td { (v.number) }
                            td { (v.bagged.map(ru).unwrap_or_default()) }
                            td { (level_label(v.row.level.as_deref())) }
                            td { (state_label(v.row.state)) }
                        }
                    }
                }
            }
        }
        (deadlines(c, today))
        (related(&told.related))
        @for (i, v) in told.versions.iter().enumerate().rev() {
            section.file.version id={"v" (v.number)} {
                h2 { "Версия " (v.number) }
                @if let Some(d) = v.bagged { p { "Упакован: " (ru(d)) } }
                @if i == 0 {
                    p.note { "Первая версия случая." }
                } @else {
                    (changes(&told.versions[i - 1].json, &v.json))
                }
                h3 { "Формы" }
                ul.files {
                    @for f in &v.forms {
                        li { a href={"/archive/file/" (case) "/" (v.number) "/" (f)} title=(f) { (form_label(f)) } }
                    }
                }
            }
        }
    }
}

/// The plans' periods: «с … по …».
fn plans(c: &Case) -> Vec<(&'static str, String)> {
    let period = |from: Option<Date>, to: Option<Date>| {
        format!(
            "с {} по {}",
            from.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            to.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
        )
    };
    let mut out = Vec::new();
    if let Some(p) = &c.departmental_plan {
        out.push(("План ведомственных мероприятий", period(p.from, p.to)));
    }
    if let Some(p) = c.support_card.as_ref().and_then(|s| s.plan.as_ref()) {
        out.push(("Индивидуальный план", period(p.from, p.to)));
    }
    out
}

/// The deadlines of the newest version (`validate::dues` and the watched plan ends): missed,
/// due, met late.
fn deadlines(c: &Case, today: NaiveDate) -> Markup {
    let ended = crate::validate::ended(c);
    let mut rows: Vec<(Standing, crate::validate::Due)> = crate::validate::dues(c)
        .into_iter()
        .chain(crate::validate::watched(c))
        .filter_map(|d| {
            let days = |a: Date, b: NaiveDate| (b - a.0).num_days();
            let standing = match d.done {
                Some(done) if done > d.due => Standing::Late(days(d.due, done.0)),
                Some(_) => return None,
                None if !d.pending || (d.while_active && ended.is_some()) => return None,
                None if today > d.due.0 => Standing::Overdue(days(d.due, today)),
                None => Standing::Due(-days(d.due, today)),
            };
            Some((standing, d))
        })
        .collect();
    rows.sort_by(|a, b| (&a.0, a.1.due).cmp(&(&b.0, b.1.due)));
    html! {
        section.file #deadlines {
            h2 { "Сроки" }
            @if rows.is_empty() {
                p.note { "Ожидаемых и пропущенных сроков нет." }
            } @else {
                table.list {
                    thead { tr { th { "Правило" } th { "Что" } th { "Срок" } th { "Как считается" } th { "Состояние" } } }
                    tbody {
                        @for (st, d) in &rows {
                            tr {
                                td { (d.rule) }
                                td { (d.what) }
                                td { (d.due) }
                                td { (d.from) }
                                @match st {
                                    Standing::Overdue(n) => td.bad { "просрочено на " (n) " дн." },
                                    Standing::Late(n) => td.warn { "выполнено " (d.done.map(|x| x.to_string()).unwrap_or_default()) ", с опозданием на " (n) " дн." },
                                    Standing::Due(n) => td { "осталось " (n) " дн." },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn related(found: &std::result::Result<Vec<Related>, String>) -> Markup {
    html! {
        section.file #related {
            h2 { "Связанные случаи" }
            @match found {
                Err(e) => p.note { (e) },
                Ok(r) if r.is_empty() => p.note { "Других случаев этого ребенка и этой семьи в архиве нет." },
                Ok(r) => ul {
                    @for x in r {
                        li {
                            @if x.seen {
                                a href={"/archive/case/" (x.case_id)} { (x.case_id) }
                                " — " (x.child) ", уровень: " (level_label(x.level.as_deref()))
                                @if let Some(d) = x.bagged { ", версия от " (ru(d)) }
                            } @else {
                                "известен в другой территории: " (territory_label(x.territory.as_deref()))
                            }
                            " · " span.why { (x.relation.ru()) }
                        }
                    }
                },
            }
        }
    }
}

/// One difference between two versions: the field's pointer and its value before and after
/// (none: not there).
#[derive(Debug, PartialEq)]
struct Change {
    pointer: String,
    old: Option<String>,
    new: Option<String>,
}

/// A leaf's value in the page's words; `None` for null and empty values.
fn shown(v: &Value) -> Option<String> {
    let s = match v {
        Value::Null => return None,
        Value::Bool(true) => "да".into(),
        Value::Bool(false) => "нет".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.trim().is_empty() => return None,
        Value::String(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => ru(d),
            Err(_) => s.clone(),
        },
        Value::Array(_) | Value::Object(_) => return None,
    };
    const MAX: usize = 120;
    Some(if s.chars().count() > MAX {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    } else {
        s
    })
}

/// The leaves of `v` under `at`, for a subtree added or removed whole.
fn leaves(at: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| leaves(&format!("{at}/{}", escape(k)), x, out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| leaves(&format!("{at}/{i}"), x, out)),
        leaf => {
            if let Some(s) = shown(leaf) {
                out.push((at.to_string(), s));
            }
        }
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// What changed from `old` to `new`, field by field (JSON pointers), in the keys' order.
fn diff(at: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, x) in a {
                let p = format!("{at}/{}", escape(k));
                diff(&p, x, b.get(k).unwrap_or(&Value::Null), out);
            }
            for (k, y) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                diff(&format!("{at}/{}", escape(k)), &Value::Null, y, out);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                diff(
                    &format!("{at}/{i}"),
                    a.get(i).unwrap_or(&Value::Null),
                    b.get(i).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (a, b) if a == b => {}
        (a, b) => {
            let (mut was, mut now) = (Vec::new(), Vec::new());
            leaves(at, a, &mut was);
            leaves(at, b, &mut now);
            for (p, v) in &was {
                let new = now.iter().find(|(q, _)| q == p).map(|(_, v)| v.clone());
                if new.as_ref() != Some(v) {
                    out.push(Change {
                        pointer: p.clone(),
                        old: Some(v.clone()),
                        new,
                    });
                }
            }
            for (p, v) in now.iter().filter(|(p, _)| !was.iter().any(|(q, _)| q == p)) {
                out.push(Change {
                    pointer: p.clone(),
                    old: None,
                    new: Some(v.clone()),
                });
            }
        }
    }
}

/// The parts of a case in the page's words, by the pointer's first step.
const SECTIONS: &[(&str, &str)] = &[
    ("case_id", "Номер случая"),
    ("territory", "Территория"),
    ("family", "Семья"),
    ("notification", "Извещение"),
    (
        "child_assessment",
        "Оценка показателей неблагополучия ребенка",
    ),
    ("family_assessment", "Оценка факторов риска"),
    ("housing_inspection", "Акт обследования"),
    ("conclusion", "Заключение «Единого окна»"),
    ("departmental_plan", "План ведомственных мероприятий"),
    ("case_opening", "Открытие случая"),
    ("support_card", "Карта сопровождения"),
    ("consilium", "Консилиум"),
    ("monitoring", "Мониторинг"),
    ("closure", "Закрытие случая"),
];

/// A field's pointer in the page's words: its part of the case, the numbers of the list
/// items it is in, and the label of its place on the forms (the field map,
/// `forms::fields`), or its own name when no form prints it.
fn label(pointer: &str) -> String {
    let steps: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let mut out = SECTIONS
        .iter()
        .find(|(k, _)| *k == steps[0])
        .map(|(_, l)| l.to_string())
        .unwrap_or_else(|| steps[0].to_string());
    for s in &steps[1..] {
        if let Ok(i) = s.parse::<usize>() {
            out.push_str(&format!(" № {}", i + 1));
        }
    }
    let place = crate::forms::FORMS
        .iter()
        .flat_map(|f| f.fields.iter())
        .filter(|p| !p.label.is_empty() && crate::forms::fields::covers(p.field, pointer))
        .max_by_key(|p| p.field.matches('/').count());
    let field = match place {
        Some(p) => {
            let l = p.label.trim().trim_end_matches(':').trim();
            if l.chars().count() > 80 {
                format!("{}…", l.chars().take(80).collect::<String>())
            } else {
                l.to_string()
            }
        }
        None => steps
            .iter()
            .rev()
            .find(|s| s.parse::<usize>().is_err())
            .map(|s| s.replace('_', " "))
            .unwrap_or_default(),
    };
    if steps.len() > 1 && !field.is_empty() {
        out.push_str(" › ");
        out.push_str(&field);
    }
    out
}

/// How many changes of a version the page lists; the rest are counted.
const SHOWN_CHANGES: usize = 40;

fn changes(old: &Value, new: &Value) -> Markup {
    let mut all = Vec::new();
    diff("", old, new, &mut all);
    html! {
        h3 { "Что изменилось с предыдущей версии" }
        @if all.is_empty() {
            p.note { "Сведения не изменились." }
        } @else {
            table.list.changes {
                thead { tr { th { "Поле" } th { "Было" } th { "Стало" } } }
                tbody {
                    @for ch in all.iter().take(SHOWN_CHANGES) {
                        tr title=(ch.pointer) {
                            td { (label(&ch.pointer)) }
                            @match (&ch.old, &ch.new) {
                                (None, Some(n)) => { td.note { "добавлено" } td { (n) } },
                                (Some(o), None) => { td { (o) } td.note { "удалено" } },
                                (o, n) => { td { (o.clone().unwrap_or_default()) } td { (n.clone().unwrap_or_default()) } },
                            }
                        }
                    }
                }
            }
            @if all.len() > SHOWN_CHANGES {
                p.note { "И ещё изменений: " (all.len() - SHOWN_CHANGES) "." }
            }
        }
    }
}

/// `GET /archive/file/{case}/{version}/{path}`: a form from a bag's payload.
pub async fn bag_file(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    UrlPath((case, version, path)): UrlPath<(String, u32, String)>,
) -> Result<Response> {
    let no_file = || Error::page(StatusCode::NOT_FOUND, "Не найдено", "Такого файла нет.");
    let file = crate::archive::payload_form(&state.cfg.archive, &case, version, &path)
        .ok_or_else(no_file)?;
    // Seen as the case is now (its newest version's territory), whichever version is asked.
    let st = state.clone();
    let id = case.clone();
    let seen = tokio::task::spawn_blocking(move || super::scope::case_visible(&st, &s, &id))
        .await
        .map_err(Error::fault)?;
    if !seen {
        return Err(no_file());
    }
    let bytes = std::fs::read(&file).map_err(|_| no_file())?;
    let name = path.rsplit('/').next().unwrap_or("файл");
    Ok(download(&format!("{case}-v{version}-{name}"), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_diff_names_fields_added_changed_and_removed() {
        let old = json!({"notification": {"agency": "Школа № 1", "date_sent": "2026-03-02"}, "monitoring": []});
        let new = json!({"notification": {"agency": "Школа № 2"}, "monitoring": [{"date": "2026-06-01"}]});
        let mut out = Vec::new();
        diff("", &old, &new, &mut out);
        assert_eq!(
            out,
            vec![
                Change {
                    pointer: "/monitoring/0/date".into(),
                    old: None,
                    new: Some("01.06.2026".into())
                },
                Change {
                    pointer: "/notification/agency".into(),
                    old: Some("Школа № 1".into()),
                    new: Some("Школа № 2".into())
                },
                Change {
                    pointer: "/notification/date_sent".into(),
                    old: Some("02.03.2026".into()),
                    new: None
                },
            ]
        );
        assert!(label("/monitoring/0/date").starts_with("Мониторинг № 1 › "));
    }
}
