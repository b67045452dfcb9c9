//! The workbench screen: state ([`App`]), what can happen to it ([`Msg`]), what it asks the
//! runtime to do ([`Effect`]), and how it looks ([`draw`]). Data flows one way: the runtime
//! turns terminal and job events into `Msg`s, `App::update` applies each and returns
//! `Effect`s, `draw` shows the state (recording only the sizes the next update needs).
//! Nothing here does I/O except `Theme::load` and the edge.
//!
//! The files stand in layers, each importing only those below it (`tests/architecture.rs`
//! keeps it so):
//!
//! - `model`: what the screen is about and the words it uses: the book of jobs, rows,
//!   filter, format, theme, keys, messages, effects, focus. Knows nothing of drawing parts.
//! - `kit`: what components are made of: the [`Component`](kit::component::Component)
//!   trait, draw helpers, text fields, lists, scrolling views, frame strips, word diff, the
//!   job actions the queue, the history and the detail view share.
//! - `overlays`: the views drawn over the panes, one file each, none naming another.
//! - `panes`: the panes of the main screen, one file each, none naming another; a pane may
//!   open an overlay.
//! - `shell`: the app ([`App`]), routing, judging, the whole screen's draw: the only code
//!   that names concrete panes and overlays.
//! - `edge`: the event loop, the runtime that carries out effects, the terminal, watchers.

mod edge;
mod kit;
mod model;
mod overlays;
mod panes;
mod shell;

pub use edge::{event_loop, runtime};
pub use kit::layout::{MIN_HEIGHT, MIN_WIDTH};
pub use model::config::{NotifyConfig, UiConfig};
pub use model::effect::{Draft, Effect};
pub use model::focus::Focus;
pub use model::history_rows::HistoryRows;
pub use model::keys::{Action, KeyBinding, KeyMap, Scope};
pub use model::msg::{ImageInfo, Msg};
pub use model::row::Sort as HistorySort;
pub use model::settings::Pricing;
pub use model::theme::{Palette, Theme};
pub use shell::app::{App, AppOptions, Unfinished};
pub use shell::screen::draw;
