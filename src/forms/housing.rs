//! «АКТ обследования жилищно-бытовых условий семьи».

use super::fields::{Place, at};
use super::pieces::*;
use crate::catalog::catalog;
use crate::doc::{Block, Cell, Check, Col, Document, SignLine, Text};
use crate::model::Case;
use crate::model::{Amount, YesNo};
use crate::text::fold;

fn yes_no(a: Option<YesNo>) -> Option<String> {
    a.map(|a| a.label().to_string())
}

/// Rubles and kopecks: «23 037,50 руб.», never «23 037,5» (kopecks are two digits).
fn money(a: Option<Amount>) -> Option<String> {
    a.map(|a| {
        let mut s = a.ru();
        if s.split_once(',').is_some_and(|(_, k)| k.len() == 1) {
            s.push('0');
        }
        format!("{s}\u{a0}руб.")
    })
}

/// Options of a housing list as check boxes (the form says «подчеркнуть»).
fn list_checks(list: &str, chosen: &[String]) -> Vec<Check> {
    let chosen: Vec<String> = chosen.iter().map(|c| fold(c)).collect();
    catalog()
        .labels(&format!("housing.{list}"))
        .into_iter()
        .map(|l| Check::new(l, chosen.contains(&fold(l))))
        .collect()
}

/// The marital status: the seed's options and its last one, a blank («другое»), on which a
/// status not among the options is written and ticked — a value is never dropped.
fn marital_checks(status: &Option<String>) -> Vec<Check> {
    let chosen: Vec<String> = status.iter().cloned().collect();
    let mut checks = list_checks("marital_status", &chosen);
    let other = status
        .as_deref()
        .filter(|s| !s.trim().is_empty() && !checks.iter().any(|c| c.checked));
    let mut blank = Check::new("", other.is_some());
    blank.detail = vec![Text::value(other).at(MARITAL)];
    checks.push(blank);
    checks
}

/// A footnote of the seed, under the block whose label carries its mark.
fn footnote(mark: &str, text: &str) -> Block {
    Block::Para {
        content: vec![Text::label(mark), Text::label(text)],
        bold: false,
        small: true,
    }
}

/// «… обследуемого ____ подпись ____»: the name on its line, the line to sign captioned.
fn signed(role: &str, name: Text) -> Block {
    Block::Sign {
        role: Text::label(role),
        role_width: 34,
        lines: vec![
            SignLine::new(name, "", 0),
            SignLine::new(Text::BLANK, "подпись", 22),
        ],
    }
}

