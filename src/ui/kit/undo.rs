//! Undo by whole edits: a word typed, a run of deletions, a paste, a restored prompt, the
//! external editor's return. `ratatui-textarea` undoes one character at a time and a
//! replacement as two steps (cleared, then filled), so the fields keep their own history off
//! and use this one.

use ratatui_textarea::{CursorMove, TextArea};

/// How many steps each field remembers.
const MAX_STEPS: usize = 200;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Snapshot {
    lines: Vec<String>,
    cursor: (usize, usize),
    /// Which step this is (see [`Undo::last_step`]); 0 until recorded.
    step: u64,
}

impl Snapshot {
    pub fn of(field: &TextArea) -> Self {
        let cursor = field.cursor();
        Self {
            lines: field.lines().to_vec(),
            cursor: (cursor.0, cursor.1),
            step: 0,
        }
    }

    fn put(self, field: &mut TextArea) {
        field.select_all();
        field.insert_str(self.lines.join("\n"));
        field.cancel_selection();
        let clamp = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        field.move_cursor(CursorMove::Jump(clamp(self.cursor.0), clamp(self.cursor.1)));
    }
}

/// What an edit was, so that a run of the same kind makes one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edit {
    /// A typed character; `space` for whitespace and line breaks.
    Type {
        space: bool,
    },
    Delete,
    /// Anything else (paste, replacement, word deletion...): always a step of its own.
    Whole,
}

#[derive(Debug, Default)]
pub(crate) struct Undo {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// The edit the current step is made of, while it may still grow.
    open: Option<Edit>,
    /// The last step's number: each step keeps its own through undo and redo.
    steps: u64,
}

impl Undo {
    /// Records that `field` changed from `before` by `edit`. A change that changed nothing
    /// (a cursor move) closes the current step instead.
    pub fn record(&mut self, before: Snapshot, field: &TextArea, edit: Edit) {
        if before.lines == field.lines() {
            self.open = None;
            return;
        }
        let continues = match (self.open, edit) {
            (Some(Edit::Delete), Edit::Delete) => true,
            // A word and the spaces after it are one step; the next word starts another.
            (Some(Edit::Type { .. }), Edit::Type { space: true }) => true,
            (Some(Edit::Type { space: false }), Edit::Type { space: false }) => true,
            _ => false,
        };
        if !continues {
            self.steps += 1;
            self.undo.push(Snapshot {
                step: self.steps,
                ..before
            });
            if self.undo.len() > MAX_STEPS {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
        self.open = (edit != Edit::Whole).then_some(edit);
    }

    /// Puts `field` back as it was before the last step. False if there was none.
    pub fn undo(&mut self, field: &mut TextArea) -> bool {
        Self::swap(&mut self.undo, &mut self.redo, field, &mut self.open)
    }

    pub fn redo(&mut self, field: &mut TextArea) -> bool {
        Self::swap(&mut self.redo, &mut self.undo, field, &mut self.open)
    }

    /// The number of the step an undo would take back, for a caller that ties other
    /// changes to one step (loading a job changes the image and the optimizer too).
    pub fn last_step(&self) -> Option<u64> {
        self.undo.last().map(|s| s.step)
    }

    /// The number of the step a redo would bring back.
    pub fn next_redo(&self) -> Option<u64> {
        self.redo.last().map(|s| s.step)
    }

    fn swap(
        from: &mut Vec<Snapshot>,
        to: &mut Vec<Snapshot>,
        field: &mut TextArea,
        open: &mut Option<Edit>,
    ) -> bool {
        let Some(snapshot) = from.pop() else {
            return false;
        };
        to.push(Snapshot {
            step: snapshot.step,
            ..Snapshot::of(field)
        });
        snapshot.put(field);
        *open = None;
        true
    }
}

/// Replaces the whole text of `field` as one undoable step.
pub(crate) fn replace(field: &mut TextArea, undo: &mut Undo, text: &str) {
    let before = Snapshot::of(field);
    field.select_all();
    field.insert_str(text);
    undo.record(before, field, Edit::Whole);
}
