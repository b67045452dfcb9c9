//! Nothing is paid for that no record names: the job engine against a store whose record
//! writes fail as a full disk's do (the store's own [`WriteFaults`] seam), counting the
//! submits the simulated fal receives. `cli_full_disk` does the same with a real full disk
//! where the test may mount one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use i2v::jobs::{Engine, EngineOptions, JobEvent, NewJob};
use i2v_fal::{ApiKey, ClientConfig, FalClient};
use i2v_sim::{SimConfig, SimServer};
use i2v_store::{ErrorKind, JobRecord, JobState, Store, SubmitSent, WriteFaults};
use tokio::sync::mpsc::UnboundedReceiver;

const IMAGE_URL: &str = "https://example.com/frame.png";

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

fn job(image: &str) -> NewJob {
    NewJob {
        prompt: "a heron lifts off the water".to_owned(),
        image: image.to_owned(),
        prompt_optimizer: true,
        check_limits: true,
    }
}

struct Bench {
    sim: SimServer,
    dir: tempfile::TempDir,
    faults: Arc<WriteFaults>,
}

impl Bench {
    async fn new(sim: SimConfig) -> Bench {
        Bench {
            sim: SimServer::start(sim).await.unwrap(),
            dir: tempfile::tempdir().unwrap(),
            faults: Arc::new(WriteFaults::default()),
        }
    }

    /// The store as the engine sees it, its writes failing as `faults` says.
    fn store(&self) -> Store {
        Store::open(self.dir.path().join("data"))
            .unwrap()
            .with_write_faults(self.faults.clone())
    }

    fn engine(&self) -> (Engine, UnboundedReceiver<JobEvent>) {
        let base = self.sim.base_url();
        let config = ClientConfig::new(ApiKey::new("test-key"))
            .with_base_urls(&base, &base)
            .fast_for_tests();
        Engine::new(
            FalClient::new(config).unwrap(),
            self.store(),
            EngineOptions::default(),
        )
    }

    fn submits(&self) -> u64 {
        self.count("submit")
    }

    fn count(&self, route: &str) -> u64 {
        self.sim.stats().by_route.get(route).copied().unwrap_or(0)
    }

    /// The job's record as it is on disk, if there is one.
    fn on_disk(&self) -> Option<JobRecord> {
        let jobs = self.dir.path().join("data/jobs");
        let mut records: Vec<JobRecord> = std::fs::read_dir(jobs)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .map(|path| serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap())
            .collect();
        assert!(records.len() <= 1, "{records:#?}");
        records.pop()
    }
}

/// Everything the engine said until no job runs; the last `Updated` is the job's end.
async fn run_to_end(engine: &Engine, events: &mut UnboundedReceiver<JobEvent>) -> Vec<JobEvent> {
    tokio::time::timeout(Duration::from_secs(60), engine.wait_idle())
        .await
        .expect("the job ended");
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(event);
    }
    seen
}

fn last_record(events: &[JobEvent]) -> JobRecord {
    events
        .iter()
        .rev()
        .find_map(|e| match e {
            JobEvent::Updated(record) => Some((**record).clone()),
            _ => None,
        })
        .expect("an update")
}

