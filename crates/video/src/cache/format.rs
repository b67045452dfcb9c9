//! One job's strip as one file: three JPEGs behind a small header that says which frames
//! they are and checks the whole.
//!
//! ```text
//! magic "I2VSTRP2" | crc32 of the rest | per frame: index, width, height, length (u32 LE)
//! | the three JPEGs, one after the other
//! ```
//!
//! JPEG rather than PNG or QOI because of what video frames are: at 480×270 a natural frame
//! is 190–260 KB as PNG (QOI is no smaller), 27–58 KB as JPEG at quality 85 (measured on
//! photographs; a synthetic test pattern is 32 KB against 18 KB). Each frame is kept under
//! [`FRAME_BUDGET`] by stepping the quality down, so a job never holds more than about
//! 100 KB, whatever its pictures.

use std::io::Cursor;

use image::codecs::jpeg::{JpegDecoder, JpegEncoder};
use image::imageops::FilterType;
use image::{DynamicImage, ExtendedColorType, ImageEncoder, RgbImage};

use crate::frame::Frame;
use crate::position::Position;

const MAGIC: &[u8; 8] = b"I2VSTRP2";
/// Magic, checksum, and four fields for each of the three frames.
const HEADER: usize = MAGIC.len() + 4 + 3 * 4 * 4;

/// The most one frame's JPEG may take: three of them and the header stay under 100 KB.
pub const FRAME_BUDGET: usize = 32 * 1024;

/// Tried in turn until the frame fits its budget; most frames of a video fit at the first.
const QUALITIES: [u8; 4] = [85, 72, 60, 48];

/// The file's bytes for `strip` (first, middle, last).
pub fn encode(strip: &[Frame; 3]) -> Result<Vec<u8>, image::ImageError> {
    let jpegs = strip
        .iter()
        .map(|frame| fitting_jpeg(&frame.image))
        .collect::<Result<Vec<_>, _>>()?;
    let mut bytes = Vec::with_capacity(HEADER + jpegs.iter().map(|(_, j)| j.len()).sum::<usize>());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&[0; 4]); // the checksum, once the rest is there
    for (frame, (size, jpeg)) in strip.iter().zip(&jpegs) {
        for field in [frame.index, size.0 as usize, size.1 as usize, jpeg.len()] {
            bytes.extend_from_slice(&u32::try_from(field).unwrap_or(u32::MAX).to_le_bytes());
        }
    }
    for (_, jpeg) in &jpegs {
        bytes.extend_from_slice(jpeg);
    }
    let crc = crc32fast::hash(&bytes[MAGIC.len() + 4..]);
    bytes[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&crc.to_le_bytes());
    Ok(bytes)
}

/// The strip in `bytes`, or `None` if they are not a whole, sound strip file.
pub fn decode(bytes: &[u8]) -> Option<[Frame; 3]> {
    let (header, mut body) = bytes.split_at_checked(HEADER)?;
    if &header[..MAGIC.len()] != MAGIC {
        return None;
    }
    let field = |at: usize| {
        let raw: [u8; 4] = header.get(at..at + 4)?.try_into().ok()?;
        Some(u32::from_le_bytes(raw))
    };
    if field(MAGIC.len())? != crc32fast::hash(&bytes[MAGIC.len() + 4..]) {
        return None;
    }
    let mut frames = Vec::with_capacity(3);
    for (i, position) in Position::STRIP.into_iter().enumerate() {
        let at = MAGIC.len() + 4 + i * 16;
        let [index, width, height, len] = [0, 4, 8, 12].map(|o| field(at + o));
        let (jpeg, rest) = body.split_at_checked(usize::try_from(len?).ok()?)?;
        body = rest;
        let image = decode_jpeg(jpeg)?;
        if image.dimensions() != (width?, height?) {
            return None;
        }
        frames.push(Frame {
            index: usize::try_from(index?).ok()?,
            position,
            image,
        });
    }
    if !body.is_empty() {
        return None;
    }
    <[Frame; 3]>::try_from(frames).ok()
}

