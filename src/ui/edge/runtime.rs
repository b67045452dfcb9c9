//! Carries out the app's [`Effect`]s and turns their outcomes into [`Msg`]s. Everything slow
//! (file I/O, the image check, the job engine) runs off the UI task and answers through the
//! message channel; the UI never awaits the network.

use std::io::Write;
use std::path::PathBuf;

use base64::Engine as _;
use std::sync::Arc;

use i2v_store::{JobId, Store};
use i2v_video::Position;
use tokio::sync::mpsc;

use crate::image_source;
use crate::jobs::{Engine, JobEvent, Origin, Resumed};
use crate::preview::{Clock, Graphics, Player, StripMaker, THUMB_HEIGHT, THUMB_WIDTH};
use crate::text::sanitize;
use crate::tmux_clipboard::Copied;
use crate::ui::{Draft, Effect, ImageInfo, Msg, NotifyConfig};

/// Whether jobs can be submitted from this workbench.
pub enum Jobs {
    /// Through this engine, which reports on its jobs through `events`.
    Engine {
        engine: Engine,
        events: mpsc::UnboundedReceiver<JobEvent>,
    },
    /// Not at all (no API key, say): the screen still opens and the history can be browsed;
    /// a submit is answered with `reason`.
    Unavailable { reason: String },
}

/// What the runtime needs besides the terminal.
pub struct Runtime {
    pub jobs: Jobs,
    pub store: Store,
    pub notify: NotifyConfig,
    /// Terminal control sequences (clipboard, notifications, bell) go here.
    pub out: Box<dyn Write + Send>,
    /// `$VISUAL`, else `$EDITOR`, else `vi`.
    pub editor: String,
    /// Opens a downloaded video: `opener` from the config, else `xdg-open` (`open` on macOS).
    pub opener: String,
    /// Inside tmux: the tmux program to ask about its `set-clipboard` option (which decides
    /// whether a program's OSC 52 gets through) and to load its buffer when it does not.
    pub tmux: Option<String>,
    msg_tx: mpsc::UnboundedSender<Msg>,
    msg_rx: mpsc::UnboundedReceiver<Msg>,
    /// Local image path → the URL fal has for it from an earlier run (see
    /// `Effect::ImageFallback`).
    image_fallbacks: std::collections::HashMap<String, String>,
    /// The pending save of the draft being edited, restarted by every edit.
    draft_save: Option<tokio::task::JoinHandle<()>>,
    /// The image field's check under way, replaced by every edit.
    image_check: Option<tokio::task::JoinHandle<()>>,
    /// How pictures are drawn (set once the terminal's graphics are known): off means
    /// nothing is decoded for them.
    pub graphics: Graphics,
    /// Frame strips made in the background, started with the first one wanted.
    strips: Option<StripMaker>,
    /// What their cache may hold (`max_thumbs_mb`).
    pub max_thumbs_bytes: u64,
}

/// How long after the last edit the draft is saved: soon enough that a `kill -9` or a power
/// cut loses at most a second of typing, late enough not to write on every key.
/// How long Tab's path completion may take before it counts as nothing to complete: the keys
/// typed after Tab wait for it.
const COMPLETION_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

pub const DRAFT_SAVE_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

/// What the loop must do after an effect that needs the terminal.
pub enum TerminalRequest {
    None,
    EditExternally(String),
    Quit,
}

impl Runtime {
    pub fn new(jobs: Jobs, store: Store, notify: NotifyConfig) -> Self {
        let (msg_tx, msg_rx) = mpsc::unbounded_channel();
        let editor = std::env::var("VISUAL")
            .or_else(|_| std::env::var("EDITOR"))
            .ok()
            .filter(|e| !e.trim().is_empty())
            .unwrap_or_else(|| "vi".into());
        Self {
            jobs,
            store,
            notify,
            out: Box::new(std::io::stdout()),
            editor,
            opener: if cfg!(target_os = "macos") {
                "open".into()
            } else {
                "xdg-open".into()
            },
            tmux: std::env::var_os("TMUX")
                .filter(|v| !v.is_empty())
                .map(|_| "tmux".to_owned()),
            msg_tx,
            msg_rx,
            image_fallbacks: Default::default(),
            draft_save: None,
            image_check: None,
            graphics: Graphics::Off,
            strips: None,
            max_thumbs_bytes: i2v_video::DEFAULT_THUMBS_LIMIT,
        }
    }

