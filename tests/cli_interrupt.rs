//! Jobs that outlive the process that submitted them: `i2v cancel` from another process,
//! `kill -9` and Ctrl-C during a job, and `i2v resume` picking the job up again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::time::Duration;

use i2v_sim::SimConfig;
use i2v_store::{JobRecord, JobState};
use support::{Sandbox, Sim, TEST_KEY, finish, interrupt, sample_mp4};

const IMAGE_URL: &str = "https://example.com/frame.png";
const SUBMIT: [&str; 5] = ["submit", "--prompt", "a long take", "--image", IMAGE_URL];

/// Slow enough to act on mid-run: two seconds of logs, one line every 100 ms.
fn slow() -> SimConfig {
    SimConfig {
        queue_time: Duration::from_millis(50),
        run_time: Duration::from_secs(2),
        log_interval: Duration::from_millis(100),
        ..SimConfig::default()
    }
}

fn accepted(record: &JobRecord) -> bool {
    record.request.is_some() && !record.state.is_terminal()
}

/// `i2v submit` of a local image whose upload hangs: returned once the upload has started,
/// so the job is stopped before it ever reached fal's queue.
fn submit_with_a_stalled_upload(sim: &Sim, sandbox: &Sandbox) -> std::process::Child {
    sim.faults().push(
        i2v_sim::Route::Upload,
        i2v_sim::Fault::Stall(Duration::from_secs(30)),
        1,
    );
    let png = support::fixture("frame.png");
    let child = sandbox.spawn(&["submit", "--prompt", "x", "--image", png.to_str().unwrap()]);
    sandbox.wait_for_record("the job to be created", |r| r.state == JobState::Preparing);
    // The upload has started (and stalls) once the sim has seen it.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while sim.count("upload") == 0 {
        assert!(std::time::Instant::now() < deadline, "upload never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// Checks a resumed job ended completed, with the video and with exactly fal's logs.
fn assert_completed_in_full(sim: &Sim, sandbox: &Sandbox, before: &JobRecord) {
    let record = sandbox.only_record();
    assert_eq!(record.id, before.id);
    assert_eq!(record.state, JobState::Completed, "{record:#?}");
    assert_eq!(record.request, before.request, "the same fal request");
    // Logs continue where they stopped: what was saved before is a prefix, nothing repeats.
    assert_eq!(record.logs[..before.logs.len()], before.logs[..]);
    assert_eq!(record.logs, sim.logs(&record, TEST_KEY));
    let file = record
        .result
        .as_ref()
        .and_then(|r| r.local_file.as_ref())
        .expect("the video was downloaded");
    assert_eq!(std::fs::read(file).unwrap(), sample_mp4());
    assert_eq!(sim.count("submit"), 1, "resume must not submit again");
}

#[test]
fn cancel_from_another_process() {
    let sim = Sim::start(SimConfig {
        queue_time: Duration::from_secs(30),
        ..slow()
    });
    let sandbox = Sandbox::new(&sim.url());
    let child = sandbox.spawn(&SUBMIT);
    let record = sandbox.wait_for_record("the request id", accepted);
    assert!(
        matches!(record.state, JobState::Queued { .. }),
        "{record:?}"
    );

    // People type ids in lower case, and only as much as is unique.
    let prefix = record.id.as_str()[..12].to_ascii_lowercase();
    let cancel = sandbox.run(&["cancel", &prefix]);
    cancel.expect_code(0);
    cancel.expect_stderr("cancellation requested");
    assert_eq!(sim.count("cancel"), 1);

    let submit = finish(child);
    submit.expect_code(1);
    assert!(submit.stdout.is_empty(), "{}", submit.stdout);
    submit.expect_stderr("cancelled");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Cancelled, "{record:#?}");
    assert!(record.result.is_none());

    // Cancelling a finished job says so and changes nothing.
    sandbox
        .run(&["cancel", record.id.as_str()])
        .expect_code(0)
        .expect_stderr("already cancelled");
    assert_eq!(sim.count("cancel"), 1);
}

#[test]
fn resume_after_kill_9() {
    let sim = Sim::start(slow());
    let sandbox = Sandbox::new(&sim.url());
    let mut child = sandbox.spawn(&SUBMIT);
    let before = sandbox.wait_for_record("a running job with saved logs", |r| {
        accepted(r) && r.logs.len() >= 2
    });
    child.kill().unwrap(); // SIGKILL: no chance to save anything more
    let killed = finish(child);
    assert_eq!(killed.code, None, "killed by a signal");
    let before = {
        // The record as the dead process left it.
        let left = sandbox.only_record();
        assert!(left.logs.len() >= before.logs.len());
        assert!(accepted(&left), "{left:#?}");
        left
    };
    assert!(
        sim.stats().completed_at.is_empty(),
        "the job should still have been running when killed"
    );

    let resume = sandbox.run(&["resume"]);
    resume.expect_code(0);
    resume.expect_stderr("resuming 1 job");
    let record = sandbox.only_record();
    let result = record.result.as_ref().expect("a result");
    resume.expect_stdout(&result.url);
    assert_completed_in_full(&sim, &sandbox, &before);

    // Nothing is left to resume.
    sandbox
        .run(&["resume"])
        .expect_code(0)
        .expect_stderr("nothing to resume");
}

#[test]
fn ctrl_c_leaves_a_resumable_job() {
    let sim = Sim::start(slow());
    let sandbox = Sandbox::new(&sim.url());
    let child = sandbox.spawn(&SUBMIT);
    sandbox.wait_for_record("a running job", |r| {
        accepted(r) && r.state == JobState::Running
    });
    interrupt(&child);
    let run = finish(child);
    run.expect_code(130);
    run.expect_stderr("i2v resume");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let before = sandbox.only_record();
    assert!(accepted(&before), "left non-terminal: {before:#?}");
    assert!(before.error.is_none(), "{:?}", before.error);
    // Issue 21 §8: the job goes on at fal, but no lock file waits for the next start.
    let locks: Vec<_> = std::fs::read_dir(sandbox.data_dir().join("locks"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(locks.is_empty(), "lock files left behind: {locks:?}");

    let resume = sandbox.run(&["resume", "--json"]);
    resume.expect_code(0);
    let lines: Vec<&str> = resume.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", resume.stdout);
    let value: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(value["id"], before.id.as_str());
    assert_eq!(value["state"]["state"], "completed");
    assert_completed_in_full(&sim, &sandbox, &before);
}

#[test]
fn resume_after_fal_finished_without_us() {
    let sim = Sim::start(SimConfig {
        run_time: Duration::from_millis(800),
        ..slow()
    });
    let sandbox = Sandbox::new(&sim.url());
    let mut child = sandbox.spawn(&SUBMIT);
    sandbox.wait_for_record("a running job with saved logs", |r| {
        accepted(r) && r.logs.len() >= 2
    });
    child.kill().unwrap();
    finish(child);
    let before = sandbox.only_record();
    let request = before.request.clone().expect("a request id").request_id.0;
    // Wait (on the sim's side) for the job to finish with nobody watching.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !sim.stats().completed_at.contains_key(&request) {
        assert!(std::time::Instant::now() < deadline, "sim never finished");
        std::thread::sleep(Duration::from_millis(20));
    }

    sandbox.run(&["resume"]).expect_code(0);
    assert_completed_in_full(&sim, &sandbox, &before);
}

#[test]
fn resume_finishes_several_jobs() {
    let sim = Sim::start(slow());
    let sandbox = Sandbox::new(&sim.url());
    let mut children = vec![sandbox.spawn(&SUBMIT), sandbox.spawn(&SUBMIT)];
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let records = sandbox.records_lenient();
        if records.len() == 2 && records.iter().all(accepted) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "jobs never accepted");
        std::thread::sleep(Duration::from_millis(20));
    }
    for child in &mut children {
        child.kill().unwrap();
    }
    for child in children {
        finish(child);
    }

    let resume = sandbox.run(&["resume"]);
    resume.expect_code(0);
    resume.expect_stderr("resuming 2 jobs");
    let records = sandbox.records();
    assert_eq!(records.len(), 2);
    for record in &records {
        assert_eq!(record.state, JobState::Completed, "{record:#?}");
        assert_eq!(record.logs, sim.logs(record, TEST_KEY));
        let result = record.result.as_ref().expect("a result");
        resume.expect_stdout(&result.url);
        // With several jobs, each progress line says which job it is about.
        let short = &record.id.as_str()[record.id.as_str().len() - 6..];
        resume.expect_stderr(&format!("[{short}]"));
    }
    assert_eq!(sim.count("submit"), 2);
}