/// A JPEG of `image` within [`FRAME_BUDGET`]: quality stepped down first, then (for the
/// rare picture that is mostly fine noise) the size, by a quarter at a time.
fn fitting_jpeg(image: &RgbImage) -> Result<((u32, u32), Vec<u8>), image::ImageError> {
    let mut smaller: Option<RgbImage> = None;
    loop {
        let picture = smaller.as_ref().unwrap_or(image);
        let mut last = Vec::new();
        for quality in QUALITIES {
            last = jpeg(picture, quality)?;
            if last.len() <= FRAME_BUDGET {
                return Ok((picture.dimensions(), last));
            }
        }
        let (w, h) = picture.dimensions();
        if w < 64 || h < 64 {
            return Ok(((w, h), last));
        }
        smaller = Some(image::imageops::resize(
            picture,
            w * 3 / 4,
            h * 3 / 4,
            FilterType::Triangle,
        ));
    }
}

fn jpeg(image: &RgbImage, quality: u8) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::with_capacity(FRAME_BUDGET);
    JpegEncoder::new_with_quality(&mut out, quality).write_image(
        image.as_raw(),
        image.width(),
        image.height(),
        ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

fn decode_jpeg(jpeg: &[u8]) -> Option<RgbImage> {
    let decoder = JpegDecoder::new(Cursor::new(jpeg)).ok()?;
    Some(DynamicImage::from_decoder(decoder).ok()?.into_rgb8())
}

#[cfg(test)]
mod tests {
    use image::Rgb;

    use super::*;

    fn strip(make: impl Fn(u32, u32) -> Rgb<u8>) -> [Frame; 3] {
        Position::STRIP.map(|position| Frame {
            index: match position {
                Position::First => 0,
                Position::Middle => 72,
                _ => 143,
            },
            position,
            image: RgbImage::from_fn(480, 270, &make),
        })
    }

    fn gradient() -> [Frame; 3] {
        strip(|x, y| Rgb([(x / 2) as u8, (y / 2) as u8, ((x + y) / 4) as u8]))
    }

    #[test]
    fn a_strip_reads_back_with_its_indices_sizes_and_colours() {
        let made = gradient();
        let bytes = encode(&made).unwrap();
        let back = decode(&bytes).unwrap();
        assert_eq!(back.each_ref().map(|f| f.index), [0, 72, 143]);
        assert_eq!(back.each_ref().map(|f| f.position), Position::STRIP);
        for (a, b) in made.iter().zip(&back) {
            assert_eq!(a.image.dimensions(), b.image.dimensions());
            let (pa, pb) = (a.image.get_pixel(200, 100), b.image.get_pixel(200, 100));
            for c in 0..3 {
                assert!(pa[c].abs_diff(pb[c]) <= 6, "{pa:?} vs {pb:?}");
            }
        }
    }

    #[test]
    fn even_pure_noise_stays_within_the_budget() {
        let noise = noise(7);
        let noise = strip(|x, y| Rgb([noise(x, y), noise(y, x), noise(x ^ y, x)]));
        let bytes = encode(&noise).unwrap();
        assert!(bytes.len() <= 3 * FRAME_BUDGET + HEADER, "{}", bytes.len());
        let back = decode(&bytes).unwrap();
        assert!(back.iter().all(|f| f.width() >= 200), "still a picture");
    }

    /// A tiny xorshift: the test needs noise, not a crate.
    fn noise(seed: u32) -> impl Fn(u32, u32) -> u8 {
        move |x, y| {
            let mut v = seed ^ x.wrapping_mul(0x9E37_79B9) ^ y.wrapping_mul(0x85EB_CA6B);
            v ^= v << 13;
            v ^= v >> 17;
            v ^= v << 5;
            v as u8
        }
    }

    #[test]
    fn anything_damaged_or_foreign_is_refused() {
        let bytes = encode(&gradient()).unwrap();
        assert!(decode(&bytes[..bytes.len() - 1]).is_none(), "cut short");
        assert!(decode(&bytes[..HEADER - 1]).is_none(), "header only");
        let mut flipped = bytes.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x40;
        assert!(decode(&flipped).is_none(), "a flipped bit");
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none(), "trailing bytes");
        assert!(decode(b"I2VTHMB1 an old raw thumbnail").is_none());
        assert!(decode(&[]).is_none());
    }
}
