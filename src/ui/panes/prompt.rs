//! The prompt editor: multi-line, whole-edit undo, `$EDITOR` hand-off.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::camera;
use crate::text::sanitize;
use crate::ui::kit::component::{Command, Component, Ctx, Outcome, View, fixed, hint, quiet};
use crate::ui::kit::draw::{frame_block, inner};
use crate::ui::kit::suggest::Suggestions;
use crate::ui::kit::text_field::TextField;
use crate::ui::model::effect::Effect;
use crate::ui::model::keys::{Action, KeyBinding};

pub(crate) struct PromptPane {
    field: TextField,
    /// How many times each prompt is sent (1 or more).
    repeat: u64,
    /// MiniMax's camera commands offered while one is typed in a bracket.
    camera: Option<Suggestions>,
    /// Where Esc closed the offer (line, byte where the command starts): not offered there
    /// again until the cursor is in another bracket.
    dismissed: Option<(usize, usize)>,
    /// The cursor's cell when last drawn: the offer opens beside it.
    cursor: Option<Position>,
}

/// The command being typed in a bracket: its line, where it starts (a byte offset), and
/// what was typed of it.
struct Typing {
    line: usize,
    start: usize,
    typed: String,
    /// The bracket has its `]` already.
    closed: bool,
}

impl PromptPane {
    /// How many times each prompt is sent (1 or more).
    pub fn repeat(&self) -> u64 {
        self.repeat
    }

    /// The undo step the text is at, if any (see [`TextField::last_step`]).
    pub fn last_step(&self) -> Option<u64> {
        self.field.last_step()
    }

    /// The step a redo would bring back, if any.
    pub fn next_redo(&self) -> Option<u64> {
        self.field.next_redo()
    }

    /// Undoes (or redoes) one step of the text.
    pub fn undo(&mut self, action: Action) {
        self.field.undo(action);
    }

    /// Replaces the text, as an edit: one undo brings the old text back.
    pub fn replace(&mut self, text: &str) {
        self.field.replace(text);
    }

    pub fn new(text: &str) -> Self {
        let lines = text.lines().map(sanitize).collect();
        let mut field = TextField::new(lines, "Describe the motion, camera, mood…", true);
        // Known camera commands show in the search style (set to the theme's accent).
        if let Err(err) = field
            .area
            .set_search_pattern(camera::known_bracket_pattern())
        {
            tracing::warn!(%err, "camera commands pattern");
        }
        Self {
            field,
            repeat: 1,
            camera: None,
            dismissed: None,
            cursor: None,
        }
    }

    /// The camera command the cursor is typing, if it is in an open bracket.
    fn typing(&self) -> Option<Typing> {
        let (line, text, byte) = self.field.cursor_in_line()?;
        let start = camera::typing_at(text, byte)?;
        let typed = text.get(start..byte)?.trim_start().to_owned();
        let rest = text.get(byte..).unwrap_or_default();
        let closed = rest
            .find(['[', ']'])
            .is_some_and(|at| rest[at..].starts_with(']'));
        Some(Typing {
            line,
            start,
            typed,
            closed,
        })
    }

    /// Offers the camera commands that fit what is typed in a bracket (after every edit
    /// and move): none once a whole command is typed, none where Esc closed the offer.
    fn offer_camera(&mut self) {
        let before = self.camera.take();
        let Some(typing) = self.typing() else {
            self.dismissed = None;
            return;
        };
        if self.dismissed == Some((typing.line, typing.start)) {
            return;
        }
        let offered = camera::offered(&typing.typed);
        if let [only] = offered.as_slice()
            && camera::known(&typing.typed) == Some(*only)
        {
            return;
        }
        let items = offered.into_iter().map(str::to_owned).collect();
        self.camera = Suggestions::new("camera · Enter inserts", items, false);
        if let (Some(now), Some(before)) = (self.camera.as_mut(), before.as_ref()) {
            now.keep_choice_of(before);
        }
    }

    /// The camera commands offered now (the text may have changed under them: undo).
    pub fn camera_offer(&self) -> Option<&Suggestions> {
        self.camera.as_ref().filter(|_| self.typing().is_some())
    }

    /// Puts the chosen command in place of what was typed of it, closing the bracket if it
    /// was open.
    fn take_camera(&mut self) {
        let (Some(list), Some(typing)) = (self.camera.take(), self.typing()) else {
            return;
        };
        let Some(command) = list.chosen() else {
            return;
        };
        let close = if typing.closed { "" } else { "]" };
        self.field
            .replace_before_cursor(typing.typed.chars().count(), &format!("{command}{close}"));
    }

