//! A list of suggestions that opens beside the cursor of a text field: the paths Tab found
//! in the image field, the camera commands after `[` in the prompt. It is drawn over the
//! panes around it, below the cursor's row when there is room, else above.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::text::sanitize;
use crate::ui::model::theme::Theme;

/// At most this many rows of choices show at once; the list scrolls past them.
const ROWS: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Suggestions {
    items: Vec<String>,
    selected: usize,
    /// Some matches were left out (the list names how it was cut).
    more: bool,
    title: &'static str,
}

impl Suggestions {
    /// `None` when there is nothing to offer.
    pub fn new(title: &'static str, items: Vec<String>, more: bool) -> Option<Self> {
        (!items.is_empty()).then_some(Self {
            items,
            selected: 0,
            more,
            title,
        })
    }

    pub fn chosen(&self) -> Option<&str> {
        self.items.get(self.selected).map(String::as_str)
    }

    /// The next choice (round to the first after the last).
    pub fn next(&mut self) {
        self.selected = (self.selected + 1) % self.items.len().max(1);
    }

    /// The choice before (round to the last before the first).
    pub fn prev(&mut self) {
        let len = self.items.len().max(1);
        self.selected = (self.selected + len - 1) % len;
    }

    /// Keeps the choice that was selected when the list is offered again with other items
    /// (typing narrows it), else the first.
    pub fn keep_choice_of(&mut self, before: &Suggestions) {
        if let Some(chosen) = before.chosen() {
            self.selected = self.items.iter().position(|i| i == chosen).unwrap_or(0);
        }
    }

    /// Draws the list next to `cursor` (the cell the text is typed at), inside `screen`.
    pub fn draw(&self, theme: &Theme, frame: &mut Frame, cursor: Position, screen: Rect) {
        let rect = self.rect(cursor, screen);
        if rect.width < 6 || rect.height < 3 {
            return;
        }
        let shown = usize::from(rect.height - 2);
        // The window of choices that holds the selected one.
        let first = self.selected.saturating_sub(shown - 1);
        let inner_width = usize::from(rect.width - 2);
        let lines: Vec<Line> = self
            .items
            .iter()
            .enumerate()
            .skip(first)
            .take(shown)
            .map(|(at, item)| {
                let text = crate::ui::model::format::cut_start(&sanitize(item), inner_width - 2);
                let style = match at == self.selected {
                    true => theme.selection(),
                    false => theme.base(),
                };
                Line::from(Span::styled(
                    format!(" {text:<width$} ", width = inner_width - 2),
                    style,
                ))
            })
            .collect();
        let count = match self.more {
            true => format!(" {}+ ", self.items.len()),
            false => format!(" {} ", self.items.len()),
        };
        let block = Block::new()
            .borders(Borders::ALL)
            .border_type(BorderType::Rounded)
            .border_style(theme.accent())
            .style(theme.base())
            .title(Line::from(format!(" {} ", self.title)))
            .title_bottom(Line::from(count).style(theme.muted()).right_aligned());
        crate::ui::kit::draw::clear(frame, rect, theme);
        frame.render_widget(Paragraph::new(lines).block(block), rect);
    }

    /// Below the cursor's row if the whole list fits there, else above it if it fits
    /// there, else on the side with more room; as wide as the longest choice allows.
    fn rect(&self, cursor: Position, screen: Rect) -> Rect {
        let longest = self
            .items
            .iter()
            .map(|i| i.width())
            .max()
            .unwrap_or(0)
            .max(self.title.width() + 2);
        let width = u16::try_from(longest + 4)
            .unwrap_or(u16::MAX)
            .min(screen.width);
        let wanted = u16::try_from(self.items.len().min(ROWS) + 2).unwrap_or(u16::MAX);
        let below = screen.bottom().saturating_sub(cursor.y + 1);
        let above = cursor.y.saturating_sub(screen.y);
        let (y, height) = if wanted <= below || below >= above {
            (cursor.y + 1, wanted.min(below))
        } else {
            let height = wanted.min(above);
            (cursor.y - height, height)
        };
        let x = cursor
            .x
            .min(screen.right().saturating_sub(width))
            .max(screen.x);
        Rect::new(x, y, width, height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: usize) -> Suggestions {
        let items = (0..n).map(|i| format!("item{i}")).collect();
        Suggestions::new("t", items, false).unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn nothing_to_offer_is_no_list() {
        assert_eq!(Suggestions::new("t", Vec::new(), false), None);
    }

    #[test]
    fn moving_goes_round() {
        let mut s = list(3);
        s.prev();
        assert_eq!(s.chosen(), Some("item2"));
        s.next();
        s.next();
        assert_eq!(s.chosen(), Some("item1"));
    }

    #[test]
    fn a_narrowed_list_keeps_the_choice_it_still_holds() {
        let mut before = list(5);
        before.next();
        before.next();
        let mut narrowed = Suggestions::new("t", vec!["item0".into(), "item2".into()], false)
            .unwrap_or_else(|| unreachable!());
        narrowed.keep_choice_of(&before);
        assert_eq!(narrowed.chosen(), Some("item2"));
    }

    #[test]
    fn the_list_opens_below_the_cursor_or_above_when_only_that_fits() {
        let screen = Rect::new(0, 0, 80, 24);
        let s = list(3);
        assert_eq!(s.rect(Position::new(10, 5), screen), Rect::new(10, 6, 9, 5));
        assert_eq!(
            s.rect(Position::new(10, 21), screen),
            Rect::new(10, 16, 9, 5)
        );
        // Pushed left to stay on screen.
        assert_eq!(s.rect(Position::new(78, 5), screen).x, 71);
    }
}
