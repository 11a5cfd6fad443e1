//! App. 2 «Извещение», App. 3 «Оценка показателей неблагополучия ребенка» and the single
//! window's «Заключение о наличии/отсутствии степени риска семейного неблагополучия».

use super::fields::Place;
use super::*;
use crate::model::{NotificationAttachment as Att, Presence, RepresentativeRole, Sex};
use crate::render::doc::{Block, Cell, Check, Col, Document, Text};

fn sex_checks(c: &Child) -> Block {
    Block::checks(
        None,
        vec![
            Check::new("Пол: М", c.sex == Some(Sex::M)),
            Check::new("Пол: Ж", c.sex == Some(Sex::F)),
        ],
        true,
    )
}

fn school_table(c: &Child) -> Vec<Block> {
    vec![
        Block::label("Место обучения/работы ребенка"),
        Block::table(
            vec![Col::Text(35), Col::Text(30), Col::Fixed, Col::Text(20)],
            vec![vec![
                Cell::label("Наименование учреждения (класс)"),
                Cell::label("Адрес"),
                Cell::label("Телефон"),
                Cell::label("Примечания"),
            ]],
            vec![vec![
                Cell::value(c.school.clone()),
                Cell::value(c.school_address.clone()),
                Cell::value(c.school_phone.clone()),
                Cell::value(c.school_notes.clone()),
            ]],
        ),
    ]
}

fn parents(case: &Case) -> Block {
    Block::fields(vec![
        (
            "Фамилия, имя, отчество (последнее – при наличии) матери, телефон:",
            parent_line(
                representative(case, RepresentativeRole::Mother),
                false,
                false,
            ),
        ),
        (
            "Фамилия, имя, отчество (последнее – при наличии) отца, телефон:",
            parent_line(
                representative(case, RepresentativeRole::Father),
                false,
                false,
            ),
        ),
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
        Text::value(name(&c.name)),
    ));
    rows.push(("Дата рождения:", vd(c.birth_date)));
    let mut blocks = vec![
        Block::fields(rows),
        sex_checks(c),
        Block::fields(vec![
            (
                "Адрес фактического проживания:",
                v(&case.family.address_actual),
            ),
            grounds,
        ]),
    ];
    blocks.extend(school_table(c));
    blocks.push(parents(case));
    blocks
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
                v(&n.agency),
            ),
            (
                "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, ответственного за передачу информации:",
                specialist(&n.responsible),
            ),
            ("Дата передачи информации:", vd(n.date_sent)),
        ],
        ("Основания для извещения/оценки (факты неблагополучия):", v(&n.grounds)),
    ));
    let signal = n.signal_check.map(|s| s.code()).unwrap_or("");
    blocks.push(Block::checks(
        Some("Проверка сигнала о фактах неблагополучия:"),
        option_checks("signal_check", &[signal]),
        false,
    ));
    let primary = n.primary_assessment.map(|s| s.code()).unwrap_or("");
    blocks.push(Block::checks(
        Some("Первичная оценка:"),
        option_checks("primary_assessment", &[primary]),
        false,
    ));
    blocks.push(Block::fields(vec![(
        "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, проводившего первичную оценку:",
        specialist(&n.primary_assessor),
    )]));
    // Declared by the sender, and not contradicted by the case's own copy made later.
    let has = |a: Att| {
        n.attachments.contains(&a)
            && attached(Some(attachment_date(case, a).flatten()), n.date_sent)
    };
    blocks.push(Block::checks(
        Some("Приложения к извещению:"),
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
        false,
    ));
    blocks.push(Block::Signature {
        role: Text::label("Руководитель субъекта системы профилактики"),
        name: v(&n.head),
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
        for (i, text) in crit.indicators.iter().enumerate() {
            let mark = a
                .marks
                .iter()
                .find(|m| m.criterion == crit.number && usize::from(m.indicator) == i + 1);
            let present = mark.and_then(|m| m.present).map(|p| match p {
                Presence::Plus => "+",
                Presence::Minus => "-",
            });
            // As in seed 003, the criterion's number and title span its indicators' rows.
            let mut row = Vec::new();
            if i == 0 {
                let n = crit.indicators.len();
                row.push(Cell::label(crit.number.to_string()).center().rows(n));
                row.push(Cell::label(crit.title.clone()).rows(n));
            }
            row.extend([
                Cell::label((i + 1).to_string()).center(),
                Cell::label(text.clone()),
                Cell::value(present).center(),
                Cell::value(mark.and_then(|m| m.reason.clone())),
            ]);
            rows.push(row);
        }
    }
    let mut blocks = vec![
        appendix(3),
        Block::title(&["Форма «Оценка показателей неблагополучия ребенка»"]),
        Block::fields(vec![
            (
                "Фамилия, имя, отчество (последнее – при наличии) ребенка, класс/группа:",
                Text::value(join(&[name(&c.name), a.class_group.clone()])),
            ),
            (
                "Наименование органа (учреждения) системы профилактики:",
                v(&a.agency),
            ),
            (
                "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, проводившего оценку:",
                specialist(&a.assessor),
            ),
            ("Дата заполнения:", vd(a.date)),
        ]),
        Block::table(
            vec![
                Col::Fixed,
                Col::Text(14),
                Col::Fixed,
                Col::Text(44),
                Col::Fixed,
                Col::Text(26),
            ],
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
                v(&con.agency),
            ),
            ("Дата заполнения:", vd(con.date)),
        ],
        (
            "Основания для оценки (факты неблагополучия):",
            Text::value(grounds),
        ),
    ));
    // The child indicators the conclusion relies on, with the assessment's reasons.
    let marks = case
        .child_assessment
        .as_ref()
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
            Cell::value(Some("+")).center(),
            Cell::value(reason),
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
    let factor_marks = case
        .family_assessment
        .as_ref()
        .map(|a| a.marks.as_slice())
        .unwrap_or(&[]);
    let mut rows = Vec::new();
    for section in &cat.family.section {
        rows.push(vec![
            Cell::label(format!("{}. {}", section.number, section.title))
                .bold()
                .span(4),
        ]);
        for (i, f) in section.factors.iter().enumerate() {
            let id = format!("{}.{}", section.number, i + 1);
            let named = con.basis_factors.iter().any(|b| b.trim() == id);
            let reason = factor_marks
                .iter()
                .find(|m| m.factor.trim() == id)
                .and_then(|m| m.reason.clone());
            rows.push(vec![
                Cell::label((i + 1).to_string()).center(),
                Cell::label(f.clone()),
                Cell::value(named.then_some("+")).center(),
                Cell::value(if named { reason } else { None }),
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
        name: v(&con.officer),
        caption: Some("(расшифровка подписи)".into()),
    });
    vec![doc(
        "conclusion",
        "Заключение о наличии/отсутствии степени риска семейного неблагополучия",
        con.date,
        blocks,
    )]
}

/// The field map of this form (`super::fields`).
pub(super) static NOTIFICATION_FIELDS: &[Place] = &[];

/// The field map of this form (`super::fields`).
pub(super) static CHILD_ASSESSMENT_FIELDS: &[Place] = &[];

/// The field map of this form (`super::fields`).
pub(super) static CONCLUSION_FIELDS: &[Place] = &[];
