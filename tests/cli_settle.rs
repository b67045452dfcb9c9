//! A submit whose answer was lost is settled from fal's own records (the Platform API's list of
//! the endpoint's requests), never by sending it again: found at once, found only after the
//! list's lag, never made, two identical inputs in flight, payloads not kept, the records out
//! of reach; by the run itself, by `resume` and by `history check`. Each counts the submits
//! the simulated fal received: always one per job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::time::{Duration, Instant};

use i2v_sim::{Fault, Route, SimConfig};
use i2v_store::{JobState, Verdict};
use support::{Sandbox, Sim, quick, timeline};

const IMAGE_URL: &str = "https://example.com/frame.png";

/// The simulated fal, its records lagging a little behind a submit: less than any rule below
/// (as fal's few seconds are less than the 10 s rule), or an empty list could be read too
/// late as "never made".
fn sim() -> Sim {
    Sim::start(SimConfig {
        list_lag: Duration::from_millis(200),
        ..quick()
    })
}

/// A sandbox whose "fal does not have it" rule is `settle_ms` instead of 10 s.
fn sandbox(sim: &Sim, settle_ms: u64) -> Sandbox {
    let mut sandbox = Sandbox::new(&sim.url());
    sandbox.set("I2V_SETTLE_AFTER_MS", &settle_ms.to_string());
    sandbox
}

fn submit(sandbox: &Sandbox, extra: &[&str]) -> support::Run {
    sandbox.submit("a cat walks", IMAGE_URL, extra)
}

fn verdict(record: &i2v_store::JobRecord) -> Option<Verdict> {
    record.lost_submit.as_ref().and_then(|l| l.verdict.clone())
}

#[test]
fn a_lost_answer_whose_job_fal_has_is_found_at_once_and_followed() {
    let sim = Sim::start(SimConfig {
        list_lag: Duration::ZERO,
        ..quick()
    });
    sim.faults().push(Route::Submit, Fault::ResetAfterBody, 1);
    let sandbox = sandbox(&sim, 2000);
    let run = submit(&sandbox, &[]);
    run.expect_code(0)
        .expect_stderr("checking fal's records")
        .expect_stderr("fal's records show the request it made");
    assert!(!run.stderr.contains("maybe"), "{}", run.stderr);
    assert_eq!(sim.count("submit"), 1, "never sent again");
    assert_eq!(sim.count("requests"), 1, "one look was enough");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert!(record.error.is_none(), "{:?}", record.error);
    assert_eq!(
        record.request.as_ref().unwrap().request_id.0,
        sim.request_ids()[0]
    );
    assert_eq!(verdict(&record), Some(Verdict::Found));
    assert_eq!(timeline(&record)[..2], ["preparing", "queued"]);
    let video = record.result.unwrap().local_file.unwrap();
    assert_eq!(std::fs::read(video).unwrap(), support::sample_mp4());
}

#[test]
fn a_lost_answer_is_found_after_the_lists_lag() {
    let sim = Sim::start(SimConfig {
        list_lag: Duration::from_millis(1200),
        ..quick()
    });
    sim.faults().push(Route::Submit, Fault::ResetAfterBody, 1);
    let sandbox = sandbox(&sim, 4000);
    submit(&sandbox, &["--no-download"]).expect_code(0);
    assert_eq!(sim.count("submit"), 1);
    assert!(sim.count("requests") >= 2, "looked again after the lag");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert_eq!(verdict(&record), Some(Verdict::Found));
}

#[test]
fn a_submit_fal_never_made_fails_safe_to_rerun_only_after_the_rule() {
    let sim = sim();
    // The connection breaks before the sim takes the job: fal never made it.
    sim.faults().push(Route::Submit, Fault::Reset, 1);
    let sandbox = sandbox(&sim, 1500);
    let started = Instant::now();
    let run = submit(&sandbox, &["--no-download"]);
    let took = started.elapsed();
    run.expect_code(1)
        .expect_stderr("not submitted, safe to re-run")
        .expect_stderr("fal's records showed no request like it");
    assert!(
        took >= Duration::from_millis(1500),
        "concluded after {took:?}"
    );
    assert_eq!(sim.count("submit"), 1);
    assert!(sim.count("requests") >= 2, "looked more than once");
    assert!(sim.request_ids().is_empty());
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Failed);
    assert_eq!(verdict(&record), Some(Verdict::NotMade));
    assert!(record.request.is_none());
    assert_eq!(record.error.unwrap().kind.to_string(), "not_submitted");
}

