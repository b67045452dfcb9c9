//! Every fault kind shows up as described, then clears after its shots are used.

mod common;

use std::time::Duration;

use common::*;
use i2v_sim::{Fault, Route, SAMPLE_MP4, SimConfig};
use serde_json::{Value, json};

#[tokio::test]
async fn status_faults_fire_n_times_then_clear() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    server.faults().push(Route::Submit, Fault::Status(503), 2);
    for _ in 0..2 {
        let response = submit_request(&client, &server, &input())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 503);
        let body: Value = response.json().await.unwrap();
        assert!(body["detail"].is_string());
    }
    submit(&client, &server).await;
    assert_eq!(server.stats().by_route["submit"], 3);
}

#[tokio::test]
async fn faults_only_hit_their_route() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    server.faults().push(Route::Result, Fault::Status(500), 1);
    let job = submit(&client, &server).await;
    poll_until_completed(&client, job["status_url"].as_str().unwrap()).await;
    let url = job["response_url"].as_str().unwrap();
    assert_eq!(get(&client, url).await.status(), 500);
    assert_eq!(get(&client, url).await.status(), 200);
}

#[tokio::test]
async fn rate_limits_carry_retry_after() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    server.faults().push(
        Route::Any,
        Fault::RateLimited {
            retry_after_secs: 3,
        },
        1,
    );
    let response = submit_request(&client, &server, &input())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    submit(&client, &server).await;
}

#[tokio::test]
async fn unauthorized_and_validation_faults_override_good_requests() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    server.faults().push(Route::Submit, Fault::Unauthorized, 1);
    server.faults().push(Route::Submit, Fault::Validation, 1);
    let response = submit_request(&client, &server, &input())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let response = submit_request(&client, &server, &input())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"][0]["loc"], json!(["body", "prompt"]));
    submit(&client, &server).await;
}

#[tokio::test]
async fn malformed_bodies_are_not_json() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let job = submit(&client, &server).await;
    server.faults().push(Route::Status, Fault::MalformedJson, 1);
    let status_url = job["status_url"].as_str().unwrap();
    let response = get(&client, status_url).await;
    assert!(response.status().is_success());
    let text = response.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    let response = get(&client, status_url).await;
    assert!(response.json::<Value>().await.is_ok());
}

#[tokio::test]
async fn a_dropped_stream_ends_early_and_a_new_stream_resumes() {
    let server = start(one_slow_runner()).await;
    let client = client();
    let job = submit(&client, &server).await;
    let status_url = job["status_url"].as_str().unwrap();
    server
        .faults()
        .push(Route::Stream, Fault::DropStream { after_events: 1 }, 1);
    let first = stream_events(&client, status_url).await;
    assert_eq!(first.len(), 1);
    assert_ne!(first[0]["status"], "COMPLETED");
    wait_for(&client, status_url, "IN_PROGRESS").await;
    cancel(&client, job["cancel_url"].as_str().unwrap()).await;
    let second = stream_events(&client, status_url).await;
    assert_eq!(second.last().unwrap()["status"], "COMPLETED");
}

#[tokio::test]
async fn a_stall_sends_nothing_for_a_while() {
    let server = start(SimConfig::fast()).await;
    server
        .faults()
        .push(Route::Submit, Fault::Stall(Duration::from_secs(5)), 1);
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let error = submit_request(&impatient, &server, &input())
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    submit(&client(), &server).await;
}

#[tokio::test]
async fn a_reset_closes_the_connection_without_an_answer() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    server.faults().push(Route::Any, Fault::Reset, 1);
    let error = submit_request(&client, &server, &input())
        .send()
        .await
        .unwrap_err();
    assert!(!error.is_timeout(), "{error}");
    assert!(error.status().is_none(), "{error}");
    submit(&client, &server).await;
    assert_eq!(server.stats().by_route["submit"], 2);
}

#[tokio::test]
async fn a_file_reset_cuts_the_download_and_a_range_request_resumes_it() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let job = submit(&client, &server).await;
    poll_until_completed(&client, job["status_url"].as_str().unwrap()).await;
    let result: Value = get(&client, job["response_url"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let url = result["video"]["url"].as_str().unwrap();

    server.faults().push(Route::File, Fault::Reset, 1);
    let mut response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.content_length(), Some(SAMPLE_MP4.len() as u64));
    let mut received = Vec::new();
    let outcome = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => received.extend_from_slice(&chunk),
            Ok(None) => break Ok(()),
            Err(error) => break Err(error),
        }
    };
    assert!(outcome.is_err(), "the body should fail part way");
    assert!(received.len() < SAMPLE_MP4.len());
    assert_eq!(&received[..], &SAMPLE_MP4[..received.len()]);

    let rest = client
        .get(url)
        .header("Range", format!("bytes={}-", received.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), 206);
    assert_eq!(
        rest.headers()["content-range"],
        format!(
            "bytes {}-{}/{}",
            received.len(),
            SAMPLE_MP4.len() - 1,
            SAMPLE_MP4.len()
        )
        .as_str()
    );
    received.extend_from_slice(&rest.bytes().await.unwrap());
    assert_eq!(&received[..], SAMPLE_MP4);
}

#[tokio::test]
async fn clear_disarms_everything() {
    let server = start(SimConfig::fast()).await;
    server.faults().push(Route::Any, Fault::Status(502), 10);
    server.faults().clear();
    submit(&client(), &server).await;
}
