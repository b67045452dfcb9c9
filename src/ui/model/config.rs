//! The `[ui]` section of the config file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    /// A built-in theme (`dark`, `light`, `high-contrast`) or a file in the themes dir.
    pub theme: Option<String>,
    /// Action name → key(s), e.g. `submit = "ctrl-s, f5"`. See the help overlay (F1) for
    /// the action names.
    pub keys: BTreeMap<String, String>,
    pub notify: NotifyConfig,
    /// Click to focus and select, wheel to scroll. Off by default: while the workbench has
    /// the mouse, the terminal's own text selection needs Shift.
    pub mouse: bool,
    /// How pictures are drawn: `auto` (ask the terminal once), `halfblocks` or `off`.
    pub preview: crate::preview::PreviewMode,
    /// `auto` (ask the terminal once; keys like Ctrl-Enter work where it speaks the kitty
    /// keyboard protocol) or `legacy` (never ask).
    pub keyboard: crate::preview::KeyboardMode,
}

/// How to tell the user a job finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// A notice in the status bar.
    pub status: bool,
    /// The terminal bell.
    pub bell: bool,
    /// A desktop notification through OSC 9 / OSC 777.
    pub osc: bool,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            status: true,
            bell: true,
            osc: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_ui_section_parses() {
        let config: UiConfig = toml::from_str(
            "theme = \"light\"\n\
             [keys]\nsubmit = \"ctrl-g, f5\"\n\
             [notify]\nbell = false\nosc = true\n",
        )
        .unwrap();
        assert_eq!(config.theme.as_deref(), Some("light"));
        assert_eq!(config.keys["submit"], "ctrl-g, f5");
        assert_eq!(
            config.notify,
            NotifyConfig {
                status: true,
                bell: false,
                osc: true
            }
        );
    }

    #[test]
    fn an_empty_section_is_the_default() {
        assert_eq!(toml::from_str::<UiConfig>("").unwrap(), UiConfig::default());
    }

    #[test]
    fn typos_are_errors_not_silence() {
        let err = toml::from_str::<UiConfig>("[notify]\nbel = true\n").unwrap_err();
        assert!(err.to_string().contains("bel"), "{err}");
    }
}
