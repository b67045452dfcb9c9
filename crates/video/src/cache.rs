//! Thumbnails of the strip (first, middle, last frame), kept on disk so a second look costs
//! a file read instead of a decoding pass.
//!
//! Each thumbnail is one small raw file, `<dir>/<key>-<position>.rgb`: a header (magic, frame
//! index, width, height) and the RGB bytes. Raw rather than PNG because reading it back is a
//! copy, whatever the picture. A file that does not check out counts as missing and is made
//! again.

use std::path::{Path, PathBuf};

use image::RgbImage;

use crate::error::{Problem, VideoError};
use crate::frame::Frame;
use crate::position::Position;
use crate::video::Video;

const MAGIC: &[u8; 8] = b"I2VTHMB1";
const HEADER: usize = MAGIC.len() + 3 * 4;

/// Where thumbnails live, e.g. `<data dir>/thumbs`.
#[derive(Debug, Clone)]
pub struct ThumbCache {
    dir: PathBuf,
    max_width: u32,
    max_height: u32,
}

impl ThumbCache {
    /// Thumbnails fit in 480×270: a 1080p frame at a quarter of its width, enough for a
    /// terminal's graphics and plenty for halfblocks.
    pub fn new(dir: impl Into<PathBuf>) -> ThumbCache {
        ThumbCache {
            dir: dir.into(),
            max_width: 480,
            max_height: 270,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// First, middle and last frame of `video`, as thumbnails: from the cache under `key`
    /// when all three are there, else from one decoding pass, then cached.
    pub fn strip(&self, key: &str, video: &Path) -> Result<[Frame; 3], VideoError> {
        if let Some(strip) = self.cached(key) {
            return Ok(strip);
        }
        let frames = Video::open(video)?.frames(&Position::STRIP)?;
        let thumbs: Vec<Frame> = frames
            .iter()
            .map(|f| f.thumbnail(self.max_width, self.max_height))
            .collect();
        for thumb in &thumbs {
            // A cache that cannot be written only costs speed next time.
            if let Err(err) = self.store(key, thumb) {
                tracing::warn!(dir = %self.dir.display(), error = %err, "could not cache a thumbnail");
            }
        }
        <[Frame; 3]>::try_from(thumbs).map_err(|_| {
            VideoError::new(
                video,
                Problem::Corrupt("the strip did not come out whole".into()),
            )
        })
    }

    /// The strip if all three thumbnails are cached and sound.
    pub fn cached(&self, key: &str) -> Option<[Frame; 3]> {
        let [a, b, c] = Position::STRIP.map(|p| self.load(key, p));
        Some([a?, b?, c?])
    }

    fn path(&self, key: &str, position: Position) -> PathBuf {
        self.dir.join(format!("{key}-{}.rgb", position.slug()))
    }

    fn load(&self, key: &str, position: Position) -> Option<Frame> {
        let bytes = std::fs::read(self.path(key, position)).ok()?;
        let (header, pixels) = bytes.split_at_checked(HEADER)?;
        if &header[..MAGIC.len()] != MAGIC {
            return None;
        }
        let field = |i: usize| {
            let at = MAGIC.len() + 4 * i;
            u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
        };
        let image = RgbImage::from_raw(field(1), field(2), pixels.to_vec())?;
        if image.as_raw().len() != pixels.len() {
            return None;
        }
        Some(Frame {
            index: field(0) as usize,
            position,
            image,
        })
    }

    fn store(&self, key: &str, frame: &Frame) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let mut bytes = Vec::with_capacity(HEADER + frame.image.as_raw().len());
        bytes.extend_from_slice(MAGIC);
        for field in [frame.index as u32, frame.width(), frame.height()] {
            bytes.extend_from_slice(&field.to_le_bytes());
        }
        bytes.extend_from_slice(frame.image.as_raw());
        // Written aside, then renamed: a reader never sees half a file.
        let path = self.path(key, frame.position);
        let partial = path.with_extension(format!("rgb.{}.partial", std::process::id()));
        std::fs::write(&partial, &bytes)?;
        std::fs::rename(&partial, &path).inspect_err(|_| {
            let _ = std::fs::remove_file(&partial);
        })
    }
}
