//! Shared fixtures: a simulated fal and a client pointed at it.

#![allow(dead_code)]

use i2v_fal::{ApiKey, ClientConfig, FalClient, LogEntry, ModelInput, RequestUrls, WatchItem};
use i2v_sim::{SimConfig, SimServer};

pub const KEY: &str = "test-key-1234";

pub async fn sim() -> SimServer {
    sim_with(SimConfig::fast()).await
}

pub async fn sim_with(config: SimConfig) -> SimServer {
    SimServer::start(SimConfig {
        accepted_key: Some(KEY.into()),
        ..config
    })
    .await
    .expect("sim starts")
}

pub fn client(sim: &SimServer) -> FalClient {
    client_with_key(sim, KEY)
}

pub fn client_with_key(sim: &SimServer, key: &str) -> FalClient {
    let base = sim.base_url();
    let config = ClientConfig::new(ApiKey::new(key))
        .with_base_urls(&base, &base)
        .with_api_url(&sim.api_url())
        .fast_for_tests();
    FalClient::new(config).expect("client builds")
}

pub fn no_options() -> i2v_fal::RequestOptions {
    i2v_fal::RequestOptions::default()
}

pub fn input() -> ModelInput {
    ModelInput {
        prompt: "a slow dolly shot of a lighthouse at dusk".into(),
        image_url: "https://example.com/first-frame.png".into(),
        prompt_optimizer: true,
    }
}

/// What a watch delivered until it ended.
pub struct Watched {
    pub logs: Vec<LogEntry>,
    pub final_status: Option<i2v_fal::RemoteStatus>,
    pub reconnects: usize,
    pub error: Option<i2v_fal::FalError>,
}

pub async fn watch_to_end(client: &FalClient, urls: &RequestUrls) -> Watched {
    let mut watch = client.watch(urls, 0, None);
    let mut out = Watched {
        logs: Vec::new(),
        final_status: None,
        reconnects: 0,
        error: None,
    };
    while let Some(item) = watch.next().await {
        match item {
            Ok(WatchItem::Update(update)) => {
                out.logs.extend(update.new_logs);
                out.final_status = Some(update.status);
            }
            Ok(WatchItem::Reconnecting { .. }) => out.reconnects += 1,
            Err(err) => out.error = Some(err),
        }
    }
    out
}

/// Log messages must be numbered in order, with no gap or repeat. The simulated fal numbers its
/// progress lines, which makes loss and duplication visible.
pub fn assert_complete_and_ordered(logs: &[LogEntry]) {
    assert!(!logs.is_empty(), "some logs arrive");
    let mut seen = std::collections::HashSet::new();
    for log in logs {
        assert!(
            seen.insert((log.timestamp.clone(), log.message.clone())),
            "log repeated: {log:?}"
        );
    }
    let stamps: Vec<&String> = logs.iter().map(|l| &l.timestamp).collect();
    let mut sorted = stamps.clone();
    sorted.sort();
    assert_eq!(stamps, sorted, "logs in order");
}

pub fn sample_mp4() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../sim/assets/sample.mp4"
    ))
    .unwrap()
}
