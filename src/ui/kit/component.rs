//! What every pane and overlay is: a [`Component`] that owns its state, declares the
//! commands it takes (one list that feeds key handling, the status bar's hints and the help
//! overlay), handles them, and draws itself. Components never reach into each other or into
//! the app: what they want done beyond their own state they ask for through [`Ctx`], and
//! the app carries it out after they return (gitui's internal queue).

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use i2v_store::{JobId, JobInput};

use crate::jobs::NewJob;
use crate::ui::model::book::Book;
use crate::ui::model::effect::Effect;
use crate::ui::model::focus::Focus;
use crate::ui::model::keys::{Action, KeyBinding, KeyMap};
use crate::ui::model::settings::Settings;
use crate::ui::model::spend::SpendShown;
use crate::ui::model::theme::Theme;

/// One entry of a component's command list, in the order keys are looked up and hints shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Command {
    /// An action from the key map; a `hint` puts it in the status bar.
    Action { action: Action, hint: Option<Hint> },
    /// A key of the component's own that the key map does not rebind (y/n in a question,
    /// Enter in the filter line): handled in [`Component::key`], shown in the status bar.
    Key {
        key: &'static str,
        hint: &'static str,
    },
}

/// What the status bar says of an action: its key (taken from the key map), then `text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hint {
    pub text: &'static str,
    /// The hint names the keys of the actions from this one to `through` as one run
    /// (`1–5 rate`).
    pub through: Option<Action>,
    /// Said only while the selected job is a finished result, and only where the width
    /// leaves room once the other hints are shown: judging it.
    pub on_result: bool,
    /// The view names the key itself where the user is looking (its title's `— Esc closes`,
    /// the frames' `p plays`): the first hint to go when the status bar is short of room.
    pub said: bool,
}

/// An action shown in the status bar as `text`.
pub(crate) const fn hint(action: Action, text: &'static str) -> Command {
    hinted(action, text, false)
}

/// An action shown as `text`, its key named by the view itself too (see [`Hint::said`]).
pub(crate) const fn said(action: Action, text: &'static str) -> Command {
    hinted(action, text, true)
}

const fn hinted(action: Action, text: &'static str, said: bool) -> Command {
    Command::Action {
        action,
        hint: Some(Hint {
            text,
            through: None,
            on_result: false,
            said,
        }),
    }
}

/// The run of actions from `action` to `through`, shown as one hint (`[/] shots`).
pub(crate) const fn hints(action: Action, through: Action, text: &'static str) -> Command {
    Command::Action {
        action,
        hint: Some(Hint {
            text,
            through: Some(through),
            on_result: false,
            said: false,
        }),
    }
}

impl Command {
    /// The same command, its key now named by the view itself (see [`Hint::said`]).
    pub(crate) fn said_by_view(self) -> Command {
        match self {
            Command::Action {
                action,
                hint: Some(hint),
            } => Command::Action {
                action,
                hint: Some(Hint { said: true, ..hint }),
            },
            other => other,
        }
    }
}

/// An action on a finished result, shown as `text` while the selected job is one and the
/// width allows.
pub(crate) const fn result_hint(action: Action, text: &'static str) -> Command {
    Command::Action {
        action,
        hint: Some(Hint {
            text,
            through: None,
            on_result: true,
            said: false,
        }),
    }
}

/// Like [`result_hint`], for the run of actions from `action` to `through`, named together.
pub(crate) const fn result_hints(action: Action, through: Action, text: &'static str) -> Command {
    Command::Action {
        action,
        hint: Some(Hint {
            text,
            through: Some(through),
            on_result: true,
            said: false,
        }),
    }
}

/// An action taken without a status-bar hint.
pub(crate) const fn quiet(action: Action) -> Command {
    Command::Action { action, hint: None }
}

/// A fixed key with its hint.
pub(crate) const fn fixed(key: &'static str, hint: &'static str) -> Command {
    Command::Key { key, hint }
}

/// Moving through a list or a view, taken quietly (the hints name one of them).
pub(crate) const MOVES: [Command; 6] = [
    quiet(Action::Up),
    quiet(Action::Down),
    quiet(Action::PageUp),
    quiet(Action::PageDown),
    quiet(Action::Top),
    quiet(Action::Bottom),
];

/// What every view takes quietly: quit, help and the messages.
pub(crate) const QUIT_HELP_MESSAGES: [Command; 3] = [
    quiet(Action::Quit),
    quiet(Action::Help),
    quiet(Action::Messages),
];

