//! Several writers at once, in threads and in separate processes, lose nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::thread;

use i2v_store::{JobId, Store};
use support::{log_line, record, temp_store};

#[test]
fn eight_threads_saving_distinct_records_lose_none() {
    let (_dir, store) = temp_store();

    let saved: Vec<_> = thread::scope(|scope| {
        let writers: Vec<_> = (0..8)
            .map(|t| {
                let store = store.clone();
                scope.spawn(move || {
                    (0..50)
                        .map(|n| {
                            let job = record().prompt(&format!("thread {t} job {n}")).build();
                            store.save(&job).unwrap();
                            job
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        writers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });

    let listing = store.list();
    assert!(listing.problems.is_empty(), "{:?}", listing.problems);
    assert_eq!(listing.records.len(), 400);
    for job in &saved {
        assert_eq!(&store.load(&job.id).unwrap(), job);
    }
}

#[test]
fn threads_updating_one_job_lose_no_log_lines() {
    let (_dir, store) = temp_store();
    let job = record().build();
    store.save(&job).unwrap();

    thread::scope(|scope| {
        for t in 0..4 {
            let store = store.clone();
            let id = job.id.clone();
            scope.spawn(move || append_lines(&store, &id, &format!("thread {t}"), 50));
        }
    });

    let logs = store.load(&job.id).unwrap().logs;
    assert_eq!(logs.len(), 200);
    let distinct: BTreeSet<_> = logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(distinct.len(), 200);
}

/// Environment variables that turn this test binary into one of the writers.
const WRITER_ROOT: &str = "I2V_STORE_TEST_WRITER_ROOT";
const WRITER_JOB: &str = "I2V_STORE_TEST_WRITER_JOB";
const WRITER_NAME: &str = "I2V_STORE_TEST_WRITER_NAME";
const LINES_PER_PROCESS: usize = 200;

/// The parent starts this same test binary twice, filtered to this test, with the env vars set;
/// each child appends its lines through `update` and exits, and the parent checks every line
/// from both made it.
#[test]
fn two_processes_updating_one_job_lose_no_log_lines() {
    if let Ok(root) = std::env::var(WRITER_ROOT) {
        let store = Store::open(root).unwrap();
        let id = JobId::parse(&std::env::var(WRITER_JOB).unwrap()).unwrap();
        let name = std::env::var(WRITER_NAME).unwrap();
        append_lines(&store, &id, &name, LINES_PER_PROCESS);
        return;
    }

    let (_dir, store) = temp_store();
    let job = record().build();
    store.save(&job).unwrap();

    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["first", "second"]
        .into_iter()
        .map(|name| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "two_processes_updating_one_job_lose_no_log_lines",
                ])
                .args(["--test-threads", "1", "--nocapture"])
                .env(WRITER_ROOT, store.root())
                .env(WRITER_JOB, job.id.as_str())
                .env(WRITER_NAME, name)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "a writer process failed: {output:?}"
        );
    }

    let logs = store.load(&job.id).unwrap().logs;
    assert_eq!(logs.len(), 2 * LINES_PER_PROCESS);
    for name in ["first", "second"] {
        let mine: Vec<_> = logs
            .iter()
            .filter(|l| l.message.starts_with(name))
            .collect();
        assert_eq!(mine.len(), LINES_PER_PROCESS, "lines from {name}");
        // Each writer's own lines stay in the order it wrote them.
        for (n, line) in mine.iter().enumerate() {
            assert_eq!(line.message, format!("{name} {n}"));
        }
    }
}

fn append_lines(store: &Store, id: &JobId, writer: &str, count: usize) {
    for n in 0..count {
        store
            .update(id, |r| r.logs.push(log_line(&format!("{writer} {n}"))))
            .unwrap();
    }
}

#[test]
fn a_job_can_be_claimed_by_one_runner_at_a_time() {
    let (_dir, store) = support::temp_store();
    let id = i2v_store::JobId::new();
    let first = store.claim(&id).unwrap();
    assert!(first.is_some(), "a free job can be claimed");
    assert!(
        store.claim(&id).unwrap().is_none(),
        "a claimed job cannot be claimed again"
    );
    drop(first);
    assert!(store.claim(&id).unwrap().is_some(), "released on drop");
}

/// A finished job's lock file is removed after each write; writers queued on the old file must
/// notice and lock the new one, or two of them would rewrite the record at once.
#[test]
fn threads_updating_a_finished_job_lose_no_log_lines_and_leave_no_lock_files() {
    let (_dir, store) = temp_store();
    let job = record().state(i2v_store::JobState::Completed).build();
    store.save(&job).unwrap();

    thread::scope(|scope| {
        for t in 0..6 {
            let store = store.clone();
            let id = job.id.clone();
            scope.spawn(move || append_lines(&store, &id, &format!("thread {t}"), 40));
        }
    });

    assert_eq!(store.load(&job.id).unwrap().logs.len(), 240);
    let locks = store.root().join("locks");
    assert_eq!(support::file_names(&locks), Vec::<String>::new());
}

#[test]
fn a_claim_leaves_no_file_once_released() {
    let (_dir, store) = temp_store();
    let id = JobId::new();
    let claim = store.claim(&id).unwrap();
    assert!(claim.is_some());
    let locks = store.root().join("locks");
    assert_eq!(
        support::file_names(&locks).len(),
        1,
        "held: its file exists"
    );
    drop(claim);
    assert_eq!(support::file_names(&locks), Vec::<String>::new());
    assert!(
        store.claim(&id).unwrap().is_some(),
        "and it can be claimed again"
    );
}