    /// Saves `draft` once no edit has followed it for [`DRAFT_SAVE_DELAY`].
    pub fn save_draft_soon(&mut self, draft: Draft) {
        if let Some(pending) = self.draft_save.take() {
            pending.abort();
        }
        let path = self.draft_path();
        let tx = self.msg_tx.clone();
        self.draft_save = Some(tokio::spawn(async move {
            tokio::time::sleep(DRAFT_SAVE_DELAY).await;
            let saved = tokio::task::spawn_blocking(move || save_draft(&path, &draft)).await;
            if let Ok(Err(err)) = saved {
                let _ = tx.send(Msg::Error(format!("could not save the draft: {err}")));
            }
        }));
    }

    /// The engine jobs are submitted through, if there is one.
    pub fn engine(&self) -> Option<&Engine> {
        match &self.jobs {
            Jobs::Engine { engine, .. } => Some(engine),
            Jobs::Unavailable { .. } => None,
        }
    }

    /// The engine, or why there is none (no API key, say).
    fn engine_or_why(&self) -> Result<Engine, String> {
        match &self.jobs {
            Jobs::Engine { engine, .. } => Ok(engine.clone()),
            Jobs::Unavailable { reason } => Err(reason.clone()),
        }
    }

    pub fn sender(&self) -> mpsc::UnboundedSender<Msg> {
        self.msg_tx.clone()
    }

    pub fn draft_path(&self) -> PathBuf {
        self.store.root().join("draft.json")
    }

    /// The next message from background work: an effect's outcome or a job event.
    pub async fn next(&mut self) -> Option<Msg> {
        let events = match &mut self.jobs {
            Jobs::Engine { events, .. } => Some(events),
            Jobs::Unavailable { .. } => None,
        };
        let event = tokio::select! {
            biased;
            msg = self.msg_rx.recv() => return msg,
            Some(event) = async move {
                match events {
                    Some(rx) => rx.recv().await,
                    None => std::future::pending().await,
                }
            } => event,
        };
        Some(self.seen(event))
    }

    /// A job that just finished with its video on disk gets its strip made in the
    /// background, so it is usually ready before anyone looks.
    fn seen(&mut self, event: JobEvent) -> Msg {
        if let JobEvent::Updated(record) = &event
            && record.state == i2v_store::JobState::Completed
            && !self.graphics.is_off()
            && let Some(strips) = self.strip_maker()
        {
            crate::frames::warm_strip(strips, record);
        }
        Msg::Job(event)
    }

    fn strip_maker(&mut self) -> Option<&StripMaker> {
        if self.strips.is_none() {
            let tx = self.msg_tx.clone();
            let made = crate::frames::strip_maker(
                &self.store,
                self.max_thumbs_bytes,
                Box::new(move |id, result| {
                    if let Some(id) = JobId::parse(&id) {
                        let _ = tx.send(Msg::Strip { id, result });
                    }
                }),
            );
            match made {
                Ok(maker) => self.strips = Some(maker),
                Err(err) => tracing::warn!(error = %err, "could not start the strip maker"),
            }
        }
        self.strips.as_ref()
    }

    /// Starts one player per video, on one clock so they play in step; the players go to
    /// the app, and each new frame wakes it.
    fn play(&self, videos: Vec<(JobId, PathBuf)>) {
        let clock = Clock::new();
        let mut players = Vec::new();
        for (id, video) in videos {
            let player = Player::start(
                &video,
                &clock,
                ratatui::layout::Size::new(80, 24),
                self.graphics.colors(),
            );
            forward_frames(&player, self.msg_tx.clone());
            players.push((id, player));
        }
        let _ = self.msg_tx.send(Msg::Playing(players));
    }

