//! The workbench's event loop: one `select!` over terminal input, background messages (job
//! events, effect outcomes), an animation tick that runs only while something moves, and a
//! stop signal. A frame is drawn only after the state changed and nothing else is waiting.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::task::JoinHandle;
use tokio::time::Interval;

use crate::ui::edge::runtime::{Runtime, TerminalRequest};
use crate::ui::{App, AppOptions, Draft, Msg};

/// Spinner and elapsed-time refresh rate while jobs are in flight.
const TICK: Duration = Duration::from_millis(100);

/// The app and what runs its effects, drawn on `terminal`.
pub struct Workbench<B: Backend> {
    pub terminal: Terminal<B>,
    pub app: App,
    pub runtime: Runtime,
    /// The latest draft, shared with the panic hook so a crash still saves it.
    draft_copy: Arc<Mutex<Draft>>,
    /// The draft as last handed to a save, so only edits start one.
    draft_saved: Draft,
    dirty: bool,
    /// Loading the history and following the jobs the last run left in flight; awaited
    /// before the engine stops, so no job starts after the shutdown.
    loading: Option<JoinHandle<()>>,
    started: bool,
}

/// How the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    Quit,
    /// SIGTERM, SIGHUP or Ctrl-C from outside.
    Signal,
    /// The terminal's input ended (closed pty).
    InputClosed,
}

/// Why [`Workbench::serve`] returned.
enum Served {
    Ended(Ending),
    /// The user asked for the external editor, with this text.
    Edit(String),
}

impl<B: Backend> Workbench<B> {
    pub fn new(terminal: Terminal<B>, app: App, runtime: Runtime) -> Self {
        let draft_saved = app.draft();
        let draft_copy = Arc::new(Mutex::new(draft_saved.clone()));
        Self {
            terminal,
            app,
            runtime,
            draft_copy,
            draft_saved,
            dirty: true,
            loading: None,
            started: false,
        }
    }

    /// What happens before the first frame: the app learns the terminal size, checks a
    /// pre-filled image, the history starts loading in the background, and jobs left in
    /// flight by the last run are followed again (their logs continue where they stopped).
    /// Finding those reads every history file, so it happens off the UI task too. Only the
    /// first call does anything.
    pub fn start(&mut self) {
        if self.started {
            return;
        }
        self.started = true;
        if let Ok(size) = self.terminal.size() {
            self.handle(Msg::Resize(size.width, size.height));
        }
        for effect in self.app.init() {
            self.runtime.apply(effect);
        }
        self.loading = Some(self.runtime.load_history());
    }

    /// How pictures are drawn from now on, for the app and the runtime alike.
    pub fn set_graphics(&mut self, graphics: crate::preview::Graphics) {
        self.runtime.graphics = graphics.clone();
        self.handle(Msg::Graphics(graphics));
    }

    pub fn draft_handle(&self) -> Arc<Mutex<Draft>> {
        self.draft_copy.clone()
    }

    /// Applies one message and carries out its effects. Returns a request the loop must
    /// handle with the real terminal (editor hand-off, quit).
    pub fn handle(&mut self, msg: Msg) -> TerminalRequest {
        let effects = self.app.update(msg);
        self.dirty = true;
        let draft = self.app.draft();
        if draft != self.draft_saved {
            if let Ok(mut copy) = self.draft_copy.lock() {
                *copy = draft.clone();
            }
            self.draft_saved = draft.clone();
            self.runtime.save_draft_soon(draft);
        }
        let mut request = TerminalRequest::None;
        for effect in effects {
            match self.runtime.apply(effect) {
                TerminalRequest::None => {}
                other => request = other,
            }
        }
        request
    }

    /// Handles every message already waiting, then draws once if anything changed.
    pub fn settle(&mut self) -> std::io::Result<Option<TerminalRequest>> {
        while let Some(msg) = self.runtime.try_next() {
            match self.handle(msg) {
                TerminalRequest::None => {}
                other => return Ok(Some(other)),
            }
        }
        self.draw()?;
        Ok(None)
    }

    pub fn draw(&mut self) -> std::io::Result<()> {
        if self.dirty {
            let app = &mut self.app;
            self.terminal
                .draw(|frame| crate::ui::shell::screen::draw(app, frame))
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            self.dirty = false;
        }
        Ok(())
    }

    /// Runs until quit, a stop signal or the end of input. `make_input` opens the terminal's
    /// input; `on_edit` hands the prompt to an external editor (suspending the terminal) and
    /// returns its outcome.
    ///
    /// The input is closed for the editor and opened afresh after it: crossterm's
    /// `EventStream` keeps a thread reading the terminal while it waits for input, and that
    /// thread would take the editor's first keys.
    pub async fn run<S, F>(
        &mut self,
        mut make_input: impl FnMut() -> S,
        stop: F,
        mut on_edit: impl FnMut(&mut Self, String) -> Msg,
    ) -> std::io::Result<Ending>
    where
        S: Stream<Item = Msg> + Unpin,
        F: Future<Output = ()>,
    {
        tokio::pin!(stop);
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        self.start();
        loop {
            let mut input = make_input();
            let text = match self.serve(&mut input, stop.as_mut(), &mut tick).await? {
                Served::Ended(ending) => return Ok(ending),
                Served::Edit(text) => text,
            };
            drop(input);
            let msg = on_edit(self, text);
            if let TerminalRequest::Quit = self.handle(msg) {
                return Ok(Ending::Quit);
            }
        }
    }

