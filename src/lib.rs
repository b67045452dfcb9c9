//! i2v: a terminal workbench for fal.ai's Hailuo 2.3 Fast Pro image-to-video model.
//!
//! The engine (`jobs`, backed by the `i2v-fal` client and the `i2v-store` history) knows
//! nothing of the UI; `ui` turns terminal and job events into messages, applies them to its
//! state and draws that state.
//!
//! Modules are `pub(crate)` unless the binary, the benches or the tests use them, so that the
//! compiler reports what nothing uses.

pub(crate) mod batch;
pub mod budget;
pub(crate) mod byte_size;
pub(crate) mod camera;
pub mod cli;
pub(crate) mod config;
pub(crate) mod fal_error_types;
pub(crate) mod fal_import;
pub mod film;
pub mod frames;
pub(crate) mod image_format;
pub(crate) mod image_source;
pub(crate) mod input_limits;
pub mod jobs;
pub mod judge;
pub(crate) mod local_file;
pub(crate) mod logging;
pub(crate) mod matrix;
pub(crate) mod path_complete;
pub mod preview;
pub(crate) mod pricing;
pub(crate) mod remote_image;
pub(crate) mod setup;
pub(crate) mod signals;
pub(crate) mod spend;
#[cfg(test)]
mod test_record;
pub mod text;
pub(crate) mod tmux_clipboard;
pub mod tty;
pub mod ui;
pub(crate) mod whole_image;
pub(crate) mod words;
