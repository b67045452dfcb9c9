//! A look at an image URL before it is submitted: its type (by content), its size and, when
//! the file's start holds them, its dimensions, from one ranged GET of the first 64 KB. Best
//! effort: a host that refuses, fails or is slow leaves the image unchecked, never refused.
//! The API key is never sent: the URL may be anyone's.

use std::time::Duration;

use futures_util::StreamExt;

use crate::byte_size::human_size;
use crate::image_format::ImageFormat;
use crate::input_limits::{self, Violation};

const HEAD_BYTES: usize = 64 * 1024;
const TIMEOUT: Duration = Duration::from_secs(10);

/// What a look at the URL found.
#[derive(Clone, Debug, PartialEq)]
pub enum RemoteImage {
    /// The host answered with the start of the file.
    Seen {
        format: Option<ImageFormat>,
        /// The whole file's size, when the host said.
        size: Option<u64>,
        /// Width and height, when the first bytes hold them.
        dimensions: Option<(usize, usize)>,
        /// The host's Content-Type, for naming what a non-image is.
        content_type: Option<String>,
    },
    /// The look could not be had; why, in a few words.
    Unchecked(String),
}

impl RemoteImage {
    /// The first documented limit the image breaks, from what is known of it.
    pub fn check_limits(&self) -> Result<(), Violation> {
        let Self::Seen {
            format,
            size,
            dimensions,
            content_type,
        } = self
        else {
            return Ok(());
        };
        let Some(format) = format else {
            return Err(Violation::NotAnImage(
                content_type.clone().unwrap_or_else(|| "unknown".into()),
            ));
        };
        input_limits::check_known(*format, *size, *dimensions)
    }

    /// One line for the image field, e.g. `URL · PNG · 1.2 MB · 1280×720`.
    pub fn summary(&self) -> String {
        match self {
            Self::Unchecked(why) => format!("URL · not checked ({why}): passed to fal as is"),
            Self::Seen {
                format,
                size,
                dimensions,
                content_type,
            } => {
                let mut parts = vec!["URL".to_owned()];
                parts.push(match format {
                    Some(format) => format.name().to_owned(),
                    None => content_type
                        .clone()
                        .unwrap_or_else(|| "not an image".into()),
                });
                if let Some(size) = size {
                    parts.push(human_size(*size));
                }
                if let Some((w, h)) = dimensions {
                    parts.push(format!("{w}×{h}"));
                }
                parts.join(" · ")
            }
        }
    }
}

/// Looks at `url` (http or https; anything else is left unchecked).
pub async fn look(url: &str) -> RemoteImage {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return RemoteImage::Unchecked("not an http(s) URL".into());
    }
    match fetch_head(url).await {
        Ok(seen) => seen,
        Err(why) => RemoteImage::Unchecked(why),
    }
}

async fn fetch_head(url: &str) -> Result<RemoteImage, String> {
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .map_err(|e| e.to_string())?;
    let response = client
        .get(url)
        .header(
            reqwest::header::RANGE,
            format!("bytes=0-{}", HEAD_BYTES - 1),
        )
        .send()
        .await
        .map_err(|e| short_reason(&e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("HTTP {}", status.as_u16()));
    }
    let headers = response.headers();
    let size = match status.as_u16() {
        206 => headers
            .get(reqwest::header::CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit_once('/'))
            .and_then(|(_, total)| total.trim().parse().ok()),
        // The host ignored the range: the length is the whole file's.
        _ => response.content_length(),
    };
    let content_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| crate::text::sanitize(v.split(';').next().unwrap_or(v).trim()));
    let mut head = Vec::with_capacity(HEAD_BYTES);
    let mut body = response.bytes_stream();
    while head.len() < HEAD_BYTES {
        match body.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(e)) => return Err(short_reason(&e)),
            None => break,
        }
    }
    head.truncate(HEAD_BYTES);
    let format = crate::image_format::sniff_format(&head);
    let dimensions = imagesize::blob_size(&head)
        .ok()
        .map(|s| (s.width, s.height));
    Ok(RemoteImage::Seen {
        format,
        size,
        dimensions,
        content_type,
    })
}

fn short_reason(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "the host did not answer in time".into()
    } else if err.is_connect() {
        "could not connect".into()
    } else {
        crate::text::sanitize(&err.to_string())
    }
}
