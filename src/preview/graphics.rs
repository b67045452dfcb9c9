//! Which graphics pictures are drawn with, and whether keys come with the kitty keyboard
//! protocol, decided once at start-up: the config's choice, else what this terminal answered
//! last time, else what it answers now (asked once, in one exchange, on a short deadline,
//! before the workbench reads any input).

use std::io;
use std::path::Path;
use std::time::Duration;

use crossterm::event::KeyEvent;
use ratatui_image::FontSize;
use ratatui_image::picker::{Picker, ProtocolType};

use super::colors::Colors;
use super::keyboard::{self, Keyboard, KeyboardMode};
use super::mode::PreviewMode;
use super::query::{self, Reply};
use super::remember::{self, Kind, Remembered};
use super::typed;

/// How long the terminal has to answer, once. Local terminals answer in a few
/// milliseconds; this leaves room for an SSH round trip. A terminal that never answers
/// (tmux without passthrough) costs this once, then its answer is remembered.
pub const QUERY_TIMEOUT: Duration = Duration::from_millis(400);

#[derive(Clone, Default)]
pub enum Graphics {
    /// `preview = "off"`: no pictures, nothing decoded for them.
    #[default]
    Off,
    /// Unicode halfblocks: a character cell shows two pixels, one above the other.
    Halfblocks(Colors),
    /// The terminal's own pictures (kitty, sixel or iTerm2), at its cell size.
    Pixels(Picker, Colors),
}

impl Graphics {
    pub fn halfblocks(env: &dyn Fn(&str) -> Option<String>) -> Graphics {
        Graphics::Halfblocks(Colors::from_env(env))
    }

    /// For the user: "kitty", "sixel", "iTerm2", "halfblocks" or "off".
    pub fn name(&self) -> &'static str {
        match self {
            Graphics::Off => "off",
            Graphics::Halfblocks(_) => "halfblocks",
            Graphics::Pixels(picker, _) => match picker.protocol_type() {
                ProtocolType::Kitty => "kitty",
                ProtocolType::Sixel => "sixel",
                ProtocolType::Iterm2 => "iTerm2",
                ProtocolType::Halfblocks => "halfblocks",
            },
        }
    }

    pub fn is_off(&self) -> bool {
        matches!(self, Graphics::Off)
    }

    pub fn colors(&self) -> Colors {
        match self {
            Graphics::Off => Colors::Ansi256,
            Graphics::Halfblocks(colors) | Graphics::Pixels(_, colors) => *colors,
        }
    }
}

impl std::fmt::Debug for Graphics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Graphics({}, {:?})", self.name(), self.colors())
    }
}

/// What detection found, and the keys the user typed while the terminal was being asked
/// (to be handled before anything read afterwards).
#[derive(Debug)]
pub struct Detection {
    pub graphics: Graphics,
    /// Whether to turn the kitty keyboard protocol on.
    pub keyboard: Keyboard,
    pub typed: Vec<KeyEvent>,
}

/// The terminal as detection sees it. `ask` writes the question and returns what came back
/// before the deadline (`query::ask` on the real terminal); `window_cell` is the cell size in
/// pixels the kernel reports for the tty, if it does.
pub struct Terminal<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub data_dir: &'a Path,
    pub ask: &'a mut dyn FnMut(&str) -> io::Result<Reply>,
    pub window_cell: Option<(u16, u16)>,
}

/// A part of the answer: known already (the config's choice, or remembered), or to be asked.
enum Part<T, Q> {
    Known(T),
    Ask(Q),
}

