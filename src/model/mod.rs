//! The case: one family's record through the whole procedure, every document of seed 003.
//! Plain typed data; every form, check and archive reads this and nothing else.
//!
//! Every field is optional or defaults to empty so that a half-filled spreadsheet still reads
//! into a `Case`: what is missing is the validator's business, reported at its cell.

pub mod values;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use values::option_enum;
pub use values::{Amount, Date, PersonName, Territory, normalize_phone};

option_enum!(
    /// «Пол: М / Ж».
    Sex, "sex" { M = "M", F = "F" }
);
option_enum!(
    /// «Проверка сигнала о фактах неблагополучия».
    SignalCheck, "signal_check" { NotDone = "not_done", Confirmed = "confirmed", NotConfirmed = "not_confirmed" }
);
option_enum!(
    /// «Первичная оценка».
    PrimaryAssessment, "primary_assessment" { NotDone = "not_done", Partly = "partly", Fully = "fully" }
);
option_enum!(
    /// «Приложения к извещению».
    NotificationAttachment, "notification_attachment" {
        HousingInspection = "housing_inspection", ChildAssessment = "child_assessment", FamilyAssessment = "family_assessment"
    }
);
option_enum!(
    /// Risk level: «Нет риска» only in monitoring; the conclusion and the card use the other four.
    RiskLevel, "risk_level" { None = "none", Low = "low", Medium = "medium", High = "high", ThreatToLife = "threat_to_life" }
);
option_enum!(
    /// Monitoring report: «промежуточный / заключительный».
    MonitoringKind, "monitoring_kind" { Interim = "interim", Final = "final" }
);
option_enum!(
    /// «Тип семьи» of the monitoring form.
    FamilyType, "family_type" {
        FullBlood = "full_blood", Substitute = "substitute", DisabledChild = "disabled_child",
        IncompleteBlood = "incomplete_blood", Refugees = "refugees", Large = "large",
        MinorParent = "minor_parent", SingleMother = "single_mother", Students = "students"
    }
);
option_enum!(
    /// «Наличие (+/-)».
    Presence, "presence" { Plus = "plus", Minus = "minus" }
);
option_enum!(
    /// «Да/Нет».
    YesNo, "yes_no" { Yes = "yes", No = "no" }
);
option_enum!(
    /// The kind of prevention agency (seed 000).
    AgencyKind, "agency_kind" {
        Education = "education", Health = "health", SocialProtection = "social_protection",
        Guardianship = "guardianship", JuvenilePolice = "juvenile_police"
    }
);
option_enum!(
    /// Who a legal representative is to the child.
    RepresentativeRole, "representative_role" { Mother = "mother", Father = "father", Substitute = "substitute" }
);
option_enum!(
    /// The six domains of the complex assessment (support card).
    Domain, "domain" {
        HousingIncome = "housing_income", Health = "health", Safety = "safety",
        Education = "education", FamilyRelations = "family_relations", SocialRelations = "social_relations"
    }
);

impl RiskLevel {
    /// Medium, high and threat to life open a case with a curator (R-OPEN, R-THREAT).
    pub fn opens_case(self) -> bool {
        matches!(
            self,
            RiskLevel::Medium | RiskLevel::High | RiskLevel::ThreatToLife
        )
    }
}

