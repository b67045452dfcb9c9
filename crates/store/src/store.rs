//! The store itself: where files live, and reading and writing one job's record.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use chrono::Utc;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::atomic_write::write_atomically;
use crate::decode::decode;
use crate::error::StoreError;
use crate::job_lock::{JobClaim, JobLock};
use crate::read_file::read_record_file;
use crate::record::{JobId, JobRecord, SCHEMA_VERSION};
use crate::write_faults::WriteFaults;

/// Handle on one history directory. Cloning is cheap; clones share nothing mutable but a
/// note of their own last write (for [`Store::own_write_stamp`]), because everything else
/// shared lives on disk under the per-job locks.
#[derive(Clone, Debug)]
pub struct Store {
    dirs: Arc<Dirs>,
    /// How long after its last change a record file's stamp is trusted by the index.
    settle: Duration,
    /// Record writes made to fail on purpose (tests of a full disk); `None` in use.
    faults: Option<Arc<WriteFaults>>,
}

const DEFAULT_SETTLE: Duration = Duration::from_secs(2);

#[derive(Debug)]
struct Dirs {
    root: PathBuf,
    jobs: PathBuf,
    videos: PathBuf,
    locks: PathBuf,
    /// `jobs/`'s modification time right after this store (or a clone) last wrote a record.
    own_write: Mutex<Option<SystemTime>>,
}

impl Dirs {
    fn under(root: PathBuf) -> Dirs {
        Dirs {
            jobs: root.join("jobs"),
            videos: root.join("videos"),
            locks: root.join("locks"),
            own_write: Mutex::new(None),
            root,
        }
    }
}

impl Store {
    /// Opens (creating if needed) the store under `root`. New directories are private (0700)
    /// on unix; existing ones keep whatever mode the user gave them.
    pub fn open(root: impl Into<PathBuf>) -> Result<Store, StoreError> {
        let dirs = Dirs::under(root.into());
        for dir in [&dirs.root, &dirs.jobs, &dirs.videos, &dirs.locks] {
            create_private_dir(dir)?;
        }
        Ok(Store {
            dirs: Arc::new(dirs),
            settle: DEFAULT_SETTLE,
            faults: None,
        })
    }

    /// Opens the store under `root` for reading only, creating nothing: a missing directory
    /// reads as an empty history. For commands that only look (`history list`, `show`).
    pub fn open_read_only(root: impl Into<PathBuf>) -> Store {
        Store {
            dirs: Arc::new(Dirs::under(root.into())),
            settle: DEFAULT_SETTLE,
            faults: None,
        }
    }

    /// How long after a record file changes the index goes on reading it again rather than
    /// trusting its stamp: a second change within the file system's timestamp granularity
    /// could leave the stamp as it was. Two seconds covers every file system i2v runs on;
    /// tests shorten it to see the index used at once.
    pub fn settle_after(mut self, settle: Duration) -> Store {
        self.settle = settle;
        self
    }

    /// Makes record writes fail as `faults` says, as a full disk would: for tests of what a
    /// caller does when a save fails (see [`WriteFaults`]).
    pub fn with_write_faults(mut self, faults: Arc<WriteFaults>) -> Store {
        self.faults = Some(faults);
        self
    }

    pub(crate) fn settle(&self) -> Duration {
        self.settle
    }

    pub fn root(&self) -> &Path {
        &self.dirs.root
    }

    pub fn videos_dir(&self) -> PathBuf {
        self.dirs.videos.clone()
    }

    pub fn jobs_dir(&self) -> &Path {
        &self.dirs.jobs
    }

    /// Where `id`'s record lives (whether or not it exists yet).
    pub fn record_path(&self, id: &JobId) -> Result<PathBuf, StoreError> {
        // A JobId read from JSON skipped `JobId::parse`; check again before touching the disk.
        let id = checked(id)?;
        Ok(self.dirs.jobs.join(format!("{id}.json")))
    }

