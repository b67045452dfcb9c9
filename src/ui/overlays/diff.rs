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
