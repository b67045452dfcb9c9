//! What the workbench says: the status line (one message at a time, the unseen ones kept
//! until a key) and the session's message log, where every message is whole.

use chrono::{DateTime, Duration, Utc};

use crate::text::sanitize_one_line;
use crate::ui::model::keys::Action;

/// How long a notice stays in the status bar.
const NOTICE_SECS: i64 = 4;

/// How many messages the log keeps.
const MESSAGES_KEPT: usize = 500;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StatusKind {
    Notice,
    /// A problem found at start (config, theme, keys, draft): it waits to be seen, but the
    /// key that sees it does what it always does.
    Warning,
    Error,
}

/// One line of the message log.
#[derive(Clone, Debug)]
pub(crate) struct Logged {
    pub at: DateTime<Utc>,
    pub kind: StatusKind,
    pub text: String,
}

/// The message the status line shows.
#[derive(Clone, Debug)]
pub(crate) struct Status {
    pub kind: StatusKind,
    pub text: String,
    /// Notices fade; errors stay until a key; warnings stay until a key, then fade.
    pub until: Option<DateTime<Utc>>,
    /// What the user did that it answers, if anything: doing the same again clears it.
    pub about: Option<Origin>,
    /// Messages that arrived while an unseen one was shown, so were never seen in full.
    pub behind: usize,
}

impl Status {
    /// An error, or a warning no key has been pressed since: what a new message must not
    /// simply replace.
    fn unseen(&self) -> bool {
        match self.kind {
            StatusKind::Error => true,
            StatusKind::Warning => self.until.is_none(),
            StatusKind::Notice => false,
        }
    }
}

/// What the user did that a status message answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    Action(Action),
    Paste,
}

/// The status line and the log behind it.
#[derive(Default)]
pub(crate) struct Messages {
    /// What the status line shows, if anything.
    pub status: Option<Status>,
    /// What the user is doing while it is handled: the messages it brings answer it.
    pub acting: Option<Origin>,
    /// Every notice and error of this session, oldest first: the status bar shows one, cut
    /// to the screen's width, and a later one replaces it.
    log: Vec<Logged>,
    /// The history's problems already shown (a refresh finding the same says nothing).
    history_problems: Vec<String>,
}

impl Messages {
    /// Every message of the session, oldest first.
    pub fn log(&self) -> &[Logged] {
        &self.log
    }

    /// Whether the status line fades (a notice, or a warning seen): time must pass on screen.
    pub fn fading(&self) -> bool {
        self.status.as_ref().is_some_and(|s| s.until.is_some())
    }

    pub fn notice(&mut self, now: DateTime<Utc>, text: impl Into<String>) {
        // A notice never hides an error or a warning the user has not seen yet.
        let text = sanitize_one_line(&text.into());
        self.push(now, StatusKind::Notice, &text);
        if self.status.as_ref().is_some_and(Status::unseen) {
            return;
        }
        self.status = Some(Status {
            kind: StatusKind::Notice,
            text,
            until: Some(now + Duration::seconds(NOTICE_SECS)),
            about: self.acting,
            behind: 0,
        });
    }

    /// A problem found at start: shown until the user presses a key (which it does not
    /// swallow, unlike an error's), then it fades as a notice does.
    pub fn warning(&mut self, now: DateTime<Utc>, text: impl Into<String>) {
        let text = sanitize_one_line(&text.into());
        self.push(now, StatusKind::Warning, &text);
        match self.status.as_mut() {
            // An error outranks it; the count says there is more in the log.
            Some(shown) if shown.kind == StatusKind::Error => shown.behind += 1,
            shown => {
                let behind = shown.filter(|s| s.unseen()).map_or(0, |s| s.behind + 1);
                self.status = Some(Status {
                    kind: StatusKind::Warning,
                    text,
                    until: None,
                    about: self.acting,
                    behind,
                });
            }
        }
    }

    pub fn error(&mut self, now: DateTime<Utc>, text: impl Into<String>) {
        let text = sanitize_one_line(&text.into());
        self.push(now, StatusKind::Error, &text);
        let behind = self
            .status
            .as_ref()
            .filter(|s| s.unseen())
            .map_or(0, |s| s.behind + 1);
        self.status = Some(Status {
            kind: StatusKind::Error,
            text,
            until: None,
            about: self.acting,
            behind,
        });
    }

    /// The user pressed something: a warning shown till now has been seen and starts to
    /// fade, leaving time to finish reading it.
    pub fn warning_seen(&mut self, now: DateTime<Utc>) {
        if let Some(status) = self.status.as_mut()
            && status.kind == StatusKind::Warning
            && status.until.is_none()
        {
            status.until = Some(now + Duration::seconds(NOTICE_SECS));
        }
    }

    /// Whether an error is shown: the next key only dismisses it.
    pub fn error_shown(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(|s| s.kind == StatusKind::Error)
    }

    /// The user does `origin` again: a notice that answered it last time (a refusal, a
    /// "nothing to compare with") is stale now, whether this time succeeds silently (the view
    /// opens) or says something new.
    pub fn forget_notice_about(&mut self, origin: Origin) {
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.kind == StatusKind::Notice && s.about == Some(origin))
        {
            self.status = None;
        }
    }

    /// A notice whose time is up goes.
    pub fn expire(&mut self, now: DateTime<Utc>) {
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.until.is_some_and(|t| t <= now))
        {
            self.status = None;
        }
    }

    /// Of the files a look at the history could not read, the first not said before and
    /// how many more, as one line. A listing gives them all (`whole`); a look at what
    /// changed, only the files it read.
    pub fn history_problems(&mut self, problems: Vec<String>, whole: bool) -> Option<String> {
        let new: Vec<&String> = problems
            .iter()
            .filter(|p| !self.history_problems.contains(p))
            .collect();
        let said = new.first().map(|first| {
            let more = match new.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            format!("History: {first}{more}")
        });
        if whole {
            self.history_problems = problems;
        } else {
            for problem in problems {
                if !self.history_problems.contains(&problem) {
                    self.history_problems.push(problem);
                }
            }
        }
        said
    }

    fn push(&mut self, at: DateTime<Utc>, kind: StatusKind, text: &str) {
        if self.log.len() >= MESSAGES_KEPT {
            self.log.remove(0);
        }
        self.log.push(Logged {
            at,
            kind,
            text: text.to_owned(),
        });
    }
}
