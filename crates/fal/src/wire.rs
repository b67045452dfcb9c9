//! JSON shapes of the queue API, as `../shared/fal-queue-protocol.md` describes them. Reads are
//! tolerant: unknown fields are ignored and optional ones may be missing.

use serde::{Deserialize, Serialize};

use crate::error::bounded;

/// The model's input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelInput {
    pub prompt: String,
    pub image_url: String,
    pub prompt_optimizer: bool,
}

/// The model's output: `{"video": {"url": ...}}`; only `url` is guaranteed.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ModelOutput {
    pub video: VideoFile,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct VideoFile {
    pub url: String,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub file_size: Option<u64>,
}

/// Where a submitted request lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestUrls {
    pub request_id: String,
    pub status_url: String,
    pub response_url: String,
    pub cancel_url: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    pub urls: RequestUrls,
    pub queue_position: Option<u32>,
    /// Set when fal's answer to the submit was an error that still named the request (a 5xx
    /// with `x-fal-request-id`): fal has seen it, so it is followed by that id (URLs rebuilt
    /// from it) instead of being sent again. Says what the answer was, e.g. `HTTP 500`.
    pub lost_answer: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct SubmitResponse {
    pub request_id: String,
    #[serde(default)]
    pub response_url: Option<String>,
    #[serde(default)]
    pub status_url: Option<String>,
    #[serde(default)]
    pub cancel_url: Option<String>,
    #[serde(default)]
    pub queue_position: Option<u32>,
}

/// One fal log line, as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub timestamp: String,
}

/// A status body, from polling or from one SSE event.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct StatusBody {
    pub status: String,
    #[serde(default)]
    pub queue_position: Option<u32>,
    #[serde(default)]
    pub logs: Option<Vec<LogEntry>>,
    #[serde(default)]
    pub metrics: Option<StatusMetrics>,
    #[serde(default)]
    pub error: Option<serde_json::Value>,
    #[serde(default)]
    pub error_type: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct StatusMetrics {
    #[serde(default)]
    pub inference_time: Option<f64>,
}

/// Where fal says a request is.
#[derive(Clone, Debug, PartialEq)]
pub enum RemoteStatus {
    /// `position` 0 is next in line; `None` when fal did not say.
    InQueue {
        position: Option<u32>,
    },
    InProgress,
    /// Done. A failed or cancelled run is also `Completed`, with `error` set.
    Completed {
        error: Option<String>,
        error_type: Option<String>,
        inference_time: Option<f64>,
    },
}

impl RemoteStatus {
    pub fn is_completed(&self) -> bool {
        matches!(self, Self::Completed { .. })
    }
}

/// One step of a request's life: its status and the log lines not reported before.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusUpdate {
    pub status: RemoteStatus,
    pub new_logs: Vec<LogEntry>,
}

impl StatusBody {
    pub(crate) fn remote_status(&self) -> Option<RemoteStatus> {
        Some(match self.status.as_str() {
            "IN_QUEUE" => RemoteStatus::InQueue {
                position: self.queue_position,
            },
            "IN_PROGRESS" => RemoteStatus::InProgress,
            "COMPLETED" => RemoteStatus::Completed {
                error: self.error.as_ref().map(|e| match e {
                    serde_json::Value::String(s) => bounded(s),
                    other => bounded(&other.to_string()),
                }),
                error_type: self.error_type.as_deref().map(bounded),
                inference_time: self.metrics.as_ref().and_then(|m| m.inference_time),
            },
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CancelOutcome {
    /// fal will stop the request; it ends as `Completed` with an error.
    Requested,
    /// Too late: the request had already finished.
    AlreadyCompleted,
}
