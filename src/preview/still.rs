//! Still pictures as views keep them: the decoded image, and its encoding for the size it
//! was last drawn at. Encoding (a resize; sixel or kitty data) happens only when that size
//! changes, so a view redrawn for any other reason copies cells and nothing more.
//!
//! [`strip`] draws a job's three frames side by side, each with a caption: the detail view
//! uses it, and so can a view comparing two jobs.

use std::sync::Arc;

use image::RgbImage;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect, Size};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;

use super::graphics::Graphics;
use super::picture::Picture;

pub struct Still {
    image: Arc<RgbImage>,
    /// The size it was last encoded for, and the result (`None`: nothing to draw there).
    drawn: Option<(Size, Option<Picture>)>,
}

impl std::fmt::Debug for Still {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Still({}x{})", self.image.width(), self.image.height())
    }
}

impl Still {
    pub fn new(image: Arc<RgbImage>) -> Still {
        Still { image, drawn: None }
    }

    pub fn image(&self) -> &Arc<RgbImage> {
        &self.image
    }

    /// Draws the picture centred in `area`, encoding it first if `area` changed size.
    pub fn render(&mut self, graphics: &Graphics, area: Rect, buf: &mut Buffer) {
        let size = area.as_size();
        let stale = self.drawn.as_ref().is_none_or(|(at, _)| *at != size);
        if stale {
            self.drawn = Some((size, Picture::new(graphics, &self.image, size)));
        }
        if let Some((_, Some(picture))) = &self.drawn {
            picture.render(area, buf);
        }
    }
}

/// Three stills side by side in `area`, one column apart, each over its caption.
pub fn strip(
    stills: &mut [Still],
    captions: &[String],
    graphics: &Graphics,
    caption_style: Style,
    area: Rect,
    buf: &mut Buffer,
) {
    if stills.is_empty() || area.height < 2 {
        return;
    }
    let columns = Layout::horizontal((0..stills.len()).map(|_| Constraint::Fill(1)))
        .spacing(1)
        .split(area);
    for (i, (still, column)) in stills.iter_mut().zip(columns.iter()).enumerate() {
        let [picture, caption] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(*column);
        still.render(graphics, picture, buf);
        if let Some(text) = captions.get(i) {
            Line::styled(text.as_str(), caption_style)
                .centered()
                .render(caption, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use image::Rgb;
    use ratatui::style::Color;

    use super::*;
    use crate::preview::Colors;

    fn flat(rgb: [u8; 3]) -> Arc<RgbImage> {
        Arc::new(RgbImage::from_pixel(64, 36, Rgb(rgb)))
    }

    #[test]
    fn three_frames_side_by_side_with_captions() {
        let graphics = Graphics::Halfblocks(Colors::TrueColor);
        let mut stills = [
            Still::new(flat([255, 0, 0])),
            Still::new(flat([0, 255, 0])),
            Still::new(flat([0, 0, 255])),
        ];
        let captions = ["first".to_owned(), "middle".to_owned(), "last".to_owned()];
        let area = Rect::new(0, 0, 32, 6);
        let mut buf = Buffer::empty(area);
        strip(
            &mut stills,
            &captions,
            &graphics,
            Style::default(),
            area,
            &mut buf,
        );
        let row: String = (0..32).map(|x| buf[(x, 5)].symbol().to_owned()).collect();
        assert_eq!(row, "  first      middle      last   ");
        // Each column shows its own colour in its middle.
        for (x, colour) in [(5, (255, 0, 0)), (16, (0, 255, 0)), (27, (0, 0, 255))] {
            let cell = &buf[(x, 2)];
            let rgb = Color::Rgb(colour.0, colour.1, colour.2);
            assert!(cell.fg == rgb || cell.bg == rgb, "column at {x}: {cell:?}");
        }
    }
}
