//! Actions and the keys bound to them. Every key the app reacts to (except y/n in the
//! cancel confirmation and typing in text fields) goes through this map, so the help overlay
//! and status-bar hints are generated from it and cannot go stale.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::preview::Keyboard;

/// The group an action belongs to: the sections of the help overlay and the README's key
/// table. Where an action works is said by the command lists of the panes and overlays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Anywhere (a plain character key is typed into text fields instead).
    Global,
    /// In the prompt editor and image field.
    Text,
    /// On the prompt-optimizer toggle.
    Optimizer,
    /// In the queue, history, help and detail views.
    Lists,
    /// On the selected job, in the queue or the history.
    Jobs,
    Queue,
    History,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Anywhere",
            Scope::Text => "Prompt and image",
            Scope::Optimizer => "Optimizer toggle",
            Scope::Lists => "Lists and views",
            Scope::Jobs => "Selected job (queue, history)",
            Scope::Queue => "Queue",
            Scope::History => "History",
        }
    }
}

macro_rules! actions {
    ($($action:ident $name:literal $scope:ident $keys:literal $about:literal,)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Action { $($action,)* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$action,)*];

            /// The name used in the config file's `[ui.keys]`.
            pub fn name(self) -> &'static str {
                match self { $(Action::$action => $name,)* }
            }

            pub fn scope(self) -> Scope {
                match self { $(Action::$action => Scope::$scope,)* }
            }

            pub fn default_keys(self) -> &'static str {
                match self { $(Action::$action => $keys,)* }
            }

            pub fn about(self) -> &'static str {
                match self { $(Action::$action => $about,)* }
            }
        }
    };
}

