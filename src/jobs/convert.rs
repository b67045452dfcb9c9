//! Between the fal client's wire types and the history's record types. The two crates stay
//! independent of each other (the store must not change shape when the wire does), so the
//! mapping lives here, once.

use std::time::Duration;

use i2v_fal::{Priority, RequestOptions, RequestUrls};
use i2v_store::{FalOptions, LogEntry, RequestId, RequestInfo};

/// The headers a job's recorded options ask for. An unknown priority (a hand-edited file) is
/// left out rather than guessed.
pub fn request_options(options: &FalOptions) -> RequestOptions {
    RequestOptions {
        start_timeout: options.start_timeout_secs.map(Duration::from_secs),
        priority: match options.priority.as_deref() {
            Some("low") => Some(Priority::Low),
            Some("normal") => Some(Priority::Normal),
            _ => None,
        },
        output_expiry: options.output_expiry_secs.map(Duration::from_secs),
        input_expiry: options.input_expiry_secs.map(Duration::from_secs),
        no_store_io: options.no_store_io,
        disable_fallbacks: options.disable_fallbacks,
    }
}

pub fn request_info(urls: RequestUrls) -> RequestInfo {
    RequestInfo {
        request_id: RequestId(urls.request_id),
        status_url: urls.status_url,
        response_url: urls.response_url,
        cancel_url: urls.cancel_url,
    }
}

pub fn request_urls(info: &RequestInfo) -> RequestUrls {
    RequestUrls {
        request_id: info.request_id.0.clone(),
        status_url: info.status_url.clone(),
        response_url: info.response_url.clone(),
        cancel_url: info.cancel_url.clone(),
    }
}

pub fn log_from_wire(log: &i2v_fal::LogEntry) -> LogEntry {
    LogEntry {
        message: log.message.clone(),
        level: log.level.clone(),
        source: log.source.clone(),
        timestamp: log.timestamp.clone(),
    }
}

pub fn log_to_wire(log: &LogEntry) -> i2v_fal::LogEntry {
    i2v_fal::LogEntry {
        message: log.message.clone(),
        level: log.level.clone(),
        source: log.source.clone(),
        timestamp: log.timestamp.clone(),
    }
}
