//! The history's rows, built where the history is listed (a blocking thread) and handed to
//! the app finished: at 100,000 jobs building them takes tens of milliseconds, which the UI
//! thread would otherwise spend frozen while the user is already at work. Built there, they also
//! take the listing's own strings and fill the memory the listing freed, instead of copies
//! on the UI thread that leave that memory unused but resident.

use i2v_store::Summary;

use crate::ui::model::row::{Prompts, Row};
use crate::ui::model::slot_index::SlotIndex;

/// Every listed job's row, each id once, in the listing's order (newest first).
#[derive(Clone, Debug, Default)]
pub struct HistoryRows {
    pub(super) rows: Vec<Row>,
    pub(super) slots: SlotIndex,
    pub(super) prompts: Prompts,
}

/// The slots follow from the rows.
impl PartialEq for HistoryRows {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows && self.prompts == other.prompts
    }
}

impl HistoryRows {
    /// Takes the summaries' strings; a job listed twice keeps its first row. The rows are
    /// collected into the summaries' own block (Rust reuses it in place), so a long history's
    /// listing does not free a block as large as itself, which would make glibc keep the
    /// next listing's memory on its heap.
    pub fn of(summaries: Vec<Summary>) -> HistoryRows {
        let mut prompts = Prompts::default();
        let mut rows: Vec<Row> = summaries
            .into_iter()
            .map(|summary| Row::of_summary(summary, &mut prompts))
            .collect();
        let slots = SlotIndex::of(&mut rows);
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
