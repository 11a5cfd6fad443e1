//! `okno batch`: a folder through the engine on all cores, forms and `отчет.xlsx` in the
//! results folder. A progress bar on a terminal, a line per case otherwise, JSON lines with
//! `--json`. An input that cannot be read is a row of the report, not a failed run (exit 1).

use super::args::BatchArgs;
use super::exit;
use super::report::{self, DRAFT, ERRORS, FAILED, RENDERED, UNREADABLE};
use super::term::{self, outln};
use okno::error::{Error, Result};
use okno::render::Format;
use okno::run::{self, Event, Options};
use okno::validate::Settings;
use std::io::IsTerminal;

pub fn run(args: BatchArgs, settings: &Settings) -> Result<()> {
    if !args.dir.is_dir() {
        return Err(Error::Usage(format!("{} — не папка", args.dir.display())));
    }
    let json = args.json;
    let total = run::expand_inputs(std::slice::from_ref(&args.dir)).len();
    let bar = (!json && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(total as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} файлов  {elapsed} (осталось ~{eta})  {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let sink = |event: Event| {
        let Event::Done {
            file,
            done: n,
            total,
        } = event
        else {
            return;
        };
        for r in report::file_rows(file) {
            if json {
                outln!("{}", serde_json::to_string(&r).unwrap_or_default());
            } else if let Some(b) = &bar {
                b.set_position(n as u64);
                if r.status != RENDERED {
                    b.println(term::shown(&format!(
                        "{} {}: {}",
                        r.file, r.case_id, r.status
                    )));
                }
            } else {
                outln!(
                    "[{n}/{total}] {} {}: {} (ошибок {}, предупреждений {}, форм {})",
                    r.file,
                    r.case_id,
                    r.status,
                    r.errors,
                    r.warnings,
                    r.forms
                );
            }
        }
    };
    let opts = Options {
        out: Some(args.output.clone()),
        formats: vec![Format::Pdf, Format::Docx],
        draft: args.draft.draft,
        jobs: args.jobs.jobs,
        archive: args.archive.clone(),
        ..Options::default()
    };
    let outcome = run::run(std::slice::from_ref(&args.dir), &opts, settings, &sink);
    if let Some(b) = &bar {
        match &outcome {
            Ok(_) => b.finish_and_clear(),
            Err(_) => b.abandon(),
        }
    }
    let mut outcome = outcome.map_err(exit::engine)?;
    let rows = report::rows(&outcome.files);
    let written = report::write(&rows, &args.output);
    if let Err(e) = &written {
        outcome.failures.push(e.to_string());
    }
    for e in &outcome.failures {
        outln!("ошибка записи: {e}");
    }
    if !json {
        let count = |s: &str| rows.iter().filter(|r| r.status == s).count();
        let forms: usize = rows.iter().map(|r| r.forms).sum();
        outln!(
            "Итого за {:.1} с: случаев оформлено {}, с ошибками {}, черновиков {}, файлов не читается {}, сбоев записи {}; форм {}. Отчет: {}",
            outcome.seconds,
            count(RENDERED),
            count(ERRORS),
            count(DRAFT),
            count(UNREADABLE),
            count(FAILED),
            forms,
            written.map_or("не записан".into(), |p| p.display().to_string())
        );
    }
    exit::of_run(&outcome, false)
}
