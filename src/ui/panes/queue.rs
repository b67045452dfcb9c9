//! The queue: this session's jobs, newest first, with live state and elapsed time, and the
//! selected job's logs beside it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use i2v_store::JobId;

use crate::text::sanitize;
use crate::ui::kit::component::{Command, Component, Ctx, Outcome, View, hint, quiet};
use crate::ui::kit::draw::{fit, frame_block, inner, selected};
use crate::ui::kit::job;
use crate::ui::kit::list::DrawnList;
use crate::ui::kit::logs::LogsView;
use crate::ui::model::book::{Book, Entry};
use crate::ui::model::format::{elapsed_secs, mm_ss, prompt_row, state_icon, state_text};
use crate::ui::model::keys::Action;
use crate::ui::overlays::confirm::Confirm;

#[derive(Debug, Default)]
pub(crate) struct QueuePane {
    /// The job chosen by the user or by a submit.
    chosen: Option<JobId>,
    logs: LogsView,
    drawn: DrawnList,
}

impl QueuePane {
    /// Selects `id`, its logs from the tail.
    pub fn select(&mut self, id: JobId) {
        if self.chosen.as_ref() != Some(&id) {
            self.logs.reset();
        }
        self.chosen = Some(id);
    }

    /// The selected job: the chosen one, else the newest.
    pub fn selected(&self, book: &Book) -> Option<JobId> {
        self.chosen
            .clone()
            .filter(|id| book.get(id).is_some_and(|e| e.live))
            .or_else(|| book.live().next().map(|e| e.record.id.clone()))
    }

    /// Moves the selection `delta` rows.
    pub fn step(&mut self, book: &Book, delta: isize) {
        let ids: Vec<JobId> = book.live().map(|e| e.record.id.clone()).collect();
        let current = self.selected(book);
        if let Some(next) = job::step(&ids, current.as_ref(), delta)
            && Some(&next) != current.as_ref()
        {
            self.select(next);
        }
    }

    /// A click on screen row `y`: selects the row shown there.
    pub fn click(&mut self, book: &Book, y: u16) {
        let ids: Vec<JobId> = book.live().map(|e| e.record.id.clone()).collect();
        if let Some(i) = self.drawn.item_at(y, ids.len()) {
            self.select(ids[i].clone());
        }
    }

    /// The wheel over the logs.
    pub fn scroll_logs(&mut self, book: &Book, action: Action) {
        if let Some(entry) = self.selected(book).and_then(|id| book.get(&id)) {
            self.logs.scroll(action, entry);
        }
    }

    /// Draws the logs box of the selected job.
    pub fn draw_logs(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let entry = self.selected(view.book).and_then(|id| view.book.get(&id));
        self.logs.draw(view, frame, area, entry);
    }
}

impl Component for QueuePane {
    fn commands(&self) -> Vec<Command> {
        vec![
            hint(Action::Down, "move"),
            hint(Action::Detail, "details"),
            hint(Action::Cancel, "cancel"),
            hint(Action::CopyUrl, "copy URL"),
            hint(Action::OpenVideo, "open"),
            hint(Action::PageUp, "scroll logs"),
            quiet(Action::CopyPath),
            quiet(Action::Play),
            quiet(Action::FullScreen),
            quiet(Action::Up),
            quiet(Action::PageDown),
            quiet(Action::Top),
            quiet(Action::Bottom),
        ]
        .into_iter()
        .chain(job::judging(false))
        .chain([hint(Action::Help, "help")])
        .collect()
    }

