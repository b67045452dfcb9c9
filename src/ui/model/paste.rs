//! Text pasted or typed into the editor and the fields, made safe to keep: control
//! characters go, line breaks become what the field takes.

use crate::text::sanitize;

/// Pasted text minus control characters, line breaks kept: CR (tmux and many terminals
/// send it for each line break in a paste), LF and CRLF all end a line.
pub(crate) fn clean_paste(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    crate::text::sanitize_lines(&text).join("\n")
}

/// The image field is one line: a pasted path keeps its first line only.
pub(crate) fn single_line(text: &str) -> String {
    sanitize(text.split(['\r', '\n']).next().unwrap_or("").trim())
}
