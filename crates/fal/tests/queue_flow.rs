//! The happy paths, driven as a caller would: submit, watch, result, download, cancel, upload.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod common;

use common::*;
use i2v_fal::{CancelOutcome, Download, RemoteStatus};
use i2v_sim::SimConfig;

#[tokio::test]
async fn submit_watch_result_download() {
    let sim = sim().await;
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    assert!(!submission.urls.request_id.is_empty());

    let watched = watch_to_end(&client, &submission.urls).await;
    assert!(watched.error.is_none(), "{:?}", watched.error);
    assert!(matches!(
        watched.final_status,
        Some(RemoteStatus::Completed { error: None, .. })
    ));
    assert_complete_and_ordered(&watched.logs);

    let output = client.result(&submission.urls).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.mp4");
    let size = client
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
    assert_eq!(size, sample_mp4().len() as u64);

    // Without faults: submit, one stream, result, download.
    let stats = sim.stats();
    assert_eq!(stats.requests, 4, "{:?}", stats.by_route);

    // The stream's logs are exactly what a poll of the finished request reports.
    let polled = reqwest::Client::new()
        .get(format!("{}?logs=1", submission.urls.status_url))
        .header("Authorization", format!("Key {KEY}"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let polled_messages: Vec<&str> = polled["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    let streamed: Vec<&str> = watched.logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(streamed, polled_messages);
}

#[tokio::test]
async fn upload_then_submit_with_the_file_url() {
    let sim = sim().await;
    let client = client(&sim);
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/frame.png"
    ))
    .unwrap();
    let url = client
        .upload(png.clone().into(), "image/png", "frame.png", &no_options())
        .await
        .unwrap();
    let served = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
    assert_eq!(served.as_ref(), png.as_slice());

    let mut input = input();
    input.image_url = url;
    let submission = client.submit(&input, &no_options()).await.unwrap();
    let watched = watch_to_end(&client, &submission.urls).await;
    assert!(matches!(
        watched.final_status,
        Some(RemoteStatus::Completed { error: None, .. })
    ));
}

#[tokio::test]
async fn cancel_a_queued_request() {
    let sim = sim_with(SimConfig {
        queue_time: std::time::Duration::from_secs(30),
        ..SimConfig::fast()
    })
    .await;
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    assert_eq!(
        client.cancel(&submission.urls).await.unwrap(),
        CancelOutcome::Requested
    );
    let watched = watch_to_end(&client, &submission.urls).await;
    match watched.final_status {
        Some(RemoteStatus::Completed { error: Some(_), .. }) => {}
        other => panic!("cancelled request ends completed with an error, got {other:?}"),
    }
    assert_eq!(
        client.cancel(&submission.urls).await.unwrap(),
        CancelOutcome::AlreadyCompleted
    );
    assert!(client.result(&submission.urls).await.is_err());
}

#[tokio::test]
async fn resumed_watch_continues_after_stored_logs() {
    let sim = sim().await;
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    let all = watch_to_end(&client, &submission.urls).await.logs;
    assert!(all.len() >= 3);
    // As after a restart with the first two lines already saved.
    let mut watch = client.watch(&submission.urls, 2, Some(all[1].clone()));
    let mut rest = Vec::new();
    while let Some(Ok(item)) = watch.next().await {
        if let i2v_fal::WatchItem::Update(update) = item {
            rest.extend(update.new_logs);
        }
    }
    assert_eq!(rest, all[2..].to_vec());
}

#[tokio::test]
async fn urls_rebuilt_from_the_request_id_match_the_servers() {
    let sim = sim().await;
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    assert_eq!(
        client.urls_for(&submission.urls.request_id),
        submission.urls
    );
}
