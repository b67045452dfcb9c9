//! A batch judged at a glance: 3 to 9 jobs, one cell each, with its picture (the middle
//! frame, or the video while `p` plays them all in step), what sets its prompt apart from
//! the others (`red · runs`), its rating, note and state. A cell whose job has no video
//! says why. On a screen too small for all of them, fewer cells a page, the rest a page
//! away (the title says which).

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use i2v_store::{JobId, JobState};
use i2v_video::Frame as VideoFrame;

use crate::judge::stars;
use crate::preview::Still;
use crate::text::sanitize;
use crate::ui::kit::component::{
    Command, Component, Ctx, MOVES, Outcome, Overlay, QUIT_HELP_MESSAGES, Request, View, fixed,
    hint, quiet, said,
};
use crate::ui::kit::differs::differences;
use crate::ui::kit::draw::{above_status_bar, frame_block, inner, playback};
use crate::ui::kit::grid_shape::Shape;
use crate::ui::kit::job;
use crate::ui::model::format::{cut, state_icon};
use crate::ui::model::keys::Action;

/// The fewest and most jobs a grid shows (two are compared side by side instead).
pub(crate) const FEWEST: usize = 3;
pub(crate) const MOST: usize = 9;

pub(crate) struct Grid {
    ids: Vec<JobId>,
    /// The selected cell.
    at: usize,
    /// How the last frame laid the cells out (moving up and down needs the columns).
    shape: Shape,
    /// Each job's middle frame as drawn, kept so it is encoded once per size.
    stills: Vec<Option<(Arc<[VideoFrame; 3]>, Still)>>,
    /// What sets each prompt apart, for the prompts it was worked out from.
    differs: Option<(Vec<Arc<str>>, Vec<String>)>,
}

impl Grid {
    pub fn open(ids: Vec<JobId>) -> Grid {
        Grid {
            stills: ids.iter().map(|_| None).collect(),
            ids,
            at: 0,
            shape: Shape { cols: 3, rows: 3 },
            differs: None,
        }
    }

    fn selected(&self) -> Option<JobId> {
        self.ids.get(self.at).cloned()
    }

    /// The jobs on the selected cell's page.
    fn page(&self) -> &[JobId] {
        let per_page = self.shape.per_page().max(1);
        let start = self.at / per_page * per_page;
        &self.ids[start..(start + per_page).min(self.ids.len())]
    }

    fn step(&mut self, delta: isize, ctx: &mut Ctx) {
        let last = self.ids.len().saturating_sub(1) as isize;
        let next = (self.at as isize + delta).clamp(0, last) as usize;
        let per_page = self.shape.per_page().max(1);
        let turned = next / per_page != self.at / per_page;
        self.at = next;
        if turned {
            // Another page: what played was the last page's; this one plays in its place,
            // so judging a playing batch goes on page after page.
            ctx.ask(Request::PlayInstead(self.page().to_vec()));
        }
    }

    /// What sets each prompt apart, worked out again only when a prompt changed (a record
    /// read, a job gone).
    fn differences(&mut self, view: &View) -> &[String] {
        let prompts: Vec<Arc<str>> = self
            .ids
            .iter()
            .map(|id| {
                view.book
                    .row(id)
                    .map_or_else(|| Arc::from(""), |r| r.prompt.clone())
            })
            .collect();
        let stale = self
            .differs
            .as_ref()
            .is_none_or(|(from, _)| *from != prompts);
        if stale {
            let texts: Vec<&str> = prompts.iter().map(|p| &**p).collect();
            let mut differs = differences(&texts);
            // The same prompt again (a repeat): each is its run.
            if differs.iter().all(String::is_empty) {
                differs = (1..=prompts.len()).map(|n| format!("run {n}")).collect();
            }
            self.differs = Some((prompts, differs));
        }
        self.differs.as_ref().map_or(&[], |(_, d)| d.as_slice())
    }

