//! A screen as plain text, one character per cell, from a ratatui `TestBackend` buffer or a
//! vt100 parser. Panes are found by their title, so tests say "the queue pane shows X"
//! instead of "row 7 shows X", and survive layout changes.

use std::fmt;

use ratatui::buffer::Buffer;

/// Top-left, top-right and bottom-left corners of every border style ratatui draws.
const TOP_LEFT: &[char] = &['┌', '┏', '╭', '╔'];
const TOP_RIGHT: &[char] = &['┐', '┓', '╮', '╗'];
const BOTTOM_LEFT: &[char] = &['└', '┗', '╰', '╚'];

#[derive(Clone, Debug, PartialEq)]
pub struct Screen {
    /// Every cell's full symbol (a grapheme; empty for the second half of a wide one).
    cells: Vec<Vec<String>>,
}

impl Screen {
    pub fn from_buffer(buffer: &Buffer) -> Self {
        let area = buffer.area;
        let cells = (area.top()..area.bottom())
            .map(|y| {
                (area.left()..area.right())
                    .map(|x| buffer[(x, y)].symbol().to_owned())
                    .collect()
            })
            .collect();
        Self { cells }
    }

    pub fn from_vt100(screen: &vt100::Screen) -> Self {
        let (rows, cols) = screen.size();
        let cells = (0..rows)
            .map(|row| {
                (0..cols)
                    .map(|col| match screen.cell(row, col) {
                        Some(cell) if cell.is_wide_continuation() => String::new(),
                        Some(cell) if cell.has_contents() => cell.contents().to_owned(),
                        _ => " ".to_owned(),
                    })
                    .collect()
            })
            .collect();
        Self { cells }
    }

    /// Row `y` as text, one character per column (a wide character's second half is a space,
    /// so columns line up).
    fn row_chars(&self, y: usize) -> Vec<char> {
        self.cells[y]
            .iter()
            .map(|symbol| symbol.chars().next().unwrap_or(' '))
            .collect()
    }

    pub fn rows(&self) -> Vec<String> {
        (0..self.cells.len())
            .map(|y| self.cells[y].concat().trim_end().to_owned())
            .collect()
    }

    /// True if any one row contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.rows().iter().any(|row| row.contains(needle))
    }

    /// Every cell's symbol, for checks on what reached the terminal.
    pub fn symbols(&self) -> impl Iterator<Item = &str> {
        self.cells.iter().flatten().map(String::as_str)
    }

    /// The inside of the bordered pane whose top border carries `title`, or `None` if no
    /// pane with that title is on screen.
    pub fn pane(&self, title: &str) -> Option<Screen> {
        let title: Vec<char> = title.chars().collect();
        for y in 0..self.cells.len() {
            let row = self.row_chars(y);
            let Some(at) = row.windows(title.len()).position(|w| w == title.as_slice()) else {
                continue;
            };
            let Some(left) = (0..at).rev().find(|&x| TOP_LEFT.contains(&row[x])) else {
                continue;
            };
            let Some(right) = (at..row.len()).find(|&x| TOP_RIGHT.contains(&row[x])) else {
                continue;
            };
            let Some(bottom) =
                (y + 1..self.cells.len()).find(|&b| BOTTOM_LEFT.contains(&self.row_chars(b)[left]))
            else {
                continue;
            };
            let cells = self.cells[y + 1..bottom]
                .iter()
                .map(|r| r[left + 1..right].to_vec())
                .collect();
            return Some(Screen { cells });
        }
        None
    }

    /// Like [`Screen::pane`], but an empty screen when the pane is missing, so a condition
    /// can simply say `screen.pane_text("Queue").contains(..)`.
    pub fn pane_text(&self, title: &str) -> String {
        self.pane(title)
            .map(|p| p.rows().join("\n"))
            .unwrap_or_default()
    }

    /// The last row: the status bar.
    pub fn status_bar(&self) -> String {
        self.rows().last().cloned().unwrap_or_default()
    }
}

impl fmt::Display for Screen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.cells.first().map_or(0, Vec::len);
        writeln!(f, "   ┆{}┆", "┄".repeat(width))?;
        for (y, row) in self.cells.iter().enumerate() {
            writeln!(f, "{y:>2} ┆{}┆", row.concat())?;
        }
        write!(f, "   ┆{}┆", "┄".repeat(width))
    }
}

/// Characters that must never reach a terminal from untrusted text: C0 (ESC, BEL, CR, NUL…),
/// DEL, C1 and the bidi embedding/override/isolate controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
