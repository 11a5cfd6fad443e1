//! The spreadsheet layouts — the case workbook and the register — as data. One description
//! serves the blank workbooks (`workbooks`), the reader, the README's layout section
//! and the Russian names of fields in messages, so the four can never disagree.
//!
//! A sheet has field rows (label in column A, value in column B; a "multi" sheet has one
//! report per column B, C, …) and then tables (an optional title row, a header row, data rows).
//! The reader finds labels and headers by text, tolerantly, so rows inserted or moved by
//! another program do not break it.

/// How a cell's text becomes a value of the case model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A calendar date (a date cell, `ДД.ММ.ГГГГ` or ISO).
    Date,
    /// A whole number.
    Int,
    /// An amount (`12 500,50`).
    Number,
    /// One option of a catalog list (a dropdown in the template).
    Opt(&'static str),
    /// Several options of a catalog list, separated by `;` or line breaks.
    Multi(&'static str),
    /// References such as `2.7; 3.6`, separated by `;`, `,`, spaces or line breaks.
    Refs,
    /// A row number (from 1) in another table; stored from 0.
    Index1,
    /// «да»/«нет» stored as true/false.
    Bool,
    /// Shown for the reader's convenience (indicator texts), never read back.
    Display,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub label: &'static str,
    /// JSON pointer in the case model; for table columns and multi sheets, relative to the row.
    pub path: &'static str,
    pub kind: Kind,
    /// Pre-filled by the template (indicator numbers): a row with only key cells is empty.
    pub key: bool,
}

const fn f(label: &'static str, path: &'static str, kind: Kind) -> Field {
    Field {
        label,
        path,
        kind,
        key: false,
    }
}
/// A key column: what the template pre-fills (an indicator's number).
const fn k(label: &'static str, path: &'static str, kind: Kind) -> Field {
    Field {
        key: true,
        ..f(label, path, kind)
    }
}
const fn t(label: &'static str, path: &'static str) -> Field {
    f(label, path, Kind::Text)
}
const fn d(label: &'static str, path: &'static str) -> Field {
    f(label, path, Kind::Date)
}

/// What the template writes into a table's rows in advance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefill {
    None,
    ChildIndicators,
    FamilyFactors,
    HousingQuestions,
    DomainQuestions,
    Domains,
}

#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub prefill: Prefill,
    /// Blank rows the template leaves for tables that are not pre-filled.
    pub blank_rows: u32,
    pub title: &'static str,
    /// Array pointer; `{}` is replaced by the row's group (the `Index1` key column).
    pub path: &'static str,
    pub columns: &'static [Field],
}

#[derive(Debug, Clone, Copy)]
pub struct Sheet {
    pub name: &'static str,
    /// What the sheet holds, one line for the instruction sheet and the README.
    pub about: &'static str,
    /// For multi sheets: the array pointer, one element per value column.
    pub multi: Option<&'static str>,
    pub fields: &'static [Field],
    pub tables: &'static [Table],
}

use Kind::*;

/// A risk level: низкий, средний, высокий, угроза.
const LEVEL: Kind = Opt("risk_level");

pub const INSTRUCTION_SHEET: &str = "Инструкция";
pub const LISTS_SHEET: &str = "Списки";

/// The notification's sender: the same columns in the case workbook and the register.
const SENDER: [Field; 5] = [
    t(
        "Наименование органа (учреждения) системы профилактики, передающего информацию",
        "/notification/agency",
    ),
    f(
        "Вид органа системы профилактики",
        "/notification/agency_kind",
        Opt("agency_kind"),
    ),
    t(
        "Специалист, ответственный за передачу информации: ФИО",
        "/notification/responsible/name",
    ),
    t(
        "Специалист, ответственный за передачу информации: должность",
        "/notification/responsible/position",
    ),
    t(
        "Специалист, ответственный за передачу информации: телефон",
        "/notification/responsible/phone",
    ),
];

/// The signal check and the primary assessment, in both layouts.
const PRIMARY_ASSESSMENT: [Field; 5] = [
    f(
        "Проверка сигнала о фактах неблагополучия",
        "/notification/signal_check",
        Opt("signal_check"),
    ),
    f(
        "Первичная оценка",
        "/notification/primary_assessment",
        Opt("primary_assessment"),
    ),
    t(
        "Специалист, проводивший первичную оценку: ФИО",
        "/notification/primary_assessor/name",
    ),
    t(
        "Специалист, проводивший первичную оценку: должность",
        "/notification/primary_assessor/position",
    ),
    t(
        "Специалист, проводивший первичную оценку: телефон",
        "/notification/primary_assessor/phone",
    ),
];

/// The notification's last fields, in both layouts.
const CLOSING: [Field; 2] = [
    f(
        "Приложения к извещению",
        "/notification/attachments",
        Multi("notification_attachment"),
    ),
    t(
        "Руководитель субъекта системы профилактики",
        "/notification/head",
    ),
];

