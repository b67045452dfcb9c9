//! The log lines a simulated run prints: realistic text, or hostile text that tries to take
//! over the terminal of whoever prints it unsanitised.

use chrono::{SecondsFormat, Utc};
use serde::Serialize;

/// One entry of a status body's `logs` list, shaped as fal sends it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct LogEntry {
    pub message: String,
    pub level: &'static str,
    pub source: &'static str,
    pub timestamp: String,
}

impl LogEntry {
    pub(crate) fn info(message: String) -> Self {
        Self {
            message,
            level: "INFO",
            source: "user",
            timestamp: Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true),
        }
    }
}

const FRAMES: usize = 48;

/// The message of line `index` out of `total` lines of a run.
pub(crate) fn message(index: usize, total: usize, hostile: bool) -> String {
    let plain = if index == 0 {
        "Loading model hailuo-2.3-fast/pro".to_string()
    } else if index == 1 && total > 3 {
        "Preprocessing input image".to_string()
    } else if index + 1 == total {
        "Encoding video (1080p, H.264)".to_string()
    } else {
        // Spread the frame counter over the lines between the first two and the last.
        let frame = (index * FRAMES / total.max(1)).clamp(1, FRAMES);
        format!("Generating frame {frame}/{FRAMES} (step {index})")
    };
    if hostile && index % 2 == 1 {
        // Clear screen, retitle the window, colour, carriage return over the text, NUL,
        // a right-to-left override and a lone BEL: everything a careless UI would obey.
        format!(
            "\x1b[2J\x1b]0;pwned\x07\x1b[31m{plain}\x1b[0m\r\0over\u{202e}written\u{202c}\x07 \x1b[?1049h"
        )
    } else {
        plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_distinct_and_readable() {
        let lines: Vec<String> = (0..10).map(|i| message(i, 10, false)).collect();
        let mut unique = lines.clone();
        unique.dedup();
        assert_eq!(unique.len(), lines.len(), "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().all(|c| !c.is_control())));
    }

    #[test]
    fn hostile_messages_carry_control_characters() {
        let line = message(1, 10, true);
        for needle in ["\x1b[2J", "\x1b]0;", "\x07", "\r", "\0", "\u{202e}"] {
            assert!(line.contains(needle), "missing {needle:?} in {line:?}");
        }
        assert!(!message(2, 10, true).contains('\x1b'));
    }
}
