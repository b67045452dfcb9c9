//! The help overlay, generated from the command lists and the key map so it always tells
//! the truth: first what works where the keyboard was, then every action by section.

use ratatui::text::{Line, Span};

use crate::ui::kit::component::{Command, Ctx, Outcome, View};
use crate::ui::kit::scroll::{Text, TextView};
use crate::ui::kit::wrap::{wrap_line, wrap_lines};
use crate::ui::model::keys::{Action, Scope};

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
fn notes_for(scope: Scope) -> Vec<String> {
    let notes: &[&str] = match scope {
        Scope::Global => &["plain keys (q, ?) type text while the prompt or image field has focus"],
        Scope::Text => &[
            "editing: Ctrl-←/→ or Alt-B/F by word, Home/End or Ctrl-A line start/end, \
             Ctrl-Home/End the whole text's, Ctrl-W/Alt-D delete a word, Ctrl-K delete to \
             line end, Enter new line",
            "image field: Tab completes a local path (several: Tab/↓ next, Enter takes, Esc \
             closes)",
        ],
        Scope::Jobs => &["in the history, Enter loads the job into the editor instead"],
        Scope::Queue => &["the cancel question takes y (or Enter) / n (or Esc)"],
        Scope::History => &["in the filter line: type, Enter keeps the filter, Esc clears it"],
        _ => &[],
    };
    let mut notes: Vec<String> = notes.iter().map(|n| (*n).to_owned()).collect();
    if scope == Scope::Text {
        notes.push(format!(
            "prompt: [ offers Hailuo's camera commands (up to {} in one bracket, ↑↓ choose, \
             Enter or Tab inserts, known ones in colour): {}",
            crate::camera::MAX_IN_ONE,
            crate::camera::COMMANDS.join(", ")
        ));
    }
    notes
}

pub(crate) struct Help {
    /// The pane the keyboard was in, and its commands (the app's own left out).
    here: (&'static str, Vec<Command>),
}

impl Help {
    pub fn new(pane: &'static str, commands: Vec<Command>) -> TextView<Self> {
        TextView::new(Self {
            here: (pane, commands),
        })
    }
}

impl Text for Help {
    fn title(&self) -> String {
        "Help — Esc closes, ↑↓ scroll".to_owned()
    }

    fn lines(&mut self, view: &View, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        let keys = view.keys;
        let note = |text: &str| {
            wrap_lines(
                vec![Line::styled(format!("  {text}"), theme.muted())],
                width,
            )
        };
        let keys_width = Action::ALL
            .iter()
            .map(|&a| keys.label(a).chars().count())
            .max()
            .unwrap_or(0)
            .min(24);
        let row = |key: String, about: &str, name: Option<&str>| {
            let mut spans = vec![
                Span::styled(format!("  {key:<keys_width$}  "), theme.key()),
                Span::raw(about.to_owned()),
            ];
            if let Some(name) = name {
                spans.push(Span::styled(format!("  ({name})"), theme.muted()));
            }
            wrap_line(Line::from(spans), width, keys_width + 4)
        };
        let (pane, commands) = &self.here;
        let mut lines = vec![Line::styled(format!("Here, in {pane}"), theme.title(true))];
        // A key two of the pane's commands share does what the first says: the later one is
        // listed without it (in the history, Enter loads the job; details are on `v`).
        let mut taken = Vec::new();
        for command in commands {
            lines.extend(match *command {
                Command::Action { action, .. } => {
                    let label = keys.label_without(action, &taken);
                    taken.extend_from_slice(keys.keys(action));
                    row(label, action.about(), None)
                }
                Command::Key { key, hint } => row(key.to_owned(), hint, None),
            });
        }
        for scope in SCOPES {
            lines.push(Line::from(""));
            lines.push(Line::styled(scope.title(), theme.title(true)));
            for &action in Action::ALL.iter().filter(|a| a.scope() == scope) {
                lines.extend(row(keys.label(action), action.about(), Some(action.name())));
            }
            for text in notes_for(scope) {
                lines.extend(note(&text));
            }
        }
        lines.push(Line::from(""));
        lines.extend(note(
            "remap an action in the config file, by the name in brackets: \
             [ui.keys] submit = \"ctrl-s, f5\"",
        ));
        lines
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        // Its own key closes it.
        if action == Action::Help {
            ctx.close();
        }
        Outcome::of(action == Action::Help)
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;
    use crate::ui::kit::component::{Request, hint};
    use crate::ui::kit::test_component::TestComponent;
    use crate::ui::model::keys::KeyMap;

    #[test]
    fn it_lists_the_keys_of_where_the_keyboard_is_first_then_every_action() {
        let here = vec![hint(Action::Toggle, "toggle")];
        let mut help = TestComponent::new(Help::new("the optimizer", here));
        let screen = help.screen(100, 60);
        let lines: Vec<&str> = screen.lines().collect();
        assert!(lines[1].contains("Here, in the optimizer"), "{screen}");
        assert!(lines[2].contains("Space, Enter"), "{screen}");
        assert!(lines[2].contains("toggle the prompt optimizer"), "{screen}");
        // Every action is listed under its scope, with the name the config remaps it by.
        assert!(screen.contains("(toggle_optimizer)"), "{screen}");
    }

    #[test]
    fn a_remapped_key_is_what_help_says() {
        let mut help = TestComponent::new(Help::new("the prompt", Vec::new()));
        let remapped = [("toggle_optimizer".to_owned(), "alt-o".to_owned())];
        let (keys, warnings) = KeyMap::with_config(&remapped.into_iter().collect());
        assert!(warnings.is_empty(), "{warnings:?}");
        help.keys = keys;
        let screen = help.screen(100, 60);
        assert!(
            screen.lines().any(|l| l.contains("Alt-o")
                && !l.contains("Ctrl-O")
                && l.contains("(toggle_optimizer)")),
            "{screen}"
        );
    }

    #[test]
    fn its_own_key_closes_it() {
        let mut help = TestComponent::new(Help::new("the prompt", Vec::new()));
        help.press(KeyCode::F(1), KeyModifiers::NONE);
        assert!(matches!(help.take().as_slice(), [Request::Close]));
    }
}
