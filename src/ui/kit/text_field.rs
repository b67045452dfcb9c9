//! A text field with whole-edit undo: what the prompt and the image field share.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Paragraph;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use crate::ui::kit::soft_wrap;
use crate::ui::kit::undo::{self, Edit, Snapshot, Undo};
use crate::ui::model::keys::{Action, KeyBinding};
use crate::ui::model::theme::Theme;

pub(crate) struct TextField {
    pub area: TextArea<'static>,
    undo: Undo,
}

impl TextField {
    /// A field holding `lines`, the cursor at the end.
    pub fn new(lines: Vec<String>, placeholder: &str, wrap: bool) -> Self {
        let mut area = TextArea::new(lines);
        // Undo is ours, by whole edits (see `undo`).
        area.set_max_histories(0);
        if wrap {
            area.set_wrap_mode(WrapMode::WordOrGlyph);
        }
        area.set_placeholder_text(placeholder);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        Self {
            area,
            undo: Undo::default(),
        }
    }

    pub fn lines(&self) -> &[String] {
        self.area.lines()
    }

    /// Replaces the whole text as one undoable step.
    pub fn replace(&mut self, text: &str) {
        undo::replace(&mut self.area, &mut self.undo, text);
    }

    /// See [`Undo::last_step`].
    pub fn last_step(&self) -> Option<u64> {
        self.undo.last_step()
    }

    /// See [`Undo::next_redo`].
    pub fn next_redo(&self) -> Option<u64> {
        self.undo.next_redo()
    }

    /// Empties the field as one undoable step.
    pub fn clear(&mut self) {
        self.replace("");
    }

    /// Undo or redo one whole edit.
    pub fn undo(&mut self, action: Action) {
        if action == Action::Undo {
            self.undo.undo(&mut self.area);
        } else {
            self.undo.redo(&mut self.area);
        }
    }

    pub fn insert(&mut self, text: &str) {
        let snapshot = Snapshot::of(&self.area);
        self.area.insert_str(text);
        self.undo.record(snapshot, &self.area, Edit::Whole);
    }

    /// Replaces the `chars` characters before the cursor (on its line) with `text`, as one
    /// undoable step: a suggestion taken.
    pub fn replace_before_cursor(&mut self, chars: usize, text: &str) {
        let snapshot = Snapshot::of(&self.area);
        for _ in 0..chars {
            self.area.delete_char();
        }
        self.area.insert_str(text);
        self.undo.record(snapshot, &self.area, Edit::Whole);
    }

    /// The cursor's line and its place in it as a byte offset.
    pub fn cursor_in_line(&self) -> Option<(usize, &str, usize)> {
        let cursor = self.area.cursor();
        let line = self.area.lines().get(cursor.0)?;
        let byte = line
            .char_indices()
            .nth(cursor.1)
            .map_or(line.len(), |(at, _)| at);
        Some((cursor.0, line.as_str(), byte))
    }

    /// Where the cursor is on screen, for a field drawn into `area` (the text area keeps
    /// the rows it scrolled past).
    pub fn cursor_cell(&self, area: Rect) -> Position {
        let cursor = self.area.screen_cursor();
        let (top, left) = self.area.scroll_offset();
        let row = cursor.row.saturating_sub(usize::from(top));
        let col = cursor.col.saturating_sub(usize::from(left));
        let clamp = |at: usize, len: u16| {
            u16::try_from(at)
                .unwrap_or(u16::MAX)
                .min(len.saturating_sub(1))
        };
        Position::new(
            area.x + clamp(col, area.width),
            area.y + clamp(row, area.height),
        )
    }

    /// A key typed into the field; its own undo keys go to the history of whole edits.
    pub fn type_key(&mut self, key: KeyEvent) {
        if key.modifiers == KeyModifiers::CONTROL {
            match key.code {
                KeyCode::Char('u') => return self.undo(Action::Undo),
                KeyCode::Char('r') => return self.undo(Action::Redo),
                _ => {}
            }
        }
        // The whole text's start and end (the text area takes them as the line's).
        if key.modifiers == KeyModifiers::CONTROL
            && matches!(key.code, KeyCode::Home | KeyCode::End)
        {
            let snapshot = Snapshot::of(&self.area);
            let (row, column) = match key.code {
                KeyCode::Home => (CursorMove::Top, CursorMove::Head),
                _ => (CursorMove::Bottom, CursorMove::End),
            };
            self.area.move_cursor(row);
            self.area.move_cursor(column);
            // A move: it closes the step being typed.
            self.undo.record(snapshot, &self.area, Edit::Whole);
            return;
        }
        let edit = match key.code {
            KeyCode::Char(c) if KeyBinding::from_event(&key).is_plain_char() => Edit::Type {
                space: c.is_whitespace(),
            },
            KeyCode::Enter => Edit::Type { space: true },
            KeyCode::Backspace | KeyCode::Delete if key.modifiers.is_empty() => Edit::Delete,
            _ => Edit::Whole,
        };
        let snapshot = Snapshot::of(&self.area);
        if !(self.wraps() && soft_wrap::move_vertically(&mut self.area, key)) {
            self.area.input(key);
        }
        self.undo.record(snapshot, &self.area, edit);
    }

    /// Draws the field into `area`. Empty and without the keyboard, its placeholder starts
    /// in the first column, level with the lines around it: the text area would keep a
    /// cell for a cursor it does not show.
    pub fn draw(&self, frame: &mut Frame, area: Rect, focused: bool) {
        if focused || !self.area.is_empty() {
            frame.render_widget(&self.area, area);
            if self.wraps() {
                soft_wrap::draw(&self.area, frame.buffer_mut(), area, focused);
            }
            return;
        }
        let placeholder = Paragraph::new(self.area.placeholder_text().to_owned())
            .style(self.area.placeholder_style().unwrap_or_default());
        frame.render_widget(placeholder, area);
    }

    fn wraps(&self) -> bool {
        self.area.wrap_mode() != WrapMode::None
    }

    /// Colours for `theme`; only the focused field shows a cursor.
    pub fn style(&mut self, theme: &Theme, focused: bool) {
        let cursor = Style::new().add_modifier(Modifier::REVERSED);
        self.area.set_style(theme.base());
        self.area.set_cursor_line_style(Style::new());
        self.area.set_placeholder_style(theme.muted());
        self.area.set_selection_style(theme.selection());
        self.area
            .set_cursor_style(if focused { cursor } else { Style::new() });
    }
}
