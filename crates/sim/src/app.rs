//! The state every handler shares.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::config::SimConfig;
use crate::faults::Faults;
use crate::jobs::Jobs;
use crate::stats::StatsRecorder;
use crate::storage::Storage;

#[derive(Clone)]
pub(crate) struct App {
    pub config: Arc<SimConfig>,
    pub jobs: Arc<Jobs>,
    pub faults: Faults,
    pub stats: StatsRecorder,
    pub storage: Arc<Storage>,
    /// `http://127.0.0.1:PORT`, for requests that carry no usable Host header.
    pub fallback_base: String,
    /// Cancelled when the server shuts down, to end open SSE streams.
    pub shutdown: CancellationToken,
}
