//! «АКТ обследования жилищно-бытовых условий семьи».

use super::fields::{Place, at};
use super::*;
use crate::model::{Amount, YesNo, fold};
use crate::render::doc::{Block, Cell, Check, Col, Document, Text};

fn yes_no(a: Option<YesNo>) -> Option<String> {
    a.map(|a| a.label().to_string())
}

fn money(a: Option<Amount>) -> Option<String> {
    a.map(|a| format!("{}\u{a0}руб.", a.ru()))
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

pub fn housing_inspection(case: &Case) -> Vec<Document> {
    let Some(h) = &case.housing_inspection else {
        return vec![];
    };
    let cat = catalog();
    let mut blocks = vec![
        Block::title(&["АКТ", "обследования жилищно-бытовых условий семьи"]),
        Block::fields(vec![
            ("Наименование учреждения:", v(&h.organization)),
            (
                "Фамилия, имя, отчество (последнее – при наличии), должность специалиста (-ов), проводивших обследование:",
                v(&h.inspectors),
            ),
            ("Дата обследования:", vd(h.date)),
        ]),
        Block::heading("1.Сведения о семье"),
        Block::fields(vec![
            (
                "Фамилия, имя, отчество (последнее – при наличии) обследуемого:",
                Text::value(h.subject.as_ref().and_then(name)),
            ),
            ("Дата рождения:", vd(h.subject_birth_date)),
            ("№ телефона:", v(&h.subject_phone)),
            ("Образование:", v(&h.subject_education)),
            (
                "Адрес фактического проживания:",
                v(&case.family.address_actual),
            ),
            ("Адрес регистрации:", v(&case.family.address_registered)),
            (
                "Место работы/должность /режим работы:",
                v(&h.subject_workplace),
            ),
            ("Основания для обследования", v(&h.grounds)),
        ]),
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
                Cell::value(Some(r.name.clone())),
                Cell::value(r.status.clone()),
                Cell::value(r.occupation.clone()),
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
        list_checks(
            "marital_status",
            &h.marital_status.iter().cloned().collect::<Vec<_>>(),
        ),
        true,
    ));
    blocks.push(Block::fields(vec![
        (
            "Состоит/не состоит семья на учете в органах соцзащиты:",
            Text::value(yes_no(h.social_registration)),
        ),
        ("Если да, то с какого года", v(&h.social_registration_since)),
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
                Cell::value(i.recipient.clone()),
                Cell::value(money(i.amount)),
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
        ("Среднемесячный доход семьи составляет:", Text::value(money(h.monthly_income))),
        ("Среднедушевой доход составляет:", Text::value(money(h.per_capita_income))),
        (
            "По каким обязательствам у семьи есть задолженность (кредиты, ипотека, долг ЖКХ, алименты, др.):",
            v(&h.debts),
        ),
        (
            "Требуется ли семье помощь в получении/восстановлении документов? (если да, то каких именно)",
            v(&h.documents_help),
        ),
    ]));
    blocks.push(Block::heading("3.Условия проживания (подчеркнуть):"));
    blocks.push(Block::para(vec![
        Text::label("Жилая площадь, составляет"),
        Text::value(h.living_area.map(Amount::ru)),
        Text::label("кв.м., состоит из"),
        Text::value(h.rooms.map(|r| r.to_string())),
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
        Text::value(yes_no(h.fuel_needed)),
    ]));
    blocks.push(Block::para(vec![
        Text::label("Канализация (да/нет)"),
        Text::value(yes_no(h.sewerage)),
    ]));
    blocks.push(Block::checks(
        None,
        list_checks("bathing", &h.bathing),
        true,
    ));
    blocks.push(Block::checks(None, list_checks("stove", &h.stove), true));
    blocks.push(Block::fields(vec![(
        "Собственником жилья является",
        v(&h.owner),
    )]));
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
        note.push(Text::value(a.and_then(|a| a.note.clone())));
        rows.push(vec![
            Cell::label(q.text.clone()),
            Cell::value(a.and_then(|a| a.answer).map(|x| x.label())).center(),
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
    for (label, list, chosen, notes) in [
        (
            "Взаимоотношения между членами семьи во время обследования:",
            "relations",
            &h.relations,
            &h.relations_notes,
        ),
        (
            "Члены семьи во время обследования по отношению к ребенку/детям:",
            "attitude_to_child",
            &h.attitude_to_child,
            &h.attitude_to_child_notes,
        ),
        (
            "Обследуемый по отношению к специалисту (-ам):",
            "attitude_to_specialist",
            &h.attitude_to_specialist,
            &h.attitude_to_specialist_notes,
        ),
    ] {
        blocks.push(Block::checks(Some(label), list_checks(list, chosen), true));
        blocks.push(Block::para(vec![Text::label("Примечания:"), v(notes)]));
    }
    blocks.push(Block::fields(vec![
        ("Какие проблемы/причины проблем обозначает семья во время посещения (перечислить):", v(&h.family_problems)),
        (
            "Какие меры необходимо принимать, с точки зрения специалиста, для улучшения положения семьи/детей:",
            v(&h.measures_needed),
        ),
        (
            "Дополнительная информация об особенностях семьи, факторах, влияющих на отношения в семье (особенности отношений между членами семьи, особенности здоровья, социальный статус, др.):",
            v(&h.additional_info),
        ),
    ]));
    blocks.push(Block::label("С актом ознакомлен:"));
    blocks.push(Block::Signature {
        role: Text::label("Фамилия, имя, отчество (последнее – при наличии) обследуемого"),
        name: Text::value(h.subject.as_ref().and_then(name)),
        caption: Some("подпись".into()),
    });
    blocks.push(Block::Signature {
        role: Text::label("Фамилия, имя, отчество (последнее – при наличии) специалиста"),
        name: v(&h.inspectors),
        caption: Some("подпись".into()),
    });
    vec![doc(
        "housing_inspection",
        "Акт обследования жилищно-бытовых условий семьи",
        h.date,
        blocks,
    )]
}

/// The field map of this form (`super::fields`).
pub(super) static HOUSING_FIELDS: &[Place] = &[
    at(
        BENEFITS_NEEDED[0],
        "Какие льготы/ пособия /выплаты необходимо оформить:",
    ),
    at(FOR_WHOM[0], "Кому из членов семьи:"),
    at(WHICH[0], "Какие:"),
];

const BENEFITS_NEEDED: &[&str] = &["/housing_inspection/benefits_needed"];
const FOR_WHOM: &[&str] = &["/housing_inspection/benefits_to_arrange/*/for_whom"];
const WHICH: &[&str] = &["/housing_inspection/benefits_to_arrange/*/which"];
