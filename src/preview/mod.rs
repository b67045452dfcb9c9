//! Pictures in the terminal, apart from the UI's state: which graphics this terminal has
//! (asked once, never waiting long, remembered per terminal; the same exchange asks whether
//! it speaks the kitty keyboard protocol), pictures made for it (a local
//! image's thumbnail, a job's frame strip), and a player that plays a video in halfblocks.
//! Everything that decodes runs off the UI task; drawing a [`Picture`] is a copy.

mod colors;
mod graphics;
mod keyboard;
mod mode;
mod picture;
mod player;
pub mod query;
mod remember;
mod source;
mod still;
mod strips;
mod typed;

pub use colors::Colors;
pub use graphics::{Detection, Graphics, QUERY_TIMEOUT, Terminal, detect, detect_on_terminal};
pub use keyboard::{Keyboard, KeyboardMode};
pub use mode::PreviewMode;
pub use picture::{Picture, halfblock_pixels};
pub use player::{Clock, Playback, Player, Shown};
pub use source::{THUMB_HEIGHT, THUMB_WIDTH, image_thumbnail};
pub use still::{Still, strip};
pub use strips::{OnStrip, StripMaker, StripResult};

/// An environment holding only `vars`, for tests.
#[cfg(test)]
fn fake_env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}
