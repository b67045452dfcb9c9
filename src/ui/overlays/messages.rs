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
