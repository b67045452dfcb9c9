//! One job's life, as a sequence of steps each of which saves the record and tells listeners:
//! prepare (check image, upload) → submit → follow the status until fal completes → fetch the
//! result → download the video.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use i2v_fal::{
    CancelOutcome, Download, FalError, ModelInput, ModelOutput, RemoteStatus, RequestOptions,
    RequestUrls, RetryNotice, StatusUpdate, WatchItem,
};
use i2v_store::{
    ErrorKind, ImageSource, JobError, JobInput, JobRecord, JobState, LogEntry, SubmitSent,
    VideoResult,
};
use tokio_util::sync::CancellationToken;

mod settle;

use super::convert;
use super::event::{JobEvent, NewJob, Progress};
use super::shared::Shared;
use crate::fal_error_types;
use crate::image_source::{self, ImageRef};

/// Logs are saved with the next state change, or after this long, whichever comes first: a
/// crash loses at most this much log (and resuming fetches it again from fal anyway).
const LOG_SAVE_INTERVAL: Duration = Duration::from_millis(500);

/// Saves tried again, with backoff, when a run fal knows of ends with its record unsaved
/// (a full disk, say), before it gives up and says what is not on disk.
const SAVE_ATTEMPTS_AT_END: u32 = 6;

/// The outcome of checking what the user typed as the image, kept for the run so the file is
/// not inspected twice.
pub(super) type CheckedImage = Result<ImageRef, image_source::ImageError>;

/// A new job's record, and its image check (file I/O: call it off the UI task).
pub(super) fn prepare_record(model: &str, job: &NewJob) -> (JobRecord, CheckedImage) {
    let checked = if job.check_limits {
        image_source::inspect_within_limits(&job.image)
    } else {
        image_source::inspect(&job.image)
    };
    let image = match &checked {
        Ok(ImageRef::Url(url)) => ImageSource::Url { url: url.clone() },
        Ok(ImageRef::File(img)) => ImageSource::File {
            // Absolute, so running the job again works from any directory.
            path: std::path::absolute(&img.path).unwrap_or_else(|_| img.path.clone()),
            content_type: img.format.content_type().to_owned(),
            size: img.size,
            uploaded_url: None,
        },
        // Kept as typed; the run reports the problem.
        Err(_) => ImageSource::Url {
            url: job.image.trim().to_owned(),
        },
    };
    let record = JobRecord::new(
        model,
        JobInput {
            prompt: job.prompt.clone(),
            image,
            prompt_optimizer: job.prompt_optimizer,
        },
    );
    (record, checked)
}

/// Why a run stopped before its job reached a terminal state.
enum Stop {
    /// The engine is shutting down: leave the job resumable.
    Shutdown,
    Failed(JobError),
    /// The submit went out but its answer was lost: fal may or may not have the job. Says
    /// why (a timeout, a dropped connection).
    Unsure(String),
    /// fal's records could not settle a lost submit: why it was lost, and why they could not.
    Undecided {
        reason: String,
        why: String,
    },
}

impl From<FalError> for Stop {
    fn from(err: FalError) -> Self {
        match err {
            FalError::SubmitUnknown { message } => Stop::Unsure(message),
            err => Stop::Failed(job_error(&err)),
        }
    }
}

/// A fal error as the history keeps it. A 422 lists each field on a line of its own, so the
/// job's detail shows every complaint.
fn job_error(err: &FalError) -> JobError {
    let message = match err {
        FalError::Validation { fields } if !fields.is_empty() => {
            let lines: Vec<String> = fields
                .iter()
                .map(|f| format!("  {}: {}", f.field, f.message))
                .collect();
            format!("fal rejected the input:\n{}", lines.join("\n"))
        }
        // fal has no such request: whatever happened to it, it is not running or billed.
        err if err.is_not_found() => {
            format!("not submitted, safe to re-run: fal has no such request ({err})")
        }
        err => err.to_string(),
    };
    let kind = if err.is_not_found() {
        ErrorKind::NotSubmitted
    } else {
        ErrorKind::from(err.kind())
    };
    JobError::new(kind, message)
}

