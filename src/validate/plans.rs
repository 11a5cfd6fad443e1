//! Plans (departmental and individual) and monitoring: P-* and M-* rules.

use super::ctx::{Ctx, blank};
use crate::model::{Date, PlanRow, RiskLevel};
use crate::text::fold;

pub(crate) fn check(ctx: &mut Ctx) {
    let case = ctx.case;
    if let Some(p) = &case.departmental_plan {
        rows(ctx, "/departmental_plan", &p.rows, p.from, p.to, false);
        if p.rows.is_empty() {
            ctx.warning(
                "P-BASIS",
                "/departmental_plan/rows",
                "в плане ведомственных мероприятий нет задач: задачи планируются по выявленным показателям неблагополучия ребенка и факторам риска",
            );
        }
        if blank(&p.problems) {
            ctx.warning(
                "P-BASIS",
                "/departmental_plan/problems",
                "не заполнены «Выявленные проблемы семьи», из которых следуют задачи плана",
            );
        }
    }
    if let Some(card) = &case.support_card
        && let Some(plan) = &card.plan
    {
        rows(
            ctx,
            "/support_card/plan",
            &plan.rows,
            plan.from,
            plan.to,
            true,
        );
        for d in &card.domains {
            let (Some(domain), Some(level)) = (d.domain, d.level) else {
                continue;
            };
            if level >= RiskLevel::Medium && !plan.rows.iter().any(|r| r.domain == Some(domain)) {
                ctx.warning(
                        "P-BASIS",
                        "/support_card/plan/rows",
                        format!(
                            "раздел «{}» оценен как «{}», но в индивидуальном плане нет задачи по этому направлению",
                            domain.label(),
                            level.label()
                        ),
                    );
            }
        }
    }
    monitoring(ctx);
}

fn rows(
    ctx: &mut Ctx,
    base: &str,
    rows: &[PlanRow],
    from: Option<Date>,
    to: Option<Date>,
    individual: bool,
) {
    for (i, r) in rows.iter().enumerate() {
        let p = format!("{base}/rows/{i}");
        let n = i + 1;
        let mut missing = Vec::new();
        if individual && r.domain.is_none() {
            missing.push(("domain", "направление работы"));
        }
        if blank(&r.task) {
            missing.push(("task", "задача"));
        }
        if blank(&r.measures) {
            missing.push(("measures", "мероприятия"));
        }
        if r.deadline.is_none() {
            missing.push(("deadline", "срок"));
        }
        if blank(&r.responsible) {
            missing.push(("responsible", "ответственные"));
        }
        for (field, what) in missing {
            ctx.error(
                "P-ROWS",
                format!("{p}/{field}"),
                format!("строка {n} плана: не указано — {what}"),
            );
        }
        // An inverted period is D-PLAN-3M's error; every row would be "outside" it.
        let inverted = matches!((from, to), (Some(f), Some(t)) if t < f);
        if let Some(d) = r.deadline.filter(|_| !inverted) {
            let before = from.is_some_and(|f| d < f);
            let after = to.is_some_and(|t| d > t);
            if before || after {
                ctx.error(
                    "P-ROWS",
                    format!("{p}/deadline"),
                    format!(
                        "строка {n} плана: срок {d} вне периода планирования {} — {}",
                        from.map(|d| d.ru()).unwrap_or_else(|| "?".into()),
                        to.map(|d| d.ru()).unwrap_or_else(|| "?".into())
                    ),
                );
            }
        }
    }
}

fn monitoring(ctx: &mut Ctx) {
    let case = ctx.case;
    let plan_rows: Vec<&PlanRow> = case
        .support_card
        .as_ref()
        .and_then(|c| c.plan.as_ref())
        .map(|p| p.rows.iter().collect())
        .or_else(|| {
            case.departmental_plan
                .as_ref()
                .map(|p| p.rows.iter().collect())
        })
        .unwrap_or_default();
    for (i, m) in case.monitoring.iter().enumerate() {
        let p = format!("/monitoring/{i}");
        let n = i + 1;
        if m.kind.is_none() {
            ctx.error(
                "M-KIND",
                format!("{p}/kind"),
                format!("мониторинг {n}: не указан вид — «промежуточный» или «заключительный»"),
            );
        }
        if m.risk_level.is_none() {
            ctx.error(
                "M-KIND",
                format!("{p}/risk_level"),
                format!("мониторинг {n}: не отмечен уровень риска (нет риска, низкий, средний, высокий, угроза жизни)"),
            );
        }
        let decision = !blank(&m.decision_number) && m.decision_date.is_some();
        if !decision && blank(&m.assignment) {
            ctx.error(
                "M-BASIS",
                format!("{p}/decision_number"),
                format!(
                    "мониторинг {n}: не указано основание работы — решение (№ и дата) об открытии «случая» или назначение органа ответственным за работу с семьей"
                ),
            );
        }
        for (j, t) in m.tasks.iter().enumerate() {
            if blank(&t.result) {
                ctx.warning(
                    "M-TASKS",
                    format!("{p}/tasks/{j}/result"),
                    format!(
                        "мониторинг {n}: по задаче «{}» не указан достигнутый результат",
                        t.task.trim()
                    ),
                );
            }
        }
        // Tasks of the plan due by the monitoring date must be reported.
        if let Some(date) = m.date {
            for r in &plan_rows {
                let (Some(task), Some(deadline)) = (r.task.as_deref(), r.deadline) else {
                    continue;
                };
                if deadline <= date && !m.tasks.iter().any(|t| fold(&t.task) == fold(task)) {
                    ctx.warning(
                        "M-TASKS",
                        format!("{p}/tasks"),
                        format!("мониторинг {n}: нет результата по задаче плана «{}» со сроком {deadline}", task.trim()),
                    );
                }
            }
        }
    }
}
