//! fal's optional request headers (`fal-queue-protocol.md`, "Optional request headers"): all
//! off unless the user asks, each one a documented platform control.

use std::time::Duration;

use reqwest::RequestBuilder;

/// Queue priority: `Low` waits behind every `Normal` request on the endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Priority {
    #[default]
    Normal,
    Low,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Low => "low",
        }
    }
}

/// Optional controls sent with a submit (and, for input expiry, with the image upload).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// `X-Fal-Request-Timeout`: fal gives up if no runner *starts* the request within this.
    pub start_timeout: Option<Duration>,
    /// `X-Fal-Queue-Priority`.
    pub priority: Option<Priority>,
    /// `X-Fal-Object-Lifecycle-Preference` on submit: how long fal keeps the output video.
    pub output_expiry: Option<Duration>,
    /// `X-Fal-Object-Lifecycle` on upload initiate: how long fal keeps the uploaded image.
    pub input_expiry: Option<Duration>,
    /// `X-Fal-Store-IO: 0`: fal does not keep the request's JSON payloads.
    pub no_store_io: bool,
    /// `x-fal-disable-fallbacks`: no silent reroute to an equivalent endpoint.
    pub disable_fallbacks: bool,
}

impl RequestOptions {
    pub(crate) fn apply_to_submit(&self, mut req: RequestBuilder) -> RequestBuilder {
        if let Some(timeout) = self.start_timeout {
            req = req.header(
                "X-Fal-Request-Timeout",
                timeout.as_secs().max(1).to_string(),
            );
        }
        if let Some(priority) = self.priority {
            req = req.header("X-Fal-Queue-Priority", priority.as_str());
        }
        if let Some(expiry) = self.output_expiry {
            req = req.header("X-Fal-Object-Lifecycle-Preference", lifecycle(expiry));
        }
        if self.no_store_io {
            req = req.header("X-Fal-Store-IO", "0");
        }
        if self.disable_fallbacks {
            req = req.header("x-fal-disable-fallbacks", "true");
        }
        req
    }

    pub(crate) fn apply_to_upload(&self, req: RequestBuilder) -> RequestBuilder {
        match self.input_expiry {
            Some(expiry) => req.header("X-Fal-Object-Lifecycle", lifecycle(expiry)),
            None => req,
        }
    }
}

fn lifecycle(expiry: Duration) -> String {
    serde_json::json!({ "expiration_duration_seconds": expiry.as_secs() }).to_string()
}
