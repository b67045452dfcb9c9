//! fal's Platform API (`https://api.fal.ai/v1`, here under `/v1`): the records of an
//! endpoint's requests and the price list. The records lag `SimConfig::list_lag` behind a
//! submit, as fal's do, and hold no payloads for a request sent with `X-Fal-Store-IO: 0`.

use std::collections::HashMap;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::app::App;
use crate::conn::ConnSwitch;
use crate::faults::Route;
use crate::gate::{Auth, gate};
use crate::jobs::{Job, JobError, Record, Seen};
use crate::wire;

/// The most items a page holds.
const MAX_LIMIT: usize = 100;
/// A page's size when the client does not say.
const DEFAULT_LIMIT: usize = 50;

/// `GET /v1/models/requests/by-endpoint?endpoint_id=…[&start&end&status&request_id&expand=payloads&limit&cursor]`.
pub(crate) async fn requests_by_endpoint(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = gate(&app, Route::Requests, Auth::Key, &conn, &headers).await {
        return response;
    }
    let wanted = match Wanted::read(&query) {
        Ok(wanted) => wanted,
        Err(refusal) => return refusal.response(),
    };
    let matching: Vec<(std::sync::Arc<Job>, Record)> = app
        .jobs
        .records(&wanted.endpoint)
        .into_iter()
        .filter(|(job, record)| wanted.admits(job, record))
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(wanted.offset)
        .take(wanted.limit)
        .map(|(job, record)| item(job, record, wanted.payloads))
        .collect();
    let next = wanted.offset + page.len();
    let has_more = next < matching.len();
    (
        StatusCode::OK,
        axum::Json(json!({
            "items": page,
            "has_more": has_more,
            "next_cursor": has_more.then(|| cursor(next)),
        })),
    )
        .into_response()
}

/// `GET /v1/models/pricing?endpoint_id=a[,b…]`: one price per endpoint asked for.
pub(crate) async fn pricing(
    State(app): State<App>,
    ConnectInfo(conn): ConnectInfo<ConnSwitch>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = gate(&app, Route::Pricing, Auth::Key, &conn, &headers).await {
        return response;
    }
    let Some(ids) = query
        .get("endpoint_id")
        .filter(|ids| !ids.trim().is_empty())
    else {
        return Refusal::missing("endpoint_id").response();
    };
    let prices: Vec<Value> = ids
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| {
            json!({
                "endpoint_id": id,
                "unit_price": app.config.price_usd,
                "unit": "video",
                "currency": "USD",
            })
        })
        .collect();
    (
        StatusCode::OK,
        axum::Json(json!({"prices": prices, "next_cursor": null, "has_more": false})),
    )
        .into_response()
}

/// What a list request asks for.
struct Wanted {
    endpoint: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    status: Option<String>,
    request_id: Option<String>,
    payloads: bool,
    limit: usize,
    offset: usize,
}

impl Wanted {
    fn read(query: &HashMap<String, String>) -> Result<Wanted, Refusal> {
        let Some(endpoint) = query.get("endpoint_id").filter(|e| !e.trim().is_empty()) else {
            return Err(Refusal::missing("endpoint_id"));
        };
        let now = Utc::now();
        let time = |name: &str, default: DateTime<Utc>| match query.get(name) {
            None => Ok(default),
            Some(text) => DateTime::parse_from_rfc3339(text.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| Refusal::invalid(name, "Input should be a valid datetime")),
        };
        let start = time("start", now - chrono::Duration::hours(24))?;
        let end = time("end", now)?;
        let status = match query.get("status").map(String::as_str) {
            None => None,
            Some(s @ ("success" | "error" | "user_error")) => Some(s.to_owned()),
            Some(_) => {
                return Err(Refusal::invalid(
                    "status",
                    "Input should be 'success', 'error' or 'user_error'",
                ));
            }
        };
        let limit = match query.get("limit") {
            None => DEFAULT_LIMIT,
            Some(text) => match text.trim().parse::<usize>() {
                Ok(n @ 1..=MAX_LIMIT) => n,
                _ => {
                    return Err(Refusal::invalid(
                        "limit",
                        "Input should be between 1 and 100",
                    ));
                }
            },
        };
        let offset = match query.get("cursor") {
            None => 0,
            Some(text) => {
                offset_of(text).ok_or_else(|| Refusal::invalid("cursor", "Invalid cursor"))?
            }
        };
        Ok(Wanted {
            endpoint: endpoint.trim().to_owned(),
            start,
            end,
            status,
            request_id: query.get("request_id").cloned(),
            payloads: query
                .get("expand")
                .is_some_and(|e| e.split(',').any(|part| part.trim() == "payloads")),
            limit,
            offset,
        })
    }

