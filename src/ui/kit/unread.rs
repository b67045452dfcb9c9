//! What a view of one job shows in place of it while its record is read, or once it is gone.

use i2v_store::JobId;
use ratatui::text::Line;

use crate::ui::model::book::Book;

/// What a view of one job shows while its record is read (the history lists summaries), or
/// once the job is gone.
pub(crate) fn unread(book: &Book, id: &JobId) -> Line<'static> {
    match book.unreadable(id) {
        Some(why) => Line::from(format!(
            "The job's record could not be read: {}",
            crate::text::sanitize(why)
        )),
        None if book.knows(id) => Line::from("Reading the job's record…"),
        None => Line::from("This job is no longer known."),
    }
}
