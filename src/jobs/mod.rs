//! Runs jobs: one task per job, from image upload to downloaded video, saving the record at
//! every state change and reporting to listeners through [`JobEvent`]s. Knows nothing of the
//! UI; the TUI and `i2v submit` are both just listeners.

pub(crate) mod convert;
mod engine;
mod event;
mod fal_records;
mod run;
mod shared;
mod shared_upload;

pub use engine::{Engine, Origin, ResumeReport, Resumed};
pub(crate) use event::retry_text;
pub use event::{JobEvent, NewJob, Progress};
pub(crate) use fal_records::unsettled;
pub use shared::EngineOptions;
