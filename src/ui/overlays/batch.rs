//! The question before several jobs are sent at once (a prompt matrix, repeats, marked
//! history jobs re-run together): every job listed, with the count and what they cost. Only
//! a plain `y` sends; Enter, a remapped key or a second submit never does.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::Line;

use crate::jobs::NewJob;
use crate::text::sanitize;
use crate::ui::kit::component::{Command, Ctx, Outcome, Request, View, fixed, hint};
use crate::ui::kit::scroll::{Text, TextView};
use crate::ui::kit::wrap::{wrap_line, wrap_lines};
use crate::ui::model::format::count;
use crate::ui::model::keys::{Action, KeyBinding};
use crate::ui::model::theme::Theme;

pub(crate) struct BatchConfirm {
    jobs: Vec<NewJob>,
    /// `12 jobs (4 prompts × 3 each), $3.96 at $0.33 a video`
    summary: String,
    /// What is sent, one row each (a prompt, with how many times or which image).
    rows: Vec<String>,
    /// Something the user should weigh first (an image outside the model's limits).
    warning: Option<String>,
    /// The jobs are the history's marked ones: sending them clears the marks.
    from_marks: bool,
}

impl BatchConfirm {
    pub fn open(
        jobs: Vec<NewJob>,
        summary: String,
        rows: Vec<String>,
        warning: Option<String>,
        from_marks: bool,
    ) -> TextView<Self> {
        TextView::new(Self {
            jobs,
            summary,
            rows,
            warning,
            from_marks,
        })
    }

    /// Every job listed, with the count and the cost, wrapped to `width`.
    fn body(&self, theme: &Theme, width: usize) -> Vec<Line<'static>> {
        let mut lines = vec![Line::from(sanitize(&self.summary)).style(theme.accent())];
        if let Some(warning) = &self.warning {
            lines.push(Line::from(sanitize(warning)).style(theme.error()));
        }
        lines.push(Line::from(""));
        let mut lines = wrap_lines(lines, width);
        // A long prompt goes on under its own start, its number standing out.
        let digits = self.rows.len().to_string().len();
        for (i, row) in self.rows.iter().enumerate() {
            let row = Line::from(format!("{:>digits$}. {}", i + 1, sanitize(row)));
            lines.extend(wrap_line(row, width, digits + 2));
        }
        lines.push(Line::from(""));
        lines.extend(wrap_lines(
            vec![
                Line::from("y: send them all (each is billed)    n / Esc: don't")
                    .style(theme.key()),
            ],
            width,
        ));
        lines
    }
}

impl Text for BatchConfirm {
    fn title(&self) -> String {
        format!("Send {}?", count(self.jobs.len(), "job", "jobs"))
    }

    fn lines(&mut self, view: &View, width: usize) -> Vec<Line<'static>> {
        self.body(view.theme, width)
    }

    fn rows(&self, width: usize) -> Option<usize> {
        Some(self.body(&Theme::default(), width).len())
    }

    fn commands(&self) -> Vec<Command> {
        vec![
            fixed("y", "send them all"),
            fixed("n", "don't"),
            hint(Action::Down, "scroll"),
        ]
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Back => {
                ctx.close();
                ctx.notice("Not submitted");
            }
            // A second submit is no answer: only y sends.
            Action::Submit => {}
            _ => return Outcome::HandBack,
        }
        Outcome::Handled
    }

    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Outcome {
        if !KeyBinding::from_event(&key).mods.is_empty() {
            return Outcome::Handled;
        }
        match key.code {
            KeyCode::Char('y' | 'Y') => {
                ctx.close();
                ctx.ask(Request::SubmitBatch {
                    jobs: std::mem::take(&mut self.jobs),
                    from_marks: self.from_marks,
                });
            }
            KeyCode::Char('n' | 'N') => {
                ctx.close();
                ctx.notice("Not submitted");
            }
            _ => {}
        }
        Outcome::Handled
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyModifiers;
    use ratatui::layout::Rect;

    use super::*;
    use crate::ui::kit::component::Overlay;
    use crate::ui::kit::test_component::{TestComponent, assert_shows};

    /// The question before `prompts` are sent, one job each over the same image.
    fn batch(prompts: &[&str], warning: Option<&str>) -> TestComponent<TextView<BatchConfirm>> {
        let jobs = prompts
            .iter()
            .map(|prompt| NewJob {
                prompt: (*prompt).to_owned(),
                image: "heron.png".to_owned(),
                prompt_optimizer: true,
                check_limits: true,
            })
            .collect();
        let rows = prompts.iter().map(|p| format!("{p} ×1")).collect();
        let summary = format!("{} jobs, $0.66 at $0.33 a video", prompts.len());
        TestComponent::new(BatchConfirm::open(
            jobs,
            summary,
            rows,
            warning.map(str::to_owned),
            true,
        ))
    }

    #[test]
    fn every_job_is_listed_under_the_count_the_cost_and_the_warning() {
        let mut question = batch(&["a heron", "a fox"], Some("heron.png is below 300 px"));
        assert_shows(
            &question.screen(60, 12),
            &[
                "Send 2 jobs?",
                "2 jobs, $0.66 at $0.33 a video",
                "heron.png is below 300 px",
                "1. a heron ×1",
                "2. a fox ×1",
                "y: send them all (each is billed)    n / Esc: don't",
            ],
        );
        // As tall as those seven lines and the borders, where a long batch scrolls in the
        // box every view has.
        let screen = Rect::new(0, 0, 100, 40);
        assert_eq!(question.component.rect(screen).height, 9);
        let many: Vec<String> = (0..60).map(|n| format!("heron {n}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(batch(&many, None).component.rect(screen).height < 40);
    }

    #[test]
    fn only_a_plain_y_sends_them_all_as_one_batch() {
        let mut question = batch(&["a heron", "a fox", "an owl"], None);
        // A second submit is no answer, but it is taken: handed back, the app would submit
        // again.
        let submit = question.press(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(submit, Outcome::Handled);
        question.press(KeyCode::Enter, KeyModifiers::NONE);
        question.press(KeyCode::Char('y'), KeyModifiers::ALT);
        assert!(question.take().is_empty(), "still open, nothing asked");
        assert_eq!(question.hints(), ["send them all", "don't", "scroll"]);
        question.press(KeyCode::Char('y'), KeyModifiers::NONE);
        match question.take().as_slice() {
            [
                Request::Close,
                Request::SubmitBatch {
                    jobs,
                    from_marks: true,
                },
            ] => {
                let prompts: Vec<&str> = jobs.iter().map(|j| j.prompt.as_str()).collect();
                assert_eq!(prompts, ["a heron", "a fox", "an owl"]);
            }
            _ => panic!("y did not send the three jobs as the marked batch"),
        }
    }

    #[test]
    fn n_and_esc_send_nothing_and_say_so() {
        for key in [KeyCode::Char('n'), KeyCode::Esc] {
            let mut question = batch(&["a heron"], None);
            question.press(key, KeyModifiers::NONE);
            assert!(
                matches!(
                    question.take().as_slice(),
                    [Request::Close, Request::Notice(said)] if said == "Not submitted"
                ),
                "{key:?}"
            );
        }
    }
}
