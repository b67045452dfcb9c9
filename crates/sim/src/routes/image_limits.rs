//! The model's documented first-frame limits, enforced on images in the sim's own storage the
//! way fal would refuse them: a 422 naming `image_url`. Images elsewhere cannot be looked at
//! and pass.

use serde_json::Value;

use crate::storage::Storage;
use crate::wire::field_error;

const MAX_BYTES: usize = 20 * 1024 * 1024;
const MIN_SHORT_SIDE: usize = 300;

/// The 422 entry for an uploaded image outside the limits, if `image_url` is one.
pub(crate) fn check(storage: &Storage, image_url: &str) -> Option<Value> {
    let token = image_url
        .split_once("/files/uploads/")
        .and_then(|(_, rest)| rest.split('/').next())?;
    let data = storage.get(token)?.data?;
    let (msg, kind) = problem(&data)?;
    Some(field_error(&["body", "image_url"], &msg, kind))
}

fn problem(data: &[u8]) -> Option<(String, &'static str)> {
    use imagesize::ImageType;
    let accepted = matches!(
        imagesize::image_type(data),
        Ok(ImageType::Png | ImageType::Jpeg | ImageType::Webp)
    );
    if !accepted {
        return Some((
            "Unsupported image format: use JPG, JPEG, PNG or WebP".into(),
            "image_format",
        ));
    }
    if data.len() >= MAX_BYTES {
        return Some((
            "Image file must be smaller than 20MB".into(),
            "image_too_large",
        ));
    }
    let Ok(size) = imagesize::blob_size(data) else {
        return Some(("Could not read the image".into(), "image_invalid"));
    };
    let (long, short) = (size.width.max(size.height), size.width.min(size.height));
    if short < MIN_SHORT_SIDE {
        return Some((
            format!(
                "Image is {}x{}: its short side must be at least {MIN_SHORT_SIDE} pixels",
                size.width, size.height
            ),
            "image_too_small",
        ));
    }
    if long * 2 > short * 5 {
        return Some((
            format!(
                "Image is {}x{}: its aspect ratio must be between 2:5 and 5:2",
                size.width, size.height
            ),
            "image_aspect_ratio",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).unwrap()
    }

    #[test]
    fn each_limit_has_its_own_type() {
        let kind = |name: &str| problem(&fixture(name)).map(|(_, kind)| kind);
        assert_eq!(kind("frame.png"), None);
        assert_eq!(kind("frame.jpg"), None);
        assert_eq!(kind("frame.webp"), None);
        assert_eq!(kind("too-small.png"), Some("image_too_small"));
        assert_eq!(kind("too-wide.png"), Some("image_aspect_ratio"));
        assert_eq!(kind("not-an-image.png"), Some("image_format"));
        let mut big = fixture("frame.png");
        big.resize(MAX_BYTES, 0);
        assert_eq!(problem(&big).map(|(_, k)| k), Some("image_too_large"));
    }
}