/// An assessment sheet (the child's, App. 3; the family's, App. 4) under the pointer `$base`:
/// its own fields first, then the agency, the specialist who assessed and the date; then the
/// marks, whose `$keys` columns the template pre-fills, with «+»/«-» and the reason.
macro_rules! assessment {
    ($name:literal, $about:literal, $base:literal, [$($own:expr),* $(,)?], $prefill:expr,
     [$($keys:expr),* $(,)?]) => {
        Sheet {
            name: $name,
            about: $about,
            multi: None,
            fields: &[
                $($own,)*
                t(
                    "Наименование органа (учреждения) системы профилактики",
                    concat!($base, "/agency"),
                ),
                t("Специалист, проводивший оценку: ФИО", concat!($base, "/assessor/name")),
                t("Специалист, проводивший оценку: должность", concat!($base, "/assessor/position")),
                t("Специалист, проводивший оценку: телефон", concat!($base, "/assessor/phone")),
                t("Специалист, проводивший оценку: организация", concat!($base, "/assessor/organization")),
                d("Дата заполнения", concat!($base, "/date")),
            ],
            tables: &[Table {
                title: "",
                path: concat!($base, "/marks"),
                columns: &[
                    $($keys,)*
                    f("Наличие (+/-)", "/present", Opt("presence")),
                    t("Причина/примечание", "/reason"),
                ],
                prefill: $prefill,
                blank_rows: 0,
            }],
        }
    };
}

/// A table of questions the template pre-fills (housing safety, the support card's domains):
/// the keys, the question's text, the «да»/«нет» answer and a note, under `$answer` and
/// `$note`.
macro_rules! questions {
    ($title:literal, $path:literal, [$($keys:expr),* $(,)?], ($answer:literal, $note:literal),
     $prefill:expr) => {
        Table {
            title: $title,
            path: $path,
            columns: &[
                $($keys,)*
                f("Вопрос", "", Display),
                f($answer, "/answer", Opt("yes_no")),
                t($note, "/note"),
            ],
            prefill: $prefill,
            blank_rows: 0,
        }
    };
}

/// Field lists joined at compile time, so a group of fields is written once for both
/// layouts; a wrong `N` is a compile error.
const fn join<const N: usize>(parts: &[&[Field]]) -> [Field; N] {
    let mut out = [f("", "", Display); N];
    let (mut n, mut p) = (0, 0);
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[n] = parts[p][i];
            n += 1;
            i += 1;
        }
        p += 1;
    }
    assert!(n == N, "join: N is not the number of fields");
    out
}

