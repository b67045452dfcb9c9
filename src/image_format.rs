//! Image types known by their content (the first bytes), not their names.

/// Image types recognised by content. Only PNG, JPEG and WebP are what the model takes; the
/// others are known so the refusal can name them, and sent only when the user overrides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Jpeg,
    Webp,
    Gif,
    Bmp,
    Tiff,
    Avif,
    Heif,
    /// An MP4 (or MOV): the same box format as HEIF, with a video's brands.
    Mp4,
}

impl ImageFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
            Self::Bmp => "image/bmp",
            Self::Tiff => "image/tiff",
            Self::Avif => "image/avif",
            Self::Heif => "image/heif",
            Self::Mp4 => "video/mp4",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg => "JPEG",
            Self::Webp => "WebP",
            Self::Gif => "GIF",
            Self::Bmp => "BMP",
            Self::Tiff => "TIFF",
            Self::Avif => "AVIF",
            Self::Heif => "HEIF",
            Self::Mp4 => "MP4 video",
        }
    }

    /// One the model takes.
    pub fn is_accepted(self) -> bool {
        matches!(self, Self::Png | Self::Jpeg | Self::Webp)
    }
}

/// The image type `header` (a file's first bytes) starts like, if one we know.
pub fn sniff_format(header: &[u8]) -> Option<ImageFormat> {
    if is_video(header) {
        return Some(ImageFormat::Mp4);
    }
    Some(match imagesize::image_type(header).ok()? {
        imagesize::ImageType::Png => ImageFormat::Png,
        imagesize::ImageType::Jpeg => ImageFormat::Jpeg,
        imagesize::ImageType::Webp => ImageFormat::Webp,
        imagesize::ImageType::Gif => ImageFormat::Gif,
        imagesize::ImageType::Bmp => ImageFormat::Bmp,
        imagesize::ImageType::Tiff => ImageFormat::Tiff,
        imagesize::ImageType::Heif(imagesize::Compression::Av1) => ImageFormat::Avif,
        imagesize::ImageType::Heif(_) => ImageFormat::Heif,
        _ => return None,
    })
}

/// An ISO media file (it starts with an `ftyp` box, as HEIF and AVIF do) none of whose brands
/// is a still image's: an MP4 or MOV, which imagesize would call HEIF.
pub(crate) fn is_video(header: &[u8]) -> bool {
    const STILL: [&[u8]; 12] = [
        b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"mif2", b"msf1", b"miaf",
        b"avif", b"avis",
    ];
    if header.len() < 12 || &header[4..8] != b"ftyp" {
        return false;
    }
    let size = header[..4]
        .try_into()
        .map_or(0, |b| u32::from_be_bytes(b) as usize);
    let end = size.clamp(12, header.len());
    // The major brand, then (after the minor version) the compatible ones.
    let brands =
        std::iter::once(&header[8..12]).chain(header.get(16..end).unwrap_or(&[]).chunks_exact(4));
    !brands.into_iter().any(|brand| STILL.contains(&brand))
}
