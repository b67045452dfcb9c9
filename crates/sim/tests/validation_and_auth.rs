//! Input validation (422 naming the field) and the key check (401).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod common;

use common::*;
use i2v_sim::SimConfig;
use serde_json::{Value, json};

#[tokio::test]
async fn a_missing_prompt_is_422_naming_the_field() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let body = json!({"image_url": "data:image/png;base64,iVBORw0KGgo="});
    let response = submit_request(&client, &server, &body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"][0]["loc"], json!(["body", "prompt"]));
    assert_eq!(body["detail"][0]["type"], "missing");
    assert!(body["detail"][0]["msg"].is_string());
    assert_eq!(body["detail"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_bad_image_url_is_422_naming_the_field() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let body = json!({"prompt": "x", "image_url": "/home/me/in.png"});
    let response = submit_request(&client, &server, &body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"][0]["loc"], json!(["body", "image_url"]));
}

#[tokio::test]
async fn extras_the_clients_send_are_accepted() {
    let server = start(SimConfig::fast()).await;
    let client = client();
    let response = client
        .post(format!(
            "{}/{ENDPOINT}?fal_webhook=https://example.test/hook",
            server.base_url()
        ))
        .header("Authorization", KEY)
        .header("X-Fal-Queue-Priority", "low")
        .header("X-Fal-Runner-Hint", "abc")
        .header("X-Fal-Request-Timeout", "30")
        .json(&input())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn submit_status(server: &i2v_sim::SimServer, auth: Option<&str>) -> u16 {
    let mut request = client()
        .post(format!("{}/{ENDPOINT}", server.base_url()))
        .json(&input());
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn any_key_is_accepted_when_none_is_configured() {
    let server = start(SimConfig::fast()).await;
    assert_eq!(submit_status(&server, Some("Key whatever")).await, 200);
    assert_eq!(submit_status(&server, None).await, 401);
    assert_eq!(submit_status(&server, Some("Key ")).await, 401);
    assert_eq!(submit_status(&server, Some("Bearer abc")).await, 401);
}

#[tokio::test]
async fn only_the_configured_key_is_accepted() {
    let server = start(SimConfig {
        accepted_key: Some("id:secret".into()),
        ..SimConfig::fast()
    })
    .await;
    assert_eq!(submit_status(&server, Some("Key id:secret")).await, 200);
    assert_eq!(submit_status(&server, Some("Key wrong")).await, 401);
    let response = client()
        .post(format!("{}/{ENDPOINT}", server.base_url()))
        .json(&input())
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("Authorization"));
    // Status routes check the key too.
    let status = client()
        .get(format!(
            "{}/fal-ai/minimax/requests/x/status",
            server.base_url()
        ))
        .header("Authorization", "Key wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), 401);
}