/// Graphics and keyboard in one exchange: each part is asked only when neither the config
/// nor an earlier answer from this terminal settles it, so a known terminal is asked nothing.
pub fn detect(mode: PreviewMode, keys: KeyboardMode, terminal: Terminal<'_>) -> Detection {
    let env = terminal.env;
    let colors = Colors::from_env(env);
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    let term = var("TERM").unwrap_or_default();
    let tmux = var("TMUX").is_some() || term.starts_with("tmux");
    let path = remember::path(terminal.data_dir);
    let key = remember::terminal_key(env);
    // Read once, and only if the config leaves a part to this terminal's earlier answer.
    let recalled = std::cell::OnceCell::new();
    let recall = || *recalled.get_or_init(|| remember::recall(&path, &key));

    let graphics = match mode {
        PreviewMode::Off => Part::Known(Graphics::Off),
        PreviewMode::Halfblocks => Part::Known(Graphics::Halfblocks(colors)),
        // GNU screen passes no graphics through, and a dumb terminal has none.
        PreviewMode::Auto if term == "dumb" || (term.starts_with("screen") && !tmux) => {
            Part::Known(Graphics::Halfblocks(colors))
        }
        PreviewMode::Auto => match recall().graphics {
            Some(known) => Part::Known(build(known, terminal.window_cell, colors)),
            // WezTerm and Konsole answer for kitty and sixel but draw them wrong
            // (ratatui-image skips them too); WezTerm then gets iTerm2's protocol below.
            None if var("WEZTERM_EXECUTABLE").is_some() || var("KONSOLE_VERSION").is_some() => {
                Part::Ask(vec![ProtocolType::Kitty, ProtocolType::Sixel])
            }
            None => Part::Ask(Vec::new()),
        },
    };
    let keyboard = match keys {
        KeyboardMode::Legacy => Part::Known(Keyboard::Legacy),
        KeyboardMode::Auto if term == "dumb" => Part::Known(Keyboard::Legacy),
        KeyboardMode::Auto => match recall().keyboard {
            Some(known) => Part::Known(known),
            None => Part::Ask(()),
        },
    };

    // The keyboard question goes to the terminal the keys come from (tmux itself, inside
    // tmux), so it is never wrapped for passthrough; the graphics question ends with the
    // status report every terminal answers, and without it one is added.
    let mut question = String::new();
    if let Part::Ask(()) = keyboard {
        question.push_str(keyboard::QUESTION);
    }
    match &graphics {
        Part::Ask(skip) => question.push_str(&query::question(tmux, skip)),
        Part::Known(_) if question.is_empty() => {}
        Part::Known(_) => question.push_str(query::STATUS),
    }
    let reply = if question.is_empty() {
        Ok(Reply::default())
    } else {
        (terminal.ask)(&question)
    };
    let reply = match reply {
        Ok(reply) => reply,
        Err(err) => {
            tracing::warn!(error = %err, "could not ask the terminal about graphics and keyboard");
            return Detection {
                graphics: match graphics {
                    Part::Known(graphics) => graphics,
                    Part::Ask(_) => Graphics::Halfblocks(colors),
                },
                keyboard: match keyboard {
                    Part::Known(keyboard) => keyboard,
                    Part::Ask(()) => Keyboard::Legacy,
                },
                typed: Vec::new(),
            };
        }
    };
    let answer = &reply.answer;
    let (graphics, graphics_heard) = match graphics {
        Part::Known(graphics) => (graphics, None),
        Part::Ask(_) => {
            let kind = if answer.kitty {
                Kind::Kitty
            } else if answer.sixel {
                Kind::Sixel
            } else if iterm2_from_env(env, tmux) {
                Kind::Iterm2
            } else {
                Kind::Halfblocks
            };
            let known = Remembered {
                graphics: kind,
                cell: answer.cell,
            };
            (build(known, terminal.window_cell, colors), Some(known))
        }
    };
    // Silence is an answer too, as for graphics: a terminal that said nothing before the
    // deadline is taken (and remembered) as legacy, so it costs the wait once.
    let (keyboard, keyboard_heard) = match keyboard {
        Part::Known(keyboard) => (keyboard, None),
        Part::Ask(()) if answer.keyboard.is_some() => (Keyboard::Kitty, Some(Keyboard::Kitty)),
        Part::Ask(()) => (Keyboard::Legacy, Some(Keyboard::Legacy)),
    };
    tracing::info!(
        terminal = %key,
        ?answer,
        graphics = ?graphics_heard,
        keyboard = ?keyboard_heard,
        "asked the terminal"
    );
    if graphics_heard.is_some() || keyboard_heard.is_some() {
        remember::remember(&path, &key, graphics_heard, keyboard_heard);
    }
    Detection {
        graphics,
        keyboard,
        typed: typed::keys(&reply.typed),
    }
}

