use std::path::PathBuf;

use thiserror::Error;

/// One complaint from a 422 response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The input field, e.g. `prompt` or `image_url` (`body` location prefix removed).
    pub field: String,
    pub message: String,
}

/// Everything a fal call can end in. Messages say what happened and what to do; remote text in
/// them is untrusted and must be sanitised before it is drawn.
#[derive(Debug, Error)]
pub enum FalError {
    #[error(
        "fal rejected the API key (HTTP {status}): check FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET, or `key` in the config file){}",
        detail_suffix(detail)
    )]
    Unauthorized { status: u16, detail: String },

    /// fal's 403 "User is locked … balance": the key is fine, the account cannot pay.
    #[error(
        "fal refused the job: the account is locked for billing{}. Top up at {BILLING_URL}; \
         changing the key will not help",
        detail_suffix(detail)
    )]
    Billing { detail: String },

    /// The submit was sent but its answer was lost (a timeout, a dropped connection, an
    /// unreadable reply): fal may or may not have the job, and sending it again could pay twice.
    #[error("the submit's answer was lost ({message}): fal may or may not have the job")]
    SubmitUnknown { message: String },

    /// The start timeout asked for with `X-Fal-Request-Timeout` ran out before a runner took
    /// the request (a 504 with `X-Fal-Request-Timeout-Type: user`).
    #[error(
        "no runner started the job within the start timeout you set (X-Fal-Request-Timeout){}",
        detail_suffix(detail)
    )]
    StartTimeout { detail: String },

    #[error("fal rejected the input: {}", describe_fields(fields))]
    Validation { fields: Vec<FieldError> },

    #[error(
        "fal kept answering HTTP {status} after {}{}",
        attempts_text(*attempts),
        detail_suffix(detail)
    )]
    GaveUp {
        status: u16,
        attempts: u32,
        detail: String,
    },

    #[error("fal answered HTTP {status}{}", detail_suffix(detail))]
    Http { status: u16, detail: String },

    #[error("could not reach fal after {}: {message}", attempts_text(*attempts))]
    Network { attempts: u32, message: String },

    #[error(
        "fal asked to wait {wait_secs} s before trying again (HTTP {status}, Retry-After), longer \
         than the {limit_secs} s i2v waits; try again later{}",
        detail_suffix(detail)
    )]
    WaitTooLong {
        status: u16,
        wait_secs: u64,
        limit_secs: u64,
        detail: String,
    },

    #[error("fal sent a response that is not what the protocol says ({what}): {snippet}")]
    Malformed { what: &'static str, snippet: String },

    #[error("the result is not ready yet{}", detail_suffix(detail))]
    NotReady { detail: String },

    #[error("the request failed on fal: {message}")]
    RequestFailed {
        message: String,
        error_type: Option<String>,
    },

    #[error(
        "the video download does not have its advertised size: expected {expected} bytes, got {got}"
    )]
    SizeMismatch { expected: u64, got: u64 },

    #[error("could not write {}: {source}{}", path.display(), limit_hint(source))]
    File {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("invalid configuration: {0}")]
    Config(String),

    /// One download attempt broke in a way another attempt may mend.
    #[error("{0}")]
    DownloadInterrupted(String),

    #[error(
        "gave up downloading the video after {} ({last}); the video stays on fal and its URL is kept with the job",
        attempts_text(*attempts)
    )]
    DownloadGaveUp { attempts: u32, last: Box<FalError> },

    #[error(
        "the video is larger than the download limit of {limit} bytes{}; its URL is kept with the job",
        size.map(|s| format!(" ({s} bytes)")).unwrap_or_default()
    )]
    DownloadTooLarge { size: Option<u64>, limit: u64 },

    /// The host serving the video (not fal's API, so not a key problem) refused it.
    #[error(
        "the video host refused the download (HTTP {status}{}): the link may have expired; its URL is kept with the job",
        detail_suffix(detail)
    )]
    DownloadRefused { status: u16, detail: String },

    /// `start`: the first bytes, escaped.
    #[error(
        "the downloaded result is not an MP4 video (it starts with \"{start}\"); its URL is kept with the job"
    )]
    NotVideo { start: String },
}

