//! «План ведомственных мероприятий», the individual plan (card part II) and «Мониторинг».

use super::fields::{Place, at};
use super::pieces::*;
use crate::catalog::catalog;
use crate::doc::{Block, Cell, Check, Col, Document, Fields, SignLine, Text};
use crate::model::{Case, Date};
use crate::model::{Domain, MonitoringKind, PlanRow, RepresentativeRole};

fn period(from: (Option<Date>, Fields), to: (Option<Date>, Fields)) -> Vec<Text> {
    vec![
        Text::label("с"),
        vd(from.0).at(from.1),
        Text::label("до"),
        vd(to.0).at(to.1),
    ]
}

/// The fields a child's line holds (`child_line` with the school).
const CHILD: Fields = &[
    "/family/children/*/name",
    "/family/children/*/birth_date",
    "/family/children/*/school",
];
/// The fields a parent's line holds (`parent_line`), without and with the work place.
const PARENT: Fields = &[
    "/family/legal_representatives/*/name",
    "/family/legal_representatives/*/birth_date",
    "/family/legal_representatives/*/phone",
];
const PARENT_WORK: Fields = &[
    "/family/legal_representatives/*/name",
    "/family/legal_representatives/*/birth_date",
    "/family/legal_representatives/*/phone",
    "/family/legal_representatives/*/workplace",
];

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
                Cell::value(r.task.clone()).at(&["/departmental_plan/rows/*/task"]),
                Cell::value(r.measures.clone()).at(&["/departmental_plan/rows/*/measures"]),
                Cell::value(d(r.deadline)).at(&["/departmental_plan/rows/*/deadline"]),
                Cell::value(r.responsible.clone()).at(&["/departmental_plan/rows/*/responsible"]),
                Cell::value(r.result.clone()).at(&["/departmental_plan/rows/*/result"]),
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
                    vec![v(&p.agency).at(&["/departmental_plan/agency"])],
                ),
                (
                    Text::label(
                        "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон ответственного специалиста:",
                    ),
                    vec![specialist(&p.responsible).at(&["/departmental_plan/responsible"])],
                ),
                (
                    Text::label("Период планирования (на 3 месяца):"),
                    period(
                        (p.from, &["/departmental_plan/from"]),
                        (p.to, &["/departmental_plan/to"]),
                    ),
                ),
                (
                    Text::label(
                        "Фамилия, имя, отчество (последнее – при наличии), дата рождения ребенка, класс, школа, ДОУ:",
                    ),
                    vec![child_line(&c, true).at(CHILD)],
                ),
                (
                    Text::label(
                        "Фамилия, имя, отчество (последнее – при наличии) матери, дата рождения, телефон:",
                    ),
                    vec![
                        parent_line(
                            representative(case, RepresentativeRole::Mother),
                            true,
                            false,
                        )
                        .at(PARENT),
                    ],
                ),
                (
                    Text::label(
                        "Фамилия, имя, отчество (последнее – при наличии) отца, дата рождения, телефон:",
                    ),
                    vec![
                        parent_line(
                            representative(case, RepresentativeRole::Father),
                            true,
                            false,
                        )
                        .at(PARENT),
                    ],
                ),
                (
                    Text::label("Выявленные проблемы семьи:"),
                    vec![v(&p.problems).at(&["/departmental_plan/problems"])],
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
                Cell::value(r.and_then(|r| r.task.clone())).at(&[PLAN_TASK]),
                Cell::value(r.and_then(|r| r.measures.clone())).at(&[PLAN_MEASURES]),
                Cell::value(r.and_then(|r| d(r.deadline))).at(&[PLAN_DEADLINE]),
                Cell::value(r.and_then(|r| r.responsible.clone())).at(&[PLAN_RESPONSIBLE]),
                Cell::value(r.and_then(|r| r.result.clone())).at(&[PLAN_RESULT]),
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
    let own = plan.and_then(|p| p.curator.clone());
    let curator_fields: Fields = if own.is_some() {
        &[PLAN_CURATOR]
    } else {
        &[OPENING_CURATOR]
    };
    let curator = own.or(case.case_opening.as_ref().and_then(|o| o.curator.clone()));
    vec![
        Block::heading("II. ПЛАНОВАЯ ЧАСТЬ."),
        Block::Fields {
            rows: vec![
                (
                    Text::label("Период планирования: (на 3 месяца)"),
                    period(
                        (plan.and_then(|p| p.from), &[PLAN_FROM]),
                        (plan.and_then(|p| p.to), &[PLAN_TO]),
                    ),
                ),
                (
                    Text::label(
                        "Фамилия, имя, отчество (последнее – при наличии), должность куратора семьи:",
                    ),
                    vec![specialist(&curator).at(curator_fields)],
                ),
            ],
            label_width: 45,
            split: Vec::new(),
        },
        Block::para(vec![
            Text::label("к Карте комплексного сопровождения семьи"),
            Text::value(rep.and_then(|r| name(&r.name))).at(&[PLAN_REPRESENTATIVE]),
        ]),
        Block::label("Фамилия, имя, отчество (последнее – при наличии) законного представителя"),
        Block::para(vec![
            Text::label("проживающего (-щей) по адресу"),
            v(&case.family.address_actual).at(&["/family/address_actual"]),
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
                    v(&m.agency).at(&["/monitoring/*/agency"]),
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
                        vec![child_line(c, true).at(CHILD)],
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
                    parent_line(representative(case, RepresentativeRole::Mother), true, true)
                        .at(PARENT_WORK),
                ),
                (
                    "Фамилия, имя, отчество (последнее – при наличии) отца, дата рождения Место работы отца/должность:",
                    parent_line(representative(case, RepresentativeRole::Father), true, true)
                        .at(PARENT_WORK),
                ),
                (
                    "Адрес регистрации семьи:",
                    v(&case.family.address_registered).at(&["/family/address_registered"]),
                ),
                (
                    "Адрес фактического проживания:",
                    v(&case.family.address_actual).at(&["/family/address_actual"]),
                ),
            ]));
            let decision = m.decision_number.is_some() || m.decision_date.is_some();
            let mut by_decision = Check::new("Решение №", decision);
            by_decision.detail = vec![
                v(&m.decision_number).at(&["/monitoring/*/decision_number"]),
                Text::label("от"),
                vd(m.decision_date).at(&["/monitoring/*/decision_date"]),
                Text::label("об открытии «случая».")
            ];
            let assignment = m.assignment.as_deref().map(assignment_detail);
            let mut by_assignment = Check::new(
                ASSIGNMENT,
                assignment.as_deref().is_some_and(|a| !a.trim().is_empty()),
            );
            if assignment.is_some() {
                by_assignment.detail = vec![Text::value(assignment).at(&["/monitoring/*/assignment"])];
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
            blocks.push(Block::fields(vec![(
                "Выявленные факторы неблагополучия:",
                v(&m.factors).at(&["/monitoring/*/factors"]),
            )]));
            let types: Vec<&str> = case.family.family_types.iter().map(|t| t.code()).collect();
            // Each type is read whole: its words never part at a line's end.
            let mut types = option_checks("family_type", &types);
            for t in &mut types {
                t.label = t.label.replace(' ', "\u{a0}");
            }
            blocks.push(Block::checks(Some("Тип семьи:"), types, true));
            blocks.push(Block::fields(vec![(
                "Основные проблемы для решения:",
                v(&m.main_problems).at(&["/monitoring/*/main_problems"]),
            )]));
            blocks.push(Block::bold("Реализация индивидуального плана"));
            let mut rows: Vec<Vec<Cell>> = m
                .tasks
                .iter()
                .map(|t| {
                    vec![
                        Cell::value(Some(t.task.clone())).at(&["/monitoring/*/tasks/*/task"]),
                        Cell::value(t.result.clone()).at(&["/monitoring/*/tasks/*/result"]),
                    ]
                })
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
                    v(&m.family_participation).at(&["/monitoring/*/family_participation"]),
                ),
                (
                    "Трудности специалистов (каких ресурсов не хватало, случаи отказа от взаимодействия со стороны семьи/специалистов и т.п.)",
                    v(&m.difficulties).at(&["/monitoring/*/difficulties"]),
                ),
                (
                    "Предложения по дальнейшей работе с семьей/ребенком",
                    v(&m.proposals).at(&["/monitoring/*/proposals"]),
                ),
            ]));
            // Seed 003: each line with its caption under it, the date on the head's line.
            blocks.push(Block::Sign {
                role: Text::label("Руководитель организации"),
                role_width: 22,
                lines: vec![
                    SignLine::new(
                        v(&m.head).at(&["/monitoring/*/head"]),
                        "Фамилия, имя, отчество (последнее – при наличии)",
                        0,
                    ),
                    SignLine::new(Text::BLANK, "(подпись)", 16),
                    SignLine::new(vd(m.date).at(&["/monitoring/*/date"]), "(дата)", 16),
                ],
            });
            blocks.push(Block::Sign {
                role: Text::label("Ответственный специалист"),
                role_width: 22,
                lines: vec![
                    SignLine::new(
                        specialist(&m.responsible).at(&["/monitoring/*/responsible"]),
                        "Фамилия, имя, отчество (последнее – при наличии), должность",
                        0,
                    ),
                    SignLine::new(Text::BLANK, "(подпись)", 16),
                ],
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

const ASSIGNMENT: &str =
    "Назначение органа(учреждения) системы профилактики ответственным за работу с семьей";

/// The assignment as it follows its option. A text that restates the option's words
/// («Назначение МАДОУ … ответственным за работу с семьей (заключение …)», as the workbook's
/// row invites) would print them twice; the option already says them, so the detail keeps
/// the rest: the body and the basis. Any other text is printed as written.
fn assignment_detail(text: &str) -> String {
    const OPENS: &str = "назначение ";
    const PHRASE: &str = "ответственным за работу с семьей";
    let t = text.trim();
    let n = OPENS.chars().count();
    let cut = t.char_indices().nth(n).map_or(t.len(), |(i, _)| i);
    if t[..cut].to_lowercase() != OPENS {
        return text.to_string();
    }
    let Some((body, tail)) = t[cut..].split_once(PHRASE) else {
        return text.to_string();
    };
    let (body, tail) = (
        body.trim(),
        tail.trim_start_matches([':', ',', ' ', '-', '—', '–'])
            .trim(),
    );
    match (body.is_empty(), tail.is_empty()) {
        (true, _) => text.to_string(),
        (false, true) => body.to_string(),
        (false, false) => format!("{body} {tail}"),
    }
}

const PLAN_FROM: &str = "/support_card/plan/from";
const PLAN_TO: &str = "/support_card/plan/to";
const PLAN_CURATOR: &str = "/support_card/plan/curator";
const OPENING_CURATOR: &str = "/case_opening/curator";
const PLAN_REPRESENTATIVE: &str = "/family/legal_representatives/*/name";
const PLAN_TASK: &str = "/support_card/plan/rows/*/task";
const PLAN_MEASURES: &str = "/support_card/plan/rows/*/measures";
const PLAN_DEADLINE: &str = "/support_card/plan/rows/*/deadline";
const PLAN_RESPONSIBLE: &str = "/support_card/plan/rows/*/responsible";
const PLAN_RESULT: &str = "/support_card/plan/rows/*/result";

/// The field map of this form (`super::fields`).
pub(super) static DEPARTMENTAL_PLAN_FIELDS: &[Place] = &[
    at(
        "/departmental_plan/agency",
        "Наименование органа (учреждения) системы профилактики:",
    ),
    at(
        "/departmental_plan/responsible",
        "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон ответственного специалиста:",
    ),
    at(
        "/departmental_plan/from",
        "Период планирования (на 3 месяца):",
    ),
    at(
        "/departmental_plan/to",
        "Период планирования (на 3 месяца):",
    ),
    at(
        CHILD[0],
        "Фамилия, имя, отчество (последнее – при наличии), дата рождения ребенка",
    ),
    at(
        CHILD[1],
        "Фамилия, имя, отчество (последнее – при наличии), дата рождения ребенка",
    ),
    at(
        CHILD[2],
        "Фамилия, имя, отчество (последнее – при наличии), дата рождения ребенка",
    ),
    at(
        PARENT[0],
        "Фамилия, имя, отчество (последнее – при наличии) матери",
    ),
    at(
        PARENT[0],
        "Фамилия, имя, отчество (последнее – при наличии) отца",
    ),
    at(
        PARENT[1],
        "Фамилия, имя, отчество (последнее – при наличии) матери",
    ),
    at(
        PARENT[1],
        "Фамилия, имя, отчество (последнее – при наличии) отца",
    ),
    at(
        PARENT[2],
        "Фамилия, имя, отчество (последнее – при наличии) матери",
    ),
    at(
        PARENT[2],
        "Фамилия, имя, отчество (последнее – при наличии) отца",
    ),
    at("/departmental_plan/problems", "Выявленные проблемы семьи:"),
    at("/departmental_plan/rows/*/task", "Наименование задачи"),
    at("/departmental_plan/rows/*/measures", "Мероприятия"),
    at("/departmental_plan/rows/*/deadline", "Сроки"),
    at("/departmental_plan/rows/*/responsible", "Ответственные"),
    at("/departmental_plan/rows/*/result", "Достигнутый результат"),
];

/// The field map of this form (`super::fields`): part II alone, the same places in the card
/// (which joins them to its own).
pub(super) static INDIVIDUAL_PLAN_FIELDS: &[Place] = &[
    at(PLAN_FROM, "Период планирования: (на 3 месяца)"),
    at(PLAN_TO, "Период планирования: (на 3 месяца)"),
    at(
        PLAN_CURATOR,
        "Фамилия, имя, отчество (последнее – при наличии), должность куратора семьи:",
    ),
    at(
        OPENING_CURATOR,
        "Фамилия, имя, отчество (последнее – при наличии), должность куратора семьи:",
    ),
    at(
        PLAN_REPRESENTATIVE,
        "к Карте комплексного сопровождения семьи",
    ),
    at("/family/address_actual", "проживающего (-щей) по адресу"),
    at(PLAN_TASK, "Наименование задачи"),
    at(PLAN_MEASURES, "Мероприятия"),
    at(PLAN_DEADLINE, "Сроки"),
    at(PLAN_RESPONSIBLE, "Ответственные"),
    at(PLAN_RESULT, "Результаты"),
];

const MONITORING_CHILD: &str =
    "Фамилия, имя, отчество (последнее – при наличии), дата рождения, учащийся, школа, ДОУ:";
const MONITORING_MOTHER: &str = "Фамилия, имя, отчество (последнее – при наличии) матери";
const MONITORING_FATHER: &str = "Фамилия, имя, отчество (последнее – при наличии) отца";

/// The field map of this form (`super::fields`).
pub(super) static MONITORING_FIELDS: &[Place] = &[
    // Printed as ticks.
    at(
        "/monitoring/*/kind",
        "МОНИТОРИНГ СИТУАЦИИ В СЕМЬЕ И ВЫПОЛНЕНИЯ МЕРОПРИЯТИЙ ИНДИВИДУАЛЬНОГО ПЛАНА",
    ),
    at(
        "/monitoring/*/risk_level",
        "В семье выявлен уровень риска семейного неблагополучия:",
    ),
    at("/family/family_types", "Тип семьи:"),
    at(
        "/monitoring/*/agency",
        "Наименование органа (учреждения) системы профилактики, передающего информацию:",
    ),
    at(CHILD[0], MONITORING_CHILD),
    at(CHILD[1], MONITORING_CHILD),
    at(CHILD[2], MONITORING_CHILD),
    at(PARENT_WORK[0], MONITORING_MOTHER),
    at(PARENT_WORK[0], MONITORING_FATHER),
    at(PARENT_WORK[1], MONITORING_MOTHER),
    at(PARENT_WORK[1], MONITORING_FATHER),
    at(PARENT_WORK[2], MONITORING_MOTHER),
    at(PARENT_WORK[2], MONITORING_FATHER),
    at(PARENT_WORK[3], MONITORING_MOTHER),
    at(PARENT_WORK[3], MONITORING_FATHER),
    at("/family/address_registered", "Адрес регистрации семьи:"),
    at("/family/address_actual", "Адрес фактического проживания:"),
    at("/monitoring/*/decision_number", "Решение №"),
    at("/monitoring/*/decision_date", "Решение №"),
    at("/monitoring/*/assignment", ASSIGNMENT),
    at(
        "/monitoring/*/factors",
        "Выявленные факторы неблагополучия:",
    ),
    at(
        "/monitoring/*/main_problems",
        "Основные проблемы для решения:",
    ),
    at("/monitoring/*/tasks/*/task", "Задачи планового периода"),
    at("/monitoring/*/tasks/*/result", "Достигнутый результат"),
    at(
        "/monitoring/*/family_participation",
        "Как семья участвует в реализации индивидуального плана",
    ),
    at("/monitoring/*/difficulties", "Трудности специалистов"),
    at(
        "/monitoring/*/proposals",
        "Предложения по дальнейшей работе с семьей/ребенком",
    ),
    at("/monitoring/*/head", "Руководитель организации"),
    at("/monitoring/*/date", "Руководитель организации"),
    at("/monitoring/*/responsible", "Ответственный специалист"),
];

#[cfg(test)]
mod tests {
    use super::assignment_detail;

    #[test]
    fn an_assignment_that_restates_its_option_keeps_its_body_and_basis_only() {
        assert_eq!(
            assignment_detail(
                "Назначение МАДОУ д/с № 12 ответственным за работу с семьей (заключение от 14.08.2026)"
            ),
            "МАДОУ д/с № 12 (заключение от 14.08.2026)"
        );
        assert_eq!(
            assignment_detail(
                "назначение МБУ «КЦСОН» ответственным за работу с семьей: постановление № 5"
            ),
            "МБУ «КЦСОН» постановление № 5"
        );
        // Anything else as written, whatever its letters.
        for t in [
            "МАДОУ д/с № 12 (заключение от 14.08.2026)",
            "Назначение не оформлено",
            "Назначение ответственным за работу с семьей",
            "İİİ ответственным за работу с семьей",
            "Назначени",
            "",
        ] {
            assert_eq!(assignment_detail(t), t);
        }
    }
}
