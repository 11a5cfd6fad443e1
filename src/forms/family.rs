//! App. 4 «Оценка факторов риска семейного неблагополучия». Seed 003 names it in App. 2 and
//! in the conclusion but prints App. 3 a second time where it should be, so the form takes
//! App. 3's shape (head, table of «№ | фактор | наличие | причина», signature) and its list
//! of factors comes from the catalog (`templates/catalog/family_factors.toml`, which a
//! region extends), not from the seed.

use super::fields::{Place, at};
use super::notification::{FA_REASON, PARENT_WORK, parents, school_table};
use super::pieces::*;
use crate::catalog::catalog;
use crate::doc::{Block, Cell, Document, Fields, Text};
use crate::model::Case;
use crate::model::RepresentativeRole;

pub fn family_assessment(case: &Case) -> Vec<Document> {
    let Some(a) = &case.family_assessment else {
        return vec![];
    };
    let cat = catalog();
    // As App. 3 lays out its criteria: the section's number and title span its factors' rows,
    // so a section's title never stands alone at the foot of a page.
    let mut rows = Vec::new();
    for section in &cat.family.section {
        let items = section.factors.iter().enumerate().map(|(i, f)| {
            let id = format!("{}.{}", section.number, i + 1);
            let mark = a.marks.iter().find(|m| m.factor.trim() == id);
            (
                f,
                mark.and_then(|m| m.present),
                mark.and_then(|m| m.reason.clone()),
            )
        });
        rows.extend(assessment_rows(
            section.number.clone(),
            section.title.clone(),
            items,
            PRESENT,
            FA_REASON,
        ));
    }
    let phones = phones(case);
    let mut blocks = vec![
        appendix(4),
        Block::title(&["Оценка факторов риска семейного неблагополучия"]),
        Block::fields(vec![
            (
                "Наименование органа (учреждения) системы профилактики:",
                v(&a.agency).at(AGENCY),
            ),
            (
                "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, проводившего оценку:",
                specialist(&a.assessor).at(ASSESSOR),
            ),
            ("Дата заполнения:", vd(a.date).at(DATE)),
        ]),
        parents(case, true),
    ];
    blocks.extend(others(case));
    blocks.extend([
        Block::fields(vec![
            (
                "Адрес фактического проживания:",
                v(&case.family.address_actual).at(ADDRESS),
            ),
            ("Контактные телефоны:", Text::value(Some(phones)).at(PHONES)),
        ]),
        Block::bold("Сведения о детях:"),
        school_table(&case.family.children, true),
        Block::Space,
        Block::table(
            assessment_columns(),
            vec![vec![
                Cell::label("№"),
                Cell::label("Факторы риска семейного неблагополучия").span(3),
                Cell::label("Наличие (+/-)"),
                Cell::label("Причина/примечание"),
            ]],
            rows,
        ),
        Block::Signature {
            role: Text::label("Ответственный специалист"),
            name: Text::value(
                a.assessor
                    .as_ref()
                    .and_then(|s| join(&[name(&s.name), s.position.clone()])),
            )
            .at(ASSESSOR),
            caption: Some("Фамилия, имя, отчество (последнее – при наличии), должность".into()),
        },
    ]);
    vec![doc(
        "family_assessment",
        "Оценка факторов риска семейного неблагополучия",
        a.date,
        blocks,
    )]
}

/// The legal representatives the mother's and father's rows leave out (a guardian, a second
/// mother or father), each with the role given: no representative is left off the family's
/// form.
fn others(case: &Case) -> Option<Block> {
    let reps = &case.family.legal_representatives;
    let first = |role| reps.iter().position(|r| r.role == Some(role));
    let shown = [
        first(RepresentativeRole::Mother),
        first(RepresentativeRole::Father),
    ];
    let rows = reps
        .iter()
        .enumerate()
        .filter(|(i, _)| !shown.contains(&Some(*i)))
        .map(|(_, r)| {
            let role = r
                .role
                .map(|x| catalog().label("representative_role", x.code()).to_string());
            (
                "Фамилия, имя, отчество (последнее – при наличии) законного представителя",
                Text::value(join(&[
                    role,
                    name(&r.name),
                    d(r.birth_date),
                    r.phone.clone(),
                    r.workplace.clone(),
                ]))
                .at(OTHER),
            )
        })
        .collect::<Vec<_>>();
    (!rows.is_empty()).then(|| Block::fields(rows))
}

