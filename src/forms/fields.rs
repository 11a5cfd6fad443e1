//! The field map: which model field fills which labelled place of each seed form.
//!
//! Each form declares its places (`Form::fields`, beside its builder); the builder tags every
//! value and blank it prints with the fields it holds (`Text::at`). `placed` reads a built
//! document back as (fields, label of the place, text); a test holds the two to each other,
//! and the marker test (`tests/field_map.rs`) holds the rendered PDF and DOCX to the map: each
//! field's marker stands beside or under its label and nowhere else. A field no seed form
//! carries is listed in `NOT_ON_FORMS`, with the reason.

use crate::doc::{Block, Document, Text};

/// One place of a form: the model field (a path into the case's JSON, `*` for an array
/// index; a path names all the fields under it) and the label of the place it fills — the
/// words beside it (a row of label and value), or the header of its column, as the seed
/// prints them. `label` is matched as the start of the place's label, spaces folded.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub field: &'static str,
    pub label: &'static str,
}

/// Two maps as one, made at compile time: a form that prints another's part (the card's part
/// II is the individual plan) or shares its head with another (the notification and the
/// conclusion) declares those places once. `N` is `a.len() + b.len()`.
pub const fn joined<const N: usize>(a: &[Place], b: &[Place]) -> [Place; N] {
    assert!(a.len() + b.len() == N);
    let mut out = [at("", ""); N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
    }
    out
}

/// Shorthand for a map entry.
pub const fn at(field: &'static str, label: &'static str) -> Place {
    Place { field, label }
}

/// Fields of the model that no seed form carries, and why: the reader of the map knows the
/// list is deliberate. A path names all the fields under it.
pub static NOT_ON_FORMS: &[(&str, &str)] = &[
    (
        "/case_id",
        "номер случая: имя папки архива и файлов, а не графа формы",
    ),
    (
        "/territory",
        "территория выбирает комиссию и каталог, графы в формах нет",
    ),
    // --- card ---
    (
        "/support_card/completed",
        "дата завершения частей I–II карты: по ней считается срок D-CARD-20 и выбирается решение консилиума об утверждении карты; графы в карте нет",
    ),
    (
        "/consilium/*/minutes_sent",
        "дата рассылки протокола консилиума: по ней считается срок D-MINUTES-10; графы ни в одной форме нет",
    ),
    (
        "/closure/date",
        "дата закрытия случая: в формах графы нет; причина закрытия печатается в карте (ч. III, п. 4) после решения консилиума",
    ),
    (
        "/case_opening/decision_number",
        "номер решения об открытии случая: в мониторинге он вносится в сам мониторинг, в карте графы нет",
    ),
    (
        "/case_opening/date",
        "дата решения об открытии случая: в мониторинге она вносится в сам мониторинг, в карте графы нет",
    ),
    // --- end card ---
    // --- plans ---
    (
        "/housing_inspection/residents/*/group",
        "группа проживающего выбирает раздел таблицы «Состав проживающих» (его заголовок — слова формы), а не печатается",
    ),
    (
        "/housing_inspection/incomes/*/kind",
        "вид дохода выбирает строку таблицы «Структура доходов» (ее заголовок — слова формы), а не печатается",
    ),
    (
        "/housing_inspection/household_members",
        "число членов семьи, ведущих совместное хозяйство, — делитель среднедушевого дохода; графы в акте нет",
    ),
    (
        "/departmental_plan/agency_kind",
        "вид органа выбирает, кому направлен план (маршрутизация); в плане печатается наименование органа",
    ),
    (
        "/support_card/plan/rows/*/domain",
        "направление работы выбирает строку таблицы индивидуального плана (ее заголовок — слова формы)",
    ),
    // --- notif ---
    (
        "/conclusion/responsible_body",
        "ответственный за работу с семьей — решение ЕО по заключению (правило R-LOW); в форме заключения семени 003 графы нет",
    ),
    (
        "/conclusion/responsible_body_kind",
        "вид ответственного органа — для проверки правила R-LOW, графы в формах нет",
    ),
    (
        "/conclusion/involved_agencies",
        "органы, привлеченные при угрозе жизни (правило R-THREAT), — графы в формах нет",
    ),
    (
        "/conclusion/family_consent",
        "согласие семьи на план ведомственных мероприятий (правило R-LOW) — графы в формах нет",
    ),
    // --- end notif ---
    (
        "/closure/reason",
        "причина закрытия печатается в карте (ч. III, п. 4, после решения консилиума); у семьи без карты (низкий уровень, план ведомственных мероприятий) в формах порядка графы для нее нет",
    ),
    // Selectors: they choose whose data or which row of the form's own list is printed.
    (
        "/notification/child",
        "номер ребенка в списке детей семьи: выбирает, о ком извещение; печатаются его данные",
    ),
    (
        "/child_assessment/child",
        "номер ребенка в списке детей семьи: выбирает, о ком оценка; печатаются его данные",
    ),
    (
        "/child_assessment/marks/*/criterion",
        "номер критерия выбирает строку таблицы показателей (ее текст — слова формы)",
    ),
    (
        "/child_assessment/marks/*/indicator",
        "номер показателя выбирает строку таблицы показателей (ее текст — слова формы)",
    ),
    (
        "/family_assessment/marks/*/factor",
        "номер фактора выбирает строку таблицы факторов (ее текст — из каталога)",
    ),
    (
        "/housing_inspection/answers/*/question",
        "номер вопроса выбирает строку таблицы вопросов акта (ее текст — слова формы)",
    ),
    (
        "/departmental_plan/rows/*/domain",
        "направление работы выбирает строку таблицы плана (ее заголовок — слова формы)",
    ),
    (
        "/notification/agency_kind",
        "вид органа-отправителя: для маршрутизации и сводки квартала; в извещении печатается наименование органа",
    ),
    (
        "/case_opening/curator/phone",
        "телефон куратора: на титуле карты графы для него нет; в ч. II карты он печатается с куратором из решения об открытии случая, когда в плане куратор не указан",
    ),
];

