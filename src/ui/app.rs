//! The workbench state and the one place it changes: [`App::update`].

use chrono::{DateTime, Duration, Utc};
use ratatui::layout::Rect;
use ratatui_textarea::{TextArea, WrapMode};

use i2v_store::{JobId, JobState};

use super::book::Book;
use super::config::NotifyConfig;
use super::effect::{Draft, Effect};
use super::keys::KeyMap;
use super::msg::{ImageInfo, Msg};
use super::theme::Theme;
use super::undo::{self, Undo};
use super::{history, layout};
use crate::jobs::{JobEvent, NewJob};
use crate::text::sanitize;

/// How long a notice stays in the status bar.
const NOTICE_SECS: i64 = 4;

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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Editor,
    Image,
    Optimizer,
    Queue,
    History,
}

impl Focus {
    const ORDER: [Focus; 5] = [
        Focus::Editor,
        Focus::Image,
        Focus::Optimizer,
        Focus::Queue,
        Focus::History,
    ];

    pub(crate) fn step(self, forward: bool) -> Focus {
        let i = Self::ORDER.iter().position(|&f| f == self).unwrap_or(0);
        let n = Self::ORDER.len();
        Self::ORDER[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    pub(crate) fn is_text(self) -> bool {
        matches!(self, Focus::Editor | Focus::Image)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Overlay {
    Help {
        scroll: usize,
    },
    Messages {
        scroll: usize,
    },
    Detail {
        id: JobId,
        scroll: usize,
    },
    Diff {
        id: JobId,
        scroll: usize,
    },
    ConfirmCancel(JobId),
    /// The job to submit is identical to one still queued or running: submitting it again
    /// pays again, so ask first.
    ConfirmSubmit(NewJob),
    /// The image breaks one of the model's documented limits (named): fal will most likely
    /// refuse it, so send it only if the user says so.
    ConfirmLimits {
        job: NewJob,
        limit: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StatusKind {
    Notice,
    Error,
}

#[derive(Clone, Debug)]
pub(crate) struct Status {
    pub kind: StatusKind,
    pub text: String,
    /// Notices fade; errors stay until a key.
    pub until: Option<DateTime<Utc>>,
}

/// One line of the message log.
#[derive(Clone, Debug)]
pub(crate) struct Logged {
    pub at: DateTime<Utc>,
    pub kind: StatusKind,
    pub text: String,
}

/// How many messages the log keeps.
const MESSAGES_KEPT: usize = 500;

#[derive(Clone, Debug, Default)]
pub(crate) struct QueueView {
    pub selected: Option<JobId>,
    /// First log line shown when not following.
    pub log_top: usize,
    pub follow: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct HistoryView {
    pub selected: Option<JobId>,
    pub filter: String,
    /// The filter line has the keyboard.
    pub filtering: bool,
    /// What the pane lists, in order: the filter applied to the book.
    pub visible: Vec<JobId>,
    pub loaded: bool,
}

pub struct App {
    pub(crate) theme: Theme,
    pub(crate) keys: KeyMap,
    pub(crate) notify: NotifyConfig,
    pub(crate) remote: bool,
    pub(crate) banner: Option<String>,
    pub(crate) size: Rect,
    pub(crate) now: DateTime<Utc>,
    fixed_clock: bool,
    pub(crate) ticks: u64,
    pub(crate) focus: Focus,
    pub(crate) editor: TextArea<'static>,
    pub(crate) editor_undo: Undo,
    pub(crate) image: TextArea<'static>,
    pub(crate) image_undo: Undo,
    /// The last inspection and the text it was about.
    pub(crate) image_info: Option<(String, Result<ImageInfo, String>)>,
    pub(crate) optimizer: bool,
    pub(crate) book: Book,
    pub(crate) queue: QueueView,
    pub(crate) history: HistoryView,
    pub(crate) overlay: Option<Overlay>,
    pub(crate) status: Option<Status>,
    /// Every notice and error of this session, oldest first: the status bar shows one, cut
    /// to the screen's width, and a later one replaces it.
    pub(crate) messages: Vec<Logged>,
    /// Errors that arrived while another was still shown (so were never seen in full).
    pub(crate) errors_behind: usize,
    /// A submit is on its way to the engine.
    pub(crate) submitting: bool,
    /// Submits sent to the runtime and not yet answered, oldest first (answers come in
    /// order), then the jobs they became: what "identical to a job in flight" compares with
    /// before the engine's first report of a job arrives.
    awaiting: std::collections::VecDeque<NewJob>,
    sent: Vec<(JobId, NewJob)>,
    /// fal refused a job because the account is locked for billing: submits are paused
    /// (one banner, not one failed job after another) until the user dismisses it.
    pub(crate) billing_pause: bool,
    pub(crate) quit: bool,
}

impl App {
    pub fn new(opts: AppOptions) -> Self {
        let draft = opts.draft.unwrap_or_default();
        let mut editor = TextArea::new(draft.prompt.lines().map(sanitize).collect());
        editor.set_max_histories(0);
        editor.set_wrap_mode(WrapMode::WordOrGlyph);
        editor.set_placeholder_text("Describe the motion, camera, mood…");
        editor.move_cursor(ratatui_textarea::CursorMove::Bottom);
        editor.move_cursor(ratatui_textarea::CursorMove::End);
        let mut image_field = TextArea::new(vec![single_line(&draft.image)]);
        image_field.set_max_histories(0);
        image_field.set_placeholder_text("path/to/frame.png or https://…");
        image_field.move_cursor(ratatui_textarea::CursorMove::End);
        // The command line wins over the saved draft, as an edit: one undo brings the
        // draft back instead of losing it.
        let mut replaced = false;
        let (mut editor_undo, mut image_undo) = (Undo::default(), Undo::default());
        if let Some(prompt) = opts.prompt.filter(|p| *p != draft.prompt) {
            replaced |= !draft.prompt.is_empty();
            undo::replace(&mut editor, &mut editor_undo, &clean_paste(&prompt));
        }
        if let Some(image) = opts.image.filter(|i| *i != draft.image) {
            replaced |= !draft.image.is_empty();
            undo::replace(&mut image_field, &mut image_undo, &single_line(&image));
        }
        let mut app = Self {
            theme: opts.theme,
            keys: opts.keys,
            notify: opts.notify,
            remote: opts.remote,
            banner: opts.banner.map(|b| sanitize(&b)),
            size: Rect::new(0, 0, layout::MIN_WIDTH, layout::MIN_HEIGHT),
            now: Utc::now(),
            fixed_clock: false,
            ticks: 0,
            focus: Focus::Editor,
            editor,
            editor_undo,
            image: image_field,
            image_undo,
            image_info: None,
            optimizer: draft.prompt_optimizer,
            book: Book::default(),
            queue: QueueView {
                follow: true,
                ..QueueView::default()
            },
            history: HistoryView::default(),
            overlay: None,
            status: None,
            messages: Vec::new(),
            errors_behind: 0,
            submitting: false,
            awaiting: Default::default(),
            sent: Vec::new(),
            billing_pause: false,
            quit: false,
        };
        app.style_fields();
        if replaced {
            let undo = app
                .keys
                .short_label(super::keys::Action::Undo)
                .unwrap_or_else(|| "undo".to_owned());
            app.notice(format!(
                "The command line replaced the saved draft: {undo} brings it back"
            ));
        }
        app
    }

    /// Effects to run once at start (inspecting a pre-filled image field).
    pub fn init(&mut self) -> Vec<Effect> {
        let image = self.image_text();
        if image.is_empty() {
            Vec::new()
        } else {
            vec![Effect::InspectImage(image)]
        }
    }

    /// Stops the clock at `now` (tests and screenshots): the wall clock is no longer read.
    pub fn set_now(&mut self, now: DateTime<Utc>) {
        self.now = now;
        self.fixed_clock = true;
    }

    /// True while something on screen moves: the runtime should send `Msg::Tick`.
    pub fn animating(&self) -> bool {
        self.book.any_active() || self.status.as_ref().is_some_and(|s| s.until.is_some())
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
            prompt: self.prompt_text(),
            image: self.image_text(),
            prompt_optimizer: self.optimizer,
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        if !self.fixed_clock {
            self.now = Utc::now();
        }
        self.expire_notice();
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => self.on_paste(&text),
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                Vec::new()
            }
            Msg::Tick => {
                self.ticks = self.ticks.wrapping_add(1);
                Vec::new()
            }
            Msg::Job(event) => self.on_job(event),
            Msg::HistoryLoaded { records, problems } => {
                self.book.add_from_history(records);
                self.history.loaded = true;
                self.refresh_history();
                if let Some(first) = problems.first() {
                    let more = match problems.len() {
                        1 => String::new(),
                        n => format!(" (and {} more)", n - 1),
                    };
                    self.error(format!("History: {first}{more}"));
                }
                Vec::new()
            }
            Msg::Resumed(ids) => {
                let first_job = self.book.live().next().is_none();
                let shown: Vec<JobId> = ids
                    .into_iter()
                    .filter(|id| self.book.mark_live(id))
                    .collect();
                if first_job && let Some(id) = shown.first() {
                    self.queue.selected = Some(id.clone());
                    self.queue.follow = true;
                }
                self.notice(format!(
                    "Following {} left in flight by the last run",
                    super::format::count(shown.len(), "job", "jobs")
                ));
                Vec::new()
            }
            Msg::ImageInspected { text, result } => {
                if text == self.image_text() {
                    self.image_info = Some((text, result));
                }
                Vec::new()
            }
            Msg::EditorReturned(Ok(text)) => {
                // Only the newline every saved text file ends with goes; blank lines the
                // user added stay.
                let text = text
                    .strip_suffix("\r\n")
                    .or_else(|| text.strip_suffix('\n'))
                    .unwrap_or(&text);
                undo::replace(&mut self.editor, &mut self.editor_undo, &clean_paste(text));
                self.focus = Focus::Editor;
                self.style_fields();
                Vec::new()
            }
            Msg::EditorReturned(Err(e)) => {
                self.error(format!("Editor: {e}"));
                Vec::new()
            }
            Msg::Submitted(Ok(id)) => {
                self.submitting = false;
                if let Some(job) = self.awaiting.pop_front() {
                    self.sent.push((id.clone(), job));
                }
                self.notice(format!("Submitted job {id}"));
                self.queue.selected = Some(id);
                self.queue.follow = true;
                Vec::new()
            }
            Msg::Submitted(Err(e)) => {
                self.submitting = false;
                self.awaiting.pop_front();
                self.error(format!("Submit failed: {e}"));
                Vec::new()
            }
            Msg::OpenFailed { path, reason } => {
                let text = format!(
                    "Could not open the video ({reason}); it is at {}",
                    path.display()
                );
                self.error(self.with_copy_hint(text));
                Vec::new()
            }
            Msg::Notice(text) => {
                self.notice(text);
                Vec::new()
            }
            Msg::Error(text) => {
                self.error(text);
                Vec::new()
            }
        }
    }

    fn on_job(&mut self, event: JobEvent) -> Vec<Effect> {
        let mut effects = Vec::new();
        match event {
            JobEvent::Updated(record) => {
                let id = record.id.clone();
                let first_job = self.book.live().next().is_none();
                if let Some(finished) = self.book.update(*record) {
                    effects.extend(self.announce_finished(&id, &finished.state));
                }
                if first_job {
                    // Later jobs are selected when their submit succeeds (Submitted),
                    // not whenever one appears: that would yank the logs away.
                    self.queue.selected = Some(id);
                    self.queue.follow = true;
                }
                self.refresh_history();
            }
            JobEvent::Logs { id, entries } => self.book.append_logs(&id, entries),
            JobEvent::Progress { id, progress } => self.book.set_progress(&id, progress, self.now),
            JobEvent::StoreFailed { id, message } => {
                self.error(format!("Could not save job {id}: {message}"));
            }
            JobEvent::Warning { id, message } => self.error(format!("Job {id}: {message}")),
        }
        effects
    }

    fn announce_finished(&mut self, id: &JobId, state: &JobState) -> Vec<Effect> {
        let Some(entry) = self.book.get(id) else {
            return Vec::new();
        };
        let title = format!("i2v: job {}", state.label());
        let mut body = sanitize(entry.record.title());
        if let Some(err) = &entry.record.error {
            body = format!("{}: {body}", sanitize(&err.message));
        }
        let billing = entry
            .record
            .error
            .as_ref()
            .is_some_and(|e| e.kind == i2v_store::ErrorKind::Billing);
        if billing && *state == JobState::Failed {
            // One banner for them all: every job submitted meanwhile fails the same way.
            if self.billing_pause {
                return Vec::new();
            }
            self.billing_pause = true;
        } else if *state == JobState::MaybeSubmitted {
            self.error(
                "Job may have been submitted: fal's answer was lost. Check fal's dashboard \
                 before re-running it (v shows what is known)",
            );
        } else if self.notify.status {
            let mark = super::format::state_icon(state, 0);
            match state {
                // The status bar marks every error with ✗ already.
                JobState::Failed => self.error(format!("Job failed: {body}")),
                _ => self.notice(format!("{mark} Job {}: {body}", state.label())),
            }
        }
        if self.notify.bell || self.notify.osc {
            vec![Effect::Notify { title, body }]
        } else {
            Vec::new()
        }
    }

    pub(crate) fn prompt_text(&self) -> String {
        self.editor.lines().join("\n")
    }

    pub(crate) fn image_text(&self) -> String {
        self.image.lines().concat().trim().to_owned()
    }

    pub(crate) fn notice(&mut self, text: impl Into<String>) {
        // A notice never hides an error the user has not seen yet.
        let text = sanitize(&text.into());
        self.log(StatusKind::Notice, &text);
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.kind == StatusKind::Error)
        {
            return;
        }
        self.status = Some(Status {
            kind: StatusKind::Notice,
            text,
            until: Some(self.now + Duration::seconds(NOTICE_SECS)),
        });
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        let text = sanitize(&text.into());
        self.log(StatusKind::Error, &text);
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.kind == StatusKind::Error)
        {
            self.errors_behind += 1;
        }
        self.status = Some(Status {
            kind: StatusKind::Error,
            text,
            until: None,
        });
    }

    fn log(&mut self, kind: StatusKind, text: &str) {
        if self.messages.len() >= MESSAGES_KEPT {
            self.messages.remove(0);
        }
        self.messages.push(Logged {
            at: self.now,
            kind,
            text: text.to_owned(),
        });
    }

    fn expire_notice(&mut self) {
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.until.is_some_and(|t| t <= self.now))
        {
            self.status = None;
        }
    }

    /// Recomputes the history list after the jobs or the filter changed, keeping the
    /// selection on the same job when it is still listed.
    pub(crate) fn refresh_history(&mut self) {
        self.history.visible = history::filter(&self.book, &self.history.filter);
        let still_there = self
            .history
            .selected
            .as_ref()
            .is_some_and(|id| self.history.visible.contains(id));
        if !still_there {
            self.history.selected = self.history.visible.first().cloned();
        }
    }

    /// The queue's jobs in display order.
    pub(crate) fn queue_ids(&self) -> Vec<JobId> {
        self.book.live().map(|e| e.record.id.clone()).collect()
    }

    /// The queue's selected job: the chosen one, else the newest.
    pub(crate) fn queue_selected(&self) -> Option<JobId> {
        self.queue
            .selected
            .clone()
            .filter(|id| self.book.get(id).is_some_and(|e| e.live))
            .or_else(|| self.book.live().next().map(|e| e.record.id.clone()))
    }

    pub(crate) fn areas(&self) -> layout::Areas {
        layout::areas(self.size, self.banner_text().is_some())
    }

    /// The line across the top: the billing pause, which needs acting on, wins.
    pub(crate) fn banner_text(&self) -> Option<&str> {
        if self.billing_pause {
            Some(BILLING_BANNER)
        } else {
            self.banner.as_deref()
        }
    }

    /// Restyles the text fields after focus or theme changes: only the focused one shows
    /// a cursor.
    pub(crate) fn style_fields(&mut self) {
        use ratatui::style::{Modifier, Style};
        let cursor = Style::new().add_modifier(Modifier::REVERSED);
        for (field, focused) in [
            (&mut self.editor, self.focus == Focus::Editor),
            (&mut self.image, self.focus == Focus::Image),
        ] {
            field.set_style(self.theme.base());
            field.set_cursor_line_style(Style::new());
            field.set_placeholder_style(self.theme.muted());
            field.set_selection_style(self.theme.selection());
            field.set_cursor_style(if focused { cursor } else { Style::new() });
        }
    }

    /// Sends `job` to the engine, unless an identical one is still queued or running: then
    /// asks first, as a second press (or six) would otherwise pay for the same video again.
    /// Submits are paused for billing: says so and sends nothing.
    pub(crate) fn submit(&mut self, job: NewJob, checked: bool) -> Vec<Effect> {
        if self.billing_pause {
            self.error(
                "Not submitted: fal locked the account for billing. Top up at \
                 https://fal.ai/dashboard/billing, then Esc resumes submits",
            );
            return Vec::new();
        }
        if !checked && self.in_flight(&job) {
            self.overlay = Some(Overlay::ConfirmSubmit(job));
            return Vec::new();
        }
        self.submitting = true;
        self.notice("Submitting…");
        self.awaiting.push_back(job.clone());
        vec![Effect::Submit(job)]
    }

    /// Whether a job with this very input is on its way or still running.
    fn in_flight(&mut self, job: &NewJob) -> bool {
        let book = &self.book;
        let running = |id: &JobId| book.get(id).is_none_or(|e| !e.record.state.is_terminal());
        self.sent.retain(|(id, _)| running(id));
        self.awaiting.contains(job)
            || self.sent.iter().any(|(_, sent)| sent == job)
            || self.book.live().any(|e| {
                let input = &e.record.input;
                !e.record.state.is_terminal()
                    && input.prompt == job.prompt
                    && input.prompt_optimizer == job.prompt_optimizer
                    && input.image.display() == job.image
            })
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
        let prompt = self.prompt_text();
        let image = self.image_text();
        if prompt.trim().is_empty() {
            self.focus = Focus::Editor;
            self.error("Nothing to submit: the prompt is empty");
        } else if image.is_empty() {
            self.focus = Focus::Image;
            self.error("Nothing to submit: set the image (a file path or an https:// URL)");
        } else if let Some((_, Err(problem))) =
            self.image_info.as_ref().filter(|(t, _)| *t == image)
        {
            // The check already failed; submitting would only record a failed job.
            self.focus = Focus::Image;
            self.error(format!("Cannot submit: {problem}"));
        } else {
            let limit = match &self.image_info {
                Some((about, Ok(info))) if *about == image => info.limit.clone(),
                _ => None,
            };
            let job = NewJob {
                prompt,
                image,
                prompt_optimizer: self.optimizer,
                check_limits: true,
            };
            match limit {
                None => return Some(job),
                Some(limit) => {
                    let job = NewJob {
                        check_limits: false,
                        ..job
                    };
                    self.overlay = Some(Overlay::ConfirmLimits { job, limit });
                }
            }
        }
        self.style_fields();
        None
    }
}

const BILLING_BANNER: &str = "fal locked the account for billing · top up at \
                              fal.ai/dashboard/billing · submits paused (Esc resumes)";

/// The image field is one line: a pasted path keeps its first line only.
pub(crate) fn single_line(text: &str) -> String {
    sanitize(text.split(['\r', '\n']).next().unwrap_or("").trim())
}

/// Pasted text minus control characters, line breaks kept: CR (tmux and many terminals
/// send it for each line break in a paste), LF and CRLF all end a line.
pub(crate) fn clean_paste(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    crate::text::sanitize_lines(&text).join("\n")
}
