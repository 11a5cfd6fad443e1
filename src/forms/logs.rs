//! The two logs of the procedure, over many cases: App. 1 «Журнал учета выявленных факторов
//! риска» (kept by an agency) and the single window's intake log.

use super::*;
use crate::render::doc::{Block, Cell, Col, Document, Text};

fn parents(case: &Case) -> (Option<String>, Option<String>) {
    let names: Vec<String> = case
        .family
        .legal_representatives
        .iter()
        .filter_map(|r| name(&r.name))
        .collect();
    let phones: Vec<String> = case
        .family
        .legal_representatives
        .iter()
        .filter_map(|r| r.phone.clone())
        .collect();
    (
        (!names.is_empty()).then(|| names.join("; ")),
        (!phones.is_empty()).then(|| phones.join("; ")),
    )
}

/// A notified case's notification (the logs list only those: `ordered`).
fn notification(c: &Case) -> &crate::model::Notification {
    c.notification
        .as_ref()
        .expect("ordered keeps notified cases")
}

/// The columns both logs give the child and the family: name, birth date and school of the
/// child, the parents' names and phones, the family's address.
fn family_cells(c: &Case) -> [Cell; 6] {
    let child = the_child(c);
    let (names, phones) = parents(c);
    [
        Cell::value(name(&child.name)),
        Cell::value(d(child.birth_date)),
        Cell::value(child.school.clone()),
        Cell::value(names),
        Cell::value(phones),
        Cell::value(address(c)),
    ]
}

fn address(case: &Case) -> Option<String> {
    case.family
        .address_registered
        .clone()
        .or(case.family.address_actual.clone())
}

fn numbers(n: usize) -> Vec<Cell> {
    (1..=n)
        .map(|i| Cell::label(i.to_string()).center())
        .collect()
}

fn header_block(
    kind: &str,
    agency: Option<String>,
    from: Option<Date>,
    to: Option<Date>,
) -> Vec<Block> {
    vec![
        Block::title(&["Журнал", kind]),
        Block::para(vec![Text::value(agency)]),
        Block::label("(наименование субъекта системы профилактики)"),
        Block::para(vec![Text::label("начат"), vd(from)]),
        Block::para(vec![Text::label("окончен"), vd(to)]),
    ]
}

/// Sorted by the date the information came in, then by case ID: the order of a log.
fn ordered<'a>(cases: &[&'a Case]) -> Vec<&'a Case> {
    let mut v: Vec<&Case> = cases
        .iter()
        .copied()
        .filter(|c| c.notification.is_some())
        .collect();
    v.sort_by(|a, b| {
        let key = |c: &Case| {
            c.notification
                .as_ref()
                .and_then(|n| n.detection_date.or(n.date_sent))
        };
        key(a).cmp(&key(b)).then_with(|| a.case_id.cmp(&b.case_id))
    });
    v
}

pub fn detection_log(cases: &[&Case], agency: Option<String>) -> Document {
    let cases = ordered(cases);
    let dates: Vec<Date> = cases
        .iter()
        .filter_map(|c| c.notification.as_ref()?.detection_date)
        .collect();
    let (from, to) = (dates.iter().min().copied(), dates.iter().max().copied());
    let mut rows = vec![numbers(11)];
    for (i, c) in cases.iter().enumerate() {
        let n = notification(c);
        let mut row = vec![
            Cell::value(Some((i + 1).to_string())).center(),
            Cell::value(d(n.detection_date)),
            Cell::value(n.detection_source.clone()),
        ];
        row.extend(family_cells(c));
        row.extend([Cell::value(n.grounds.clone()), Cell::value(d(n.date_sent))]);
        rows.push(row);
    }
    let mut blocks = vec![appendix(1)];
    blocks.extend(header_block(
        "учета выявленных факторов риска семейного неблагополучия",
        agency,
        from,
        to,
    ));
    blocks.push(
        Block::table(
            log_columns([10, 12, 10, 12, 7, 10], &[Col::Text(16), Col::Fixed]),
            two_row_header(
                "Источник поступления сведений",
                &["Основания для извещения", "Дата направления извещения"],
            ),
            rows,
        )
        .sized(LOG_SIZE),
    );
    let mut document = doc(
        "detection_log",
        "Журнал учета выявленных факторов риска семейного неблагополучия",
        to,
        blocks,
    );
    document.landscape = true;
    document
}

/// A log is a register of many narrow columns: set at 9 pt, as journals are.
const LOG_SIZE: f32 = 9.0;

