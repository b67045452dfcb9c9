//! The history index: a cache that is checked against the record files on every look, so
//! changes behind its back, damage and concurrent writers never show a wrong history.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::fs;
use std::process::{Command, Stdio};

use i2v_store::{JobId, JobState, Store, Summary};
use support::{change_behind_its_back, quick, record, save_jobs, temp_store};

/// What the index must agree with: every record read in full, newest first.
fn truth(store: &Store) -> Vec<Summary> {
    let listing = store.list();
    listing.records.iter().map(Summary::of).collect()
}

#[test]
fn a_second_look_reads_no_record() {
    let (_dir, store) = temp_store();
    let store = quick(store);
    save_jobs(&store, &["one", "two", "three", "four"]);

    let first = store.history();
    assert_eq!(first.jobs, truth(&store));
    assert_eq!((first.refresh.read, first.refresh.reused), (4, 0));
    assert!(first.refresh.saved, "{:?}", first.refresh);
    assert!(store.index_path().is_file());

    let second = store.history();
    assert_eq!(second.jobs, first.jobs);
    assert_eq!((second.refresh.read, second.refresh.reused), (0, 4));
    assert!(!second.refresh.saved, "nothing changed, nothing written");
    assert_eq!(second.refresh.rebuilt, None);
}

#[test]
fn fresh_files_are_read_again_until_they_settle() {
    let (_dir, store) = temp_store();
    save_jobs(&store, &["just written"]);
    store.history();
    // Changed less than two seconds ago: the stamp may not show a change made within the
    // same timestamp tick, so the file is read again.
    let again = store.history();
    assert_eq!(again.refresh.read, 1, "{:?}", again.refresh);
}

#[test]
fn files_added_removed_and_edited_behind_its_back_are_seen() {
    let (_dir, store) = temp_store();
    let store = quick(store);
    let jobs = save_jobs(&store, &["keep me", "remove me", "edit me"]);
    store.history();

    // Another process adds one, a sync removes one, an editor rewrites one in place.
    change_behind_its_back(&store, &jobs);

    let seen = store.history();
    assert_eq!(seen.jobs, truth(&store));
    let prompts: Vec<&str> = seen.jobs.iter().map(|s| &*s.prompt).collect();
    assert_eq!(prompts, ["added", "EDITED!", "keep me"]);
    assert_eq!(
        (seen.refresh.reused, seen.refresh.read, seen.refresh.dropped),
        (1, 2, 1)
    );
    assert!(seen.refresh.saved);
}

#[test]
fn a_state_change_is_seen_by_the_next_look() {
    let (_dir, store) = temp_store();
    let store = quick(store);
    let job = record().state(JobState::Running).build();
    store.save(&job).unwrap();
    assert_eq!(store.unfinished().records.len(), 1);

    store
        .update(&job.id, |r| r.state = JobState::Completed)
        .unwrap();
    assert_eq!(store.history().jobs[0].state, JobState::Completed);
    assert!(store.unfinished().records.is_empty());
}

#[test]
fn a_damaged_index_is_rebuilt_not_trusted() {
    let (_dir, store) = temp_store();
    let store = quick(store);
    save_jobs(&store, &["a fox", "a hare", "an owl"]);
    store.history();
    let good = fs::read(store.index_path()).unwrap();

    let mut flipped_prompt = good.clone();
    let at = find(&good, b"a hare").unwrap();
    flipped_prompt[at] = b'A';
    let damages: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"not an index at all".to_vec()),
        ("empty", Vec::new()),
        ("cut short", good[..good.len() - 3].to_vec()),
        ("one letter changed", flipped_prompt),
    ];
    for (what, bytes) in damages {
        fs::write(store.index_path(), bytes).unwrap();
        let look = store.history();
        assert_eq!(look.jobs, truth(&store), "{what}");
        assert!(look.refresh.rebuilt.is_some(), "{what}: {:?}", look.refresh);
        assert_eq!(look.refresh.read, 3, "{what}");
        assert!(look.refresh.saved, "{what}");
        let next = store.history();
        assert_eq!(
            next.refresh.rebuilt, None,
            "{what}: rebuilt index reads back"
        );
        assert_eq!(next.refresh.read, 0, "{what}");
    }
}

