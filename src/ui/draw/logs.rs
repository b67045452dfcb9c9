//! The selected queue job's logs: follows the tail until the user scrolls up.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::pane;
use crate::text::sanitize;
use crate::ui::app::App;
use crate::ui::book::LogLine;
use crate::ui::format::{wrap, wrapped_rows};
use crate::ui::keys::Action;
use crate::ui::layout;

/// The first line to show so the last lines fill a `width`×`height` view.
pub(crate) fn tail_top(lines: &[LogLine], width: usize, height: usize) -> usize {
    let mut rows = 0;
    for (i, line) in lines.iter().enumerate().rev() {
        rows += wrapped_rows(&line.text, width);
        if rows > height {
            return i + 1;
        }
    }
    0
}

pub(super) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let inner = layout::inner(area);
    let entry = app.queue_selected().and_then(|id| app.book.get(&id));
    let mut title = vec![Span::raw(" Logs ")];
    // The pause marker goes first: the id may be cut off on narrow screens.
    if !app.queue.follow {
        let key = app.keys.short_label(Action::Bottom).unwrap_or_default();
        title.push(Span::styled(
            format!("· paused, {key} follows "),
            theme.accent(),
        ));
    }
    if let Some(entry) = entry {
        title.push(Span::styled(
            format!("· {} ", sanitize(entry.record.id.as_str())),
            theme.muted(),
        ));
    }
    frame.render_widget(pane(theme, Line::from(title), false), area);
    let Some(entry) = entry else {
        return;
    };
    let (width, height) = (usize::from(inner.width), usize::from(inner.height));
    if entry.log_lines.is_empty() {
        frame.render_widget(Paragraph::new("no logs yet").style(theme.muted()), inner);
        return;
    }
    let tail = tail_top(&entry.log_lines, width, height);
    let top = if app.queue.follow {
        tail
    } else {
        app.queue.log_top.min(tail)
    };
    let mut rows: Vec<Line> = Vec::with_capacity(height);
    for line in &entry.log_lines[top..] {
        let style = match line.level.to_ascii_lowercase().as_str() {
            "error" | "stderr" | "critical" | "fatal" => theme.error(),
            "warn" | "warning" => theme.state(&i2v_store::JobState::Queued { position: None }),
            "debug" | "trace" => theme.muted(),
            _ => theme.base(),
        };
        for row in wrap(&line.text, width) {
            rows.push(Line::styled(row, style));
        }
        if rows.len() >= height {
            break;
        }
    }
    rows.truncate(height);
    frame.render_widget(Paragraph::new(rows), inner);
}
