//! The image field: one line (a path or a URL) and what the runtime found out about it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use std::sync::Arc;

use image::RgbImage;

use crate::path_complete::Completion;
use crate::preview::Still;
use crate::text::sanitize;
use crate::ui::kit::component::{Command, Component, Ctx, Outcome, View, fixed, hint, quiet};
use crate::ui::kit::draw::{frame_block, inner};
use crate::ui::kit::suggest::Suggestions;
use crate::ui::kit::text_field::TextField;
use crate::ui::model::effect::Effect;
use crate::ui::model::keys::{Action, KeyBinding};
use crate::ui::model::msg::ImageInfo;
use crate::ui::model::paste::single_line;
use unicode_width::UnicodeWidthStr;

pub(crate) struct ImagePane {
    field: TextField,
    /// The last inspection and the text it was about.
    info: Option<(String, Result<ImageInfo, String>)>,
    /// A small copy of the image, and the text it was made for.
    thumb: Option<(String, Still)>,
    /// The text Tab asked the runtime to complete, until the answer comes.
    completing: Option<String>,
    /// Keys typed while that answer was on its way: they wait for it, so each lands where it
    /// would have without the wait (Tab, Tab through a field with nothing to complete moves
    /// on twice, and what is typed next goes to the pane the second Tab reached).
    held: Vec<KeyEvent>,
    /// The paths Tab found when several match, and the text they complete.
    choices: Option<(String, Suggestions)>,
    /// Where the field's row was last drawn: the choices open below it.
    row: Option<Rect>,
}

/// What Tab did in the image field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tab {
    /// It completed the path, or lists the choices.
    Completed,
    /// Nothing to complete: the keyboard goes on to the next pane, as Tab does elsewhere.
    Leave,
}

impl ImagePane {
    pub fn new(text: &str) -> Self {
        Self {
            field: TextField::new(
                vec![single_line(text)],
                "path/to/frame.png or https://…",
                false,
            ),
            info: None,
            thumb: None,
            completing: None,
            held: Vec::new(),
            choices: None,
            row: None,
        }
    }

    /// Replaces the text as an edit (one undo brings the old text back), without inspecting
    /// it: the app inspects the image it starts with once it runs.
    pub fn set_text(&mut self, text: &str) {
        self.field.replace(text);
    }

    /// Tab: asks the runtime to complete the text as a local path. A URL, an image already
    /// checked, or a second Tab before the answer came has nothing to wait for: it leaves.
    fn tab(&mut self, ctx: &mut Ctx) -> Outcome {
        let text = self.text();
        let checked = matches!(self.info(), Some(Ok(_)));
        let url = text.contains("://") || text.starts_with("data:");
        if text.is_empty() || url || checked || self.completing.as_deref() == Some(&text) {
            self.completing = None;
            return Outcome::HandBack;
        }
        ctx.effect(Effect::CompletePath(text.clone()));
        self.completing = Some(text);
        Outcome::Handled
    }

    /// The runtime's answer to Tab. Stale answers (the text changed, the field was left)
    /// do nothing.
    pub fn completed(&mut self, text: &str, completion: Option<Completion>, ctx: &mut Ctx) -> Tab {
        if self.completing.as_deref() != Some(text) || text != self.text() {
            return Tab::Completed;
        }
        self.completing = None;
        let Some(completion) = completion else {
            return Tab::Leave;
        };
        if completion.text != text {
            self.replace(&completion.text, ctx);
        }
        self.choices = Suggestions::new("Tab · Enter takes", completion.choices, completion.more)
            .map(|list| (completion.text, list));
        Tab::Completed
    }

    /// Tab's answer is on its way: the app holds the keys that come meanwhile.
    pub fn waiting(&self) -> bool {
        self.completing.is_some()
    }

    pub fn hold(&mut self, key: KeyEvent) {
        self.held.push(key);
    }

    /// The keys held for Tab's answer, oldest first, to be handled now that it came.
    pub fn take_held(&mut self) -> Vec<KeyEvent> {
        std::mem::take(&mut self.held)
    }

    /// The keyboard went elsewhere: an answer still coming is not wanted, the list closes.
    pub fn blur(&mut self) {
        self.completing = None;
        self.choices = None;
    }

    /// Puts the chosen path in the field: the folder typed so far and the name.
    fn take_choice(&mut self, ctx: &mut Ctx) {
        let Some((text, list)) = self.choices.take() else {
            return;
        };
        let Some(name) = list.chosen() else {
            return;
        };
        let folder = text.rfind('/').map_or("", |slash| &text[..=slash]);
        self.replace(&format!("{folder}{name}"), ctx);
    }

