//! The queue panel: this session's jobs, newest first, with live state and elapsed time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::pane;
use crate::text::sanitize;
use crate::ui::app::{App, Focus};
use crate::ui::book::Entry;
use crate::ui::format::{elapsed_secs, mm_ss, prompt_row, state_icon, state_text};
use crate::ui::keys::Action;
use crate::ui::layout;

pub(super) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let focused = app.focus == Focus::Queue;
    let active = app
        .book
        .live()
        .filter(|e| !e.record.state.is_terminal())
        .count();
    let title = Line::from(vec![
        Span::raw(" Queue "),
        Span::styled(format!("· {active} active "), theme.muted()),
    ]);
    frame.render_widget(pane(theme, title, focused), area);
    let inner = layout::inner(area);
    let entries: Vec<&Entry> = app.book.live().collect();
    if entries.is_empty() {
        let hint = app
            .keys
            .short_label(Action::Submit)
            .map_or_else(String::new, |k| format!(" — {k} submits"));
        frame.render_widget(
            Paragraph::new(format!("No jobs yet{hint}")).style(theme.muted()),
            inner,
        );
        return;
    }
    let selected = app.queue_selected();
    let at = entries
        .iter()
        .position(|e| Some(&e.record.id) == selected.as_ref())
        .unwrap_or(0);
    let height = usize::from(inner.height);
    let state_width = entries
        .iter()
        .map(|e| state_text(e, app.now).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(9, 16);
    let offset = (at + 1).saturating_sub(height);
    let lines: Vec<Line> = entries
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, e)| {
            let below = entries
                .get(i + 1)
                .or_else(|| entries.get(i.checked_sub(1)?))
                .map(|b| b.record.input.prompt.as_str());
            let row = row(app, e, below, state_width);
            match (i == at, focused) {
                (true, true) => super::selected(row, theme),
                (true, false) => row.style(Style::new().add_modifier(Modifier::BOLD)),
                _ => row,
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn row(app: &App, entry: &Entry, below: Option<&str>, state_width: usize) -> Line<'static> {
    let theme = &app.theme;
    let record = &entry.record;
    let state_style = theme.state(&record.state);
    Line::from(vec![
        Span::styled(
            format!("{} ", state_icon(&record.state, app.ticks)),
            state_style,
        ),
        Span::styled(
            format!("{:<state_width$} ", state_text(entry, app.now)),
            state_style,
        ),
        Span::styled(
            format!("{} ", mm_ss(elapsed_secs(record, app.now))),
            theme.muted(),
        ),
        Span::raw(sanitize(&prompt_row(&record.input.prompt, below))),
    ])
}