/// The columns of both logs: number, date, then source, child, birth date, school, parent,
/// phone and address (`text`: the weights of the text columns among them), then `after`.
fn log_columns(text: [u8; 6], after: &[Col]) -> Vec<Col> {
    let [source, child, school, parent, phone, address] = text.map(Col::Text);
    let mut cols = vec![
        Col::Fixed,
        Col::Fixed,
        source,
        child,
        Col::Fixed,
        school,
        parent,
        phone,
        address,
    ];
    cols.extend_from_slice(after);
    cols
}

/// The seed's two-row header of both logs (App. 1): every column spans both rows but the
/// parents' two, under «Сведения о родителях». `source` names the third column, `after` the
/// columns after the family's address.
fn two_row_header(source: &str, after: &[&str]) -> Vec<Vec<Cell>> {
    let spans_both = |t: &str| Cell::label(t).rows(2);
    let mut first: Vec<Cell> = [
        "№ п/п",
        "Дата поступления сведений",
        source,
        "Фамилия, имя, отчество (последнее – при наличии) ребенка",
        "Дата рождения ребенка",
        "Место обучения ребенка",
    ]
    .into_iter()
    .map(spans_both)
    .collect();
    first.push(Cell::label("Сведения о родителях (законных представителях)").span(2));
    first.push(spans_both("Адрес места жительства, регистрации семьи"));
    first.extend(after.iter().copied().map(spans_both));
    let second = vec![
        Cell::label("Фамилия, имя, отчество (последнее – при наличии)"),
        Cell::label("телефон"),
    ];
    vec![first, second]
}

pub fn intake_log(cases: &[&Case], agency: Option<String>) -> Document {
    let cases = ordered(cases);
    let received = |c: &Case| {
        c.notification
            .as_ref()
            .and_then(|n| n.date_received.or(n.date_sent))
    };
    let dates: Vec<Date> = cases.iter().filter_map(|c| received(c)).collect();
    let (from, to) = (dates.iter().min().copied(), dates.iter().max().copied());
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let n = notification(c);
        let source = join(&[n.agency.clone(), Some("извещение".to_string())]);
        let sent_for_assessment = match n.primary_assessment {
            Some(crate::model::PrimaryAssessment::NotDone) => {
                n.primary_assessor.as_ref().and_then(|s| name(&s.name))
            }
            _ => None,
        };
        let conclusion = c.conclusion.as_ref().map(|con| {
            join(&[con.risk_level.map(|l| l.label().to_string()), d(con.date)]).unwrap_or_default()
        });
        let consilium = c
            .consilium
            .first()
            .map(|x| join(&[x.number.clone(), d(x.date)]).unwrap_or_default());
        let monitoring: Vec<String> = c.monitoring.iter().filter_map(|m| d(m.date)).collect();
        let mut row = vec![
            Cell::value(Some((i + 1).to_string())).center(),
            Cell::value(d(received(c))),
            Cell::value(source),
        ];
        row.extend(family_cells(c));
        row.extend([
            Cell::value(sent_for_assessment),
            Cell::value(n.grounds.clone()),
            Cell::value(conclusion),
            Cell::value(consilium),
            Cell::value((!monitoring.is_empty()).then(|| monitoring.join("; "))),
        ]);
        rows.push(row);
    }
    let mut blocks = header_block(
        "учета поступивших сведений об обнаружении факторов риска семейного неблагополучия",
        agency,
        from,
        to,
    );
    let mut numbering: Vec<Cell> = (1..=6)
        .map(|i| Cell::label(i.to_string()).center())
        .collect();
    // 13 numbers for 14 columns: the parents' two share one.
    numbering.push(Cell::label("7").center().span(2));
    numbering.extend((8..=13).map(|i| Cell::label(i.to_string()).center()));
    let mut header = two_row_header(
        "Источник поступления сведений, вид документа",
        &[
            "Передано на первичную оценку (в случае отсутствия в пакете документов)",
            "Основания для извещения",
            "Заключение о наличии и степени риска семейного неблагополучия",
            "Передано на рассмотрение на заседание КДНиЗП",
            "Даты проведения и заполнения мониторинга/результативной части по результатам работы",
        ],
    );
    // The column numbers repeat with the header on every page.
    header.push(numbering);
    blocks.push(
        Block::table(
            log_columns(
                [8, 10, 8, 10, 6, 9],
                &[
                    Col::Text(7),
                    Col::Text(12),
                    Col::Text(8),
                    Col::Text(7),
                    Col::Text(8),
                ],
            ),
            header,
            rows,
        )
        .sized(LOG_SIZE),
    );
    let mut document = doc(
        "intake_log",
        "Журнал учета поступивших сведений об обнаружении факторов риска семейного неблагополучия",
        to,
        blocks,
    );
    document.landscape = true;
    document
}