pub(super) struct JobRun {
    inner: Arc<Shared>,
    /// The engine's client, reporting its retries as this job's progress.
    client: i2v_fal::FalClient,
    record: JobRecord,
    cancel: CancellationToken,
    cancel_sent: bool,
    /// Set while the record on disk is behind the one here (a save failed), until a save
    /// succeeds again.
    unsaved: Option<Unsaved>,
    /// Whether the record on disk names fal's request, so `i2v resume` can finish the job.
    request_on_disk: bool,
    last_save: Instant,
    started: Instant,
}

impl JobRun {
    pub fn new(inner: Arc<Shared>, record: JobRecord, cancel: CancellationToken) -> Self {
        let events = inner.events.clone();
        let id = record.id.clone();
        let client = inner
            .client
            .with_retry_hook(Arc::new(move |notice: &RetryNotice| {
                let _ = events.send(JobEvent::Progress {
                    id: id.clone(),
                    progress: Progress::Retrying {
                        attempt: notice.attempt,
                        delay: notice.delay,
                        reason: notice.reason.clone(),
                    },
                });
            }));
        // A resumed job's record was read from disk.
        let request_on_disk = record.request.is_some();
        Self {
            inner,
            client,
            record,
            cancel,
            cancel_sent: false,
            unsaved: None,
            request_on_disk,
            last_save: Instant::now(),
            started: Instant::now(),
        }
    }

    /// Runs the job to its end; `image` is the new job's image check, `None` when resuming.
    /// A submit whose answer was lost is settled from fal's records before the run ends.
    pub async fn run(mut self, image: Option<CheckedImage>) {
        let outcome = match self.drive(image).await {
            Err(Stop::Unsure(reason)) if self.record.request.is_none() => self.settle(reason).await,
            other => other,
        };
        self.conclude(outcome).await;
    }

    /// Settles a job maybe sent from fal's records (`resume`, the workbench's start,
    /// `history check`), and follows it to the end if they show its request.
    pub async fn check(mut self) {
        let reason = self
            .record
            .lost_submit
            .as_ref()
            .map(|lost| lost.reason.clone())
            .filter(|reason| !reason.is_empty())
            .unwrap_or_else(|| "its answer was lost".to_owned());
        let outcome = self.settle(reason).await;
        self.conclude(outcome).await;
    }

    async fn conclude(&mut self, outcome: Result<(), Stop>) {
        match outcome {
            Ok(()) => {}
            Err(Stop::Shutdown) => {
                if self.record.request.is_none() && !self.record.state.is_terminal() {
                    if self.record.submit_sent.may_have_reached_fal() {
                        // The POST may have reached fal: re-submitting could run (and bill)
                        // it twice, so say so instead of guessing.
                        self.unsure("i2v stopped while waiting for the answer".into(), None)
                            .await;
                    } else {
                        self.fail(interrupted()).await;
                    }
                }
                self.save().await;
            }
            Err(Stop::Failed(error)) => self.fail(error).await,
            Err(Stop::Unsure(reason)) => self.unsure(reason, None).await,
            Err(Stop::Undecided { reason, why }) => self.unsure(reason, Some(why)).await,
        }
        self.settle_unsaved().await;
        if !self.record.state.is_terminal() {
            self.drop_lock_file().await;
        }
    }

    /// A finished job's lock file goes with its last save; one the run leaves unfinished
    /// (i2v quits, the job goes on at fal) would otherwise stay in `locks/` for good.
    async fn drop_lock_file(&self) {
        let store = self.inner.store.clone();
        let id = self.record.id.clone();
        let dropped = tokio::task::spawn_blocking(move || store.drop_lock_file(&id)).await;
        if let Ok(Err(err)) = dropped {
            tracing::debug!(job = %self.record.id, %err, "could not remove the job's lock file");
        }
    }