    /// Writes `record` atomically, replacing any earlier version. Refuses (and leaves the file
    /// alone) if the file already there is unreadable or from a newer i2v.
    ///
    /// Always writes the current [`SCHEMA_VERSION`], since the bytes are in the current shape.
    /// Top-level fields this version does not know (from a newer i2v of the same schema) are
    /// kept, so a round trip through an older i2v loses nothing.
    pub fn save(&self, record: &JobRecord) -> Result<(), StoreError> {
        let path = self.record_path(&record.id)?;
        let mut lock = self.lock(&record.id)?;
        let existing = read_existing(&path, &record.id)?;
        self.check_write(&path)?;
        write_record(&path, record, existing.and_then(|e| e.raw))?;
        self.note_own_write();
        release_when_finished(&mut lock, record);
        Ok(())
    }

    pub fn load(&self, id: &JobId) -> Result<JobRecord, StoreError> {
        let path = self.record_path(id)?;
        match read_record_file(&path) {
            Ok(bytes) => decode(&path, &bytes, id),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(StoreError::NotFound(id.to_string()))
            }
            Err(e) => Err(StoreError::io(path, e)),
        }
    }

    /// Read-modify-write under an exclusive per-job file lock, so two processes updating the
    /// same job never lose each other's changes. Bumps `updated_at`. The closure cannot move
    /// the record to another id: the id is put back if it changed it. Returns what was saved.
    ///
    /// Note that a plain [`Store::save`] of a stale in-memory copy still overwrites whatever an
    /// `update` wrote before it; writers that share a job should all use `update`.
    pub fn update(
        &self,
        id: &JobId,
        f: impl FnOnce(&mut JobRecord),
    ) -> Result<JobRecord, StoreError> {
        let path = self.record_path(id)?;
        let mut lock = self.lock(id)?;
        let Some(existing) = read_existing(&path, id)? else {
            return Err(StoreError::NotFound(id.to_string()));
        };
        let mut record = existing.record;
        f(&mut record);
        record.id = id.clone();
        record.schema = SCHEMA_VERSION;
        record.updated_at = Utc::now();
        self.check_write(&path)?;
        write_record(&path, &record, existing.raw)?;
        self.note_own_write();
        release_when_finished(&mut lock, &record);
        Ok(record)
    }

    /// Finds a job by its full id or a unique prefix of it, ignoring case (people type ULIDs in
    /// lower case).
    pub fn find(&self, prefix: &str) -> Result<JobRecord, StoreError> {
        let wanted = prefix.trim();
        if JobId::parse(wanted).is_none() {
            return Err(StoreError::InvalidId(prefix.to_owned()));
        }
        let ids = self.ids()?;
        if let Some(exact) = ids
            .iter()
            .find(|id| id.as_str().eq_ignore_ascii_case(wanted))
        {
            return self.load(exact);
        }
        let matches: Vec<&JobId> = ids
            .iter()
            .filter(|id| starts_with_ignore_case(id.as_str(), wanted))
            .collect();
        match matches.as_slice() {
            [] => Err(StoreError::NotFound(wanted.to_owned())),
            [only] => self.load(only),
            many => Err(StoreError::Ambiguous(
                wanted.to_owned(),
                many.iter().map(|id| id.to_string()).collect(),
            )),
        }
    }

    /// Claims the right to run (follow, download) a job, so two processes — the workbench
    /// and an `i2v resume`, say — never both follow it. `None` if another live process has
    /// it. Separate from the record lock, which is held only for the length of a write.
    pub fn claim(&self, id: &JobId) -> Result<Option<JobClaim>, StoreError> {
        let id = checked(id)?;
        let lock = JobLock::try_acquire(&self.dirs.locks.join(format!("{id}.run")))?;
        Ok(lock.map(JobClaim::new))
    }

    /// Removes job `id`'s record lock file, once any writer is done with it: a run that ends
    /// with its job unfinished (i2v quit; the job goes on at fal) leaves none in `locks/`.
    /// The next write makes a new one.
    pub fn drop_lock_file(&self, id: &JobId) -> Result<(), StoreError> {
        let mut lock = self.lock(id)?;
        lock.remove_on_release();
        Ok(())
    }

    /// `jobs/`'s modification time as it was right after this store (or a clone of it) last
    /// wrote a record, so a watcher can tell its own writes from another process's. `None`
    /// before the first write.
    pub fn own_write_stamp(&self) -> Option<SystemTime> {
        *self
            .dirs
            .own_write
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn note_own_write(&self) {
        let stamp = fs::metadata(&self.dirs.jobs)
            .and_then(|m| m.modified())
            .ok();
        *self
            .dirs
            .own_write
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = stamp;
    }

    fn check_write(&self, path: &Path) -> Result<(), StoreError> {
        match &self.faults {
            Some(faults) => faults.check(path),
            None => Ok(()),
        }
    }

    pub(crate) fn lock(&self, id: &JobId) -> Result<JobLock, StoreError> {
        let id = checked(id)?;
        JobLock::acquire(&self.dirs.locks.join(format!("{id}.lock")))
    }
}

