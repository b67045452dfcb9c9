//! Shots joined into one film, with no ffmpeg and no re-encoding.
//!
//! [`Film::plan`] reads the index of each shot's MP4 and checks that they can be joined (H.264,
//! one frame size, starting at a keyframe, not cut short). [`Film::save`] then writes one MP4:
//! the shots' H.264 frames copied as they are, decoding times running on across the joins with
//! B-frames' composition offsets kept, the index first so it plays while it downloads, frames
//! streamed a piece at a time. [`Film::save_gif`] decodes the shots into an animated GIF
//! instead. Knows nothing of jobs: callers hand it files in film order.

mod animated;
mod error;
mod film;
mod mux;
mod save;
mod shot;

pub use animated::{GifInfo, GifOptions};
pub use error::{FilmError, Problem, ShotError};
pub use film::{Film, FilmInfo};
