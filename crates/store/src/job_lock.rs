//! The per-job lock that serialises writers across threads and processes.
//!
//! Lock files are removed when they are no longer needed (a finished job's record lock, a
//! claim when its run ends), always by the holder, while it holds the lock. A waiter may then
//! end up locking a file that is gone from the directory; so every locker checks, once it has
//! the lock, that the file it locked is still the one at the path, and starts over if not.
//! That way two processes can never believe they hold the same job's lock at once.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;

use crate::error::StoreError;

/// Held while a job's file is read and rewritten. Released on drop; the OS also releases it if
/// the process dies, so a crash never leaves a job locked.
pub(crate) struct JobLock {
    file: File,
    path: PathBuf,
    /// Remove the lock file on release (still holding the lock while doing so).
    remove_on_drop: bool,
}

impl JobLock {
    /// Blocks until no other holder (thread or process) has this job's lock.
    pub(crate) fn acquire(path: &Path) -> Result<Self, StoreError> {
        loop {
            let file = open(path)?;
            // Fully qualified: newer std has inherent lock methods with other names and semantics.
            FileExt::lock_exclusive(&file).map_err(|e| StoreError::io(path, e))?;
            if still_at_path(&file, path)? {
                return Ok(Self::new(file, path));
            }
        }
    }

    /// Takes the lock only if nobody holds it; `None` if somebody does.
    pub(crate) fn try_acquire(path: &Path) -> Result<Option<Self>, StoreError> {
        loop {
            let file = open(path)?;
            match FileExt::try_lock_exclusive(&file) {
                Ok(true) => {}
                Ok(false) => return Ok(None),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(e) => return Err(StoreError::io(path, e)),
            }
            if still_at_path(&file, path)? {
                return Ok(Some(Self::new(file, path)));
            }
        }
    }

    fn new(file: File, path: &Path) -> Self {
        Self {
            file,
            path: path.to_owned(),
            remove_on_drop: false,
        }
    }

    /// Removes the lock file when the lock is released, so finished jobs leave none behind.
    pub(crate) fn remove_on_release(&mut self) {
        self.remove_on_drop = true;
    }
}

fn open(path: &Path) -> Result<File, StoreError> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
        // A FIFO planted in the locks dir must fail the open, not block it.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| StoreError::io(path, e))?;
    let meta = file.metadata().map_err(|e| StoreError::io(path, e))?;
    if !meta.is_file() {
        let error = io::Error::other("a lock file must be a regular file");
        return Err(StoreError::io(path, error));
    }
    Ok(file)
}

/// Whether `file` (locked) is still the file at `path`, rather than one its holder removed.
fn still_at_path(file: &File, path: &Path) -> Result<bool, StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let locked = file.metadata().map_err(|e| StoreError::io(path, e))?;
        match fs::metadata(path) {
            Ok(current) => Ok(current.dev() == locked.dev() && current.ino() == locked.ino()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(StoreError::io(path, e)),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        Ok(true)
    }
}

/// Proof that this process is the one running a job (see [`crate::Store::claim`]); released
/// on drop, or by the OS when the process dies. Its file goes with it.
pub struct JobClaim {
    _lock: JobLock,
}

impl JobClaim {
    pub(crate) fn new(mut lock: JobLock) -> Self {
        lock.remove_on_release();
        Self { _lock: lock }
    }
}

impl Drop for JobLock {
    fn drop(&mut self) {
        // Removed before unlocking: whoever locks the old file next sees it is gone and
        // starts over with a fresh one.
        if self.remove_on_drop
            && let Err(err) = fs::remove_file(&self.path)
            && err.kind() != io::ErrorKind::NotFound
        {
            tracing::debug!(path = %self.path.display(), %err, "could not remove a lock file");
        }
        // Closing the file releases the lock anyway; unlocking first just makes it prompt.
        let _ = FileExt::unlock(&self.file);
    }
}