    /// Fetches the videos of `shots` from the `from`-th on that were never downloaded (as
    /// `i2v film` does, saying how it goes), joins them (off the UI task: a second at most)
    /// and plays the one video, so nothing waits at the joins; the player goes to the app
    /// with where each shot starts.
    fn play_film(&self, id: JobId, shots: Vec<JobId>, from: usize) {
        let store = self.store.clone();
        let tx = self.msg_tx.clone();
        let colors = self.graphics.colors();
        let client = self.film_client();
        tokio::spawn(async move {
            let played = shots.get(from..).unwrap_or_default().to_vec();
            let going = tx.clone();
            let joining = id.clone();
            let fetched = crate::film::fetch_missing(
                &store,
                &played,
                from,
                shots.len(),
                move || client,
                move |how| {
                    let (id, how_far) = (joining.clone(), how);
                    let _ = going.send(Msg::FilmJoining { id, how_far });
                },
            )
            .await;
            let joined = match fetched {
                Ok(()) => {
                    tokio::task::spawn_blocking(move || crate::film::join_to_play(&store, &played))
                        .await
                        .map_err(|err| format!("the film could not be joined: {err}"))
                }
                Err(err) => Ok(Err(err)),
            };
            let result = match joined {
                Ok(Ok((video, starts))) => {
                    let size = ratatui::layout::Size::new(80, 24);
                    let player = Player::start(&video, &Clock::new(), size, colors);
                    forward_frames(&player, tx.clone());
                    let film = crate::ui::model::media::FilmPlaying {
                        shots,
                        from,
                        starts,
                    };
                    Ok((player, film))
                }
                Ok(Err(err)) => Err(sanitize(&format!("{err:#}"))),
                Err(why) => Err(why),
            };
            let _ = tx.send(Msg::FilmPlaying { id, result });
        });
    }

    /// What fetches a film's videos never downloaded: the engine's fal client (used only
    /// when one must be fetched: a workbench without a key still plays downloaded films).
    fn film_client(&self) -> anyhow::Result<i2v_fal::FalClient> {
        self.engine_or_why()
            .map(|engine| engine.client().clone())
            .map_err(|why| {
                anyhow::anyhow!(
                    "a shot's video must be fetched from fal first, and cannot be: {why}"
                )
            })
    }

    /// Reads the takes chosen, after remembering `chosen` (a take that follows a shot).
    fn takes(&self, chosen: Option<(JobId, JobId)>) {
        let (store, tx) = (self.store.clone(), self.msg_tx.clone());
        tokio::task::spawn_blocking(move || {
            let result = match &chosen {
                Some((shot, take)) => store.choose_take(shot, take),
                None => store.takes(),
            };
            let result = result.map_err(|err| match chosen {
                Some(_) => format!("The take chosen could not be remembered: {err}"),
                None => format!("The takes chosen could not be read: {err}"),
            });
            let _ = tx.send(Msg::Takes(result));
        });
    }

    /// Reads how long each shot is from the videos' indexes.
    fn plan_film(&self, shots: Vec<JobId>) {
        let (store, tx) = (self.store.clone(), self.msg_tx.clone());
        tokio::task::spawn_blocking(move || {
            let result =
                crate::film::lengths(&store, &shots).map_err(|e| sanitize(&format!("{e:#}")));
            let _ = tx.send(Msg::FilmPlanned { shots, result });
        });
    }

    /// Writes a film as `i2v film` does, fetching first the shots' videos never downloaded,
    /// telling the app how it goes (at most ten times a second).
    fn export_film(&self, ids: Vec<JobId>, path: Option<PathBuf>) {
        use crate::ui::model::msg::FilmExport;
        let (store, tx) = (self.store.clone(), self.msg_tx.clone());
        let client = self.film_client();
        tokio::spawn(async move {
            let going = tx.clone();
            let fetched = crate::film::fetch_missing(
                &store,
                &ids,
                0,
                ids.len(),
                move || client,
                move |how| {
                    let _ = going.send(Msg::FilmExport(FilmExport::Going(how)));
                },
            )
            .await;
            let said = match fetched {
                Ok(()) => {
                    let tx = tx.clone();
                    tokio::task::spawn_blocking(move || {
                        crate::film::export(&store, &ids, path, &mut |going| {
                            let _ = tx.send(Msg::FilmExport(FilmExport::Going(going)));
                        })
                    })
                    .await
                    .unwrap_or_else(|err| Err(anyhow::anyhow!("the film's writer stopped: {err}")))
                }
                Err(err) => Err(err),
            };
            let msg = match said {
                Ok((path, what)) => FilmExport::Done(path, what),
                Err(err) => FilmExport::Failed(sanitize(&format!("{err:#}"))),
            };
            let _ = tx.send(Msg::FilmExport(msg));
        });
    }

    /// A message that is already waiting, without waiting.
    pub fn try_next(&mut self) -> Option<Msg> {
        if let Ok(msg) = self.msg_rx.try_recv() {
            return Some(msg);
        }
        let event = match &mut self.jobs {
            Jobs::Engine { events, .. } => events.try_recv().ok()?,
            Jobs::Unavailable { .. } => return None,
        };
        Some(self.seen(event))
    }