    /// Fetches the video of a completed job again (its download failed before); the job
    /// stays completed, with no error once the video is here, or the new one.
    pub async fn fetch_video_again(mut self) {
        let error = match self.download().await {
            Ok(()) => None,
            // Left as it was on disk, to be fetched another time.
            Err(Stop::Shutdown) => return,
            Err(Stop::Failed(error)) => Some(fetch_again_hint(error)),
            Err(Stop::Unsure(reason) | Stop::Undecided { reason, .. }) => {
                Some(fetch_again_hint(JobError::new(ErrorKind::Download, reason)))
            }
        };
        self.record.error = error;
        self.save_and_announce().await;
        self.settle_unsaved().await;
    }

    /// Ends the job as "may have been submitted", saying what is known (`why` fal's records
    /// could not settle it) and how to check.
    async fn unsure(&mut self, reason: String, why: Option<String>) {
        tracing::warn!(job = %self.record.id, %reason, ?why, "submit outcome unknown");
        if self.record.lost_submit.is_none() {
            self.record.lost_submit = Some(i2v_store::LostSubmit::new(reason.clone()));
        }
        let sent = self
            .record
            .submit_sent
            .at()
            .unwrap_or(self.record.updated_at)
            .format("%Y-%m-%d %H:%M:%S UTC");
        let why = why.map(|why| format!(": {why}")).unwrap_or_default();
        self.record.error = Some(JobError {
            kind: ErrorKind::UnknownOutcome,
            message: format!(
                "the submit went out around {sent} but its answer was lost ({reason}), so fal \
                 may or may not have the job{why}. i2v will not send it again on its own: that \
                 could pay for it twice. Look for a request to {model} made then in fal's \
                 dashboard (https://fal.ai/dashboard); if it is not there, re-run the job \
                 yourself.",
                model = self.record.model,
            ),
        });
        self.finalise(JobState::MaybeSubmitted).await;
    }

    async fn drive(&mut self, image: Option<CheckedImage>) -> Result<(), Stop> {
        if self.record.request.is_none() {
            let Some(image) = image else {
                // A job resumed without a request id stopped before fal's answer was saved.
                // Stopped before its submit went out (while its image was checked or
                // uploaded), nothing reached fal's queue.
                if !self.record.submit_sent.may_have_reached_fal() {
                    return Err(Stop::Failed(interrupted()));
                }
                // Stopped while submitting: fal may or may not have it, and submitting
                // again could run (and bill) it twice.
                return Err(Stop::Unsure(
                    "i2v stopped before fal's answer to the submit was saved".into(),
                ));
            };
            // A job nobody can find again must not be paid for: if its record cannot be
            // written, nothing goes to fal.
            if let Err(message) = self.try_save().await {
                return Err(Stop::Failed(JobError {
                    kind: ErrorKind::Store,
                    message: format!(
                        "could not save the job's record, so nothing was sent to fal: {message}"
                    ),
                }));
            }
            self.announce();
            let image_url = self.prepare_image(image).await?;
            self.submit(image_url).await?;
        }
        let fal_done = match self.record.state {
            JobState::Downloading => self.record.result.is_some(),
            JobState::ResultPending => true,
            _ => false,
        };
        if !fal_done {
            self.follow().await?;
        }
        self.finish().await
    }

