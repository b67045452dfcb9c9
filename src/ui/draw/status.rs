//! The status bar: a message if there is one, else the hints of whatever has the keyboard,
//! taken from its command list and the key map.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::app::{App, StatusKind};
use crate::ui::component::Command;
use crate::ui::keys::Action;

pub(super) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let line = match &app.status {
        Some(status) if status.kind == StatusKind::Error => {
            // A message cut at the screen's edge is whole in the log.
            let log = app
                .keys
                .short_label(Action::Messages)
                .map_or_else(String::new, |k| format!(" · {k} all messages"));
            let behind = match app.errors_behind {
                0 => String::new(),
                n => format!("{n} more · "),
            };
            Line::from(vec![
                Span::styled(format!(" ✗ {}", status.text), theme.error()),
                Span::styled(format!("  ({behind}any key dismisses{log})"), theme.muted()),
            ])
        }
        Some(status) => Line::from(Span::styled(format!(" {}", status.text), theme.notice())),
        None => hints(app),
    };
    // A chained shot's last frame takes a decoding pass: its progress stays in sight.
    let line = match &app.chaining {
        Some(id) => {
            let progress = Span::styled(
                format!(
                    " {} taking the last frame of job {id}… ",
                    crate::ui::format::spinner(app.ticks)
                ),
                theme.accent(),
            );
            Line::from([progress].into_iter().chain(line.spans).collect::<Vec<_>>())
        }
        None => line,
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn hints(app: &App) -> Line<'static> {
    let theme = &app.theme;
    let mut spans = vec![Span::raw(" ")];
    for command in app.active_commands() {
        let (key, what) = match command {
            Command::Action {
                action,
                hint: Some(what),
            } => match app.keys.short_label(action) {
                Some(key) => (key, what),
                None => continue,
            },
            Command::Action { hint: None, .. } => continue,
            Command::Key { key, hint } => (key.to_owned(), hint),
        };
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {what}  "), theme.muted()));
    }
    if app.submitting {
        spans.push(Span::styled("submitting…", theme.accent()));
    }
    Line::from(spans)
}
