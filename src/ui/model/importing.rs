//! Where bringing in jobs made elsewhere from fal's records stands (the history's `I`): one
//! look or import at a time, so a key pressed twice cannot import a request twice.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Importing {
    /// fal's records are being asked what the history lacks.
    Looking,
    /// What was found (and confirmed) is being saved.
    Saving,
}
