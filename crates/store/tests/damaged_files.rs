//! Files the store cannot use: reported clearly, never repaired, renamed or overwritten.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::fs;

use i2v_store::{JobId, SCHEMA_VERSION, StoreError};
use serde_json::Value;
use support::{ids_of, log_line, record, temp_store};

#[test]
fn a_corrupt_file_beside_good_ones_is_reported_and_left_alone() {
    let (_dir, store) = temp_store();
    let good = [
        record().minutes_after_start(1).build(),
        record().minutes_after_start(2).build(),
    ];
    for job in &good {
        store.save(job).unwrap();
    }
    let damaged = record().minutes_after_start(3).build();
    let path = store.record_path(&damaged.id).unwrap();
    let garbage = b"{\"schema\": 1, \"id\": \"trunc";
    fs::write(&path, garbage).unwrap();

    let listing = store.list();

    assert_eq!(
        ids_of(&listing.records),
        [good[1].id.to_string(), good[0].id.to_string()]
    );
    assert_eq!(listing.problems.len(), 1);
    assert_eq!(listing.problems[0].path, path);
    assert!(
        listing.problems[0]
            .message
            .contains("not a valid job record"),
        "{}",
        listing.problems[0]
    );
    assert!(
        listing.problems[0]
            .message
            .ends_with("the file was left as is")
    );
    assert_eq!(fs::read(&path).unwrap(), garbage);
}

