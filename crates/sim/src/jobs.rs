//! The jobs the sim runs: one tokio task per job drives it through
//! `IN_QUEUE → IN_PROGRESS → COMPLETED` on timers, and every change is announced on the
//! job's watch channel so SSE streams push it at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, watch};
use tokio::time::sleep_until;
use tokio_util::sync::CancellationToken;

use crate::config::SimConfig;
use crate::job_logs::{self, LogEntry};
use crate::stats::StatsRecorder;

/// Put this in a prompt to make the run fail (a `COMPLETED` status with an error).
pub const FAIL_MARKER: &str = "sim:fail";

/// Why a run ended without a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobError {
    Cancelled,
    Failed,
}

impl JobError {
    pub(crate) fn message(self) -> &'static str {
        match self {
            JobError::Cancelled => "Request was cancelled",
            JobError::Failed => "Simulated model failure: the runner crashed while generating",
        }
    }

    pub(crate) fn error_type(self) -> &'static str {
        match self {
            JobError::Cancelled => "request_cancelled",
            JobError::Failed => "runner_error",
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
    /// The base URL the client used when submitting, for the URLs in status bodies.
    pub base: String,
    state: Mutex<JobState>,
    changed: watch::Sender<u64>,
    cancel: CancellationToken,
}

#[derive(Debug)]
struct JobState {
    phase: Phase,
    logs: Vec<LogEntry>,
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
    /// Ids of jobs not yet running, in submission order: the index is the queue position.
    waiting: Mutex<Vec<String>>,
    runners: Arc<Semaphore>,
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
            waiting: Mutex::new(Vec::new()),
            runners,
        })
    }

    /// Queue a new job and start its driver task. Returns the job and its queue position.
    pub(crate) fn submit(
        self: &Arc<Self>,
        app: String,
        base: String,
        prompt: &str,
    ) -> (Arc<Job>, usize) {
        let job = Arc::new(Job {
            id: new_request_id(),
            app,
            base,
            state: Mutex::new(JobState {
                phase: Phase::Queued,
                logs: Vec::new(),
            }),
            changed: watch::channel(0).0,
            cancel: CancellationToken::new(),
        });
        lock(&self.all).insert(job.id.clone(), job.clone());
        let position = {
            let mut waiting = lock(&self.waiting);
            waiting.push(job.id.clone());
            waiting.len() - 1
        };
        let fail = prompt.contains(FAIL_MARKER);
        tokio::spawn(drive(self.clone(), job.clone(), fail));
        (job, position)
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
            job.lock().phase = Phase::Running {
                started: Instant::now(),
            };
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

/// Runs one job to its end, unless it is cancelled or the server shuts down.
async fn drive(jobs: Arc<Jobs>, job: Arc<Job>, fail: bool) {
    let error = tokio::select! {
        _ = jobs.shutdown.cancelled() => return,
        _ = job.cancel.cancelled() => Some(JobError::Cancelled),
        error = run(&jobs, &job, fail) => error,
    };
    jobs.finish(&job, error);
}

async fn run(jobs: &Jobs, job: &Job, fail: bool) -> Option<JobError> {
    let config = &jobs.config;
    tokio::time::sleep(config.queue_time).await;
    // The semaphore is fair, so jobs get runners in submission order.
    let Ok(_runner) = jobs.runners.clone().acquire_owned().await else {
        return Some(JobError::Failed);
    };
    jobs.start(job);
    let started = tokio::time::Instant::now();
    let lines = log_line_count(config.run_time, config.log_interval);
    for index in 0..lines {
        let at = started + config.log_interval * index as u32;
        sleep_until(at).await;
        jobs.log(job, job_logs::message(index, lines, config.hostile_logs));
    }
    sleep_until(started + config.run_time).await;
    fail.then_some(JobError::Failed)
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
