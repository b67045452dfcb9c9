//! How the simulated fal behaves: timings, capacity, auth and log flavour.

use std::time::Duration;

/// Settings for one [`crate::SimServer`].
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Time a job waits `IN_QUEUE` when a runner is free.
    pub queue_time: Duration,
    /// Time a job spends `IN_PROGRESS`.
    pub run_time: Duration,
    /// One log line every interval while `IN_PROGRESS`.
    pub log_interval: Duration,
    /// Jobs that run at once; the others wait with real, decreasing queue positions.
    pub runners: usize,
    /// `Some(k)`: only `Authorization: Key k` is accepted; `None`: any non-empty key is.
    pub accepted_key: Option<String>,
    /// Log messages carry terminal escapes, BEL, `\r`, NUL and bidi controls, so clients
    /// can prove they sanitise what they print.
    pub hostile_logs: bool,
    /// How long after a submit the request shows in fal's records (the Platform API's
    /// request list): fal's list lags a few seconds behind.
    pub list_lag: Duration,
    /// The price per video the Platform API's price list gives, in USD.
    pub price_usd: f64,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            queue_time: Duration::from_millis(300),
            run_time: Duration::from_secs(1),
            log_interval: Duration::from_millis(200),
            runners: 4,
            accepted_key: None,
            hostile_logs: false,
            list_lag: Duration::from_secs(2),
            price_usd: 0.33,
        }
    }
}

impl SimConfig {
    /// Tiny timings for tests: a job is done about 120 ms after submit, and in fal's records
    /// at once.
    pub fn fast() -> Self {
        Self {
            queue_time: Duration::from_millis(20),
            run_time: Duration::from_millis(100),
            log_interval: Duration::from_millis(20),
            list_lag: Duration::ZERO,
            ..Self::default()
        }
    }
}
