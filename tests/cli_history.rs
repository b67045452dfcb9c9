//! `i2v history list|show` over a history with a damaged file in it. Needs no key and no fal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use i2v_store::{ImageSource, JobInput, JobRecord, JobState, Store};
use support::Sandbox;

const MODEL: &str = "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video";
/// A valid job id, so the file counts as a record and must be reported, not skipped.
const BAD_ID: &str = "01JBADBADBADBADBADBADBADBA";

fn job(prompt: &str, state: JobState) -> JobRecord {
    let mut record = JobRecord::new(
        MODEL,
        JobInput {
            prompt: prompt.into(),
            image: ImageSource::Url {
                url: "https://example.com/a.png".into(),
            },
            prompt_optimizer: true,
        },
    );
    // A fixture: the state as given, without the life before it.
    record.state = state.clone();
    record.timeline.push(i2v_store::StatusChange {
        at: record.updated_at,
        state,
    });
    record
}

/// Two good records and one corrupt file; returns the good ones and the bad file's path.
fn history_with_a_bad_file(sandbox: &Sandbox) -> (Vec<JobRecord>, std::path::PathBuf) {
    let store = Store::open(sandbox.data_dir()).unwrap();
    let good = vec![
        job("first clip\nsecond line", JobState::Completed),
        job("a \x1b[31mred\x1b[0m prompt", JobState::Failed),
    ];
    for record in &good {
        store.save(record).unwrap();
    }
    let bad = sandbox.jobs_dir().join(format!("{BAD_ID}.json"));
    std::fs::write(&bad, b"{\"schema\": 1, \"id\": \"01JBAD").unwrap();
    (good, bad)
}

#[test]
fn list_survives_a_corrupt_file() {
    let sandbox = Sandbox::offline();
    let (good, bad) = history_with_a_bad_file(&sandbox);
    let bad_bytes = std::fs::read(&bad).unwrap();

    let run = sandbox.run(&["history", "list"]);
    run.expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    // Newest first.
    assert!(lines[0].starts_with(good[1].id.as_str()), "{}", run.stdout);
    assert!(lines[1].starts_with(good[0].id.as_str()), "{}", run.stdout);
    assert!(lines[0].contains("failed") && lines[0].contains("a red prompt"));
    assert!(lines[1].contains("completed") && lines[1].contains("first clip"));
    assert!(!run.raw_stdout.contains(&0x1b), "prompt printed raw");
    run.expect_stderr("warning");
    run.expect_stderr(&format!("{BAD_ID}.json"));
    assert_eq!(std::fs::read(&bad).unwrap(), bad_bytes, "bad file touched");

    let json = sandbox.run(&["history", "list", "--json"]);
    json.expect_code(0);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let ids: Vec<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [good[1].id.as_str(), good[0].id.as_str()]);
    json.expect_stderr(BAD_ID);
    assert_eq!(std::fs::read(&bad).unwrap(), bad_bytes, "bad file touched");
}

#[test]
fn show_finds_a_job_by_prefix() {
    let sandbox = Sandbox::offline();
    let (good, _) = history_with_a_bad_file(&sandbox);
    let target = &good[0];
    // ULIDs made in the same millisecond share a prefix; the random part tells them apart.
    let prefix = target.id.as_str()[..22].to_ascii_lowercase();

    let run = sandbox.run(&["history", "show", &prefix, "--json"]);
    run.expect_code(0);
    let shown: JobRecord = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(&shown, target);

    sandbox
        .run(&["history", "show", &prefix])
        .expect_code(0)
        .expect_stdout(target.id.as_str())
        .expect_stdout("  second line");

    sandbox
        .run(&["history", "show", "0000000000"])
        .expect_code(2)
        .expect_stderr("no job with id");
}

#[test]
fn empty_history_says_so() {
    let sandbox = Sandbox::offline();
    let run = sandbox.run(&["history", "list"]);
    run.expect_code(0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    run.expect_stderr("no jobs yet");
}

#[test]
fn a_reader_that_went_away_is_not_a_crash() {
    let sandbox = Sandbox::offline();
    history_with_a_bad_file(&sandbox);
    for args in [&["history", "list"][..], &["history", "list", "--json"]] {
        let run = sandbox.run_into_closed_pipe(args);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    }
}
