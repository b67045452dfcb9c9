//! The jobs the sim runs: one tokio task per job drives it through
//! `IN_QUEUE → IN_PROGRESS → COMPLETED` on timers, and every change is announced on the
//! job's watch channel so SSE streams push it at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::sync::{Semaphore, watch};
use tokio::time::sleep_until;
use tokio_util::sync::CancellationToken;

use crate::config::SimConfig;
use crate::job_logs::{self, LogEntry};
use crate::stats::StatsRecorder;

/// Put this in a prompt to make the run fail (a `COMPLETED` status with an error).
pub const FAIL_MARKER: &str = "sim:fail";
/// Put this in a prompt to make the run refused by the content checker
/// (`error_type: content_policy_violation`).
pub const POLICY_MARKER: &str = "sim:policy";

/// Why a run ended without a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobError {
    Cancelled,
    Failed,
    /// The content checker refused the input or the output.
    Refused,
}

impl JobError {
    /// What a run of `prompt` ends in, by the markers it holds.
    fn planned(prompt: &str) -> Option<JobError> {
        if prompt.contains(POLICY_MARKER) {
            Some(JobError::Refused)
        } else if prompt.contains(FAIL_MARKER) {
            Some(JobError::Failed)
        } else {
            None
        }
    }
}

impl JobError {
    pub(crate) fn message(self) -> &'static str {
        match self {
            JobError::Cancelled => "Request was cancelled",
            JobError::Failed => "Simulated model failure: the runner crashed while generating",
            JobError::Refused => "The content was flagged by a content checker.",
        }
    }

    pub(crate) fn error_type(self) -> &'static str {
        match self {
            JobError::Cancelled => "request_cancelled",
            JobError::Failed => "runner_server_error",
            JobError::Refused => "content_policy_violation",
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    Queued,
    Running {
        started: Instant,
    },
    Done {
        inference_time: Duration,
        error: Option<JobError>,
    },
}

/// What a client may see of a job at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Seen {
    Queued {
        position: usize,
    },
    Running,
    Completed {
        inference_secs: f64,
        error: Option<JobError>,
    },
}

/// A job as seen now, with the logs from some index on.
#[derive(Debug, Clone)]
pub(crate) struct View {
    pub seen: Seen,
    /// Logs from the requested index on.
    pub new_logs: Vec<LogEntry>,
    /// Total number of log lines so far.
    pub log_count: usize,
}

/// One submitted request.
#[derive(Debug)]
pub(crate) struct Job {
    pub id: String,
    /// `owner/alias`: request URLs use only these two segments.
    pub app: String,
    /// The whole endpoint id the request was sent to (`owner/alias/path…`).
    pub endpoint: String,
    /// The base URL the client used when submitting, for the URLs in status bodies.
    pub base: String,
    /// The JSON input as sent; `None` when the client asked fal not to keep it
    /// (`X-Fal-Store-IO: 0`).
    pub input: Option<Value>,
    /// When fal received it, as its records say.
    pub sent_at: DateTime<Utc>,
    /// When it entered the sim: its records show it only after `SimConfig::list_lag`.
    pub arrived: Instant,
    /// Whether fal's records keep its output once it has one (`false`: a request made
    /// elsewhere whose output the records lost, [`Elsewhere::FinishedWithoutOutput`]).
    pub output_kept: bool,
    state: Mutex<JobState>,
    changed: watch::Sender<u64>,
    cancel: CancellationToken,
}

#[derive(Debug)]
struct JobState {
    phase: Phase,
    logs: Vec<LogEntry>,
    started_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
}

/// A request as fal's records (the Platform API) show it.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub seen: Seen,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// What a new request is.
pub(crate) struct NewRequest {
    /// `owner/alias`.
    pub app: String,
    /// `owner/alias/path…`.
    pub endpoint: String,
    pub base: String,
    pub prompt: String,
    /// `None`: not kept (`X-Fal-Store-IO: 0`).
    pub input: Option<Value>,
}