const OTHER: Fields = &[
    "/family/legal_representatives/*/role",
    "/family/legal_representatives/*/name",
    "/family/legal_representatives/*/birth_date",
    "/family/legal_representatives/*/phone",
    "/family/legal_representatives/*/workplace",
];
const AGENCY: Fields = &["/family_assessment/agency"];
const ASSESSOR: Fields = &["/family_assessment/assessor"];
const DATE: Fields = &["/family_assessment/date"];
const PRESENT: Fields = &["/family_assessment/marks/*/present"];
const ADDRESS: Fields = &["/family/address_actual"];
const PHONES: Fields = &["/family/phones/*/number", "/family/phones/*/owner"];

const REPRESENTATIVE: &str =
    "Фамилия, имя, отчество (последнее – при наличии) законного представителя";

/// The field map of the family assessment (`super::fields`).
pub(super) static FAMILY_ASSESSMENT_FIELDS: &[Place] = &[
    at(
        AGENCY[0],
        "Наименование органа (учреждения) системы профилактики:",
    ),
    at(
        ASSESSOR[0],
        "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, проводившего оценку:",
    ),
    at(ASSESSOR[0], "Ответственный специалист"),
    at(DATE[0], "Дата заполнения:"),
    at(
        PARENT_WORK[0],
        "Фамилия, имя, отчество (последнее – при наличии) матери, дата рождения, место работы",
    ),
    at(
        PARENT_WORK[1],
        "Фамилия, имя, отчество (последнее – при наличии) матери, дата рождения, место работы",
    ),
    at(
        PARENT_WORK[2],
        "Фамилия, имя, отчество (последнее – при наличии) матери, дата рождения, место работы",
    ),
    at(
        PARENT_WORK[3],
        "Фамилия, имя, отчество (последнее – при наличии) матери, дата рождения, место работы",
    ),
    at(
        PARENT_WORK[0],
        "Фамилия, имя, отчество (последнее – при наличии) отца, дата рождения Место работы",
    ),
    at(
        PARENT_WORK[1],
        "Фамилия, имя, отчество (последнее – при наличии) отца, дата рождения Место работы",
    ),
    at(
        PARENT_WORK[2],
        "Фамилия, имя, отчество (последнее – при наличии) отца, дата рождения Место работы",
    ),
    at(
        PARENT_WORK[3],
        "Фамилия, имя, отчество (последнее – при наличии) отца, дата рождения Место работы",
    ),
    at(OTHER[0], REPRESENTATIVE),
    at(OTHER[1], REPRESENTATIVE),
    at(OTHER[2], REPRESENTATIVE),
    at(OTHER[3], REPRESENTATIVE),
    at(OTHER[4], REPRESENTATIVE),
    at(ADDRESS[0], "Адрес фактического проживания:"),
    at(PHONES[0], "Контактные телефоны:"),
    at(PHONES[1], "Контактные телефоны:"),
    at(
        "/family/children/*/name",
        "Фамилия, имя, отчество (последнее – при наличии) ребенка",
    ),
    at("/family/children/*/birth_date", "Дата рождения"),
    at(
        "/family/children/*/school",
        "Наименование учреждения (класс)",
    ),
    at("/family/children/*/school_address", "Адрес"),
    at("/family/children/*/school_phone", "Телефон"),
    at("/family/children/*/school_notes", "Примечания"),
    at(PRESENT[0], "Наличие (+/-)"),
    at(FA_REASON[0], "Причина/примечание"),
];
