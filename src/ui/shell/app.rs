//! The workbench state and the one place it changes: [`App::update`].

use chrono::{DateTime, Utc};
use ratatui::layout::Rect;

use i2v_store::{JobId, JobRecord, JobState};

use crate::batch::{BatchPlan, PlanError};
use crate::jobs::{JobEvent, NewJob};
use crate::text::{sanitize, sanitize_one_line};
use crate::ui::kit::component::{Ctx, Overlay};
use crate::ui::kit::layout::Screen;
use crate::ui::model::book::Book;
use crate::ui::model::config::NotifyConfig;
use crate::ui::model::effect::{Draft, Effect};
use crate::ui::model::focus::Focus;
use crate::ui::model::importing::Imports;
use crate::ui::model::keys::KeyMap;
use crate::ui::model::media::Media;
use crate::ui::model::messages::Messages;
use crate::ui::model::msg::Msg;
use crate::ui::model::paste::{clean_paste, single_line};
use crate::ui::model::reads::{Reads, Waiting};
use crate::ui::model::settings::{Pricing, Settings};
use crate::ui::model::spend::Spend;
use crate::ui::model::submits::Sending;
use crate::ui::model::submits::Submits;
use crate::ui::model::theme::Theme;
use crate::ui::model::time::Time;
use crate::ui::overlays::batch::BatchConfirm;
use crate::ui::overlays::confirm::Confirm;
use crate::ui::panes::history::HistoryPane;
use crate::ui::panes::image::{ImagePane, Tab};
use crate::ui::panes::optimizer::OptimizerPane;
use crate::ui::panes::prompt::PromptPane;
use crate::ui::panes::queue::QueuePane;
use crate::ui::shell::panes::Panes;

/// What the runtime hands the app at start.
#[derive(Clone, Debug, Default)]
pub struct AppOptions {
    /// From the command line; wins over the draft.
    pub prompt: Option<String>,
    pub image: Option<String>,
    /// Saved at the last quit.
    pub draft: Option<Draft>,
    pub theme: Theme,
    pub keys: KeyMap,
    /// A line across the top, e.g. demo mode or a missing key.
    pub banner: Option<String>,
    pub notify: NotifyConfig,
    /// Running over SSH: a video player started here would not be seen.
    pub remote: bool,
    pub pricing: Pricing,
    /// Why nothing can be submitted at all (no API key, say): a submit says this before
    /// anything about the prompt or the image.
    pub cannot_submit: Option<String>,
    /// `--demo`: the simulated fal lives in this process, so quitting ends its jobs.
    pub demo: bool,
    /// How pictures are drawn; off until the terminal's graphics are known.
    pub graphics: crate::preview::Graphics,
}

/// A job loaded into the editor (Enter in the history): the prompt's undo step that did it,
/// and the image and optimizer before and after, which that step's undo and redo carry.
pub(crate) struct Loaded {
    pub step: u64,
    pub before: (String, bool),
    pub after: (String, bool),
}

/// The workbench's state: a few parts, each with its own small job, and the panes.
pub struct App {
    /// What the workbench was started with.
    pub(crate) settings: Settings,
    pub(crate) time: Time,
    pub(crate) screen: Screen,
    /// The last job loaded into the editor, so one undo takes all of it back.
    pub(crate) loaded: Option<Loaded>,
    pub(crate) focus: Focus,
    pub(crate) panes: Panes,
    /// Every job this workbench knows of: what the panes show.
    pub(crate) book: Book,
    /// The view over the panes, if one is open: it takes every key.
    pub(crate) overlay: Option<Box<dyn Overlay>>,
    /// The views it was opened from (a grid, a full-screen player), which come back, last
    /// first, as it closes.
    pub(crate) beneath: Vec<Box<dyn Overlay>>,
    /// The status line and the message log.
    pub(crate) messages: Messages,
    /// Submits on their way, the billing pause, chained shots.
    pub(crate) submits: Submits,
    /// What was spent, as the history's title shows it.
    pub(crate) spend: Spend,
    /// History records asked for, and an action waiting for them.
    reads: Reads,
    /// A look at fal's records or an import from them under way (the history's `I`), and
    /// the imported jobs whose videos are being fetched.
    pub(crate) imports: Imports,
    /// Graphics, frame strips and the video playing.
    pub(crate) media: Media,
    pub(crate) quit: bool,
}

