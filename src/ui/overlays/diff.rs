//! A history job's prompt (old, −) against the editor's (new, +): both versions in full,
//! with the words that differ highlighted in each, found by a word diff.

use ratatui::text::Line;

use i2v_store::JobId;

use crate::text::sanitize;
use crate::ui::kit::component::View;
use crate::ui::kit::prompt_diff::prompt_diff;
use crate::ui::kit::scroll::{Text, TextView};
use crate::ui::kit::unread::unread;

pub(crate) struct Diff {
    id: JobId,
    /// The editor's prompt when the diff was asked for (it cannot change while the diff is
    /// open).
    prompt: String,
}

impl Diff {
    pub fn open(id: JobId, prompt: String) -> TextView<Self> {
        TextView::new(Self { id, prompt })
    }
}

impl Text for Diff {
    fn title(&self) -> String {
        "Diff — Esc closes".to_owned()
    }

    fn lines(&mut self, view: &View, width: usize) -> Vec<Line<'static>> {
        lines(view, &self.id, &self.prompt, width)
    }

    fn job(&self) -> Option<&JobId> {
        Some(&self.id)
    }
}

fn lines(view: &View, id: &JobId, new: &str, width: usize) -> Vec<Line<'static>> {
    let Some(entry) = view.book.get(id) else {
        return vec![unread(view.book, id)];
    };
    let old = format!("job {}", sanitize(id.as_str()));
    prompt_diff(
        view.theme,
        (&old, &entry.record.input.prompt),
        ("editor", new),
        width,
    )
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};
    use i2v_store::JobState;

    use super::*;
    use crate::test_record::record;
    use crate::ui::kit::component::{Overlay, Request};
    use crate::ui::kit::test_component::{TestComponent, row_of};

    #[test]
    fn the_jobs_prompt_is_the_old_side_and_the_editors_the_new() {
        let job = record("a heron at dusk", JobState::Completed);
        let id = job.id.clone();
        let diff = Diff::open(id.clone(), "a heron at dawn".to_owned());
        let mut diff = TestComponent::new(diff).with_jobs([job]);
        assert_eq!(diff.component.job(), Some(&id), "its record is asked for");
        let rows = diff.draw(70, 12);
        let at = |text: &str| row_of(&rows, text);
        assert!(rows[0].contains("Diff — Esc closes"));
        assert!(at(&format!("− job {id}")) < at("dusk"));
        assert!(at("dusk") < at("+ editor"));
        assert!(at("+ editor") < at("dawn"));
        assert!(at("dawn") < at("1 word removed, 1 added"));
        diff.press(KeyCode::Esc, KeyModifiers::NONE);
        assert!(matches!(diff.take().as_slice(), [Request::Close]));
    }

    #[test]
    fn a_job_no_longer_known_says_so_instead_of_a_diff() {
        let gone = record("a heron", JobState::Completed).id;
        let mut diff = TestComponent::new(Diff::open(gone, "a heron at dawn".to_owned()));
        let screen = diff.screen(70, 12);
        assert!(screen.contains("This job is no longer known."), "{screen}");
        assert!(!screen.contains("editor"), "{screen}");
    }
}
