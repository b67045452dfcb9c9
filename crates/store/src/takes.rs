//! Which take a film uses where several shots continue one: `takes.json` in the store's
//! root, the shot → the take chosen to follow it. A chain branches where a shot was
//! continued more than once; the storyboard lets the user pick the branch, and the choice
//! stays with the history (another workbench, a later day, sees the same film).
//!
//! A small contract like the records': a version, written atomically, read tolerantly (an
//! entry naming no job, or no longer a job of this history, is only skipped by whoever reads
//! it; fields this version does not know are kept on the next write). A file that does not
//! parse, or comes from a newer i2v, is reported and left as it is.

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::atomic_write::write_atomically;
use crate::error::StoreError;
use crate::read_file::read_record_file;
use crate::record::JobId;
use crate::store::Store;

/// The file's name in the store's root.
pub const TAKES_FILE: &str = "takes.json";

/// The shape of `takes.json` this i2v writes.
pub const TAKES_VERSION: u32 = 1;

/// The takes chosen, by the shot they follow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Takes {
    chosen: BTreeMap<JobId, JobId>,
}

impl Takes {
    /// The take chosen to follow `shot`, if one was.
    pub fn after(&self, shot: &JobId) -> Option<&JobId> {
        self.chosen.get(shot)
    }

    /// Chooses `take` to follow `shot` (replacing an earlier choice).
    pub fn choose(&mut self, shot: JobId, take: JobId) {
        self.chosen.insert(shot, take);
    }

    pub fn len(&self) -> usize {
        self.chosen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chosen.is_empty()
    }
}

/// The file as read: what this version knows, and the rest kept for the next write.
#[derive(Deserialize, Serialize)]
struct File {
    version: u32,
    #[serde(default)]
    takes: BTreeMap<String, Value>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl Store {
    fn takes_path(&self) -> PathBuf {
        self.root().join(TAKES_FILE)
    }

    /// The takes chosen in this history; none when the file is not there. An error names the
    /// file when it cannot be read, does not parse or was written by a newer i2v.
    pub fn takes(&self) -> Result<Takes, StoreError> {
        Ok(self
            .read_takes()?
            .map(|file| known(&file))
            .unwrap_or_default())
    }

    /// Remembers that `take` follows `shot` in its chain's film, keeping every other choice
    /// (read again just before, so a choice another process made meanwhile stays). Returns
    /// all the choices now. Refuses, leaving the file as it is, when it cannot be read.
    pub fn choose_take(&self, shot: &JobId, take: &JobId) -> Result<Takes, StoreError> {
        let mut file = self.read_takes()?.unwrap_or(File {
            version: TAKES_VERSION,
            takes: BTreeMap::new(),
            extra: Map::new(),
        });
        file.version = TAKES_VERSION;
        file.takes
            .insert(shot.to_string(), Value::String(take.to_string()));
        let path = self.takes_path();
        let mut bytes = serde_json::to_vec_pretty(&file).map_err(|err| StoreError::Corrupt {
            path: path.clone(),
            message: err.to_string(),
        })?;
        bytes.push(b'\n');
        write_atomically(&path, &bytes)?;
        Ok(known(&file))
    }

    fn read_takes(&self) -> Result<Option<File>, StoreError> {
        let path = self.takes_path();
        let bytes = match read_record_file(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io(path, e)),
        };
        let file: File = serde_json::from_slice(&bytes).map_err(|err| StoreError::Corrupt {
            path: path.clone(),
            message: format!("not a takes file ({err})"),
        })?;
        if file.version > TAKES_VERSION {
            return Err(StoreError::NewerSchema {
                path,
                found: file.version,
                supported: TAKES_VERSION,
            });
        }
        Ok(Some(file))
    }
}

/// The entries that name two jobs; the others are skipped (and kept in the file).
fn known(file: &File) -> Takes {
    let chosen = file
        .takes
        .iter()
        .filter_map(|(shot, take)| Some((JobId::parse(shot)?, JobId::parse(take.as_str()?)?)))
        .collect();
    Takes { chosen }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("data")).unwrap();
        (dir, store)
    }

    #[test]
    fn no_file_is_no_choice_and_a_choice_is_read_back() {
        let (_dir, store) = store();
        assert!(store.takes().unwrap().is_empty());
        let (a, b, c, d) = (JobId::new(), JobId::new(), JobId::new(), JobId::new());
        store.choose_take(&a, &b).unwrap();
        let now = store.choose_take(&c, &d).unwrap();
        assert_eq!(now.after(&a), Some(&b));
        assert_eq!(store.takes().unwrap(), now);
        // Chosen again: replaced.
        let e = JobId::new();
        assert_eq!(store.choose_take(&a, &e).unwrap().after(&a), Some(&e));
        assert_eq!(store.takes().unwrap().len(), 2);
    }

    #[test]
    fn what_this_version_does_not_know_is_skipped_and_kept() {
        let (_dir, store) = store();
        let (a, b) = (JobId::new(), JobId::new());
        let text = format!(
            r#"{{"version": 1, "takes": {{"{a}": "{b}", "../../etc": "x y", "{b}": 7}},
                "later": {{"field": true}}}}"#
        );
        std::fs::write(store.root().join(TAKES_FILE), text).unwrap();
        let takes = store.takes().unwrap();
        assert_eq!(takes.len(), 1);
        assert_eq!(takes.after(&a), Some(&b));
        let c = JobId::new();
        store.choose_take(&b, &c).unwrap();
        let written: Value =
            serde_json::from_slice(&std::fs::read(store.root().join(TAKES_FILE)).unwrap()).unwrap();
        assert_eq!(written["later"]["field"], true, "{written}");
        assert_eq!(written["takes"]["../../etc"], "x y", "{written}");
        assert_eq!(written["takes"][b.as_str()], c.as_str(), "{written}");
    }

    #[test]
    fn a_damaged_or_newer_file_is_reported_and_left_as_it_is() {
        let (_dir, store) = store();
        let path = store.root().join(TAKES_FILE);
        let (a, b) = (JobId::new(), JobId::new());
        for text in [
            "{\"version\": 1, \"takes\": {",
            r#"{"version": 2, "takes": {}}"#,
        ] {
            std::fs::write(&path, text).unwrap();
            let err = store.takes().unwrap_err().to_string();
            assert!(err.contains("takes.json"), "{err}");
            assert!(store.choose_take(&a, &b).is_err());
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        }
        let newer = store.takes().unwrap_err().to_string();
        assert!(newer.contains("newer i2v"), "{newer}");
    }
}