    fn draw_cell(&mut self, view: &View, frame: &mut Frame, area: Rect, i: usize, differs: &str) {
        let theme = view.theme;
        let Some(id) = self.ids.get(i) else { return };
        let chosen = i == self.at;
        let row = view.book.row(id);
        let title = format!(" {} {} ", i + 1, sanitize(differs));
        let title = cut(&title, usize::from(area.width.saturating_sub(2)));
        let mut state = Vec::new();
        if let Some(row) = row {
            if let Some(rating) = row.rating.and_then(i2v_store::Rating::new) {
                state.push(Span::styled(format!(" {}", stars(rating)), theme.accent()));
            }
            if row.note.is_some() {
                state.push(Span::styled(" ✎", theme.accent()));
            }
            state.push(Span::styled(
                format!(
                    " {} {} ",
                    state_icon(&row.state, view.ticks),
                    row.state.label()
                ),
                theme.state(&row.state),
            ));
        }
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border(chosen))
            .title(Line::styled(title, theme.title(chosen)))
            .title_bottom(Line::from(state).right_aligned());
        let inside = block.inner(area);
        frame.render_widget(block, area);
        let say = |frame: &mut Frame, text: String, style| {
            frame.render_widget(
                Paragraph::new(Line::styled(text, style)).wrap(Wrap { trim: true }),
                inside,
            );
        };
        // Playing: the video, as large as the cell allows (unless a view over the grid shows
        // it: the middle frame stands in).
        if let Some(playing) = view
            .media
            .playing(id)
            .filter(|_| !view.elsewhere.contains(id))
        {
            // As large as the cell, or as the link has room for.
            playing
                .player
                .resize(view.media.player_cells(inside.as_size()));
            playback(frame, inside, playing.player.now(), theme, say);
            return;
        }
        match why_no_picture(view, id) {
            Some((text, error)) => {
                self.stills[i] = None;
                let style = if error { theme.error() } else { theme.muted() };
                say(frame, text, style);
            }
            None => match view.media.strip(id) {
                None => say(frame, "making its frames…".into(), theme.muted()),
                Some(Err(err)) => say(frame, format!("✗ {}", sanitize(err)), theme.error()),
                Some(Ok(made)) => {
                    let fresh = self.stills[i]
                        .as_ref()
                        .is_some_and(|(from, _)| Arc::ptr_eq(from, made));
                    if !fresh {
                        let middle = Arc::new(made[1].image.clone());
                        self.stills[i] = Some((made.clone(), Still::new(middle)));
                    }
                    if let Some((_, still)) = self.stills[i].as_mut() {
                        still.render(&view.media.graphics, inside, frame.buffer_mut());
                    }
                }
            },
        }
    }
}

/// Why a cell shows no picture (and whether that is an error), or `None` when it has one.
fn why_no_picture(view: &View, id: &JobId) -> Option<(String, bool)> {
    let Some(row) = view.book.row(id) else {
        return Some(("no longer in the history".into(), true));
    };
    if !view.media.on() {
        return Some(("pictures are off".into(), false));
    }
    match &row.state {
        JobState::Completed => {}
        JobState::Failed | JobState::Cancelled => {
            let why = view
                .book
                .get(id)
                .and_then(|e| e.record.error.as_ref())
                .map(|e| format!(": {}", sanitize(&e.message)))
                .unwrap_or_default();
            return Some((format!("{}{why}", row.state.label()), true));
        }
        other => return Some((format!("{}: no video yet", other.label()), false)),
    }
    let entry = match view.book.get(id) {
        Some(entry) => entry,
        None => match view.book.unreadable(id) {
            Some(why) => return Some((format!("could not be read: {}", sanitize(why)), true)),
            None => return Some(("reading its record…".into(), false)),
        },
    };
    match crate::frames::video_file(&entry.record) {
        Ok(_) => None,
        Err(why) => Some((sanitize(&why.to_string()), false)),
    }
}

