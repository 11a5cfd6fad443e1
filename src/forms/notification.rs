//! App. 2 «Извещение», App. 3 «Оценка показателей неблагополучия ребенка» and the single
//! window's «Заключение о наличии/отсутствии степени риска семейного неблагополучия».

use super::fields::{Place, at, joined};
use super::pieces::*;
use crate::catalog::catalog;
use crate::doc::{Block, Cell, Check, Col, Document, Fields, Text};
use crate::model::{Case, Child};
use crate::model::{NotificationAttachment as Att, Presence, RepresentativeRole, Sex};

/// A labelled row of options laid out as the seed lays them: the label, the first option
/// beside it, the others stacked in a third column (App. 2's «Проверка сигнала …»,
/// «Первичная оценка», «Приложения к извещению»).
fn option_grid(label: &str, checks: Vec<Check>) -> Block {
    let mut checks = checks.into_iter();
    let first = checks.next().into_iter().collect();
    Block::table(
        vec![Col::Text(45), Col::Text(27), Col::Text(28)],
        vec![],
        vec![vec![
            Cell::label(label),
            check_cell(first),
            check_cell(checks.collect()),
        ]],
    )
}

/// A cell of check boxes, one under another.
fn check_cell(checks: Vec<Check>) -> Cell {
    Cell {
        checks,
        ..Cell::empty()
    }
}

/// The birth date and the sex in one row, as in seed 003: «Дата рождения: … Пол: М ☐ Пол: Ж ☐».
fn birth_row(c: &Child) -> Block {
    Block::table(
        vec![Col::Text(45), Col::Text(25), Col::Fixed, Col::Fixed],
        vec![],
        vec![vec![
            Cell::label("Дата рождения:"),
            Cell::of(vec![vd(c.birth_date).at(CHILD_BIRTH)]),
            check_cell(vec![Check::new("Пол: М", c.sex == Some(Sex::M))]),
            check_cell(vec![Check::new("Пол: Ж", c.sex == Some(Sex::F))]),
        ]],
    )
}

/// «Место обучения/работы ребенка»: one row per child given (the notified child on App. 2
/// and the conclusion, every child on the family assessment, with the child's name first).
pub(super) fn school_table(children: &[Child], with_child: bool) -> Block {
    // With the child's name first, the notes get the room the school's name gives up.
    let mut cols = if with_child {
        vec![Col::Text(22), Col::Text(22), Col::Text(14), Col::Text(26)]
    } else {
        vec![Col::Text(35), Col::Text(30), Col::Fixed, Col::Text(20)]
    };
    let mut header = vec![
        Cell::label("Наименование учреждения (класс)"),
        Cell::label("Адрес"),
        Cell::label("Телефон"),
        Cell::label("Примечания"),
    ];
    if with_child {
        cols.splice(0..0, [Col::Text(24), Col::Fixed]);
        header.splice(
            0..0,
            [
                Cell::label("Фамилия, имя, отчество (последнее – при наличии) ребенка"),
                Cell::label("Дата рождения"),
            ],
        );
    }
    let rows = children
        .iter()
        .map(|c| {
            let mut row = vec![
                Cell::value(c.school.clone()).at(SCHOOL),
                Cell::value(c.school_address.clone()).at(SCHOOL_ADDRESS),
                Cell::value(c.school_phone.clone()).at(SCHOOL_PHONE),
                Cell::value(c.school_notes.clone()).at(SCHOOL_NOTES),
            ];
            if with_child {
                row.splice(
                    0..0,
                    [
                        Cell::value(name(&c.name)).at(CHILD_NAME),
                        Cell::value(d(c.birth_date)).at(CHILD_BIRTH),
                    ],
                );
            }
            row
        })
        .collect();
    Block::table(cols, vec![header], rows)
}

