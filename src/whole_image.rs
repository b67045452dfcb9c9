//! Whether an image is whole: decoded in full (the pixels dropped at once) before anything
//! is uploaded or paid for. A header alone says a file is a 640×360 PNG even when the file
//! ends 200 bytes in, or claims 30000×30000 in 69 bytes; fal takes such a file, bills the
//! job and fails it (or worse, runs it on garbage).
//!
//! Decompression bombs stay cheap: a picture claiming more than [`MAX_CHECKED_SIDE`] pixels
//! a side, or more than [`MAX_CHECK_ALLOC`] bytes of pixels, is refused from its header,
//! before a pixel is decoded.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use base64::Engine as _;
use image::{ImageDecoder, ImageReader, Limits};

/// The widest or tallest picture decoded to check it (the preview decodes no more either).
pub const MAX_CHECKED_SIDE: u32 = 16_384;
/// What decoding a picture to check it may allocate.
pub const MAX_CHECK_ALLOC: u64 = 512 << 20;

/// Why an image is not whole, in words for its owner.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    #[error(
        "its header claims {0}×{1} pixels, more than i2v decodes to check ({MAX_CHECKED_SIDE} \
         a side): scale it down"
    )]
    TooLarge(u32, u32),
    #[error("the {format} is damaged or cut short ({reason})")]
    Damaged {
        format: &'static str,
        reason: String,
    },
}

/// Decodes all of `bytes` as the image they start like.
pub fn check_bytes(bytes: &[u8]) -> Result<(), Broken> {
    let damaged = |format: &'static str, reason: String| Broken::Damaged { format, reason };
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| damaged("image", e.to_string()))?;
    let format = reader.format().map_or("image", name_of);
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_CHECKED_SIDE);
    limits.max_image_height = Some(MAX_CHECKED_SIDE);
    limits.max_alloc = Some(MAX_CHECK_ALLOC);
    reader.limits(limits);
    let decoder = reader
        .into_decoder()
        .map_err(|e| explain(format, bytes, &e))?;
    let (width, height) = decoder.dimensions();
    let total = decoder.total_bytes();
    if width > MAX_CHECKED_SIDE || height > MAX_CHECKED_SIDE || total > MAX_CHECK_ALLOC {
        return Err(Broken::TooLarge(width, height));
    }
    let mut pixels =
        vec![0u8; usize::try_from(total).map_err(|_| Broken::TooLarge(width, height))?];
    decoder
        .read_image(&mut pixels)
        .map_err(|e| explain(format, bytes, &e))?;
    // The JPEG decoder fills in what a file cut short lacks (as browsers do), so the end of
    // the picture is looked for here.
    if format == "JPEG" && !jpeg_reaches_its_end(bytes) {
        return Err(Broken::Damaged {
            format,
            reason: "it ends before its end-of-image marker".into(),
        });
    }
    Ok(())
}

/// Whether a JPEG's segments, and the entropy-coded data after each start of scan, run on
/// to its end-of-image marker (trailing bytes after it are allowed, as decoders allow them).
fn jpeg_reaches_its_end(bytes: &[u8]) -> bool {
    const SOS: u8 = 0xDA;
    const EOI: u8 = 0xD9;
    let length_at = |i: usize| -> Option<usize> {
        let high = *bytes.get(i)?;
        let low = *bytes.get(i + 1)?;
        Some(usize::from(high) << 8 | usize::from(low))
    };
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    loop {
        // A marker: 0xFF (any number of fill bytes), then its code.
        if bytes.get(i) != Some(&0xFF) {
            return false;
        }
        while bytes.get(i) == Some(&0xFF) {
            i += 1;
        }
        let Some(&code) = bytes.get(i) else {
            return false;
        };
        i += 1;
        match code {
            EOI => return true,
            // Restart markers and TEM stand alone.
            0xD0..=0xD7 | 0x01 => continue,
            _ => {}
        }
        let Some(length) = length_at(i) else {
            return false;
        };
        i += length;
        if code == SOS {
            // Entropy-coded data: 0xFF in it is followed by 0x00 (a stuffed byte) or a
            // restart marker; anything else is the next marker.
            loop {
                match (bytes.get(i), bytes.get(i + 1)) {
                    (Some(0xFF), Some(0x00 | 0xD0..=0xD7)) => i += 2,
                    (Some(0xFF), Some(_)) => break,
                    (Some(_), _) => i += 1,
                    (None, _) => return false,
                }
            }
        }
    }
}

/// The decoder's refusal, as [`Broken`]: a size limit from the header is named with the size
/// the header claims.
fn explain(format: &'static str, bytes: &[u8], err: &image::ImageError) -> Broken {
    if let image::ImageError::Limits(_) = err
        && let Ok(size) = imagesize::blob_size(bytes)
    {
        let side = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        return Broken::TooLarge(side(size.width), side(size.height));
    }
    Broken::Damaged {
        format,
        reason: err.to_string(),
    }
}

fn name_of(format: image::ImageFormat) -> &'static str {
    match format {
        image::ImageFormat::Png => "PNG",
        image::ImageFormat::Jpeg => "JPEG",
        image::ImageFormat::WebP => "WebP",
        _ => "image",
    }
}

