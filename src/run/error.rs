//! Why a run could not be carried out at all (a case that fails is an outcome, not an error).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("в указанных папках нет файлов .xlsx, .xls, .ods, .json или .toml")]
    NoInputs,
    /// The folder of the forms cannot be made.
    #[error("{}: {source}", .path.display())]
    Out {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The archive cannot be opened (its own words).
    #[error("архив {}: {message}", .path.display())]
    Archive { path: PathBuf, message: String },
    #[error("журналы: временный файл: {0}")]
    LogSpool(std::io::Error),
    #[error("проверка: временный файл: {0}")]
    CheckSpool(std::io::Error),
    /// Flushing the written files to disk failed: nothing after it is in place.
    #[error("{}: {source}", .root.display())]
    Flush {
        root: PathBuf,
        source: std::io::Error,
    },
    /// Not one worker thread could be started.
    #[error("не удалось запустить потоки оформления: {0}")]
    Workers(std::io::Error),
    /// The thread that puts files in place died.
    #[error("сбой записи файлов")]
    Committer,
}

/// Why one case was not rendered or staged: its outcome's `Status::Failed`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CaseError {
    /// Rendering its forms or preparing its bag (the lower layer's words).
    #[error("{0}")]
    Forms(String),
    /// Writing its forms under temporary names, in their folder.
    #[error("{}: {source}", .dir.display())]
    Stage {
        dir: PathBuf,
        source: std::io::Error,
    },
    /// Writing its bag under temporary names (no forms folder).
    #[error("{0}")]
    StageBag(std::io::Error),
    #[error("запись файлов прервана")]
    Interrupted,
}
