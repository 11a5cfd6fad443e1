//! The notification (App. 2) and the child assessment (App. 3): N-* and A-* rules.

use super::ctx::{Ctx, blank};
use crate::catalog::catalog;
use crate::model::{AgencyKind, NotificationAttachment, Presence, PrimaryAssessment};
use crate::text::fold;
use chrono::Months;

pub(crate) fn check(ctx: &mut Ctx) {
    territory(ctx);
    notification(ctx);
    child_assessment(ctx);
}

/// N-TERRITORY: every case names its territory (the commission that handles it). A name not
/// in the catalog never gets here: reading it is an I-OPTION error with the list.
fn territory(ctx: &mut Ctx) {
    if ctx.case.territory.is_none() {
        ctx.warning(
            "N-TERRITORY",
            "/territory",
            "не указана территория (муниципальный район, городской округ или район г. Новосибирска): \
             случай не попадет в сводку по территориям; выберите ее из списка «Территория»",
        );
    }
}

fn notification(ctx: &mut Ctx) {
    let case = ctx.case;
    let Some(n) = &case.notification else { return };
    let child_i = n.child;
    let child = case.family.children.get(child_i);
    let cp = format!("/family/children/{child_i}");

    // N-REQUIRED: one error per missing field, at the field.
    let mut missing: Vec<(String, &str)> = Vec::new();
    if blank(&n.agency) {
        missing.push((
            "/notification/agency".into(),
            "наименование органа (учреждения) системы профилактики",
        ));
    }
    let resp = n.responsible.as_ref();
    if resp.is_none_or(|s| s.name.full().is_empty()) {
        missing.push((
            "/notification/responsible/name".into(),
            "ФИО специалиста, ответственного за передачу информации",
        ));
    }
    if resp.is_none_or(|s| blank(&s.position)) {
        missing.push((
            "/notification/responsible/position".into(),
            "должность специалиста, ответственного за передачу информации",
        ));
    }
    if resp.is_none_or(|s| blank(&s.phone)) {
        missing.push((
            "/notification/responsible/phone".into(),
            "телефон специалиста, ответственного за передачу информации",
        ));
    }
    if n.date_sent.is_none() {
        missing.push(("/notification/date_sent".into(), "дата передачи информации"));
    }
    match child {
        None => missing.push((cp.clone(), "ребенок (ФИО, дата рождения, пол)")),
        Some(c) => {
            if c.name.full().is_empty() {
                missing.push((format!("{cp}/name"), "ФИО ребенка"));
            }
            if c.birth_date.is_none() {
                missing.push((format!("{cp}/birth_date"), "дата рождения ребенка"));
            }
        }
    }
    if blank(&case.family.address_actual) {
        missing.push((
            "/family/address_actual".into(),
            "адрес фактического проживания",
        ));
    }
    if blank(&n.grounds) {
        missing.push((
            "/notification/grounds".into(),
            "основания для извещения (факты неблагополучия)",
        ));
    }
    for (pointer, what) in missing {
        ctx.error(
            "N-REQUIRED",
            pointer,
            format!("в извещении не заполнено обязательное поле: {what}"),
        );
    }

    // N-SEX: exactly one of М / Ж (a value that is neither is reported when read).
    if let Some(c) = child
        && c.sex.is_none()
    {
        ctx.error(
            "N-SEX",
            format!("{cp}/sex"),
            "не указан пол ребенка: отметьте ровно один вариант — «М» или «Ж»",
        );
    }
    if n.signal_check.is_none() {
        ctx.error(
            "N-SIGNAL",
            "/notification/signal_check",
            format!(
                "не отмечена проверка сигнала о фактах неблагополучия: выберите один из вариантов {}",
                catalog().labels_joined("signal_check")
            ),
        );
    }
    match n.primary_assessment {
        None => ctx.error(
            "N-PRIMARY",
            "/notification/primary_assessment",
            format!("не отмечена первичная оценка: выберите {}", catalog().labels_joined("primary_assessment")),
        ),
        Some(PrimaryAssessment::Partly | PrimaryAssessment::Fully)
            if n.primary_assessor.as_ref().is_none_or(|s| s.name.full().is_empty()) =>
        {
            ctx.error(
                "N-PRIMARY",
                "/notification/primary_assessor/name",
                "первичная оценка проведена, но не указан специалист, проводивший её (ФИО/должность/телефон)",
            )
        }
        _ => {}
    }
    if n.attachments
        .contains(&NotificationAttachment::HousingInspection)
        && !matches!(
            n.agency_kind,
            Some(AgencyKind::SocialProtection | AgencyKind::Guardianship)
        )
    {
        ctx.warning(
            "N-HOUSING-ACT",
            "/notification/attachments",
            format!(
                "к извещению приложен акт обследования ЖБУ, а его прилагают только специалисты КЦСОН и ООиП; орган: {}",
                n.agency_kind.map(|k| format!("«{}»", k.label())).unwrap_or_else(|| "вид не указан".into())
            ),
        );
    }
    if let (Some(c), Some(sent)) = (child, n.date_sent)
        && let Some(bd) = c.birth_date
        && let Some(adult) = bd.0.checked_add_months(Months::new(18 * 12))
        && adult <= sent.0
    {
        ctx.error(
                        "N-MINOR",
                        format!("{cp}/birth_date"),
                        format!(
                            "на дату извещения {sent} ребенку (дата рождения {bd}) уже исполнилось 18 лет: порядок касается несовершеннолетних"
                        ),
                    );
    }
    // N-DATES: birth < detection ≤ sent, nothing after the run date.
    let bd = child.and_then(|c| c.birth_date);
    if let (Some(bd), Some(det)) = (bd, n.detection_date)
        && bd >= det
    {
        ctx.error(
            "N-DATES",
            "/notification/detection_date",
            format!("дата выявления {det} не позже даты рождения ребенка {bd}"),
        );
    }
    if let (Some(det), Some(sent)) = (n.detection_date, n.date_sent)
        && det > sent
    {
        ctx.error(
            "N-DATES",
            "/notification/date_sent",
            format!("дата передачи информации {sent} раньше даты выявления {det}"),
        );
    }
    if let (Some(bd), None, Some(sent)) = (bd, n.detection_date, n.date_sent)
        && bd >= sent
    {
        ctx.error(
            "N-DATES",
            "/notification/date_sent",
            format!("дата передачи информации {sent} не позже даты рождения {bd}"),
        );
    }
    let today = ctx.today;
    for (pointer, date, what) in [
        (format!("{cp}/birth_date"), bd, "дата рождения ребенка"),
        (
            "/notification/detection_date".to_string(),
            n.detection_date,
            "дата выявления",
        ),
        (
            "/notification/date_sent".to_string(),
            n.date_sent,
            "дата передачи информации",
        ),
        (
            "/notification/date_received".to_string(),
            n.date_received,
            "дата поступления в «Единое окно»",
        ),
    ] {
        if let Some(d) = date.filter(|d| *d > today) {
            ctx.error(
                "N-DATES",
                pointer,
                format!("{what} {d} ещё не наступила (сегодня {today})"),
            );
        }
    }
}