    /// Loads the history in the background (the first frame does not wait for it), then
    /// follows again the jobs the last run left in flight, from that same listing.
    pub fn load_history(&self) -> tokio::task::JoinHandle<()> {
        let store = self.store.clone();
        let engine = self.engine().cloned();
        let tx = self.msg_tx.clone();
        // The engine spawns one task per resumed job; a blocking-pool thread is inside the
        // runtime, so it can.
        tokio::task::spawn_blocking(move || {
            // Summaries from the index: full records only for the unfinished jobs, which
            // are resumed or watched.
            let modified = crate::ui::edge::history_watch::modified(&store);
            let (history, seen) = store.history_and_seen();
            let unfinished: Vec<JobId> = history
                .jobs
                .iter()
                .filter(|s| !s.state.is_terminal())
                .map(|s| s.id.clone())
                .collect();
            let maybe_sent: Vec<JobId> = history
                .jobs
                .iter()
                .filter(|s| s.state == i2v_store::JobState::MaybeSubmitted)
                .map(|s| s.id.clone())
                .collect();
            let _ = tx.send(Msg::HistoryLoaded {
                rows: crate::ui::HistoryRows::of(history.jobs),
                problems: history.problems.iter().map(|p| p.to_string()).collect(),
            });
            crate::ui::edge::history_watch::spawn(store.clone(), tx.clone(), modified, seen);
            let unfinished: Vec<_> = unfinished
                .iter()
                .filter_map(|id| store.load(id).ok())
                .filter(|r| !r.state.is_terminal())
                .collect();
            // Jobs nobody here runs change only on disk: watch those.
            let Some(engine) = engine else {
                let ids = unfinished.into_iter().map(|r| r.id).collect();
                return crate::ui::edge::record_watch::spawn(store, None, tx, ids);
            };
            let report = engine.resume_all(unfinished.clone());
            // Jobs whose submit's answer was lost: settled from fal's records.
            let unsettled: Vec<_> = maybe_sent
                .iter()
                .filter_map(|id| store.load(id).ok())
                .filter(crate::jobs::unsettled)
                .collect();
            let checks = engine.check_all(unsettled.clone());
            if !report.resumed.is_empty() || !checks.resumed.is_empty() {
                let resumed = unfinished
                    .into_iter()
                    .filter(|r| report.resumed.contains(&r.id))
                    .chain(
                        unsettled
                            .into_iter()
                            .filter(|r| checks.resumed.contains(&r.id)),
                    )
                    .collect();
                let _ = tx.send(Msg::Resumed(resumed));
            }
            crate::ui::edge::record_watch::spawn(store, Some(engine), tx, report.busy);
        })
    }

    /// Hands `job` to the engine, with the copy fal has of its image if the local file is
    /// gone (a re-run).
    fn send_job(&self, mut job: crate::jobs::NewJob, origin: Origin) -> Result<JobId, String> {
        if let Some(url) = self.image_fallbacks.get(&job.image)
            && !std::path::Path::new(&job.image).exists()
        {
            let _ = self.msg_tx.send(Msg::Notice(format!(
                "{} is gone: sending the copy fal has from the earlier run",
                job.image
            )));
            job.image = url.clone();
        }
        match &self.jobs {
            Jobs::Engine { engine, .. } => Ok(engine.submit_from(job, origin)),
            Jobs::Unavailable { reason } => Err(reason.clone()),
        }
    }