/// The jobs unfinished when the workbench closes, by where they are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unfinished {
    /// fal has them: they go on there, and are followed again at the next start.
    pub at_fal: usize,
    /// Their submit was under way: fal may have them.
    pub being_sent: usize,
    /// Still checking or uploading their image: nothing of them reached fal.
    pub not_sent: usize,
}

impl App {
    pub fn new(opts: AppOptions) -> Self {
        let draft = opts.draft.unwrap_or_default();
        let mut panes = Panes {
            prompt: PromptPane::new(&draft.prompt),
            image: ImagePane::new(&draft.image),
            optimizer: OptimizerPane::new(draft.prompt_optimizer),
            queue: QueuePane::default(),
            history: HistoryPane::default(),
        };
        // The command line wins over the saved draft, as an edit: one undo brings the
        // draft back instead of losing it.
        let mut replaced = false;
        if let Some(prompt) = opts.prompt.filter(|p| *p != draft.prompt) {
            replaced |= !draft.prompt.is_empty();
            panes.prompt.replace(&clean_paste(&prompt));
        }
        if let Some(image) = opts.image.filter(|i| *i != draft.image) {
            replaced |= !draft.image.is_empty();
            panes.image.set_text(&single_line(&image));
        }
        let mut app = Self {
            settings: Settings {
                theme: opts.theme,
                keys: opts.keys,
                notify: opts.notify,
                remote: opts.remote,
                pricing: opts.pricing,
                banner: opts.banner.map(|b| sanitize(&b)),
                cannot_submit: opts.cannot_submit,
                demo: opts.demo,
            },
            time: Time::new(),
            screen: Screen::new(),
            loaded: None,
            focus: Focus::Editor,
            panes,
            book: Book::default(),
            overlay: None,
            beneath: Vec::new(),
            messages: Messages::default(),
            submits: Submits::default(),
            spend: Spend::new(Utc::now(), opts.pricing.budget),
            reads: Reads::default(),
            imports: Imports::default(),
            media: Media::new(opts.graphics),
            quit: false,
        };
        app.book.set_sort(draft.history_sort);
        if replaced {
            let undo = app
                .settings
                .keys
                .short_label(crate::ui::model::keys::Action::Undo)
                .unwrap_or_else(|| "undo".to_owned());
            app.notice(format!(
                "The command line replaced the saved draft: {undo} brings it back"
            ));
        }
        app
    }

    /// Effects to run once at start (inspecting a pre-filled image field).
    pub fn init(&mut self) -> Vec<Effect> {
        let image = self.panes.image.text();
        if image.is_empty() {
            Vec::new()
        } else {
            vec![Effect::InspectImage(image)]
        }
    }

    /// Stops the clock at `now` (tests and screenshots): the wall clock is no longer read.
    pub fn set_now(&mut self, now: DateTime<Utc>) {
        self.time.fix(now);
    }

    /// True while something on screen moves: the runtime should send `Msg::Tick`.
    pub fn animating(&self) -> bool {
        self.book.any_active() || self.submits.chaining.is_some() || self.messages.fading()
    }

    /// True while a video plays.
    pub fn playing(&self) -> bool {
        !self.media.playing.is_empty()
    }

    /// How long one frame lasts in the quickest clip playing (the link's pace keeps to it
    /// where it can).
    pub fn frame_time(&self) -> Option<std::time::Duration> {
        self.media.frame_time()
    }

