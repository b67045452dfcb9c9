//! What `i2v submit` does with bad input, and how it rides out (or reports) fal's failures,
//! using the sim's switchable faults and `i2v fake-fal --fault`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use i2v_sim::{Fault, Route, SimConfig};
use i2v_store::{JobRecord, JobState};
use support::{FakeFal, Sandbox, Sim, TEST_KEY, fixture, http_get, quick};

const IMAGE_URL: &str = "https://example.com/frame.png";

fn submit_url(sandbox: &Sandbox) -> support::Run {
    sandbox.submit("a cat walks", IMAGE_URL, &["--no-download"])
}

#[test]
fn missing_image_file_is_named() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let missing = sandbox.root().join("nowhere").join("frame.png");
    let run = sandbox.submit("x", &missing, &[]);
    run.expect_code(2);
    run.expect_stderr(missing.to_str().unwrap());
    run.expect_stderr("no such file");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(sandbox.records().is_empty(), "no job for bad input");
    assert_eq!(sim.stats().requests, 0);
}

#[test]
fn text_named_png_is_refused_by_content() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let fake = sandbox.root().join("photo.png");
    std::fs::write(&fake, "just some text\n").unwrap();
    sandbox
        .submit("x", &fake, &[])
        .expect_code(2)
        .expect_stderr("photo.png")
        .expect_stderr("not a PNG, JPEG or WebP");
    assert_eq!(sim.stats().requests, 0);
}

#[test]
fn empty_prompt_is_refused() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("  \n ", IMAGE_URL, &[])
        .expect_code(2)
        .expect_stderr("prompt is empty");
    assert!(sandbox.records().is_empty());
    assert_eq!(sim.stats().requests, 0);
}

#[test]
fn missing_key_names_fal_key() {
    let sim = Sim::start(quick());
    let mut sandbox = Sandbox::new(&sim.url());
    sandbox.unset("FAL_KEY");
    let run = submit_url(&sandbox);
    run.expect_code(2);
    run.expect_stderr("FAL_KEY");
    assert_eq!(sim.stats().requests, 0);
}

#[cfg(unix)]
#[test]
fn key_in_a_world_readable_config_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let sim = Sim::start(quick());
    let mut sandbox = Sandbox::new(&sim.url());
    sandbox.unset("FAL_KEY");
    let config = sandbox.config_path();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "key = \"file-key-7c6b5a\"\n").unwrap();

    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = submit_url(&sandbox);
    run.expect_code(2);
    run.expect_stderr("chmod 600");
    assert!(!run.stderr.contains("file-key-7c6b5a"), "{}", run.stderr);
    assert_eq!(sim.stats().requests, 0);

    // The same file, private, is accepted.
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    submit_url(&sandbox).expect_code(0);
}

#[test]
fn rate_limit_is_waited_out() {
    let sim = Sim::start(quick());
    sim.faults().push(
        Route::Submit,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
        1,
    );
    let sandbox = Sandbox::new(&sim.url());
    submit_url(&sandbox).expect_code(0);
    assert_eq!(sim.count("submit"), 2, "one 429, then one success");
    assert_eq!(sim.faults().remaining(), 0);
    assert_eq!(sandbox.only_record().state, JobState::Completed);
}

#[test]
fn result_503_is_retried() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Result, Fault::Status(503), 1);
    let sandbox = Sandbox::new(&sim.url());
    submit_url(&sandbox).expect_code(0);
    assert_eq!(sim.count("result"), 2, "one 503, then one success");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert!(record.result.is_some());
}

#[test]
fn dropped_stream_still_delivers_every_log() {
    let sim = Sim::start(SimConfig {
        // Long enough that the stream is always open before the job completes.
        run_time: std::time::Duration::from_millis(800),
        log_interval: std::time::Duration::from_millis(80),
        ..quick()
    });
    // The stream ends after its second event, while the job is still queued or running.
    sim.faults()
        .push(Route::Stream, Fault::DropStream { after_events: 2 }, 1);
    let sandbox = Sandbox::new(&sim.url());
    let run = submit_url(&sandbox);
    run.expect_code(0);
    assert_eq!(sim.faults().remaining(), 0, "the fault never fired");
    run.expect_stderr("status stream interrupted");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    let sim_logs = sim.logs(&record, TEST_KEY);
    assert!(sim_logs.len() >= 5, "{sim_logs:?}");
    assert_eq!(record.logs, sim_logs);
}

