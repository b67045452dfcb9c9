//! The server as a whole: many jobs at once, and shutting down on drop.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod common;

use common::*;
use i2v_sim::SimConfig;

#[tokio::test]
async fn many_jobs_all_complete_with_their_own_logs() {
    let server = start(SimConfig {
        runners: 3,
        ..SimConfig::fast()
    })
    .await;
    let client = client();
    let mut streams = Vec::new();
    for _ in 0..12 {
        let job = submit(&client, &server).await;
        let client = client.clone();
        let status_url = job["status_url"].as_str().unwrap().to_string();
        streams.push(tokio::spawn(async move {
            stream_events(&client, &status_url).await
        }));
    }
    for stream in streams {
        let events = stream.await.unwrap();
        assert_eq!(events.last().unwrap()["status"], "COMPLETED");
        assert_eq!(messages(&events).len(), 5);
    }
    let stats = server.stats();
    assert_eq!(stats.completed_at.len(), 12);
    assert_eq!(stats.by_route["submit"], 12);
    assert_eq!(stats.by_route["stream"], 12);
}

#[tokio::test]
async fn dropping_the_server_ends_streams_and_stops_serving() {
    let server = start(one_slow_runner()).await;
    let client = client();
    let job = submit(&client, &server).await;
    let status_url = job["status_url"].as_str().unwrap().to_string();
    let base = server.base_url();
    let open_stream = {
        let client = client.clone();
        tokio::spawn(async move { stream_events(&client, &status_url).await })
    };
    // Wait until the stream is being served, then shut down.
    while !server.stats().by_route.contains_key("stream") {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    drop(server);
    let events = open_stream.await.unwrap();
    assert_ne!(
        events.last().map(|e| e["status"].clone()),
        Some("COMPLETED".into())
    );
    let fresh = reqwest::Client::new();
    assert!(fresh.get(format!("{base}/anything")).send().await.is_err());
}
