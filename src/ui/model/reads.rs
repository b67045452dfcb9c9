//! History records asked for and not read yet (the history lists summaries; a full record
//! is read when a job is opened), and an action in the history waiting for some of them.

use std::collections::HashSet;

use i2v_store::JobId;

use crate::ui::model::book::Book;
use crate::ui::model::keys::Action;

/// An action in the history that needs full records the book does not hold yet.
pub(crate) struct Waiting {
    pub ids: Vec<JobId>,
    pub action: Action,
    /// The job selected when it was asked: another selection by then drops it.
    pub selected: Option<JobId>,
}

#[derive(Default)]
pub(crate) struct Reads {
    /// Records asked for and not read yet.
    reading: HashSet<JobId>,
    waiting: Option<Waiting>,
}

impl Reads {
    /// Of `ids`, those not asked for already, now asked for.
    pub fn ask(&mut self, ids: Vec<JobId>) -> Vec<JobId> {
        ids.into_iter()
            .filter(|id| self.reading.insert(id.clone()))
            .collect()
    }

    /// `action` waits for the records of `ids`.
    pub fn wait(&mut self, waiting: Waiting) {
        self.waiting = Some(waiting);
    }

    /// The record of `id` was read, or could not be.
    pub fn done(&mut self, id: &JobId) {
        self.reading.remove(id);
    }

    /// Whether the action waiting needs the record of `id`.
    pub fn waits_for(&self, id: &JobId) -> bool {
        self.waiting.as_ref().is_some_and(|w| w.ids.contains(id))
    }

    /// Nothing waits any more (a record it needed cannot be read).
    pub fn give_up(&mut self) {
        self.waiting = None;
    }

    /// The action waiting, once the book holds every record it needs.
    pub fn ready(&mut self, book: &Book) -> Option<Waiting> {
        let waiting = self.waiting.take()?;
        if waiting.ids.iter().any(|id| book.get(id).is_none()) {
            self.waiting = Some(waiting);
            return None;
        }
        Some(waiting)
    }
}
