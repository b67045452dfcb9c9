//! fal's Platform API (`api_url`, `https://api.fal.ai/v1`): its records of an endpoint's
//! requests, which settle a submit whose answer was lost and bring in jobs made elsewhere, and
//! its price list. Every call is a read, safe to repeat, and retried like the queue's reads;
//! none of them is ever needed to submit a job.

use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

use crate::client::{FalClient, read_json};
use crate::error::{FalError, bounded};

/// The most requests one page of the list holds (fal refuses more).
pub const MAX_PAGE: u32 = 100;

/// Which of an endpoint's requests to list (`GET /models/requests/by-endpoint`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestQuery {
    /// Sent at or after this (fal's default: 24 hours ago).
    pub start: Option<DateTime<Utc>>,
    /// Sent at or before this (fal's default: now).
    pub end: Option<DateTime<Utc>>,
    /// Only this request.
    pub request_id: Option<String>,
    /// With each request's JSON input and output (`expand=payloads`).
    pub payloads: bool,
    /// Requests a page, 1 to [`MAX_PAGE`] (0: fal's default).
    pub limit: u32,
    /// Where the page starts: the `next_cursor` of the page before.
    pub cursor: Option<String>,
}

/// One request in fal's records. Remote text: sanitise before drawing any of it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlatformRequest {
    pub request_id: String,
    pub endpoint_id: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    /// `None` while it runs.
    pub ended_at: Option<DateTime<Utc>>,
    /// The HTTP status it ended with (200 for a video); `None` while it runs.
    pub status_code: Option<u16>,
    /// Seconds it took, when fal says.
    pub duration: Option<f64>,
    /// What was sent, when payloads were asked for and fal kept them (a request sent with
    /// `X-Fal-Store-IO: 0` has none).
    pub json_input: Option<Value>,
    pub json_output: Option<Value>,
}

impl PlatformRequest {
    /// Reads one item of the list, tolerantly: unknown fields are ignored, dates in any of the
    /// ISO 8601 forms fal may use, and an item without a request id is no item.
    fn from_value(item: &Value) -> Option<Self> {
        let text = |name: &str| item.get(name).and_then(Value::as_str);
        let request_id = text("request_id").filter(|id| !id.trim().is_empty())?;
        let payload = |name: &str| item.get(name).filter(|v| !v.is_null()).cloned();
        Some(Self {
            request_id: bounded(request_id),
            endpoint_id: bounded(text("endpoint_id").unwrap_or_default()),
            sent_at: text("sent_at").and_then(parse_time),
            started_at: text("started_at").and_then(parse_time),
            ended_at: text("ended_at").and_then(parse_time),
            status_code: item
                .get("status_code")
                .and_then(Value::as_u64)
                .and_then(|code| u16::try_from(code).ok()),
            duration: item.get("duration").and_then(Value::as_f64),
            json_input: payload("json_input"),
            json_output: payload("json_output"),
        })
    }

    /// Finished without a video: an HTTP error status. `None` while it runs.
    pub fn failed(&self) -> Option<bool> {
        self.status_code.map(|code| !(200..300).contains(&code))
    }

    /// The video URL of its output (`{"video": {"url": …}}`), when payloads came with it.
    pub fn video_url(&self) -> Option<&str> {
        self.json_output
            .as_ref()?
            .get("video")?
            .get("url")?
            .as_str()
    }
}

/// An ISO 8601 time, with or without an offset (none: UTC).
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc())
}

/// One page of the list, newest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestsPage {
    pub items: Vec<PlatformRequest>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct PageBody {
    #[serde(default)]
    items: Vec<Value>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    next_cursor: Option<String>,
}

/// Every request a query found, following its pages.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestList {
    pub items: Vec<PlatformRequest>,
    /// More were there than the pages read: the list is not whole.
    pub cut: bool,
}

/// fal's price for the endpoint (`GET /models/pricing`).
#[derive(Clone, Debug, PartialEq)]
pub struct Price {
    pub endpoint_id: String,
    /// Per `unit`, in `currency`.
    pub unit_price: f64,
    /// What is counted, e.g. `video`.
    pub unit: String,
    /// e.g. `USD`.
    pub currency: String,
}

#[derive(Deserialize)]
struct PricesBody {
    #[serde(default)]
    prices: Vec<Value>,
}

impl FalClient {
    /// One page of the endpoint's requests.
    pub async fn requests_page(&self, query: &RequestQuery) -> Result<RequestsPage, FalError> {
        let url = self.requests_url(query)?;
        let response = self.send(Method::GET, url.as_str(), |r| r).await?;
        let body: PageBody = read_json(response, "request list").await?;
        Ok(RequestsPage {
            items: body
                .items
                .iter()
                .filter_map(PlatformRequest::from_value)
                .collect(),
            has_more: body.has_more,
            next_cursor: body.next_cursor.filter(|c| !c.is_empty()),
        })
    }

    /// The endpoint's requests `query` finds, following the pages up to `max_pages` of them.
    pub async fn requests(
        &self,
        mut query: RequestQuery,
        max_pages: usize,
    ) -> Result<RequestList, FalError> {
        let mut list = RequestList::default();
        for _ in 0..max_pages.max(1) {
            let page = self.requests_page(&query).await?;
            list.items.extend(page.items);
            match page.next_cursor.filter(|_| page.has_more) {
                Some(cursor) => query.cursor = Some(cursor),
                None => return Ok(list),
            }
        }
        list.cut = true;
        Ok(list)
    }

