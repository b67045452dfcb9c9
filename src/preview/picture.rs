//! A picture made for the terminal at one size in cells, and drawn centred in its area.
//! Making it (resizing, encoding sixel or kitty data) costs milliseconds and belongs off the
//! UI task; drawing it is a copy into the frame's buffer.

use image::{DynamicImage, RgbImage, imageops::FilterType};
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::widgets::Widget;
use ratatui_image::protocol::Protocol;
use ratatui_image::protocol::halfblocks::Halfblocks;
use ratatui_image::{Image, Resize};

use super::colors::Colors;
use super::graphics::Graphics;

#[derive(Clone)]
pub struct Picture {
    protocol: Protocol,
    colors: Colors,
}

impl Picture {
    /// `image` made to fit in `cells`, aspect kept, with `graphics`; `None` when pictures are
    /// off, the area is empty or the terminal's encoder failed.
    pub fn new(graphics: &Graphics, image: &RgbImage, cells: Size) -> Option<Picture> {
        if cells.width == 0 || cells.height == 0 || image.width() == 0 || image.height() == 0 {
            return None;
        }
        match graphics {
            Graphics::Off => None,
            Graphics::Halfblocks(colors) => Some(Picture::halfblocks(image, cells, *colors)),
            Graphics::Pixels(picker, colors) => {
                let pixels = DynamicImage::ImageRgb8(image.clone());
                let resize = Resize::Fit(Some(FilterType::Triangle));
                match picker.new_protocol(pixels, cells, resize) {
                    Ok(protocol) => Some(Picture {
                        protocol,
                        colors: *colors,
                    }),
                    Err(err) => {
                        tracing::warn!(error = %err, "could not encode a picture; halfblocks instead");
                        Some(Picture::halfblocks(image, cells, *colors))
                    }
                }
            }
        }
    }

    /// Halfblocks: each cell shows two pixels, one above the other, so `image` is fitted to
    /// `cells.width` × `2 × cells.height` pixels. An image already that size (the player makes
    /// its frames so) is used as it is.
    pub fn halfblocks(image: &RgbImage, cells: Size, colors: Colors) -> Picture {
        let (width, height) = halfblock_pixels(image.width(), image.height(), cells);
        let image = if image.dimensions() == (width, height) {
            image.clone()
        } else {
            image::imageops::resize(image, width, height, FilterType::Triangle)
        };
        let size = Size::new(width as u16, (height / 2) as u16);
        // `Halfblocks::new` cannot fail (it returns a Result for its chafa variant).
        let protocol = match Halfblocks::new(DynamicImage::ImageRgb8(image), size) {
            Ok(blocks) => Protocol::Halfblocks(blocks),
            Err(_) => Protocol::Halfblocks(Halfblocks::default()),
        };
        Picture { protocol, colors }
    }

    /// The cells it covers.
    pub fn size(&self) -> Size {
        self.protocol.size()
    }
}

/// The pixel size, even in height, that fits a `width`×`height` picture in `cells` of
/// halfblocks, aspect kept (cells are about twice as tall as wide, so a halfblock pixel is
/// about square). Small pictures are enlarged: halfblocks are coarse anyway.
pub fn halfblock_pixels(width: u32, height: u32, cells: Size) -> (u32, u32) {
    let (max_w, max_h) = (u32::from(cells.width), u32::from(cells.height) * 2);
    if width == 0 || height == 0 || max_w == 0 || max_h == 0 {
        return (max_w.max(1), 2);
    }
    let scale = (f64::from(max_w) / f64::from(width)).min(f64::from(max_h) / f64::from(height));
    let w = ((f64::from(width) * scale).round() as u32).clamp(1, max_w);
    let h = ((f64::from(height) * scale).round() as u32).clamp(2, max_h);
    (w, h & !1)
}

impl Widget for &Picture {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let size = self.size();
        let width = size.width.min(area.width);
        let height = size.height.min(area.height);
        let at = Rect::new(
            area.x + (area.width - width) / 2,
            area.y + (area.height - height) / 2,
            width,
            height,
        );
        Image::new(&self.protocol)
            .allow_clipping(true)
            .render(at, buf);
        // Kitty carries its image id in the cells' colours: only halfblocks are recoloured.
        if matches!(self.protocol, Protocol::Halfblocks(_)) {
            self.colors.apply(at, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use image::Rgb;
    use ratatui::style::Color;

    use super::*;

    /// Red above, blue below.
    fn two_tone(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |_, y| {
            if y < height / 2 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        })
    }

    #[test]
    fn halfblock_sizes_keep_the_aspect_in_even_pixel_rows() {
        assert_eq!(halfblock_pixels(1920, 1080, Size::new(160, 48)), (160, 90));
        assert_eq!(halfblock_pixels(1920, 1080, Size::new(40, 48)), (40, 22));
        assert_eq!(halfblock_pixels(400, 300, Size::new(20, 5)), (13, 10));
        assert_eq!(halfblock_pixels(64, 36, Size::new(160, 48)), (160, 90));
    }

    #[test]
    fn halfblocks_fill_the_area_centred_with_the_picture_colours() {
        let picture = Picture::halfblocks(&two_tone(40, 40), Size::new(10, 5), Colors::TrueColor);
        assert_eq!(picture.size(), Size::new(10, 5));
        let area = Rect::new(0, 0, 20, 5);
        let mut buf = Buffer::empty(area);
        (&picture).render(area, &mut buf);
        // Centred: five blank columns either side.
        assert_eq!(buf[(4, 0)].symbol(), " ");
        assert_eq!(buf[(4, 0)].bg, Color::Reset);
        let top = &buf[(10, 0)];
        let bottom = &buf[(10, 4)];
        assert!([top.fg, top.bg].contains(&Color::Rgb(255, 0, 0)), "{top:?}");
        assert!(
            [bottom.fg, bottom.bg].contains(&Color::Rgb(0, 0, 255)),
            "{bottom:?}"
        );
    }

    #[test]
    fn without_truecolor_the_palette_is_used() {
        let picture = Picture::halfblocks(&two_tone(8, 8), Size::new(4, 2), Colors::Ansi256);
        let area = Rect::new(0, 0, 4, 2);
        let mut buf = Buffer::empty(area);
        (&picture).render(area, &mut buf);
        for cell in buf.content() {
            assert!(
                matches!(cell.fg, Color::Indexed(_)) && matches!(cell.bg, Color::Indexed(_)),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn nothing_when_off_or_empty() {
        let image = two_tone(8, 8);
        assert!(Picture::new(&Graphics::Off, &image, Size::new(4, 2)).is_none());
        let half = Graphics::Halfblocks(Colors::TrueColor);
        assert!(Picture::new(&half, &image, Size::new(0, 2)).is_none());
        assert!(Picture::new(&half, &RgbImage::new(0, 0), Size::new(4, 2)).is_none());
        assert!(Picture::new(&half, &image, Size::new(4, 2)).is_some());
    }

    #[test]
    fn a_small_area_clips_rather_than_draws_outside() {
        let picture = Picture::halfblocks(&two_tone(40, 40), Size::new(10, 5), Colors::TrueColor);
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 3));
        (&picture).render(Rect::new(0, 0, 6, 3), &mut buf);
        assert_eq!(buf.area, Rect::new(0, 0, 6, 3));
    }
}