actions! {
    Submit "submit" Global "ctrl-s, f5, ctrl-enter" "submit the prompt and image",
    Quit "quit" Global "ctrl-q, ctrl-c, q" "quit (the draft is kept)",
    Help "help" Global "f1, ?" "show or hide this help",
    FocusNext "focus_next" Global "tab" "next pane",
    FocusPrev "focus_prev" Global "shift-tab" "previous pane",
    FocusPrompt "focus_prompt" Global "alt-1" "go to the prompt",
    FocusImage "focus_image" Global "alt-2" "go to the image field",
    FocusQueue "focus_queue" Global "alt-3" "go to the queue",
    FocusHistory "focus_history" Global "alt-4" "go to the history",
    ToggleOptimizer "toggle_optimizer" Global "ctrl-o" "toggle the prompt optimizer",
    Messages "messages" Global "f3, alt-m" "every message and error of this session, in full",
    Back "back" Global "esc" "close view, clear filter, dismiss error",
    EditExternally "edit_external" Text "ctrl-e" "edit the prompt in $VISUAL/$EDITOR",
    Undo "undo" Text "ctrl-z" "undo (also Ctrl-U)",
    Redo "redo" Text "ctrl-y" "redo (also Ctrl-R)",
    ClearText "clear_text" Text "ctrl-l" "clear the field (undo brings it back)",
    RepeatMore "repeat_more" Text "alt-+, alt-=" "send each prompt one more time (×N in the prompt's title)",
    RepeatLess "repeat_less" Text "alt--" "send each prompt one time fewer",
    Toggle "toggle" Optimizer "space, enter" "toggle the prompt optimizer",
    Up "up" Lists "k, up" "move up",
    Down "down" Lists "j, down" "move down",
    Left "left" Lists "h, left" "in the grid: the cell to the left",
    Right "right" Lists "l, right" "in the grid: the cell to the right",
    PageUp "page_up" Lists "pageup" "page up (queue: scroll logs)",
    PageDown "page_down" Lists "pagedown" "page down (queue: scroll logs)",
    Top "top" Lists "g, home" "go to top (queue: logs)",
    Bottom "bottom" Lists "G, end" "go to bottom (queue: follow logs)",
    Detail "detail" Jobs "v, enter" "details: prompt, timeline, logs, video",
    CopyUrl "copy_url" Jobs "y" "copy the video URL",
    OpenVideo "open_video" Jobs "o" "open the downloaded video",
    CopyPath "copy_path" Jobs "Y" "copy the downloaded video's path",
    Play "play" Jobs "p" "play the video in the terminal (p or Esc stops)",
    FullScreen "full_screen" Jobs "f" "play the video full screen (f or Esc goes back)",
    StepBack "step_back" Jobs "comma" "full screen, stopped: a frame back",
    StepForward "step_forward" Jobs "." "full screen, stopped: a frame on",
    PlayFilm "play_film" Jobs "P" "in a chained shot's details: play the film that ends at it, shot after shot (p or Esc stops)",
    Storyboard "storyboard" Jobs "b" "the storyboard of the job's chain: its film's shots as pictures, takes, playing, export",
    NextTake "next_take" Jobs "t" "in the storyboard: the next take at the selected place (remembered: the export and i2v film chain:ID use it)",
    ExportFilm "export_film" Jobs "E" "in the storyboard: export the film as one MP4 (or a GIF), asking where",
    ContinueShot "continue_shot" Jobs "l" "continue from its last frame: a chained shot from the editor",
    Rate1 "rate_1" Jobs "1" "rate the finished job ★☆☆☆☆",
    Rate2 "rate_2" Jobs "2" "rate it ★★☆☆☆",
    Rate3 "rate_3" Jobs "3" "rate it ★★★☆☆",
    Rate4 "rate_4" Jobs "4" "rate it ★★★★☆",
    Rate5 "rate_5" Jobs "5" "rate it ★★★★★",
    Unrate "unrate" Jobs "0" "clear its rating",
    Note "note" Jobs "n" "a one-line note on the result (Enter saves, Esc cancels)",
    Compare "compare" Jobs "=" "compare it with the marked job (Space marks): frames, prompt diff, timings, ratings; 3 to 9 marked open a grid",
    PrevShot "prev_shot" Jobs "[" "in its details: open the shot it continues",
    NextShot "next_shot" Jobs "]" "in its details: open the shot that continues it (of several: [ back from one, then ] opens the one after)",
    FetchVideo "fetch_video" Jobs "F" "in its details: fetch the video again when its download failed (a full disk), while fal keeps it",
    Cancel "cancel" Queue "c" "cancel the job (asks first)",
    Restore "restore" History "enter" "load prompt, image, optimizer into the editor",
    Rerun "rerun" History "r" "submit the same input again (every marked job, after a cost confirm)",
    Mark "mark" History "space" "mark or unmark the job, to re-run several together or compare",
    MarkBatch "mark_batch" History "*" "mark its whole batch (a matrix, a repeat, a re-run; with a filter: every listed job); again unmarks",
    Diff "diff" History "d" "diff its prompt against the editor's",
    Sort "sort" History "s" "sort by date, status or rating (the title says which; remembered)",
    ImportFal "import_fal" History "I" "import jobs made elsewhere (fal's playground, another machine) from fal's records of the last 7 days, after a confirm with the count",
    Trash "trash" History "D" "move the job (every marked job) and its video to the trash, after a confirm",
    Filter "filter" History "/" "filter: words begin words of the prompt or image name, ~word fuzzy; is:failed, id:01M8…, img:name, batch:01M9…, rating:>=4, is:rated, is:imported narrow",
}

impl Action {
    /// The stars a rating action gives; 0 clears the rating. `None` for other actions.
    pub(crate) fn stars(self) -> Option<u8> {
        match self {
            Action::Unrate => Some(0),
            Action::Rate1 => Some(1),
            Action::Rate2 => Some(2),
            Action::Rate3 => Some(3),
            Action::Rate4 => Some(4),
            Action::Rate5 => Some(5),
            _ => None,
        }
    }
}

