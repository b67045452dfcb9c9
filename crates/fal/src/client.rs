use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use crate::config::{ApiKey, ClientConfig};
use crate::error::{FalError, is_billing_lock, parse_detail, snippet};
use crate::retry::{is_retryable_answer, is_user_timeout, retry_after};
use crate::wire::{CancelOutcome, ModelOutput, RequestUrls};

/// Told about every retry before its wait.
pub type RetryHook = std::sync::Arc<dyn Fn(&RetryNotice) + Send + Sync>;

/// One retry about to happen: "retry 2 in 4 s: HTTP 503".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryNotice {
    /// The attempt that failed, from 1.
    pub attempt: u32,
    /// How long until the next attempt.
    pub delay: std::time::Duration,
    /// Why, briefly ("HTTP 503", "connection failed: …").
    pub reason: String,
}

/// A cheap-to-clone handle; all clones share one connection pool.
#[derive(Clone)]
pub struct FalClient {
    pub(crate) http: reqwest::Client,
    pub(crate) config: std::sync::Arc<ClientConfig>,
    on_retry: Option<RetryHook>,
}

impl std::fmt::Debug for FalClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FalClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl FalClient {
    pub fn new(config: ClientConfig) -> Result<Self, FalError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("i2v/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FalError::Config(e.to_string()))?;
        Ok(Self {
            http,
            config: std::sync::Arc::new(config),
            on_retry: None,
        })
    }

