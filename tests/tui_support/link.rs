//! A terminal at the far end of a link: what the program writes is read at once (as sshd
//! reads it into TCP's buffers), then carried at the link's rate, a latency later, to the
//! terminal (a vt100 parser), which answers status requests (`CSI 5 n`, `CSI 6 n`) only once
//! it has processed everything before them, as a real terminal does. Its answers and the
//! keys typed at it travel back a latency later.
//!
//! Used by [`super::pty::Pty::spawn_linked`]; the link bench uses it too.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the link carries bytes.
#[derive(Clone, Copy, Debug)]
pub struct Link {
    /// Bytes a second to the terminal; `None` for as fast as the machine goes.
    pub rate: Option<f64>,
    /// One way, each way.
    pub latency: Duration,
}

impl Link {
    /// A link of `bits` a second, with `latency` each way.
    pub fn bits(bits: f64, latency: Duration) -> Link {
        Link {
            rate: Some(bits / 8.0),
            latency,
        }
    }

    pub fn unthrottled() -> Link {
        Link {
            rate: None,
            latency: Duration::ZERO,
        }
    }
}

/// What the far end has received, for tests and benches to read.
#[derive(Default)]
pub struct Received {
    pub raw: Vec<u8>,
    /// Bytes processed by the terminal so far.
    pub delivered: u64,
    /// Status requests answered.
    pub answered: u64,
    /// The pty reported end of output and every byte was delivered.
    pub closed: bool,
}

/// Bytes on their way back to the program, each due at a time.
pub type Back = Sender<(Instant, Vec<u8>)>;

/// Writes what comes back (answers, keys) into the program's input when it is due.
pub fn return_path(writer: Arc<Mutex<Box<dyn Write + Send>>>, rx: Receiver<(Instant, Vec<u8>)>) {
    std::thread::spawn(move || {
        for (due, bytes) in rx {
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            let mut writer = writer.lock().unwrap();
            if writer
                .write_all(&bytes)
                .and_then(|()| writer.flush())
                .is_err()
            {
                return;
            }
        }
    });
}

/// The far end: takes what the program wrote (with when it was read) from `chunks`, carries it
/// at the link's pace into `parser`, and answers questions on `back`.
pub fn far_end(
    link: Link,
    chunks: Receiver<(Instant, Vec<u8>)>,
    parser: Arc<Mutex<vt100::Parser>>,
    received: Arc<Mutex<Received>>,
    back: Back,
) {
    std::thread::spawn(move || {
        let mut questions = Questions::default();
        // When the link is free to carry the next byte.
        let mut free = Instant::now();
        let mut queue: VecDeque<(Instant, Vec<u8>)> = VecDeque::new();
        loop {
            let (sent, bytes) = match queue.pop_front() {
                Some(chunk) => chunk,
                None => match chunks.recv_timeout(Duration::from_millis(100)) {
                    Ok(chunk) => chunk,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => break,
                },
            };
            let arrives = sent + link.latency;
            free = free.max(arrives);
            // About a hundredth of a second's bytes at a time.
            let slice = link
                .rate
                .map_or(bytes.len(), |rate| ((rate / 100.0) as usize).max(64));
            for piece in bytes.chunks(slice.max(1)) {
                if let Some(rate) = link.rate {
                    free += Duration::from_secs_f64(piece.len() as f64 / rate);
                }
                let now = Instant::now();
                if free > now {
                    std::thread::sleep(free - now);
                }
                deliver(
                    piece,
                    &mut questions,
                    &parser,
                    &received,
                    &back,
                    link.latency,
                );
            }
        }
        received.lock().unwrap().closed = true;
    });
}

/// Processes `piece`, answering each question where it ends.
fn deliver(
    piece: &[u8],
    questions: &mut Questions,
    parser: &Arc<Mutex<vt100::Parser>>,
    received: &Arc<Mutex<Received>>,
    back: &Back,
    latency: Duration,
) {
    let mut from = 0;
    for (i, &byte) in piece.iter().enumerate() {
        let Some(question) = questions.push(byte) else {
            continue;
        };
        let mut parser = parser.lock().unwrap();
        parser.process(&piece[from..=i]);
        from = i + 1;
        let answer = match question {
            b'5' => b"\x1b[0n".to_vec(),
            _ => {
                let (row, col) = parser.screen().cursor_position();
                format!("\x1b[{};{}R", row + 1, col + 1).into_bytes()
            }
        };
        drop(parser);
        let mut received = received.lock().unwrap();
        received.answered += 1;
        drop(received);
        let _ = back.send((Instant::now() + latency, answer));
    }
    parser.lock().unwrap().process(&piece[from..]);
    let mut received = received.lock().unwrap();
    received.raw.extend_from_slice(piece);
    received.delivered = received.raw.len() as u64;
}

/// Finds `CSI 5 n` and `CSI 6 n` in a stream cut anywhere.
#[derive(Default)]
struct Questions {
    /// How much of `ESC [ digit` was seen.
    seen: Vec<u8>,
}

impl Questions {
    /// The question's digit when `byte` ends one.
    fn push(&mut self, byte: u8) -> Option<u8> {
        match (self.seen.as_slice(), byte) {
            (_, 0x1b) => {
                self.seen = vec![0x1b];
                None
            }
            ([0x1b], b'[') => {
                self.seen.push(b'[');
                None
            }
            ([0x1b, b'['], b'5' | b'6') => {
                self.seen.push(byte);
                None
            }
            ([0x1b, b'[', digit], b'n') => {
                let digit = *digit;
                self.seen.clear();
                Some(digit)
            }
            _ => {
                self.seen.clear();
                None
            }
        }
    }
}
