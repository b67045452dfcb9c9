//! The history's rows, built where the history is listed (a blocking thread) and handed to
//! the app finished: at 100,000 jobs building them takes tens of milliseconds, which the UI
//! thread would otherwise spend frozen every time `jobs/` changes. Built there, they also
//! take the listing's own strings and fill the memory the listing freed, instead of copies
//! on the UI thread that leave that memory unused but resident.

use std::collections::HashMap;

use i2v_store::{JobId, Summary};

use super::book::Slot;
use super::row::{Prompts, Row};

/// Every listed job's row, each id once, in the listing's order (newest first).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HistoryRows {
    pub(super) rows: Vec<Row>,
    pub(super) slots: HashMap<JobId, Slot>,
    pub(super) prompts: Prompts,
}

impl HistoryRows {
    /// Takes the summaries' strings; a job listed twice keeps its first row.
    pub fn of(summaries: Vec<Summary>) -> HistoryRows {
        let mut listed = HistoryRows {
            rows: Vec::with_capacity(summaries.len()),
            slots: HashMap::with_capacity(summaries.len()),
            prompts: Prompts::default(),
        };
        for summary in summaries {
            if listed.slots.contains_key(&summary.id) {
                continue;
            }
            let row = Row::of_summary(summary, &mut listed.prompts);
            listed
                .slots
                .insert(row.id.clone(), listed.rows.len() as Slot);
            listed.rows.push(row);
        }
        listed
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}