/// A family's whole record. `case_id` names it everywhere a person's name must not appear:
/// file and folder names, log lines.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Case {
    /// Номер случая: letters, digits, `-`, `_`, `.`; used in file and folder names.
    pub case_id: String,
    /// Территория: the municipal district, city district or district of Novosibirsk whose
    /// commission handles the case (`templates/catalog/territories.toml`).
    pub territory: Option<Territory>,
    pub family: Family,
    pub notification: Option<Notification>,
    pub child_assessment: Option<ChildAssessment>,
    pub family_assessment: Option<FamilyAssessment>,
    pub housing_inspection: Option<HousingInspection>,
    pub conclusion: Option<Conclusion>,
    pub case_opening: Option<CaseOpening>,
    pub departmental_plan: Option<DepartmentalPlan>,
    pub support_card: Option<SupportCard>,
    pub monitoring: Vec<Monitoring>,
    pub consilium: Vec<ConsiliumDecision>,
    pub closure: Option<Closure>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Family {
    pub legal_representatives: Vec<LegalRepresentative>,
    pub children: Vec<Child>,
    /// «Адрес фактического проживания».
    pub address_actual: Option<String>,
    /// «Адрес регистрации».
    pub address_registered: Option<String>,
    pub phones: Vec<Phone>,
    pub family_types: Vec<FamilyType>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct LegalRepresentative {
    pub name: PersonName,
    pub role: Option<RepresentativeRole>,
    pub birth_date: Option<Date>,
    pub phone: Option<String>,
    /// «Место работы/должность».
    pub workplace: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Child {
    pub name: PersonName,
    pub birth_date: Option<Date>,
    pub sex: Option<Sex>,
    /// «Место обучения/работы ребенка»: institution and class.
    pub school: Option<String>,
    pub school_address: Option<String>,
    pub school_phone: Option<String>,
    pub school_notes: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Phone {
    pub number: String,
    /// «С указанием кому принадлежат».
    pub owner: Option<String>,
}

/// A specialist: «ФИО/должность/телефон».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Specialist {
    pub name: PersonName,
    pub position: Option<String>,
    pub phone: Option<String>,
    pub organization: Option<String>,
}

/// «Извещение об обнаружении факторов риска семейного неблагополучия» (App. 2), with the
/// detection log's (App. 1) fields about how the signal came in.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Notification {
    /// «Наименование органа (учреждения) системы профилактики, передающего информацию».
    pub agency: Option<String>,
    pub agency_kind: Option<AgencyKind>,
    /// The specialist responsible for sending it.
    pub responsible: Option<Specialist>,
    /// App. 1 «Дата поступления сведений»: when the agency detected the signs.
    pub detection_date: Option<Date>,
    /// App. 1 «Источник поступления сведений».
    pub detection_source: Option<String>,
    /// «Дата передачи информации».
    pub date_sent: Option<Date>,
    /// When the single window received it (intake log); the date sent when not given.
    pub date_received: Option<Date>,
    /// Index into `family.children` of the child it is about (0: the first).
    pub child: usize,
    /// «Основания для извещения/оценки (факты неблагополучия)».
    pub grounds: Option<String>,
    pub signal_check: Option<SignalCheck>,
    pub primary_assessment: Option<PrimaryAssessment>,
    pub primary_assessor: Option<Specialist>,
    pub attachments: Vec<NotificationAttachment>,
    /// «Руководитель субъекта системы профилактики» (расшифровка подписи).
    pub head: Option<String>,
}

/// One mark of the child assessment table: criterion, indicator, «+»/«-», reason.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct IndicatorMark {
    pub criterion: u8,
    pub indicator: u8,
    pub present: Option<Presence>,
    pub reason: Option<String>,
}

/// «Оценка показателей неблагополучия ребенка» (App. 3).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ChildAssessment {
    pub child: usize,
    /// «класс/группа».
    pub class_group: Option<String>,
    pub agency: Option<String>,
    pub assessor: Option<Specialist>,
    /// «Дата заполнения».
    pub date: Option<Date>,
    pub marks: Vec<IndicatorMark>,
}

/// One factor of the family assessment; `factor` is «раздел.номер», e.g. `I.1`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct FactorMark {
    pub factor: String,
    pub present: Option<Presence>,
    pub reason: Option<String>,
}

/// «Оценка факторов риска семейного неблагополучия»: its catalog is
/// `templates/catalog/family_factors.toml`, which a region extends.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct FamilyAssessment {
    pub agency: Option<String>,
    pub assessor: Option<Specialist>,
    pub date: Option<Date>,
    pub marks: Vec<FactorMark>,
}

/// A resident listed in the housing inspection report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Resident {
    /// «Фамилия, имя, отчество полностью/год рождения».
    pub name: String,
    /// «Статус проживающих по отношению к несовершеннолетнему».
    pub status: Option<String>,
    /// «Место учебы/работы/должность/режим работы...».
    pub occupation: Option<String>,
    /// Which group: related with joint household / related, separate household / not related.
    pub group: Option<String>,
}

/// One income line: «Кто получает (члены семьи)», «Размер».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Income {
    /// «Заработная плата», «Дополнительные источники доходов», «Льготы/пособия/выплаты».
    pub kind: Option<String>,
    pub recipient: Option<String>,
    pub amount: Option<Amount>,
}

/// One yes/no question of a form with its note («Если да, то …»).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Answer {
    /// The question's code (housing act) or number within its domain (support card).
    pub question: String,
    pub answer: Option<YesNo>,
    pub note: Option<String>,
}

