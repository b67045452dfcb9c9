//! Queue load: N jobs at once through the real job engine against the simulated fal, then a
//! report of what it cost on the wire and how quickly a completion reached the client.
//!
//! Targets: at most 4 HTTP requests per job (submit, stream, result, download) and a median
//! of at most 50 ms from the sim marking a job COMPLETED to the engine announcing it.
//!
//! `cargo bench --bench queue_load` runs N = 1, 10, 50 plus a fault mix;
//! `cargo bench --bench queue_load -- --quick` runs a smaller set. Exits non-zero if any job
//! does not end completed with its video saved.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::collections::{BTreeSet, HashMap};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use i2v::jobs::{Engine, EngineOptions, JobEvent, NewJob};
use i2v_fal::{ApiKey, ClientConfig, FalClient};
use i2v_sim::{Fault, Route, SimConfig, SimServer, Stats};
use i2v_store::{JobId, JobRecord, JobState, Store};
use tokio::runtime::Runtime;

const KEY: &str = "bench-key";
/// A run that takes longer than this is reported as failed rather than waited for.
const DEADLINE: Duration = Duration::from_secs(120);
/// Per-job requests: submit, stream, result, download.
const REQUEST_TARGET: f64 = 4.0;
const LAG_TARGET: Duration = Duration::from_millis(50);

#[derive(Clone, Copy)]
struct Scenario {
    jobs: usize,
    /// Arm a mix of faults (stream drops, 503s, a broken download) before submitting.
    faults: bool,
}

impl Scenario {
    fn name(&self) -> String {
        let kind = if self.faults { "faults" } else { "clean" };
        format!("{kind} N={}", self.jobs)
    }
}

/// What one scenario measured.
struct Outcome {
    scenario: Scenario,
    wall: Duration,
    stats: Stats,
    /// Per job: sim COMPLETED → engine's first event with a post-fal state.
    lags: Vec<Duration>,
    /// Per job: log lines in the final record.
    log_lines: Vec<usize>,
    failures: Vec<String>,
    /// The faults armed, for the report.
    fault_note: String,
}

fn main() -> ExitCode {
    let quick = std::env::args().any(|a| a == "--quick");
    // (jobs at once, with the fault mix)
    let plan: &[(usize, bool)] = if quick {
        &[(1, false), (10, false), (10, true)]
    } else {
        &[(1, false), (10, false), (50, false), (50, true)]
    };
    let scenarios: Vec<Scenario> = plan
        .iter()
        .map(|&(jobs, faults)| Scenario { jobs, faults })
        .collect();

    // The sim gets its own runtime (one worker thread), like a server on another machine:
    // the client's work (including its fsyncs) cannot delay the sim's clocks, and vice versa.
    let sim_rt = runtime(1, "sim");
    let client_rt = runtime(2, "client");

    println!(
        "queue_load{}: sim queue 50 ms, run 500 ms, a log line every 50 ms, runners = N; \
         engine with downloads on, default client timers",
        if quick { " (--quick)" } else { "" }
    );
    let mut outcomes = Vec::new();
    for scenario in scenarios {
        match run_scenario(&sim_rt, &client_rt, scenario) {
            Ok(outcome) => outcomes.push(outcome),
            Err(message) => {
                eprintln!("{}: could not run: {message}", scenario.name());
                return ExitCode::FAILURE;
            }
        }
    }
    report(&outcomes);

    let failures: Vec<&String> = outcomes.iter().flat_map(|o| &o.failures).collect();
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("\n{} job(s) did not complete:", failures.len());
        for failure in failures {
            eprintln!("  {failure}");
        }
        ExitCode::FAILURE
    }
}

fn runtime(workers: usize, name: &str) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name(format!("bench-{name}"))
        .enable_all()
        .build()
        .expect("tokio runtime builds")
}

