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
