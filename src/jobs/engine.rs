use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use i2v_fal::FalClient;
use i2v_store::{BatchId, JobId, JobRecord, Store, StoreProblem};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::event::{JobEvent, NewJob};
use super::run::{JobRun, prepare_record};
use super::shared::{EngineOptions, Shared};
use super::shared_upload::SharedUploads;

/// A new job id, greater than every id this process made before: jobs submitted together (a
/// batch) sort in the order they were sent even within one millisecond, where plain ULIDs
/// are in random order.
fn next_job_id() -> JobId {
    static IDS: Mutex<Option<ulid::Generator>> = Mutex::new(None);
    let mut ids = IDS.lock().unwrap_or_else(|e| e.into_inner());
    let generated = ids.get_or_insert_with(ulid::Generator::new).generate();
    // Overflow (2^80 ids in one millisecond) cannot happen in practice; a plain id then.
    generated
        .ok()
        .and_then(|ulid| JobId::parse(&ulid.to_string()))
        .unwrap_or_default()
}

/// What a new job records beside its input: where it came from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Origin {
    /// The job whose last frame is this job's image (a chained shot).
    pub continues: Option<JobId>,
    /// The batch it was submitted in (a prompt matrix, repeats, a re-run of several jobs).
    pub batch: Option<BatchId>,
}

/// What [`Engine::resume`] did with a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resumed {
    Started,
    /// This process, or another live one, is already following it.
    Busy,
    /// It finished meanwhile (or had already): nothing to do.
    AlreadyFinished,
}

/// What [`Engine::resume_unfinished`] did.
#[derive(Debug, Default)]
pub struct ResumeReport {
    pub resumed: Vec<JobId>,
    /// Unfinished, but another process (or this one) is already following them.
    pub busy: Vec<JobId>,
    /// History files that could not be read (left untouched).
    pub problems: Vec<StoreProblem>,
}

/// Handle to the job engine; cheap to clone. All methods return at once: the work happens in
/// tasks that report through the event channel handed out by [`Engine::new`].
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Shared>,
}

