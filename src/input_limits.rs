//! The model's documented limits on its inputs, checked before anything is uploaded or paid
//! for. MiniMax documents them for the first frame and fal forwards the image as is, so an
//! image outside them costs an upload and a submit only to be refused (or billed and failed).
//! `i2v submit --no-check` and a confirm in the workbench send it anyway.

use thiserror::Error;

use crate::byte_size::human_size;
use crate::image_format::ImageFormat;

/// Images must be smaller than this.
pub const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;
/// Pixels on the image's shorter side, at least.
pub const MIN_SHORT_SIDE: usize = 300;
/// The widest image is 5:2, the tallest 2:5.
const MAX_ASPECT: (usize, usize) = (5, 2);
/// Longer prompts are documented as refused; only a warning, since fal's page does not say.
pub const MAX_PROMPT_CHARS: usize = 2000;

/// One limit an image breaks; the message names the limit.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum Violation {
    #[error("{0} is not a type the model takes (JPEG, PNG or WebP)")]
    Type(&'static str),
    /// A URL whose content is no image at all; holds what the host said it was.
    #[error("not an image (the host sent {0})")]
    NotAnImage(String),
    #[error(
        "{} is too large: the model takes images under {}",
        human_size(*.0),
        human_size(MAX_IMAGE_BYTES)
    )]
    Size(u64),
    #[error("{0}×{1} is too small: the short side must be at least {MIN_SHORT_SIDE} px")]
    ShortSide(usize, usize),
    #[error("{0}×{1} is too {shape}: the aspect ratio must be between 2:5 and 5:2", shape = if .0 > .1 { "wide" } else { "tall" })]
    Aspect(usize, usize),
}

/// The first limit a first frame of this type, size (bytes) and shape breaks.
pub fn check_image(
    format: ImageFormat,
    size: u64,
    width: usize,
    height: usize,
) -> Result<(), Violation> {
    check_known(format, Some(size), Some((width, height)))
}

/// [`check_image`] for what is known of an image elsewhere (a URL): an unknown size or shape
/// passes.
pub fn check_known(
    format: ImageFormat,
    size: Option<u64>,
    dimensions: Option<(usize, usize)>,
) -> Result<(), Violation> {
    if !format.is_accepted() {
        return Err(Violation::Type(format.name()));
    }
    if let Some(size) = size.filter(|&s| s >= MAX_IMAGE_BYTES) {
        return Err(Violation::Size(size));
    }
    let Some((width, height)) = dimensions else {
        return Ok(());
    };
    let (long, short) = (width.max(height), width.min(height));
    if short < MIN_SHORT_SIDE {
        return Err(Violation::ShortSide(width, height));
    }
    // long / short ≤ 5 / 2, in integers.
    if long.saturating_mul(MAX_ASPECT.1) > short.saturating_mul(MAX_ASPECT.0) {
        return Err(Violation::Aspect(width, height));
    }
    Ok(())
}

/// What to tell the user about a prompt longer than the model takes, if it is.
pub fn prompt_warning(prompt: &str) -> Option<String> {
    let chars = prompt.chars().count();
    (chars > MAX_PROMPT_CHARS).then(|| {
        format!(
            "the prompt is {chars} characters; the model documents at most {MAX_PROMPT_CHARS}, so fal may refuse it or cut it"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: ImageFormat = ImageFormat::Png;

    #[test]
    fn limits_are_inclusive_where_documented() {
        assert_eq!(check_image(PNG, 1000, 300, 300), Ok(()));
        assert_eq!(check_image(PNG, 1000, 750, 300), Ok(()), "exactly 5:2");
        assert_eq!(check_image(PNG, 1000, 300, 750), Ok(()), "exactly 2:5");
        assert_eq!(
            check_image(PNG, 1000, 751, 300),
            Err(Violation::Aspect(751, 300))
        );
        assert_eq!(
            check_image(PNG, 1000, 300, 751),
            Err(Violation::Aspect(300, 751))
        );
        assert_eq!(
            check_image(PNG, 1000, 400, 299),
            Err(Violation::ShortSide(400, 299))
        );
        assert_eq!(check_image(PNG, MAX_IMAGE_BYTES - 1, 300, 300), Ok(()));
        assert_eq!(
            check_image(PNG, MAX_IMAGE_BYTES, 300, 300),
            Err(Violation::Size(MAX_IMAGE_BYTES))
        );
        assert_eq!(
            check_image(ImageFormat::Gif, 1000, 300, 300),
            Err(Violation::Type("GIF"))
        );
    }

    #[test]
    fn messages_name_the_limit() {
        let text = |v: Violation| v.to_string();
        assert!(text(Violation::ShortSide(64, 48)).contains("at least 300 px"));
        assert!(text(Violation::Aspect(800, 300)).contains("too wide"));
        assert!(text(Violation::Aspect(300, 800)).contains("too tall"));
        assert!(text(Violation::Aspect(800, 300)).contains("between 2:5 and 5:2"));
        assert!(text(Violation::Size(30 << 20)).contains("under 20.0 MB"));
        assert!(text(Violation::Type("GIF")).contains("JPEG, PNG or WebP"));
    }

    #[test]
    fn prompt_warning_above_the_documented_length() {
        assert_eq!(prompt_warning(&"é".repeat(MAX_PROMPT_CHARS)), None);
        let warning = prompt_warning(&"a".repeat(MAX_PROMPT_CHARS + 1)).unwrap();
        assert!(
            warning.contains("2001") && warning.contains("2000"),
            "{warning}"
        );
    }
}
