//! The history index: a cache of every job's [`Summary`] in `<data dir>/jobs.index`, so that
//! listing a long history reads one file and stats the rest instead of parsing every record.
//!
//! The record files stay the only truth. Each look lists `jobs/`, stats every record file and
//! compares it with the stamp (size, times, inode) the index holds for it: a file added,
//! removed or changed behind the index's back (another process, a sync from another machine,
//! an editor) is read again, and one the index does not know is read for the first time. An
//! index that is missing, damaged or of another format is ignored whole and rebuilt from the
//! files. Two processes writing it at once each replace it atomically; whichever loses only
//! leaves entries that the next look finds stale and reads again. Nothing is lost, because
//! nothing but the cache is written.

mod changes;
mod file;
mod stamp;

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub use self::changes::{Changes, Seen};
use self::file::IndexFile;
use self::stamp::Stamp;
use crate::atomic_write::write_cache;
use crate::error::StoreProblem;
use crate::listing::read_one;
use crate::store::Store;
use crate::summary::{Summary, newest_first};

/// The file name of the index in the data dir.
pub const INDEX_FILE: &str = "jobs.index";

/// Every job's summary, newest first, plus one problem per record file that could not be read.
#[derive(Debug, Default)]
pub struct History {
    pub jobs: Vec<Summary>,
    pub problems: Vec<StoreProblem>,
    pub refresh: Refresh,
}

/// What a look at the history cost: for tests, benchmarks and progress messages.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Refresh {
    /// Entries taken from the index as they were.
    pub reused: usize,
    /// Record files read and parsed (new, changed, or not trusted).
    pub read: usize,
    /// Entries dropped because their file is gone.
    pub dropped: usize,
    /// Why the index as a whole was not used, if it was not.
    pub rebuilt: Option<String>,
    /// Whether a new index was written.
    pub saved: bool,
}

/// Called with (records read so far, records to read) while record files are read.
pub type ProgressFn<'a> = &'a (dyn Fn(usize, usize) + Sync);

impl Store {
    pub fn index_path(&self) -> PathBuf {
        self.root().join(INDEX_FILE)
    }

    /// Every job's summary, newest first, from the index, checked against the record files and
    /// brought up to date (and saved) where it was not.
    pub fn history(&self) -> History {
        self.history_with(&|_, _| {})
    }

    /// [`Store::history`], telling `progress` how reading record files goes (a first look at a
    /// long history reads them all, which takes seconds).
    pub fn history_with(&self, progress: ProgressFn<'_>) -> History {
        self.look(progress, |_, _| {})
    }

    /// A listing, which shows `entries` (with when their stamps were taken) to `seen`
    /// before they become the history.
    fn look(
        &self,
        progress: ProgressFn<'_>,
        seen: impl FnOnce(&[(Stamp, Summary)], i64),
    ) -> History {
        let stamped_at = now_ns();
        let settle = self.settle();
        let found = match self.record_files() {
            Ok(found) => found,
            Err(err) => {
                let path = self.jobs_dir().to_owned();
                return History {
                    problems: vec![StoreProblem::from_error(path, err)],
                    ..History::default()
                };
            }
        };
        let mut problems = found.misnamed;
        let mut refresh = Refresh::default();
        let old = match self.read_index() {
            Ok(old) => old,
            Err(why) => {
                refresh.rebuilt = Some(why);
                IndexFile::default()
            }
        };
        // Which old entry each file is, by position: ids borrowed, not copied, so a long
        // history does not allocate (and leave behind) one more string per job.
        let claims: Vec<Option<usize>> = {
            let known: HashMap<&str, usize> = old
                .entries
                .iter()
                .enumerate()
                .map(|(n, (_, summary))| (summary.id.as_str(), n))
                .collect();
            found
                .files
                .iter()
                .map(|file| known.get(file.id.as_str()).copied())
                .collect()
        };
        // The old entries stay where they are: those still true are kept in place at the end,
        // rather than moved into a second vector as long as the history.
        let mut cached = old.entries;
        let mut kept = vec![false; cached.len()];
        let mut claimed = 0;

        let stamps = crate::parallel::map(&found.files, |file| {
            file.metadata().map(|meta| Stamp::of(&meta))
        });
        let mut to_read = Vec::new();
        for ((file, stamp), claim) in found.files.iter().zip(stamps).zip(claims) {
            let stamp = match stamp {
                Ok(stamp) => stamp,
                // Gone since the directory was listed.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                // Reading it reports what is wrong.
                Err(_) => Stamp::default(),
            };
            claimed += usize::from(claim.is_some());
            match claim {
                Some(n) if cached[n].0 == stamp && stamp.settled_before(old.stamped_at, settle) => {
                    kept[n] = true;
                }
                claim => to_read.push((file, stamp, claim)),
            }
        }
        refresh.reused = kept.iter().filter(|&&k| k).count();
        // What no file claimed is gone.
        refresh.dropped = cached.len() - claimed;

        let done = AtomicUsize::new(0);
        let total = to_read.len();
        let read = crate::parallel::map(&to_read, |(file, _, _)| {
            let outcome = read_one(&file.id, &file.entry.path())
                .map(|r| r.map(|record| Summary::of(&record)));
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            outcome
        });
        let mut changed = refresh.rebuilt.is_some() || refresh.dropped > 0;
        let mut fresh = Vec::new();
        for ((_, stamp, claim), outcome) in to_read.into_iter().zip(read) {
            let known = claim.map(|n| &cached[n]);
            match outcome {
                Ok(Some(summary)) => {
                    refresh.read += 1;
                    let same = known.is_some_and(|(was, old)| *was == stamp && *old == summary);
                    // Read again only because it was too fresh to trust: once it has settled,
                    // saving the index with a newer time lets the next look trust it.
                    let settled_now = stamp.settled_before(stamped_at, settle);
                    changed |= !same || settled_now;
                    fresh.push((stamp, summary));
                }
                Ok(None) => changed |= known.is_some(),
                Err(problem) => {
                    changed |= known.is_some();
                    problems.push(problem);
                }
            }
        }
        let mut keep = kept.into_iter();
        cached.retain(|_| keep.next().unwrap_or(false));
        let mut entries = cached;
        entries.extend(fresh);

        entries.sort_by(|a, b| newest_first(&a.1, &b.1));
        problems.sort_by(|a, b| a.path.cmp(&b.path));
        if changed {
            refresh.saved = self.save_index(stamped_at, &entries);
        }
        seen(&entries, stamped_at);
        History {
            jobs: entries.into_iter().map(|(_, summary)| summary).collect(),
            problems,
            refresh,
        }
    }

    fn read_index(&self) -> Result<IndexFile, String> {
        // Read a chunk at a time, never whole: see `file::read`.
        match fs::File::open(self.index_path()) {
            Ok(index) => file::read(index),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err("no index yet".into()),
            Err(e) => Err(format!("could not read: {e}")),
        }
    }

    /// Writes the index, but only into a history that exists: a read-only look at a data dir
    /// with no jobs in it creates nothing. A failure only costs speed next time.
    fn save_index(&self, stamped_at: i64, entries: &[(Stamp, Summary)]) -> bool {
        if !self.jobs_dir().is_dir() {
            return false;
        }
        let path = self.index_path();
        let saved = write_cache(&path, |to| file::write(to, stamped_at, entries));
        match saved {
            Ok(()) => true,
            Err(err) => {
                tracing::warn!(path = %path.display(), %err, "could not save the history index");
                false
            }
        }
    }
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}
