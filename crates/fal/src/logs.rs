//! Turns whatever mix of stream events and polls delivered logs into each line exactly once,
//! in order.
//!
//! Polling returns every line so far; a stream event returns lines new since the previous event
//! on that connection. The first event of a *new* connection is ambiguous (fal's documents do
//! not say whether it repeats earlier lines), so it is checked against what we have seen.

use crate::wire::LogEntry;

#[derive(Debug, Default, Clone)]
pub(crate) struct LogCursor {
    seen: usize,
    last: Option<LogEntry>,
}

impl LogCursor {
    /// Starts after `seen` lines already delivered (when resuming a job), `last` being the
    /// final one of them, if known.
    pub fn resume(seen: usize, last: Option<LogEntry>) -> Self {
        Self { seen, last }
    }

    /// `batch` holds every line since the start (a poll).
    pub fn take_full(&mut self, batch: Vec<LogEntry>) -> Vec<LogEntry> {
        if batch.len() <= self.seen {
            return Vec::new();
        }
        let fresh: Vec<LogEntry> = batch.into_iter().skip(self.seen).collect();
        self.advance(&fresh);
        fresh
    }

    /// `batch` may be every line so far or only new ones (first event of a stream).
    pub fn take_unknown(&mut self, batch: Vec<LogEntry>) -> Vec<LogEntry> {
        let repeats_history = self.seen > 0
            && batch.len() >= self.seen
            && self.last.as_ref() == batch.get(self.seen - 1);
        if repeats_history {
            self.take_full(batch)
        } else {
            self.take_delta(batch)
        }
    }

    /// `batch` holds only lines new since the previous event on the same stream.
    pub fn take_delta(&mut self, batch: Vec<LogEntry>) -> Vec<LogEntry> {
        self.advance(&batch);
        batch
    }

    fn advance(&mut self, fresh: &[LogEntry]) {
        if let Some(last) = fresh.last() {
            self.seen += fresh.len();
            self.last = Some(last.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(n: usize) -> LogEntry {
        LogEntry {
            message: format!("line {n}"),
            level: "INFO".into(),
            source: "user".into(),
            timestamp: format!("2026-11-25T12:00:{n:02}Z"),
        }
    }

    fn logs(range: std::ops::Range<usize>) -> Vec<LogEntry> {
        range.map(log).collect()
    }

    #[test]
    fn stream_then_poll_then_new_stream_gives_each_line_once() {
        let mut cursor = LogCursor::default();
        let mut out = Vec::new();
        out.extend(cursor.take_unknown(logs(0..2))); // first stream event
        out.extend(cursor.take_delta(logs(2..3))); // later event
        out.extend(cursor.take_full(logs(0..5))); // poll after the stream broke
        out.extend(cursor.take_full(logs(0..5))); // same poll again
        out.extend(cursor.take_unknown(logs(0..6))); // new stream repeating history
        out.extend(cursor.take_unknown(logs(6..7))); // new stream sending only new lines
        assert_eq!(out, logs(0..7));
    }

    #[test]
    fn resumes_after_lines_already_stored() {
        let mut cursor = LogCursor::resume(3, Some(log(2)));
        assert_eq!(cursor.take_full(logs(0..4)), logs(3..4));
        assert_eq!(cursor.take_unknown(logs(0..5)), logs(4..5));
    }
}
