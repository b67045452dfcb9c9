use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Delay before the first retry; doubles each time.
    pub base: Duration,
    pub max_delay: Duration,
    /// A server asking for a longer wait than this is not waited for: the error goes up.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff with "full jitter" (a random delay up to the exponential bound), so
    /// many clients failing together do not retry together. `attempt` counts from 1.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let bound = exp.min(self.max_delay);
        let half = bound / 2;
        half + bound.mul_f64(fastrand::f64() * 0.5)
    }

    /// The wait before the next attempt: the server's `Retry-After` when it gave one we are
    /// willing to honour, else our backoff. `None` means give up now.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(attempt)),
        }
    }
}

/// Statuses worth another try for calls that are safe to repeat (status, result, cancel,
/// uploads): timeouts, conflicts, rate limits and server trouble, except the start timeout
/// the user asked for, which no retry can undo.
pub fn is_retryable_answer(status: StatusCode, headers: &HeaderMap) -> bool {
    is_retryable(status) && !is_user_timeout(status, headers)
}

/// [`is_retryable_answer`] for callers without the headers (downloads).
pub fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429 | 500 | 502 | 503 | 504)
}

/// What a submit's answer says about repeating it. fal has no idempotency key, so the POST
/// is repeated only when fal certainly did not take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SubmitVerdict {
    /// 408, 429, or an ingress 502/503/504 (no request id): fal never saw it.
    Repeat,
    /// A 5xx carrying `x-fal-request-id`: fal has the request; follow it by this id.
    Follow(String),
    /// Anything else: an error to report, without repeating.
    Stop,
}

pub(crate) fn submit_verdict(status: StatusCode, headers: &HeaderMap) -> SubmitVerdict {
    if is_user_timeout(status, headers) {
        return SubmitVerdict::Stop;
    }
    let code = status.as_u16();
    match request_id(headers) {
        Some(id) if status.is_server_error() => SubmitVerdict::Follow(id),
        _ if matches!(code, 408 | 429 | 502 | 503 | 504) => SubmitVerdict::Repeat,
        _ => SubmitVerdict::Stop,
    }
}

/// The `x-fal-request-id` header, when it holds something usable as an id.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    let id = headers.get(REQUEST_ID)?.to_str().ok()?.trim();
    let usable = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    usable.then(|| id.to_owned())
}

/// A 504 with `X-Fal-Request-Timeout-Type: user`: the start timeout the client set ran out.
pub(crate) fn is_user_timeout(status: StatusCode, headers: &HeaderMap) -> bool {
    status == StatusCode::GATEWAY_TIMEOUT
        && headers
            .get(TIMEOUT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("user"))
}

const REQUEST_ID: &str = "x-fal-request-id";
const TIMEOUT_TYPE: &str = "x-fal-request-timeout-type";

/// `Retry-After` in seconds (the HTTP-date form is rare for APIs and treated as absent).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    // try_from: a huge value from a misbehaving server must not panic; it is refused later
    // as longer than we are willing to wait.
    value
        .parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(5),
        };
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let late = policy.backoff(9);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_secs(1));
        }
    }

    #[test]
    fn retry_after_is_honoured_within_limits() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3))
        );
        assert_eq!(policy.delay(1, Some(Duration::from_secs(3600))), None);
        assert_eq!(policy.delay(policy.max_attempts, None), None);
    }

    #[test]
    fn parses_retry_after_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
        for hostile in ["1e30", "99999999999999999999", "-1", "NaN", "inf"] {
            headers.insert(RETRY_AFTER, hostile.parse().unwrap());
            let parsed = retry_after(&headers);
            assert!(
                parsed.is_none() || RetryPolicy::default().delay(1, parsed).is_none(),
                "{hostile}: {parsed:?}"
            );
        }
    }

    fn status(code: u16) -> StatusCode {
        StatusCode::from_u16(code).unwrap()
    }

    #[test]
    fn classifies_statuses() {
        let none = HeaderMap::new();
        for code in [408, 409, 429, 500, 502, 503, 504] {
            assert!(is_retryable_answer(status(code), &none), "{code}");
        }
        for code in [400, 401, 403, 404, 422] {
            assert!(!is_retryable_answer(status(code), &none), "{code}");
        }
        let mut user = HeaderMap::new();
        user.insert(TIMEOUT_TYPE, "user".parse().unwrap());
        assert!(!is_retryable_answer(status(504), &user));
        assert!(is_retryable_answer(status(503), &user));
    }

    #[test]
    fn a_submit_is_repeated_only_when_fal_did_not_take_it() {
        let none = HeaderMap::new();
        let mut with_id = HeaderMap::new();
        with_id.insert(REQUEST_ID, "req-1".parse().unwrap());
        for code in [408, 429, 502, 503, 504] {
            assert_eq!(submit_verdict(status(code), &none), SubmitVerdict::Repeat);
        }
        for code in [500, 502, 503, 504] {
            assert_eq!(
                submit_verdict(status(code), &with_id),
                SubmitVerdict::Follow("req-1".into())
            );
        }
        for code in [400, 401, 403, 409, 422, 500] {
            assert_eq!(submit_verdict(status(code), &none), SubmitVerdict::Stop);
        }
        let mut user = HeaderMap::new();
        user.insert(TIMEOUT_TYPE, "user".parse().unwrap());
        assert_eq!(submit_verdict(status(504), &user), SubmitVerdict::Stop);
        let mut hostile = HeaderMap::new();
        hostile.insert(REQUEST_ID, "../../etc".parse().unwrap());
        assert_eq!(request_id(&hostile), None);
    }
}
