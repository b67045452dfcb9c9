//! Yes/no questions before something that costs or cannot be undone: cancelling a job,
//! submitting one identical to a job in flight, sending an image outside the model's limits,
//! passing the budget, importing jobs from fal's records.
//! Their keys are their own (y, n, Esc), not the key map's: a remapped key must never turn
//! into a yes.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use i2v_store::JobId;

use crate::jobs::NewJob;
use crate::text::sanitize;
use crate::ui::kit::component::{Command, Component, Ctx, Outcome, Overlay, Request, View, fixed};
use crate::ui::kit::draw::frame_block;
use crate::ui::kit::job;
use crate::ui::kit::layout;
use crate::ui::model::effect::Effect;
use crate::ui::model::focus::Focus;
use crate::ui::model::keys::{Action, KeyBinding};
use crate::ui::model::submits::Sending;

pub(crate) enum Confirm {
    Cancel(JobId),
    /// The job to submit is identical to one still queued or running: submitting it again
    /// pays again, so ask first.
    Submit(NewJob),
    /// The image breaks one of the model's documented limits (named): fal will most likely
    /// refuse it, so send it only if the user says so.
    Limits {
        job: NewJob,
        limit: String,
    },
    /// Moving finished jobs, their videos and thumbnails to the trash: `what` names them.
    Trash {
        ids: Vec<JobId>,
        what: Vec<String>,
    },
    /// Sending would take what is spent and in flight past a cap of the budget (`why` says
    /// which, and by how much).
    OverBudget {
        sending: Sending,
        why: String,
    },
    /// Quitting a demo with `active` jobs in flight, which end with it.
    Quit {
        active: usize,
    },
    /// Importing jobs made elsewhere that fal's records hold and the history lacks: `about`
    /// says what they are (their states, their videos, what was left out).
    Import {
        records: Vec<i2v_store::JobRecord>,
        about: Vec<String>,
    },
}

impl Confirm {
    pub fn cancel(id: JobId) -> Self {
        Confirm::Cancel(id)
    }

    fn yes(&self, ctx: &mut Ctx) {
        match self {
            Confirm::Cancel(id) => {
                // The job may have moved on while the question was open.
                if let Some(reason) = job::cancel_refusal(ctx.book, id) {
                    ctx.error(reason);
                    return;
                }
                ctx.notice(format!("Cancelling job {id}…"));
                ctx.effect(Effect::Cancel(id.clone()));
            }
            Confirm::Submit(job) => ctx.ask(Request::Submit {
                job: job.clone(),
                checked: true,
            }),
            // Still checked for a twin in flight: this question was about the image.
            Confirm::Limits { job, .. } => ctx.ask(Request::Submit {
                job: job.clone(),
                checked: false,
            }),
            Confirm::Trash { ids, .. } => ctx.effect(Effect::Trash(ids.clone())),
            Confirm::OverBudget { sending, .. } => ctx.ask(Request::Send(sending.clone())),
            Confirm::Quit { .. } => ctx.ask(Request::Quit),
            Confirm::Import { records, .. } => ctx.ask(Request::ImportFromFal(records.clone())),
        }
    }

    fn no(&self, ctx: &mut Ctx) {
        match self {
            Confirm::Cancel(_) => {}
            Confirm::Submit(_) => ctx.notice("Not submitted"),
            Confirm::Limits { .. } => {
                ctx.focus(Focus::Image);
                ctx.notice("Not submitted: change the image, or submit and answer y");
            }
            Confirm::Trash { .. } => ctx.notice("Nothing moved to the trash"),
            Confirm::OverBudget { .. } => ctx.notice("Not submitted: it would pass the budget"),
            Confirm::Quit { .. } => {}
            Confirm::Import { .. } => ctx.notice("Nothing imported"),
        }
    }
}

impl Component for Confirm {
    fn commands(&self) -> Vec<Command> {
        match self {
            Confirm::Cancel(_) => vec![fixed("y", "cancel the job"), fixed("n", "keep it")],
            Confirm::Submit(_) => vec![fixed("y", "submit again"), fixed("n", "don't")],
            Confirm::Limits { .. } => vec![fixed("y", "send anyway"), fixed("n", "don't")],
            Confirm::Trash { .. } => vec![fixed("y", "move to the trash"), fixed("n", "keep")],
            Confirm::OverBudget { .. } => {
                vec![fixed("y", "send past the budget"), fixed("n", "don't")]
            }
            Confirm::Quit { .. } => vec![fixed("y", "quit"), fixed("n", "stay")],
            Confirm::Import { .. } => vec![fixed("y", "import"), fixed("n", "don't")],
        }
    }

