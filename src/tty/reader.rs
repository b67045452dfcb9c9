//! The terminal's input, read on a thread of its own and handed over as [`Input`]: keys,
//! pastes, the mouse, resizes, and the answers that pace the drawing. Dropping the reader
//! stops the thread before it returns, so nothing reads the terminal afterwards (the
//! external editor gets every key typed in it).
//!
//! The thread waits on three things at once: the terminal, a socket the reader closes to
//! stop it, and SIGWINCH (through a socket signal-hook writes to), the way crossterm's own
//! reader does.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread::JoinHandle;

use crossterm::event::Event;
use futures_util::Stream;
use rustix::event::{PollFd, PollFlags, poll};
use tokio::sync::mpsc;

use super::decode::{Decoder, ESC_WAIT, Input};

/// The terminal's input, until it ends (the terminal is gone) or this is dropped.
pub struct Reader {
    rx: mpsc::UnboundedReceiver<Input>,
    /// Closed to stop the thread.
    stop: Option<UnixStream>,
    thread: Option<JoinHandle<()>>,
}

impl Reader {
    /// Starts reading the terminal: stdin when it is one, else `/dev/tty` (as crossterm does).
    pub fn open() -> io::Result<Reader> {
        let tty = terminal()?;
        let (stop, stopped) = UnixStream::pair()?;
        let (resized, resizes) = UnixStream::pair()?;
        resizes.set_nonblocking(true)?;
        // A signal handler must never block on a full socket.
        resized.set_nonblocking(true)?;
        let winch = signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, resized)?;
        let (tx, rx) = mpsc::unbounded_channel();
        let thread = std::thread::Builder::new()
            .name("i2v-input".into())
            .spawn(move || {
                if let Err(err) = read(tty.as_fd(), &stopped, &resizes, &tx) {
                    tracing::warn!(error = %err, "the terminal's input ended");
                }
                signal_hook::low_level::unregister(winch);
            })?;
        Ok(Reader {
            rx,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Stream for Reader {
    type Item = Input;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Input>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

enum Tty {
    Stdin,
    Opened(OwnedFd),
}

impl Tty {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Tty::Stdin => rustix::stdio::stdin(),
            Tty::Opened(fd) => fd.as_fd(),
        }
    }
}

fn terminal() -> io::Result<Tty> {
    if rustix::termios::isatty(rustix::stdio::stdin()) {
        return Ok(Tty::Stdin);
    }
    let file = std::fs::File::open("/dev/tty")?;
    Ok(Tty::Opened(file.into()))
}

/// Reads until the terminal ends, the reader is dropped or nobody listens.
fn read(
    tty: BorrowedFd<'_>,
    stopped: &UnixStream,
    resizes: &UnixStream,
    tx: &mpsc::UnboundedSender<Input>,
) -> io::Result<()> {
    let mut decoder = Decoder::new();
    let mut buf = [0u8; 8192];
    let mut out = Vec::new();
    loop {
        let mut fds = [
            PollFd::new(&tty, PollFlags::IN),
            PollFd::new(stopped, PollFlags::IN),
            PollFd::new(resizes, PollFlags::IN),
        ];
        // A lone Esc waits a moment for the rest of its sequence, then is the key.
        let wait = decoder.waiting().then(|| {
            rustix::event::Timespec::try_from(ESC_WAIT).unwrap_or(rustix::event::Timespec {
                tv_sec: 0,
                tv_nsec: 30_000_000,
            })
        });
        match poll(&mut fds, wait.as_ref()) {
            Ok(0) => decoder.flush(&mut out),
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(err) => return Err(err.into()),
        }
        let [tty_ready, stop, resized] = fds.map(|fd| fd.revents());
        if !stop.is_empty() {
            return Ok(());
        }
        if !resized.is_empty() {
            // Several signals may have come: one size is enough.
            let mut drain = [0u8; 64];
            while rustix::io::read(resizes, &mut drain).is_ok_and(|n| n > 0) {}
            if let Ok((width, height)) = crossterm::terminal::size() {
                out.push(Input::Event(Event::Resize(width, height)));
            }
        }
        if !tty_ready.is_empty() {
            match rustix::io::read(tty, &mut buf) {
                // The terminal hung up.
                Ok(0) => return Ok(()),
                Ok(n) => decoder.feed(&buf[..n], n == buf.len(), &mut out),
                Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
                Err(err) => return Err(err.into()),
            }
        }
        for input in out.drain(..) {
            if tx.send(input).is_err() {
                return Ok(());
            }
        }
    }
}
