//! Keys typed while the terminal was being asked about graphics, turned back into key events
//! so they reach the workbench as if its own reader had read them. Only what a person types
//! in the first moments is understood (text, Enter, Tab, Backspace, Esc, Ctrl and Alt
//! letters, arrows, Home/End, F1–F4); anything else is dropped rather than guessed.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn keys(bytes: &[u8]) -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let (key, len) = key_at(&bytes[at..]);
        keys.extend(key);
        at += len.max(1);
    }
    keys
}

/// The key at the start of `bytes`, if understood, and how many bytes it took.
fn key_at(bytes: &[u8]) -> (Option<KeyEvent>, usize) {
    let plain = |code| Some(KeyEvent::new(code, KeyModifiers::NONE));
    match bytes {
        [0x1b, b'[' | b'O', rest @ ..] => {
            let end = rest
                .iter()
                .position(|&b| !(0x20..=0x3f).contains(&b))
                .unwrap_or(rest.len());
            let code = match rest.get(end) {
                Some(b'A') => Some(KeyCode::Up),
                Some(b'B') => Some(KeyCode::Down),
                Some(b'C') => Some(KeyCode::Right),
                Some(b'D') => Some(KeyCode::Left),
                Some(b'H') => Some(KeyCode::Home),
                Some(b'F') => Some(KeyCode::End),
                Some(&f @ b'P'..=b'S') if end == 0 => Some(KeyCode::F(f - b'P' + 1)),
                _ => None,
            };
            (code.and_then(plain), 2 + end + 1)
        }
        [0x1b, 0x1b, ..] | [0x1b] => (plain(KeyCode::Esc), 1),
        [0x1b, rest @ ..] => match key_at(rest) {
            (Some(mut key), len) => {
                key.modifiers |= KeyModifiers::ALT;
                (Some(key), 1 + len)
            }
            (None, len) => (None, 1 + len),
        },
        [b'\r' | b'\n', ..] => (plain(KeyCode::Enter), 1),
        [b'\t', ..] => (plain(KeyCode::Tab), 1),
        [0x7f | 0x08, ..] => (plain(KeyCode::Backspace), 1),
        [0, ..] => (
            Some(KeyEvent::new(KeyCode::Char(' '), KeyModifiers::CONTROL)),
            1,
        ),
        [c @ 0x01..=0x1a, ..] => (
            Some(KeyEvent::new(
                KeyCode::Char(char::from(b'a' + c - 1)),
                KeyModifiers::CONTROL,
            )),
            1,
        ),
        [c, ..] if *c < 0x20 => (None, 1),
        _ => {
            let len = utf8_len(bytes[0]).min(bytes.len());
            match std::str::from_utf8(&bytes[..len])
                .ok()
                .and_then(|s| s.chars().next())
            {
                Some(c) if c.is_uppercase() => (
                    Some(KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT)),
                    len,
                ),
                Some(c) => (plain(KeyCode::Char(c)), len),
                None => (None, 1),
            }
        }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xf7 => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn text_and_editing_keys() {
        assert_eq!(
            keys("aÉ ü\r\t\x7f".as_bytes()),
            vec![
                key(KeyCode::Char('a'), KeyModifiers::NONE),
                key(KeyCode::Char('É'), KeyModifiers::SHIFT),
                key(KeyCode::Char(' '), KeyModifiers::NONE),
                key(KeyCode::Char('ü'), KeyModifiers::NONE),
                key(KeyCode::Enter, KeyModifiers::NONE),
                key(KeyCode::Tab, KeyModifiers::NONE),
                key(KeyCode::Backspace, KeyModifiers::NONE),
            ]
        );
    }

    #[test]
    fn control_alt_escape_and_arrows() {
        assert_eq!(
            keys(b"\x13\x1bx\x1b\x1b[A\x1bOP\x1b[1;5C\x1b"),
            vec![
                key(KeyCode::Char('s'), KeyModifiers::CONTROL),
                key(KeyCode::Char('x'), KeyModifiers::ALT),
                key(KeyCode::Esc, KeyModifiers::NONE),
                key(KeyCode::Up, KeyModifiers::NONE),
                key(KeyCode::F(1), KeyModifiers::NONE),
                key(KeyCode::Right, KeyModifiers::NONE),
                key(KeyCode::Esc, KeyModifiers::NONE),
            ]
        );
    }

    #[test]
    fn what_is_not_understood_is_dropped_not_guessed() {
        assert_eq!(
            keys(b"\x1b[200~\x1b[15~\xff"),
            Vec::<KeyEvent>::new(),
            "paste markers, F5 and a stray byte"
        );
    }
}
