//! The help overlay, generated from the key map so it always tells the truth.

use ratatui::text::{Line, Span};

use super::wrap::{wrap_line, wrap_lines};
use crate::ui::app::App;
use crate::ui::keys::{Action, Scope};

const SCOPES: [Scope; 7] = [
    Scope::Global,
    Scope::Text,
    Scope::Optimizer,
    Scope::Lists,
    Scope::Jobs,
    Scope::Queue,
    Scope::History,
];

/// Keys that are not actions, said once under their section.
fn note_for(scope: Scope) -> Option<&'static str> {
    match scope {
        Scope::Global => {
            Some("plain keys (q, ?) type text while the prompt or image field has focus")
        }
        Scope::Text => Some(
            "editing: Ctrl-←/→ or Alt-B/F by word, Home/End or Ctrl-A line start/end, \
             Ctrl-W/Alt-D delete a word, Ctrl-K delete to line end, Enter new line",
        ),
        Scope::Jobs => Some("in the history, Enter loads the job into the editor instead"),
        Scope::Queue => Some("the cancel question takes y (or Enter) / n (or Esc)"),
        Scope::History => Some("in the filter line: type, Enter keeps the filter, Esc clears it"),
        _ => None,
    }
}

pub(super) fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let note = |text: &str| {
        wrap_lines(
            vec![Line::styled(format!("  {text}"), theme.muted())],
            width,
        )
    };
    let keys_width = Action::ALL
        .iter()
        .map(|&a| app.keys.label(a).chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    let mut lines = Vec::new();
    for scope in SCOPES {
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.push(Line::styled(scope.title(), theme.title(true)));
        for &action in Action::ALL.iter().filter(|a| a.scope() == scope) {
            let line = Line::from(vec![
                Span::styled(
                    format!("  {:<keys_width$}  ", app.keys.label(action)),
                    theme.key(),
                ),
                Span::raw(action.about()),
                Span::styled(format!("  ({})", action.name()), theme.muted()),
            ]);
            lines.extend(wrap_line(line, width, keys_width + 4));
        }
        if let Some(text) = note_for(scope) {
            lines.extend(note(text));
        }
    }
    lines.push(Line::from(""));
    lines.extend(note(
        "remap an action in the config file, by the name in brackets: \
         [ui.keys] submit = \"ctrl-s, f5\"",
    ));
    lines
}
