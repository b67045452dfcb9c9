//! Replacing a file so that readers see the old bytes or the new ones, never a mix, and a
//! crash leaves at worst a stray temp file (which nothing reads).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::StoreError;

/// Makes temp names unique between threads of one process; the pid does it between processes.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `target`: unique temp file beside it, fsync, rename over, fsync the dir.
pub(crate) fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    replace(target, |file| file.write_all(bytes), true)
}

/// A cache written by `write` into a temp file beside `target`, then renamed over it, without
/// the fsyncs: after a crash it may be missing or damaged, which its reader must (and does)
/// notice, but never half old and half new while the machine runs.
pub(crate) fn write_cache(
    target: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), StoreError> {
    replace(target, write, false)
}

fn replace(
    target: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
    durable: bool,
) -> Result<(), StoreError> {
    let (temp_path, mut file) = create_temp_beside(target)?;
    let written = write(&mut file)
        .and_then(|()| if durable { file.sync_all() } else { Ok(()) })
        .map_err(|e| StoreError::io(&temp_path, e));
    drop(file);
    let renamed = written
        .and_then(|()| fs::rename(&temp_path, target).map_err(|e| StoreError::io(target, e)));
    if let Err(err) = renamed {
        let _ = fs::remove_file(&temp_path);
        return Err(err);
    }
    if durable {
        sync_parent_dir(target)?;
    }
    Ok(())
}

/// Temp names look like `<file name>.tmp.<pid>.<counter>`, so listing (which wants `.json`)
/// skips them.
fn create_temp_beside(target: &Path) -> Result<(PathBuf, File), StoreError> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pid = std::process::id();
    let mut last_error = None;
    // A name can only be taken by a crashed earlier process that had our pid; skip past it.
    for _ in 0..100 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = target.with_file_name(format!("{name}.tmp.{pid}.{n}"));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_error = Some(e),
            Err(e) => return Err(StoreError::io(path, e)),
        }
    }
    let error = last_error.unwrap_or_else(|| io::Error::other("no free temp file name"));
    Err(StoreError::io(target, error))
}

/// Makes the rename itself durable. The new file is in place and readable even when this
/// fails, but a crash could still undo the rename: a caller that must not go on without the
/// record on disk (a submit to fal) hears of it as a failed save and tries again.
fn sync_parent_dir(target: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    if let Some(dir) = target.parent() {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| StoreError::io(dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = target;
    Ok(())
}
