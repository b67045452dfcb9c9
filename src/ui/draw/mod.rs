//! Drawing the screen: the layout, then each pane and the open overlay draw themselves.
//! Drawing changes nothing the user sees in the state; it records the sizes the next update
//! needs (rows shown, wrap widths), so `update` never has to work them out again.

mod status;
mod wrap;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

pub(crate) use wrap::{wrap_line, wrap_lines};

use super::app::App;
use super::component::View;
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use super::panes::Focus;
use super::theme::Theme;

/// Draws the whole screen for the current state.
pub fn draw(app: &mut App, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::new().style(app.theme.base()), area);
    if layout::too_small(area) {
        app.drawn = None;
        // Short lines, so that a narrow screen shows them whole, and the one key that works.
        let quit = app.keys.short_label(super::keys::Action::Quit);
        let lines: Vec<Line> = [
            Some("terminal too small".to_owned()),
            Some(format!(
                "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
                area.width, area.height
            )),
            quit.map(|key| format!("{key} quits")),
        ]
        .into_iter()
        .flatten()
        .map(Line::from)
        .collect();
        let rows = (lines.len() as u16).min(area.height);
        let top = area.y + area.height.saturating_sub(rows) / 2;
        frame.render_widget(
            Paragraph::new(lines)
                .alignment(Alignment::Center)
                .style(app.theme.error()),
            Rect::new(area.x, top, area.width, rows),
        );
        return;
    }
    let banner = app.banner_text().map(str::to_owned);
    // A thumbnail makes the image field taller, where the prompt keeps room enough.
    let image_rows = if app.panes.image.has_thumbnail() && area.height >= 30 {
        9
    } else {
        4
    };
    let areas = layout::areas(area, banner.is_some(), image_rows);
    app.drawn = Some(areas);
    if let (Some(rect), Some(text)) = (areas.banner, banner) {
        frame.render_widget(
            Paragraph::new(format!(" {text}")).style(app.theme.banner()),
            rect,
        );
    }
    let view = |focused: bool| View {
        theme: &app.theme,
        keys: &app.keys,
        book: &app.book,
        now: app.now,
        ticks: app.ticks,
        messages: &app.messages,
        media: &app.media,
        focused,
    };
    let focus = app.focus;
    let panes = &mut app.panes;
    for (pane, rect) in [
        (Focus::Editor, areas.editor),
        (Focus::Image, areas.image),
        (Focus::Optimizer, areas.optimizer),
        (Focus::Queue, areas.queue),
        (Focus::History, areas.history),
    ] {
        panes.get_mut(pane).draw(&view(focus == pane), frame, rect);
    }
    panes.queue.draw_logs(&view(false), frame, areas.logs);
    // A view finds some of its commands as it draws (the shots a job's details can walk to),
    // so the status bar comes after it, unless the view covers it.
    let overlay_rect = app.overlay.as_ref().map(|o| o.rect(area));
    let status_last = overlay_rect.is_some_and(|rect| !rect.intersects(areas.status));
    if !status_last {
        status::draw(app, frame, areas.status);
    }
    if let (Some(overlay), Some(rect)) = (app.overlay.as_mut(), overlay_rect) {
        overlay.draw(&view(true), frame, rect);
    }
    if status_last {
        status::draw(app, frame, areas.status);
    }
}

/// A pane's frame: thick and accented when focused, so focus shows even without colour.
pub(crate) fn frame_block<'a>(theme: &Theme, title: Line<'a>, focused: bool) -> Block<'a> {
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

/// The inside of a bordered block.
pub(crate) fn inner(rect: Rect) -> Rect {
    rect.inner(ratatui::layout::Margin::new(1, 1))
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

/// A list row fitted to `width` columns: one too long ends in `…` where it is cut, so a
/// cut prompt or path does not read as the whole of it.
pub(crate) fn fit(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let style = line.style;
    let mut room = width.saturating_sub(1);
    let mut spans = Vec::new();
    let mut last_style = None;
    for span in line.spans {
        if room == 0 {
            break;
        }
        let mut text = String::new();
        for c in span.content.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if w > room {
                room = 0;
                break;
            }
            room -= w;
            text.push(c);
        }
        last_style = Some(span.style);
        spans.push(Span::styled(text, span.style));
    }
    // "pushes in…", not "pushes in …".
    while let Some(last) = spans.last_mut() {
        let kept = last.content.trim_end().len();
        if kept > 0 {
            let text = last.content[..kept].to_owned();
            last.content = text.into();
            break;
        }
        spans.pop();
    }
    spans.push(Span::styled("…", last_style.unwrap_or_default()));
    Line::from(spans).style(style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_too_long_ends_in_an_ellipsis_where_it_is_cut() {
        let row = || Line::from(vec![Span::raw("✓ done "), Span::raw("a slow dolly in")]);
        assert_eq!(fit(row(), 22).to_string(), "✓ done a slow dolly in");
        assert_eq!(fit(row(), 12).to_string(), "✓ done a sl…");
        assert_eq!(fit(row(), 7).to_string(), "✓ done…");
        assert_eq!(fit(row(), 10).to_string(), "✓ done a…");
        assert_eq!(fit(Line::from("漢字漢字"), 6).to_string(), "漢字…");
    }
}
