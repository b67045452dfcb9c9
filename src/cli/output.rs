//! Results on stdout. `println!` panics when the reader has gone away (`i2v history list |
//! head -1`); here a closed pipe just means the rest is not wanted.

use std::fmt::Display;
use std::io::{self, Write};

/// Writes `line` and a newline to stdout.
pub fn print_line(line: impl Display) {
    print_text(format_args!("{line}\n"));
}

/// Writes `text` to stdout as is.
pub fn print_text(text: impl Display) {
    match write!(io::stdout().lock(), "{text}") {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        Err(err) => eprintln!("i2v: could not write to stdout: {err}"),
    }
}
