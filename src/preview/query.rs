//! Asking the terminal which graphics it has: the question ratatui-image writes (kitty
//! graphics probe, device attributes for sixel, cell size in pixels, then a status report
//! that every terminal answers, to know the answer is complete), read back here with a
//! deadline.
//!
//! Not `Picker::from_query_stdio`: its reader thread blocks in `read(stdin)`, and when the
//! terminal never answers (tmux without passthrough, some SSH clients) that thread outlives
//! the timeout and goes on eating the user's keys. Here stdin is polled until the deadline and
//! nothing is left reading after it; bytes that are not part of an answer (keys typed while
//! the question was out) are handed back so the caller can replay them.

use std::io::{self, Write};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use ratatui_image::picker::ProtocolType;
use ratatui_image::picker::cap_parser::{Parser, QueryStdioOptions, Response};

/// What the terminal said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub kitty: bool,
    pub sixel: bool,
    /// A character cell's size in pixels, `(width, height)`.
    pub cell: Option<(u16, u16)>,
    /// The kitty keyboard protocol's flags, when the terminal answered `CSI ? u`.
    pub keyboard: Option<u16>,
    /// The closing status report came back: everything the terminal will say, it said.
    pub complete: bool,
}

/// The answer, and what the user typed meanwhile (raw bytes, in order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub answer: Answer,
    pub typed: Vec<u8>,
}

/// The status request every terminal answers (`ESC [ 0 n`): the end of any question, so its
/// answer says everything has been said.
pub const STATUS: &str = "\x1b[5n";

/// The question, wrapped for tmux's passthrough when inside tmux (tmux drops it when
/// passthrough is off, and the deadline then ends the wait). Terminals whose kitty or sixel
/// support is known to be broken are not asked about them (as ratatui-image does).
pub fn question(tmux: bool, skip: &[ProtocolType]) -> String {
    Parser::query(
        tmux,
        QueryStdioOptions {
            blacklist_protocols: skip.to_vec(),
            ..QueryStdioOptions::default()
        },
    )
}

/// Writes `question` to stdout and reads stdin until the answer is complete or `timeout`
/// ran out. The terminal must be in raw mode, and nothing else may be reading stdin.
pub fn ask(question: &str, timeout: Duration) -> io::Result<Reply> {
    let mut stdout = io::stdout();
    stdout.write_all(question.as_bytes())?;
    stdout.flush()?;
    let deadline = Instant::now() + timeout;
    let stdin = io::stdin();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let reply = split(&bytes);
        if reply.answer.complete {
            return Ok(reply);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || !readable(&stdin, left)? {
            return Ok(reply);
        }
        // From the descriptor, not through std's buffered stdin: bytes it read ahead and
        // kept would never reach the workbench's own reader after this.
        match rustix::io::read(stdin.as_fd(), &mut buf) {
            Ok(0) => return Ok(reply),
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
            Err(err) => return Err(err.into()),
        }
    }
}

