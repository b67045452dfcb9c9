//! The Platform API's routes: the records of an endpoint's requests (with their lag behind a
//! submit, payloads kept or not, windows, filters and pages) and the price list.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod common;

use std::time::Duration;

use common::*;
use i2v_sim::{Elsewhere, FAIL_MARKER, Fault, POLICY_MARKER, Route, SimConfig, SimServer};
use serde_json::{Value, json};

/// The list as `GET /v1/models/requests/by-endpoint?endpoint_id=ENDPOINT&<query>` answers it.
async fn list(server: &SimServer, query: &str) -> (u16, Value) {
    let url = format!(
        "{}/models/requests/by-endpoint?endpoint_id={ENDPOINT}&{query}",
        server.api_url()
    );
    let response = get(&client(), &url).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["request_id"].as_str().unwrap().to_owned())
        .collect()
}

fn submitted_id(body: &Value) -> String {
    body["request_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_request_shows_in_the_records_after_the_lag_with_its_input() {
    let server = start(SimConfig {
        list_lag: Duration::from_millis(400),
        ..SimConfig::fast()
    })
    .await;
    let id = submitted_id(&submit(&client(), &server).await);
    let (code, page) = list(&server, "expand=payloads").await;
    assert_eq!(code, 200);
    assert!(ids(&page).is_empty(), "not yet: the list lags: {page}");
    assert_eq!(page["has_more"], false);

    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, page) = list(&server, "expand=payloads").await;
    assert_eq!(ids(&page), [id.as_str()]);
    let item = &page["items"][0];
    assert_eq!(item["endpoint_id"], ENDPOINT);
    assert_eq!(item["json_input"], input());
    assert!(item["sent_at"].as_str().unwrap().ends_with('Z'), "{item}");

    // Without expand=payloads, no payloads.
    let (_, page) = list(&server, "").await;
    assert!(page["items"][0].get("json_input").is_none(), "{page}");
}

#[tokio::test]
async fn a_finished_request_has_its_times_status_and_output() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let submitted = submit(&client, &server).await;
    poll_until_completed(&client, submitted["status_url"].as_str().unwrap()).await;
    let (_, page) = list(&server, "expand=payloads").await;
    let item = &page["items"][0];
    assert_eq!(item["status_code"], 200);
    assert!(item["started_at"].is_string() && item["ended_at"].is_string());
    assert!(item["duration"].as_f64().unwrap() > 0.0);
    let url = item["json_output"]["video"]["url"].as_str().unwrap();
    let video = get(&client, url).await;
    assert_eq!(video.status(), 200);
}

#[tokio::test]
async fn a_running_request_has_no_end_yet() {
    let server = start(one_slow_runner()).await;
    let client = client();
    let submitted = submit(&client, &server).await;
    wait_for(
        &client,
        submitted["status_url"].as_str().unwrap(),
        "IN_PROGRESS",
    )
    .await;
    tokio::time::sleep(server_lag()).await;
    let (_, page) = list(&server, "").await;
    let item = &page["items"][0];
    assert!(item["started_at"].is_string(), "{item}");
    assert!(
        item["ended_at"].is_null() && item["status_code"].is_null(),
        "{item}"
    );
}

/// `one_slow_runner` keeps the default lag.
fn server_lag() -> Duration {
    SimConfig::default().list_lag + Duration::from_millis(100)
}

