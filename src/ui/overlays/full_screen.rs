//! One job's video as large as the terminal allows, its aspect kept: `f` from wherever it
//! plays (the detail view, compare, the grid, the history), `f` again or Esc back there.
//! Judging goes on here: digits rate, `n` notes, `l` continues from its last frame; `p`
//! stops and starts it, and while it stands `,` and `.` step a frame back and on.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use i2v_store::JobId;

use crate::preview::Playback;
use crate::text::sanitize;
use crate::ui::kit::component::{
    Command, Component, Ctx, Outcome, Overlay, Request, View, hint, quiet,
};
use crate::ui::kit::job;
use crate::ui::model::book::Book;
use crate::ui::model::format::cut;
use crate::ui::model::keys::Action;

pub(crate) struct FullScreen {
    id: JobId,
}

impl FullScreen {
    pub fn open(id: JobId) -> FullScreen {
        FullScreen { id }
    }

    /// `▶ job 01K… · a red fox runs at du… · frame 37/144`, cut to `width`.
    fn title(&self, view: &View, width: usize) -> String {
        let playing = view.media.playing(&self.id);
        let paused = playing.is_some_and(|p| p.player.clock().is_paused());
        let now = playing.map(|p| p.player.now());
        let frame = match &now {
            Some(Playback::Playing(shown)) => {
                format!(" · frame {}/{}", shown.index + 1, shown.count)
            }
            _ => String::new(),
        };
        // A film (P): the shot on screen, named by its place.
        let film = match &now {
            Some(Playback::Playing(shown)) => view.media.film_shot(&self.id, shown.at),
            _ => None,
        };
        let id = film.map_or(&self.id, |shot| shot.id);
        // Playing: what the link shows of it (`▶ 8 fps · 1.1 Mbit/s ·`, or `▶`).
        let icon = match (playing.is_some(), paused) {
            (true, false) => view.media.playing_label(),
            _ => "⏸".to_owned(),
        };
        let prompt = view
            .book
            .row(id)
            .map(|r| r.prompt.lines().next().unwrap_or("").to_owned())
            .unwrap_or_default();
        let place = film
            .map(|shot| format!(" shot {}/{} ·", shot.place, shot.of))
            .unwrap_or_default();
        let head = format!(" {icon}{place} job {}", sanitize(id.as_str()));
        let tail = format!("{frame} ");
        let room = width.saturating_sub(head.chars().count() + tail.chars().count() + 3);
        let prompt = if prompt.is_empty() || room < 8 {
            String::new()
        } else {
            format!(" · {}", cut(&sanitize(&prompt), room))
        };
        format!("{head}{prompt}{tail}")
    }
}

impl Component for FullScreen {
    fn commands(&self) -> Vec<Command> {
        let mut commands = vec![
            hint(Action::Back, "back"),
            quiet(Action::FullScreen),
            hint(Action::Play, "play"),
            hint(Action::StepForward, "step"),
            quiet(Action::StepBack),
        ];
        commands.extend(job::rating());
        commands.extend([
            hint(Action::Note, "note"),
            hint(Action::ContinueShot, "continue"),
            quiet(Action::Quit),
            quiet(Action::Help),
            quiet(Action::Messages),
        ]);
        commands
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let id = self.id.clone();
        match action {
            Action::Back | Action::FullScreen => ctx.ask(Request::Back),
            Action::Play => ctx.ask(Request::PlayOrPause(id)),
            Action::StepBack => ctx.ask(Request::Step { id, forward: false }),
            Action::StepForward => ctx.ask(Request::Step { id, forward: true }),
            _ => return job::act(action, Some(id), ctx),
        }
        Outcome::Handled
    }

    fn selected_job(&self, _book: &Book) -> Option<JobId> {
        Some(self.id.clone())
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        crate::ui::kit::draw::clear(frame, area, theme);
        let title = self.title(view, usize::from(area.width));
        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(theme.border(true))
            .title(Line::styled(title, theme.title(true)))
            .style(theme.base());
        let inside = block.inner(area);
        frame.render_widget(block, area);
        let say = |frame: &mut Frame, text: String, style| {
            frame.render_widget(Paragraph::new(Line::styled(text, style)).centered(), inside);
        };
        let Some(playing) = view.media.playing(&self.id) else {
            let key = view.keys.short_label(Action::Play).unwrap_or_default();
            say(frame, format!("stopped · {key} plays"), theme.muted());
            return;
        };
        // As large as the screen, or as the link has room for.
        playing
            .player
            .resize(view.media.player_cells(inside.as_size()));
        match playing.player.now() {
            Playback::Playing(shown) => frame.render_widget(&shown.picture, inside),
            Playback::Starting => say(frame, "starting…".into(), theme.muted()),
            Playback::Failed(err) => say(frame, format!("✗ {}", sanitize(&err)), theme.error()),
        }
    }
}

impl Overlay for FullScreen {
    fn name(&self) -> &'static str {
        "full screen"
    }

    fn rect(&self, screen: Rect) -> Rect {
        // The whole screen but the status bar, which names the keys.
        Rect {
            height: screen.height.saturating_sub(1),
            ..screen
        }
    }

    fn job(&self) -> Option<&JobId> {
        Some(&self.id)
    }

    fn stays_beneath(&self) -> bool {
        true
    }
}
