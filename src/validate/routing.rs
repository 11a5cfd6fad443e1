//! The single window's conclusion and what the risk level sets in motion: C-* and R-* rules.

use super::ctx::{Ctx, blank};
use crate::catalog::catalog;
use crate::model::{AgencyKind, Presence, RiskLevel, YesNo};

pub(crate) fn check(ctx: &mut Ctx) {
    let case = ctx.case;
    let Some(c) = &case.conclusion else { return };
    let level = match c.risk_level {
        None => {
            ctx.error(
                "C-LEVEL",
                "/conclusion/risk_level",
                "в заключении не отмечен уровень риска: отметьте ровно один — «Низкий», «Средний», «Высокий» или «Угроза жизни»",
            );
            return;
        }
        Some(RiskLevel::None) => {
            ctx.error(
                "C-LEVEL",
                "/conclusion/risk_level",
                "в заключении уровень «Нет риска» не предусмотрен: отметьте «Низкий», «Средний», «Высокий» или «Угроза жизни»",
            );
            return;
        }
        Some(l) => l,
    };
    basis(ctx, level);
    let curator = case
        .case_opening
        .as_ref()
        .and_then(|o| o.curator.as_ref())
        .filter(|s| !s.name.full().is_empty());
    match level {
        RiskLevel::Low => low(ctx),
        RiskLevel::Medium | RiskLevel::High if curator.is_none() => ctx.error(
            "R-OPEN",
            "/case_opening/curator/name",
            format!(
                "уровень риска «{}»: открывается случай и назначается куратор из учреждения социального обслуживания — куратор не указан",
                level.label()
            ),
        ),
        RiskLevel::ThreatToLife => {
            if curator.is_none() {
                ctx.error(
                    "R-THREAT",
                    "/case_opening/curator/name",
                    "угроза жизни: немедленное вмешательство и назначение куратора из учреждения социального обслуживания — куратор не указан",
                );
            }
            let missing: Vec<&str> = [
                (AgencyKind::Guardianship, "ООиП (отдел опеки и попечительства)"),
                (AgencyKind::JuvenilePolice, "МВД (ПДН)"),
            ]
            .into_iter()
            .filter(|(k, _)| !c.involved_agencies.contains(k))
            .map(|(_, n)| n)
            .collect();
            if !missing.is_empty() {
                ctx.warning(
                    "R-THREAT",
                    "/conclusion/involved_agencies",
                    format!("угроза жизни: к работе привлекаются ООиП и МВД — не указаны: {}", missing.join(", ")),
                );
            }
        }
        _ => {}
    }
    consistent(ctx, level);
}

fn low(ctx: &mut Ctx) {
    let case = ctx.case;
    if case
        .case_opening
        .as_ref()
        .and_then(|o| o.curator.as_ref())
        .is_some_and(|s| !s.name.full().is_empty())
    {
        ctx.error(
            "R-LOW",
            "/case_opening/curator/name",
            "низкий уровень риска: случай не открывается и куратор не назначается — уберите куратора или измените уровень",
        );
    }
    if case.support_card.is_some() {
        ctx.error(
            "R-LOW",
            "/support_card",
            "низкий уровень риска: карта комплексного сопровождения семьи не формируется, работа ведется по плану ведомственных мероприятий",
        );
    }
    // «не посещает» written where the school goes is not a school.
    let attends = case.notified_child().is_some_and(|(_, c)| {
        !blank(&c.school)
            && !crate::text::fold(c.school.as_deref().unwrap_or("")).starts_with("не посещ")
    });
    let kind = case
        .conclusion
        .as_ref()
        .and_then(|c| c.responsible_body_kind)
        .or(case.departmental_plan.as_ref().and_then(|p| p.agency_kind));
    let (expected, why) = if attends {
        (
            AgencyKind::Education,
            "ребенок посещает образовательную организацию — сопровождение ведет образовательная организация",
        )
    } else {
        (
            AgencyKind::SocialProtection,
            "ребенок не посещает образовательную организацию — сопровождение ведет учреждение социального обслуживания",
        )
    };
    match kind {
        Some(k) if k != expected => ctx.warning(
            "R-LOW",
            "/conclusion/responsible_body_kind",
            format!("{why}, а ответственным назначен орган вида «{}»", k.label()),
        ),
        None => ctx.warning(
            "R-LOW",
            "/conclusion/responsible_body_kind",
            format!("не указан вид ответственного органа; {why}"),
        ),
        _ => {}
    }
    if case.conclusion.as_ref().and_then(|c| c.family_consent) != Some(YesNo::Yes) {
        ctx.warning(
            "R-LOW",
            "/conclusion/family_consent",
            "при низком уровне риска сопровождение по плану ведомственных мероприятий ведется с согласия семьи — согласие не отмечено",
        );
    }
}

