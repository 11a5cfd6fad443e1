//! Checks of any input: names (I-NAME), phones (I-PHONE), values from the catalogs
//! (I-OPTION) and the case ID (I-FORMAT). The rules across a run's inputs are in
//! `across_inputs`.

use super::ctx::Ctx;
use crate::catalog::catalog;
use crate::model::{PersonName, Specialist, normalize_phone};

pub(crate) fn check(ctx: &mut Ctx) {
    let case = ctx.case;
    case_id(ctx);
    let mut names: Vec<(String, &PersonName, &str)> = Vec::new();
    let mut phones: Vec<(String, &str)> = Vec::new();
    for (i, r) in case.family.legal_representatives.iter().enumerate() {
        names.push((
            format!("/family/legal_representatives/{i}/name"),
            &r.name,
            "законного представителя",
        ));
        if let Some(p) = &r.phone {
            phones.push((format!("/family/legal_representatives/{i}/phone"), p));
        }
    }
    for (i, c) in case.family.children.iter().enumerate() {
        names.push((format!("/family/children/{i}/name"), &c.name, "ребенка"));
        if let Some(p) = &c.school_phone {
            phones.push((format!("/family/children/{i}/school_phone"), p));
        }
    }
    for (i, p) in case.family.phones.iter().enumerate() {
        phones.push((format!("/family/phones/{i}/number"), &p.number));
    }
    let mut specialists: Vec<(String, &Specialist)> = Vec::new();
    if let Some(n) = &case.notification {
        specialists.extend(
            n.responsible
                .iter()
                .map(|s| ("/notification/responsible".to_string(), s)),
        );
        specialists.extend(
            n.primary_assessor
                .iter()
                .map(|s| ("/notification/primary_assessor".to_string(), s)),
        );
    }
    if let Some(a) = &case.child_assessment {
        specialists.extend(
            a.assessor
                .iter()
                .map(|s| ("/child_assessment/assessor".to_string(), s)),
        );
    }
    if let Some(a) = &case.family_assessment {
        specialists.extend(
            a.assessor
                .iter()
                .map(|s| ("/family_assessment/assessor".to_string(), s)),
        );
    }
    if let Some(o) = &case.case_opening {
        specialists.extend(
            o.curator
                .iter()
                .map(|s| ("/case_opening/curator".to_string(), s)),
        );
    }
    if let Some(p) = &case.departmental_plan {
        specialists.extend(
            p.responsible
                .iter()
                .map(|s| ("/departmental_plan/responsible".to_string(), s)),
        );
    }
    if let Some(c) = &case.support_card {
        specialists.extend(
            c.assessor
                .iter()
                .map(|s| ("/support_card/assessor".to_string(), s)),
        );
        specialists.extend(
            c.primary_assessor
                .iter()
                .map(|s| ("/support_card/primary_assessor".to_string(), s)),
        );
        if let Some(p) = &c.plan {
            specialists.extend(
                p.curator
                    .iter()
                    .map(|s| ("/support_card/plan/curator".to_string(), s)),
            );
        }
    }
    for (i, m) in case.monitoring.iter().enumerate() {
        specialists.extend(
            m.responsible
                .iter()
                .map(|s| (format!("/monitoring/{i}/responsible"), s)),
        );
    }
    for (p, s) in &specialists {
        names.push((format!("{p}/name"), &s.name, "специалиста"));
        if let Some(ph) = &s.phone {
            phones.push((format!("{p}/phone"), ph));
        }
    }
    if let Some(h) = &case.housing_inspection {
        if let Some(s) = &h.subject {
            names.push(("/housing_inspection/subject".into(), s, "обследуемого"));
        }
        if let Some(p) = &h.subject_phone {
            phones.push(("/housing_inspection/subject_phone".into(), p));
        }
    }
    for (pointer, name, whose) in names {
        let empty_all = name.full().is_empty();
        if name.surname.trim().is_empty() || name.given_name.trim().is_empty() {
            let msg = if empty_all {
                format!("не указаны фамилия и имя {whose}: укажите «Фамилия Имя Отчество»")
            } else {
                format!(
                    "ФИО {whose} «{}» неполное: нужны фамилия и имя (отчество — при наличии)",
                    name.full()
                )
            };
            ctx.error("I-NAME", pointer, msg);
        }
    }
    for (pointer, phone) in phones {
        if !phone.trim().is_empty() && normalize_phone(phone).is_none() {
            ctx.warning(
                "I-PHONE",
                pointer,
                format!("телефон «{}» не похож на российский номер: нужно +7 и 10 цифр, например +7 913 123-45-67", phone.trim()),
            );
        }
    }
    catalog_values(ctx);
    marked_twice(ctx);
    document_dates(ctx);
}

