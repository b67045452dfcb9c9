//! What panes and overlays are made of: the [`Component`](component::Component) trait and
//! what a component may read and ask for, draw helpers, and the parts several of them share
//! (text fields, lists, scrolling views, frame strips, word diff, the job actions). Imports
//! only the model.

pub(crate) mod chain;
pub(crate) mod component;
pub(crate) mod differs;
pub(crate) mod draw;
pub(crate) mod frames;
pub(crate) mod grid_shape;
pub(crate) mod job;
pub(crate) mod layout;
pub(crate) mod list;
pub(crate) mod logs;
pub(crate) mod prompt_diff;
pub(crate) mod scroll;
pub(crate) mod soft_wrap;
pub(crate) mod suggest;
#[cfg(test)]
pub(crate) mod test_component;
pub(crate) mod text_field;
pub(crate) mod undo;
pub(crate) mod unread;
pub(crate) mod words;
pub(crate) mod wrap;
