//! The terminal's input bytes, sorted into what the user did and what the terminal answered.
//!
//! Keys (the kitty keyboard protocol's too), pastes and the mouse are parsed by `terminput`,
//! which carries crossterm's own parser: crossterm keeps its parser private, and its reader
//! keeps the terminal's answers (cursor position, device attributes) as internal events it
//! never hands out, and drops a status report. The workbench paces its drawing by those
//! answers, so it reads its input itself and sorts the answers out here first:
//! - `CSI 0 n`, the answer to the status request asked after each frame: [`Input::Shown`];
//! - late answers to the question asked at start-up (graphics, cell size, keyboard flags),
//!   which must never be taken for keys: dropped. crossterm turned a kitty graphics answer
//!   that came after the deadline into Alt-_, G, i, =, … typed into the prompt.
//!
//! Bytes are handed to the parser one at a time, as crossterm's reader does, so the events
//! come out the same. A lone Esc at the end of what was read waits for what follows: the
//! reader [`Decoder::flush`]es it as the Esc key when nothing came within [`ESC_WAIT`].
//! crossterm takes it for the key at once, which over a link that cuts a sequence in two
//! (an arrow, an answer) makes an Esc of its first byte.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

const ESC: u8 = 0x1b;

/// How long a lone Esc waits for the rest of a sequence before it is the Esc key.
pub const ESC_WAIT: std::time::Duration = std::time::Duration::from_millis(30);

/// Longest answer kept while its end has not come (a kitty graphics answer is a few dozen
/// bytes); anything longer is not one.
const MAX_ANSWER: usize = 4096;

/// What the terminal sent, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Event(Event),
    /// The answer to a status request: everything written before the request was shown.
    Shown,
}

/// Turns the terminal's bytes into [`Input`], however they were cut into reads.
#[derive(Debug, Default)]
pub struct Decoder {
    pending: Vec<u8>,
}

enum Answer {
    /// `CSI 0 n`.
    Status,
    /// Another answer: dropped.
    Other,
    /// An answer may be under way: wait for more.
    Partial,
    /// Not an answer: the parser's.
    No,
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// Sorts `bytes` into `out`. `more` says the read filled its buffer, so more bytes are
    /// already waiting (`ESC _` at the end is then the start of an answer, not Alt-_).
    pub fn feed(&mut self, bytes: &[u8], more: bool, out: &mut Vec<Input>) {
        for (i, &byte) in bytes.iter().enumerate() {
            self.pending.push(byte);
            self.advance(i + 1 < bytes.len() || more, out, true);
        }
    }

    /// Whether a lone Esc waits: the reader calls [`Decoder::flush`] if nothing follows it
    /// within [`ESC_WAIT`].
    pub fn waiting(&self) -> bool {
        self.pending == [ESC]
    }

    /// Nothing followed a lone Esc: it is the key.
    pub fn flush(&mut self, out: &mut Vec<Input>) {
        if self.waiting() {
            self.pending.clear();
            out.push(Input::Event(Event::Key(KeyEvent::from(KeyCode::Esc))));
        }
    }

    /// What the pending bytes are, after one more came.
    fn advance(&mut self, available: bool, out: &mut Vec<Input>, answers: bool) {
        match self.pending.as_slice() {
            [ESC] => return,
            // Esc pressed twice, read at once: the first is the key, the second starts again.
            [ESC, ESC] => {
                out.push(Input::Event(Event::Key(KeyEvent::from(KeyCode::Esc))));
                self.pending.remove(0);
                return self.advance(available, out, answers);
            }
            _ => {}
        }
        if answers {
            match answer(&self.pending, available) {
                Answer::Status => {
                    self.pending.clear();
                    return out.push(Input::Shown);
                }
                Answer::Other => return self.pending.clear(),
                Answer::Partial => return,
                Answer::No if self.pending.starts_with(b"\x1b_") && self.pending.len() > 2 => {
                    // Held as a possible answer, and it is not one: Alt-_ and what followed,
                    // parsed as if never held.
                    let held = std::mem::take(&mut self.pending);
                    for (i, &byte) in held.iter().enumerate() {
                        self.pending.push(byte);
                        self.advance(i + 1 < held.len() || available, out, i > 1);
                    }
                    return;
                }
                Answer::No => {}
            }
        }
        match terminput::Event::parse_from(&self.pending) {
            Ok(None) => {}
            Ok(Some(event)) => {
                self.pending.clear();
                if let Ok(event) = terminput_crossterm::to_crossterm(event) {
                    out.push(Input::Event(as_crossterm_reads(event)));
                }
            }
            // Not understood: dropped, as crossterm does.
            Err(_) => self.pending.clear(),
        }
    }
}

