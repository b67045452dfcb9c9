//! i2v: a terminal workbench for fal.ai's Hailuo 2.3 Fast Pro image-to-video model.
//!
//! The engine (`jobs`, backed by the `i2v-fal` client and the `i2v-store` history) knows
//! nothing of the UI; `ui` turns terminal and job events into messages, applies them to its
//! state and draws that state.

pub mod batch;
pub mod budget;
pub mod byte_size;
pub mod camera;
pub mod cli;
pub mod config;
pub mod fal_error_types;
pub mod film;
pub mod frames;
pub mod image_format;
pub mod image_source;
pub mod input_limits;
pub mod jobs;
pub mod judge;
pub mod local_file;
pub mod logging;
pub mod matrix;
pub mod path_complete;
pub mod preview;
pub mod pricing;
pub mod remote_image;
pub mod setup;
pub mod signals;
pub mod spend;
#[cfg(test)]
mod test_record;
pub mod text;
pub mod tmux_clipboard;
pub mod tty;
pub mod ui;
pub mod whole_image;
pub mod words;
