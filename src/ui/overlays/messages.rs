//! The message log: every notice, warning and error of the session, in full, wrapped.

use ratatui::text::{Line, Span};

use crate::ui::kit::component::{Ctx, Outcome, View};
use crate::ui::kit::scroll::{Text, TextView};
use crate::ui::kit::wrap::wrap_line;
use crate::ui::model::keys::Action;
use crate::ui::model::messages::StatusKind;

pub(crate) struct Messages;

impl Messages {
    /// Opened at the end: the newest messages are wanted.
    pub fn open() -> TextView<Self> {
        TextView::at_end(Self)
    }
}

impl Text for Messages {
    fn title(&self) -> String {
        "Messages — Esc closes, ↑↓ scroll".to_owned()
    }

    fn lines(&mut self, view: &View, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        if view.messages.is_empty() {
            return vec![Line::styled("No messages yet.", theme.muted())];
        }
        let mut lines = Vec::new();
        for logged in view.messages {
            let (mark, style) = match logged.kind {
                StatusKind::Error => ("✗", theme.error()),
                StatusKind::Warning => ("⚠", theme.warning()),
                StatusKind::Notice => ("·", theme.notice()),
            };
            let line = Line::from(vec![
                Span::styled(format!("{} ", logged.at.format("%H:%M:%S")), theme.muted()),
                Span::styled(format!("{mark} "), style),
                Span::raw(logged.text.clone()),
            ]);
            // Continuation rows line up under the text, after the time and the mark.
            lines.extend(wrap_line(line, width, 11));
        }
        lines
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        // Its own key closes it.
        if action == Action::Messages {
            ctx.close();
        }
        Outcome::of(action == Action::Messages)
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;
    use crate::ui::kit::component::Request;
    use crate::ui::kit::test_component::TestComponent;
    use crate::ui::model::messages::Logged;

    fn logged(kind: StatusKind, text: &str) -> Logged {
        Logged {
            at: chrono::Utc::now(),
            kind,
            text: text.to_owned(),
        }
    }

    #[test]
    fn it_says_when_there_is_nothing_yet() {
        let mut log = TestComponent::new(Messages::open());
        assert!(log.screen(60, 6).contains("No messages yet."));
    }

    #[test]
    fn every_message_is_shown_in_full_marked_by_its_kind() {
        let mut log = TestComponent::new(Messages::open());
        let long = "fal refused the image: it is smaller than 300 pixels on its shorter side, \
                    which the model does not take";
        log.messages = vec![
            logged(StatusKind::Notice, "Submitted job 01J"),
            logged(StatusKind::Error, long),
        ];
        let screen = log.screen(60, 10);
        assert!(screen.contains("· Submitted job 01J"), "{screen}");
        assert!(screen.contains("✗ fal refused the image"), "{screen}");
        assert!(screen.contains("does not take"), "{screen}");
    }

    #[test]
    fn its_own_key_or_esc_closes_it_and_other_views_keys_go_back_to_the_app() {
        let mut log = TestComponent::new(Messages::open());
        log.press(KeyCode::F(3), KeyModifiers::NONE);
        assert!(matches!(log.take().as_slice(), [Request::Close]));
        log.press(KeyCode::Esc, KeyModifiers::NONE);
        assert!(matches!(log.take().as_slice(), [Request::Close]));
        assert_eq!(log.act(Action::Help), Outcome::HandBack);
        assert!(log.take().is_empty());
    }
}
