//! What the job engine tells its listeners (the TUI, `i2v submit`). Everything the engine
//! knows reaches them through these events, in order, over one channel.

use std::path::PathBuf;

use i2v_store::{JobId, JobRecord, LogEntry};

#[derive(Clone, Debug)]
pub enum JobEvent {
    /// A job was created, or its state, request, result, error or metrics changed. Carries
    /// the whole record as saved (logs included up to that moment).
    Updated(Box<JobRecord>),
    /// New fal log lines for a job: in order, each exactly once. Untrusted text.
    Logs { id: JobId, entries: Vec<LogEntry> },
    /// Something slow is under way; shown as progress, not persisted.
    Progress { id: JobId, progress: Progress },
    /// Saving the record failed; the job goes on but the user must know.
    StoreFailed { id: JobId, message: String },
    /// A save works again after one failed: the record on disk is up to date.
    StoreRecovered { id: JobId },
    /// Something about the job the user should hear of that is not a state change, e.g. a
    /// cancel request fal refused. The message is complete and may hold remote text.
    Warning { id: JobId, message: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    Uploading {
        bytes: u64,
    },
    Submitting,
    /// fal's answer to the submit was lost: its records are being searched for the request
    /// (`look` counts from 1). Not an error: the job is being checked.
    Checking {
        look: u32,
    },
    /// The status stream broke; the engine is polling (or reconnecting) instead.
    Reconnecting {
        reason: String,
    },
    /// A call failed in a way worth retrying; `attempt` (from 1) is the one that failed,
    /// the next comes after `delay`. `reason` is short: "HTTP 503".
    Retrying {
        attempt: u32,
        delay: std::time::Duration,
        reason: String,
    },
    Downloading {
        received: u64,
        total: Option<u64>,
    },
    Downloaded {
        path: PathBuf,
    },
}

/// A retry as people read it: "retry 2 in 4 s: HTTP 503". `reason` must already be safe to
/// show (it may hold remote text).
pub fn retry_text(attempt: u32, delay: std::time::Duration, reason: &str) -> String {
    let wait = if delay < std::time::Duration::from_secs(1) {
        format!("{:.1} s", delay.as_secs_f64())
    } else {
        format!("{} s", delay.as_secs_f64().round())
    };
    format!("retry {attempt} in {wait}: {reason}")
}

/// What a user asks the engine to run.
#[derive(Clone, Debug, PartialEq)]
pub struct NewJob {
    pub prompt: String,
    /// An http(s) URL or a local file path, as the user typed it.
    pub image: String,
    pub prompt_optimizer: bool,
    /// Refuse a local image outside the model's documented limits before uploading it
    /// (`false`: the user said to send it anyway).
    pub check_limits: bool,
}
