//! The one error of a command: why it did not end with exit status 0, in words for the user,
//! with the exit status it stands for. `main` prints it once.

/// Exit status 1 is about the inputs, 2 about the call or the run itself (README, «Коды
/// выхода»).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Inputs with errors, or bags that are not intact; the report above names each (1).
    #[error("{0}")]
    Invalid(String),
    /// An input that cannot be read at all; the report above names it (2).
    #[error("{0}")]
    Unreadable(String),
    /// A call that cannot be carried out: an unknown form, a bad quarter, no inputs (2).
    #[error("{0}")]
    Usage(String),
    /// The run itself failed: a write, the archive, a flush (2).
    #[error("{0}")]
    Failed(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) => 1,
            Error::Unreadable(_) | Error::Usage(_) | Error::Failed(_) => 2,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
