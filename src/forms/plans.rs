//! «План ведомственных мероприятий», the individual plan (card part II) and «Мониторинг».

use super::fields::Place;
use super::*;
use crate::model::{Domain, MonitoringKind, PlanRow, RepresentativeRole};
use crate::render::doc::{Block, Cell, Check, Col, Document, Text};

fn period(from: Option<Date>, to: Option<Date>) -> Vec<Text> {
    vec![Text::label("с"), vd(from), Text::label("до"), vd(to)]
}

pub fn departmental_plan(case: &Case) -> Vec<Document> {
    let Some(p) = &case.departmental_plan else {
        return vec![];
    };
    let c = the_child(case);
    let mut rows: Vec<Vec<Cell>> = p
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                Cell::label((i + 1).to_string()).center(),
                Cell::value(r.task.clone()),
                Cell::value(r.measures.clone()),
                Cell::value(d(r.deadline)),
                Cell::value(r.responsible.clone()),
                Cell::value(r.result.clone()),
            ]
        })
        .collect();
    if rows.is_empty() {
        rows.push((0..6).map(|_| Cell::empty()).collect());
    }
    let blocks = vec![
        Block::title(&["План ведомственных мероприятий"]),
        Block::Fields {
            rows: vec![
                (
                    Text::label("Наименование органа (учреждения) системы профилактики:"),
                    vec![v(&p.agency)],
                ),
                (
                    Text::label(
                        "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон ответственного специалиста:",
                    ),
                    vec![specialist(&p.responsible)],
                ),
                (
                    Text::label("Период планирования (на 3 месяца):"),
                    period(p.from, p.to),
                ),
                (
                    Text::label(
                        "Фамилия, имя, отчество (последнее – при наличии), дата рождения ребенка, класс, школа, ДОУ:",
                    ),
                    vec![child_line(&c, true)],
                ),
                (
                    Text::label(
                        "Фамилия, имя, отчество (последнее – при наличии) матери, дата рождения, телефон:",
                    ),
                    vec![parent_line(
                        representative(case, RepresentativeRole::Mother),
                        true,
                        false,
                    )],
                ),
                (
                    Text::label(
                        "Фамилия, имя, отчество (последнее – при наличии) отца, дата рождения, телефон:",
                    ),
                    vec![parent_line(
                        representative(case, RepresentativeRole::Father),
                        true,
                        false,
                    )],
                ),
                (
                    Text::label("Выявленные проблемы семьи:"),
                    vec![v(&p.problems)],
                ),
            ],
            label_width: 45,
            split: Vec::new(),
        },
        Block::Space,
        Block::table(
            vec![
                Col::Fixed,
                Col::Text(25),
                Col::Text(25),
                Col::Fixed,
                Col::Text(16),
                Col::Text(17),
            ],
            vec![vec![
                Cell::label("№ п/п"),
                Cell::label(
                    "Наименование задачи, на решение которой направлено проведение мероприятий",
                ),
                Cell::label("Мероприятия"),
                Cell::label("Сроки"),
                Cell::label("Ответственные"),
                Cell::label("Достигнутый результат"),
            ]],
            rows,
        ),
    ];
    // Six columns of tasks and measures: the plan is read on landscape pages.
    let mut document = doc(
        "departmental_plan",
        "План ведомственных мероприятий",
        p.from,
        blocks,
    );
    document.landscape = true;
    vec![document]
}