/// The mother's and the father's rows: App. 2's «…, телефон», or with the birth date and
/// the work place under the monitoring's label (the family assessment).
pub(super) fn parents(case: &Case, work: bool) -> Block {
    let (mother, father) = if work {
        (
            "Фамилия, имя, отчество (последнее – при наличии) матери, дата рождения, место работы матери/должность:",
            "Фамилия, имя, отчество (последнее – при наличии) отца, дата рождения Место работы отца/должность:",
        )
    } else {
        (
            "Фамилия, имя, отчество (последнее – при наличии) матери, телефон:",
            "Фамилия, имя, отчество (последнее – при наличии) отца, телефон:",
        )
    };
    let fields = if work { PARENT_WORK } else { PARENT };
    let line = |role| parent_line(representative(case, role), work, work).at(fields);
    Block::fields(vec![
        (mother, line(RepresentativeRole::Mother)),
        (father, line(RepresentativeRole::Father)),
    ])
}

/// The head both App. 2 and the conclusion print: the agency and date rows they are given,
/// then the child (name, birth date, sex), the address, the grounds under the form's own
/// label, the place of study and the parents.
fn child_head(
    case: &Case,
    c: &Child,
    head: Vec<(&str, Text)>,
    grounds: (&str, Text),
) -> Vec<Block> {
    let mut rows = head;
    rows.push((
        "Фамилия, имя, отчество (последнее – при наличии) ребенка:",
        Text::value(name(&c.name)).at(CHILD_NAME),
    ));
    vec![
        Block::fields(rows),
        birth_row(c),
        Block::fields(vec![
            (
                "Адрес фактического проживания:",
                v(&case.family.address_actual).at(ADDRESS),
            ),
            grounds,
        ]),
        Block::label("Место обучения/работы ребенка"),
        school_table(std::slice::from_ref(c), false),
        parents(case, false),
    ]
}

pub fn notification(case: &Case) -> Vec<Document> {
    let Some(n) = &case.notification else {
        return vec![];
    };
    let c = the_child(case);
    let mut blocks = vec![
        appendix(2),
        Block::title(&["Извещение об обнаружении факторов риска семейного неблагополучия"]),
    ];
    blocks.extend(child_head(
        case,
        &c,
        vec![
            (
                "Наименование органа (учреждения) системы профилактики, передающего информацию:",
                v(&n.agency).at(N_AGENCY),
            ),
            (
                "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, ответственного за передачу информации:",
                specialist(&n.responsible).at(N_RESPONSIBLE),
            ),
            ("Дата передачи информации:", vd(n.date_sent).at(N_DATE_SENT)),
        ],
        (
            "Основания для извещения/оценки (факты неблагополучия):",
            v(&n.grounds).at(N_GROUNDS),
        ),
    ));
    let signal = n.signal_check.map(|s| s.code()).unwrap_or("");
    // A space ends the head's tables: Word and LibreOffice join adjacent tables into one and
    // would repeat the school table's header over the options.
    blocks.push(Block::Space);
    blocks.push(option_grid(
        "Проверка сигнала о фактах неблагополучия:",
        option_checks("signal_check", &[signal]),
    ));
    let primary = n.primary_assessment.map(|s| s.code()).unwrap_or("");
    blocks.push(option_grid(
        "Первичная оценка:",
        option_checks("primary_assessment", &[primary]),
    ));
    blocks.push(Block::fields(vec![(
        "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, проводившего первичную оценку:",
        specialist(&n.primary_assessor).at(N_PRIMARY_ASSESSOR),
    )]));
    // Declared by the sender, and not contradicted by the case's own copy made later.
    let has = |a: Att| {
        n.attachments.contains(&a)
            && attached(Some(attachment_date(case, a).flatten()), n.date_sent)
    };
    blocks.push(option_grid(
        "Приложения к извещению:",
        vec![
            Check::new(
                "Акт обследования ЖБУ (только для специалистов КЦСОН и ООиП)",
                has(Att::HousingInspection),
            ),
            Check::new(
                "Оценка показателей неблагополучия ребенка",
                has(Att::ChildAssessment),
            ),
            Check::new(
                "Оценка факторов риска семейного неблагополучия",
                has(Att::FamilyAssessment),
            ),
        ],
    ));
    blocks.push(Block::Signature {
        role: Text::label("Руководитель субъекта системы профилактики"),
        name: v(&n.head).at(N_HEAD),
        caption: Some("(расшифровка подписи)".into()),
    });
    vec![doc(
        "notification",
        "Извещение об обнаружении факторов риска семейного неблагополучия",
        n.date_sent,
        blocks,
    )]
}

