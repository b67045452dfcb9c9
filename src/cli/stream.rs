//! Output written as it is produced, through one buffer: a long listing costs a few large
//! writes instead of one per line, and never sits whole in memory. A reader that went away
//! (`| head`) ends the output quietly.

use std::fmt::Display;
use std::io::{self, BufWriter, Write};

pub struct Stream<W: Write> {
    out: BufWriter<W>,
    gone: bool,
}

impl<W: Write> Stream<W> {
    pub fn new(out: W) -> Stream<W> {
        Stream {
            out: BufWriter::with_capacity(64 * 1024, out),
            gone: false,
        }
    }

    /// Whether the reader went away: nothing more will be written.
    pub fn gone(&self) -> bool {
        self.gone
    }

    pub fn write(&mut self, text: impl Display) -> io::Result<()> {
        if self.gone {
            return Ok(());
        }
        let written = write!(self.out, "{text}");
        self.settle(written)
    }

    pub fn finish(mut self) -> io::Result<()> {
        if self.gone {
            return Ok(());
        }
        let flushed = self.out.flush();
        self.settle(flushed)
    }

    fn settle(&mut self, result: io::Result<()>) -> io::Result<()> {
        match result {
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {
                self.gone = true;
                Ok(())
            }
            other => other,
        }
    }
}

impl Stream<io::StdoutLock<'static>> {
    pub fn stdout() -> Self {
        Stream::new(io::stdout().lock())
    }
}
