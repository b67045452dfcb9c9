//! Every switchable fault of the simulated fal ends in success or in a clear typed failure.

mod common;

use std::time::Duration;

use common::*;
use i2v_fal::{Download, FalError, RemoteStatus};
use i2v_sim::{Fault, Route, SimConfig};

async fn run_to_completion(client: &i2v_fal::FalClient) -> Watched {
    let submission = client.submit(&input()).await.expect("submit succeeds");
    let watched = watch_to_end(client, &submission.urls).await;
    assert!(watched.error.is_none(), "{:?}", watched.error);
    assert!(
        matches!(
            watched.final_status,
            Some(RemoteStatus::Completed { error: None, .. })
        ),
        "{:?}",
        watched.final_status
    );
    assert_complete_and_ordered(&watched.logs);
    watched
}

#[tokio::test]
async fn rate_limit_honours_retry_after_then_succeeds() {
    let sim = sim().await;
    sim.faults().push(
        Route::Submit,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
        1,
    );
    let client = client(&sim);
    let started = std::time::Instant::now();
    run_to_completion(&client).await;
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as Retry-After asked"
    );
    assert_eq!(sim.stats().by_route["submit"], 2);
}

#[tokio::test]
async fn server_errors_are_retried() {
    for status in [500, 502, 503] {
        let sim = sim().await;
        sim.faults().push(Route::Submit, Fault::Status(status), 2);
        sim.faults().push(Route::Result, Fault::Status(status), 1);
        let client = client(&sim);
        let submission = client.submit(&input()).await.unwrap();
        watch_to_end(&client, &submission.urls).await;
        client.result(&submission.urls).await.unwrap();
        assert_eq!(sim.stats().by_route["submit"], 3, "status {status}");
    }
}

#[tokio::test]
async fn server_errors_that_never_stop_give_up_with_the_status() {
    let sim = sim().await;
    sim.faults().push(Route::Submit, Fault::Status(503), 100);
    let err = client(&sim).submit(&input()).await.unwrap_err();
    assert!(
        matches!(err, FalError::GaveUp { status: 503, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn unauthorized_is_not_retried_and_names_fal_key() {
    let sim = sim().await;
    let client = client_with_key(&sim, "wrong-key");
    let err = client.submit(&input()).await.unwrap_err();
    assert!(matches!(err, FalError::Unauthorized { status: 401, .. }));
    assert!(err.to_string().contains("FAL_KEY"));
    assert_eq!(sim.stats().by_route["submit"], 1, "no retry on 401");
    assert!(!err.to_string().contains("wrong-key"), "key never shown");
}

#[tokio::test]
async fn validation_error_names_the_field() {
    let sim = sim().await;
    let client = client(&sim);
    let mut bad = input();
    bad.prompt = String::new();
    let err = client.submit(&bad).await.unwrap_err();
    let FalError::Validation { fields } = &err else {
        panic!("expected validation error, got {err:?}");
    };
    assert_eq!(fields[0].field, "prompt");
    assert_eq!(sim.stats().by_route["submit"], 1, "no retry on 422");
}

#[tokio::test]
async fn dropped_stream_falls_back_to_polling_without_losing_logs() {
    let sim = sim().await;
    sim.faults()
        .push(Route::Stream, Fault::DropStream { after_events: 2 }, 1);
    let watched = run_to_completion(&client(&sim)).await;
    assert!(watched.reconnects >= 1);
    assert!(sim.stats().by_route.get("status").copied().unwrap_or(0) >= 1);
}

#[tokio::test]
async fn streams_that_keep_dropping_still_deliver_every_log_once() {
    let sim = sim_with(SimConfig {
        run_time: Duration::from_millis(400),
        ..SimConfig::fast()
    })
    .await;
    sim.faults()
        .push(Route::Stream, Fault::DropStream { after_events: 1 }, 50);
    run_to_completion(&client(&sim)).await;
}

#[tokio::test]
async fn stalled_stream_times_out_and_recovers() {
    let sim = sim().await;
    sim.faults()
        .push(Route::Stream, Fault::Stall(Duration::from_secs(30)), 1);
    let watched = run_to_completion(&client(&sim)).await;
    assert!(watched.reconnects >= 1);
}

#[tokio::test]
async fn connection_resets_are_retried() {
    let sim = sim().await;
    sim.faults().push(Route::Submit, Fault::Reset, 1);
    sim.faults().push(Route::Stream, Fault::Reset, 1);
    sim.faults().push(Route::Result, Fault::Reset, 1);
    let client = client(&sim);
    let submission = client.submit(&input()).await.unwrap();
    watch_to_end(&client, &submission.urls).await;
    client.result(&submission.urls).await.unwrap();
}

#[tokio::test]
async fn malformed_bodies() {
    // A malformed status event is survivable: the watch polls instead.
    let sim = sim().await;
    sim.faults().push(Route::Stream, Fault::MalformedJson, 1);
    run_to_completion(&client(&sim)).await;

    // A malformed submit answer is a typed error, not a panic.
    let sim = common::sim().await;
    sim.faults().push(Route::Submit, Fault::MalformedJson, 1);
    let err = common::client(&sim).submit(&input()).await.unwrap_err();
    assert!(matches!(err, FalError::Malformed { .. }), "{err:?}");
}

#[tokio::test]
async fn download_resumes_after_a_reset_mid_body() {
    let sim = sim().await;
    let client = client(&sim);
    let submission = client.submit(&input()).await.unwrap();
    watch_to_end(&client, &submission.urls).await;
    let output = client.result(&submission.urls).await.unwrap();
    sim.faults().push(Route::File, Fault::Reset, 1);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("video.mp4");
    client
        .download(
            Download {
                url: &output.video.url,
                dest: &dest,
                expected_size: output.video.file_size,
            },
            |_, _| {},
        )
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), sample_mp4());
    assert!(sim.stats().by_route["file"] >= 2);
    assert!(!dir.path().join("video.mp4.part").exists());
}

#[tokio::test]
async fn download_with_wrong_advertised_size_fails_clearly() {
    let sim = sim().await;
    let client = client(&sim);
    let submission = client.submit(&input()).await.unwrap();
    watch_to_end(&client, &submission.urls).await;
    let output = client.result(&submission.urls).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("video.mp4");
    let err = client
        .download(
            Download {
                url: &output.video.url,
                dest: &dest,
                expected_size: Some(10_000_000),
            },
            |_, _| {},
        )
        .await
        .unwrap_err();
    assert!(matches!(err, FalError::SizeMismatch { .. }), "{err:?}");
    assert!(!dest.exists(), "no file under the final name");
}
