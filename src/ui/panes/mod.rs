//! The panes of the main screen, each a [`Component`](crate::ui::kit::component::Component)
//! in a file of its own: it owns its state, its commands, their handling and its drawing.
//! A pane imports nothing above the kit but the overlays it opens; the shell
//! ([`Panes`](crate::ui::shell::panes::Panes)) is what holds them together.

pub(crate) mod history;
pub(crate) mod image;
pub(crate) mod optimizer;
pub(crate) mod prompt;
pub(crate) mod queue;
