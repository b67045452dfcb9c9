//! The prompt editor: multi-line, whole-edit undo, `$EDITOR` hand-off.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::text::sanitize;
use crate::ui::kit::component::{Command, Component, Ctx, Outcome, View, hint, quiet};
use crate::ui::kit::draw::{frame_block, inner};
use crate::ui::kit::text_field::TextField;
use crate::ui::model::effect::Effect;
use crate::ui::model::keys::{Action, KeyBinding};

pub(crate) struct PromptPane {
    field: TextField,
    /// How many times each prompt is sent (1 or more).
    repeat: u64,
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
        Self {
            field: TextField::new(lines, "Describe the motion, camera, mood…", true),
            repeat: 1,
        }
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

    fn key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Outcome {
        self.field.type_key(key);
        Outcome::Handled
    }

    fn takes_text(&self, key: KeyBinding) -> bool {
        key.is_plain_char()
    }

    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> Outcome {
        self.field
            .insert(&crate::ui::model::paste::clean_paste(text));
        Outcome::Handled
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
        self.field.draw(frame, inner(area), view.focused);
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
