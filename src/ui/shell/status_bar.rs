//! The status bar: a message if there is one, else the hints of whatever has the keyboard,
//! taken from its command list and the key map.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::ui::kit::component::Command;
use crate::ui::model::keys::Action;
use crate::ui::model::messages::StatusKind;
use crate::ui::shell::app::App;

pub(crate) fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    // A chained shot's last frame takes a decoding pass: its progress stays in sight.
    let progress = chaining_text(app);
    let line = match &app.messages.status {
        Some(status) if status.kind != StatusKind::Notice => {
            // A message cut at the screen's edge is whole in the log.
            let log = app.settings.keys.short_label(Action::Messages);
            let behind = (status.behind > 0).then(|| format!("{} more", status.behind));
            let (mark, style, dismiss) = match status.kind {
                StatusKind::Error => ("✗", theme.error(), Some("any key dismisses")),
                _ => ("⚠", theme.warning(), None),
            };
            let hint: Vec<String> = behind
                .into_iter()
                .chain(dismiss.map(str::to_owned))
                .chain(log.as_ref().map(|k| format!("{k} all messages")))
                .collect();
            let hint = match hint.is_empty() {
                true => String::new(),
                false => format!("  ({})", hint.join(" · ")),
            };
            // The message comes first; the hint after it is cut if it must be. A message
            // longer than the line itself is cut, with the key of the log where it is whole.
            let room = usize::from(area.width).saturating_sub(progress.width() + mark.width() + 2);
            let (text, hint) = match log {
                Some(key) if status.text.width() > room => {
                    let key = format!(" ({key})");
                    let cut = crate::ui::model::format::cut(
                        &status.text,
                        room.saturating_sub(key.width()),
                    );
                    (cut, key)
                }
                _ => (status.text.clone(), hint),
            };
            Line::from(vec![
                Span::styled(format!(" {mark} {text}"), style),
                Span::styled(hint, theme.muted()),
            ])
        }
        Some(status) => Line::from(Span::styled(format!(" {}", status.text), theme.notice())),
        None => hints(
            app,
            usize::from(area.width).saturating_sub(progress.width()),
        ),
    };
    let line = match progress.is_empty() {
        true => line,
        false => {
            let progress = Span::styled(progress, theme.accent());
            Line::from([progress].into_iter().chain(line.spans).collect::<Vec<_>>())
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// One hint: its key, what it does, and how much it matters when room is short.
struct Shown {
    key: String,
    what: &'static str,
    rank: Rank,
}

/// What goes first when the line is too narrow: keys the view names itself, a result's
/// judging keys, then the pane's own hints from the end; help, where the rest is found, last.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// A key the view names itself where the user is looking.
    Said,
    Spare,
    Pane,
    Help,
}

impl Shown {
    fn width(&self) -> usize {
        // Key, space, text, and two spaces before the next.
        self.key.width() + 1 + self.what.width() + 2
    }
}

/// The hints of whatever has the keyboard, from its command list and the key map, that fit
/// in `width`: whole hints dropped by rank, never one cut in half.
/// The chained shot's progress while a last frame is taken, else nothing.
fn chaining_text(app: &App) -> String {
    match &app.submits.chaining {
        Some(id) => format!(
            " {} taking the last frame of job {id}… ",
            crate::ui::model::format::spinner(app.time.ticks)
        ),
        None => String::new(),
    }
}

fn hints(app: &App, width: usize) -> Line<'static> {
    let theme = &app.settings.theme;
    let result = app.active_job().is_some_and(|id| finished_result(app, &id));
    let mut shown = Vec::new();
    for command in app.active_commands() {
        let (key, what, rank) = match command {
            Command::Action {
                action,
                hint: Some(hint),
            } => {
                if hint.on_result && !result {
                    continue;
                }
                let key = match hint.through {
                    Some(last) => app.settings.keys.run_label(action, last),
                    None => app.settings.keys.short_label(action),
                };
                let Some(key) = key else { continue };
                let rank = match (hint.on_result, action) {
                    _ if hint.said => Rank::Said,
                    (true, _) => Rank::Spare,
                    (false, Action::Help) => Rank::Help,
                    (false, _) => Rank::Pane,
                };
                // The play key stops the video playing (p again, in the view or the compare).
                // Full screen it stops the picture where it is, and plays on from there.
                let paused = app
                    .media
                    .playing
                    .iter()
                    .all(|p| p.player.clock().is_paused());
                let what = match (action, app.media.playing.is_empty(), paused) {
                    (Action::Play, false, false) => "stop",
                    (Action::Play, false, true) => "play",
                    _ => hint.text,
                };
                (key, what, rank)
            }
            Command::Action { hint: None, .. } => continue,
            Command::Key { key, hint } => (key.to_owned(), hint, Rank::Pane),
        };
        shown.push(Shown { key, what, rank });
    }
    let submitting = "submitting…";
    let room = width
        .saturating_sub(1)
        .saturating_sub(if app.submits.submitting {
            submitting.width()
        } else {
            0
        });
    // The last hint needs no spaces after it.
    let needed = |shown: &[Shown]| {
        shown
            .iter()
            .map(Shown::width)
            .sum::<usize>()
            .saturating_sub(2)
    };
    while needed(&shown) > room {
        let Some(lowest) = shown.iter().map(|s| s.rank).min() else {
            break;
        };
        if let Some(at) = shown.iter().rposition(|s| s.rank == lowest) {
            shown.remove(at);
        }
    }
    let mut spans = vec![Span::raw(" ")];
    for hint in shown {
        spans.push(Span::styled(hint.key, theme.key()));
        spans.push(Span::styled(format!(" {}  ", hint.what), theme.muted()));
    }
    if app.submits.submitting {
        spans.push(Span::styled(submitting, theme.accent()));
    }
    Line::from(spans)
}

/// Whether `id` is a completed job: one with a video to rate, note, continue or compare.
fn finished_result(app: &App, id: &i2v_store::JobId) -> bool {
    let state = match app.book.get(id) {
        Some(entry) => Some(&entry.record.state),
        None => app.book.row(id).map(|row| &row.state),
    };
    state == Some(&i2v_store::JobState::Completed)
}
