//! Deadlines of the procedure (seed 000): D-* rules. Calendar days; every message gives the
//! due date and the days over it. A step not yet taken is overdue only once the run date
//! (`--today`) is past its due date.

use super::ctx::{Ctx, days};
use crate::model::{Date, MonitoringKind};
use chrono::{Days, Months};

fn plus_days(d: Date, n: u64) -> Date {
    Date(d.0.checked_add_days(Days::new(n)).unwrap_or(d.0))
}

pub(crate) fn plus_months(d: Date, n: u32) -> Date {
    Date(d.0.checked_add_months(Months::new(n)).unwrap_or(d.0))
}

/// One deadline of a case: `what` was due by `due` (counted as `from` says); done on `done`,
/// if at all. `pending`: a step not done yet is overdue once the run date passes `due`;
/// `while_active`: only while the work with the family goes on (the next monitoring).
/// The D- rules warn from these, and the archive's index keeps the pending ones (the
/// deadlines page), so both say the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub rule: &'static str,
    pub pointer: String,
    pub what: String,
    pub from: String,
    pub due: Date,
    pub done: Option<Date>,
    pub pending: bool,
    pub while_active: bool,
}

/// The warning a deadline gives on `today`, if any.
fn deadline(ctx: &mut Ctx, d: &Due) {
    let Due {
        rule,
        pointer,
        what,
        from,
        due,
        ..
    } = d;
    match d.done {
        Some(done) if done > *due => ctx.warning(
            rule,
            pointer,
            format!(
                "{what}: срок — {due} ({from}), выполнено {done}, просрочка {} дн.",
                days(*due, done)
            ),
        ),
        None if d.pending && ctx.today > *due => ctx.warning(
            rule,
            pointer,
            format!(
                "{what}: нет сведений о выполнении, срок истёк {due} ({from}); на {} просрочка {} дн.",
                ctx.today,
                days(*due, ctx.today)
            ),
        ),
        _ => {}
    }
}

/// Collects a case's deadlines.
struct Dues(Vec<Due>);

impl Dues {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        rule: &'static str,
        pointer: &str,
        what: &str,
        from: &str,
        due: Date,
        done: Option<Date>,
        pending: bool,
    ) {
        self.0.push(Due {
            rule,
            pointer: pointer.to_string(),
            what: what.to_string(),
            from: from.to_string(),
            due,
            done,
            pending,
            while_active: false,
        });
    }
}

pub(crate) fn check(ctx: &mut Ctx) {
    let dues = dues(ctx.case);
    let today = ctx.today;
    let (monitoring, steps): (Vec<&Due>, Vec<&Due>) =
        dues.iter().partition(|d| d.rule == "D-MONITOR-3M");
    for d in steps {
        deadline(ctx, d);
    }
    plan_period(ctx);
    for d in monitoring {
        if !d.while_active || active_on(ctx.case, today) {
            deadline(ctx, d);
        }
    }
}

/// Every deadline of a case, done or not, in the order the rules check them.
pub fn dues(case: &crate::model::Case) -> Vec<Due> {
    let mut out = Dues(Vec::new());
    steps(case, &mut out);
    monitoring(case, &mut out);
    out.0
}

