//! Parts III and IV of the card: the results (the control act, the dynamics by domain, the
//! later decisions and the closure) and the logs of contacts and of the curator's work.

use super::cells::*;
use super::fields::*;
use crate::catalog::catalog;
use crate::doc::{Block, Cell, Col, Text};
use crate::forms::pieces::*;
use crate::model::{Case, ConsiliumDecision, Domain, SupportCard};

pub(super) fn part_three(
    case: &Case,
    card: &SupportCard,
    later: Vec<&ConsiliumDecision>,
) -> Vec<Block> {
    let cat = catalog();
    let mut b = Vec::new();
    b.push(Block::heading("III. РЕЗУЛЬТАТИВНАЯ ЧАСТЬ."));
    let results = card.results.as_ref();
    b.push(Block::para(vec![
        Text::label("1. Контрольный Акт обследования жилищно-бытовых условий семьи от"),
        vd(results.and_then(|r| r.control_act_date)).at(CONTROL_ACT_DATE),
    ]));
    b.push(Block::bold(
        "2. Таблица динамики изменений по результатам работы за 3 месяца",
    ));
    b.push(Block::para(vec![
        Text::label("с"),
        vd(results.and_then(|r| r.from)).at(RESULTS_FROM),
        Text::label("по"),
        vd(results.and_then(|r| r.to)).at(RESULTS_TO),
    ]));
    let dyn_of =
        |dm: Domain| results.and_then(|r| r.dynamics.iter().find(|x| x.domain == Some(dm)));
    let dyn_title = |dm: Domain| {
        cat.domain(dm.code())
            .and_then(|e| e.dynamics_title.clone())
            .unwrap_or_else(|| dm.label().to_string())
    };
    b.push(level_table(
        Domain::ALL
            .iter()
            .map(|dm| level_row(dyn_title(*dm), dyn_of(*dm).and_then(|x| x.level_end)))
            .collect(),
    ));
    b.push(Block::bold(
        "3. Краткое описание динамики изменений по результатам сопровождения за 3 месяца (достигнутые результаты/отсутствие результатов/отрицательная динамика).",
    ));
    b.push(table(
        vec![Col::Text(35), Col::Text(65)],
        &[
            "Раздел комплексной оценки",
            "Динамика по разделам позитивных/негативных изменений/отсутствие результатов/причины отсутствия положительной динамики/примечания",
        ],
        Domain::ALL
            .iter()
            .map(|dm| {
                let x = dyn_of(*dm);
                let change = x.and_then(|x| match (x.level_start, x.level_end) {
                    (Some(s), Some(e)) => Some(format!("{} → {}", s.label(), e.label())),
                    _ => None,
                });
                vec![
                    Cell::label(dyn_title(*dm)),
                    Cell::value(join(&[change, x.and_then(|x| x.description.clone())]))
                        .at(DYNAMICS),
                ]
            })
            .collect(),
    ));
    b.push(Block::bold("4. Решение территориального консилиума"));
    // The case's closure reason follows the last decision: the seed has no other place for
    // it, and a case is closed on the consilium's decision.
    let closure = case
        .closure
        .as_ref()
        .and_then(|c| c.reason.clone())
        .filter(|r| !r.trim().is_empty())
        .map(|r| Text::data(r).at(CLOSURE_REASON));
    let lead = "РЕШЕНИЕ территориального консилиума (Протокол)";
    if later.is_empty() {
        b.extend(decision(None, lead, closure));
    } else {
        let n = later.len();
        let mut closure = closure;
        for (i, x) in later.into_iter().enumerate() {
            b.extend(decision(
                Some(x),
                lead,
                if i + 1 == n { closure.take() } else { None },
            ));
        }
    }
    b
}

pub(super) fn part_four(card: &SupportCard) -> Vec<Block> {
    let mut b = Vec::new();
    // Part IV's logs (six and five columns) on landscape pages.
    b.push(Block::Orientation { landscape: true });
    b.push(Block::heading("IV. ФИКСАЦИЯ ПРОВЕДЕННОЙ РАБОТЫ."));
    b.push(Block::bold("1. Учет контактов специалистов с семьей"));
    // The seed groups «Инициатор контакта» and «Контактное лицо» under «Участники контакта»;
    // the participants listed stand first in the group, under its header.
    let contacts: Vec<Vec<Cell>> = card
        .contact_log
        .iter()
        .map(|c| {
            vec![
                Cell::value(d(c.date)).at(CONTACT_DATE),
                Cell::value(c.kind.clone()).at(CONTACT_KIND),
                Cell::value(c.participants.clone()).at(CONTACT_PARTICIPANTS),
                Cell::value(c.initiator.clone()).at(CONTACT_INITIATOR),
                Cell::value(c.contact_person.clone()).at(CONTACT_PERSON),
                Cell::value(c.issues.clone()).at(CONTACT_ISSUES),
                Cell::value(c.result.clone()).at(CONTACT_RESULT),
            ]
        })
        .collect();
    b.push(Block::table(
        vec![
            Col::Fixed,
            Col::Text(14),
            Col::Text(18),
            Col::Text(10),
            Col::Text(10),
            Col::Text(18),
            Col::Text(14),
        ],
        vec![
            vec![
                Cell::label("Дата").rows(2),
                Cell::label("Вид контакта (тел. звонок, выезд в семью, встреча на рабочем месте, др.)")
                    .rows(2),
                Cell::label(
                    "Участники контакта (фамилия, имя, отчество (последнее – при наличии), должность/степень родства)",
                )
                .span(3),
                Cell::label("Обсуждаемые вопросы").rows(2),
                Cell::label("Результат").rows(2),
            ],
            vec![
                Cell::empty(),
                Cell::label("Инициатор контакта"),
                Cell::label("Контактное лицо"),
            ],
        ],
        if contacts.is_empty() {
            vec![(0..7).map(|_| Cell::empty()).collect()]
        } else {
            contacts
        },
    ));
    b.push(Block::bold("2. Учет работы куратора"));
    b.push(Block::label(
        "Данные о работе куратора с физическими лицами, специалистами органов и учреждений системы профилактики, др. организациями (сбор информации, оформление льгот, пособий, выплат, участие в заседаниях, педсоветах, совещаниях по проблематике семьи/детей и др.)",
    ));
    b.push(table(
        vec![Col::Fixed, Col::Text(18), Col::Text(30), Col::Text(20), Col::Text(20)],
        &[
            "Дата",
            "Форма контакта (тел. звонок, выезд в организацию, встреча на рабочем месте, совещание, др.)",
            "Фамилия, имя, отчество (последнее – при наличии) физического лица, его статус, телефон (если контактное лицо-специалист организации, то указать организацию, должность, телефон)",
            "Обсуждаемые вопросы (задача)",
            "Результат",
        ],
        card.curator_log
            .iter()
            .map(|c| {
                values([
                    (d(c.date), CURATOR_LOG_DATE),
                    (c.form.clone(), CURATOR_LOG_FORM),
                    (c.person.clone(), CURATOR_LOG_PERSON),
                    (c.issues.clone(), CURATOR_LOG_ISSUES),
                    (c.result.clone(), CURATOR_LOG_RESULT),
                ])
            })
            .collect(),
    ));
    b
}