pub fn child_assessment(case: &Case) -> Vec<Document> {
    let Some(a) = &case.child_assessment else {
        return vec![];
    };
    let c = case
        .family
        .children
        .get(a.child)
        .cloned()
        .unwrap_or_default();
    let cat = catalog();
    let mut rows = Vec::new();
    for crit in &cat.child.criterion {
        let items = crit.indicators.iter().enumerate().map(|(i, text)| {
            let mark = a
                .marks
                .iter()
                .find(|m| m.criterion == crit.number && usize::from(m.indicator) == i + 1);
            (
                text,
                mark.and_then(|m| m.present),
                mark.and_then(|m| m.reason.clone()),
            )
        });
        rows.extend(assessment_rows(
            crit.number.to_string(),
            crit.title.clone(),
            items,
            CA_PRESENT,
            CA_REASON,
        ));
    }
    let mut blocks = vec![
        appendix(3),
        Block::title(&["Форма «Оценка показателей неблагополучия ребенка»"]),
        Block::fields(vec![
            (
                "Фамилия, имя, отчество (последнее – при наличии) ребенка, класс/группа:",
                Text::value(join(&[name(&c.name), a.class_group.clone()])).at(CA_CHILD),
            ),
            (
                "Наименование органа (учреждения) системы профилактики:",
                v(&a.agency).at(CA_AGENCY),
            ),
            (
                "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, проводившего оценку:",
                specialist(&a.assessor).at(CA_ASSESSOR),
            ),
            ("Дата заполнения:", vd(a.date).at(CA_DATE)),
        ]),
        Block::table(
            assessment_columns(),
            vec![vec![
                Cell::label("№"),
                Cell::label("Критерии"),
                Cell::empty(),
                Cell::label("Показатели неблагополучия ребенка"),
                Cell::label("Наличие (+/-)"),
                Cell::label("Причина/примечание"),
            ]],
            rows,
        ),
        Block::Space,
    ];
    for note in &cat.child.notes {
        blocks.push(Block::label(note.clone()));
    }
    vec![doc(
        "child_assessment",
        "Оценка показателей неблагополучия ребенка",
        a.date,
        blocks,
    )]
}

