//! Two jobs side by side (stacked on a narrow screen): what each is, its timings, rating
//! and note, its frames (`p` plays both in step), then the word diff of their prompts, which
//! scrolls. The marked job is A (−), the one selected when compare was asked for is B (+).
//! A screen too short for pictures drops them before the diff.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use i2v_store::JobId;

use crate::judge::stars;
use crate::text::sanitize;
use crate::ui::kit::component::{
    Command, Component, Ctx, MOVES, Outcome, Overlay, QUIT_HELP_MESSAGES, Request, View, hint,
    quiet,
};
use crate::ui::kit::draw::{frame_block, inner};
use crate::ui::kit::frames::Frames;
use crate::ui::kit::layout;
use crate::ui::kit::prompt_diff::prompt_diff;
use crate::ui::kit::scroll::Scroll;
use crate::ui::model::format::{ago, state_icon, timings};
use crate::ui::model::keys::Action;
use crate::ui::model::media::video_of;

/// Below this inner width the two jobs are stacked.
const SIDE_BY_SIDE_WIDTH: u16 = 100;
/// Rows the prompt diff never goes below.
const DIFF_ROWS: u16 = 6;
/// A job's frames get no fewer rows than this (less is no picture), and no more.
const MIN_STRIP_ROWS: u16 = 6;
const MAX_STRIP_ROWS: u16 = 16;

pub(crate) struct Compare {
    /// A: the marked job.
    a: JobId,
    /// B: the job selected when compare was asked for.
    b: JobId,
    diff: Scroll,
    frames_a: Frames,
    frames_b: Frames,
    /// The last draw had room for the frames: only then is playing them offered.
    frames_shown: bool,
    /// B's video is on disk (found at the last draw): only then is full screen offered.
    b_video: bool,
}

impl Compare {
    pub fn open(a: JobId, b: JobId) -> Self {
        Self {
            a,
            b,
            diff: Scroll::default(),
            frames_a: Frames::default(),
            frames_b: Frames::default(),
            frames_shown: false,
            b_video: false,
        }
    }

    /// What one job is: its id (and, if it continues the other job, `other`'s label), state
    /// and age, optimizer and timings, rating and note. `wide`: one fact per line (a column
    /// of its own).
    fn facts(
        view: &View,
        (label, id): (&str, &JobId),
        (other_label, other): (&str, &JobId),
        wide: bool,
    ) -> Vec<Line<'static>> {
        let theme = view.theme;
        let name = Span::styled(format!("{label}  "), theme.title(true));
        let Some(entry) = view.book.get(id) else {
            let why = match view.book.unreadable(id) {
                Some(why) => format!("could not be read: {}", crate::text::sanitize(why)),
                None if view.book.knows(id) => "reading its record…".to_owned(),
                None => "is no longer known".to_owned(),
            };
            return vec![Line::from(vec![name, Span::raw(format!("job {id} {why}"))])];
        };
        let r = &entry.record;
        let state = Span::styled(
            format!("{} {}", state_icon(&r.state, view.ticks), r.state.label()),
            theme.state(&r.state),
        );
        let when = Span::styled(format!(" · {}", ago(r.created_at, view.now)), theme.muted());
        // A chained pair says which shot came from which.
        let chained = Span::styled(
            if r.continues.as_ref() == Some(other) {
                format!("  continues {other_label}")
            } else {
                String::new()
            },
            theme.accent(),
        );
        let optimizer = if r.input.prompt_optimizer {
            "optimizer on"
        } else {
            "optimizer off"
        };
        let timings = timings(&r.metrics).unwrap_or_else(|| "no timings".to_owned());
        let judged = match (&r.rating, &r.note) {
            (None, None) => vec![Span::styled("unrated", theme.muted())],
            (rating, note) => {
                let mut spans = Vec::new();
                if let Some(rating) = rating {
                    spans.push(Span::styled(stars(*rating), theme.accent()));
                }
                if let Some(note) = note {
                    let gap = if spans.is_empty() { "" } else { "  " };
                    spans.push(Span::raw(format!("{gap}{}", sanitize(note))));
                }
                spans
            }
        };
        if wide {
            vec![
                Line::from(vec![name, Span::raw(sanitize(id.as_str())), chained]),
                Line::from(vec![state, when, Span::raw(format!(" · {optimizer}"))]),
                Line::from(timings),
                Line::from(judged),
            ]
        } else {
            vec![
                Line::from(vec![
                    name,
                    Span::raw(format!("{} ", sanitize(id.as_str()))),
                    state,
                    when,
                    chained,
                ]),
                Line::from(format!("{optimizer} · {timings}")),
                Line::from(judged),
            ]
        }
    }

    /// One job's block: its facts over its frames (when there is room for them).
    fn draw_job(&mut self, view: &View, frame: &mut Frame, area: Rect, which: Side, wide: bool) {
        let (this, other, frames) = match which {
            Side::A => (("A", &self.a), ("B", &self.b), &mut self.frames_a),
            Side::B => (("B", &self.b), ("A", &self.a), &mut self.frames_b),
        };
        let id = this.1;
        let facts = Self::facts(view, this, other, wide);
        let [text, pictures] =
            Layout::vertical([Constraint::Length(facts.len() as u16), Constraint::Fill(1)])
                .areas(area);
        frame.render_widget(Paragraph::new(facts), text);
        if pictures.height > 0 && has_pictures(view, id) {
            let jobs = [self.a.clone(), self.b.clone()];
            frames.draw(view, id, &jobs, frame, pictures);
        }
    }
}

