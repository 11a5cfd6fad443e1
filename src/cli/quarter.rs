//! `okno quarter`: the quarterly monitoring run over an archive.

use super::args::QuarterArgs;
use okno::error::Result;
use okno::validate::Settings;

pub fn run(args: QuarterArgs, settings: &Settings) -> Result<()> {
    let q = okno::periodic::quarter(
        &args.quarter,
        &args.archive.archive,
        &args.output,
        settings.today,
    )?;
    let written = super::print_written(&q.written);
    println!(
        "{}: случаев в работе {}, файлов мониторинга {}; мониторинг просрочен: {}, срок в квартале: {}; других нарушенных сроков: {}",
        q.label, q.active, q.forms, q.overdue, q.due, q.missed
    );
    written
}