    fn selected_job(&self, book: &Book) -> Option<JobId> {
        self.selected(book)
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let selected = self.selected(ctx.book);
        match action {
            Action::Up => self.step(ctx.book, -1),
            Action::Down => self.step(ctx.book, 1),
            Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
                self.scroll_logs(ctx.book, action);
            }
            Action::Cancel => match selected {
                Some(id) => match job::cancel_refusal(ctx.book, &id) {
                    Some(reason) => ctx.error(reason),
                    None => ctx.open(Confirm::cancel(id)),
                },
                None => ctx.notice("No job selected"),
            },
            _ => return job::act(action, selected, ctx),
        }
        Outcome::Handled
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        let entries: Vec<&Entry> = view.book.live().collect();
        let active = entries
            .iter()
            .filter(|e| !e.record.state.is_terminal())
            .count();
        let title = Line::from(vec![
            Span::raw(" Queue "),
            Span::styled(format!("· {active} active "), theme.muted()),
        ]);
        frame.render_widget(frame_block(theme, title, view.focused), area);
        let inner = inner(area);
        if entries.is_empty() {
            self.drawn.record(inner, 0);
            let hint = view
                .keys
                .short_label(Action::Submit)
                .map_or_else(String::new, |k| format!(" — {k} submits"));
            frame.render_widget(
                Paragraph::new(format!("No jobs yet{hint}")).style(theme.muted()),
                inner,
            );
            return;
        }
        let selected_id = self.selected(view.book);
        let at = entries
            .iter()
            .position(|e| Some(&e.record.id) == selected_id.as_ref())
            .unwrap_or(0);
        let height = usize::from(inner.height);
        let width = usize::from(inner.width);
        let state_width = entries
            .iter()
            .map(|e| state_text(e, view.now).chars().count())
            .max()
            .unwrap_or(0)
            .clamp(9, 20);
        let offset = DrawnList::offset_for(at, height);
        self.drawn.record(inner, offset);
        let rated = job::any_rated(entries.iter().map(|e| &e.record));
        let lines: Vec<Line> = entries
            .iter()
            .enumerate()
            .skip(offset)
            .take(height)
            .map(|(i, e)| {
                let below = entries
                    .get(i + 1)
                    .or_else(|| entries.get(i.checked_sub(1)?))
                    .map(|b| b.record.input.prompt.as_str());
                let row = fit(row(view, e, below, state_width, rated), width);
                match (i == at, view.focused) {
                    (true, true) => selected(row, theme),
                    (true, false) => row.style(Style::new().add_modifier(Modifier::BOLD)),
                    _ => row,
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

fn row(
    view: &View,
    entry: &Entry,
    below: Option<&str>,
    state_width: usize,
    rated: bool,
) -> Line<'static> {
    let theme = view.theme;
    let record = &entry.record;
    let state_style = theme.state(&record.state);
    let icon = state_icon(&record.state, view.ticks);
    let mut spans = vec![
        Span::styled(format!("{icon} "), state_style),
        Span::styled(
            format!("{:<state_width$} ", state_text(entry, view.now)),
            state_style,
        ),
        Span::styled(
            format!("{} ", mm_ss(elapsed_secs(record, view.now))),
            theme.muted(),
        ),
    ];
    // The queue is narrow: stars, no note.
    spans.extend(job::judgement_spans(view, record, rated, 0));
    spans.push(Span::raw(sanitize(&prompt_row(
        &record.input.prompt,
        below,
    ))));
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};
    use i2v_store::{JobRecord, JobState};

    use super::*;
    use crate::test_record::record;
    use crate::ui::kit::component::Request;
    use crate::ui::kit::test_component::TestComponent;

    /// A job `prompt` in `state`, created `minutes_ago`.
    fn job(prompt: &str, state: JobState, minutes_ago: i64) -> JobRecord {
        let mut job = record(prompt, state);
        job.created_at = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago);
        job
    }

    fn queue(jobs: Vec<JobRecord>) -> TestComponent<QueuePane> {
        TestComponent::new(QueuePane::default()).with_jobs(jobs)
    }

    #[test]
    fn j_and_k_move_through_the_jobs_newest_first_and_stop_at_the_ends() {
        let (old, new) = (
            job("an old heron", JobState::Completed, 5),
            job("a new heron", JobState::Running, 1),
        );
        let (old_id, new_id) = (old.id.clone(), new.id.clone());
        let mut pane = queue(vec![old, new]);
        let selected = |pane: &TestComponent<QueuePane>| pane.component.selected(&pane.book);
        assert_eq!(selected(&pane), Some(new_id.clone()));
        for _ in 0..2 {
            pane.press(KeyCode::Char('j'), KeyModifiers::NONE);
            assert_eq!(selected(&pane), Some(old_id.clone()));
        }
        pane.press(KeyCode::Up, KeyModifiers::NONE);
        assert_eq!(selected(&pane), Some(new_id));
        assert!(pane.take().is_empty());
    }

    #[test]
    fn c_asks_before_cancelling_a_running_job_and_refuses_a_finished_one() {
        let mut pane = queue(vec![job("a heron", JobState::Running, 1)]);
        assert_eq!(
            pane.press(KeyCode::Char('c'), KeyModifiers::NONE),
            Outcome::Handled
        );
        assert!(matches!(pane.take().as_slice(), [Request::Open(_)]));

        let mut pane = queue(vec![job("a heron", JobState::Completed, 1)]);
        pane.press(KeyCode::Char('c'), KeyModifiers::NONE);
        assert!(matches!(pane.requests.as_slice(), [Request::Error(_)]));
        assert!(
            pane.said()[0].contains("already finished"),
            "{:?}",
            pane.said()
        );

        let mut empty = queue(Vec::new());
        empty.press(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(empty.said(), ["No job selected"]);
    }

    #[test]
    fn global_keys_it_only_hints_go_back_to_the_app() {
        let mut pane = queue(vec![job("a heron", JobState::Running, 1)]);
        assert_eq!(pane.act(Action::Help), Outcome::HandBack);
        assert!(pane.hints().contains(&"cancel"));
    }

    #[test]
    fn it_lists_the_jobs_and_counts_those_still_active() {
        let mut pane = queue(vec![
            job("an old heron", JobState::Completed, 5),
            job("a new heron", JobState::Running, 1),
        ]);
        let screen = pane.screen(60, 6);
        assert!(screen.contains("Queue · 1 active"), "{screen}");
        let new = screen.find("a new heron").expect(&screen);
        let old = screen.find("an old heron").expect(&screen);
        assert!(new < old, "newest first:\n{screen}");
    }
}