/// I-DOC-DATE: every document that becomes a form carries its own date, the form's date line
/// and the PDF/A's date (`forms::doc`). The notification's date sent is N-REQUIRED's, a
/// plan's start D-PLAN-3M's.
fn document_dates(ctx: &mut Ctx) {
    let case = ctx.case;
    let mut missing: Vec<(String, &str)> = Vec::new();
    if case
        .child_assessment
        .as_ref()
        .is_some_and(|a| a.date.is_none())
    {
        missing.push((
            "/child_assessment/date".into(),
            "оценки показателей неблагополучия ребенка",
        ));
    }
    if case
        .family_assessment
        .as_ref()
        .is_some_and(|a| a.date.is_none())
    {
        missing.push((
            "/family_assessment/date".into(),
            "оценки факторов риска семейного неблагополучия",
        ));
    }
    if case
        .housing_inspection
        .as_ref()
        .is_some_and(|h| h.date.is_none())
    {
        missing.push(("/housing_inspection/date".into(), "акта обследования ЖБУ"));
    }
    if case.conclusion.as_ref().is_some_and(|c| c.date.is_none()) {
        missing.push(("/conclusion/date".into(), "заключения о степени риска"));
    }
    if case.support_card.as_ref().is_some_and(|c| {
        c.completed
            .or(c.compiled_date)
            .or(c.assessment_started)
            .is_none()
    }) {
        missing.push((
            "/support_card/compiled_date".into(),
            "карты комплексного сопровождения (дата составления)",
        ));
    }
    for (i, m) in case.monitoring.iter().enumerate() {
        if m.date.is_none() {
            missing.push((format!("/monitoring/{i}/date"), "мониторинга"));
        }
    }
    for (pointer, what) in missing {
        ctx.error(
            "I-DOC-DATE",
            pointer,
            format!("не указана дата {what}: без нее форму нельзя составить и сдать в архив"),
        );
    }
}

/// The case ID names folders and files: it must be there and be safe as a file name.
fn case_id(ctx: &mut Ctx) {
    let id = ctx.case.case_id.trim();
    if id.is_empty() {
        ctx.error(
            "I-FORMAT",
            "/case_id",
            "не указан номер случая: он нужен вместо ФИО в именах файлов и папок",
        );
    } else if let Some(device) = crate::safe_path::windows_device(id) {
        ctx.error(
            "I-FORMAT",
            "/case_id",
            format!("номер случая «{id}» недопустим: «{device}» — имя устройства в Windows, папку с таким именем создать нельзя; измените номер"),
        );
    } else if id.ends_with('.') {
        ctx.error(
            "I-FORMAT",
            "/case_id",
            format!("номер случая «{id}» недопустим: Windows отбрасывает точку в конце имени папки; уберите ее"),
        );
    } else if !case_id_is_safe(id) {
        ctx.error(
            "I-FORMAT",
            "/case_id",
            format!("номер случая «{id}» недопустим: используйте буквы, цифры, «-», «_» и «.» (не в начале и не в конце), до 64 знаков"),
        );
    }
}

