//! The real `i2v` binary in a pseudo-terminal. A background thread reads everything it
//! writes into a vt100 parser (the screen a user would see) and keeps the raw bytes (to check
//! how it leaves the terminal).

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

use super::WAIT;
use super::link::{Link, Received, far_end, return_path};
use super::screen::Screen;

/// How often the screen is looked at while waiting.
const POLL: Duration = Duration::from_millis(50);

pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    /// Keys to the program through the link, when there is one.
    back: Option<super::link::Back>,
    latency: Duration,
    parser: Arc<Mutex<vt100::Parser>>,
    output: Arc<Mutex<Received>>,
    reader: Option<JoinHandle<()>>,
    // Kept open for as long as the program runs: closing it would hang the program up.
    _master: Box<dyn MasterPty + Send>,
}

/// The environment every run gets: nothing inherited (no FAL_KEY, no editor, no NO_COLOR),
/// paths inside `home`, and demo timings quick enough for a test.
pub fn demo_env(home: &Path) -> Vec<(String, String)> {
    let path = |p: &str| home.join(p).to_string_lossy().into_owned();
    vec![
        ("HOME".into(), path("")),
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("TERM".into(), "xterm-256color".into()),
        ("I2V_DATA_DIR".into(), path("data")),
        ("I2V_CONFIG".into(), path("config/config.toml")),
        ("I2V_DEMO_QUEUE_MS".into(), "200".into()),
        ("I2V_DEMO_RUN_MS".into(), "1500".into()),
        ("I2V_DEMO_LOG_MS".into(), "200".into()),
        // The terminal here is a parser that answers no question: asking it about graphics
        // would only cost the wait (and keys typed meanwhile are replayed only in part).
        // tests/preview_pty.rs asks on purpose.
        ("I2V_PREVIEW".into(), "halfblocks".into()),
        // Nor about the keyboard: tests/keyboard_pty.rs does.
        ("I2V_KEYBOARD".into(), "legacy".into()),
    ]
}

/// [`demo_env`] less `name`, for a test of what the program does without it (e.g. asking
/// the terminal).
pub fn demo_env_without(home: &Path, name: &str) -> Vec<(String, String)> {
    demo_env(home)
        .into_iter()
        .filter(|(k, _)| k != name)
        .collect()
}

impl Pty {
    /// Starts the `i2v` binary with `args` in a `cols`×`rows` terminal that reads everything
    /// at once and answers no question.
    pub fn spawn(args: &[&str], env: &[(String, String)], cols: u16, rows: u16) -> Self {
        Self::start(args, env, cols, rows, None)
    }

    /// Starts the `i2v` binary in a terminal at the far end of `link`, which answers status
    /// requests once it has shown what came before them (see [`super::link`]).
    pub fn spawn_linked(
        args: &[&str],
        env: &[(String, String)],
        cols: u16,
        rows: u16,
        link: Link,
    ) -> Self {
        Self::start(args, env, cols, rows, Some(link))
    }

    fn start(
        args: &[&str],
        env: &[(String, String)],
        cols: u16,
        rows: u16,
        link: Option<Link>,
    ) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_i2v"));
        cmd.args(args);
        cmd.env_clear();
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(env!("CARGO_MANIFEST_DIR"));
        let child = pair.slave.spawn_command(cmd).unwrap();
        // Only the child holds the terminal side now, so its exit ends our reads.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let output = Arc::new(Mutex::new(Received::default()));
        let (p, o) = (parser.clone(), output.clone());
        let (back, latency, chunks) = match link {
            None => (None, Duration::ZERO, None),
            Some(link) => {
                let (back, returns) = std::sync::mpsc::channel();
                return_path(writer.clone(), returns);
                let (chunks, taken) = std::sync::mpsc::channel();
                far_end(link, taken, p.clone(), o.clone(), back.clone());
                (Some(back), link.latency, Some(chunks))
            }
        };
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => match &chunks {
                        // Read at once, carried at the link's pace.
                        Some(chunks) => {
                            let _ = chunks.send((Instant::now(), buf[..n].to_vec()));
                        }
                        None => {
                            p.lock().unwrap().process(&buf[..n]);
                            let mut o = o.lock().unwrap();
                            o.raw.extend_from_slice(&buf[..n]);
                            o.delivered = o.raw.len() as u64;
                        }
                    },
                }
            }
            // Dropping `chunks` lets the far end finish and say it is closed.
            if chunks.is_none() {
                o.lock().unwrap().closed = true;
            }
        });
        Self {
            child,
            writer,
            back,
            latency,
            parser,
            output,
            reader: Some(thread),
            _master: pair.master,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// Sends bytes as if typed (at the far end of the link, if there is one).
    pub fn send(&mut self, bytes: &[u8]) {
        if let Some(back) = &self.back {
            back.send((Instant::now() + self.latency, bytes.to_vec()))
                .unwrap();
            return;
        }
        let mut writer = self.writer.lock().unwrap();
        writer.write_all(bytes).unwrap();
        writer.flush().unwrap();
    }

    /// Bytes the terminal has processed so far.
    pub fn delivered(&self) -> u64 {
        self.output.lock().unwrap().delivered
    }

    /// Status requests the terminal answered so far.
    pub fn answered(&self) -> u64 {
        self.output.lock().unwrap().answered
    }

    pub fn type_text(&mut self, text: &str) {
        self.send(text.as_bytes());
    }

    pub fn screen(&self) -> Screen {
        Screen::from_vt100(self.parser.lock().unwrap().screen())
    }

    /// Runs `check` on the vt100 screen state (alternate screen, cursor, modes).
    pub fn terminal_state<T>(&self, check: impl FnOnce(&vt100::Screen) -> T) -> T {
        check(self.parser.lock().unwrap().screen())
    }

    /// Everything the program wrote so far.
    pub fn raw(&self) -> Vec<u8> {
        self.output.lock().unwrap().raw.clone()
    }

    /// Polls what the program wrote until it holds `bytes` (a question to the terminal, a
    /// mode turned on); panics with the screen after [`WAIT`].
    pub fn wait_for_raw(&self, what: &str, bytes: &[u8]) {
        let deadline = Instant::now() + WAIT;
        while !self.raw().windows(bytes.len()).any(|w| w == bytes) {
            assert!(
                Instant::now() < deadline,
                "never saw {what} ({bytes:?}); the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(POLL);
        }
    }

    /// Polls the screen until `done` holds; panics with the screen after [`WAIT`].
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&Screen) -> bool) -> Screen {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // One last look: the output may have arrived just before the exit.
                std::thread::sleep(POLL);
                let screen = self.screen();
                if done(&screen) {
                    return screen;
                }
                panic!("i2v exited ({status:?}) while waiting for {what}; the screen:\n{screen}");
            }
            if Instant::now() >= deadline {
                panic!("gave up after {WAIT:?} waiting for {what}; the screen:\n{screen}");
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits for the program to exit and for its last output to be read.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "i2v did not exit within {WAIT:?}; the screen:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(POLL);
        };
        while !self.output.lock().unwrap().closed {
            assert!(
                Instant::now() < deadline + WAIT,
                "the pty stayed open after i2v exited"
            );
            std::thread::sleep(POLL);
        }
        if let Some(thread) = self.reader.take() {
            thread.join().unwrap();
        }
        status
    }

    /// Sends a signal to the program (by its pid, through kill(1): no libc binding needed).
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name} failed");
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // A failed test must not leave its workbench running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
