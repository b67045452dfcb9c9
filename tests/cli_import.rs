//! `i2v history import --from-fal`: jobs made elsewhere (fal's playground, another machine)
//! brought in from fal's records of the model's requests, against the simulated fal: marked
//! imported (in the JSON and for `is:imported`), their videos downloaded unless told not to,
//! and nothing imported twice.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::time::Duration;

use i2v_store::JobState;
use serde_json::json;
use support::{Sandbox, Sim, quick};

const IMAGE_URL: &str = "https://example.com/frame.png";
const HOUR: Duration = Duration::from_secs(3600);

fn input(prompt: &str) -> serde_json::Value {
    json!({"prompt": prompt, "image_url": IMAGE_URL, "prompt_optimizer": false})
}

fn import(sandbox: &Sandbox, extra: &[&str]) -> support::Run {
    let mut args = vec!["history", "import", "--from-fal"];
    args.extend_from_slice(extra);
    sandbox.run(&args)
}

#[test]
fn requests_made_elsewhere_become_jobs_once_with_their_videos() {
    // The records show a request at once: the one made here is there to be left out.
    let sim = Sim::start(i2v_sim::SimConfig {
        list_lag: Duration::ZERO,
        ..quick()
    });
    let sandbox = Sandbox::new(&sim.url());
    // One job made here, two elsewhere (one of them failed on fal).
    sandbox
        .submit("made here", IMAGE_URL, &["--no-download"])
        .expect_code(0);
    let fox = sim.made_elsewhere(input("a fox in the playground"), HOUR);
    let failed = sim.made_elsewhere(input("a crash sim:fail"), 2 * HOUR);
    assert_eq!(sim.request_ids().len(), 3);

    let run = import(&sandbox, &[]);
    run.expect_code(0)
        .expect_stderr("imported 2 jobs from fal's records since ")
        .expect_stderr("1 completed, 1 failed")
        .expect_stdout("completed a fox in the playground");
    let records = sandbox.records();
    assert_eq!(records.len(), 3);
    let imported: Vec<_> = records.iter().filter(|r| r.imported_at.is_some()).collect();
    assert_eq!(imported.len(), 2);
    let done = imported
        .iter()
        .find(|r| r.request.as_ref().unwrap().request_id.0 == fox)
        .unwrap();
    assert_eq!(done.state, JobState::Completed);
    assert_eq!(done.input.prompt, "a fox in the playground");
    assert_eq!(done.input.image.display(), IMAGE_URL);
    assert!(!done.input.prompt_optimizer);
    assert!(done.error.is_none(), "{:?}", done.error);
    let file = done.result.as_ref().unwrap().local_file.clone().unwrap();
    assert!(
        file.is_file(),
        "the video is downloaded: {}",
        file.display()
    );
    let age = chrono::Utc::now() - done.created_at;
    assert!(
        (59..=61).contains(&age.num_minutes()),
        "created when fal says it was sent: {age}"
    );
    let crashed = imported
        .iter()
        .find(|r| r.request.as_ref().unwrap().request_id.0 == failed)
        .unwrap();
    assert_eq!(crashed.state, JobState::Failed);
    // The mark is in the record's JSON.
    let shown = sandbox.run(&["history", "show", done.id.as_str(), "--json"]);
    shown.expect_code(0).expect_stdout("\"imported_at\":");
    sandbox
        .run(&["history", "show", done.id.as_str()])
        .expect_code(0)
        .expect_stdout("imported  from fal's records, ");
    let listed = sandbox.run(&["history", "list", "--json"]);
    listed.expect_code(0);
    let listed: Vec<serde_json::Value> = serde_json::from_str(listed.stdout.trim()).unwrap();
    let marks: Vec<bool> = listed.iter().map(|j| j["imported"] == true).collect();
    assert_eq!(marks.iter().filter(|m| **m).count(), 2, "{listed:?}");
    let results_before = sim.count("result");

    // Again: nothing new, nothing twice.
    import(&sandbox, &[])
        .expect_code(0)
        .expect_stderr("nothing to import");
    assert_eq!(sandbox.records().len(), 3);
    assert_eq!(sim.count("submit"), 1, "importing never submits");
    assert_eq!(sim.count("result"), results_before);
}

