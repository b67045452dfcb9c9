//! Every way a submit can end, against the simulated fal, counting the submits it received:
//! the POST is repeated only when fal certainly did not take it, and exactly one reaches fal
//! whenever fal may have the job. (A submit whose answer was lost is settled from fal's
//! records: `cli_settle.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use i2v_sim::{Fault, Route};
use i2v_store::JobState;
use support::{Sandbox, Sim, quick};

const IMAGE_URL: &str = "https://example.com/frame.png";

fn submit(sandbox: &Sandbox) -> support::Run {
    sandbox.submit("a cat walks", IMAGE_URL, &["--no-download"])
}

fn error_kind(sandbox: &Sandbox) -> Option<String> {
    sandbox.only_record().error.map(|e| e.kind.to_string())
}

#[test]
fn a_5xx_naming_its_request_is_followed_not_resent() {
    let sim = Sim::start(quick());
    sim.faults().push(
        Route::Submit,
        Fault::ErrorWithId {
            status: 500,
            taken: true,
        },
        1,
    );
    let sandbox = Sandbox::new(&sim.url());
    let run = submit(&sandbox);
    run.expect_code(0)
        .expect_stderr("instead of sending the job again");
    assert_eq!(sim.count("submit"), 1, "fal has the job: never sent twice");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert!(record.request.is_some());
}

#[test]
fn a_request_fal_then_does_not_know_ends_not_submitted() {
    let sim = Sim::start(quick());
    sim.faults().push(
        Route::Submit,
        Fault::ErrorWithId {
            status: 503,
            taken: false,
        },
        1,
    );
    let sandbox = Sandbox::new(&sim.url());
    let run = submit(&sandbox);
    run.expect_code(1).expect_stderr("safe to re-run");
    assert_eq!(sim.count("submit"), 1);
    assert_eq!(sandbox.only_record().state, JobState::Failed);
    assert_eq!(error_kind(&sandbox).as_deref(), Some("not_submitted"));
}

#[test]
fn submits_fal_never_took_are_repeated() {
    for fault in [
        Fault::Ingress(502),
        Fault::Ingress(504),
        Fault::Status(503),
        Fault::Status(408),
    ] {
        let sim = Sim::start(quick());
        sim.faults().push(Route::Submit, fault.clone(), 1);
        let sandbox = Sandbox::new(&sim.url());
        submit(&sandbox).expect_code(0);
        assert_eq!(
            sim.count("submit"),
            2,
            "{fault:?}: one failure, one success"
        );
        assert_eq!(sandbox.only_record().state, JobState::Completed);
    }
}

#[test]
fn a_500_without_a_request_id_is_not_repeated() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Submit, Fault::Status(500), 1);
    let sandbox = Sandbox::new(&sim.url());
    submit(&sandbox).expect_code(1).expect_stderr("HTTP 500");
    assert_eq!(sim.count("submit"), 1);
    assert_eq!(sandbox.only_record().state, JobState::Failed);
}

#[test]
fn a_locked_account_says_top_up_not_check_the_key() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Submit, Fault::Locked, 1);
    let sandbox = Sandbox::new(&sim.url());
    let run = submit(&sandbox);
    run.expect_code(2)
        .expect_stderr("https://fal.ai/dashboard/billing")
        .expect_stderr("Exhausted balance");
    assert!(!run.stderr.contains("FAL_KEY"), "{}", run.stderr);
    assert_eq!(sim.count("submit"), 1, "not retried");
    assert_eq!(error_kind(&sandbox).as_deref(), Some("billing"));
}

#[test]
fn a_422_names_each_field_on_its_own_line() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Submit, Fault::Validation, 1);
    let sandbox = Sandbox::new(&sim.url());
    let run = submit(&sandbox);
    run.expect_code(2)
        .expect_stderr("fal rejected the input:\n  prompt: Simulated fault: prompt was rejected");
    let id = sandbox.only_record().id.to_string();
    sandbox
        .run(&["history", "show", &id])
        .expect_stdout("prompt: Simulated fault: prompt was rejected");
}

#[test]
fn retries_say_why_and_when_the_next_attempt_comes() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Result, Fault::Status(503), 2);
    let sandbox = Sandbox::new(&sim.url());
    let run = submit(&sandbox);
    run.expect_code(0)
        .expect_stderr("retry 1 in ")
        .expect_stderr("retry 2 in ")
        .expect_stderr(" s: HTTP 503");
}

#[test]
fn the_users_start_timeout_fails_the_job_without_retrying() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Result, Fault::StartTimeout, 1);
    let sandbox = Sandbox::new(&sim.url());
    submit(&sandbox)
        .expect_code(1)
        .expect_stderr("start timeout");
    assert_eq!(sim.count("result"), 1);
    assert_eq!(error_kind(&sandbox).as_deref(), Some("start_timeout"));
}

/// Issue 21 §8: an empty `I2V_QUEUE_URL=` (or any base that is no http(s) URL) is refused
/// before anything is created or sent, naming where it came from, instead of six retries of
/// "relative URL without a base".
#[test]
fn a_fal_url_that_is_no_url_is_refused_at_start() {
    let sim = Sim::start(quick());
    for (var, value, why) in [
        ("I2V_QUEUE_URL", "", "it is empty"),
        ("I2V_QUEUE_URL", "queue.fal.run", "does not parse"),
        ("I2V_REST_URL", "ftp://files.example", "not an http(s) URL"),
    ] {
        let mut sandbox = Sandbox::new(&sim.url());
        sandbox.set(var, value);
        for args in [
            vec!["submit", "--prompt", "x", "--image", IMAGE_URL],
            vec!["resume"],
        ] {
            sandbox
                .run(&args)
                .expect_code(2)
                .expect_stderr(&format!("{var} is not a URL i2v can send to: "))
                .expect_stderr(why);
        }
        assert!(sandbox.record_files().is_empty(), "{var}={value:?}");
    }
    // From the config file, it is named there.
    let mut sandbox = Sandbox::new(&sim.url());
    sandbox.unset("I2V_QUEUE_URL");
    let config = sandbox.config_path();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "queue_url = \"\"\n").unwrap();
    sandbox
        .run(&["resume"])
        .expect_code(2)
        .expect_stderr("queue_url in ")
        .expect_stderr("config.toml is not a URL i2v can send to");
    assert_eq!(sim.stats().requests, 0);
}
