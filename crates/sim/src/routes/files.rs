//! Downloads: the output video of a completed job and uploaded files, with byte ranges so
//! interrupted downloads can resume.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::{StreamExt, stream};

use crate::app::App;
use crate::conn::ConnSwitch;
use crate::faults::Route;
use crate::gate::{Auth, Pass, gate};
use crate::jobs::Seen;
use crate::wire;

/// Every job's "generated" video.
pub const SAMPLE_MP4: &[u8] = include_bytes!("../../assets/sample.mp4");

/// `GET /files/{id}/output.mp4`.
pub(crate) async fn output_video(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let pass = match gate(&app, Route::File, Auth::Open, &conn, &headers).await {
        Ok(pass) => pass,
        Err(response) => return response,
    };
    let done = app.jobs.get(&id).is_some_and(|job| {
        matches!(
            app.jobs.view(&job, usize::MAX).seen,
            Seen::Completed { error: None, .. }
        )
    });
    if !done {
        return wire::detail(StatusCode::NOT_FOUND, "File not found");
    }
    serve_bytes(Bytes::from_static(SAMPLE_MP4), "video/mp4", &headers, pass)
}

/// `GET /files/uploads/{token}/{name}`: a file a client uploaded.
pub(crate) async fn uploaded_file(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let pass = match gate(&app, Route::File, Auth::Open, &conn, &headers).await {
        Ok(pass) => pass,
        Err(response) => return response,
    };
    let token = params.get("token").map_or("", String::as_str);
    let name = params.get("name").map_or("", String::as_str);
    match app.storage.get(token) {
        Some(upload) if upload.file_name == name => match upload.data {
            Some(data) => serve_bytes(data, &upload.content_type, &headers, pass),
            None => wire::detail(StatusCode::NOT_FOUND, "File was never uploaded"),
        },
        _ => wire::detail(StatusCode::NOT_FOUND, "File not found"),
    }
}

/// Serve `data`, honouring `Range: bytes=N-` and `bytes=N-M`, unless `pass` says a fault
/// took the request over: cut half way (like a dropped download), ignore the range, drip,
/// advertise a huge length, or send an HTML page instead.
fn serve_bytes(data: Bytes, content_type: &str, headers: &HeaderMap, pass: Pass) -> Response {
    match pass {
        Pass::NotMp4 => return wire::html_page(),
        Pass::HugeLength(length) => return zeros(length),
        _ => {}
    }
    let total = data.len();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| pass != Pass::IgnoreRangeAndCut)
        .and_then(|v| parse_range(v, total));
    let (status, body, content_range) = match range {
        None => (StatusCode::OK, data, None),
        Some(Err(Unsatisfiable)) => {
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{total}"))],
            )
                .into_response();
        }
        Some(Ok((start, end))) => (
            StatusCode::PARTIAL_CONTENT,
            data.slice(start..=end),
            Some(format!("bytes {start}-{end}/{total}")),
        ),
    };
    let length = body.len();
    let body = match pass {
        Pass::ResetMidBody | Pass::IgnoreRangeAndCut => cut_half_way(body),
        Pass::Drip(every) => drip(body, every),
        _ => Body::from(body),
    };
    let mut response = (status, body).into_response();
    let out = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        out.insert(header::CONTENT_TYPE, value);
    }
    out.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(range) = content_range.and_then(|r| HeaderValue::from_str(&r).ok()) {
        out.insert(header::CONTENT_RANGE, range);
    }
    response
}

/// Half of `body`, then a failed connection.
fn cut_half_way(body: Bytes) -> Body {
    let length = body.len();
    let half = body.slice(..length / 2);
    let sent = stream::once(async move { Ok::<_, std::io::Error>(half) });
    let cut = stream::once(async {
        // Let the first half reach the client before the connection fails.
        tokio::time::sleep(Duration::from_millis(30)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "simulated reset mid-body",
        ))
    });
    Body::from_stream(sent.chain(cut))
}

/// `body` one byte at a time, `every` apart.
fn drip(body: Bytes, every: Duration) -> Body {
    let bytes = stream::unfold((body, 0), move |(body, at)| async move {
        if at >= body.len() {
            return None;
        }
        if at > 0 {
            tokio::time::sleep(every).await;
        }
        let byte = body.slice(at..=at);
        Some((Ok::<_, std::io::Error>(byte), (body, at + 1)))
    });
    Body::from_stream(bytes)
}

/// A `Content-Length` of `length`, and that many bytes: the video, then zeros, made only as
/// fast as they are read.
fn zeros(length: u64) -> Response {
    const CHUNK: usize = 64 * 1024;
    let mut first = SAMPLE_MP4.to_vec();
    first.resize(CHUNK, 0);
    let block = Bytes::from(vec![0u8; CHUNK]);
    let first = Bytes::from(first);
    let bytes = stream::unfold(length, move |left| {
        let block = if left == length {
            first.clone()
        } else {
            block.clone()
        };
        async move {
            if left == 0 {
                return None;
            }
            let n = usize::try_from(left).map_or(CHUNK, |left| left.min(CHUNK));
            Some((Ok::<_, std::io::Error>(block.slice(..n)), left - n as u64))
        }
    });
    let mut response = (StatusCode::OK, Body::from_stream(bytes)).into_response();
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    out.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    response
}

#[derive(Debug, PartialEq, Eq)]
struct Unsatisfiable;

/// `None`: no usable single range, serve everything. Otherwise the inclusive byte span.
fn parse_range(value: &str, total: usize) -> Option<Result<(usize, usize), Unsatisfiable>> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = (start.trim(), end.trim());
    if start.is_empty() {
        // Suffix range: the last N bytes.
        let n: usize = end.parse().ok()?;
        if n == 0 || total == 0 {
            return Some(Err(Unsatisfiable));
        }
        return Some(Ok((total.saturating_sub(n), total - 1)));
    }
    let start: usize = start.parse().ok()?;
    let end: usize = if end.is_empty() {
        total.saturating_sub(1)
    } else {
        end.parse::<usize>().ok()?.min(total.saturating_sub(1))
    };
    if start >= total || end < start {
        return Some(Err(Unsatisfiable));
    }
    Some(Ok((start, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=10-", 100), Some(Ok((10, 99))));
        assert_eq!(parse_range("bytes=10-19", 100), Some(Ok((10, 19))));
        assert_eq!(parse_range("bytes=90-500", 100), Some(Ok((90, 99))));
        assert_eq!(parse_range("bytes=-5", 100), Some(Ok((95, 99))));
        assert_eq!(parse_range("bytes=100-", 100), Some(Err(Unsatisfiable)));
        assert_eq!(parse_range("bytes=0-1,5-6", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
    }
}
