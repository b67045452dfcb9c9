//! Drawing helpers every pane and view shares: a pane's frame, the inside of a box, a
//! selected row, a row fitted to its width.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear};

use crate::preview::Playback;
use crate::text::sanitize;
use crate::ui::model::theme::Theme;

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

/// Empties `area` for a view drawn over what was there, in the theme's colours: ratatui's
/// `Clear` leaves the terminal's own background, a band of another colour around a view in a
/// theme with a background of its own (high-contrast's black).
pub(crate) fn clear(frame: &mut Frame, area: Rect, theme: &Theme) {
    frame.render_widget(Clear, area);
    frame.render_widget(Block::new().style(theme.base()), area);
}

/// All of the screen but its last row, the status bar, which names the keys: for the views
/// that want every other row (full screen, the grid, the storyboard).
pub(crate) fn above_status_bar(screen: Rect) -> Rect {
    Rect {
        height: screen.height.saturating_sub(1),
        ..screen
    }
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

/// What a player has `now`, in `area`: the picture, or `starting…`, or why it failed
/// (sanitised, as the decoder's words may quote the file), each line as `say` puts it.
pub(crate) fn playback(
    frame: &mut Frame,
    area: Rect,
    now: Playback,
    theme: &Theme,
    say: impl Fn(&mut Frame, String, Style),
) {
    match now {
        Playback::Playing(shown) => frame.render_widget(&shown.picture, area),
        Playback::Starting => say(frame, "starting…".into(), theme.muted()),
        Playback::Failed(err) => say(frame, format!("✗ {}", sanitize(&err)), theme.error()),
    }
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
