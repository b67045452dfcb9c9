//! A job fal finished is paid for: trouble reading its result must leave it resumable, and
//! what fal sends back must reach the terminal clean. Also what `i2v submit` records for a
//! later `i2v resume` (`--no-download`, `--timeout`), and a jobs dir it cannot write.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::time::Duration;

use i2v_sim::{Fault, Route, SimConfig};
use i2v_store::JobState;
use support::{Sandbox, Sim, finish, interrupt, quick, timeline};

const IMAGE_URL: &str = "https://example.com/frame.png";

fn submit(sandbox: &Sandbox, extra: &[&str]) -> support::Run {
    sandbox.submit("a heron lifts off", IMAGE_URL, extra)
}

/// Characters that act on a terminal: C0 (but newline), DEL, C1, bidi controls.
fn assert_clean(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
        })
        .collect();
    assert!(bad.is_empty(), "{what} holds {bad:?}:\n{text}");
}

#[test]
fn six_5xx_on_the_result_leave_the_job_pending_then_completed() {
    let sim = Sim::start(quick());
    // Six is what one call retries before giving up: the engine must ask again after that.
    sim.faults().push(Route::Result, Fault::Status(503), 6);
    let sandbox = Sandbox::new(&sim.url());
    let run = submit(&sandbox, &["--no-download"]);
    run.expect_code(0);
    run.expect_stderr("result could not be read");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert!(record.result.is_some());
    assert!(
        timeline(&record).contains(&"result pending"),
        "{:?}",
        timeline(&record)
    );
    assert_eq!(sim.count("result"), 7);
}

#[test]
fn a_400_still_in_progress_and_html_pages_after_completed_are_asked_again() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Result, Fault::NotReady, 2);
    sim.faults().push(Route::Result, Fault::NotMp4, 3);
    let sandbox = Sandbox::new(&sim.url());
    submit(&sandbox, &["--no-download"]).expect_code(0);
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert!(record.error.is_none(), "{:?}", record.error);
    assert_eq!(sim.count("result"), 6);
}

#[test]
fn a_result_pending_job_is_resumed() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Result, Fault::Status(500), 1000);
    let sandbox = Sandbox::new(&sim.url());
    let child = sandbox.spawn(&["submit", "--prompt", "p", "--image", IMAGE_URL]);
    sandbox.wait_for_record("the result pending", |r| r.state == JobState::ResultPending);
    interrupt(&child);
    finish(child).expect_code(130).expect_stderr("i2v resume");
    assert_eq!(sandbox.only_record().state, JobState::ResultPending);

    sim.faults().clear();
    let resume = sandbox.run(&["resume"]);
    resume.expect_code(0);
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert!(record.result.and_then(|r| r.local_file).is_some());
    assert_eq!(sim.count("submit"), 1);
}

#[cfg(target_os = "linux")]
#[test]
fn an_unwritable_jobs_dir_stops_the_job_before_anything_is_sent() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    std::fs::create_dir_all(sandbox.data_dir()).unwrap();
    // /sys refuses new files even to root, where a read-only mode would not.
    std::os::unix::fs::symlink("/sys", sandbox.jobs_dir()).unwrap();
    let run = submit(&sandbox, &[]);
    run.expect_code(1);
    run.expect_stderr("could not save the job's record, so nothing was sent to fal");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    // fal's price list is read (what a job costs is known before its record is made); nothing
    // else may reach fal.
    assert_eq!(
        sim.stats().requests,
        sim.count("pricing"),
        "nothing may reach fal's queue"
    );
    assert_eq!(sim.count("submit") + sim.count("upload"), 0);
}

