//! Writing and reading one record: what ends up on disk and what comes back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::fs;

use i2v_store::{ErrorKind, JobState, Rating, SCHEMA_VERSION, StoreError};
use serde_json::Value;
use support::{file_names, log_line, record, temp_store};

#[test]
fn a_saved_record_loads_back_unchanged() {
    let (_dir, store) = temp_store();
    let job = record().finished_with_everything().build();

    store.save(&job).unwrap();

    assert_eq!(store.load(&job.id).unwrap(), job);
}

#[test]
fn open_creates_the_layout() {
    let (_dir, store) = temp_store();

    assert!(store.root().join("jobs").is_dir());
    assert!(store.videos_dir().is_dir());
    assert_eq!(store.videos_dir(), store.root().join("videos"));
}

#[test]
fn files_are_pretty_printed_with_a_trailing_newline() {
    let (_dir, store) = temp_store();
    let job = record().build();
    store.save(&job).unwrap();

    let text = fs::read_to_string(store.record_path(&job.id).unwrap()).unwrap();

    assert!(text.starts_with("{\n  \"schema\": 2,\n"), "{text}");
    assert!(text.ends_with("}\n"), "{text:?}");
}

#[cfg(unix)]
#[test]
fn files_and_new_directories_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, store) = temp_store();
    let job = record().build();
    store.save(&job).unwrap();

    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&store.record_path(&job.id).unwrap()), 0o600);
    assert_eq!(mode(store.root()), 0o700);
    assert_eq!(mode(store.jobs_dir()), 0o700);
    assert_eq!(mode(&store.videos_dir()), 0o700);
}

#[test]
fn saving_again_and_again_leaves_only_the_record() {
    let (_dir, store) = temp_store();
    let mut job = record().build();

    for n in 0..20 {
        job.logs.push(log_line(&format!("line {n}")));
        store.save(&job).unwrap();
    }

    assert_eq!(file_names(store.jobs_dir()), [format!("{}.json", job.id)]);
    assert_eq!(store.load(&job.id).unwrap().logs.len(), 20);
}

#[test]
fn a_temp_file_left_by_a_crash_is_ignored() {
    let (_dir, store) = temp_store();
    let job = record().build();
    store.save(&job).unwrap();
    let leftover = store.jobs_dir().join(format!("{}.json.tmp.4242.0", job.id));
    fs::write(&leftover, b"{\"half\": ").unwrap();

    let listing = store.list();

    assert_eq!(listing.records, std::slice::from_ref(&job));
    assert!(listing.problems.is_empty(), "{:?}", listing.problems);
    assert_eq!(store.ids().unwrap(), [job.id]);
    assert!(
        leftover.exists(),
        "leftover temp files are not ours to delete"
    );
}

#[test]
fn loading_an_unknown_job_says_not_found() {
    let (_dir, store) = temp_store();
    let job = record().build();

    let err = store.load(&job.id).unwrap_err();

    assert!(
        matches!(err, StoreError::NotFound(ref id) if *id == job.id.to_string()),
        "{err}"
    );
}

#[test]
fn update_changes_the_record_on_disk_and_returns_it() {
    let (_dir, store) = temp_store();
    let job = record().build();
    store.save(&job).unwrap();

    let saved = store
        .update(&job.id, |r| {
            r.set_state(JobState::Queued { position: None }).unwrap();
            r.logs.push(log_line("warming up"));
        })
        .unwrap();

    assert_eq!(saved.state, JobState::Queued { position: None });
    assert!(saved.updated_at > job.updated_at);
    assert_eq!(store.load(&job.id).unwrap(), saved);
}

#[test]
fn update_of_an_unknown_job_says_not_found_and_writes_nothing() {
    let (_dir, store) = temp_store();
    let job = record().build();

    let err = store.update(&job.id, |r| r.logs.clear()).unwrap_err();

    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    assert!(file_names(store.jobs_dir()).is_empty());
}

#[test]
fn update_cannot_move_a_record_to_another_id() {
    let (_dir, store) = temp_store();
    let job = record().build();
    let other = record().build();
    store.save(&job).unwrap();

    let saved = store.update(&job.id, |r| r.id = other.id.clone()).unwrap();

    assert_eq!(saved.id, job.id);
    assert_eq!(store.ids().unwrap(), [job.id]);
}

