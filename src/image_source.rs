//! What the user typed in the image field: an http(s) URL passed through to fal, or a local
//! image file, recognised by its content (not its name) and uploaded later. Whether the model
//! takes it is [`crate::input_limits`]' business.

use std::io::Read;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::byte_size::human_size;
use crate::image_format::{ImageFormat, sniff_format};
pub use crate::input_limits::MAX_IMAGE_BYTES;
use crate::input_limits::{self, Violation};
use crate::whole_image::{self, BadDataUrl, Broken, DataUrl};

#[derive(Clone, Debug, PartialEq)]
pub enum ImageRef {
    Url(String),
    File(LocalImage),
}

#[derive(Clone, Debug, PartialEq)]
pub struct LocalImage {
    pub path: PathBuf,
    pub format: ImageFormat,
    pub size: u64,
    pub width: usize,
    pub height: usize,
}

#[derive(Debug, Error, PartialEq)]
pub enum ImageError {
    #[error("no image: give an http(s) URL or a local PNG, JPEG or WebP file")]
    Empty,
    #[error("{0}: only http(s) URLs or local files are supported")]
    UnsupportedUrl(String),
    #[error("{}: no such file", .0.display())]
    Missing(PathBuf),
    #[error("{}: cannot read it: {}", .0.display(), .1)]
    Unreadable(PathBuf, String),
    #[error("{}: is a directory, not an image", .0.display())]
    Directory(PathBuf),
    #[error("{}: not a regular file (a pipe or device?)", .0.display())]
    NotAFile(PathBuf),
    #[error("{}: not a PNG, JPEG or WebP image (checked by content)", .0.display())]
    NotAnImage(PathBuf),
    /// An image the model's documented limits refuse.
    #[error("{}: {}", .path.display(), .violation)]
    Limit { path: PathBuf, violation: Violation },
    /// A file whose header passes but whose picture is not whole.
    #[error("{}: {}", .0.display(), .1)]
    Broken(PathBuf, Broken),
    #[error("the data: URL is not an image i2v sends: {0}")]
    BadDataUrl(BadDataUrl),
    #[error("the data: URL's image: {0}")]
    DataUrlLimit(Violation),
    #[error("the data: URL's image: {0}")]
    DataUrlBroken(Broken),
}

impl ImageError {
    /// What is wrong, without the path: for the image field, which shows the path already.
    pub fn reason(&self) -> String {
        match self {
            Self::Limit { violation, .. } => violation.to_string(),
            Self::Broken(_, broken) => broken.to_string(),
            other => other.to_string(),
        }
    }
}

impl LocalImage {
    /// Whether the model takes this image: by its documented first-frame limits, then
    /// whether the picture is whole (decoded in full: see [`crate::whole_image`]).
    pub fn check_limits(&self) -> Result<(), ImageError> {
        input_limits::check_image(self.format, self.size, self.width, self.height).map_err(
            |violation| ImageError::Limit {
                path: self.path.clone(),
                violation,
            },
        )?;
        let path = &self.path;
        let (file, meta) = open_regular(path)?;
        whole_image::check_file(path, &meta, || {
            let mut bytes = Vec::new();
            file.take(MAX_IMAGE_BYTES).read_to_end(&mut bytes)?;
            Ok(bytes)
        })
        .map_err(|failed| match failed {
            whole_image::CheckFailed::Read(e) => io_error(path, e),
            whole_image::CheckFailed::Broken(broken) => ImageError::Broken(path.clone(), broken),
        })
    }
}

/// Whether the model takes what a `data:` URL holds: its limits, then whether the picture is
/// whole. (`data:image/png;base64,iVBORw0KGgo=` is a PNG signature and nothing more.)
pub fn check_data_url(url: &str) -> Result<(), ImageError> {
    let data = DataUrl::parse(url, MAX_IMAGE_BYTES).map_err(ImageError::BadDataUrl)?;
    let Some((format, width, height)) = sniff(&data.bytes) else {
        let not_image = BadDataUrl::NotAnImage(data.bytes.len());
        return Err(ImageError::BadDataUrl(not_image));
    };
    input_limits::check_image(format, data.bytes.len() as u64, width, height)
        .map_err(ImageError::DataUrlLimit)?;
    whole_image::check_bytes(&data.bytes).map_err(ImageError::DataUrlBroken)
}

/// `path` opened for reading if it is a regular file, without waiting on a FIFO.
fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), ImageError> {
    let file = crate::local_file::open_nonblocking(path).map_err(|e| io_error(path, e))?;
    let meta = file.metadata().map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return Err(ImageError::Directory(path.to_owned()));
    }
    if !meta.is_file() {
        return Err(ImageError::NotAFile(path.to_owned()));
    }
    Ok((file, meta))
}

