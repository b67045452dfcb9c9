//! The workbench in-process: the real `App`, `Runtime` and job `Engine`, a history store in a
//! temporary directory, the simulated fal on loopback, and a `TestBackend` to draw on. Keys go
//! in through `Workbench::handle`; background messages are pumped until the screen shows
//! what the test waits for.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crossterm::event::KeyCode;
use i2v::jobs::{Engine, EngineOptions};
use i2v::ui::event_loop::Workbench;
use i2v::ui::runtime::{Jobs, Runtime, TerminalRequest, load_draft, recover_draft};
use i2v::ui::{App, AppOptions, Draft, Focus, KeyMap, Msg, NotifyConfig, Theme};
use i2v_fal::{ApiKey, ClientConfig, FalClient};
use i2v_sim::{SimConfig, SimServer};
use i2v_store::{JobId, JobRecord, JobState, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tempfile::TempDir;

use super::keys::{ch, ctrl, key};
use super::screen::Screen;
use super::{WAIT, fixture_png};

pub const WIDTH: u16 = 120;
pub const HEIGHT: u16 = 40;

/// The key the simulated fal accepts unless a test says otherwise.
pub const GOOD_KEY: &str = "test-key";

/// A `Write` whose bytes the test can read back: the runtime's terminal side channel
/// (bell, OSC 52, OSC 9), which must not land on the test's own stdout.
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub struct Harness {
    pub bench: Workbench<TestBackend>,
    pub sim: SimServer,
    /// Holds the history store (`<dir>/data`); kept so a second harness can reopen it.
    pub dir: Arc<TempDir>,
    pub side_channel: Captured,
}

/// How to build a harness.
pub struct Setup {
    pub sim: SimConfig,
    /// The key the client sends.
    pub key: String,
    /// Reuse the store of an earlier harness (a restart).
    pub dir: Option<Arc<TempDir>>,
    /// Reuse a simulated fal that is already running (a restart while jobs are in flight).
    pub running_sim: Option<SimServer>,
    /// `--prompt` on the command line.
    pub prompt: Option<String>,
    /// Running over SSH.
    pub remote: bool,
    /// The theme (the default one when `None`).
    pub theme: Option<Theme>,
    /// The price, the submit cap and the budget.
    pub pricing: i2v::ui::Pricing,
    /// Whether videos are downloaded (the config's `download`).
    pub download: bool,
}

impl Setup {
    pub fn new(sim: SimConfig) -> Self {
        Self {
            sim,
            key: GOOD_KEY.to_owned(),
            dir: None,
            running_sim: None,
            prompt: None,
            remote: false,
            theme: None,
            pricing: i2v::ui::Pricing::default(),
            download: true,
        }
    }
}

impl Harness {
    /// A fresh workbench against a fast simulated fal.
    pub async fn start() -> Self {
        Self::with(Setup::new(SimConfig::fast())).await
    }

    /// A fresh workbench on a data dir that already holds `records` (saved by an earlier run).
    pub async fn with_history(records: &[JobRecord]) -> Self {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let store = Store::open(dir.path().join("data")).unwrap();
        for record in records {
            store.save(record).unwrap();
        }
        Self::with(Setup {
            dir: Some(dir),
            ..Setup::new(SimConfig::fast())
        })
        .await
    }

    pub async fn with(setup: Setup) -> Self {
        let sim = match setup.running_sim {
            Some(sim) => sim,
            None => SimServer::start(setup.sim).await.unwrap(),
        };
        let dir = setup
            .dir
            .unwrap_or_else(|| Arc::new(tempfile::tempdir().unwrap()));
        let store = Store::open(dir.path().join("data")).unwrap();
        let base = sim.base_url();
        let config = ClientConfig::new(ApiKey::new(setup.key))
            .with_base_urls(&base, &base)
            .with_api_url(&sim.api_url())
            .fast_for_tests();
        let client = FalClient::new(config).unwrap();
        let options = EngineOptions {
            download: setup.download,
            ..EngineOptions::default()
        };
        let (engine, events) = Engine::new(client, store.clone(), options);
        let mut runtime = Runtime::new(
            Jobs::Engine { engine, events },
            store,
            NotifyConfig::default(),
        );
        let side_channel = Captured::default();
        runtime.out = Box::new(side_channel.clone());
        // Whether the test itself runs inside tmux must not matter.
        runtime.tmux = None;
        // As the binary does: the draft saved at the last quit fills the editor.
        let (draft, draft_warning) = recover_draft(&runtime.draft_path());
        let app = App::new(AppOptions {
            draft,
            prompt: setup.prompt,
            remote: setup.remote,
            theme: setup.theme.unwrap_or_default(),
            pricing: setup.pricing,
            keys: KeyMap::default(),
            ..AppOptions::default()
        });
        let terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
        let mut bench = Workbench::new(terminal, app, runtime);
        if let Some(warning) = draft_warning {
            bench.handle(Msg::Warning(warning));
        }
        bench.start();
        let mut harness = Self {
            bench,
            sim,
            dir,
            side_channel,
        };
        harness
            .wait_for("the history to load", |s| {
                s.pane("History")
                    .is_some_and(|p| !p.contains("loading history"))
            })
            .await;
        harness
    }

    /// The workbench started again on the same history, against the same simulated fal (which
    /// goes on working meanwhile): the next start of a user's day.
    pub async fn restart(self) -> Harness {
        let Harness { sim, dir, .. } = self;
        Harness::with(Setup {
            dir: Some(dir),
            running_sim: Some(sim),
            ..Setup::new(SimConfig::fast())
        })
        .await
    }

    pub fn screen(&self) -> Screen {
        Screen::from_buffer(self.bench.terminal.backend().buffer())
    }

    /// Handles one message (a key, usually) and draws.
    pub fn send(&mut self, msg: Msg) -> TerminalRequest {
        let request = self.bench.handle(msg);
        self.bench.draw().unwrap();
        request
    }

    pub fn press(&mut self, code: KeyCode) -> TerminalRequest {
        self.send(key(code))
    }

    /// Types `text` key by key into whatever has the focus.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(ch(c));
        }
    }

    /// Presses Tab until `focus` has the keyboard, as a user watching the frames would.
    pub fn focus(&mut self, focus: Focus) {
        for _ in 0..5 {
            if self.bench.app.focus() == focus {
                return;
            }
            let before = self.bench.app.focus();
            self.press(KeyCode::Tab);
            // Tab in the image field may wait for the path's completion (answered from its
            // own thread): a user would see the keyboard stay, and wait for it to move.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
            while self.bench.app.focus() == before && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(2));
                self.bench.settle().unwrap();
            }
        }
        assert_eq!(
            self.bench.app.focus(),
            focus,
            "Tab never reached {focus:?}:\n{}",
            self.screen()
        );
    }

    /// Handles background messages (effect outcomes, job events), drawing after each, until
    /// `done` holds for the screen. Panics with the screen after [`WAIT`].
    pub async fn wait_for(&mut self, what: &str, done: impl Fn(&Screen) -> bool) -> Screen {
        let deadline = Instant::now() + WAIT;
        loop {
            self.bench.draw().unwrap();
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.bench.runtime.next()).await {
                Ok(Some(msg)) => {
                    self.bench.handle(msg);
                }
                Ok(None) => panic!("the runtime's channels closed waiting for {what}:\n{screen}"),
                Err(_) => {
                    panic!("gave up after {WAIT:?} waiting for {what}; the screen:\n{screen}")
                }
            }
        }
    }

    /// Handles background messages until none has come for a moment (or [`WAIT`] passed):
    /// for work the screen does not show, such as records read ahead.
    pub async fn quiet(&mut self) {
        let deadline = Instant::now() + WAIT;
        let moment = std::time::Duration::from_millis(200);
        while Instant::now() < deadline {
            match tokio::time::timeout(moment, self.bench.runtime.next()).await {
                Ok(Some(msg)) => {
                    self.bench.handle(msg);
                }
                Ok(None) | Err(_) => break,
            }
        }
        self.bench.draw().unwrap();
    }

    /// Handles what is already waiting, without waiting for more.
    pub fn settle(&mut self) {
        while let Some(msg) = self.bench.runtime.try_next() {
            self.bench.handle(msg);
        }
        self.bench.draw().unwrap();
    }

    /// Makes the editor hold `prompt` and, when the image field is empty, puts the test image
    /// in it; the keyboard is left in the editor.
    pub fn fill(&mut self, prompt: &str) {
        self.focus(Focus::Editor);
        while !self.bench.app.draft().prompt.is_empty() {
            self.press(KeyCode::Backspace);
        }
        self.type_text(prompt);
        if self.bench.app.draft().image.is_empty() {
            self.focus(Focus::Image);
            self.type_text(&fixture_png());
            self.focus(Focus::Editor);
        }
    }

    /// What most tests need a finished job for: [`Harness::fill`] with `prompt`, Ctrl-S, and
    /// wait until the job completed (its video downloaded) and the history shows one more
    /// completed row (so it needs room for one). Its id.
    pub async fn submit_and_complete(&mut self, prompt: &str) -> JobId {
        // Newest first, as the store lists them.
        let completed = |store: &Store| -> Vec<JobId> {
            let records = store.list().records.into_iter();
            records
                .filter(|r| r.state == JobState::Completed)
                .map(|r| r.id)
                .collect()
        };
        let shown = |s: &Screen| s.pane_text("History").matches("✓ completed").count();
        let store = self.store();
        let before = completed(&store).len();
        let shown_before = shown(&self.screen());
        self.fill(prompt);
        self.send(ctrl('s'));
        // The store is written before the workbench hears of it: wait for both.
        self.wait_for("the job to complete and the history to show it", |s| {
            completed(&store).len() > before && shown(s) > shown_before
        })
        .await;
        completed(&store).remove(0)
    }

    pub fn draft_on_disk(&self) -> Option<Draft> {
        load_draft(&self.bench.runtime.draft_path())
    }

    pub fn store(&self) -> Store {
        self.bench.runtime.store.clone()
    }
}
