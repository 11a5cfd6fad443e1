//! The housing inspection report and the support card: H-INCOME, K-DOMAINS, K-DYNAMICS.

use super::ctx::Ctx;
use crate::model::Domain;

pub(crate) fn check(ctx: &mut Ctx) {
    income(ctx);
    domains(ctx);
}

fn income(ctx: &mut Ctx) {
    let Some(h) = &ctx.case.housing_inspection else {
        return;
    };
    let (Some(total), Some(members), Some(stated)) =
        (h.monthly_income, h.household_members, h.per_capita_income)
    else {
        return;
    };
    if members == 0 {
        ctx.warning(
            "H-INCOME",
            "/housing_inspection/household_members",
            "число членов семьи, ведущих совместное хозяйство, равно 0: среднедушевой доход не вычисляется",
        );
        return;
    }
    let computed = total.0 / f64::from(members);
    // Secretaries round to whole roubles; more than a rouble off is a different figure.
    if (computed - stated.0).abs() > 1.0 {
        ctx.warning(
            "H-INCOME",
            "/housing_inspection/per_capita_income",
            format!(
                "среднедушевой доход указан {}, а доход семьи {} / {} членов = {}: проверьте расчет",
                money(stated.0),
                money(total.0),
                members,
                money(computed)
            ),
        );
    }
}

fn money(v: f64) -> String {
    format!("{:.2}", v).replace('.', ",")
}

fn domains(ctx: &mut Ctx) {
    let Some(card) = &ctx.case.support_card else {
        return;
    };
    for domain in Domain::ALL {
        match card.domains.iter().position(|d| d.domain == Some(*domain)) {
            None => ctx.error(
                "K-DOMAINS",
                "/support_card/domains",
                format!("в карте нет раздела «{}» комплексной оценки: уровень дисфункции ставится по всем шести разделам", domain.label()),
            ),
            Some(i) => {
                let d = &card.domains[i];
                match (d.level, d.summary_level) {
                    (None, _) => ctx.error(
                        "K-DOMAINS",
                        format!("/support_card/domains/{i}/level"),
                        format!("раздел «{}»: не отмечен уровень дисфункции (низкий, средний, высокий, угроза жизни)", domain.label()),
                    ),
                    (Some(l), Some(s)) if l != s => ctx.error(
                        "K-DOMAINS",
                        format!("/support_card/domains/{i}/summary_level"),
                        format!(
                            "раздел «{}»: в сводной таблице уровень «{}», а в анализе раздела — «{}»; сводная таблица должна совпадать с уровнями разделов",
                            domain.label(),
                            s.label(),
                            l.label()
                        ),
                    ),
                    _ => {}
                }
            }
        }
    }
    let Some(results) = &card.results else { return };
    for domain in Domain::ALL {
        let entry = results
            .dynamics
            .iter()
            .position(|d| d.domain == Some(*domain));
        let missing = match entry {
            None => Some((
                "/support_card/results/dynamics".to_string(),
                "нет строки раздела",
            )),
            Some(i) if results.dynamics[i].level_start.is_none() => Some((
                format!("/support_card/results/dynamics/{i}/level_start"),
                "не отмечен уровень в начале периода",
            )),
            Some(i) if results.dynamics[i].level_end.is_none() => Some((
                format!("/support_card/results/dynamics/{i}/level_end"),
                "не отмечен уровень через 3 месяца",
            )),
            _ => None,
        };
        if let Some((pointer, what)) = missing {
            ctx.error(
                "K-DYNAMICS",
                pointer,
                format!("результативная часть карты, раздел «{}»: {what} — динамика сравнивается по всем шести разделам", domain.label()),
            );
        }
    }
}
