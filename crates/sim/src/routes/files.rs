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
    serve_bytes(
        Bytes::from_static(SAMPLE_MP4),
        "video/mp4",
        &headers,
        pass == Pass::ResetMidBody,
    )
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
            Some(data) => serve_bytes(
                data,
                &upload.content_type,
                &headers,
                pass == Pass::ResetMidBody,
            ),
            None => wire::detail(StatusCode::NOT_FOUND, "File was never uploaded"),
        },
        _ => wire::detail(StatusCode::NOT_FOUND, "File not found"),
    }
}

/// Serve `data`, honouring `Range: bytes=N-` and `bytes=N-M`. With `cut_mid_body`, half
/// of the body goes out and then the connection fails, like a dropped download.
fn serve_bytes(
    data: Bytes,
    content_type: &str,
    headers: &HeaderMap,
    cut_mid_body: bool,
) -> Response {
    let total = data.len();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
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
    let body = if cut_mid_body {
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
    } else {
        Body::from(body)
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
