//! Helpers that drive the sim the way a fal client does.
#![allow(dead_code)]

use std::time::Duration;

use futures_util::StreamExt;
use i2v_sim::{SimConfig, SimServer};
use reqwest::{Client, RequestBuilder, Response};
use serde_json::{Value, json};

pub const ENDPOINT: &str = "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video";
pub const KEY: &str = "Key test-key";

pub async fn start(config: SimConfig) -> SimServer {
    SimServer::start(config).await.expect("sim starts")
}

pub fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

pub fn input() -> Value {
    json!({
        "prompt": "a lighthouse in a storm, slow dolly in",
        "image_url": "https://example.test/in.png",
        "prompt_optimizer": true,
    })
}

pub fn submit_request(client: &Client, server: &SimServer, body: &Value) -> RequestBuilder {
    client
        .post(format!("{}/{ENDPOINT}", server.base_url()))
        .header("Authorization", KEY)
        .json(body)
}

/// Submit the default input; returns the submit body.
pub async fn submit(client: &Client, server: &SimServer) -> Value {
    let response = submit_request(client, server, &input())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub async fn get(client: &Client, url: &str) -> Response {
    client
        .get(url)
        .header("Authorization", KEY)
        .send()
        .await
        .unwrap()
}

/// Read an SSE stream to its end; returns the events' JSON bodies.
pub async fn stream_events(client: &Client, status_url: &str) -> Vec<Value> {
    let response = get(client, &format!("{status_url}/stream?logs=1")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let mut text = String::new();
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        text.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
    }
    parse_sse(&text)
}

pub fn parse_sse(text: &str) -> Vec<Value> {
    text.split("\n\n")
        .filter(|event| !event.trim().is_empty())
        .map(|event| {
            let data = event
                .strip_prefix("data: ")
                .unwrap_or_else(|| panic!("not a data event: {event:?}"));
            serde_json::from_str(data).unwrap()
        })
        .collect()
}

/// Poll with logs until COMPLETED; returns the last body.
pub async fn poll_until_completed(client: &Client, status_url: &str) -> Value {
    loop {
        let response = get(client, &format!("{status_url}?logs=1")).await;
        let code = response.status();
        let body: Value = response.json().await.unwrap();
        if body["status"] == "COMPLETED" {
            assert_eq!(code, 200);
            return body;
        }
        assert_eq!(code, 202, "{body}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// All log messages of a list of status bodies, in order.
pub fn messages(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .flat_map(|e| e["logs"].as_array().cloned().unwrap_or_default())
        .map(|log| log["message"].as_str().unwrap().to_string())
        .collect()
}

/// A config where one job runs at a time and runs long enough to be caught running.
pub fn one_slow_runner() -> SimConfig {
    SimConfig {
        queue_time: Duration::from_millis(10),
        run_time: Duration::from_secs(3),
        log_interval: Duration::from_millis(20),
        runners: 1,
        ..SimConfig::default()
    }
}

/// An SSE stream read one event at a time.
pub struct Events {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl Events {
    pub async fn open(client: &Client, status_url: &str) -> Events {
        let response = get(client, &format!("{status_url}/stream?logs=1")).await;
        assert_eq!(response.status(), 200);
        Events {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next event, or `None` when the stream ended.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                return parse_sse(&event).into_iter().next();
            }
            let chunk = self.body.next().await?.unwrap();
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }
}

pub async fn cancel(client: &Client, cancel_url: &str) -> (u16, Value) {
    let response = client
        .put(cancel_url)
        .header("Authorization", KEY)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

pub async fn wait_for(client: &Client, status_url: &str, status: &str) {
    loop {
        let body: Value = get(client, status_url).await.json().await.unwrap();
        if body["status"] == status {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
