//! Where pictures come from: a local image file (the first frame the user picked) and a
//! finished job's strip. Both decode, so both run off the UI task.

use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};

/// Thumbnails fit in this, like the video strip's: enough for a terminal's graphics and
/// plenty for halfblocks.
pub const THUMB_WIDTH: u32 = 480;
pub const THUMB_HEIGHT: u32 = 270;

/// Larger files are not decoded for a preview (the model takes at most 20 MB anyway).
const MAX_FILE: u64 = 64 << 20;

/// A small copy of the image file at `path` (JPEG, PNG or WebP, by content), upright as its
/// EXIF orientation says, fitting in `max_width`×`max_height`.
pub fn image_thumbnail(path: &Path, max_width: u32, max_height: u32) -> Result<RgbImage, String> {
    let name = path.display();
    let size = std::fs::metadata(path)
        .map_err(|err| format!("{name}: {err}"))?
        .len();
    if size > MAX_FILE {
        return Err(format!("{name}: {} MB is too large to preview", size >> 20));
    }
    let mut reader = ImageReader::open(path)
        .and_then(ImageReader::with_guessed_format)
        .map_err(|err| format!("{name}: {err}"))?;
    // A small file can still claim a huge picture: bound what decoding may allocate.
    let mut limits = Limits::default();
    limits.max_image_width = Some(16_384);
    limits.max_image_height = Some(16_384);
    limits.max_alloc = Some(512 << 20);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|err| format!("{name}: {err}"))?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|err| format!("{name}: {err}"))?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image.thumbnail(max_width, max_height).to_rgb8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    #[test]
    fn png_jpeg_and_webp_come_out_small_and_in_proportion() {
        for name in ["frame.png", "frame.jpg", "frame.webp"] {
            let thumb = image_thumbnail(&fixture(name), 40, 40).unwrap();
            // The fixtures are 400×300.
            assert_eq!(thumb.dimensions(), (40, 30), "{name}");
        }
    }

    #[test]
    fn what_is_not_a_picture_is_an_error_naming_the_file() {
        for name in ["not-an-image.png", "missing.png"] {
            let err = image_thumbnail(&fixture(name), 40, 40).unwrap_err();
            assert!(err.contains(name), "{err}");
        }
    }
}