#[test]
fn an_index_from_another_history_is_only_a_cache_miss() {
    let (_dir, store) = temp_store();
    let store = quick(store);
    let (_other_dir, other) = temp_store();
    save_jobs(&store, &["mine"]);
    save_jobs(&other, &["theirs", "also theirs"]);
    other.history();
    fs::copy(other.index_path(), store.index_path()).unwrap();

    let look = store.history();
    assert_eq!(look.jobs, truth(&store));
    assert_eq!(
        (look.refresh.read, look.refresh.dropped, look.refresh.reused),
        (1, 2, 0)
    );
}

#[test]
fn an_unreadable_record_is_reported_on_every_look_and_left_alone() {
    let (_dir, store) = temp_store();
    let store = quick(store);
    save_jobs(&store, &["fine"]);
    let bad = store.jobs_dir().join("01JBADBADBADBADBADBADBADBA.json");
    fs::write(&bad, b"{ not json").unwrap();
    for _ in 0..2 {
        let look = store.history();
        assert_eq!(look.jobs.len(), 1);
        assert_eq!(look.problems.len(), 1, "{:?}", look.problems);
        assert_eq!(look.problems[0].path, bad);
    }
    assert_eq!(fs::read(&bad).unwrap(), b"{ not json");
}

#[test]
fn a_read_only_look_at_a_missing_history_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("nothing here");
    let look = Store::open_read_only(&root).history();
    assert!(look.jobs.is_empty() && look.problems.is_empty());
    assert!(!root.exists());
}

/// Environment variables that turn this test binary into one of the writers.
const WRITER_ROOT: &str = "I2V_INDEX_TEST_WRITER_ROOT";
const WRITER_NAME: &str = "I2V_INDEX_TEST_WRITER_NAME";
const JOBS_PER_PROCESS: usize = 60;

/// Two processes save records and look at the history (so both rewrite the index) at once,
/// while this one looks too. The last look shows every job, exactly as saved.
#[test]
fn two_processes_writing_at_once_lose_nothing() {
    if let Ok(root) = std::env::var(WRITER_ROOT) {
        let store = Store::open(root).unwrap();
        let name = std::env::var(WRITER_NAME).unwrap();
        for n in 0..JOBS_PER_PROCESS {
            // Random ids: the fixture's are minted from a counter each process starts at 1.
            let job = record()
                .id(JobId::new().as_str())
                .prompt(&format!("{name} {n}"))
                .build();
            store.save(&job).unwrap();
            if n % 5 == 0 {
                store.history();
            }
        }
        return;
    }

    let (_dir, store) = temp_store();
    let exe = std::env::current_exe().unwrap();
    let mut children: Vec<_> = ["first", "second"]
        .into_iter()
        .map(|name| {
            Command::new(&exe)
                .args(["--exact", "two_processes_writing_at_once_lose_nothing"])
                .args(["--test-threads", "1", "--nocapture"])
                .env(WRITER_ROOT, store.root())
                .env(WRITER_NAME, name)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    while children.iter_mut().any(|c| c.try_wait().unwrap().is_none()) {
        let look = store.history();
        assert!(look.problems.is_empty(), "{:?}", look.problems);
    }
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "a writer failed: {output:?}");
    }

    let look = store.history();
    assert!(look.problems.is_empty(), "{:?}", look.problems);
    assert_eq!(look.jobs.len(), 2 * JOBS_PER_PROCESS);
    assert_eq!(look.jobs, truth(&store));
    for name in ["first", "second"] {
        let mine = look
            .jobs
            .iter()
            .filter(|s| s.prompt.starts_with(&format!("{name} ")))
            .count();
        assert_eq!(mine, JOBS_PER_PROCESS, "jobs from {name}");
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