/// Positions of a specialist in regular direct contact with the child (App. 3 note).
const FILLERS: &[&str] = &[
    "классный руководитель",
    "учитель",
    "воспитатель",
    "педиатр",
    "патронажная медицинская сестра",
    "патронажная медсестра",
    "инспектор по делам несовершеннолетних",
    "инспектор пдн",
];

/// Medical workers may leave criteria 3–7 empty.
fn is_medical(position: &str) -> bool {
    let p = fold(position);
    [
        "педиатр",
        "медицинская сестра",
        "медсестра",
        "фельдшер",
        "врач",
    ]
    .iter()
    .any(|k| p.contains(k))
}

fn child_assessment(ctx: &mut Ctx) {
    let Some(a) = &ctx.case.child_assessment else {
        return;
    };
    let cat = catalog();
    for (i, m) in a.marks.iter().enumerate() {
        if m.present == Some(Presence::Plus) && m.indicator != 1 && blank(&m.reason) {
            let text = cat.indicator(m.criterion, m.indicator).unwrap_or("");
            ctx.error(
                "A-REASON",
                format!("/child_assessment/marks/{i}/reason"),
                format!(
                    "показатель {}.{} «{}» отмечен «+», но не указана причина/примечание, обосновывающая его наличие",
                    m.criterion, m.indicator, text
                ),
            );
        }
    }
    let position = a
        .assessor
        .as_ref()
        .and_then(|s| s.position.clone())
        .unwrap_or_default();
    let medical = is_medical(&position);
    for crit in &cat.child.criterion {
        let filled = a
            .marks
            .iter()
            .any(|m| m.criterion == crit.number && m.present.is_some());
        if !filled && (!medical || crit.number <= 2) {
            let why = if medical {
                "медицинские работники могут не заполнять только критерии 3–7"
            } else {
                "заполняются все 7 критериев (не заполнять 3–7 допускается только медицинским работникам)"
            };
            ctx.error(
                "A-MEDICAL",
                "/child_assessment/marks",
                format!(
                    "критерий {} «{}» не заполнен: {why}",
                    crit.number, crit.title
                ),
            );
        }
        let norm = a.marks.iter().position(|m| {
            m.criterion == crit.number && m.indicator == 1 && m.present == Some(Presence::Plus)
        });
        let others: Vec<u8> = a
            .marks
            .iter()
            .filter(|m| {
                m.criterion == crit.number && m.indicator != 1 && m.present == Some(Presence::Plus)
            })
            .map(|m| m.indicator)
            .collect();
        if let (Some(ni), false) = (norm, others.is_empty()) {
            ctx.warning(
                "A-NORM-CONFLICT",
                format!("/child_assessment/marks/{ni}/present"),
                format!(
                    "в критерии {} «{}» норма (п. 1) отмечена вместе с показател{} {}: проверьте отметки",
                    crit.number,
                    crit.title,
                    if others.len() == 1 { "ем" } else { "ями" },
                    others.iter().map(|o| format!("{}.{o}", crit.number)).collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }
    let p = fold(&position);
    if !FILLERS.iter().any(|f| p.contains(&fold(f))) {
        ctx.warning(
            "A-FILLER",
            "/child_assessment/assessor/position",
            format!(
                "оценку заполняет специалист, регулярно и непосредственно контактирующий с ребенком (классный руководитель, учитель, воспитатель, участковый педиатр, патронажная медицинская сестра, инспектор по делам несовершеннолетних); указано: «{}»",
                if position.trim().is_empty() { "должность не указана" } else { position.trim() }
            ),
        );
    }
}