impl Engine {
    pub fn new(
        client: FalClient,
        store: Store,
        options: EngineOptions,
    ) -> (Self, mpsc::UnboundedReceiver<JobEvent>) {
        let (events, rx) = mpsc::unbounded_channel();
        let inner = Shared {
            client,
            store,
            options,
            price_per_video: AtomicU64::new(crate::config::DEFAULT_PRICE_PER_VIDEO.to_bits()),
            events,
            shutdown: CancellationToken::new(),
            running: Mutex::new(HashMap::new()),
            uploads: SharedUploads::default(),
            settling: tokio::sync::Mutex::new(()),
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

    /// The fal client jobs go through (fal's records are asked through it too).
    pub fn client(&self) -> &FalClient {
        &self.inner.client
    }

    /// The price recorded with every job submitted from now on (the config's
    /// `price_per_video`; fal's listed price until set).
    pub fn set_price_per_video(&self, usd: f64) {
        self.inner
            .price_per_video
            .store(usd.to_bits(), Ordering::Relaxed);
    }

    pub fn price_per_video(&self) -> f64 {
        f64::from_bits(self.inner.price_per_video.load(Ordering::Relaxed))
    }

    /// Starts a new job and returns at once: checking the image (file I/O) happens in the
    /// job's task. Bad input (an unreadable image, say) ends the job as failed with a clear
    /// message; the record, prompt included, is kept either way.
    pub fn submit(&self, job: NewJob) -> JobId {
        self.submit_from(job, Origin::default())
    }

    /// As [`Engine::submit`], recording where the job came from (a chained shot, a batch).
    pub fn submit_from(&self, job: NewJob, origin: Origin) -> JobId {
        let id = next_job_id();
        // Taken now, in submit order: the task that prepares the record may start later.
        let created_at = chrono::Utc::now();
        let inner = self.inner.clone();
        let task_id = id.clone();
        let price = self.price_per_video();
        self.start(id.clone(), move |cancel| async move {
            let store = inner.store.clone();
            let model = inner.client.config().model.clone();
            let no_download = !inner.options.download;
            let fal_options = inner.options.fal_options.clone();
            let prepared = tokio::task::spawn_blocking(move || {
                let (mut record, image) = prepare_record(&model, &job);
                record.id = task_id;
                record.created_at = created_at;
                for change in &mut record.timeline {
                    change.at = created_at;
                }
                record.continues = origin.continues;
                record.batch = origin.batch;
                record.price_usd = Some(price);
                record.no_download = no_download;
                record.fal_options = fal_options;
                // A brand-new id: nobody else can hold it. If the lock file cannot even be
                // created, the run's first save reports the same disk problem.
                let claim = store.claim(&record.id).ok().flatten();
                (record, image, claim)
            })
            .await;
            let (record, image, claim) = match prepared {
                Ok(prepared) => prepared,
                Err(err) => {
                    tracing::error!(error = %err, "preparing a job failed");
                    return;
                }
            };
            JobRun::new(inner, record, cancel).run(Some(image)).await;
            drop(claim);
        });
        id
    }

    /// Picks a job up again from its record (after a crash or quit): follows it on fal from its
    /// request id, with its logs continuing where they stopped.
    pub fn resume(&self, record: JobRecord) -> Resumed {
        self.claim_and_start(
            record,
            "resuming",
            |r| !r.state.is_terminal(),
            |run| run.run(None),
        )
    }

    /// Resumes every unfinished job in the store.
    pub fn resume_unfinished(&self) -> ResumeReport {
        let listing = self.inner.store.unfinished();
        for problem in &listing.problems {
            tracing::warn!(path = %problem.path.display(), message = %problem.message, "history file skipped");
        }
        ResumeReport {
            problems: listing.problems,
            ..self.resume_all(listing.records)
        }
    }

    /// Resumes the unfinished ones among `records` (a listing the caller already has).
    pub fn resume_all(&self, records: impl IntoIterator<Item = JobRecord>) -> ResumeReport {
        report_each(records, |record| self.resume(record))
    }

    /// Fetches again the video of a completed job whose download failed (a full disk, a
    /// broken link), while fal still serves it; the job stays completed either way, with the
    /// download's error if it fails again.
    pub fn fetch_video_again(&self, record: JobRecord) -> Resumed {
        let download = self.inner.options.download;
        self.claim_and_start(
            record,
            "fetching its video again",
            |r| download && r.lacks_its_video(),
            JobRun::fetch_video_again,
        )
    }

    /// Fetches again every video whose download failed (see [`Engine::fetch_video_again`]).
    pub fn fetch_missing_videos(&self) -> ResumeReport {
        let listing = self.inner.store.missing_videos();
        ResumeReport {
            problems: listing.problems,
            ..report_each(listing.records, |record| self.fetch_video_again(record))
        }
    }

    /// Settles a job whose submit's answer was lost from fal's records, and follows it if
    /// they show its request. `again`: also a job whose records already gave a final answer
    /// (`history check`).
    pub fn check(&self, record: JobRecord, again: bool) -> Resumed {
        let checkable = |r: &JobRecord| {
            super::fal_records::unsettled(r)
                || (again && r.state == i2v_store::JobState::MaybeSubmitted && r.request.is_none())
        };
        self.claim_and_start(record, "checking", checkable, JobRun::check)
    }

    /// Settles every job maybe sent whose lost submit fal's records have not settled yet
    /// (found through the history's index; their records are read).
    pub fn check_unsettled(&self) -> ResumeReport {
        let history = self.inner.store.history();
        let records = history
            .jobs
            .iter()
            .filter(|s| s.state == i2v_store::JobState::MaybeSubmitted)
            .filter_map(|s| self.inner.store.load(&s.id).ok())
            .filter(super::fal_records::unsettled);
        self.check_all(records)
    }

    /// Settles the unsettled ones among `records`.
    pub fn check_all(&self, records: impl IntoIterator<Item = JobRecord>) -> ResumeReport {
        report_each(records, |record| self.check(record, false))
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

    /// Whether this engine downloads videos (the config's `download = false` turns it off).
    pub fn downloads(&self) -> bool {
        self.inner.options.download
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

    /// Starts `run` on a job already in the store if `eligible` says it wants it: not while it
    /// runs here, nor while another process holds its claim (`doing` names the work in that
    /// log line). The record is read again under the claim, since the other runner may have
    /// finished the work meanwhile; the claim is held until the run ends.
    fn claim_and_start<E, R, F>(
        &self,
        record: JobRecord,
        doing: &str,
        eligible: E,
        run: R,
    ) -> Resumed
    where
        E: Fn(&JobRecord) -> bool,
        R: FnOnce(JobRun) -> F + Send + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        if !eligible(&record) {
            return Resumed::AlreadyFinished;
        }
        if self.is_running(&record.id) {
            return Resumed::Busy;
        }
        let Ok(Some(claim)) = self.inner.store.claim(&record.id) else {
            tracing::info!(job = %record.id, "not {doing}: another process runs it");
            return Resumed::Busy;
        };
        let record = match self.inner.store.load(&record.id) {
            Ok(fresh) if !eligible(&fresh) => return Resumed::AlreadyFinished,
            Ok(fresh) => fresh,
            Err(_) => record,
        };
        let inner = self.inner.clone();
        self.start(record.id.clone(), move |cancel| async move {
            run(JobRun::new(inner, record, cancel)).await;
            drop(claim);
        });
        Resumed::Started
    }

    /// Registers job `id` as running here (so it can be cancelled at once) and runs `work`,
    /// unregistering it when the work ends.
    fn start<W, F>(&self, id: JobId, work: W)
    where
        W: FnOnce(CancellationToken) -> F,
        F: Future<Output = ()> + Send + 'static,
    {
        let cancel = CancellationToken::new();
        {
            let mut running = self.inner.running.lock().unwrap_or_else(|e| e.into_inner());
            running.insert(id.clone(), cancel.clone());
        }
        let inner = self.inner.clone();
        let work = work(cancel);
        self.inner.tracker.spawn(async move {
            work.await;
            let mut running = inner.running.lock().unwrap_or_else(|e| e.into_inner());
            running.remove(&id);
        });
    }
}

/// Tallies what `start` did with each record: started or busy (the others had nothing to do).
fn report_each(
    records: impl IntoIterator<Item = JobRecord>,
    mut start: impl FnMut(JobRecord) -> Resumed,
) -> ResumeReport {
    let mut report = ResumeReport::default();
    for record in records {
        let id = record.id.clone();
        match start(record) {
            Resumed::Started => report.resumed.push(id),
            Resumed::Busy => report.busy.push(id),
            Resumed::AlreadyFinished => {}
        }
    }
    report
}