    fn admits(&self, job: &Job, record: &Record) -> bool {
        let code = status_code(&record.seen);
        let status_ok = match (self.status.as_deref(), code) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some("success"), Some(code)) => (200..300).contains(&code),
            (Some("user_error"), Some(code)) => (400..500).contains(&code),
            (Some(_), Some(code)) => code >= 500,
        };
        job.sent_at >= self.start
            && job.sent_at <= self.end
            && status_ok
            && self.request_id.as_ref().is_none_or(|id| *id == job.id)
    }
}

/// One request as the list shows it.
fn item(job: &Job, record: &Record, payloads: bool) -> Value {
    let time = |t: &DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Millis, true);
    let duration = record
        .started_at
        .zip(record.ended_at)
        .and_then(|(start, end)| (end - start).to_std().ok())
        .map(|d| d.as_secs_f64());
    let mut item = json!({
        "request_id": job.id,
        "endpoint_id": job.endpoint,
        "sent_at": time(&job.sent_at),
        "started_at": record.started_at.as_ref().map(time),
        "ended_at": record.ended_at.as_ref().map(time),
        "status_code": status_code(&record.seen),
        "duration": duration,
    });
    if payloads {
        item["json_input"] = job.input.clone().unwrap_or(Value::Null);
        item["json_output"] = match (&job.input, record.seen) {
            (Some(_), Seen::Completed { error: None, .. }) if job.output_kept => json!({"video": {
                "url": format!("{}/files/{}/{}", job.base, job.id, super::queue::OUTPUT_FILE),
                "content_type": "video/mp4",
                "file_name": super::queue::OUTPUT_FILE,
                "file_size": super::files::SAMPLE_MP4.len(),
            }}),
            _ => Value::Null,
        };
    }
    item
}

/// The HTTP status a finished request ended with; `None` while it runs.
fn status_code(seen: &Seen) -> Option<u16> {
    match seen {
        Seen::Completed { error: None, .. } => Some(200),
        Seen::Completed {
            error: Some(JobError::Failed),
            ..
        } => Some(500),
        Seen::Completed {
            error: Some(JobError::Cancelled),
            ..
        } => Some(499),
        Seen::Completed {
            error: Some(JobError::Refused),
            ..
        } => Some(422),
        Seen::Queued { .. } | Seen::Running => None,
    }
}

/// An opaque-looking cursor for the item at `offset`.
fn cursor(offset: usize) -> String {
    format!("c{offset:08x}")
}

fn offset_of(cursor: &str) -> Option<usize> {
    usize::from_str_radix(cursor.strip_prefix('c')?, 16).ok()
}

/// A query fal refuses (422), naming the field.
struct Refusal {
    field: String,
    message: &'static str,
    kind: &'static str,
}

impl Refusal {
    fn missing(field: &str) -> Refusal {
        Refusal {
            field: field.to_owned(),
            message: "Field required",
            kind: "missing",
        }
    }

    fn invalid(field: &str, message: &'static str) -> Refusal {
        Refusal {
            field: field.to_owned(),
            message,
            kind: "value_error",
        }
    }

    fn response(&self) -> Response {
        wire::validation(vec![wire::field_error(
            &["query", &self.field],
            self.message,
            self.kind,
        )])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        for offset in [0, 1, 50, 123_456] {
            assert_eq!(offset_of(&cursor(offset)), Some(offset));
        }
        assert_eq!(offset_of("x12"), None);
        assert_eq!(offset_of("czz"), None);
    }
}
