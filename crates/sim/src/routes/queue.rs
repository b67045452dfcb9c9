//! The queue routes: submit, poll status, fetch the result, cancel.

use std::collections::HashMap;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::json;

use crate::app::App;
use crate::conn::ConnSwitch;
use crate::faults::Route;
use crate::gate::{Auth, Pass, after_work, gate};
use crate::jobs::{CancelOutcome, JobError, NewRequest, Seen};
use crate::routes::validate::validate;
use crate::wire;

pub(crate) const OUTPUT_FILE: &str = "output.mp4";

/// What `Fault::HostileUrl` appends to the video URL: ends a bracketed paste and runs a
/// command, starts a C1 CSI, retitles the window and reverses what follows. URL parsers
/// drop the newline and percent-encode the rest, so the file still downloads.
pub const HOSTILE_QUERY: &str =
    "?t=\u{1b}[201~\ntouch /tmp/pwned\n\u{9b}2J\u{1b}]0;owned\u{7}\u{202e}4pm.";

/// `POST /{owner}/{alias}[/{*path}]`. Query `fal_webhook` is accepted and ignored; the
/// `X-Fal-*` headers are recorded in the stats (so tests can see what a client sent).
pub(crate) async fn submit(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let pass = match gate(&app, Route::Submit, Auth::Key, &conn, &headers).await {
        Ok(pass) => pass,
        Err(response) => return response,
    };
    app.stats.fal_headers(Route::Submit, &headers);
    let input = match validate(&body) {
        Ok(input) => input,
        Err(errors) => return wire::validation(errors),
    };
    if let Some(error) = super::image_limits::check(&app.storage, &input.image_url) {
        return wire::validation(vec![error]);
    }
    let owner = params.get("owner").map_or("", String::as_str);
    let alias = params.get("alias").map_or("", String::as_str);
    let app_id = format!("{owner}/{alias}");
    let endpoint = match params.get("path").filter(|p| !p.is_empty()) {
        Some(path) => format!("{app_id}/{path}"),
        None => app_id.clone(),
    };
    let (job, position) = app.jobs.submit(NewRequest {
        app: app_id,
        endpoint,
        base: wire::base_url(&headers, &app.fallback_base),
        prompt: input.prompt,
        input: keeps_payloads(&headers)
            .then(|| serde_json::from_slice(&body).ok())
            .flatten(),
    });
    if let Pass::AfterWork(fault) = pass {
        return after_work(&fault, &conn, &job.id);
    }
    let (response_url, status_url, cancel_url) = job.urls();
    wire::with_request_id(
        StatusCode::OK,
        &job.id,
        json!({
            "request_id": job.id,
            "response_url": response_url,
            "status_url": status_url,
            "cancel_url": cancel_url,
            "queue_position": position,
        }),
    )
}

/// `GET /{owner}/{alias}/requests/{id}/status?logs=1`: every answer carries all logs so far.
pub(crate) async fn status(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    Path(params): Path<HashMap<String, String>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = gate(&app, Route::Status, Auth::Key, &conn, &headers).await {
        return response;
    }
    let Some(job) = params.get("id").and_then(|id| app.jobs.get(id)) else {
        return not_found();
    };
    let view = app.jobs.view(&job, 0);
    let body = wire::status_body(&job, &view, wants_logs(&query));
    let mut response = (wire::status_code(&view.seen), axum::Json(body)).into_response();
    if let Seen::Completed {
        error: Some(error), ..
    } = view.seen
    {
        wire::error_type_header(&mut response, error.error_type());
    }
    response
}

/// `GET /{owner}/{alias}/requests/{id}`: the model output once completed.
pub(crate) async fn result(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let pass = match gate(&app, Route::Result, Auth::Key, &conn, &headers).await {
        Ok(pass) => pass,
        Err(response) => return response,
    };
    let Some(job) = params.get("id").and_then(|id| app.jobs.get(id)) else {
        return not_found();
    };
    match app.jobs.view(&job, usize::MAX).seen {
        Seen::Queued { .. } | Seen::Running => {
            wire::detail(StatusCode::BAD_REQUEST, "Request is still in progress")
        }
        Seen::Completed {
            error: Some(error), ..
        } => {
            let status = match error {
                JobError::Cancelled => StatusCode::BAD_REQUEST,
                JobError::Failed => StatusCode::INTERNAL_SERVER_ERROR,
                JobError::Refused => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let body = json!({"detail": error.message(), "error_type": error.error_type()});
            let mut response = (status, axum::Json(body)).into_response();
            wire::error_type_header(&mut response, error.error_type());
            response
        }
        Seen::Completed { error: None, .. } => {
            let base = wire::base_url(&headers, &app.fallback_base);
            let mut url = format!("{base}/files/{}/{OUTPUT_FILE}", job.id);
            if pass == Pass::HostileUrl {
                url.push_str(HOSTILE_QUERY);
            }
            if pass == Pass::FileUrl {
                url = "file:///etc/passwd".to_owned();
            }
            wire::with_request_id(
                StatusCode::OK,
                &job.id,
                json!({"video": {
                    "url": url,
                    "content_type": "video/mp4",
                    "file_name": OUTPUT_FILE,
                    "file_size": crate::routes::files::SAMPLE_MP4.len(),
                }}),
            )
        }
    }
}

/// `PUT /{owner}/{alias}/requests/{id}/cancel`.
pub(crate) async fn cancel(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = gate(&app, Route::Cancel, Auth::Key, &conn, &headers).await {
        return response;
    }
    let id = params.get("id").map_or("", String::as_str);
    match app.jobs.cancel(id) {
        CancelOutcome::NotFound => not_found(),
        CancelOutcome::AlreadyCompleted => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"status": "ALREADY_COMPLETED"})),
        )
            .into_response(),
        CancelOutcome::Requested => (
            StatusCode::ACCEPTED,
            axum::Json(json!({"status": "CANCELLATION_REQUESTED"})),
        )
            .into_response(),
    }
}

/// Unless the client sent `X-Fal-Store-IO: 0`, fal keeps a request's JSON payloads.
fn keeps_payloads(headers: &HeaderMap) -> bool {
    headers
        .get("x-fal-store-io")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() != "0")
}

/// `logs=1` (or `true`) asks for logs; anything else omits them.
pub(crate) fn wants_logs(query: &HashMap<String, String>) -> bool {
    query
        .get("logs")
        .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

pub(crate) fn not_found() -> Response {
    wire::detail(StatusCode::NOT_FOUND, "Request not found")
}
