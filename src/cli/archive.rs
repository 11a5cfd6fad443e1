//! `okno archive`: every case without errors into the archive; an unchanged one is left as
//! it is, a changed one gets the next version.

use super::args::ArchiveArgs;
use super::term::out;
use super::{exit, text};
use okno::error::Result;
use okno::render::Format;
use okno::run::{self, Options};
use okno::validate::Settings;

pub fn run(args: ArchiveArgs, settings: &Settings) -> Result<()> {
    let root = args.archive.archive;
    let opts = Options {
        archive: Some(root.clone()),
        formats: vec![Format::Pdf, Format::Docx],
        jobs: args.jobs.jobs,
        ..Options::default()
    };
    let outcome =
        run::run(&args.inputs.inputs, &opts, settings, &run::quiet).map_err(exit::engine)?;
    out!("{}", text::checks(&outcome.files));
    out!("{}", text::archived(&outcome, &root));
    exit::of_run(&outcome, true)
}
