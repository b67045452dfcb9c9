//! The bottom layer: what the screen is about and the words it uses. Nothing here knows a
//! component, a pane or the app.

pub(crate) mod book;
pub(crate) mod chains;
pub(crate) mod config;
pub(crate) mod effect;
pub(crate) mod filter;
pub(crate) mod focus;
pub(crate) mod format;
pub(crate) mod history_rows;
pub(crate) mod image_paste;
pub(crate) mod importing;
pub(crate) mod keys;
pub(crate) mod media;
pub(crate) mod messages;
pub(crate) mod msg;
pub(crate) mod paste;
pub(crate) mod reads;
pub(crate) mod row;
pub(crate) mod settings;
pub(crate) mod slot_index;
pub(crate) mod spend;
pub(crate) mod submits;
pub(crate) mod theme;
pub(crate) mod time;
