//! Copying to the clipboard from inside tmux. tmux passes a program's OSC 52 on only while
//! its `set-clipboard` option is `on`; under its default, `external`, it keeps such copies
//! to itself and the clipboard never gets them. So tmux is asked, and when the option is not
//! `on` the text goes into tmux's own buffer (`load-buffer -w`, which also sends it on to the
//! terminal's clipboard where tmux can). What the user is told is what happened.

use std::io::Write;
use std::process::{Command, Stdio};

/// What became of a copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Copied {
    /// The text is where the user wants it.
    Done(String),
    /// Only in tmux's buffer: it says why and how to get the rest.
    Partly(String),
    /// Nowhere: why, and what to do.
    Not(String),
}

/// After the OSC 52 sequence is written: asks `tmux` (the program) about `set-clipboard` and
/// loads its buffer with `text` when that sequence will not get through.
pub fn copy(tmux: &str, text: &str) -> Copied {
    let setting = Command::new(tmux)
        .args(["show-options", "-gv", "set-clipboard"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned());
    if setting.as_deref() == Some("on") {
        return Copied::Done("copied to the clipboard (OSC 52, through tmux)".to_owned());
    }
    let setting = setting.unwrap_or_else(|| "unknown: tmux did not answer".to_owned());
    // `-w` (tmux 3.2 and later) also sends the buffer to the terminal's clipboard; an older
    // tmux refuses the flag and takes the buffer without it.
    let loaded = load_buffer(tmux, text, true).or_else(|_| load_buffer(tmux, text, false));
    let enable = "`tmux set -g set-clipboard on` (and the same in ~/.tmux.conf)";
    match (loaded, setting.as_str()) {
        (Ok(true), "external") => Copied::Done(
            "copied into tmux's buffer, which tmux sends on to the clipboard".to_owned(),
        ),
        (Ok(_), _) => Copied::Partly(format!(
            "copied into tmux's buffer only (prefix ] pastes it): set-clipboard is {setting}; \
             {enable} lets copies reach the clipboard"
        )),
        (Err(why), _) => Copied::Not(format!(
            "not copied: tmux keeps programs' clipboard requests to itself while set-clipboard \
             is {setting}, and its buffer refused the text ({why}); run {enable}"
        )),
    }
}

/// `tmux load-buffer [-w] -` with `text` on stdin; whether `-w` was taken.
fn load_buffer(tmux: &str, text: &str, to_clipboard: bool) -> Result<bool, String> {
    let mut command = Command::new(tmux);
    command.arg("load-buffer");
    if to_clipboard {
        command.arg("-w");
    }
    let mut child = command
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(to_clipboard)
    } else {
        let said = crate::text::sanitize_one_line(&String::from_utf8_lossy(&out.stderr));
        Err(match said.is_empty() {
            true => format!("tmux load-buffer exited with {}", out.status),
            false => said,
        })
    }
}
