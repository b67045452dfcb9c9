//! Pictures made small straight from the decoder's YUV planes: each output pixel is the mean
//! of the box of source pixels it covers. Playback shows a 1080p video in a terminal a few
//! hundred pixels wide; converting all two million pixels to RGB and then filtering them down
//! would cost more than decoding the frame, while this reads each source byte once.

use image::RgbImage;
use openh264::formats::YUVSource;

/// The largest size with the picture's aspect ratio that fits in `max_width`×`max_height`,
/// never larger than the picture itself, never empty.
pub fn fit(width: u32, height: u32, max_width: u32, max_height: u32) -> (u32, u32) {
    if width == 0 || height == 0 {
        return (1, 1);
    }
    let scale = (f64::from(max_width.max(1)) / f64::from(width))
        .min(f64::from(max_height.max(1)) / f64::from(height))
        .min(1.0);
    (
        ((f64::from(width) * scale).round() as u32).clamp(1, width),
        ((f64::from(height) * scale).round() as u32).clamp(1, height),
    )
}

/// A 4:2:0 picture boxed down to fit in `max_width`×`max_height` (aspect kept), as RGB.
pub fn yuv_to_small_rgb(yuv: &impl YUVSource, max_width: u32, max_height: u32) -> RgbImage {
    let (width, height) = yuv.dimensions();
    let (out_w, out_h) = fit(width as u32, height as u32, max_width, max_height);
    let (out_w, out_h) = (out_w as usize, out_h as usize);
    let (y_stride, u_stride, v_stride) = yuv.strides();
    let (chroma_w, chroma_h) = (width.div_ceil(2), height.div_ceil(2));

    let luma = boxes(width, out_w);
    let luma_rows = boxes(height, out_h);
    let chroma = boxes(chroma_w, out_w);
    let chroma_rows = boxes(chroma_h, out_h);

    let mut out = RgbImage::new(out_w as u32, out_h as u32);
    let mut y_sums = vec![0u32; width];
    let mut u_sums = vec![0u32; chroma_w];
    let mut v_sums = vec![0u32; chroma_w];
    let (y_plane, u_plane, v_plane) = (yuv.y(), yuv.u(), yuv.v());
    for (row, pixels) in out.as_mut().chunks_exact_mut(out_w * 3).enumerate() {
        let (y0, y1) = luma_rows[row];
        let (c0, c1) = chroma_rows[row];
        column_sums(y_plane, y_stride, width, y0, y1, &mut y_sums);
        column_sums(u_plane, u_stride, chroma_w, c0, c1, &mut u_sums);
        column_sums(v_plane, v_stride, chroma_w, c0, c1, &mut v_sums);
        let (y_rows, c_rows) = ((y1 - y0) as u32, (c1 - c0) as u32);
        for (col, pixel) in pixels.chunks_exact_mut(3).enumerate() {
            let y = mean(&y_sums, luma[col], y_rows);
            let u = mean(&u_sums, chroma[col], c_rows);
            let v = mean(&v_sums, chroma[col], c_rows);
            pixel.copy_from_slice(&rgb(y, u, v));
        }
    }
    out
}

/// For each of `out` cells, the span `[start, end)` of the `len` source cells it covers
/// (never empty, so every output pixel has something to average).
fn boxes(len: usize, out: usize) -> Vec<(usize, usize)> {
    (0..out)
        .map(|i| {
            let start = i * len / out;
            let end = ((i + 1) * len / out).max(start + 1).min(len);
            (start.min(len.saturating_sub(1)), end)
        })
        .collect()
}

/// Adds rows `y0..y1` of a plane, column by column, into `sums` (cleared first).
fn column_sums(plane: &[u8], stride: usize, width: usize, y0: usize, y1: usize, sums: &mut [u32]) {
    sums.fill(0);
    for y in y0..y1 {
        let Some(row) = plane.get(y * stride..y * stride + width) else {
            break;
        };
        for (sum, &value) in sums.iter_mut().zip(row) {
            *sum += u32::from(value);
        }
    }
}

fn mean(sums: &[u32], (x0, x1): (usize, usize), rows: u32) -> f32 {
    let total: u32 = sums[x0..x1].iter().sum();
    let count = (x1 - x0) as u32 * rows.max(1);
    total as f32 / count.max(1) as f32
}