    /// Carries out one effect the app's update returned: the I/O, tasks and terminal work
    /// the pure app only asks for. What needs the terminal itself comes back to the loop.
    pub fn carry_out(&mut self, effect: Effect) -> TerminalRequest {
        match effect {
            Effect::ImageFallback { path, url } => {
                self.image_fallbacks.insert(path, url);
            }
            Effect::Submit(job) => {
                let reply = self.send_job(job, Origin::default());
                let _ = self.msg_tx.send(Msg::Submitted(reply));
            }
            Effect::SubmitContinuing { job, continues } => {
                let origin = Origin {
                    continues: Some(continues),
                    ..Origin::default()
                };
                let reply = self.send_job(job, origin);
                let _ = self.msg_tx.send(Msg::Submitted(reply));
            }
            Effect::SubmitBatch(jobs) => {
                let batch = i2v_store::BatchId::new();
                for job in jobs {
                    let origin = Origin {
                        batch: Some(batch.clone()),
                        ..Origin::default()
                    };
                    let reply = self.send_job(job, origin);
                    let _ = self.msg_tx.send(Msg::Submitted(reply));
                }
            }
            Effect::ReadRecords(ids) => self.read_records(ids),
            Effect::FetchVideo(id) => self.fetch_video(id),
            Effect::Trash(ids) => self.trash(ids),
            Effect::LookAtFal { since } => {
                let engine = self.engine_or_why();
                crate::ui::edge::fal_import::look(engine, since, self.msg_tx.clone());
            }
            Effect::ImportFromFal(records) => {
                let engine = self.engine_or_why();
                crate::ui::edge::fal_import::import(engine, records, self.msg_tx.clone());
            }
            Effect::Cancel(id) => {
                let running = self.engine().is_some_and(|e| e.cancel(&id));
                if !running {
                    let _ = self.msg_tx.send(Msg::Error(format!(
                        "job {id} is not running in this workbench"
                    )));
                }
            }
            Effect::CompletePath(text) => {
                // A folder on a slow mount must not hold up the screen, nor for long the keys
                // typed after Tab, which wait for this answer: past a moment, the answer is
                // that there is nothing to complete. Whichever comes first answers.
                let answered = Arc::new(std::sync::atomic::AtomicBool::new(false));
                let answer = move |answered: &std::sync::atomic::AtomicBool,
                                   tx: &mpsc::UnboundedSender<Msg>,
                                   text: String,
                                   completion| {
                    if !answered.swap(true, std::sync::atomic::Ordering::SeqCst) {
                        let _ = tx.send(Msg::PathCompleted { text, completion });
                    }
                };
                let (tx, asked, first) = (self.msg_tx.clone(), text.clone(), answered.clone());
                tokio::task::spawn_blocking(move || {
                    let cwd = std::env::current_dir().unwrap_or_default();
                    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
                    let completion = crate::path_complete::complete(&asked, &cwd, home.as_deref());
                    answer(&first, &tx, asked, completion);
                });
                let tx = self.msg_tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(COMPLETION_WAIT).await;
                    answer(&answered, &tx, text, None);
                });
            }
            Effect::InspectImage(text) => {
                // Only the latest text matters: a URL typed key by key would otherwise be
                // fetched once per key.
                if let Some(pending) = self.image_check.take() {
                    pending.abort();
                }
                let tx = self.msg_tx.clone();
                let thumbnails = !self.graphics.is_off();
                self.image_check = Some(tokio::spawn(async move {
                    let result = inspect_image(&text).await;
                    let local = result.is_ok() && thumbnails && is_local(&text);
                    let _ = tx.send(Msg::ImageInspected {
                        text: text.clone(),
                        result,
                    });
                    if local {
                        let path = text.clone();
                        let made = tokio::task::spawn_blocking(move || {
                            let path = crate::image_source::expand_home(path.trim());
                            crate::preview::image_thumbnail(&path, THUMB_WIDTH, THUMB_HEIGHT)
                        })
                        .await
                        .map_err(|e| e.to_string())
                        .and_then(|made| made.map(Arc::new));
                        let _ = tx.send(Msg::Thumbnail { text, result: made });
                    }
                }));
            }
            Effect::EditExternally(text) => return TerminalRequest::EditExternally(text),
            Effect::CopyToClipboard(text) => {
                // OSC 52 travels through SSH and tmux to the local terminal's clipboard.
                let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
                self.write_sequence(&format!("\x1b]52;c;{encoded}\x07"));
                match self.tmux.clone() {
                    None => {
                        let _ = self
                            .msg_tx
                            .send(Msg::Notice("copied to the clipboard (OSC 52)".into()));
                    }
                    Some(tmux) => {
                        let tx = self.msg_tx.clone();
                        tokio::task::spawn_blocking(move || {
                            let msg = match crate::tmux_clipboard::copy(&tmux, &text) {
                                Copied::Done(said) => Msg::Notice(said),
                                Copied::Partly(said) => Msg::Warning(said),
                                Copied::Not(said) => Msg::Error(said),
                            };
                            let _ = tx.send(msg);
                        });
                    }
                }
            }
            Effect::OpenVideo(path) => self.open_video(path),
            Effect::WantStrip { id, video } => {
                if let Some(strips) = self.strip_maker() {
                    strips.want(id.as_str(), &video);
                }
            }
            Effect::Play(videos) => self.play(videos),
            Effect::PlayFilm { id, shots, from } => self.play_film(id, shots, from),
            Effect::ReadTakes => self.takes(None),
            Effect::ChooseTake { shot, take } => self.takes(Some((shot, take))),
            Effect::PlanFilm(shots) => self.plan_film(shots),
            Effect::ExportFilm { shots, path } => self.export_film(shots, path),
            Effect::SaveLastFrame(id) => self.save_last_frame(id),
            Effect::Judge { id, verdict } => {
                let store = self.store.clone();
                let tx = self.msg_tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = crate::judge::judge(&store, &id, &verdict)
                        .map(Box::new)
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::Judged { id, result });
                });
            }
            Effect::Notify { title, body } => self.notify(&title, &body),
            Effect::Quit => return TerminalRequest::Quit,
            Effect::Discard(rows) => {
                // A plain thread: freeing needs no runtime, and must not wait behind one.
                let freed = std::thread::Builder::new()
                    .name("i2v-discard".into())
                    .spawn(move || drop(rows));
                if let Err(err) = freed {
                    tracing::debug!(%err, "rows freed on the UI thread instead");
                }
            }
        }
        TerminalRequest::None
    }

    /// Decodes the whole clip (about a second for a 1080p result) on the blocking pool.
    fn save_last_frame(&self, id: JobId) {
        let store = self.store.clone();
        let tx = self.msg_tx.clone();
        tokio::task::spawn_blocking(move || {
            let result = store
                .load(&id)
                .map_err(anyhow::Error::from)
                .and_then(|record| crate::frames::save_frame(&store, &record, Position::Last, None))
                .map_err(|e| crate::text::error_chain(&e));
            let _ = tx.send(Msg::LastFrameSaved { id, result });
        });
    }

    /// Reads history records off the UI task.
    fn read_records(&self, ids: Vec<JobId>) {
        let (store, tx) = (self.store.clone(), self.msg_tx.clone());
        tokio::task::spawn_blocking(move || {
            let read = ids
                .into_iter()
                .map(|id| {
                    // Why, without the file's path: the id names it, and a view has one line.
                    store.load(&id).map_err(|e| {
                        let path = store.jobs_dir().join(format!("{id}.json"));
                        let why = i2v_store::StoreProblem::from_error(path, e).message;
                        (id, why)
                    })
                })
                .collect();
            let _ = tx.send(Msg::RecordsRead(read));
        });
    }

    /// Fetches again the video of job `id`, whose download failed, on the engine (the job's
    /// events then say how it goes); says why not when it cannot.
    fn fetch_video(&self, id: JobId) {
        let engine = match &self.jobs {
            Jobs::Engine { engine, .. } => engine.clone(),
            Jobs::Unavailable { reason } => {
                let why = format!("Cannot fetch the video of job {id}: {reason}");
                let _ = self.msg_tx.send(Msg::Error(why));
                return;
            }
        };
        let (store, tx) = (self.store.clone(), self.msg_tx.clone());
        tokio::task::spawn_blocking(move || {
            let msg = match store.load(&id) {
                Err(err) => Msg::Error(format!("Cannot fetch the video of job {id}: {err}")),
                Ok(_) if !engine.downloads() => Msg::Error(format!(
                    "Downloads are off (download = false in the config): the video of job \
                     {id} stays on fal"
                )),
                Ok(_) if engine.is_running(&id) => {
                    Msg::Notice(format!("The video of job {id} is being fetched already"))
                }
                Ok(record) => match engine.fetch_video_again(record) {
                    Resumed::Started => return,
                    Resumed::Busy => Msg::Error(format!(
                        "Job {id} is being followed by another i2v; it fetches the video"
                    )),
                    Resumed::AlreadyFinished => {
                        Msg::Notice(format!("Job {id} has its video already"))
                    }
                },
            };
            let _ = tx.send(msg);
        });
    }

    /// Moves jobs to the trash off the UI task, one at a time: each that cannot move (a
    /// process follows it, a file will not move) says why and leaves its files as they were.
    fn trash(&self, ids: Vec<JobId>) {
        let (store, tx) = (self.store.clone(), self.msg_tx.clone());
        tokio::task::spawn_blocking(move || {
            let mut moved = Vec::new();
            let mut failed = Vec::new();
            for id in ids {
                match store.remove(&id, i2v_store::Removal::Trash) {
                    Ok(_) => moved.push(id),
                    Err(err) => failed.push((id, err.to_string())),
                }
            }
            let trash = store.trash_dir();
            let _ = tx.send(Msg::Trashed {
                moved,
                failed,
                trash,
            });
        });
    }

    fn notify(&mut self, title: &str, body: &str) {
        // Notification text ends up inside an escape sequence: nothing in it may end it early.
        let (title, body) = (sanitize(title).replace(';', ","), sanitize(body));
        let mut seq = String::new();
        if self.notify.bell {
            seq.push('\x07');
        }
        if self.notify.osc {
            seq.push_str(&format!("\x1b]9;{title}: {body}\x07"));
            seq.push_str(&format!("\x1b]777;notify;{title};{body}\x07"));
        }
        if !seq.is_empty() {
            self.write_sequence(&seq);
        }
    }

    fn write_sequence(&mut self, seq: &str) {
        let _ = self.out.write_all(seq.as_bytes());
        let _ = self.out.flush();
    }

    fn open_video(&self, path: PathBuf) {
        let tx = self.msg_tx.clone();
        let opener = self.opener.clone();
        tokio::task::spawn_blocking(move || {
            // Through the shell, so `opener = "mpv --loop"` and the like work.
            let spawned = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("{opener} \"$1\""))
                .arg("i2v-open")
                .arg(&path)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
            let mut child = match spawned {
                Ok(child) => child,
                Err(err) => {
                    let reason = format!("could not run {opener}: {err}");
                    let _ = tx.send(Msg::OpenFailed { path, reason });
                    return;
                }
            };
            let _ = tx.send(Msg::Notice(format!(
                "opening {} with {opener}",
                path.display()
            )));
            // Waited for here (a blocking-pool thread), however long a player stays open: a
            // missing opener (127) or one that gives up must not fail silently.
            match child.wait() {
                Ok(status) if status.success() => {}
                Ok(status) => {
                    let reason = match status.code() {
                        Some(127) => format!("{opener} is not installed"),
                        _ => format!("{opener} failed ({status})"),
                    };
                    let _ = tx.send(Msg::OpenFailed { path, reason });
                }
                Err(err) => {
                    let reason = format!("{opener}: {err}");
                    let _ = tx.send(Msg::OpenFailed { path, reason });
                }
            }
        });
    }

    /// Saves the draft now (on quit, on a signal, from the panic hook's copy).
    pub fn save_draft_now(&mut self, draft: &Draft) {
        // A save still waiting for its delay would write an older draft over this one.
        if let Some(pending) = self.draft_save.take() {
            pending.abort();
        }
        if let Err(err) = save_draft(&self.draft_path(), draft) {
            tracing::error!(error = %err, "could not save the draft");
        }
    }
}

