//! A frame's pictures thinned for the link, just before ratatui writes what changed: a
//! picture cell whose colours moved too little to see keeps what the terminal shows (so it
//! is not written at all), and pictures' 24-bit colours become the 256-colour palette
//! (shorter escapes, and neighbouring shades fall on one entry). Only picture cells
//! (halfblocks, `▀`) are touched: text and the theme's colours are written as drawn.

use ratatui::buffer::{Buffer, Cell};
use ratatui::style::Color;

use super::pace::Thinning;

/// The halfblock that pictures are drawn with: the upper pixel in the foreground colour, the
/// lower in the background.
const HALFBLOCK: &str = "▀";

/// Remembers the pictures as last written, to tell which changes are visible.
#[derive(Debug, Default)]
pub struct Thinner {
    /// The last frame as written, before its colours went to the palette.
    shown: Buffer,
}

impl Thinner {
    pub fn new() -> Thinner {
        Thinner::default()
    }

    /// Thins `frame` (drawn, not yet written) as `thinning` says.
    pub fn apply(&mut self, frame: &mut Buffer, thinning: Thinning) {
        if thinning.tolerance > 0 && self.shown.area == frame.area {
            for (cell, shown) in frame.content.iter_mut().zip(&self.shown.content) {
                if cell.symbol() == HALFBLOCK
                    && shown.symbol() == HALFBLOCK
                    && close(cell.fg, shown.fg, thinning.tolerance)
                    && close(cell.bg, shown.bg, thinning.tolerance)
                {
                    cell.fg = shown.fg;
                    cell.bg = shown.bg;
                }
            }
        }
        self.shown.area = frame.area;
        self.shown.content.clone_from(&frame.content);
        if thinning.palette {
            for cell in frame.content.iter_mut() {
                if cell.symbol() == HALFBLOCK {
                    to_palette(cell);
                }
            }
        }
    }

    /// The terminal was cleared (resized, back from the editor): nothing is shown.
    pub fn forget(&mut self) {
        self.shown = Buffer::default();
    }
}

fn close(a: Color, b: Color, tolerance: u16) -> bool {
    match (a, b) {
        (Color::Rgb(r1, g1, b1), Color::Rgb(r2, g2, b2)) => {
            let d = u16::from(r1.abs_diff(r2))
                + u16::from(g1.abs_diff(g2))
                + u16::from(b1.abs_diff(b2));
            d <= tolerance
        }
        _ => a == b,
    }
}

fn to_palette(cell: &mut Cell) {
    for color in [&mut cell.fg, &mut cell.bg] {
        if let Color::Rgb(r, g, b) = *color {
            *color = Color::Indexed(ansi_colours::ansi256_from_rgb((r, g, b)));
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::layout::Rect;

    use super::*;
    use crate::tty::pace::LADDER;

    fn picture(colors: &[(u8, u8, u8)]) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, colors.len() as u16, 1));
        for (x, &(r, g, b)) in colors.iter().enumerate() {
            buf[(x as u16, 0)]
                .set_symbol(HALFBLOCK)
                .set_fg(Color::Rgb(r, g, b))
                .set_bg(Color::Rgb(b, g, r));
        }
        buf
    }

    #[test]
    fn full_thinning_leaves_every_change() {
        let mut thinner = Thinner::new();
        thinner.apply(&mut picture(&[(10, 10, 10)]), Thinning::FULL);
        let mut next = picture(&[(11, 10, 10)]);
        thinner.apply(&mut next, Thinning::FULL);
        assert_eq!(next, picture(&[(11, 10, 10)]));
    }

    #[test]
    fn changes_too_small_to_see_keep_what_is_shown_and_add_up() {
        let fine = LADDER[1];
        let mut thinner = Thinner::new();
        thinner.apply(&mut picture(&[(100, 100, 100), (0, 0, 0)]), fine);
        let mut next = picture(&[(110, 105, 100), (200, 0, 0)]);
        thinner.apply(&mut next, fine);
        assert_eq!(
            next,
            picture(&[(100, 100, 100), (200, 0, 0)]),
            "the small change is not written, the large one is"
        );
        // Small steps the same way: once far enough from what is shown, written.
        let mut next = picture(&[(120, 110, 100), (200, 0, 0)]);
        thinner.apply(&mut next, fine);
        assert_eq!(next, picture(&[(120, 110, 100), (200, 0, 0)]));
    }

    #[test]
    fn the_palette_for_pictures_only() {
        let mut buf = picture(&[(255, 0, 0)]);
        let mut text = Buffer::empty(Rect::new(0, 0, 1, 1));
        text[(0, 0)].set_symbol("a").set_fg(Color::Rgb(255, 0, 0));
        let mut thinner = Thinner::new();
        thinner.apply(&mut buf, LADDER[2]);
        assert_eq!(buf[(0, 0)].fg, Color::Indexed(196));
        thinner.apply(&mut text, LADDER[2]);
        assert_eq!(text[(0, 0)].fg, Color::Rgb(255, 0, 0));
    }

    #[test]
    fn a_resized_or_forgotten_screen_is_written_whole() {
        let fine = LADDER[1];
        let mut thinner = Thinner::new();
        thinner.apply(&mut picture(&[(100, 100, 100)]), fine);
        thinner.forget();
        let mut next = picture(&[(101, 100, 100)]);
        thinner.apply(&mut next, fine);
        assert_eq!(next, picture(&[(101, 100, 100)]));
        let mut wider = picture(&[(100, 100, 100), (1, 1, 1)]);
        thinner.apply(&mut wider, fine);
        assert_eq!(wider, picture(&[(100, 100, 100), (1, 1, 1)]));
    }
}
