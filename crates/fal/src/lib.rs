//! Client for fal.ai's queue API, specialised to the Hailuo 2.3 Fast Pro image-to-video model.
//!
//! No UI code lives here. Every call has a timeout and retries transient failures with
//! exponential backoff and jitter (honouring `Retry-After`); failures that retrying cannot fix
//! (401/403, 422) come back at once as typed [`FalError`]s whose messages say what to do.
//! The submit POST is the exception: it is paid, so it is repeated only when fal certainly
//! did not take it (`submit.rs`). The Platform API (`platform.rs`) is read only, and never
//! needed to submit.

mod client;
mod config;
mod download;
mod error;
mod logs;
mod options;
mod platform;
mod retry;
mod sse;
mod submit;
mod upload;
mod watch;
mod wire;

pub use client::{FalClient, RetryHook, RetryNotice};
pub use config::{
    ApiKey, ClientConfig, DEFAULT_API_URL, DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_QUEUE_URL,
    DEFAULT_REST_URL, DownloadLimits, MODEL_ID,
};
pub use download::Download;
pub use error::{BILLING_URL, FalError, FieldError};
pub use options::{Priority, RequestOptions};
pub use platform::{MAX_PAGE, PlatformRequest, Price, RequestList, RequestQuery, RequestsPage};
pub use retry::RetryPolicy;
pub use watch::{StatusWatch, WatchItem};
pub use wire::{
    CancelOutcome, LogEntry, ModelInput, ModelOutput, RemoteStatus, RequestUrls, StatusUpdate,
    Submission, VideoFile,
};
