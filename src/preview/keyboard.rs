//! The kitty keyboard protocol: whether this terminal tells apart keys a legacy terminal
//! sends as the same bytes (Ctrl-Enter and Enter, Ctrl-Shift-S and Ctrl-S, Ctrl-I and Tab).
//! Asked in the same exchange as the graphics (`CSI ? u`, which a terminal speaking the
//! protocol answers with `CSI ? flags u` before its status report), remembered per terminal
//! with them, and turned on (`CSI > flags u`) only where the answer came.

use serde::{Deserialize, Serialize};

/// `[ui] keyboard`: whether to ask the terminal at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyboardMode {
    /// Ask the terminal once (answer remembered per terminal) and use the protocol where
    /// it answers.
    #[default]
    Auto,
    /// Never ask, never turn the protocol on: keys arrive as legacy terminals send them.
    Legacy,
}

/// What the terminal's keys can say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Keyboard {
    /// Legacy bytes: Ctrl-Enter arrives as Enter, Ctrl-Shift-S as Ctrl-S, or not at all.
    #[default]
    Legacy,
    /// The kitty keyboard protocol is on: every modifier arrives.
    Kitty,
}

/// The question: "which keyboard enhancements are on?". Terminals that do not know the
/// protocol ignore it, so it must be followed by one they all answer (the status report).
pub const QUESTION: &str = "\x1b[?u";

/// The flags of a `CSI ? flags u` answer (without its `ESC [`), if `sequence` is one.
pub fn flags(sequence: &[u8]) -> Option<u16> {
    let digits = sequence.strip_prefix(b"?")?.strip_suffix(b"u")?;
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_flags_answer_and_nothing_else() {
        assert_eq!(flags(b"?0u"), Some(0));
        assert_eq!(flags(b"?31u"), Some(31));
        assert_eq!(flags(b"?u"), None);
        assert_eq!(flags(b"13;5u"), None, "a key, not an answer");
        assert_eq!(flags(b"?1;2u"), None);
    }

    #[test]
    fn the_config_names() {
        #[derive(Debug, Deserialize)]
        struct Ui {
            keyboard: KeyboardMode,
        }
        let ui: Ui = toml::from_str("keyboard = \"legacy\"").unwrap();
        assert_eq!(ui.keyboard, KeyboardMode::Legacy);
        assert!(toml::from_str::<Ui>("keyboard = \"kitty\"").is_err());
    }
}
