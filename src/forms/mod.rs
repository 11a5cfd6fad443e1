//! The official forms of seed 003, one file each, built once as a document tree
//! (`crate::doc`). Every label is the seed's own text; a test checks them verbatim.

mod card;
mod family;
pub mod fields;
mod housing;
mod log_spool;
mod logs;
mod notification;
mod pieces;
mod plans;

use crate::doc::Document;
use crate::model::Case;

pub use log_spool::{LogPreview, LogSpool, SpooledLog, preview_log};
pub use logs::{DETECTION_LOG_FIELDS, INTAKE_LOG_FIELDS, LogKind, detection_log, intake_log};

/// A form of the procedure: its file name, its Russian name, whether a case has it, and how
/// to build it.
pub struct Form {
    pub code: &'static str,
    pub name: &'static str,
    pub build: fn(&Case) -> Vec<Document>,
    /// Which model field fills which place of the form (`fields`).
    pub fields: &'static [fields::Place],
}

/// Every per-case form, in the order of the procedure. Logs span cases: see `logs`.
pub static FORMS: &[Form] = &[
    Form {
        code: "notification",
        name: "Извещение (Прил. 2)",
        build: notification::notification,
        fields: notification::NOTIFICATION_FIELDS,
    },
    Form {
        code: "child_assessment",
        name: "Оценка показателей неблагополучия ребенка (Прил. 3)",
        build: notification::child_assessment,
        fields: notification::CHILD_ASSESSMENT_FIELDS,
    },
    Form {
        code: "family_assessment",
        name: "Оценка факторов риска семейного неблагополучия (Прил. 4)",
        build: family::family_assessment,
        fields: family::FAMILY_ASSESSMENT_FIELDS,
    },
    Form {
        code: "housing_inspection",
        name: "Акт обследования ЖБУ",
        build: housing::housing_inspection,
        fields: housing::HOUSING_FIELDS,
    },
    Form {
        code: "conclusion",
        name: "Заключение о степени риска",
        build: notification::conclusion,
        fields: notification::CONCLUSION_FIELDS,
    },
    Form {
        code: "departmental_plan",
        name: "План ведомственных мероприятий",
        build: plans::departmental_plan,
        fields: plans::DEPARTMENTAL_PLAN_FIELDS,
    },
    Form {
        code: "individual_plan",
        name: "Индивидуальный план (ККСС, ч. II)",
        build: plans::individual_plan,
        fields: plans::INDIVIDUAL_PLAN_FIELDS,
    },
    Form {
        code: "support_card",
        name: "Карта комплексного сопровождения семьи",
        build: card::support_card,
        fields: card::SUPPORT_CARD_FIELDS,
    },
    Form {
        code: "monitoring",
        name: "Мониторинг",
        build: plans::monitoring,
        fields: plans::MONITORING_FIELDS,
    },
];

/// Where the forms of a case break their field maps (`fields::disagreements`); empty when
/// every tagged value stands at its map's place.
pub fn map_disagreements(case: &Case) -> Vec<String> {
    FORMS
        .iter()
        .flat_map(|f| {
            (f.build)(case)
                .iter()
                .flat_map(|d| fields::disagreements(d, f.fields))
                .collect::<Vec<_>>()
        })
        .collect()
}

pub fn form(code: &str) -> Option<&'static Form> {
    FORMS.iter().find(|f| f.code == code)
}

/// The documents of a case, fitted to their pages: every form it has data for (`only`: just
/// these form codes), each page marked «ЧЕРНОВИК» when `draft`. What the writers write.
pub fn documents(case: &Case, only: Option<&[String]>, draft: bool) -> Vec<Document> {
    let mut docs = case_documents(case, only);
    for d in &mut docs {
        d.draft = draft;
        crate::doc::fit::fit(d);
    }
    docs
}

/// All documents of a case as built, not yet fitted (forms without data are skipped).
pub fn case_documents(case: &Case, only: Option<&[String]>) -> Vec<Document> {
    FORMS
        .iter()
        .filter(|f| only.is_none_or(|list| list.iter().any(|c| c == f.code)))
        .flat_map(|f| (f.build)(case))
        .collect()
}

/// The codes `--forms` accepts: every per-case form and the two logs.
pub fn form_codes() -> Vec<&'static str> {
    let mut v: Vec<&str> = FORMS.iter().map(|f| f.code).collect();
    v.extend(["detection_log", "intake_log"]);
    v
}
