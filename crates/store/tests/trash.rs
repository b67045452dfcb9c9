//! Removing finished jobs: to the trash with their video and thumbnails, or for good; never a
//! job that is still running.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::fs;

use i2v_store::{JobRecord, JobState, Removal, Store, StoreError, VideoResult};
use support::{file_names, record, temp_store};

/// A finished job with a saved video and three cached thumbnails.
fn finished_with_files(store: &Store) -> JobRecord {
    let mut job = record().state(JobState::Completed).build();
    let video = store.videos_dir().join(format!("{}.mp4", job.id));
    fs::write(&video, b"0123456789").unwrap();
    job.result = Some(VideoResult {
        url: "https://v3.fal.media/files/fox.mp4".into(),
        content_type: None,
        file_name: None,
        file_size: None,
        local_file: Some(video),
        local_size: Some(10),
    });
    store.save(&job).unwrap();
    fs::create_dir_all(store.thumbs_dir()).unwrap();
    for position in ["first", "middle", "last"] {
        let thumb = store
            .thumbs_dir()
            .join(format!("{}-{position}.rgb", job.id));
        fs::write(thumb, b"rgb").unwrap();
    }
    job
}

#[test]
fn a_removed_job_goes_to_the_trash_with_its_files() {
    let (_dir, store) = temp_store();
    let job = finished_with_files(&store);
    let other = finished_with_files(&store);
    let record_bytes = fs::read(store.record_path(&job.id).unwrap()).unwrap();

    let removed = store.remove(&job.id, Removal::Trash).unwrap();

    let trash = store.trash_dir().join(job.id.as_str());
    assert_eq!(removed.trash.as_ref(), Some(&trash));
    assert_eq!(removed.files.len(), 5, "{:?}", removed.files);
    assert_eq!(
        removed.files.last(),
        Some(&store.record_path(&job.id).unwrap())
    );
    let id = job.id.as_str();
    assert_eq!(
        file_names(&trash),
        [
            format!("{id}-first.rgb"),
            format!("{id}-last.rgb"),
            format!("{id}-middle.rgb"),
            format!("{id}.json"),
            format!("{id}.mp4"),
        ]
    );
    assert_eq!(
        fs::read(trash.join(format!("{id}.json"))).unwrap(),
        record_bytes
    );
    let history = store.history();
    assert_eq!(history.jobs.len(), 1);
    assert_eq!(history.jobs[0].id, other.id);
    // The other job's files are untouched.
    assert_eq!(file_names(&store.thumbs_dir()).len(), 3);
    assert!(
        store
            .videos_dir()
            .join(format!("{}.mp4", other.id))
            .exists()
    );
    assert!(matches!(store.load(&job.id), Err(StoreError::NotFound(_))));
}

#[test]
fn a_purged_job_is_deleted() {
    let (_dir, store) = temp_store();
    let job = finished_with_files(&store);
    let record_len = fs::metadata(store.record_path(&job.id).unwrap())
        .unwrap()
        .len();
    let before = store.job_files(&job).unwrap();
    assert_eq!(before.bytes, 10 + 3 * 3 + record_len);

    let removed = store.remove(&job.id, Removal::Purge).unwrap();
    assert_eq!(removed.trash, None);
    assert_eq!((removed.files, removed.bytes), (before.files, before.bytes));
    assert!(file_names(&store.thumbs_dir()).is_empty());
    assert!(file_names(&store.videos_dir()).is_empty());
    assert!(file_names(store.jobs_dir()).is_empty());
    assert!(!store.trash_dir().exists());
}

#[test]
fn a_running_job_is_never_removed() {
    let (_dir, store) = temp_store();
    let job = record().state(JobState::Running).build();
    store.save(&job).unwrap();
    let err = store.remove(&job.id, Removal::Purge).unwrap_err();
    assert!(matches!(err, StoreError::Unfinished { .. }), "{err}");
    assert!(err.to_string().contains("running"), "{err}");
    assert_eq!(store.load(&job.id).unwrap(), job);
}

#[test]
fn a_job_another_process_follows_is_not_removed() {
    let (_dir, store) = temp_store();
    let job = finished_with_files(&store);
    let _claim = store.claim(&job.id).unwrap().unwrap();
    let err = store.remove(&job.id, Removal::Trash).unwrap_err();
    assert!(matches!(err, StoreError::Busy(_)), "{err}");
    assert!(store.load(&job.id).is_ok());
}

#[test]
fn a_video_outside_the_data_dir_is_left_where_it_is() {
    let (dir, store) = temp_store();
    let elsewhere = dir.path().join("my clips/fox.mp4");
    fs::create_dir_all(elsewhere.parent().unwrap()).unwrap();
    fs::write(&elsewhere, b"video").unwrap();
    let mut job = record().state(JobState::Completed).build();
    job.result = Some(VideoResult {
        url: "https://v3.fal.media/files/fox.mp4".into(),
        content_type: None,
        file_name: None,
        file_size: None,
        local_file: Some(elsewhere.clone()),
        local_size: Some(5),
    });
    store.save(&job).unwrap();

    let removed = store.remove(&job.id, Removal::Trash).unwrap();
    assert_eq!(removed.left, Some(elsewhere.clone()));
    assert_eq!(removed.files, [store.record_path(&job.id).unwrap()]);
    assert!(elsewhere.exists());
}

#[test]
fn trashing_the_same_job_twice_keeps_both() {
    let (_dir, store) = temp_store();
    let job = finished_with_files(&store);
    store.remove(&job.id, Removal::Trash).unwrap();
    // Moved back by hand, then removed again.
    store.save(&job).unwrap();
    let again = store.remove(&job.id, Removal::Trash).unwrap();
    let second = store.trash_dir().join(format!("{}.2", job.id));
    assert_eq!(again.trash, Some(second.clone()));
    assert_eq!(file_names(&second), [format!("{}.json", job.id)]);
    assert_eq!(
        file_names(&store.trash_dir().join(job.id.as_str())).len(),
        5
    );
}
