//! The card's recurring pieces: a domain's level marked in one of four columns, a consilium's
//! decision, a table with an empty row when it has none.

use super::fields::{CONSILIUM_DATE, CONSILIUM_NUMBER, CONSILIUM_TEXT};
use crate::doc::{Block, Cell, Col, Fields, Text};
use crate::forms::pieces::d;
use crate::model::{ConsiliumDecision, Domain, RiskLevel};

/// The name each domain has in «Анализ информации по разделу «…»:».
pub(super) fn analysis_name(d: Domain) -> &'static str {
    match d {
        Domain::HousingIncome => "Жилье/занятость/доход",
        Domain::Health => "Здоровье",
        Domain::Safety => "Безопасность",
        Domain::Education => "Образование и развитие",
        Domain::FamilyRelations => "Отношения внутри семьи",
        Domain::SocialRelations => "Отношения вне семьи",
    }
}

pub(super) fn level_row(title: String, level: Option<RiskLevel>) -> Vec<Cell> {
    let mut row = vec![Cell::label(title)];
    for l in [
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::ThreatToLife,
    ] {
        row.push(Cell::check(level == Some(l)));
    }
    row
}

/// A domain per row, its level marked in one of four columns.
pub(super) fn level_table(rows: Vec<Vec<Cell>>) -> Block {
    Block::table(
        vec![
            Col::Text(40),
            Col::Fixed,
            Col::Fixed,
            Col::Fixed,
            Col::Fixed,
        ],
        level_header(),
        rows,
    )
}

pub(super) fn level_header() -> Vec<Vec<Cell>> {
    vec![vec![
        Cell::label("Раздел комплексной оценки"),
        Cell::label("низкий").center(),
        Cell::label("средний").center(),
        Cell::label("высокий").center(),
        Cell::label("угроза жизни").center(),
    ]]
}

/// «РЕШЕНИЕ … консилиума (Протокол) № … от …» and, beside «(кратко и по сути принятого
/// решения)», its text; `then`, a value that follows from the decision (the case's closure
/// reason after the decision that closed it), stands in a paragraph of its own.
pub(super) fn decision(
    c: Option<&ConsiliumDecision>,
    lead: &str,
    then: Option<Text>,
) -> Vec<Block> {
    let gist = || Text::label("(кратко и по сути принятого решения)");
    let mut out = vec![
        Block::para(vec![
            Text::label(lead),
            Text::label("№"),
            Text::value(c.and_then(|c| c.number.clone())).at(CONSILIUM_NUMBER),
            Text::label("от"),
            Text::value(c.and_then(|c| d(c.date))).at(CONSILIUM_DATE),
        ]),
        Block::para(vec![
            gist(),
            Text::value(c.and_then(|c| c.text.clone())).at(CONSILIUM_TEXT),
        ]),
    ];
    out.extend(then.map(|t| Block::para(vec![gist(), t])));
    out
}

/// A row of values, one cell each.
pub(super) fn values<const N: usize>(v: [(Option<String>, Fields); N]) -> Vec<Cell> {
    v.into_iter().map(|(v, f)| Cell::value(v).at(f)).collect()
}

pub(super) fn table(columns: Vec<Col>, headers: &[&str], rows: Vec<Vec<Cell>>) -> Block {
    let n = headers.len();
    let rows = if rows.is_empty() {
        vec![(0..n).map(|_| Cell::empty()).collect()]
    } else {
        rows
    };
    Block::table(
        columns,
        vec![headers.iter().map(|h| Cell::label(*h)).collect()],
        rows,
    )
}
