//! `GET /{owner}/{alias}/requests/{id}/status/stream`: server-sent status events.
//!
//! The first event carries every log so far, later ones only the lines new since the
//! previous event. An event goes out on every state change, queue move and new log line,
//! pushed the moment the job's watch channel ticks; the stream closes after `COMPLETED`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::stream;
use tokio::sync::watch;

use crate::app::App;
use crate::conn::ConnSwitch;
use crate::faults::Route;
use crate::gate::{Auth, Pass, gate};
use crate::jobs::{Job, Seen};
use crate::routes::queue::{not_found, wants_logs};
use crate::wire;

pub(crate) async fn stream_status(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    Path(params): Path<HashMap<String, String>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let pass = match gate(&app, Route::Stream, Auth::Key, &conn, &headers).await {
        Ok(pass) => pass,
        Err(response) => return response,
    };
    let Some(job) = params.get("id").and_then(|id| app.jobs.get(id)) else {
        return not_found();
    };
    let drop_after = match pass {
        Pass::DropStreamAfter(n) => Some(n),
        _ => None,
    };
    let pad_first = match pass {
        Pass::HugeEvent(bytes) => Some(bytes),
        _ => None,
    };
    // Subscribe before the first look at the job, so no change can slip between them.
    let changes = job.subscribe();
    let feed = Feed {
        app,
        job,
        changes,
        logs: wants_logs(&query),
        sent_logs: 0,
        last_seen: None,
        events: 0,
        drop_after,
        pad_first,
        finished: false,
    };
    let body = Body::from_stream(stream::unfold(feed, |mut feed| async move {
        let event = feed.next_event().await?;
        Some((Ok::<_, std::convert::Infallible>(event), feed))
    }));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

struct Feed {
    app: App,
    job: Arc<Job>,
    changes: watch::Receiver<u64>,
    logs: bool,
    sent_logs: usize,
    last_seen: Option<Seen>,
    events: usize,
    drop_after: Option<usize>,
    /// Pad the first event with a field of about this many bytes (a fault).
    pad_first: Option<usize>,
    finished: bool,
}

impl Feed {
    /// The next `data: ...` event, or `None` when the stream should end.
    async fn next_event(&mut self) -> Option<Bytes> {
        loop {
            if self.finished || self.drop_after.is_some_and(|n| self.events >= n) {
                return None;
            }
            let view = self.app.jobs.view(&self.job, self.sent_logs);
            let new_logs = self.logs && !view.new_logs.is_empty();
            if self.last_seen != Some(view.seen) || new_logs {
                let mut body = wire::status_body(&self.job, &view, self.logs);
                if let Some(bytes) = self.pad_first.take() {
                    body["padding"] = serde_json::Value::String("x".repeat(bytes));
                }
                self.sent_logs = view.log_count;
                self.last_seen = Some(view.seen);
                self.events += 1;
                self.finished = matches!(view.seen, Seen::Completed { .. });
                return Some(Bytes::from(format!("data: {body}\n\n")));
            }
            tokio::select! {
                changed = self.changes.changed() => changed.ok()?,
                _ = self.app.shutdown.cancelled() => return None,
            }
        }
    }
}
