//! The per-job lock that serialises writers across threads and processes.

use std::fs::{File, OpenOptions};
use std::path::Path;

use fs4::fs_std::FileExt;

use crate::error::StoreError;

/// Held while a job's file is read and rewritten. Released on drop; the OS also releases it if
/// the process dies, so a crash never leaves a job locked.
pub(crate) struct JobLock {
    file: File,
}

impl JobLock {
    /// Blocks until no other holder (thread or process) has this job's lock.
    pub(crate) fn acquire(path: &Path) -> Result<Self, StoreError> {
        let file = open(path)?;
        // Fully qualified: newer std has inherent lock methods with other names and semantics.
        FileExt::lock_exclusive(&file).map_err(|e| StoreError::io(path, e))?;
        Ok(Self { file })
    }

    /// Takes the lock only if nobody holds it; `None` if somebody does.
    pub(crate) fn try_acquire(path: &Path) -> Result<Option<Self>, StoreError> {
        let file = open(path)?;
        match FileExt::try_lock_exclusive(&file) {
            Ok(true) => Ok(Some(Self { file })),
            Ok(false) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(StoreError::io(path, e)),
        }
    }
}

fn open(path: &Path) -> Result<File, StoreError> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| StoreError::io(path, e))
}

/// Proof that this process is the one running a job (see [`crate::Store::claim`]); released
/// on drop, or by the OS when the process dies.
pub struct JobClaim {
    _lock: JobLock,
}

impl JobClaim {
    pub(crate) fn new(lock: JobLock) -> Self {
        Self { _lock: lock }
    }
}

impl Drop for JobLock {
    fn drop(&mut self) {
        // Closing the file releases the lock anyway; unlocking first just makes it prompt.
        let _ = FileExt::unlock(&self.file);
    }
}
