//! Drawing: reads the [`App`], never changes it. One file per pane.

mod detail;
mod diff;
mod editor;
mod help;
mod history;
pub(crate) mod logs;
mod messages;
mod queue;
mod status;
mod wrap;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::app::{App, Overlay};
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use super::theme::Theme;

/// Draws the whole screen for the current state.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::new().style(app.theme.base()), area);
    if layout::too_small(area) {
        let text = format!(
            "terminal too small: need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
            area.width, area.height
        );
        let y = area.height / 2;
        let line = Rect::new(area.x, area.y + y, area.width, 1.min(area.height));
        frame.render_widget(
            Paragraph::new(text)
                .alignment(Alignment::Center)
                .style(app.theme.error()),
            line,
        );
        return;
    }
    let areas = layout::areas(area, app.banner_text().is_some());
    if let (Some(rect), Some(text)) = (areas.banner, app.banner_text()) {
        status::banner(app, text, frame, rect);
    }
    editor::draw(app, frame, &areas);
    queue::draw(app, frame, areas.queue);
    logs::draw(app, frame, areas.logs);
    history::draw(app, frame, areas.history);
    status::draw(app, frame, areas.status);
    if let Some(overlay) = &app.overlay {
        draw_overlay(app, overlay, frame, area);
    }
}

/// A pane's frame: thick and accented when focused, so focus shows even without colour.
pub(crate) fn pane<'a>(theme: &Theme, title: Line<'a>, focused: bool) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(theme.border(focused))
        .title(title.style(theme.title(focused)))
}

/// The box an overlay is drawn in, for a screen of `area`.
fn overlay_rect(overlay: &Overlay, area: Rect) -> Rect {
    match overlay {
        Overlay::ConfirmCancel(_) | Overlay::ConfirmSubmit(_) => {
            layout::centered(area, 50, 10, 50, 5)
        }
        Overlay::ConfirmLimits { .. } => layout::centered(area, 70, 10, 60, 6),
        _ => layout::centered(area, 84, 84, 64, 18),
    }
}

/// A scrollable overlay's title and content, wrapped to `width`.
fn overlay_content(app: &App, overlay: &Overlay, width: usize) -> (String, Vec<Line<'static>>) {
    match overlay {
        Overlay::Help { .. } => (
            "Help — Esc closes, ↑↓ scroll".to_owned(),
            help::lines(app, width),
        ),
        Overlay::Messages { .. } => (
            "Messages — Esc closes, ↑↓ scroll".to_owned(),
            messages::lines(app, width),
        ),
        Overlay::Detail { id, .. } => (
            format!("Job {} — Esc closes", crate::text::sanitize(id.as_str())),
            detail::lines(app, id, width),
        ),
        Overlay::Diff { id, .. } => ("Diff — Esc closes".to_owned(), diff::lines(app, id, width)),
        Overlay::ConfirmCancel(_) | Overlay::ConfirmSubmit(_) | Overlay::ConfirmLimits { .. } => {
            (String::new(), Vec::new())
        }
    }
}

/// Rows of content and rows visible in the open overlay, for scrolling.
pub(crate) fn overlay_rows(app: &App) -> (usize, usize) {
    let Some(overlay) = &app.overlay else {
        return (0, 0);
    };
    let inner = layout::inner(overlay_rect(overlay, app.size));
    let (_, lines) = overlay_content(app, overlay, usize::from(inner.width));
    (lines.len(), usize::from(inner.height))
}

fn draw_overlay(app: &App, overlay: &Overlay, frame: &mut Frame, area: Rect) {
    let rect = overlay_rect(overlay, area);
    frame.render_widget(Clear, rect);
    let theme = &app.theme;
    if let Overlay::ConfirmCancel(id) = overlay {
        let title = app
            .book
            .get(id)
            .map(|e| crate::text::sanitize(e.record.title()))
            .unwrap_or_default();
        let text = vec![
            Line::from(format!(
                "Cancel job {}?",
                crate::text::sanitize(id.as_str())
            )),
            Line::from(title).style(theme.muted()),
            Line::from("y: cancel it    n / Esc: keep it").style(theme.key()),
        ];
        frame.render_widget(confirm_box(theme, " Cancel job ", text), rect);
        return;
    }
    if let Overlay::ConfirmLimits { limit, .. } = overlay {
        let text = vec![
            Line::from(crate::text::sanitize(limit)).style(theme.error()),
            Line::from("fal will most likely refuse it (and may bill it).").style(theme.muted()),
            Line::from("y: send it anyway    n / Esc: change the image").style(theme.key()),
        ];
        // The limit is the point of this box: wrapped, not cut.
        let question = confirm_box(theme, " Outside the model's limits ", text)
            .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(question, rect);
        return;
    }
    if let Overlay::ConfirmSubmit(job) = overlay {
        let first = job.prompt.lines().next().unwrap_or_default();
        let text = vec![
            Line::from("An identical job is still queued or running."),
            Line::from(crate::text::sanitize(first)).style(theme.muted()),
            Line::from("y: submit it again (billed again)    n / Esc: don't").style(theme.key()),
        ];
        frame.render_widget(confirm_box(theme, " Submit again? ", text), rect);
        return;
    }
    let inner = layout::inner(rect);
    let (title, lines) = overlay_content(app, overlay, usize::from(inner.width));
    let scroll = match overlay {
        Overlay::Help { scroll }
        | Overlay::Messages { scroll }
        | Overlay::Detail { scroll, .. }
        | Overlay::Diff { scroll, .. } => *scroll,
        Overlay::ConfirmCancel(_) | Overlay::ConfirmSubmit(_) | Overlay::ConfirmLimits { .. } => 0,
    };
    let max = lines.len().saturating_sub(usize::from(inner.height));
    let scroll = scroll.min(max);
    let more = if lines.len() > usize::from(inner.height) {
        format!(" [{}/{}] ", scroll + 1, max + 1)
    } else {
        String::new()
    };
    let block = pane(theme, Line::from(format!(" {title} ")), true)
        .title_bottom(Line::from(more).right_aligned());
    let visible: Vec<Line> = lines.into_iter().skip(scroll).collect();
    frame.render_widget(
        Paragraph::new(visible).block(block).style(theme.base()),
        rect,
    );
}

/// A list row in the selection colours: the row's own colours (state, muted) would clash
/// with the selection background, so they give way.
pub(crate) fn selected(line: Line<'static>, theme: &Theme) -> Line<'static> {
    let style = theme.selection();
    Line::from(
        line.spans
            .into_iter()
            .map(|span| span.style(style))
            .collect::<Vec<_>>(),
    )
    .style(style)
}

/// A yes/no question in a focused box, its lines centred. Long lines are cut, so the keys on
/// the last line stay inside the box.
fn confirm_box<'a>(theme: &Theme, title: &'static str, text: Vec<Line<'a>>) -> Paragraph<'a> {
    Paragraph::new(text)
        .block(pane(theme, Line::from(title), true))
        .style(theme.base())
        .alignment(Alignment::Center)
}
