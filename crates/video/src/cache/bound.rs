//! The cache's size bound: when what `thumbs/` holds passes the limit, the files used least
//! lately go first (a read refreshes a file's time) until it holds nine tenths of it, so a
//! full cache is not swept again at every new strip.
//!
//! What the directory holds is counted once, the first time a strip is written, and then
//! kept up to date in memory; another process writing there is seen at the next sweep.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// A file being written aside by some process: left alone while this young.
const PARTIAL_GRACE: Duration = Duration::from_secs(600);

#[derive(Debug)]
pub struct Bound {
    limit: u64,
    /// Bytes in the directory as last counted and since added; `None` until first counted.
    used: Mutex<Option<u64>>,
}

/// What a sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub removed: usize,
    pub freed: u64,
    /// Bytes left in the directory.
    pub left: u64,
}

impl Bound {
    pub fn new(limit: u64) -> Bound {
        Bound {
            limit,
            used: Mutex::new(None),
        }
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// `added` bytes were just written to `dir` as `keep`: sweeps if that passed the limit.
    pub fn added(&self, dir: &Path, keep: &Path, added: u64) -> std::io::Result<Option<Swept>> {
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        let total = match *used {
            Some(before) => before.saturating_add(added),
            None => entries(dir)?.iter().map(|e| e.len).sum(),
        };
        *used = Some(total);
        if total <= self.limit {
            return Ok(None);
        }
        let swept = sweep(dir, self.limit / 10 * 9, Some(keep))?;
        *used = Some(swept.left);
        Ok(Some(swept))
    }
}

/// Removes the files used least lately until `dir` holds at most `target` bytes; `keep` is
/// never removed (the strip just written, which is about to be looked at).
pub fn sweep(dir: &Path, target: u64, keep: Option<&Path>) -> std::io::Result<Swept> {
    let mut found = entries(dir)?;
    let mut left: u64 = found.iter().map(|e| e.len).sum();
    found.sort_by_key(|e| e.used);
    let mut swept = Swept::default();
    let now = SystemTime::now();
    for entry in found {
        if left <= target {
            break;
        }
        let young = now.duration_since(entry.used).unwrap_or_default() < PARTIAL_GRACE;
        if Some(entry.path.as_path()) == keep || (entry.partial && young) {
            continue;
        }
        match std::fs::remove_file(&entry.path) {
            Ok(()) => {
                left -= entry.len;
                swept.removed += 1;
                swept.freed += entry.len;
            }
            // Another process swept it first.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => left -= entry.len,
            Err(err) => return Err(err),
        }
    }
    swept.left = left;
    Ok(swept)
}

struct Entry {
    path: PathBuf,
    len: u64,
    used: SystemTime,
    partial: bool,
}

fn entries(dir: &Path) -> std::io::Result<Vec<Entry>> {
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let mut found = Vec::new();
    for entry in read.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let path = entry.path();
        found.push(Entry {
            partial: path.extension().is_some_and(|e| e == "partial"),
            path,
            len: meta.len(),
            used: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use super::*;

    /// A file of `len` bytes last used `age` seconds ago.
    fn file(dir: &Path, name: &str, len: usize, age: u64) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, vec![0u8; len]).unwrap();
        let when = SystemTime::now() - Duration::from_secs(age);
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(when)
            .unwrap();
        path
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_least_lately_used_go_first_down_to_nine_tenths() {
        let dir = tempfile::tempdir().unwrap();
        file(dir.path(), "a", 300, 400);
        file(dir.path(), "b", 300, 300);
        file(dir.path(), "c", 300, 200);
        let newest = file(dir.path(), "d", 300, 0);
        let bound = Bound::new(1000);
        // 1200 bytes > 1000: the oldest goes, which leaves 900, nine tenths.
        let swept = bound.added(dir.path(), &newest, 300).unwrap().unwrap();
        assert_eq!(names(dir.path()), ["b", "c", "d"]);
        let expected = Swept {
            removed: 1,
            freed: 300,
            left: 900,
        };
        assert_eq!(swept, expected);
        // Counted in memory from now on: 950 is within the limit.
        let e = file(dir.path(), "e", 50, 0);
        assert_eq!(bound.added(dir.path(), &e, 50).unwrap(), None);
        // 1250 is not: b (300) goes, and c (300) with it to get under 900.
        let f = file(dir.path(), "f", 300, 0);
        let swept = bound.added(dir.path(), &f, 300).unwrap().unwrap();
        assert_eq!(names(dir.path()), ["d", "e", "f"]);
        assert_eq!(swept.left, 650);
    }

    #[test]
    fn the_strip_just_written_and_young_partial_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        let old_but_kept = file(dir.path(), "kept", 500, 900);
        file(dir.path(), "young.partial", 500, 10);
        file(dir.path(), "stale.partial", 500, 3600);
        file(dir.path(), "other", 100, 5);
        let swept = sweep(dir.path(), 0, Some(&old_but_kept)).unwrap();
        assert_eq!(names(dir.path()), ["kept", "young.partial"]);
        assert_eq!(swept.left, 1000);
    }

    #[test]
    fn a_missing_directory_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("thumbs");
        assert_eq!(sweep(&gone, 0, None).unwrap(), Swept::default());
        let bound = Bound::new(10);
        assert_eq!(bound.added(&gone, &gone.join("x"), 0).unwrap(), None);
    }
}
