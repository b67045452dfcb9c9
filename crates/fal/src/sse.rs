//! Reads a server-sent events stream: each event's `data`, in order.
//!
//! Written here rather than taken from eventsource-stream, which parses its whole buffer
//! again for every chunk that arrives: a 15 MB event cost about a minute of one core. This
//! reader looks at each byte once and refuses an event larger than a set size.

use std::collections::VecDeque;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SseError {
    /// One event grew past the limit (bytes so far).
    TooLarge {
        limit: usize,
    },
    NotUtf8,
    Transport(String),
}

impl std::fmt::Display for SseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLarge { limit } => write!(f, "a status event is larger than {limit} bytes"),
            Self::NotUtf8 => f.write_str("a status event is not UTF-8"),
            Self::Transport(message) => f.write_str(message),
        }
    }
}

/// Events from a byte stream.
pub(crate) struct SseStream<S> {
    body: S,
    decoder: Decoder,
    ready: VecDeque<String>,
    ended: bool,
}

impl<S, E> SseStream<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    pub(crate) fn new(body: S, max_event_bytes: usize) -> Self {
        Self {
            body,
            decoder: Decoder::new(max_event_bytes),
            ready: VecDeque::new(),
            ended: false,
        }
    }

    /// The next event's data; `None` when the stream ends (a last event without its blank
    /// line is dropped, as the SSE spec says).
    pub(crate) async fn next(&mut self) -> Option<Result<String, SseError>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(Ok(event));
            }
            if self.ended {
                return None;
            }
            match self.body.next().await {
                None => self.ended = true,
                Some(Err(err)) => {
                    self.ended = true;
                    return Some(Err(SseError::Transport(err.to_string())));
                }
                Some(Ok(chunk)) => {
                    if let Err(err) = self.decoder.push(&chunk, &mut self.ready) {
                        self.ended = true;
                        return Some(Err(err));
                    }
                }
            }
        }
    }
}

/// The line-by-line state machine, fed chunk by chunk.
struct Decoder {
    max_event_bytes: usize,
    /// The current line so far.
    line: Vec<u8>,
    /// The current event's data so far.
    data: Vec<u8>,
    /// A `\r` ended the last line: a `\n` right after it belongs to it.
    after_cr: bool,
    at_start: bool,
}

impl Decoder {
    fn new(max_event_bytes: usize) -> Self {
        Self {
            max_event_bytes,
            line: Vec::new(),
            data: Vec::new(),
            after_cr: false,
            at_start: true,
        }
    }

    fn push(&mut self, mut chunk: &[u8], out: &mut VecDeque<String>) -> Result<(), SseError> {
        if self.at_start && !chunk.is_empty() {
            // A byte-order mark split across chunks is too rare to bother with.
            if let Some(rest) = chunk.strip_prefix(b"\xEF\xBB\xBF") {
                chunk = rest;
            }
            self.at_start = false;
        }
        while !chunk.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if chunk[0] == b'\n' {
                    chunk = &chunk[1..];
                    continue;
                }
            }
            let Some(end) = chunk.iter().position(|&b| b == b'\n' || b == b'\r') else {
                self.line.extend_from_slice(chunk);
                break;
            };
            self.line.extend_from_slice(&chunk[..end]);
            self.after_cr = chunk[end] == b'\r';
            chunk = &chunk[end + 1..];
            self.check_size()?;
            let line = std::mem::take(&mut self.line);
            self.line_done(&line, out)?;
        }
        self.check_size()
    }

    fn check_size(&self) -> Result<(), SseError> {
        if self.line.len() + self.data.len() > self.max_event_bytes {
            return Err(SseError::TooLarge {
                limit: self.max_event_bytes,
            });
        }
        Ok(())
    }

    fn line_done(&mut self, line: &[u8], out: &mut VecDeque<String>) -> Result<(), SseError> {
        if line.is_empty() {
            if !self.data.is_empty() {
                let mut data = std::mem::take(&mut self.data);
                data.pop(); // the newline after the last data line
                out.push_back(String::from_utf8(data).map_err(|_| SseError::NotUtf8)?);
            }
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(()); // a comment, e.g. a keep-alive
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        // `event`, `id` and `retry` mean nothing to fal's status stream.
        if field == b"data" {
            self.data.extend_from_slice(value);
            self.data.push(b'\n');
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&[u8]], max: usize) -> (Vec<String>, Option<SseError>) {
        let mut decoder = Decoder::new(max);
        let mut out = VecDeque::new();
        for chunk in chunks {
            if let Err(err) = decoder.push(chunk, &mut out) {
                return (out.into(), Some(err));
            }
        }
        (out.into(), None)
    }

    #[test]
    fn events_across_chunks_and_line_endings() {
        let (events, err) = decode(
            &[
                b"\xEF\xBB\xBFdata: {\"a\"",
                b":1}\n\n: keep-alive\r\n\r",
                b"\nevent: x\rdata:two\r\ndata: lines\r\rdata: last\n",
                b"\n",
            ],
            1024,
        );
        assert_eq!(err, None);
        assert_eq!(events, vec!["{\"a\":1}", "two\nlines", "last"]);
    }

    #[test]
    fn an_event_without_data_or_blank_line_is_not_delivered() {
        let (events, _) = decode(&[b"id: 1\n\ndata: cut"], 1024);
        assert!(events.is_empty(), "{events:?}");
    }

    #[test]
    fn an_event_past_the_limit_is_refused_while_it_grows() {
        let big = vec![b'x'; 600];
        let (events, err) = decode(&[b"data: ok\n\ndata: ", &big, &big], 1000);
        assert_eq!(events, vec!["ok"]);
        assert_eq!(err, Some(SseError::TooLarge { limit: 1000 }));
        // The same bytes split over data lines count together.
        let (_, err) = decode(&[b"data: ", &big, b"\ndata: ", &big, b"\n"], 1000);
        assert_eq!(err, Some(SseError::TooLarge { limit: 1000 }));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error() {
        let (_, err) = decode(&[b"data: \xff\xfe\n\n"], 1024);
        assert_eq!(err, Some(SseError::NotUtf8));
    }
}
