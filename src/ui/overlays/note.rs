//! The note editor: one line on a job's result, in a small box. Enter saves it into the job's
//! record (through the runtime), Esc cancels. Its keys are its own, not the key map's, so
//! every letter types itself.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use i2v_store::JobId;

use crate::judge::Verdict;
use crate::text::sanitize;
use crate::ui::kit::component::{Command, Component, Ctx, Outcome, Overlay, Request, View, fixed};
use crate::ui::kit::draw::{frame_block, inner};
use crate::ui::kit::layout;
use crate::ui::kit::text_field::TextField;
use crate::ui::model::effect::Effect;
use crate::ui::model::keys::Action;
use crate::ui::model::paste::single_line;

pub(crate) struct NoteEditor {
    id: JobId,
    field: TextField,
    /// Opened from the job's detail view, which comes back when this closes.
    from_detail: bool,
}

impl NoteEditor {
    /// Opens on `id`'s note as it is now.
    pub fn open(id: JobId, current: &str, from_detail: bool) -> Self {
        let field = TextField::new(vec![single_line(current)], "a line on this result", false);
        Self {
            id,
            field,
            from_detail,
        }
    }

    fn text(&self) -> String {
        self.field.lines().concat()
    }
}

impl Component for NoteEditor {
    fn commands(&self) -> Vec<Command> {
        vec![fixed("Enter", "save"), fixed("Esc", "cancel")]
    }

    fn act(&mut self, _action: Action, _ctx: &mut Ctx) -> Outcome {
        Outcome::HandBack
    }

    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Outcome {
        match key.code {
            KeyCode::Enter => {
                ctx.close();
                ctx.effect(Effect::Judge {
                    id: self.id.clone(),
                    verdict: Verdict::note(&self.text()),
                });
            }
            KeyCode::Esc => {
                ctx.close();
                ctx.notice("Note left as it was");
            }
            _ => {
                self.field.type_key(key);
                return Outcome::Handled;
            }
        }
        if self.from_detail {
            ctx.ask(Request::Detail(self.id.clone()));
        }
        Outcome::Handled
    }

    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> Outcome {
        // One line: a pasted paragraph joins into it.
        let joined = crate::judge::one_line(text).unwrap_or_default();
        self.field.insert(&single_line(&joined));
        Outcome::Handled
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        let title = Line::from(format!(" Note on job {} ", sanitize(self.id.as_str())));
        crate::ui::kit::draw::clear(frame, area, theme);
        frame.render_widget(frame_block(theme, title, true).style(theme.base()), area);
        let inner = inner(area);
        self.field.style(theme, true);
        frame.render_widget(&self.field.area, Rect { height: 1, ..inner });
        let help =
            Line::from("Enter saves · Esc cancels · an empty note removes it").style(theme.muted());
        let help_row = Rect {
            y: inner.bottom().saturating_sub(1),
            height: 1.min(inner.height.saturating_sub(1)),
            ..inner
        };
        frame.render_widget(Paragraph::new(help), help_row);
    }
}

impl Overlay for NoteEditor {
    fn rect(&self, screen: Rect) -> Rect {
        layout::centered(screen, 70, 10, 60, 5)
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;
    use crate::ui::kit::test_component::TestComponent;

    fn editor(current: &str, from_detail: bool) -> (JobId, TestComponent<NoteEditor>) {
        let id = JobId::new();
        let note = NoteEditor::open(id.clone(), current, from_detail);
        (id, TestComponent::new(note))
    }

    /// The note the `Effect::Judge` among `asked` would save, if there is one.
    fn saved(asked: &[Request]) -> Option<Verdict> {
        asked.iter().find_map(|r| match r {
            Request::Effect(Effect::Judge { verdict, .. }) => Some(verdict.clone()),
            _ => None,
        })
    }

    #[test]
    fn every_letter_types_itself_and_enter_saves_the_line() {
        let (_, mut note) = editor("", false);
        // q, n, ? and digits are keys of the key map elsewhere: here they are text.
        note.type_text("q? 2n");
        assert!(note.take().is_empty());
        note.press(KeyCode::Enter, KeyModifiers::NONE);
        let asked = note.take();
        assert!(matches!(asked[0], Request::Close));
        assert_eq!(saved(&asked), Some(Verdict::note("q? 2n")));
    }

    #[test]
    fn esc_leaves_the_note_as_it_was_and_a_detail_view_comes_back() {
        let (id, mut note) = editor("waves stutter", true);
        note.type_text(" at 3 s");
        note.press(KeyCode::Esc, KeyModifiers::NONE);
        let asked = note.take();
        assert_eq!(saved(&asked), None);
        assert!(matches!(
            asked.as_slice(),
            [Request::Close, Request::Notice(_), Request::Detail(d)] if *d == id
        ));
    }

    #[test]
    fn a_pasted_paragraph_joins_into_the_line() {
        let (_, mut note) = editor("", false);
        assert_eq!(note.paste("waves\nstutter\n"), Outcome::Handled);
        note.press(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(saved(&note.take()), Some(Verdict::note("waves stutter")));
    }

    #[test]
    fn it_draws_the_note_under_the_job_it_is_on() {
        let (id, mut note) = editor("waves stutter", false);
        let screen = note.screen(60, 5);
        assert!(screen.contains(&format!("Note on job {id}")), "{screen}");
        assert!(screen.contains("waves stutter"), "{screen}");
        assert!(screen.contains("Enter saves · Esc cancels"), "{screen}");
    }
}
