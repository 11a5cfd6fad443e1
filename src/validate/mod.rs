//! Validation: `&Case -> Vec<Diagnostic>`, pure, one function per group of rules of
//! `docs/RULES.md`, each diagnostic carrying the rule's ID. Deadlines are computed
//! against the run's date (`--today`), never the clock read here.

mod across_inputs;
mod card;
mod chars;
mod ctx;
mod deadlines;
mod input;
mod notification;
mod plans;
mod routing;

use crate::diagnostic::Diagnostic;
use crate::model::{Case, Date};
use chrono::NaiveDate;
use ctx::Ctx;

pub use across_inputs::{CaseKey, ChildKey, duplicates, run_wide, same_id};
pub use deadlines::{Due, active_on, dated_breaches, dues, ended, next_monitoring, watched};
pub use input::{case_id_fold, case_id_is_safe};

/// Every rule ID this validator can report, with its severity as RULES.md gives it, plus
/// the input-format checks (I-FORMAT, I-OPTION) that are not rules of the procedure.
pub const RULES: &[(&str, &str)] = &[
    (
        "D-DIAG-3",
        "первичная диагностика в течение 3 дней с момента выявления",
    ),
    (
        "D-NOTIFY-1",
        "извещение в «Единое окно» в течение 1 дня после первичной диагностики; без даты диагностики — в течение 4 дней с выявления",
    ),
    (
        "D-SW-3",
        "проверка и определение уровня риска «Единым окном» в течение 3 дней",
    ),
    (
        "D-CARD-20",
        "части I–II ККСС в течение 20 дней с открытия случая",
    ),
    (
        "D-CONSILIUM-10",
        "рассмотрение карты на консилиуме в течение 10 дней",
    ),
    ("D-MONITOR-3M", "мониторинг не реже 1 раза в 3 месяца"),
    ("D-PLAN-3M", "план составляется на 3 месяца"),
    (
        "D-MINUTES-10",
        "протокол консилиума направляется членам в течение 10 дней",
    ),
    (
        "R-LOW",
        "низкий уровень: случай не открывается, план ведомственных мероприятий",
    ),
    (
        "R-OPEN",
        "средний и высокий уровень: открытие случая и куратор",
    ),
    ("R-THREAT", "угроза жизни: куратор, ООиП и МВД"),
    (
        "R-CONSISTENT",
        "уровень риска согласуется с оценками (проверка согласованности)",
    ),
    ("N-REQUIRED", "обязательные поля извещения"),
    (
        "N-TERRITORY",
        "территория случая указана и есть в каталоге территорий",
    ),
    ("N-SEX", "пол: ровно один из М / Ж"),
    ("N-SIGNAL", "проверка сигнала: один из трех вариантов"),
    ("N-PRIMARY", "первичная оценка и специалист"),
    (
        "N-HOUSING-ACT",
        "акт ЖБУ прилагают только специалисты КЦСОН и ООиП",
    ),
    ("N-MINOR", "ребенку нет 18 лет на дату извещения"),
    ("N-DATES", "порядок дат извещения, даты не в будущем"),
    ("A-REASON", "причина для каждого «+», кроме п. 1 критерия"),
    (
        "A-MEDICAL",
        "все 7 критериев заполнены (медработникам — 1–2)",
    ),
    (
        "A-NORM-CONFLICT",
        "норма (п. 1) отмечена вместе с другим показателем",
    ),
    (
        "A-FILLER",
        "оценку заполняет специалист, регулярно контактирующий с ребенком",
    ),
    (
        "C-LEVEL",
        "в заключении отмечен ровно один из четырех уровней",
    ),
    (
        "C-BASIS",
        "заключение называет показатели и факторы, на которые опирается",
    ),
    (
        "P-ROWS",
        "строка плана: задача, мероприятия, срок в периоде, ответственный",
    ),
    ("P-BASIS", "задачи плана следуют из выявленных проблем"),
    ("M-KIND", "вид мониторинга и уровень риска"),
    ("M-BASIS", "основание мониторинга: решение или назначение"),
    ("M-TASKS", "результат по каждой задаче планового периода"),
    (
        "H-INCOME",
        "среднедушевой доход = доход семьи / число членов",
    ),
    ("K-DOMAINS", "уровень дисфункции по всем шести разделам"),
    (
        "K-DYNAMICS",
        "динамика по всем шести разделам в результативной части",
    ),
    ("I-NAME", "ФИО: фамилия и имя обязательны"),
    (
        "I-DATE",
        "даты — настоящие календарные даты, не угадываются",
    ),
    ("I-PHONE", "телефон — российский номер"),
    (
        "I-CHAR",
        "в тексте только знаки, которые форма может напечатать",
    ),
    (
        "I-DOC-DATE",
        "у каждого документа, из которого составляется форма, есть дата",
    ),
    ("I-UNKNOWN", "неизвестный лист, столбец или поле"),
    ("I-DUPLICATE", "повторное извещение о том же ребенке"),
    (
        "I-KNOWN",
        "ребенок из извещения уже известен «Единому окну» (архив): тот же или, возможно, тот же",
    ),
    (
        "I-SAME-ID",
        "один номер случая — из одного входного файла запуска",
    ),
    (
        "I-FORMAT",
        "значение не того вида (число, номер случая, структура файла)",
    ),
    (
        "I-SIZE",
        "входной файл в пределах okno: ячейки, размер, длина текста, вложенность",
    ),
    ("I-OPTION", "значение не из списка формы или каталога"),
    (
        "I-TWICE",
        "показатель, фактор или вопрос отмечен дважды: в форме одна строка на него",
    ),
];

/// The run's settings that checks depend on.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub today: NaiveDate,
}

/// All checks of one case. Diagnostics carry model pointers; the caller locates them.
pub fn validate(case: &Case, settings: &Settings) -> Vec<Diagnostic> {
    run(
        case,
        settings,
        &[
            input::check,
            chars::check,
            notification::check,
            routing::check,
            plans::check,
            card::check,
            deadlines::check,
        ],
    )
}

/// The deadline diagnostics (every D- rule) of one case on the run date: what `validate`
/// gives of them, in its order, without the other checks (the quarter's fold needs no more).
pub fn deadline_diagnostics(case: &Case, settings: &Settings) -> Vec<Diagnostic> {
    run(case, settings, &[deadlines::check])
}

/// The findings of `checks` on one case, in their order.
fn run(case: &Case, settings: &Settings, checks: &[fn(&mut Ctx)]) -> Vec<Diagnostic> {
    let mut ctx = Ctx {
        case,
        today: Date(settings.today),
        out: Vec::new(),
    };
    for check in checks {
        check(&mut ctx);
    }
    ctx.out
}