/// How a request made elsewhere (fal's playground, another machine) stands when it is put
/// into fal's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elsewhere {
    /// Finished: with a video, or failed or refused when its prompt holds [`FAIL_MARKER`] or
    /// [`POLICY_MARKER`].
    Finished,
    /// Waiting for a runner (`IN_QUEUE`): it then runs and finishes on the sim's timers as
    /// a submitted request does.
    Queued,
    /// Running (`IN_PROGRESS`) since it was sent: it finishes a run time from now.
    Running,
    /// Finished with a video (HTTP 200), but fal's records hold no output of it: their
    /// `json_output` is `null`.
    FinishedWithoutOutput,
}

impl Job {
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    pub(crate) fn urls(&self) -> (String, String, String) {
        let response = format!("{}/{}/requests/{}", self.base, self.app, self.id);
        let status = format!("{response}/status");
        let cancel = format!("{response}/cancel");
        (response, status, cancel)
    }

    fn lock(&self) -> MutexGuard<'_, JobState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }
}

/// What a cancel request found.
pub(crate) enum CancelOutcome {
    NotFound,
    AlreadyCompleted,
    Requested,
}

/// All jobs of one server.
pub(crate) struct Jobs {
    config: Arc<SimConfig>,
    stats: StatsRecorder,
    shutdown: CancellationToken,
    all: Mutex<HashMap<String, Arc<Job>>>,
    /// Every job, in the order it arrived.
    arrivals: Mutex<Vec<Arc<Job>>>,
    /// Ids of jobs not yet running, in submission order: the index is the queue position.
    waiting: Mutex<Vec<String>>,
    runners: Arc<Semaphore>,
    /// The runtime the server runs on: requests made elsewhere are put in from outside it
    /// (a test's thread) and may need a driver task.
    runtime: tokio::runtime::Handle,
}

impl Jobs {
    pub(crate) fn new(
        config: Arc<SimConfig>,
        stats: StatsRecorder,
        shutdown: CancellationToken,
    ) -> Arc<Self> {
        let runners = Arc::new(Semaphore::new(config.runners.max(1)));
        Arc::new(Self {
            config,
            stats,
            shutdown,
            all: Mutex::new(HashMap::new()),
            arrivals: Mutex::new(Vec::new()),
            waiting: Mutex::new(Vec::new()),
            runners,
            runtime: tokio::runtime::Handle::current(),
        })
    }

    /// Queue a new job and start its driver task. Returns the job and its queue position.
    pub(crate) fn submit(self: &Arc<Self>, request: NewRequest) -> (Arc<Job>, usize) {
        let fail = JobError::planned(&request.prompt);
        let job = self.add(request, Utc::now(), Phase::Queued, Instant::now(), true);
        let position = self.enqueue(&job);
        tokio::spawn(drive(self.clone(), job.clone(), fail, false));
        (job, position)
    }

    /// Puts `job` at the end of the queue; its position.
    fn enqueue(&self, job: &Job) -> usize {
        let mut waiting = lock(&self.waiting);
        waiting.push(job.id.clone());
        waiting.len() - 1
    }

    /// A request that was made elsewhere (fal's playground, another machine) `age` ago and
    /// stands as `how` says: it is in fal's records at once (it was sent long before the
    /// list's lag), and its status and result answer as any other's. One still queued or
    /// running goes on to finish on the sim's timers.
    pub(crate) fn made_elsewhere(
        self: &Arc<Self>,
        request: NewRequest,
        age: Duration,
        how: Elsewhere,
    ) -> Arc<Job> {
        let now = Utc::now();
        let sent_at = now - chrono::Duration::from_std(age).unwrap_or_default();
        let error = JobError::planned(&request.prompt);
        let run_time = self.config.run_time;
        let listed_from = Instant::now()
            .checked_sub(self.config.list_lag)
            .unwrap_or_else(Instant::now);
        let phase = match how {
            Elsewhere::Finished | Elsewhere::FinishedWithoutOutput => Phase::Done {
                inference_time: run_time,
                error,
            },
            Elsewhere::Queued => Phase::Queued,
            Elsewhere::Running => Phase::Running {
                started: Instant::now(),
            },
        };
        let output_kept = how != Elsewhere::FinishedWithoutOutput;
        let job = self.add(request, sent_at, phase, listed_from, output_kept);
        let mut state = job.lock();
        match how {
            Elsewhere::Finished | Elsewhere::FinishedWithoutOutput => {
                state.started_at = Some(sent_at);
                state.ended_at =
                    Some(sent_at + chrono::Duration::from_std(run_time).unwrap_or_default());
            }
            Elsewhere::Running => state.started_at = Some(sent_at),
            Elsewhere::Queued => {}
        }
        drop(state);
        match how {
            Elsewhere::Queued => {
                self.enqueue(&job);
                self.runtime
                    .spawn(drive(self.clone(), job.clone(), error, false));
            }
            Elsewhere::Running => {
                self.runtime
                    .spawn(drive(self.clone(), job.clone(), error, true));
            }
            Elsewhere::Finished | Elsewhere::FinishedWithoutOutput => {}
        }
        job
    }