    /// The runtime's thumbnail of the image `text` names; stale ones are dropped.
    pub fn thumbnail(&mut self, text: String, result: Result<Arc<RgbImage>, String>) {
        match result {
            Ok(image) if text == self.text() => self.thumb = Some((text, Still::new(image))),
            Ok(_) => {}
            Err(err) => tracing::debug!(%text, error = %err, "no thumbnail"),
        }
    }

    pub fn forget_thumbnail(&mut self) {
        self.thumb = None;
    }

    /// The thumbnail of the image now in the field, if there is one.
    pub fn has_thumbnail(&self) -> bool {
        self.thumb
            .as_ref()
            .is_some_and(|(about, _)| *about == self.text())
    }

    pub fn text(&self) -> String {
        self.field.lines().concat().trim().to_owned()
    }

    /// Replaces the text as one undoable edit, asking for an inspection if it changed.
    pub fn replace(&mut self, text: &str, ctx: &mut Ctx) {
        self.edit(ctx, |field| field.replace(&single_line(text)));
    }

    /// The runtime's answer about `text`; stale answers are dropped.
    pub fn inspected(&mut self, text: String, result: Result<ImageInfo, String>) {
        if text == self.text() {
            self.info = Some((text, result));
        }
    }

    /// What the last inspection of the current text found: `None` while unknown.
    pub fn info(&self) -> Option<&Result<ImageInfo, String>> {
        let text = self.text();
        self.info
            .as_ref()
            .filter(|(about, _)| *about == text)
            .map(|(_, result)| result)
    }

    /// Applies `change` and asks for a fresh inspection when the text changed.
    fn edit(&mut self, ctx: &mut Ctx, change: impl FnOnce(&mut TextField)) {
        let before = self.text();
        change(&mut self.field);
        let now = self.text();
        if now == before {
            return;
        }
        // What Tab found was about the text before.
        self.completing = None;
        self.choices = None;
        if now.is_empty() {
            self.info = None;
            self.thumb = None;
        } else {
            ctx.effect(Effect::InspectImage(now));
        }
    }
}

