//! `[ui] preview`: how pictures are drawn, as the user chose it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PreviewMode {
    /// Ask the terminal once (answer remembered per terminal): kitty, sixel or iTerm2
    /// graphics where it has them, halfblocks everywhere else.
    #[default]
    Auto,
    /// Unicode halfblocks, without asking the terminal anything.
    Halfblocks,
    /// No pictures, and nothing decoded for them.
    Off,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Ui {
        preview: PreviewMode,
    }

    #[test]
    fn reads_the_three_names_and_refuses_others() {
        for (text, mode) in [
            ("auto", PreviewMode::Auto),
            ("halfblocks", PreviewMode::Halfblocks),
            ("off", PreviewMode::Off),
        ] {
            let ui: Ui = toml::from_str(&format!("preview = \"{text}\"")).unwrap();
            assert_eq!(ui.preview, mode);
        }
        let err = toml::from_str::<Ui>("preview = \"sixel\"").unwrap_err();
        assert!(err.to_string().contains("auto"), "{err}");
    }
}
