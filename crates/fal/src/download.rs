//! Saves the result video: into a `.part` file beside the target, resuming with a `Range`
//! request after a broken transfer, checked against the advertised size and for an MP4
//! header, then renamed into place so a half-written file never carries the final name.
//!
//! Every download ends: attempts are bounded per download (not per advance, so a server that
//! ignores `Range` and always breaks at the same offset cannot loop), the size is capped at
//! what was advertised and at [`DownloadLimits::max_bytes`], and a transfer slower than
//! [`DownloadLimits::min_bytes_per_window`] gives up. A download that gives up removes its
//! `.part` file.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::RANGE;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;

use crate::client::{FalClient, describe_reqwest, status_error};
use crate::config::DownloadLimits;
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
    /// Worth another try, from where we stopped. `reached`: the bytes the `.part` file holds
    /// after this attempt, when they count as progress.
    Retry {
        error: FalError,
        reached: Option<u64>,
    },
}

impl FalClient {
    pub async fn download(
        &self,
        job: Download<'_>,
        mut progress: impl FnMut(u64, Option<u64>) + Send,
    ) -> Result<u64, FalError> {
        let part = part_path(job.dest);
        let outcome = self.download_to_part(&job, &part, &mut progress).await;
        let saved = match outcome {
            Ok(size) => self.move_into_place(&part, job.dest, size).await,
            Err(err) => Err(err),
        };
        if saved.is_err() {
            // Giving up: a partial file nobody will resume only takes space.
            let _ = tokio::fs::remove_file(&part).await;
        }
        saved
    }

    async fn download_to_part(
        &self,
        job: &Download<'_>,
        part: &Path,
        progress: &mut (impl FnMut(u64, Option<u64>) + Send),
    ) -> Result<u64, FalError> {
        let policy = &self.config.retry;
        let limits = &self.config.download;
        if let Some(size) = job.expected_size.filter(|&size| size > limits.max_bytes) {
            return Err(too_large(Some(size), limits));
        }
        let mut furthest = file_len(part).await;
        // All attempts, bounded whatever each one gets.
        let mut attempts = 0;
        // Attempts in a row that got no byte beyond `furthest`.
        let mut fruitless = 0;
        loop {
            attempts += 1;
            fruitless += 1;
            let (error, reached) = match self.download_once(job, part, progress).await? {
                Attempt::Done(size) => return Ok(size),
                Attempt::Retry { error, reached } => (error, reached),
            };
            // A flaky link that keeps getting further is not a failing download.
            if let Some(reached) = reached.filter(|&r| r > furthest) {
                furthest = reached;
                fruitless = 1;
            }
            let delay = policy.delay(fruitless, None);
            let Some(delay) = delay.filter(|_| attempts < limits.max_attempts) else {
                return Err(FalError::DownloadGaveUp {
                    attempts,
                    last: Box::new(error),
                });
            };
            tracing::warn!(attempts, error = %error, "video download interrupted; resuming");
            tokio::time::sleep(delay).await;
        }
    }

    /// Renames the finished `.part` file into place once what is on disk is what arrived: a
    /// write that failed late (a full disk, a file-size limit) must not pass for a video.
    async fn move_into_place(&self, part: &Path, dest: &Path, size: u64) -> Result<u64, FalError> {
        let on_disk = file_len(part).await;
        if on_disk != size {
            return Err(FalError::File {
                path: part.to_owned(),
                source: std::io::Error::other(format!(
                    "only {on_disk} of the {size} bytes downloaded reached the disk"
                )),
            });
        }
        check_mp4(&read_head(part).await?)?;
        tokio::fs::rename(part, dest)
            .await
            .map_err(|source| FalError::File {
                path: dest.to_owned(),
                source,
            })?;
        Ok(size)
    }

