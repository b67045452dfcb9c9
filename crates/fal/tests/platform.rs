//! The Platform API client against the simulated fal: the records of the endpoint's requests
//! (pages, windows, payloads) and the price list, with the same retries as other reads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod common;

use std::time::Duration;

use common::*;
use i2v_fal::{FalError, MODEL_ID, RequestQuery};
use i2v_sim::{Fault, Route, SimConfig};

fn window() -> RequestQuery {
    RequestQuery {
        start: Some(chrono::Utc::now() - chrono::Duration::minutes(5)),
        payloads: true,
        ..RequestQuery::default()
    }
}

#[tokio::test]
async fn the_records_hold_what_was_sent() {
    let sim = sim().await;
    let client = client(&sim);
    let submission = client.submit(&input(), &no_options()).await.unwrap();
    let list = client.requests(window(), 10).await.unwrap();
    assert!(!list.cut);
    assert_eq!(list.items.len(), 1);
    let item = &list.items[0];
    assert_eq!(item.request_id, submission.urls.request_id);
    assert_eq!(item.endpoint_id, MODEL_ID);
    assert_eq!(
        item.json_input.as_ref().unwrap(),
        &serde_json::to_value(input()).unwrap()
    );
    let sent = item.sent_at.unwrap();
    assert!((chrono::Utc::now() - sent).num_seconds() < 5, "{sent}");
}

#[tokio::test]
async fn pages_are_followed_to_the_end_or_the_limit() {
    let sim = sim().await;
    let client = client(&sim);
    let mut sent = Vec::new();
    for _ in 0..5 {
        sent.push(
            client
                .submit(&input(), &no_options())
                .await
                .unwrap()
                .urls
                .request_id,
        );
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let query = RequestQuery {
        limit: 2,
        ..window()
    };
    let all = client.requests(query.clone(), 10).await.unwrap();
    let ids: Vec<String> = all.items.iter().map(|i| i.request_id.clone()).collect();
    sent.reverse();
    assert_eq!(ids, sent, "newest first, each once");
    assert_eq!(sim.stats().by_route["requests"], 3);

    let cut = client.requests(query, 2).await.unwrap();
    assert_eq!(cut.items.len(), 4);
    assert!(cut.cut, "more were there");
}

#[tokio::test]
async fn a_limit_over_a_hundred_is_asked_as_a_hundred() {
    let sim = sim().await;
    let client = client(&sim);
    client.submit(&input(), &no_options()).await.unwrap();
    let query = RequestQuery {
        limit: 500,
        ..window()
    };
    assert_eq!(client.requests_page(&query).await.unwrap().items.len(), 1);
}

#[tokio::test]
async fn the_list_lags_behind_a_submit() {
    let sim = sim_with(SimConfig {
        list_lag: Duration::from_millis(300),
        ..SimConfig::fast()
    })
    .await;
    let client = client(&sim);
    client.submit(&input(), &no_options()).await.unwrap();
    assert!(client.requests(window(), 1).await.unwrap().items.is_empty());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(client.requests(window(), 1).await.unwrap().items.len(), 1);
}

#[tokio::test]
async fn trouble_is_retried_and_a_refused_key_is_said_at_once() {
    let sim = sim().await;
    sim.faults().push(Route::Requests, Fault::Status(503), 2);
    let client = client(&sim);
    assert!(client.requests(window(), 1).await.is_ok());
    assert_eq!(sim.stats().by_route["requests"], 3);

    let refused = client_with_key(&sim, "wrong").requests(window(), 1).await;
    assert!(
        matches!(refused, Err(FalError::Unauthorized { status: 401, .. })),
        "{refused:?}"
    );

    sim.faults().push(Route::Requests, Fault::MalformedJson, 1);
    let garbled = client.requests_page(&window()).await;
    assert!(
        matches!(garbled, Err(FalError::Malformed { .. })),
        "{garbled:?}"
    );
}

#[tokio::test]
async fn the_price_is_the_endpoints() {
    let sim = sim_with(SimConfig {
        price_usd: 0.29,
        ..SimConfig::fast()
    })
    .await;
    let price = client(&sim).price().await.unwrap();
    assert_eq!(price.endpoint_id, MODEL_ID);
    assert_eq!(price.unit_price, 0.29);
    assert_eq!(price.currency, "USD");
    sim.faults().push(Route::Pricing, Fault::Unauthorized, 1);
    assert!(client(&sim).price().await.is_err());
}
