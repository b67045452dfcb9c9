//! The cache as earlier versions left it: three raw RGB files a job,
//! `<key>-<position>.rgb` (a header of magic, frame index, width and height, then the
//! pixels), about 1.1 MB a job. They are read once more, so a job whose video is gone keeps
//! its pictures, written again small and removed.

use std::path::{Path, PathBuf};

use image::RgbImage;

use crate::frame::Frame;
use crate::position::Position;

const MAGIC: &[u8; 8] = b"I2VTHMB1";
const HEADER: usize = MAGIC.len() + 3 * 4;

/// Far past a raw frame of any earlier version (a 480×270 thumbnail is 389 KB): a larger
/// file at the path is none of ours.
const MAX_RAW_FRAME: u64 = 64 << 20;

pub fn paths(dir: &Path, key: &str) -> [PathBuf; 3] {
    Position::STRIP.map(|position| dir.join(format!("{key}-{}.rgb", position.slug())))
}

/// The strip from the old files, if all three are there and sound.
pub fn load(dir: &Path, key: &str) -> Option<[Frame; 3]> {
    let [a, b, c] = paths(dir, key);
    Some([
        load_one(&a, Position::First)?,
        load_one(&b, Position::Middle)?,
        load_one(&c, Position::Last)?,
    ])
}

fn load_one(path: &Path, position: Position) -> Option<Frame> {
    // Bounded, and only a regular file: see `read_and_touch`.
    let file = crate::video::open_regular(path, false).ok()?;
    let bytes = crate::video::read_within(file, MAX_RAW_FRAME).ok()?;
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

/// Writes the old format, for tests of the way from it.
#[cfg(test)]
pub fn store(dir: &Path, key: &str, strip: &[Frame; 3]) {
    for (frame, path) in strip.iter().zip(paths(dir, key)) {
        let mut bytes = MAGIC.to_vec();
        for field in [frame.index as u32, frame.width(), frame.height()] {
            bytes.extend_from_slice(&field.to_le_bytes());
        }
        bytes.extend_from_slice(frame.image.as_raw());
        std::fs::write(path, bytes).unwrap();
    }
}
