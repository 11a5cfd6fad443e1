//! `okno validate`: check only, as text for a person or JSON lines for a program.

use super::args::{Output, ValidateArgs};
use okno::error::Result;
use okno::run::{self, Options};
use okno::validate::Settings;

pub fn run(args: ValidateArgs, settings: &Settings) -> Result<()> {
    let outcome = run::run(
        &args.inputs.inputs,
        &Options::default(),
        settings,
        &|_, _, _| {},
    )?;
    match args.format {
        Output::Json => {
            for f in &outcome.files {
                for d in f.unreadable_diagnostic().iter().chain(f.all_diagnostics()) {
                    println!("{}", d.to_json_line());
                }
            }
        }
        Output::Text => print!("{}", run::text::checks(&outcome.files)),
    }
    outcome.verdict(true)
}