/// Wakes the app with `Msg::Frame` whenever `player` has a new frame; ends when the player's
/// thread does (the player was dropped, or failed).
fn forward_frames(player: &Player, tx: mpsc::UnboundedSender<Msg>) {
    let mut frames = player.watch();
    tokio::spawn(async move {
        while frames.changed().await.is_ok() {
            if tx.send(Msg::Frame).is_err() {
                break;
            }
        }
    });
}

pub fn save_draft(path: &std::path::Path, draft: &Draft) -> std::io::Result<()> {
    let draft = Draft {
        image: resolved_image(&draft.image),
        ..draft.clone()
    };
    let json = serde_json::to_vec_pretty(&draft).map_err(std::io::Error::other)?;
    // A delayed save already writing when the shutdown saves cannot be stopped: each write
    // needs its own temporary file, or one could truncate the file the other is renaming
    // into place and leave a half-written draft.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("json.{}-{n}.tmp", std::process::id()));
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        // The draft is the user's prompt: theirs alone to read.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(&json)?;
        file.sync_all()?;
    }
    std::fs::rename(tmp, path)
}

pub fn load_draft(path: &std::path::Path) -> Option<Draft> {
    let bytes = crate::local_file::read_capped(path, MAX_DRAFT_BYTES, "a draft").ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// How long the image field must rest before a URL in it is fetched.
const URL_CHECK_DELAY: std::time::Duration = std::time::Duration::from_millis(400);

/// What the image field names, and the model limit it breaks: a file by its header, a URL by
/// a look at its first bytes (best effort: a URL that cannot be looked at passes).
async fn inspect_image(text: &str) -> Result<ImageInfo, String> {
    use crate::image_source::ImageRef;
    let owned = text.to_owned();
    let image = tokio::task::spawn_blocking(move || image_source::inspect(&owned))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    Ok(match &image {
        // Decoded in full (blocking work): a file cut short, or a header that lies, is
        // refused here, where its owner is looking, not after an upload.
        ImageRef::File(local) => {
            let local = local.clone();
            let limit = tokio::task::spawn_blocking(move || local.check_limits())
                .await
                .map_err(|e| e.to_string())?
                .err()
                .map(|e| e.reason());
            ImageInfo {
                summary: image.summary(),
                limit,
            }
        }
        ImageRef::Url(url) if image_source::is_data_url(url) => {
            let url = url.clone();
            let limit = tokio::task::spawn_blocking(move || image_source::check_data_url(&url))
                .await
                .map_err(|e| e.to_string())?
                .err()
                .map(|e| e.to_string());
            ImageInfo {
                summary: image.summary(),
                limit,
            }
        }
        ImageRef::Url(url) => {
            tokio::time::sleep(URL_CHECK_DELAY).await;
            let seen = crate::remote_image::look(url).await;
            ImageInfo {
                summary: seen.summary(),
                limit: seen.check_limits().err().map(|v| v.to_string()),
            }
        }
    })
}

/// A draft is a few KB; anything far larger (or not a regular file) is not one.
const MAX_DRAFT_BYTES: u64 = 4 * 1024 * 1024;

/// The draft saved at the last quit, for the start-up, plus a warning when the file was
/// there but could not be read as it is. Such a file is moved aside (`draft.json.bad-<time>`)
/// so the next quit does not overwrite what the user wrote, and the fields in it that still
/// make sense are loaded.
pub fn recover_draft(path: &std::path::Path) -> (Option<Draft>, Option<String>) {
    use crate::local_file::{ReadError, read_capped};
    let shown = sanitize(&path.display().to_string());
    let bytes = match read_capped(path, MAX_DRAFT_BYTES, "a draft") {
        Ok(bytes) => bytes,
        Err(err) if err.is_not_found() => return (None, None),
        // Not ours, and perhaps someone's work: kept, where the next quit would replace it.
        Err(err @ ReadError::TooLarge { .. }) => {
            let kept = move_draft_aside(path);
            return (
                None,
                Some(format!(
                    "the draft {shown} is {err}; {kept}; starting empty"
                )),
            );
        }
        Err(err) => {
            let warning = format!("could not read the draft {shown}: {err}; starting empty");
            return (None, Some(warning));
        }
    };
    let err = match serde_json::from_slice::<Draft>(&bytes) {
        Ok(draft) => return (Some(draft), None),
        Err(err) => err,
    };
    let salvaged = salvage_draft(&bytes);
    let kept = move_draft_aside(path);
    let loaded = if salvaged.is_some() {
        "loaded what could be read"
    } else {
        "starting empty"
    };
    let warning = format!("the draft {shown} did not parse ({err}); {kept}; {loaded}");
    (salvaged, Some(warning))
}

/// Moves a draft that cannot be loaded out of the way of the next quit's save; says where.
fn move_draft_aside(path: &std::path::Path) -> String {
    let aside = path.with_file_name(format!(
        "draft.json.bad-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S")
    ));
    match std::fs::rename(path, &aside) {
        Ok(()) => format!("kept it as {}", sanitize(&aside.display().to_string())),
        Err(e) => format!("could not move it aside ({e}): copy it before quitting"),
    }
}