#[test]
fn no_download_is_remembered_by_resume() {
    let sim = Sim::start(SimConfig {
        queue_time: Duration::from_millis(50),
        run_time: Duration::from_secs(2),
        ..SimConfig::default()
    });
    let sandbox = Sandbox::new(&sim.url());
    let child = sandbox.spawn(&[
        "submit",
        "--prompt",
        "p",
        "--image",
        IMAGE_URL,
        "--no-download",
    ]);
    sandbox.wait_for_record("the job running", |r| r.state == JobState::Running);
    interrupt(&child);
    finish(child).expect_code(130);

    sandbox.run(&["resume"]).expect_code(0);
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert!(record.no_download);
    assert_eq!(record.result.unwrap().local_file, None);
    assert_eq!(sim.count("file"), 0, "the video must not be downloaded");
}

#[test]
fn timeout_leaves_the_job_recorded_and_resumable_with_exit_124() {
    let sim = Sim::start(SimConfig {
        queue_time: Duration::from_secs(8),
        ..quick()
    });
    let sandbox = Sandbox::new(&sim.url());
    let run = submit(&sandbox, &["--timeout", "2s", "--no-download"]);
    run.expect_code(124);
    run.expect_stderr("timed out after 2s");
    run.expect_stderr("i2v resume");
    let before = sandbox.only_record();
    assert!(
        before.request.is_some() && !before.state.is_terminal(),
        "{before:#?}"
    );

    sandbox.run(&["resume"]).expect_code(0);
    assert_eq!(sandbox.only_record().state, JobState::Completed);
    assert_eq!(sim.count("submit"), 1);
}

#[test]
fn a_hostile_video_url_and_data_dir_reach_stdout_clean() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Result, Fault::HostileUrl, 1);
    let mut sandbox = Sandbox::new(&sim.url());
    let data = sandbox
        .root()
        .join("data\u{1b}]0;owned\u{7}\u{9b}2J\u{202e}dir");
    sandbox.set("I2V_DATA_DIR", data.to_str().unwrap());

    let run = submit(&sandbox, &[]);
    run.expect_code(0);
    assert_clean("submit's stdout", &run.stdout);
    assert_clean("submit's stderr", &run.stderr);
    let url = run.stdout.lines().next().unwrap();
    assert!(url.contains("/output.mp4?t=%1B[201~"), "{url}");
    let id = std::fs::read_dir(data.join("jobs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let stored: i2v_store::JobRecord = serde_json::from_slice(
        &std::fs::read(data.join("jobs").join(format!("{id}.json"))).unwrap(),
    )
    .unwrap();
    let raw_url = stored.result.unwrap().url;
    assert!(
        raw_url.ends_with(i2v_sim::HOSTILE_QUERY),
        "kept as data: {raw_url:?}"
    );

    let show = sandbox.run(&["history", "show", &id]);
    show.expect_code(0);
    assert_clean("history show", &show.stdout);
    show.expect_stdout("file ");

    for args in [
        vec!["history", "show", &id, "--json"],
        // Summaries carry no URL; whole records do.
        vec!["history", "list", "--json", "--full"],
    ] {
        let run = sandbox.run(&args);
        run.expect_code(0);
        assert_clean(&args.join(" "), &run.stdout);
        // The same data for a JSON reader.
        let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert!(value.to_string().contains("\\u001b[201~"), "{value}");
    }

    sim.faults().push(Route::Result, Fault::HostileUrl, 1);
    let json = submit(&sandbox, &["--json", "--no-download"]);
    json.expect_code(0);
    assert_clean("submit --json", &json.stdout);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let url = value["result"]["url"].as_str().unwrap();
    assert!(url.ends_with(i2v_sim::HOSTILE_QUERY), "{url:?}");
}

#[test]
fn a_retry_after_beyond_the_limit_says_fal_asked_to_wait() {
    let sim = Sim::start(quick());
    sim.faults().push(
        Route::Submit,
        Fault::RateLimited {
            retry_after_secs: 900,
        },
        1,
    );
    let sandbox = Sandbox::new(&sim.url());
    let run = submit(&sandbox, &["--no-download"]);
    run.expect_code(1);
    run.expect_stderr("fal asked to wait 900 s");
    assert!(!run.stderr.contains("1 attempts"), "{}", run.stderr);
    assert_eq!(sim.count("submit"), 1, "not waited for, not retried");
}
