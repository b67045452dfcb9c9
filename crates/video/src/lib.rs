//! Frames of result videos, decoded in-process: no ffmpeg on the machine.
//!
//! MP4 is read with `mp4parse` and H.264 (High profile, CABAC, B-frames) decoded with Cisco's
//! openh264, built from its bundled source. Knows nothing of jobs or of the UI: callers hand
//! it a file and positions, and get RGB images or an error naming the file.

mod annexb;
mod cache;
mod container;
mod error;
mod frame;
mod position;
mod scale;
mod video;

pub use cache::{DEFAULT_LIMIT as DEFAULT_THUMBS_LIMIT, ThumbCache};
pub use container::VideoInfo;
pub use error::{Problem, VideoError};
pub use frame::Frame;
pub use image::{self, RgbImage};
pub use position::Position;
pub use scale::fit;
pub use video::{Picture, Video};