#[derive(Clone, Copy)]
enum Side {
    A,
    B,
}

/// Whether `id` has frames to show: pictures on, and its video on disk.
fn has_pictures(view: &View, id: &JobId) -> bool {
    view.media.on() && video_of(view.book, id).is_some()
}

impl Component for Compare {
    fn commands(&self) -> Vec<Command> {
        let mut commands = vec![
            hint(Action::Back, "close"),
            match self.frames_shown {
                true => hint(Action::Play, "play both"),
                false => quiet(Action::Play),
            },
            match self.b_video {
                true => hint(Action::FullScreen, "B full screen"),
                false => quiet(Action::FullScreen),
            },
            hint(Action::Down, "scroll the diff"),
            hint(Action::PageDown, "page"),
        ];
        commands.extend(MOVES);
        commands.extend(QUIT_HELP_MESSAGES);
        commands
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => ctx.close(),
            Action::Play if self.frames_shown => {
                ctx.ask(Request::PlayTogether(vec![self.a.clone(), self.b.clone()]));
            }
            Action::Play => ctx.notice("No frames to play here: a larger screen has room for them"),
            // B, the job selected when compare was asked for.
            Action::FullScreen => ctx.ask(Request::FullScreen(self.b.clone())),
            _ => return self.diff.act(action),
        }
        Outcome::Handled
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        crate::ui::kit::draw::clear(frame, area, theme);
        let title = Line::from(" Compare: A (marked) and B — Esc closes ");
        frame.render_widget(frame_block(theme, title, true).style(theme.base()), area);
        let inner = inner(area);
        let wide = inner.width >= SIDE_BY_SIDE_WIDTH;
        let pictures = has_pictures(view, &self.a) || has_pictures(view, &self.b);
        // The diff keeps at least DIFF_ROWS; the frames get what is left of two fifths of
        // the view, or nothing when that is too little to be a picture.
        let facts_rows = if wide { 4 } else { 3 };
        let jobs = if wide { 1 } else { 2 };
        let spare = inner.height.saturating_sub(DIFF_ROWS + facts_rows * jobs) / jobs;
        let strip_rows = if pictures {
            Some(spare.min(inner.height * 2 / 5 / jobs).min(MAX_STRIP_ROWS))
                .filter(|rows| *rows >= MIN_STRIP_ROWS)
                .unwrap_or(0)
        } else {
            0
        };
        self.frames_shown = strip_rows > 0;
        self.b_video = video_of(view.book, &self.b).is_some();
        let jobs_rows = (facts_rows + strip_rows) * jobs;
        let [jobs_area, diff] = Layout::vertical([
            Constraint::Length(jobs_rows.min(inner.height)),
            Constraint::Fill(1),
        ])
        .areas(inner);
        let (a_area, b_area) = if wide {
            // Two or three columns between them, so both get the same width.
            let [a, b] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)])
                .spacing(2 + jobs_area.width % 2)
                .areas(jobs_area);
            (a, b)
        } else {
            let [a, b] =
                Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(jobs_area);
            (a, b)
        };
        self.draw_job(view, frame, a_area, Side::A, wide);
        self.draw_job(view, frame, b_area, Side::B, wide);

        let prompt = |id: &JobId| view.book.get(id).map(|e| e.record.input.prompt.clone());
        let lines = match (prompt(&self.a), prompt(&self.b)) {
            (Some(a), Some(b)) => prompt_diff(
                theme,
                ("A", &a),
                ("B", &b),
                usize::from(diff.width.saturating_sub(2)),
            ),
            _ if [&self.a, &self.b]
                .iter()
                .any(|id| view.book.unreadable(id).is_some()) =>
            {
                vec![Line::from(
                    "A job's record could not be read: nothing to compare.",
                )]
            }
            _ if view.book.knows(&self.a) && view.book.knows(&self.b) => {
                vec![Line::from("Reading the jobs' records…")]
            }
            _ => vec![Line::from("A job is no longer known.")],
        };
        self.diff
            .draw(view, frame, diff, "Prompts: A − · B +", lines);
    }
}

