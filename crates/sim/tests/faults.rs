//! Every fault kind shows up as described, then clears after its shots are used.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

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

/// A completed job's video URL.
async fn video_url(client: &reqwest::Client, server: &i2v_sim::SimServer) -> String {
    let job = submit(client, server).await;
    poll_until_completed(client, job["status_url"].as_str().unwrap()).await;
    let result: Value = get(client, job["response_url"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    result["video"]["url"].as_str().unwrap().to_owned()
}

/// The status and every body byte that arrived before the body ended or failed.
async fn read_all(response: reqwest::Response) -> (u16, Vec<u8>, bool) {
    let status = response.status().as_u16();
    let mut response = response;
    let mut received = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => received.extend_from_slice(&chunk),
            Ok(None) => return (status, received, true),
            Err(_) => return (status, received, false),
        }
    }
}

#[tokio::test]
async fn ignoring_range_sends_the_start_again_and_cuts_at_the_same_offset() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let url = video_url(&client, &server).await;
    server.faults().push(Route::File, Fault::IgnoreRange, 2);
    let (status, first, complete) = read_all(client.get(&url).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(!complete, "the body should fail part way");
    assert_eq!(&first[..], &SAMPLE_MP4[..first.len()]);
    let resumed = client
        .get(&url)
        .header("Range", format!("bytes={}-", first.len()))
        .send()
        .await
        .unwrap();
    assert!(resumed.headers().get("content-range").is_none());
    let (status, second, complete) = read_all(resumed).await;
    assert_eq!(status, 200, "the range was ignored");
    assert!(!complete);
    assert_eq!(second, first, "from byte 0 again, cut at the same offset");
    let (_, whole, complete) = read_all(client.get(&url).send().await.unwrap()).await;
    assert!(complete && whole == SAMPLE_MP4, "clears after its shots");
}

#[tokio::test]
async fn a_drip_sends_one_byte_at_a_time_behind_the_full_length() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let url = video_url(&client, &server).await;
    server
        .faults()
        .push(Route::File, Fault::Drip(Duration::from_millis(20)), 1);
    let mut response = client.get(&url).send().await.unwrap();
    assert_eq!(response.content_length(), Some(SAMPLE_MP4.len() as u64));
    for expected in &SAMPLE_MP4[..3] {
        let chunk = response.chunk().await.unwrap().unwrap();
        assert_eq!(&chunk[..], &[*expected]);
    }
}

#[tokio::test]
async fn a_huge_length_is_advertised_and_the_video_then_zeros_follow() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let url = video_url(&client, &server).await;
    server
        .faults()
        .push(Route::File, Fault::HugeLength(10 << 30), 1);
    let mut response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.content_length(), Some(10 << 30));
    let mut received = Vec::new();
    while received.len() < 2 * SAMPLE_MP4.len() {
        received.extend_from_slice(&response.chunk().await.unwrap().unwrap());
    }
    assert_eq!(&received[..SAMPLE_MP4.len()], SAMPLE_MP4);
    assert!(received[SAMPLE_MP4.len()..].iter().all(|&b| b == 0));
}

#[tokio::test]
async fn an_html_page_can_stand_in_for_the_video() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let url = video_url(&client, &server).await;
    server.faults().push(Route::File, Fault::NotMp4, 1);
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let text = response.text().await.unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"), "{text}");
}

#[tokio::test]
async fn a_huge_event_pads_the_first_status_event_only() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let job = submit(&client, &server).await;
    server
        .faults()
        .push(Route::Stream, Fault::HugeEvent(2 << 20), 1);
    let events = stream_events(&client, job["status_url"].as_str().unwrap()).await;
    let padding = events[0]["padding"].as_str().unwrap();
    assert_eq!(padding.len(), 2 << 20);
    assert!(events[0]["status"].is_string(), "still a status event");
    assert!(events[1..].iter().all(|e| e.get("padding").is_none()));
    assert_eq!(events.last().unwrap()["status"], "COMPLETED");
}

#[tokio::test]
async fn a_huge_detail_is_sent_whole() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    server
        .faults()
        .push(Route::Submit, Fault::HugeDetail(1 << 20), 1);
    let response = submit_request(&client, &server, &input())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"].as_str().unwrap().len(), 1 << 20);
    submit(&client, &server).await;
}

