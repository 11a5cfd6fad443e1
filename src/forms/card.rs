//! «Карта комплексного сопровождения семьи» (ККСС): title page and parts I–IV.

use super::fields::Place;
use super::plans::plan_blocks;
use super::*;
use crate::model::{ConsiliumDecision, Domain, RiskLevel};
use crate::render::doc::{Block, Cell, Col, Document, Text};

/// The name each domain has in «Анализ информации по разделу «…»:».
fn analysis_name(d: Domain) -> &'static str {
    match d {
        Domain::HousingIncome => "Жилье/занятость/доход",
        Domain::Health => "Здоровье",
        Domain::Safety => "Безопасность",
        Domain::Education => "Образование и развитие",
        Domain::FamilyRelations => "Отношения внутри семьи",
        Domain::SocialRelations => "Отношения вне семьи",
    }
}

fn level_row(title: String, level: Option<RiskLevel>) -> Vec<Cell> {
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
fn level_table(rows: Vec<Vec<Cell>>) -> Block {
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

fn level_header() -> Vec<Vec<Cell>> {
    vec![vec![
        Cell::label("Раздел комплексной оценки"),
        Cell::label("низкий").center(),
        Cell::label("средний").center(),
        Cell::label("высокий").center(),
        Cell::label("угроза жизни").center(),
    ]]
}

fn decision(c: Option<&ConsiliumDecision>, lead: &str) -> Vec<Block> {
    vec![
        Block::para(vec![
            Text::label(lead),
            Text::label("№"),
            Text::value(c.and_then(|c| c.number.clone())),
            Text::label("от"),
            Text::value(c.and_then(|c| d(c.date))),
        ]),
        Block::label("(кратко и по сути принятого решения)"),
        Block::para(vec![Text::value(c.and_then(|c| c.text.clone()))]),
    ]
}

/// A row of values, one cell each.
fn values<const N: usize>(v: [Option<String>; N]) -> Vec<Cell> {
    v.into_iter().map(Cell::value).collect()
}

fn table(columns: Vec<Col>, headers: &[&str], rows: Vec<Vec<Cell>>) -> Block {
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

pub fn support_card(case: &Case) -> Vec<Document> {
    let Some(card) = &case.support_card else {
        return vec![];
    };
    let cat = catalog();
    let rep = case
        .family
        .legal_representatives
        .get(card.representative)
        .or(case.family.legal_representatives.first());
    let curator = case.case_opening.as_ref().and_then(|o| o.curator.clone());
    let mut b = vec![
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
                ),
                Text::value(
                    card.organization
                        .clone()
                        .or(curator.as_ref().and_then(|c| c.organization.clone())),
                ),
                Text::label("(наименование организации)"),
                Text::label("Руководитель организации"),
                Text::value(card.director.clone()),
                Text::label("(расшифровка подписи)"),
                Text::value(d(card.compiled_date)),
            ],
            right: vec![
                Text::label("УТВЕРЖДЕНА:"),
                Text::value(card.approved_by.clone()),
                Text::label("КДН и ЗП по месту жительства (нахождения) ребенка"),
                Text::value(d(card.approved_date)),
            ],
        },
        Block::Space,
        Block::title(&["Карта комплексного сопровождения семьи"]),
        Block::Title {
            lines: vec![Text::value(rep.and_then(|r| name(&r.name)))],
        },
        Block::label("(Фамилия, имя, отчество (последнее – при наличии) законного представителя)"),
        Block::para(vec![v(&case.family.address_actual)]),
        Block::label("(адрес проживания)"),
        Block::para(vec![
            Text::label("Заполняется в случае смены куратора"),
            v(&card.curator_change),
        ]),
        Block::heading("I. БАЗОВАЯ ЧАСТЬ."),
    ];
    let phones = case
        .family
        .phones
        .iter()
        .map(|p| match &p.owner {
            Some(o) if !o.trim().is_empty() => format!("{} ({})", p.number, o),
            _ => p.number.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    b.push(Block::fields(vec![
        (
            "Полное название организации, специалист которой проводит комплексную оценку:",
            v(&card.assessment_organization),
        ),
        (
            "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, заполняющего комплексную оценку:",
            specialist(&card.assessor),
        ),
        ("Дата начала проведения комплексной оценки:", vd(card.assessment_started)),
        (
            "Фамилия, имя, отчество (последнее – при наличии) / место работы / должность / телефон специалиста, заполнившего первичную оценку:",
            specialist(&card.primary_assessor),
        ),
        ("Место фактического проживания семьи:", v(&case.family.address_actual)),
        ("Контактные телефоны:", Text::value(Some(phones))),
    ]));
    b.push(Block::para(vec![
        Text::label("1. АКТ обследования жилищно-бытовых условий семьи от"),
        vd(card.housing_act_date),
    ]));
    b.push(Block::bold("2. Причина проведения комплексной оценки:"));
    b.push(table(
        vec![Col::Text(1), Col::Text(1)],
        &[
            "Наименование организации/лица, первично сообщившего о неблагополучия",
            "Заявляемые причины неблагополучия / кто попал в поле зрения первично (родители, дети, др.)",
        ],
        vec![vec![Cell::value(card.reporter.clone()), Cell::value(card.reported_reasons.clone())]],
    ));
    b.push(Block::bold("3.Субъективное мнение членов семьи:"));
    b.push(Block::fields(vec![
        (
            "Причины неблагополучия с точки зрения ребенка / детей:",
            v(&card.child_view),
        ),
        (
            "Причины неблагополучия с точки зрения родителей:",
            v(&card.parents_view),
        ),
    ]));
    // 4. The resource map: per member, relatives on the left and social ties on the right.
    b.push(Block::bold("4. Карта ресурсного окружения"));
    let mut members: Vec<&str> = Vec::new();
    for t in &card.resource_map {
        if !members.contains(&t.member.as_str()) {
            members.push(&t.member);
        }
    }
    let mut rows = Vec::new();
    for m in members {
        let rel: Vec<_> = card
            .resource_map
            .iter()
            .filter(|t| t.member == m && t.relative)
            .collect();
        let soc: Vec<_> = card
            .resource_map
            .iter()
            .filter(|t| t.member == m && !t.relative)
            .collect();
        let count = rel.len().max(soc.len()).max(1);
        for i in 0..count {
            let mut row = vec![
                Cell::value(rel.get(i).map(|t| t.person.clone())),
                Cell::value(rel.get(i).and_then(|t| t.codes.clone())).center(),
            ];
            // The member stands once, in the middle, beside all of their ties.
            if i == 0 {
                row.push(Cell::value(Some(m.to_string())).rows(count));
            }
            row.extend([
                Cell::value(soc.get(i).and_then(|t| t.codes.clone())).center(),
                Cell::value(soc.get(i).map(|t| t.person.clone())),
            ]);
            rows.push(row);
        }
    }
    b.push(table(
        vec![
            Col::Text(30),
            Col::Fixed,
            Col::Text(24),
            Col::Fixed,
            Col::Text(30),
        ],
        &[
            "Родственные связи",
            "УОС",
            "Член семьи",
            "УОС",
            "Социально-устойчивые связи",
        ],
        rows,
    ));
    b.push(Block::bold(
        "5. Образовательная организация, которую посещает ребенок/дети:",
    ));
    b.push(table(
        vec![Col::Text(25), Col::Text(30), Col::Text(30), Col::Text(15)],
        &[
            "Фамилия, имя ребенка/год рождения",
            "Наименование учреждения (д/сад, школа, класс)",
            "Контактное лицо (Фамилия, имя, отчество (последнее – при наличии), должность, телефон)",
            "Примечания",
        ],
        card.education
            .iter()
            .map(|e| {
                values([
                    Some(e.child.clone()),
                    e.institution.clone(),
                    e.contact.clone(),
                    e.notes.clone(),
                ])
            })
            .collect(),
    ));
    b.push(Block::bold(
        "6. События и обстоятельства жизни, существенно влияющие на развитие и здоровье ребенка/детей, начиная с рождения до настоящего времени:",
    ));
    b.push(table(
        vec![Col::Text(20), Col::Text(45), Col::Fixed, Col::Text(20)],
        &[
            "Фамилия, имя ребенка",
            "Краткое описание значимых событий и обстоятельств жизни ребенка",
            "Возраст ребенка на момент событий",
            "Причина/Примечания",
        ],
        card.life_events
            .iter()
            .map(|e| {
                values([
                    Some(e.child.clone()),
                    e.description.clone(),
                    e.age.clone(),
                    e.notes.clone(),
                ])
            })
            .collect(),
    ));
    b.push(Block::heading(
        "7. Комплексная оценка причин семейного неблагополучия",
    ));
    for domain in Domain::ALL {
        let entry = cat.domain(domain.code());
        let assessment = card.domains.iter().find(|x| x.domain == Some(*domain));
        if let Some(e) = entry.filter(|e| !e.question.is_empty()) {
            let mut rows = Vec::new();
            let mut about = "";
            for (i, q) in e.question.iter().enumerate() {
                let group = q.about.as_deref().unwrap_or("");
                if group != about {
                    about = group;
                    let title = if group == "parents" {
                        "Про родителей/ лиц, их заменяющих"
                    } else {
                        "Про ребенка/детей"
                    };
                    rows.push(vec![Cell::label(title).bold().span(3)]);
                }
                let a = card
                    .answers
                    .iter()
                    .find(|a| a.domain == Some(*domain) && a.question as usize == i + 1);
                let mut note = Vec::new();
                if let Some(h) = &q.hint {
                    note.extend(h.lines().map(Text::label));
                }
                if let Some(n) = a.and_then(|a| a.note.clone()) {
                    note.push(Text::data(n));
                }
                rows.push(vec![
                    Cell::label(q.text.clone()),
                    Cell::value(a.and_then(|a| a.answer).map(|x| x.label())).center(),
                    Cell::of(note),
                ]);
            }
            b.push(Block::table(
                vec![Col::Text(50), Col::Fixed, Col::Text(40)],
                vec![vec![
                    Cell::label(e.heading.clone().unwrap_or_else(|| e.title.clone())),
                    Cell::label("Да/ Нет"),
                    Cell::label("Примечания"),
                ]],
                rows,
            ));
        }
        b.push(Block::bold(format!(
            "Анализ информации по разделу «{}»:",
            analysis_name(*domain)
        )));
        if let Some(note) = entry.and_then(|e| e.analysis_note.clone()) {
            b.push(Block::label(note));
        }
        b.push(Block::fields(vec![
            (
                "Сильные стороны:",
                Text::value(assessment.and_then(|a| a.strengths.clone())),
            ),
            (
                "Слабые стороны:",
                Text::value(assessment.and_then(|a| a.weaknesses.clone())),
            ),
        ]));
        b.push(Block::checks(
            Some(cat.domains.level_note.as_deref().unwrap_or("")),
            level_checks_upper(assessment.and_then(|a| a.level)),
            true,
        ));
    }
    b.push(Block::bold(
        "Сводный анализ уровня дисфункции семьи по результатам Комплексной оценки",
    ));
    b.push(level_table(
        Domain::ALL
            .iter()
            .map(|dm| {
                let a = card.domains.iter().find(|x| x.domain == Some(*dm));
                level_row(
                    dm.label().to_string(),
                    a.and_then(|a| a.summary_level.or(a.level)),
                )
            })
            .collect(),
    ));
    let first = card
        .completed
        .and_then(|c| {
            case.consilium
                .iter()
                .filter(|x| x.date.is_some_and(|d| d >= c))
                .min_by_key(|x| x.date)
        })
        .or(case.consilium.first());
    b.extend(decision(
        first,
        "РЕШЕНИЕ Территориального консилиума (Протокол)",
    ));
    // Part II's seven-column plan is read on landscape pages; part III is portrait again.
    b.push(Block::Orientation { landscape: true });
    b.extend(plan_blocks(case));
    b.push(Block::Orientation { landscape: false });
    b.push(Block::heading("III. РЕЗУЛЬТАТИВНАЯ ЧАСТЬ."));
    let results = card.results.as_ref();
    b.push(Block::para(vec![
        Text::label("1. Контрольный Акт обследования жилищно-бытовых условий семьи от"),
        vd(results.and_then(|r| r.control_act_date)),
    ]));
    b.push(Block::bold(
        "2. Таблица динамики изменений по результатам работы за 3 месяца",
    ));
    b.push(Block::para(vec![
        Text::label("с"),
        vd(results.and_then(|r| r.from)),
        Text::label("по"),
        vd(results.and_then(|r| r.to)),
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
                vec![Cell::label(dyn_title(*dm)), Cell::value(join(&[change, x.and_then(|x| x.description.clone())]))]
            })
            .collect(),
    ));
    b.push(Block::bold("4. Решение территориального консилиума"));
    let after = results
        .and_then(|r| r.from)
        .and_then(|from| {
            case.consilium
                .iter()
                .filter(|x| x.date.is_some_and(|d| d > from))
                .max_by_key(|x| x.date)
        })
        .filter(|_| results.is_some());
    b.extend(decision(
        after,
        "РЕШЕНИЕ территориального консилиума (Протокол)",
    ));
    // Part IV's logs (seven and five columns) on landscape pages.
    b.push(Block::Orientation { landscape: true });
    b.push(Block::heading("IV. ФИКСАЦИЯ ПРОВЕДЕННОЙ РАБОТЫ."));
    b.push(Block::bold("1. Учет контактов специалистов с семьей"));
    b.push(table(
        vec![Col::Fixed, Col::Text(14), Col::Text(20), Col::Text(18), Col::Text(14), Col::Text(12), Col::Text(12)],
        &[
            "Дата",
            "Вид контакта (тел. звонок, выезд в семью, встреча на рабочем месте, др.)",
            "Участники контакта (фамилия, имя, отчество (последнее – при наличии), должность/степень родства)",
            "Обсуждаемые вопросы",
            "Результат",
            "Инициатор контакта",
            "Контактное лицо",
        ],
        card.contact_log
            .iter()
            .map(|c| {
                vec![
                    Cell::value(d(c.date)),
                    Cell::value(c.kind.clone()),
                    Cell::value(c.participants.clone()),
                    Cell::value(c.issues.clone()),
                    Cell::value(c.result.clone()),
                    Cell::value(c.initiator.clone()),
                    Cell::value(c.contact_person.clone()),
                ]
            })
            .collect(),
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
                vec![
                    Cell::value(d(c.date)),
                    Cell::value(c.form.clone()),
                    Cell::value(c.person.clone()),
                    Cell::value(c.issues.clone()),
                    Cell::value(c.result.clone()),
                ]
            })
            .collect(),
    ));
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

/// The field map of this form (`super::fields`).
// Part II is `plans::plan_blocks`: its places come with it.
pub(super) static SUPPORT_CARD_FIELDS: &[Place] = &super::plans::with_plan_part![];
