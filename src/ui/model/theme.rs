//! Named colours for each role on screen. Built-in themes are compiled in; a user file of
//! the same name in the themes dir wins. A theme that cannot be read never stops the app:
//! it falls back to `dark` with a warning for the status bar.

use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use i2v_store::JobState;

/// A theme is a few KB; a megabyte is none.
const MAX_THEME_BYTES: u64 = 1 << 20;

pub const BUILT_IN: [(&str, &str); 3] = [
    ("dark", include_str!("../../../themes/dark.toml")),
    ("light", include_str!("../../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../../themes/high-contrast.toml"),
    ),
];

/// Declares the roles once: the palette, the file format (every role optional, defaulting
/// to dark's colour) and the conversion between them.
macro_rules! roles {
    ($($(#[$doc:meta])* $role:ident = $dark:literal,)*) => {
        /// One colour per role.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct Palette {
            $($(#[$doc])* pub $role: Color,)*
        }

        #[derive(Deserialize)]
        #[serde(default, deny_unknown_fields)]
        struct ThemeFile {
            /// Informational; the file name is what selects a theme.
            #[allow(dead_code)]
            name: Option<String>,
            $($role: String,)*
        }

        impl Default for ThemeFile {
            fn default() -> Self {
                Self { name: None, $($role: $dark.to_owned(),)* }
            }
        }

        impl ThemeFile {
            fn into_palette(self) -> Result<Palette, String> {
                Ok(Palette { $($role: parse_color(stringify!($role), &self.$role)?,)* })
            }
        }
    };
}

roles! {
    /// Ordinary text.
    fg = "reset",
    /// Screen background (`reset` keeps the terminal's own).
    bg = "reset",
    /// Secondary text: hints, timestamps, placeholders.
    muted = "dark-gray",
    /// Titles and highlighted keys.
    accent = "cyan",
    border = "dark-gray",
    border_focused = "cyan",
    selection_fg = "black",
    selection_bg = "cyan",
    status_queued = "yellow",
    status_running = "#6cb6ff",
    status_ok = "green",
    status_err = "light-red",
    status_cancelled = "dark-gray",
    error = "light-red",
    notice = "light-green",
    banner_fg = "black",
    banner_bg = "yellow",
    diff_add = "green",
    diff_remove = "light-red",
}

fn parse_color(role: &str, value: &str) -> Result<Color, String> {
    value.parse().map_err(|_| {
        format!("{role} = {value:?} is not a colour (a name like \"cyan\", \"#rrggbb\" or 0-255)")
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    pub palette: Palette,
    /// False under NO_COLOR: only bold/reversed/underline mark focus and selection.
    pub color: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            name: "dark".to_owned(),
            palette: dark_palette(),
            color: true,
        }
    }
}

fn dark_palette() -> Palette {
    // Cannot fail: every default is a valid colour (a unit test holds this).
    ThemeFile::default().into_palette().unwrap_or(Palette {
        fg: Color::Reset,
        bg: Color::Reset,
        muted: Color::Reset,
        accent: Color::Reset,
        border: Color::Reset,
        border_focused: Color::Reset,
        selection_fg: Color::Reset,
        selection_bg: Color::Reset,
        status_queued: Color::Reset,
        status_running: Color::Reset,
        status_ok: Color::Reset,
        status_err: Color::Reset,
        status_cancelled: Color::Reset,
        error: Color::Reset,
        notice: Color::Reset,
        banner_fg: Color::Reset,
        banner_bg: Color::Reset,
        diff_add: Color::Reset,
        diff_remove: Color::Reset,
    })
}

impl Theme {
    /// Loads `name`: `<user_dir>/<name>.toml` if it exists, else a built-in theme. Any
    /// problem gives dark plus a warning to show the user.
    pub fn load(name: &str, user_dir: Option<&Path>) -> (Theme, Option<String>) {
        let fallback = |why: String| {
            (
                Theme::default(),
                Some(format!("{why}; using the dark theme")),
            )
        };
        let safe_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !safe_name {
            return fallback(format!(
                "theme name {name:?} must be letters, digits, - or _"
            ));
        }
        if let Some(dir) = user_dir {
            let path = dir.join(format!("{name}.toml"));
            match crate::local_file::read_text_capped(&path, MAX_THEME_BYTES, "a theme") {
                Ok(text) => {
                    return match Theme::parse(name, &text) {
                        Ok(theme) => (theme, None),
                        Err(e) => fallback(format!("theme {}: {e}", path.display())),
                    };
                }
                Err(e) if e.is_not_found() => {}
                Err(e) => return fallback(format!("theme {}: {e}", path.display())),
            }
        }
        match BUILT_IN.iter().find(|(n, _)| *n == name) {
            Some((_, text)) => match Theme::parse(name, text) {
                Ok(theme) => (theme, None),
                Err(e) => fallback(format!("built-in theme {name}: {e}")),
            },
            None => {
                let known: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
                fallback(format!(
                    "unknown theme {name:?} (built-in: {})",
                    known.join(", ")
                ))
            }
        }
    }

    /// Parses a theme file; roles it leaves out keep dark's colours.
    pub fn parse(name: &str, text: &str) -> Result<Theme, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.message().to_owned())?;
        Ok(Theme {
            name: name.to_owned(),
            palette: file.into_palette()?,
            color: true,
        })
    }

    /// For NO_COLOR: the terminal's own colours, with modifiers for emphasis.
    pub fn no_color() -> Theme {
        let r = Color::Reset;
        Theme {
            name: "no-color".to_owned(),
            palette: Palette {
                fg: r,
                bg: r,
                muted: r,
                accent: r,
                border: r,
                border_focused: r,
                selection_fg: r,
                selection_bg: r,
                status_queued: r,
                status_running: r,
                status_ok: r,
                status_err: r,
                status_cancelled: r,
                error: r,
                notice: r,
                banner_fg: r,
                banner_bg: r,
                diff_add: r,
                diff_remove: r,
            },
            color: false,
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn base(&self) -> Style {
        if self.color {
            Style::new().fg(self.palette.fg).bg(self.palette.bg)
        } else {
            Style::new()
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new().fg(self.palette.border_focused),
            (true, false) => Style::new().add_modifier(Modifier::BOLD),
            (false, _) => self.fg(self.palette.border),
        }
    }

    pub fn title(&self, focused: bool) -> Style {
        let style = if focused {
            self.fg(self.palette.accent)
        } else {
            self.fg(self.palette.fg)
        };
        style.add_modifier(Modifier::BOLD)
    }

    pub fn selection(&self) -> Style {
        if self.color {
            Style::new()
                .fg(self.palette.selection_fg)
                .bg(self.palette.selection_bg)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn muted(&self) -> Style {
        self.fg(self.palette.muted)
    }

    pub fn accent(&self) -> Style {
        self.fg(self.palette.accent)
    }

    pub fn key(&self) -> Style {
        self.accent().add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(self.palette.error).add_modifier(Modifier::BOLD)
    }

    pub fn notice(&self) -> Style {
        self.fg(self.palette.notice)
    }

    /// A warning borrows the waiting colour (yellow in the built-in themes) rather than
    /// adding a role every user theme would have to learn.
    pub fn warning(&self) -> Style {
        self.fg(self.palette.status_queued)
    }

    pub fn banner(&self) -> Style {
        if self.color {
            Style::new()
                .fg(self.palette.banner_fg)
                .bg(self.palette.banner_bg)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn state(&self, state: &JobState) -> Style {
        let p = &self.palette;
        match state {
            JobState::Preparing | JobState::Queued { .. } => self.fg(p.status_queued),
            JobState::Running | JobState::Downloading | JobState::ResultPending => {
                self.fg(p.status_running)
            }
            JobState::Completed => self.fg(p.status_ok),
            JobState::Failed => self.fg(p.status_err).add_modifier(Modifier::BOLD),
            JobState::Cancelled => self.fg(p.status_cancelled),
            JobState::MaybeSubmitted => self.fg(p.status_queued).add_modifier(Modifier::BOLD),
        }
    }

    pub fn diff_add(&self) -> Style {
        self.fg(self.palette.diff_add)
            .add_modifier(Modifier::UNDERLINED)
    }

    pub fn diff_remove(&self) -> Style {
        self.fg(self.palette.diff_remove)
            .add_modifier(Modifier::CROSSED_OUT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_parses() {
        for (name, text) in BUILT_IN {
            let theme = Theme::parse(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(theme.name, name);
        }
    }

    #[test]
    fn the_dark_file_matches_the_compiled_defaults() {
        let (_, text) = BUILT_IN[0];
        assert_eq!(Theme::parse("dark", text).unwrap(), Theme::default());
    }

    #[test]
    fn built_in_themes_differ() {
        let palettes: Vec<Palette> = BUILT_IN
            .iter()
            .map(|(n, _)| Theme::load(n, None).0.palette)
            .collect();
        assert_ne!(palettes[0], palettes[1]);
        assert_ne!(palettes[0], palettes[2]);
    }

    #[test]
    fn unknown_name_falls_back_to_dark_with_a_warning() {
        let (theme, warning) = Theme::load("solarized-neon", None);
        assert_eq!(theme, Theme::default());
        assert!(warning.unwrap().contains("unknown theme"));
    }

    #[test]
    fn path_like_names_are_refused() {
        let (theme, warning) = Theme::load("../etc/passwd", None);
        assert_eq!(theme, Theme::default());
        assert!(warning.is_some());
    }

    #[test]
    fn user_file_overrides_built_in_and_keeps_unset_roles() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("light.toml"), "accent = \"#ff0000\"\n").unwrap();
        let (theme, warning) = Theme::load("light", Some(dir.path()));
        assert_eq!(warning, None);
        assert_eq!(theme.palette.accent, Color::Rgb(255, 0, 0));
        assert_eq!(theme.palette.fg, Theme::default().palette.fg);
    }

    #[test]
    fn broken_user_files_fall_back_to_dark() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("typo", "acent = \"red\"\n"),
            ("badcolor", "accent = \"reddish\"\n"),
            ("notoml", "accent = \n"),
        ] {
            std::fs::write(dir.path().join(format!("{name}.toml")), text).unwrap();
            let (theme, warning) = Theme::load(name, Some(dir.path()));
            assert_eq!(theme, Theme::default(), "{name}");
            let warning = warning.unwrap();
            assert!(
                warning.contains(name) && warning.contains("dark"),
                "{warning}"
            );
        }
    }

    #[test]
    fn no_color_uses_modifiers_only() {
        let theme = Theme::no_color();
        assert_eq!(
            theme.selection(),
            Style::new().add_modifier(Modifier::REVERSED)
        );
        assert_eq!(theme.border(true).fg, None);
        assert_eq!(theme.state(&JobState::Completed).fg, None);
    }
}
