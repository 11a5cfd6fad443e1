//! `okno verify`: a full fixity check of each bag named, or of every bag of an archive.

use super::args::VerifyArgs;
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
    if invalid > 0 {
        Err(Error::Invalid(format!("пакетов с нарушениями: {invalid}")))
    } else {
        Ok(())
    }
}