fn steps(case: &crate::model::Case, ctx: &mut Dues) {
    let concluded = case.conclusion.is_some();
    if let Some(n) = &case.notification {
        // D-DIAG-3: primary diagnostics within 3 days of detection. A missing assessment is
        // overdue only when the notification itself says none was made: a register row
        // cannot hold the assessments, and «проведена» means they exist elsewhere.
        let not_done = n.primary_assessment == Some(crate::model::PrimaryAssessment::NotDone);
        if let Some(det) = n.detection_date {
            let from = format!("3 дня с даты выявления {det}");
            let due = plus_days(det, 3);
            let child = case.child_assessment.as_ref().map(|a| a.date);
            let family = case.family_assessment.as_ref().map(|a| a.date);
            ctx.add(
                "D-DIAG-3",
                "/child_assessment/date",
                "Оценка показателей неблагополучия ребенка",
                &from,
                due,
                child.flatten(),
                not_done && !concluded,
            );
            ctx.add(
                "D-DIAG-3",
                "/family_assessment/date",
                "Оценка факторов риска семейного неблагополучия",
                &from,
                due,
                family.flatten(),
                not_done && !concluded,
            );
        }
        // D-NOTIFY-1: notification within 1 day after the primary diagnostics.
        let diag = [
            case.child_assessment.as_ref().and_then(|a| a.date),
            case.family_assessment.as_ref().and_then(|a| a.date),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(diag) = diag {
            ctx.add(
                "D-NOTIFY-1",
                "/notification/date_sent",
                "Извещение в «Единое окно»",
                &format!("1 день после первичной диагностики {diag}"),
                plus_days(diag, 1),
                n.date_sent,
                true,
            );
        } else if let Some(det) = n.detection_date {
            // The chained deadline: without a diagnostics date (a detection log, a register
            // row) the two first steps together take at most 3 + 1 days from the detection.
            // A notification not sent yet is N-REQUIRED's business, not a deadline's.
            ctx.add(
                "D-NOTIFY-1",
                "/notification/date_sent",
                "Извещение в «Единое окно»",
                &format!(
                    "4 дня с даты выявления {det}: 3 дня на первичную диагностику и 1 день на извещение; даты диагностики нет"
                ),
                plus_days(det, 4),
                n.date_sent,
                false,
            );
        }
        // D-SW-3: the single window sets the level within 3 days of receipt. Without a
        // conclusion, it is overdue only if the single window's receipt date is recorded:
        // an agency's register knows the notification, not what the single window did.
        let received = n
            .date_received
            .or(n.date_sent.filter(|_| case.conclusion.is_some()));
        if let Some(received) = received {
            ctx.add(
                "D-SW-3",
                "/conclusion/date",
                "Заключение «Единого окна» об уровне риска",
                &format!("3 дня с поступления извещения {received}"),
                plus_days(received, 3),
                case.conclusion.as_ref().and_then(|c| c.date),
                true,
            );
        }
    }
    let opens = case.risk_level().is_some_and(|l| l.opens_case());
    let opened = case.case_opening.as_ref().and_then(|o| o.date);
    let card_done = case.support_card.as_ref().and_then(|c| c.completed);
    // D-CARD-20: parts I–II of the card within 20 days of the opening.
    if let (true, Some(opened)) = (opens, opened) {
        ctx.add(
            "D-CARD-20",
            "/support_card/completed",
            "Заполнение частей I–II карты комплексного сопровождения семьи",
            &format!("20 дней с открытия случая {opened}"),
            plus_days(opened, 20),
            card_done,
            true,
        );
    }
    // D-CONSILIUM-10: the card goes to the territorial consilium within 10 days.
    if let (true, Some(done)) = (opens, card_done) {
        let first = case
            .consilium
            .iter()
            .filter_map(|c| c.date)
            .filter(|d| *d >= done)
            .min();
        ctx.add(
            "D-CONSILIUM-10",
            "/consilium",
            "Рассмотрение карты на территориальном консилиуме",
            &format!("10 дней с заполнения карты {done}"),
            plus_days(done, 10),
            first,
            true,
        );
    }
    // D-MINUTES-10: minutes sent to the members within 10 calendar days (App. 11, 4.7).
    for (i, c) in case.consilium.iter().enumerate() {
        if let Some(date) = c.date {
            ctx.add(
                "D-MINUTES-10",
                &format!("/consilium/{i}/minutes_sent"),
                &format!(
                    "Направление протокола консилиума № {} членам консилиума",
                    c.number.as_deref().unwrap_or("?")
                ),
                &format!("10 календарных дней с заседания {date}"),
                plus_days(date, 10),
                c.minutes_sent,
                true,
            );
        }
    }
}

/// Deadlines the deadlines page watches but no D- rule warns about: a plan's end (D-PLAN-3M:
/// by then a new plan, or the case's end), and a notification waiting for the single window
/// counted from the date it was sent when the receipt was not recorded (D-SW-3 counts from
/// the receipt, and warns only then). Pending while the case is not ended.
pub fn watched(case: &crate::model::Case) -> Vec<Due> {
    let mut out = Dues(Vec::new());
    if let Some(n) = &case.notification
        && n.date_received.is_none()
        && case.conclusion.is_none()
        && let Some(sent) = n.date_sent
    {
        out.add(
            "D-SW-3",
            "/conclusion/date",
            "Заключение «Единого окна» об уровне риска",
            &format!(
                "3 дня с отправки извещения {sent}: дата поступления в «Единое окно» не записана"
            ),
            plus_days(sent, 3),
            None,
            true,
        );
    }
    let plans = [
        (
            case.departmental_plan.as_ref().map(|p| (p.from, p.to)),
            "/departmental_plan/to",
            "Пересмотр плана ведомственных мероприятий: его период заканчивается",
        ),
        (
            case.support_card
                .as_ref()
                .and_then(|c| c.plan.as_ref())
                .map(|p| (p.from, p.to)),
            "/support_card/plan/to",
            "Пересмотр индивидуального плана: его период заканчивается",
        ),
    ];
    for (period, pointer, what) in plans {
        if let Some((from, Some(to))) = period {
            let from = from.map(|f| format!("с {f} ")).unwrap_or_default();
            out.add(
                "D-PLAN-3M",
                pointer,
                what,
                &format!("период плана {from}по {to}"),
                to,
                None,
                true,
            );
        }
    }
    for d in &mut out.0 {
        d.while_active = true;
    }
    out.0
}

/// D-PLAN-3M: a plan covers 3 months.
fn plan_period(ctx: &mut Ctx) {
    let case = ctx.case;
    let mut plans = Vec::new();
    if let Some(p) = &case.departmental_plan {
        plans.push((
            "/departmental_plan",
            "План ведомственных мероприятий",
            p.from,
            p.to,
        ));
    }
    if let Some(p) = case.support_card.as_ref().and_then(|c| c.plan.as_ref()) {
        plans.push(("/support_card/plan", "Индивидуальный план", p.from, p.to));
    }
    for (base, what, from, to) in plans {
        match (from, to) {
            (Some(from), Some(to)) if to < from => ctx.error(
                "D-PLAN-3M",
                format!("{base}/to"),
                format!("{what}: конец периода {to} раньше начала {from}"),
            ),
            (Some(from), Some(to)) if to != plus_months(from, 3) => ctx.warning(
                "D-PLAN-3M",
                format!("{base}/to"),
                format!(
                    "{what} составляется на 3 месяца: с {from} до {}, а указано до {to} ({} дн. разницы)",
                    plus_months(from, 3),
                    days(plus_months(from, 3), to)
                ),
            ),
            (None, _) => ctx.error("D-PLAN-3M", format!("{base}/from"), format!("{what}: не указано начало периода планирования «с»")),
            (_, None) => ctx.error("D-PLAN-3M", format!("{base}/to"), format!("{what}: не указан конец периода планирования «до»")),
            _ => {}
        }
    }
}

/// The date the work with the family started: the case opening, or the departmental plan.
pub(crate) fn work_start(case: &crate::model::Case) -> Option<Date> {
    case.case_opening
        .as_ref()
        .and_then(|o| o.date)
        .or(case.departmental_plan.as_ref().and_then(|p| p.from))
}

/// When the work with a case ended, if it did: its closure or its final monitoring.
pub fn ended(case: &crate::model::Case) -> Option<Date> {
    let closed = case.closure.as_ref().and_then(|c| c.date);
    let final_m = case
        .monitoring
        .iter()
        .filter(|m| m.kind == Some(MonitoringKind::Final))
        .filter_map(|m| m.date)
        .min();
    [closed, final_m].into_iter().flatten().min()
}

/// Whether a case (or a departmental plan) is active on a date: started, not closed, no final
/// monitoring before it.
pub fn active_on(case: &crate::model::Case, day: Date) -> bool {
    let Some(start) = work_start(case) else {
        return false;
    };
    start <= day && ended(case).is_none_or(|e| e > day)
}

/// When the next monitoring is due: 3 months from the newest dated monitoring, or from the
/// start of the work before any; None before the work started. Whether it is still owed on a
/// day depends on the work not having ended by then (`ended`).
pub fn next_monitoring(case: &crate::model::Case) -> Option<Date> {
    let start = work_start(case)?;
    let last = case
        .monitoring
        .iter()
        .filter_map(|m| m.date)
        .max()
        .unwrap_or(start)
        .max(start);
    last.0.checked_add_months(Months::new(3)).map(Date)
}

/// The rules of a case's D- diagnostics that hold on any run date: a step done after its due
/// date, a plan period that is not 3 months. With its pending dues (`dues`, not done) past the
/// run date they are every D- diagnostic `validate` gives, so the archive's index counts a
/// quarter's missed deadlines without reading the bags.
pub fn dated_breaches(case: &crate::model::Case) -> Vec<&'static str> {
    let mut ctx = Ctx {
        case,
        // Before every due date: no pending step is overdue yet.
        today: Date(chrono::NaiveDate::MIN),
        out: Vec::new(),
    };
    check(&mut ctx);
    ctx.out.into_iter().map(|d| d.rule).collect()
}

/// D-MONITOR-3M: monitoring at least once every 3 months while the work goes on.
fn monitoring(case: &crate::model::Case, ctx: &mut Dues) {
    let Some(start) = work_start(case) else {
        return;
    };
    let mut dated: Vec<(usize, Date)> = case
        .monitoring
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.date.map(|d| (i, d)))
        .collect();
    dated.sort_by_key(|(_, d)| *d);
    let mut last = start;
    let mut last_what = format!("начала работы {start}");
    for (i, d) in &dated {
        let due = plus_months(last, 3);
        ctx.add(
            "D-MONITOR-3M",
            &format!("/monitoring/{i}/date"),
            "Мониторинг",
            &format!("3 месяца с {last_what}"),
            due,
            Some(*d),
            false,
        );
        last = *d;
        last_what = format!("предыдущего мониторинга {d}");
    }
    // The next one, due while the work goes on (`check` asks `active_on` the run date).
    ctx.add(
        "D-MONITOR-3M",
        "/monitoring",
        "Очередной мониторинг",
        &format!("3 месяца с {last_what}"),
        plus_months(last, 3),
        None,
        true,
    );
    if let Some(next) = ctx.0.last_mut() {
        next.while_active = true;
    }
}