#[test]
fn an_older_schema_is_read_and_rewritten_in_the_current_one() {
    let (_dir, store) = temp_store();
    let job = record().build();
    // Schema 0: no timeline, logs, result, error or metrics yet.
    let old = serde_json::json!({
        "schema": 0,
        "id": job.id,
        "created_at": "2025-06-01T10:00:00Z",
        "updated_at": "2025-06-01T10:00:00Z",
        "model": "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video",
        "input": {"prompt": "p", "image": {"kind": "url", "url": "https://x/y.png"}, "prompt_optimizer": false},
        "state": {"state": "failed"},
        "left_over_from_v0": true
    });
    let path = store.record_path(&job.id).unwrap();
    fs::write(&path, serde_json::to_vec(&old).unwrap()).unwrap();

    let loaded = store.load(&job.id).unwrap();
    assert_eq!(loaded.schema, 0);
    assert_eq!(loaded.state, JobState::Failed);
    assert!(loaded.logs.is_empty());

    store
        .update(&job.id, |r| r.logs.push(log_line("note")))
        .unwrap();
    let on_disk: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(on_disk["schema"], SCHEMA_VERSION);
    assert_eq!(on_disk["logs"][0]["message"], "note");
    assert!(
        on_disk.get("left_over_from_v0").is_none(),
        "old-schema leftovers are not carried over"
    );
}

/// A file written by the version before ratings, prices and batches (schema 1, as it wrote
/// them) reads as it is, and a rating given later survives the rewrite; clearing it again
/// sticks (an unset field is written as `null`, not left out to be carried over).
#[test]
fn a_schema_1_file_reads_and_takes_a_rating() {
    let (_dir, store) = temp_store();
    let job = record().build();
    let v1 = serde_json::json!({
        "schema": 1,
        "id": job.id,
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-01T10:01:00Z",
        "model": "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video",
        "input": {"prompt": "p", "image": {"kind": "url", "url": "https://x/y.png"}, "prompt_optimizer": true},
        "request": null,
        "state": {"state": "completed"},
        "timeline": [
            {"at": "2026-11-01T10:00:00Z", "state": "preparing"},
            {"at": "2026-11-01T10:00:01Z", "state": "queued", "position": 0},
            {"at": "2026-11-01T10:01:00Z", "state": "completed"}
        ],
        "logs": [],
        "result": {"url": "https://v3.fal.media/files/x.mp4"},
        "error": {"kind": "download", "message": "disk full"},
        "metrics": {},
        "no_download": false
    });
    let path = store.record_path(&job.id).unwrap();
    fs::write(&path, serde_json::to_vec_pretty(&v1).unwrap()).unwrap();

    let loaded = store.load(&job.id).unwrap();
    assert_eq!(loaded.schema, 1);
    assert_eq!(
        loaded.timeline[1].state,
        JobState::Queued { position: Some(0) }
    );
    assert_eq!(loaded.error.unwrap().kind, ErrorKind::Download);
    assert_eq!(
        (loaded.rating, loaded.price_usd, loaded.batch),
        (None, None, None)
    );

    store
        .update(&job.id, |r| r.rating = Rating::new(4))
        .unwrap();
    assert_eq!(store.load(&job.id).unwrap().rating, Rating::new(4));
    store.update(&job.id, |r| r.rating = None).unwrap();
    let on_disk: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(on_disk["schema"], SCHEMA_VERSION);
    assert_eq!(on_disk["rating"], Value::Null);
    assert_eq!(store.load(&job.id).unwrap().rating, None);
}

/// The API key must never reach the history. The record has no field for it; this keeps it
/// that way by failing if any field, at any depth, is named like a credential.
#[test]
fn no_field_in_a_full_record_is_named_like_a_secret() {
    let job = record().finished_with_everything().build();
    let value = serde_json::to_value(&job).unwrap();

    let mut names = Vec::new();
    collect_field_names(&value, &mut names);

    assert!(
        names.contains(&"request_id".to_owned()),
        "walked the whole record: {names:?}"
    );
    for name in names {
        let lower = name.to_ascii_lowercase();
        for word in [
            "key",
            "authorization",
            "auth_header",
            "token",
            "secret",
            "password",
        ] {
            assert!(
                !lower.contains(word),
                "field {name:?} looks like it holds a secret"
            );
        }
    }
}

fn collect_field_names(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (name, inner) in map {
                names.push(name.clone());
                collect_field_names(inner, names);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_field_names(v, names)),
        _ => {}
    }
}

#[test]
fn the_job_a_shot_continues_is_kept_and_older_files_read_without_it() {
    let (_dir, store) = temp_store();
    let first = record().prompt("first").build();
    let mut next = record().prompt("next").build();
    next.continues = Some(first.id.clone());
    store.save(&first).unwrap();
    store.save(&next).unwrap();
    assert_eq!(
        store.load(&next.id).unwrap().continues,
        Some(first.id.clone())
    );

    // A file written before the field existed has no such key, and still reads.
    let path = store.record_path(&first.id).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(!text.contains("continues"), "{text}");
    assert_eq!(store.load(&first.id).unwrap().continues, None);
}