fn run_scenario(
    sim_rt: &Runtime,
    client_rt: &Runtime,
    scenario: Scenario,
) -> Result<Outcome, String> {
    let n = scenario.jobs;
    let sim = sim_rt
        .block_on(SimServer::start(SimConfig {
            queue_time: Duration::from_millis(50),
            run_time: Duration::from_millis(500),
            log_interval: Duration::from_millis(50),
            runners: n,
            accepted_key: Some(KEY.into()),
            hostile_logs: false,
            ..SimConfig::default()
        }))
        .map_err(|e| format!("sim did not start: {e}"))?;
    let fault_note = if scenario.faults {
        arm_faults(&sim, n)
    } else {
        String::new()
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let store = Store::open(dir.path().join("store")).map_err(|e| e.to_string())?;
    let base = sim.base_url();
    let config = ClientConfig::new(ApiKey::new(KEY)).with_base_urls(&base, &base);
    let client = FalClient::new(config).map_err(|e| e.to_string())?;

    let started = Instant::now();
    let seen = client_rt.block_on(drive_jobs(client, store, n))?;
    let wall = started.elapsed();
    let stats = sim.stats();
    drop(sim);

    let mut lags = Vec::new();
    let mut log_lines = Vec::new();
    let mut failures = Vec::new();
    for job in seen.values() {
        let Some(record) = &job.last else {
            failures.push(format!("{}: no record announced", scenario.name()));
            continue;
        };
        log_lines.push(record.logs.len());
        if let Some(problem) = failure(record) {
            failures.push(format!("{}: job {}: {problem}", scenario.name(), record.id));
            continue;
        }
        let completed = record
            .request
            .as_ref()
            .and_then(|r| stats.completed_at.get(&r.request_id.0));
        match (completed, job.fal_done_seen) {
            (Some(done), Some(seen)) => lags.push(seen.saturating_duration_since(*done)),
            _ => failures.push(format!(
                "{}: job {}: no completion time from the sim or the engine",
                scenario.name(),
                record.id
            )),
        }
    }
    lags.sort();
    Ok(Outcome {
        scenario,
        wall,
        stats,
        lags,
        log_lines,
        failures,
        fault_note,
    })
}

/// Arms faults for a run of `n` jobs; returns a description. Each fault fires on the next
/// matching requests, whichever jobs make them.
fn arm_faults(sim: &SimServer, n: usize) -> String {
    let fifth = u32::try_from(n.div_ceil(5)).unwrap_or(u32::MAX);
    let tenth = u32::try_from(n.div_ceil(10)).unwrap_or(u32::MAX);
    let faults = sim.faults();
    faults.push(Route::Stream, Fault::DropStream { after_events: 3 }, fifth);
    faults.push(Route::Submit, Fault::Status(503), tenth);
    faults.push(Route::Result, Fault::Status(503), tenth);
    faults.push(Route::File, Fault::Reset, tenth);
    format!(
        "stream drop after 3 events ×{fifth}, submit 503 ×{tenth}, result 503 ×{tenth}, \
         download reset mid-body ×{tenth}"
    )
}

/// What the listener saw of one job.
#[derive(Default)]
struct Seen {
    /// When the first event with a state after fal's COMPLETED arrived.
    fal_done_seen: Option<Instant>,
    last: Option<JobRecord>,
}

/// Submits `n` jobs and listens to the engine until every one is terminal.
async fn drive_jobs(
    client: FalClient,
    store: Store,
    n: usize,
) -> Result<HashMap<JobId, Seen>, String> {
    let (engine, mut events) = Engine::new(client, store, EngineOptions::default());
    // Listen from before the first submit, timestamping each event as it arrives.
    let listener = tokio::spawn(async move {
        let mut seen: HashMap<JobId, Seen> = HashMap::new();
        let mut terminal = 0;
        while terminal < n {
            let Some(event) = events.recv().await else {
                break;
            };
            let at = Instant::now();
            let JobEvent::Updated(record) = event else {
                continue;
            };
            let job = seen.entry(record.id.clone()).or_default();
            if job.fal_done_seen.is_none() && after_fal(&record.state) {
                job.fal_done_seen = Some(at);
            }
            if record.state.is_terminal() {
                terminal += 1;
            }
            job.last = Some(*record);
        }
        seen
    });
    for i in 0..n {
        engine.submit(NewJob {
            prompt: format!(
                "job {i}: slow dolly-in on a lighthouse at dusk, waves breaking, warm light"
            ),
            image: format!("https://example.com/frames/lighthouse-{i}.png"),
            prompt_optimizer: i % 2 == 0,
            check_limits: true,
        });
    }
    let seen = tokio::time::timeout(DEADLINE, listener)
        .await
        .map_err(|_| format!("not every job finished within {DEADLINE:?}"))?
        .map_err(|e| format!("listener panicked: {e}"))?;
    engine.wait_idle().await;
    Ok(seen)
}

/// States the engine reaches only once fal has said COMPLETED.
fn after_fal(state: &JobState) -> bool {
    matches!(
        state,
        JobState::Downloading | JobState::Completed | JobState::Failed | JobState::Cancelled
    )
}

/// Why a finished job does not count as a success, if it does not.
fn failure(record: &JobRecord) -> Option<String> {
    if record.state != JobState::Completed {
        let why = record
            .error
            .as_ref()
            .map(|e| format!(": {} ({})", e.message, e.kind))
            .unwrap_or_default();
        return Some(format!("ended {}{why}", record.state.label()));
    }
    if let Some(error) = &record.error {
        return Some(format!("completed, but {} ({})", error.message, error.kind));
    }
    let saved = record.result.as_ref().and_then(|r| r.local_file.as_ref());
    if saved.is_none_or(|path| !path.is_file()) {
        return Some("completed without its video saved".into());
    }
    None
}

fn report(outcomes: &[Outcome]) {
    let routes: BTreeSet<&String> = outcomes
        .iter()
        .flat_map(|o| o.stats.by_route.keys())
        .collect();

    println!("\nHTTP requests per job (sim Stats.requests / N, then by route)");
    let mut header = format!(
        "{:<14} {:>5} {:>8} {:>8}",
        "scenario", "jobs", "wall", "req/job"
    );
    for route in &routes {
        header.push_str(&format!(" {route:>7}"));
    }
    println!("{header}");
    for o in outcomes {
        let n = o.scenario.jobs as f64;
        let mut line = format!(
            "{:<14} {:>5} {:>7.2}s {:>8.2}",
            o.scenario.name(),
            o.scenario.jobs,
            o.wall.as_secs_f64(),
            o.stats.requests as f64 / n
        );
        for route in &routes {
            let count = o.stats.by_route.get(*route).copied().unwrap_or(0);
            line.push_str(&format!(" {:>7.2}", count as f64 / n));
        }
        println!("{line}");
    }

    println!("\nCompletion lag: sim marks COMPLETED → engine announces it (ms)");
    println!(
        "{:<14} {:>5} {:>8} {:>8} {:>8} {:>8}  log lines/job",
        "scenario", "jobs", "min", "median", "p95", "max"
    );
    for o in outcomes {
        let ms = |d: Option<Duration>| {
            d.map(|d| format!("{:.1}", d.as_secs_f64() * 1000.0))
                .unwrap_or_else(|| "-".into())
        };
        let logs: BTreeSet<usize> = o.log_lines.iter().copied().collect();
        let logs = match (logs.first(), logs.last()) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => "-".into(),
        };
        println!(
            "{:<14} {:>5} {:>8} {:>8} {:>8} {:>8}  {}",
            o.scenario.name(),
            o.scenario.jobs,
            ms(o.lags.first().copied()),
            ms(percentile(&o.lags, 0.5)),
            ms(percentile(&o.lags, 0.95)),
            ms(o.lags.last().copied()),
            logs
        );
    }
    for o in outcomes.iter().filter(|o| !o.fault_note.is_empty()) {
        println!("\n{} faults armed: {}", o.scenario.name(), o.fault_note);
    }

    println!("\nTargets");
    for o in outcomes {
        let name = o.scenario.name();
        let per_job = o.stats.requests as f64 / o.scenario.jobs as f64;
        if o.scenario.faults {
            println!("  {name:<14} requests/job {per_job:.2} (faults force retries; no target)");
            continue;
        }
        println!(
            "  {name:<14} requests/job {per_job:.2} ≤ {REQUEST_TARGET}: {}",
            verdict(per_job <= REQUEST_TARGET)
        );
        match percentile(&o.lags, 0.5) {
            Some(median) => println!(
                "  {name:<14} median lag {:.1} ms ≤ {} ms: {}",
                median.as_secs_f64() * 1000.0,
                LAG_TARGET.as_millis(),
                verdict(median <= LAG_TARGET)
            ),
            None => println!("  {name:<14} median lag: no data: {}", verdict(false)),
        }
    }
    println!(
        "\nRoutes: submit = POST the job, stream = SSE status stream, status = polls while the \
         stream is broken, result = GET the result, file = video download."
    );
}

fn verdict(met: bool) -> &'static str {
    if met { "TARGET MET" } else { "TARGET MISSED" }
}

/// Nearest-rank percentile of sorted `values`.
fn percentile(values: &[Duration], q: f64) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    let rank = (q * values.len() as f64).ceil() as usize;
    values.get(rank.clamp(1, values.len()) - 1).copied()
}
