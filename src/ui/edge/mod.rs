//! Where the workbench meets the world: the event loop, the runtime that carries out the
//! app's effects (I/O, tasks, the engine), the terminal, and the watchers of the history.

pub mod event_loop;
pub(crate) mod fal_import;
pub(crate) mod history_watch;
pub(crate) mod record_watch;
pub mod runtime;
pub(crate) mod terminal;