pub fn conclusion(case: &Case) -> Vec<Document> {
    let Some(con) = &case.conclusion else {
        return vec![];
    };
    let c = the_child(case);
    let cat = catalog();
    let grounds = case.notification.as_ref().and_then(|n| n.grounds.clone());
    let mut blocks = vec![Block::title(&[
        "Заключение о наличии/отсутствии степени риска семейного неблагополучия",
    ])];
    blocks.extend(child_head(
        case,
        &c,
        vec![
            (
                "Наименование органа (учреждения) системы профилактики, направившего информацию:",
                v(&con.agency).at(C_AGENCY),
            ),
            ("Дата заполнения:", vd(con.date).at(C_DATE)),
        ],
        (
            "Основания для оценки (факты неблагополучия):",
            Text::value(grounds).at(N_GROUNDS),
        ),
    ));
    // The child indicators the conclusion relies on, with the reasons of the assessment that
    // exists on its date.
    let marks = case
        .child_assessment
        .as_ref()
        .filter(|a| attached(Some(a.date), con.date))
        .map(|a| a.marks.as_slice())
        .unwrap_or(&[]);
    let mut rows = Vec::new();
    for r in &con.basis_indicators {
        let Some((a, b)) = r
            .trim()
            .split_once('.')
            .and_then(|(a, b)| Some((a.parse::<u8>().ok()?, b.parse::<u8>().ok()?)))
        else {
            continue;
        };
        let (Some(crit), Some(text)) = (cat.criterion(a), cat.indicator(a, b)) else {
            continue;
        };
        let reason = marks
            .iter()
            .find(|m| m.criterion == a && m.indicator == b)
            .and_then(|m| m.reason.clone());
        rows.push(vec![
            Cell::label(format!("{a}.{b}")).center(),
            Cell::label(crit.title.clone()),
            Cell::label(text),
            Cell::value(Some("+")).center().at(C_INDICATORS),
            Cell::value(reason).at(CA_REASON),
        ]);
    }
    if rows.is_empty() {
        rows.push(vec![
            Cell::empty(),
            Cell::empty(),
            Cell::empty(),
            Cell::empty(),
            Cell::empty(),
        ]);
    }
    blocks.push(Block::table(
        vec![
            Col::Fixed,
            Col::Text(18),
            Col::Text(40),
            Col::Fixed,
            Col::Text(28),
        ],
        vec![vec![
            Cell::label("№"),
            Cell::label("Критерии"),
            Cell::label("Показатели неблагополучия ребенка"),
            Cell::label("Наличие (+)"),
            Cell::label("Причина/примечание"),
        ]],
        rows,
    ));
    blocks.push(Block::Space);
    // The family factors: those the conclusion names, and those the family assessment marks
    // «+» if it exists on the conclusion's date, each with the assessment's reason.
    let family = case
        .family_assessment
        .as_ref()
        .filter(|f| attached(Some(f.date), con.date));
    let mut rows = Vec::new();
    for section in &cat.family.section {
        rows.push(vec![
            Cell::label(format!("{}. {}", section.number, section.title))
                .bold()
                .span(4),
        ]);
        for (i, f) in section.factors.iter().enumerate() {
            let id = format!("{}.{}", section.number, i + 1);
            let mark = family.and_then(|a| a.marks.iter().find(|m| m.factor.trim() == id));
            let named = con.basis_factors.iter().any(|b| b.trim() == id)
                || mark.is_some_and(|m| m.present == Some(Presence::Plus));
            // A «−» the assessment gave is printed as given, with its reason: for a section's
            // first factor («Состояние жилья соответствует нормам») it is the finding.
            let minus = !named && mark.is_some_and(|m| m.present == Some(Presence::Minus));
            let shown = if named {
                Some("+")
            } else if minus {
                Some("-")
            } else {
                None
            };
            rows.push(vec![
                Cell::label((i + 1).to_string()).center(),
                Cell::label(f.clone()),
                Cell::value(shown).center().at(C_FACTORS),
                Cell::value(
                    mark.filter(|_| named || minus)
                        .and_then(|m| m.reason.clone()),
                )
                .at(FA_REASON),
            ]);
        }
    }
    blocks.push(Block::table(
        vec![Col::Fixed, Col::Text(58), Col::Fixed, Col::Text(28)],
        vec![vec![
            Cell::label("№"),
            Cell::label("Факторы риска семейного неблагополучия"),
            Cell::label("Наличие (+)"),
            Cell::label("Причина/примечание*"),
        ]],
        rows,
    ));
    blocks.push(Block::checks(
        Some("Уровень дисфункции семьи на основании проведенного анализа (отметить галочкой)."),
        level_checks_upper(con.risk_level),
        true,
    ));
    blocks.push(Block::checks(
        Some("Приложения к заключению:"),
        vec![
            Check::new(
                "Извещение об обнаружении факторов риска семейного неблагополучия;",
                attached(case.notification.as_ref().map(|n| n.date_sent), con.date),
            ),
            Check::new(
                "Акт обследования ЖБУ;",
                attached(attachment_date(case, Att::HousingInspection), con.date),
            ),
            Check::new(
                "Оценка показателей неблагополучия ребенка;",
                attached(attachment_date(case, Att::ChildAssessment), con.date),
            ),
            Check::new(
                "Оценка факторов риска семейного неблагополучия",
                attached(attachment_date(case, Att::FamilyAssessment), con.date),
            ),
        ],
        false,
    ));
    blocks.push(Block::Signature {
        role: Text::label("Специалист ЕО, аппарата КДНиЗП"),
        name: v(&con.officer).at(C_OFFICER),
        caption: Some("(расшифровка подписи)".into()),
    });
    vec![doc(
        "conclusion",
        "Заключение о наличии/отсутствии степени риска семейного неблагополучия",
        con.date,
        blocks,
    )]
}

