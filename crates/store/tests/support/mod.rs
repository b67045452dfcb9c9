//! Fixture builder and small helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different part of this

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use i2v_store::{
    ErrorKind, ImageSource, JobError, JobId, JobInput, JobRecord, JobState, LogEntry, Metrics,
    RequestId, RequestInfo, StatusChange, Store, VideoResult,
};
use tempfile::TempDir;

pub const MODEL: &str = "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video";

/// A store in a fresh temp dir; keep the `TempDir` alive for the test's length.
pub fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("history")).unwrap();
    (dir, store)
}

/// A store whose index trusts a stamp at once, so a second look can reuse entries (and a look
/// for changes skip files) without waiting out the settling time.
pub fn quick(store: Store) -> Store {
    store.settle_after(std::time::Duration::ZERO)
}

/// Saves a job per prompt, a minute apart, oldest first.
pub fn save_jobs(store: &Store, prompts: &[&str]) -> Vec<JobRecord> {
    prompts
        .iter()
        .enumerate()
        .map(|(n, prompt)| {
            let job = record()
                .minutes_after_start(n as i64)
                .prompt(prompt)
                .build();
            store.save(&job).unwrap();
            job
        })
        .collect()
}

/// What other processes do to a history of at least three jobs saved as "keep me", "remove
/// me", "edit me": one adds a record by writing the file itself (prompt "added", an hour
/// after the start), a sync removes the second, an editor rewrites the third in place
/// ("EDITED!"). Returns the added record.
pub fn change_behind_its_back(store: &Store, jobs: &[JobRecord]) -> JobRecord {
    let added = record().minutes_after_start(60).prompt("added").build();
    let added_path = store.record_path(&added.id).unwrap();
    fs::write(&added_path, serde_json::to_vec_pretty(&added).unwrap()).unwrap();
    fs::remove_file(store.record_path(&jobs[1].id).unwrap()).unwrap();
    edit_in_place(
        &store.record_path(&jobs[2].id).unwrap(),
        "edit me",
        "EDITED!",
    );
    added
}

/// Rewrites a file in place as an editor may: same inode, `from` replaced by `to` (of the
/// same length, so the size stays), the modification time put back. Only the status-change
/// time shows it.
pub fn edit_in_place(path: &Path, from: &str, to: &str) {
    use std::io::Write;
    let modified = fs::metadata(path).unwrap().modified().unwrap();
    let text = fs::read_to_string(path).unwrap();
    let mut file = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .unwrap();
    file.write_all(text.replace(from, to).as_bytes()).unwrap();
    file.set_modified(modified).unwrap();
}

/// Starts a record for a job created at a fixed moment, with an id minted for that moment.
pub fn record() -> RecordBuilder {
    RecordBuilder::new()
}

pub struct RecordBuilder {
    record: JobRecord,
}

impl RecordBuilder {
    fn new() -> Self {
        let input = JobInput {
            prompt: "a red fox runs through snow\nslow motion".into(),
            image: ImageSource::Url {
                url: "https://example.com/fox.png".into(),
            },
            prompt_optimizer: true,
        };
        let builder = Self {
            record: JobRecord::new(MODEL, input),
        };
        builder.created_at(Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap())
    }

    /// Sets `created_at` and gives the job a ULID minted at that time, so id order and time
    /// order agree the way they do for real jobs.
    pub fn created_at(mut self, at: DateTime<Utc>) -> Self {
        static SALT: AtomicU64 = AtomicU64::new(1);
        let salt = u128::from(SALT.fetch_add(1, Ordering::Relaxed));
        let ulid = ulid::Ulid::from_parts(at.timestamp_millis() as u64, salt);
        self.record.id = JobId::parse(&ulid.to_string()).unwrap();
        self.record.created_at = at;
        self.record.updated_at = at;
        for change in &mut self.record.timeline {
            change.at = at;
        }
        self
    }

    pub fn minutes_after_start(self, minutes: i64) -> Self {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        self.created_at(start + Duration::minutes(minutes))
    }

    pub fn id(mut self, id: &str) -> Self {
        self.record.id = JobId::parse(id).unwrap();
        self
    }

    pub fn prompt(mut self, prompt: &str) -> Self {
        self.record.input.prompt = prompt.into();
        self
    }

    /// Puts the job in `state` as a fixture, whatever it was in (no life in between).
    pub fn state(mut self, state: JobState) -> Self {
        self.record.state = state.clone();
        self.record.timeline.push(StatusChange {
            at: self.record.updated_at,
            state,
        });
        self
    }

    pub fn log_lines(mut self, count: usize) -> Self {
        for n in 0..count {
            self.record.logs.push(log_line(&format!("step {n}")));
        }
        self
    }

    /// Every optional part filled in, as for a job that went all the way.
    pub fn finished_with_everything(mut self) -> Self {
        self.record.input.image = ImageSource::File {
            path: PathBuf::from("/home/me/fox.png"),
            content_type: "image/png".into(),
            size: 123_456,
            uploaded_url: Some("https://v3.fal.media/files/fox.png".into()),
        };
        self.record.request = Some(RequestInfo {
            request_id: RequestId("req-123".into()),
            status_url: "https://queue.fal.run/x/requests/req-123/status".into(),
            response_url: "https://queue.fal.run/x/requests/req-123".into(),
            cancel_url: "https://queue.fal.run/x/requests/req-123/cancel".into(),
        });
        for state in [
            JobState::Queued { position: Some(3) },
            JobState::Running,
            JobState::Downloading,
            JobState::Completed,
        ] {
            self.record.set_state(state).unwrap();
        }
        self.record
            .logs
            .push(log_line("\u{1b}[31mloading model\u{1b}[0m"));
        self.record.result = Some(VideoResult {
            url: "https://v3.fal.media/files/fox.mp4".into(),
            content_type: Some("video/mp4".into()),
            file_name: Some("fox.mp4".into()),
            file_size: Some(9_000_000),
            local_file: Some(PathBuf::from("/home/me/videos/fox.mp4")),
            local_size: Some(9_000_000),
        });
        self.record.error = Some(JobError {
            kind: ErrorKind::Network,
            message: "a retried download hiccup".into(),
        });
        self.record.metrics = Metrics {
            inference_time: Some(41.5),
            queue_seconds: Some(3.25),
            total_seconds: Some(50.0),
        };
        self
    }

    pub fn build(self) -> JobRecord {
        self.record
    }
}

pub fn log_line(message: &str) -> LogEntry {
    LogEntry {
        message: message.into(),
        level: "INFO".into(),
        source: "user".into(),
        timestamp: "2026-01-01T12:00:01Z".into(),
    }
}

/// File names in `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub fn ids_of(records: &[JobRecord]) -> Vec<String> {
    records.iter().map(|r| r.id.to_string()).collect()
}
