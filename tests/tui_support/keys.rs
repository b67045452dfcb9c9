//! Key presses, as the workbench receives them (`Msg`) and as a terminal sends them (bytes).
//! The one home of these helpers: `tests/ui_support` includes this file for the `ui_*` tests.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use i2v::ui::Msg;

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// A typed character; upper case comes with Shift, as crossterm reports it.
pub fn ch(c: char) -> Msg {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Msg::Key(KeyEvent::new(KeyCode::Char(c), mods))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// What a terminal sends for Ctrl plus a letter.
pub fn ctrl_byte(c: char) -> u8 {
    (c.to_ascii_lowercase() as u8) & 0x1f
}

pub const TAB: u8 = b'\t';
