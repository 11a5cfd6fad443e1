//! `okno render`: the forms of every case without errors (with `--draft`, of the others too)
//! and the two logs, under `ПАПКА/<номер случая>/`.

use super::args::RenderArgs;
use super::term::out;
use super::{exit, text};
use okno::error::{Error, Result};
use okno::run::{self, Options};
use okno::validate::Settings;

pub fn run(args: RenderArgs, settings: &Settings) -> Result<()> {
    if let Some(list) = &args.forms.forms {
        let known = okno::forms::form_codes();
        if let Some(bad) = list.iter().find(|f| !known.contains(&f.as_str())) {
            return Err(Error::Usage(format!(
                "неизвестная форма «{bad}»; формы: {}",
                known.join(", ")
            )));
        }
    }
    let opts = Options {
        known: super::validate::known_archive(&args.known)?,
        out: Some(args.output.clone()),
        formats: args.forms.formats,
        forms: args.forms.forms,
        draft: args.draft.draft,
        jobs: args.jobs.jobs,
        logs: true,
        ..Options::default()
    };
    let outcome =
        run::run(&args.inputs.inputs, &opts, settings, &run::quiet).map_err(exit::engine)?;
    out!("{}", text::checks(&outcome.files));
    out!("{}", text::rendered(&outcome, &args.output));
    exit::of_run(&outcome, true)
}