#[test]
fn rejected_key_fails_at_once_naming_fal_key() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Submit, Fault::Unauthorized, 3);
    let sandbox = Sandbox::new(&sim.url());
    let run = submit_url(&sandbox);
    // A setup problem, like a missing key: 2, not "the job failed".
    run.expect_code(2);
    run.expect_stderr("FAL_KEY");
    assert_eq!(sim.count("submit"), 1, "a 401 must not be retried");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Failed);
    assert_eq!(record.error.as_ref().map(|e| e.kind.as_str()), Some("auth"));
}

#[test]
fn validation_error_names_the_field() {
    let sandbox = Sandbox::offline();
    let fal = FakeFal::spawn(&sandbox, &["--fault", "submit:422", "--queue-ms", "20"]);
    let sandbox = Sandbox::new(&fal.url);
    let run = submit_url(&sandbox);
    // Bad input, like a missing file: 2.
    run.expect_code(2);
    run.expect_stderr("fal rejected the input");
    run.expect_stderr("prompt");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Failed);
    let error = record.error.expect("an error");
    assert_eq!(error.kind.as_str(), "validation");
    assert!(error.message.contains("prompt"), "{}", error.message);
}

#[test]
fn hostile_logs_are_stripped_on_screen_and_kept_as_data() {
    let sim = Sim::start(SimConfig {
        hostile_logs: true,
        ..quick()
    });
    let sandbox = Sandbox::new(&sim.url());
    let run = submit_url(&sandbox);
    run.expect_code(0);
    for (name, bytes) in [("stderr", &run.raw_stderr), ("stdout", &run.raw_stdout)] {
        assert!(!bytes.contains(&0x1b), "ESC on {name}: {bytes:?}");
        assert!(!bytes.contains(&0x07), "BEL on {name}: {bytes:?}");
    }
    // The text itself still shows.
    run.expect_stderr("Preprocessing input image");

    let file = &sandbox.record_files()[0];
    let raw = std::fs::read(file).unwrap();
    assert!(
        !raw.contains(&0x1b) && !raw.contains(&0x07),
        "raw control bytes on disk"
    );
    let text = String::from_utf8(raw).unwrap();
    assert!(
        text.contains("\\u001b[2J"),
        "escapes not stored as JSON escapes"
    );
    let record = sandbox.only_record();
    assert!(
        record
            .logs
            .iter()
            .any(|l| l.message.contains("\x1b]0;pwned\x07")),
        "the raw log text was not kept: {:?}",
        record.logs
    );
    assert_eq!(record.logs, sim.logs(&record, TEST_KEY));

    // `history show` prints it sanitised too.
    let show = sandbox.run(&["history", "show", record.id.as_str()]);
    show.expect_code(0);
    assert!(!show.raw_stdout.contains(&0x1b), "{}", show.stdout);
    show.expect_stdout("Preprocessing input image");
}

#[test]
fn fake_fal_prints_its_url_and_serves() {
    let sandbox = Sandbox::offline();
    let fal = FakeFal::spawn(&sandbox, &["--key", "only-this-key"]);
    let rest = fal
        .url
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("first line {:?} is not a loopback URL", fal.url));
    assert!(rest.parse::<u16>().is_ok_and(|p| p > 0), "{}", fal.url);

    let status = format!("{}/fal-ai/minimax/requests/nope/status", fal.url);
    let (code, body) = http_get(&status, Some("only-this-key"));
    assert_eq!(code, 404, "{}", String::from_utf8_lossy(&body));
    let (code, _) = http_get(&status, Some("some-other-key"));
    assert_eq!(code, 401, "--key is enforced");
}

#[test]
fn fake_fal_runs_a_whole_job() {
    let sandbox = Sandbox::offline();
    let fal = FakeFal::spawn(
        &sandbox,
        &["--queue-ms", "20", "--run-ms", "150", "--log-ms", "30"],
    );
    let png = fixture("frame.jpg");
    let sandbox = Sandbox::new(&fal.url);
    let run = sandbox.submit("x", &png, &[]);
    run.expect_code(0);
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert!(!record.logs.is_empty());
}

