//! What can go wrong, worded for the person who will read it.

use std::fmt;
use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: {message}; the file was left as is", path.display())]
    Corrupt { path: PathBuf, message: String },
    #[error(
        "{}: written by a newer i2v (schema {found}, this i2v reads up to {supported}); \
         the file was left as is",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("no job with id {0}")]
    NotFound(String),
    #[error("{0} matches {count} jobs ({ids}); type more of the id", count = .1.len(), ids = .1.join(", "))]
    Ambiguous(String, Vec<String>),
    #[error("{0:?} is not a job id (ids are letters and digits)")]
    InvalidId(String),
    #[error("job {id} is {state}: cancel it (`i2v cancel {id}`) or let it finish first")]
    Unfinished { id: String, state: &'static str },
    #[error(
        "job {0} is being followed by another i2v (the workbench or `i2v resume`); let it finish first"
    )]
    Busy(String),
    #[error("could not encode job {id}: {source}")]
    Encode {
        id: String,
        #[source]
        source: serde_json::Error,
    },
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// A file `list` could not use. The store never repairs, renames or deletes such a file: the
/// person decides what to do with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreProblem {
    pub path: PathBuf,
    /// What is wrong, ending with the fact that the file was left as is.
    pub message: String,
}

impl StoreProblem {
    pub(crate) fn new(path: impl Into<PathBuf>, what: impl fmt::Display) -> Self {
        Self {
            path: path.into(),
            message: format!("{what}; the file was left as is"),
        }
    }

    /// Turns an error about one file into a problem; the path moves out of the message.
    pub fn from_error(fallback_path: PathBuf, error: StoreError) -> Self {
        match error {
            StoreError::Io { path, source } => Self::new(path, format!("could not read: {source}")),
            StoreError::Corrupt { path, message } => Self::new(path, message),
            StoreError::NewerSchema {
                path,
                found,
                supported,
            } => Self::new(
                path,
                format!(
                    "written by a newer i2v (schema {found}, this i2v reads up to {supported})"
                ),
            ),
            other => Self::new(fallback_path, other),
        }
    }
}

impl fmt::Display for StoreProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}
