//! `i2v submit` end to end: the real binary against the simulated fal, checking what it
//! prints, what it saves and what reached the sim.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use i2v_sim::SimConfig;
use i2v_store::{ImageSource, JobState};
use support::{Sandbox, Sim, TEST_KEY, fixture, http_get, quick, sample_mp4, timeline};

const IMAGE_URL: &str = "https://example.com/frame.png";

#[test]
fn url_image_completes_downloads_and_records_everything() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());

    let run = sandbox.submit("a cat walks", IMAGE_URL, &[]);
    run.expect_code(0);

    let record = sandbox.only_record();
    assert_eq!(record.state, JobState::Completed, "{record:#?}");
    assert!(record.error.is_none(), "{:?}", record.error);
    assert_eq!(record.input.prompt, "a cat walks");
    assert_eq!(
        record.input.image,
        ImageSource::Url {
            url: IMAGE_URL.into()
        }
    );

    // stdout: the video URL, then the file it was saved to.
    let result = record.result.as_ref().expect("a result");
    let file = result.local_file.as_ref().expect("a downloaded file");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [result.url.as_str(), file.to_str().unwrap()],
        "stdout: {}",
        run.stdout
    );
    assert!(result.url.starts_with(&sim.url()), "{}", result.url);
    assert!(file.starts_with(sandbox.data_dir()), "{}", file.display());
    assert_eq!(std::fs::read(file).unwrap(), sample_mp4());
    assert_eq!(result.local_size, Some(sample_mp4().len() as u64));

    // The request id is fal's, and the sim finished that very request.
    let request = record.request.as_ref().expect("a request id");
    assert!(
        sim.stats().completed_at.contains_key(&request.request_id.0),
        "sim never completed {}",
        request.request_id
    );

    // Every log line, in order, once.
    let sim_logs = sim.logs(&record, TEST_KEY);
    assert!(sim_logs.len() >= 3, "{sim_logs:?}");
    assert_eq!(record.logs, sim_logs);

    let states = timeline(&record);
    assert_eq!(states.first(), Some(&"preparing"), "{states:?}");
    assert_eq!(states.last(), Some(&"completed"), "{states:?}");
    for expected in ["queued", "running", "downloading"] {
        assert!(states.contains(&expected), "{expected} missing: {states:?}");
    }

    // People see the progress and the logs on stderr.
    run.expect_stderr("completed");
    assert!(
        run.stderr.contains(&sim_logs[0].message),
        "logs not followed on stderr: {}",
        run.stderr
    );
}

#[test]
fn local_files_of_each_format_are_uploaded() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    for (name, content_type) in [
        ("frame.png", "image/png"),
        ("frame.jpg", "image/jpeg"),
        ("frame.webp", "image/webp"),
    ] {
        let path = fixture(name);
        let run = sandbox.submit("the frame comes alive", &path, &["--no-download"]);
        run.expect_code(0);
        let record = sandbox
            .records()
            .into_iter()
            .find(|r| r.input.image.display() == path.display().to_string())
            .expect("a record for this image");
        assert_eq!(record.state, JobState::Completed, "{name}");
        let ImageSource::File {
            content_type: recorded_type,
            size,
            uploaded_url,
            ..
        } = &record.input.image
        else {
            panic!(
                "{name} should be recorded as a file: {:?}",
                record.input.image
            );
        };
        assert_eq!(recorded_type, content_type, "{name}");
        assert_eq!(*size, std::fs::metadata(&path).unwrap().len(), "{name}");
        let uploaded = uploaded_url.as_ref().expect("an uploaded URL");
        assert!(uploaded.starts_with(&sim.url()), "{uploaded}");
        // The sim holds exactly the bytes of the file.
        let (code, bytes) = http_get(uploaded, None);
        assert_eq!(code, 200, "{name}");
        assert_eq!(bytes, std::fs::read(&path).unwrap(), "{name}");
    }
    assert!(sim.count("upload") >= 3, "{:?}", sim.stats().by_route);
}

