//! Saves the result video: into a `.part` file beside the target, resuming with a `Range`
//! request after a broken transfer, checked against the advertised size, then renamed into
//! place so a half-written file never carries the final name.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::RANGE;
use tokio::io::AsyncWriteExt;

use crate::client::{FalClient, describe_reqwest, status_error};
use crate::error::FalError;

/// What to download and where. [`FalClient::download`]'s `progress` callback gets (bytes so
/// far, total if known).
pub struct Download<'a> {
    pub url: &'a str,
    pub dest: &'a Path,
    pub expected_size: Option<u64>,
}

enum Attempt {
    Done(u64),
    /// Worth another try, from where we stopped; `advanced` if this attempt got bytes.
    Retry {
        error: FalError,
        advanced: bool,
    },
}

impl FalClient {
    pub async fn download(
        &self,
        job: Download<'_>,
        mut progress: impl FnMut(u64, Option<u64>) + Send,
    ) -> Result<u64, FalError> {
        let part = part_path(job.dest);
        let policy = &self.config.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.download_once(&job, &part, &mut progress).await? {
                Attempt::Done(size) => {
                    tokio::fs::rename(&part, job.dest)
                        .await
                        .map_err(|source| FalError::File {
                            path: job.dest.to_owned(),
                            source,
                        })?;
                    return Ok(size);
                }
                Attempt::Retry {
                    error: err,
                    advanced,
                } => {
                    // A flaky link that keeps making progress is not a failing download.
                    if advanced {
                        attempt = 1;
                    }
                    let Some(delay) = policy.delay(attempt, None) else {
                        return Err(err);
                    };
                    tracing::warn!(attempt, error = %err, "video download interrupted; resuming");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn download_once(
        &self,
        job: &Download<'_>,
        part: &Path,
        progress: &mut (impl FnMut(u64, Option<u64>) + Send),
    ) -> Result<Attempt, FalError> {
        let file_error = |source| FalError::File {
            path: part.to_owned(),
            source,
        };
        let mut have = tokio::fs::metadata(part)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        if job.expected_size.is_some_and(|size| have > size) {
            have = 0; // not the file we are after; start over
        }
        let mut request = self.authorize(self.http.get(job.url), job.url);
        if have > 0 {
            request = request.header(RANGE, format!("bytes={have}-"));
        }
        let response = match tokio::time::timeout(self.config.idle_timeout, request.send()).await {
            Ok(Ok(r)) => r,
            Ok(Err(err)) => return Ok(retry(network(&err), false)),
            Err(_) => {
                let stalled = FalError::Network {
                    attempts: 1,
                    message: "download did not start".into(),
                };
                return Ok(retry(stalled, false));
            }
        };
        let status = response.status();
        let append = match status {
            StatusCode::PARTIAL_CONTENT => true,
            StatusCode::OK => false,
            // Everything already here: a Range past the end.
            StatusCode::RANGE_NOT_SATISFIABLE if have > 0 => {
                return finish(have, job.expected_size);
            }
            s if crate::retry::is_retryable(s) => {
                let refused = FalError::GaveUp {
                    status: s.as_u16(),
                    attempts: 1,
                    detail: String::new(),
                };
                return Ok(retry(refused, false));
            }
            s => {
                let body = response.text().await.unwrap_or_default();
                return Err(status_error(s, &body));
            }
        };
        if append && range_start(response.headers()) != Some(have) {
            // Not the bytes we asked for: appending them would corrupt the file.
            let _ = tokio::fs::remove_file(part).await;
            let wrong = FalError::Malformed {
                what: "Content-Range of a resumed download",
                snippet: format!(
                    "{:?}",
                    response.headers().get(reqwest::header::CONTENT_RANGE)
                ),
            };
            return Ok(retry(wrong, false));
        }
        if !append {
            have = 0;
        }
        let started_at = have;
        let total = job.expected_size.or_else(|| {
            response
                .content_length()
                .map(|len| if append { len + have } else { len })
        });
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(part)
            .await
            .map_err(file_error)?;
        progress(have, total);
        let mut body = response.bytes_stream();
        loop {
            let next = tokio::time::timeout(self.config.idle_timeout, body.next()).await;
            match next {
                Ok(Some(Ok(chunk))) => {
                    file.write_all(&chunk).await.map_err(file_error)?;
                    have += chunk.len() as u64;
                    progress(have, total);
                }
                Ok(None) => break,
                Ok(Some(Err(err))) => {
                    file.flush().await.map_err(file_error)?;
                    return Ok(retry(network(&err), have > started_at));
                }
                Err(_) => {
                    file.flush().await.map_err(file_error)?;
                    let stalled = FalError::Network {
                        attempts: 1,
                        message: "download stalled".into(),
                    };
                    return Ok(retry(stalled, have > started_at));
                }
            }
        }
        file.sync_all().await.map_err(file_error)?;
        finish(have, total)
    }
}

fn finish(have: u64, expected: Option<u64>) -> Result<Attempt, FalError> {
    match expected {
        Some(size) if size != have => Ok(retry(
            FalError::SizeMismatch {
                expected: size,
                got: have,
            },
            false,
        )),
        _ => Ok(Attempt::Done(have)),
    }
}

fn retry(error: FalError, advanced: bool) -> Attempt {
    Attempt::Retry { error, advanced }
}

/// The first byte of a `206` answer, from `Content-Range: bytes START-END/TOTAL`.
fn range_start(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    let value = headers.get(reqwest::header::CONTENT_RANGE)?.to_str().ok()?;
    let range = value.trim().strip_prefix("bytes")?.trim_start();
    range.split('-').next()?.trim().parse().ok()
}

fn network(err: &reqwest::Error) -> FalError {
    FalError::Network {
        attempts: 1,
        message: describe_reqwest(err),
    }
}

pub(crate) fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    dest.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use reqwest::header::{CONTENT_RANGE, HeaderMap};

    use super::range_start;

    #[test]
    fn reads_the_start_of_a_content_range() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_RANGE, "bytes 2400-4803/4804".parse().unwrap());
        assert_eq!(range_start(&headers), Some(2400));
        headers.insert(CONTENT_RANGE, "items 1-2/3".parse().unwrap());
        assert_eq!(range_start(&headers), None);
        headers.remove(CONTENT_RANGE);
        assert_eq!(range_start(&headers), None);
    }
}
