//! `okno validate`: check only, as text for a person or JSON lines for a program; with
//! `--annotate`, each spreadsheet handed back with its bad cells marked.

use super::args::{Output, ValidateArgs};
use okno::annotate;
use okno::error::{Error, Result};
use okno::run::{self, Options};
use okno::validate::Settings;
use std::path::Path;

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
    if let Some(dir) = &args.annotate {
        write_annotated(&outcome, dir)?;
    }
    outcome.verdict(true)
}

/// `<dir>/<имя>-замечания.xlsx` for each readable spreadsheet of the run.
fn write_annotated(outcome: &run::Outcome, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Failed(format!("{}: {e}", dir.display())))?;
    let mut failed = 0;
    for f in &outcome.files {
        let input = Path::new(&f.file);
        if f.unreadable.is_some() || !annotate::can_annotate(input) {
            continue;
        }
        let path = dir.join(annotate::annotated_name(input));
        match annotate::annotate(input, &annotate::remarks_of(f))
            .and_then(|b| run::write_if_changed(&path, &b).map_err(|e| e.to_string()))
        {
            Ok(_) => eprintln!("записана книга с замечаниями: {}", path.display()),
            Err(e) => {
                failed += 1;
                eprintln!("{}: {e}", f.file);
            }
        }
    }
    if failed > 0 {
        return Err(Error::Failed(format!(
            "не записано книг с замечаниями: {failed}"
        )));
    }
    Ok(())
}