impl FalError {
    /// A short stable name for the kind of failure (stored in history records).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unauthorized { .. } => "auth",
            Self::Billing { .. } => "billing",
            Self::SubmitUnknown { .. } => "unknown_outcome",
            Self::StartTimeout { .. } => "start_timeout",
            Self::Validation { .. } => "validation",
            Self::GaveUp { .. } | Self::Http { .. } | Self::WaitTooLong { .. } => "http",
            Self::Network { .. } => "network",
            Self::Malformed { .. } => "malformed",
            Self::NotReady { .. } => "not_ready",
            Self::RequestFailed { .. } => "model",
            Self::SizeMismatch { .. }
            | Self::DownloadInterrupted(_)
            | Self::DownloadGaveUp { .. }
            | Self::DownloadTooLarge { .. }
            | Self::DownloadRefused { .. }
            | Self::NotVideo { .. } => "download",
            Self::File { .. } => "file",
            Self::Config(_) => "config",
        }
    }

    /// Whether trying the same call later could succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::GaveUp { .. }
                | Self::Network { .. }
                | Self::Malformed { .. }
                | Self::DownloadInterrupted(_)
                | Self::DownloadGaveUp { .. }
                | Self::WaitTooLong { .. }
        )
    }
}

/// `1 attempt`, `3 attempts`.
fn attempts_text(attempts: u32) -> String {
    match attempts {
        1 => "1 attempt".to_owned(),
        n => format!("{n} attempts"),
    }
}

/// Where fal's users top up their balance.
pub const BILLING_URL: &str = "https://fal.ai/dashboard/billing";