/// One row of the housing act's «Какие льготы/пособия/выплаты необходимо оформить» table.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct BenefitToArrange {
    /// «Кому из членов семьи».
    pub for_whom: Option<String>,
    /// «Какие».
    pub which: Option<String>,
}

/// Rewrites the shapes of a case file that earlier versions of okno read into today's, so an
/// old file loses nothing: the housing act's `benefits_needed_for` (one text, the benefits
/// to arrange) becomes one row's «Какие», and a `benefits_needed` that is not «да»/«нет»
/// (an old workbook's free text) likewise.
pub fn upgrade_old_shape(case: &mut serde_json::Value) {
    let Some(h) = case
        .get_mut("housing_inspection")
        .and_then(|h| h.as_object_mut())
    else {
        return;
    };
    if h.get("benefits_to_arrange").is_some_and(|r| !r.is_array()) {
        // The new field is malformed: the reader reports it; the old ones stay as they are.
        return;
    }
    let mut which = Vec::new();
    if let Some(serde_json::Value::String(text)) = h.get("benefits_needed")
        && YesNo::parse(text).is_none()
    {
        which.push(text.clone());
        h.remove("benefits_needed");
    }
    // Not text: left under its name, for the reader to report as unknown.
    if let Some(serde_json::Value::String(text)) = h.get("benefits_needed_for") {
        which.push(text.clone());
        h.remove("benefits_needed_for");
    }
    if which.is_empty() {
        return;
    }
    let rows = h
        .entry("benefits_to_arrange")
        .or_insert_with(|| serde_json::Value::Array(vec![]));
    if let Some(rows) = rows.as_array_mut() {
        for text in which {
            rows.push(serde_json::json!({ "which": text }));
        }
    }
}

/// «АКТ обследования жилищно-бытовых условий семьи».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct HousingInspection {
    pub organization: Option<String>,
    pub inspectors: Option<String>,
    pub date: Option<Date>,
    /// «обследуемый».
    pub subject: Option<PersonName>,
    pub subject_birth_date: Option<Date>,
    pub subject_phone: Option<String>,
    pub subject_education: Option<String>,
    pub subject_workplace: Option<String>,
    pub grounds: Option<String>,
    pub residents: Vec<Resident>,
    pub marital_status: Option<String>,
    /// «Состоит/не состоит семья на учете в органах соцзащиты», «Если да, то с какого года».
    pub social_registration: Option<YesNo>,
    pub social_registration_since: Option<String>,
    pub incomes: Vec<Income>,
    /// «Какие льготы/пособия/выплаты необходимо оформить»: the question's answer, whose
    /// details are the rows of `benefits_to_arrange`.
    pub benefits_needed: Option<YesNo>,
    /// The seed's table under that question: «Кому из членов семьи» | «Какие», one row each.
    pub benefits_to_arrange: Vec<BenefitToArrange>,
    /// «Среднемесячный доход семьи составляет».
    pub monthly_income: Option<Amount>,
    /// Members keeping a joint household: the divisor of the per-capita income.
    pub household_members: Option<u32>,
    /// «Среднедушевой доход составляет».
    pub per_capita_income: Option<Amount>,
    pub debts: Option<String>,
    pub documents_help: Option<String>,
    pub living_area: Option<Amount>,
    pub rooms: Option<u32>,
    pub ownership: Option<String>,
    pub dwelling: Option<String>,
    pub access: Vec<String>,
    pub heating: Vec<String>,
    pub water: Vec<String>,
    pub fuel_needed: Option<YesNo>,
    pub sewerage: Option<YesNo>,
    pub bathing: Vec<String>,
    pub stove: Vec<String>,
    pub owner: Option<String>,
    /// The act's yes/no questions, by code from `templates/catalog/housing.toml`.
    pub answers: Vec<Answer>,
    pub relations: Vec<String>,
    pub relations_notes: Option<String>,
    pub attitude_to_child: Vec<String>,
    pub attitude_to_child_notes: Option<String>,
    pub attitude_to_specialist: Vec<String>,
    pub attitude_to_specialist_notes: Option<String>,
    pub family_problems: Option<String>,
    pub measures_needed: Option<String>,
    pub additional_info: Option<String>,
}

