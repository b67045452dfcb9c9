//! What changed in `jobs/` since a listing, for a process that holds the history and must
//! follow it (the workbench, while another i2v or a sync changes the files).
//!
//! Listing the history again would do, but it builds every summary anew while the holder
//! still has the old ones: at 100,000 jobs that is a second copy of the history for a
//! moment, and glibc keeps the heap that moment grew to, so the workbench would stay 20 MB
//! bigger after its first re-listing. Instead the listing also gives a [`Seen`]: each file's
//! id and a hash of its stamp, packed into two blocks. A look at what changed stats every
//! file as a listing does, a few thousand at a time, and reads and returns only the files
//! that are new or changed; the holder applies that to what it has.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::time::Duration;

use super::stamp::Stamp;
use super::{History, now_ns};
use crate::error::StoreProblem;
use crate::listing::{RecordFile, read_one};
use crate::record::JobId;
use crate::store::Store;
use crate::summary::{Summary, newest_first};

/// The record files a listing was made from: their ids and stamps, as small as they can be
/// held (about 42 bytes a job), for [`Store::changes_since`].
#[derive(Debug, Default)]
pub struct Seen {
    /// Every id's bytes back to back, which `files` point into: one block, not a string each.
    ids: String,
    /// Sorted by id.
    files: Vec<SeenFile>,
    /// Bytes of `ids` that no file points to any more.
    unused: usize,
}

#[derive(Clone, Copy, Debug)]
struct SeenFile {
    start: u32,
    len: u32,
    /// A hash of the file's stamp, or [`READ_AGAIN`].
    stamp: u64,
}

/// The stamp of a file changed too recently to trust it (see [`Stamp::settled_before`]): it
/// is read again on the next look, whatever its stamp then.
const READ_AGAIN: u64 = 0;

fn stamp_key(stamp: &Stamp, looked_at: i64, settle: Duration) -> u64 {
    if !stamp.settled_before(looked_at, settle) {
        return READ_AGAIN;
    }
    let mut hasher = DefaultHasher::new();
    stamp.hash(&mut hasher);
    // Never READ_AGAIN.
    hasher.finish() | 1
}

impl Seen {
    fn of(entries: &[(Stamp, Summary)], looked_at: i64, settle: Duration) -> Seen {
        let bytes = entries.iter().map(|(_, s)| s.id.as_str().len()).sum();
        let mut seen = Seen {
            ids: String::with_capacity(bytes),
            files: Vec::with_capacity(entries.len()),
            unused: 0,
        };
        for (stamp, summary) in entries {
            seen.push(summary.id.as_str(), stamp_key(stamp, looked_at, settle));
        }
        seen.sort();
        seen
    }

    /// How many files it holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn id(&self, file: &SeenFile) -> &str {
        let start = file.start as usize;
        &self.ids[start..start + file.len as usize]
    }

    fn find(&self, id: &str) -> Option<usize> {
        self.files.binary_search_by(|f| self.id(f).cmp(id)).ok()
    }

    fn push(&mut self, id: &str, stamp: u64) {
        // Ids are at most 64 bytes and a history far below 4 GB of them.
        let (Ok(start), Ok(len)) = (u32::try_from(self.ids.len()), u32::try_from(id.len())) else {
            return;
        };
        self.ids.push_str(id);
        self.files.push(SeenFile { start, len, stamp });
    }

    fn sort(&mut self) {
        let Seen { ids, files, .. } = self;
        let id = |f: &SeenFile| &ids[f.start as usize..(f.start + f.len) as usize];
        files.sort_unstable_by(|a, b| id(a).cmp(id(b)));
    }

    /// Keeps the files still `present` (one flag per file, in order) and adds `new` ones.
    fn update(&mut self, present: &[bool], new: Vec<(JobId, u64)>) {
        let mut flags = present.iter();
        let mut unused = 0;
        self.files.retain(|f| {
            let keep = flags.next().copied().unwrap_or(true);
            if !keep {
                unused += f.len as usize;
            }
            keep
        });
        self.unused += unused;
        if self.unused > self.ids.len() / 2 {
            self.compact();
        }
        if !new.is_empty() {
            for (id, stamp) in new {
                self.push(id.as_str(), stamp);
            }
            self.sort();
        }
    }

    /// Drops the bytes of ids gone since: only when they are most of the block.
    fn compact(&mut self) {
        let mut ids = String::with_capacity(self.ids.len() - self.unused);
        for file in &mut self.files {
            let start = ids.len();
            let (from, len) = (file.start as usize, file.len as usize);
            ids.push_str(&self.ids[from..from + len]);
            file.start = start as u32;
        }
        self.ids = ids;
        self.unused = 0;
    }
}

/// What changed in `jobs/` since a [`Seen`].
#[derive(Debug, Default)]
pub struct Changes {
    /// Jobs new or changed since, as their files say now, newest first. A file changed too
    /// recently to be sure of may be here although nothing in it changed.
    pub changed: Vec<Summary>,
    /// Jobs whose files are gone.
    pub removed: Vec<JobId>,
    /// One per file that could not be read, as a listing reports them.
    pub problems: Vec<StoreProblem>,
    /// Record files read and parsed: only those new or changed since.
    pub read: usize,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty() && self.problems.is_empty()
    }
}

