//! Which model field each value of the card holds (`Text::at`), named once for the builder
//! and for the form's field map (`crate::forms::fields`).

use crate::doc::Fields;
use crate::forms::fields::{Place, at};

// The fields each value holds (`Text::at`), named once for the builder and the map.
pub(super) const CURATOR: Fields = &[
    "/case_opening/curator/name",
    "/case_opening/curator/position",
];
pub(super) const CURATOR_ORGANIZATION: Fields = &["/case_opening/curator/organization"];
pub(super) const ORGANIZATION: Fields = &["/support_card/organization"];
pub(super) const ORGANIZATION_BOTH: Fields = &[
    "/support_card/organization",
    "/case_opening/curator/organization",
];
pub(super) const DIRECTOR: Fields = &["/support_card/director"];
pub(super) const COMPILED_DATE: Fields = &["/support_card/compiled_date"];
pub(super) const APPROVED_BY: Fields = &["/support_card/approved_by"];
pub(super) const APPROVED_DATE: Fields = &["/support_card/approved_date"];
pub(super) const REPRESENTATIVE_NAME: Fields = &["/family/legal_representatives/*/name"];
pub(super) const ADDRESS: Fields = &["/family/address_actual"];
pub(super) const CURATOR_CHANGE: Fields = &["/support_card/curator_change"];
pub(super) const ASSESSMENT_ORGANIZATION: Fields = &["/support_card/assessment_organization"];
pub(super) const ASSESSOR: Fields = &["/support_card/assessor"];
pub(super) const ASSESSMENT_STARTED: Fields = &["/support_card/assessment_started"];
pub(super) const PRIMARY_ASSESSOR: Fields = &["/support_card/primary_assessor"];
pub(super) const PHONES: Fields = &["/family/phones/*/number", "/family/phones/*/owner"];
pub(super) const HOUSING_ACT_DATE: Fields = &["/support_card/housing_act_date"];
pub(super) const REPORTER: Fields = &["/support_card/reporter"];
pub(super) const REPORTED_REASONS: Fields = &["/support_card/reported_reasons"];
pub(super) const CHILD_VIEW: Fields = &["/support_card/child_view"];
pub(super) const PARENTS_VIEW: Fields = &["/support_card/parents_view"];
pub(super) const TIE_MEMBER: Fields = &["/support_card/resource_map/*/member"];
pub(super) const TIE_PERSON: Fields = &["/support_card/resource_map/*/person"];
pub(super) const TIE_CODES: Fields = &["/support_card/resource_map/*/codes"];
pub(super) const EDUCATION_CHILD: Fields = &["/support_card/education/*/child"];
pub(super) const EDUCATION_INSTITUTION: Fields = &["/support_card/education/*/institution"];
pub(super) const EDUCATION_CONTACT: Fields = &["/support_card/education/*/contact"];
pub(super) const EDUCATION_NOTES: Fields = &["/support_card/education/*/notes"];
pub(super) const EVENT_CHILD: Fields = &["/support_card/life_events/*/child"];
pub(super) const EVENT_DESCRIPTION: Fields = &["/support_card/life_events/*/description"];
pub(super) const EVENT_AGE: Fields = &["/support_card/life_events/*/age"];
pub(super) const EVENT_NOTES: Fields = &["/support_card/life_events/*/notes"];
pub(super) const ANSWER: Fields = &["/support_card/answers/*/answer"];
pub(super) const ANSWER_NOTE: Fields = &["/support_card/answers/*/note"];
pub(super) const STRENGTHS: Fields = &["/support_card/domains/*/strengths"];
pub(super) const WEAKNESSES: Fields = &["/support_card/domains/*/weaknesses"];
pub(super) const CONSILIUM_NUMBER: Fields = &["/consilium/*/number"];
pub(super) const CONSILIUM_DATE: Fields = &["/consilium/*/date"];
pub(super) const CONSILIUM_TEXT: Fields = &["/consilium/*/text"];
pub(super) const CLOSURE_REASON: Fields = &["/closure/reason"];
pub(super) const CONTROL_ACT_DATE: Fields = &["/support_card/results/control_act_date"];
pub(super) const RESULTS_FROM: Fields = &["/support_card/results/from"];
pub(super) const RESULTS_TO: Fields = &["/support_card/results/to"];
pub(super) const DYNAMICS: Fields = &[
    "/support_card/results/dynamics/*/level_start",
    "/support_card/results/dynamics/*/level_end",
    "/support_card/results/dynamics/*/description",
];
pub(super) const CONTACT_DATE: Fields = &["/support_card/contact_log/*/date"];
pub(super) const CONTACT_KIND: Fields = &["/support_card/contact_log/*/kind"];
pub(super) const CONTACT_PARTICIPANTS: Fields = &["/support_card/contact_log/*/participants"];
pub(super) const CONTACT_INITIATOR: Fields = &["/support_card/contact_log/*/initiator"];
pub(super) const CONTACT_PERSON: Fields = &["/support_card/contact_log/*/contact_person"];
pub(super) const CONTACT_ISSUES: Fields = &["/support_card/contact_log/*/issues"];
pub(super) const CONTACT_RESULT: Fields = &["/support_card/contact_log/*/result"];
pub(super) const CURATOR_LOG_DATE: Fields = &["/support_card/curator_log/*/date"];
pub(super) const CURATOR_LOG_FORM: Fields = &["/support_card/curator_log/*/form"];
pub(super) const CURATOR_LOG_PERSON: Fields = &["/support_card/curator_log/*/person"];
pub(super) const CURATOR_LOG_ISSUES: Fields = &["/support_card/curator_log/*/issues"];
pub(super) const CURATOR_LOG_RESULT: Fields = &["/support_card/curator_log/*/result"];

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

const PLAN_PLACES: &[Place] = crate::forms::plans::INDIVIDUAL_PLAN_FIELDS;

const ALL_PLACES: [Place; CARD_PLACES.len() + PLAN_PLACES.len()] =
    crate::forms::fields::joined(CARD_PLACES, PLAN_PLACES);

/// The field map of this form (`super::fields`).
pub(crate) static SUPPORT_CARD_FIELDS: &[Place] = &ALL_PLACES;