/// A value or blank as the document places it: the fields it holds, the label of its place
/// (as `Place::label` reads it) and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub fields: &'static [&'static str],
    pub label: String,
    pub text: String,
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `label` (a place's label read from a document) is the map's `want`.
pub fn label_matches(label: &str, want: &str) -> bool {
    let (l, w) = (fold(label), fold(want));
    !w.is_empty() && l.starts_with(&w)
}

/// Every tagged value and blank of a document with the label of its place: the row's label
/// in `Fields`; in a table the header of its column (the last header row that covers the
/// column), else the nearest label to its left in the row; in a paragraph the label before
/// it; a check's detail its check; a signature its role; an approval line the line before.
pub fn placed(doc: &Document) -> Vec<Placed> {
    let mut out = Vec::new();
    walk(doc, &mut |t, label, _| {
        if !t.fields().is_empty() {
            out.push(Placed {
                fields: t.fields(),
                label: fold(label),
                text: t.as_str().to_string(),
            });
        }
    });
    out
}

/// Every value and blank that holds no field, with the label of its place and whether it is a
/// signature's or an approval's line: the converse of the map (a place that takes a value
/// has a field) allows only lines to sign or date by hand and texts computed by the form.
pub fn untagged(doc: &Document) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    walk(doc, &mut |t, label, signed| {
        if !matches!(t, Text::Label(_)) && t.fields().is_empty() {
            out.push((fold(label), t.as_str().to_string(), signed));
        }
    });
    out
}

/// Calls `sink` with each value and blank of the document (labels too, in tables), the label
/// of its place (see `placed`) and whether it stands in a signature or approval block.
fn walk(doc: &Document, sink: &mut dyn FnMut(&Text, &str, bool)) {
    // Set while a signature's, a `Sign`'s or an approval's lines are walked.
    let signed = std::cell::Cell::new(false);
    let mut put = |t: &Text, label: &str| sink(t, label, signed.get());
    for (i, b) in doc.blocks.iter().enumerate() {
        match b {
            Block::Fields { rows, .. } => {
                for (l, vs) in rows {
                    vs.iter().for_each(|v| put(v, l.as_str()));
                }
            }
            Block::Table { header, rows, .. } => {
                // The header text over each grid column (colspans and rowspans unfolded).
                let heads = grid(header);
                let head_of = |col: usize| -> Option<String> {
                    heads
                        .iter()
                        .rev()
                        .find_map(|r| r.get(col).cloned().flatten())
                };
                for (row, cols) in rows.iter().zip(grid_positions(rows)) {
                    let mut left: Option<String> = None;
                    for (cell, col) in row.iter().zip(cols) {
                        for t in &cell.content {
                            if let Text::Label(l) = t {
                                left = Some(l.clone());
                            }
                        }
                        for t in &cell.content {
                            let label = match (head_of(col), &left) {
                                (Some(h), _) => h,
                                (None, Some(l)) => l.clone(),
                                (None, None) => String::new(),
                            };
                            put(t, &label);
                        }
                        for c in &cell.checks {
                            c.detail.iter().for_each(|t| put(t, &c.label));
                        }
                    }
                }
            }
            Block::Para { content, .. } => {
                // A line with no label before it is named by its caption under it, as the
                // seed prints «(адрес проживания)» under the address.
                let mut last = match doc.blocks.get(i + 1) {
                    Some(Block::Para { content: next, .. })
                        if next.iter().all(|t| matches!(t, Text::Label(_))) =>
                    {
                        next.iter().map(Text::as_str).collect::<Vec<_>>().join(" ")
                    }
                    _ => String::new(),
                };
                for t in content {
                    match t {
                        Text::Label(l) => last = l.clone(),
                        t => put(t, &last),
                    }
                }
            }
            Block::Checks { label, options, .. } => {
                for o in options {
                    // An option without words (the seed's blank «· ____») is the list's own.
                    let at = match label {
                        Some(l) if o.label.trim().is_empty() => l.as_str(),
                        _ => &o.label,
                    };
                    o.detail.iter().for_each(|t| put(t, at));
                }
            }
            // Lines to sign or date by hand: told apart for `untagged`.
            Block::Signature { role, name, .. } => {
                signed.set(true);
                put(name, role.as_str());
                signed.set(false);
            }
            Block::Sign { role, lines, .. } => {
                signed.set(true);
                lines.iter().for_each(|l| put(&l.text, role.as_str()));
                signed.set(false);
            }
            Block::Approval { left, right } => {
                signed.set(true);
                for side in [left, right] {
                    let mut last = String::new();
                    for t in side {
                        match t {
                            Text::Label(l) => last = l.clone(),
                            t => put(t, &last),
                        }
                    }
                }
                signed.set(false);
            }
            Block::Title { lines } => {
                // A value in a title is named by the title line above it.
                let mut last = String::new();
                for t in lines {
                    match t {
                        Text::Label(l) => last = l.clone(),
                        t => put(t, &last),
                    }
                }
            }
            Block::Heading { text } => put(text, ""),
            Block::Appendix { .. }
            | Block::Bars { .. }
            | Block::Space
            | Block::PageBreak
            | Block::Orientation { .. }
            | Block::Sheet { .. } => {}
        }
    }
}

