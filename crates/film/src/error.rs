use std::path::{Path, PathBuf};

/// Why a film could not be made. A shot at fault is named by its place and its file, so the
/// caller can say which job it was.
#[derive(Debug, thiserror::Error)]
pub enum FilmError {
    #[error("a film needs at least one shot")]
    NoShots,
    #[error(transparent)]
    Shot(#[from] ShotError),
    /// Writing to a stream failed (files are named: [`FilmError::Write`]).
    #[error("could not write the film: {0}")]
    Output(std::io::Error),
    #[error("could not write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One shot that cannot go into the film, and why.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
pub struct ShotError {
    /// Its place in the film, counted from 0.
    pub index: usize,
    pub path: PathBuf,
    pub problem: Problem,
}

impl ShotError {
    pub(crate) fn new(index: usize, path: &Path, problem: impl Into<Problem>) -> ShotError {
        ShotError {
            index,
            path: path.to_path_buf(),
            problem: problem.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("could not read it: {0}")]
    Io(#[from] std::io::Error),
    #[error("it has no index (moov box): not an MP4 file, or its download never finished")]
    NoIndex,
    #[error(
        "the file is cut short: it needs {needed} bytes, and has {len} (an unfinished download?)"
    )]
    Truncated { needed: u64, len: u64 },
    #[error("not a readable MP4 file ({0})")]
    NotMp4(String),
    #[error("it has no video track")]
    NoVideo,
    #[error("its video is {0}, and only H.264 can be joined")]
    UnsupportedCodec(String),
    #[error("its frames are kept in another file")]
    ExternalData,
    #[error("the MP4 is damaged: {0}")]
    Corrupt(String),
    #[error("its first frame is not a keyframe, so no shot can start with it")]
    NoKeyframeFirst,
    #[error("its H.264 settings change at frame {0}, which is not a keyframe")]
    ChangeBetweenKeyframes(usize),
    #[error(
        "it is {width}×{height}, and the first shot {first_width}×{first_height}: the shots of a film share one frame size"
    )]
    OtherSize {
        width: u32,
        height: u32,
        first_width: u32,
        first_height: u32,
    },
    #[error("it changed while it was being copied (it is now shorter)")]
    Changed,
    #[error("{0}")]
    Unreadable(i2v_video::Problem),
    #[error("the MP4 reader failed on it: {0}")]
    Crashed(String),
}
