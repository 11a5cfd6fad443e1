//! «Карта комплексного сопровождения семьи» (ККСС): title page and parts I–IV.

use super::fields::{Place, at};
use super::pieces::*;
use super::plans::plan_blocks;
use crate::catalog::catalog;
use crate::doc::{Block, Cell, Col, Document, Fields, Text};
use crate::model::Case;
use crate::model::{ConsiliumDecision, Domain, RiskLevel};

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

/// «РЕШЕНИЕ … консилиума (Протокол) № … от …» and, beside «(кратко и по сути принятого
/// решения)», its text; `then`, a value that follows from the decision (the case's closure
/// reason after the decision that closed it), stands in a paragraph of its own.
fn decision(c: Option<&ConsiliumDecision>, lead: &str, then: Option<Text>) -> Vec<Block> {
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
fn values<const N: usize>(v: [(Option<String>, Fields); N]) -> Vec<Cell> {
    v.into_iter().map(|(v, f)| Cell::value(v).at(f)).collect()
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
    // The organization is the card's own, else the curator's (tagged with the one printed).
    // When both are given and differ, both are printed: neither is dropped.
    let own = card.organization.clone().filter(|o| !o.trim().is_empty());
    let curators = curator
        .as_ref()
        .and_then(|c| c.organization.clone())
        .filter(|o| !o.trim().is_empty());
    let organization = match (own, curators) {
        (Some(o), Some(c)) if crate::model::fold(&o) != crate::model::fold(&c) => {
            Text::value(Some(format!("{o}; {c}"))).at(ORGANIZATION_BOTH)
        }
        (Some(o), _) => Text::value(Some(o)).at(ORGANIZATION),
        (None, c) => Text::value(c).at(CURATOR_ORGANIZATION),
    };
    let mut b = vec![
        // The seed's title page: who compiled the card signs it with the organization's head
        // under the stamp, the commission approves it with a signature and a date.
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
    // Part I ends with the decision that approved the card (the first on or after its
    // completion); every later decision stands in part III's «Решение территориального
    // консилиума», in order, so that none is dropped.
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
    b.extend(decision(
        first,
        "РЕШЕНИЕ Территориального консилиума (Протокол)",
        None,
    ));
    // Part II's seven-column plan is read on landscape pages; part III is portrait again.
    b.push(Block::Orientation { landscape: true });
    b.extend(plan_blocks(case));
    b.push(Block::Orientation { landscape: false });
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

// The fields each value holds (`Text::at`), named once for the builder and the map.
const CURATOR: Fields = &[
    "/case_opening/curator/name",
    "/case_opening/curator/position",
];
const CURATOR_ORGANIZATION: Fields = &["/case_opening/curator/organization"];
const ORGANIZATION: Fields = &["/support_card/organization"];
const ORGANIZATION_BOTH: Fields = &[
    "/support_card/organization",
    "/case_opening/curator/organization",
];
const DIRECTOR: Fields = &["/support_card/director"];
const COMPILED_DATE: Fields = &["/support_card/compiled_date"];
const APPROVED_BY: Fields = &["/support_card/approved_by"];
const APPROVED_DATE: Fields = &["/support_card/approved_date"];
const REPRESENTATIVE_NAME: Fields = &["/family/legal_representatives/*/name"];
const ADDRESS: Fields = &["/family/address_actual"];
const CURATOR_CHANGE: Fields = &["/support_card/curator_change"];
const ASSESSMENT_ORGANIZATION: Fields = &["/support_card/assessment_organization"];
const ASSESSOR: Fields = &["/support_card/assessor"];
const ASSESSMENT_STARTED: Fields = &["/support_card/assessment_started"];
const PRIMARY_ASSESSOR: Fields = &["/support_card/primary_assessor"];
const PHONES: Fields = &["/family/phones/*/number", "/family/phones/*/owner"];
const HOUSING_ACT_DATE: Fields = &["/support_card/housing_act_date"];
const REPORTER: Fields = &["/support_card/reporter"];
const REPORTED_REASONS: Fields = &["/support_card/reported_reasons"];
const CHILD_VIEW: Fields = &["/support_card/child_view"];
const PARENTS_VIEW: Fields = &["/support_card/parents_view"];
const TIE_MEMBER: Fields = &["/support_card/resource_map/*/member"];
const TIE_PERSON: Fields = &["/support_card/resource_map/*/person"];
const TIE_CODES: Fields = &["/support_card/resource_map/*/codes"];
const EDUCATION_CHILD: Fields = &["/support_card/education/*/child"];
const EDUCATION_INSTITUTION: Fields = &["/support_card/education/*/institution"];
const EDUCATION_CONTACT: Fields = &["/support_card/education/*/contact"];
const EDUCATION_NOTES: Fields = &["/support_card/education/*/notes"];
const EVENT_CHILD: Fields = &["/support_card/life_events/*/child"];
const EVENT_DESCRIPTION: Fields = &["/support_card/life_events/*/description"];
const EVENT_AGE: Fields = &["/support_card/life_events/*/age"];
const EVENT_NOTES: Fields = &["/support_card/life_events/*/notes"];
const ANSWER: Fields = &["/support_card/answers/*/answer"];
const ANSWER_NOTE: Fields = &["/support_card/answers/*/note"];
const STRENGTHS: Fields = &["/support_card/domains/*/strengths"];
const WEAKNESSES: Fields = &["/support_card/domains/*/weaknesses"];
const CONSILIUM_NUMBER: Fields = &["/consilium/*/number"];
const CONSILIUM_DATE: Fields = &["/consilium/*/date"];
const CONSILIUM_TEXT: Fields = &["/consilium/*/text"];
const CLOSURE_REASON: Fields = &["/closure/reason"];
const CONTROL_ACT_DATE: Fields = &["/support_card/results/control_act_date"];
const RESULTS_FROM: Fields = &["/support_card/results/from"];
const RESULTS_TO: Fields = &["/support_card/results/to"];
const DYNAMICS: Fields = &[
    "/support_card/results/dynamics/*/level_start",
    "/support_card/results/dynamics/*/level_end",
    "/support_card/results/dynamics/*/description",
];
const CONTACT_DATE: Fields = &["/support_card/contact_log/*/date"];
const CONTACT_KIND: Fields = &["/support_card/contact_log/*/kind"];
const CONTACT_PARTICIPANTS: Fields = &["/support_card/contact_log/*/participants"];
const CONTACT_INITIATOR: Fields = &["/support_card/contact_log/*/initiator"];
const CONTACT_PERSON: Fields = &["/support_card/contact_log/*/contact_person"];
const CONTACT_ISSUES: Fields = &["/support_card/contact_log/*/issues"];
const CONTACT_RESULT: Fields = &["/support_card/contact_log/*/result"];
const CURATOR_LOG_DATE: Fields = &["/support_card/curator_log/*/date"];
const CURATOR_LOG_FORM: Fields = &["/support_card/curator_log/*/form"];
const CURATOR_LOG_PERSON: Fields = &["/support_card/curator_log/*/person"];
const CURATOR_LOG_ISSUES: Fields = &["/support_card/curator_log/*/issues"];
const CURATOR_LOG_RESULT: Fields = &["/support_card/curator_log/*/result"];

/// The card's own places; part II's are the individual plan's (`plans::plan_blocks`).
const CARD_PLACES: &[Place] = &[
    // Title page.
    at(CURATOR[0], "Куратор семьи (Фамилия"),
    at(CURATOR[1], "Куратор семьи (Фамилия"),
    at(CURATOR_ORGANIZATION[0], "Куратор семьи (Фамилия"),
    at(ORGANIZATION[0], "Куратор семьи (Фамилия"),
    at(DIRECTOR[0], "Руководитель организации"),
    at(COMPILED_DATE[0], "(подпись)"),
    at(APPROVED_BY[0], "УТВЕРЖДЕНА:"),
    at(APPROVED_DATE[0], "(подпись)"),
    at(
        REPRESENTATIVE_NAME[0],
        "Карта комплексного сопровождения семьи",
    ),
    // The representative chosen is the one whose name heads the card.
    at(
        "/support_card/representative",
        "Карта комплексного сопровождения семьи",
    ),
    at(ADDRESS[0], "(адрес проживания)"),
    at(CURATOR_CHANGE[0], "Куратор семьи (Фамилия"),
    at(CURATOR_CHANGE[0], "(наименование организации)"),
    // Part I.
    at(ASSESSMENT_ORGANIZATION[0], "Полное название организации"),
    at(
        ASSESSOR[0],
        "Фамилия, имя, отчество (последнее – при наличии) /должность/телефон специалиста, заполняющего",
    ),
    at(
        ASSESSMENT_STARTED[0],
        "Дата начала проведения комплексной оценки:",
    ),
    at(
        PRIMARY_ASSESSOR[0],
        "Фамилия, имя, отчество (последнее – при наличии) / место работы",
    ),
    at(ADDRESS[0], "Место фактического проживания семьи:"),
    at(PHONES[0], "Контактные телефоны:"),
    at(PHONES[1], "Контактные телефоны:"),
    at(
        HOUSING_ACT_DATE[0],
        "1. АКТ обследования жилищно-бытовых условий",
    ),
    at(
        REPORTER[0],
        "Наименование организации/лица, первично сообщившего",
    ),
    at(REPORTED_REASONS[0], "Заявляемые причины неблагополучия"),
    at(
        CHILD_VIEW[0],
        "Причины неблагополучия с точки зрения ребенка",
    ),
    at(
        PARENTS_VIEW[0],
        "Причины неблагополучия с точки зрения родителей",
    ),
    at(TIE_MEMBER[0], "Член семьи"),
    at(TIE_PERSON[0], "Родственные связи"),
    at(TIE_PERSON[0], "Социально-устойчивые связи"),
    at(TIE_CODES[0], "УОС"),
    // A relative stands under «Родственные связи», any other tie on the right.
    at("/support_card/resource_map/*/relative", "Родственные связи"),
    at(EDUCATION_CHILD[0], "Фамилия, имя ребенка/год рождения"),
    at(EDUCATION_INSTITUTION[0], "Наименование учреждения"),
    at(EDUCATION_CONTACT[0], "Контактное лицо"),
    at(EDUCATION_NOTES[0], "Примечания"),
    at(EVENT_CHILD[0], "Фамилия, имя ребенка"),
    at(EVENT_DESCRIPTION[0], "Краткое описание значимых событий"),
    at(EVENT_AGE[0], "Возраст ребенка на момент событий"),
    at(EVENT_NOTES[0], "Причина/Примечания"),
    at(ANSWER[0], "Да/ Нет"),
    // The domain and the question's number choose the row of the answer.
    at("/support_card/answers/*/domain", "Да/ Нет"),
    at("/support_card/answers/*/question", "Да/ Нет"),
    at(ANSWER_NOTE[0], "Примечания"),
    at(STRENGTHS[0], "Сильные стороны:"),
    at(WEAKNESSES[0], "Слабые стороны:"),
    at(
        "/support_card/domains/*/domain",
        "Анализ информации по разделу",
    ),
    at(
        "/support_card/domains/*/level",
        "Уровень дисфункции семьи по данному разделу",
    ),
    at(
        "/support_card/domains/*/summary_level",
        "Сводный анализ уровня дисфункции семьи",
    ),
    at(CONSILIUM_NUMBER[0], "№"),
    at(CONSILIUM_DATE[0], "от"),
    at(CONSILIUM_TEXT[0], "(кратко и по сути принятого решения)"),
    // Part III.
    at(CONTROL_ACT_DATE[0], "1. Контрольный Акт обследования"),
    at(RESULTS_FROM[0], "с"),
    at(RESULTS_TO[0], "по"),
    at(
        "/support_card/results/dynamics/*/domain",
        "Раздел комплексной оценки",
    ),
    at(DYNAMICS[0], "Динамика по разделам"),
    at(DYNAMICS[1], "Динамика по разделам"),
    at(DYNAMICS[2], "Динамика по разделам"),
    at(CLOSURE_REASON[0], "(кратко и по сути принятого решения)"),
    // Part IV.
    at(CONTACT_DATE[0], "Дата"),
    at(CONTACT_KIND[0], "Вид контакта"),
    at(CONTACT_PARTICIPANTS[0], "Участники контакта"),
    at(CONTACT_INITIATOR[0], "Инициатор контакта"),
    at(CONTACT_PERSON[0], "Контактное лицо"),
    at(CONTACT_ISSUES[0], "Обсуждаемые вопросы"),
    at(CONTACT_RESULT[0], "Результат"),
    at(CURATOR_LOG_DATE[0], "Дата"),
    at(CURATOR_LOG_FORM[0], "Форма контакта"),
    at(
        CURATOR_LOG_PERSON[0],
        "Фамилия, имя, отчество (последнее – при наличии) физического лица",
    ),
    at(CURATOR_LOG_ISSUES[0], "Обсуждаемые вопросы (задача)"),
    at(CURATOR_LOG_RESULT[0], "Результат"),
];

const PLAN_PLACES: &[Place] = super::plans::INDIVIDUAL_PLAN_FIELDS;

const ALL_PLACES: [Place; CARD_PLACES.len() + PLAN_PLACES.len()] =
    super::fields::joined(CARD_PLACES, PLAN_PLACES);

/// The field map of this form (`super::fields`).
pub(super) static SUPPORT_CARD_FIELDS: &[Place] = &ALL_PLACES;