/// The individual plan's table: the six directions, each with its tasks.
pub(crate) fn plan_table(rows_in: &[PlanRow]) -> Block {
    let cat = catalog();
    let mut rows = Vec::new();
    for (n, domain) in Domain::ALL.iter().enumerate() {
        let title = cat
            .domain(domain.code())
            .and_then(|d| d.plan_title.clone())
            .unwrap_or_else(|| domain.label().to_string());
        let mine: Vec<&PlanRow> = rows_in
            .iter()
            .filter(|r| r.domain == Some(*domain))
            .collect();
        let count = mine.len().max(1);
        for i in 0..count {
            let r = mine.get(i);
            // The direction's number and title span its tasks' rows.
            let mut row = Vec::new();
            if i == 0 {
                row.push(Cell::label((n + 1).to_string()).center().rows(count));
                row.push(Cell::label(title.clone()).rows(count));
            }
            row.extend([
                Cell::value(r.and_then(|r| r.task.clone())),
                Cell::value(r.and_then(|r| r.measures.clone())),
                Cell::value(r.and_then(|r| d(r.deadline))),
                Cell::value(r.and_then(|r| r.responsible.clone())),
                Cell::value(r.and_then(|r| r.result.clone())),
            ]);
            rows.push(row);
        }
    }
    Block::table(
        vec![
            Col::Fixed,
            Col::Text(14),
            Col::Text(20),
            Col::Text(20),
            Col::Fixed,
            Col::Text(14),
            Col::Text(16),
        ],
        vec![vec![
            Cell::label("№ п/п"),
            Cell::label("Направление работы"),
            Cell::label(
                "Наименование задачи, на решение которой направлено проведение мероприятий",
            ),
            Cell::label("Мероприятия"),
            Cell::label("Сроки"),
            Cell::label("Ответственные"),
            Cell::label("Результаты"),
        ]],
        rows,
    )
}

/// Part II as it stands in the card, also printed alone as «individual_plan».
pub(crate) fn plan_blocks(case: &Case) -> Vec<Block> {
    let card = case.support_card.as_ref();
    let plan = card.and_then(|c| c.plan.as_ref());
    let rep = card
        .and_then(|c| case.family.legal_representatives.get(c.representative))
        .or(case.family.legal_representatives.first());
    let curator = plan
        .and_then(|p| p.curator.clone())
        .or(case.case_opening.as_ref().and_then(|o| o.curator.clone()));
    vec![
        Block::heading("II. ПЛАНОВАЯ ЧАСТЬ."),
        Block::Fields {
            rows: vec![
                (
                    Text::label("Период планирования: (на 3 месяца)"),
                    period(plan.and_then(|p| p.from), plan.and_then(|p| p.to)),
                ),
                (
                    Text::label(
                        "Фамилия, имя, отчество (последнее – при наличии), должность куратора семьи:",
                    ),
                    vec![specialist(&curator)],
                ),
            ],
            label_width: 45,
            split: Vec::new(),
        },
        Block::label("к Карте комплексного сопровождения семьи"),
        Block::para(vec![Text::value(rep.and_then(|r| name(&r.name)))]),
        Block::label("Фамилия, имя, отчество (последнее – при наличии) законного представителя"),
        Block::para(vec![
            Text::label("проживающего (-щей) по адресу"),
            v(&case.family.address_actual),
        ]),
        Block::heading("1. Индивидуальный план социального сопровождения (реабилитации) семьи"),
        plan_table(plan.map(|p| p.rows.as_slice()).unwrap_or(&[])),
    ]
}

pub fn individual_plan(case: &Case) -> Vec<Document> {
    let Some(plan) = case.support_card.as_ref().and_then(|c| c.plan.as_ref()) else {
        return vec![];
    };
    let mut document = doc(
        "individual_plan",
        "Индивидуальный план социального сопровождения (реабилитации) семьи",
        plan.from,
        plan_blocks(case),
    );
    document.landscape = true;
    vec![document]
}

