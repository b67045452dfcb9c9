//! The storage routes (fal's `rest_url`): the initiate + PUT upload flow, and the CDN
//! token + direct upload flow the Python client prefers.

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::app::App;
use crate::conn::ConnSwitch;
use crate::faults::Route;
use crate::gate::{Auth, gate};
use crate::storage::safe_file_name;
use crate::wire;

/// `POST /storage/upload/initiate?storage_type=fal-cdn-v3` with `{content_type, file_name}`.
pub(crate) async fn initiate(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = gate(&app, Route::Upload, Auth::Key, &conn, &headers).await {
        return response;
    }
    app.stats.fal_headers(Route::Upload, &headers);
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut errors = Vec::new();
    let mut field = |name: &str| match request.get(name).and_then(Value::as_str) {
        Some(value) if !value.is_empty() => value.to_string(),
        _ => {
            errors.push(wire::field_error(
                &["body", name],
                "Field required",
                "missing",
            ));
            String::new()
        }
    };
    let content_type = field("content_type");
    let file_name = field("file_name");
    if !errors.is_empty() {
        return wire::validation(errors);
    }
    let file_name = safe_file_name(&file_name);
    let token = app.storage.reserve(content_type, file_name.clone());
    let base = wire::base_url(&headers, &app.fallback_base);
    axum::Json(json!({
        "upload_url": format!("{base}/storage/upload/put/{token}"),
        "file_url": format!("{base}/files/uploads/{token}/{file_name}"),
    }))
    .into_response()
}

/// `PUT /storage/upload/put/{token}` with the raw bytes.
pub(crate) async fn put(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Like a signed storage URL, the upload URL itself is the credential.
    if let Err(response) = gate(&app, Route::Upload, Auth::Open, &conn, &headers).await {
        return response;
    }
    if app.storage.fill(&token, body) {
        StatusCode::OK.into_response()
    } else {
        wire::detail(StatusCode::NOT_FOUND, "Unknown upload URL")
    }
}

/// `POST /storage/auth/token?storage_type=fal-cdn-v3`: a bearer token for the CDN upload.
pub(crate) async fn token(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = gate(&app, Route::Upload, Auth::Key, &conn, &headers).await {
        return response;
    }
    let expires_at =
        (Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, false);
    axum::Json(json!({
        "token": app.storage.issue_token(),
        "token_type": "Bearer",
        "base_url": wire::base_url(&headers, &app.fallback_base),
        "expires_at": expires_at,
    }))
    .into_response()
}

/// `POST /files/upload` with the raw bytes, `Content-Type` and `X-Fal-File-Name`.
pub(crate) async fn direct(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = gate(&app, Route::Upload, Auth::KeyOrToken, &conn, &headers).await {
        return response;
    }
    let header_text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let content_type = header_text(header::CONTENT_TYPE.as_str())
        .unwrap_or("application/octet-stream")
        .to_string();
    let file_name = safe_file_name(header_text("x-fal-file-name").unwrap_or("upload.bin"));
    let token = app.storage.reserve(content_type.clone(), file_name.clone());
    app.storage.fill(&token, body);
    let base = wire::base_url(&headers, &app.fallback_base);
    axum::Json(json!({
        "access_url": format!("{base}/files/uploads/{token}/{file_name}"),
        "content_type": content_type,
        "file_name": file_name,
    }))
    .into_response()
}
