//! `i2v rate`: a rating and a note written into a completed job's record, through the store's
//! lock, refused for unfinished jobs and for jobs another process runs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use i2v_store::{ImageSource, JobInput, JobRecord, JobState, Rating, Store};
use support::Sandbox;

fn completed_job(sandbox: &Sandbox, state: JobState) -> JobRecord {
    let store = Store::open(sandbox.data_dir()).unwrap();
    let mut record = JobRecord::new(
        "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video",
        JobInput {
            prompt: "a fox runs".into(),
            image: ImageSource::Url {
                url: "https://example.com/a.png".into(),
            },
            prompt_optimizer: true,
        },
    );
    // A fixture: the state as given, without the life before it.
    record.state = state;
    record.price_usd = Some(0.33);
    store.save(&record).unwrap();
    record
}

fn load(sandbox: &Sandbox, record: &JobRecord) -> JobRecord {
    Store::open_read_only(sandbox.data_dir())
        .load(&record.id)
        .unwrap()
}

#[test]
fn rates_notes_unrates_and_clears() {
    let sandbox = Sandbox::offline();
    let job = completed_job(&sandbox, JobState::Completed);
    let id = job.id.to_string();

    sandbox
        .run(&["rate", &id, "4", "--note", "great light,\nsoft shadows"])
        .expect_code(0)
        .expect_stdout("★★★★☆ 4/5  great light, soft shadows");
    let rated = load(&sandbox, &job);
    assert_eq!(rated.rating, Rating::new(4));
    assert_eq!(rated.note.as_deref(), Some("great light, soft shadows"));
    sandbox
        .run(&["history", "show", &id])
        .expect_stdout("rating    4/5")
        .expect_stdout("note      great light, soft shadows");
    // Nothing else changed.
    assert_eq!(
        JobRecord {
            rating: None,
            note: None,
            updated_at: job.updated_at,
            schema: job.schema,
            ..rated.clone()
        },
        job
    );

    // A prefix in lower case finds it; 0 unrates and keeps the note.
    let prefix = id[..20].to_ascii_lowercase();
    sandbox
        .run(&["rate", &prefix, "0"])
        .expect_code(0)
        .expect_stdout("unrated  great light");
    let unrated = load(&sandbox, &job);
    assert_eq!(unrated.rating, None);
    assert!(unrated.note.is_some());

    sandbox.run(&["rate", &id, "5"]).expect_code(0);
    sandbox
        .run(&["rate", &id, "--clear"])
        .expect_code(0)
        .expect_stdout("unrated");
    let cleared = load(&sandbox, &job);
    assert_eq!((cleared.rating, cleared.note), (None, None));
}

#[test]
fn bad_ratings_and_unknown_jobs_exit_2() {
    let sandbox = Sandbox::offline();
    let job = completed_job(&sandbox, JobState::Completed);
    let id = job.id.to_string();
    for args in [
        vec!["rate", &id, "6"],
        vec!["rate", &id, "-1"],
        vec!["rate", &id],
        vec!["rate", &id, "3", "--clear"],
        vec!["rate", "01JNOSUCHJOB", "3"],
    ] {
        sandbox.run(&args).expect_code(2);
    }
    assert_eq!(load(&sandbox, &job), job);
}

#[test]
fn only_completed_jobs_are_rated() {
    let sandbox = Sandbox::offline();
    for state in [
        JobState::Failed,
        JobState::Running,
        JobState::MaybeSubmitted,
    ] {
        let job = completed_job(&sandbox, state);
        sandbox
            .run(&["rate", job.id.as_str(), "3"])
            .expect_code(2)
            .expect_stderr("only a completed job");
        assert_eq!(load(&sandbox, &job), job);
    }
}

#[test]
fn a_job_another_process_runs_is_left_alone() {
    let sandbox = Sandbox::offline();
    let job = completed_job(&sandbox, JobState::Completed);
    // This test process holds the job's run claim, as a workbench following it would.
    let store = Store::open(sandbox.data_dir()).unwrap();
    let claim = store.claim(&job.id).unwrap().expect("the claim");
    sandbox
        .run(&["rate", job.id.as_str(), "3"])
        .expect_code(2)
        .expect_stderr("another i2v process");
    assert_eq!(load(&sandbox, &job), job);
    drop(claim);
    sandbox.run(&["rate", job.id.as_str(), "3"]).expect_code(0);
}

/// Issue 21 §8: ratings from parallel `i2v rate` calls wait a moment for each other (each
/// holds the job for milliseconds) instead of refusing each other.
#[test]
fn a_rating_waits_a_moment_for_another_to_let_go() {
    let sandbox = Sandbox::offline();
    let job = completed_job(&sandbox, JobState::Completed);
    let store = Store::open(sandbox.data_dir()).unwrap();
    // Held for a quarter of a second, as another `i2v rate` would hold it (for less).
    let claim = store.claim(&job.id).unwrap().expect("the claim");
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(250));
        drop(claim);
    });
    sandbox
        .run(&["rate", job.id.as_str(), "4"])
        .expect_code(0)
        .expect_stdout("4/5");
    release.join().unwrap();
    assert_eq!(load(&sandbox, &job).rating, Rating::new(4));

    // Eight at once, each a different note: every one is written.
    let runs: Vec<_> = (1..=8)
        .map(|n| sandbox.spawn(&["rate", job.id.as_str(), "--note", &format!("take {n}")]))
        .collect();
    for child in runs {
        support::finish(child).expect_code(0);
    }
}