/// «Заключение о наличии/отсутствии степени риска семейного неблагополучия» (single window).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Conclusion {
    /// The agency that sent the information.
    pub agency: Option<String>,
    /// «Дата заполнения».
    pub date: Option<Date>,
    pub risk_level: Option<RiskLevel>,
    /// The child indicators it relies on, as «критерий.показатель», e.g. `2.7`.
    pub basis_indicators: Vec<String>,
    /// The family factors it relies on, as «раздел.номер», e.g. `I.1`.
    pub basis_factors: Vec<String>,
    /// «Специалист ЕО, аппарата КДНиЗП» (расшифровка подписи).
    pub officer: Option<String>,
    /// The body responsible for the family (low risk: the departmental plan's organization).
    pub responsible_body: Option<String>,
    pub responsible_body_kind: Option<AgencyKind>,
    /// Threat to life: the guardianship office and police unit involved (R-THREAT).
    pub involved_agencies: Vec<AgencyKind>,
    /// Low risk: the family agreed to the departmental plan.
    pub family_consent: Option<YesNo>,
}

/// Opening of a case (medium, high, threat to life): the decision and the curator.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct CaseOpening {
    pub decision_number: Option<String>,
    pub date: Option<Date>,
    pub curator: Option<Specialist>,
}

/// A plan row: «Наименование задачи», «Мероприятия», «Сроки», «Ответственные», «Результаты».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct PlanRow {
    /// Individual plan only: the direction of work.
    pub domain: Option<Domain>,
    pub task: Option<String>,
    pub measures: Option<String>,
    pub deadline: Option<Date>,
    pub responsible: Option<String>,
    pub result: Option<String>,
}

/// «План ведомственных мероприятий» (low risk, 3 months).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct DepartmentalPlan {
    pub agency: Option<String>,
    pub agency_kind: Option<AgencyKind>,
    pub responsible: Option<Specialist>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// «Выявленные проблемы семьи».
    pub problems: Option<String>,
    pub rows: Vec<PlanRow>,
}

/// One domain of the complex assessment: strengths, weaknesses, dysfunction level.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct DomainAssessment {
    pub domain: Option<Domain>,
    pub strengths: Option<String>,
    pub weaknesses: Option<String>,
    pub level: Option<RiskLevel>,
    /// The level as marked in «Сводный анализ уровня дисфункции семьи», when filled separately.
    pub summary_level: Option<RiskLevel>,
}

/// One answer of a domain's questionnaire; `question` is its number within the domain (from 1).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct DomainAnswer {
    pub domain: Option<Domain>,
    pub question: u32,
    pub answer: Option<YesNo>,
    pub note: Option<String>,
}

/// A tie of the resource map: «Родственные связи» / «Социально-устойчивые связи» of a member.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ResourceTie {
    /// «Член семьи» the card insert is for.
    pub member: String,
    /// `true` for a relative, `false` for a stable social tie.
    pub relative: bool,
    /// Name, year or age, relation, status, work, address/phone.
    pub person: String,
    /// «УОС»: support kinds И/М/Э with «+» or «-», e.g. `М+, Э+`.
    pub codes: Option<String>,
}

/// «Образовательная организация, которую посещает ребенок/дети».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct EducationRow {
    pub child: String,
    pub institution: Option<String>,
    pub contact: Option<String>,
    pub notes: Option<String>,
}

/// «События и обстоятельства жизни, существенно влияющие на развитие и здоровье ребенка».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct LifeEvent {
    pub child: String,
    pub description: Option<String>,
    pub age: Option<String>,
    pub notes: Option<String>,
}

/// The dynamics of one domain over 3 months (card part III).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct DomainDynamics {
    pub domain: Option<Domain>,
    pub level_start: Option<RiskLevel>,
    pub level_end: Option<RiskLevel>,
    pub description: Option<String>,
}

/// «Учет контактов специалистов с семьей».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Contact {
    pub date: Option<Date>,
    pub kind: Option<String>,
    pub participants: Option<String>,
    pub issues: Option<String>,
    pub result: Option<String>,
    pub initiator: Option<String>,
    pub contact_person: Option<String>,
}

/// «Учет работы куратора».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct CuratorWork {
    pub date: Option<Date>,
    pub form: Option<String>,
    pub person: Option<String>,
    pub issues: Option<String>,
    pub result: Option<String>,
}

