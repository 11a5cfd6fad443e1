//! The subcommands, one file each (xsv's shape): each turns its arguments into a call of the
//! library and prints what came of it. Their errors go back to `main`, which prints them once.

pub mod archive;
pub mod args;
pub mod batch;
pub mod demo;
pub mod export;
pub mod layout;
pub mod log;
pub mod quarter;
pub mod render;
pub mod schema;
pub mod serve;
pub mod template;
pub mod term;
pub mod user;
pub mod validate;
pub mod verify;

use okno::error::{Error, Result};
use okno::report::Written;
use term::outln;

/// «записан …» for each file in place, «ошибка записи: …» for each that is not.
fn print_written(w: &Written) -> Result<()> {
    for f in &w.files {
        outln!("записан {}", f.display());
    }
    for e in &w.failures {
        outln!("ошибка записи: {e}");
    }
    if w.failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed(format!(
            "не записано файлов: {}",
            w.failures.len()
        )))
    }
}