// The model fields the three forms print (`Text::at`), and where (`super::fields`).
const CHILD_NAME: Fields = &["/family/children/*/name"];
const CHILD_BIRTH: Fields = &["/family/children/*/birth_date"];
const ADDRESS: Fields = &["/family/address_actual"];
const SCHOOL: Fields = &["/family/children/*/school"];
const SCHOOL_ADDRESS: Fields = &["/family/children/*/school_address"];
const SCHOOL_PHONE: Fields = &["/family/children/*/school_phone"];
const SCHOOL_NOTES: Fields = &["/family/children/*/school_notes"];
pub(super) const PARENT: Fields = &[
    "/family/legal_representatives/*/name",
    "/family/legal_representatives/*/phone",
];
pub(super) const PARENT_WORK: Fields = &[
    "/family/legal_representatives/*/name",
    "/family/legal_representatives/*/birth_date",
    "/family/legal_representatives/*/phone",
    "/family/legal_representatives/*/workplace",
];
const N_AGENCY: Fields = &["/notification/agency"];
const N_RESPONSIBLE: Fields = &["/notification/responsible"];
const N_DATE_SENT: Fields = &["/notification/date_sent"];
const N_GROUNDS: Fields = &["/notification/grounds"];
const N_PRIMARY_ASSESSOR: Fields = &["/notification/primary_assessor"];
const N_HEAD: Fields = &["/notification/head"];
const CA_CHILD: Fields = &["/family/children/*/name", "/child_assessment/class_group"];
const CA_AGENCY: Fields = &["/child_assessment/agency"];
const CA_ASSESSOR: Fields = &["/child_assessment/assessor"];
const CA_DATE: Fields = &["/child_assessment/date"];
const CA_PRESENT: Fields = &["/child_assessment/marks/*/present"];
const CA_REASON: Fields = &["/child_assessment/marks/*/reason"];
const C_AGENCY: Fields = &["/conclusion/agency"];
const C_DATE: Fields = &["/conclusion/date"];
const C_INDICATORS: Fields = &["/conclusion/basis_indicators"];
const C_FACTORS: Fields = &[
    "/conclusion/basis_factors",
    "/family_assessment/marks/*/present",
];
pub(super) const FA_REASON: Fields = &["/family_assessment/marks/*/reason"];
const C_OFFICER: Fields = &["/conclusion/officer"];

/// The field map of App. 2 (`super::fields`), but the head it shares with the conclusion.
const NOTIFICATION_OWN: &[Place] = &[
    // Printed as ticks.
    at("/family/children/*/sex", "Пол:"),
    at(
        "/notification/signal_check",
        "Проверка сигнала о фактах неблагополучия:",
    ),
    at("/notification/primary_assessment", "Первичная оценка:"),
    at("/notification/attachments", "Приложения к извещению:"),
    at(
        N_AGENCY[0],
        "Наименование органа (учреждения) системы профилактики, передающего информацию:",
    ),
    at(
        N_RESPONSIBLE[0],
        "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, ответственного за передачу информации:",
    ),
    at(N_DATE_SENT[0], "Дата передачи информации:"),
    at(
        N_GROUNDS[0],
        "Основания для извещения/оценки (факты неблагополучия):",
    ),
    at(
        N_PRIMARY_ASSESSOR[0],
        "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, проводившего первичную оценку:",
    ),
    at(N_HEAD[0], "Руководитель субъекта системы профилактики"),
];

