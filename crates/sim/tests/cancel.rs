//! Cancelling queued, running and finished requests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod common;

use common::*;
use serde_json::Value;

async fn assert_cancelled(client: &reqwest::Client, job: &Value) {
    let done = poll_until_completed(client, job["status_url"].as_str().unwrap()).await;
    assert_eq!(done["error_type"], "request_cancelled", "{done}");
    assert_eq!(done["error"], "Request was cancelled");
    let result = get(client, job["response_url"].as_str().unwrap()).await;
    assert_eq!(result.status(), 400);
    let body: Value = result.json().await.unwrap();
    assert!(body["detail"].is_string());
}

#[tokio::test]
async fn cancel_running_and_queued_jobs() {
    let server = start(one_slow_runner()).await;
    let client = client();
    let running = submit(&client, &server).await;
    let queued = submit(&client, &server).await;
    wait_for(
        &client,
        running["status_url"].as_str().unwrap(),
        "IN_PROGRESS",
    )
    .await;

    let (code, body) = cancel(&client, queued["cancel_url"].as_str().unwrap()).await;
    assert_eq!(
        (code, body["status"].as_str()),
        (202, Some("CANCELLATION_REQUESTED"))
    );
    assert_cancelled(&client, &queued).await;

    let (code, body) = cancel(&client, running["cancel_url"].as_str().unwrap()).await;
    assert_eq!(
        (code, body["status"].as_str()),
        (202, Some("CANCELLATION_REQUESTED"))
    );
    assert_cancelled(&client, &running).await;
    let stats = server.stats();
    assert!(
        stats
            .completed_at
            .contains_key(running["request_id"].as_str().unwrap())
    );
    assert!(
        stats
            .completed_at
            .contains_key(queued["request_id"].as_str().unwrap())
    );
}

#[tokio::test]
async fn a_stream_ends_with_the_cancellation() {
    let server = start(one_slow_runner()).await;
    let client = client();
    let job = submit(&client, &server).await;
    let status_url = job["status_url"].as_str().unwrap().to_string();
    let events = {
        let client = client.clone();
        tokio::spawn(async move { stream_events(&client, &status_url).await })
    };
    wait_for(&client, job["status_url"].as_str().unwrap(), "IN_PROGRESS").await;
    cancel(&client, job["cancel_url"].as_str().unwrap()).await;
    let events = events.await.unwrap();
    assert_eq!(events.last().unwrap()["error_type"], "request_cancelled");
}

#[tokio::test]
async fn cancelling_a_finished_job_says_already_completed() {
    let server = start(i2v_sim::SimConfig::fast()).await;
    let client = client();
    let job = submit(&client, &server).await;
    poll_until_completed(&client, job["status_url"].as_str().unwrap()).await;
    let (code, body) = cancel(&client, job["cancel_url"].as_str().unwrap()).await;
    assert_eq!(
        (code, body["status"].as_str()),
        (400, Some("ALREADY_COMPLETED"))
    );
    let base = server.base_url();
    let (code, _) = cancel(
        &client,
        &format!("{base}/fal-ai/minimax/requests/nope/cancel"),
    )
    .await;
    assert_eq!(code, 404);
}
