//! Where bringing in jobs made elsewhere from fal's records stands (the history's `I`): one
//! look or import at a time, so a key pressed twice cannot import a request twice, and the
//! imported jobs whose videos are being fetched, said once all are in.

use i2v_store::JobId;

/// The history's `I`: the look or import under way, and the videos it fetches.
#[derive(Debug, Default)]
pub(crate) struct Imports {
    pub stage: Option<Importing>,
    /// Imported jobs whose videos are being fetched.
    fetching: Vec<JobId>,
}

impl Imports {
    /// Whether `id` is an imported job whose video is being fetched.
    pub fn fetching(&self, id: &JobId) -> bool {
        self.fetching.contains(id)
    }

    pub fn fetch(&mut self, ids: impl IntoIterator<Item = JobId>) {
        self.fetching.extend(ids);
    }

    /// `id`'s video is in (or failed): whether every fetch is now done.
    pub fn fetched(&mut self, id: &JobId) -> bool {
        self.fetching.retain(|f| f != id);
        self.fetching.is_empty()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Importing {
    /// fal's records are being asked what the history lacks.
    Looking,
    /// What was found (and confirmed) is being saved.
    Saving,
}
