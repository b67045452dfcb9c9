//! The history pane: every job, newest first (or best match first while filtering).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::pane;
use crate::text::sanitize;
use crate::ui::app::{App, Focus};
use crate::ui::format::{ago, count, prompt_row, state_icon};
use crate::ui::layout;

pub(super) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let focused = app.focus == Focus::History;
    let view = &app.history;
    let count = if view.filter.is_empty() {
        format!("· {} ", count(view.visible.len(), "job", "jobs"))
    } else {
        format!("· {}/{} match ", view.visible.len(), app.book.len())
    };
    let title = Line::from(vec![
        Span::raw(" History "),
        Span::styled(count, theme.muted()),
    ]);
    frame.render_widget(pane(theme, title, focused), area);
    let mut inner = layout::inner(area);
    if view.filtering || !view.filter.is_empty() {
        let filter_row = Rect {
            y: inner.bottom().saturating_sub(1),
            height: 1.min(inner.height),
            ..inner
        };
        inner.height = inner.height.saturating_sub(1);
        let mut spans = vec![
            Span::styled("/", theme.key()),
            Span::raw(sanitize(&view.filter)),
        ];
        if view.filtering {
            spans.push(Span::styled("▏", theme.accent()));
            spans.push(Span::styled("  Enter keeps · Esc clears", theme.muted()));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), filter_row);
    }
    if view.visible.is_empty() {
        let text = if !view.loaded {
            "loading history…".to_owned()
        } else if !view.filter.is_empty() {
            "nothing matches the filter".to_owned()
        } else {
            "no jobs yet".to_owned()
        };
        frame.render_widget(Paragraph::new(text).style(theme.muted()), inner);
        return;
    }
    let at = view
        .selected
        .as_ref()
        .and_then(|id| view.visible.iter().position(|v| v == id))
        .unwrap_or(0);
    let height = usize::from(inner.height);
    let offset = (at + 1).saturating_sub(height);
    let lines: Vec<Line> = view
        .visible
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .filter_map(|(i, id)| {
            let entry = app.book.get(id)?;
            let below = view
                .visible
                .get(i + 1)
                .or_else(|| view.visible.get(i.checked_sub(1)?))
                .and_then(|id| app.book.get(id))
                .map(|e| e.record.input.prompt.as_str());
            let record = &entry.record;
            let state_style = theme.state(&record.state);
            // A spinner only where something moves: an unfinished job nobody here follows
            // would spin without ever changing.
            let icon = if entry.live || record.state.is_terminal() {
                state_icon(&record.state, app.ticks)
            } else {
                "◌"
            };
            let line = Line::from(vec![
                Span::styled(format!("{icon} "), state_style),
                Span::styled(format!("{:<10} ", record.state.label()), state_style),
                Span::styled(
                    format!("{:>9}  ", ago(record.created_at, app.now)),
                    theme.muted(),
                ),
                Span::raw(sanitize(&prompt_row(&record.input.prompt, below))),
                Span::styled(
                    format!("  {}", sanitize(&record.input.image.display())),
                    theme.muted(),
                ),
            ]);
            Some(if i == at && focused {
                super::selected(line, theme)
            } else {
                line
            })
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
