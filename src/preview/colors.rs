//! How many colours the terminal shows. Pictures are made in 24-bit colour; a terminal
//! without it would map each escape to a palette entry of its own choosing (or show garbage),
//! so there they are brought down to the xterm 256-colour palette first.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colors {
    /// 24-bit colour (`COLORTERM=truecolor` or `24bit`).
    TrueColor,
    /// The xterm 256-colour palette.
    Ansi256,
}

impl Colors {
    /// Terminals that take 24-bit colour say so in `COLORTERM` (and tmux passes it on when
    /// the outer terminal does); anything else gets the 256-colour palette.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Colors {
        match env("COLORTERM").as_deref().map(str::trim) {
            Some("truecolor" | "24bit") => Colors::TrueColor,
            _ => Colors::Ansi256,
        }
    }

    /// Rewrites the 24-bit colours drawn in `area` for this terminal.
    pub fn apply(self, area: Rect, buf: &mut Buffer) {
        if self == Colors::TrueColor {
            return;
        }
        let area = area.intersection(buf.area);
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                if let Some(cell) = buf.cell_mut((x, y)) {
                    cell.fg = to_256(cell.fg);
                    cell.bg = to_256(cell.bg);
                }
            }
        }
    }
}

fn to_256(color: Color) -> Color {
    match color {
        Color::Rgb(r, g, b) => Color::Indexed(ansi_colours::ansi256_from_rgb((r, g, b))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(colorterm: Option<&str>) -> impl Fn(&str) -> Option<String> {
        move |name| (name == "COLORTERM").then(|| colorterm.map(str::to_owned))?
    }

    #[test]
    fn truecolor_only_when_the_terminal_says_so() {
        assert_eq!(Colors::from_env(&env(Some("truecolor"))), Colors::TrueColor);
        assert_eq!(Colors::from_env(&env(Some("24bit"))), Colors::TrueColor);
        assert_eq!(Colors::from_env(&env(Some("yes"))), Colors::Ansi256);
        assert_eq!(Colors::from_env(&env(None)), Colors::Ansi256);
    }

    #[test]
    fn the_palette_keeps_pure_colours_and_leaves_named_ones() {
        let area = Rect::new(0, 0, 3, 1);
        let mut buf = Buffer::empty(area);
        buf[(0, 0)]
            .set_fg(Color::Rgb(255, 0, 0))
            .set_bg(Color::Rgb(0, 0, 0));
        buf[(1, 0)].set_fg(Color::Rgb(255, 255, 255));
        buf[(2, 0)].set_fg(Color::Yellow);
        Colors::Ansi256.apply(area, &mut buf);
        assert_eq!(buf[(0, 0)].fg, Color::Indexed(196));
        assert_eq!(buf[(0, 0)].bg, Color::Indexed(16));
        assert_eq!(buf[(1, 0)].fg, Color::Indexed(231));
        assert_eq!(buf[(2, 0)].fg, Color::Yellow);

        let mut kept = Buffer::empty(area);
        kept[(0, 0)].set_fg(Color::Rgb(1, 2, 3));
        Colors::TrueColor.apply(area, &mut kept);
        assert_eq!(kept[(0, 0)].fg, Color::Rgb(1, 2, 3));
    }
}