#[test]
fn cut_download_is_resumed() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::File, Fault::Reset, 1);
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.submit("x", IMAGE_URL, &[]);
    run.expect_code(0);
    assert_eq!(sim.faults().remaining(), 0, "the fault never fired");
    assert_eq!(sim.count("file"), 2);
    let record = sandbox.only_record();
    assert!(record.error.is_none(), "{:?}", record.error);
    let file = record.result.and_then(|r| r.local_file).expect("a file");
    assert_eq!(std::fs::read(&file).unwrap(), support::sample_mp4());
    let leftovers: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "partial files left: {leftovers:?}");
}

#[test]
fn upload_failure_is_retried() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::Upload, Fault::Status(502), 1);
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.submit("x", fixture("frame.png"), &[]);
    run.expect_code(0);
    assert_eq!(sim.faults().remaining(), 0, "the fault never fired");
    assert_eq!(sandbox.only_record().state, JobState::Completed);
}

#[test]
fn model_failure_exits_1_with_the_reason() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let prompt = format!("please {}", i2v_sim::FAIL_MARKER);
    let run = sandbox.submit(&prompt, IMAGE_URL, &["--json"]);
    run.expect_code(1);
    let value: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(value["state"]["state"], "failed");
    run.expect_stderr("Simulated model failure").expect_stderr(
        "the model's runner failed on fal (runner_server_error); re-running it may work",
    );
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Failed);
    assert!(record.result.is_none());
    assert_eq!(record.error.unwrap().kind.as_str(), "runner_server_error");
}

#[test]
fn a_content_policy_refusal_is_said_in_plain_words_and_is_not_a_bug_to_retry() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let prompt = format!("a beach {}", i2v_sim::POLICY_MARKER);
    let run = sandbox.submit(&prompt, IMAGE_URL, &[]);
    // The input must change: exit 2, as for a 422, not 1 ("try again").
    run.expect_code(2)
        .expect_stderr("fal's content checker refused the prompt or the image")
        .expect_stderr("change the prompt or the image rather than re-running it")
        .expect_stderr("content_policy_violation");
    assert!(!run.stderr.contains("may work"), "{}", run.stderr);
    let record = sandbox.only_record();
    assert_eq!(
        record.error.as_ref().unwrap().kind.as_str(),
        "content_policy_violation"
    );
    let id = record.id.to_string();
    sandbox
        .run(&["history", "show", &id])
        .expect_stdout("fal's content checker refused");
}

#[test]
fn garbled_result_is_fetched_again() {
    let sim = Sim::start(quick());
    // A proxy's error page where the result JSON should be: the job itself is fine on fal.
    sim.faults().push(Route::Result, Fault::MalformedJson, 1);
    let sandbox = Sandbox::new(&sim.url());
    let run = submit_url(&sandbox);
    run.expect_code(0);
    assert_eq!(sim.faults().remaining(), 0, "the fault never fired");
    assert_eq!(sim.count("result"), 2);
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed, "{record:#?}");
    assert!(record.result.is_some());
}

/// The video of a job whose download failed is left on fal: the job says so, keeps the URL,
/// exits 1, and leaves nothing under `videos/` (no `.part` file either).
#[track_caller]
fn assert_download_failed(sandbox: &Sandbox, run: &support::Run, kind: &str) -> JobRecord {
    run.expect_code(1);
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed, "{record:#?}");
    let error = record.error.as_ref().expect("a download error");
    assert_eq!(error.kind.as_str(), kind, "{error:?}");
    let result = record.result.as_ref().expect("the result is kept");
    assert!(result.url.starts_with("http://"), "{result:?}");
    assert!(result.local_file.is_none(), "{result:?}");
    let videos: Vec<_> = std::fs::read_dir(sandbox.data_dir().join("videos"))
        .map(|dir| dir.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(videos.is_empty(), "left in videos/: {videos:?}");
    record
}