/// Each field of a draft that parses as JSON but not as a whole (one field mistyped, say).
fn salvage_draft(bytes: &[u8]) -> Option<Draft> {
    let serde_json::Value::Object(fields) = serde_json::from_slice(bytes).ok()? else {
        return None;
    };
    let text = |name: &str| fields.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let defaults = Draft::default();
    let draft = Draft {
        prompt: text("prompt").unwrap_or(defaults.prompt),
        image: text("image").unwrap_or(defaults.image),
        prompt_optimizer: fields
            .get("prompt_optimizer")
            .and_then(|v| v.as_bool())
            .unwrap_or(defaults.prompt_optimizer),
        history_sort: fields
            .get("history_sort")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or(defaults.history_sort),
    };
    (draft != Draft::default()).then_some(draft)
}

/// The image field as a draft keeps it: a relative path made absolute against the directory
/// i2v runs in (as a job's record keeps it), so the next start, wherever it runs, finds the
/// same file. URLs, `~/…` and absolute paths stay as typed.
fn resolved_image(text: &str) -> String {
    let trimmed = text.trim();
    let path = std::path::Path::new(trimmed);
    if trimmed.is_empty() || !is_local(trimmed) || trimmed.starts_with('~') || path.is_absolute() {
        return text.to_owned();
    }
    std::path::absolute(path).map_or_else(|_| text.to_owned(), |p| p.display().to_string())
}

/// An image that checked out and is not a URL is a local file: only those get a thumbnail.
fn is_local(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    !["http://", "https://", "data:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}
