//! A job from submit to downloaded video, by streaming and by polling.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod common;

use common::*;
use i2v_sim::{FAIL_MARKER, SAMPLE_MP4, SimConfig};
use serde_json::Value;

#[tokio::test]
async fn submit_stream_result_download() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let response = submit_request(&client, &server, &input())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let header_id = response.headers()["x-fal-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    let submitted: Value = response.json().await.unwrap();
    let id = submitted["request_id"].as_str().unwrap();
    assert_eq!(header_id, id);
    let base = server.base_url();
    let response_url = format!("{base}/fal-ai/minimax/requests/{id}");
    assert_eq!(submitted["response_url"], response_url.as_str());
    assert_eq!(
        submitted["status_url"],
        format!("{response_url}/status").as_str()
    );
    assert_eq!(
        submitted["cancel_url"],
        format!("{response_url}/cancel").as_str()
    );
    assert_eq!(submitted["queue_position"], 0);

    let events = stream_events(&client, submitted["status_url"].as_str().unwrap()).await;
    let statuses: Vec<&str> = events
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    // How much of the queue phase the stream sees depends on scheduling; the order does not.
    let rank = |s: &&str| {
        ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]
            .iter()
            .position(|k| k == s)
    };
    let ranks: Vec<usize> = statuses.iter().map(|s| rank(s).unwrap()).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{statuses:?}");
    assert_eq!(statuses.last(), Some(&"COMPLETED"));
    assert_eq!(statuses.iter().filter(|s| **s == "COMPLETED").count(), 1);
    let last = events.last().unwrap();
    assert!(last["metrics"]["inference_time"].as_f64().unwrap() > 0.0);
    assert!(last.get("error").is_none());

    // The events' logs, joined, are exactly the full log, in order, none repeated.
    let streamed = messages(&events);
    let polled = poll_until_completed(&client, submitted["status_url"].as_str().unwrap()).await;
    assert_eq!(streamed, messages(std::slice::from_ref(&polled)));
    assert_eq!(streamed.len(), 5, "{streamed:?}");
    assert!(streamed[0].starts_with("Loading model"));
    let log = &polled["logs"][0];
    assert_eq!(log["level"], "INFO");
    assert_eq!(log["source"], "user");
    assert!(log["timestamp"].as_str().unwrap().starts_with("20"));

    let result = get(&client, &response_url).await;
    assert_eq!(result.status(), 200);
    assert_eq!(result.headers()["x-fal-request-id"].to_str().unwrap(), id);
    let result: Value = result.json().await.unwrap();
    let video = &result["video"];
    assert_eq!(video["content_type"], "video/mp4");
    assert_eq!(video["file_name"], "output.mp4");
    assert_eq!(video["file_size"], SAMPLE_MP4.len());
    let bytes = client
        .get(video["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], SAMPLE_MP4);

    let stats = server.stats();
    assert_eq!(stats.by_route["submit"], 1);
    assert_eq!(stats.by_route["stream"], 1);
    assert_eq!(stats.by_route["result"], 1);
    assert_eq!(stats.by_route["file"], 1);
    assert!(stats.completed_at.contains_key(id));
    assert_eq!(stats.requests, stats.by_route.values().sum::<u64>());
}

#[tokio::test]
async fn polling_without_logs_sends_null_logs_and_result_waits_for_completion() {
    let server = start(one_slow_runner()).await;
    let client = client();
    let submitted = submit(&client, &server).await;
    let status_url = submitted["status_url"].as_str().unwrap();
    let early = get(&client, submitted["response_url"].as_str().unwrap()).await;
    assert_eq!(early.status(), 400);
    let early: Value = early.json().await.unwrap();
    assert_eq!(early["detail"], "Request is still in progress");

    // Present but null: the Python client indexes `data["logs"]`.
    wait_for(&client, status_url, "IN_PROGRESS").await;
    let running: Value = get(&client, &format!("{status_url}?logs=0"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(running.get("logs"), Some(&Value::Null), "{running}");
    cancel(&client, submitted["cancel_url"].as_str().unwrap()).await;
    poll_until_completed(&client, status_url).await;
    let done: Value = get(&client, &format!("{status_url}?logs=false"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done.get("logs"), Some(&Value::Null), "{done}");
}

#[tokio::test]
async fn a_stream_opened_after_completion_sends_one_complete_event() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let submitted = submit(&client, &server).await;
    let status_url = submitted["status_url"].as_str().unwrap();
    let polled = poll_until_completed(&client, status_url).await;
    let events = stream_events(&client, status_url).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["status"], "COMPLETED");
    assert_eq!(messages(&events), messages(&[polled]));
}

#[tokio::test]
async fn queue_positions_count_down_when_runners_are_busy() {
    let server = start(one_slow_runner()).await;
    let client = client();
    let first = submit(&client, &server).await;
    assert_eq!(first["queue_position"], 0);
    let second = submit(&client, &server).await;
    let third = submit(&client, &server).await;
    wait_for(
        &client,
        first["status_url"].as_str().unwrap(),
        "IN_PROGRESS",
    )
    .await;

    // Cancelling the job on the runner moves the queue on, one step per cancel.
    let mut events = Events::open(&client, third["status_url"].as_str().unwrap()).await;
    let event = events.next().await.unwrap();
    assert_eq!(
        (event["status"].as_str(), event["queue_position"].as_u64()),
        (Some("IN_QUEUE"), Some(1))
    );
    cancel(&client, first["cancel_url"].as_str().unwrap()).await;
    let event = events.next().await.unwrap();
    assert_eq!(
        (event["status"].as_str(), event["queue_position"].as_u64()),
        (Some("IN_QUEUE"), Some(0))
    );
    cancel(&client, second["cancel_url"].as_str().unwrap()).await;
    let event = events.next().await.unwrap();
    assert_eq!(event["status"], "IN_PROGRESS");
}

#[tokio::test]
async fn a_failing_prompt_completes_with_an_error() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let mut body = input();
    body["prompt"] = format!("boom {FAIL_MARKER}").into();
    let submitted: Value = submit_request(&client, &server, &body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let done = poll_until_completed(&client, submitted["status_url"].as_str().unwrap()).await;
    assert_eq!(done["error_type"], "runner_server_error");
    let result = get(&client, submitted["response_url"].as_str().unwrap()).await;
    assert_eq!(result.status(), 500);
    let result: Value = result.json().await.unwrap();
    assert!(result["detail"].as_str().unwrap().contains("failure"));
}

#[tokio::test]
async fn hostile_logs_carry_control_characters() {
    let server = start(SimConfig {
        hostile_logs: true,
        ..SimConfig::fast()
    })
    .await;
    let client = client();
    let submitted = submit(&client, &server).await;
    let done = poll_until_completed(&client, submitted["status_url"].as_str().unwrap()).await;
    let all = messages(&[done]).concat();
    for needle in ["\x1b[2J", "\x1b]0;", "\x07", "\r", "\0", "\u{202e}"] {
        assert!(all.contains(needle), "missing {needle:?}");
    }
}

#[tokio::test]
async fn unknown_ids_and_routes_are_404() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let base = server.base_url();
    let status = get(
        &client,
        &format!("{base}/fal-ai/minimax/requests/nope/status"),
    )
    .await;
    assert_eq!(status.status(), 404);
    let body: Value = status.json().await.unwrap();
    assert!(body["detail"].is_string());
    assert_eq!(get(&client, &format!("{base}/nowhere")).await.status(), 404);
    assert_eq!(server.stats().by_route["any"], 1);
}