#[test]
fn json_prints_exactly_one_object() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.submit("waves roll in", fixture("frame.png"), &["--json"]);
    run.expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "stdout: {}", run.stdout);
    let value: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert!(value.is_object(), "{value}");
    let record = sandbox.only_record();
    assert_eq!(value["id"], record.id.as_str());
    assert_eq!(value["state"]["state"], "completed");
    let url = value["result"]["url"].as_str().expect("a video URL");
    assert_eq!(Some(url), record.result.as_ref().map(|r| r.url.as_str()));
    assert!(url.ends_with(".mp4"), "{url}");
    assert!(
        value["input"]["image"]["uploaded_url"].is_string(),
        "{value}"
    );
}

#[test]
fn no_download_prints_only_the_url() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.submit("leaves fall", IMAGE_URL, &["--no-download"]);
    run.expect_code(0);
    let record = sandbox.only_record();
    let result = record.result.as_ref().expect("a result");
    assert_eq!(run.stdout.trim_end(), result.url, "stdout: {}", run.stdout);
    assert_eq!(result.local_file, None);
    let videos = std::fs::read_dir(sandbox.data_dir().join("videos"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(videos, 0, "nothing should be downloaded");
    assert_eq!(sim.count("file"), 0, "the video was fetched anyway");
}

#[test]
fn prompt_optimizer_flag_reaches_fal() {
    let sim = Sim::start(quick());
    let proxy = sim.recording_proxy();
    let sandbox = Sandbox::new(&proxy.url);
    sandbox
        .submit("a slow pan", IMAGE_URL, &["--no-download"])
        .expect_code(0);
    let sent = proxy.sent();
    assert!(sent.contains("\"prompt_optimizer\":true"), "{sent}");
    assert!(!sent.contains("\"prompt_optimizer\":false"), "{sent}");

    proxy.clear();
    sandbox
        .submit(
            "a slow pan",
            IMAGE_URL,
            &["--no-download", "--no-prompt-optimizer"],
        )
        .expect_code(0);
    let sent = proxy.sent();
    assert!(sent.contains("\"prompt_optimizer\":false"), "{sent}");
    assert!(!sent.contains("\"prompt_optimizer\":true"), "{sent}");

    let optimizer: Vec<bool> = sandbox
        .records()
        .iter()
        .map(|r| r.input.prompt_optimizer)
        .collect();
    assert_eq!(optimizer, [true, false]);
}

#[test]
fn prompt_file_is_read() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let prompt = sandbox.root().join("prompt.txt");
    std::fs::write(&prompt, "a dog runs\nacross the field\n\n").unwrap();
    sandbox
        .run(&[
            "submit",
            "--prompt-file",
            prompt.to_str().unwrap(),
            "--image",
            IMAGE_URL,
            "--no-download",
        ])
        .expect_code(0);
    assert_eq!(
        sandbox.only_record().input.prompt,
        "a dog runs\nacross the field"
    );
}

#[test]
fn the_key_never_leaves_a_trace() {
    const SECRET: &str = "sk-test-SECRET-9f8e7d";
    let sim = Sim::start(SimConfig {
        accepted_key: Some(SECRET.into()),
        ..quick()
    });
    let mut sandbox = Sandbox::new(&sim.url());
    sandbox.set("FAL_KEY", SECRET);
    sandbox.set("I2V_LOG", "debug");
    let mut runs = vec![
        sandbox.submit("a secret-free clip", fixture("frame.png"), &[]),
        sandbox.submit("again", IMAGE_URL, &["--json"]),
    ];
    for run in &runs {
        run.expect_code(0);
    }
    let id = sandbox.records()[0].id.to_string();
    runs.push(sandbox.run(&["history", "show", &id, "--json"]));
    runs.push(sandbox.run(&["history", "list"]));
    runs.push(sandbox.run(&["resume"]));
    // A rejected key must not be echoed either.
    sandbox.set("FAL_KEY", "sk-test-WRONG-1a2b3c");
    runs.push(sandbox.submit("x", IMAGE_URL, &[]));
    // A rejected key is a setup problem, like a missing one.
    assert_eq!(runs.last().unwrap().code, Some(2), "{:?}", runs.last());

    for run in &runs {
        for text in [&run.stdout, &run.stderr] {
            assert!(!text.contains(SECRET), "key printed: {text}");
            assert!(!text.contains("sk-test-WRONG"), "key printed: {text}");
        }
    }
    let files = sandbox.data_files();
    assert!(
        files.iter().any(|f| f
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("i2v.")
                && n.to_string_lossy().ends_with(".log"))),
        "no log file among {files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "mp4"))
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(SECRET), "key in {}", file.display());
        assert!(!text.contains("sk-test-WRONG"), "key in {}", file.display());
    }
}

