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
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).map_err(|e| StoreError::io(path, e))?;
        // Fully qualified: newer std has inherent lock methods with other names and semantics.
        FileExt::lock_exclusive(&file).map_err(|e| StoreError::io(path, e))?;
        Ok(Self { file })
    }
}

impl Drop for JobLock {
    fn drop(&mut self) {
        // Closing the file releases the lock anyway; unlocking first just makes it prompt.
        let _ = FileExt::unlock(&self.file);
    }
}
