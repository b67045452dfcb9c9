//! One component tested alone, through its [`Component`] interface, as slumber's
//! `TestComponent` does: a small book of jobs, the default keys and theme, keys pressed the way
//! the app routes them, what the component asked the app for, and its drawing as text. Beside
//! the App-level tests, which drive the whole workbench. Views of pictures get them through
//! [`TestComponent::pictures`], [`TestComponent::with_strip`] and [`TestComponent::play`]
//! (a player stand-in that shows one frame, or why it shows none).

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;

use i2v_store::{JobId, JobRecord};
use i2v_video::{Frame as VideoFrame, Position};

use crate::preview::{Colors, Graphics, Picture, Playback, Player, Shown};
use crate::ui::kit::component::{self, Component, Ctx, Outcome, Request, View};
use crate::ui::model::book::Book;
use crate::ui::model::effect::Effect;
use crate::ui::model::keys::{Action, KeyBinding, KeyMap};
use crate::ui::model::media::{Media, Playing};
use crate::ui::model::messages::Logged;
use crate::ui::model::spend::SpendShown;
use crate::ui::model::theme::Theme;

pub(crate) struct TestComponent<C> {
    pub component: C,
    pub book: Book,
    pub keys: KeyMap,
    pub theme: Theme,
    pub media: Media,
    /// Running over SSH.
    pub remote: bool,
    /// Whether it has the keyboard as it draws.
    pub focused: bool,
    /// The session's messages, as the message log shows them.
    pub messages: Vec<Logged>,
    /// What it asked the app for, oldest first, since the last [`TestComponent::take`].
    pub requests: Vec<Request>,
}

impl<C: Component> TestComponent<C> {
    pub fn new(component: C) -> Self {
        Self {
            component,
            book: Book::default(),
            keys: KeyMap::default(),
            theme: Theme::default(),
            media: Media::new(Graphics::Off),
            remote: false,
            focused: true,
            messages: Vec::new(),
            requests: Vec::new(),
        }
    }

    /// Jobs the engine reports, as live jobs of this session.
    pub fn with_jobs(mut self, records: impl IntoIterator<Item = JobRecord>) -> Self {
        for record in records {
            self.book.update(record);
        }
        self
    }

    /// Pictures on (halfblocks), as on a terminal that shows them.
    pub fn pictures(mut self) -> Self {
        self.media.graphics = Graphics::Halfblocks(Colors::TrueColor);
        self
    }

    /// `id`'s frame strip made (three small grey frames), as the strip maker answers.
    pub fn with_strip(&mut self, id: &JobId) {
        let frame = |position, index| VideoFrame {
            index,
            position,
            image: image::RgbImage::from_pixel(8, 6, image::Rgb([128, 128, 128])),
        };
        let strip = [
            frame(Position::First, 0),
            frame(Position::Middle, 71),
            frame(Position::Last, 143),
        ];
        self.media.strip_made(id.clone(), Ok(Arc::new(strip)));
    }

    /// `id`'s video playing (in step with any already playing), its player showing `now`.
    pub fn play(&mut self, id: &JobId, now: Playback) -> &Player {
        self.media.playing.push(Playing {
            id: id.clone(),
            player: Player::showing(now),
        });
        &self.media.playing[self.media.playing.len() - 1].player
    }

    /// Offers `action`, as the app does once a key matched one of the component's commands.
    pub fn act(&mut self, action: Action) -> Outcome {
        let mut ctx = Ctx::new(&self.book, &self.keys, self.remote, &mut self.requests);
        self.component.act(action, &mut ctx)
    }

    /// A key pressed while the component has the keyboard, routed as the app routes it: as
    /// text if it takes it so, else to the first of its commands bound to it, else as a key.
    pub fn press(&mut self, code: KeyCode, mods: KeyModifiers) -> Outcome {
        let event = KeyEvent::new(code, mods);
        let binding = KeyBinding::from_event(&event);
        let mut ctx = Ctx::new(&self.book, &self.keys, self.remote, &mut self.requests);
        if self.component.takes_text(binding) {
            return self.component.key(event, &mut ctx);
        }
        let commands = self.component.commands();
        match component::action_for(&self.keys, &commands, binding) {
            Some(action) => self.component.act(action, &mut ctx),
            None => self.component.key(event, &mut ctx),
        }
    }