pub fn housing_inspection(case: &Case) -> Vec<Document> {
    let Some(h) = &case.housing_inspection else {
        return vec![];
    };
    let cat = catalog();
    let mut blocks = vec![
        Block::title(&["АКТ", "обследования жилищно-бытовых условий семьи"]),
        Block::fields(vec![
            ("Наименование учреждения:", v(&h.organization).at(&[P_ORG])),
            (
                "Фамилия, имя, отчество (последнее – при наличии), должность специалиста (-ов), проводивших обследование:",
                v(&h.inspectors).at(&[P_INSPECTORS]),
            ),
            ("Дата обследования:", vd(h.date).at(&[P_DATE])),
        ]),
        Block::heading("1.Сведения о семье"),
        Block::fields(vec![
            (
                "Фамилия, имя, отчество (последнее – при наличии) обследуемого:",
                Text::value(h.subject.as_ref().and_then(name)).at(&[P_SUBJECT]),
            ),
            (
                "Дата рождения:",
                vd(h.subject_birth_date).at(&[P_SUBJECT_BIRTH]),
            ),
            ("№ телефона:", v(&h.subject_phone).at(&[P_SUBJECT_PHONE])),
            (
                "Образование:",
                v(&h.subject_education).at(&[P_SUBJECT_EDUCATION]),
            ),
            (
                "Адрес фактического проживания:",
                v(&case.family.address_actual).at(&[P_ADDRESS_ACTUAL]),
            ),
            (
                "Адрес регистрации:",
                v(&case.family.address_registered).at(&[P_ADDRESS_REGISTERED]),
            ),
            (
                "Место работы/должность /режим работы:",
                v(&h.subject_workplace).at(&[P_SUBJECT_WORKPLACE]),
            ),
            (
                "Основания для обследования¹:",
                v(&h.grounds).at(&[P_GROUNDS]),
            ),
        ]),
        footnote("¹", GROUNDS_NOTE),
        Block::heading("1.Состав проживающих:"),
    ];
    let groups = [
        "1.Лица, связанные родством, к которым относятся совместно проживающие и ведущие совместное хозяйство супруги, их дети и родители, усыновители и усыновленные, братья и сестры, пасынки и падчерицы:",
        "Лица, связанные родством, к которым относятся совместно проживающие и ведущие раздельное хозяйство:",
        "Лица, не связанные родством, но проживающие совместно:",
    ];
    let group_of = |g: &Option<String>| {
        let g = fold(g.as_deref().unwrap_or(""));
        if g.contains("раздельн") {
            1
        } else if g.contains("не связ") || g.contains("не родств") || g.contains("не родствен")
        {
            2
        } else {
            0
        }
    };
    let mut rows = Vec::new();
    let mut n = 0;
    for (gi, title) in groups.iter().enumerate() {
        rows.push(vec![Cell::label(*title).span(4)]);
        for r in h.residents.iter().filter(|r| group_of(&r.group) == gi) {
            n += 1;
            rows.push(vec![
                Cell::label(n.to_string()).center(),
                Cell::value(Some(r.name.clone())).at(&[P_RESIDENT_NAME]),
                Cell::value(r.status.clone()).at(&[P_RESIDENT_STATUS]),
                Cell::value(r.occupation.clone()).at(&[P_RESIDENT_OCCUPATION]),
            ]);
        }
    }
    blocks.push(Block::table(
        vec![Col::Fixed, Col::Text(34), Col::Text(25), Col::Text(35)],
        vec![vec![
            Cell::label("№ п/п"),
            Cell::label("Фамилия, имя, отчество (последнее – при наличии) полностью/год рождения"),
            Cell::label("Статус проживающих по отношению к несовершеннолетнему"),
            Cell::label("Место учебы/работы/ должность/режим работы, оформлены ли трудовые отношения/Если не работает, то с какого времени"),
        ]],
        rows,
    ));
    blocks.push(Block::checks(
        Some("Семейное положение законного представителя ребенка/детей:"),
        marital_checks(&h.marital_status),
        true,
    ));
    blocks.push(Block::fields(vec![
        (
            "Состоит/не состоит семья на учете в органах соцзащиты:",
            Text::value(yes_no(h.social_registration)).at(&[P_SOCIAL]),
        ),
        (
            "Если да, то с какого года",
            v(&h.social_registration_since).at(&[P_SOCIAL_SINCE]),
        ),
    ]));
    blocks.push(Block::heading(
        "2. Структура доходов семьи (заполняется только на членов семьи, совместно проживающих и ведущих совместное хозяйство).",
    ));
    let kind_of = |k: &Option<String>| {
        let k = fold(k.as_deref().unwrap_or(""));
        if k.contains("заработн") || k.contains("зарплат") {
            0
        } else if k.contains("льгот") || k.contains("пособ") || k.contains("выплат")
        {
            2
        } else {
            1
        }
    };
    let mut rows = Vec::new();
    for (ki, title) in [
        "Заработная плата:",
        "Дополнительные источники доходов:",
        "Льготы/пособия /выплаты:",
    ]
    .iter()
    .enumerate()
    {
        let mine: Vec<_> = h
            .incomes
            .iter()
            .filter(|i| kind_of(&i.kind) == ki)
            .collect();
        if mine.is_empty() {
            rows.push(vec![Cell::label(*title), Cell::empty(), Cell::empty()]);
        }
        for (j, i) in mine.iter().enumerate() {
            rows.push(vec![
                if j == 0 {
                    Cell::label(*title)
                } else {
                    Cell::empty()
                },
                Cell::value(i.recipient.clone()).at(&[P_INCOME_RECIPIENT]),
                Cell::value(money(i.amount)).at(&[P_INCOME_AMOUNT]),
            ]);
        }
    }
    blocks.push(Block::table(
        vec![Col::Text(30), Col::Text(45), Col::Text(25)],
        vec![vec![
            Cell::empty(),
            Cell::label("Кто получает (члены семьи)"),
            Cell::label("Размер"),
        ]],
        rows,
    ));
    // The seed's three-column table: the question's answer in its own column, then one row
    // per benefit «Кому из членов семьи» | «Какие».
    let mut rows: Vec<Vec<Cell>> = h
        .benefits_to_arrange
        .iter()
        .enumerate()
        .map(|(i, b)| {
            vec![
                if i == 0 {
                    Cell::value(yes_no(h.benefits_needed)).at(BENEFITS_NEEDED)
                } else {
                    Cell::empty()
                },
                Cell::value(b.for_whom.clone()).at(FOR_WHOM),
                Cell::value(b.which.clone()).at(WHICH),
            ]
        })
        .collect();
    if rows.is_empty() {
        rows.push(vec![
            Cell::value(yes_no(h.benefits_needed)).at(BENEFITS_NEEDED),
            Cell::value(None::<String>).at(FOR_WHOM),
            Cell::value(None::<String>).at(WHICH),
        ]);
    }
    blocks.push(Block::table(
        vec![Col::Text(30), Col::Text(35), Col::Text(35)],
        vec![vec![
            Cell::label("Какие льготы/ пособия /выплаты необходимо оформить:"),
            Cell::label("Кому из членов семьи:"),
            Cell::label("Какие:"),
        ]],
        rows,
    ));
    blocks.push(Block::fields(vec![
        (
            "Среднемесячный доход семьи составляет:",
            Text::value(money(h.monthly_income)).at(&[P_MONTHLY]),
        ),
        (
            "Среднедушевой доход составляет:",
            Text::value(money(h.per_capita_income)).at(&[P_PER_CAPITA]),
        ),
        (
            "По каким обязательствам у семьи есть задолженность (кредиты, ипотека, долг ЖКХ, алименты, др.):",
            v(&h.debts).at(&[P_DEBTS]),
        ),
        (
            "Требуется ли семье помощь в получении/восстановлении документов? (если да, то каких именно)",
            v(&h.documents_help).at(&[P_DOCUMENTS]),
        ),
    ]));
    blocks.push(Block::heading("3.Условия проживания (подчеркнуть):"));
    blocks.push(Block::para(vec![
        Text::label("Жилая площадь, составляет"),
        Text::value(h.living_area.map(Amount::ru)).at(&[P_AREA]),
        Text::label("кв.м., состоит из"),
        Text::value(h.rooms.map(|r| r.to_string())).at(&[P_ROOMS]),
        Text::label("комнат и кухни"),
    ]));
    for (list, chosen, label) in [
        (
            "ownership",
            h.ownership.iter().cloned().collect::<Vec<_>>(),
            None,
        ),
        ("dwelling", h.dwelling.iter().cloned().collect(), None),
        ("access", h.access.clone(), Some("Доступ к жилью:")),
        ("heating", h.heating.clone(), None),
        ("water", h.water.clone(), None),
    ] {
        blocks.push(Block::checks(label, list_checks(list, &chosen), true));
    }
    blocks.push(Block::para(vec![
        Text::label("Потребность в топливе (да/нет)"),
        Text::value(yes_no(h.fuel_needed)).at(&[P_FUEL]),
    ]));
    blocks.push(Block::para(vec![
        Text::label("Канализация (да/нет)"),
        Text::value(yes_no(h.sewerage)).at(&[P_SEWERAGE]),
    ]));
    blocks.push(Block::checks(
        None,
        list_checks("bathing", &h.bathing),
        true,
    ));
    blocks.push(Block::checks(None, list_checks("stove", &h.stove), true));
    // The owner's row: the seed's caption of what to write stands over the value.
    blocks.push(Block::Fields {
        rows: vec![(
            Text::label("Собственником жилья является²:"),
            vec![Text::label(OWNER_CAPTION), v(&h.owner).at(&[P_OWNER])],
        )],
        label_width: 45,
        split: Vec::new(),
    });
    blocks.push(footnote("²", OWNER_NOTE));
    let mut rows = Vec::new();
    for (i, q) in cat.housing.question.iter().enumerate() {
        let a = h
            .answers
            .iter()
            .find(|a| a.question.trim() == (i + 1).to_string());
        let mut note = Vec::new();
        if let Some(hint) = &q.hint {
            note.push(Text::label(hint.clone()));
        }
        note.push(Text::value(a.and_then(|a| a.note.clone())).at(&[P_ANSWER_NOTE]));
        rows.push(vec![
            Cell::label(q.text.clone()),
            Cell::value(a.and_then(|a| a.answer).map(|x| x.label()))
                .at(&[P_ANSWER])
                .center(),
            Cell::of(note),
        ]);
    }
    blocks.push(Block::table(
        vec![Col::Text(45), Col::Fixed, Col::Text(40)],
        vec![vec![
            Cell::empty(),
            Cell::label("Да/нет/ неприменимо"),
            Cell::empty(),
        ]],
        rows,
    ));
    blocks.push(Block::heading("4. Дополнительная информация"));
    for (label, list, chosen, notes, field) in [
        (
            "Взаимоотношения между членами семьи во время обследования:",
            "relations",
            &h.relations,
            &h.relations_notes,
            P_RELATIONS_NOTES,
        ),
        (
            "Члены семьи во время обследования по отношению к ребенку/детям:",
            "attitude_to_child",
            &h.attitude_to_child,
            &h.attitude_to_child_notes,
            P_CHILD_NOTES,
        ),
        (
            "Обследуемый по отношению к специалисту (-ам):",
            "attitude_to_specialist",
            &h.attitude_to_specialist,
            &h.attitude_to_specialist_notes,
            P_SPECIALIST_NOTES,
        ),
    ] {
        blocks.push(Block::checks(Some(label), list_checks(list, chosen), true));
        blocks.push(Block::para(vec![
            Text::label("Примечания:"),
            v(notes).at(field),
        ]));
    }
    blocks.push(Block::fields(vec![
        (
            "Какие проблемы/причины проблем обозначает семья во время посещения (перечислить):",
            v(&h.family_problems).at(&[P_PROBLEMS]),
        ),
        (
            "Какие меры необходимо принимать, с точки зрения специалиста, для улучшения положения семьи/детей:",
            v(&h.measures_needed).at(&[P_MEASURES]),
        ),
        (
            "Дополнительная информация об особенностях семьи, факторах, влияющих на отношения в семье (особенности отношений между членами семьи, особенности здоровья, социальный статус, др.):",
            v(&h.additional_info).at(&[P_ADDITIONAL]),
        ),
    ]));
    blocks.push(Block::label("С актом ознакомлен:"));
    blocks.push(signed(
        SIGNED_SUBJECT,
        Text::value(h.subject.as_ref().and_then(name)).at(&[P_SUBJECT]),
    ));
    blocks.push(signed(
        SIGNED_SPECIALIST,
        v(&h.inspectors).at(&[P_INSPECTORS]),
    ));
    vec![doc(
        "housing_inspection",
        "Акт обследования жилищно-бытовых условий семьи",
        h.date,
        blocks,
    )]
}

