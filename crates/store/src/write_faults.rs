//! A seam for tests of what callers do when a record cannot be saved. A full disk cannot be
//! had everywhere (mounting a small file system takes privileges a CI runner may lack), so a
//! store can be handed a [`WriteFaults`] that makes its record writes fail as a full disk
//! would, from a chosen write on, until it is healed. A store without one never fails on
//! purpose.

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::StoreError;

/// Which of a store's record writes fail. Shared (`Arc`) between the test and the store.
#[derive(Debug)]
pub struct WriteFaults {
    /// Record writes attempted so far.
    writes: AtomicU64,
    /// The first write (counting from 1) that fails, and every one after it; `u64::MAX` for
    /// none.
    fail_from: AtomicU64,
}

impl Default for WriteFaults {
    fn default() -> Self {
        Self {
            writes: AtomicU64::new(0),
            fail_from: AtomicU64::new(u64::MAX),
        }
    }
}

impl WriteFaults {
    /// Every record write from the `n`th one on (counting from 1 since the store was made)
    /// fails with "No space left on device".
    pub fn fail_from(&self, n: u64) {
        self.fail_from.store(n, Ordering::SeqCst);
    }

    /// Every record write from now on fails.
    pub fn fill(&self) {
        self.fail_from(self.writes() + 1);
    }

    /// Space came back: writes succeed again.
    pub fn heal(&self) {
        self.fail_from(u64::MAX);
    }

    /// Record writes attempted so far, failed ones included.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }

    /// Counts one write to `path` and says whether it fails.
    pub(crate) fn check(&self, path: &Path) -> Result<(), StoreError> {
        let n = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
        if n < self.fail_from.load(Ordering::SeqCst) {
            return Ok(());
        }
        Err(StoreError::io(path, no_space()))
    }
}

fn no_space() -> io::Error {
    #[cfg(unix)]
    return io::Error::from_raw_os_error(libc::ENOSPC);
    #[cfg(not(unix))]
    return io::Error::new(io::ErrorKind::StorageFull, "no space left on device");
}