#[tokio::test]
async fn payloads_are_not_kept_when_the_client_asks_so() {
    let server = start(SimConfig::fast()).await;
    let response = submit_request(&client(), &server, &input())
        .header("X-Fal-Store-IO", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (_, page) = list(&server, "expand=payloads").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert!(page["items"][0]["json_input"].is_null(), "{page}");
    assert!(page["items"][0]["json_output"].is_null(), "{page}");
}

#[tokio::test]
async fn pages_go_newest_first_and_cursors_continue_them() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let mut sent = Vec::new();
    for _ in 0..5 {
        sent.push(submitted_id(&submit(&client, &server).await));
        // Distinct send times, so newest first is one order.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut seen = Vec::new();
    let mut query = "limit=2".to_owned();
    let mut pages = 0;
    loop {
        let (code, page) = list(&server, &query).await;
        assert_eq!(code, 200);
        pages += 1;
        seen.extend(ids(&page));
        if page["has_more"] == false {
            assert!(page["next_cursor"].is_null());
            break;
        }
        query = format!("limit=2&cursor={}", page["next_cursor"].as_str().unwrap());
    }
    sent.reverse();
    assert_eq!(seen, sent);
    assert_eq!(pages, 3);
}

#[tokio::test]
async fn the_window_and_filters_narrow_the_list() {
    let server = start(SimConfig::fast()).await;
    let old = server.made_elsewhere(ENDPOINT, Some(input()), Duration::from_secs(3 * 86_400));
    let failed_input =
        json!({"prompt": format!("x {FAIL_MARKER}"), "image_url": "u", "prompt_optimizer": true});
    let failed = server.made_elsewhere(ENDPOINT, Some(failed_input), Duration::from_secs(3600));
    let other = server.made_elsewhere("fal-ai/other/model", Some(input()), Duration::from_secs(60));
    let new = submitted_id(&submit(&client(), &server).await);

    // By default the last 24 hours, this endpoint only.
    let (_, page) = list(&server, "").await;
    assert_eq!(ids(&page), [new.clone(), failed.clone()]);
    assert!(!ids(&page).contains(&other));

    let four_days_ago = (chrono::Utc::now() - chrono::Duration::days(4)).to_rfc3339();
    let start = url_encode(&four_days_ago);
    let (_, page) = list(&server, &format!("start={start}")).await;
    assert_eq!(ids(&page), [new.clone(), failed.clone(), old.clone()]);
    assert_eq!(page["items"][2]["status_code"], 200);
    assert_eq!(page["items"][1]["status_code"], 500);

    let two_hours_ago = url_encode(&(chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339());
    let (_, page) = list(&server, &format!("start={start}&end={two_hours_ago}")).await;
    assert_eq!(ids(&page), [old.as_str()]);

    let (_, page) = list(&server, &format!("start={start}&status=error")).await;
    assert_eq!(ids(&page), [failed.as_str()]);
    let (_, page) = list(&server, &format!("start={start}&request_id={old}")).await;
    assert_eq!(ids(&page), [old]);
}

#[tokio::test]
async fn a_refusal_by_the_content_checker_is_a_user_error() {
    let server = start(SimConfig::fast()).await;
    let refused_input =
        json!({"prompt": format!("x {POLICY_MARKER}"), "image_url": "u", "prompt_optimizer": true});
    let refused = server.made_elsewhere(ENDPOINT, Some(refused_input), Duration::from_secs(60));
    let (_, page) = list(&server, "status=user_error").await;
    assert_eq!(ids(&page), [refused.as_str()]);
    let status_url = format!(
        "{}/fal-ai/minimax/requests/{refused}/status",
        server.base_url()
    );
    let response = get(&client(), &status_url).await;
    assert_eq!(
        response.headers()["x-fal-error-type"],
        "content_policy_violation"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_type"], "content_policy_violation");
}

#[tokio::test]
async fn bad_queries_are_refused_with_the_field_named() {
    let server = start(SimConfig::fast()).await;
    for (query, field) in [
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("start=yesterday", "start"),
        ("cursor=nonsense", "cursor"),
        ("status=fine", "status"),
    ] {
        let (code, body) = list(&server, query).await;
        assert_eq!(code, 422, "{query}");
        assert_eq!(body["detail"][0]["loc"][1], field, "{query}: {body}");
    }
    let response = get(
        &client(),
        &format!("{}/models/requests/by-endpoint", server.api_url()),
    )
    .await;
    assert_eq!(response.status(), 422);
    let response = reqwest::get(format!(
        "{}/models/requests/by-endpoint?endpoint_id={ENDPOINT}",
        server.api_url()
    ))
    .await
    .unwrap();
    assert_eq!(response.status(), 401, "the key is needed");
}

#[tokio::test]
async fn the_price_list_names_each_endpoint_asked_for() {
    let server = start(SimConfig {
        price_usd: 0.4,
        ..SimConfig::fast()
    })
    .await;
    let url = format!(
        "{}/models/pricing?endpoint_id={ENDPOINT},fal-ai/other",
        server.api_url()
    );
    let body: Value = get(&client(), &url).await.json().await.unwrap();
    assert_eq!(body["prices"][0]["endpoint_id"], ENDPOINT);
    assert_eq!(body["prices"][0]["unit_price"], 0.4);
    assert_eq!(body["prices"][0]["currency"], "USD");
    assert_eq!(body["prices"][1]["endpoint_id"], "fal-ai/other");
    assert_eq!(server.stats().by_route["pricing"], 1);
}

#[tokio::test]
async fn faults_reach_the_platform_routes() {
    let server = start(SimConfig::fast()).await;
    server.faults().push(Route::Requests, Fault::Status(503), 1);
    server.faults().push(Route::Pricing, Fault::Unauthorized, 1);
    let (code, _) = list(&server, "").await;
    assert_eq!(code, 503);
    let (code, _) = list(&server, "").await;
    assert_eq!(code, 200);
    let url = format!("{}/models/pricing?endpoint_id={ENDPOINT}", server.api_url());
    assert_eq!(get(&client(), &url).await.status(), 401);
    assert_eq!(server.stats().by_route["requests"], 2);
}

#[tokio::test]
async fn a_submit_whose_answer_is_lost_is_in_the_records_all_the_same() {
    let server = start(SimConfig::fast()).await;
    server
        .faults()
        .push(Route::Submit, Fault::ResetAfterBody, 1);
    let sent = submit_request(&client(), &server, &input()).send().await;
    assert!(sent.is_err(), "the answer is lost");
    let (_, page) = list(&server, "expand=payloads").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["json_input"], input());
}

fn url_encode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

/// The status URL of request `id` of the endpoint.
fn status_url(server: &SimServer, id: &str) -> String {
    format!("{}/fal-ai/minimax/requests/{id}/status", server.base_url())
}

#[tokio::test]
async fn a_request_made_elsewhere_still_queued_or_running_is_listed_at_once_and_then_finishes() {
    // A run long enough to be seen running, and no lag: requests sent long ago are listed.
    let server = start(SimConfig {
        queue_time: Duration::from_millis(300),
        run_time: Duration::from_millis(800),
        ..SimConfig::fast()
    })
    .await;
    let hour = Duration::from_secs(3600);
    let queued = server.made_elsewhere_as(ENDPOINT, Some(input()), hour, Elsewhere::Queued);
    let running = server.made_elsewhere_as(ENDPOINT, Some(input()), hour, Elsewhere::Running);
    let (_, page) = list(&server, "expand=payloads").await;
    let item = |page: &Value, id: &str| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["request_id"] == id)
            .cloned()
            .unwrap()
    };
    let (waiting, started) = (item(&page, &queued), item(&page, &running));
    for unfinished in [&waiting, &started] {
        assert!(unfinished["status_code"].is_null(), "{unfinished}");
        assert!(unfinished["ended_at"].is_null(), "{unfinished}");
        assert!(unfinished["json_output"].is_null(), "{unfinished}");
        assert_eq!(unfinished["json_input"], input());
    }
    assert!(waiting["started_at"].is_null(), "{waiting}");
    assert!(started["started_at"].is_string(), "{started}");
    let client = client();
    let status: Value = get(&client, &status_url(&server, &running))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "IN_PROGRESS");
    let status: Value = get(&client, &status_url(&server, &queued))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "IN_QUEUE");

    // Each goes on to finish as a request submitted here does, with its video.
    for id in [&queued, &running] {
        poll_until_completed(&client, &status_url(&server, id)).await;
    }
    let (_, page) = list(&server, "expand=payloads").await;
    for id in [&queued, &running] {
        let done = item(&page, id);
        assert_eq!(done["status_code"], 200, "{done}");
        assert!(done["json_output"]["video"]["url"].is_string(), "{done}");
    }
}

#[tokio::test]
async fn a_request_made_elsewhere_can_have_finished_without_its_output_in_the_records() {
    let server = start(SimConfig::fast()).await;
    let id = server.made_elsewhere_as(
        ENDPOINT,
        Some(input()),
        Duration::from_secs(60),
        Elsewhere::FinishedWithoutOutput,
    );
    let (_, page) = list(&server, "expand=payloads").await;
    let item = &page["items"][0];
    assert_eq!(item["request_id"], id.as_str());
    assert_eq!(item["status_code"], 200);
    assert!(item["ended_at"].is_string(), "{item}");
    assert_eq!(item["json_input"], input());
    assert!(item["json_output"].is_null(), "{item}");
}