/// Limited-range BT.601, the same constants as openh264's own conversion, so a picture made
/// small here has the colours of the same frame converted whole.
fn rgb(y: f32, u: f32, v: f32) -> [u8; 3] {
    const Y_MUL: f32 = 255.0 / 219.0;
    const RV_MUL: f32 = 255.0 / 224.0 * 1.402;
    const GV_MUL: f32 = -255.0 / 224.0 * 1.402 * 0.299 / 0.687;
    const GU_MUL: f32 = -255.0 / 224.0 * 1.772 * 0.114 / 0.587;
    const BU_MUL: f32 = 255.0 / 224.0 * 1.772;
    let y = Y_MUL * (y - 16.0);
    let (u, v) = (u - 128.0, v - 128.0);
    // `as u8` saturates, like openh264's.
    [
        RV_MUL.mul_add(v, y) as u8,
        GV_MUL.mul_add(v, GU_MUL.mul_add(u, y)) as u8,
        BU_MUL.mul_add(u, y) as u8,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flat 4:2:0 picture of one colour.
    struct Flat {
        size: (usize, usize),
        y: Vec<u8>,
        u: Vec<u8>,
        v: Vec<u8>,
    }

    impl Flat {
        fn new(width: usize, height: usize, [y, u, v]: [u8; 3]) -> Flat {
            let chroma = width.div_ceil(2) * height.div_ceil(2);
            Flat {
                size: (width, height),
                y: vec![y; width * height],
                u: vec![u; chroma],
                v: vec![v; chroma],
            }
        }
    }

    impl YUVSource for Flat {
        fn dimensions(&self) -> (usize, usize) {
            self.size
        }
        fn strides(&self) -> (usize, usize, usize) {
            let chroma = self.size.0.div_ceil(2);
            (self.size.0, chroma, chroma)
        }
        fn y(&self) -> &[u8] {
            &self.y
        }
        fn u(&self) -> &[u8] {
            &self.u
        }
        fn v(&self) -> &[u8] {
            &self.v
        }
    }

    #[test]
    fn fits_inside_keeping_the_aspect_and_never_grows() {
        assert_eq!(fit(1920, 1080, 160, 96), (160, 90));
        assert_eq!(fit(1920, 1080, 480, 96), (171, 96));
        assert_eq!(fit(320, 180, 1000, 1000), (320, 180));
        assert_eq!(fit(1920, 1080, 0, 0), (1, 1));
        assert_eq!(fit(0, 0, 10, 10), (1, 1));
    }

    #[test]
    fn a_flat_colour_stays_that_colour() {
        // Pure red in limited-range BT.601 (openh264's constants make it a little orange).
        let red = Flat::new(64, 36, [81, 90, 240]);
        let small = yuv_to_small_rgb(&red, 7, 7);
        assert_eq!(small.dimensions(), (7, 4));
        for pixel in small.pixels() {
            let [r, g, b] = pixel.0;
            assert!(r > 250 && g < 20 && b < 5, "{:?}", pixel.0);
        }
    }

    #[test]
    fn each_side_averages_its_own_half() {
        // Left half black, right half white, boxed down to two pixels.
        let mut picture = Flat::new(8, 4, [16, 128, 128]);
        for row in picture.y.chunks_exact_mut(8) {
            row[4..].fill(235);
        }
        let small = yuv_to_small_rgb(&picture, 2, 1);
        assert_eq!(small.dimensions(), (2, 1));
        assert_eq!(small.get_pixel(0, 0).0, [0, 0, 0]);
        assert_eq!(small.get_pixel(1, 0).0, [255, 255, 255]);
    }

    #[test]
    fn odd_sizes_cover_every_source_pixel() {
        assert_eq!(boxes(5, 2), vec![(0, 2), (2, 5)]);
        assert_eq!(boxes(3, 3), vec![(0, 1), (1, 2), (2, 3)]);
        let picture = Flat::new(5, 3, [126, 128, 128]);
        let small = yuv_to_small_rgb(&picture, 5, 3);
        assert_eq!(small.dimensions(), (5, 3));
    }
}