/// One key with its modifiers, normalised so a binding matches what crossterm reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyBinding {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Self {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            // With Ctrl, Shift is kept (a keyboard-protocol terminal tells Ctrl-Shift-S from
            // Ctrl-S, reporting it as `S` or as `s` with Shift) and the letter is lower case.
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                if c.is_ascii_uppercase() {
                    mods.insert(KeyModifiers::SHIFT);
                }
                KeyCode::Char(c.to_ascii_lowercase())
            }
            // Otherwise the character already says whether Shift was down.
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Self { code, mods }
    }

    pub fn from_event(key: &KeyEvent) -> Self {
        Self::new(key.code, key.modifiers)
    }

    /// A key a legacy terminal cannot send: it sends the same bytes for another key
    /// (Ctrl-Enter as Enter, Ctrl-Shift-S as Ctrl-S, Ctrl-I as Tab) or none at all
    /// (Ctrl-1). Only a terminal speaking the kitty keyboard protocol sends these.
    pub fn needs_enhancement(&self) -> bool {
        let ctrl = self.mods.contains(KeyModifiers::CONTROL);
        let shift = self.mods.contains(KeyModifiers::SHIFT);
        match self.code {
            KeyCode::Enter | KeyCode::Backspace | KeyCode::Esc | KeyCode::Tab => ctrl || shift,
            KeyCode::BackTab => ctrl,
            // Ctrl plus a letter is a control byte, but Ctrl-I, Ctrl-M and Ctrl-H are the
            // bytes of Tab, Enter and Backspace. Ctrl-Space is NUL. Other characters with
            // Ctrl have no byte of their own (Ctrl-[ is Esc).
            KeyCode::Char(c) if ctrl => {
                shift || matches!(c, 'i' | 'm' | 'h' | '[') || !(c.is_ascii_lowercase() || c == ' ')
            }
            _ => false,
        }
    }

    /// A key that types a character, so in a text field it is text, not a command.
    pub fn is_plain_char(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }

    /// Parses `ctrl-s`, `f5`, `shift-tab`, `G`, `?`, `pagedown`, `alt-enter`...
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rest = text.trim();
        let mut mods = KeyModifiers::NONE;
        loop {
            let lower = rest.to_ascii_lowercase();
            let prefix = ["ctrl-", "alt-", "shift-"]
                .into_iter()
                .find(|p| lower.starts_with(p) && rest.len() > p.len());
            match prefix {
                Some("ctrl-") => mods |= KeyModifiers::CONTROL,
                Some("alt-") => mods |= KeyModifiers::ALT,
                Some(_) => mods |= KeyModifiers::SHIFT,
                None => break,
            }
            rest = &rest[prefix.map_or(0, str::len)..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if mods.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(c.to_ascii_uppercase())
            }
            // `ctrl-S` has always meant Ctrl-S; Ctrl-Shift-S is written `ctrl-shift-s`.
            (Some(c), None) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "space" => KeyCode::Char(' '),
                // The key lists are comma-separated.
                "comma" => KeyCode::Char(','),
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" | "pgdown" => KeyCode::PageDown,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=24) => KeyCode::F(n),
                    _ => return Err(format!("unknown key {text:?}")),
                },
                _ => return Err(format!("unknown key {text:?}")),
            },
        };
        Ok(Self::new(code, mods))
    }
}

impl fmt::Display for KeyBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                write!(f, "{}", c.to_ascii_uppercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            other => write!(f, "{other}"),
        }
    }
}

/// Action → keys. Built from the defaults above, with `[ui.keys]` replacing an action's
/// keys wholesale.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyMap {
    bindings: BTreeMap<Action, Vec<KeyBinding>>,
    /// Which keys the terminal can send: labels (help, hints) offer only those.
    keyboard: Keyboard,
    /// Actions `[ui.keys]` rebound, so a key of theirs the terminal cannot send is news.
    remapped: Vec<Action>,
}

impl Default for KeyMap {
    fn default() -> Self {
        let bindings = Action::ALL
            .iter()
            .map(|&a| {
                let keys = parse_list(a.default_keys()).unwrap_or_default();
                (a, keys)
            })
            .collect();
        Self {
            bindings,
            keyboard: Keyboard::Legacy,
            remapped: Vec::new(),
        }
    }
}

fn parse_list(text: &str) -> Result<Vec<KeyBinding>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(KeyBinding::parse)
        .collect()
}

impl KeyMap {
    /// Applies `[ui.keys]` over the defaults. Unknown actions and unparsable keys are
    /// skipped (the default stays) and reported as warnings. An empty string unbinds.
    /// [`KeyMap::from_config`] (in the shell, which knows the panes) adds the warnings of a
    /// remap that takes a key another action of the same pane had.
    pub(crate) fn with_config(keys: &BTreeMap<String, String>) -> (KeyMap, Vec<String>) {
        let mut map = KeyMap::default();
        let mut warnings = Vec::new();
        let mut remapped = Vec::new();
        for (name, value) in keys {
            let Some(&action) = Action::ALL.iter().find(|a| a.name() == name) else {
                warnings.push(format!("[ui.keys] {name}: no such action (see F1 help)"));
                continue;
            };
            match parse_list(value) {
                Ok(list) => {
                    map.bindings.insert(action, list);
                    remapped.push(action);
                }
                Err(e) => warnings.push(format!("[ui.keys] {name}: {e}")),
            }
        }
        map.remapped = remapped;
        (map, warnings)
    }

