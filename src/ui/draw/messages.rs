//! The message log: every notice and error of the session, in full, wrapped.

use ratatui::text::{Line, Span};

use super::wrap::wrap_line;
use crate::ui::app::{App, StatusKind};

pub(super) fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    if app.messages.is_empty() {
        return vec![Line::styled("No messages yet.", theme.muted())];
    }
    let mut lines = Vec::new();
    for logged in &app.messages {
        let (mark, style) = match logged.kind {
            StatusKind::Error => ("✗", theme.error()),
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
