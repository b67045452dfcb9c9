//! Counting the bytes written to the terminal: what a frame cost is what the link carried.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many bytes went through the [`Metered`] writers made from it.
#[derive(Clone, Debug, Default)]
pub struct Written(Arc<AtomicU64>);

impl Written {
    pub fn new() -> Written {
        Written::default()
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A writer that counts what it writes.
#[derive(Debug)]
pub struct Metered<W> {
    inner: W,
    written: Written,
}

impl<W> Metered<W> {
    pub fn new(inner: W, written: Written) -> Metered<W> {
        Metered { inner, written }
    }

    pub fn written(&self) -> &Written {
        &self.written
    }
}

impl<W: Write> Write for Metered<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_byte_through_every_writer() {
        let written = Written::new();
        let mut a = Metered::new(Vec::new(), written.clone());
        let mut b = Metered::new(Vec::new(), written.clone());
        a.write_all(b"hello").unwrap();
        b.write_all(b"!").unwrap();
        assert_eq!(written.get(), 6);
        assert_eq!(a.inner, b"hello");
    }
}
