//! The submit POST. fal has no idempotency key and every accepted submit is a paid video, so
//! unlike every other call this one is repeated only when fal certainly did not take it: the
//! connection failed before the request went out, 408, 429, or an ingress 502/503/504 (no
//! `x-fal-request-id`). A 5xx that names a request id is followed by that id; a timeout or a
//! dropped connection after the body was sent is reported as an unknown outcome, never resent.

use reqwest::{Method, Response};

use crate::client::{FalClient, answer_error, describe_reqwest, too_long_wait};
use crate::error::{FalError, parse_detail, snippet};
use crate::options::RequestOptions;
use crate::retry::{SubmitVerdict, request_id, retry_after, submit_verdict};
use crate::wire::{ModelInput, RequestUrls, Submission, SubmitResponse};

impl FalClient {
    pub async fn submit(
        &self,
        input: &ModelInput,
        options: &RequestOptions,
    ) -> Result<Submission, FalError> {
        let url = format!("{}/{}", self.config.queue_url, self.config.model);
        let policy = &self.config.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = self
                .authorize(self.http.request(Method::POST, &url), &url)
                .timeout(self.config.request_timeout)
                .json(input);
            let (wait, failure) = match options.apply_to_submit(request).send().await {
                Ok(response) if response.status().is_success() => {
                    return self.accepted(response).await;
                }
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let body = response.text().await.unwrap_or_default();
                    match submit_verdict(status, &headers) {
                        SubmitVerdict::Follow(id) => {
                            tracing::warn!(request = %id, %status, "submit answered with an error that names a request; following it");
                            return Ok(self.followed(&id, format!("HTTP {}", status.as_u16())));
                        }
                        SubmitVerdict::Stop => return Err(answer_error(status, &headers, &body)),
                        SubmitVerdict::Repeat => (
                            retry_after(&headers),
                            FalError::GaveUp {
                                status: status.as_u16(),
                                attempts: attempt,
                                detail: parse_detail(&body).0,
                            },
                        ),
                    }
                }
                // Refused or unreachable before a byte of the request went out: fal never saw
                // it. (hyper itself resends a request that a pooled connection dropped before
                // writing it, so what reaches us here was at least partly sent.)
                Err(err) if err.is_connect() || err.is_builder() => (
                    None,
                    FalError::Network {
                        attempts: attempt,
                        message: describe_reqwest(&err),
                    },
                ),
                Err(err) => {
                    return Err(FalError::SubmitUnknown {
                        message: describe_reqwest(&err),
                    });
                }
            };
            let Some(delay) = policy.delay(attempt, wait) else {
                return Err(too_long_wait(failure, wait, policy.max_retry_after));
            };
            self.announce_retry(&url, attempt, delay, &failure);
            tokio::time::sleep(delay).await;
        }
    }

    /// A 2xx answer: fal has the job. If its body cannot be read, the header's request id
    /// still lets us follow it; without one the outcome is unknown.
    async fn accepted(&self, response: Response) -> Result<Submission, FalError> {
        let header_id = request_id(response.headers());
        let text = match response.text().await {
            Ok(text) => text,
            Err(err) => {
                return match header_id {
                    Some(id) => Ok(self.followed(&id, "an unreadable answer".into())),
                    None => Err(FalError::SubmitUnknown {
                        message: format!("the answer broke off: {}", describe_reqwest(&err)),
                    }),
                };
            }
        };
        let body = match serde_json::from_str::<SubmitResponse>(&text) {
            Ok(body) => body,
            Err(_) => {
                return match header_id {
                    Some(id) => Ok(self.followed(&id, "an unreadable answer".into())),
                    None => Err(FalError::SubmitUnknown {
                        message: format!("an unreadable answer: {}", snippet(&text)),
                    }),
                };
            }
        };
        let rebuilt = self.urls_for(&body.request_id);
        Ok(Submission {
            urls: RequestUrls {
                status_url: body.status_url.unwrap_or(rebuilt.status_url),
                response_url: body.response_url.unwrap_or(rebuilt.response_url),
                cancel_url: body.cancel_url.unwrap_or(rebuilt.cancel_url),
                request_id: body.request_id,
            },
            queue_position: body.queue_position,
            lost_answer: None,
        })
    }

    fn followed(&self, request_id: &str, answer: String) -> Submission {
        Submission {
            urls: self.urls_for(request_id),
            queue_position: None,
            lost_answer: Some(answer),
        }
    }
}
