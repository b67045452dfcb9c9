//! The whole history: order, the unfinished subset, and finding a job by id prefix.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use i2v_store::{JobState, StoreError, VideoResult};
use support::{ids_of, record, temp_store};

#[test]
fn jobs_are_listed_newest_first() {
    let (_dir, store) = temp_store();
    let old = record().minutes_after_start(0).build();
    let middle = record().minutes_after_start(5).build();
    let new = record().minutes_after_start(9).build();
    // Same moment as `middle`; the larger id comes first.
    let twin = record().minutes_after_start(5).build();
    for job in [&middle, &old, &twin, &new] {
        store.save(job).unwrap();
    }

    let listing = store.list();

    let expected = [&new, &twin, &middle, &old].map(|j| j.id.to_string());
    assert_eq!(ids_of(&listing.records), expected);
    assert_eq!(
        store.ids().unwrap(),
        [&new, &twin, &middle, &old].map(|j| j.id.clone())
    );
}

#[test]
fn hundreds_of_records_are_all_listed_in_order() {
    let (_dir, store) = temp_store();
    // Enough to make `list` read on several threads.
    let mut jobs: Vec<_> = (0..300)
        .map(|n| record().minutes_after_start(n).build())
        .collect();
    for job in &jobs {
        store.save(job).unwrap();
    }

    let listing = store.list();

    jobs.reverse();
    assert!(listing.problems.is_empty(), "{:?}", listing.problems);
    assert_eq!(listing.records, jobs);
}

#[test]
fn unfinished_means_not_in_a_terminal_state() {
    let (_dir, store) = temp_store();
    let queued = record()
        .minutes_after_start(1)
        .state(JobState::Queued { position: Some(2) })
        .build();
    let preparing = record().minutes_after_start(2).build();
    let downloading = record()
        .minutes_after_start(3)
        .state(JobState::Downloading)
        .build();
    let failed = record()
        .minutes_after_start(4)
        .state(JobState::Failed)
        .build();
    let mut not_downloaded = record()
        .minutes_after_start(5)
        .state(JobState::Completed)
        .build();
    not_downloaded.result = Some(VideoResult {
        url: "https://v3.fal.media/files/a.mp4".into(),
        content_type: None,
        file_name: None,
        file_size: None,
        local_file: None,
        local_size: None,
    });
    for job in [&queued, &preparing, &downloading, &failed, &not_downloaded] {
        store.save(job).unwrap();
    }

    let unfinished = store.unfinished();

    let expected = [&downloading, &preparing, &queued].map(|j| j.id.to_string());
    assert_eq!(ids_of(&unfinished.records), expected);
}

#[test]
fn find_accepts_a_full_id_or_a_unique_prefix_in_any_case() {
    let (_dir, store) = temp_store();
    let fox = record()
        .id("01JAAAAAAAAAAAAAAAAAAAAAAA")
        .prompt("fox")
        .build();
    let owl = record()
        .id("01JBBBBBBBBBBBBBBBBBBBBBBB")
        .prompt("owl")
        .build();
    store.save(&fox).unwrap();
    store.save(&owl).unwrap();

    assert_eq!(store.find("01JAAAAAAAAAAAAAAAAAAAAAAA").unwrap(), fox);
    assert_eq!(store.find("01JB").unwrap(), owl);
    assert_eq!(store.find("01ja").unwrap(), fox);
    assert_eq!(store.find("  01JB  ").unwrap(), owl);
}

#[test]
fn find_explains_an_ambiguous_prefix() {
    let (_dir, store) = temp_store();
    let fox = record().id("01JAAAAAAAAAAAAAAAAAAAAAAA").build();
    let owl = record().id("01JBBBBBBBBBBBBBBBBBBBBBBB").build();
    store.save(&fox).unwrap();
    store.save(&owl).unwrap();

    let err = store.find("01J").unwrap_err();

    match &err {
        StoreError::Ambiguous(prefix, ids) => {
            assert_eq!(prefix, "01J");
            assert_eq!(ids, &[owl.id.to_string(), fox.id.to_string()]);
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    assert!(err.to_string().contains("matches 2 jobs"), "{err}");
}

#[test]
fn find_reports_missing_and_malformed_ids() {
    let (_dir, store) = temp_store();
    store
        .save(&record().id("01JAAAAAAAAAAAAAAAAAAAAAAA").build())
        .unwrap();

    assert!(matches!(store.find("01JZ"), Err(StoreError::NotFound(ref p)) if p == "01JZ"));
    assert!(matches!(store.find(""), Err(StoreError::InvalidId(_))));
    assert!(matches!(
        store.find("../01J"),
        Err(StoreError::InvalidId(_))
    ));
}