impl Overlay for Compare {
    fn name(&self) -> &'static str {
        "the comparison"
    }

    fn rect(&self, screen: Rect) -> Rect {
        layout::centered(screen, 96, 94, 78, 22)
    }

    fn wheel(&mut self, up: bool) {
        let _ = self.diff.act(if up { Action::Up } else { Action::Down });
    }

    fn shows_frames_of(&self) -> Vec<JobId> {
        vec![self.a.clone(), self.b.clone()]
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};
    use i2v_store::{JobRecord, JobState, Rating};

    use super::*;
    use crate::test_record::{continuing, record, with_video};
    use crate::ui::kit::test_component::{HOSTILE, TestComponent, assert_shows, row_of};

    /// `a` (marked) against `b`, both known.
    fn compare(a: &JobRecord, b: &JobRecord) -> TestComponent<Compare> {
        TestComponent::new(Compare::open(a.id.clone(), b.id.clone()))
            .with_jobs([a.clone(), b.clone()])
    }

    #[test]
    fn each_job_is_named_and_judged_over_the_diff_of_their_prompts() {
        let a = with_video("a heron at dusk");
        let mut b = continuing("a heron at dawn", &a);
        b.rating = Rating::new(4);
        b.note = Some(format!("better light{HOSTILE}"));
        let mut view = compare(&a, &b);
        let wide = view.draw(120, 30);
        assert_shows(
            &wide.join("\n"),
            &[
                "Compare: A (marked) and B — Esc closes",
                "unrated",
                "★★★★☆  better light",
                "Prompts: A − · B +",
                "1 word removed, 1 added",
            ],
        );
        // Side by side on a wide screen, B saying which shot it continues.
        let (a_name, b_name) = (format!("A  {}", a.id), format!("B  {}  continues A", b.id));
        assert_eq!(row_of(&wide, &a_name), row_of(&wide, &b_name));
        // Stacked on a narrow one.
        let narrow = view.draw(80, 30);
        assert!(row_of(&narrow, &format!("A  {}", a.id)) < row_of(&narrow, "B  "));
    }

    #[test]
    fn playing_both_is_offered_only_where_their_frames_are_drawn() {
        let (a, b) = (with_video("a heron at dusk"), with_video("a heron at dawn"));
        let mut off = compare(&a, &b);
        off.draw(120, 40);
        assert!(!off.hints().contains(&"play both"), "pictures off");
        off.press(KeyCode::Char('p'), KeyModifiers::NONE);
        assert!(off.said()[0].starts_with("No frames to play here"));
        assert!(off.effects().is_empty());

        let mut on = compare(&a, &b).pictures();
        on.with_strip(&a.id);
        on.with_strip(&b.id);
        on.draw(120, 40);
        assert!(on.hints().contains(&"play both"), "{:?}", on.hints());
        on.press(KeyCode::Char('p'), KeyModifiers::NONE);
        assert!(matches!(
            on.take().as_slice(),
            [Request::PlayTogether(ids)] if *ids == [a.id.clone(), b.id.clone()]
        ));
        // Too short a screen: the diff keeps its rows and the pictures go.
        on.draw(120, 16);
        assert!(!on.hints().contains(&"play both"));
    }

    #[test]
    fn f_plays_b_full_screen_offered_once_b_has_its_video_and_esc_closes() {
        let a = with_video("a heron at dusk");
        let running = record("a heron at dawn", JobState::Running);
        let mut view = compare(&a, &running);
        view.draw(120, 30);
        assert!(
            !view.hints().contains(&"B full screen"),
            "{:?}",
            view.hints()
        );
        let b = with_video("a heron at dawn");
        let mut view = compare(&a, &b);
        view.draw(120, 30);
        assert!(
            view.hints().contains(&"B full screen"),
            "{:?}",
            view.hints()
        );
        view.press(KeyCode::Char('f'), KeyModifiers::NONE);
        assert!(matches!(view.take().as_slice(), [Request::FullScreen(f)] if *f == b.id));
        // j scrolls the diff: nothing asked of the app.
        assert_eq!(
            view.press(KeyCode::Char('j'), KeyModifiers::NONE),
            Outcome::Handled
        );
        assert!(view.take().is_empty());
        view.press(KeyCode::Esc, KeyModifiers::NONE);
        assert!(matches!(view.take().as_slice(), [Request::Close]));
    }

    #[test]
    fn a_job_gone_or_unreadable_says_so_in_place_of_the_diff() {
        let a = with_video("a heron at dusk");
        let gone = record("a heron at dawn", JobState::Completed).id;
        let mut view =
            TestComponent::new(Compare::open(a.id.clone(), gone.clone())).with_jobs([a.clone()]);
        let screen = view.screen(80, 30);
        assert!(
            screen.contains(&format!("job {gone} is no longer known")),
            "{screen}"
        );
        assert!(screen.contains("A job is no longer known."), "{screen}");
        view.book
            .set_unreadable(&gone, &format!("not JSON{HOSTILE}"));
        assert_shows(
            &view.screen(80, 30),
            &[
                "could not be read: not JSON",
                "A job's record could not be read: nothing to compare.",
            ],
        );
    }
}
