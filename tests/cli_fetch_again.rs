//! A completed job whose video could not be saved is fetched again by `i2v resume` while
//! fal keeps it; a job sent with `--no-download` stays as it is; a result whose video URL is
//! no web address fails the job at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use i2v_sim::{Fault, Route};
use i2v_store::JobState;
use support::{Sandbox, Sim, quick, sample_mp4};

const IMAGE_URL: &str = "https://example.com/frame.png";

#[test]
fn resume_fetches_the_video_a_failed_download_left_on_fal() {
    let sim = Sim::start(quick());
    // An error page served as the video, once.
    sim.faults().push(Route::File, Fault::NotMp4, 1);
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.submit("a heron lifts off the water", IMAGE_URL, &[]);
    run.expect_code(1)
        .expect_stderr("`i2v resume` (or F in the workbench's details) fetches the video again");
    let failed = sandbox.only_record();
    assert_eq!(failed.state, JobState::Completed);
    assert!(failed.result.as_ref().unwrap().local_file.is_none());

    let resumed = sandbox.run(&["resume"]);
    resumed
        .expect_code(0)
        .expect_stderr("fetching the video of 1 completed job again");
    let fetched = sandbox.only_record();
    assert_eq!(fetched.state, JobState::Completed);
    assert!(fetched.error.is_none(), "{:?}", fetched.error);
    let file = fetched.result.as_ref().unwrap().local_file.clone().unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), sample_mp4());
    resumed.expect_stdout(file.to_str().unwrap());
    assert_eq!(sim.count("submit"), 1);

    // Nothing left to fetch.
    sandbox
        .run(&["resume"])
        .expect_code(0)
        .expect_stderr("nothing to resume");
}

#[test]
fn a_video_that_fails_again_keeps_the_job_completed_with_the_new_error() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::File, Fault::NotMp4, 2);
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a heron lifts off the water", IMAGE_URL, &[])
        .expect_code(1);
    sandbox
        .run(&["resume"])
        .expect_code(1)
        .expect_stderr("not an MP4");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert!(record.error.is_some());
    // The third time it comes.
    sandbox.run(&["resume"]).expect_code(0);
    assert!(sandbox.only_record().error.is_none());
}

#[test]
fn jobs_sent_without_downloads_stay_as_they_are() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a heron lifts off the water", IMAGE_URL, &["--no-download"])
        .expect_code(0);
    sandbox
        .run(&["resume"])
        .expect_code(0)
        .expect_stderr("nothing to resume");
    let record = sandbox.only_record();
    assert!(record.result.unwrap().local_file.is_none());
    assert_eq!(sim.count("file"), 0);
    // Nor does a resume with downloads turned off fetch a failed one.
    sim.faults().push(Route::File, Fault::NotMp4, 1);
    sandbox
        .submit("a crane lands", IMAGE_URL, &[])
        .expect_code(1);
    let config = sandbox.config_path();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "download = false\n").unwrap();
    sandbox
        .run(&["resume"])
        .expect_code(0)
        .expect_stderr("nothing to resume");
    assert_eq!(sim.count("file"), 1);
}

#[test]
fn a_video_url_that_is_not_http_fails_the_result_without_downloading() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Result, Fault::FileUrl, 1);
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.submit("a heron lifts off the water", IMAGE_URL, &[]);
    run.expect_code(1)
        .expect_stderr("not an http(s) URL")
        .expect_stderr("file:///etc/passwd");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Failed);
    assert_eq!(record.error.unwrap().kind.as_str(), "malformed");
    assert_eq!(sim.count("file"), 0);
    // Nothing to fetch again either.
    sandbox
        .run(&["resume"])
        .expect_code(0)
        .expect_stderr("nothing to resume");
}
