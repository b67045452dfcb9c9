//! The text views (help, messages, detail, diff): a [`Text`] says what to show and which
//! actions of its own it takes; [`TextView`] makes it an overlay that scrolls, within what
//! the last frame showed, in a box of the same size for all.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::ui::kit::component::{
    Command, Component, Ctx, MOVES, Outcome, Overlay, QUIT_HELP_MESSAGES, View, hint, quiet,
};
use crate::ui::kit::draw::{frame_block, inner};
use crate::ui::kit::layout;
use crate::ui::model::keys::Action;

/// What a text view shows.
pub(crate) trait Text {
    fn title(&self) -> String;

    /// The content, wrapped to `width`.
    fn lines(&mut self, view: &View, width: usize) -> Vec<Line<'static>>;

    /// Its commands before the scrolling ones every view takes; the hinted ones show in the
    /// status bar.
    fn commands(&self) -> Vec<Command> {
        HINTS.to_vec()
    }

    /// An action of its own (closing on its key, copying); the rest it hands back.
    fn act(&mut self, _action: Action, _ctx: &mut Ctx) -> Outcome {
        Outcome::HandBack
    }

    /// A key none of the commands took (y/n in a question).
    fn key(&mut self, _key: KeyEvent, _ctx: &mut Ctx) -> Outcome {
        Outcome::HandBack
    }

    /// The job it shows, whose full record it needs.
    fn job(&self) -> Option<&i2v_store::JobId> {
        None
    }

    /// For a view as tall as its content (a question): how many rows that takes at
    /// `width`. `None` keeps the box every view has.
    fn rows(&self, _width: usize) -> Option<usize> {
        None
    }
}

/// A [`Text`] as a scrolling overlay.
pub(crate) struct TextView<T> {
    text: T,
    scroll: Scroll,
}

impl<T: Text> TextView<T> {
    pub fn new(text: T) -> Self {
        Self {
            text,
            scroll: Scroll::default(),
        }
    }

    /// Opened at the end (the message log: the newest is wanted).
    pub fn at_end(text: T) -> Self {
        Self {
            text,
            scroll: Scroll {
                offset: usize::MAX,
                drawn: None,
            },
        }
    }
}

impl<T: Text> Component for TextView<T> {
    fn commands(&self) -> Vec<Command> {
        let mut commands = self.text.commands();
        commands.push(quiet(Action::Back));
        commands.extend(MOVES);
        commands.extend(QUIT_HELP_MESSAGES);
        commands.push(quiet(Action::Submit));
        commands
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        if self.text.act(action, ctx) == Outcome::Handled {
            return Outcome::Handled;
        }
        if action == Action::Back {
            ctx.close();
            return Outcome::Handled;
        }
        self.scroll.act(action)
    }

    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Outcome {
        self.text.key(key, ctx)
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let lines = self.text.lines(view, usize::from(inner(area).width));
        self.scroll
            .draw(view, frame, area, &self.text.title(), lines);
    }
}

impl<T: Text> Overlay for TextView<T> {
    fn rect(&self, screen: Rect) -> Rect {
        let full = layout::centered(screen, 84, 84, 64, 18);
        let Some(rows) = self.text.rows(usize::from(inner(full).width)) else {
            return full;
        };
        // As tall as the content and its borders, no taller than every view's box: a
        // longer one scrolls.
        let height = u16::try_from(rows.saturating_add(2))
            .unwrap_or(u16::MAX)
            .min(full.height);
        Rect {
            y: screen.y + (screen.height - height) / 2,
            height,
            ..full
        }
    }

    fn wheel(&mut self, up: bool) {
        let _ = self.scroll.act(if up { Action::Up } else { Action::Down });
    }

    fn job(&self) -> Option<&i2v_store::JobId> {
        self.text.job()
    }
}

#[derive(Debug, Default)]
pub(crate) struct Scroll {
    /// First row shown. Past the end until drawn means "the end".
    offset: usize,
    /// Rows of content and rows visible at the last frame.
    drawn: Option<(usize, usize)>,
}

impl Scroll {
    /// Scrolls by a moving action; hands back the others.
    pub fn act(&mut self, action: Action) -> Outcome {
        let (max, page) = match self.drawn {
            Some((rows, height)) => (rows.saturating_sub(height), height.saturating_sub(1).max(1)),
            // Not drawn yet: the frame clamps whatever this asks for.
            None => (usize::MAX, 1),
        };
        let at = self.offset.min(max);
        self.offset = match action {
            Action::Up => at.saturating_sub(1),
            Action::Down => at.saturating_add(1),
            Action::PageUp => at.saturating_sub(page),
            Action::PageDown => at.saturating_add(page),
            Action::Top => 0,
            Action::Bottom => max,
            _ => return Outcome::HandBack,
        }
        .min(max);
        Outcome::Handled
    }

    /// Draws `lines` (already wrapped to the box's inner width) in the view's box, from the
    /// scroll position clamped to what fits, and records the sizes for the next update.
    pub fn draw(
        &mut self,
        view: &View,
        frame: &mut Frame,
        rect: Rect,
        title: &str,
        lines: Vec<Line<'static>>,
    ) {
        let height = usize::from(inner(rect).height);
        let max = lines.len().saturating_sub(height);
        self.offset = self.offset.min(max);
        self.drawn = Some((lines.len(), height));
        let more = if lines.len() > height {
            format!(" [{}/{}] ", self.offset + 1, max + 1)
        } else {
            String::new()
        };
        let block = frame_block(view.theme, Line::from(format!(" {title} ")), true)
            .title_bottom(Line::from(more).right_aligned());
        let visible: Vec<Line> = lines.into_iter().skip(self.offset).collect();
        crate::ui::kit::draw::clear(frame, rect, view.theme);
        frame.render_widget(
            Paragraph::new(visible)
                .block(block)
                .style(view.theme.base()),
            rect,
        );
    }
}

/// The hints most views show.
pub(crate) const HINTS: [Command; 3] = [
    hint(Action::Back, "close"),
    hint(Action::Down, "scroll"),
    hint(Action::PageDown, "page"),
];
