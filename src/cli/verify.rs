//! `okno verify`: a full fixity check of each bag named, or of every bag of an archive.

use super::args::{IndexArgs, VerifyArgs};
use super::term::{errln, outln};
use okno::error::{Error, Result};

pub fn run(args: VerifyArgs) -> Result<()> {
    let mut list = args.bags.clone();
    if let Some(root) = &args.archive {
        let found = okno::archive::bags(root);
        if found.is_empty() && list.is_empty() {
            return Err(Error::Usage(format!("в {} нет пакетов", root.display())));
        }
        list.extend(found);
    }
    let mut invalid = 0;
    for bag in &list {
        let report = okno::bagit::verify_bag(bag);
        for w in &report.warnings {
            errln!("{}: предупреждение: {w}", bag.display());
        }
        if report.is_valid() {
            outln!("{}: пакет цел", bag.display());
        } else {
            invalid += 1;
            outln!("{}: пакет НЕ цел", bag.display());
            for e in &report.errors {
                outln!("  {e}");
            }
        }
    }
    outln!(
        "Проверено пакетов: {}, с нарушениями: {invalid}",
        list.len()
    );
    // The index is derived from the bags: it must say what they say.
    let mut disagree = 0;
    if let Some(root) = &args.archive {
        let found =
            okno::archive::index_disagreements(root).map_err(|e| Error::Failed(e.to_string()))?;
        for d in &found {
            outln!("указатель: {d}");
        }
        disagree = found.len();
        if found.is_empty() {
            outln!("Указатель архива совпадает с пакетами");
        } else {
            outln!(
                "Указатель архива расходится с пакетами ({disagree}): пересоздайте его — okno index --archive {}",
                root.display()
            );
        }
    }
    if invalid > 0 {
        Err(Error::Invalid(format!("пакетов с нарушениями: {invalid}")))
    } else if disagree > 0 {
        Err(Error::Invalid(format!(
            "расхождений указателя с пакетами: {disagree}"
        )))
    } else {
        Ok(())
    }
}

/// `okno index`: the archive's index made anew from its bags, with a progress bar.
pub fn index(args: IndexArgs) -> Result<()> {
    if !args.archive.is_dir() {
        return Err(Error::Usage(format!(
            "{} — не папка",
            args.archive.display()
        )));
    }
    let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} версий  {elapsed} (осталось ~{eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let started = std::time::Instant::now();
    let caught = okno::archive::reindex(&args.archive, &|done, total| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    })
    .map_err(|e| Error::Failed(e.to_string()))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let size = std::fs::metadata(args.archive.join(okno::index::FILE)).map_or(0, |m| m.len());
    outln!(
        "Указатель архива создан: версий {}, {:.1} с, {} КБ",
        caught.versions,
        started.elapsed().as_secs_f64(),
        size / 1024
    );
    Ok(())
}