/// The first action of `commands` (in their order) bound to `key`.
pub(crate) fn action_for(keys: &KeyMap, commands: &[Command], key: KeyBinding) -> Option<Action> {
    actions(commands).find(|&a| keys.keys(a).contains(&key))
}

/// The actions of a command list, in order.
pub(crate) fn actions(commands: &[Command]) -> impl Iterator<Item = Action> + '_ {
    commands.iter().filter_map(|c| match c {
        Command::Action { action, .. } => Some(*action),
        Command::Key { .. } => None,
    })
}

/// What a component did with an action, a key or a paste offered to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// It was the component's own, and it took it (asking the app for more through [`Ctx`],
    /// if it needed).
    Handled,
    /// Not the component's: back to the app, which takes it if it is one of its own (an
    /// action a pane lists only to hint it), or drops it.
    HandBack,
}

impl Outcome {
    /// `Handled` when `taken`.
    pub(crate) fn of(taken: bool) -> Outcome {
        if taken {
            Outcome::Handled
        } else {
            Outcome::HandBack
        }
    }
}

/// A pane or an overlay.
pub(crate) trait Component {
    /// The commands this component takes now, first match wins.
    fn commands(&self) -> Vec<Command>;

    /// Carries out one of its commands, or hands the action back to the app (the global
    /// actions a pane lists only to advertise them).
    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome;

    /// A key none of its commands took (typing, y/n).
    fn key(&mut self, _key: KeyEvent, _ctx: &mut Ctx) -> Outcome {
        Outcome::HandBack
    }

    /// A plain key this component takes as text before any global command sees it.
    fn takes_text(&self, _key: KeyBinding) -> bool {
        false
    }

    /// The job its job actions act on, if it has one (the status bar offers the judging
    /// keys while that job is a finished result).
    fn selected_job(&self, _book: &Book) -> Option<JobId> {
        None
    }

    /// A bracketed paste.
    fn paste(&mut self, _text: &str, _ctx: &mut Ctx) -> Outcome {
        Outcome::HandBack
    }

    /// Draws into `area`, recording the sizes the next update needs (rows shown, wrap
    /// width): `update` never calls `draw`. `&mut self` so a component can keep render state
    /// (a picture protocol, a scroll clamped to what fits).
    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect);

    /// Draws what opens over the panes around it (a list of suggestions beside the cursor),
    /// after every pane: only the focused pane is asked, and only when no overlay is open.
    fn draw_popup(&mut self, _view: &View, _frame: &mut Frame) {}
}

/// An overlay: a component drawn over the panes, taking every key while open.
pub(crate) trait Overlay: Component {
    /// The box it is drawn in, on a screen of `screen`.
    fn rect(&self, screen: Rect) -> Rect;

    /// Mouse wheel over the screen: scrolls, if it can.
    fn wheel(&mut self, _up: bool) {}

    /// The jobs whose frames it shows: their strips are asked for while it is open, so a
    /// job that finishes under it gets its pictures too.
    fn shows_frames_of(&self) -> Vec<JobId> {
        Vec::new()
    }

    /// The shots of the film it shows, whose lengths it wants (the storyboard).
    fn film(&self) -> Option<&[JobId]> {
        None
    }

    /// The job it shows, whose full record it needs.
    fn job(&self) -> Option<&JobId> {
        None
    }

    /// What help calls it ("Here, in …").
    fn name(&self) -> &'static str {
        "this view"
    }

    /// Whether a view opened from it (details, a note, full screen) comes back to it when
    /// that view closes, rather than to the panes.
    fn stays_beneath(&self) -> bool {
        false
    }
}

/// What a component may read while it draws.
pub(crate) struct View<'a> {
    pub theme: &'a Theme,
    pub keys: &'a KeyMap,
    pub book: &'a Book,
    pub now: DateTime<Utc>,
    pub ticks: u64,
    /// Every notice and error of the session, oldest first.
    pub messages: &'a [crate::ui::model::messages::Logged],
    /// Graphics, frame strips and the video playing.
    pub media: &'a crate::ui::model::media::Media,
    /// What was spent, as the history's title shows it.
    pub spend: SpendShown,
    /// This component has the keyboard.
    pub focused: bool,
    /// Jobs whose pictures a view drawn over this one shows: their players are that view's
    /// (one size at a time), so this one draws them still.
    pub elsewhere: &'a [JobId],
}

/// What a component may read while it handles a key, and where it asks for more.
pub(crate) struct Ctx<'a> {
    pub book: &'a Book,
    pub keys: &'a KeyMap,
    /// Running over SSH: a player started here would not be seen.
    pub remote: bool,
    out: &'a mut Vec<Request>,
}