#[test]
fn saving_or_updating_over_a_corrupt_file_is_refused() {
    let (_dir, store) = temp_store();
    let job = record().build();
    let path = store.record_path(&job.id).unwrap();
    fs::write(&path, b"not json at all").unwrap();

    let saved = store.save(&job);
    let updated = store.update(&job.id, |r| r.logs.push(log_line("x")));

    assert!(
        matches!(saved, Err(StoreError::Corrupt { .. })),
        "{saved:?}"
    );
    assert!(
        matches!(updated, Err(StoreError::Corrupt { .. })),
        "{updated:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), b"not json at all");
}

#[test]
fn an_empty_file_is_reported_as_empty() {
    let (_dir, store) = temp_store();
    let job = record().build();
    fs::write(store.record_path(&job.id).unwrap(), b"").unwrap();

    let listing = store.list();

    assert_eq!(listing.problems.len(), 1);
    assert!(
        listing.problems[0].message.starts_with("the file is empty"),
        "{}",
        listing.problems[0]
    );
}

#[test]
fn a_record_from_a_newer_i2v_is_reported_and_never_overwritten() {
    let (_dir, store) = temp_store();
    let job = record().build();
    let path = store.record_path(&job.id).unwrap();
    // A future shape this version cannot even parse.
    let future = format!(r#"{{"schema": 7, "id": "{}", "jobs": ["a", "b"]}}"#, job.id);
    fs::write(&path, &future).unwrap();

    let listing = store.list();
    assert!(listing.records.is_empty());
    assert_eq!(listing.problems.len(), 1);
    assert!(
        listing.problems[0]
            .message
            .contains("written by a newer i2v (schema 7"),
        "{}",
        listing.problems[0]
    );

    let loaded = store.load(&job.id);
    assert!(
        matches!(
            loaded,
            Err(StoreError::NewerSchema {
                found: 7,
                supported: SCHEMA_VERSION,
                ..
            })
        ),
        "{loaded:?}"
    );
    assert!(matches!(
        store.save(&job),
        Err(StoreError::NewerSchema { .. })
    ));
    assert!(matches!(
        store.update(&job.id, |_| {}),
        Err(StoreError::NewerSchema { .. })
    ));
    assert_eq!(fs::read_to_string(&path).unwrap(), future);
}

#[test]
fn a_newer_schema_is_refused_even_when_its_shape_still_parses() {
    let (_dir, store) = temp_store();
    let job = record().build();
    let mut value = serde_json::to_value(&job).unwrap();
    value["schema"] = (SCHEMA_VERSION + 1).into();
    let path = store.record_path(&job.id).unwrap();
    let bytes = serde_json::to_vec_pretty(&value).unwrap();
    fs::write(&path, &bytes).unwrap();

    let updated = store.update(&job.id, |r| r.logs.push(log_line("x")));

    assert!(
        matches!(updated, Err(StoreError::NewerSchema { found, .. }) if found == SCHEMA_VERSION + 1),
        "{updated:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn unknown_fields_are_tolerated_and_kept_on_update() {
    let (_dir, store) = temp_store();
    let job = record().build();
    let mut value = serde_json::to_value(&job).unwrap();
    value["added_by_a_later_i2v"] = serde_json::json!({"seed": 42});
    value["input"]["also_nested"] = true.into();
    let path = store.record_path(&job.id).unwrap();
    fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();

    assert_eq!(store.load(&job.id).unwrap(), job);
    assert!(store.list().problems.is_empty());

    store
        .update(&job.id, |r| r.logs.push(log_line("still here")))
        .unwrap();
    let on_disk: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(on_disk["added_by_a_later_i2v"]["seed"], 42);
    assert_eq!(on_disk["logs"][0]["message"], "still here");
}

#[test]
fn a_file_holding_another_jobs_record_is_a_problem() {
    let (_dir, store) = temp_store();
    let job = record().build();
    let other = record().build();
    let bytes = serde_json::to_vec(&job).unwrap();
    let path = store.record_path(&other.id).unwrap();
    fs::write(&path, &bytes).unwrap();

    let listing = store.list();

    assert!(listing.records.is_empty());
    assert!(
        listing.problems[0].message.contains("its file name says"),
        "{}",
        listing.problems[0]
    );
    assert!(matches!(
        store.save(&other),
        Err(StoreError::Corrupt { .. })
    ));
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_json_file_not_named_after_a_job_is_a_problem() {
    let (_dir, store) = temp_store();
    let path = store.jobs_dir().join("my notes.json");
    fs::write(&path, b"{}").unwrap();
    fs::write(store.jobs_dir().join("README.txt"), b"not ours, not json").unwrap();

    let listing = store.list();

    assert_eq!(listing.problems.len(), 1);
    assert_eq!(listing.problems[0].path, path);
    assert!(listing.problems[0].message.contains("not a job id"));
}

#[test]
fn ids_that_could_escape_the_store_are_refused() {
    let (_dir, store) = temp_store();
    let mut job = record().build();
    // Deserialising skips `JobId::parse`, so a hostile file could carry such an id.
    job.id = serde_json::from_str::<JobId>("\"../../escape\"").unwrap();

    assert!(matches!(store.save(&job), Err(StoreError::InvalidId(_))));
    assert!(matches!(store.load(&job.id), Err(StoreError::InvalidId(_))));
}

/// Runs `list` on a thread, so a store that blocks on a file fails the test instead of hanging
/// it. The limit is generous: listing three files takes milliseconds.
fn list_or_give_up(store: &i2v_store::Store) -> i2v_store::Listing {
    let store = store.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(store.list());
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .expect("listing blocked on a file that is not a regular file")
}

#[cfg(unix)]
#[test]
fn a_fifo_a_device_link_and_a_huge_file_are_problems_not_hangs() {
    let (_dir, store) = temp_store();
    let good = record().minutes_after_start(1).build();
    store.save(&good).unwrap();
    let path_of = |minutes| {
        store
            .record_path(&record().minutes_after_start(minutes).build().id)
            .unwrap()
    };
    let fifo = path_of(2);
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo failed");
    let zero = path_of(3);
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let huge = path_of(4);
    let file = fs::File::create(&huge).unwrap();
    file.set_len(i2v_store::MAX_RECORD_BYTES + 1).unwrap();

    let listing = list_or_give_up(&store);

    assert_eq!(ids_of(&listing.records), [good.id.to_string()]);
    let problems: Vec<_> = listing.problems.iter().map(|p| &p.path).collect();
    assert_eq!(problems, [&fifo, &zero, &huge]);
    for problem in &listing.problems[..2] {
        assert!(problem.message.contains("not a regular file"), "{problem}");
    }
    assert!(
        listing.problems[2].message.contains("larger than"),
        "{}",
        listing.problems[2]
    );
    // Loading one by id is refused the same way, and nothing was changed.
    let fifo_id = JobId::parse(fifo.file_stem().unwrap().to_str().unwrap()).unwrap();
    assert!(store.load(&fifo_id).is_err());
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}
