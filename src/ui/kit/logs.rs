//! The selected queue job's logs: follows the tail until the user scrolls up. Part of the
//! queue pane (its scroll keys are the queue's), drawn in its own box.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use i2v_store::{JobId, JobState};

use crate::text::sanitize;
use crate::ui::kit::component::View;
use crate::ui::kit::draw::{frame_block, inner};
use crate::ui::model::book::{Entry, LogLine};
use crate::ui::model::format::{wrap, wrapped_rows};
use crate::ui::model::keys::Action;
use unicode_width::UnicodeWidthStr;

/// Lines one notch of the mouse wheel scrolls the logs.
const WHEEL_LINES: usize = 3;

#[derive(Debug)]
pub(crate) struct LogsView {
    /// Show the newest lines as they come.
    pub follow: bool,
    /// First log line shown when not following.
    top: usize,
    /// What the last frame showed: the job, the view's size and its tail.
    drawn: Option<Drawn>,
}

#[derive(Debug)]
struct Drawn {
    job: JobId,
    width: usize,
    height: usize,
    /// The first line that shows the last lines in full.
    tail: usize,
}

impl Default for LogsView {
    fn default() -> Self {
        Self {
            follow: true,
            top: 0,
            drawn: None,
        }
    }
}

impl LogsView {
    /// Another job's logs: from its tail.
    pub fn reset(&mut self) {
        self.follow = true;
        self.top = 0;
    }

    /// Scrolls by `action` (Up and Down by a wheel notch), from what the last frame showed.
    pub fn scroll(&mut self, action: Action, entry: &Entry) {
        let Some(drawn) = &self.drawn else {
            return;
        };
        // Another job than the one drawn: its tail at the size the view had.
        let tail = if drawn.job == entry.record.id {
            drawn.tail
        } else {
            tail_top(&entry.log_lines, drawn.width, drawn.height)
        };
        let page = drawn.height.saturating_sub(1).max(1);
        let top = if self.follow {
            tail
        } else {
            self.top.min(tail)
        };
        let top = match action {
            Action::Up => top.saturating_sub(WHEEL_LINES),
            Action::Down => top + WHEEL_LINES,
            Action::PageUp => top.saturating_sub(page),
            Action::PageDown => top + page,
            Action::Top => 0,
            _ => tail,
        };
        self.follow = top >= tail;
        self.top = top.min(tail);
    }

    pub fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect, entry: Option<&Entry>) {
        let theme = view.theme;
        let inner = inner(area);
        let mut title = vec![Span::raw(" Logs ")];
        // The pause marker goes first: the id may be cut off on narrow screens.
        if !self.follow {
            let key = view.keys.short_label(Action::Bottom).unwrap_or_default();
            title.push(Span::styled(
                format!("· paused, {key} follows "),
                theme.accent(),
            ));
        }
        if let Some(entry) = entry {
            // The whole id where it fits between the corners, else its end (as rows name a
            // job), else none: a title never runs into the corner.
            let room = usize::from(area.width.saturating_sub(2));
            let used: usize = title.iter().map(|s| s.content.width()).sum();
            let id = sanitize(entry.record.id.as_str());
            let tail = format!("· …{} ", crate::ui::model::format::id_tail(&id));
            let whole = format!("· {id} ");
            if used + whole.width() <= room {
                title.push(Span::styled(whole, theme.muted()));
            } else if used + tail.width() <= room {
                title.push(Span::styled(tail, theme.muted()));
            }
        }
        frame.render_widget(frame_block(theme, Line::from(title), false), area);
        let Some(entry) = entry else {
            self.drawn = None;
            return;
        };
        let (width, height) = (usize::from(inner.width), usize::from(inner.height));
        let tail = tail_top(&entry.log_lines, width, height);
        self.drawn = Some(Drawn {
            job: entry.record.id.clone(),
            width,
            height,
            tail,
        });
        if entry.log_lines.is_empty() {
            frame.render_widget(Paragraph::new("no logs yet").style(theme.muted()), inner);
            return;
        }
        let top = if self.follow {
            tail
        } else {
            self.top.min(tail)
        };
        let mut rows: Vec<Line> = Vec::with_capacity(height);
        for line in &entry.log_lines[top..] {
            let style = match line.level.to_ascii_lowercase().as_str() {
                "error" | "stderr" | "critical" | "fatal" => theme.error(),
                // The colour of waiting: a warning is not a failure.
                "warn" | "warning" => theme.state(&JobState::Preparing),
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
}

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