pub static CASE_WORKBOOK: &[Sheet] = &[
    Sheet {
        name: "Семья",
        about: "номер случая, адреса, тип семьи, законные представители, дети, телефоны",
        multi: None,
        fields: &[
            t("Номер случая", "/case_id"),
            f("Территория", "/territory", Opt("territory")),
            t("Адрес фактического проживания", "/family/address_actual"),
            t("Адрес регистрации", "/family/address_registered"),
            f("Тип семьи", "/family/family_types", Multi("family_type")),
            d("Дата закрытия случая", "/closure/date"),
            t("Причина закрытия случая", "/closure/reason"),
        ],
        tables: &[
            Table {
                title: "Законные представители",
                path: "/family/legal_representatives",
                columns: &[
                    t("ФИО законного представителя", "/name"),
                    f(
                        "Кем приходится ребенку",
                        "/role",
                        Opt("representative_role"),
                    ),
                    d("Дата рождения", "/birth_date"),
                    t("Телефон", "/phone"),
                    t("Место работы/должность", "/workplace"),
                ],
                prefill: Prefill::None,
                blank_rows: 4,
            },
            Table {
                title: "Дети",
                path: "/family/children",
                columns: &[
                    t("ФИО ребенка", "/name"),
                    d("Дата рождения", "/birth_date"),
                    f("Пол", "/sex", Opt("sex")),
                    t(
                        "Место обучения/работы ребенка: наименование учреждения (класс)",
                        "/school",
                    ),
                    t("Адрес учреждения", "/school_address"),
                    t("Телефон учреждения", "/school_phone"),
                    t("Примечания", "/school_notes"),
                ],
                prefill: Prefill::None,
                blank_rows: 5,
            },
            Table {
                title: "Контактные телефоны",
                path: "/family/phones",
                columns: &[
                    t("Контактный телефон", "/number"),
                    t("Кому принадлежит", "/owner"),
                ],
                prefill: Prefill::None,
                blank_rows: 4,
            },
        ],
    },
    Sheet {
        name: "Извещение",
        about: "извещение об обнаружении факторов риска (Прил. 2) и сведения журнала учета (Прил. 1)",
        multi: None,
        fields: &join::<20>(&[
            &SENDER,
            &[
                t(
                    "Специалист, ответственный за передачу информации: организация",
                    "/notification/responsible/organization",
                ),
                d(
                    "Дата поступления сведений (выявления)",
                    "/notification/detection_date",
                ),
                t(
                    "Источник поступления сведений",
                    "/notification/detection_source",
                ),
                d("Дата передачи информации", "/notification/date_sent"),
                d(
                    "Дата поступления в «Единое окно»",
                    "/notification/date_received",
                ),
                f(
                    "Ребенок (№ строки в таблице «Дети» листа «Семья»)",
                    "/notification/child",
                    Index1,
                ),
                t(
                    "Основания для извещения/оценки (факты неблагополучия)",
                    "/notification/grounds",
                ),
            ],
            &PRIMARY_ASSESSMENT,
            &[t(
                "Специалист, проводивший первичную оценку: организация",
                "/notification/primary_assessor/organization",
            )],
            &CLOSING,
        ]),
        tables: &[],
    },
    assessment!(
        "Оценка ребенка",
        "оценка показателей неблагополучия ребенка (Прил. 3): 7 критериев, «+»/«-» и причина",
        "/child_assessment",
        [
            f(
                "Ребенок (№ строки в таблице «Дети» листа «Семья»)",
                "/child_assessment/child",
                Index1,
            ),
            t("Класс/группа", "/child_assessment/class_group"),
        ],
        Prefill::ChildIndicators,
        [
            k("№ критерия", "/criterion", Int),
            f("Критерии", "", Display),
            k("№ показателя", "/indicator", Int),
            f("Показатели неблагополучия ребенка", "", Display),
        ]
    ),
    assessment!(
        "Оценка семьи",
        "оценка факторов риска семейного неблагополучия (перечень факторов — templates/catalog/family_factors.toml)",
        "/family_assessment",
        [],
        Prefill::FamilyFactors,
        [
            k("№ фактора", "/factor", Text),
            f("Факторы риска семейного неблагополучия", "", Display),
        ]
    ),
    Sheet {
        name: "Акт ЖБУ",
        about: "акт обследования жилищно-бытовых условий семьи",
        multi: None,
        fields: &[
            t(
                "Наименование учреждения",
                "/housing_inspection/organization",
            ),
            t(
                "Специалисты, проводившие обследование: ФИО, должность",
                "/housing_inspection/inspectors",
            ),
            d("Дата обследования", "/housing_inspection/date"),
            t("Обследуемый: ФИО", "/housing_inspection/subject"),
            d(
                "Обследуемый: дата рождения",
                "/housing_inspection/subject_birth_date",
            ),
            t(
                "Обследуемый: № телефона",
                "/housing_inspection/subject_phone",
            ),
            t(
                "Обследуемый: образование",
                "/housing_inspection/subject_education",
            ),
            t(
                "Обследуемый: место работы/должность/режим работы",
                "/housing_inspection/subject_workplace",
            ),
            t("Основания для обследования", "/housing_inspection/grounds"),
            f(
                "Семейное положение законного представителя",
                "/housing_inspection/marital_status",
                Opt("housing.marital_status"),
            ),
            f(
                "Состоит ли семья на учете в органах соцзащиты",
                "/housing_inspection/social_registration",
                Opt("yes_no"),
            ),
            t(
                "Если да, то с какого года",
                "/housing_inspection/social_registration_since",
            ),
            f(
                "Какие льготы/пособия/выплаты необходимо оформить",
                "/housing_inspection/benefits_needed",
                Opt("yes_no"),
            ),
            f(
                "Среднемесячный доход семьи, руб.",
                "/housing_inspection/monthly_income",
                Number,
            ),
            f(
                "Число членов семьи, ведущих совместное хозяйство",
                "/housing_inspection/household_members",
                Int,
            ),
            f(
                "Среднедушевой доход, руб.",
                "/housing_inspection/per_capita_income",
                Number,
            ),
            t(
                "Задолженность (кредиты, ипотека, долг ЖКХ, алименты, др.)",
                "/housing_inspection/debts",
            ),
            t(
                "Требуется ли помощь в получении/восстановлении документов",
                "/housing_inspection/documents_help",
            ),
            f(
                "Жилая площадь, кв.м",
                "/housing_inspection/living_area",
                Number,
            ),
            f("Количество комнат", "/housing_inspection/rooms", Int),
            f(
                "Собственность / найм",
                "/housing_inspection/ownership",
                Opt("housing.ownership"),
            ),
            f(
                "Тип жилья",
                "/housing_inspection/dwelling",
                Opt("housing.dwelling"),
            ),
            f(
                "Доступ к жилью",
                "/housing_inspection/access",
                Multi("housing.access"),
            ),
            f(
                "Отопление",
                "/housing_inspection/heating",
                Multi("housing.heating"),
            ),
            f(
                "Водоснабжение",
                "/housing_inspection/water",
                Multi("housing.water"),
            ),
            f(
                "Потребность в топливе",
                "/housing_inspection/fuel_needed",
                Opt("yes_no"),
            ),
            f("Канализация", "/housing_inspection/sewerage", Opt("yes_no")),
            f(
                "Ванна / душ / баня",
                "/housing_inspection/bathing",
                Multi("housing.bathing"),
            ),
            f("Плита", "/housing_inspection/stove", Multi("housing.stove")),
            t("Собственник жилья", "/housing_inspection/owner"),
            f(
                "Взаимоотношения между членами семьи во время обследования",
                "/housing_inspection/relations",
                Multi("housing.relations"),
            ),
            t(
                "Взаимоотношения: примечания",
                "/housing_inspection/relations_notes",
            ),
            f(
                "Члены семьи по отношению к ребенку/детям",
                "/housing_inspection/attitude_to_child",
                Multi("housing.attitude_to_child"),
            ),
            t(
                "По отношению к ребенку: примечания",
                "/housing_inspection/attitude_to_child_notes",
            ),
            f(
                "Обследуемый по отношению к специалисту (-ам)",
                "/housing_inspection/attitude_to_specialist",
                Multi("housing.attitude_to_specialist"),
            ),
            t(
                "По отношению к специалисту: примечания",
                "/housing_inspection/attitude_to_specialist_notes",
            ),
            t(
                "Какие проблемы/причины проблем обозначает семья",
                "/housing_inspection/family_problems",
            ),
            t(
                "Какие меры необходимо принимать для улучшения положения семьи/детей",
                "/housing_inspection/measures_needed",
            ),
            t(
                "Дополнительная информация об особенностях семьи",
                "/housing_inspection/additional_info",
            ),
        ],
        tables: &[
            Table {
                title: "Состав проживающих",
                path: "/housing_inspection/residents",
                columns: &[
                    t("ФИО проживающего/год рождения", "/name"),
                    t("Статус по отношению к несовершеннолетнему", "/status"),
                    t("Место учебы/работы/должность/режим работы", "/occupation"),
                    t(
                        "Родство и хозяйство (совместное/раздельное/не родственник)",
                        "/group",
                    ),
                ],
                prefill: Prefill::None,
                blank_rows: 6,
            },
            Table {
                title: "Структура доходов семьи",
                path: "/housing_inspection/incomes",
                columns: &[
                    t("Вид дохода", "/kind"),
                    t("Кто получает (члены семьи)", "/recipient"),
                    f("Размер, руб.", "/amount", Number),
                ],
                prefill: Prefill::None,
                blank_rows: 5,
            },
            Table {
                title: "Льготы/пособия/выплаты, которые необходимо оформить",
                path: "/housing_inspection/benefits_to_arrange",
                // Not the old single field's label «Кому из членов семьи»: a workbook of the
                // old layout must not open this table at that row.
                columns: &[
                    t("Кому из членов семьи (ФИО, кем приходится)", "/for_whom"),
                    t("Какие льготы/пособия/выплаты", "/which"),
                ],
                prefill: Prefill::None,
                blank_rows: 5,
            },
            questions!(
                "Безопасность жилья",
                "/housing_inspection/answers",
                [k("№ вопроса", "/question", Text)],
                ("Да/нет", "Пояснение"),
                Prefill::HousingQuestions
            ),
        ],
    },
    Sheet {
        name: "Заключение",
        about: "заключение «Единого окна» об уровне риска, открытие случая и куратор",
        multi: None,
        fields: &[
            t(
                "Наименование органа (учреждения) системы профилактики, направившего информацию",
                "/conclusion/agency",
            ),
            d("Дата заполнения", "/conclusion/date"),
            f(
                "Уровень дисфункции семьи (уровень риска)",
                "/conclusion/risk_level",
                LEVEL,
            ),
            f(
                "Показатели неблагополучия ребенка (№ критерия.№ показателя)",
                "/conclusion/basis_indicators",
                Refs,
            ),
            f(
                "Факторы риска семейного неблагополучия (№ раздела.№ фактора)",
                "/conclusion/basis_factors",
                Refs,
            ),
            t("Специалист ЕО, аппарата КДНиЗП", "/conclusion/officer"),
            t(
                "Орган (учреждение), ответственный за работу с семьей",
                "/conclusion/responsible_body",
            ),
            f(
                "Вид ответственного органа",
                "/conclusion/responsible_body_kind",
                Opt("agency_kind"),
            ),
            f(
                "Привлеченные органы (ООиП, ПДН)",
                "/conclusion/involved_agencies",
                Multi("agency_kind"),
            ),
            f(
                "Согласие семьи на план ведомственных мероприятий",
                "/conclusion/family_consent",
                Opt("yes_no"),
            ),
            t(
                "Решение об открытии случая: №",
                "/case_opening/decision_number",
            ),
            d("Решение об открытии случая: дата", "/case_opening/date"),
            t("Куратор случая: ФИО", "/case_opening/curator/name"),
            t(
                "Куратор случая: должность",
                "/case_opening/curator/position",
            ),
            t("Куратор случая: телефон", "/case_opening/curator/phone"),
            t(
                "Куратор случая: организация",
                "/case_opening/curator/organization",
            ),
        ],
        tables: &[],
    },
    Sheet {
        name: "План ведомственный",
        about: "план ведомственных мероприятий (низкий уровень риска, 3 месяца)",
        multi: None,
        fields: &[
            t(
                "Наименование органа (учреждения) системы профилактики",
                "/departmental_plan/agency",
            ),
            f(
                "Вид органа системы профилактики",
                "/departmental_plan/agency_kind",
                Opt("agency_kind"),
            ),
            t(
                "Ответственный специалист: ФИО",
                "/departmental_plan/responsible/name",
            ),
            t(
                "Ответственный специалист: должность",
                "/departmental_plan/responsible/position",
            ),
            t(
                "Ответственный специалист: телефон",
                "/departmental_plan/responsible/phone",
            ),
            t(
                "Ответственный специалист: организация",
                "/departmental_plan/responsible/organization",
            ),
            d("Период планирования: с", "/departmental_plan/from"),
            d("Период планирования: до", "/departmental_plan/to"),
            t("Выявленные проблемы семьи", "/departmental_plan/problems"),
        ],
        tables: &[Table {
            title: "",
            path: "/departmental_plan/rows",
            columns: PLAN_COLUMNS,
            prefill: Prefill::None,
            blank_rows: 8,
        }],
    },
    Sheet {
        name: "ККСС",
        about: "карта комплексного сопровождения семьи: титульный лист, базовая часть (I), сроки частей II–III",
        multi: None,
        fields: &[
            t(
                "Организация куратора (СОСТАВЛЕНА)",
                "/support_card/organization",
            ),
            t("Руководитель организации", "/support_card/director"),
            d("Дата составления", "/support_card/compiled_date"),
            t(
                "КДНиЗП по месту жительства (нахождения) ребенка (УТВЕРЖДЕНА)",
                "/support_card/approved_by",
            ),
            d("Дата утверждения", "/support_card/approved_date"),
            f(
                "Законный представитель (№ строки в таблице листа «Семья»)",
                "/support_card/representative",
                Index1,
            ),
            t("Смена куратора", "/support_card/curator_change"),
            t(
                "Полное название организации, специалист которой проводит комплексную оценку",
                "/support_card/assessment_organization",
            ),
            t(
                "Специалист, заполняющий комплексную оценку: ФИО",
                "/support_card/assessor/name",
            ),
            t(
                "Специалист, заполняющий комплексную оценку: должность",
                "/support_card/assessor/position",
            ),
            t(
                "Специалист, заполняющий комплексную оценку: телефон",
                "/support_card/assessor/phone",
            ),
            t(
                "Специалист, заполняющий комплексную оценку: организация",
                "/support_card/assessor/organization",
            ),
            d(
                "Дата начала проведения комплексной оценки",
                "/support_card/assessment_started",
            ),
            t(
                "Специалист, заполнивший первичную оценку: ФИО",
                "/support_card/primary_assessor/name",
            ),
            t(
                "Специалист, заполнивший первичную оценку: место работы",
                "/support_card/primary_assessor/organization",
            ),
            t(
                "Специалист, заполнивший первичную оценку: должность",
                "/support_card/primary_assessor/position",
            ),
            t(
                "Специалист, заполнивший первичную оценку: телефон",
                "/support_card/primary_assessor/phone",
            ),
            d(
                "Акт обследования жилищно-бытовых условий семьи от",
                "/support_card/housing_act_date",
            ),
            t(
                "Наименование организации/лица, первично сообщившего о неблагополучии",
                "/support_card/reporter",
            ),
            t(
                "Заявляемые причины неблагополучия / кто попал в поле зрения первично",
                "/support_card/reported_reasons",
            ),
            t(
                "Причины неблагополучия с точки зрения ребенка / детей",
                "/support_card/child_view",
            ),
            t(
                "Причины неблагополучия с точки зрения родителей",
                "/support_card/parents_view",
            ),
            d("Дата заполнения частей I–II", "/support_card/completed"),
            d(
                "Контрольный акт обследования ЖБУ от",
                "/support_card/results/control_act_date",
            ),
            d("Динамика за 3 месяца: с", "/support_card/results/from"),
            d("Динамика за 3 месяца: по", "/support_card/results/to"),
        ],
        tables: &[],
    },
    Sheet {
        name: "ККСС Ресурсы",
        about: "карта ресурсного окружения: родственные и социальные связи каждого члена семьи, УОС",
        multi: None,
        fields: &[],
        tables: &[Table {
            title: "",
            path: "/support_card/resource_map",
            columns: &[
                t("Член семьи", "/member"),
                f("Родственник (да/нет)", "/relative", Bool),
                t(
                    "Связь: ФИО, возраст, степень родства, статус, характер отношений, контакты",
                    "/person",
                ),
                t("УОС (И/М/Э, +/-)", "/codes"),
            ],
            prefill: Prefill::None,
            blank_rows: 10,
        }],
    },
    Sheet {
        name: "ККСС Дети",
        about: "образовательные организации детей и значимые события их жизни",
        multi: None,
        fields: &[],
        tables: &[
            Table {
                title: "Образовательная организация, которую посещает ребенок/дети",
                path: "/support_card/education",
                columns: &[
                    t("Фамилия, имя ребенка/год рождения", "/child"),
                    t(
                        "Наименование учреждения (д/сад, школа, класс)",
                        "/institution",
                    ),
                    t("Контактное лицо (ФИО, должность, телефон)", "/contact"),
                    t("Примечания", "/notes"),
                ],
                prefill: Prefill::None,
                blank_rows: 4,
            },
            Table {
                title: "События и обстоятельства жизни",
                path: "/support_card/life_events",
                columns: &[
                    t("Фамилия, имя ребенка", "/child"),
                    t(
                        "Краткое описание значимых событий и обстоятельств жизни ребенка",
                        "/description",
                    ),
                    t("Возраст ребенка на момент событий", "/age"),
                    t("Причина/Примечания", "/notes"),
                ],
                prefill: Prefill::None,
                blank_rows: 6,
            },
        ],
    },
    Sheet {
        name: "ККСС Вопросы",
        about: "вопросы комплексной оценки по разделам: «Да/Нет» и примечания",
        multi: None,
        fields: &[],
        tables: &[questions!(
            "",
            "/support_card/answers",
            [
                k("Раздел комплексной оценки", "/domain", Opt("domain")),
                k("№ вопроса", "/question", Int),
            ],
            ("Да/Нет", "Примечания"),
            Prefill::DomainQuestions
        )],
    },
    Sheet {
        name: "ККСС Оценка",
        about: "сильные и слабые стороны и уровень дисфункции по шести разделам; динамика за 3 месяца",
        multi: None,
        fields: &[],
        tables: &[
            Table {
                title: "Комплексная оценка причин семейного неблагополучия",
                path: "/support_card/domains",
                columns: &[
                    k("Раздел комплексной оценки", "/domain", Opt("domain")),
                    t("Сильные стороны", "/strengths"),
                    t("Слабые стороны", "/weaknesses"),
                    f("Уровень дисфункции", "/level", LEVEL),
                    f("Уровень в сводной таблице", "/summary_level", LEVEL),
                ],
                prefill: Prefill::Domains,
                blank_rows: 0,
            },
            Table {
                title: "Таблица динамики изменений по результатам работы за 3 месяца",
                path: "/support_card/results/dynamics",
                columns: &[
                    k("Раздел (динамика)", "/domain", Opt("domain")),
                    f("Уровень в начале периода", "/level_start", LEVEL),
                    f("Уровень через 3 месяца", "/level_end", LEVEL),
                    t("Краткое описание динамики", "/description"),
                ],
                prefill: Prefill::Domains,
                blank_rows: 0,
            },
        ],
    },
    Sheet {
        name: "ИПР",
        about: "индивидуальный план социального сопровождения (реабилитации) семьи — часть II карты",
        multi: None,
        fields: &[
            d("Период планирования: с", "/support_card/plan/from"),
            d("Период планирования: до", "/support_card/plan/to"),
            t("Куратор семьи: ФИО", "/support_card/plan/curator/name"),
            t(
                "Куратор семьи: должность",
                "/support_card/plan/curator/position",
            ),
            t("Куратор семьи: телефон", "/support_card/plan/curator/phone"),
            t(
                "Куратор семьи: организация",
                "/support_card/plan/curator/organization",
            ),
        ],
        tables: &[Table {
            title: "",
            path: "/support_card/plan/rows",
            columns: IPR_COLUMNS,
            prefill: Prefill::None,
            blank_rows: 12,
        }],
    },
    Sheet {
        name: "Журнал работы",
        about: "часть IV карты: учет контактов специалистов с семьей и учет работы куратора",
        multi: None,
        fields: &[],
        tables: &[
            Table {
                title: "Учет контактов специалистов с семьей",
                path: "/support_card/contact_log",
                columns: &[
                    d("Дата контакта", "/date"),
                    t("Вид контакта", "/kind"),
                    t("Участники контакта", "/participants"),
                    t("Обсуждаемые вопросы", "/issues"),
                    t("Результат", "/result"),
                    t("Инициатор контакта", "/initiator"),
                    t("Контактное лицо", "/contact_person"),
                ],
                prefill: Prefill::None,
                blank_rows: 8,
            },
            Table {
                title: "Учет работы куратора",
                path: "/support_card/curator_log",
                columns: &[
                    d("Дата работы куратора", "/date"),
                    t("Форма контакта", "/form"),
                    t(
                        "ФИО физического лица (специалиста), статус, телефон",
                        "/person",
                    ),
                    t("Обсуждаемые вопросы (задача)", "/issues"),
                    t("Результат", "/result"),
                ],
                prefill: Prefill::None,
                blank_rows: 8,
            },
        ],
    },
    Sheet {
        name: "Мониторинг",
        about: "мониторинг ситуации в семье: один отчет в столбце (B — первый, C — второй, …)",
        multi: Some("/monitoring"),
        fields: &[
            f(
                "Вид мониторинга (промежуточный / заключительный)",
                "/kind",
                Opt("monitoring_kind"),
            ),
            d("Дата мониторинга", "/date"),
            t(
                "Наименование органа (учреждения) системы профилактики",
                "/agency",
            ),
            t("Решение об открытии случая: №", "/decision_number"),
            d("Решение об открытии случая: дата", "/decision_date"),
            t(
                "Назначение органа (учреждения) ответственным за работу с семьей",
                "/assignment",
            ),
            f(
                "Уровень риска семейного неблагополучия",
                "/risk_level",
                LEVEL,
            ),
            t("Выявленные факторы неблагополучия", "/factors"),
            t("Основные проблемы для решения", "/main_problems"),
            t(
                "Как семья участвует в реализации индивидуального плана",
                "/family_participation",
            ),
            t("Трудности специалистов", "/difficulties"),
            t(
                "Предложения по дальнейшей работе с семьей/ребенком",
                "/proposals",
            ),
            t("Руководитель организации", "/head"),
            t("Ответственный специалист: ФИО", "/responsible/name"),
            t(
                "Ответственный специалист: должность",
                "/responsible/position",
            ),
            t("Ответственный специалист: телефон", "/responsible/phone"),
            t(
                "Ответственный специалист: организация",
                "/responsible/organization",
            ),
        ],
        tables: &[],
    },
    Sheet {
        name: "Мониторинг задачи",
        about: "задачи планового периода и достигнутые результаты каждого мониторинга",
        multi: None,
        fields: &[],
        tables: &[Table {
            title: "",
            path: "/monitoring/{}/tasks",
            columns: &[
                f(
                    "№ мониторинга (столбец листа «Мониторинг»: 1 — B, 2 — C)",
                    "",
                    Index1,
                ),
                t("Задачи планового периода", "/task"),
                t("Достигнутый результат", "/result"),
            ],
            prefill: Prefill::None,
            blank_rows: 10,
        }],
    },
    Sheet {
        name: "Консилиум",
        about: "решения территориального консилиума (протоколы)",
        multi: None,
        fields: &[],
        tables: &[Table {
            title: "",
            path: "/consilium",
            columns: &[
                t("№ протокола", "/number"),
                d("Дата заседания", "/date"),
                t("Решение (кратко и по сути принятого решения)", "/text"),
                d(
                    "Дата направления протокола членам консилиума",
                    "/minutes_sent",
                ),
            ],
            prefill: Prefill::None,
            blank_rows: 5,
        }],
    },
];

