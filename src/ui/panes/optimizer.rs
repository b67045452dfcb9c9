//! The prompt-optimizer toggle under the image field.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::kit::component::{Command, Component, Ctx, Outcome, View, hint};
use crate::ui::model::keys::Action;

pub(crate) struct OptimizerPane {
    on: bool,
}

impl OptimizerPane {
    pub fn new(on: bool) -> Self {
        Self { on }
    }

    /// Whether `prompt_optimizer` is sent as true.
    pub fn on(&self) -> bool {
        self.on
    }

    pub fn set(&mut self, on: bool) {
        self.on = on;
    }

    /// Flips it and says so.
    pub fn toggle(&mut self, ctx: &mut Ctx) {
        self.on = !self.on;
        let state = if self.on { "on" } else { "off" };
        ctx.notice(format!("Prompt optimizer {state}"));
    }
}

impl Component for OptimizerPane {
    fn commands(&self) -> Vec<Command> {
        vec![
            hint(Action::Toggle, "toggle"),
            hint(Action::Submit, "submit"),
            hint(Action::FocusNext, "next"),
            hint(Action::Help, "help"),
        ]
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Toggle => self.toggle(ctx),
            _ => return Outcome::HandBack,
        }
        Outcome::Handled
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        let mark = if self.on { "[x]" } else { "[ ]" };
        let keys = [Action::Toggle, Action::ToggleOptimizer]
            .into_iter()
            .filter(|&a| view.focused || a == Action::ToggleOptimizer)
            .filter_map(|a| view.keys.short_label(a))
            .collect::<Vec<_>>()
            .join("/");
        let pointer = if view.focused { "›" } else { " " };
        let label = Span::styled(
            format!("{mark} prompt optimizer"),
            if view.focused {
                theme.selection()
            } else {
                theme.base()
            },
        );
        let line = Line::from(vec![
            Span::styled(pointer, theme.accent()),
            label,
            Span::styled(format!("  {keys} toggles"), theme.muted()),
        ]);
        frame.render_widget(Paragraph::new(line), area);
    }
}