    /// A new job in `phase`, listed in fal's records once `list_lag` has passed since
    /// `listed_from`, with its output in them once it has one if `output_kept`.
    fn add(
        &self,
        parts: NewRequest,
        sent_at: DateTime<Utc>,
        phase: Phase,
        listed_from: Instant,
        output_kept: bool,
    ) -> Arc<Job> {
        let job = Arc::new(Job {
            id: new_request_id(),
            app: parts.app,
            endpoint: parts.endpoint,
            base: parts.base,
            input: parts.input,
            sent_at,
            arrived: listed_from,
            output_kept,
            state: Mutex::new(JobState {
                phase,
                logs: Vec::new(),
                started_at: None,
                ended_at: None,
            }),
            changed: watch::channel(0).0,
            cancel: CancellationToken::new(),
        });
        lock(&self.all).insert(job.id.clone(), job.clone());
        lock(&self.arrivals).push(job.clone());
        job
    }

    /// Every request fal's records show now for `endpoint`, newest first: those that
    /// arrived at least `list_lag` ago.
    pub(crate) fn records(&self, endpoint: &str) -> Vec<(Arc<Job>, Record)> {
        let lag = self.config.list_lag;
        let mut listed: Vec<Arc<Job>> = lock(&self.arrivals)
            .iter()
            .filter(|job| job.endpoint == endpoint && job.arrived.elapsed() >= lag)
            .cloned()
            .collect();
        listed.sort_by_key(|job| std::cmp::Reverse(job.sent_at));
        listed
            .into_iter()
            .map(|job| {
                let seen = self.view(&job, usize::MAX).seen;
                let state = job.lock();
                let record = Record {
                    seen,
                    started_at: state.started_at,
                    ended_at: state.ended_at,
                };
                drop(state);
                (job, record)
            })
            .collect()
    }

    pub(crate) fn get(&self, id: &str) -> Option<Arc<Job>> {
        lock(&self.all).get(id).cloned()
    }

    /// The job now, with logs from index `logs_from` on.
    pub(crate) fn view(&self, job: &Job, logs_from: usize) -> View {
        // Lock order everywhere: `waiting`, then a job's state.
        let waiting = lock(&self.waiting);
        let state = job.lock();
        let seen = match state.phase {
            Phase::Queued => Seen::Queued {
                position: waiting.iter().position(|id| *id == job.id).unwrap_or(0),
            },
            Phase::Running { .. } => Seen::Running,
            Phase::Done {
                inference_time,
                error,
            } => Seen::Completed {
                inference_secs: inference_time.as_secs_f64(),
                error,
            },
        };
        View {
            seen,
            new_logs: state.logs.get(logs_from..).unwrap_or_default().to_vec(),
            log_count: state.logs.len(),
        }
    }

    pub(crate) fn cancel(&self, id: &str) -> CancelOutcome {
        let Some(job) = self.get(id) else {
            return CancelOutcome::NotFound;
        };
        if matches!(job.lock().phase, Phase::Done { .. }) {
            return CancelOutcome::AlreadyCompleted;
        }
        job.cancel.cancel();
        CancelOutcome::Requested
    }

