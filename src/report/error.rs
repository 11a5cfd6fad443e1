//! What goes wrong in the reports: the messages are the user's (Russian), and the page and the
//! command line print them as they are.

/// A report's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A `--quarter` value that names no quarter.
    #[error("«{0}» — не квартал: укажите ГГГГ-QN, например 2026-Q4")]
    NotAQuarter(String),
}
