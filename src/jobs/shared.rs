//! What the engine and every job's task share: the fal client, the store, the options, the
//! channel events go out on and the token that stops them all. The engine owns it; each
//! [`super::run::JobRun`] holds it to do its work.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use i2v_fal::FalClient;
use i2v_store::{JobId, Store};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::event::JobEvent;
use super::shared_upload::SharedUploads;

#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Save result videos into the store's videos dir.
    pub download: bool,
    /// fal's optional request headers for every job this engine submits.
    pub fal_options: i2v_store::FalOptions,
    /// A submit whose answer was lost is called never made only when fal's records still
    /// show nothing like it this long after it went out (their list lags a few seconds).
    pub settle_after: Duration,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            download: true,
            fal_options: i2v_store::FalOptions::default(),
            settle_after: crate::config::DEFAULT_SETTLE_AFTER,
        }
    }
}

/// The state behind an [`super::Engine`] handle: what its jobs' tasks use, and its own
/// bookkeeping (price, who runs, the task tracker).
pub(super) struct Shared {
    pub(super) client: FalClient,
    pub(super) store: Store,
    pub(super) options: EngineOptions,
    /// USD per video, as `f64` bits: recorded with each job when it is submitted.
    pub(super) price_per_video: AtomicU64,
    pub(super) events: mpsc::UnboundedSender<JobEvent>,
    /// Stops every task without touching the jobs on fal, so they stay resumable.
    pub(super) shutdown: CancellationToken,
    /// Per running job: the token that asks it to cancel.
    pub(super) running: Mutex<HashMap<JobId, CancellationToken>>,
    /// Images uploaded for a batch, so its other jobs need not upload them again.
    pub(super) uploads: SharedUploads,
    /// Held while a job looks for its lost submit in fal's records and adopts what it
    /// finds, so two jobs of this process never adopt one request.
    pub(super) settling: tokio::sync::Mutex<()>,
    pub(super) tracker: tokio_util::task::TaskTracker,
}
