//! Faults tests switch on at runtime: each one targets a route kind and fires a set number
//! of times, so a test can say "the next two submits get 429" and then watch recovery.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The kind of route a request hit; faults and [`crate::Stats`] are keyed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    Submit,
    Status,
    Stream,
    Result,
    Cancel,
    /// Storage: upload initiate, upload PUT, CDN token and direct CDN upload.
    Upload,
    /// Downloads under `/files/...` (the output video and uploaded files).
    File,
    /// The Platform API's request list (`/v1/models/requests/by-endpoint`).
    Requests,
    /// The Platform API's price list (`/v1/models/pricing`).
    Pricing,
    /// As a fault target: every route. As a stats key: requests that matched no route.
    Any,
}

impl Route {
    /// The lower-case name used in stats keys and fault specs.
    pub fn name(self) -> &'static str {
        match self {
            Route::Submit => "submit",
            Route::Status => "status",
            Route::Stream => "stream",
            Route::Result => "result",
            Route::Cancel => "cancel",
            Route::Upload => "upload",
            Route::File => "file",
            Route::Requests => "requests",
            Route::Pricing => "pricing",
            Route::Any => "any",
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// That HTTP status with a JSON `{"detail": ...}` body.
    Status(u16),
    /// 429 with a `Retry-After` header.
    RateLimited { retry_after_secs: u64 },
    /// 401 with a JSON `{"detail": ...}` body.
    Unauthorized,
    /// 422 with a detail list naming `["body","prompt"]`.
    Validation,
    /// The SSE stream ends cleanly after this many events, without `COMPLETED`.
    /// Only fires on stream requests.
    DropStream { after_events: usize },
    /// Accept the request, send nothing for this long, then answer normally.
    Stall(Duration),
    /// Close the connection without a response (downloads: part of the body, then close).
    Reset,
    /// A success status with a body that is not JSON.
    MalformedJson,
    /// A 400 whose `detail` is this many bytes of text.
    HugeDetail(usize),
    /// Downloads: `Range` ignored, the whole body from byte 0 with `200`, cut half way, as a
    /// CDN that cannot resume would. Armed for many shots, every attempt breaks at the same
    /// offset.
    IgnoreRange,
    /// Downloads: one byte of the body per interval (the right `Content-Length`, too slow to
    /// ever finish).
    Drip(Duration),
    /// Downloads: this `Content-Length`, then the video and zeros for as long as the client
    /// reads.
    HugeLength(u64),
    /// Downloads and results: `200` with an HTML error page where the video (or the JSON)
    /// should be.
    NotMp4,
    /// Streams: the first event padded (an extra JSON field) to about this many bytes.
    HugeEvent(usize),
    /// That 5xx status with `x-fal-request-id`, as fal's own servers send it. With `taken`
    /// a submit is queued first (fal has the job; only its answer is lost); without, the id
    /// is one fal does not know (asking for it gets 404).
    ErrorWithId { status: u16, taken: bool },
    /// nginx's HTML error page with that 502/503/504 status and no request id: the ingress
    /// failed and the request never reached fal.
    Ingress(u16),
    /// Read the whole request and act on it (a submit is queued), then close the connection
    /// without an answer: the client cannot know whether fal took it.
    ResetAfterBody,
    /// 403 "User is locked. Reason: Exhausted balance…": fal's locked-account answer.
    Locked,
    /// 504 with `X-Fal-Request-Timeout-Type: user`: the start timeout the client set ran out.
    StartTimeout,
    /// 400 "Request is still in progress", as fal answers a result asked for too early.
    NotReady,
    /// A result whose video URL carries terminal control sequences (`ESC[201~`, a newline,
    /// C1 CSI, a bidi override). The URL still downloads. Only fires on result requests.
    HostileUrl,
    /// A result whose video URL is no web address (`file:///etc/passwd`): nothing a client
    /// should try to download. Only fires on result requests.
    FileUrl,
}

impl Fault {
    /// Whether this fault means anything for a request of `route`.
    fn applies_to(&self, route: Route) -> bool {
        match self {
            Fault::DropStream { .. } | Fault::HugeEvent(_) => route == Route::Stream,
            Fault::IgnoreRange | Fault::Drip(_) | Fault::HugeLength(_) => route == Route::File,
            Fault::NotMp4 => matches!(route, Route::File | Route::Result),
            Fault::HostileUrl | Fault::FileUrl => route == Route::Result,
            _ => true,
        }
    }
}

#[derive(Debug)]
struct Armed {
    route: Route,
    fault: Fault,
    remaining: u32,
}

/// A thread-safe registry of armed faults. Cheap to clone; clones share the registry.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    armed: Arc<Mutex<Vec<Armed>>>,
}

impl Faults {
    /// Arm `fault` for the next `times` requests of `route` (`Route::Any`: of any route).
    /// Faults fire in the order they were pushed.
    pub fn push(&self, route: Route, fault: Fault, times: u32) {
        if times == 0 {
            return;
        }
        self.lock().push(Armed {
            route,
            fault,
            remaining: times,
        });
    }

    /// Disarm every fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many shots are left across all armed faults.
    pub fn remaining(&self) -> u32 {
        self.lock().iter().map(|a| a.remaining).sum()
    }

    /// Use up one shot of the first fault that matches a request of `route`.
    pub(crate) fn take(&self, route: Route) -> Option<Fault> {
        let mut armed = self.lock();
        let index = armed.iter().position(|a| {
            (a.route == route || a.route == Route::Any) && a.fault.applies_to(route)
        })?;
        let entry = &mut armed[index];
        let fault = entry.fault.clone();
        entry.remaining -= 1;
        if entry.remaining == 0 {
            armed.remove(index);
        }
        Some(fault)
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Armed>> {
        // A panic while holding this lock cannot leave the list inconsistent.
        self.armed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_in_order_then_clears() {
        let faults = Faults::default();
        faults.push(Route::Submit, Fault::Status(503), 2);
        faults.push(Route::Any, Fault::Reset, 1);
        assert_eq!(faults.take(Route::Status), Some(Fault::Reset));
        assert_eq!(faults.take(Route::Submit), Some(Fault::Status(503)));
        assert_eq!(faults.take(Route::Submit), Some(Fault::Status(503)));
        assert_eq!(faults.take(Route::Submit), None);
        assert_eq!(faults.remaining(), 0);
    }

    #[test]
    fn drop_stream_only_fires_on_streams() {
        let faults = Faults::default();
        faults.push(Route::Any, Fault::DropStream { after_events: 1 }, 1);
        assert_eq!(faults.take(Route::Status), None);
        assert!(matches!(
            faults.take(Route::Stream),
            Some(Fault::DropStream { .. })
        ));
    }

    #[test]
    fn download_faults_only_fire_on_files() {
        let faults = Faults::default();
        faults.push(Route::Any, Fault::IgnoreRange, 1);
        faults.push(Route::Any, Fault::HugeEvent(10), 1);
        assert_eq!(faults.take(Route::Result), None);
        assert_eq!(faults.take(Route::Stream), Some(Fault::HugeEvent(10)));
        assert_eq!(faults.take(Route::File), Some(Fault::IgnoreRange));
    }
}