/// C-BASIS: above low, the conclusion names the marked indicators and factors it relies on.
fn basis(ctx: &mut Ctx, level: RiskLevel) {
    let case = ctx.case;
    let Some(c) = &case.conclusion else { return };
    if level > RiskLevel::Low && c.basis_indicators.is_empty() && c.basis_factors.is_empty() {
        ctx.error(
            "C-BASIS",
            "/conclusion/basis_indicators",
            format!(
                "уровень риска «{}», но заключение не называет ни одного показателя неблагополучия ребенка или фактора риска, отмеченного «+»",
                level.label()
            ),
        );
    }
    let cat = catalog();
    for (i, r) in c.basis_indicators.iter().enumerate() {
        let pointer = format!("/conclusion/basis_indicators/{i}");
        let parsed = r
            .trim()
            .split_once('.')
            .and_then(|(a, b)| Some((a.parse::<u8>().ok()?, b.parse::<u8>().ok()?)));
        match parsed.filter(|(a, b)| cat.indicator(*a, *b).is_some()) {
            None => ctx.error(
                "I-OPTION",
                pointer,
                format!(
                    "«{r}» — не номер показателя: укажите «№ критерия.№ показателя», например 2.7"
                ),
            ),
            Some((a, b)) => {
                let marked = case.child_assessment.as_ref().is_some_and(|ca| {
                    ca.marks.iter().any(|m| {
                        m.criterion == a && m.indicator == b && m.present == Some(Presence::Plus)
                    })
                });
                if !marked {
                    ctx.warning(
                        "C-BASIS",
                        pointer,
                        format!("показатель {a}.{b} назван в заключении, но в оценке ребенка не отмечен «+» (проверка согласованности)"),
                    );
                }
            }
        }
    }
    let factors = cat.factors();
    for (i, r) in c.basis_factors.iter().enumerate() {
        let pointer = format!("/conclusion/basis_factors/{i}");
        if !factors.iter().any(|(id, _)| id == r.trim()) {
            ctx.error(
                "I-OPTION",
                pointer,
                format!("фактора «{r}» нет в перечне факторов риска"),
            );
        } else if !case.family_assessment.as_ref().is_some_and(|fa| {
            fa.marks
                .iter()
                .any(|m| m.factor.trim() == r.trim() && m.present == Some(Presence::Plus))
        }) {
            ctx.warning(
                "C-BASIS",
                pointer,
                format!("фактор {r} назван в заключении, но в оценке семьи не отмечен «+» (проверка согласованности)"),
            );
        }
    }
}

/// R-CONSISTENT: a consistency check, not a rule of the seeds.
fn consistent(ctx: &mut Ctx, level: RiskLevel) {
    let case = ctx.case;
    if let Some(card) = &case.support_card
        && level < RiskLevel::ThreatToLife
    {
        for (i, d) in card.domains.iter().enumerate() {
            if d.level == Some(RiskLevel::ThreatToLife) {
                ctx.warning(
                        "R-CONSISTENT",
                        format!("/support_card/domains/{i}/level"),
                        format!(
                            "раздел «{}» карты отмечен «Угроза жизни», а уровень риска в заключении — «{}» (проверка согласованности, не правило порядка)",
                            d.domain.map(|d| d.label()).unwrap_or("?"),
                            level.label()
                        ),
                    );
            }
        }
    }
    if level == RiskLevel::Low
        && let Some(a) = &case.child_assessment
    {
        for (i, m) in a.marks.iter().enumerate() {
            let grave = matches!((m.criterion, m.indicator), (3, 6) | (2, 7));
            if grave && m.present == Some(Presence::Plus) {
                ctx.warning(
                        "R-CONSISTENT",
                        format!("/child_assessment/marks/{i}/present"),
                        format!(
                            "отмечен показатель {}.{} «{}», а уровень риска — «Низкий» (проверка согласованности, не правило порядка)",
                            m.criterion,
                            m.indicator,
                            catalog().indicator(m.criterion, m.indicator).unwrap_or("")
                        ),
                    );
            }
        }
    }
}
