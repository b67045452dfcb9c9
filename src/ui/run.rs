//! The workbench's event loop: one `select!` over terminal input, background messages (job
//! events, effect outcomes), an animation tick that runs only while something moves, and a
//! stop signal. A frame is drawn only after the state changed and nothing else is waiting.

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::task::JoinHandle;
use tokio::time::Interval;

use super::runtime::{Runtime, TerminalRequest, recover_draft};
use super::{App, AppOptions, Draft, KeyMap, Msg, Theme, UiConfig};
use crate::cli::WorkbenchArgs;
use crate::config::{Settings, process_env};
use crate::jobs::{Engine, EngineOptions};
use crate::setup::{self, Backend as FalBackend};

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
        }
    }

    /// What happens before the first frame: the app learns the terminal size, checks a
    /// pre-filled image, the history starts loading in the background, and jobs left in
    /// flight by the last run are followed again (their logs continue where they stopped).
    /// Finding those reads every history file, so it happens off the UI task too.
    pub fn start(&mut self) {
        if let Ok(size) = self.terminal.size() {
            self.handle(Msg::Resize(size.width, size.height));
        }
        for effect in self.app.init() {
            self.runtime.apply(effect);
        }
        self.loading = Some(self.runtime.load_history());
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
                .draw(|frame| super::draw(app, frame))
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
        if let Some(engine) = &self.runtime.engine {
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

/// Builds everything from settings and runs the workbench in the real terminal.
pub async fn workbench(
    settings: Settings,
    demo: bool,
    args: WorkbenchArgs,
) -> anyhow::Result<ExitCode> {
    let mut warnings = Vec::new();
    let ui_config: UiConfig = match settings.file.ui.clone().map(toml::Table::try_into) {
        None => UiConfig::default(),
        Some(Ok(config)) => config,
        Some(Err(err)) => {
            warnings.push(format!(
                "[ui] in {} ignored: {}",
                settings.config_path.display(),
                err.message()
            ));
            UiConfig::default()
        }
    };
    let theme = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        Theme::no_color()
    } else {
        let name = args
            .theme
            .clone()
            .or_else(|| ui_config.theme.clone())
            .unwrap_or_else(|| "dark".into());
        let (theme, warning) = Theme::load(&name, Some(&settings.config_dir.join("themes")));
        warnings.extend(warning);
        theme
    };
    let (keys, key_warnings) = KeyMap::from_config(&ui_config.keys);
    warnings.extend(key_warnings);

    let (backend, banner, no_engine_reason) = if demo {
        (
            Some(FalBackend::demo(&settings).await?),
            Some("DEMO · simulated fal in this process: no key, no network, no cost".to_owned()),
            String::new(),
        )
    } else {
        match settings.api_key(&process_env) {
            Ok(key) => (Some(FalBackend::real(&settings, key)?), None, String::new()),
            // The banner must fit one line; the full message (with the config path) shows
            // when the user tries to submit.
            Err(err) => (
                None,
                Some("No fal API key: set FAL_KEY, or try --demo · Ctrl-S says more".to_owned()),
                err.to_string(),
            ),
        }
    };
    let store = match &backend {
        Some(b) => b.store.clone(),
        None => setup::open_store(&settings.data_dir)?,
    };
    let engine = backend.as_ref().map(|b| {
        Engine::new(
            b.client.clone(),
            b.store.clone(),
            EngineOptions {
                download: settings.download,
                fal_options: settings.file.fal.options(),
            },
        )
    });
    let mut runtime = Runtime::new(engine, store, ui_config.notify, no_engine_reason);
    if let Some(opener) = settings
        .file
        .opener
        .clone()
        .filter(|o| !o.trim().is_empty())
    {
        runtime.opener = opener;
    }
    let (draft, draft_warning) = recover_draft(&runtime.draft_path());
    warnings.extend(draft_warning);
    let app = App::new(AppOptions {
        prompt: args.prompt,
        image: args.image,
        draft,
        theme,
        keys,
        banner,
        notify: ui_config.notify,
        remote: std::env::var_os("SSH_CONNECTION").is_some_and(|v| !v.is_empty()),
    });

    let terminal = super::terminal::enter(ui_config.mouse)?;
    let mut bench = Workbench::new(terminal, app, runtime);
    super::terminal::save_draft_on_panic(bench.draft_handle(), bench.runtime.draft_path());
    for warning in warnings {
        bench.handle(Msg::Error(warning));
    }
    let ending = bench
        .run(
            terminal_messages,
            crate::signals::stop_requested(),
            |bench, text| {
                super::terminal::edit_externally(&mut bench.terminal, &bench.runtime.editor, &text)
            },
        )
        .await;
    let active = bench.app.active_jobs();
    bench.shutdown().await;
    super::terminal::leave();
    if active > 0 {
        eprintln!("{}", farewell(active, demo));
    }
    drop(backend);
    ending?;
    Ok(ExitCode::SUCCESS)
}

/// What happens to the jobs still running when the workbench closes: said on the restored
/// terminal, since quitting is not cancelling and the user may wonder whether they still pay.
fn farewell(active: usize, demo: bool) -> String {
    let jobs = if active == 1 {
        "1 job".to_owned()
    } else {
        format!("{active} jobs")
    };
    if demo {
        format!("i2v: {jobs} of this demo ended with it: the simulated fal ran inside this process")
    } else {
        format!(
            "i2v: {jobs} still running on fal: they go on there and are followed again at the \
             next start (or `i2v resume`)"
        )
    }
}