const PLAN_COLUMNS: &[Field] = &[
    t(
        "Наименование задачи, на решение которой направлено проведение мероприятий",
        "/task",
    ),
    t("Мероприятия", "/measures"),
    d("Сроки", "/deadline"),
    t("Ответственные", "/responsible"),
    t("Достигнутый результат", "/result"),
];

const IPR_COLUMNS: &[Field] = &[
    f("Направление работы", "/domain", Opt("domain")),
    t(
        "Наименование задачи, на решение которой направлено проведение мероприятий",
        "/task",
    ),
    t("Мероприятия", "/measures"),
    d("Сроки", "/deadline"),
    t("Ответственные", "/responsible"),
    t("Результаты", "/result"),
];

/// Register columns: the detection log's (App. 1, headers as in the seed) and then the
/// notification's other fields. Paths are absolute in the case built from one row; the
/// parents' columns are spread over `family.legal_representatives` by the reader.
pub const REGISTER_SHEET: &str = "Реестр";

pub static REGISTER_COLUMNS: &[Field] = &join::<33>(&[
    &[
        f("№ п/п", "", Display),
        d("Дата поступления сведений", "/notification/detection_date"),
        t(
            "Источник поступления сведений",
            "/notification/detection_source",
        ),
        t(
            "Фамилия, имя, отчество (последнее – при наличии) ребенка",
            "/family/children/0/name",
        ),
        d("Дата рождения ребенка", "/family/children/0/birth_date"),
        t("Место обучения ребенка", "/family/children/0/school"),
        t(
            "Сведения о родителях (законных представителях): Фамилия, имя, отчество (последнее – при наличии)",
            REP_NAMES,
        ),
        t(
            "Сведения о родителях (законных представителях): телефон",
            REP_PHONES,
        ),
        t(
            "Адрес места жительства, регистрации семьи",
            "/family/address_registered",
        ),
        t("Основания для извещения", "/notification/grounds"),
        d("Дата направления извещения", "/notification/date_sent"),
        t("Номер случая", "/case_id"),
        f("Пол", "/family/children/0/sex", Opt("sex")),
        t("Адрес фактического проживания", "/family/address_actual"),
        f("Территория", "/territory", Opt("territory")),
    ],
    &SENDER,
    &[
        t(
            "Адрес учреждения (места обучения)",
            "/family/children/0/school_address",
        ),
        t(
            "Телефон учреждения (места обучения)",
            "/family/children/0/school_phone",
        ),
        t(
            "Фамилия, имя, отчество (последнее – при наличии) матери",
            MOTHER_NAME,
        ),
        t("Телефон матери", MOTHER_PHONE),
        t(
            "Фамилия, имя, отчество (последнее – при наличии) отца",
            FATHER_NAME,
        ),
        t("Телефон отца", FATHER_PHONE),
    ],
    &PRIMARY_ASSESSMENT,
    &CLOSING,
]);