pub fn monitoring(case: &Case) -> Vec<Document> {
    case.monitoring
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut blocks = vec![
                Block::title(&["МОНИТОРИНГ СИТУАЦИИ В СЕМЬЕ И ВЫПОЛНЕНИЯ МЕРОПРИЯТИЙ ИНДИВИДУАЛЬНОГО ПЛАНА"]),
                Block::checks(
                    None,
                    vec![
                        Check::new("промежуточный", m.kind == Some(MonitoringKind::Interim)),
                        Check::new("заключительный", m.kind == Some(MonitoringKind::Final)),
                    ],
                    true,
                ),
                Block::fields(vec![(
                    "Наименование органа (учреждения) системы профилактики, передающего информацию:",
                    v(&m.agency),
                )]),
                Block::bold("Сведения о детях:"),
            ];
            let children: Vec<(Text, Vec<Text>)> = case
                .family
                .children
                .iter()
                .map(|c| {
                    (
                        Text::label("Фамилия, имя, отчество (последнее – при наличии), дата рождения, учащийся, школа, ДОУ:"),
                        vec![child_line(c, true)],
                    )
                })
                .collect();
            blocks.push(Block::Fields {
                rows: children,
                label_width: 45,
                split: Vec::new(),
            });
            blocks.push(Block::bold("Сведения о родителях:"));
            blocks.push(Block::fields(vec![
                (
                    "Фамилия, имя, отчество (последнее – при наличии) матери, дата рождения, место работы матери/должность:",
                    parent_line(representative(case, RepresentativeRole::Mother), true, true),
                ),
                (
                    "Фамилия, имя, отчество (последнее – при наличии) отца, дата рождения Место работы отца/должность:",
                    parent_line(representative(case, RepresentativeRole::Father), true, true),
                ),
                ("Адрес регистрации семьи:", v(&case.family.address_registered)),
                ("Адрес фактического проживания:", v(&case.family.address_actual)),
            ]));
            let decision = m.decision_number.is_some() || m.decision_date.is_some();
            let mut by_decision = Check::new("Решение №", decision);
            by_decision.detail = vec![v(&m.decision_number), Text::label("от"), vd(m.decision_date), Text::label("об открытии «случая».")];
            let mut by_assignment = Check::new(
                "Назначение органа(учреждения) системы профилактики ответственным за работу с семьей",
                m.assignment.as_deref().is_some_and(|a| !a.trim().is_empty()),
            );
            if m.assignment.is_some() {
                by_assignment.detail = vec![v(&m.assignment)];
            }
            blocks.push(Block::checks(
                Some("Основание для проведения работы с ребенком и его семьей:"),
                vec![by_decision, by_assignment],
                false,
            ));
            let level = m.risk_level.map(|l| l.code()).unwrap_or("");
            blocks.push(Block::checks(
                Some("В семье выявлен уровень риска семейного неблагополучия:"),
                option_checks("risk_level", &[level]),
                true,
            ));
            blocks.push(Block::fields(vec![("Выявленные факторы неблагополучия:", v(&m.factors))]));
            let types: Vec<&str> = case.family.family_types.iter().map(|t| t.code()).collect();
            blocks.push(Block::checks(Some("Тип семьи:"), option_checks("family_type", &types), true));
            blocks.push(Block::fields(vec![("Основные проблемы для решения:", v(&m.main_problems))]));
            blocks.push(Block::bold("Реализация индивидуального плана"));
            let mut rows: Vec<Vec<Cell>> = m
                .tasks
                .iter()
                .map(|t| vec![Cell::value(Some(t.task.clone())), Cell::value(t.result.clone())])
                .collect();
            if rows.is_empty() {
                rows.push(vec![Cell::empty(), Cell::empty()]);
            }
            blocks.push(Block::table(
                vec![Col::Text(1), Col::Text(1)],
                vec![vec![Cell::label("Задачи планового периода"), Cell::label("Достигнутый результат")]],
                rows,
            ));
            blocks.push(Block::fields(vec![
                (
                    "Как семья участвует в реализации индивидуального плана. Какие семейные ресурсы задействованы:",
                    v(&m.family_participation),
                ),
                (
                    "Трудности специалистов (каких ресурсов не хватало, случаи отказа от взаимодействия со стороны семьи/специалистов и т.п.)",
                    v(&m.difficulties),
                ),
                ("Предложения по дальнейшей работе с семьей/ребенком", v(&m.proposals)),
            ]));
            blocks.push(Block::Signature {
                role: Text::label("Руководитель организации"),
                name: v(&m.head),
                caption: Some("Фамилия, имя, отчество (последнее – при наличии)".into()),
            });
            blocks.push(Block::para(vec![vd(m.date), Text::label("(дата)")]));
            blocks.push(Block::Signature {
                role: Text::label("Ответственный специалист"),
                name: specialist(&m.responsible),
                caption: Some("Фамилия, имя, отчество (последнее – при наличии), должность".into()),
            });
            doc(
                &format!("monitoring-{}", i + 1),
                "Мониторинг ситуации в семье и выполнения мероприятий индивидуального плана",
                m.date,
                blocks,
            )
        })
        .collect()
}

/// The field map of this form (`super::fields`).
pub(super) static DEPARTMENTAL_PLAN_FIELDS: &[Place] = &[];

/// The field map of this form (`super::fields`).
pub(super) static INDIVIDUAL_PLAN_FIELDS: &[Place] = &[];

/// The field map of this form (`super::fields`).
pub(super) static MONITORING_FIELDS: &[Place] = &[];