impl<'a> Ctx<'a> {
    pub fn new(book: &'a Book, keys: &'a KeyMap, remote: bool, out: &'a mut Vec<Request>) -> Self {
        Self {
            book,
            keys,
            remote,
            out,
        }
    }

    /// The context the shell hands its components: the book, and from the settings the key
    /// map and whether it runs over SSH.
    pub fn of(book: &'a Book, settings: &'a Settings, out: &'a mut Vec<Request>) -> Self {
        Self::new(book, &settings.keys, settings.remote, out)
    }

    pub fn effect(&mut self, effect: Effect) {
        self.out.push(Request::Effect(effect));
    }

    pub fn notice(&mut self, text: impl Into<String>) {
        self.out.push(Request::Notice(text.into()));
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.out.push(Request::Error(text.into()));
    }

    pub fn focus(&mut self, focus: Focus) {
        self.out.push(Request::Focus(focus));
    }

    pub fn open(&mut self, overlay: impl Overlay + 'static) {
        self.out.push(Request::Open(Box::new(overlay)));
    }

    pub fn close(&mut self) {
        self.out.push(Request::Close);
    }

    pub fn ask(&mut self, request: Request) {
        self.out.push(request);
    }
}

/// What a component asks the app for.
pub(crate) enum Request {
    Effect(Effect),
    Notice(String),
    Error(String),
    Focus(Focus),
    Open(Box<dyn Overlay>),
    /// Close the open overlay.
    Close,
    /// Quit the workbench (asked first where quitting loses something).
    Quit,
    /// Submit `job`; `checked` once the user confirmed it is wanted twice.
    Submit {
        job: NewJob,
        checked: bool,
    },
    /// Submit `jobs` as one batch, the user having confirmed the count and cost;
    /// `from_marks` when they are the history's marked jobs (the marks go once sent).
    SubmitBatch {
        jobs: Vec<NewJob>,
        from_marks: bool,
    },
    /// Send these, every question answered (the budget's last).
    Send(crate::ui::model::submits::Sending),
    /// Ask before re-running these marked history jobs together (count and cost first).
    RerunMarked(Vec<JobId>),
    /// Ask fal's records which requests no local record names, then ask before importing
    /// them (the count first).
    LookAtFal,
    /// Import these jobs made elsewhere, found in fal's records, the user having confirmed
    /// the count.
    ImportFromFal(Vec<i2v_store::JobRecord>),
    /// The job's details, its logs made ready.
    Detail(JobId),
    /// The details of `id`, reached back (with `[`) from `from`, a shot that continues it.
    DetailBack {
        id: JobId,
        from: JobId,
    },
    /// Play the job's video in its detail view, or stop it.
    Play(JobId),
    /// The job's prompt against the editor's.
    Diff(JobId),
    /// The note editor on the job, its note as it is now; `from_detail`: its detail view
    /// comes back when the editor closes.
    Note {
        id: JobId,
        current: String,
        from_detail: bool,
    },
    /// Play the film that ends at the job (a chained shot) in its detail view, or stop it.
    PlayFilm(JobId),
    /// Play `shots` from the `from`-th on as one film where `id` plays, or stop what plays.
    PlayShots {
        id: JobId,
        shots: Vec<JobId>,
        from: usize,
    },
    /// The storyboard of the chain the job is in, through it.
    Storyboard(JobId),
    /// Play these jobs' videos in step (the compare view), or stop them.
    PlayTogether(Vec<JobId>),
    /// Whatever plays stops and these jobs play in step in its place (a grid's next page);
    /// nothing playing, nothing starts.
    PlayInstead(Vec<JobId>),
    /// The job's video as large as the screen allows, over whatever view is open (it comes
    /// back after); it starts playing unless it plays already.
    FullScreen(JobId),
    /// Close this view and go back to the one it was opened from (or the panes), leaving
    /// playback as it is.
    Back,
    /// Stop the job's video where it is (the picture stays), or play it on from there; one
    /// that does not play starts.
    PlayOrPause(JobId),
    /// A frame on (or back) in the job's stopped video.
    Step {
        id: JobId,
        forward: bool,
    },
    /// Continue from the job's last frame: save it, make it the image (a chained shot).
    Chain(JobId),
    /// Compare the job with the marked one.
    Compare(JobId),
    /// Read the full records of these history jobs, then carry out `action` in the history
    /// if its selection is still the same.
    WhenRead {
        ids: Vec<JobId>,
        action: crate::ui::model::keys::Action,
    },
    /// List the history in this order (and remember it).
    Sort(crate::ui::model::book::Sort),
    /// A job's input back into the editor.
    Restore {
        id: JobId,
        input: JobInput,
    },
}