#[test]
fn ctrl_c_during_resume_keeps_the_job_resumable() {
    let sim = Sim::start(slow());
    let sandbox = Sandbox::new(&sim.url());
    let mut child = sandbox.spawn(&SUBMIT);
    sandbox.wait_for_record("an accepted job", accepted);
    child.kill().unwrap();
    finish(child);

    let resume = sandbox.spawn(&["resume"]);
    // Wait for the resumed run to be under way (it saves as logs arrive).
    let first = sandbox.only_record();
    sandbox.wait_for_record("the resumed job to make progress", |r| {
        r.logs.len() > first.logs.len() || r.updated_at > first.updated_at
    });
    interrupt(&resume);
    let run = finish(resume);
    run.expect_code(130);
    run.expect_stderr("i2v resume");
    let before = sandbox.only_record();
    assert!(accepted(&before), "{before:#?}");

    sandbox.run(&["resume"]).expect_code(0);
    assert_completed_in_full(&sim, &sandbox, &before);
}

#[test]
fn ctrl_c_before_fal_accepted_the_job_does_not_promise_a_resume() {
    let sim = Sim::start(slow());
    let sandbox = Sandbox::new(&sim.url());
    let child = submit_with_a_stalled_upload(&sim, &sandbox);
    interrupt(&child);
    let run = finish(child);
    run.expect_code(130);
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Failed, "{record:#?}");
    assert_eq!(
        record.error.as_ref().map(|e| e.kind.as_str()),
        Some("interrupted")
    );
    assert_eq!(sim.count("submit"), 0);
    // Nothing runs on fal and `resume` cannot finish it: the message must not say so.
    assert!(!run.stderr.contains("still runs on fal"), "{}", run.stderr);
    run.expect_stderr("submit it again");
    let resume = sandbox.run(&["resume"]);
    resume.expect_code(0);
    resume.expect_stderr("nothing to resume");
}