impl FalError {
    /// A short reason for a retry line ("HTTP 503", "connection failed: …").
    pub fn retry_reason(&self) -> String {
        match self {
            Self::GaveUp { status, .. } | Self::Http { status, .. } => format!("HTTP {status}"),
            Self::Network { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// fal's answer for a request id it does not know.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Http { status: 404, .. })
    }
}

/// 403 with fal's "User is locked. Reason: Exhausted balance…" detail.
pub(crate) fn is_billing_lock(detail: &str) -> bool {
    let lower = detail.to_ascii_lowercase();
    lower.contains("user is locked") || lower.contains("balance") || lower.contains("/billing")
}

fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

fn describe_fields(fields: &[FieldError]) -> String {
    if fields.is_empty() {
        return "no details given".to_owned();
    }
    let all = fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect::<Vec<_>>()
        .join("; ");
    bounded(&all)
}

/// The most of one piece of remote text (an error detail, a field message) kept: a 1 MB
/// `detail` once went whole to stderr and into the job record.
pub(crate) const MAX_REMOTE_TEXT: usize = 2048;

/// `text`, cut to [`MAX_REMOTE_TEXT`] bytes (on a character boundary) with a note saying so.
pub(crate) fn bounded(text: &str) -> String {
    if text.len() <= MAX_REMOTE_TEXT {
        return text.to_owned();
    }
    let mut end = MAX_REMOTE_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… (cut, {} bytes)", &text[..end], text.len())
}

/// Reads fal's `{"detail": ...}` error body: a string, or a list of `{loc, msg}` for 422.
pub(crate) fn parse_detail(body: &str) -> (String, Vec<FieldError>) {
    let snippet = || snippet(body);
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return (snippet(), Vec::new());
    };
    let detail = value.get("detail").unwrap_or(&value);
    match detail {
        serde_json::Value::String(s) => (bounded(s), Vec::new()),
        serde_json::Value::Array(items) => {
            let fields: Vec<FieldError> = items.iter().map(field_error).collect();
            (describe_fields(&fields), fields)
        }
        other => (snippet_of(&other.to_string()), Vec::new()),
    }
}

fn field_error(item: &serde_json::Value) -> FieldError {
    let field = item
        .get("loc")
        .and_then(|loc| loc.as_array())
        .map(|parts| {
            parts
                .iter()
                .filter(|p| p.as_str() != Some("body"))
                .map(|p| match p {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(".")
        })
        .filter(|f| !f.is_empty())
        .map_or_else(|| "input".to_owned(), |f| bounded(&f));
    let message = bounded(
        item.get("msg")
            .and_then(|m| m.as_str())
            .unwrap_or("invalid"),
    );
    FieldError { field, message }
}

/// A bounded piece of a body, for error messages.
pub(crate) fn snippet(body: &str) -> String {
    snippet_of(body.trim())
}

fn snippet_of(s: &str) -> String {
    const MAX: usize = 200;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// EFBIG says only "File too large": name what set the limit, so the user knows what to raise.
fn limit_hint(source: &std::io::Error) -> &'static str {
    if source.kind() == std::io::ErrorKind::FileTooLarge {
        " (the file-size limit, `ulimit -f`, was reached)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_attempt_is_singular() {
        let err = FalError::Network {
            attempts: 1,
            message: "connection reset".into(),
        };
        assert_eq!(
            err.to_string(),
            "could not reach fal after 1 attempt: connection reset"
        );
    }

    #[test]
    fn a_download_given_up_after_one_attempt_is_singular_too() {
        let err = FalError::DownloadGaveUp {
            attempts: 1,
            last: Box::new(FalError::DownloadInterrupted("connection reset".into())),
        };
        assert!(
            err.to_string()
                .starts_with("gave up downloading the video after 1 attempt (connection reset)"),
            "{err}"
        );
    }

    #[test]
    fn validation_detail_names_the_field() {
        let body =
            r#"{"detail":[{"loc":["body","image_url"],"msg":"field required","type":"missing"}]}"#;
        let (text, fields) = parse_detail(body);
        assert_eq!(
            fields,
            vec![FieldError {
                field: "image_url".into(),
                message: "field required".into()
            }]
        );
        assert_eq!(text, "image_url: field required");
        let err = FalError::Validation { fields };
        assert_eq!(
            err.to_string(),
            "fal rejected the input: image_url: field required"
        );
    }

    #[test]
    fn string_and_garbage_details() {
        assert_eq!(parse_detail(r#"{"detail":"nope"}"#).0, "nope");
        assert_eq!(parse_detail("<html>oops</html>").0, "<html>oops</html>");
        assert!(parse_detail(&"x".repeat(1000)).0.ends_with('…'));
    }

    #[test]
    fn long_remote_text_is_cut_and_says_so() {
        let long = "é".repeat(600_000);
        let (text, _) = parse_detail(&serde_json::json!({ "detail": long }).to_string());
        assert!(text.len() < MAX_REMOTE_TEXT + 40, "{}", text.len());
        assert!(
            text.ends_with("… (cut, 1200000 bytes)"),
            "{}",
            &text[2000..]
        );
        let body = serde_json::json!({"detail": [{"loc": ["body", long], "msg": long}]});
        let (text, fields) = parse_detail(&body.to_string());
        assert!(text.len() < MAX_REMOTE_TEXT + 40);
        assert!(fields[0].field.len() < MAX_REMOTE_TEXT + 40);
        assert!(fields[0].message.ends_with("bytes)"));
        assert_eq!(bounded("short"), "short");
    }

    #[test]
    fn unauthorized_says_what_to_do() {
        let err = FalError::Unauthorized {
            status: 401,
            detail: "No key".into(),
        };
        assert!(err.to_string().contains("check FAL_KEY"));
    }

    #[test]
    fn a_locked_account_is_a_billing_problem() {
        assert!(is_billing_lock(
            "User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing."
        ));
        assert!(!is_billing_lock("Invalid key"));
        let err = FalError::Billing {
            detail: "User is locked".into(),
        };
        assert!(err.to_string().contains(BILLING_URL), "{err}");
        assert!(!err.to_string().contains("FAL_KEY"), "{err}");
    }
}