impl ImageRef {
    /// One line for the image field: name, type, size and dimensions, or that it is a URL.
    pub fn summary(&self) -> String {
        match self {
            Self::Url(url) if is_data_url(url) => match DataUrl::parse(url, MAX_IMAGE_BYTES) {
                Ok(data) => match sniff(&data.bytes) {
                    Some((format, width, height)) => format!(
                        "data: URL · {} · {} · {width}×{height}",
                        format.name(),
                        human_size(data.bytes.len() as u64)
                    ),
                    None => "data: URL · not an image".to_owned(),
                },
                Err(_) => "data: URL".to_owned(),
            },
            Self::Url(_) => "URL · passed to fal as is".to_owned(),
            Self::File(img) => format!(
                "{} · {} · {} · {}×{}",
                img.path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                img.format.name(),
                human_size(img.size),
                img.width,
                img.height
            ),
        }
    }
}

/// [`inspect`], then the model's limits for a local file or a `data:` URL (an http(s) URL
/// is looked at elsewhere: [`crate::remote_image`]).
pub fn inspect_within_limits(text: &str) -> Result<ImageRef, ImageError> {
    let image = inspect(text)?;
    match &image {
        ImageRef::File(local) => local.check_limits()?,
        ImageRef::Url(url) if is_data_url(url) => check_data_url(url)?,
        ImageRef::Url(_) => {}
    }
    Ok(image)
}

/// A `data:` URL, in any case.
pub fn is_data_url(text: &str) -> bool {
    text.get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
}

/// Checks what `text` names without reading more of a file than its header. Any size and
/// shape passes: the limits are [`LocalImage::check_limits`].
pub fn inspect(text: &str) -> Result<ImageRef, ImageError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ImageError::Empty);
    }
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("data:image/")
    {
        return Ok(ImageRef::Url(text.to_owned()));
    }
    if let Some((scheme, _)) = text.split_once("://")
        && scheme.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(ImageError::UnsupportedUrl(text.to_owned()));
    }
    let path = expand_home(text);
    let meta = std::fs::metadata(&path).map_err(|e| io_error(&path, e))?;
    if meta.is_dir() {
        return Err(ImageError::Directory(path));
    }
    // A FIFO or device would block the read forever (and the UI with it); so would one put
    // in the file's place after this look, which `open_regular` sees.
    let (file, meta) = open_regular(&path)?;
    let mut header = Vec::with_capacity(64 * 1024);
    file.take(64 * 1024)
        .read_to_end(&mut header)
        .map_err(|e| io_error(&path, e))?;
    let (format, width, height) =
        sniff(&header).ok_or_else(|| ImageError::NotAnImage(path.clone()))?;
    Ok(ImageRef::File(LocalImage {
        path,
        format,
        size: meta.len(),
        width,
        height,
    }))
}

/// Reads the whole file for upload, checking it is still the image `inspect` saw (it may
/// have changed since): same type, same size.
pub fn read(image: &LocalImage) -> Result<Vec<u8>, ImageError> {
    let (file, _) = open_regular(&image.path)?;
    let mut bytes = Vec::new();
    file.take(image.size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(&image.path, e))?;
    let still = sniff(&bytes).ok_or_else(|| ImageError::NotAnImage(image.path.clone()))?;
    if still.0 != image.format || bytes.len() as u64 != image.size {
        return Err(ImageError::Unreadable(
            image.path.clone(),
            "it changed since it was checked; submit it again".into(),
        ));
    }
    Ok(bytes)
}

fn sniff(header: &[u8]) -> Option<(ImageFormat, usize, usize)> {
    let format = sniff_format(header)?;
    let size = imagesize::blob_size(header).ok()?;
    Some((format, size.width, size.height))
}

/// `~/…` made absolute with `$HOME`; anything else as it is.
pub fn expand_home(text: &str) -> PathBuf {
    match (text.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(text),
    }
}