/// A finished job is rarely written again, so its lock file goes (a 10k history would
/// otherwise keep 10k of them); a later write simply makes a new one.
fn release_when_finished(lock: &mut JobLock, record: &JobRecord) {
    if record.state.is_terminal() {
        lock.remove_on_release();
    }
}

fn checked(id: &JobId) -> Result<&JobId, StoreError> {
    match JobId::parse(id.as_str()) {
        Some(_) => Ok(id),
        None => Err(StoreError::InvalidId(id.to_string())),
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| {
        // "File exists" is what mkdir says about a file, a dangling link or a link loop in
        // the way; say which.
        if e.kind() != io::ErrorKind::AlreadyExists {
            return StoreError::io(dir, e);
        }
        match fs::metadata(dir) {
            Err(cause) => StoreError::io(dir, cause),
            Ok(_) => StoreError::io(dir, io::Error::other("exists but is not a directory")),
        }
    })
}

/// What is on disk for a job before we replace it.
struct Existing {
    record: JobRecord,
    /// The whole top-level object, when it is our schema version; used to carry over fields a
    /// newer i2v added. `None` for older versions, whose leftovers are dropped on purpose.
    raw: Option<Map<String, Value>>,
}

/// `Ok(None)` if there is no file yet; an error if there is one we must not overwrite.
fn read_existing(path: &Path, id: &JobId) -> Result<Option<Existing>, StoreError> {
    let bytes = match read_record_file(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io(path, e)),
    };
    let record = decode(path, &bytes, id)?;
    let raw = if record.schema == SCHEMA_VERSION {
        serde_json::from_slice(&bytes).ok()
    } else {
        None
    };
    Ok(Some(Existing { record, raw }))
}

/// The file's shape: the record's fields first, then any we do not know but must keep.
#[derive(Serialize)]
struct Persisted<'a> {
    #[serde(flatten)]
    record: &'a JobRecord,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

fn write_record(
    path: &Path,
    record: &JobRecord,
    previous: Option<Map<String, Value>>,
) -> Result<(), StoreError> {
    let encode_error = |source| StoreError::Encode {
        id: record.id.to_string(),
        source,
    };
    let stamped;
    let record = if record.schema == SCHEMA_VERSION {
        record
    } else {
        stamped = JobRecord {
            schema: SCHEMA_VERSION,
            ..record.clone()
        };
        &stamped
    };
    let mut extra = Map::new();
    if let Some(previous) = previous {
        let ours = serde_json::to_value(record).map_err(encode_error)?;
        for (key, value) in previous {
            if ours.get(&key).is_none() {
                extra.insert(key, value);
            }
        }
    }
    let mut text =
        serde_json::to_string_pretty(&Persisted { record, extra }).map_err(encode_error)?;
    text.push('\n');
    write_atomically(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::record::{ImageSource, JobInput};

    /// Carrying unknown fields over relies on every known field being written even when empty;
    /// a `skip_serializing_if` on a record field would let a stale value survive as "unknown".
    #[test]
    fn an_empty_record_still_writes_every_field() {
        let input = JobInput {
            prompt: String::new(),
            image: ImageSource::Url { url: String::new() },
            prompt_optimizer: false,
        };
        let record = JobRecord::new("m", input);
        let value = serde_json::to_value(&record).unwrap();
        let keys: BTreeSet<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();

        let expected = BTreeSet::from([
            "schema",
            "id",
            "created_at",
            "updated_at",
            "model",
            "input",
            "request",
            "submit_sent_at",
            "state",
            "lost_submit",
            "timeline",
            "logs",
            "result",
            "error",
            "metrics",
            "no_download",
            "rating",
            "note",
            "price_usd",
            "batch",
        ]);
        assert_eq!(keys, expected);
    }
}
