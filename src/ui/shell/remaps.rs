//! The key map as the config makes it: `[ui.keys]` over the defaults, checked against what
//! every pane takes, so a remap that takes a key another action of the same pane had is
//! reported at start. The check needs the panes, so it lives here, above them; the map
//! itself (`model/keys.rs`) knows nothing of them.

use std::collections::BTreeMap;

use crate::ui::model::keys::{Action, KeyMap};
use crate::ui::shell::panes::command_lists;
use crate::ui::shell::route::{pane_action, pane_actions};

impl KeyMap {
    /// Applies `[ui.keys]` over the defaults (see [`KeyMap::with_config`]), then warns of
    /// each remap that hides another action in some pane.
    pub fn from_config(keys: &BTreeMap<String, String>) -> (KeyMap, Vec<String>) {
        let (map, mut warnings) = KeyMap::with_config(keys);
        warnings.extend(shadowed(&map));
        (map, warnings)
    }
}

/// Keys a remap made ambiguous: in some pane, one key now bound to two of the actions it
/// takes, of which only the first it looks up ever runs. Clashes the defaults already
/// have (on purpose, like Enter in the history) are not news.
fn shadowed(map: &KeyMap) -> Vec<String> {
    let remapped = map.remapped();
    let defaults = KeyMap::default();
    let mut warnings = std::collections::BTreeSet::new();
    for (pane, commands) in command_lists() {
        let takes: Vec<Action> = pane_actions(&commands);
        for &action in remapped.iter().filter(|a| takes.contains(a)) {
            for &key in map.keys(action) {
                let Some(winner) = pane_action(map, &commands, key) else {
                    continue;
                };
                let in_default = |a: Action| defaults.keys(a).contains(&key);
                for &lost in &takes {
                    let clashes = lost != winner && map.keys(lost).contains(&key);
                    if clashes && !(in_default(lost) && in_default(winner)) {
                        warnings.insert(format!(
                            "[ui.keys] {key} in {} runs {}, so {} ({}) has lost that key there",
                            pane.name(),
                            winner.name(),
                            lost.name(),
                            lost.about()
                        ));
                    }
                }
            }
        }
    }
    warnings.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preview::Keyboard;

    #[test]
    fn a_run_of_keys_reads_as_a_range_only_when_it_is_one() {
        let map = KeyMap::default();
        assert_eq!(
            map.run_label(Action::Rate1, Action::Rate5).as_deref(),
            Some("1–5")
        );
        let config = BTreeMap::from([("rate_3".to_owned(), "x".to_owned())]);
        let (map, _) = KeyMap::from_config(&config);
        assert_eq!(
            map.run_label(Action::Rate1, Action::Rate5).as_deref(),
            Some("1/2/x/4/5")
        );
        let config = BTreeMap::from([("rate_3".to_owned(), String::new())]);
        let (map, _) = KeyMap::from_config(&config);
        assert_eq!(map.run_label(Action::Rate1, Action::Rate5), None);
    }

    #[test]
    fn config_replaces_keys_and_reports_mistakes() {
        let config = BTreeMap::from([
            ("submit".to_owned(), "ctrl-g".to_owned()),
            ("launch".to_owned(), "x".to_owned()),
            ("quit".to_owned(), "ctrl-nope".to_owned()),
        ]);
        let (map, warnings) = KeyMap::from_config(&config);
        assert_eq!(map.label(Action::Submit), "Ctrl-G");
        assert_eq!(map.keys(Action::Quit), KeyMap::default().keys(Action::Quit));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn a_remap_that_hides_another_action_is_reported() {
        let config = BTreeMap::from([("rerun".to_owned(), "j".to_owned())]);
        let (_, warnings) = KeyMap::from_config(&config);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("j in the history runs rerun, so down"),
            "{warnings:?}"
        );
        let (_, warnings) = KeyMap::from_config(&BTreeMap::from([(
            "restore".to_owned(),
            "enter".to_owned(),
        )]));
        assert!(
            warnings.is_empty(),
            "Enter in the history is by design: {warnings:?}"
        );
    }

    #[test]
    fn a_legacy_terminal_is_offered_only_keys_it_sends() {
        let config = BTreeMap::from([
            ("submit".to_owned(), "ctrl-enter, f5".to_owned()),
            ("undo".to_owned(), "ctrl-shift-z".to_owned()),
            ("redo".to_owned(), "ctrl-y".to_owned()),
        ]);
        let (mut map, warnings) = KeyMap::from_config(&config);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(map.short_label(Action::Submit).as_deref(), Some("F5"));
        assert_eq!(map.label(Action::Submit), "F5");
        assert_eq!(map.label(Action::Undo), "(no key this terminal sends)");
        assert_eq!(map.short_label(Action::Undo), None);
        let warnings = map.unreachable_remaps();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("submit: this terminal cannot send Ctrl-Enter")
                && warnings[0].contains("use F5"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].contains("undo: this terminal cannot send Ctrl-Shift-Z")
                && warnings[1].contains("no other key"),
            "{warnings:?}"
        );
        assert_eq!(
            KeyMap::default().label(Action::Submit),
            "Ctrl-S, F5",
            "the default Ctrl-Enter is not offered either"
        );
        assert!(KeyMap::default().unreachable_remaps().is_empty());

        map.set_keyboard(Keyboard::Kitty);
        assert_eq!(
            map.short_label(Action::Submit).as_deref(),
            Some("Ctrl-Enter")
        );
        assert_eq!(map.label(Action::Undo), "Ctrl-Shift-Z");
        assert!(map.unreachable_remaps().is_empty());
    }
}
