//! The prompt editor: multi-line, whole-edit undo, `$EDITOR` hand-off.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text_field::TextField;
use crate::text::sanitize;
use crate::ui::component::{Command, Component, Ctx, View, hint, quiet};
use crate::ui::draw::{frame_block, inner};
use crate::ui::effect::Effect;
use crate::ui::keys::{Action, KeyBinding};

pub(crate) struct PromptPane {
    pub field: TextField,
}

impl PromptPane {
    pub fn new(text: &str) -> Self {
        let lines = text.lines().map(sanitize).collect();
        Self {
            field: TextField::new(lines, "Describe the motion, camera, mood…", true),
        }
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
        ]
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> bool {
        match action {
            Action::EditExternally => ctx.effect(Effect::EditExternally(self.text())),
            Action::Undo | Action::Redo => self.field.undo(action),
            _ => return false,
        }
        true
    }

    fn key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> bool {
        self.field.type_key(key);
        true
    }

    fn takes_text(&self, key: KeyBinding) -> bool {
        key.is_plain_char()
    }

    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> bool {
        self.field.insert(&crate::ui::app::clean_paste(text));
        true
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        let chars = self.chars();
        let mut title = vec![
            Span::raw(" Prompt "),
            Span::styled(format!("· {chars} chars "), theme.muted()),
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
        if view.focused
            && let Some(key) = view.keys.short_label(Action::EditExternally)
        {
            title.push(Span::styled(format!("· {key} $EDITOR "), theme.muted()));
        }
        frame.render_widget(frame_block(theme, Line::from(title), view.focused), area);
        self.field.style(theme, view.focused);
        frame.render_widget(&self.field.area, inner(area));
    }
}