    /// The actions `[ui.keys]` bound, in the config's order.
    pub(crate) fn remapped(&self) -> &[Action] {
        &self.remapped
    }

    /// Which keys the terminal sends, once known: until then (and in a legacy terminal)
    /// keys only the kitty keyboard protocol sends are not offered.
    pub fn set_keyboard(&mut self, keyboard: Keyboard) {
        self.keyboard = keyboard;
    }

    /// Whether this terminal can send `key`.
    pub fn reachable(&self, key: KeyBinding) -> bool {
        self.keyboard == Keyboard::Kitty || !key.needs_enhancement()
    }

    /// Keys `[ui.keys]` bound that this terminal cannot send, one warning per action,
    /// naming what still works.
    pub fn unreachable_remaps(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        for &action in &self.remapped {
            let lost: Vec<String> = self
                .keys(action)
                .iter()
                .filter(|&&k| !self.reachable(k))
                .map(ToString::to_string)
                .collect();
            if lost.is_empty() {
                continue;
            }
            let works = match self.short_label(action) {
                Some(_) => format!("use {}", self.label(action)),
                None => "it has no other key".to_owned(),
            };
            warnings.push(format!(
                "[ui.keys] {}: this terminal cannot send {} (it needs the kitty keyboard \
                 protocol); {works}",
                action.name(),
                lost.join(", ")
            ));
        }
        warnings
    }