    /// A handle (sharing this one's connections) that reports its retries to `hook`, so a
    /// caller can show "retrying" against the job that is waiting.
    pub fn with_retry_hook(&self, hook: RetryHook) -> Self {
        Self {
            on_retry: Some(hook),
            ..self.clone()
        }
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// `owner/alias` of the endpoint: request URLs after submit use only these two parts.
    fn app_prefix(&self) -> String {
        self.config
            .model
            .split('/')
            .take(2)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The URLs of a request rebuilt from its id, for resuming one whose submit response was
    /// not kept. Prefer the URLs fal returned when they are known.
    pub fn urls_for(&self, request_id: &str) -> RequestUrls {
        let base = format!(
            "{}/{}/requests/{request_id}",
            self.config.queue_url,
            self.app_prefix()
        );
        RequestUrls {
            request_id: request_id.to_owned(),
            status_url: format!("{base}/status"),
            cancel_url: format!("{base}/cancel"),
            response_url: base,
        }
    }

    pub async fn result(&self, urls: &RequestUrls) -> Result<ModelOutput, FalError> {
        let response = self.send(Method::GET, &urls.response_url, |r| r).await;
        match response {
            Ok(response) => read_json(response, "result").await,
            // fal answers an unfinished (or failed) request's result with a 400-class error.
            Err(FalError::Http {
                status: 400,
                detail,
            }) => Err(FalError::NotReady { detail }),
            Err(other) => Err(other),
        }
    }

    pub async fn cancel(&self, urls: &RequestUrls) -> Result<CancelOutcome, FalError> {
        match self.send(Method::PUT, &urls.cancel_url, |r| r).await {
            Ok(_) => Ok(CancelOutcome::Requested),
            Err(FalError::Http { status: 400, .. }) => Ok(CancelOutcome::AlreadyCompleted),
            Err(other) => Err(other),
        }
    }

    /// Adds the key, but only for fal's own API hosts: result files and upload targets may live
    /// on other hosts (CDNs, signed storage URLs) that must never see it.
    pub(crate) fn authorize(&self, req: RequestBuilder, url: &str) -> RequestBuilder {
        if self.is_fal_host(url) {
            req.header(AUTHORIZATION, auth_header(&self.config.key))
        } else {
            req
        }
    }

    /// `url` is on one of fal's own API hosts (the configured queue, REST and Platform API
    /// bases).
    pub(crate) fn is_fal_host(&self, url: &str) -> bool {
        [
            &self.config.queue_url,
            &self.config.rest_url,
            &self.config.api_url,
        ]
        .iter()
        .any(|base| is_under(url, base))
    }

    /// One call that is safe to repeat, with retries: connection errors and 408/409/429/5xx
    /// are retried with backoff (or the server's `Retry-After`); other failures become typed
    /// errors at once. Never for the submit POST (see `submit.rs`).
    pub(crate) async fn send(
        &self,
        method: Method,
        url: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response, FalError> {
        let policy = &self.config.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = self
                .authorize(self.http.request(method.clone(), url), url)
                .timeout(self.config.request_timeout);
            let outcome = build(request).send().await;
            let (wait, failure) = match outcome {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let wait = retry_after(&headers);
                    let body = response.text().await.unwrap_or_default();
                    if !is_retryable_answer(status, &headers) {
                        return Err(answer_error(status, &headers, &body));
                    }
                    let (detail, _) = parse_detail(&body);
                    (
                        wait,
                        FalError::GaveUp {
                            status: status.as_u16(),
                            attempts: attempt,
                            detail,
                        },
                    )
                }
                Err(err) => (
                    None,
                    FalError::Network {
                        attempts: attempt,
                        message: describe_reqwest(&err),
                    },
                ),
            };
            let Some(delay) = policy.delay(attempt, wait) else {
                return Err(too_long_wait(failure, wait, policy.max_retry_after));
            };
            self.announce_retry(url, attempt, delay, &failure);
            tokio::time::sleep(delay).await;
        }
    }

    pub(crate) fn announce_retry(
        &self,
        url: &str,
        attempt: u32,
        delay: std::time::Duration,
        failure: &FalError,
    ) {
        // Without the query: signed upload URLs carry their credentials there.
        let url = url.split('?').next().unwrap_or_default();
        tracing::warn!(%url, attempt, ?delay, error = %failure, "fal call failed; retrying");
        if let Some(hook) = &self.on_retry {
            hook(&RetryNotice {
                attempt,
                delay,
                reason: failure.retry_reason(),
            });
        }
    }
}

/// Giving up because the server asked for a longer wait than we allow must say so, or it reads
/// as if fal had failed.
pub(crate) fn too_long_wait(
    failure: FalError,
    wait: Option<Duration>,
    limit: Duration,
) -> FalError {
    match (failure, wait) {
        (FalError::GaveUp { status, detail, .. }, Some(wait)) if wait > limit => {
            FalError::WaitTooLong {
                status,
                wait_secs: wait.as_secs(),
                limit_secs: limit.as_secs(),
                detail,
            }
        }
        (failure, _) => failure,
    }
}

/// `url` is `base` or below it (not merely sharing a prefix such as `https://fal.run.evil`).
fn is_under(url: &str, base: &str) -> bool {
    url.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
}

fn auth_header(key: &ApiKey) -> HeaderValue {
    let mut value = HeaderValue::from_str(&key.header_value())
        .unwrap_or_else(|_| HeaderValue::from_static("Key invalid-characters-in-key"));
    // Keeps the key out of any debug output of the request.
    value.set_sensitive(true);
    value
}

/// The typed error for a failed answer, its headers included (the start timeout is told
/// apart by one).
pub(crate) fn answer_error(
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> FalError {
    if is_user_timeout(status, headers) {
        return FalError::StartTimeout {
            detail: parse_detail(body).0,
        };
    }
    status_error(status, body)
}

pub(crate) fn status_error(status: StatusCode, body: &str) -> FalError {
    let (detail, fields) = parse_detail(body);
    match status.as_u16() {
        403 if is_billing_lock(&detail) => FalError::Billing { detail },
        401 | 403 => FalError::Unauthorized {
            status: status.as_u16(),
            detail,
        },
        422 => FalError::Validation { fields },
        code => FalError::Http {
            status: code,
            detail,
        },
    }
}

pub(crate) async fn read_json<T: DeserializeOwned>(
    response: Response,
    what: &'static str,
) -> Result<T, FalError> {
    let body = response.text().await.map_err(|e| FalError::Network {
        attempts: 1,
        message: describe_reqwest(&e),
    })?;
    serde_json::from_str(&body).map_err(|_| FalError::Malformed {
        what,
        snippet: snippet(&body),
    })
}

/// reqwest's Display omits the cause chain, which is where the useful part is.
pub(crate) fn describe_reqwest(err: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut text = if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "connection failed".to_owned()
    } else {
        err.to_string()
    };
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::is_under;

    #[test]
    fn key_goes_only_to_fal_hosts() {
        let base = "https://queue.fal.run";
        assert!(is_under(
            "https://queue.fal.run/fal-ai/minimax/requests/1",
            base
        ));
        assert!(is_under("https://queue.fal.run", base));
        assert!(!is_under("https://queue.fal.run.evil.com/x", base));
        assert!(!is_under("https://cdn.example.com/output.mp4", base));
    }
}