/// What crossterm's own reader makes of the few keys its parser and terminput's differ on:
/// Shift-Tab in the kitty protocol is BackTab.
fn as_crossterm_reads(event: Event) -> Event {
    match event {
        Event::Key(mut key)
            if key.code == KeyCode::Tab && key.modifiers.contains(KeyModifiers::SHIFT) =>
        {
            key.code = KeyCode::BackTab;
            Event::Key(key)
        }
        other => other,
    }
}

/// Whether `bytes` (from the start of a sequence) are an answer of the terminal's.
fn answer(bytes: &[u8], available: bool) -> Answer {
    match bytes {
        // A kitty graphics answer: `ESC _ G … ESC \`. `ESC _` alone at the end of a read is
        // Alt-_.
        [ESC, b'_'] if available => Answer::Partial,
        [ESC, b'_', b'G', ..] => {
            if bytes.ends_with(b"\x1b\\") || bytes.len() > MAX_ANSWER {
                Answer::Other
            } else {
                Answer::Partial
            }
        }
        // A whole CSI; answers are short, and a paste (`CSI 200 ~ …`) is never one.
        [ESC, b'[', middle @ .., last] if bytes.len() <= 64 && (0x40..=0x7e).contains(last) => {
            let params = middle
                .iter()
                .take_while(|b| (0x30..=0x3f).contains(*b))
                .count();
            let (params, intermediates) = middle.split_at(params);
            if !intermediates.iter().all(|b| (0x20..=0x2f).contains(b)) {
                return Answer::No;
            }
            let private = params.first() == Some(&b'?');
            match (last, intermediates) {
                (b'n', []) if params == b"0" => Answer::Status,
                // Other status reports, cell and window sizes, device attributes, keyboard
                // flags, mode reports: no key ends so.
                (b'n' | b't', []) => Answer::Other,
                (b'c' | b'u', []) if private => Answer::Other,
                (b'y', [b'$']) => Answer::Other,
                _ => Answer::No,
            }
        }
        _ => Answer::No,
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyEventKind, KeyEventState, MouseButton, MouseEventKind};

    use super::*;

    fn decode(chunks: &[&[u8]]) -> Vec<Input> {
        let mut decoder = Decoder::new();
        let mut out = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk, false, &mut out);
        }
        decoder.flush(&mut out);
        out
    }

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Input {
        Input::Event(Event::Key(KeyEvent::new(code, modifiers)))
    }

    fn ch(c: char) -> Input {
        key(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn the_status_answer_is_told_apart_from_the_keys_around_it() {
        assert_eq!(
            decode(&[b"a\x1b[0nb\x1b[A"]),
            vec![
                ch('a'),
                Input::Shown,
                ch('b'),
                key(KeyCode::Up, KeyModifiers::NONE)
            ]
        );
    }

    #[test]
    fn an_answer_cut_across_reads_is_still_one() {
        assert_eq!(
            decode(&[b"\x1b", b"[", b"0", b"n", b"q"]),
            vec![Input::Shown, ch('q')]
        );
    }

    #[test]
    fn late_answers_to_the_start_up_question_are_never_keys() {
        let late = b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c\x1b[6;20;10t\x1b[?1u\x1b[3n\x1b[?2026;2$yx";
        assert_eq!(decode(&[late]), vec![ch('x')]);
        // Cut in pieces as a slow link cuts them.
        let pieces: Vec<&[u8]> = late.chunks(3).collect();
        assert_eq!(decode(&pieces), vec![ch('x')]);
    }

    #[test]
    fn alt_underscore_is_a_key_and_not_the_start_of_an_answer() {
        assert_eq!(
            decode(&[b"\x1b_"]),
            vec![key(KeyCode::Char('_'), KeyModifiers::ALT)]
        );
        assert_eq!(
            decode(&[b"\x1b_ab"]),
            vec![key(KeyCode::Char('_'), KeyModifiers::ALT), ch('a'), ch('b')]
        );
    }

    #[test]
    fn esc_alone_is_the_key_and_esc_with_more_starts_a_sequence() {
        assert_eq!(
            decode(&[b"\x1b"]),
            vec![key(KeyCode::Esc, KeyModifiers::NONE)]
        );
        assert_eq!(
            decode(&[b"\x1b\x1b"]),
            vec![
                key(KeyCode::Esc, KeyModifiers::NONE),
                key(KeyCode::Esc, KeyModifiers::NONE)
            ]
        );
        assert_eq!(
            decode(&[b"\x1bx\x1b[1;5C"]),
            vec![
                key(KeyCode::Char('x'), KeyModifiers::ALT),
                key(KeyCode::Right, KeyModifiers::CONTROL)
            ]
        );
        // An Esc at the end of a read waits for the rest of its sequence.
        let mut decoder = Decoder::new();
        let mut out = Vec::new();
        decoder.feed(b"\x1b", false, &mut out);
        assert!(out.is_empty() && decoder.waiting());
        decoder.feed(b"[B", false, &mut out);
        assert_eq!(out, vec![key(KeyCode::Down, KeyModifiers::NONE)]);
        assert!(!decoder.waiting());
    }

    #[test]
    fn text_control_keys_and_utf8_split_across_reads() {
        let e_acute = "é".as_bytes();
        assert_eq!(
            decode(&[b"A\r\t\x7f\x13", &e_acute[..1], &e_acute[1..]]),
            vec![
                key(KeyCode::Char('A'), KeyModifiers::SHIFT),
                key(KeyCode::Enter, KeyModifiers::NONE),
                key(KeyCode::Tab, KeyModifiers::NONE),
                key(KeyCode::Backspace, KeyModifiers::NONE),
                key(KeyCode::Char('s'), KeyModifiers::CONTROL),
                ch('é'),
            ]
        );
    }

    #[test]
    fn kitty_keyboard_protocol_keys() {
        // Ctrl-Enter, Shift-Tab, and Alt-Shift-= reported as the + it types.
        let out = decode(&[b"\x1b[13;5u\x1b[9;2u\x1b[61:43;4u"]);
        assert_eq!(
            out,
            vec![
                key(KeyCode::Enter, KeyModifiers::CONTROL),
                key(KeyCode::BackTab, KeyModifiers::SHIFT),
                key(KeyCode::Char('+'), KeyModifiers::ALT),
            ]
        );
        // A release is reported as one (the loop drops it).
        let released = decode(&[b"\x1b[97;1:3u"]);
        assert_eq!(
            released,
            vec![Input::Event(Event::Key(KeyEvent::new_with_kind_and_state(
                KeyCode::Char('a'),
                KeyModifiers::NONE,
                KeyEventKind::Release,
                KeyEventState::NONE
            )))]
        );
    }

    #[test]
    fn a_paste_comes_whole_even_with_escapes_inside() {
        assert_eq!(
            decode(&[b"\x1b[200~line one\r\x1b[0n two", b"\x1b[201~z"]),
            vec![
                Input::Event(Event::Paste("line one\r\x1b[0n two".into())),
                ch('z')
            ]
        );
    }

    #[test]
    fn the_mouse() {
        let out = decode(&[b"\x1b[<64;10;5M"]);
        let [Input::Event(Event::Mouse(mouse))] = out.as_slice() else {
            panic!("{out:?}");
        };
        assert_eq!(mouse.kind, MouseEventKind::ScrollUp);
        assert_eq!((mouse.column, mouse.row), (9, 4));
        let out = decode(&[b"\x1b[<0;1;1M"]);
        assert!(matches!(
            out.as_slice(),
            [Input::Event(Event::Mouse(m))] if m.kind == MouseEventKind::Down(MouseButton::Left)
        ));
    }

    #[test]
    fn what_is_not_understood_is_dropped_and_what_follows_is_kept() {
        assert_eq!(decode(&[b"\xff\x1b[99;99;99;99Xq"]), vec![ch('q')]);
    }
}