#[test]
fn a_failed_last_write_is_not_reported_as_saved() {
    // Few log lines keep the job record well under the limit: only the video crosses it.
    let sim = Sim::start(SimConfig {
        log_interval: std::time::Duration::from_secs(5),
        ..quick()
    });
    let sandbox = Sandbox::new(&sim.url());
    let limit = 4096;
    assert!(support::sample_mp4().len() > limit);
    let run = sandbox.run_with_file_size_limit(
        limit as u64,
        &["submit", "--prompt", "x", "--image", IMAGE_URL],
    );
    assert_ne!(run.code, Some(99), "ulimit -f refused: {run:?}");
    // Under `ulimit -f` with SIGXFSZ's default action (issue 21 §6): i2v catches it, so the
    // write fails with EFBIG and is handled as a full disk is, where the signal used to kill
    // it (exit 153) with the `.part` left behind.
    assert_download_failed(&sandbox, &run, "file");
    run.expect_stderr("File too large");
    run.expect_stderr("the file-size limit, `ulimit -f`, was reached");
    assert!(!run.stdout.contains("videos"), "{}", run.stdout);
    // With the limit gone, `resume` fetches the video.
    let resumed = sandbox.run(&["resume"]);
    resumed.expect_code(0);
    let record = sandbox.only_record();
    let file = record.result.unwrap().local_file.expect("fetched again");
    assert_eq!(std::fs::read(file).unwrap(), support::sample_mp4());
}

#[test]
fn a_download_that_always_breaks_at_the_same_offset_gives_up() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::File, Fault::IgnoreRange, 10_000);
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.submit("x", IMAGE_URL, &[]);
    let record = assert_download_failed(&sandbox, &run, "download");
    run.expect_stderr("gave up downloading the video after 6 attempts");
    run.expect_stderr("URL is kept");
    assert_eq!(sim.count("file"), 6);
    assert!(record.error.unwrap().message.contains("after 6 attempts"));
}

#[test]
fn a_huge_content_length_is_not_downloaded() {
    let sim = Sim::start(quick());
    sim.faults()
        .push(Route::File, Fault::HugeLength(10 << 30), 10_000);
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.submit("x", IMAGE_URL, &[]);
    assert_download_failed(&sandbox, &run, "download");
    let size = support::sample_mp4().len();
    run.expect_stderr(&format!("expected {size} bytes, got 10737418240"));
    assert!(sim.count("file") <= 6);
}

#[test]
fn an_html_page_instead_of_the_video_fails_the_download_clearly() {
    let sim = Sim::start(quick());
    sim.faults().push(Route::File, Fault::NotMp4, 1);
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.submit("x", IMAGE_URL, &[]);
    let record = assert_download_failed(&sandbox, &run, "download");
    run.expect_stderr("not an MP4 video");
    let url = record.result.unwrap().url;
    assert!(url.ends_with("/output.mp4"), "{url}");
    run.expect_stdout(&url);
}

#[test]
fn a_huge_status_event_is_skipped_for_polling() {
    let sim = Sim::start(SimConfig {
        run_time: std::time::Duration::from_millis(600),
        ..quick()
    });
    sim.faults()
        .push(Route::Stream, Fault::HugeEvent(16 << 20), 1);
    let sandbox = Sandbox::new(&sim.url());
    let run = submit_url(&sandbox);
    run.expect_code(0);
    run.expect_stderr("a status event is larger than");
    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed);
    assert_eq!(record.logs, sim.logs(&record, TEST_KEY));
}

#[test]
fn a_huge_error_detail_is_cut_and_says_so() {
    let sim = Sim::start(quick());
    sim.faults()
        .push(Route::Submit, Fault::HugeDetail(1 << 20), 1);
    let sandbox = Sandbox::new(&sim.url());
    let run = submit_url(&sandbox);
    run.expect_code(1);
    run.expect_stderr("… (cut, 1048576 bytes)");
    assert!(
        run.stderr.len() < 8192,
        "{} bytes on stderr",
        run.stderr.len()
    );
    let record = sandbox.only_record();
    let error = record.error.expect("an error");
    assert!(error.message.len() < 4096, "{} bytes", error.message.len());
    assert!(error.message.contains("(cut, 1048576 bytes)"));
}