fn store_failures(events: &[JobEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            JobEvent::StoreFailed { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_that_fails_before_the_submit_sends_nothing() {
    // A local image: the record is written when the job is made (1), when the image is
    // uploaded (2) and just before the submit (3). Whichever of them is the first to fail,
    // nothing reaches fal's queue.
    for first_failing in 1..=3 {
        let bench = Bench::new(SimConfig::fast()).await;
        bench.faults.fail_from(first_failing);
        let (engine, mut events) = bench.engine();
        engine.submit(job(&fixture("frame.png")));
        let events = run_to_end(&engine, &mut events).await;

        assert_eq!(bench.submits(), 0, "write {first_failing} failed");
        let end = last_record(&events);
        assert_eq!(end.state, JobState::Failed, "write {first_failing} failed");
        let error = end.error.unwrap();
        assert_eq!(error.kind, ErrorKind::Store);
        assert!(
            error.message.contains("nothing was sent to fal")
                && error.message.contains("No space left on device"),
            "{}",
            error.message
        );
        assert!(!store_failures(&events).is_empty());
        // What is on disk, if anything, says the job never went out: resuming it sends
        // nothing either, and calls it what it is.
        if let Some(record) = bench.on_disk() {
            assert_eq!(record.submit_sent, SubmitSent::NotSent);
            assert!(record.request.is_none());
            bench.faults.heal();
            let (engine, mut events) = bench.engine();
            let report = engine.resume_unfinished();
            assert_eq!(report.resumed.len(), 1);
            let end = last_record(&run_to_end(&engine, &mut events).await);
            assert_eq!(end.state, JobState::Failed);
            assert_eq!(end.error.unwrap().kind, ErrorKind::Interrupted);
            assert_eq!(bench.submits(), 0);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_that_fails_after_the_submit_is_retried_and_resume_finishes_the_job() {
    let bench = Bench::new(SimConfig::fast()).await;
    // Written when made (1), before the submit (2), with fal's request id (3); the disk is
    // full from then on, through the end of the run and its retries.
    bench.faults.fail_from(4);
    let (engine, mut events) = bench.engine();
    engine.submit(job(IMAGE_URL));
    let events = run_to_end(&engine, &mut events).await;

    assert_eq!(bench.submits(), 1);
    // Here the job went on to its end; on disk it is where the disk filled up.
    assert_eq!(last_record(&events).state, JobState::Completed);
    let behind = bench.on_disk().unwrap();
    assert!(
        matches!(behind.state, JobState::Queued { .. }),
        "{behind:#?}"
    );
    assert!(behind.request.is_some());
    assert!(matches!(behind.submit_sent, SubmitSent::At(_)));
    // Every save after the third was tried more than once, and the last word says what
    // to do.
    assert!(
        bench.faults.writes() > 8,
        "{} writes",
        bench.faults.writes()
    );
    let failures = store_failures(&events);
    let last = failures.last().unwrap();
    assert!(
        last.contains("i2v resume") && last.contains("Free some space"),
        "{failures:#?}"
    );
    assert!(
        failures[0].contains("fal has this job (request"),
        "{failures:#?}"
    );

    // Space comes back: resume finishes the job, video and all, without a second submit.
    bench.faults.heal();
    let (engine, mut events) = bench.engine();
    let report = engine.resume_unfinished();
    assert_eq!(report.resumed, vec![behind.id.clone()]);
    run_to_end(&engine, &mut events).await;
    let done = bench.on_disk().unwrap();
    assert_eq!(done.state, JobState::Completed);
    assert!(done.error.is_none(), "{:?}", done.error);
    let video = done.result.unwrap().local_file.unwrap();
    assert!(video.is_file());
    assert_eq!(bench.submits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn space_that_comes_back_while_the_job_runs_saves_the_record() {
    // Long enough in fal's queue for the retries to find the space again.
    let bench = Bench::new(SimConfig {
        queue_time: Duration::from_millis(1500),
        ..SimConfig::fast()
    })
    .await;
    bench.faults.fail_from(3);
    let (engine, mut events) = bench.engine();
    engine.submit(job(IMAGE_URL));
    let mut seen = Vec::new();
    // The save with fal's request id fails, and says so.
    loop {
        let event = tokio::time::timeout(Duration::from_secs(20), events.recv())
            .await
            .unwrap()
            .unwrap();
        let failed = matches!(event, JobEvent::StoreFailed { .. });
        seen.push(event);
        if failed {
            break;
        }
    }
    let on_disk = bench.on_disk().unwrap();
    assert!(on_disk.request.is_none());
    assert!(matches!(on_disk.submit_sent, SubmitSent::At(_)));
    bench.faults.heal();

    seen.extend(run_to_end(&engine, &mut events).await);
    assert!(
        seen.iter()
            .any(|e| matches!(e, JobEvent::StoreRecovered { .. })),
        "{seen:#?}"
    );
    let done = bench.on_disk().unwrap();
    assert_eq!(done.state, JobState::Completed);
    assert!(done.result.unwrap().local_file.is_some());
    assert_eq!(bench.submits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_id_never_saved_is_named_in_the_last_word() {
    let bench = Bench::new(SimConfig::fast()).await;
    bench.faults.fail_from(3);
    let (engine, mut events) = bench.engine();
    engine.submit(job(IMAGE_URL));
    let events = run_to_end(&engine, &mut events).await;

    assert_eq!(bench.submits(), 1);
    let request = last_record(&events).request.unwrap().request_id;
    let failures = store_failures(&events);
    let last = failures.last().unwrap();
    assert!(
        last.contains(&format!("request {request}")) && last.contains("note the request id"),
        "{failures:#?}"
    );
    // On disk the job went out with its answer lost: resume says so and sends nothing.
    bench.faults.heal();
    let (engine, mut events) = bench.engine();
    engine.resume_unfinished();
    let end = last_record(&run_to_end(&engine, &mut events).await);
    assert_eq!(end.state, JobState::MaybeSubmitted);
    assert_eq!(bench.submits(), 1);
}
