//! Request counters and completion times, so the benchmark can report HTTP requests per job
//! and how long completion took to reach a client.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::faults::Route;

/// A snapshot of what the server has seen.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Every request, whatever its outcome.
    pub requests: u64,
    /// Requests per route kind (`"submit"`, `"status"`, `"stream"`, `"result"`, `"cancel"`,
    /// `"upload"`, `"file"`, `"requests"`, `"pricing"`; `"any"` for requests that matched no
    /// route).
    pub by_route: BTreeMap<String, u64>,
    /// request_id → when the sim marked it `COMPLETED` (cancelled and failed runs included).
    pub completed_at: HashMap<String, Instant>,
    /// The `x-fal-*` headers of each submit and upload initiate that carried any, in order
    /// (names lower-case; at most [`MAX_HEADER_RECORDS`] kept).
    pub fal_headers: Vec<FalHeaders>,
}

/// The `x-fal-*` headers one request carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FalHeaders {
    pub route: Route,
    pub headers: BTreeMap<String, String>,
}

/// A long-running `i2v fake-fal` must not grow without bound.
pub const MAX_HEADER_RECORDS: usize = 1000;

/// The live counters behind [`Stats`].
#[derive(Debug, Clone, Default)]
pub(crate) struct StatsRecorder {
    inner: Arc<Mutex<Stats>>,
}

impl StatsRecorder {
    pub(crate) fn count(&self, route: Route) {
        let mut stats = self.lock();
        stats.requests += 1;
        *stats.by_route.entry(route.name().to_string()).or_default() += 1;
    }

    pub(crate) fn fal_headers(&self, route: Route, headers: &axum::http::HeaderMap) {
        let headers: BTreeMap<String, String> = headers
            .iter()
            .filter(|(name, _)| name.as_str().starts_with("x-fal-"))
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect();
        let mut stats = self.lock();
        if !headers.is_empty() && stats.fal_headers.len() < MAX_HEADER_RECORDS {
            stats.fal_headers.push(FalHeaders { route, headers });
        }
    }

    pub(crate) fn completed(&self, request_id: &str, at: Instant) {
        self.lock().completed_at.insert(request_id.to_string(), at);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        self.lock().clone()
    }

    fn lock(&self) -> MutexGuard<'_, Stats> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}