    fn act(&mut self, _action: Action, _ctx: &mut Ctx) -> Outcome {
        Outcome::HandBack
    }

    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Outcome {
        // Paying questions take a plain y only: Ctrl-Y (redo) or another Ctrl-S is no yes.
        let pays = !matches!(self, Confirm::Cancel(_));
        if pays && !KeyBinding::from_event(&key).mods.is_empty() {
            return Outcome::Handled;
        }
        // Enter agrees, except to sending a doomed image, passing the budget or removing
        // jobs, where it is the safe answer.
        let enter_agrees = !matches!(
            self,
            Confirm::Limits { .. }
                | Confirm::OverBudget { .. }
                | Confirm::Trash { .. }
                | Confirm::Quit { .. }
        );
        let yes = match key.code {
            KeyCode::Char('y' | 'Y') => true,
            KeyCode::Enter => enter_agrees,
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => false,
            _ => return Outcome::Handled,
        };
        ctx.close();
        if yes {
            self.yes(ctx);
        } else {
            self.no(ctx);
        }
        Outcome::Handled
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        let (title, text) = match self {
            Confirm::Cancel(id) => {
                let title = view
                    .book
                    .get(id)
                    .map(|e| sanitize(e.record.title()))
                    .unwrap_or_default();
                (
                    " Cancel job ",
                    vec![
                        Line::from(format!("Cancel job {}?", sanitize(id.as_str()))),
                        Line::from(title).style(theme.muted()),
                        Line::from("y: cancel it    n / Esc: keep it").style(theme.key()),
                    ],
                )
            }
            Confirm::Limits { limit, .. } => (
                " Outside the model's limits ",
                vec![
                    Line::from(sanitize(limit)).style(theme.error()),
                    Line::from("fal will most likely refuse it (and may bill it).")
                        .style(theme.muted()),
                    Line::from("y: send it anyway    n / Esc: change the image").style(theme.key()),
                ],
            ),
            Confirm::Trash { ids, what } => {
                let mut text = vec![Line::from(match ids.len() {
                    1 => "Move this job and its video to the trash?".to_owned(),
                    n => format!("Move these {n} jobs and their videos to the trash?"),
                })];
                text.extend(
                    what.iter()
                        .map(|w| Line::from(w.clone()).style(theme.muted())),
                );
                text.push(Line::from("y: move to the trash    n / Esc: keep").style(theme.key()));
                (" Move to the trash ", text)
            }
            Confirm::OverBudget { sending, why } => (
                " Over the budget ",
                vec![
                    Line::from(match sending.jobs() {
                        1 => "Send this job past the budget?".to_owned(),
                        n => format!("Send these {n} jobs past the budget?"),
                    }),
                    Line::from(why.clone()).style(theme.warning()),
                    Line::from("y: send anyway    n / Esc: don't").style(theme.key()),
                ],
            ),
            Confirm::Quit { active } => (
                " Quit the demo? ",
                vec![
                    Line::from(format!(
                        "{} still running ends with the demo:",
                        crate::ui::model::format::count(*active, "job", "jobs")
                    )),
                    Line::from("its simulated fal runs inside this process.").style(theme.muted()),
                    Line::from("y: quit    n / Esc: stay").style(theme.key()),
                ],
            ),
            Confirm::Import { records, about } => {
                let mut text = vec![Line::from(format!(
                    "Import {} from fal's records?",
                    crate::ui::model::format::count(records.len(), "job", "jobs")
                ))];
                text.extend(
                    about
                        .iter()
                        .map(|line| Line::from(sanitize(line)).style(theme.muted())),
                );
                text.push(Line::from("y: import    n / Esc: don't").style(theme.key()));
                (" Import from fal ", text)
            }
            Confirm::Submit(job) => {
                let first = job.prompt.lines().next().unwrap_or_default();
                (
                    " Submit again? ",
                    vec![
                        Line::from("An identical job is still queued or running."),
                        Line::from(sanitize(first)).style(theme.muted()),
                        Line::from("y: submit it again (billed again)    n / Esc: don't")
                            .style(theme.key()),
                    ],
                )
            }
        };
        // Long lines are cut, so the keys on the last line stay inside the box; the limit is
        // the point of its box, so that one wraps.
        let mut question = Paragraph::new(text)
            .block(frame_block(theme, Line::from(title), true))
            .style(theme.base())
            .alignment(Alignment::Center);
        if matches!(self, Confirm::Limits { .. } | Confirm::OverBudget { .. }) {
            question = question.wrap(Wrap { trim: true });
        }
        crate::ui::kit::draw::clear(frame, area, theme);
        frame.render_widget(question, area);
    }
}

