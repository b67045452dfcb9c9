//! The workbench's event loop: one `select!` over terminal input, background messages (job
//! events, effect outcomes, a player's new frame), an animation tick that runs only while
//! something moves, and a stop signal. Input comes first: a key that has arrived is handled
//! before the next frame is drawn, however fast frames come. A frame is drawn only after the
//! state changed and nothing else is waiting, and only as fast as the far end of the link
//! shows them ([`crate::tty::Pace`]): every view, player, spinner and log alike.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{FutureExt, Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::task::JoinHandle;
use tokio::time::Interval;

use crate::tty::{Input, LinkReport, Pace};
use crate::ui::edge::runtime::{Runtime, TerminalRequest};
use crate::ui::{App, AppOptions, Draft, Msg};

/// Spinner and elapsed-time refresh rate while jobs are in flight.
const TICK: Duration = Duration::from_millis(100);

/// How often the player's title may learn what the link does.
const REPORT_EVERY: Duration = Duration::from_millis(500);

/// How long the answers to frames in flight are waited for before the terminal is handed to
/// the editor or the shell, which would otherwise read them as typed.
const LAST_ANSWERS: Duration = Duration::from_millis(500);

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
    /// How frames reach the terminal: at once (tests), or at the link's pace.
    pub pace: Pace,
    /// The user did something since the last frame: it goes even while one is in flight.
    urgent: bool,
    /// A player made a new frame since the last one drawn.
    picture: bool,
    /// What the player's title was last told of the link, and when.
    reported: (LinkReport, Option<Instant>),
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
            pace: Pace::unpaced(),
            urgent: false,
            picture: false,
            reported: (LinkReport::default(), None),
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
            self.runtime.carry_out(effect);
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
        match &msg {
            Msg::Key(_) | Msg::Paste(_) | Msg::Mouse(_) | Msg::Resize(..) => self.urgent = true,
            Msg::Frame => self.picture = true,
            _ => {}
        }
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
            match self.runtime.carry_out(effect) {
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

    /// Draws now if anything changed, whatever is in flight.
    pub fn draw(&mut self) -> std::io::Result<()> {
        if self.dirty {
            let app = &mut self.app;
            self.pace.draw(&mut self.terminal, self.picture, |frame| {
                crate::ui::shell::screen::draw(app, frame)
            })?;
            self.dirty = false;
            self.urgent = false;
            self.picture = false;
        }
        Ok(())
    }

    /// Draws if anything changed and the link has room for the frame.
    fn draw_paced(&mut self) -> std::io::Result<()> {
        if self.dirty && self.pace.may_draw(Instant::now(), self.urgent) {
            self.draw()?;
        }
        Ok(())
    }

    /// A frame waits for the link.
    fn held_back(&self) -> bool {
        self.dirty
    }

    /// The terminal showed what came before a question: the next frame may go, and the
    /// player's title learns what the link does (not too often, and only while it plays).
    fn shown(&mut self) {
        let now = Instant::now();
        self.pace.set_frame_time(self.app.frame_time());
        self.pace.shown(now);
        if !self.app.playing() {
            return;
        }
        let report = self.pace.report(now);
        let (last, at) = &self.reported;
        let due = at.is_none_or(|at| now.duration_since(at) >= REPORT_EVERY);
        if due && report.differs(last) {
            self.reported = (report, Some(now));
            self.handle(Msg::Link(report));
        }
    }

    /// Runs until quit, a stop signal or the end of input. `make_input` opens the terminal's
    /// input; `on_edit` hands the prompt to an external editor (suspending the terminal) and
    /// returns its outcome.
    ///
    /// The input is closed for the editor and opened afresh after it: its reader would take
    /// the editor's first keys. Before that, and before the loop ends, the answers to frames
    /// still in flight are waited for (briefly), so the editor or the shell never reads them
    /// as typed.
    pub async fn run<S, F>(
        &mut self,
        mut make_input: impl FnMut() -> S,
        stop: F,
        mut on_edit: impl FnMut(&mut Self, String) -> Msg,
    ) -> std::io::Result<Ending>
    where
        S: Stream<Item = Input> + Unpin,
        F: Future<Output = ()>,
    {
        tokio::pin!(stop);
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        self.start();
        loop {
            let mut input = make_input();
            let served = self.serve(&mut input, stop.as_mut(), &mut tick).await;
            if !matches!(served, Ok(Served::Ended(Ending::InputClosed))) {
                self.last_answers(&mut input).await;
            }
            let text = match served? {
                Served::Ended(ending) => return Ok(ending),
                Served::Edit(text) => text,
            };
            drop(input);
            let msg = on_edit(self, text);
            // The editor's terminal was cleared and its input flushed, answers and all.
            self.pace.forget();
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
        S: Stream<Item = Input> + Unpin,
        F: Future<Output = ()>,
    {
        loop {
            if let Some(served) = self.settle_input_first(input)? {
                return Ok(served);
            }
            let animating = self.app.animating();
            let wake = if self.held_back() {
                self.pace.wake_at()
            } else {
                None
            };
            let held = async {
                match wake {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            let request = tokio::select! {
                biased;
                _ = &mut stop => return Ok(Served::Ended(Ending::Signal)),
                next = input.next() => match self.take(next) {
                    Ok(request) => request,
                    Err(served) => return Ok(served),
                },
                () = held => TerminalRequest::None,
                Some(msg) = self.runtime.next() => self.handle(msg),
                _ = tick.tick(), if animating => self.handle(Msg::Tick),
            };
            if let Some(served) = leaving(request) {
                return Ok(served);
            }
        }
    }

    /// Handles everything already waiting, the terminal's input first and again just before
    /// drawing, then draws if the link has room.
    fn settle_input_first<S>(&mut self, input: &mut S) -> std::io::Result<Option<Served>>
    where
        S: Stream<Item = Input> + Unpin,
    {
        if let Some(served) = self.take_waiting(input) {
            return Ok(Some(served));
        }
        while let Some(msg) = self.runtime.try_next() {
            if let Some(served) = leaving(self.handle(msg)) {
                return Ok(Some(served));
            }
        }
        if let Some(served) = self.take_waiting(input) {
            return Ok(Some(served));
        }
        self.draw_paced()?;
        Ok(None)
    }

    /// Handles the input that has arrived, without waiting for more.
    fn take_waiting<S>(&mut self, input: &mut S) -> Option<Served>
    where
        S: Stream<Item = Input> + Unpin,
    {
        while let Some(next) = input.next().now_or_never() {
            match self.take(next) {
                Ok(request) => {
                    if let Some(served) = leaving(request) {
                        return Some(served);
                    }
                }
                Err(served) => return Some(served),
            }
        }
        None
    }

    /// One item of the terminal's input: an event for the app, or an answer for the pace.
    fn take(&mut self, next: Option<Input>) -> Result<TerminalRequest, Served> {
        match next {
            None => Err(Served::Ended(Ending::InputClosed)),
            Some(Input::Shown) => {
                self.shown();
                Ok(TerminalRequest::None)
            }
            Some(Input::Event(event)) => Ok(match message(event) {
                Some(msg) => self.handle(msg),
                None => TerminalRequest::None,
            }),
        }
    }

    /// Waits (a moment at most) for the answers to frames in flight, handling what comes.
    async fn last_answers<S>(&mut self, input: &mut S)
    where
        S: Stream<Item = Input> + Unpin,
    {
        let deadline = tokio::time::Instant::now() + LAST_ANSWERS;
        while self.pace.awaiting() > 0 {
            match tokio::time::timeout_at(deadline, input.next()).await {
                Ok(Some(Input::Shown)) => self.pace.shown(Instant::now()),
                // Keys typed while the loop ends go where they would have: nowhere.
                Ok(Some(Input::Event(_))) => {}
                Ok(None) | Err(_) => return,
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

/// What the loop does after a message: go on, or leave it.
fn leaving(request: TerminalRequest) -> Option<Served> {
    match request {
        TerminalRequest::None => None,
        TerminalRequest::Quit => Some(Served::Ended(Ending::Quit)),
        TerminalRequest::EditExternally(text) => Some(Served::Edit(text)),
    }
}

/// A terminal event as a message: key presses (not releases), pastes, resizes and the mouse.
fn message(event: crossterm::event::Event) -> Option<Msg> {
    use crossterm::event::{Event, KeyEventKind};
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        _ => None,
    }
}

/// The terminal's input, read by the workbench itself so it sees the answers that pace its
/// drawing (see [`crate::tty`]). A terminal that cannot be read ends the loop at once, as a
/// read error (SSH dropped) does.
pub fn terminal_input() -> Box<dyn Stream<Item = Input> + Unpin + Send> {
    match crate::tty::Reader::open() {
        Ok(reader) => Box::new(reader),
        Err(err) => {
            tracing::warn!(error = %err, "could not read the terminal");
            Box::new(futures_util::stream::empty())
        }
    }
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
    /// Jobs unfinished when it closed, by where they were.
    pub unfinished: crate::ui::shell::app::Unfinished,
}

/// Takes the terminal over, runs the workbench until it ends and gives the terminal back,
/// whatever happened. Fails only when the terminal cannot be taken over at all.
pub async fn start(opts: Options) -> std::io::Result<Closed> {
    // Before the terminal is taken: from then on a signal must reach the loop, which gives
    // the terminal back, however long the start takes.
    let stop = crate::signals::stop_requested();
    let app = App::new(opts.app);
    let written = crate::tty::Written::new();
    let terminal = crate::ui::edge::terminal::enter(opts.mouse, &written)?;
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
    // From now on every frame is followed by a status request, and the next waits for its
    // answer (not before: the detection above reads the answers to its own question).
    bench.pace = Pace::asking(written.clone(), Box::new(std::io::stdout()));
    // After the keys typed meanwhile: a warning it brings must not swallow one of them.
    bench.handle(Msg::Keyboard(keyboard));
    let ending = bench
        .run(terminal_input, stop, |bench, text| {
            crate::ui::edge::terminal::edit_externally(
                &mut bench.terminal,
                &written,
                &bench.runtime.editor,
                &text,
            )
        })
        .await;
    let unfinished = bench.app.unfinished_jobs();
    bench.shutdown().await;
    crate::ui::edge::terminal::leave();
    Ok(Closed { ending, unfinished })
}
