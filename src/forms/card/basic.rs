//! Part I of the card, «БАЗОВАЯ ЧАСТЬ»: the assessment's facts, the resource map, education,
//! life events, the questions by domain and their analysis, and the decision that approved it.

use super::cells::*;
use super::fields::*;
use crate::catalog::catalog;
use crate::doc::{Block, Cell, Col, Text};
use crate::forms::pieces::*;
use crate::model::{Case, ConsiliumDecision, Domain, SupportCard};

pub(super) fn part_one(
    case: &Case,
    card: &SupportCard,
    first: Option<&ConsiliumDecision>,
) -> Vec<Block> {
    let cat = catalog();
    let mut b = vec![Block::heading("I. БАЗОВАЯ ЧАСТЬ.")];
    let phones = phones(case);
    let mut part1 = Block::fields(vec![
        (
            "Полное название организации, специалист которой проводит комплексную оценку:",
            v(&card.assessment_organization).at(ASSESSMENT_ORGANIZATION),
        ),
        (
            "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, заполняющего комплексную оценку:",
            specialist(&card.assessor).at(ASSESSOR),
        ),
        (
            "Дата начала проведения комплексной оценки:",
            vd(card.assessment_started).at(ASSESSMENT_STARTED),
        ),
        (
            "Фамилия, имя, отчество (последнее – при наличии) / место работы / должность / телефон специалиста, заполнившего первичную оценку:",
            specialist(&card.primary_assessor).at(PRIMARY_ASSESSOR),
        ),
        (
            "Место фактического проживания семьи:",
            v(&case.family.address_actual).at(ADDRESS),
        ),
    ]);
    // The seed's prompt stands in the phones' cell, before them.
    if let Block::Fields { rows, .. } = &mut part1 {
        rows.push((
            Text::label("Контактные телефоны:"),
            vec![
                Text::label("С указанием кому принадлежат"),
                Text::value(Some(phones)).at(PHONES),
            ],
        ));
    }
    b.push(part1);
    b.push(Block::para(vec![
        Text::label("1. АКТ обследования жилищно-бытовых условий семьи от"),
        vd(card.housing_act_date).at(HOUSING_ACT_DATE),
    ]));
    b.push(Block::bold("2. Причина проведения комплексной оценки:"));
    b.push(table(
        vec![Col::Text(1), Col::Text(1)],
        &[
            "Наименование организации/лица, первично сообщившего о неблагополучия",
            "Заявляемые причины неблагополучия / кто попал в поле зрения первично (родители, дети, др.)",
        ],
        vec![values([
            (card.reporter.clone(), REPORTER),
            (card.reported_reasons.clone(), REPORTED_REASONS),
        ])],
    ));
    b.push(Block::bold("3.Субъективное мнение членов семьи:"));
    b.push(Block::fields(vec![
        (
            "Причины неблагополучия с точки зрения ребенка / детей:",
            v(&card.child_view).at(CHILD_VIEW),
        ),
        (
            "Причины неблагополучия с точки зрения родителей:",
            v(&card.parents_view).at(PARENTS_VIEW),
        ),
    ]));
    // 4. The resource map: the seed's instructions and the legend of the codes («М+, Э+»),
    // then per member, relatives on the left and social ties on the right.
    b.push(Block::bold("4. Карта ресурсного окружения"));
    b.extend(RESOURCE_MAP_NOTES.iter().map(|l| Block::label(*l)));
    b.extend(
        RESOURCE_MAP_TASKS
            .iter()
            .map(|l| Block::para(vec![Text::label("–"), Text::label(*l)])),
    );
    b.extend(RESOURCE_MAP_PARTS.iter().map(|l| Block::label(*l)));
    b.push(Block::label("Условные обозначения связи (УОС):"));
    b.push(Block::table(
        vec![Col::Fixed, Col::Text(50), Col::Text(30)],
        vec![vec![
            Cell::label("Графическое/буквенное обозначение"),
            Cell::label("Что обозначает"),
            Cell::label("Примечания"),
        ]],
        vec![
            vec![
                Cell::label("И").center(),
                Cell::of(vec![
                    Text::label("Вид поддержки «+»(положительный)"),
                    Text::label("Вид воздействия «-» (отрицательный)"),
                ])
                .rows(3),
                Cell::label("Информационная"),
            ],
            vec![Cell::label("М").center(), Cell::label("Материальная")],
            vec![Cell::label("Э").center(), Cell::label("Эмоциональная")],
        ],
    ));
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
                Cell::value(rel.get(i).map(|t| t.person.clone())).at(TIE_PERSON),
                Cell::value(rel.get(i).and_then(|t| t.codes.clone()))
                    .at(TIE_CODES)
                    .center(),
            ];
            // The member stands once, in the middle, beside all of their ties.
            if i == 0 {
                row.push(Cell::value(Some(m.to_string())).at(TIE_MEMBER).rows(count));
            }
            row.extend([
                Cell::value(soc.get(i).and_then(|t| t.codes.clone()))
                    .at(TIE_CODES)
                    .center(),
                Cell::value(soc.get(i).map(|t| t.person.clone())).at(TIE_PERSON),
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
                    (Some(e.child.clone()), EDUCATION_CHILD),
                    (e.institution.clone(), EDUCATION_INSTITUTION),
                    (e.contact.clone(), EDUCATION_CONTACT),
                    (e.notes.clone(), EDUCATION_NOTES),
                ])
            })
            .collect(),
    ));
    b.push(Block::bold(
        "6. События и обстоятельства жизни, существенно влияющие на развитие и здоровье ребенка/детей, начиная с рождения до настоящего времени:",
    ));
    let events: Vec<Vec<Cell>> = card
        .life_events
        .iter()
        .map(|e| {
            values([
                (Some(e.child.clone()), EVENT_CHILD),
                (e.description.clone(), EVENT_DESCRIPTION),
                (e.age.clone(), EVENT_AGE),
                (e.notes.clone(), EVENT_NOTES),
            ])
        })
        .collect();
    b.push(Block::table(
        vec![Col::Text(20), Col::Text(45), Col::Fixed, Col::Text(20)],
        vec![vec![
            Cell::label("Фамилия, имя ребенка"),
            // The seed's footnote mark: what counts as a significant event, under the table.
            Cell::of(vec![
                Text::label("Краткое описание значимых событий и обстоятельств жизни ребенка"),
                Text::label("*"),
            ]),
            Cell::label("Возраст ребенка на момент событий"),
            Cell::label("Причина/Примечания"),
        ]],
        if events.is_empty() {
            vec![(0..4).map(|_| Cell::empty()).collect()]
        } else {
            events
        },
    ));
    b.push(Block::Para {
        content: vec![Text::label("*"), Text::label(EVENTS_FOOTNOTE)],
        bold: false,
        small: true,
    });
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
                // The seed's prompt (a label) and the note entered (a value) stay apart in
                // the cell, the prompt first: the writers set the note off as data.
                let mut note = Vec::new();
                if let Some(h) = &q.hint {
                    note.extend(h.lines().map(Text::label));
                }
                if let Some(n) = a.and_then(|a| a.note.clone()) {
                    note.push(Text::data(n).at(ANSWER_NOTE));
                }
                rows.push(vec![
                    Cell::label(q.text.clone()),
                    Cell::value(a.and_then(|a| a.answer).map(|x| x.label()))
                        .at(ANSWER)
                        .center(),
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
                Text::value(assessment.and_then(|a| a.strengths.clone())).at(STRENGTHS),
            ),
            (
                "Слабые стороны:",
                Text::value(assessment.and_then(|a| a.weaknesses.clone())).at(WEAKNESSES),
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
    b.extend(decision(
        first,
        "РЕШЕНИЕ Территориального консилиума (Протокол)",
        None,
    ));
    b
}

/// Part I, 4: the seed's instructions for the resource map, before its legend.
const RESOURCE_MAP_NOTES: &[&str] = &[
    "Карта (вкладыш) обязательна для заполнения на законных представителей и несовершеннолетних членов семьи (на каждого в отдельности).",
    "Задачи:",
];
const RESOURCE_MAP_TASKS: &[&str] = &[
    "определить характер взаимоотношений членов семьи с родственным и социальным окружением;",
    "обнаружить ресурсы и проблемы родственных и социальных связей, существенно влияющих на жизнедеятельность и устойчивость семьи;",
    "определить стратегии работы специалистов с членами семьи и окружением для достижения позитивных изменений.",
];
const RESOURCE_MAP_PARTS: &[&str] = &[
    "Карта ресурсного окружения включает в себя 3 раздела:",
    "1. Родственные связи – информация о родственниках, проживающих и не проживающих в семье. В разделе отражается: фамилия, имя, отчество (последнее – при наличии) родственника, возраст, степень родства по отношению к члену семьи, на которого оформляется карта, статус (лишение/ограничение родительских прав, розыск, в местах лишения свободы, признан недееспособным, инвалид, пенсионер, работающий, безработный, студент и др.), характер отношений, место работы/учебы, адрес/телефон (при наличии). Необходимо вносить в карту сведения об умерших законных представителях (мать, отец, замещающая опека).",
    "2. Член семьи – фамилия, имя, отчество (последнее – при наличии) / фамилия, имя законного представителя, ребенка",
    "3. Устойчивые социальные связи - лица, не являющиеся родственниками члену семьи/ребенку, с которыми он поддерживает тесное, неформальное общение. Для ребенка это могут быть: сожитель матери, друзья родителей, учитель, тренер, одноклассники, соседи, друзья ребенка и др. В разделе отражается: фамилия, имя, отчество (последнее – при наличии), возраст, предмет общения, характер отношений, контакты для связи (при наличии). Для родителей/законных представителей: друзья, сослуживцы, знакомые, которые существенно влияют /могут повлиять на динамику изменений, как положительную, так и отрицательную.",
    "Обязательно для заполнения раздела включать в схему оценки взаимоотношений всех проживающих в семье, не являющихся родственниками (сожитель матери, знакомые, их дети).",
];
/// The seed's footnote to «Краткое описание значимых событий…» (part I, 6).
const EVENTS_FOOTNOTE: &str = "значимые события и обстоятельства - это ситуации следующего характера: разрыв отношений, развод родителей, новый брак, длительное отсутствие родителей, смерть близких, частые размещения в учреждениях временного пребывания, алкоголизм, наркомания, психические заболевания членов семьи, длительная госпитализация, потеря здоровья, нахождение родителей под следствием или в МЛС/ЧС и др.";