fn request_id(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("x-fal-request-id")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_5xx_with_a_taken_request_id_leaves_the_job_on_fal() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    server.faults().push(
        Route::Submit,
        Fault::ErrorWithId {
            status: 500,
            taken: true,
        },
        1,
    );
    let response = submit_request(&client, &server, &input())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    let id = request_id(&response).expect("the answer names the request");
    let status_url = format!("{}/fal-ai/minimax/requests/{id}/status", server.base_url());
    let done = poll_until_completed(&client, &status_url).await;
    assert_eq!(done["status"], "COMPLETED");
}

#[tokio::test]
async fn a_5xx_with_an_unknown_request_id_names_a_request_fal_lacks() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    server.faults().push(
        Route::Submit,
        Fault::ErrorWithId {
            status: 503,
            taken: false,
        },
        1,
    );
    let response = submit_request(&client, &server, &input())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let id = request_id(&response).expect("the answer names a request");
    let status_url = format!("{}/fal-ai/minimax/requests/{id}/status", server.base_url());
    assert_eq!(get(&client, &status_url).await.status(), 404);
}

#[tokio::test]
async fn an_ingress_error_is_nginx_html_without_a_request_id() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    server.faults().push(Route::Submit, Fault::Ingress(502), 1);
    let response = submit_request(&client, &server, &input())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert!(request_id(&response).is_none());
    assert_eq!(response.headers()["content-type"], "text/html");
    let page = response.text().await.unwrap();
    assert!(page.contains("<center>nginx</center>"), "{page}");
}

#[tokio::test]
async fn a_reset_after_the_body_takes_the_job_but_sends_no_answer() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    server
        .faults()
        .push(Route::Submit, Fault::ResetAfterBody, 1);
    let error = submit_request(&client, &server, &input())
        .send()
        .await
        .unwrap_err();
    assert!(error.status().is_none(), "{error}");
    // The job ran anyway: the sim marks it completed.
    for _ in 0..200 {
        if !server.stats().completed_at.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the job the dropped submit created never completed");
}

#[tokio::test]
async fn a_locked_account_gets_fals_billing_403() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    server.faults().push(Route::Submit, Fault::Locked, 1);
    let response = submit_request(&client, &server, &input())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.unwrap();
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.starts_with("User is locked"), "{detail}");
    assert!(detail.contains("balance"), "{detail}");
}

#[tokio::test]
async fn a_start_timeout_is_a_user_504() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let job = submit(&client, &server).await;
    server.faults().push(Route::Result, Fault::StartTimeout, 1);
    let response = get(&client, job["response_url"].as_str().unwrap()).await;
    assert_eq!(response.status(), 504);
    assert_eq!(response.headers()["x-fal-request-timeout-type"], "user");
}

#[tokio::test]
async fn fal_headers_of_submits_and_uploads_are_recorded() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    submit_request(&client, &server, &input())
        .header("X-Fal-Queue-Priority", "low")
        .header("X-Fal-Store-IO", "0")
        .send()
        .await
        .unwrap();
    submit(&client, &server).await;
    let seen = server.stats().fal_headers;
    assert_eq!(
        seen.len(),
        1,
        "a request without x-fal-* headers is not recorded"
    );
    assert_eq!(seen[0].route, Route::Submit);
    assert_eq!(seen[0].headers["x-fal-queue-priority"], "low");
    assert_eq!(seen[0].headers["x-fal-store-io"], "0");
}

#[tokio::test]
async fn a_completed_result_can_answer_not_ready_html_then_a_hostile_url() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let job = submit(&client, &server).await;
    poll_until_completed(&client, job["status_url"].as_str().unwrap()).await;
    server.faults().push(Route::Result, Fault::NotReady, 1);
    server.faults().push(Route::Result, Fault::NotMp4, 1);
    server.faults().push(Route::Any, Fault::HostileUrl, 1);
    let url = job["response_url"].as_str().unwrap();

    let response = get(&client, url).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"], "Request is still in progress");

    let response = get(&client, url).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );

    let body: Value = get(&client, url).await.json().await.unwrap();
    let video = body["video"]["url"].as_str().unwrap();
    assert!(video.ends_with(i2v_sim::HOSTILE_QUERY), "{video:?}");
    assert!(video.contains('\u{1b}') && video.contains('\u{9b}') && video.contains('\u{202e}'));
    // The URL still serves the video.
    let file = get(&client, video).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().len(), SAMPLE_MP4.len());

    let body: Value = get(&client, url).await.json().await.unwrap();
    assert!(!body["video"]["url"].as_str().unwrap().contains('?'));
}