#[test]
fn no_download_keeps_the_url_and_since_narrows_the_window() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sim.made_elsewhere(input("three days ago"), 72 * HOUR);
    sim.made_elsewhere(input("an hour ago"), HOUR);

    import(&sandbox, &["--since", "1d", "--no-download"])
        .expect_code(0)
        .expect_stderr("imported 1 job from");
    let records = sandbox.records();
    assert_eq!(records.len(), 1);
    let job = &records[0];
    assert_eq!(job.input.prompt, "an hour ago");
    assert!(job.no_download);
    assert!(job.error.is_none());
    let result = job.result.as_ref().unwrap();
    assert!(result.url.starts_with("http"), "{}", result.url);
    assert!(result.local_file.is_none());
    assert!(
        sandbox
            .data_files()
            .iter()
            .all(|f| !f.to_string_lossy().ends_with(".mp4")),
        "no video downloaded"
    );

    // The default window (7 days) takes the older one too, and only it.
    import(&sandbox, &["--no-download"])
        .expect_code(0)
        .expect_stderr("imported 1 job from");
    assert_eq!(sandbox.records().len(), 2);
}

#[test]
fn a_request_fal_kept_no_input_of_is_left_out_saying_why() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sim.made_elsewhere_without_input(HOUR);
    import(&sandbox, &[])
        .expect_code(0)
        .expect_stderr("1 request(s) left out: fal kept no input of them")
        .expect_stderr("nothing to import");
    assert!(sandbox.records().is_empty());
}

#[test]
fn fals_records_out_of_reach_import_nothing_and_say_so() {
    let sim = Sim::start(quick());
    sim.faults()
        .push(i2v_sim::Route::Requests, i2v_sim::Fault::Unauthorized, 1);
    let sandbox = Sandbox::new(&sim.url());
    sim.made_elsewhere(input("a fox"), HOUR);
    import(&sandbox, &[])
        .expect_code(2)
        .expect_stderr("fal's records could not be read, so nothing was imported");
    assert!(sandbox.records().is_empty());
}

#[test]
fn requests_still_on_fal_are_imported_for_resume_to_follow_and_one_without_output_fails() {
    // Runs long enough to be still queued or running when the import looks.
    let sim = Sim::start(i2v_sim::SimConfig {
        queue_time: Duration::from_secs(2),
        run_time: Duration::from_secs(3),
        ..quick()
    });
    let sandbox = Sandbox::new(&sim.url());
    let queued = sim.made_elsewhere_as(
        input("a heron still queued"),
        Duration::from_secs(60),
        i2v_sim::Elsewhere::Queued,
    );
    let running = sim.made_elsewhere_as(
        input("a heron still running"),
        Duration::from_secs(90),
        i2v_sim::Elsewhere::Running,
    );
    let lost = sim.made_elsewhere_as(
        input("a heron whose output fal lost"),
        HOUR,
        i2v_sim::Elsewhere::FinishedWithoutOutput,
    );

    import(&sandbox, &[])
        .expect_code(0)
        .expect_stderr("imported 3 jobs from")
        .expect_stderr("0 completed, 1 failed")
        .expect_stderr("2 of them still queued or running on fal: `i2v resume`");
    let by_request = |id: &str| {
        sandbox
            .records()
            .into_iter()
            .find(|r| r.request.as_ref().unwrap().request_id.0 == id)
            .unwrap()
    };
    assert!(
        matches!(by_request(&queued).state, JobState::Queued { .. }),
        "{:?}",
        by_request(&queued).state
    );
    assert_eq!(by_request(&running).state, JobState::Running);
    let failed = by_request(&lost);
    assert_eq!(failed.state, JobState::Failed);
    let why = failed.error.unwrap().message;
    assert!(
        why.contains("fal's records say it finished (HTTP 200) but hold no output"),
        "{why}"
    );
    assert!(failed.result.is_none());

    // resume follows the two to their end, as jobs submitted here: result, video.
    sandbox.run(&["resume"]).expect_code(0);
    for id in [&queued, &running] {
        let done = by_request(id);
        assert_eq!(done.state, JobState::Completed, "{:?}", done.error);
        assert!(done.error.is_none(), "{:?}", done.error);
        let file = done.result.unwrap().local_file.unwrap();
        assert!(file.is_file(), "{}", file.display());
        assert!(done.imported_at.is_some(), "still marked imported");
    }
    // Nothing more to import, and nothing was ever submitted.
    import(&sandbox, &[])
        .expect_code(0)
        .expect_stderr("nothing to import");
    assert_eq!(sandbox.records().len(), 3);
    assert_eq!(sim.count("submit"), 0);
}
