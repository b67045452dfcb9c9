//! The HTTP surface: fal's queue, storage and Platform API routes on one router.

pub(crate) mod files;
mod image_limits;
mod platform;
pub(crate) mod queue;
mod storage;
mod stream;
mod validate;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};

use crate::app::App;
use crate::faults::Route;
use crate::wire;

/// Uploads and data-URI submits can be large; fal's own limits are far higher.
const BODY_LIMIT: usize = 20 * 1024 * 1024;

pub(crate) fn router(app: App) -> Router {
    Router::new()
        // Storage (fal's rest_url). Static segments win over the queue's parameters.
        .route("/storage/upload/initiate", post(storage::initiate))
        .route("/storage/upload/put/{token}", put(storage::put))
        .route("/storage/auth/token", post(storage::token))
        .route("/files/upload", post(storage::direct))
        .route("/files/uploads/{token}/{name}", get(files::uploaded_file))
        .route("/files/{id}/output.mp4", get(files::output_video))
        // Platform API (fal's api_url, `https://api.fal.ai/v1`).
        .route(
            "/v1/models/requests/by-endpoint",
            get(platform::requests_by_endpoint),
        )
        .route("/v1/models/pricing", get(platform::pricing))
        // Queue (fal's queue_url). Request URLs use only owner/alias.
        .route("/{owner}/{alias}/requests/{id}", get(queue::result))
        .route("/{owner}/{alias}/requests/{id}/status", get(queue::status))
        .route(
            "/{owner}/{alias}/requests/{id}/status/stream",
            get(stream::stream_status),
        )
        .route("/{owner}/{alias}/requests/{id}/cancel", put(queue::cancel))
        .route("/{owner}/{alias}", post(queue::submit))
        .route("/{owner}/{alias}/{*path}", post(queue::submit))
        .fallback(unknown_route)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app)
}

/// Counted too: a client hitting wrong URLs should show up in the stats.
async fn unknown_route(State(app): State<App>) -> Response {
    app.stats.count(Route::Any);
    wire::detail(StatusCode::NOT_FOUND, "Not Found")
}