impl Component for Grid {
    fn commands(&self) -> Vec<Command> {
        let mut commands = vec![
            // The title says it too.
            said(Action::Back, "close"),
            fixed("←↑↓→", "move"),
            quiet(Action::Left),
            quiet(Action::Right),
        ];
        commands.extend(MOVES);
        commands.extend([
            hint(Action::Play, "play all"),
            hint(Action::FullScreen, "full screen"),
            hint(Action::Detail, "details"),
        ]);
        commands.extend(job::rating());
        commands.push(hint(Action::Note, "note"));
        commands.extend(QUIT_HELP_MESSAGES);
        commands
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let cols = self.shape.cols.max(1) as isize;
        let per_page = self.shape.per_page().max(1) as isize;
        match action {
            Action::Back => ctx.close(),
            Action::Left => self.step(-1, ctx),
            Action::Right => self.step(1, ctx),
            Action::Up => self.step(-cols, ctx),
            Action::Down => self.step(cols, ctx),
            Action::PageUp => self.step(-per_page, ctx),
            Action::PageDown => self.step(per_page, ctx),
            Action::Top => self.step(-(self.ids.len() as isize), ctx),
            Action::Bottom => self.step(self.ids.len() as isize, ctx),
            Action::Play => ctx.ask(Request::PlayTogether(self.page().to_vec())),
            Action::FullScreen => {
                if let Some(id) = self.selected() {
                    ctx.ask(Request::FullScreen(id));
                }
            }
            _ => return job::act(action, self.selected(), ctx),
        }
        Outcome::Handled
    }

    fn selected_job(&self, _book: &crate::ui::model::book::Book) -> Option<JobId> {
        self.selected()
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        crate::ui::kit::draw::clear(frame, area, theme);
        let inside = inner(area);
        self.shape = Shape::for_jobs(self.ids.len(), inside.as_size());
        let per_page = self.shape.per_page().max(1);
        let pages = self.ids.len().div_ceil(per_page);
        let page = self.at / per_page;
        let mut title = format!(" Grid · {} jobs ", self.ids.len());
        // Playing: what the link lets through, as a player's title says it.
        if self
            .page()
            .iter()
            .any(|id| view.media.playing(id).is_some())
        {
            title = format!(" {}{title}", view.media.playing_label());
        }
        if pages > 1 {
            title.push_str(&format!("· page {} of {} ({} more) ", page + 1, pages, {
                self.ids.len() - self.page().len()
            }));
        }
        title.push_str("— Esc closes ");
        frame.render_widget(
            frame_block(theme, Line::from(title), true).style(theme.base()),
            area,
        );
        let differs = self.differences(view).to_vec();
        let start = page * per_page;
        for (slot, i) in (start..(start + per_page).min(self.ids.len())).enumerate() {
            let cell = self.shape.cell_area(inside, slot);
            let text = differs.get(i).map_or("", String::as_str);
            self.draw_cell(view, frame, cell, i, text);
        }
    }
}

