//! Job history: one versioned JSON file per job.
//!
//! Layout under the root the caller picks:
//! - `jobs/<JobId>.json`: one record per job, pretty-printed, replaced atomically on every write;
//! - `locks/<JobId>.lock` and `.run`: empty files that only carry the per-job locks, removed
//!   once the job is finished or its run ends (see `job_lock` for why that is safe);
//! - `videos/`: where downloaded videos go;
//! - `trash/<JobId>/`: removed jobs' records, videos and thumbnails (see `trash`);
//! - `takes.json`: which take follows a shot where several continue it (see `takes`);
//! - `jobs.index`: a cache of every job's [`Summary`], checked against `jobs/` on every look
//!   and rebuilt from it when damaged (see `index`).
//!
//! Files this store cannot read are reported and left exactly as they are.

mod atomic_write;
mod decode;
mod error;
mod fal_options;
mod index;
mod job_lock;
mod listing;
mod lost_submit;
mod parallel;
mod read_file;
mod record;
mod store;
mod summary;
mod takes;
mod trash;
mod write_faults;

pub use error::{StoreError, StoreProblem};
pub use fal_options::FalOptions;
pub use index::{Changes, History, INDEX_FILE, ProgressFn, Refresh, Seen};
pub use job_lock::JobClaim;
pub use listing::Listing;
pub use lost_submit::{LostSubmit, Verdict};
pub use read_file::MAX_RECORD_BYTES;
pub use record::*;
pub use store::Store;
pub use summary::{NOTE_CHARS, Summary, Timings, note_start};
pub use takes::{TAKES_FILE, TAKES_VERSION, Takes};
pub use trash::{JobFiles, Removal, Removed};
pub use write_faults::WriteFaults;