impl Overlay for Confirm {
    fn rect(&self, screen: Rect) -> Rect {
        match self {
            Confirm::Limits { .. } => layout::centered(screen, 70, 10, 60, 6),
            Confirm::OverBudget { .. } => layout::centered(screen, 70, 10, 60, 7),
            Confirm::Trash { what, .. } => {
                layout::centered(screen, 70, 20, 60, 4 + what.len() as u16)
            }
            Confirm::Import { about, .. } => {
                layout::centered(screen, 70, 20, 60, 4 + about.len() as u16)
            }
            _ => layout::centered(screen, 50, 10, 50, 5),
        }
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};
    use i2v_store::JobState;

    use super::*;
    use crate::test_record::record;
    use crate::ui::kit::test_component::TestComponent;

    fn new_job() -> NewJob {
        NewJob {
            prompt: "a heron".into(),
            image: "https://example.com/heron.png".into(),
            prompt_optimizer: true,
            check_limits: true,
        }
    }

    #[test]
    fn y_cancels_a_running_job_and_n_keeps_it() {
        let job = record("a heron", JobState::Running);
        let id = job.id.clone();
        let mut question = TestComponent::new(Confirm::cancel(id.clone())).with_jobs([job]);
        question.press(KeyCode::Char('y'), KeyModifiers::NONE);
        let asked = question.take();
        assert!(matches!(asked[0], Request::Close));
        assert!(matches!(&asked[2], Request::Effect(Effect::Cancel(c)) if *c == id));
        question.press(KeyCode::Char('n'), KeyModifiers::NONE);
        let asked = question.take();
        assert!(matches!(asked.as_slice(), [Request::Close]));
    }

    #[test]
    fn a_job_that_finished_while_asked_is_not_cancelled() {
        let job = record("a heron", JobState::Completed);
        let id = job.id.clone();
        let mut question = TestComponent::new(Confirm::cancel(id)).with_jobs([job]);
        question.press(KeyCode::Char('y'), KeyModifiers::NONE);
        assert!(
            !question
                .requests
                .iter()
                .any(|r| matches!(r, Request::Effect(_)))
        );
        assert_eq!(question.said().len(), 1, "{:?}", question.said());
    }

    #[test]
    fn a_paying_question_takes_a_plain_y_only() {
        let mut question = TestComponent::new(Confirm::Submit(new_job()));
        for mods in [KeyModifiers::CONTROL, KeyModifiers::ALT] {
            assert_eq!(question.press(KeyCode::Char('y'), mods), Outcome::Handled);
        }
        question.press(KeyCode::Char('x'), KeyModifiers::NONE);
        assert!(question.take().is_empty(), "still open, nothing asked");
        question.press(KeyCode::Char('y'), KeyModifiers::NONE);
        assert!(matches!(
            question.take().as_slice(),
            [Request::Close, Request::Submit { checked: true, .. }]
        ));
    }

    #[test]
    fn enter_is_the_safe_answer_where_the_yes_cannot_be_taken_back() {
        let trash = Confirm::Trash {
            ids: Vec::new(),
            what: vec!["a heron".into()],
        };
        let limits = Confirm::Limits {
            job: new_job(),
            limit: "too small".into(),
        };
        for question in [trash, limits, Confirm::Quit { active: 1 }] {
            let mut question = TestComponent::new(question);
            question.press(KeyCode::Enter, KeyModifiers::NONE);
            let asked = question.take();
            assert!(matches!(asked[0], Request::Close));
            assert!(
                !asked.iter().any(|r| matches!(
                    r,
                    Request::Effect(_) | Request::Submit { .. } | Request::Quit
                )),
                "Enter said yes"
            );
        }
        let mut submit = TestComponent::new(Confirm::Submit(new_job()));
        submit.press(KeyCode::Enter, KeyModifiers::NONE);
        assert!(matches!(
            submit.take().as_slice(),
            [Request::Close, Request::Submit { .. }]
        ));
    }

    #[test]
    fn no_to_an_image_outside_the_limits_goes_back_to_the_image() {
        let limits = Confirm::Limits {
            job: new_job(),
            limit: "too small".into(),
        };
        let mut question = TestComponent::new(limits);
        question.press(KeyCode::Esc, KeyModifiers::NONE);
        assert!(matches!(
            question.requests.as_slice(),
            [
                Request::Close,
                Request::Focus(Focus::Image),
                Request::Notice(_)
            ]
        ));
        assert_eq!(question.hints(), ["send anyway", "don't"]);
    }
}