    fn requests_url(&self, query: &RequestQuery) -> Result<url::Url, FalError> {
        let base = format!("{}/models/requests/by-endpoint", self.config.api_url);
        let mut url = url::Url::parse(&base)
            .map_err(|e| FalError::Config(format!("api_url {:?}: {e}", self.config.api_url)))?;
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("endpoint_id", &self.config.model);
            let time = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            if let Some(start) = &query.start {
                pairs.append_pair("start", &time(start));
            }
            if let Some(end) = &query.end {
                pairs.append_pair("end", &time(end));
            }
            if let Some(id) = &query.request_id {
                pairs.append_pair("request_id", id);
            }
            if query.payloads {
                pairs.append_pair("expand", "payloads");
            }
            if query.limit > 0 {
                pairs.append_pair("limit", &query.limit.min(MAX_PAGE).to_string());
            }
            if let Some(cursor) = &query.cursor {
                pairs.append_pair("cursor", cursor);
            }
        }
        Ok(url)
    }

    /// fal's listed price for the endpoint this client submits to.
    pub async fn price(&self) -> Result<Price, FalError> {
        let base = format!("{}/models/pricing", self.config.api_url);
        let mut url = url::Url::parse(&base)
            .map_err(|e| FalError::Config(format!("api_url {:?}: {e}", self.config.api_url)))?;
        url.query_pairs_mut()
            .append_pair("endpoint_id", &self.config.model);
        let response = self.send(Method::GET, url.as_str(), |r| r).await?;
        let body: PricesBody = read_json(response, "price list").await?;
        body.prices
            .iter()
            .find_map(|entry| price_of(entry, &self.config.model))
            .ok_or_else(|| FalError::Malformed {
                what: "price list",
                snippet: format!("no usable price for {}", self.config.model),
            })
    }
}

/// A price entry for `model`, if it holds a usable price.
fn price_of(entry: &Value, model: &str) -> Option<Price> {
    let text = |name: &str| entry.get(name).and_then(Value::as_str);
    let endpoint_id = text("endpoint_id")?;
    let unit_price = entry.get("unit_price").and_then(Value::as_f64)?;
    (endpoint_id == model && unit_price.is_finite() && unit_price >= 0.0).then(|| Price {
        endpoint_id: endpoint_id.to_owned(),
        unit_price,
        unit: bounded(text("unit").unwrap_or("unit")),
        currency: bounded(text("currency").unwrap_or("USD")),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn items_are_read_tolerantly() {
        let item = json!({
            "request_id": "req-1",
            "endpoint_id": "fal-ai/minimax/x",
            "sent_at": "2026-12-01T10:00:00.250Z",
            "started_at": "2026-12-01T10:00:02",
            "ended_at": null,
            "status_code": null,
            "duration": 1.5,
            "json_input": {"prompt": "p"},
            "json_output": null,
            "something_new": [1, 2],
        });
        let read = PlatformRequest::from_value(&item).unwrap();
        assert_eq!(read.request_id, "req-1");
        assert_eq!(
            read.sent_at.unwrap().to_rfc3339(),
            "2026-12-01T10:00:00.250+00:00"
        );
        assert_eq!(
            read.started_at.unwrap().to_rfc3339(),
            "2026-12-01T10:00:02+00:00"
        );
        assert_eq!(read.ended_at, None);
        assert_eq!(read.failed(), None);
        assert_eq!(read.json_input, Some(json!({"prompt": "p"})));
        assert_eq!(read.json_output, None);
        assert!(PlatformRequest::from_value(&json!({"endpoint_id": "x"})).is_none());
        assert!(PlatformRequest::from_value(&json!({"request_id": "  "})).is_none());
        let odd = PlatformRequest::from_value(
            &json!({"request_id": "r", "sent_at": "yesterday", "status_code": 70000}),
        )
        .unwrap();
        assert_eq!((odd.sent_at, odd.status_code), (None, None));
    }

    #[test]
    fn a_finished_request_tells_its_outcome_and_video() {
        let done = PlatformRequest::from_value(&json!({
            "request_id": "r", "status_code": 200,
            "json_output": {"video": {"url": "https://cdn/v.mp4"}},
        }))
        .unwrap();
        assert_eq!(done.failed(), Some(false));
        assert_eq!(done.video_url(), Some("https://cdn/v.mp4"));
        let failed =
            PlatformRequest::from_value(&json!({"request_id": "r", "status_code": 422})).unwrap();
        assert_eq!(failed.failed(), Some(true));
        assert_eq!(failed.video_url(), None);
    }

    #[test]
    fn a_price_must_be_for_the_model_and_sensible() {
        let model = "fal-ai/minimax/m";
        let entry = |id: &str, price: Value| json!({"endpoint_id": id, "unit_price": price, "unit": "video", "currency": "USD"});
        assert_eq!(
            price_of(&entry(model, json!(0.33)), model).map(|p| p.unit_price),
            Some(0.33)
        );
        assert!(price_of(&entry("other", json!(0.33)), model).is_none());
        assert!(price_of(&entry(model, json!(-1)), model).is_none());
        assert!(price_of(&entry(model, json!("0.33")), model).is_none());
    }
}
