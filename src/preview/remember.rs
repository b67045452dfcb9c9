//! The terminal's answer, remembered per terminal in `<data dir>/terminals.json`, so it is
//! asked once and never again: the next start draws pictures and turns the keyboard protocol
//! on without waiting for anything. Graphics and keyboard are kept apart because each is
//! asked only when wanted (`preview = "off"` still asks about the keyboard).
//!
//! "Which terminal" is what the environment tells of it: `TERM`, `TERM_PROGRAM` and its
//! version, `LC_TERMINAL`, the tmux server, and the SSH client's address (the same host
//! reached from two laptops may be two different terminals). A file that does not read is
//! taken as empty and written afresh.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::keyboard::Keyboard;

/// What is kept of an answer: which graphics to use, and the cell size that came with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    pub graphics: Kind,
    /// A character cell's size in pixels, when the terminal told it.
    #[serde(default)]
    pub cell: Option<(u16, u16)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Kitty,
    Sixel,
    Iterm2,
    Halfblocks,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    version: u32,
    terminals: BTreeMap<String, Remembered>,
    /// Added after version 1's first release; a file without it has no keyboard answers yet.
    #[serde(default)]
    keyboard: BTreeMap<String, Keyboard>,
}

const VERSION: u32 = 1;

/// `<data dir>/terminals.json`.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("terminals.json")
}

/// Which terminal this is, as far as the environment tells.
pub fn terminal_key(env: &dyn Fn(&str) -> Option<String>) -> String {
    let var = |name: &str| env(name).unwrap_or_default();
    // TMUX is "socket,pid,session": the socket names the server.
    let tmux = var("TMUX").split(',').next().unwrap_or_default().to_owned();
    // SSH_CONNECTION is "client-ip client-port server-ip server-port".
    let ssh = var("SSH_CONNECTION")
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    [
        var("TERM"),
        var("TERM_PROGRAM"),
        var("TERM_PROGRAM_VERSION"),
        var("LC_TERMINAL"),
        tmux,
        ssh,
    ]
    .join("|")
}

/// What is remembered of terminal `key`: both parts, from one read of the file.
#[derive(Clone, Copy, Debug, Default)]
pub struct Recalled {
    pub graphics: Option<Remembered>,
    pub keyboard: Option<Keyboard>,
}

pub fn recall(path: &Path, key: &str) -> Recalled {
    let file = read(path);
    Recalled {
        graphics: file.terminals.get(key).copied(),
        keyboard: file.keyboard.get(key).copied(),
    }
}

/// Best effort: a data dir that cannot be written only means asking again next time.
/// `None` leaves what is remembered of that part as it was.
pub fn remember(path: &Path, key: &str, graphics: Option<Remembered>, keyboard: Option<Keyboard>) {
    let mut file = read(path);
    file.version = VERSION;
    if let Some(graphics) = graphics {
        file.terminals.insert(key.to_owned(), graphics);
    }
    if let Some(keyboard) = keyboard {
        file.keyboard.insert(key.to_owned(), keyboard);
    }
    let written = serde_json::to_vec_pretty(&file)
        .map_err(std::io::Error::other)
        .and_then(|bytes| {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let partial = path.with_extension(format!("json.{}.partial", std::process::id()));
            std::fs::write(&partial, bytes)?;
            std::fs::rename(&partial, path).inspect_err(|_| {
                let _ = std::fs::remove_file(&partial);
            })
        });
    if let Err(err) = written {
        tracing::warn!(path = %path.display(), error = %err, "could not remember the terminal's answer");
    }
}

fn read(path: &Path) -> File {
    // Small by construction; a huge file (or a FIFO, a device) is not ours and is ignored.
    crate::local_file::read_capped(path, 1 << 20, "the terminals' answers")
        .ok()
        .and_then(|bytes| serde_json::from_slice::<File>(&bytes).ok())
        .filter(|file| file.version == VERSION)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preview::fake_env as env;

    #[test]
    fn the_key_tells_terminals_apart_but_not_sessions_of_one() {
        let kitty = terminal_key(&env(&[("TERM", "xterm-kitty")]));
        let tmux_a = terminal_key(&env(&[
            ("TERM", "tmux-256color"),
            ("TMUX", "/tmp/tmux-0/default,123,0"),
        ]));
        let tmux_b = terminal_key(&env(&[
            ("TERM", "tmux-256color"),
            ("TMUX", "/tmp/tmux-0/default,123,4"),
        ]));
        let ssh_a = terminal_key(&env(&[("SSH_CONNECTION", "10.0.0.2 51000 10.0.0.1 22")]));
        let ssh_b = terminal_key(&env(&[("SSH_CONNECTION", "10.0.0.2 52000 10.0.0.1 22")]));
        let ssh_c = terminal_key(&env(&[("SSH_CONNECTION", "10.0.0.3 51000 10.0.0.1 22")]));
        assert_ne!(kitty, tmux_a);
        assert_eq!(tmux_a, tmux_b, "another tmux window, the same server");
        assert_eq!(ssh_a, ssh_b, "another connection from the same client");
        assert_ne!(ssh_a, ssh_c, "another client");
    }

    #[test]
    fn remembers_per_terminal_and_survives_a_bad_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(&dir.path().join("data"));
        assert_eq!(recall(&path, "a").graphics, None);
        let kitty = Remembered {
            graphics: Kind::Kitty,
            cell: Some((9, 18)),
        };
        let plain = Remembered {
            graphics: Kind::Halfblocks,
            cell: None,
        };
        remember(&path, "a", Some(kitty), None);
        remember(&path, "b", Some(plain), Some(Keyboard::Legacy));
        remember(&path, "a", None, Some(Keyboard::Kitty));
        assert_eq!(recall(&path, "a").graphics, Some(kitty));
        assert_eq!(recall(&path, "b").graphics, Some(plain));
        assert_eq!(recall(&path, "a").keyboard, Some(Keyboard::Kitty));
        assert_eq!(recall(&path, "b").keyboard, Some(Keyboard::Legacy));
        remember(&path, "c", None, Some(Keyboard::Kitty));
        assert_eq!(
            recall(&path, "c").graphics,
            None,
            "only the keyboard was asked"
        );

        std::fs::write(&path, b"{ not json").unwrap();
        assert_eq!(recall(&path, "a").graphics, None);
        remember(&path, "b", Some(plain), None);
        assert_eq!(recall(&path, "b").graphics, Some(plain));
        assert_eq!(recall(&path, "b").keyboard, None);
    }

    #[test]
    fn a_file_from_before_the_keyboard_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path());
        std::fs::write(
            &path,
            br#"{"version":1,"terminals":{"a":{"graphics":"sixel","cell":[8,16]}}}"#,
        )
        .unwrap();
        assert_eq!(
            recall(&path, "a").graphics.map(|r| r.graphics),
            Some(Kind::Sixel)
        );
        assert_eq!(recall(&path, "a").keyboard, None, "never asked: ask");
    }
}
