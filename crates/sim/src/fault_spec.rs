//! Faults written as text for the CLI: `ROUTE:KIND[:TIMES]`, e.g. `submit:429:2`,
//! `stream:drop:1`, `status:malformed`, `any:reset`, `status:stall=5s`, `file:no-range:100`,
//! `file:drip=1s`, `file:huge-length=10GB`, `file:html`, `stream:huge-event=16MB`,
//! `submit:huge-detail=1MB`, `submit:500+id`, `submit:500+unknown-id`, `submit:ingress=502`,
//! `submit:reset-after-body`, `submit:locked`, `status:start-timeout`, `result:html`,
//! `result:not_ready`, `result:hostile_url`, `result:file_url`.

use std::str::FromStr;
use std::time::Duration;

use crate::faults::{Fault, Route};

/// A parsed `--fault` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpec {
    pub route: Route,
    pub fault: Fault,
    pub times: u32,
}

/// Why a fault spec did not parse; every message names the part that was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultSpecError {
    #[error("fault spec {0:?} should look like ROUTE:KIND[:TIMES], e.g. submit:429:2")]
    Shape(String),
    #[error(
        "unknown route {0:?}; expected submit, status, stream, result, cancel, upload, file, \
         requests, pricing or any"
    )]
    Route(String),
    #[error(
        "unknown fault {0:?}; expected an HTTP status (400-599, 429[=SECS]), 5xx+id, \
         5xx+unknown-id, ingress=502|503|504, drop[=EVENTS], stall=DURATION, reset, \
         reset-after-body, locked, start-timeout, malformed, huge-detail[=SIZE], no-range, \
         drip=DURATION, huge-length[=SIZE], html, huge-event[=SIZE], not_ready, hostile_url or \
         file_url"
    )]
    Kind(String),
    #[error("bad duration {0:?}; expected e.g. 500ms, 5s or 2m")]
    Duration(String),
    #[error("bad size {0:?}; expected bytes, or e.g. 64KB, 16MB, 10GB")]
    Size(String),
    #[error("bad number {0:?} in fault {1:?}")]
    Number(String, String),
    #[error("times must be a whole number of at least 1, got {0:?}")]
    Times(String),
}

impl FromStr for Route {
    type Err = FaultSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "submit" => Route::Submit,
            "status" => Route::Status,
            "stream" => Route::Stream,
            "result" => Route::Result,
            "cancel" => Route::Cancel,
            "upload" => Route::Upload,
            "file" => Route::File,
            "requests" => Route::Requests,
            "pricing" => Route::Pricing,
            "any" => Route::Any,
            _ => return Err(FaultSpecError::Route(s.to_string())),
        })
    }
}

impl FromStr for FaultSpec {
    type Err = FaultSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split(':').collect();
        let (route, kind, times) = match parts.as_slice() {
            [route, kind] => (route, kind, None),
            [route, kind, times] => (route, kind, Some(times)),
            _ => return Err(FaultSpecError::Shape(s.to_string())),
        };
        let times = match times {
            None => 1,
            Some(t) => match t.trim().parse::<u32>() {
                Ok(n) if n >= 1 => n,
                _ => return Err(FaultSpecError::Times(t.to_string())),
            },
        };
        Ok(FaultSpec {
            route: route.parse()?,
            fault: parse_fault(kind.trim())?,
            times,
        })
    }
}