    /// Plain characters typed one by one.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    pub fn paste(&mut self, text: &str) -> Outcome {
        let mut ctx = Ctx::new(&self.book, &self.keys, self.remote, &mut self.requests);
        self.component.paste(text, &mut ctx)
    }

    /// What it asked for since the last call.
    pub fn take(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.requests)
    }

    /// The effects among what it asked for since the last [`TestComponent::take`], taking
    /// all it asked for.
    pub fn effects(&mut self) -> Vec<Effect> {
        self.take()
            .into_iter()
            .filter_map(|r| match r {
                Request::Effect(effect) => Some(effect),
                _ => None,
            })
            .collect()
    }

    /// The notices and errors it asked the app to say, since the last [`TestComponent::take`].
    pub fn said(&self) -> Vec<String> {
        self.requests
            .iter()
            .filter_map(|r| match r {
                Request::Notice(text) | Request::Error(text) => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    /// The status bar's hints for its commands now, as their texts.
    pub fn hints(&self) -> Vec<&'static str> {
        self.component
            .commands()
            .into_iter()
            .filter_map(|c| match c {
                component::Command::Action { hint, .. } => hint.map(|h| h.text),
                component::Command::Key { hint, .. } => Some(hint),
            })
            .collect()
    }

    /// Draws it on a `width` × `height` screen: its rows, trailing spaces cut.
    pub fn draw(&mut self, width: u16, height: u16) -> Vec<String> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let view = View {
            theme: &self.theme,
            keys: &self.keys,
            book: &self.book,
            now: chrono::Utc::now(),
            ticks: 0,
            messages: &self.messages,
            media: &self.media,
            spend: SpendShown::default(),
            focused: self.focused,
            elsewhere: &[],
        };
        let component = &mut self.component;
        terminal
            .draw(|frame| component.draw(&view, frame, frame.area()))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..height)
            .map(|y| {
                let row: String = (0..width)
                    .map(|x| buffer[(x, y)].symbol().to_owned())
                    .collect();
                row.trim_end().to_owned()
            })
            .collect()
    }

    /// [`TestComponent::draw`] as one text, rows joined by newlines.
    pub fn screen(&mut self, width: u16, height: u16) -> String {
        self.draw(width, height).join("\n")
    }
}

/// A player's frame: the `index`-th (from 0) of `count`, shown `at` into the video, a small
/// grey picture.
pub(crate) fn shown(index: usize, count: usize, at: Duration) -> Playback {
    let image = image::RgbImage::from_pixel(8, 6, image::Rgb([128, 128, 128]));
    Playback::Playing(Arc::new(Shown {
        index,
        count,
        at,
        frame: Duration::from_millis(40),
        picture: Picture::halfblocks(&image, Size::new(4, 3), Colors::TrueColor),
    }))
}

/// What fixtures end remote text with (an error, a note, a file name): drawn unsanitised it
/// would leave `[2J` on screen (ratatui drops the ESC itself, not what follows it).
pub(crate) const HOSTILE: &str = "\x1b[2J";

/// Asserts `screen` shows each of `texts`, and nothing of [`HOSTILE`].
pub(crate) fn assert_shows(screen: &str, texts: &[&str]) {
    for text in texts {
        assert!(screen.contains(text), "{text} not drawn:\n{screen}");
    }
    assert!(
        !screen.contains("[2J"),
        "remote text unsanitised:\n{screen}"
    );
}

/// The first row `text` is drawn on.
pub(crate) fn row_of(rows: &[String], text: &str) -> usize {
    rows.iter()
        .position(|r| r.contains(text))
        .unwrap_or_else(|| panic!("{text} not drawn:\n{}", rows.join("\n")))
}