#[test]
fn two_identical_inputs_in_flight_each_adopt_their_own_request() {
    let sim = sim();
    sim.faults().push(Route::Submit, Fault::ResetAfterBody, 2);
    let sandbox = sandbox(&sim, 2000);
    submit(&sandbox, &["--repeat", "2", "--yes", "--no-download"]).expect_code(0);
    assert_eq!(sim.count("submit"), 2, "one submit per job");
    let records = sandbox.records();
    assert_eq!(records.len(), 2);
    let mut adopted: Vec<String> = records
        .iter()
        .map(|r| {
            assert_eq!(r.state, JobState::Completed, "{r:#?}");
            r.request.as_ref().unwrap().request_id.0.clone()
        })
        .collect();
    adopted.sort();
    let mut made = sim.request_ids();
    made.sort();
    assert_eq!(adopted, made, "each request adopted by exactly one job");
}

#[test]
fn payloads_not_kept_leave_the_job_maybe_sent_and_say_so() {
    let sim = Sim::start(SimConfig {
        list_lag: Duration::ZERO,
        ..quick()
    });
    sim.faults().push(Route::Submit, Fault::ResetAfterBody, 1);
    let sandbox = sandbox(&sim, 800);
    let run = submit(&sandbox, &["--no-store-io", "--no-download"]);
    run.expect_code(3)
        .expect_stderr("X-Fal-Store-IO: 0")
        .expect_stderr("https://fal.ai/dashboard")
        .expect_stderr("will not send it again");
    assert_eq!(sim.count("submit"), 1);
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::MaybeSubmitted);
    assert_eq!(verdict(&record), Some(Verdict::NoPayloads));

    // Nothing more to learn from the records: resume lists it and asks nothing.
    let looks = sim.count("requests");
    sandbox
        .run(&["resume"])
        .expect_code(0)
        .expect_stderr("could not tell")
        .expect_stderr("nothing to resume");
    assert_eq!(sim.count("requests"), looks);
    assert_eq!(sim.count("submit"), 1);
}

#[test]
fn records_out_of_reach_keep_the_job_maybe_sent_until_resume_settles_it() {
    let sim = sim();
    sim.faults().push(Route::Submit, Fault::ResetAfterBody, 1);
    sim.faults().push(Route::Requests, Fault::Unauthorized, 1);
    let sandbox = sandbox(&sim, 2000);
    let run = submit(&sandbox, &["--no-download"]);
    run.expect_code(3)
        .expect_stderr("could not ask fal's records")
        .expect_stderr("i2v history check");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::MaybeSubmitted);
    assert_eq!(verdict(&record), Some(Verdict::Unreachable));

    let run = sandbox.run(&["resume"]);
    run.expect_code(0)
        .expect_stderr("checking fal's records for 1 job");
    assert_eq!(sim.count("submit"), 1, "settled, not sent again");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert_eq!(verdict(&record), Some(Verdict::Found));
    assert!(record.error.is_none());
    let states = timeline(&record);
    assert!(
        states.windows(2).any(|w| w == ["maybe sent", "queued"]),
        "{states:?}"
    );
}

#[test]
fn history_check_settles_one_job() {
    let sim = sim();
    sim.faults().push(Route::Submit, Fault::ResetAfterBody, 1);
    sim.faults().push(Route::Requests, Fault::Status(401), 1);
    let sandbox = sandbox(&sim, 2000);
    submit(&sandbox, &["--no-download"]).expect_code(3);
    let id = sandbox.only_record().id.to_string();

    let run = sandbox.run(&["history", "check", &id[..10]]);
    run.expect_code(0);
    assert!(
        run.stdout.starts_with("http://"),
        "the video URL: {}",
        run.stdout
    );
    assert_eq!(sandbox.only_record().state, JobState::Completed);
    assert_eq!(sim.count("submit"), 1);

    sandbox
        .run(&["history", "check", &id])
        .expect_code(0)
        .expect_stderr("nothing to check");
}

#[test]
fn history_check_of_a_job_fal_never_made_marks_it_safe_to_rerun() {
    let sim = sim();
    sim.faults().push(Route::Submit, Fault::Reset, 1);
    sim.faults().push(Route::Requests, Fault::Status(403), 1);
    let sandbox = sandbox(&sim, 300);
    submit(&sandbox, &["--no-download"]).expect_code(3);
    let id = sandbox.only_record().id.to_string();
    sandbox
        .run(&["history", "check", &id])
        .expect_code(1)
        .expect_stderr("safe to re-run");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Failed);
    assert_eq!(record.error.unwrap().kind.to_string(), "not_submitted");
    assert_eq!(sim.count("submit"), 1);
}
