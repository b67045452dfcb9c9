//! The persisted shape of one job. This is a contract with every history file already on
//! disk: add fields with `#[serde(default)]`, never rename or remove one without bumping
//! [`SCHEMA_VERSION`] and teaching the reader the old shape.

use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Version written into every record. Readers accept this version and older ones.
pub const SCHEMA_VERSION: u32 = 1;

/// Our own id for a job; a ULID, so ids sort by creation time and make safe file names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(String);

impl JobId {
    pub fn new() -> Self {
        Self(ulid::Ulid::new().to_string())
    }

    /// Accepts only the characters a ULID may hold, so an id can never escape the store's
    /// directory when used as a file name.
    pub fn parse(s: &str) -> Option<Self> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        ok.then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for JobId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// fal's id for a submitted request.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestId(pub String);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub schema: u32,
    pub id: JobId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// fal endpoint id, e.g. `fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video`.
    pub model: String,
    pub input: JobInput,
    /// Set once fal accepted the submit; what `resume` needs.
    #[serde(default)]
    pub request: Option<RequestInfo>,
    pub state: JobState,
    /// Every state change, in order, with the queue position at that moment.
    #[serde(default)]
    pub timeline: Vec<StatusChange>,
    /// Every log line fal sent, in order, each once, stored exactly as received (untrusted:
    /// strip control sequences before drawing).
    #[serde(default)]
    pub logs: Vec<LogEntry>,
    #[serde(default)]
    pub result: Option<VideoResult>,
    #[serde(default)]
    pub error: Option<JobError>,
    #[serde(default)]
    pub metrics: Metrics,
    /// The job whose last frame this one started from (a chained shot), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continues: Option<JobId>,
    /// Submitted with `--no-download`: resuming must not download either.
    #[serde(default)]
    pub no_download: bool,
    /// fal's optional request headers the job was sent with.
    #[serde(default, skip_serializing_if = "crate::FalOptions::is_default")]
    pub fal_options: crate::FalOptions,
}

impl JobRecord {
    pub fn new(model: impl Into<String>, input: JobInput) -> Self {
        let now = Utc::now();
        Self {
            schema: SCHEMA_VERSION,
            id: JobId::new(),
            created_at: now,
            updated_at: now,
            model: model.into(),
            input,
            request: None,
            state: JobState::Preparing,
            timeline: vec![StatusChange {
                at: now,
                state: JobState::Preparing,
            }],
            logs: Vec::new(),
            result: None,
            error: None,
            metrics: Metrics::default(),
            continues: None,
            no_download: false,
            fal_options: crate::FalOptions::default(),
        }
    }

    /// Moves to `state`, recording it in the timeline unless nothing changed.
    pub fn set_state(&mut self, state: JobState) {
        let now = Utc::now();
        self.updated_at = now;
        if self.state != state {
            self.state = state.clone();
            self.timeline.push(StatusChange { at: now, state });
        }
    }

    /// The first line of the prompt, for one-line lists.
    pub fn title(&self) -> &str {
        self.input.prompt.lines().next().unwrap_or("")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobInput {
    pub prompt: String,
    pub image: ImageSource,
    pub prompt_optimizer: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImageSource {
    /// An http(s) URL passed through to fal unchanged.
    Url { url: String },
    /// A local file; `uploaded_url` is set once fal storage (or a data URI) stands for it.
    File {
        path: PathBuf,
        content_type: String,
        size: u64,
        #[serde(default)]
        uploaded_url: Option<String>,
    },
}

impl ImageSource {
    /// What to send as `image_url`, if it is known yet.
    pub fn image_url(&self) -> Option<&str> {
        match self {
            Self::Url { url } => Some(url),
            Self::File { uploaded_url, .. } => uploaded_url.as_deref(),
        }
    }

    /// What the user typed: the URL or the path.
    pub fn display(&self) -> String {
        match self {
            Self::Url { url } => url.clone(),
            Self::File { path, .. } => path.display().to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestInfo {
    pub request_id: RequestId,
    pub status_url: String,
    pub response_url: String,
    pub cancel_url: String,
}

/// Where a job is. Terminal states are `Completed`, `Failed`, `Cancelled` and
/// `MaybeSubmitted`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum JobState {
    /// Created locally: uploading the image and submitting.
    Preparing,
    /// Accepted by fal, waiting for a runner.
    Queued {
        position: u32,
    },
    /// A runner is working on it.
    Running,
    /// fal finished; fetching the result and the video file.
    Downloading,
    /// fal finished, but reading the result went wrong (5xx, a stall, a garbled answer): the
    /// video is paid for, so the result is asked for again, now or on resume.
    ResultPending,
    /// Video URL known (and, unless downloads were off, the file saved).
    Completed,
    Failed,
    Cancelled,
    /// The submit was sent but its answer was lost (a timeout, a dropped connection): fal may
    /// or may not have the job. Nothing more happens on its own (sending it again could pay
    /// twice); the user checks on fal and re-runs it if it is not there.
    MaybeSubmitted,
}

impl JobState {
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed | Self::Cancelled | Self::MaybeSubmitted
        )
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Preparing => "preparing",
            Self::Queued { .. } => "queued",
            Self::Running => "running",
            Self::Downloading => "downloading",
            Self::ResultPending => "result pending",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::MaybeSubmitted => "maybe sent",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub state: JobState,
}

/// One fal log line, as fal sent it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub message: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub timestamp: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VideoResult {
    pub url: String,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub file_name: Option<String>,
    /// Size fal advertised, if it did.
    #[serde(default)]
    pub file_size: Option<u64>,
    /// Where the video was saved, once downloaded.
    #[serde(default)]
    pub local_file: Option<PathBuf>,
    #[serde(default)]
    pub local_size: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobError {
    /// A stable machine-readable kind, e.g. `auth`, `validation`, `model`, `network`.
    pub kind: String,
    /// What happened and what to do, for people.
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// fal's `metrics.inference_time`, seconds.
    #[serde(default)]
    pub inference_time: Option<f64>,
    /// Seconds from submit to leaving the queue.
    #[serde(default)]
    pub queue_seconds: Option<f64>,
    /// Seconds from submit to completion as seen by us.
    #[serde(default)]
    pub total_seconds: Option<f64>,
}