    /// Checks the image and uploads a local file; returns what to send as `image_url`.
    /// Uploads a local image (reading it in full, which checks it again); returns what to
    /// send as `image_url`.
    async fn prepare_image(&mut self, image: CheckedImage) -> Result<String, Stop> {
        let input_error = |message: String| {
            Stop::Failed(JobError {
                kind: ErrorKind::Input,
                message,
            })
        };
        let local = match image.map_err(|e| input_error(e.to_string()))? {
            ImageRef::Url(url) => return Ok(url),
            ImageRef::File(local) => local,
        };
        let read = local.clone();
        let bytes = tokio::task::spawn_blocking(move || image_source::read(&read))
            .await
            .map_err(|e| input_error(e.to_string()))?
            .map_err(|e| input_error(e.to_string()))?;
        let content_type = local.format.content_type();
        let mut shared = match self.record.batch.clone() {
            Some(batch) => {
                let inner = self.inner.clone();
                let slot = inner.uploads.slot(&batch, content_type, &bytes);
                Some(self.interruptible(slot).await?)
            }
            None => None,
        };
        if let Some(url) = shared.as_ref().and_then(|slot| slot.as_ref()) {
            return Ok(self.uploaded(url.clone()).await);
        }
        self.progress(Progress::Uploading {
            bytes: bytes.len() as u64,
        });
        let file_name = local
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "image".into());
        let options = self.request_options();
        let upload = self
            .client
            .upload(bytes.into(), content_type, &file_name, &options);
        let url = self.interruptible(upload).await??;
        if let Some(slot) = &mut shared {
            **slot = Some(url.clone());
        }
        Ok(self.uploaded(url).await)
    }

    /// Notes where fal storage keeps the job's image, and saves the record.
    async fn uploaded(&mut self, url: String) -> String {
        if let ImageSource::File { uploaded_url, .. } = &mut self.record.input.image {
            *uploaded_url = Some(url.clone());
        }
        self.save().await;
        url
    }

    async fn submit(&mut self, image_url: String) -> Result<(), Stop> {
        self.progress(Progress::Submitting);
        let input = ModelInput {
            prompt: self.record.input.prompt.clone(),
            image_url,
            prompt_optimizer: self.record.input.prompt_optimizer,
        };
        let options = self.request_options();
        self.record_submit_going_out().await?;
        // Not cut short by the user's cancel: a dropped POST may still start (and bill) the
        // job on fal with no request id on our side. Once accepted, follow() cancels it there.
        let submitted = tokio::select! {
            _ = self.inner.shutdown.cancelled() => return Err(Stop::Shutdown),
            submitted = self.client.submit(&input, &options) => submitted,
        };
        let submission = match submitted {
            Ok(submission) => submission,
            Err(FalError::SubmitUnknown { message }) => return Err(self.lost(message).await),
            Err(err) => return Err(err.into()),
        };
        if let Some(answer) = &submission.lost_answer {
            let _ = self.inner.events.send(JobEvent::Warning {
                id: self.record.id.clone(),
                message: format!(
                    "fal answered the submit with {answer} but named its request {}: \
                     following that request instead of sending the job again",
                    submission.urls.request_id
                ),
            });
        }
        let urls = submission.urls;
        self.record.request = Some(convert::request_info(urls));
        let queued = JobState::Queued {
            position: submission.queue_position,
        };
        if self.record.set_state(queued).is_ok() {
            self.save_and_announce().await;
        }
        Ok(())
    }

    /// Nothing is paid for that no record names: the record, with its image and the time the
    /// submit goes out, is saved (written, synced, its directory too) before the POST, and
    /// if that fails the job stops here, with nothing sent.
    async fn record_submit_going_out(&mut self) -> Result<(), Stop> {
        self.record.submit_sent = SubmitSent::At(Utc::now());
        if let Err(message) = self.try_save().await {
            self.record.submit_sent = SubmitSent::NotSent;
            return Err(Stop::Failed(JobError {
                kind: ErrorKind::Store,
                message: format!(
                    "could not save the job's record, so nothing was sent to fal: {message}"
                ),
            }));
        }
        Ok(())
    }

    /// fal's optional request headers for this job.
    fn request_options(&self) -> RequestOptions {
        convert::request_options(&self.record.fal_options)
    }

    fn urls(&self) -> Option<RequestUrls> {
        self.record.request.as_ref().map(convert::request_urls)
    }

    /// Follows the status until fal says COMPLETED; a failed or cancelled run ends here.
    async fn follow(&mut self) -> Result<(), Stop> {
        let Some(urls) = self.urls() else {
            return Err(Stop::Failed(JobError {
                kind: ErrorKind::Internal,
                message: "no fal request to follow".into(),
            }));
        };
        let mut watch = self.watch(&urls);
        // Rounds of lost contact in a row; reset by any news from fal.
        let mut lost = 0;
        loop {
            let save_again = self.unsaved.as_ref().map(|u| u.retry_at);
            let item = tokio::select! {
                _ = self.inner.shutdown.cancelled() => return Err(Stop::Shutdown),
                _ = self.cancel.cancelled(), if !self.cancel_sent => {
                    self.request_cancel(&urls).await?;
                    continue;
                }
                _ = sleep_until(save_again), if save_again.is_some() => {
                    self.save().await;
                    continue;
                }
                item = watch.next() => item,
            };
            let trouble = match item {
                Some(Ok(WatchItem::Update(update))) => {
                    lost = 0;
                    if let Some(end) = self.on_status(update).await {
                        return end;
                    }
                    continue;
                }
                Some(Ok(WatchItem::Reconnecting { reason })) => {
                    self.progress(Progress::Reconnecting { reason });
                    continue;
                }
                // 401, 404 and the like: waiting will not help.
                Some(Err(err)) if !err.is_transient() => return Err(err.into()),
                Some(Err(err)) => err.to_string(),
                None => "the status watch ended".to_owned(),
            };
            // fal is unreachable for now, but the job is paid for and may well finish there:
            // keep trying (the user can cancel or quit; the job stays resumable).
            lost += 1;
            self.progress(Progress::Reconnecting {
                reason: format!("lost contact with fal ({trouble}); trying again"),
            });
            let delay = self.client.config().retry.backoff(lost.min(16));
            tokio::select! {
                _ = self.inner.shutdown.cancelled() => return Err(Stop::Shutdown),
                _ = tokio::time::sleep(delay) => {}
            }
            watch = self.watch(&urls);
        }
    }

    /// A status watch that continues after the log lines already recorded.
    fn watch(&self, urls: &RequestUrls) -> i2v_fal::StatusWatch {
        let last = self.record.logs.last().map(convert::log_to_wire);
        self.client.watch(urls, self.record.logs.len(), last)
    }

    /// Asks fal to cancel, once: a failure is reported and not retried in a loop (the user
    /// can press cancel again).
    async fn request_cancel(&mut self, urls: &RequestUrls) -> Result<(), Stop> {
        self.cancel_sent = true;
        let outcome = tokio::select! {
            _ = self.inner.shutdown.cancelled() => return Err(Stop::Shutdown),
            outcome = self.client.cancel(urls) => outcome,
        };
        match outcome {
            Ok(CancelOutcome::Requested) => {}
            Ok(CancelOutcome::AlreadyCompleted) => {
                tracing::info!(job = %self.record.id, "cancel came too late: already completed");
            }
            Err(err) => {
                let _ = self.inner.events.send(JobEvent::Warning {
                    id: self.record.id.clone(),
                    message: format!("could not cancel the job: {err}"),
                });
            }
        }
        Ok(())
    }

    /// Takes in one status update from fal; `Some` when the job has left fal's hands.
    async fn on_status(&mut self, update: StatusUpdate) -> Option<Result<(), Stop>> {
        if !update.new_logs.is_empty() {
            let entries: Vec<LogEntry> =
                update.new_logs.iter().map(convert::log_from_wire).collect();
            self.record.logs.extend(entries.iter().cloned());
            let _ = self.inner.events.send(JobEvent::Logs {
                id: self.record.id.clone(),
                entries,
            });
        }
        let state = match &update.status {
            RemoteStatus::InQueue { position } => JobState::Queued {
                position: *position,
            },
            RemoteStatus::InProgress => JobState::Running,
            RemoteStatus::Completed {
                error,
                error_type,
                inference_time,
            } => {
                self.record.metrics.inference_time = *inference_time;
                if let Some(message) = error {
                    let cancelled = self.cancel_sent
                        || error_type
                            .as_deref()
                            .and_then(fal_error_types::explain)
                            .map(|e| e.1)
                            == Some(fal_error_types::Again::Cancelled)
                        || message.to_ascii_lowercase().contains("cancel");
                    let kind = error_type
                        .as_deref()
                        .map_or(ErrorKind::Model, ErrorKind::from);
                    // fal's cause in plain words; the record keeps its word as the kind.
                    let message = fal_error_types::failure_message(error_type.as_deref(), message);
                    self.record.error = Some(JobError::new(kind, message));
                    self.finalise(if cancelled {
                        JobState::Cancelled
                    } else {
                        JobState::Failed
                    })
                    .await;
                    return Some(Ok(()));
                }
                JobState::Downloading
            }
        };
        if state != self.record.state {
            if matches!(self.record.state, JobState::Queued { .. })
                && !matches!(state, JobState::Queued { .. })
            {
                self.record.metrics.queue_seconds = Some(self.elapsed_since_created());
            }
            // A change the job's life does not allow (fal's answers out of order) is
            // refused and logged by the record; nothing to save or announce then.
            if self.record.set_state(state).is_ok() {
                self.save_and_announce().await;
            }
        } else if self.last_save.elapsed() >= LOG_SAVE_INTERVAL {
            self.save().await;
        }
        update.status.is_completed().then_some(Ok(()))
    }

    /// Fetches the result and, if enabled, downloads the video.
    async fn finish(&mut self) -> Result<(), Stop> {
        if self.record.state.is_terminal() {
            return Ok(());
        }
        let Some(urls) = self.urls() else {
            return Ok(());
        };
        if self.record.result.is_none() {
            let output = self.fetch_result(&urls).await?;
            if !i2v_store::is_web_url(&output.video.url) {
                return Err(Stop::Failed(not_a_web_url(&output.video.url)));
            }
            self.record.result = Some(VideoResult {
                url: output.video.url,
                content_type: output.video.content_type,
                file_name: output.video.file_name,
                file_size: output.video.file_size,
                local_file: None,
                local_size: None,
            });
            self.save_and_announce().await;
        }
        if self.inner.options.download
            && !self.record.no_download
            && let Err(err) = self.download().await
        {
            match err {
                Stop::Shutdown => return Err(Stop::Shutdown),
                // The video exists on fal: the job succeeded, only our copy is missing.
                Stop::Failed(error) => self.record.error = Some(fetch_again_hint(error)),
                Stop::Unsure(reason) | Stop::Undecided { reason, .. } => {
                    self.record.error = Some(fetch_again_hint(JobError {
                        kind: ErrorKind::Download,
                        message: reason,
                    }))
                }
            }
        }
        self.finalise(JobState::Completed).await;
        Ok(())
    }

    /// fal has finished the job and its video is paid for, so trouble reading the result (5xx,
    /// a stall, a proxy's HTML page, a 400 "still in progress" just after COMPLETED) says
    /// nothing about the job: keep asking, with backoff, as "result pending", which stays
    /// resumable if this run stops.
    async fn fetch_result(&mut self, urls: &RequestUrls) -> Result<ModelOutput, Stop> {
        let mut round = 0;
        loop {
            round += 1;
            let result = self.client.result(urls);
            let err = match self.interruptible(result).await? {
                Ok(output) => return Ok(output),
                Err(err) if err.is_transient() || matches!(err, FalError::NotReady { .. }) => err,
                Err(err) => return Err(err.into()),
            };
            tracing::warn!(job = %self.record.id, error = %err, round, "could not read the result; asking again");
            if self.record.state != JobState::ResultPending
                && self.record.set_state(JobState::ResultPending).is_ok()
            {
                self.save_and_announce().await;
            }
            let delay = self.client.config().retry.backoff(round.min(16));
            self.progress(Progress::Retrying {
                attempt: round,
                delay,
                reason: format!("fal finished the job, but its result could not be read: {err}"),
            });
            self.interruptible(tokio::time::sleep(delay)).await?;
        }
    }

    async fn download(&mut self) -> Result<(), Stop> {
        let Some(result) = self.record.result.clone() else {
            return Ok(());
        };
        if !i2v_store::is_web_url(&result.url) {
            // Nothing to fetch (a record from before results were checked).
            return Err(Stop::Failed(not_a_web_url(&result.url)));
        }
        let dest = self
            .inner
            .store
            .videos_dir()
            .join(format!("{}.mp4", self.record.id));
        let id = self.record.id.clone();
        let events = self.inner.events.clone();
        let job = Download {
            url: &result.url,
            dest: &dest,
            expected_size: result.file_size,
        };
        let client = self.client.clone();
        let download = client.download(job, move |received, total| {
            let _ = events.send(JobEvent::Progress {
                id: id.clone(),
                progress: Progress::Downloading { received, total },
            });
        });
        let size = self.interruptible(download).await??;
        if let Some(result) = &mut self.record.result {
            result.local_file = Some(dest.clone());
            result.local_size = Some(size);
        }
        self.progress(Progress::Downloaded { path: dest });
        Ok(())
    }

    /// Runs `fut` unless the engine shuts down first, or the user cancels a job fal has not
    /// accepted yet (once it has, cancelling goes through fal instead).
    async fn interruptible<T>(&self, fut: impl Future<Output = T>) -> Result<T, Stop> {
        let local_cancel = self.record.request.is_none();
        tokio::select! {
            _ = self.inner.shutdown.cancelled() => Err(Stop::Shutdown),
            _ = self.cancel.cancelled(), if local_cancel => Err(Stop::Failed(JobError {
                kind: ErrorKind::Cancelled,
                message: "cancelled before fal accepted the job".into(),
            })),
            out = fut => Ok(out),
        }
    }

    async fn fail(&mut self, error: JobError) {
        tracing::warn!(job = %self.record.id, kind = %error.kind, "job failed");
        let cancelled = self.cancel.is_cancelled() && self.record.request.is_none();
        self.record.error = Some(error);
        self.finalise(if cancelled {
            JobState::Cancelled
        } else {
            JobState::Failed
        })
        .await;
    }

    async fn finalise(&mut self, state: JobState) {
        self.record.metrics.total_seconds = Some(self.elapsed_since_created());
        // Refused only if the job had already ended (logged by the record); its record is
        // saved either way, with the error just set.
        let _ = self.record.set_state(state);
        self.save_and_announce().await;
    }

    fn elapsed_since_created(&self) -> f64 {
        let since = Utc::now() - self.record.created_at;
        since
            .to_std()
            .map(|d| d.as_secs_f64())
            .unwrap_or_else(|_| self.started.elapsed().as_secs_f64())
    }

    fn progress(&self, progress: Progress) {
        let _ = self.inner.events.send(JobEvent::Progress {
            id: self.record.id.clone(),
            progress,
        });
    }

    async fn save_and_announce(&mut self) {
        self.save().await;
        self.announce();
    }

    fn announce(&self) {
        let _ = self
            .inner
            .events
            .send(JobEvent::Updated(Box::new(self.record.clone())));
    }

    /// Saves the record (fsynced, on the blocking pool) before going on, so every event a
    /// listener sees is backed by what is on disk. A failure is reported, loudly, and the job
    /// goes on with the record here: later saves, and a retry with backoff while fal works,
    /// try again (see [`JobRun::settle_unsaved`] for the end).
    async fn save(&mut self) {
        let Err(message) = self.save_or_retry_later().await else {
            return;
        };
        let message = match &self.record.request {
            Some(request) => format!(
                "{message}. fal has this job (request {}): i2v keeps it here and tries again; \
                 free some space in {}",
                request.request_id,
                self.inner.store.root().display()
            ),
            None => message,
        };
        let _ = self.inner.events.send(JobEvent::StoreFailed {
            id: self.record.id.clone(),
            message,
        });
    }

    /// Saves, noting a failure so the save is tried again after a backoff (see
    /// [`JobRun::follow`]), and telling listeners when a save works again after failing.
    async fn save_or_retry_later(&mut self) -> Result<(), String> {
        match self.try_save().await {
            Ok(()) => {
                self.request_on_disk |= self.record.request.is_some();
                if self.unsaved.take().is_some() {
                    tracing::info!(job = %self.record.id, "job record saved again");
                    let _ = self.inner.events.send(JobEvent::StoreRecovered {
                        id: self.record.id.clone(),
                    });
                }
                Ok(())
            }
            Err(message) => {
                tracing::error!(job = %self.record.id, error = %message, "could not save job record");
                let failures = self.unsaved.as_ref().map_or(0, |u| u.failures) + 1;
                let delay = self.client.config().retry.backoff(failures.min(16));
                self.unsaved = Some(Unsaved {
                    failures,
                    retry_at: tokio::time::Instant::now() + delay,
                    reason: message.clone(),
                });
                Err(message)
            }
        }
    }

    /// A job fal has must not end with its record behind what happened: the save is tried
    /// again for a while (space may come back), then the run says loudly what the record on
    /// disk lacks and how to get it back.
    async fn settle_unsaved(&mut self) {
        if self.record.request.is_none() {
            // fal never took it: nothing is paid for that the record would have to name.
            return;
        }
        let mut attempts = 0;
        while let Some(unsaved) = &self.unsaved {
            if attempts >= SAVE_ATTEMPTS_AT_END || self.inner.shutdown.is_cancelled() {
                break;
            }
            let retry_at = unsaved.retry_at;
            tokio::select! {
                _ = self.inner.shutdown.cancelled() => break,
                _ = tokio::time::sleep_until(retry_at) => {}
            }
            attempts += 1;
            let _ = self.save_or_retry_later().await;
        }
        let (Some(unsaved), Some(request)) = (&self.unsaved, &self.record.request) else {
            return;
        };
        let dir = self.inner.store.root().display();
        let message = if self.request_on_disk {
            format!(
                "its record could not be saved ({}), so the one on disk is behind: the job is \
                 {} here. Free some space in {dir}, then `i2v resume` finishes it from fal \
                 (request {})",
                unsaved.reason,
                self.record.state.label(),
                request.request_id
            )
        } else {
            format!(
                "fal has this job as request {}, but its record could not be saved ({}), so \
                 the record on disk does not name it: note the request id. Free some space in \
                 {dir}; `i2v resume` then finds the job sent with its answer lost",
                request.request_id, unsaved.reason
            )
        };
        tracing::error!(job = %self.record.id, %message, "giving up saving the job record");
        let _ = self.inner.events.send(JobEvent::StoreFailed {
            id: self.record.id.clone(),
            message,
        });
    }

    async fn try_save(&mut self) -> Result<(), String> {
        self.record.updated_at = Utc::now();
        self.last_save = Instant::now();
        let store = self.inner.store.clone();
        let record = self.record.clone();
        let saved = tokio::task::spawn_blocking(move || store.save(&record))
            .await
            .unwrap_or_else(|join| {
                Err(i2v_store::StoreError::Io {
                    path: std::path::PathBuf::new(),
                    source: std::io::Error::other(join.to_string()),
                })
            });
        saved.map_err(|err| err.to_string())
    }
}

/// A save that failed, and when to try again.
struct Unsaved {
    failures: u32,
    retry_at: tokio::time::Instant,
    reason: String,
}

/// Sleeps until `at`; never wakes without one.
async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// A failed download says how to get the video anyway.
fn fetch_again_hint(mut error: JobError) -> JobError {
    error
        .message
        .push_str("; `i2v resume` (or F in the workbench's details) fetches the video again while fal keeps it");
    error
}

/// fal's result named something no download can fetch (`file:`, `javascript:`, no URL at
/// all): a failed result, not a download to try six times.
fn not_a_web_url(url: &str) -> JobError {
    const SHOWN: usize = 200;
    let mut shown: String = url.chars().take(SHOWN).collect();
    if url.chars().nth(SHOWN).is_some() {
        shown.push('…');
    }
    JobError::new(
        ErrorKind::Malformed,
        format!(
            "fal's result names no video to download: its video.url is not an http(s) URL ({})",
            crate::text::printable_url(&shown)
        ),
    )
}

fn interrupted() -> JobError {
    JobError {
        kind: ErrorKind::Interrupted,
        message: "stopped before the job was sent to fal: nothing reached fal, so it is safe to \
                  re-run"
            .into(),
    }
}
