//! `okno demo`: the bundled fixtures (cases and register) checked and rendered into the
//! output folder, with the logs and both blank workbooks — the main job on a fresh machine.

use super::args::DemoArgs;
use super::term::{out, outln};
use super::{exit, text};
use okno::error::{Error, Result};
use okno::render::Format;
use okno::run::{self, Options};
use okno::validate::Settings;
use std::path::PathBuf;

pub fn run(args: DemoArgs, settings: &Settings) -> Result<()> {
    let inputs: Vec<PathBuf> = ["cases", "register"]
        .iter()
        .map(|d| args.fixtures.join(d))
        .filter(|p| p.exists())
        .collect();
    if inputs.is_empty() {
        return Err(Error::Usage(format!(
            "нет папки с примерами {}",
            args.fixtures.display()
        )));
    }
    let opts = Options {
        out: Some(args.output.clone()),
        formats: vec![Format::Pdf, Format::Docx],
        jobs: args.jobs.jobs,
        logs: true,
        ..Options::default()
    };
    let outcome = run::run(&inputs, &opts, settings, &run::quiet).map_err(exit::engine)?;
    out!("{}", text::checks(&outcome.files));
    out!("{}", text::rendered(&outcome, &args.output));
    okno::workbooks::write_blanks(&args.output)?;
    outln!(
        "Документы оформлены за {:.1} с; шаблоны книги случая и реестра — в {}",
        outcome.seconds,
        args.output.display()
    );
    exit::of_run(&outcome, true)
}