impl Overlay for Grid {
    fn name(&self) -> &'static str {
        "the grid"
    }

    fn rect(&self, screen: Rect) -> Rect {
        above_status_bar(screen)
    }

    fn shows_frames_of(&self) -> Vec<JobId> {
        self.page().to_vec()
    }

    fn stays_beneath(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};
    use i2v_store::{ErrorKind, JobError, JobRecord, Rating};

    use super::*;
    use crate::test_record::{record, with_video};
    use crate::ui::kit::test_component::{HOSTILE, TestComponent, assert_shows};
    use crate::ui::model::effect::Effect;

    fn grid(jobs: &[JobRecord]) -> TestComponent<Grid> {
        let ids = jobs.iter().map(|j| j.id.clone()).collect();
        TestComponent::new(Grid::open(ids)).with_jobs(jobs.iter().cloned())
    }

    fn press(view: &mut TestComponent<Grid>, code: KeyCode) -> Vec<Request> {
        assert_eq!(
            view.press(code, KeyModifiers::NONE),
            Outcome::Handled,
            "{code:?}"
        );
        view.take()
    }

    #[test]
    fn each_cell_says_what_sets_its_prompt_apart_and_why_it_has_no_picture() {
        let mut rated = with_video("a red fox runs");
        rated.rating = Rating::new(5);
        rated.note = Some("keep".to_owned());
        let running = record("a grey fox runs", JobState::Running);
        let mut failed = record("a red fox sleeps", JobState::Failed);
        failed.error = Some(JobError::new(
            ErrorKind::Validation,
            format!("flagged{HOSTILE}"),
        ));
        let mut view = grid(&[rated.clone(), running, failed]).pictures();
        assert_shows(
            &view.screen(120, 30),
            &[
                "Grid · 3 jobs — Esc closes",
                " 1 red · runs ",
                " 2 grey · runs ",
                " 3 red · sleeps ",
                "★★★★★ ✎",
                "making its frames…",
                "running: no video yet",
                "failed: flagged",
            ],
        );
        // Its strip made, the first cell shows a picture instead.
        view.with_strip(&rated.id);
        assert!(!view.screen(120, 30).contains("making its frames…"));
        let mut off = grid(&[rated]);
        assert!(off.screen(120, 30).contains("pictures are off"));
    }

    #[test]
    fn the_same_prompt_again_is_told_apart_by_its_run() {
        let jobs: Vec<JobRecord> = (0..3).map(|_| with_video("a heron")).collect();
        let screen = grid(&jobs).screen(120, 30);
        for run in [" 1 run 1 ", " 2 run 2 ", " 3 run 3 "] {
            assert!(screen.contains(run), "{run}:\n{screen}");
        }
    }

    #[test]
    fn arrows_move_by_cell_and_row_and_the_keys_act_on_the_selected_cell() {
        let jobs: Vec<JobRecord> = (0..6).map(|n| with_video(&format!("fox {n}"))).collect();
        let ids: Vec<JobId> = jobs.iter().map(|j| j.id.clone()).collect();
        let mut view = grid(&jobs);
        // Six fit one page of three columns on a large screen.
        view.draw(120, 40);
        assert!(press(&mut view, KeyCode::Right).is_empty());
        assert!(press(&mut view, KeyCode::Down).is_empty());
        assert_eq!(
            view.component.selected_job(&view.book),
            Some(ids[4].clone())
        );
        assert!(
            matches!(&press(&mut view, KeyCode::Char('v'))[..], [Request::Detail(d)] if *d == ids[4])
        );
        assert!(
            matches!(&press(&mut view, KeyCode::Char('f'))[..], [Request::FullScreen(f)] if *f == ids[4])
        );
        assert!(matches!(
            &press(&mut view, KeyCode::Char('3'))[..],
            [Request::Effect(Effect::Judge { id, .. })] if *id == ids[4]
        ));
        assert!(
            matches!(&press(&mut view, KeyCode::Char('p'))[..], [Request::PlayTogether(all)] if *all == ids)
        );
        press(&mut view, KeyCode::Char('G'));
        assert_eq!(
            view.component.selected_job(&view.book),
            Some(ids[5].clone())
        );
        assert!(matches!(
            &press(&mut view, KeyCode::Esc)[..],
            [Request::Close]
        ));
        assert_eq!(
            view.press(KeyCode::F(1), KeyModifiers::NONE),
            Outcome::HandBack
        );
    }

    #[test]
    fn a_page_turned_plays_in_place_of_the_one_before() {
        let jobs: Vec<JobRecord> = (0..9).map(|n| with_video(&format!("fox {n}"))).collect();
        let ids: Vec<JobId> = jobs.iter().map(|j| j.id.clone()).collect();
        let mut view = grid(&jobs);
        // Four cells a page on a small screen.
        let title = view.draw(60, 20).remove(0);
        assert!(
            title.contains("Grid · 9 jobs · page 1 of 3 (5 more) — Esc closes"),
            "{title}"
        );
        assert_eq!(view.component.shows_frames_of(), ids[..4]);
        // Within the page nothing plays anew; over its edge the next page plays instead.
        assert!(press(&mut view, KeyCode::Down).is_empty());
        assert!(matches!(
            &press(&mut view, KeyCode::Down)[..],
            [Request::PlayInstead(page)] if *page == ids[4..8]
        ));
        let title = view.draw(60, 20).remove(0);
        assert!(title.contains("page 2 of 3"), "{title}");
        assert!(
            matches!(&press(&mut view, KeyCode::Char('p'))[..], [Request::PlayTogether(page)] if *page == ids[4..8])
        );
        assert!(matches!(
            &press(&mut view, KeyCode::PageDown)[..],
            [Request::PlayInstead(page)] if *page == ids[8..]
        ));
    }
}
