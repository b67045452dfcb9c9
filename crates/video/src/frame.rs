use std::path::Path;

use image::{ImageFormat, RgbImage, imageops::FilterType};

use crate::error::{Problem, VideoError};
use crate::position::Position;

/// One decoded picture, 8-bit RGB, rows top to bottom.
#[derive(Clone, PartialEq)]
pub struct Frame {
    /// Which frame of the video this is, counted in display order from 0.
    pub index: usize,
    /// What was asked for.
    pub position: Position,
    pub image: RgbImage,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("index", &self.index)
            .field("position", &self.position)
            .field("size", &self.image.dimensions())
            .finish()
    }
}

impl Frame {
    pub fn width(&self) -> u32 {
        self.image.width()
    }

    pub fn height(&self) -> u32 {
        self.image.height()
    }

    /// The mean colour of a centred box covering `fraction` of each side: robust to the
    /// few pixels codecs smear at edges and borders.
    pub fn mean_rgb(&self, fraction: f64) -> [u8; 3] {
        let (w, h) = self.image.dimensions();
        let (bw, bh) = (
            ((f64::from(w) * fraction) as u32).max(1),
            ((f64::from(h) * fraction) as u32).max(1),
        );
        let (x0, y0) = ((w - bw.min(w)) / 2, (h - bh.min(h)) / 2);
        let mut sum = [0u64; 3];
        let mut n = 0u64;
        for y in y0..(y0 + bh).min(h) {
            for x in x0..(x0 + bw).min(w) {
                let pixel = self.image.get_pixel(x, y);
                for (total, &channel) in sum.iter_mut().zip(pixel.0.iter()) {
                    *total += u64::from(channel);
                }
                n += 1;
            }
        }
        sum.map(|total| (total / n.max(1)) as u8)
    }

    /// A copy no larger than `max_width`×`max_height`, same aspect ratio (never enlarged).
    pub fn thumbnail(&self, max_width: u32, max_height: u32) -> Frame {
        let (w, h) = self.image.dimensions();
        let scale = (f64::from(max_width) / f64::from(w))
            .min(f64::from(max_height) / f64::from(h))
            .min(1.0);
        let (tw, th) = (
            ((f64::from(w) * scale).round() as u32).max(1),
            ((f64::from(h) * scale).round() as u32).max(1),
        );
        let image = if (tw, th) == (w, h) {
            self.image.clone()
        } else {
            image::imageops::resize(&self.image, tw, th, FilterType::Triangle)
        };
        Frame {
            index: self.index,
            position: self.position,
            image,
        }
    }

    /// Writes the frame as a PNG; `video` is named in the error, as the frame came from it.
    pub fn save_png(&self, path: &Path, video: &Path) -> Result<(), VideoError> {
        self.image
            .save_with_format(path, ImageFormat::Png)
            .map_err(|source| {
                VideoError::new(
                    video,
                    Problem::Write {
                        path: path.to_path_buf(),
                        source,
                    },
                )
            })
    }
}
