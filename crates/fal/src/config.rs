use std::fmt;
use std::time::Duration;

use crate::retry::RetryPolicy;

pub const MODEL_ID: &str = "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video";
pub const DEFAULT_QUEUE_URL: &str = "https://queue.fal.run";
pub const DEFAULT_REST_URL: &str = "https://rest.fal.ai";
/// fal's Platform API: its records of requests, and prices.
pub const DEFAULT_API_URL: &str = "https://api.fal.ai/v1";

/// The fal API key. Deliberately has no `Display` and a redacted `Debug`, so it cannot end up
/// in a log line, an error message or the screen by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    pub(crate) fn header_value(&self) -> String {
        format!("Key {}", self.0)
    }

    /// For callers that must check a secret does not leak (tests); never print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub key: ApiKey,
    /// Base of the queue API, `https://queue.fal.run` unless overridden.
    pub queue_url: String,
    /// Base of the REST API (storage uploads), `https://rest.fal.ai` unless overridden.
    pub rest_url: String,
    /// Base of the Platform API (request records, prices), `https://api.fal.ai/v1` unless
    /// overridden.
    pub api_url: String,
    pub model: String,
    pub retry: RetryPolicy,
    pub connect_timeout: Duration,
    /// Whole-call limit for ordinary JSON calls.
    pub request_timeout: Duration,
    /// A status stream (or a download) with no bytes for this long is treated as broken.
    pub idle_timeout: Duration,
    /// Polling period while the stream is unavailable.
    pub poll_interval: Duration,
    /// After a broken stream, how many polls before trying the stream again.
    pub polls_before_stream_retry: u32,
    pub download: DownloadLimits,
    /// A status event larger than this is not read: the watch polls instead.
    pub max_event_bytes: usize,
}

/// What a result download may take before it gives up.
#[derive(Clone, Debug)]
pub struct DownloadLimits {
    /// The largest video accepted, whatever the server advertises.
    pub max_bytes: u64,
    /// Attempts in all for one download, however far each one gets.
    pub max_attempts: u32,
    /// A transfer bringing fewer bytes than this in `rate_window` is abandoned (and retried
    /// as an attempt that got nowhere).
    pub min_bytes_per_window: u64,
    pub rate_window: Duration,
}

impl Default for DownloadLimits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_DOWNLOAD_BYTES,
            max_attempts: 20,
            // About 2 KB/s: far below any real link, far above a drip.
            min_bytes_per_window: 64 * 1024,
            rate_window: Duration::from_secs(30),
        }
    }
}

/// 2 GiB: a few seconds of 1080p video is tens of megabytes.
pub const DEFAULT_MAX_DOWNLOAD_BYTES: u64 = 2 << 30;

impl ClientConfig {
    pub fn new(key: ApiKey) -> Self {
        Self {
            key,
            queue_url: DEFAULT_QUEUE_URL.to_owned(),
            rest_url: DEFAULT_REST_URL.to_owned(),
            api_url: DEFAULT_API_URL.to_owned(),
            model: MODEL_ID.to_owned(),
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(60),
            poll_interval: Duration::from_millis(500),
            polls_before_stream_retry: 4,
            download: DownloadLimits::default(),
            max_event_bytes: 4 << 20,
        }
    }

    pub fn with_base_urls(mut self, queue_url: &str, rest_url: &str) -> Self {
        self.queue_url = queue_url.trim_end_matches('/').to_owned();
        self.rest_url = rest_url.trim_end_matches('/').to_owned();
        self
    }

    pub fn with_api_url(mut self, api_url: &str) -> Self {
        self.api_url = api_url.trim_end_matches('/').to_owned();
        self
    }

    /// Short timers everywhere, for tests against the simulated fal.
    pub fn fast_for_tests(mut self) -> Self {
        self.retry = RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(10),
            max_delay: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(2),
        };
        self.request_timeout = Duration::from_secs(5);
        self.idle_timeout = Duration::from_secs(2);
        self.poll_interval = Duration::from_millis(20);
        self.download = DownloadLimits {
            // Long enough that a busy machine does not pass for a slow link.
            rate_window: Duration::from_secs(1),
            min_bytes_per_window: 1024,
            ..DownloadLimits::default()
        };
        self
    }
}
