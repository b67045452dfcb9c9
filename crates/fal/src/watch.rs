//! Follows one request to completion: the SSE status stream first, polling while the stream
//! is broken, then the stream again. Whatever delivered them, log lines come out once each,
//! in order.

use reqwest::Method;
use reqwest::header::ACCEPT;
use tokio::sync::mpsc;

use crate::client::{FalClient, describe_reqwest, status_error};
use crate::error::{FalError, snippet};
use crate::logs::LogCursor;
use crate::sse::{SseError, SseStream};
use crate::wire::{LogEntry, RemoteStatus, RequestUrls, StatusBody, StatusUpdate};

#[derive(Clone, Debug, PartialEq)]
pub enum WatchItem {
    Update(StatusUpdate),
    /// The stream broke and the watch switched to polling; informational.
    Reconnecting {
        reason: String,
    },
}

/// A running watch. Dropping it stops the background task.
pub struct StatusWatch {
    rx: mpsc::Receiver<Result<WatchItem, FalError>>,
    task: tokio::task::JoinHandle<()>,
}

impl StatusWatch {
    /// The next item; `None` after the `Completed` update or a final error.
    pub async fn next(&mut self) -> Option<Result<WatchItem, FalError>> {
        self.rx.recv().await
    }
}

impl Drop for StatusWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FalClient {
    /// Watches `urls` until completion. `logs_seen` lines (the last being `last_log`) were
    /// already delivered earlier, e.g. before a restart; they are not repeated.
    pub fn watch(
        &self,
        urls: &RequestUrls,
        logs_seen: usize,
        last_log: Option<LogEntry>,
    ) -> StatusWatch {
        let (tx, rx) = mpsc::channel(64);
        let watcher = Watcher {
            client: self.clone(),
            urls: urls.clone(),
            cursor: LogCursor::resume(logs_seen, last_log),
            tx,
        };
        let task = tokio::spawn(watcher.run());
        StatusWatch { rx, task }
    }
}

enum Phase {
    Completed,
    /// Nobody listens any more.
    Gone,
    Fatal(FalError),
    /// Try the other transport.
    Switch(String),
}

struct Watcher {
    client: FalClient,
    urls: RequestUrls,
    cursor: LogCursor,
    tx: mpsc::Sender<Result<WatchItem, FalError>>,
}

impl Watcher {
    async fn run(mut self) {
        loop {
            match self.stream().await {
                Phase::Switch(reason) => {
                    tracing::info!(request = %self.urls.request_id, %reason, "status stream broken; polling");
                    if !self.emit(WatchItem::Reconnecting { reason }).await {
                        return;
                    }
                }
                end => return self.finish(end).await,
            }
            match self.poll().await {
                Phase::Switch(_) => continue,
                end => return self.finish(end).await,
            }
        }
    }

    async fn finish(self, end: Phase) {
        if let Phase::Fatal(err) = end {
            let _ = self.tx.send(Err(err)).await;
        }
    }

    async fn emit(&self, item: WatchItem) -> bool {
        self.tx.send(Ok(item)).await.is_ok()
    }

    /// Hands an update on; `Some` when the watch is over (completed, or nobody listens).
    async fn deliver(&self, status: RemoteStatus, new_logs: Vec<LogEntry>) -> Option<Phase> {
        let done = status.is_completed();
        if !self
            .emit(WatchItem::Update(StatusUpdate { status, new_logs }))
            .await
        {
            return Some(Phase::Gone);
        }
        done.then_some(Phase::Completed)
    }

    fn stream_url(&self) -> String {
        let (path, query) = match self.urls.status_url.split_once('?') {
            Some((path, query)) => (path, format!("&{query}")),
            None => (self.urls.status_url.as_str(), String::new()),
        };
        format!("{path}/stream?logs=1{query}")
    }