/// Issue 21 §8: killed (no chance to save anything) while uploading the image, the job is
/// later known never to have been sent, not called "maybe sent".
#[test]
fn killed_during_the_upload_the_job_is_not_called_maybe_sent() {
    let sim = Sim::start(slow());
    let sandbox = Sandbox::new(&sim.url());
    let mut child = submit_with_a_stalled_upload(&sim, &sandbox);
    child.kill().unwrap();
    child.wait().unwrap();

    let resume = sandbox.run(&["resume"]);
    resume.expect_code(1).expect_stderr("nothing reached fal");
    assert!(
        !resume.stderr.contains("may have been submitted"),
        "{}",
        resume.stderr
    );
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Failed, "{record:#?}");
    assert_eq!(record.error.unwrap().kind.as_str(), "interrupted");
    assert_eq!(sim.count("submit"), 0);
}

#[test]
fn resume_leaves_a_job_to_the_process_that_runs_it() {
    let sim = Sim::start(slow());
    let sandbox = Sandbox::new(&sim.url());
    let child = sandbox.spawn(&SUBMIT);
    let running = sandbox.wait_for_record("the request id", accepted);

    // A second process (a workbench starting, a script) tries to resume meanwhile.
    sandbox
        .run(&["resume"])
        .expect_code(0)
        .expect_stderr("followed by another i2v process")
        .expect_stderr("nothing to resume");

    let submit = finish(child);
    submit.expect_code(0);
    assert_completed_in_full(&sim, &sandbox, &running);
    assert_eq!(
        sim.count("stream"),
        1,
        "only the submitting process followed the job"
    );
}
