//! The history's rows, built where the history is listed (a blocking thread) and handed to
//! the app finished: at 100,000 jobs building them takes tens of milliseconds, which the UI
//! thread would otherwise spend frozen while the user is already at work. Built there, they also
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
    /// Takes the summaries' strings; a job listed twice keeps its first row. The rows are
    /// collected into the summaries' own block (Rust reuses it in place), so a long history's
    /// listing does not free a block as large as itself, which would make glibc keep the
    /// next listing's memory on its heap.
    pub fn of(summaries: Vec<Summary>) -> HistoryRows {
        let mut slots = HashMap::with_capacity(summaries.len());
        let mut prompts = Prompts::default();
        let mut rows: Vec<Row> = summaries
            .into_iter()
            .filter(|summary| {
                let first = !slots.contains_key(&summary.id);
                if first {
                    let slot = slots.len() as Slot;
                    slots.insert(summary.id.clone(), slot);
                }
                first
            })
            .map(|summary| Row::of_summary(summary, &mut prompts))
            .collect();
        // A row is smaller than a summary: give back the block's tail (glibc shrinks a
        // mapped block in place, so nothing large is freed).
        rows.shrink_to_fit();
        HistoryRows {
            rows,
            slots,
            prompts,
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What lets `of` collect the rows into the summaries' block instead of a new one.
    #[test]
    fn a_row_fits_where_its_summary_was() {
        assert!(size_of::<Row>() <= size_of::<Summary>());
        assert_eq!(align_of::<Row>(), align_of::<Summary>());
    }
}
