//! Parsing `--fault` specs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::time::Duration;

use i2v_sim::{Fault, FaultSpec, FaultSpecError, Route};

fn parse(spec: &str) -> FaultSpec {
    spec.parse().unwrap_or_else(|e| panic!("{spec}: {e}"))
}

fn spec(route: Route, fault: Fault, times: u32) -> FaultSpec {
    FaultSpec {
        route,
        fault,
        times,
    }
}

#[test]
fn the_documented_examples_parse() {
    let rate = Fault::RateLimited {
        retry_after_secs: 1,
    };
    assert_eq!(parse("submit:429:2"), spec(Route::Submit, rate, 2));
    assert_eq!(
        parse("stream:drop:1"),
        spec(Route::Stream, Fault::DropStream { after_events: 1 }, 1)
    );
    assert_eq!(
        parse("status:malformed"),
        spec(Route::Status, Fault::MalformedJson, 1)
    );
    assert_eq!(
        parse("result:503"),
        spec(Route::Result, Fault::Status(503), 1)
    );
    assert_eq!(parse("any:reset"), spec(Route::Any, Fault::Reset, 1));
    assert_eq!(parse("file:reset"), spec(Route::File, Fault::Reset, 1));
    assert_eq!(
        parse("submit:422"),
        spec(Route::Submit, Fault::Validation, 1)
    );
    assert_eq!(parse("any:401"), spec(Route::Any, Fault::Unauthorized, 1));
    assert_eq!(
        parse("status:stall=5s"),
        spec(Route::Status, Fault::Stall(Duration::from_secs(5)), 1)
    );
    assert_eq!(
        parse("result:html:3"),
        spec(Route::Result, Fault::NotMp4, 3)
    );
    assert_eq!(
        parse("result:not_ready"),
        spec(Route::Result, Fault::NotReady, 1)
    );
    assert_eq!(
        parse("result:hostile_url"),
        spec(Route::Result, Fault::HostileUrl, 1)
    );
    assert_eq!(
        parse("result:file_url"),
        spec(Route::Result, Fault::FileUrl, 1)
    );
}

#[test]
fn arguments_and_case() {
    assert_eq!(
        parse("Submit:429=7:3"),
        spec(
            Route::Submit,
            Fault::RateLimited {
                retry_after_secs: 7
            },
            3
        )
    );
    assert_eq!(
        parse("stream:drop=4"),
        spec(Route::Stream, Fault::DropStream { after_events: 4 }, 1)
    );
    assert_eq!(
        parse("cancel:stall=250ms"),
        spec(Route::Cancel, Fault::Stall(Duration::from_millis(250)), 1)
    );
    assert_eq!(
        parse("upload:403"),
        spec(Route::Upload, Fault::Status(403), 1)
    );
}

#[test]
fn download_and_size_faults() {
    assert_eq!(
        parse("file:no-range:100"),
        spec(Route::File, Fault::IgnoreRange, 100)
    );
    assert_eq!(
        parse("file:drip=20s"),
        spec(Route::File, Fault::Drip(Duration::from_secs(20)), 1)
    );
    assert_eq!(
        parse("file:huge-length"),
        spec(Route::File, Fault::HugeLength(10 << 30), 1)
    );
    assert_eq!(
        parse("file:huge-length=3GB"),
        spec(Route::File, Fault::HugeLength(3 << 30), 1)
    );
    assert_eq!(parse("file:html"), spec(Route::File, Fault::NotMp4, 1));
    assert_eq!(
        parse("stream:huge-event=15MB"),
        spec(Route::Stream, Fault::HugeEvent(15 << 20), 1)
    );
    assert_eq!(
        parse("submit:huge-detail"),
        spec(Route::Submit, Fault::HugeDetail(1 << 20), 1)
    );
    assert_eq!(
        parse("submit:huge-detail=64KiB"),
        spec(Route::Submit, Fault::HugeDetail(64 << 10), 1)
    );
    assert_eq!(
        parse("submit:huge-detail=100"),
        spec(Route::Submit, Fault::HugeDetail(100), 1)
    );
    let error = "file:huge-length=lots".parse::<FaultSpec>().unwrap_err();
    assert_eq!(error, FaultSpecError::Size("lots".into()));
}

#[test]
fn errors_name_what_is_wrong() {
    let error = |s: &str| s.parse::<FaultSpec>().unwrap_err();
    assert_eq!(error("submit"), FaultSpecError::Shape("submit".into()));
    assert_eq!(error("a:b:c:d"), FaultSpecError::Shape("a:b:c:d".into()));
    assert_eq!(error("queue:500"), FaultSpecError::Route("queue".into()));
    assert_eq!(error("submit:boom"), FaultSpecError::Kind("boom".into()));
    assert_eq!(error("submit:200"), FaultSpecError::Kind("200".into()));
    assert_eq!(error("submit:stall"), FaultSpecError::Kind("stall".into()));
    assert_eq!(
        error("submit:stall=5h"),
        FaultSpecError::Duration("5h".into())
    );
    assert_eq!(error("submit:500:0"), FaultSpecError::Times("0".into()));
    assert_eq!(error("submit:500:x"), FaultSpecError::Times("x".into()));
    assert!(matches!(error("stream:drop=x"), FaultSpecError::Number(..)));
    let message = error("queue:500").to_string();
    assert!(
        message.contains("queue") && message.contains("submit"),
        "{message}"
    );
}

#[test]
fn the_paying_twice_faults_parse() {
    let with_id = |status, taken| Fault::ErrorWithId { status, taken };
    assert_eq!(
        parse("submit:500+id"),
        spec(Route::Submit, with_id(500, true), 1)
    );
    assert_eq!(
        parse("submit:503+unknown-id:2"),
        spec(Route::Submit, with_id(503, false), 2)
    );
    assert_eq!(
        parse("submit:ingress=502"),
        spec(Route::Submit, Fault::Ingress(502), 1)
    );
    assert_eq!(
        parse("submit:reset-after-body"),
        spec(Route::Submit, Fault::ResetAfterBody, 1)
    );
    assert_eq!(
        parse("submit:locked"),
        spec(Route::Submit, Fault::Locked, 1)
    );
    assert_eq!(
        parse("result:start-timeout"),
        spec(Route::Result, Fault::StartTimeout, 1)
    );
    let error = |s: &str| s.parse::<FaultSpec>().unwrap_err();
    assert_eq!(
        error("submit:404+id"),
        FaultSpecError::Kind("404+id".into())
    );
    assert_eq!(error("submit:500+x"), FaultSpecError::Kind("500+x".into()));
    assert_eq!(
        error("submit:ingress=500"),
        FaultSpecError::Kind("ingress=500".into())
    );
}