impl Component for ImagePane {
    fn commands(&self) -> Vec<Command> {
        if self.choices.is_some() {
            return vec![
                fixed("Tab/↓", "next"),
                fixed("Enter", "take"),
                hint(Action::Back, "close"),
                quiet(Action::FocusNext),
                quiet(Action::FocusPrev),
                hint(Action::Submit, "submit"),
                hint(Action::Quit, "quit"),
                quiet(Action::Undo),
                quiet(Action::Redo),
                quiet(Action::ClearText),
            ];
        }
        vec![
            hint(Action::Submit, "submit"),
            hint(Action::FocusNext, "next"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
            quiet(Action::EditExternally),
            quiet(Action::Undo),
            quiet(Action::Redo),
            quiet(Action::ClearText),
        ]
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        if let Some((_, list)) = self.choices.as_mut() {
            match action {
                Action::FocusNext => list.next(),
                Action::FocusPrev => list.prev(),
                Action::Back => self.choices = None,
                _ => {}
            }
            if matches!(action, Action::FocusNext | Action::FocusPrev | Action::Back) {
                return Outcome::Handled;
            }
        }
        match action {
            Action::FocusNext => return self.tab(ctx),
            Action::Undo | Action::Redo => self.edit(ctx, |field| field.undo(action)),
            Action::ClearText => self.edit(ctx, TextField::clear),
            _ => return Outcome::HandBack,
        }
        Outcome::Handled
    }

    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Outcome {
        if let Some((_, list)) = self.choices.as_mut()
            && key.modifiers == KeyModifiers::NONE
        {
            match key.code {
                KeyCode::Down => {
                    list.next();
                    return Outcome::Handled;
                }
                KeyCode::Up => {
                    list.prev();
                    return Outcome::Handled;
                }
                KeyCode::Enter => {
                    self.take_choice(ctx);
                    return Outcome::Handled;
                }
                _ => {}
            }
        }
        // One line: Enter has nothing to do here.
        if key.code != KeyCode::Enter {
            self.edit(ctx, |field| field.type_key(key));
        }
        Outcome::Handled
    }

    fn takes_text(&self, key: KeyBinding) -> bool {
        key.is_plain_char()
    }

    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> Outcome {
        let path = crate::ui::model::image_paste::clean(&single_line(text));
        self.edit(ctx, |field| field.insert(&path));
        Outcome::Handled
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        frame.render_widget(
            frame_block(theme, Line::from(" Image "), view.focused),
            area,
        );
        let mut inner = inner(area);
        let info = match self.info() {
            _ if self.text().is_empty() => {
                Line::from("PNG, JPEG or WebP file, or https:// URL").style(theme.muted())
            }
            Some(Ok(info)) => match &info.limit {
                None => Line::from(format!("✓ {}", sanitize(&info.summary))).style(theme.notice()),
                Some(limit) => Line::from(format!("✗ {}", sanitize(limit))).style(theme.error()),
            },
            Some(Err(e)) => Line::from(format!("✗ {}", sanitize(e))).style(theme.error()),
            None => Line::from("checking…").style(theme.muted()),
        };
        // The picture on the right, about as wide as a 16:9 frame of that height in
        // halfblocks, the text on the left. In a box of two rows on a narrow screen the
        // picture is a few cells: the facts beside it (the size fal's limits are about)
        // matter more, so it makes way rather than cut them.
        let width = (inner.height * 4).min(inner.width / 3);
        let info_rows = inner.height.saturating_sub(1);
        let info_fits = info.width()
            <= usize::from(inner.width.saturating_sub(width + 1)) * usize::from(info_rows);
        if self.has_thumbnail()
            && info_fits
            && let Some((_, still)) = self.thumb.as_mut()
        {
            let picture = Rect {
                x: inner.right() - width,
                width,
                ..inner
            };
            inner.width -= width + 1;
            still.render(&view.media.graphics, picture, frame.buffer_mut());
        }
        self.field.style(theme, view.focused);
        let row = Rect { height: 1, ..inner };
        self.row = Some(row);
        let text = self.text();
        if !view.focused && text.width() > usize::from(row.width) {
            // Without the keyboard the field shows the path's end, the file name: a leading
            // `…` says its start is hidden.
            let shown = crate::ui::model::format::cut_start(&sanitize(&text), row.width.into());
            frame.render_widget(Paragraph::new(shown).style(theme.base()), row);
        } else {
            self.field.draw(frame, row, view.focused);
        }
        let info_area = Rect {
            y: inner.y + 1,
            height: info_rows,
            ..inner
        };
        // Too long for its rows: the file name (the field above shows it) goes first, so
        // the type, size and resolution stay whole.
        let budget = usize::from(info_area.width) * usize::from(info_area.height);
        let info = match self.info() {
            Some(Ok(found)) if found.limit.is_none() && info.width() > budget => {
                let summary = found.summary.as_str();
                let rest = summary.split_once(" · ").map_or(summary, |(_, rest)| rest);
                Line::from(format!("✓ {}", sanitize(rest))).style(theme.notice())
            }
            _ => info,
        };
        frame.render_widget(Paragraph::new(info).wrap(Wrap { trim: true }), info_area);
    }

    fn draw_popup(&mut self, view: &View, frame: &mut Frame) {
        if let (Some((_, list)), Some(row)) = (&self.choices, self.row) {
            let screen = frame.area();
            list.draw(view.theme, frame, Position::new(row.x, row.y), screen);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::kit::test_component::TestComponent;

    #[test]
    fn every_edit_asks_for_the_image_to_be_checked_and_emptying_it_does_not() {
        let mut pane = TestComponent::new(ImagePane::new(""));
        pane.type_text("a.png");
        let asked = pane.effects();
        assert_eq!(asked.len(), 5);
        assert!(matches!(asked.last(), Some(Effect::InspectImage(text)) if text == "a.png"));
        pane.press(KeyCode::Char('l'), KeyModifiers::CONTROL);
        assert_eq!(pane.component.text(), "");
        assert!(pane.effects().is_empty());
        pane.press(KeyCode::Char('z'), KeyModifiers::CONTROL);
        assert!(matches!(
            pane.effects().as_slice(),
            [Effect::InspectImage(text)] if text == "a.png"
        ));
    }

    #[test]
    fn tab_completes_a_path_but_leaves_a_url_and_a_second_tab_leaves_too() {
        let mut url = TestComponent::new(ImagePane::new("https://example.com/heron.png"));
        assert_eq!(
            url.press(KeyCode::Tab, KeyModifiers::NONE),
            Outcome::HandBack
        );
        assert!(url.take().is_empty());

        let mut path = TestComponent::new(ImagePane::new("~/frames/her"));
        assert_eq!(
            path.press(KeyCode::Tab, KeyModifiers::NONE),
            Outcome::Handled
        );
        assert!(matches!(
            path.effects().as_slice(),
            [Effect::CompletePath(text)] if text == "~/frames/her"
        ));
        assert_eq!(
            path.press(KeyCode::Tab, KeyModifiers::NONE),
            Outcome::HandBack
        );
    }

    #[test]
    fn it_says_what_it_takes_and_what_the_check_found() {
        let mut pane = TestComponent::new(ImagePane::new(""));
        assert!(
            pane.screen(60, 4)
                .contains("PNG, JPEG or WebP file, or https:// URL")
        );
        pane.component.set_text("notes.txt");
        assert!(pane.screen(60, 4).contains("checking…"));
        pane.component
            .inspected("notes.txt".into(), Err("not an image".into()));
        assert!(pane.screen(60, 4).contains("✗ not an image"));
    }
}