fn parse_fault(kind: &str) -> Result<Fault, FaultSpecError> {
    let lower = kind.to_ascii_lowercase();
    let (name, arg) = match lower.split_once('=') {
        Some((name, arg)) => (name, Some(arg)),
        None => (lower.as_str(), None),
    };
    let number = |arg: &str| {
        arg.parse::<u64>()
            .map_err(|_| FaultSpecError::Number(arg.to_string(), kind.to_string()))
    };
    match (name, arg) {
        ("reset", None) => Ok(Fault::Reset),
        ("reset-after-body", None) => Ok(Fault::ResetAfterBody),
        ("locked", None) => Ok(Fault::Locked),
        ("start-timeout", None) => Ok(Fault::StartTimeout),
        ("ingress", Some(code)) => match code.parse::<u16>() {
            Ok(code @ (502..=504)) => Ok(Fault::Ingress(code)),
            _ => Err(FaultSpecError::Kind(kind.to_string())),
        },
        ("malformed", None) => Ok(Fault::MalformedJson),
        ("not_ready", None) => Ok(Fault::NotReady),
        ("hostile_url", None) => Ok(Fault::HostileUrl),
        ("file_url", None) => Ok(Fault::FileUrl),
        ("drop", None) => Ok(Fault::DropStream { after_events: 1 }),
        ("drop", Some(n)) => Ok(Fault::DropStream {
            after_events: usize::try_from(number(n)?)
                .map_err(|_| FaultSpecError::Number(n.to_string(), kind.to_string()))?,
        }),
        ("stall", Some(d)) => Ok(Fault::Stall(parse_duration(d)?)),
        ("drip", Some(d)) => Ok(Fault::Drip(parse_duration(d)?)),
        ("no-range", None) => Ok(Fault::IgnoreRange),
        ("html", None) => Ok(Fault::NotMp4),
        ("huge-length", size) => Ok(Fault::HugeLength(
            size.map(parse_size).transpose()?.unwrap_or(10 << 30),
        )),
        ("huge-event", size) => Ok(Fault::HugeEvent(as_usize(
            size.map(parse_size).transpose()?.unwrap_or(16 << 20),
        )?)),
        ("huge-detail", size) => Ok(Fault::HugeDetail(as_usize(
            size.map(parse_size).transpose()?.unwrap_or(1 << 20),
        )?)),
        ("429", arg) => Ok(Fault::RateLimited {
            retry_after_secs: arg.map(number).transpose()?.unwrap_or(1),
        }),
        ("401", None) => Ok(Fault::Unauthorized),
        ("422", None) => Ok(Fault::Validation),
        (with_id, None) if with_id.contains('+') => {
            let (code, what) = with_id.split_once('+').unwrap_or_default();
            let taken = match what {
                "id" => true,
                "unknown-id" => false,
                _ => return Err(FaultSpecError::Kind(kind.to_string())),
            };
            match code.parse::<u16>() {
                Ok(status @ 500..=599) => Ok(Fault::ErrorWithId { status, taken }),
                _ => Err(FaultSpecError::Kind(kind.to_string())),
            }
        }
        (code, None) => match code.parse::<u16>() {
            Ok(code) if (400..=599).contains(&code) => Ok(Fault::Status(code)),
            _ => Err(FaultSpecError::Kind(kind.to_string())),
        },
        _ => Err(FaultSpecError::Kind(kind.to_string())),
    }
}

/// `4096`, `64KB`, `16MB`, `10GB` (binary multiples; `K`, `M`, `G` and `KiB`… also read).
fn parse_size(text: &str) -> Result<u64, FaultSpecError> {
    let bad = || FaultSpecError::Size(text.to_string());
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let value: u64 = digits.parse().map_err(|_| bad())?;
    let shift = match unit.trim().trim_end_matches('b').trim_end_matches('i') {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        _ => return Err(bad()),
    };
    value.checked_mul(1 << shift).ok_or_else(bad)
}

fn as_usize(size: u64) -> Result<usize, FaultSpecError> {
    usize::try_from(size).map_err(|_| FaultSpecError::Size(size.to_string()))
}

/// `500ms`, `5s`, `2m`; a bare number is seconds.
fn parse_duration(text: &str) -> Result<Duration, FaultSpecError> {
    let bad = || FaultSpecError::Duration(text.to_string());
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let value: u64 = digits.parse().map_err(|_| bad())?;
    match unit {
        "ms" => Ok(Duration::from_millis(value)),
        "" | "s" => Ok(Duration::from_secs(value)),
        "m" => Ok(Duration::from_secs(value.saturating_mul(60))),
        _ => Err(bad()),
    }
}