    pub fn keys(&self, action: Action) -> &[KeyBinding] {
        self.bindings.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The keys of `action` this terminal can send.
    fn offered(&self, action: Action) -> impl Iterator<Item = &KeyBinding> {
        self.keys(action).iter().filter(|&&k| self.reachable(k))
    }

    /// `Ctrl-S, F5`, or `(unbound)`: the keys this terminal can send.
    pub fn label(&self, action: Action) -> String {
        let keys: Vec<String> = self.offered(action).map(ToString::to_string).collect();
        match (keys.is_empty(), self.keys(action).is_empty()) {
            (false, _) => keys.join(", "),
            (true, true) => "(unbound)".to_owned(),
            (true, false) => "(no key this terminal sends)".to_owned(),
        }
    }

    /// [`KeyMap::label`] less the keys in `taken` (what an earlier command of the same list
    /// takes: the first match wins), or why none is left.
    pub fn label_without(&self, action: Action, taken: &[KeyBinding]) -> String {
        let offered: Vec<&KeyBinding> = self.offered(action).collect();
        let left: Vec<String> = offered
            .iter()
            .filter(|k| !taken.contains(k))
            .map(ToString::to_string)
            .collect();
        match (left.is_empty(), offered.is_empty()) {
            (false, _) => left.join(", "),
            (true, false) => "(its keys do something else here)".to_owned(),
            (true, true) => self.label(action),
        }
    }

    /// The first key this terminal can send, for the status bar's hints.
    pub fn short_label(&self, action: Action) -> Option<String> {
        self.offered(action).next().map(ToString::to_string)
    }

    /// The keys of the actions from `first` to `last` (in [`Action::ALL`]'s order), for one
    /// hint: `1–5` when they are consecutive characters, else each (`a/s/d`). `None` when
    /// one of them has no key this terminal sends.
    pub fn run_label(&self, first: Action, last: Action) -> Option<String> {
        let start = Action::ALL.iter().position(|&a| a == first)?;
        let end = Action::ALL.iter().position(|&a| a == last)?;
        let labels = Action::ALL
            .get(start..=end)?
            .iter()
            .map(|&a| self.short_label(a))
            .collect::<Option<Vec<String>>>()?;
        let chars: Vec<char> = labels
            .iter()
            .filter_map(|l| {
                let mut chars = l.chars();
                chars.next().filter(|_| chars.next().is_none())
            })
            .collect();
        let consecutive = chars.len() == labels.len()
            && labels.len() > 2
            && chars
                .windows(2)
                .all(|w| u32::from(w[0]) + 1 == u32::from(w[1]));
        match (consecutive, labels.first(), labels.last()) {
            (true, Some(first), Some(last)) => Some(format!("{first}–{last}")),
            _ => Some(labels.join("/")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyBinding {
        KeyBinding::from_event(&KeyEvent::new(code, mods))
    }

    #[test]
    fn every_default_key_parses() {
        for &a in Action::ALL {
            assert!(parse_list(a.default_keys()).is_ok(), "{a:?}");
            assert!(!KeyMap::default().keys(a).is_empty(), "{a:?}");
        }
    }

    #[test]
    fn parsed_keys_match_what_crossterm_reports() {
        assert_eq!(
            KeyBinding::parse("ctrl-s"),
            Ok(ev(KeyCode::Char('s'), KeyModifiers::CONTROL))
        );
        assert_eq!(
            KeyBinding::parse("G"),
            Ok(ev(KeyCode::Char('G'), KeyModifiers::SHIFT))
        );
        assert_eq!(
            KeyBinding::parse("shift-tab"),
            Ok(ev(KeyCode::BackTab, KeyModifiers::SHIFT))
        );
        assert_eq!(
            KeyBinding::parse("F5"),
            Ok(ev(KeyCode::F(5), KeyModifiers::NONE))
        );
        assert_eq!(
            KeyBinding::parse("?"),
            Ok(ev(KeyCode::Char('?'), KeyModifiers::SHIFT))
        );
        assert_eq!(
            KeyBinding::parse("-"),
            Ok(ev(KeyCode::Char('-'), KeyModifiers::NONE))
        );
        assert_eq!(
            KeyBinding::parse("ctrl--"),
            Ok(ev(KeyCode::Char('-'), KeyModifiers::CONTROL))
        );
        assert!(KeyBinding::parse("ctrl-banana").is_err());
        assert!(KeyBinding::parse("f99").is_err());
    }

    #[test]
    fn labels_read_like_keys() {
        let map = KeyMap::default();
        assert_eq!(map.label(Action::Submit), "Ctrl-S, F5");
        assert_eq!(map.label(Action::FocusPrev), "Shift-Tab");
        assert_eq!(map.label(Action::Toggle), "Space, Enter");
    }

    #[test]
    fn ctrl_shift_letters_are_their_own_keys() {
        let ctrl_shift_s = KeyBinding::parse("ctrl-shift-s").unwrap();
        assert_ne!(ctrl_shift_s, KeyBinding::parse("ctrl-s").unwrap());
        assert_eq!(KeyBinding::parse("ctrl-S"), KeyBinding::parse("ctrl-s"));
        // As a kitty-keyboard terminal reports it: with alternate keys, or with Shift.
        assert_eq!(ev(KeyCode::Char('S'), KeyModifiers::CONTROL), ctrl_shift_s);
        assert_eq!(
            ev(
                KeyCode::Char('s'),
                KeyModifiers::CONTROL | KeyModifiers::SHIFT
            ),
            ctrl_shift_s
        );
        assert_eq!(ctrl_shift_s.to_string(), "Ctrl-Shift-S");
    }

    #[test]
    fn keys_only_the_keyboard_protocol_sends() {
        for key in [
            "ctrl-enter",
            "shift-enter",
            "ctrl-shift-s",
            "ctrl-i",
            "ctrl-1",
            "ctrl-tab",
            "ctrl-backspace",
        ] {
            assert!(KeyBinding::parse(key).unwrap().needs_enhancement(), "{key}");
        }
        for key in [
            "ctrl-s",
            "ctrl-space",
            "alt-enter",
            "alt-1",
            "alt-+",
            "shift-tab",
            "f5",
            "G",
            "enter",
            "esc",
            "shift-up",
        ] {
            assert!(
                !KeyBinding::parse(key).unwrap().needs_enhancement(),
                "{key}"
            );
        }
        for &a in Action::ALL {
            assert!(
                KeyMap::default()
                    .keys(a)
                    .iter()
                    .any(|k| !k.needs_enhancement()),
                "{a:?} needs a key every terminal sends"
            );
        }
    }
}
