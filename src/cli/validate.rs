//! `okno validate`: check only, as text for a person or JSON lines for a program; with
//! `--annotate`, each spreadsheet handed back with its bad cells marked. Told as the engine
//! goes, case by case (`run::check_each`): a register of any length is never held whole.

use super::args::{Output, ValidateArgs};
use super::term::errln;
use okno::annotate;
use okno::error::{Error, Result};
use okno::run::{self, Checked, FileOutcome, Options};
use okno::validate::Settings;
use std::io::Write;
use std::path::Path;

pub fn run(args: ValidateArgs, settings: &Settings) -> Result<()> {
    if let Some(dir) = &args.annotate {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Failed(format!("{}: {e}", dir.display())))?;
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut text = String::new();
    // The input being told, whole, when it is to be handed back annotated.
    let mut kept: Option<FileOutcome> = None;
    let mut failed = 0;
    let mut each = |checked: Checked| {
        match checked {
            Checked::File {
                file,
                cases,
                errors,
                warnings,
            } => {
                if let (Some(done), Some(dir)) = (kept.take(), &args.annotate) {
                    failed += usize::from(!write_annotated(&done, dir));
                }
                match args.format {
                    Output::Json => {
                        for d in file.unreadable_diagnostic().iter().chain(&file.diagnostics) {
                            text.push_str(&d.to_json_line());
                            text.push('\n');
                        }
                    }
                    Output::Text => run::text::file_head(&mut text, file, cases, errors, warnings),
                }
                if args.annotate.is_some()
                    && file.unreadable.is_none()
                    && annotate::can_annotate(Path::new(&file.file))
                {
                    kept = Some(FileOutcome {
                        file: file.file.clone(),
                        unreadable: None,
                        diagnostics: file.diagnostics.clone(),
                        cases: Vec::new(),
                    });
                }
            }
            Checked::Case(c) => {
                match args.format {
                    Output::Json => {
                        for d in &c.diagnostics {
                            text.push_str(&d.to_json_line());
                            text.push('\n');
                        }
                    }
                    Output::Text => run::text::case_problems(&mut text, &c),
                }
                if let Some(k) = &mut kept {
                    k.cases.push(c);
                }
            }
        }
        let _ = out.write_all(super::term::shown(&text).as_bytes());
        text.clear();
    };
    let totals = run::check_each(
        &args.inputs.inputs,
        &Options::default(),
        settings,
        &mut each,
    )?;
    if let (Some(done), Some(dir)) = (kept.take(), &args.annotate) {
        failed += usize::from(!write_annotated(&done, dir));
    }
    if args.format == Output::Text {
        run::text::total(
            &mut text,
            totals.files,
            totals.cases,
            totals.errors,
            totals.warnings,
        );
        let _ = out.write_all(super::term::shown(&text).as_bytes());
    }
    let _ = out.flush();
    if failed > 0 {
        return Err(Error::Failed(format!(
            "не записано книг с замечаниями: {failed}"
        )));
    }
    totals.verdict(true)
}

/// `<dir>/<имя>-замечания.xlsx` for a readable spreadsheet; false when it could not be written
/// (told on stderr).
fn write_annotated(f: &FileOutcome, dir: &Path) -> bool {
    let input = Path::new(&f.file);
    let path = dir.join(annotate::annotated_name(input));
    match annotate::annotate(input, &annotate::remarks_of(f))
        .and_then(|b| okno::files::write_if_changed(&path, &b).map_err(|e| e.to_string()))
    {
        Ok(_) => {
            errln!("записана книга с замечаниями: {}", path.display());
            true
        }
        Err(e) => {
            errln!("{}: {e}", f.file);
            false
        }
    }
}
