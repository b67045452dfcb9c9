//! The views drawn over the panes. Each is an [`Overlay`](super::component::Overlay) in a
//! file of its own; the app holds the open one and gives it every key. A new overlay: its
//! file here, and the line that opens it.

pub(crate) mod batch;
mod chain;
pub(crate) mod compare;
pub(crate) mod confirm;
pub(crate) mod detail;
pub(crate) mod diff;
pub(crate) mod frames;
pub(crate) mod help;
pub(crate) mod messages;
pub(crate) mod note;
mod scroll;
mod words;

use i2v_store::JobId;
use ratatui::text::Line;

use super::book::Book;

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