    /// Which pane has the keyboard.
    pub fn focus(&self) -> Focus {
        self.focus
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn draft(&self) -> Draft {
        Draft {
            prompt: self.panes.prompt.text(),
            image: self.panes.image.text(),
            prompt_optimizer: self.panes.optimizer.on(),
            history_sort: self.book.sort(),
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = self.apply_msg(msg);
        effects.extend(self.follow_records());
        effects.extend(self.follow_media());
        effects.extend(self.follow_film());
        effects
    }

    /// Full records the screen needs and the book does not hold (the history lists
    /// summaries): the job selected in the history, read ahead of Enter, and those an open
    /// view shows (both of a comparison).
    fn follow_records(&mut self) -> Vec<Effect> {
        let mut shown = Vec::new();
        if let Some(overlay) = &self.overlay {
            shown.extend(overlay.job().cloned());
            shown.extend(overlay.shows_frames_of());
        }
        let wanted: Vec<JobId> = shown
            .iter()
            .chain(self.panes.history.selected())
            .filter(|id| {
                self.book.get(id).is_none()
                    && self.book.knows(id)
                    && self.book.unreadable(id).is_none()
            })
            .cloned()
            .collect();
        self.read_records(wanted)
    }

    /// Asks for the records of `ids` not already asked for.
    pub(crate) fn read_records(&mut self, ids: Vec<JobId>) -> Vec<Effect> {
        let ids = self.reads.ask(ids);
        if ids.is_empty() {
            Vec::new()
        } else {
            vec![Effect::ReadRecords(ids)]
        }
    }

    /// Waits for the records of `ids`, then carries `action` out in the history.
    pub(crate) fn when_read(
        &mut self,
        ids: Vec<JobId>,
        action: crate::ui::model::keys::Action,
    ) -> Vec<Effect> {
        self.reads.wait(Waiting {
            ids: ids.clone(),
            action,
            selected: self.panes.history.selected().cloned(),
        });
        self.read_records(ids)
    }

    fn records_read(&mut self, read: Vec<Result<JobRecord, (JobId, String)>>) -> Vec<Effect> {
        let mut records = Vec::new();
        for outcome in read {
            match outcome {
                Ok(record) => {
                    self.reads.done(&record.id);
                    records.push(record);
                }
                Err((id, why)) => {
                    self.reads.done(&id);
                    self.book.set_unreadable(&id, &why);
                    let waited = self.reads.waits_for(&id);
                    let shown = self
                        .overlay
                        .as_ref()
                        .is_some_and(|o| o.job() == Some(&id) || o.shows_frames_of().contains(&id));
                    if waited || shown {
                        self.reads.give_up();
                        self.error(format!("Could not read job {id}: {why}"));
                    }
                }
            }
        }
        self.book.add_loaded(records);
        self.panes.history.refresh(&self.book);
        let Some(waiting) = self.reads.ready(&self.book) else {
            return Vec::new();
        };
        // Only where it was asked: a key pressed meanwhile elsewhere wins.
        let same_place = self.overlay.is_none()
            && self.focus == crate::ui::model::focus::Focus::History
            && self.panes.history.selected() == waiting.selected.as_ref();
        if !same_place {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut ctx = crate::ui::kit::component::Ctx::of(&self.book, &self.settings, &mut out);
        use crate::ui::kit::component::Component;
        self.panes.history.act(waiting.action, &mut ctx);
        self.handle_requests(out)
    }

    /// What the pictures need after any change: playback ends with the view showing it,
    /// the strips of the jobs an open view shows are asked for (once each has a video), and
    /// otherwise the strip of the job selected in the history, where the screen has room to
    /// show its frame.
    fn follow_media(&mut self) -> Vec<Effect> {
        if let Some(overlay) = &self.overlay {
            let (book, media) = (&self.book, &mut self.media);
            return overlay
                .shows_frames_of()
                .iter()
                .filter_map(|id| media.want_strip(book, id))
                .collect();
        }
        self.media.stop();
        if !crate::ui::panes::history::has_preview_room(self.screen.size) {
            return Vec::new();
        }
        self.panes
            .history
            .selected()
            .and_then(|id| self.media.want_strip(&self.book, id))
            .into_iter()
            .collect()
    }

    fn apply_msg(&mut self, msg: Msg) -> Vec<Effect> {
        self.time.advance();
        self.messages.expire(self.time.now);
        // "Today" starts again at midnight, whether or not a job changed since.
        if self.spend.new_day(self.time.now) {
            self.recount_spend();
        }
        match msg {
            Msg::Key(key) => return self.on_key(key),
            Msg::Paste(text) => return self.on_paste(&text),
            Msg::Mouse(mouse) => return self.on_mouse(mouse),
            Msg::Resize(w, h) => self.screen.size = Rect::new(0, 0, w, h),
            Msg::Tick => self.time.tick(),
            Msg::Job(event) => return self.on_job(event),
            Msg::HistoryLoaded { rows, problems } => {
                let old = self.book.set_history(rows);
                self.panes.history.refresh(&self.book);
                self.recount_spend();
                self.note_history_problems(problems, true);
                if !old.is_empty() {
                    return vec![Effect::Discard(old)];
                }
            }
            Msg::HistoryChanged {
                changed,
                removed,
                problems,
            } => {
                let ids: Vec<JobId> = changed
                    .iter()
                    .map(|s| s.id.clone())
                    .chain(removed.iter().cloned())
                    .collect();
                let price = self.settings.pricing.price_per_video;
                let before = (self.spend.counted(self.time.now, &self.book))
                    .then(|| self.spend.of(&self.book, &ids, price));
                self.book.apply_changes(changed, &removed);
                self.panes.history.refresh(&self.book);
                // What was spent moves by what these jobs' rows changed: a recount would read
                // every row, cold by now, and take a frame's time.
                if let Some(before) = before {
                    self.spend.moved(&self.book, &ids, price, before);
                }
                self.recount_spend();
                self.note_history_problems(problems, false);
            }
            Msg::RecordsRead(read) => return self.records_read(read),
            Msg::FalImport(msg) => self.fal_import(msg),
            Msg::Trashed {
                moved,
                failed,
                trash,
            } => self.trashed(moved, failed, &trash),
            Msg::Resumed(records) => {
                let first_job = self.book.live().next().is_none();
                let ids: Vec<JobId> = records.iter().map(|r| r.id.clone()).collect();
                self.book.add_loaded(records);
                let shown: Vec<JobId> = ids
                    .into_iter()
                    .filter(|id| self.book.mark_live(id))
                    .collect();
                if first_job && let Some(id) = shown.first() {
                    self.panes.queue.select(id.clone());
                }
                self.notice(format!(
                    "Following {} left in flight by the last run",
                    crate::ui::model::format::count(shown.len(), "job", "jobs")
                ));
            }
            Msg::ImageInspected { text, result } => self.panes.image.inspected(text, result),
            Msg::PathCompleted { text, completion } => {
                return self.path_completed(&text, completion);
            }
            Msg::EditorReturned(Ok(text)) => {
                // Only the newline every saved text file ends with goes; blank lines the
                // user added stay.
                let text = text
                    .strip_suffix("\r\n")
                    .or_else(|| text.strip_suffix('\n'))
                    .unwrap_or(&text);
                self.panes.prompt.replace(&clean_paste(text));
                self.set_focus(Focus::Editor);
            }
            Msg::EditorReturned(Err(e)) => self.error(format!("Editor: {e}")),
            Msg::Submitted(Ok(id)) => {
                self.submits.answered(Some(&id));
                self.notice(format!("Submitted job {id}"));
                self.panes.queue.select(id);
            }
            Msg::Submitted(Err(e)) => {
                self.submits.answered(None);
                self.error(format!("Submit failed: {e}"));
            }
            Msg::OpenFailed { path, reason } => {
                let text = format!(
                    "Could not open the video ({reason}); it is at {}",
                    path.display()
                );
                self.error(crate::ui::kit::job::with_copy_hint(
                    &self.settings.keys,
                    text,
                ));
            }
            Msg::Graphics(graphics) => {
                self.media.graphics = graphics;
                // Pictures made for the old graphics would be drawn wrong.
                self.panes.image.forget_thumbnail();
                let image = self.panes.image.text();
                if !image.is_empty() {
                    return vec![Effect::InspectImage(image)];
                }
            }
            Msg::Keyboard(keyboard) => {
                self.settings.keys.set_keyboard(keyboard);
                for warning in self.settings.keys.unreachable_remaps() {
                    self.warning(warning);
                }
            }
            Msg::Thumbnail { text, result } => self.panes.image.thumbnail(text, result),
            Msg::Strip { id, result } => self.media.strip_made(id, result),
            Msg::Playing(players) => {
                // Wanted still: the view is open and nothing was stopped or asked for
                // meanwhile.
                if self.overlay.is_some() {
                    self.media.started(players);
                }
            }
            Msg::FilmPlaying { id, result } => return self.film_playing(id, result),
            Msg::Takes(result) => self.takes_read(result),
            Msg::FilmPlanned { shots, result } => self.media.film_planned(shots, result),
            Msg::FilmJoining { id, how_far } => self.film_joining(&id, &how_far),
            Msg::FilmExport(export) => self.film_export(export),
            // A new frame of the video playing: drawing it is all there is to do.
            Msg::Frame => {}
            Msg::Link(report) => self.media.link = report,
            Msg::LastFrameSaved { id, result } => return self.last_frame_saved(id, result),
            Msg::Judged { id, result } => self.judged(id, result),
            Msg::Notice(text) => self.notice(text),
            Msg::Warning(text) => self.warning(text),
            Msg::Error(text) => self.error(text),
        }
        Vec::new()
    }

    fn on_job(&mut self, event: JobEvent) -> Vec<Effect> {
        let mut effects = Vec::new();
        match event {
            // The video of an imported job being fetched: no job in flight, so it stays out of
            // the queue (the book would take an unknown job for a new one of this session).
            JobEvent::Updated(record)
                if self.imports.fetching(&record.id)
                    && !self.book.get(&record.id).is_some_and(|e| e.live) =>
            {
                let id = record.id.clone();
                self.book.add_loaded(vec![*record]);
                self.import_fetched(&id);
                self.panes.history.refresh(&self.book);
            }
            JobEvent::Updated(record) => {
                let id = record.id.clone();
                let first_job = self.book.live().next().is_none();
                let lacked_its_video = self
                    .book
                    .get(&id)
                    .is_some_and(|e| e.record.lacks_its_video());
                if let Some(finished) = self.book.update(*record) {
                    effects.extend(self.announce_finished(&id, &finished.state));
                }
                if self.imports.fetching(&id) {
                    self.import_fetched(&id);
                } else if lacked_its_video {
                    self.fetched_again(&id);
                }
                if first_job {
                    // Later jobs are selected when their submit succeeds (Submitted),
                    // not whenever one appears: that would yank the logs away.
                    self.panes.queue.select(id);
                }
                self.panes.history.refresh(&self.book);
                self.recount_spend();
            }
            JobEvent::Logs { id, entries } => self.book.append_logs(&id, entries),
            JobEvent::Progress { id, progress } => {
                self.book.set_progress(&id, progress, self.time.now)
            }
            JobEvent::StoreFailed { id, message } => {
                self.error(format!("Could not save job {id}: {message}"));
            }
            JobEvent::StoreRecovered { id } => {
                self.notice(format!("Job {id}'s record is saved again"));
            }
            JobEvent::Warning { id, message } => self.error(format!("Job {id}: {message}")),
        }
        effects
    }

    /// How fetching a video again (`F` in a job's details) went: the job stays completed
    /// either way, so nothing else would say it.
    fn fetched_again(&mut self, id: &JobId) {
        let Some(record) = self.book.get(id).map(|e| &e.record) else {
            return;
        };
        let file = record.result.as_ref().and_then(|r| r.local_file.clone());
        match (file, record.error.clone()) {
            (Some(file), _) => self.notice(format!(
                "Job {id}: video fetched, saved as {}",
                sanitize(&file.display().to_string())
            )),
            (None, Some(error)) => self.error(format!(
                "Job {id}: the video could not be fetched again: {}",
                sanitize_one_line(&error.message)
            )),
            (None, None) => {}
        }
    }

    fn announce_finished(&mut self, id: &JobId, state: &JobState) -> Vec<Effect> {
        let Some(entry) = self.book.get(id) else {
            return Vec::new();
        };
        let title = format!("i2v: job {}", state.label());
        let mut body = sanitize(entry.record.title());
        if let Some(err) = &entry.record.error {
            body = format!("{}: {body}", sanitize_one_line(&err.message));
        }
        let billing = entry
            .record
            .error
            .as_ref()
            .is_some_and(|e| e.kind == i2v_store::ErrorKind::Billing);
        if billing && *state == JobState::Failed {
            // One banner for them all: every job submitted meanwhile fails the same way.
            if self.submits.billing_pause {
                return Vec::new();
            }
            self.submits.billing_pause = true;
            // The status bar said "Submitted job …" a moment ago: say what became of it.
            self.warning(format!(
                "Job {id} not run: fal locked the account for billing. Top up at \
                 https://fal.ai/dashboard/billing, then Esc resumes submits"
            ));
        } else if *state == JobState::MaybeSubmitted {
            self.error(
                "Job may have been submitted: fal's answer was lost. Check fal's dashboard \
                 before re-running it (v shows what is known)",
            );
        } else if self.settings.notify.status {
            let mark = crate::ui::model::format::state_icon(state, 0);
            match state {
                // The status bar marks every error with ✗ already.
                JobState::Failed => self.error(format!("Job failed: {body}")),
                // Named by its id's tail (as a batch is): re-runs share their first line.
                _ => self.notice(format!(
                    "{mark} Job …{} {}: {body}",
                    crate::ui::model::format::id_tail(id.as_str()),
                    state.label()
                )),
            }
        }
        if self.settings.notify.bell || self.settings.notify.osc {
            vec![Effect::Notify { title, body }]
        } else {
            Vec::new()
        }
    }

    pub(crate) fn notice(&mut self, text: impl Into<String>) {
        self.messages.notice(self.time.now, text);
    }

    /// A problem found at start: shown until the user presses a key (which it does not
    /// swallow, unlike an error's), then it fades as a notice does.
    pub(crate) fn warning(&mut self, text: impl Into<String>) {
        self.messages.warning(self.time.now, text);
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        self.messages.error(self.time.now, text);
    }

    /// The line across the top: the billing pause, which needs acting on, wins.
    pub(crate) fn banner_text(&self) -> Option<&str> {
        if self.submits.billing_pause {
            Some(BILLING_BANNER)
        } else {
            self.settings.banner.as_deref()
        }
    }

    /// Gives `focus` the keyboard.
    pub(crate) fn set_focus(&mut self, focus: Focus) {
        self.panes.history.blur();
        self.panes.image.blur();
        self.focus = focus;
    }

    /// Tab's answer in the image field: the path completed, or nothing to complete, and
    /// the keyboard moves on as Tab does elsewhere.
    /// The keys typed while the answer was on its way are handled after it, in order.
    fn path_completed(
        &mut self,
        text: &str,
        completion: Option<crate::path_complete::Completion>,
    ) -> Vec<Effect> {
        let held = self.panes.image.take_held();
        let mut effects = self.tab_answered(text, completion);
        for key in held {
            effects.extend(self.on_key(key));
        }
        effects
    }

    fn tab_answered(
        &mut self,
        text: &str,
        completion: Option<crate::path_complete::Completion>,
    ) -> Vec<Effect> {
        if self.focus != Focus::Image || self.overlay.is_some() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut ctx = Ctx::of(&self.book, &self.settings, &mut out);
        let tab = self.panes.image.completed(text, completion, &mut ctx);
        let effects = self.handle_requests(out);
        if tab == Tab::Leave {
            self.set_focus(self.focus.step(true));
        }
        effects
    }

    /// Sends `job` to the engine, unless an identical one is still queued or running: then
    /// asks first, as a second press (or six) would otherwise pay for the same video again.
    /// Submits are paused for billing: says so and sends nothing.
    pub(crate) fn submit(&mut self, job: NewJob, checked: bool) -> Vec<Effect> {
        if self.paused_for_billing() {
            return Vec::new();
        }
        if !checked && self.submits.in_flight(&self.book, &job) {
            self.show(Box::new(Confirm::Submit(job)));
            return Vec::new();
        }
        self.within_budget(Sending::One(job))
    }

    /// Sends what the user asked for and every question allowed (twins in flight, the
    /// budget), unless submits were paused for billing meanwhile.
    pub(crate) fn send(&mut self, sending: Sending) -> Vec<Effect> {
        if self.paused_for_billing() {
            return Vec::new();
        }
        match sending {
            Sending::One(job) => {
                self.submits.send([job.clone()]);
                self.notice("Submitting…");
                self.warn_near_budget();
                match self.submits.continues_for(&self.book, &job.image) {
                    Some(continues) => vec![Effect::SubmitContinuing { job, continues }],
                    None => vec![Effect::Submit(job)],
                }
            }
            Sending::Batch { jobs, from_marks } => {
                if from_marks {
                    self.panes.history.clear_marks();
                }
                self.submits.send(jobs.iter().cloned());
                self.notice(format!(
                    "Submitting {}…",
                    crate::ui::model::format::count(jobs.len(), "job", "jobs")
                ));
                self.warn_near_budget();
                vec![Effect::SubmitBatch(jobs)]
            }
        }
    }

    /// Submits are paused for billing: says so (and the caller sends nothing).
    fn paused_for_billing(&mut self) -> bool {
        if self.submits.billing_pause {
            self.error(
                "Not submitted: fal locked the account for billing. Top up at \
                 https://fal.ai/dashboard/billing, then Esc resumes submits",
            );
        }
        self.submits.billing_pause
    }

    /// Sends `jobs`, which the user confirmed with their count and cost, as one batch.
    pub(crate) fn submit_batch(&mut self, jobs: Vec<NewJob>, from_marks: bool) -> Vec<Effect> {
        if self.paused_for_billing() {
            return Vec::new();
        }
        self.within_budget(Sending::Batch { jobs, from_marks })
    }

    /// Asks before re-running the marked history jobs `ids` together.
    pub(crate) fn confirm_rerun(&mut self, ids: Vec<JobId>) -> Vec<Effect> {
        let cap = self.settings.pricing.max_jobs_per_submit;
        if ids.len() as u64 > cap {
            self.error(format!(
                "{} jobs are marked, more than the {cap} one submit may send: unmark some \
                 (Space), or raise max_jobs_per_submit in the config",
                ids.len()
            ));
            return Vec::new();
        }
        let mut effects = Vec::new();
        let mut jobs = Vec::new();
        let mut rows = Vec::new();
        for id in &ids {
            let Some(entry) = self.book.get(id) else {
                continue;
            };
            let (job, fallback) = crate::ui::panes::history::rerun_job(&entry.record.input);
            effects.extend(fallback);
            let image = std::path::Path::new(&job.image)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| job.image.clone());
            rows.push(format!("{} · {image}", one_line(&job.prompt)));
            jobs.push(job);
        }
        let price = self.settings.pricing.price_per_video;
        let summary = format!(
            "{} again, {} at {} a video",
            crate::ui::model::format::count(jobs.len(), "marked job", "marked jobs"),
            crate::spend::usd(jobs.len() as f64 * price),
            crate::spend::usd(price)
        );
        self.show(Box::new(BatchConfirm::open(
            jobs, summary, rows, None, true,
        )));
        effects
    }

    /// Says which of the files a look at the history could not read are news. A listing
    /// gives them all (`whole`); a look at what changed, only the files it read.
    fn note_history_problems(&mut self, problems: Vec<String>, whole: bool) {
        if let Some(said) = self.messages.history_problems(problems, whole) {
            self.error(said);
        }
    }

    pub(crate) fn recount_spend(&mut self) {
        let price = self.settings.pricing.price_per_video;
        self.spend.recount(self.time.now, &self.book, price);
    }

    /// What `Effect::Trash` did: the jobs moved go from the history, and each one that did
    /// not move says why.
    fn trashed(
        &mut self,
        moved: Vec<JobId>,
        failed: Vec<(JobId, String)>,
        trash: &std::path::Path,
    ) {
        // Marks the trash used go, moved or not: they were acted on.
        let acted_on: Vec<JobId> = (moved.iter().cloned())
            .chain(failed.iter().map(|(id, _)| id.clone()))
            .collect();
        self.panes.history.unmark(&acted_on);
        self.book.remove(&moved);
        // A job gone from the book must not count as one still running for `in_flight`.
        self.submits.forget(&moved);
        self.panes.history.refresh(&self.book);
        self.recount_spend();
        if !moved.is_empty() {
            let what = match moved.as_slice() {
                [one] => format!("job {one}"),
                many => crate::ui::model::format::count(many.len(), "job", "jobs"),
            };
            self.notice(format!("Moved {what} to the trash ({})", trash.display()));
        }
        for (id, why) in failed {
            self.error(format!("Job {id} was not moved to the trash: {why}"));
        }
    }

    /// The jobs still unfinished, by what quitting now means for them.
    pub fn unfinished_jobs(&self) -> Unfinished {
        let mut unfinished = Unfinished::default();
        for entry in self.book.live() {
            let record = &entry.record;
            if record.state.is_terminal() {
                continue;
            }
            if record.request.is_some() {
                unfinished.at_fal += 1;
            } else if record.submit_sent.may_have_reached_fal() {
                unfinished.being_sent += 1;
            } else {
                unfinished.not_sent += 1;
            }
        }
        unfinished
    }

    /// How many jobs are still queued or running.
    pub fn active_jobs(&self) -> usize {
        self.book
            .live()
            .filter(|e| !e.record.state.is_terminal())
            .count()
    }

    /// Builds the job to submit, or says what is missing and puts the cursor there.
    pub(crate) fn new_job(&mut self) -> Option<NewJob> {
        if let Some(reason) = &self.settings.cannot_submit {
            let reason = reason.clone();
            self.error(reason);
            return None;
        }
        let prompt = self.panes.prompt.text();
        let image = self.panes.image.text();
        if prompt.trim().is_empty() {
            self.set_focus(Focus::Editor);
            self.error("Nothing to submit: the prompt is empty");
            return None;
        }
        if image.is_empty() {
            self.set_focus(Focus::Image);
            self.error("Nothing to submit: set the image (a file path or an https:// URL)");
            return None;
        }
        let limit = match self.panes.image.info() {
            // The check already failed; submitting would only record a failed job.
            Some(Err(problem)) => {
                let problem = format!("Cannot submit: {problem}");
                self.set_focus(Focus::Image);
                self.error(problem);
                return None;
            }
            Some(Ok(info)) => info.limit.clone(),
            None => None,
        };
        let repeat = self.panes.prompt.repeat();
        let cap = self.settings.pricing.max_jobs_per_submit;
        let plan = match BatchPlan::new(&prompt, repeat, false, cap) {
            Ok(plan) => plan,
            Err(err) => {
                let how = match err {
                    PlanError::Matrix(_) => "write \\{ and \\} for literal braces",
                    PlanError::OverCap { .. } => {
                        "use fewer alternatives or repeats, or raise max_jobs_per_submit in the config"
                    }
                };
                self.set_focus(Focus::Editor);
                self.error(format!("Cannot submit: {err}; {how}"));
                return None;
            }
        };
        let job = NewJob {
            prompt: plan.prompts.first().cloned().unwrap_or(prompt),
            image,
            prompt_optimizer: self.panes.optimizer.on(),
            check_limits: true,
        };
        if plan.jobs() > 1 {
            self.confirm_plan(&plan, job, limit);
            return None;
        }
        match limit {
            None => Some(job),
            Some(limit) => {
                let job = NewJob {
                    check_limits: false,
                    ..job
                };
                self.show(Box::new(Confirm::Limits { job, limit }));
                None
            }
        }
    }
}

impl App {
    /// Asks before sending the jobs of `plan`, each like `job` but for its prompt.
    fn confirm_plan(&mut self, plan: &BatchPlan, job: NewJob, limit: Option<String>) {
        let jobs: Vec<NewJob> = plan
            .each_job()
            .map(|prompt| NewJob {
                prompt: prompt.to_owned(),
                // The user answers for the limits here, once for all.
                check_limits: limit.is_none(),
                ..job.clone()
            })
            .collect();
        let times = match plan.repeat {
            1 => String::new(),
            n => format!("  ×{n}"),
        };
        let rows = plan
            .prompts
            .iter()
            .map(|p| format!("{}{times}", one_line(p)))
            .collect();
        let warning = limit.map(|limit| {
            format!("The image is outside the model's limits ({limit}): fal will most likely refuse every job")
        });
        let summary = plan.summary(self.settings.pricing.price_per_video);
        self.show(Box::new(BatchConfirm::open(
            jobs, summary, rows, warning, false,
        )));
    }
}

/// A prompt on one line, its lines joined with ` / `.
fn one_line(prompt: &str) -> String {
    prompt.lines().collect::<Vec<_>>().join(" / ")
}

const BILLING_BANNER: &str = "fal locked the account for billing · top up at \
                              fal.ai/dashboard/billing · submits paused (Esc resumes)";
