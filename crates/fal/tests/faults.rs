//! Every switchable fault of the simulated fal ends in success or in a clear typed failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod common;

use std::time::Duration;

use common::*;
use i2v_fal::{ApiKey, ClientConfig, Download, FalClient, FalError, RemoteStatus, WatchItem};
use i2v_sim::{Fault, Route, SimConfig};

async fn run_to_completion(client: &i2v_fal::FalClient) -> Watched {
    let submission = client
        .submit(&input(), &no_options())
        .await
        .expect("submit succeeds");
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
async fn server_errors_are_retried_where_repeating_is_safe() {
    // Reads are safe to repeat whatever the 5xx; a submit only after an error that shows
    // fal never took it (a 502/503 without a request id).
    for status in [502, 503] {
        let sim = sim().await;
        sim.faults().push(Route::Submit, Fault::Status(status), 2);
        sim.faults().push(Route::Result, Fault::Status(status), 1);
        let client = client(&sim);
        let submission = client.submit(&input(), &no_options()).await.unwrap();
        watch_to_end(&client, &submission.urls).await;
        client.result(&submission.urls).await.unwrap();
        assert_eq!(sim.stats().by_route["submit"], 3, "status {status}");
    }
    let sim = sim().await;
    sim.faults().push(Route::Result, Fault::Status(500), 1);
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    watch_to_end(&client, &submission.urls).await;
    client.result(&submission.urls).await.unwrap();
    assert_eq!(sim.stats().by_route["result"], 2);
}

#[tokio::test]
async fn server_errors_that_never_stop_give_up_with_the_status() {
    let sim = sim().await;
    sim.faults().push(Route::Submit, Fault::Status(503), 100);
    let err = client(&sim)
        .submit(&input(), &no_options())
        .await
        .unwrap_err();
    assert!(
        matches!(err, FalError::GaveUp { status: 503, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_submit_500_without_a_request_id_is_not_repeated() {
    let sim = sim().await;
    sim.faults().push(Route::Submit, Fault::Status(500), 1);
    let err = client(&sim)
        .submit(&input(), &no_options())
        .await
        .unwrap_err();
    assert!(matches!(err, FalError::Http { status: 500, .. }), "{err:?}");
    assert_eq!(sim.stats().by_route["submit"], 1);
}

#[tokio::test]
async fn a_submit_5xx_naming_a_request_is_followed_by_that_id_not_resent() {
    let sim = sim().await;
    sim.faults().push(
        Route::Submit,
        Fault::ErrorWithId {
            status: 500,
            taken: true,
        },
        1,
    );
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    assert_eq!(submission.lost_answer.as_deref(), Some("HTTP 500"));
    assert_eq!(
        submission.urls,
        client.urls_for(&submission.urls.request_id)
    );
    let watched = watch_to_end(&client, &submission.urls).await;
    assert!(watched.error.is_none(), "{:?}", watched.error);
    client.result(&submission.urls).await.unwrap();
    assert_eq!(sim.stats().by_route["submit"], 1, "never sent twice");
}

#[tokio::test]
async fn a_request_id_fal_does_not_know_ends_in_not_found() {
    let sim = sim().await;
    sim.faults().push(
        Route::Submit,
        Fault::ErrorWithId {
            status: 503,
            taken: false,
        },
        1,
    );
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    assert!(submission.lost_answer.is_some());
    let watched = watch_to_end(&client, &submission.urls).await;
    let err = watched.error.expect("the watch fails");
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(sim.stats().by_route["submit"], 1);
}

#[tokio::test]
async fn an_ingress_error_page_is_retried() {
    let sim = sim().await;
    sim.faults().push(Route::Submit, Fault::Ingress(502), 1);
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    assert!(submission.lost_answer.is_none());
    assert_eq!(sim.stats().by_route["submit"], 2);
}

#[tokio::test]
async fn a_connection_dropped_after_the_body_is_an_unknown_outcome() {
    for fault in [Fault::ResetAfterBody, Fault::Reset, Fault::MalformedJson] {
        let sim = sim().await;
        sim.faults().push(Route::Submit, fault.clone(), 1);
        let err = client(&sim)
            .submit(&input(), &no_options())
            .await
            .unwrap_err();
        assert!(
            matches!(err, FalError::SubmitUnknown { .. }),
            "{fault:?}: {err:?}"
        );
        assert_eq!(sim.stats().by_route["submit"], 1, "{fault:?}: not resent");
    }
}

#[tokio::test]
async fn a_connection_refused_before_sending_is_retried() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let config = i2v_fal::ClientConfig::new(i2v_fal::ApiKey::new(KEY))
        .with_base_urls(&base, &base)
        .fast_for_tests();
    let notices = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = notices.clone();
    let client = i2v_fal::FalClient::new(config)
        .unwrap()
        .with_retry_hook(std::sync::Arc::new(move |notice| {
            seen.lock().unwrap().push(notice.clone());
        }));
    let err = client.submit(&input(), &no_options()).await.unwrap_err();
    assert!(
        matches!(err, FalError::Network { attempts: 4, .. }),
        "{err:?}"
    );
    let notices = notices.lock().unwrap();
    assert_eq!(notices.len(), 3, "{notices:?}");
    assert!(
        notices[0].reason.contains("connection failed"),
        "{notices:?}"
    );
}

#[tokio::test]
async fn retries_report_their_reason_and_delay() {
    let sim = sim().await;
    sim.faults().push(Route::Result, Fault::Status(503), 2);
    let notices = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = notices.clone();
    let client = client(&sim).with_retry_hook(std::sync::Arc::new(move |notice| {
        seen.lock().unwrap().push(notice.clone());
    }));
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    watch_to_end(&client, &submission.urls).await;
    client.result(&submission.urls).await.unwrap();
    let notices = notices.lock().unwrap();
    let attempts: Vec<u32> = notices.iter().map(|n| n.attempt).collect();
    assert_eq!(attempts, [1, 2]);
    assert!(
        notices.iter().all(|n| n.reason == "HTTP 503"),
        "{notices:?}"
    );
    assert!(notices.iter().all(|n| n.delay > Duration::ZERO));
}

#[tokio::test]
async fn a_locked_account_is_a_billing_error_not_a_key_error() {
    let sim = sim().await;
    sim.faults().push(Route::Submit, Fault::Locked, 1);
    let err = client(&sim)
        .submit(&input(), &no_options())
        .await
        .unwrap_err();
    assert!(matches!(err, FalError::Billing { .. }), "{err:?}");
    assert_eq!(err.kind(), "billing");
    assert!(err.to_string().contains(i2v_fal::BILLING_URL), "{err}");
    assert!(!err.to_string().contains("FAL_KEY"), "{err}");
    assert_eq!(sim.stats().by_route["submit"], 1, "not retried");

    let sim = common::sim().await;
    sim.faults().push(Route::Submit, Fault::Status(403), 1);
    let err = common::client(&sim)
        .submit(&input(), &no_options())
        .await
        .unwrap_err();
    assert!(
        matches!(err, FalError::Unauthorized { status: 403, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_users_start_timeout_is_not_retried() {
    let sim = sim().await;
    sim.faults().push(Route::Result, Fault::StartTimeout, 1);
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    watch_to_end(&client, &submission.urls).await;
    let err = client.result(&submission.urls).await.unwrap_err();
    assert!(matches!(err, FalError::StartTimeout { .. }), "{err:?}");
    assert_eq!(sim.stats().by_route["result"], 1);
}

#[tokio::test]
async fn unauthorized_is_not_retried_and_names_fal_key() {
    let sim = sim().await;
    let client = client_with_key(&sim, "wrong-key");
    let err = client.submit(&input(), &no_options()).await.unwrap_err();
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
    let err = client.submit(&bad, &no_options()).await.unwrap_err();
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
    sim.faults().push(Route::Stream, Fault::Reset, 1);
    sim.faults().push(Route::Result, Fault::Reset, 1);
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    watch_to_end(&client, &submission.urls).await;
    client.result(&submission.urls).await.unwrap();
}

#[tokio::test]
async fn malformed_bodies() {
    // A malformed status event is survivable: the watch polls instead.
    let sim = sim().await;
    sim.faults().push(Route::Stream, Fault::MalformedJson, 1);
    run_to_completion(&client(&sim)).await;

    // A malformed result is a typed error, not a panic. (A malformed submit answer is an
    // unknown outcome: see a_connection_dropped_after_the_body_is_an_unknown_outcome.)
    let sim = common::sim().await;
    let client = common::client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    watch_to_end(&client, &submission.urls).await;
    sim.faults().push(Route::Result, Fault::MalformedJson, 1);
    let err = client.result(&submission.urls).await.unwrap_err();
    assert!(matches!(err, FalError::Malformed { .. }), "{err:?}");
}

#[tokio::test]
async fn download_resumes_after_a_reset_mid_body() {
    let sim = sim().await;
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
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
    let submission = client.submit(&input(), &no_options()).await.unwrap();
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
    assert!(
        matches!(&err, FalError::DownloadGaveUp { last, .. } if matches!(**last, FalError::SizeMismatch { .. })),
        "{err:?}"
    );
    assert!(!dest.exists(), "no file under the final name");
    assert!(
        !dir.path().join("video.mp4.part").exists(),
        "no part file left"
    );
}

/// A finished job's video, and a place to save it.
struct Finished {
    url: String,
    size: Option<u64>,
    dir: tempfile::TempDir,
}

impl Finished {
    fn dest(&self) -> std::path::PathBuf {
        self.dir.path().join("video.mp4")
    }

    /// Nothing under the final name and no `.part` file left.
    fn assert_nothing_left(&self) {
        let left: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "files left: {left:?}");
    }
}

async fn finished_job(client: &i2v_fal::FalClient) -> Finished {
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    watch_to_end(client, &submission.urls).await;
    let output = client.result(&submission.urls).await.unwrap();
    Finished {
        url: output.video.url,
        size: output.video.file_size,
        dir: tempfile::tempdir().unwrap(),
    }
}

/// Runs a download that must end; a generous limit turns a download that never ends (the
/// defect these tests guard against) into a failure instead of a hung test. Panics if more
/// than `expected_size` (or the default limit) was ever received.
async fn download(
    client: &i2v_fal::FalClient,
    job: &Finished,
    expected_size: Option<u64>,
) -> Result<u64, FalError> {
    let dest = job.dest();
    let mut most = 0;
    let download = client.download(
        Download {
            url: &job.url,
            dest: &dest,
            expected_size,
        },
        |received, _| most = most.max(received),
    );
    let outcome = tokio::time::timeout(Duration::from_secs(120), download)
        .await
        .expect("the download ends");
    let limit = expected_size.unwrap_or(client.config().download.max_bytes);
    assert!(most <= limit, "{most} bytes received, more than {limit}");
    outcome
}

#[tokio::test]
async fn download_that_always_breaks_at_the_same_offset_gives_up() {
    let sim = sim().await;
    let client = client(&sim);
    let job = finished_job(&client).await;
    sim.faults().push(Route::File, Fault::IgnoreRange, 1000);
    let err = download(&client, &job, job.size).await.unwrap_err();
    let FalError::DownloadGaveUp { attempts, .. } = &err else {
        panic!("expected a download that gave up, got {err:?}");
    };
    assert_eq!(u64::from(*attempts), sim.stats().by_route["file"]);
    // The first attempt got somewhere, the others nowhere new: the usual retry limit (one more
    // if a stall on a busy machine made the first attempt count for nothing).
    let limit = client.config().retry.max_attempts;
    assert!((limit..=limit + 1).contains(attempts), "{err}");
    assert!(err.to_string().contains("URL is kept"), "{err}");
    job.assert_nothing_left();
}

#[tokio::test]
async fn download_attempts_are_bounded_per_download_even_when_each_advances() {
    let sim = sim().await;
    let base = sim.base_url();
    let mut config = ClientConfig::new(ApiKey::new(KEY))
        .with_base_urls(&base, &base)
        .fast_for_tests();
    config.download.max_attempts = 3;
    let client = FalClient::new(config).unwrap();
    let job = finished_job(&client).await;
    // Every attempt gets half of what is left, then the connection drops.
    sim.faults().push(Route::File, Fault::Reset, 1000);
    let err = download(&client, &job, job.size).await.unwrap_err();
    assert!(
        matches!(err, FalError::DownloadGaveUp { attempts: 3, .. }),
        "{err:?}"
    );
    assert_eq!(sim.stats().by_route["file"], 3);
    job.assert_nothing_left();
}

#[tokio::test]
async fn a_drip_is_given_up_as_too_slow() {
    let sim = sim().await;
    let client = client(&sim);
    let job = finished_job(&client).await;
    sim.faults()
        .push(Route::File, Fault::Drip(Duration::from_millis(50)), 1000);
    let err = download(&client, &job, job.size).await.unwrap_err();
    let FalError::DownloadGaveUp { last, .. } = &err else {
        panic!("expected a download that gave up, got {err:?}");
    };
    assert!(last.to_string().contains("too slow"), "{err}");
    job.assert_nothing_left();
}

#[tokio::test]
async fn a_huge_advertised_length_is_not_downloaded() {
    let sim = sim().await;
    let client = client(&sim);
    let job = finished_job(&client).await;
    sim.faults()
        .push(Route::File, Fault::HugeLength(3 << 30), 1000);
    // fal said how big the video is: a body claiming more is not read.
    let err = download(&client, &job, job.size).await.unwrap_err();
    let FalError::DownloadGaveUp { last, .. } = &err else {
        panic!("expected a download that gave up, got {err:?}");
    };
    assert!(
        matches!(**last, FalError::SizeMismatch { got, .. } if got == 3 << 30),
        "{err:?}"
    );
    job.assert_nothing_left();

    // Size unknown: the limit (2 GB by default) refuses it at once.
    let before = sim.stats().by_route["file"];
    let err = download(&client, &job, None).await.unwrap_err();
    assert!(
        matches!(
            err,
            FalError::DownloadTooLarge {
                size: Some(size),
                limit,
            } if size == 3 << 30 && limit == i2v_fal::DEFAULT_MAX_DOWNLOAD_BYTES
        ),
        "{err:?}"
    );
    assert_eq!(sim.stats().by_route["file"], before + 1, "not retried");
    job.assert_nothing_left();
}

#[tokio::test]
async fn a_body_past_the_configured_limit_is_cut_off() {
    let sim = sim().await;
    let base = sim.base_url();
    let mut config = ClientConfig::new(ApiKey::new(KEY))
        .with_base_urls(&base, &base)
        .fast_for_tests();
    config.download.max_bytes = 1000;
    let client = FalClient::new(config).unwrap();
    let job = finished_job(&client).await;
    let err = download(&client, &job, None).await.unwrap_err();
    assert!(
        matches!(err, FalError::DownloadTooLarge { limit: 1000, .. }),
        "{err:?}"
    );
    // fal's own word on the size is checked before any request.
    let before = sim.stats().by_route["file"];
    let err = download(&client, &job, job.size).await.unwrap_err();
    assert!(
        matches!(err, FalError::DownloadTooLarge { size, .. } if size == job.size),
        "{err:?}"
    );
    assert_eq!(sim.stats().by_route["file"], before);
    job.assert_nothing_left();
}

#[tokio::test]
async fn an_html_page_instead_of_the_video_fails_clearly() {
    let sim = sim().await;
    let client = client(&sim);
    let job = finished_job(&client).await;
    sim.faults().push(Route::File, Fault::NotMp4, 1);
    for expected in [job.size, None] {
        if expected.is_none() {
            sim.faults().push(Route::File, Fault::NotMp4, 1);
        }
        let err = download(&client, &job, expected).await.unwrap_err();
        assert!(matches!(err, FalError::NotVideo { .. }), "{err:?}");
        assert_eq!(err.kind(), "download");
        let text = err.to_string();
        assert!(
            text.contains("not an MP4") && text.contains("<!DOCTYP"),
            "{text}"
        );
        job.assert_nothing_left();
    }
    assert_eq!(sim.stats().by_route["file"], 2, "not retried");
}

#[tokio::test]
async fn a_huge_status_event_is_not_read_and_the_watch_polls() {
    let sim = sim_with(SimConfig {
        run_time: Duration::from_millis(400),
        ..SimConfig::fast()
    })
    .await;
    sim.faults()
        .push(Route::Stream, Fault::HugeEvent(16 << 20), 1);
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    let mut watch = client.watch(&submission.urls, 0, None);
    let mut reasons = Vec::new();
    let mut last = None;
    let mut logs = Vec::new();
    let followed = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(item) = watch.next().await {
            match item.unwrap() {
                WatchItem::Reconnecting { reason } => reasons.push(reason),
                WatchItem::Update(update) => {
                    logs.extend(update.new_logs);
                    last = Some(update.status);
                }
            }
        }
    })
    .await;
    assert!(followed.is_ok(), "the watch ends");
    assert!(
        matches!(last, Some(RemoteStatus::Completed { error: None, .. })),
        "{last:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("larger than")),
        "{reasons:?}"
    );
    assert_complete_and_ordered(&logs);
}

#[tokio::test]
async fn a_huge_error_detail_is_cut_and_says_so() {
    let sim = sim().await;
    sim.faults()
        .push(Route::Submit, Fault::HugeDetail(1 << 20), 1);
    let err = client(&sim)
        .submit(&input(), &no_options())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.len() < 4096, "{} bytes", text.len());
    assert!(text.contains("… (cut, 1048576 bytes)"), "{text}");
    assert!(
        text.starts_with("fal answered HTTP 400: Simulated fault"),
        "{text}"
    );
}

#[tokio::test]
async fn an_endless_error_page_from_the_video_host_ends_the_download() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A host that is not fal answers 404 and then drips its (huge) error page forever.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/video.mp4", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 404 Not Found\r\nContent-Length: 1000000000\r\n\r\n";
                let _ = socket.write_all(head.as_bytes()).await;
                while socket.write_all(b"<p>not here</p>").await.is_ok() {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            });
        }
    });
    let sim = sim().await;
    let client = client(&sim);
    let job = Finished {
        url,
        size: None,
        dir: tempfile::tempdir().unwrap(),
    };
    let err = download(&client, &job, None).await.unwrap_err();
    assert!(
        matches!(err, FalError::DownloadRefused { status: 404, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("not here"), "{err}");
    job.assert_nothing_left();
}

#[tokio::test]
async fn a_refusal_from_the_video_host_is_not_blamed_on_the_key() {
    let sim = sim().await;
    let client = client(&sim);
    let mut job = finished_job(&client).await;
    // The same server under another name: a host that is not fal's API, as a CDN would be.
    assert!(job.url.contains("127.0.0.1"), "{}", job.url);
    job.url = job.url.replace("127.0.0.1", "localhost");
    sim.faults().push(Route::File, Fault::Status(401), 1);
    let err = download(&client, &job, job.size).await.unwrap_err();
    assert!(
        matches!(err, FalError::DownloadRefused { status: 401, .. }),
        "{err:?}"
    );
    assert_eq!(err.kind(), "download");
    let text = err.to_string();
    assert!(!text.contains("FAL_KEY"), "{text}");
    assert!(
        text.contains("video host") && text.contains("401"),
        "{text}"
    );
    job.assert_nothing_left();
}

#[tokio::test]
async fn a_refusal_from_fal_itself_is_still_the_key() {
    let sim = sim().await;
    let client = client(&sim);
    let job = finished_job(&client).await;
    sim.faults().push(Route::File, Fault::Status(401), 1);
    let err = download(&client, &job, job.size).await.unwrap_err();
    assert!(matches!(err, FalError::Unauthorized { .. }), "{err:?}");
}
