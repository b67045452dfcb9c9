//! The app: its state and the one place it changes ([`App::update`](app::App::update)),
//! routing keys to components and carrying out what they ask, judging, the key map checked
//! against the panes, and the whole screen's draw. The only code that names concrete panes
//! and overlays.

pub(crate) mod app;
pub(crate) mod budget;
pub(crate) mod fal_import;
pub(crate) mod film;
pub(crate) mod judging;
pub(crate) mod panes;
pub(crate) mod remaps;
pub(crate) mod route;
pub(crate) mod screen;
pub(crate) mod status_bar;
