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
    Command, Component, Ctx, Outcome, Overlay, QUIT_HELP_MESSAGES, Request, View, hint, quiet,
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
        ]);
        commands.extend(QUIT_HELP_MESSAGES);
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
        crate::ui::kit::draw::playback(frame, inside, playing.player.now(), theme, say);
    }
}

impl Overlay for FullScreen {
    fn name(&self) -> &'static str {
        "full screen"
    }

    fn rect(&self, screen: Rect) -> Rect {
        crate::ui::kit::draw::above_status_bar(screen)
    }

    fn job(&self) -> Option<&JobId> {
        Some(&self.id)
    }

    fn stays_beneath(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crossterm::event::{KeyCode, KeyModifiers};
    use i2v_store::JobRecord;

    use super::*;
    use crate::test_record::{continuing, with_video};
    use crate::ui::kit::test_component::{HOSTILE, TestComponent, assert_shows, shown};
    use crate::ui::model::effect::Effect;
    use crate::ui::model::media::FilmPlaying;

    /// `job` full screen, the job known.
    fn full_screen(job: JobRecord) -> (JobId, TestComponent<FullScreen>) {
        let id = job.id.clone();
        (
            id.clone(),
            TestComponent::new(FullScreen::open(id)).with_jobs([job]),
        )
    }

    #[test]
    fn stopped_it_names_the_job_its_prompts_first_line_and_the_play_key() {
        let (id, mut view) = full_screen(with_video("a heron lifts off\nslowly, at dusk"));
        let rows = view.draw(90, 10);
        let title = format!(" ⏸ job {id} · a heron lifts off ");
        assert!(rows[0].contains(&title), "{}", rows[0]);
        assert!(
            rows.iter().any(|r| r.contains("stopped · p plays")),
            "{rows:#?}"
        );
        assert!(!rows.join("\n").contains("slowly"));
    }

    #[test]
    fn playing_its_title_counts_the_frames_and_paused_it_says_so() {
        let (id, mut view) = full_screen(with_video("a heron"));
        view.play(&id, shown(36, 144, Duration::from_millis(1500)));
        let title = view.draw(90, 10).remove(0);
        assert!(
            title.contains(&format!("▶ job {id} · a heron · frame 37/144")),
            "{title}"
        );
        view.media.playing[0].player.clock().pause();
        let title = view.draw(90, 10).remove(0);
        assert!(
            title.contains(&format!("⏸ job {id} · a heron · frame 37/144")),
            "{title}"
        );
    }

    #[test]
    fn a_player_that_failed_says_why_sanitised() {
        let (id, mut view) = full_screen(with_video("a heron"));
        view.play(&id, Playback::Failed(format!("cannot open it{HOSTILE}")));
        assert_shows(&view.screen(90, 10), &["✗ cannot open it"]);
    }

    #[test]
    fn a_film_names_the_shot_on_screen_by_its_place() {
        let first = with_video("a heron wades");
        let second = continuing("the heron takes off", &first);
        let (one, two) = (first.id.clone(), second.id.clone());
        let mut view = TestComponent::new(FullScreen::open(one.clone())).with_jobs([first, second]);
        // Four seconds in: the second shot, which starts at three.
        view.play(&one, shown(100, 144, Duration::from_secs(4)));
        view.media.film = Some(FilmPlaying {
            shots: vec![one, two.clone()],
            from: 0,
            starts: vec![Duration::ZERO, Duration::from_secs(3)],
        });
        let title = view.draw(100, 10).remove(0);
        assert!(
            title.contains(&format!("shot 2/2 · job {two} · the heron takes off")),
            "{title}"
        );
    }

    #[test]
    fn its_keys_play_step_judge_and_go_back_to_the_view_it_came_from() {
        let (id, mut view) = full_screen(with_video("a heron"));
        let mut pressed = |c: KeyCode| {
            assert_eq!(view.press(c, KeyModifiers::NONE), Outcome::Handled, "{c:?}");
            view.take()
        };
        assert!(matches!(&pressed(KeyCode::Char('p'))[..], [Request::PlayOrPause(p)] if *p == id));
        assert!(matches!(
            &pressed(KeyCode::Char('.'))[..],
            [Request::Step { id: s, forward: true }] if *s == id
        ));
        assert!(matches!(
            &pressed(KeyCode::Char(','))[..],
            [Request::Step { forward: false, .. }]
        ));
        assert!(matches!(
            &pressed(KeyCode::Char('4'))[..],
            [Request::Effect(Effect::Judge { id: j, .. })] if *j == id
        ));
        assert!(matches!(
            &pressed(KeyCode::Char('n'))[..],
            [Request::Note {
                from_detail: false,
                ..
            }]
        ));
        assert!(matches!(&pressed(KeyCode::Char('l'))[..], [Request::Chain(c)] if *c == id));
        // Back, not closed: the view it was opened over comes back.
        for key in [KeyCode::Char('f'), KeyCode::Esc] {
            assert!(matches!(&pressed(key)[..], [Request::Back]), "{key:?}");
        }
        // Help and quitting are the app's.
        assert_eq!(
            view.press(KeyCode::F(1), KeyModifiers::NONE),
            Outcome::HandBack
        );
        assert_eq!(
            view.hints(),
            ["back", "play", "step", "rate", "note", "continue"]
        );
    }
}
