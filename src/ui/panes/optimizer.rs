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

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;
    use crate::ui::kit::test_component::TestComponent;

    #[test]
    fn space_or_enter_flips_it_and_says_so() {
        let mut pane = TestComponent::new(OptimizerPane::new(true));
        assert_eq!(
            pane.press(KeyCode::Char(' '), KeyModifiers::NONE),
            Outcome::Handled
        );
        assert!(!pane.component.on());
        assert_eq!(pane.said(), ["Prompt optimizer off"]);
        pane.take();
        assert_eq!(
            pane.press(KeyCode::Enter, KeyModifiers::NONE),
            Outcome::Handled
        );
        assert!(pane.component.on());
        assert_eq!(pane.said(), ["Prompt optimizer on"]);
    }

    #[test]
    fn what_it_only_lists_goes_back_to_the_app() {
        let mut pane = TestComponent::new(OptimizerPane::new(true));
        for action in [Action::Submit, Action::FocusNext, Action::Help] {
            assert_eq!(pane.act(action), Outcome::HandBack, "{action:?}");
        }
        assert!(pane.take().is_empty());
        assert!(pane.component.on());
        assert_eq!(pane.hints(), ["toggle", "submit", "next", "help"]);
    }

    #[test]
    fn it_shows_its_state_and_the_keys_that_work_where_the_keyboard_is() {
        let mut pane = TestComponent::new(OptimizerPane::new(true));
        assert_eq!(
            pane.screen(50, 1),
            "›[x] prompt optimizer  Space/Ctrl-O toggles"
        );
        pane.focused = false;
        pane.component.set(false);
        assert_eq!(pane.screen(50, 1), " [ ] prompt optimizer  Ctrl-O toggles");
    }
}