/// A file's identity and version, so one checked once is not decoded again for every job of
/// a batch (each job checks its image as it starts).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stamp {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path, meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            path: path.to_owned(),
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}

/// The last file found whole.
static LAST_WHOLE: Mutex<Option<Stamp>> = Mutex::new(None);

/// [`check_bytes`] for a file: `read` reads it (bounded by its caller). A file found whole
/// before, unchanged since, is not decoded again.
pub fn check_file(
    path: &Path,
    meta: &std::fs::Metadata,
    read: impl FnOnce() -> std::io::Result<Vec<u8>>,
) -> Result<(), CheckFailed> {
    let stamp = Stamp::of(path, meta);
    let last = LAST_WHOLE.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if last.as_ref() == Some(&stamp) {
        return Ok(());
    }
    let bytes = read().map_err(CheckFailed::Read)?;
    check_bytes(&bytes).map_err(CheckFailed::Broken)?;
    *LAST_WHOLE.lock().unwrap_or_else(|e| e.into_inner()) = Some(stamp);
    Ok(())
}

fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Why [`check_file`] failed.
#[derive(Debug)]
pub enum CheckFailed {
    Read(std::io::Error),
    Broken(Broken),
}

/// What a `data:` URL holds, decoded.
#[derive(Debug, PartialEq, Eq)]
pub struct DataUrl {
    /// The media type it declares (`image/png`), lower case; empty if none.
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// Why a `data:` URL is not one i2v sends.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BadDataUrl {
    #[error("it has no ',' before its data")]
    NoData,
    #[error("its data is not base64 (only base64 data: URLs are sent)")]
    NotBase64,
    #[error("its base64 does not decode ({0})")]
    Undecodable(String),
    #[error("it holds no data")]
    Empty,
    #[error("its {0} bytes are no PNG, JPEG or WebP image")]
    NotAnImage(usize),
    #[error(
        "it holds {:.1} MB: the model takes images under {:.1} MB",
        megabytes(*.holds),
        megabytes(*.max)
    )]
    TooLarge { holds: u64, max: u64 },
}

impl DataUrl {
    /// Decodes `data:<type>;base64,<data>` (`url` starts with `data:`, in any case); one
    /// holding `max` bytes or more is refused by its length alone.
    pub fn parse(url: &str, max: u64) -> Result<DataUrl, BadDataUrl> {
        let rest = url.get(5..).unwrap_or("");
        let (header, data) = rest.split_once(',').ok_or(BadDataUrl::NoData)?;
        let mut params = header.split(';');
        let media_type = params.next().unwrap_or("").trim().to_ascii_lowercase();
        if !params.any(|p| p.trim().eq_ignore_ascii_case("base64")) {
            return Err(BadDataUrl::NotBase64);
        }
        let data = data.trim();
        // Four base64 characters make three bytes.
        let holds = (data.len() as u64 / 4) * 3;
        if holds >= max.saturating_add(3) {
            return Err(BadDataUrl::TooLarge { holds, max });
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| BadDataUrl::Undecodable(e.to_string()))?;
        if bytes.is_empty() {
            return Err(BadDataUrl::Empty);
        }
        Ok(DataUrl { media_type, bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: u64 = 20 << 20;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn whole_images_pass() {
        for name in ["frame.png", "frame.jpg", "frame.webp"] {
            assert_eq!(check_bytes(&fixture(name)), Ok(()), "{name}");
        }
    }

    #[test]
    fn images_cut_short_are_damaged() {
        for (name, format) in [
            ("truncated.png", "PNG"),
            ("truncated.jpg", "JPEG"),
            ("truncated.webp", "WebP"),
        ] {
            let err = check_bytes(&fixture(name)).unwrap_err();
            assert!(
                matches!(&err, Broken::Damaged { format: f, .. } if *f == format),
                "{name}: {err:?}"
            );
        }
    }

    #[test]
    fn a_header_claiming_a_huge_picture_is_refused_from_the_header() {
        assert_eq!(
            check_bytes(&fixture("claims-30000.png")),
            Err(Broken::TooLarge(30000, 30000))
        );
    }

    #[test]
    fn data_urls_decode_or_say_why_not() {
        let png = fixture("frame.png");
        let url = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&png)
        );
        let parsed = DataUrl::parse(&url, MAX).unwrap();
        assert_eq!(parsed.media_type, "image/png");
        assert_eq!(parsed.bytes, png);
        assert_eq!(
            DataUrl::parse("data:image/png,abc", MAX),
            Err(BadDataUrl::NotBase64)
        );
        assert_eq!(
            DataUrl::parse("data:image/png;base64", MAX),
            Err(BadDataUrl::NoData)
        );
        assert!(matches!(
            DataUrl::parse("data:image/png;base64,!!!!", MAX),
            Err(BadDataUrl::Undecodable(_))
        ));
        let huge = format!("data:image/png;base64,{}", "A".repeat(28 << 20));
        assert!(matches!(
            DataUrl::parse(&huge, MAX),
            Err(BadDataUrl::TooLarge { .. })
        ));
        // Only the PNG signature: decodes, but is no whole image.
        let signature = DataUrl::parse("data:image/png;base64,iVBORw0KGgo=", MAX).unwrap();
        assert!(check_bytes(&signature.bytes).is_err());
    }
}
