//! The kinds of message the status bar shows, and one line of the session's message log.

use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StatusKind {
    Notice,
    /// A problem found at start (config, theme, keys, draft): it waits to be seen, but the
    /// key that sees it does what it always does.
    Warning,
    Error,
}

/// One line of the message log.
#[derive(Clone, Debug)]
pub(crate) struct Logged {
    pub at: DateTime<Utc>,
    pub kind: StatusKind,
    pub text: String,
}