/// The grid column of each cell of each row, rowspans of rows above taken into account.
fn grid_positions(rows: &[Vec<crate::doc::Cell>]) -> Vec<Vec<usize>> {
    let mut taken: Vec<usize> = Vec::new(); // rows still covered, per column
    let mut out = Vec::new();
    for row in rows {
        let mut cols = Vec::new();
        let mut col = 0;
        for cell in row {
            while taken.get(col).is_some_and(|&n| n > 0) {
                col += 1;
            }
            cols.push(col);
            for c in col..col + cell.colspan.max(1) {
                if taken.len() <= c {
                    taken.resize(c + 1, 0);
                }
                taken[c] = cell.rowspan.max(1);
            }
            col += cell.colspan.max(1);
        }
        out.push(cols);
        taken.iter_mut().for_each(|n| *n = n.saturating_sub(1));
    }
    out
}

/// The label text over each grid column, per header row.
fn grid(header: &[Vec<crate::doc::Cell>]) -> Vec<Vec<Option<String>>> {
    let mut out = Vec::new();
    for (row, cols) in header.iter().zip(grid_positions(header)) {
        let mut line: Vec<Option<String>> = Vec::new();
        for (cell, col) in row.iter().zip(cols) {
            let text = cell
                .content
                .iter()
                .filter(|t| matches!(t, Text::Label(_)))
                .map(Text::as_str)
                .collect::<Vec<_>>()
                .join(" ");
            for c in col..col + cell.colspan.max(1) {
                if line.len() <= c {
                    line.resize(c + 1, None);
                }
                line[c] = (!text.trim().is_empty()).then(|| text.clone());
            }
        }
        out.push(line);
    }
    out
}

/// Whether the map path `pattern` (with `*` for an index) names `path` or a field above it.
pub fn covers(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    let q: Vec<&str> = path.trim_matches('/').split('/').collect();
    p.len() <= q.len()
        && p.iter()
            .zip(&q)
            .all(|(a, b)| a == b || (*a == "*" && b.parse::<usize>().is_ok()))
}

/// Where the document's tagged texts break its form's map: a field the map does not give
/// this form, or a field at another place than the map's. Empty when the two agree.
pub fn disagreements(doc: &Document, map: &[Place]) -> Vec<String> {
    let mut out = Vec::new();
    for p in placed(doc) {
        for f in p.fields {
            let places: Vec<&Place> = map.iter().filter(|m| m.field == *f).collect();
            if places.is_empty() {
                out.push(format!("{}: поле {f} не в карте формы", doc.form));
            } else if !places.iter().any(|m| label_matches(&p.label, m.label)) {
                out.push(format!(
                    "{}: поле {f} стоит у «{}», карта: {:?}",
                    doc.form,
                    p.label,
                    places.iter().map(|m| m.label).collect::<Vec<_>>()
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_covers_the_fields_under_it_and_an_index_matches_a_star() {
        assert!(covers(
            "/family/children/*/name",
            "/family/children/1/name/last"
        ));
        assert!(covers("/closure/reason", "/closure/reason"));
        assert!(!covers("/closure/reason", "/closure/date"));
        assert!(!covers(
            "/family/children/*/name/last",
            "/family/children/0/name"
        ));
    }
}