const GROUNDS_NOTE: &str = "личное обращение (указать цель обращения); сигнал от физ. лица/учреждения системы профилактики (наименование учреждения/цель обследования";
const OWNER_NOTE: &str = "заполняется в случае, если жилье в собственности или социальном найме";
const OWNER_CAPTION: &str = "Фамилия, имя, отчество (последнее – при наличии), статус по отношению к законному представителю детей и несовершеннолетнему";
const SIGNED_SUBJECT: &str = "Фамилия, имя, отчество (последнее – при наличии) обследуемого";
const SIGNED_SPECIALIST: &str = "Фамилия, имя, отчество (последнее – при наличии) специалиста";

/// The field map of this form (`super::fields`).
pub(super) static HOUSING_FIELDS: &[Place] = &[
    // Lists printed as ticks: the field ticks its options at the list's place.
    at("/housing_inspection/ownership", "Собственность"),
    at("/housing_inspection/dwelling", "Частный дом"),
    at("/housing_inspection/access", "Доступ к жилью:"),
    at("/housing_inspection/heating", "Центральное отопление"),
    at("/housing_inspection/water", "Холодная вода"),
    at("/housing_inspection/bathing", "Ванна"),
    at("/housing_inspection/stove", "Газовая плита"),
    at(
        "/housing_inspection/relations",
        "Взаимоотношения между членами семьи во время обследования:",
    ),
    at(
        "/housing_inspection/attitude_to_child",
        "Члены семьи во время обследования по отношению к ребенку/детям:",
    ),
    at(
        "/housing_inspection/attitude_to_specialist",
        "Обследуемый по отношению к специалисту (-ам):",
    ),
    at(P_ORG, "Наименование учреждения:"),
    at(
        P_INSPECTORS,
        "Фамилия, имя, отчество (последнее – при наличии), должность специалиста",
    ),
    at(P_INSPECTORS, SIGNED_SPECIALIST),
    at(P_DATE, "Дата обследования:"),
    at(
        P_SUBJECT,
        "Фамилия, имя, отчество (последнее – при наличии) обследуемого:",
    ),
    at(P_SUBJECT, SIGNED_SUBJECT),
    at(P_SUBJECT_BIRTH, "Дата рождения:"),
    at(P_SUBJECT_PHONE, "№ телефона:"),
    at(P_SUBJECT_EDUCATION, "Образование:"),
    at(P_ADDRESS_ACTUAL, "Адрес фактического проживания:"),
    at(P_ADDRESS_REGISTERED, "Адрес регистрации:"),
    at(P_SUBJECT_WORKPLACE, "Место работы/должность /режим работы:"),
    at(P_GROUNDS, "Основания для обследования"),
    at(
        P_RESIDENT_NAME,
        "Фамилия, имя, отчество (последнее – при наличии) полностью/год рождения",
    ),
    at(
        P_RESIDENT_STATUS,
        "Статус проживающих по отношению к несовершеннолетнему",
    ),
    at(
        P_RESIDENT_OCCUPATION,
        "Место учебы/работы/ должность/режим работы",
    ),
    at(MARITAL[0], "Семейное положение законного представителя"),
    at(
        P_SOCIAL,
        "Состоит/не состоит семья на учете в органах соцзащиты:",
    ),
    at(P_SOCIAL_SINCE, "Если да, то с какого года"),
    at(P_INCOME_RECIPIENT, "Кто получает (члены семьи)"),
    at(P_INCOME_AMOUNT, "Размер"),
    at(
        BENEFITS_NEEDED[0],
        "Какие льготы/ пособия /выплаты необходимо оформить:",
    ),
    at(FOR_WHOM[0], "Кому из членов семьи:"),
    at(WHICH[0], "Какие:"),
    at(P_MONTHLY, "Среднемесячный доход семьи составляет:"),
    at(P_PER_CAPITA, "Среднедушевой доход составляет:"),
    at(
        P_DEBTS,
        "По каким обязательствам у семьи есть задолженность",
    ),
    at(
        P_DOCUMENTS,
        "Требуется ли семье помощь в получении/восстановлении документов?",
    ),
    at(P_AREA, "Жилая площадь, составляет"),
    at(P_ROOMS, "кв.м., состоит из"),
    at(P_FUEL, "Потребность в топливе (да/нет)"),
    at(P_SEWERAGE, "Канализация (да/нет)"),
    at(P_OWNER, "Собственником жилья является"),
    at(P_ANSWER, "Да/нет/ неприменимо"),
    at(P_ANSWER_NOTE, "Если"),
    at(P_RELATIONS_NOTES[0], "Примечания:"),
    at(P_CHILD_NOTES[0], "Примечания:"),
    at(P_SPECIALIST_NOTES[0], "Примечания:"),
    at(
        P_PROBLEMS,
        "Какие проблемы/причины проблем обозначает семья",
    ),
    at(P_MEASURES, "Какие меры необходимо принимать"),
    at(
        P_ADDITIONAL,
        "Дополнительная информация об особенностях семьи",
    ),
];

