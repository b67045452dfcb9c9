//! Soft wrap as a text editor shows it. The text area breaks a line at a space by starting
//! the next row with that space (its rows are runs of the text, every char on one), so a
//! continuation row would begin one column in. Drawing leaves those spaces out, unless the
//! cursor is on one (the only place it could be shown), and Up/Down keep the column the
//! user sees. The text and the cursor's place in it are the text area's, unchanged.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui_textarea::{CursorMove, DataCursor, TextArea};

/// One row on screen: where in the text it starts, how many chars it holds, and how many
/// spaces it starts with that are left out when it is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Row {
    start: DataCursor,
    chars: usize,
    /// The last row of its line: the cursor may sit after its last char.
    last: bool,
    dropped: usize,
}

impl Row {
    /// The row on screen `index` (counted from the text's top), or `None` past the last.
    fn at(area: &TextArea, index: usize) -> Option<Row> {
        let start = area.screen_to_data(index, 0);
        // Rows past the end come back as the last one.
        if index > 0 && area.screen_to_data(index - 1, 0) == start {
            return None;
        }
        let line = area.lines().get(start.0)?;
        let line_chars = line.chars().count();
        let next = area.screen_to_data(index + 1, 0);
        let last = next == start || next.0 != start.0;
        let chars = match last {
            true => line_chars.saturating_sub(start.1),
            false => next.1.saturating_sub(start.1),
        };
        // Only a continuation row starts at a break; spaces typed at a line's start stay.
        let dropped = match start.1 {
            0 => 0,
            _ => line
                .chars()
                .skip(start.1)
                .take(chars)
                .take_while(|c| *c == ' ')
                .count(),
        };
        Some(Row {
            start,
            chars,
            last,
            dropped,
        })
    }

    /// How many spaces are left out as drawn now: none while the cursor is on one of them.
    fn shown_dropped(&self, cursor: DataCursor, focused: bool) -> usize {
        let on_one = cursor.0 == self.start.0
            && (self.start.1..self.start.1 + self.dropped).contains(&cursor.1);
        match focused && on_one {
            true => 0,
            false => self.dropped,
        }
    }
}

/// Shifts each continuation row the text area just drew into `area` left over the spaces it
/// broke at. Each space is one cell, so the row's other cells (the cursor's and a
/// selection's too) keep their places relative to the text.
pub(crate) fn draw(text: &TextArea, buf: &mut Buffer, area: Rect, focused: bool) {
    let (top, _) = text.scroll_offset();
    let cursor = text.cursor();
    let blank = {
        let mut cell = Cell::default();
        cell.set_symbol(" ").set_style(text.style());
        cell
    };
    for y in 0..area.height {
        let Some(row) = Row::at(text, usize::from(top) + usize::from(y)) else {
            break;
        };
        let shift = row
            .shown_dropped(cursor, focused)
            .min(usize::from(area.width));
        let Ok(shift) = u16::try_from(shift) else {
            continue;
        };
        if shift == 0 {
            continue;
        }
        let y = area.y + y;
        for x in area.x..area.right() {
            let from = x + shift;
            let cell = match from < area.right() {
                true => buf[(from, y)].clone(),
                false => blank.clone(),
            };
            buf[(x, y)] = cell;
        }
    }
}

/// Up or Down without modifiers, to the column the user sees on the row above or below
/// (the text area's own move counts the left-out spaces). True if it handled the key.
pub(crate) fn move_vertically(text: &mut TextArea, key: KeyEvent) -> bool {
    let down = match (key.code, key.modifiers) {
        (KeyCode::Up, KeyModifiers::NONE) => false,
        (KeyCode::Down, KeyModifiers::NONE) => true,
        _ => return false,
    };
    let screen = text.screen_cursor();
    let cursor = text.cursor();
    let Some(here) = Row::at(text, screen.row) else {
        return false;
    };
    let target = match down {
        true => screen.row + 1,
        false => match screen.row.checked_sub(1) {
            Some(row) => row,
            None => return false,
        },
    };
    let Some(there) = Row::at(text, target) else {
        return false;
    };
    let seen = screen.col.saturating_sub(here.shown_dropped(cursor, true));
    let mut to = text.screen_to_data(target, seen + there.dropped);
    // Past a wrapped row's end is the next row's start: stop on its last char instead.
    if !there.last && to.1 >= there.start.1 + there.chars {
        to.1 = (there.start.1 + there.chars).saturating_sub(1);
    }
    let (Ok(row), Ok(col)) = (u16::try_from(to.0), u16::try_from(to.1)) else {
        return false;
    };
    text.cancel_selection();
    text.move_cursor(CursorMove::Jump(row, col));
    true
}