impl Store {
    /// [`Store::history`], and what it was made from, to ask [`Store::changes_since`] later.
    pub fn history_and_seen(&self) -> (History, Seen) {
        let settle = self.settle();
        let mut seen = Seen::default();
        let history = self.look(&|_, _| {}, |entries, looked_at| {
            seen = Seen::of(entries, looked_at, settle);
        });
        (history, seen)
    }

    /// What changed in `jobs/` since `seen`, which is brought up to date. Reads only the
    /// files that are new or changed; the index is left as it is (it is a cache for the
    /// next start, which reads what changed since it was written).
    pub fn changes_since(&self, seen: &mut Seen) -> Changes {
        let looked_at = now_ns();
        let settle = self.settle();
        let mut changes = Changes::default();
        let mut present = vec![false; seen.len()];
        let mut to_read: Vec<(RecordFile, Stamp, Option<usize>)> = Vec::new();
        let walked = self.stamp_record_files(&mut changes.problems, |file, stamp| {
            let claim = seen.find(file.id.as_str());
            if let Some(n) = claim {
                present[n] = true;
                let known = seen.files[n].stamp;
                if known != READ_AGAIN && known == stamp_key(&stamp, looked_at, settle) {
                    return;
                }
            }
            to_read.push((file, stamp, claim));
        });
        // A directory not read to its end cannot say what is gone: nothing is concluded from
        // this look.
        if let Err(err) = walked {
            let path = self.jobs_dir().to_owned();
            return Changes {
                problems: vec![StoreProblem::from_error(path, err)],
                ..Changes::default()
            };
        }

        changes.read = to_read.len();
        let read = crate::parallel::map(&to_read, |(file, _, _)| {
            read_one(&file.id, &file.entry.path()).map(|r| r.map(|record| Summary::of(&record)))
        });
        let mut new = Vec::new();
        for ((file, stamp, claim), outcome) in to_read.into_iter().zip(read) {
            match outcome {
                Ok(Some(summary)) => {
                    changes.changed.push(summary);
                    let key = stamp_key(&stamp, looked_at, settle);
                    match claim {
                        Some(n) => seen.files[n].stamp = key,
                        None => new.push((file.id, key)),
                    }
                }
                // Gone since it was stat'ed.
                Ok(None) => {
                    if let Some(n) = claim {
                        present[n] = false;
                    }
                }
                // Reported on every look until it reads, as a listing would.
                Err(problem) => {
                    changes.problems.push(problem);
                    if let Some(n) = claim {
                        seen.files[n].stamp = READ_AGAIN;
                    }
                }
            }
        }
        changes.removed = seen
            .files
            .iter()
            .zip(&present)
            .filter(|(_, present)| !**present)
            .filter_map(|(file, _)| JobId::parse(seen.id(file)))
            .collect();
        seen.update(&present, new);
        changes.changed.sort_by(newest_first);
        changes.problems.sort_by(|a, b| a.path.cmp(&b.path));
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: usize) -> JobId {
        JobId::parse(&format!("01JOB{n:05}")).unwrap_or_default()
    }

    #[test]
    fn ids_are_found_after_files_come_and_go() {
        let mut seen = Seen::default();
        seen.update(&[], (0..10).rev().map(|n| (id(n), 7)).collect());
        assert_eq!(seen.len(), 10);
        assert_eq!(seen.find(id(3).as_str()), Some(3));
        // Drop 0, 2, 4, 6, 8: half the ids' bytes are unused, not yet most.
        let present: Vec<bool> = (0..10).map(|n| n % 2 == 1).collect();
        seen.update(&present, vec![(id(42), 9)]);
        assert_eq!(seen.unused, 5 * 10);
        for n in [1, 3, 5, 7, 9, 42] {
            let found = seen
                .find(id(n).as_str())
                .map(|at| seen.id(&seen.files[at]).to_owned());
            assert_eq!(found.as_deref(), Some(id(n).as_str()));
        }
        assert_eq!(seen.find(id(4).as_str()), None);
        // One more gone: most of the block is unused, and it is compacted.
        let present: Vec<bool> = (0..6).map(|n| n != 0).collect();
        seen.update(&present, Vec::new());
        assert_eq!((seen.unused, seen.ids.len()), (0, 5 * 10));
        assert_eq!(seen.find(id(1).as_str()), None);
        assert!(seen.find(id(42).as_str()).is_some());
    }

    #[test]
    fn a_stamp_too_fresh_to_trust_never_matches() {
        let second = 1_000_000_000;
        let stamp = Stamp {
            len: 10,
            modified_ns: 10 * second,
            changed_ns: 10 * second,
            inode: 1,
        };
        let settle = Duration::from_secs(2);
        assert_eq!(stamp_key(&stamp, 11 * second, settle), READ_AGAIN);
        let key = stamp_key(&stamp, 20 * second, settle);
        assert_ne!(key, READ_AGAIN);
        assert_eq!(key, stamp_key(&stamp, 30 * second, settle));
        let longer = Stamp { len: 11, ..stamp };
        assert_ne!(key, stamp_key(&longer, 20 * second, settle));
    }
}
