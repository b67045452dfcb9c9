//! Parsing `--fault` specs.

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
