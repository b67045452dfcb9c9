//! Following the history after a listing: `changes_since` says what was added, changed and
//! removed behind the holder's back, and reads nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::fs;
use std::time::Duration;

use i2v_store::{JobId, JobState, Summary};
use support::{change_behind_its_back, quick, save_jobs, temp_store};

/// The history as the holder would have it after applying `changes` to `had`.
fn applied(had: &[Summary], changes: &i2v_store::Changes) -> Vec<Summary> {
    let mut jobs: Vec<Summary> = had
        .iter()
        .filter(|s| !changes.removed.contains(&s.id))
        .filter(|s| !changes.changed.iter().any(|c| c.id == s.id))
        .cloned()
        .collect();
    jobs.extend(changes.changed.iter().cloned());
    jobs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    jobs
}

#[test]
fn nothing_changed_reads_nothing() {
    let (_dir, store) = temp_store();
    let store = quick(store);
    save_jobs(&store, &["one", "two", "three"]);
    let (history, mut seen) = store.history_and_seen();
    assert_eq!((history.jobs.len(), seen.len()), (3, 3));

    let changes = store.changes_since(&mut seen);
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(changes.read, 0);
}

#[test]
fn files_added_removed_and_edited_behind_its_back_are_all_that_is_reported() {
    let (_dir, store) = temp_store();
    let store = quick(store);
    let jobs = save_jobs(&store, &["keep me", "remove me", "edit me", "change state"]);
    let (history, mut seen) = store.history_and_seen();

    // Another process adds one, a sync removes one, an editor rewrites one in place.
    change_behind_its_back(&store, &jobs);
    // Another i2v saves a job it follows.
    store
        .update(&jobs[3].id, |r| r.state = JobState::Completed)
        .unwrap();

    let changes = store.changes_since(&mut seen);
    let prompts: Vec<&str> = changes.changed.iter().map(|s| &*s.prompt).collect();
    assert_eq!(
        prompts,
        ["added", "change state", "EDITED!"],
        "newest first"
    );
    assert_eq!(changes.removed, [jobs[1].id.clone()]);
    assert_eq!(changes.read, 3, "the unchanged file is not read");
    assert!(changes.problems.is_empty(), "{:?}", changes.problems);
    assert_eq!(applied(&history.jobs, &changes), store.history().jobs);
    assert_eq!(seen.len(), 4);

    // Seen is brought up to date: the same changes are not reported twice.
    let again = store.changes_since(&mut seen);
    assert!(again.is_empty(), "{again:?}");
}

#[test]
fn a_file_changed_too_recently_to_trust_is_read_again_until_it_settles() {
    let (_dir, store) = temp_store();
    save_jobs(&store, &["just written"]);
    let (_, mut seen) = store.history_and_seen();
    // Written less than two seconds ago: a change within the same timestamp tick would not
    // show in its stamp, so each look reads it again.
    for _ in 0..2 {
        let changes = store.changes_since(&mut seen);
        assert_eq!(changes.read, 1);
        assert_eq!(changes.changed.len(), 1);
        assert!(changes.removed.is_empty());
    }
    let store = store.settle_after(Duration::ZERO);
    let settled = store.changes_since(&mut seen);
    assert_eq!(settled.read, 1, "read once more, then trusted");
    assert_eq!(store.changes_since(&mut seen).read, 0);
}

#[test]
fn an_unreadable_record_is_reported_on_every_look_and_left_alone() {
    let (_dir, store) = temp_store();
    let store = quick(store);
    let jobs = save_jobs(&store, &["fine", "will break"]);
    let (_, mut seen) = store.history_and_seen();
    let bad = store.jobs_dir().join("01JBADBADBADBADBADBADBADBA.json");
    fs::write(&bad, b"{ not json").unwrap();
    // A known job's file damaged (a sync half done) is a problem, not a removal.
    let broken = store.record_path(&jobs[1].id).unwrap();
    fs::write(&broken, b"{ half").unwrap();
    for _ in 0..2 {
        let changes = store.changes_since(&mut seen);
        let paths: Vec<_> = changes.problems.iter().map(|p| p.path.clone()).collect();
        assert_eq!(paths, [bad.clone(), broken.clone()]);
        assert!(changes.removed.is_empty() && changes.changed.is_empty());
    }
    assert_eq!(fs::read(&bad).unwrap(), b"{ not json");

    // Mended by hand (the store itself will not write over a file it cannot read): it
    // comes back as a change.
    fs::write(&broken, serde_json::to_vec_pretty(&jobs[1]).unwrap()).unwrap();
    let changes = store.changes_since(&mut seen);
    assert_eq!(changes.changed.len(), 1);
    assert_eq!(changes.changed[0].id, jobs[1].id);
}

#[test]
fn a_jobs_dir_that_cannot_be_read_removes_nothing() {
    let (_dir, store) = temp_store();
    let store = quick(store);
    save_jobs(&store, &["one", "two"]);
    let (_, mut seen) = store.history_and_seen();
    let jobs_dir = store.jobs_dir().to_owned();
    let aside = jobs_dir.with_extension("aside");
    fs::rename(&jobs_dir, &aside).unwrap();
    fs::write(&jobs_dir, b"not a directory").unwrap();

    let changes = store.changes_since(&mut seen);
    assert_eq!(changes.problems.len(), 1, "{changes:?}");
    assert!(changes.removed.is_empty(), "{changes:?}");
    assert_eq!(seen.len(), 2);

    fs::remove_file(&jobs_dir).unwrap();
    fs::rename(&aside, &jobs_dir).unwrap();
    assert!(store.changes_since(&mut seen).is_empty());
}

#[test]
fn many_changes_across_batches_are_all_seen() {
    let (_dir, store) = temp_store();
    let store = quick(store);
    let prompts: Vec<String> = (0..5000).map(|n| format!("job {n}")).collect();
    let prompts: Vec<&str> = prompts.iter().map(String::as_str).collect();
    let jobs = save_jobs(&store, &prompts);
    let (history, mut seen) = store.history_and_seen();

    let gone: Vec<JobId> = jobs.iter().step_by(7).map(|j| j.id.clone()).collect();
    for id in &gone {
        fs::remove_file(store.record_path(id).unwrap()).unwrap();
    }
    for job in jobs
        .iter()
        .skip(3)
        .step_by(11)
        .filter(|j| !gone.contains(&j.id))
    {
        store
            .update(&job.id, |r| r.note = Some("seen".into()))
            .unwrap();
    }
    let changes = store.changes_since(&mut seen);
    let mut removed = changes.removed.clone();
    removed.sort();
    let mut expected = gone.clone();
    expected.sort();
    assert_eq!(removed, expected);
    assert_eq!(applied(&history.jobs, &changes), store.history().jobs);
    assert_eq!(seen.len(), 5000 - gone.len());
}
