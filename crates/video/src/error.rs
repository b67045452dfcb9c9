use std::path::{Path, PathBuf};

/// Why frames of a video could not be had. Always names the file, so a message on its own
/// says which video is at fault.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
pub struct VideoError {
    pub path: PathBuf,
    pub problem: Problem,
}

#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("could not read it: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a readable MP4 file ({0})")]
    NotMp4(String),
    #[error("has no video track")]
    NoVideo,
    #[error("its video is {0}, and only H.264 can be decoded here")]
    UnsupportedCodec(String),
    #[error(
        "the file is cut short: its index points {needed} bytes in, but it has {len} (an unfinished download?)"
    )]
    Truncated { needed: u64, len: u64 },
    #[error(
        "the file ends in the middle of its structure, after {len} bytes (an unfinished download?)"
    )]
    EndsEarly { len: u64 },
    #[error("the MP4 is damaged: {0}")]
    Corrupt(String),
    #[error("the H.264 stream is damaged at frame {sample} of {count}: {message}")]
    Decode {
        sample: usize,
        count: usize,
        message: String,
    },
    #[error("the H.264 decoder could not start: {0}")]
    DecoderSetup(String),
    #[error("the decoder failed on it: {0}")]
    Crashed(String),
    #[error("only {decoded} of its {count} frames could be decoded")]
    MissingFrames { decoded: usize, count: usize },
    #[error("{at} s is past its end ({duration:.2} s)")]
    PastEnd { at: f64, duration: f64 },
    #[error("could not write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: image::ImageError,
    },
}

impl VideoError {
    pub(crate) fn new(path: &Path, problem: impl Into<Problem>) -> Self {
        Self {
            path: path.to_path_buf(),
            problem: problem.into(),
        }
    }
}