/// «Карта комплексного сопровождения семьи» (ККСС), parts I–IV.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct SupportCard {
    /// Title page: «СОСТАВЛЕНА» (curator's organization, director) and «УТВЕРЖДЕНА» (КДНиЗП).
    pub organization: Option<String>,
    pub director: Option<String>,
    pub compiled_date: Option<Date>,
    pub approved_by: Option<String>,
    pub approved_date: Option<Date>,
    /// The legal representative the card is kept on, by index into `family.legal_representatives`.
    pub representative: usize,
    /// «Заполняется в случае смены куратора».
    pub curator_change: Option<String>,
    // Part I.
    pub assessment_organization: Option<String>,
    pub assessor: Option<Specialist>,
    /// «Дата начала проведения комплексной оценки».
    pub assessment_started: Option<Date>,
    pub primary_assessor: Option<Specialist>,
    pub housing_act_date: Option<Date>,
    pub reporter: Option<String>,
    pub reported_reasons: Option<String>,
    pub child_view: Option<String>,
    pub parents_view: Option<String>,
    pub resource_map: Vec<ResourceTie>,
    pub education: Vec<EducationRow>,
    pub life_events: Vec<LifeEvent>,
    pub answers: Vec<DomainAnswer>,
    pub domains: Vec<DomainAssessment>,
    /// The date parts I–II were completed (D-CARD-20 counts to it).
    pub completed: Option<Date>,
    // Part II.
    pub plan: Option<IndividualPlan>,
    // Part III.
    pub results: Option<ResultsPart>,
    // Part IV.
    pub contact_log: Vec<Contact>,
    pub curator_log: Vec<CuratorWork>,
}

/// «Индивидуальный план социального сопровождения (реабилитации) семьи» (card part II).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct IndividualPlan {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub curator: Option<Specialist>,
    pub rows: Vec<PlanRow>,
}

/// «III. РЕЗУЛЬТАТИВНАЯ ЧАСТЬ».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ResultsPart {
    pub control_act_date: Option<Date>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub dynamics: Vec<DomainDynamics>,
}

/// One reported task of a monitoring: «Задачи планового периода», «Достигнутый результат».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct MonitoringTask {
    pub task: String,
    pub result: Option<String>,
}

/// «МОНИТОРИНГ СИТУАЦИИ В СЕМЬЕ И ВЫПОЛНЕНИЯ МЕРОПРИЯТИЙ ИНДИВИДУАЛЬНОГО ПЛАНА».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Monitoring {
    pub kind: Option<MonitoringKind>,
    pub date: Option<Date>,
    pub agency: Option<String>,
    /// «Решение № ___ от ___ об открытии «случая»».
    pub decision_number: Option<String>,
    pub decision_date: Option<Date>,
    /// «Назначение органа(учреждения) системы профилактики ответственным за работу с семьей».
    pub assignment: Option<String>,
    pub risk_level: Option<RiskLevel>,
    pub factors: Option<String>,
    pub main_problems: Option<String>,
    pub tasks: Vec<MonitoringTask>,
    pub family_participation: Option<String>,
    pub difficulties: Option<String>,
    pub proposals: Option<String>,
    pub head: Option<String>,
    pub responsible: Option<Specialist>,
}

/// «РЕШЕНИЕ Территориального консилиума (Протокол) № ___ от ___».
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ConsiliumDecision {
    pub number: Option<String>,
    pub date: Option<Date>,
    pub text: Option<String>,
    /// When the minutes were sent to the members (D-MINUTES-10).
    pub minutes_sent: Option<Date>,
}

/// The end of the work with the family.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Closure {
    pub date: Option<Date>,
    pub reason: Option<String>,
}

impl Case {
    /// The child the notification (or, failing it, the assessment) is about.
    pub fn notified_child(&self) -> Option<(usize, &Child)> {
        let i = self
            .notification
            .as_ref()
            .map(|n| n.child)
            .or(self.child_assessment.as_ref().map(|a| a.child))
            .unwrap_or(0);
        self.family.children.get(i).map(|c| (i, c))
    }
    pub fn risk_level(&self) -> Option<RiskLevel> {
        self.conclusion.as_ref().and_then(|c| c.risk_level)
    }
    /// The current level: the newest monitoring's, or the conclusion's.
    pub fn current_level(&self) -> Option<RiskLevel> {
        self.monitoring
            .iter()
            .filter(|m| m.date.is_some() && m.risk_level.is_some())
            .max_by_key(|m| m.date)
            .and_then(|m| m.risk_level)
            .or(self.risk_level())
    }
}
