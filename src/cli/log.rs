//! `okno log`: a log of the procedure over an archive.

use super::args::{LogArgs, LogKind};
use super::term::outln;
use okno::error::Result;
use okno::forms;
use okno::report;

pub fn run(args: LogArgs) -> Result<()> {
    let kind = match args.kind {
        LogKind::Detection => forms::LogKind::Detection,
        LogKind::Intake => forms::LogKind::Intake,
    };
    let territory = report::territory_arg(args.territory.territory.as_deref())?;
    let done = report::run_log(
        kind,
        &args.scope.archive.archive,
        args.scope.period.from,
        args.scope.period.to,
        &args.output,
        territory.as_ref(),
    )?;
    let written = super::exit::print_written(&done.written);
    outln!("в журнале записей: {}", done.entries);
    written
}