/// Markers for the register's parents' columns, placed by the reader.
pub const REP_NAMES: &str = "#representatives";
pub const REP_PHONES: &str = "#representative_phones";
pub const MOTHER_NAME: &str = "#mother";
pub const MOTHER_PHONE: &str = "#mother_phone";
pub const FATHER_NAME: &str = "#father";
pub const FATHER_PHONE: &str = "#father_phone";

impl Sheet {
    pub fn find(name: &str) -> Option<&'static Sheet> {
        let key = crate::text::fold(name);
        CASE_WORKBOOK
            .iter()
            .find(|s| crate::text::fold(s.name) == key)
    }

    /// The heading written in A1 of the sheet (skipped by the reader).
    pub fn title(&self) -> String {
        let mut c = self.about.chars();
        match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
            None => String::new(),
        }
    }
}

/// The row above the report columns of a multi sheet.
pub const REPORT_NUMBER_LABEL: &str = "Номер отчета";

/// The Russian label of a model pointer, for messages: `/notification/date_sent` →
/// «Дата передачи информации». Indices in the pointer are ignored.
pub fn label_of(pointer: &str) -> Option<&'static str> {
    let generic: String = pointer
        .split('/')
        .map(|seg| {
            if seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty() {
                "{}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    for sheet in CASE_WORKBOOK {
        for field in sheet.fields {
            let full = match sheet.multi {
                Some(base) => format!("{base}/{{}}{}", field.path),
                None => field.path.to_string(),
            };
            if full == generic {
                return Some(field.label);
            }
        }
        for table in sheet.tables {
            for col in table.columns.iter().filter(|c| !c.path.is_empty()) {
                let full = format!("{}/{{}}{}", table.path, col.path);
                if full == generic {
                    return Some(col.label);
                }
            }
        }
    }
    None
}

fn kind_ru(kind: Kind) -> String {
    let list = |l: &str| {
        crate::catalog::catalog()
            .labels(l)
            .iter()
            .map(|s| format!("«{s}»"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match kind {
        Kind::Text => "текст".into(),
        Kind::Date => "дата".into(),
        Kind::Int => "целое число".into(),
        Kind::Number => "число".into(),
        Kind::Opt(l) => format!("один из: {}", list(l)),
        Kind::Multi(l) => format!("несколько через «;» из: {}", list(l)),
        Kind::Refs => "номера через «;», например 2.6; 3.4".into(),
        Kind::Index1 => "номер строки (1, 2, …)".into(),
        Kind::Bool => "да/нет".into(),
        Kind::Display => "заполнено заранее, не читается".into(),
    }
}

/// The layouts as Markdown, for the README (`okno layout`).
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("### Case workbook (`okno template case`)\n\n");
    out.push_str("Field rows: the label in column A, the value in column B (on «Мониторинг» one report per column B, C, …). Tables: a header row, then one row per entry; rows may be added.\n\n");
    for sheet in CASE_WORKBOOK {
        out.push_str(&format!("#### «{}» — {}\n\n", sheet.name, sheet.about));
        if !sheet.fields.is_empty() {
            out.push_str("| label (column A) | value | model pointer |\n|---|---|---|\n");
            for f in sheet.fields {
                let p = match sheet.multi {
                    Some(base) => format!("{base}/N{}", f.path),
                    None => f.path.to_string(),
                };
                out.push_str(&format!(
                    "| {} | {} | `{}` |\n",
                    f.label,
                    kind_ru(f.kind),
                    p
                ));
            }
            out.push('\n');
        }
        for t in sheet.tables {
            if !t.title.is_empty() {
                out.push_str(&format!("Table «{}»:\n\n", t.title));
            }
            out.push_str("| column header | value | model pointer |\n|---|---|---|\n");
            for f in t.columns {
                let p = if f.path.is_empty() {
                    "—".to_string()
                } else {
                    format!("{}/N{}", t.path.replace("{}", "M"), f.path)
                };
                out.push_str(&format!(
                    "| {} | {} | `{}` |\n",
                    f.label.replace('\n', " "),
                    kind_ru(f.kind),
                    p
                ));
            }
            out.push('\n');
        }
    }
    out.push_str("### Register (`okno template register`)\n\n");
    out.push_str("Sheet «Реестр» (or the first sheet): one header row (the seed's two-row header of App. 1 is read too), then one row per notification; each row becomes a case.\n\n");
    out.push_str("| column header | value | model pointer |\n|---|---|---|\n");
    for f in REGISTER_COLUMNS {
        let p = match f.path {
            "" => "—".to_string(),
            REP_NAMES | REP_PHONES => {
                "`/family/legal_representatives/N` (several separated by «;»)".to_string()
            }
            MOTHER_NAME | MOTHER_PHONE => {
                "`/family/legal_representatives/N` (role «мать»)".to_string()
            }
            FATHER_NAME | FATHER_PHONE => {
                "`/family/legal_representatives/N` (role «отец»)".to_string()
            }
            p => format!("`{p}`"),
        };
        out.push_str(&format!("| {} | {} | {} |\n", f.label, kind_ru(f.kind), p));
    }
    out
}
