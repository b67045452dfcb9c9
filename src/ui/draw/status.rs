//! The banner line and the status bar: a message if there is one, else the keys that work
//! where the focus is (taken from the key map).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::app::{App, Focus, Overlay, StatusKind};
use crate::ui::keys::Action;

pub(super) fn banner(app: &App, text: &str, frame: &mut Frame, area: Rect) {
    frame.render_widget(
        Paragraph::new(format!(" {text}")).style(app.theme.banner()),
        area,
    );
}

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
    frame.render_widget(Paragraph::new(line), area);
}

fn hints(app: &App) -> Line<'static> {
    use Action::*;
    let theme = &app.theme;
    let fixed = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, w)| ((*k).to_owned(), (*w).to_owned()))
            .collect()
    };
    let actions: &[(Action, &str)] = match (&app.overlay, app.focus) {
        (
            Some(
                Overlay::ConfirmCancel(_)
                | Overlay::ConfirmSubmit(_)
                | Overlay::ConfirmLimits { .. },
            ),
            _,
        ) => &[],
        (Some(Overlay::Detail { .. }), _) => &[
            (Back, "close"),
            (Down, "scroll"),
            (CopyUrl, "copy URL"),
            (OpenVideo, "open"),
        ],
        (Some(_), _) => &[(Back, "close"), (Down, "scroll"), (PageDown, "page")],
        _ if app.history.filtering => &[],
        (None, Focus::Editor) => &[
            (Submit, "submit"),
            (EditExternally, "$EDITOR"),
            (ToggleOptimizer, "optimizer"),
            (FocusNext, "next"),
            (Help, "help"),
            (Quit, "quit"),
        ],
        (None, Focus::Image) => &[
            (Submit, "submit"),
            (FocusNext, "next"),
            (Help, "help"),
            (Quit, "quit"),
        ],
        (None, Focus::Optimizer) => &[
            (Toggle, "toggle"),
            (Submit, "submit"),
            (FocusNext, "next"),
            (Help, "help"),
        ],
        (None, Focus::Queue) => &[
            (Down, "move"),
            (Detail, "details"),
            (Cancel, "cancel"),
            (CopyUrl, "copy URL"),
            (OpenVideo, "open"),
            (PageUp, "scroll logs"),
            (Help, "help"),
        ],
        (None, Focus::History) => &[
            (Restore, "load"),
            (Rerun, "re-run"),
            (Diff, "diff"),
            (Filter, "filter"),
            (Detail, "details"),
            (CopyUrl, "copy URL"),
            (Help, "help"),
        ],
    };
    let pairs: Vec<(String, String)> = match (&app.overlay, app.history.filtering) {
        (Some(Overlay::ConfirmCancel(_)), _) => fixed(&[("y", "cancel the job"), ("n", "keep it")]),
        (Some(Overlay::ConfirmSubmit(_)), _) => fixed(&[("y", "submit again"), ("n", "don't")]),
        (Some(Overlay::ConfirmLimits { .. }), _) => fixed(&[("y", "send anyway"), ("n", "don't")]),
        (None, true) => fixed(&[("Enter", "keep filter"), ("Esc", "clear"), ("↑↓", "move")]),
        _ => actions
            .iter()
            .filter_map(|&(a, what)| Some((app.keys.short_label(a)?, what.to_owned())))
            .collect(),
    };
    let mut spans = vec![Span::raw(" ")];
    for (key, what) in pairs {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {what}  "), theme.muted()));
    }
    if app.submitting {
        spans.push(Span::styled("submitting…", theme.accent()));
    }
    Line::from(spans)
}
