//! Asking before money is spent: several jobs go out only after a yes typed at a terminal,
//! or `--yes`. Without a terminal to ask on, nothing is sent.

use std::io::{BufRead, IsTerminal, Write};

/// What the user said to "send these?".
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// Nobody to ask: stdin or stderr is not a terminal (a script, a pipe, CI).
    NoTerminal,
}

/// Asks `question` (on stderr) and reads the answer from stdin, when both are a terminal.
/// Only `y` or `yes` (any case) sends; anything else, or end of input, does not.
pub fn ask(question: &str) -> Answer {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Answer::NoTerminal;
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    drop(err);
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(_) if is_yes(&line) => Answer::Yes,
        _ => Answer::No,
    }
}

fn is_yes(line: &str) -> bool {
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_clear_yes_sends() {
        for yes in ["y\n", "Y\n", " yes \n", "YES"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "\n", "n\n", "no\n", "yep\n", "y es\n", "sure\n"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }
}
