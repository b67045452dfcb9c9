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
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub use self::changes::{Changes, Seen};
use self::file::IndexFile;
use self::stamp::Stamp;
use crate::atomic_write::write_cache;
use crate::error::StoreError;
use crate::error::StoreProblem;
use crate::listing::{Found, RecordFile, read_one};
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

/// Directory entries stat'ed together: the most a look holds of the directory at once.
const BATCH: usize = 4096;

/// Called with (records read so far, records to read) while record files are read.
pub type ProgressFn<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Far beyond the index of any history (100,000 jobs take tens of MB).
const MAX_INDEX_BYTES: u64 = 1 << 30;

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
        let mut problems = Vec::new();
        let mut refresh = Refresh::default();
        let old = match self.read_index() {
            Ok(old) => old,
            Err(why) => {
                refresh.rebuilt = Some(why);
                IndexFile::default()
            }
        };
        // The old entries stay where they are: those still true are kept in place at the end,
        // rather than moved into a second vector as long as the history.
        let mut cached = old.entries;
        let mut kept = vec![false; cached.len()];
        let mut claimed = 0;
        let mut to_read = Vec::new();
        // Which old entry each file is: ids borrowed, not copied, so a long history does not
        // allocate (and leave behind) one more string per job.
        let known: HashMap<&str, usize> = cached
            .iter()
            .enumerate()
            .map(|(n, (_, summary))| (summary.id.as_str(), n))
            .collect();
        let walked = self.stamp_record_files(&mut problems, |file, stamp| {
            let claim = known.get(file.id.as_str()).copied();
            claimed += usize::from(claim.is_some());
            match claim {
                Some(n) if cached[n].0 == stamp && stamp.settled_before(old.stamped_at, settle) => {
                    kept[n] = true;
                }
                // The id only: the directory entry (its name, a handle on the directory) goes
                // now, not after every record of a first look is read.
                claim => to_read.push((file.id, stamp, claim)),
            }
        });
        drop(known);
        if let Err(err) = walked {
            let path = self.jobs_dir().to_owned();
            return History {
                problems: vec![StoreProblem::from_error(path, err)],
                ..History::default()
            };
        }
        refresh.reused = kept.iter().filter(|&&k| k).count();
        // What no file claimed is gone.
        refresh.dropped = cached.len() - claimed;

        let done = AtomicUsize::new(0);
        let total = to_read.len();
        let mut changed = refresh.rebuilt.is_some() || refresh.dropped > 0;
        // Reserved once, and the files read a batch at a time: a first look reads every
        // record, and 100,000 outcomes held at once, then copied, then grown by doubling,
        // left the workbench 30 MB bigger for the rest of the session.
        let mut fresh = Vec::with_capacity(total);
        for batch in to_read.chunks(BATCH) {
            let read = crate::parallel::map(batch, |(id, _, _)| {
                let outcome = read_one(id, &self.jobs_dir().join(format!("{id}.json")))
                    .map(|r| r.map(|record| Summary::of(&record)));
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                outcome
            });
            for ((_, stamp, claim), outcome) in batch.iter().zip(read) {
                let known = claim.map(|n| &cached[n]);
                match outcome {
                    Ok(Some(summary)) => {
                        refresh.read += 1;
                        let same = known.is_some_and(|(was, old)| was == stamp && *old == summary);
                        // Read again only because it was too fresh to trust: once it has
                        // settled, saving the index with a newer time lets the next look
                        // trust it.
                        let settled_now = stamp.settled_before(stamped_at, settle);
                        changed |= !same || settled_now;
                        fresh.push((*stamp, summary));
                    }
                    Ok(None) => changed |= known.is_some(),
                    Err(problem) => {
                        changed |= known.is_some();
                        problems.push(problem);
                    }
                }
            }
        }
        drop(to_read);
        let mut keep = kept.into_iter();
        cached.retain(|_| keep.next().unwrap_or(false));
        // The shorter goes into the longer's block (order does not matter: sorted next).
        let mut entries = if cached.len() >= fresh.len() {
            cached.extend(fresh);
            cached
        } else {
            fresh.extend(cached);
            fresh
        };
        // Ids are unique, so the order is total: an unstable sort gives the same order without
        // a buffer half as long as the history.
        entries.sort_unstable_by(|a, b| newest_first(&a.1, &b.1));
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

    /// Every record file in the jobs dir with its stamp, to `each`, a batch at a time (the
    /// batch stat'ed on a few threads); `.json` files that are not named as a job go to
    /// `problems`, and a file gone since the directory was read is left out. At most a batch
    /// of directory entries is held at once: all of them, at 100,000 jobs, are 100,000 small
    /// allocations that, freed, leave holes among the summaries kept, which glibc cannot give
    /// back.
    pub(crate) fn stamp_record_files(
        &self,
        problems: &mut Vec<StoreProblem>,
        mut each: impl FnMut(RecordFile, Stamp),
    ) -> Result<(), StoreError> {
        let mut walk = self.walk_jobs_dir()?;
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            for found in walk.by_ref() {
                match found? {
                    Found::Record(file) => batch.push(file),
                    Found::Misnamed(problem) => problems.push(problem),
                }
                if batch.len() == BATCH {
                    break;
                }
            }
            if batch.is_empty() {
                return Ok(());
            }
            let stamps =
                crate::parallel::map(&batch, |file| file.metadata().map(|meta| Stamp::of(&meta)));
            for (file, stamp) in batch.drain(..).zip(stamps) {
                match stamp {
                    Ok(stamp) => each(file, stamp),
                    // Gone since the directory was read.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    // Reading it reports what is wrong.
                    Err(_) => each(file, Stamp::default()),
                }
            }
        }
    }

    fn read_index(&self) -> Result<IndexFile, String> {
        let path = self.index_path();
        // A FIFO where the index should be must not hang every look at the history: it is
        // rebuilt from the records instead (and replaced when saved, being a cache).
        let index = match crate::read_file::open_nonblocking(&path) {
            Ok(index) => index,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err("no index yet".into()),
            Err(e) => return Err(format!("could not read: {e}")),
        };
        let meta = index
            .metadata()
            .map_err(|e| format!("could not read: {e}"))?;
        if !meta.is_file() {
            tracing::warn!(path = %path.display(), "the history index is not a regular file; rebuilding it");
            return Err("not a regular file (a FIFO, device or directory)".into());
        }
        if meta.len() > MAX_INDEX_BYTES {
            return Err(format!(
                "larger than {} MB, which no index is",
                MAX_INDEX_BYTES >> 20
            ));
        }
        // Read a chunk at a time, never whole: see `file::read`.
        file::read(index)
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
