//! `okno quarter`: the quarterly monitoring run over an archive.

use super::args::QuarterArgs;
use super::term::outln;
use okno::error::Result;
use okno::validate::Settings;

pub fn run(args: QuarterArgs, settings: &Settings) -> Result<()> {
    let q = okno::report::run_quarter(
        &args.quarter,
        &args.archive.archive,
        &args.output,
        settings.today,
        args.territory.territory.as_deref(),
    )?;
    let written = super::exit::print_written(&q.written);
    outln!(
        "{}: извещений поступило {}, ожидают «Единого окна» {} (срок D-SW-3 просрочен: {}), направлено с нарушением срока (D-NOTIFY-1): {}; случаев в работе {}, файлов мониторинга {}; мониторинг просрочен: {}, срок в квартале: {}; других нарушенных сроков: {}",
        q.label,
        q.counts.received,
        q.counts.waiting,
        q.counts.sw_overdue,
        q.counts.late,
        q.counts.active,
        q.forms,
        q.counts.overdue,
        q.counts.due,
        q.counts.missed
    );
    written
}
