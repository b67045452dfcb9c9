//! The JSON fal sends: status bodies, error bodies, and the headers that go with them.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::jobs::{Job, Seen, View};

pub(crate) const REQUEST_ID_HEADER: &str = "x-fal-request-id";
/// fal's machine-readable cause of a failure, the same word as the body's `error_type`.
pub(crate) const ERROR_TYPE_HEADER: &str = "x-fal-error-type";

/// Adds `X-Fal-Error-Type: <word>`, as fal does to a failed request's answers.
pub(crate) fn error_type_header(response: &mut Response, word: &str) {
    if let Ok(value) = HeaderValue::from_str(word) {
        response.headers_mut().insert(ERROR_TYPE_HEADER, value);
    }
}

/// An error page a proxy or CDN might send with `200` where JSON or the video should be.
const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n\
    <body><h1>Bad Gateway</h1><p>Simulated fault: the origin did not answer.</p></body></html>\n";

/// [`HTML_PAGE`] with `200 OK`, as that proxy sends it.
pub(crate) fn html_page() -> Response {
    let html = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    (StatusCode::OK, html, HTML_PAGE).into_response()
}

/// A status body as polling and SSE send it, with `view.new_logs` as its logs when the
/// client asked for them (`logs`).
pub(crate) fn status_body(job: &Job, view: &View, logs: bool) -> Value {
    let (response_url, status_url, cancel_url) = job.urls();
    let mut body = json!({
        "request_id": job.id,
        "response_url": response_url,
        "status_url": status_url,
        "cancel_url": cancel_url,
    });
    let fields = match view.seen {
        Seen::Queued { position } => json!({"status": "IN_QUEUE", "queue_position": position}),
        Seen::Running => json!({"status": "IN_PROGRESS"}),
        Seen::Completed {
            inference_secs,
            error,
        } => {
            let mut fields = json!({
                "status": "COMPLETED",
                "metrics": {"inference_time": inference_secs},
            });
            if let Some(error) = error {
                fields["error"] = json!(error.message());
                fields["error_type"] = json!(error.error_type());
            }
            fields
        }
    };
    merge(&mut body, fields);
    if !matches!(view.seen, Seen::Queued { .. }) {
        // fal sends `"logs": null` when logs were not asked for, and the Python client
        // indexes `data["logs"]`, so the key must be there either way.
        body["logs"] = if logs {
            json!(view.new_logs)
        } else {
            Value::Null
        };
    }
    body
}

/// The HTTP status polling answers with for this state.
pub(crate) fn status_code(seen: &Seen) -> StatusCode {
    match seen {
        Seen::Completed { .. } => StatusCode::OK,
        _ => StatusCode::ACCEPTED,
    }
}

/// `{"detail": "..."}` with that status.
pub(crate) fn detail(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({"detail": message}))).into_response()
}

/// The 422 body fal's validation produces: one entry per bad field.
pub(crate) fn validation(errors: Vec<Value>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(json!({"detail": errors})),
    )
        .into_response()
}

/// One entry of a 422 detail list.
pub(crate) fn field_error(loc: &[&str], msg: &str, kind: &str) -> Value {
    json!({"loc": loc, "msg": msg, "type": kind})
}

/// JSON with the request id header, as submit and result send it.
pub(crate) fn with_request_id(status: StatusCode, id: &str, body: Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// The base URL as the client addressed us, so returned URLs work through any name
/// (`127.0.0.1`, `localhost`) the client used.
pub(crate) fn base_url(headers: &HeaderMap, fallback: &str) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_graphic()))
        .map(|host| format!("http://{host}"))
        .unwrap_or_else(|| fallback.to_string())
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(into), Value::Object(from)) = (into, from) {
        into.extend(from);
    }
}
