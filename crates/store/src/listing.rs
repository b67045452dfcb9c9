//! Reading the whole history at once, newest first.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::decode::decode;
use crate::error::{StoreError, StoreProblem};
use crate::read_file::read_record_file;
use crate::record::{JobId, JobRecord, JobState};
use crate::store::Store;
use crate::summary::Summary;

/// Every record that could be read, plus one problem per file that could not.
#[derive(Debug, Default)]
pub struct Listing {
    /// Newest first: by `created_at`, then by id.
    pub records: Vec<JobRecord>,
    pub problems: Vec<StoreProblem>,
}

impl Store {
    /// Every record, newest first, plus one problem per file that could not be read. Bad
    /// files are reported and left untouched. Temp files from interrupted writes are skipped.
    pub fn list(&self) -> Listing {
        let RecordFiles {
            files,
            misnamed: mut problems,
        } = match self.record_files() {
            Ok(found) => found,
            Err(err) => {
                let path = self.jobs_dir().to_owned();
                return Listing {
                    records: Vec::new(),
                    problems: vec![StoreProblem::from_error(path, err)],
                };
            }
        };
        let files: Vec<(JobId, PathBuf)> =
            files.into_iter().map(|f| (f.id, f.entry.path())).collect();
        let mut records = Vec::with_capacity(files.len());
        for outcome in read_all(&files) {
            match outcome {
                Ok(Some(record)) => records.push(record),
                Ok(None) => {}
                Err(problem) => problems.push(problem),
            }
        }
        records.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| b.id.cmp(&a.id))
        });
        problems.sort_by(|a, b| a.path.cmp(&b.path));
        Listing { records, problems }
    }

    /// Job ids from file names alone, newest first (ULIDs sort by creation time). Nothing is
    /// parsed, so this stays quick for long histories; pair it with [`Store::load`].
    pub fn ids(&self) -> Result<Vec<JobId>, StoreError> {
        let mut ids: Vec<JobId> = self
            .record_files()?
            .files
            .into_iter()
            .map(|file| file.id)
            .collect();
        ids.sort_by(|a, b| b.cmp(a));
        Ok(ids)
    }

    /// Records whose state is not terminal: the jobs to resume. A completed job whose video
    /// was not downloaded is finished (downloading is optional). Found through the index, so
    /// only these records are read in full.
    pub fn unfinished(&self) -> Listing {
        self.read_where(
            |summary| !summary.state.is_terminal(),
            |record| !record.state.is_terminal(),
        )
    }

    /// Completed jobs whose download failed (see [`JobRecord::lacks_its_video`]): the videos
    /// to fetch again. Found through the index, as [`Store::unfinished`] finds its jobs.
    pub fn missing_videos(&self) -> Listing {
        self.read_where(
            |summary| {
                summary.state == JobState::Completed
                    && summary.has_video
                    && !summary.has_file
                    && summary.error_kind.is_some()
            },
            JobRecord::lacks_its_video,
        )
    }

    /// The records whose summary passes `maybe`, read in full, that pass `wanted` (the
    /// record may have changed since the index looked).
    fn read_where(
        &self,
        maybe: impl Fn(&Summary) -> bool,
        wanted: impl Fn(&JobRecord) -> bool,
    ) -> Listing {
        let history = self.history();
        let mut listing = Listing {
            records: Vec::new(),
            problems: history.problems,
        };
        for summary in history.jobs.iter().filter(|s| maybe(s)) {
            match self.load(&summary.id) {
                Ok(record) if wanted(&record) => listing.records.push(record),
                Ok(_) | Err(StoreError::NotFound(_)) => {}
                Err(err) => {
                    let path = self.jobs_dir().join(format!("{}.json", summary.id));
                    listing.problems.push(StoreProblem::from_error(path, err));
                }
            }
        }
        listing
    }

    /// `<id>.json` files in the jobs dir, plus a problem for each `.json` file whose name is
    /// not a job id. Everything else (temp files, stray notes) is none of our business.
    pub(crate) fn record_files(&self) -> Result<RecordFiles, StoreError> {
        let mut files = Vec::new();
        let mut misnamed = Vec::new();
        for found in self.walk_jobs_dir()? {
            match found? {
                Found::Record(file) => files.push(file),
                Found::Misnamed(problem) => misnamed.push(problem),
            }
        }
        Ok(RecordFiles { files, misnamed })
    }

    /// [`Store::record_files`] one at a time, for a look that keeps nothing of most of them.
    pub(crate) fn walk_jobs_dir(
        &self,
    ) -> Result<impl Iterator<Item = Result<Found, StoreError>> + '_, StoreError> {
        let dir = self.jobs_dir();
        let entries = match fs::read_dir(dir) {
            Ok(entries) => Some(entries),
            // Only a store opened read-only can lack its jobs dir: nothing was saved yet.
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(StoreError::io(dir, e)),
        };
        Ok(entries.into_iter().flatten().filter_map(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => return Some(Err(StoreError::io(dir, e))),
            };
            let name = entry.file_name();
            let stem = name.to_str().and_then(|n| n.strip_suffix(".json"))?;
            Some(Ok(match JobId::parse(stem) {
                Some(id) => Found::Record(RecordFile { id, entry }),
                None => Found::Misnamed(StoreProblem::new(
                    entry.path(),
                    "the file name is not a job id",
                )),
            }))
        }))
    }
}

/// What the jobs dir holds besides files that are none of our business.
pub(crate) enum Found {
    Record(RecordFile),
    /// A `.json` file whose name is not a job id.
    Misnamed(StoreProblem),
}

pub(crate) struct RecordFile {
    pub id: JobId,
    pub entry: fs::DirEntry,
}

impl RecordFile {
    /// The file's stamp, following a symbolic link to what a read would open. Stat'ing the
    /// entry (relative to the open directory) spares the kernel a walk of the whole path.
    pub fn metadata(&self) -> io::Result<fs::Metadata> {
        match self.entry.file_type() {
            Ok(kind) if !kind.is_symlink() => self.entry.metadata(),
            _ => fs::metadata(self.entry.path()),
        }
    }
}

pub(crate) struct RecordFiles {
    pub files: Vec<RecordFile>,
    /// `.json` files whose name is not a job id.
    pub misnamed: Vec<StoreProblem>,
}

type Outcome = Result<Option<JobRecord>, StoreProblem>;

fn read_all(files: &[(JobId, PathBuf)]) -> Vec<Outcome> {
    crate::parallel::map(files, |(id, path)| read_one(id, path))
}

/// `Ok(None)` for a file that vanished since the directory was read.
pub(crate) fn read_one(id: &JobId, path: &Path) -> Outcome {
    let bytes = match read_record_file(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreProblem::new(path, format!("could not read: {e}"))),
    };
    decode(path, &bytes, id)
        .map(Some)
        .map_err(|err| StoreProblem::from_error(path.to_owned(), err))
}