    /// The brackets that hold something other than camera commands, for the title.
    fn unknown_brackets(&self) -> Vec<String> {
        self.field
            .lines()
            .iter()
            .flat_map(|line| {
                camera::brackets(line)
                    .into_iter()
                    .filter(|b| !b.known)
                    .map(|b| line[b.range].to_owned())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// What the title says about the jobs a submit would send: `· 4 prompts ×3 = 12 jobs`,
    /// or the broken group; nothing for a plain prompt sent once.
    fn batch_title(&self) -> Option<(String, bool)> {
        let count = match crate::matrix::Matrix::parse(&self.text()) {
            Ok(matrix) => matrix.count(),
            Err(err) => return Some((format!("· {} ", short_error(&err)), true)),
        };
        let text = match (count, self.repeat) {
            (1, 1) => return None,
            (1, repeat) => format!("· ×{repeat} = {repeat} jobs "),
            (count, 1) => format!("· {count} prompts "),
            (count, repeat) => format!(
                "· {count} prompts ×{repeat} = {} jobs ",
                count.saturating_mul(repeat)
            ),
        };
        Some((text, false))
    }

    pub fn text(&self) -> String {
        self.field.lines().join("\n")
    }

    fn chars(&self) -> usize {
        let lines = self.field.lines();
        lines.iter().map(|l| l.chars().count()).sum::<usize>() + lines.len().saturating_sub(1)
    }
}

impl Component for PromptPane {
    fn commands(&self) -> Vec<Command> {
        if self.camera_offer().is_some() {
            return vec![
                fixed("↑↓", "choose"),
                fixed("Enter/Tab", "insert"),
                hint(Action::Back, "close"),
                quiet(Action::FocusNext),
                hint(Action::Submit, "submit"),
                hint(Action::Quit, "quit"),
                quiet(Action::Undo),
                quiet(Action::Redo),
                quiet(Action::ClearText),
            ];
        }
        vec![
            hint(Action::Submit, "submit"),
            hint(Action::EditExternally, "$EDITOR"),
            hint(Action::ToggleOptimizer, "optimizer"),
            hint(Action::FocusNext, "next"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
            quiet(Action::Undo),
            quiet(Action::Redo),
            quiet(Action::ClearText),
            quiet(Action::RepeatMore),
            quiet(Action::RepeatLess),
        ]
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        if self.camera_offer().is_some() {
            match action {
                Action::FocusNext => {
                    self.take_camera();
                    self.offer_camera();
                    return Outcome::Handled;
                }
                Action::Back => {
                    self.camera = None;
                    self.dismissed = self.typing().map(|t| (t.line, t.start));
                    return Outcome::Handled;
                }
                _ => {}
            }
        }
        let outcome = self.act_on_text(action, ctx);
        self.offer_camera();
        outcome
    }

    fn key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Outcome {
        if key.modifiers == KeyModifiers::NONE && self.camera_offer().is_some() {
            match (key.code, self.camera.as_mut()) {
                (KeyCode::Down, Some(list)) => {
                    list.next();
                    return Outcome::Handled;
                }
                (KeyCode::Up, Some(list)) => {
                    list.prev();
                    return Outcome::Handled;
                }
                (KeyCode::Enter, _) => {
                    self.take_camera();
                    self.offer_camera();
                    return Outcome::Handled;
                }
                _ => {}
            }
        }
        self.field.type_key(key);
        self.offer_camera();
        Outcome::Handled
    }

    fn takes_text(&self, key: KeyBinding) -> bool {
        key.is_plain_char()
    }

    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> Outcome {
        self.field
            .insert(&crate::ui::model::paste::clean_paste(text));
        self.offer_camera();
        Outcome::Handled
    }

    fn draw_popup(&mut self, view: &View, frame: &mut Frame) {
        if let (Some(list), Some(cursor)) = (self.camera_offer(), self.cursor) {
            list.draw(view.theme, frame, cursor, frame.area());
        }
    }
    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        let chars = self.chars();
        let mut title = vec![
            Span::raw(" Prompt "),
            Span::styled(
                format!(
                    "· {} ",
                    crate::ui::model::format::count(chars, "char", "chars")
                ),
                theme.muted(),
            ),
        ];
        if chars > crate::input_limits::MAX_PROMPT_CHARS {
            title.push(Span::styled(
                format!(
                    "· over {}: fal may refuse it ",
                    crate::input_limits::MAX_PROMPT_CHARS
                ),
                theme.error(),
            ));
        }
        if let Some((text, broken)) = self.batch_title() {
            let style = if broken {
                theme.error()
            } else {
                theme.accent()
            };
            title.push(Span::styled(text, style));
        }
        let unknown = self.unknown_brackets();
        if let Some(first) = unknown.first() {
            let text = match unknown.len() {
                1 => format!("· {} is no camera command ", sanitize(first)),
                n => format!("· {n} brackets hold no camera command "),
            };
            title.push(Span::styled(text, theme.error()));
        }
        // The key's reminder only where it fits whole beside the rest (the status bar
        // names it too): the border would cut it to "Ctrl-E".
        if view.focused
            && let Some(key) = view.keys.short_label(Action::EditExternally)
        {
            let reminder = format!("· {key} $EDITOR ");
            let used: usize = title.iter().map(Span::width).sum();
            if used + reminder.width() + 2 <= usize::from(area.width) {
                title.push(Span::styled(reminder, theme.muted()));
            }
        }
        frame.render_widget(frame_block(theme, Line::from(title), view.focused), area);
        self.field.style(theme, view.focused);
        self.field.area.set_search_style(theme.accent());
        let text_area = inner(area);
        self.field.draw(frame, text_area, view.focused);
        self.cursor = Some(self.field.cursor_cell(text_area));
    }
}

impl PromptPane {
    /// The pane's own commands on its text.
    fn act_on_text(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::EditExternally => ctx.effect(Effect::EditExternally(self.text())),
            Action::Undo | Action::Redo => self.field.undo(action),
            Action::ClearText => {
                self.field.clear();
                if let Some(undo) = ctx.keys.short_label(Action::Undo) {
                    ctx.notice(format!("Prompt cleared: {undo} brings it back"));
                }
            }
            Action::RepeatMore => self.repeat = self.repeat.saturating_add(1),
            Action::RepeatLess => self.repeat = self.repeat.saturating_sub(1).max(1),
            _ => return Outcome::HandBack,
        }
        Outcome::Handled
    }
}

/// A broken group, short enough for a title: `{ at column 3 never closed`.
fn short_error(err: &crate::matrix::MatrixError) -> String {
    use crate::matrix::MatrixError;
    let place = err.place();
    match err {
        MatrixError::Unclosed(_) => format!("{{ at {place} never closed"),
        MatrixError::LoneClose(_) => format!("}} at {place} closes nothing"),
        MatrixError::Empty(_) => format!("empty {{}} at {place}"),
        MatrixError::Single(_) => format!("{{…}} at {place} has no |"),
        MatrixError::Nested(_) => format!("{{ inside a group at {place}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::kit::test_component::TestComponent;

    fn prompt(text: &str) -> TestComponent<PromptPane> {
        TestComponent::new(PromptPane::new(text))
    }

    #[test]
    fn every_plain_key_is_text_even_those_bound_elsewhere() {
        let mut pane = prompt("");
        // q quits, ? is help, j moves, r re-runs and space marks in other panes.
        pane.type_text("q? jr a heron");
        assert_eq!(pane.component.text(), "q? jr a heron");
        assert!(pane.take().is_empty());
    }

    #[test]
    fn ctrl_z_takes_an_edit_back_and_ctrl_y_brings_it_again() {
        let mut pane = prompt("a heron");
        pane.press(KeyCode::Char('l'), KeyModifiers::CONTROL);
        assert_eq!(pane.component.text(), "");
        pane.press(KeyCode::Char('z'), KeyModifiers::CONTROL);
        assert_eq!(pane.component.text(), "a heron");
        pane.press(KeyCode::Char('y'), KeyModifiers::CONTROL);
        assert_eq!(pane.component.text(), "");
    }

    #[test]
    fn a_paste_keeps_its_lines_and_submit_goes_to_the_app() {
        let mut pane = prompt("");
        assert_eq!(pane.paste("a heron\r\nat dusk"), Outcome::Handled);
        assert_eq!(pane.component.text(), "a heron\nat dusk");
        assert_eq!(pane.act(Action::Submit), Outcome::HandBack);
    }

    #[test]
    fn a_bracket_offers_the_camera_commands_and_enter_inserts_the_chosen_one() {
        let mut pane = prompt("");
        pane.type_text("slow [pan");
        assert!(pane.component.camera_offer().is_some());
        assert!(pane.hints().contains(&"insert"), "{:?}", pane.hints());
        pane.press(KeyCode::Down, KeyModifiers::NONE);
        pane.press(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(pane.component.text(), "slow [Pan right]");
        assert!(pane.component.camera_offer().is_none());
    }

    #[test]
    fn esc_closes_the_offer_and_leaves_the_text() {
        let mut pane = prompt("");
        pane.type_text("[");
        assert!(pane.component.camera_offer().is_some());
        pane.press(KeyCode::Esc, KeyModifiers::NONE);
        assert!(pane.component.camera_offer().is_none());
        assert_eq!(pane.component.text(), "[");
        assert!(pane.take().is_empty());
    }
}