/// Detection on the real terminal, at the workbench's start: after raw mode is on and the
/// first frame is drawn, before anything reads input (the answer comes on stdin). Asks only
/// when stdin and stdout are a terminal. `I2V_PREVIEW` (auto, halfblocks, off) overrides
/// `mode`, `I2V_KEYBOARD` (auto, legacy) overrides `keys`.
pub fn detect_on_terminal(mode: PreviewMode, keys: KeyboardMode, data_dir: &Path) -> Detection {
    use std::io::IsTerminal;
    let env = |name: &str| std::env::var(name).ok();
    let mode = chosen("I2V_PREVIEW").unwrap_or(mode);
    let keys = chosen("I2V_KEYBOARD").unwrap_or(keys);
    let tty = io::stdin().is_terminal() && io::stdout().is_terminal();
    let window_cell = crossterm::terminal::window_size().ok().and_then(|w| {
        let cell = (
            w.width.checked_div(w.columns)?,
            w.height.checked_div(w.rows)?,
        );
        (cell.0 > 0 && cell.1 > 0).then_some(cell)
    });
    let mut ask = |question: &str| {
        if tty {
            query::ask(question, QUERY_TIMEOUT)
        } else {
            Err(io::Error::other("stdin or stdout is not a terminal"))
        }
    };
    detect(
        mode,
        keys,
        Terminal {
            env: &env,
            data_dir,
            ask: &mut ask,
            window_cell,
        },
    )
}

/// The choice in environment variable `name`, read as the config reads the same names; a
/// value the config would refuse is ignored.
fn chosen<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    let value = std::env::var(name).ok()?;
    toml::Value::String(value.trim().to_owned()).try_into().ok()
}

/// Pictures in pixels need the cell size to be laid out; without one, halfblocks.
fn build(known: Remembered, window_cell: Option<(u16, u16)>, colors: Colors) -> Graphics {
    let protocol = match known.graphics {
        Kind::Kitty => ProtocolType::Kitty,
        Kind::Sixel => ProtocolType::Sixel,
        Kind::Iterm2 => ProtocolType::Iterm2,
        Kind::Halfblocks => return Graphics::Halfblocks(colors),
    };
    // The kernel's figure is today's font; the remembered one may be from another day.
    let Some((width, height)) = window_cell.or(known.cell).filter(|&(w, h)| w > 0 && h > 0) else {
        return Graphics::Halfblocks(colors);
    };
    // The one constructor that takes a known cell size (the others ask the terminal,
    // which has been done here already).
    #[allow(deprecated)]
    let mut picker = Picker::from_fontsize(FontSize::new(width, height));
    picker.set_protocol_type(protocol);
    Graphics::Pixels(picker, colors)
}