#[test]
fn prompt_from_stdin() {
    use std::io::Write;
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let mut child = sandbox
        .command(&[
            "submit",
            "--prompt-file",
            "-",
            "--image",
            IMAGE_URL,
            "--no-download",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"clouds drift by\n")
        .unwrap();
    support::finish(child).expect_code(0);
    assert_eq!(sandbox.only_record().input.prompt, "clouds drift by");
}

#[test]
fn key_id_and_secret_make_the_key() {
    let sim = Sim::start(SimConfig {
        accepted_key: Some("my-id:my-secret".into()),
        ..quick()
    });
    let mut sandbox = Sandbox::new(&sim.url());
    sandbox.unset("FAL_KEY");
    sandbox.set("FAL_KEY_ID", "my-id");
    sandbox.set("FAL_KEY_SECRET", "my-secret");
    sandbox
        .submit("x", IMAGE_URL, &["--no-download"])
        .expect_code(0);
    // FAL_KEY wins over the pair.
    sandbox.set("FAL_KEY", "something-else");
    let run = sandbox.submit("x", IMAGE_URL, &["--no-download"]);
    run.expect_code(2);
    run.expect_stderr("FAL_KEY");
}

#[test]
fn demo_mode_needs_no_key_and_keeps_its_own_history() {
    let mut sandbox = Sandbox::offline();
    sandbox.set("I2V_DEMO_QUEUE_MS", "20");
    sandbox.set("I2V_DEMO_RUN_MS", "150");
    sandbox.set("I2V_DEMO_LOG_MS", "30");
    let png = fixture("frame.png");
    let run = sandbox.run(&[
        "--demo",
        "submit",
        "--prompt",
        "a demo",
        "--image",
        png.to_str().unwrap(),
    ]);
    run.expect_code(0);
    assert!(sandbox.records().is_empty(), "demo jobs mix with real ones");
    let demo_jobs = std::fs::read_dir(sandbox.data_dir().join("demo/jobs"))
        .unwrap()
        .count();
    assert_eq!(demo_jobs, 1);
    let file = run.stdout.lines().nth(1).expect("a file path");
    assert_eq!(std::fs::read(file).unwrap(), sample_mp4());
    sandbox
        .run(&["--demo", "history", "list"])
        .expect_code(0)
        .expect_stdout("a demo");
}

#[test]
fn broken_config_is_named_but_fake_fal_still_starts() {
    let sandbox = Sandbox::new("http://127.0.0.1:9");
    let config = sandbox.config_path();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "colour = [\n").unwrap();
    sandbox
        .run(&["history", "list"])
        .expect_code(2)
        .expect_stderr("config.toml");
    let fal = support::FakeFal::spawn(&sandbox, &[]);
    assert!(fal.url.starts_with("http://127.0.0.1:"), "{:?}", fal.url);
}

#[test]
fn submit_into_a_closed_pipe_still_reports_the_job() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.run_into_closed_pipe(&["submit", "--prompt", "x", "--image", IMAGE_URL]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(sandbox.only_record().state, JobState::Completed);
}
