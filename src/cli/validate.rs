//! `okno validate`: check only, as text for a person or JSON lines for a program; with
//! `--annotate`, each spreadsheet handed back with its bad cells marked. Told as the engine
//! goes, case by case (`run::check_each`): a register of any length is never held whole.

use super::args::{Output, ValidateArgs};
use super::term::errln;
use super::{exit, text};
use okno::annotate;
use okno::error::{Error, Result};
use okno::run::{self, Event, FileOutcome, Options};
use okno::validate::Settings;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

pub fn run(args: ValidateArgs, settings: &Settings) -> Result<()> {
    if let Some(dir) = &args.annotate {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Failed(format!("{}: {e}", dir.display())))?;
    }
    let told = Mutex::new(Told {
        out: std::io::BufWriter::new(std::io::stdout()),
        text: String::new(),
        kept: None,
        failed: 0,
    });
    // Inputs and cases come in order, from one thread; the first pass's reading is not shown.
    let sink = |event: Event| {
        let mut guard = told.lock().unwrap_or_else(|e| e.into_inner());
        let t = &mut *guard;
        match event {
            Event::File {
                file,
                cases,
                errors,
                warnings,
            } => {
                if let (Some(done), Some(dir)) = (t.kept.take(), &args.annotate) {
                    t.failed += usize::from(!write_annotated(&done, dir));
                }
                match args.format {
                    Output::Json => {
                        for d in file.unreadable_diagnostic().iter().chain(&file.diagnostics) {
                            t.text.push_str(&d.to_json_line());
                            t.text.push('\n');
                        }
                    }
                    Output::Text => text::file_head(&mut t.text, file, cases, errors, warnings),
                }
                if args.annotate.is_some()
                    && file.unreadable.is_none()
                    && annotate::can_annotate(Path::new(&file.file))
                {
                    t.kept = Some(FileOutcome::head(
                        file.file.clone(),
                        None,
                        file.diagnostics.clone(),
                    ));
                }
            }
            Event::Case(c) => {
                match args.format {
                    Output::Json => {
                        for d in &c.diagnostics {
                            t.text.push_str(&d.to_json_line());
                            t.text.push('\n');
                        }
                    }
                    Output::Text => text::case_problems(&mut t.text, &c),
                }
                if let Some(k) = &mut t.kept {
                    k.cases.push(c);
                }
            }
            Event::Read(..) | Event::Done { .. } => return,
        }
        let _ = t.out.write_all(super::term::shown(&t.text).as_bytes());
        t.text.clear();
    };
    let opts = Options {
        known: known_archive(&args.known)?,
        ..Options::default()
    };
    let totals =
        run::check_each(&args.inputs.inputs, &opts, settings, &sink).map_err(exit::engine)?;
    let mut t = told.into_inner().unwrap_or_else(|e| e.into_inner());
    if let (Some(done), Some(dir)) = (t.kept.take(), &args.annotate) {
        t.failed += usize::from(!write_annotated(&done, dir));
    }
    if args.format == Output::Text {
        text::total(
            &mut t.text,
            totals.files,
            totals.cases,
            totals.errors,
            totals.warnings,
        );
        let _ = t.out.write_all(super::term::shown(&t.text).as_bytes());
    }
    let _ = t.out.flush();
    if t.failed > 0 {
        return Err(Error::Failed(format!(
            "не записано книг с замечаниями: {}",
            t.failed
        )));
    }
    exit::of_check(&totals, true)
}

/// The archive `--archive` names for I-KNOWN: a folder that is not there is a usage error; an
/// archive without its index is told on stderr (the check goes on without I-KNOWN).
pub fn known_archive(known: &super::args::KnownArchive) -> Result<Option<std::path::PathBuf>> {
    let Some(dir) = &known.archive else {
        return Ok(None);
    };
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "папка архива {} не найдена",
            dir.display()
        )));
    }
    if let Err(e) = okno::index::Index::open_read(dir) {
        errln!(
            "{e}: ребенок не сверен с архивом (I-KNOWN); создайте указатель: okno index --archive {}",
            dir.display()
        );
    }
    Ok(Some(dir.clone()))
}

/// What is told so far: the text not yet printed, the input being told (whole, when it is to
/// be handed back annotated), the annotated books not written.
struct Told {
    out: std::io::BufWriter<std::io::Stdout>,
    text: String,
    kept: Option<FileOutcome>,
    failed: usize,
}

/// `<dir>/<имя>-замечания.xlsx` for a readable spreadsheet; false when it could not be written
/// (told on stderr).
fn write_annotated(f: &FileOutcome, dir: &Path) -> bool {
    let input = Path::new(&f.file);
    let path = dir.join(annotate::annotated_name(input));
    let written = annotate::annotate(input, &annotate::remarks_of(f))
        .map(|b| okno::files::write_if_changed(&path, &b));
    match written {
        Ok(Ok(_)) => {
            errln!("записана книга с замечаниями: {}", path.display());
            true
        }
        Ok(Err(e)) => {
            errln!("{}: {e}", f.file);
            false
        }
        Err(e) => {
            errln!("{}: {e}", f.file);
            false
        }
    }
}
