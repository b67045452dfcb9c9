//! The views drawn over the panes. Each is an [`Overlay`](crate::ui::kit::component::Overlay)
//! in a file of its own, importing nothing above the kit: the app holds the open one and
//! gives it every key. A new overlay: its file here, and the line that opens it.

pub(crate) mod batch;
pub(crate) mod compare;
pub(crate) mod confirm;
pub(crate) mod detail;
pub(crate) mod diff;
pub(crate) mod full_screen;
pub(crate) mod grid;
pub(crate) mod help;
pub(crate) mod messages;
pub(crate) mod note;
pub(crate) mod storyboard;
