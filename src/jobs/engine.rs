use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use i2v_fal::FalClient;
use i2v_store::{JobId, JobRecord, Store};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::event::{JobEvent, NewJob};
use super::run::{JobRun, prepare_record};

#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Save result videos into the store's videos dir.
    pub download: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self { download: true }
    }
}

/// Handle to the job engine; cheap to clone. All methods return at once: the work happens in
/// tasks that report through the event channel handed out by [`Engine::new`].
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub client: FalClient,
    pub store: Store,
    pub options: EngineOptions,
    pub events: mpsc::UnboundedSender<JobEvent>,
    /// Stops every task without touching the jobs on fal, so they stay resumable.
    pub shutdown: CancellationToken,
    /// Per running job: the token that asks it to cancel.
    running: Mutex<HashMap<JobId, CancellationToken>>,
    tracker: tokio_util::task::TaskTracker,
}

impl Engine {
    pub fn new(
        client: FalClient,
        store: Store,
        options: EngineOptions,
    ) -> (Self, mpsc::UnboundedReceiver<JobEvent>) {
        let (events, rx) = mpsc::unbounded_channel();
        let inner = Inner {
            client,
            store,
            options,
            events,
            shutdown: CancellationToken::new(),
            running: Mutex::new(HashMap::new()),
            tracker: tokio_util::task::TaskTracker::new(),
        };
        (
            Self {
                inner: Arc::new(inner),
            },
            rx,
        )
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Starts a new job. Bad input (an unreadable image, say) ends the job as failed with a
    /// clear message; the record, prompt included, is kept either way.
    pub fn submit(&self, job: NewJob) -> JobId {
        let record = prepare_record(&self.inner.client.config().model, &job);
        let id = record.id.clone();
        self.spawn(record, Some(job));
        id
    }

    /// Picks a job up again from its record (after a crash or quit): follows it on fal from its
    /// request id, with its logs continuing where they stopped.
    pub fn resume(&self, record: JobRecord) -> bool {
        if record.state.is_terminal() || self.is_running(&record.id) {
            return false;
        }
        self.spawn(record, None);
        true
    }

    /// Resumes every unfinished job in the store; returns their ids.
    pub fn resume_unfinished(&self) -> Vec<JobId> {
        let listing = self.inner.store.unfinished();
        for problem in &listing.problems {
            tracing::warn!(path = %problem.path.display(), message = %problem.message, "history file skipped");
        }
        listing
            .records
            .into_iter()
            .filter_map(|record| {
                let id = record.id.clone();
                self.resume(record).then_some(id)
            })
            .collect()
    }

    /// Asks fal to cancel the job (or stops it locally if fal has not accepted it yet).
    /// Returns false if no such job is running here.
    pub fn cancel(&self, id: &JobId) -> bool {
        let running = self.inner.running.lock().unwrap_or_else(|e| e.into_inner());
        match running.get(id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    pub fn is_running(&self, id: &JobId) -> bool {
        let running = self.inner.running.lock().unwrap_or_else(|e| e.into_inner());
        running.contains_key(id)
    }

    pub fn running_count(&self) -> usize {
        let running = self.inner.running.lock().unwrap_or_else(|e| e.into_inner());
        running.len()
    }

    /// Stops following every job, saving each one's record first. Jobs on fal are left alone,
    /// so the next start (or `i2v resume`) picks them up.
    pub async fn shutdown(&self) {
        self.inner.shutdown.cancel();
        self.inner.tracker.close();
        self.inner.tracker.wait().await;
    }

    /// Waits until no job is running (for the CLI and tests).
    pub async fn wait_idle(&self) {
        self.inner.tracker.close();
        self.inner.tracker.wait().await;
        self.inner.tracker.reopen();
    }

    fn spawn(&self, record: JobRecord, new: Option<NewJob>) {
        let cancel = CancellationToken::new();
        {
            let mut running = self.inner.running.lock().unwrap_or_else(|e| e.into_inner());
            running.insert(record.id.clone(), cancel.clone());
        }
        let inner = self.inner.clone();
        let id = record.id.clone();
        self.inner.tracker.spawn(async move {
            JobRun::new(inner.clone(), record, cancel).run(new).await;
            let mut running = inner.running.lock().unwrap_or_else(|e| e.into_inner());
            running.remove(&id);
        });
    }
}
