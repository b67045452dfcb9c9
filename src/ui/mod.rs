//! The workbench screen: state ([`App`]), what can happen to it ([`Msg`]), what it asks the
//! runtime to do ([`Effect`]), and how it looks ([`draw`]). Data flows one way: the runtime
//! turns terminal and job events into `Msg`s, `App::update` applies each and returns
//! `Effect`s, `draw` reads the state. Nothing here does I/O except `Theme::load`.

mod app;
mod book;
mod config;
mod draw;
mod effect;
mod format;
mod history;
mod image_paste;
mod input;
mod keys;
mod layout;
mod mouse;
mod msg;
mod record_watch;
mod theme;
mod undo;

pub use app::{App, AppOptions, Focus};
pub use config::{NotifyConfig, UiConfig};
pub use draw::draw;
pub use effect::{Draft, Effect};
pub use keys::{Action, KeyBinding, KeyMap, Scope};
pub use layout::{MIN_HEIGHT, MIN_WIDTH};
pub use msg::{ImageInfo, Msg};
pub use theme::{Palette, Theme};

pub mod run;
pub mod runtime;
mod terminal;