    /// The loop proper, until it ends or the editor is wanted.
    async fn serve<S, F>(
        &mut self,
        input: &mut S,
        mut stop: Pin<&mut F>,
        tick: &mut Interval,
    ) -> std::io::Result<Served>
    where
        S: Stream<Item = Msg> + Unpin,
        F: Future<Output = ()>,
    {
        loop {
            let request = match self.settle()? {
                Some(request) => request,
                None => {
                    let animating = self.app.animating();
                    let msg = tokio::select! {
                        biased;
                        _ = &mut stop => return Ok(Served::Ended(Ending::Signal)),
                        Some(msg) = self.runtime.next() => msg,
                        next = input.next() => match next {
                            Some(msg) => msg,
                            None => return Ok(Served::Ended(Ending::InputClosed)),
                        },
                        _ = tick.tick(), if animating => Msg::Tick,
                    };
                    self.handle(msg)
                }
            };
            match request {
                TerminalRequest::None => {}
                TerminalRequest::Quit => return Ok(Served::Ended(Ending::Quit)),
                TerminalRequest::EditExternally(text) => return Ok(Served::Edit(text)),
            }
        }
    }

    /// Every way out (quit, signal, closed input) ends here: the draft is saved, once, and
    /// the jobs are no longer followed (they stay resumable).
    pub async fn shutdown(&mut self) {
        self.runtime.save_draft_now(&self.app.draft());
        if let Some(loading) = self.loading.take() {
            let _ = loading.await;
        }
        if let Some(engine) = self.runtime.engine() {
            engine.shutdown().await;
        }
    }
}

/// Terminal input as messages: key presses (not releases), pastes and resizes.
pub fn terminal_messages() -> impl Stream<Item = Msg> + Unpin {
    use crossterm::event::{Event, EventStream, KeyEventKind};
    use futures_util::future::ready;
    EventStream::new()
        // A read error means the terminal is gone (SSH dropped): end the stream so the loop
        // saves and exits instead of spinning on errors.
        .take_while(|event| ready(event.is_ok()))
        .filter_map(|event| {
            ready(match event {
                Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
                Ok(Event::Paste(text)) => Some(Msg::Paste(text)),
                Ok(Event::Resize(w, h)) => Some(Msg::Resize(w, h)),
                Ok(Event::Mouse(mouse)) => Some(Msg::Mouse(mouse)),
                _ => None,
            })
        })
}

/// What the workbench needs to run in the real terminal: built by the CLI from settings.
pub struct Options {
    pub app: AppOptions,
    pub runtime: Runtime,
    /// `[ui] mouse`: capture the mouse.
    pub mouse: bool,
    /// `[ui] preview`: how pictures are drawn, or whether to ask the terminal.
    pub preview: crate::preview::PreviewMode,
    /// `[ui] keyboard`: whether to ask the terminal for the kitty keyboard protocol.
    pub keyboard: crate::preview::KeyboardMode,
    /// Where the terminal's answer is remembered (`terminals.json`).
    pub data_dir: std::path::PathBuf,
    /// Problems found while building these (config, theme, keys, draft), shown at once.
    pub warnings: Vec<String>,
}

/// How the workbench ended, for what the CLI says after. The terminal is back to normal
/// either way.
pub struct Closed {
    /// How the loop ended, or the terminal error that ended it.
    pub ending: std::io::Result<Ending>,
    /// Jobs still queued or running on fal when it closed.
    pub active_jobs: usize,
}

/// Takes the terminal over, runs the workbench until it ends and gives the terminal back,
/// whatever happened. Fails only when the terminal cannot be taken over at all.
pub async fn start(opts: Options) -> std::io::Result<Closed> {
    let app = App::new(opts.app);
    let terminal = crate::ui::edge::terminal::enter(opts.mouse)?;
    let mut bench = Workbench::new(terminal, app, opts.runtime);
    crate::ui::edge::terminal::save_draft_on_panic(
        bench.draft_handle(),
        bench.runtime.draft_path(),
    );
    for warning in opts.warnings {
        bench.handle(Msg::Warning(warning));
    }
    // The first frame, then the terminal is asked about graphics and keyboard (at most once
    // per terminal, on a short deadline), before anything reads input: its answer comes on
    // stdin, and keys typed meanwhile come back with it.
    bench.start();
    // A failed draw is the loop's to report: it draws again at once.
    if let Err(err) = bench.draw() {
        tracing::warn!(error = %err, "could not draw the first frame");
    }
    let detection = crate::ui::edge::terminal::blocking(|| {
        crate::preview::detect_on_terminal(opts.preview, opts.keyboard, &opts.data_dir)
    });
    tracing::info!(graphics = ?detection.graphics, keyboard = ?detection.keyboard, "terminal");
    bench.set_graphics(detection.graphics);
    let mut keyboard = detection.keyboard;
    if keyboard == crate::preview::Keyboard::Kitty
        && let Err(err) = crate::ui::edge::terminal::enhance_keyboard()
    {
        tracing::warn!(error = %err, "could not turn the kitty keyboard protocol on");
        keyboard = crate::preview::Keyboard::Legacy;
    }
    for key in detection.typed {
        bench.handle(Msg::Key(key));
    }
    // After the keys typed meanwhile: a warning it brings must not swallow one of them.
    bench.handle(Msg::Keyboard(keyboard));
    let ending = bench
        .run(
            terminal_messages,
            crate::signals::stop_requested(),
            |bench, text| {
                crate::ui::edge::terminal::edit_externally(
                    &mut bench.terminal,
                    &bench.runtime.editor,
                    &text,
                )
            },
        )
        .await;
    let active_jobs = bench.app.active_jobs();
    bench.shutdown().await;
    crate::ui::edge::terminal::leave();
    Ok(Closed {
        ending,
        active_jobs,
    })
}
