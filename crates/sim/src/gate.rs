//! What every request passes before its handler does real work: it is counted, an armed
//! fault may take it over, and the key is checked.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::App;
use crate::conn::ConnSwitch;
use crate::faults::{Fault, Route};
use crate::wire;

/// Which credentials a route takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// Downloads: no credentials.
    Open,
    /// `Authorization: Key <key>`.
    Key,
    /// A key, or a bearer token from `/storage/auth/token` (the CDN upload).
    KeyOrToken,
}

/// How the handler should go on when the gate lets the request through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pass {
    Normal,
    /// Stream route: end the stream after this many events.
    DropStreamAfter(usize),
    /// File route: send part of the body, then cut the connection.
    ResetMidBody,
    /// File route: ignore `Range`, send the whole body from byte 0, cut half way.
    IgnoreRangeAndCut,
    /// File route: one byte per interval.
    Drip(std::time::Duration),
    /// File route: advertise this length and send zeros.
    HugeLength(u64),
    /// File route: an HTML page instead of the video.
    NotMp4,
    /// Stream route: pad the first event to about this many bytes.
    HugeEvent(usize),
    /// Submit route: queue the job, then answer with this fault instead of the normal answer
    /// ([`after_work`]).
    AfterWork(Fault),
    /// Result route: put control sequences into the video URL.
    HostileUrl,
    /// Result route: a `file:` URL for the video.
    FileUrl,
}

pub(crate) async fn gate(
    app: &App,
    route: Route,
    auth: Auth,
    conn: &ConnSwitch,
    headers: &HeaderMap,
) -> Result<Pass, Response> {
    app.stats.count(route);
    let mut pass = Pass::Normal;
    match app.faults.take(route) {
        None => {}
        Some(Fault::Stall(duration)) => tokio::time::sleep(duration).await,
        Some(Fault::Reset) if route == Route::File => pass = Pass::ResetMidBody,
        Some(Fault::Reset) => {
            conn.cut();
            // Never written: the connection fails before hyper can send it.
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
        Some(Fault::DropStream { after_events }) => pass = Pass::DropStreamAfter(after_events),
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = format!(
                "Simulated fault: {}",
                status.canonical_reason().unwrap_or("error")
            );
            return Err(wire::detail(status, &message));
        }
        Some(Fault::RateLimited { retry_after_secs }) => {
            let mut response = wire::detail(
                StatusCode::TOO_MANY_REQUESTS,
                "Simulated fault: rate limit exceeded, slow down",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            return Err(response);
        }
        Some(Fault::Unauthorized) => {
            return Err(wire::detail(
                StatusCode::UNAUTHORIZED,
                "Simulated fault: authentication failed",
            ));
        }
        Some(Fault::Validation) => {
            return Err(wire::validation(vec![wire::field_error(
                &["body", "prompt"],
                "Simulated fault: prompt was rejected",
                "value_error",
            )]));
        }
        Some(Fault::MalformedJson) => return Err(malformed(route)),
        Some(Fault::HugeDetail(bytes)) => {
            let message = "Simulated fault: a very long error. ".repeat(bytes / 36 + 1);
            let message = message.get(..bytes).unwrap_or(&message);
            return Err(wire::detail(StatusCode::BAD_REQUEST, message));
        }
        Some(Fault::IgnoreRange) => pass = Pass::IgnoreRangeAndCut,
        Some(Fault::Drip(every)) => pass = Pass::Drip(every),
        Some(Fault::HugeLength(bytes)) => pass = Pass::HugeLength(bytes),
        Some(Fault::NotMp4) if route == Route::File => pass = Pass::NotMp4,
        Some(Fault::NotMp4) => return Err(wire::html_page()),
        Some(Fault::HugeEvent(bytes)) => pass = Pass::HugeEvent(bytes),
        Some(fault @ (Fault::ResetAfterBody | Fault::ErrorWithId { taken: true, .. }))
            if route == Route::Submit =>
        {
            pass = Pass::AfterWork(fault);
        }
        Some(Fault::ResetAfterBody) => {
            conn.cut();
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
        Some(Fault::ErrorWithId { status, .. }) => {
            return Err(error_with_id(status, &crate::jobs::new_request_id()));
        }
        Some(Fault::Ingress(code)) => return Err(ingress(code)),
        Some(Fault::Locked) => {
            return Err(wire::detail(StatusCode::FORBIDDEN, LOCKED_DETAIL));
        }
        Some(Fault::StartTimeout) => {
            let mut response = wire::detail(
                StatusCode::GATEWAY_TIMEOUT,
                "Request timed out before a runner started it",
            );
            response.headers_mut().insert(
                "x-fal-request-timeout-type",
                HeaderValue::from_static("user"),
            );
            return Err(response);
        }
        Some(Fault::NotReady) => {
            return Err(wire::detail(
                StatusCode::BAD_REQUEST,
                "Request is still in progress",
            ));
        }
        Some(Fault::HostileUrl) => pass = Pass::HostileUrl,
        Some(Fault::FileUrl) => pass = Pass::FileUrl,
    }
    match check_auth(app, auth, headers) {
        Ok(()) => Ok(pass),
        Err(reason) => Err(wire::detail(StatusCode::UNAUTHORIZED, reason)),
    }
}

/// fal's answer for an account that ran out of balance, word for word.
pub(crate) const LOCKED_DETAIL: &str =
    "User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.";

/// What a request that passed with [`Pass::AfterWork`] gets once its work is done: the job
/// exists, the answer says otherwise (or nothing at all).
pub(crate) fn after_work(fault: &Fault, conn: &ConnSwitch, request_id: &str) -> Response {
    match fault {
        Fault::ErrorWithId { status, .. } => error_with_id(*status, request_id),
        _ => {
            conn.cut();
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A 5xx from fal's own servers: JSON detail and the request id.
fn error_with_id(code: u16, request_id: &str) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = wire::detail(status, "Simulated fault: internal server error");
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response
            .headers_mut()
            .insert(wire::REQUEST_ID_HEADER, value);
    }
    response
}

/// nginx's own error page, as an ingress in front of fal sends it.
fn ingress(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html"),
            (header::SERVER, "nginx"),
        ],
        page,
    )
        .into_response()
}

/// `Err` holds the reason given in the 401 body.
fn check_auth(app: &App, auth: Auth, headers: &HeaderMap) -> Result<(), &'static str> {
    if auth == Auth::Open {
        return Ok(());
    }
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let Some(value) = value else {
        return Err("Missing Authorization header: send `Authorization: Key <FAL_KEY>`");
    };
    if let Some(key) = value.strip_prefix("Key ").map(str::trim) {
        let accepted = match &app.config.accepted_key {
            Some(expected) => key == expected,
            None => !key.is_empty(),
        };
        if accepted {
            return Ok(());
        }
    }
    if auth == Auth::KeyOrToken
        && let Some(token) = value.strip_prefix("Bearer ").map(str::trim)
        && app.storage.token_is_valid(token)
    {
        return Ok(());
    }
    Err("Invalid key: the Authorization header was not accepted")
}

/// A success status whose body is not JSON (a proxy's error page, a truncated body).
fn malformed(route: Route) -> Response {
    match route {
        Route::Stream => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/event-stream")],
            "data: {\"status\": \"IN_PROGRE\n\n",
        )
            .into_response(),
        _ => {
            let status = if route == Route::Status {
                StatusCode::ACCEPTED
            } else {
                StatusCode::OK
            };
            let body = json!({"status": "IN_QUEUE"}).to_string();
            let truncated = format!("<html>{}", &body[..body.len() / 2]);
            (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                truncated,
            )
                .into_response()
        }
    }
}
