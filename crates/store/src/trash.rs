//! Removing a finished job: its record, its saved video and its cached thumbnails go to
//! `<data dir>/trash/<job id>/` (or are deleted for good), never a job that is still running.
//!
//! The record moves last, so a removal cut short leaves the job listed with some of its files
//! gone, and running it again finishes the work; the other order could leave a video no
//! record points to.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::StoreError;
use crate::record::{JobId, JobRecord};
use crate::store::Store;

/// What to do with a removed job's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Removal {
    /// Move them to `<data dir>/trash/<job id>/`, from where they can be moved back by hand.
    Trash,
    /// Delete them.
    Purge,
}

/// What a removal did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removed {
    pub id: JobId,
    /// Where the files were, the record last.
    pub files: Vec<PathBuf>,
    /// Their total size in bytes.
    pub bytes: u64,
    /// The folder they were moved to (`None` when purged).
    pub trash: Option<PathBuf>,
    /// The job's video, saved outside the data dir, which was left where it is.
    pub left: Option<PathBuf>,
}

/// The files a job owns, the record last, and the video it was left alone for being
/// outside the data dir.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobFiles {
    pub files: Vec<PathBuf>,
    pub bytes: u64,
    pub outside: Option<PathBuf>,
}

impl Store {
    pub fn trash_dir(&self) -> PathBuf {
        self.root().join("trash")
    }

    /// Cached thumbnails: `<job id>-strip.thumb` (written by `i2v-video`'s `ThumbCache`; earlier
    /// versions wrote `<job id>-<position>.rgb`).
    pub fn thumbs_dir(&self) -> PathBuf {
        self.root().join("thumbs")
    }

    /// What removing `record` would move: its saved video if it lies in the data dir, its
    /// cached thumbnails, and its record file, with their total size. Files that are gone are
    /// not counted.
    pub fn job_files(&self, record: &JobRecord) -> Result<JobFiles, StoreError> {
        let mut found = JobFiles::default();
        let saved = record.result.as_ref().and_then(|r| r.local_file.clone());
        let usual = self.videos_dir().join(format!("{}.mp4", record.id));
        for video in saved.iter().chain([&usual]) {
            if !video.starts_with(self.root()) {
                found.outside = Some(video.clone());
            } else if !found.files.contains(video) {
                add_if_present(&mut found, video);
            }
        }
        let prefix = format!("{}-", record.id);
        match fs::read_dir(self.thumbs_dir()) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    if entry.file_name().to_string_lossy().starts_with(&prefix) {
                        add_if_present(&mut found, &entry.path());
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io(self.thumbs_dir(), e)),
        }
        add_if_present(&mut found, &self.record_path(&record.id)?);
        Ok(found)
    }

    /// Removes a finished job and its files. Refuses a job that is not finished (cancel it or
    /// let it end first) or that another process is following.
    pub fn remove(&self, id: &JobId, how: Removal) -> Result<Removed, StoreError> {
        // The same order as a runner: claim, then the record lock.
        let Some(_claim) = self.claim(id)? else {
            return Err(StoreError::Busy(id.to_string()));
        };
        let mut lock = self.lock(id)?;
        let record = self.load(id)?;
        if !record.state.is_terminal() {
            return Err(StoreError::Unfinished {
                id: id.to_string(),
                state: record.state.label(),
            });
        }
        let JobFiles {
            files,
            bytes,
            outside,
        } = self.job_files(&record)?;
        let trash = match how {
            Removal::Trash => {
                let dir = self.new_trash_dir(id)?;
                for file in &files {
                    let name = file.file_name().unwrap_or(file.as_os_str());
                    move_file(file, &dir.join(name))?;
                }
                Some(dir)
            }
            Removal::Purge => {
                for file in &files {
                    match fs::remove_file(file) {
                        Err(e) if e.kind() != io::ErrorKind::NotFound => {
                            return Err(StoreError::io(file, e));
                        }
                        _ => {}
                    }
                }
                None
            }
        };
        lock.remove_on_release();
        Ok(Removed {
            id: id.clone(),
            files,
            bytes,
            trash,
            left: outside,
        })
    }

    /// `trash/<id>`, or `trash/<id>.2`... if a job of that id was trashed before (and moved
    /// back by hand).
    fn new_trash_dir(&self, id: &JobId) -> Result<PathBuf, StoreError> {
        let root = self.trash_dir();
        fs::create_dir_all(&root).map_err(|e| StoreError::io(&root, e))?;
        let mut n = 1;
        loop {
            let dir = match n {
                1 => root.join(id.as_str()),
                n => root.join(format!("{id}.{n}")),
            };
            match fs::create_dir(&dir) {
                Ok(()) => return Ok(dir),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(StoreError::io(dir, e)),
            }
        }
    }
}

fn add_if_present(found: &mut JobFiles, path: &Path) {
    if let Ok(meta) = fs::symlink_metadata(path) {
        found.bytes += meta.len();
        found.files.push(path.to_owned());
    }
}

/// A rename, or a copy and delete when the trash is on another file system.
fn move_file(from: &Path, to: &Path) -> Result<(), StoreError> {
    match fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
            fs::copy(from, to).map_err(|e| StoreError::io(to, e))?;
            fs::remove_file(from).map_err(|e| StoreError::io(from, e))
        }
        Err(e) => Err(StoreError::io(from, e)),
    }
}