    async fn stream(&mut self) -> Phase {
        let config = &self.client.config;
        let url = self.stream_url();
        let request = self
            .client
            .authorize(self.client.http.get(&url), &url)
            .header(ACCEPT, "text/event-stream");
        // A stalled server may never send headers; the idle limit covers that wait too.
        let sent = tokio::time::timeout(config.idle_timeout, request.send()).await;
        let response = match sent {
            Err(_) => return Phase::Switch("status stream did not answer".into()),
            Ok(Ok(r)) if r.status().is_success() => r,
            Ok(Ok(r)) => {
                let status = r.status();
                let body = r.text().await.unwrap_or_default();
                return match status_error(status, &body) {
                    err @ (FalError::Unauthorized { .. } | FalError::Validation { .. }) => {
                        Phase::Fatal(err)
                    }
                    err => Phase::Switch(format!("status stream refused: {err}")),
                };
            }
            Ok(Err(err)) => return Phase::Switch(describe_reqwest(&err)),
        };
        let mut events = SseStream::new(response.bytes_stream(), config.max_event_bytes);
        let mut first = true;
        loop {
            let next = tokio::time::timeout(config.idle_timeout, events.next()).await;
            let data = match next {
                Err(_) => return Phase::Switch("no status event for too long".into()),
                Ok(None) => return Phase::Switch("status stream ended early".into()),
                // Polling reads the same status without the stream's framing.
                Ok(Some(Err(err @ SseError::TooLarge { .. }))) => {
                    return Phase::Switch(format!("{err}; polling instead"));
                }
                Ok(Some(Err(err))) => return Phase::Switch(format!("status stream broke: {err}")),
                Ok(Some(Ok(data))) => data,
            };
            if data.trim().is_empty() {
                continue;
            }
            let Some((status, logs)) = parse_status(&data) else {
                return Phase::Switch(format!("unreadable status event: {}", snippet(&data)));
            };
            let fresh = if first {
                self.cursor.take_unknown(logs)
            } else {
                self.cursor.take_delta(logs)
            };
            first = false;
            if let Some(end) = self.deliver(status, fresh).await {
                return end;
            }
        }
    }

    async fn poll(&mut self) -> Phase {
        let config = self.client.config.clone();
        let url = format!(
            "{}{}logs=1",
            self.urls.status_url,
            if self.urls.status_url.contains('?') {
                '&'
            } else {
                '?'
            }
        );
        let mut good_polls = 0;
        let mut failures = 0;
        let mut last_status = None;
        loop {
            let mut header_type = None;
            let body = match self.client.send(Method::GET, &url, |r| r).await {
                Ok(response) => {
                    header_type = error_type_header(response.headers());
                    response.text().await.map_err(|e| FalError::Network {
                        attempts: 1,
                        message: describe_reqwest(&e),
                    })
                }
                Err(err) => Err(err),
            };
            let parsed = body.and_then(|body| {
                parse_status(&body).ok_or_else(|| FalError::Malformed {
                    what: "status",
                    snippet: snippet(&body),
                })
            });
            // A failure's cause, from `X-Fal-Error-Type` when the body leaves it out.
            let parsed = parsed.map(|(status, logs)| match status {
                RemoteStatus::Completed {
                    error: Some(error),
                    error_type: None,
                    inference_time,
                } => (
                    RemoteStatus::Completed {
                        error: Some(error),
                        error_type: header_type,
                        inference_time,
                    },
                    logs,
                ),
                other => (other, logs),
            });
            match parsed {
                Ok((status, logs)) => {
                    failures = 0;
                    let fresh = self.cursor.take_full(logs);
                    if !fresh.is_empty() || last_status.as_ref() != Some(&status) {
                        last_status = Some(status.clone());
                        if let Some(end) = self.deliver(status, fresh).await {
                            return end;
                        }
                    }
                    good_polls += 1;
                }
                // `send` already retried what retrying can fix.
                Err(err) if !err.is_transient() => return Phase::Fatal(err),
                Err(err) => {
                    tracing::warn!(request = %self.urls.request_id, error = %err, "status poll failed");
                    failures += 1;
                    // Each poll already retried with backoff; this many in a row means fal is
                    // unreachable for long enough that the user should hear about it.
                    if failures >= MAX_FAILED_POLLS {
                        return Phase::Fatal(err);
                    }
                }
            }
            if good_polls >= config.polls_before_stream_retry {
                return Phase::Switch("trying the status stream again".into());
            }
            tokio::time::sleep(config.poll_interval).await;
        }
    }
}

const MAX_FAILED_POLLS: u32 = 3;

/// `X-Fal-Error-Type`: fal's machine-readable cause of a failure.
fn error_type_header(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let word = headers.get("x-fal-error-type")?.to_str().ok()?.trim();
    let usable = !word.is_empty()
        && word.len() <= 64
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    usable.then(|| word.to_owned())
}

fn parse_status(body: &str) -> Option<(RemoteStatus, Vec<LogEntry>)> {
    let body: StatusBody = serde_json::from_str(body).ok()?;
    let status = body.remote_status()?;
    Some((status, body.logs.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::error_type_header;

    #[test]
    fn the_error_type_header_is_taken_only_as_a_word() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-fal-error-type", HeaderValue::from_str(value).unwrap());
            error_type_header(&headers)
        };
        assert_eq!(with("request_timeout").as_deref(), Some("request_timeout"));
        assert_eq!(
            with(" runner_disconnected ").as_deref(),
            Some("runner_disconnected")
        );
        assert_eq!(with("a b"), None);
        assert_eq!(with(&"x".repeat(65)), None);
        assert_eq!(error_type_header(&HeaderMap::new()), None);
    }
}
