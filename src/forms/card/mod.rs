//! «Карта комплексного сопровождения семьи» (ККСС): title page and parts I–IV. Part I is
//! `basic`, part II the individual plan (`plans::plan_blocks`), parts III and IV `results`.

mod basic;
mod cells;
mod fields;
mod results;

use super::pieces::*;
use super::plans::plan_blocks;
use crate::doc::{Block, Document, Text};
use crate::model::{Case, ConsiliumDecision, SupportCard};
use fields::*;

pub(super) use fields::SUPPORT_CARD_FIELDS;

pub fn support_card(case: &Case) -> Vec<Document> {
    let Some(card) = &case.support_card else {
        return vec![];
    };
    let (first, later) = decisions(case, card);
    let mut b = title_page(case, card);
    b.extend(basic::part_one(case, card, first));
    // Part II's seven-column plan is read on landscape pages; part III is portrait again.
    b.push(Block::Orientation { landscape: true });
    b.extend(plan_blocks(case));
    b.push(Block::Orientation { landscape: false });
    b.extend(results::part_three(case, card, later));
    b.extend(results::part_four(card));
    let date = card
        .completed
        .or(card.compiled_date)
        .or(card.assessment_started);
    vec![doc(
        "support_card",
        "Карта комплексного сопровождения семьи",
        date,
        b,
    )]
}

/// The seed's title page: who compiled the card signs it with the organization's head under
/// the stamp, the commission approves it with a signature and a date.
fn title_page(case: &Case, card: &SupportCard) -> Vec<Block> {
    let rep = case
        .family
        .legal_representatives
        .get(card.representative)
        .or(case.family.legal_representatives.first());
    let curator = case.case_opening.as_ref().and_then(|o| o.curator.clone());
    // The organization is the card's own, else the curator's (tagged with the one printed).
    // When both are given and differ, both are printed: neither is dropped.
    let own = card.organization.clone().filter(|o| !o.trim().is_empty());
    let curators = curator
        .as_ref()
        .and_then(|c| c.organization.clone())
        .filter(|o| !o.trim().is_empty());
    let organization = match (own, curators) {
        (Some(o), Some(c)) if crate::text::fold(&o) != crate::text::fold(&c) => {
            Text::value(Some(format!("{o}; {c}"))).at(ORGANIZATION_BOTH)
        }
        (Some(o), _) => Text::value(Some(o)).at(ORGANIZATION),
        (None, c) => Text::value(c).at(CURATOR_ORGANIZATION),
    };
    vec![
        Block::Approval {
            left: vec![
                Text::label("СОСТАВЛЕНА:"),
                Text::label(
                    "Куратор семьи (Фамилия, имя, отчество (последнее – при наличии), должность)",
                ),
                Text::value(
                    curator
                        .as_ref()
                        .and_then(|c| join(&[name(&c.name), c.position.clone()])),
                )
                .at(CURATOR),
                organization,
                Text::label("(наименование организации)"),
                Text::label("Руководитель организации"),
                Text::value(card.director.clone()).at(DIRECTOR),
                Text::label("(расшифровка подписи)"),
                Text::BLANK,
                Text::label("(подпись)"),
                Text::value(d(card.compiled_date)).at(COMPILED_DATE),
                Text::label("м.п"),
            ],
            right: vec![
                Text::label("УТВЕРЖДЕНА:"),
                Text::value(card.approved_by.clone()).at(APPROVED_BY),
                Text::label("КДН и ЗП по месту жительства (нахождения) ребенка"),
                Text::BLANK,
                Text::label("(подпись)"),
                Text::value(d(card.approved_date)).at(APPROVED_DATE),
            ],
        },
        Block::Space,
        Block::Title {
            lines: vec![
                Text::label("Карта комплексного сопровождения семьи"),
                Text::value(rep.and_then(|r| name(&r.name))).at(REPRESENTATIVE_NAME),
            ],
        },
        Block::label("(Фамилия, имя, отчество (последнее – при наличии) законного представителя)"),
        Block::para(vec![v(&case.family.address_actual).at(ADDRESS)]),
        Block::label("(адрес проживания)"),
        // The new curator's lines, as the seed gives them: name and position, organization.
        Block::bold("Заполняется в случае смены куратора"),
        Block::para(vec![
            Text::label(
                "Куратор семьи (Фамилия, имя, отчество (последнее – при наличии, /должность)",
            ),
            v(&card.curator_change).at(CURATOR_CHANGE),
        ]),
        Block::para(vec![Text::Blank(CURATOR_CHANGE)]),
        Block::label("(наименование организации)"),
    ]
}

/// Part I ends with the decision that approved the card (the first on or after its
/// completion); every later decision stands in part III's «Решение территориального
/// консилиума», in order, so that none is dropped.
fn decisions<'c>(
    case: &'c Case,
    card: &SupportCard,
) -> (Option<&'c ConsiliumDecision>, Vec<&'c ConsiliumDecision>) {
    let mut decisions: Vec<&ConsiliumDecision> = case.consilium.iter().collect();
    decisions.sort_by_key(|x| x.date.is_none());
    let first = card
        .completed
        .and_then(|c| {
            decisions
                .iter()
                .copied()
                .filter(|x| x.date.is_some_and(|d| d >= c))
                .min_by_key(|x| x.date)
        })
        .or(decisions.first().copied());
    let later: Vec<&ConsiliumDecision> = {
        let mut l: Vec<_> = decisions
            .iter()
            .copied()
            .filter(|x| !first.is_some_and(|f| std::ptr::eq(*x, f)))
            .collect();
        l.sort_by_key(|x| (x.date.is_none(), x.date));
        l
    };
    (first, later)
}