    /// The job got a runner.
    fn start(&self, job: &Job) {
        {
            let mut waiting = lock(&self.waiting);
            waiting.retain(|id| *id != job.id);
            let mut state = job.lock();
            state.phase = Phase::Running {
                started: Instant::now(),
            };
            state.started_at = Some(Utc::now());
        }
        job.bump();
        self.bump_waiting();
    }

    fn log(&self, job: &Job, message: String) {
        job.lock().logs.push(LogEntry::info(message));
        job.bump();
    }

    fn finish(&self, job: &Job, error: Option<JobError>) {
        let now = Instant::now();
        let was_queued = {
            let mut waiting = lock(&self.waiting);
            waiting.retain(|id| *id != job.id);
            let mut state = job.lock();
            let (was_queued, inference_time) = match state.phase {
                Phase::Queued => (true, Duration::ZERO),
                Phase::Running { started } => (false, now - started),
                Phase::Done { .. } => return,
            };
            state.phase = Phase::Done {
                inference_time,
                error,
            };
            state.ended_at = Some(Utc::now());
            was_queued
        };
        self.stats.completed(&job.id, now);
        job.bump();
        if was_queued {
            self.bump_waiting();
        }
    }

    /// Queue positions moved: tell every waiting job's listeners.
    fn bump_waiting(&self) {
        let ids = lock(&self.waiting).clone();
        let jobs: Vec<Arc<Job>> = {
            let all = lock(&self.all);
            ids.iter().filter_map(|id| all.get(id).cloned()).collect()
        };
        for job in jobs {
            job.bump();
        }
    }
}

/// Runs one job to its end, unless it is cancelled or the server shuts down; `running`: it
/// runs already (elsewhere), on a runner of its own.
async fn drive(jobs: Arc<Jobs>, job: Arc<Job>, fail: Option<JobError>, running: bool) {
    let error = tokio::select! {
        _ = jobs.shutdown.cancelled() => return,
        _ = job.cancel.cancelled() => Some(JobError::Cancelled),
        error = run(&jobs, &job, fail, running) => error,
    };
    jobs.finish(&job, error);
}

async fn run(jobs: &Jobs, job: &Job, fail: Option<JobError>, running: bool) -> Option<JobError> {
    let config = &jobs.config;
    let _runner = if running {
        None
    } else {
        tokio::time::sleep(config.queue_time).await;
        // The semaphore is fair, so jobs get runners in submission order.
        let Ok(runner) = jobs.runners.clone().acquire_owned().await else {
            return Some(JobError::Failed);
        };
        jobs.start(job);
        Some(runner)
    };
    let started = tokio::time::Instant::now();
    let lines = log_line_count(config.run_time, config.log_interval);
    for index in 0..lines {
        let at = started + config.log_interval * index as u32;
        sleep_until(at).await;
        jobs.log(job, job_logs::message(index, lines, config.hostile_logs));
    }
    sleep_until(started + config.run_time).await;
    fail
}

/// One line at the start of the run and one every interval while it lasts.
fn log_line_count(run_time: Duration, interval: Duration) -> usize {
    if interval.is_zero() {
        return 1;
    }
    let count = run_time.as_nanos().div_ceil(interval.as_nanos());
    usize::try_from(count)
        .unwrap_or(usize::MAX)
        .clamp(1, 10_000)
}

/// A UUID-shaped id, like fal's.
pub(crate) fn new_request_id() -> String {
    let hex = |n: usize| -> String {
        (0..n)
            .map(|_| char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0'))
            .collect()
    };
    format!("{}-{}-{}-{}-{}", hex(8), hex(4), hex(4), hex(4), hex(12))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_cover_the_run() {
        assert_eq!(
            log_line_count(Duration::from_secs(1), Duration::from_millis(200)),
            5
        );
        assert_eq!(
            log_line_count(Duration::from_millis(100), Duration::from_millis(30)),
            4
        );
        assert_eq!(log_line_count(Duration::from_secs(1), Duration::ZERO), 1);
    }

    #[test]
    fn request_ids_look_like_uuids() {
        let id = new_request_id();
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
    }
}
