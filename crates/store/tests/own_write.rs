//! A store notes `jobs/`'s stamp after its own writes, so a watcher can tell them from another
//! process's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::time::Duration;

use i2v_store::{ImageSource, JobInput, JobRecord, Store};

fn modified(store: &Store) -> Option<std::time::SystemTime> {
    std::fs::metadata(store.jobs_dir()).ok()?.modified().ok()
}

#[test]
fn own_writes_are_noted_and_another_process_s_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.own_write_stamp(), None);

    let record = JobRecord::new(
        "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video",
        JobInput {
            prompt: "a fox".into(),
            image: ImageSource::Url {
                url: "https://example.com/a.png".into(),
            },
            prompt_optimizer: true,
        },
    );
    // A clone (the engine's) writes; the watcher's handle sees it as its own.
    let engine = store.clone();
    engine.save(&record).unwrap();
    assert_eq!(store.own_write_stamp(), modified(&store));
    engine
        .update(&record.id, |r| r.note = Some("kept".into()))
        .unwrap();
    assert_eq!(store.own_write_stamp(), modified(&store));

    // Another process: a separate store on the same folder, a little later.
    std::thread::sleep(Duration::from_millis(20));
    let other = Store::open(dir.path()).unwrap();
    let mut theirs = record.clone();
    theirs.id = i2v_store::JobId::new();
    other.save(&theirs).unwrap();
    assert_ne!(store.own_write_stamp(), modified(&store));
}
