//! The workbench screen: state ([`App`]), what can happen to it ([`Msg`]), what it asks the
//! runtime to do ([`Effect`]), and how it looks ([`draw`]). Data flows one way: the runtime
//! turns terminal and job events into `Msg`s, `App::update` applies each and returns
//! `Effect`s, `draw` shows the state (recording only the sizes the next update needs).
//! Nothing here does I/O except `Theme::load`.
//!
//! Each pane (`panes/`) and overlay (`overlays/`) is a [`component::Component`]: it owns its
//! state, declares its commands (one list feeding keys, status-bar hints and help), handles
//! them and draws itself. `App` holds what they share (the book of jobs, messages, focus)
//! and routes (`route.rs`).

mod app;
mod book;
mod component;
mod config;
mod draw;
mod effect;
mod filter;
mod format;
mod history_rows;
mod history_watch;
mod image_paste;
mod judging;
mod keys;
mod layout;
mod media;
mod msg;
mod overlays;
mod panes;
mod record_watch;
mod route;
mod row;
mod slot_index;
mod theme;
mod undo;

pub use app::{App, AppOptions, Pricing};
pub use config::{NotifyConfig, UiConfig};
pub use draw::draw;
pub use effect::{Draft, Effect};
pub use history_rows::HistoryRows;
pub use keys::{Action, KeyBinding, KeyMap, Scope};
pub use layout::{MIN_HEIGHT, MIN_WIDTH};
pub use msg::{ImageInfo, Msg};
pub use panes::Focus;
pub use row::Sort as HistorySort;
pub use theme::{Palette, Theme};

pub mod run;
pub mod runtime;
mod terminal;