    /// The start of an error answer's body: the hosts serving videos are not fal's API, and
    /// an endless or dripping error page must neither fill memory nor keep the job waiting.
    async fn error_body(&self, response: reqwest::Response) -> String {
        const MAX: usize = 64 * 1024;
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        let deadline = Instant::now() + self.config.idle_timeout;
        while body.len() < MAX {
            match tokio::time::timeout_at(deadline, stream.next()).await {
                Ok(Some(Ok(chunk))) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
        body.truncate(MAX);
        String::from_utf8_lossy(&body).into_owned()
    }

    async fn download_once(
        &self,
        job: &Download<'_>,
        part: &Path,
        progress: &mut (impl FnMut(u64, Option<u64>) + Send),
    ) -> Result<Attempt, FalError> {
        let limits = &self.config.download;
        let file_error = |source| FalError::File {
            path: part.to_owned(),
            source,
        };
        let mut have = file_len(part).await;
        if job.expected_size.is_some_and(|size| have > size) {
            have = 0; // not the file we are after; start over
        }
        let mut request = self.authorize(self.http.get(job.url), job.url);
        if have > 0 {
            request = request.header(RANGE, format!("bytes={have}-"));
        }
        let response = match tokio::time::timeout(self.config.idle_timeout, request.send()).await {
            Ok(Ok(r)) => r,
            Ok(Err(err)) => return Ok(retry(network(&err), None)),
            Err(_) => return Ok(retry(interrupted("the download did not start"), None)),
        };
        let status = response.status();
        let append = match status {
            StatusCode::PARTIAL_CONTENT => true,
            StatusCode::OK => false,
            // Everything already here: a Range past the end.
            StatusCode::RANGE_NOT_SATISFIABLE if have > 0 => {
                return Ok(finish(have, job.expected_size));
            }
            s if crate::retry::is_retryable(s) => {
                let refused = interrupted(&format!("the download was answered HTTP {s}"));
                return Ok(retry(refused, None));
            }
            // The video lives on a host that never sees the key (a CDN, a signed URL): its
            // refusal says the link is no longer good, not that FAL_KEY is wrong.
            s if !self.is_fal_host(job.url) => {
                let body = self.error_body(response).await;
                let (detail, _) = crate::error::parse_detail(&body);
                return Err(FalError::DownloadRefused {
                    status: s.as_u16(),
                    detail,
                });
            }
            s => {
                let body = self.error_body(response).await;
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
            return Ok(retry(wrong, None));
        }
        if !append {
            have = 0;
        }
        let from_start = have == 0;
        let body_total = response.content_length().map(|len| {
            if append {
                len.saturating_add(have)
            } else {
                len
            }
        });
        // A length that differs from fal's word is worth another try, unless the body is not
        // a video at all: that is seen from its first bytes, so they are read first.
        let mut mismatch = match (job.expected_size, body_total) {
            (Some(expected), Some(got)) if expected != got => {
                Some(FalError::SizeMismatch { expected, got })
            }
            (None, Some(got)) if got > limits.max_bytes => {
                return Err(too_large(Some(got), limits));
            }
            _ => None,
        };
        let total = job.expected_size.or(body_total);
        let cap = total.unwrap_or(limits.max_bytes);
        // Opened at the first byte worth keeping, so a useless answer leaves the file alone.
        let mut file = None;
        progress(have, total);
        let mut head = Vec::new();
        let mut rate = RateFloor::new(limits);
        let mut last_byte = Instant::now();
        let mut body = response.bytes_stream();
        let broken = loop {
            let deadline = (last_byte + self.config.idle_timeout).min(rate.window_end());
            match tokio::time::timeout_at(deadline, body.next()).await {
                Ok(Some(Ok(chunk))) => {
                    if from_start && head.len() < MP4_HEAD {
                        head.extend(chunk.iter().take(MP4_HEAD - head.len()));
                        if head.len() == MP4_HEAD {
                            // An error page served as the video: no use fetching the rest.
                            check_mp4(&head)?;
                        }
                    }
                    if mismatch.is_some() && (!from_start || head.len() == MP4_HEAD) {
                        break mismatch.take();
                    }
                    let len = chunk.len() as u64;
                    if have.saturating_add(len) > cap {
                        // More than advertised (or than we take): nothing past the cap is
                        // written.
                        break Some(match total {
                            Some(expected) => FalError::SizeMismatch {
                                expected,
                                got: have.saturating_add(len),
                            },
                            None => return Err(too_large(None, limits)),
                        });
                    }
                    let file = match &mut file {
                        Some(file) => file,
                        None => file.insert(open_part(part, append).await?),
                    };
                    file.write_all(&chunk).await.map_err(file_error)?;
                    have += len;
                    last_byte = Instant::now();
                    rate.add(len);
                    progress(have, total);
                }
                Ok(None) => break mismatch.take(),
                Ok(Some(Err(err))) => break Some(network(&err)),
                Err(_) if Instant::now() >= last_byte + self.config.idle_timeout => {
                    break Some(interrupted("the download stalled"));
                }
                Err(_) => {}
            }
            if let Some(slow) = rate.check() {
                // Too slow is not progress, however many bytes it brought.
                if let Some(file) = &mut file {
                    file.flush().await.map_err(file_error)?;
                }
                return Ok(retry(slow, None));
            }
        };
        // tokio's File hands writes to a background thread and reports their failure only on
        // the next call: without this flush a failed last write (a full disk, a file-size
        // limit) went unnoticed.
        if let Some(file) = &mut file {
            file.flush().await.map_err(file_error)?;
        }
        if let Some(error) = broken {
            return Ok(retry(error, Some(have)));
        }
        if let Some(file) = &file {
            file.sync_all().await.map_err(file_error)?;
        }
        Ok(finish(have, total))
    }
}

/// The `.part` file, appended to or started afresh. Something else at its path (a FIFO
/// would block the open until someone read it) is refused, not written into.
async fn open_part(part: &Path, append: bool) -> Result<tokio::fs::File, FalError> {
    if let Ok(meta) = tokio::fs::metadata(part).await
        && !meta.is_file()
    {
        return Err(FalError::File {
            path: part.to_owned(),
            source: std::io::Error::other("not a regular file (a FIFO, device or directory)"),
        });
    }
    tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(part)
        .await
        .map_err(|source| FalError::File {
            path: part.to_owned(),
            source,
        })
}

/// Bytes that show an MP4: a box size, then `ftyp`.
const MP4_HEAD: usize = 8;

fn check_mp4(head: &[u8]) -> Result<(), FalError> {
    if head.len() >= MP4_HEAD && &head[4..8] == b"ftyp" {
        return Ok(());
    }
    let start: String = String::from_utf8_lossy(&head[..head.len().min(MP4_HEAD)])
        .chars()
        .flat_map(char::escape_default)
        .collect();
    Err(FalError::NotVideo { start })
}

/// The first bytes of `path`, for the MP4 check.
async fn read_head(path: &Path) -> Result<Vec<u8>, FalError> {
    use tokio::io::AsyncReadExt;
    let file_error = |source| FalError::File {
        path: path.to_owned(),
        source,
    };
    let file = tokio::fs::File::open(path).await.map_err(file_error)?;
    let mut head = Vec::with_capacity(MP4_HEAD);
    file.take(MP4_HEAD as u64)
        .read_to_end(&mut head)
        .await
        .map_err(file_error)?;
    Ok(head)
}

/// Gives up on a transfer that brings fewer than `min_bytes_per_window` bytes in a window: a
/// server dripping a byte now and then never trips the idle timeout.
struct RateFloor {
    window: std::time::Duration,
    min_bytes: u64,
    started: Instant,
    bytes: u64,
}

impl RateFloor {
    fn new(limits: &DownloadLimits) -> Self {
        Self {
            window: limits.rate_window,
            min_bytes: limits.min_bytes_per_window,
            started: Instant::now(),
            bytes: 0,
        }
    }

    fn window_end(&self) -> Instant {
        self.started + self.window
    }

    fn add(&mut self, bytes: u64) {
        self.bytes = self.bytes.saturating_add(bytes);
    }

    /// At the end of each window: `Some` if it was too slow, else a fresh window.
    fn check(&mut self) -> Option<FalError> {
        if Instant::now() < self.window_end() {
            return None;
        }
        if self.bytes < self.min_bytes {
            return Some(interrupted(&format!(
                "the download is too slow: {} bytes in {:?}, under the floor of {} bytes",
                self.bytes, self.window, self.min_bytes
            )));
        }
        self.started = Instant::now();
        self.bytes = 0;
        None
    }
}

fn finish(have: u64, expected: Option<u64>) -> Attempt {
    match expected {
        Some(size) if size != have => retry(
            FalError::SizeMismatch {
                expected: size,
                got: have,
            },
            None,
        ),
        _ => Attempt::Done(have),
    }
}

fn retry(error: FalError, reached: Option<u64>) -> Attempt {
    Attempt::Retry { error, reached }
}

fn too_large(size: Option<u64>, limits: &DownloadLimits) -> FalError {
    FalError::DownloadTooLarge {
        size,
        limit: limits.max_bytes,
    }
}

fn interrupted(reason: &str) -> FalError {
    FalError::DownloadInterrupted(reason.to_owned())
}

async fn file_len(path: &Path) -> u64 {
    tokio::fs::metadata(path)
        .await
        .map(|m| m.len())
        .unwrap_or(0)
}

/// The first byte of a `206` answer, from `Content-Range: bytes START-END/TOTAL`.
fn range_start(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    let value = headers.get(reqwest::header::CONTENT_RANGE)?.to_str().ok()?;
    let range = value.trim().strip_prefix("bytes")?.trim_start();
    range.split('-').next()?.trim().parse().ok()
}

fn network(err: &reqwest::Error) -> FalError {
    FalError::DownloadInterrupted(describe_reqwest(err))
}

pub(crate) fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    dest.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use reqwest::header::{CONTENT_RANGE, HeaderMap};

    use super::{check_mp4, range_start};

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

    #[test]
    fn an_mp4_starts_with_an_ftyp_box() {
        assert!(check_mp4(b"\0\0\0\x20ftypisom").is_ok());
        let err = check_mp4(b"<!DOCTYPE html>").unwrap_err().to_string();
        assert!(err.contains("<!DOCTYP"), "{err}");
        assert!(check_mp4(b"").is_err());
        let err = check_mp4(b"\x1b]0;x\x07abc").unwrap_err().to_string();
        assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err}");
    }
}