/// The field map of App. 3 (`super::fields`).
pub(super) static CHILD_ASSESSMENT_FIELDS: &[Place] = &[
    at(
        CA_CHILD[0],
        "Фамилия, имя, отчество (последнее – при наличии) ребенка, класс/группа:",
    ),
    at(
        CA_CHILD[1],
        "Фамилия, имя, отчество (последнее – при наличии) ребенка, класс/группа:",
    ),
    at(
        CA_AGENCY[0],
        "Наименование органа (учреждения) системы профилактики:",
    ),
    at(
        CA_ASSESSOR[0],
        "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, проводившего оценку:",
    ),
    at(CA_DATE[0], "Дата заполнения:"),
    at(CA_PRESENT[0], "Наличие (+/-)"),
    at(CA_REASON[0], "Причина/примечание"),
];

/// The field map of the conclusion (`super::fields`), but the head it shares with App. 2.
const CONCLUSION_OWN: &[Place] = &[
    // Printed as ticks.
    at(
        "/conclusion/risk_level",
        "Уровень дисфункции семьи на основании проведенного анализа",
    ),
    at(
        C_AGENCY[0],
        "Наименование органа (учреждения) системы профилактики, направившего информацию:",
    ),
    at(C_DATE[0], "Дата заполнения:"),
    at(N_GROUNDS[0], "Основания для оценки (факты неблагополучия):"),
    at(C_INDICATORS[0], "Наличие (+)"),
    at(CA_REASON[0], "Причина/примечание"),
    at(C_FACTORS[0], "Наличие (+)"),
    at(C_FACTORS[1], "Наличие (+)"),
    at(FA_REASON[0], "Причина/примечание*"),
    at(C_OFFICER[0], "Специалист ЕО, аппарата КДНиЗП"),
];

/// The child, the address, the school and the parents, in the head of App. 2 and of the
/// conclusion alike (`child_head`, `school_table`, `parents`).
const HEAD_PLACES: &[Place] = &[
    at(
        CHILD_NAME[0],
        "Фамилия, имя, отчество (последнее – при наличии) ребенка:",
    ),
    at(CHILD_BIRTH[0], "Дата рождения:"),
    at(ADDRESS[0], "Адрес фактического проживания:"),
    at(SCHOOL[0], "Наименование учреждения (класс)"),
    at(SCHOOL_ADDRESS[0], "Адрес"),
    at(SCHOOL_PHONE[0], "Телефон"),
    at(SCHOOL_NOTES[0], "Примечания"),
    at(
        PARENT[0],
        "Фамилия, имя, отчество (последнее – при наличии) матери, телефон:",
    ),
    at(
        PARENT[1],
        "Фамилия, имя, отчество (последнее – при наличии) матери, телефон:",
    ),
    at(
        PARENT[0],
        "Фамилия, имя, отчество (последнее – при наличии) отца, телефон:",
    ),
    at(
        PARENT[1],
        "Фамилия, имя, отчество (последнее – при наличии) отца, телефон:",
    ),
];

pub(super) static NOTIFICATION_FIELDS: &[Place] =
    &joined::<{ NOTIFICATION_OWN.len() + HEAD_PLACES.len() }>(NOTIFICATION_OWN, HEAD_PLACES);
pub(super) static CONCLUSION_FIELDS: &[Place] =
    &joined::<{ CONCLUSION_OWN.len() + HEAD_PLACES.len() }>(CONCLUSION_OWN, HEAD_PLACES);