/// Whether stdin has bytes within `wait`.
fn readable(stdin: &io::Stdin, wait: Duration) -> io::Result<bool> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let timeout = Timespec::try_from(wait).unwrap_or(Timespec {
        tv_sec: 1,
        tv_nsec: 0,
    });
    let fd = stdin.as_fd();
    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
    match poll(&mut fds, Some(&timeout)) {
        Ok(n) => Ok(n > 0),
        Err(rustix::io::Errno::INTR) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// Sorts what came back into the terminal's answers and the user's keys. An answer cut off
/// at the end of `bytes` is neither: more of it may still come.
pub fn split(bytes: &[u8]) -> Reply {
    let mut reply = Reply::default();
    let mut at = 0;
    while at < bytes.len() {
        match answer_at(&bytes[at..]) {
            Scan::Answer(len) => {
                read_answer(&bytes[at..at + len], &mut reply.answer);
                at += len;
            }
            Scan::Unfinished => break,
            Scan::Typed(len) => {
                reply.typed.extend_from_slice(&bytes[at..at + len]);
                at += len;
            }
        }
    }
    reply
}

enum Scan {
    /// The next `n` bytes are one answer.
    Answer(usize),
    /// An answer starts here but has not all come.
    Unfinished,
    /// The next `n` bytes are the user's.
    Typed(usize),
}

/// The answers asked for are an APC (kitty: `ESC _ G … ESC \`), and CSIs ending in `c`
/// (device attributes, `ESC [ ?`), `u` (keyboard flags, `ESC [ ?`), `t` (cell size) or `n`
/// (status). Keys are never these: a key's CSI ends in a letter like `A` or `~`, and the
/// keyboard protocol's `…u` keys never start with `?` (nor are they on while asking).
fn answer_at(bytes: &[u8]) -> Scan {
    const ESC: u8 = 0x1b;
    match bytes {
        [ESC, b'_', rest @ ..] => match find_st(rest) {
            Some(end) => Scan::Answer(2 + end),
            None => Scan::Unfinished,
        },
        [ESC, b'[', rest @ ..] => {
            // Parameters and intermediates, then one final byte.
            let Some(final_at) = rest.iter().position(|&b| !(0x20..=0x3f).contains(&b)) else {
                return if rest.len() < 32 {
                    Scan::Unfinished
                } else {
                    Scan::Typed(2 + rest.len())
                };
            };
            let len = 2 + final_at + 1;
            match rest[final_at] {
                b'c' | b'u' if rest.first() == Some(&b'?') => Scan::Answer(len),
                b't' | b'n' => Scan::Answer(len),
                _ => Scan::Typed(len),
            }
        }
        [ESC] => Scan::Unfinished,
        [ESC, ..] => Scan::Typed(1),
        _ => Scan::Typed(bytes.iter().position(|&b| b == ESC).unwrap_or(bytes.len())),
    }
}

/// Where `ESC \` ends in `bytes`, counting the two bytes.
fn find_st(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(2)
        .position(|w| w == b"\x1b\\")
        .map(|at| at + 2)
}

fn read_answer(sequence: &[u8], answer: &mut Answer) {
    if let Some(flags) = sequence.get(2..).and_then(super::keyboard::flags) {
        answer.keyboard = Some(flags);
        return;
    }
    let mut parser = Parser::new();
    for &byte in sequence {
        for response in parser.push(char::from(byte)) {
            match response {
                Response::Kitty => answer.kitty = true,
                Response::Sixel => answer.sixel = true,
                Response::CellSize(cell) => answer.cell = answer.cell.or(cell),
                Response::Status => answer.complete = true,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_kitty_terminal_answer() {
        let reply = split(b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c\x1b[6;20;10t\x1b[0n");
        assert_eq!(
            reply.answer,
            Answer {
                kitty: true,
                sixel: false,
                cell: Some((10, 20)),
                keyboard: None,
                complete: true
            }
        );
        assert!(reply.typed.is_empty());
    }

    #[test]
    fn reads_the_keyboard_flags_before_the_rest() {
        let reply = split(b"x\x1b[?0u\x1b_Gi=31;OK\x1b\\\x1b[?62;22c\x1b[0n");
        assert_eq!(reply.answer.keyboard, Some(0));
        assert!(reply.answer.kitty && reply.answer.complete);
        assert_eq!(reply.typed, b"x");
        let silent = split(b"\x1b[0n");
        assert_eq!(silent.answer.keyboard, None);
        assert!(silent.answer.complete);
    }

    #[test]
    fn reads_sixel_from_device_attributes() {
        let reply = split(b"\x1b[?64;1;2;4;6;9;15;22c\x1b[0n");
        assert!(reply.answer.sixel && !reply.answer.kitty && reply.answer.complete);
        assert_eq!(reply.answer.cell, None);
    }

    #[test]
    fn a_kitty_refusal_is_no_kitty() {
        let reply = split(b"\x1b_Gi=31;ENOTSUPPORTED:no\x1b\\\x1b[?1;2c\x1b[0n");
        assert_eq!(
            reply.answer,
            Answer {
                complete: true,
                ..Answer::default()
            }
        );
    }

    #[test]
    fn keys_typed_around_the_answer_are_kept_in_order() {
        let reply = split(b"ab\x1b[A\x1b[?62;4c\r\x1bx\x7f\x1b[0nz");
        assert_eq!(reply.typed, b"ab\x1b[A\r\x1bx\x7fz");
        assert!(reply.answer.sixel && reply.answer.complete);
    }

    #[test]
    fn an_answer_cut_short_is_not_taken_for_keys() {
        let reply = split(b"q\x1b_Gi=31;O");
        assert_eq!(reply.typed, b"q");
        assert!(!reply.answer.kitty && !reply.answer.complete);
        let reply = split(b"\x1b[?62;4");
        assert!(reply.typed.is_empty() && !reply.answer.sixel);
        let reply = split(b"\x1b");
        assert!(reply.typed.is_empty());
    }

    #[test]
    fn no_answer_at_all_is_incomplete() {
        assert_eq!(split(b"").answer, Answer::default());
        assert_eq!(split(b"hello").typed, b"hello");
    }

    #[test]
    fn the_question_ends_with_the_status_request_and_wraps_for_tmux() {
        let plain = question(false, &[]);
        assert!(
            plain.contains("\x1b_Gi=31") && plain.ends_with("\x1b[5n"),
            "{plain:?}"
        );
        let tmux = question(true, &[]);
        assert!(
            tmux.starts_with("\x1bPtmux;") && tmux.ends_with("\x1b\\"),
            "{tmux:?}"
        );
        let no_kitty = question(false, &[ProtocolType::Kitty, ProtocolType::Sixel]);
        assert!(!no_kitty.contains("_Gi=31") && !no_kitty.contains("[c"));
    }
}