const P_ORG: &str = "/housing_inspection/organization";
const P_INSPECTORS: &str = "/housing_inspection/inspectors";
const P_DATE: &str = "/housing_inspection/date";
const P_SUBJECT: &str = "/housing_inspection/subject";
const P_SUBJECT_BIRTH: &str = "/housing_inspection/subject_birth_date";
const P_SUBJECT_PHONE: &str = "/housing_inspection/subject_phone";
const P_SUBJECT_EDUCATION: &str = "/housing_inspection/subject_education";
const P_SUBJECT_WORKPLACE: &str = "/housing_inspection/subject_workplace";
const P_ADDRESS_ACTUAL: &str = "/family/address_actual";
const P_ADDRESS_REGISTERED: &str = "/family/address_registered";
const P_GROUNDS: &str = "/housing_inspection/grounds";
const P_RESIDENT_NAME: &str = "/housing_inspection/residents/*/name";
const P_RESIDENT_STATUS: &str = "/housing_inspection/residents/*/status";
const P_RESIDENT_OCCUPATION: &str = "/housing_inspection/residents/*/occupation";
const MARITAL: &[&str] = &["/housing_inspection/marital_status"];
const P_SOCIAL: &str = "/housing_inspection/social_registration";
const P_SOCIAL_SINCE: &str = "/housing_inspection/social_registration_since";
const P_INCOME_RECIPIENT: &str = "/housing_inspection/incomes/*/recipient";
const P_INCOME_AMOUNT: &str = "/housing_inspection/incomes/*/amount";
const P_MONTHLY: &str = "/housing_inspection/monthly_income";
const P_PER_CAPITA: &str = "/housing_inspection/per_capita_income";
const P_DEBTS: &str = "/housing_inspection/debts";
const P_DOCUMENTS: &str = "/housing_inspection/documents_help";
const P_AREA: &str = "/housing_inspection/living_area";
const P_ROOMS: &str = "/housing_inspection/rooms";
const P_FUEL: &str = "/housing_inspection/fuel_needed";
const P_SEWERAGE: &str = "/housing_inspection/sewerage";
const P_OWNER: &str = "/housing_inspection/owner";
const P_ANSWER: &str = "/housing_inspection/answers/*/answer";
const P_ANSWER_NOTE: &str = "/housing_inspection/answers/*/note";
const P_RELATIONS_NOTES: &[&str] = &["/housing_inspection/relations_notes"];
const P_CHILD_NOTES: &[&str] = &["/housing_inspection/attitude_to_child_notes"];
const P_SPECIALIST_NOTES: &[&str] = &["/housing_inspection/attitude_to_specialist_notes"];
const P_PROBLEMS: &str = "/housing_inspection/family_problems";
const P_MEASURES: &str = "/housing_inspection/measures_needed";
const P_ADDITIONAL: &str = "/housing_inspection/additional_info";
const BENEFITS_NEEDED: &[&str] = &["/housing_inspection/benefits_needed"];
const FOR_WHOM: &[&str] = &["/housing_inspection/benefits_to_arrange/*/for_whom"];
const WHICH: &[&str] = &["/housing_inspection/benefits_to_arrange/*/which"];