fn io_error(path: &Path, err: std::io::Error) -> ImageError {
    match err.kind() {
        std::io::ErrorKind::NotFound => ImageError::Missing(path.to_owned()),
        _ => ImageError::Unreadable(path.to_owned(), err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_format::is_video;

    fn fixture(name: &str) -> String {
        format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn urls_pass_through() {
        assert_eq!(
            inspect(" https://example.com/a.png "),
            Ok(ImageRef::Url("https://example.com/a.png".into()))
        );
        assert!(matches!(
            inspect("ftp://x/y.png"),
            Err(ImageError::UnsupportedUrl(_))
        ));
        assert_eq!(inspect("   "), Err(ImageError::Empty));
    }

    #[test]
    fn recognises_formats_by_content() {
        for (name, format) in [
            ("frame.png", ImageFormat::Png),
            ("frame.jpg", ImageFormat::Jpeg),
            ("frame.webp", ImageFormat::Webp),
        ] {
            let ImageRef::File(img) = inspect(&fixture(name)).unwrap() else {
                panic!("{name} is a file");
            };
            assert_eq!(img.format, format, "{name}");
            assert_eq!((img.width, img.height), (400, 300), "{name}");
            assert_eq!(img.check_limits(), Ok(()), "{name}");
        }
    }

    #[test]
    fn content_wins_over_name() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("photo.png");
        std::fs::write(&fake, b"this is text, not a picture").unwrap();
        assert_eq!(
            inspect(fake.to_str().unwrap()),
            Err(ImageError::NotAnImage(fake.clone()))
        );
        let renamed = dir.path().join("picture.txt");
        std::fs::copy(fixture("frame.jpg"), &renamed).unwrap();
        assert!(
            matches!(inspect(renamed.to_str().unwrap()), Ok(ImageRef::File(img)) if img.format == ImageFormat::Jpeg)
        );
    }

    #[test]
    fn errors_name_the_path() {
        let err = inspect("/no/such/image.png").unwrap_err();
        assert_eq!(err.to_string(), "/no/such/image.png: no such file");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.png");
        std::fs::copy(fixture("frame.png"), &big).unwrap();
        let file = std::fs::OpenOptions::new().write(true).open(&big).unwrap();
        file.set_len(MAX_IMAGE_BYTES).unwrap();
        let msg = inspect_within_limits(big.to_str().unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("big.png") && msg.contains("too large") && msg.contains("under 20.0 MB"),
            "{msg}"
        );
    }

    #[test]
    fn limits_refuse_with_the_limit_named_and_inspect_alone_does_not() {
        for (name, limit) in [
            ("too-small.png", "at least 300 px"),
            ("too-wide.png", "between 2:5 and 5:2"),
        ] {
            let path = fixture(name);
            assert!(inspect(&path).is_ok(), "{name}: only the limits refuse it");
            let err = inspect_within_limits(&path).unwrap_err();
            assert!(matches!(err, ImageError::Limit { .. }), "{name}: {err:?}");
            let msg = err.to_string();
            assert!(msg.contains(name) && msg.contains(limit), "{msg}");
        }
        assert_eq!(
            inspect_within_limits(" https://example.com/a.png"),
            Ok(ImageRef::Url("https://example.com/a.png".into())),
            "URLs are checked elsewhere"
        );
    }

    #[test]
    fn read_notices_a_file_that_changed_after_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("frame.png");
        std::fs::copy(fixture("frame.png"), &path).unwrap();
        let ImageRef::File(img) = inspect(path.to_str().unwrap()).unwrap() else {
            panic!("a file");
        };
        assert_eq!(read(&img).unwrap().len() as u64, img.size);
        std::fs::copy(fixture("frame.jpg"), &path).unwrap();
        assert!(matches!(read(&img), Err(ImageError::Unreadable(..))));
    }

    #[cfg(unix)]
    #[test]
    fn pipes_and_devices_are_refused_without_reading_them() {
        assert_eq!(
            inspect("/dev/zero"),
            Err(ImageError::NotAFile(PathBuf::from("/dev/zero")))
        );
    }

    #[test]
    fn an_mp4_is_a_video_and_heif_and_avif_stay_images() {
        let mp4 = b"\0\0\0\x1cftypisom\0\0\x02\0isomiso2mp41\0\0\0\x08free";
        assert_eq!(sniff_format(mp4), Some(ImageFormat::Mp4));
        let mov = b"\0\0\0\x14ftypqt  \0\0\0\0qt  ";
        assert_eq!(sniff_format(mov), Some(ImageFormat::Mp4));
        assert!(!is_video(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"));
        assert!(!is_video(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf"));
        assert!(!is_video(b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic"));
        assert!(!is_video(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"));
        assert_eq!(
            input_limits::check_known(ImageFormat::Mp4, None, None)
                .unwrap_err()
                .to_string(),
            "MP4 video is not a type the model takes (JPEG, PNG or WebP)"
        );
    }

    #[test]
    fn summary_is_one_line() {
        let img = inspect(&fixture("frame.png")).unwrap();
        assert_eq!(img.summary(), "frame.png · PNG · 919 B · 400×300");
    }
}