/// Letters, digits, `-`, `_`, `.` (neither first nor last), at most 64 characters, and not a
/// Windows device name: nothing that could leave a folder (`/`, `..`, NUL), upset archival
/// tools (`%`), or be stored under another name on Windows (`ABC.` as `ABC`) or not at all
/// (`CON`, `aux.1`). Two IDs that differ only in letter case are one folder on Windows:
/// `case_id_fold` compares them.
pub fn case_id_is_safe(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= 64
        && !id.starts_with('.')
        && !id.ends_with('.')
        && crate::safe_path::windows_device(id).is_none()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The case ID as Windows compares file names: letter case ignored.
pub fn case_id_fold(id: &str) -> String {
    id.trim().to_lowercase()
}

/// I-TWICE: a form has one row per indicator, factor or question, so a second mark of the
/// same one has no place to be printed: refused at the second, naming the first.
fn marked_twice(ctx: &mut Ctx) {
    fn twice<K: PartialEq>(
        ctx: &mut Ctx,
        keys: Vec<Option<K>>,
        at: &dyn Fn(usize) -> String,
        what: &dyn Fn(usize) -> String,
    ) {
        for (i, k) in keys.iter().enumerate() {
            let Some(k) = k else { continue };
            if let Some(first) = keys[..i].iter().position(|f| f.as_ref() == Some(k)) {
                ctx.error(
                    "I-TWICE",
                    at(i),
                    format!(
                        "{} отмечен второй раз (первый раз — в отметке № {}, здесь № {}): в форме одна строка на него, оставьте одну отметку",
                        what(i),
                        first + 1,
                        i + 1
                    ),
                );
            }
        }
    }
    let case = ctx.case;
    if let Some(a) = &case.child_assessment {
        let keys = a
            .marks
            .iter()
            .map(|m| Some((m.criterion, m.indicator)))
            .collect();
        twice(
            ctx,
            keys,
            &|i| format!("/child_assessment/marks/{i}"),
            &|i| {
                format!(
                    "показатель {}.{}",
                    a.marks[i].criterion, a.marks[i].indicator
                )
            },
        );
    }
    if let Some(a) = &case.family_assessment {
        let keys = a
            .marks
            .iter()
            .map(|m| Some(m.factor.trim().to_string()).filter(|f| !f.is_empty()))
            .collect();
        twice(
            ctx,
            keys,
            &|i| format!("/family_assessment/marks/{i}/factor"),
            &|i| format!("фактор {}", a.marks[i].factor.trim()),
        );
    }
    if let Some(h) = &case.housing_inspection {
        let keys = h
            .answers
            .iter()
            .map(|a| Some(a.question.trim().to_string()).filter(|q| !q.is_empty()))
            .collect();
        twice(
            ctx,
            keys,
            &|i| format!("/housing_inspection/answers/{i}/question"),
            &|i| format!("вопрос № {}", h.answers[i].question.trim()),
        );
    }
    if let Some(c) = &case.support_card {
        let keys = c
            .answers
            .iter()
            .map(|a| a.domain.map(|d| (d.code(), a.question)))
            .collect();
        twice(ctx, keys, &|i| format!("/support_card/answers/{i}"), &|i| {
            format!(
                "вопрос № {} раздела «{}»",
                c.answers[i].question,
                c.answers[i].domain.map(|d| d.label()).unwrap_or("")
            )
        });
    }
}

/// Values that must come from a catalog: indicator and factor numbers, housing act lists.
fn catalog_values(ctx: &mut Ctx) {
    let cat = catalog();
    let case = ctx.case;
    if let Some(a) = &case.child_assessment {
        for (i, m) in a.marks.iter().enumerate() {
            if cat.indicator(m.criterion, m.indicator).is_none() {
                ctx.error(
                    "I-OPTION",
                    format!("/child_assessment/marks/{i}"),
                    format!(
                        "показателя {}.{} нет в форме: критерии 1–7, показатели по порядку формы",
                        m.criterion, m.indicator
                    ),
                );
            }
        }
    }
    let factors = cat.factors();
    if let Some(a) = &case.family_assessment {
        for (i, m) in a.marks.iter().enumerate() {
            if !factors.iter().any(|(id, _)| id == m.factor.trim()) {
                ctx.error(
                    "I-OPTION",
                    format!("/family_assessment/marks/{i}/factor"),
                    format!(
                        "фактора «{}» нет в перечне (templates/catalog/family_factors.toml)",
                        m.factor
                    ),
                );
            }
        }
    }
    if let Some(h) = &case.housing_inspection {
        // The marital status is not checked: the seed's last option is a blank to write any
        // other status on, and the act writes it there.
        let singles = [("ownership", &h.ownership), ("dwelling", &h.dwelling)];
        for (list, v) in singles {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                housing_option(ctx, list, &format!("/housing_inspection/{list}"), v);
            }
        }
        let multis = [
            ("access", &h.access),
            ("heating", &h.heating),
            ("water", &h.water),
            ("bathing", &h.bathing),
            ("stove", &h.stove),
            ("relations", &h.relations),
            ("attitude_to_child", &h.attitude_to_child),
            ("attitude_to_specialist", &h.attitude_to_specialist),
        ];
        for (list, values) in multis {
            for (i, v) in values.iter().enumerate() {
                housing_option(ctx, list, &format!("/housing_inspection/{list}/{i}"), v);
            }
        }
        let questions = cat.housing.question.len();
        for (i, a) in h.answers.iter().enumerate() {
            let ok = a
                .question
                .trim()
                .parse::<usize>()
                .is_ok_and(|n| (1..=questions).contains(&n));
            if !ok {
                ctx.error(
                    "I-OPTION",
                    format!("/housing_inspection/answers/{i}/question"),
                    format!(
                        "вопроса № «{}» нет в акте: номера 1–{questions}",
                        a.question
                    ),
                );
            }
        }
    }
    if let Some(c) = &case.support_card {
        for (i, a) in c.answers.iter().enumerate() {
            let count = a
                .domain
                .and_then(|d| cat.domain(d.code()))
                .map(|d| d.question.len())
                .unwrap_or(0);
            if a.domain.is_none() || a.question == 0 || a.question as usize > count {
                ctx.error(
                    "I-OPTION",
                    format!("/support_card/answers/{i}"),
                    format!(
                        "вопроса № {} в разделе «{}» нет в карте",
                        a.question,
                        a.domain.map(|d| d.label()).unwrap_or("не указан")
                    ),
                );
            }
        }
    }
}

fn housing_option(ctx: &mut Ctx, list: &str, pointer: &str, value: &str) {
    let name = format!("housing.{list}");
    if catalog().canonical(&name, value).is_none() {
        ctx.error(
            "I-OPTION",
            pointer,
            format!(
                "«{}» нет в списке акта: {}",
                value.trim(),
                catalog().labels_joined(&name)
            ),
        );
    }
}
