//! `okno export`: the bags of a period as one bag in a tar file, for the regional archive.

use super::args::ExportArgs;
use super::term::outln;
use okno::error::{Error, Result};
use okno::validate::Settings;

pub fn run(args: ExportArgs, settings: &Settings) -> Result<()> {
    let e = okno::archive::export(
        &args.scope.archive.archive,
        args.scope.period.from.map(|d| d.0),
        args.scope.period.to.map(|d| d.0),
        &args.output,
        settings.today,
    )
    .map_err(|e| Error::Failed(e.to_string()))?;
    outln!(
        "выгружено пакетов: {} ({:.1} МБ) в {}",
        e.bags.len(),
        e.bytes as f64 / 1e6,
        args.output.display()
    );
    Ok(())
}