/// Terminals that show iTerm2's inline images but do not answer the query for them
/// (ratatui-image's list less Warp, which its compatibility matrix says never clears them;
/// inside tmux, only the outer terminal's own variables tell).
fn iterm2_from_env(env: &dyn Fn(&str) -> Option<String>, tmux: bool) -> bool {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    if tmux {
        return var("ITERM_SESSION_ID").is_some() || var("WEZTERM_EXECUTABLE").is_some();
    }
    let program = var("TERM_PROGRAM").unwrap_or_default();
    [
        "iTerm", "WezTerm", "mintty", "vscode", "Tabby", "Hyper", "rio", "Bobcat",
    ]
    .iter()
    .any(|name| program.contains(name))
        || var("LC_TERMINAL").is_some_and(|t| t.contains("iTerm"))
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;
    use crate::preview::fake_env as env;
    use crate::preview::query::Answer;

    /// A terminal whose answers are remembered in its own data dir; it counts the questions
    /// and keeps the last one.
    struct Probe {
        dir: tempfile::TempDir,
        asked: Cell<u32>,
        question: RefCell<String>,
    }

    impl Probe {
        fn new() -> Probe {
            Probe {
                dir: tempfile::tempdir().unwrap(),
                asked: Cell::new(0),
                question: RefCell::new(String::new()),
            }
        }

        /// Detection of graphics only, the terminal answering `reply`.
        fn run(
            &self,
            mode: PreviewMode,
            vars: &'static [(&'static str, &'static str)],
            reply: io::Result<Reply>,
        ) -> Detection {
            self.run_with(mode, KeyboardMode::Legacy, vars, reply)
        }

        /// Detection of graphics and keyboard, the terminal answering `reply`.
        fn run_with(
            &self,
            mode: PreviewMode,
            keys: KeyboardMode,
            vars: &'static [(&'static str, &'static str)],
            reply: io::Result<Reply>,
        ) -> Detection {
            let env = env(vars);
            let mut reply = Some(reply);
            let mut ask = |q: &str| {
                assert!(q.ends_with("\x1b[5n") || q.ends_with("\x1b\\"), "{q:?}");
                self.asked.set(self.asked.get() + 1);
                *self.question.borrow_mut() = q.to_owned();
                reply.take().unwrap_or_else(|| Ok(Reply::default()))
            };
            detect(
                mode,
                keys,
                Terminal {
                    env: &env,
                    data_dir: self.dir.path(),
                    ask: &mut ask,
                    window_cell: None,
                },
            )
        }

        fn asked(&self) -> u32 {
            self.asked.get()
        }

        fn question(&self) -> String {
            self.question.borrow().clone()
        }
    }

    fn answered(kitty: bool, sixel: bool, cell: Option<(u16, u16)>, typed: &[u8]) -> Reply {
        Reply {
            answer: Answer {
                kitty,
                sixel,
                cell,
                keyboard: None,
                complete: true,
            },
            typed: typed.to_vec(),
        }
    }

    fn keyboard_answer(flags: Option<u16>) -> Reply {
        Reply {
            answer: Answer {
                keyboard: flags,
                complete: true,
                ..Answer::default()
            },
            typed: Vec::new(),
        }
    }

    #[test]
    fn the_keyboard_is_asked_in_the_same_question_and_remembered() {
        let probe = Probe::new();
        let mut reply = answered(true, false, Some((10, 20)), b"");
        reply.answer.keyboard = Some(0);
        let first = probe.run_with(PreviewMode::Auto, KeyboardMode::Auto, KITTY, Ok(reply));
        assert_eq!(first.keyboard, Keyboard::Kitty);
        assert_eq!(first.graphics.name(), "kitty");
        let q = probe.question();
        assert!(
            q.starts_with("\x1b[?u\x1b_Gi=31") && q.ends_with("\x1b[5n"),
            "one question, the keyboard first: {q:?}"
        );
        let again = probe.run_with(
            PreviewMode::Auto,
            KeyboardMode::Auto,
            KITTY,
            Ok(Reply::default()),
        );
        assert_eq!(again.keyboard, Keyboard::Kitty);
        assert_eq!(probe.asked(), 1, "the second start asks nothing");
        let legacy = probe.run_with(
            PreviewMode::Auto,
            KeyboardMode::Legacy,
            KITTY,
            Ok(Reply::default()),
        );
        assert_eq!(legacy.keyboard, Keyboard::Legacy, "the config wins");
    }

    #[test]
    fn without_pictures_the_keyboard_alone_is_asked_and_silence_is_legacy() {
        let probe = Probe::new();
        let silent = probe.run_with(
            PreviewMode::Off,
            KeyboardMode::Auto,
            KITTY,
            Ok(Reply::default()),
        );
        assert_eq!(silent.keyboard, Keyboard::Legacy);
        assert!(silent.graphics.is_off());
        assert_eq!(probe.question(), "\x1b[?u\x1b[5n");
        let again = probe.run_with(
            PreviewMode::Auto,
            KeyboardMode::Auto,
            KITTY,
            Ok(answered(false, false, None, b"")),
        );
        assert_eq!(again.keyboard, Keyboard::Legacy, "remembered");
        assert!(
            !probe.question().contains("[?u"),
            "only graphics are asked now: {:?}",
            probe.question()
        );
        assert_eq!(probe.asked(), 2);
    }

    #[test]
    fn graphics_remembered_from_before_still_ask_the_keyboard() {
        let probe = Probe::new();
        probe.run(
            PreviewMode::Auto,
            KITTY,
            Ok(answered(true, false, Some((10, 20)), b"")),
        );
        let found = probe.run_with(
            PreviewMode::Auto,
            KeyboardMode::Auto,
            KITTY,
            Ok(keyboard_answer(Some(1))),
        );
        assert_eq!(probe.question(), "\x1b[?u\x1b[5n");
        assert_eq!(found.keyboard, Keyboard::Kitty);
        assert_eq!(found.graphics.name(), "kitty");
        assert_eq!(probe.asked(), 2);
    }

    const TMUX: &[(&str, &str)] = &[
        ("TERM", "tmux-256color"),
        ("TMUX", "/tmp/tmux-0/default,1,0"),
    ];

    #[test]
    fn inside_tmux_the_keyboard_question_goes_to_tmux_itself() {
        let probe = Probe::new();
        probe.run_with(
            PreviewMode::Auto,
            KeyboardMode::Auto,
            TMUX,
            Ok(Reply::default()),
        );
        assert!(
            probe.question().starts_with("\x1b[?u\x1bPtmux;"),
            "{:?}",
            probe.question()
        );
    }

    #[test]
    fn a_failed_question_is_legacy_and_not_remembered() {
        let probe = Probe::new();
        let failed = probe.run_with(
            PreviewMode::Off,
            KeyboardMode::Auto,
            KITTY,
            Err(io::Error::other("no tty")),
        );
        assert_eq!(failed.keyboard, Keyboard::Legacy);
        let later = probe.run_with(
            PreviewMode::Off,
            KeyboardMode::Auto,
            KITTY,
            Ok(keyboard_answer(Some(0))),
        );
        assert_eq!(later.keyboard, Keyboard::Kitty);
        assert_eq!(probe.asked(), 2);
    }

    const KITTY: &[(&str, &str)] = &[("TERM", "xterm-kitty"), ("COLORTERM", "truecolor")];

    #[test]
    fn the_config_wins_and_nothing_is_asked() {
        let probe = Probe::new();
        let off = probe.run(PreviewMode::Off, KITTY, Ok(Reply::default()));
        assert!(off.graphics.is_off());
        let half = probe.run(PreviewMode::Halfblocks, KITTY, Ok(Reply::default()));
        assert_eq!(half.graphics.name(), "halfblocks");
        assert_eq!(half.graphics.colors(), Colors::TrueColor);
        assert_eq!(probe.asked(), 0);
    }

    #[test]
    fn asks_once_per_terminal_then_remembers() {
        let probe = Probe::new();
        let reply = Ok(answered(true, false, Some((10, 20)), b"ab"));
        let first = probe.run(PreviewMode::Auto, KITTY, reply);
        assert_eq!(first.graphics.name(), "kitty");
        assert_eq!(
            first.typed,
            vec![
                KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE),
                KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE),
            ],
            "keys typed meanwhile are handed back"
        );
        let second = probe.run(PreviewMode::Auto, KITTY, Ok(Reply::default()));
        assert_eq!(second.graphics.name(), "kitty");
        assert_eq!(probe.asked(), 1, "the second start asks nothing");

        const OTHER: &[(&str, &str)] = &[("TERM", "xterm-256color")];
        let other = probe.run(PreviewMode::Auto, OTHER, Ok(Reply::default()));
        assert_eq!(other.graphics.name(), "halfblocks");
        assert_eq!(other.graphics.colors(), Colors::Ansi256);
        assert_eq!(probe.asked(), 2, "another terminal is asked");
    }

    #[test]
    fn no_answer_means_halfblocks_and_is_remembered_too() {
        let probe = Probe::new();
        let silent = probe.run(PreviewMode::Auto, TMUX, Ok(Reply::default()));
        assert_eq!(silent.graphics.name(), "halfblocks");
        let again = probe.run(PreviewMode::Auto, TMUX, Ok(Reply::default()));
        assert_eq!(again.graphics.name(), "halfblocks");
        assert_eq!(probe.asked(), 1, "a silent terminal costs the wait once");
    }

    #[test]
    fn sixel_needs_a_cell_size_and_a_failed_question_is_not_remembered() {
        let probe = Probe::new();
        const FOOT: &[(&str, &str)] = &[("TERM", "foot")];
        let no_size = probe.run(
            PreviewMode::Auto,
            FOOT,
            Ok(answered(false, true, None, b"")),
        );
        assert_eq!(no_size.graphics.name(), "halfblocks");

        const XTERM: &[(&str, &str)] = &[("TERM", "xterm")];
        let failed = probe.run(PreviewMode::Auto, XTERM, Err(io::Error::other("no tty")));
        assert_eq!(failed.graphics.name(), "halfblocks");
        let sized = probe.run(
            PreviewMode::Auto,
            XTERM,
            Ok(answered(false, true, Some((8, 16)), b"")),
        );
        assert_eq!(sized.graphics.name(), "sixel");
    }

    #[test]
    fn screen_and_dumb_terminals_are_not_asked() {
        let probe = Probe::new();
        for vars in [&[("TERM", "screen-256color")][..], &[("TERM", "dumb")][..]] {
            let vars: &'static [(&str, &str)] = vars;
            let found = probe.run(PreviewMode::Auto, vars, Ok(Reply::default()));
            assert_eq!(found.graphics.name(), "halfblocks");
        }
        assert_eq!(probe.asked(), 0);
    }
}
