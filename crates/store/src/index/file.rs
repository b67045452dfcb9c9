//! The index file's bytes: a fixed header (magic, format, when the files were looked at, body
//! length, CRC-32 of the body), then every entry in postcard's compact binary form. Anything
//! that does not check out in full is refused as a whole, and the caller rebuilds.

use std::collections::HashSet;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};

use super::stamp::Stamp;
use crate::record::{BatchId, ErrorKind, JobId, JobState};
use crate::summary::{Summary, Timings};

const MAGIC: &[u8; 8] = b"I2VJOBIX";
/// Bump on any change to [`Entry`] or [`StoredState`]: an index of another format is rebuilt.
/// `the_encoding_is_pinned` fails when the bytes change without a bump.
pub(crate) const FORMAT: u32 = 5;
/// Magic, format, stamp time, body length, checksum.
const HEADER_LEN: usize = MAGIC.len() + 4 + 8 + 8 + 4;

/// What an index holds: every job's stamp and summary, newest first, and when the stamps were
/// taken (ns since the epoch), so that entries changed about then are not trusted.
#[derive(Debug, Default)]
pub(crate) struct IndexFile {
    pub stamped_at: i64,
    pub entries: Vec<(Stamp, Summary)>,
}

/// The index's bytes for `entries`, whole (what [`write`] puts in a file).
#[cfg(test)]
pub(crate) fn encode(stamped_at: i64, entries: &[(Stamp, Summary)]) -> Result<Vec<u8>, String> {
    let mut bytes = io::Cursor::new(Vec::new());
    write(&mut bytes, stamped_at, entries).map_err(|e| e.to_string())?;
    Ok(bytes.into_inner())
}

/// Writes the index into `to` a chunk at a time: whole, 100,000 jobs' entries are 20 MB,
/// twice over while the header went in front, and glibc would keep that peak. The header,
/// whose length and checksum cover the body, goes in last, over a placeholder.
pub(crate) fn write<W: Write + Seek>(
    mut to: W,
    stamped_at: i64,
    entries: &[(Stamp, Summary)],
) -> io::Result<()> {
    to.write_all(&[0; HEADER_LEN])?;
    let body = Hashing {
        to: &mut to,
        hasher: crc32fast::Hasher::new(),
        len: 0,
    };
    let mut body = BufWriter::with_capacity(CHUNK, body);
    postcard::to_io(&Entries(entries), &mut body).map_err(io::Error::other)?;
    let Hashing {
        hasher: body_crc,
        len,
        ..
    } = body.into_inner().map_err(|e| e.into_error())?;
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT.to_le_bytes());
    header.extend_from_slice(&stamped_at.to_le_bytes());
    header.extend_from_slice(&len.to_le_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(&header);
    crc.combine(&body_crc);
    header.extend_from_slice(&crc.finalize().to_le_bytes());
    to.seek(SeekFrom::Start(0))?;
    to.write_all(&header)?;
    to.flush()
}

/// Passes bytes on, counting them and keeping their CRC-32.
struct Hashing<W> {
    to: W,
    hasher: crc32fast::Hasher,
    len: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.to.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.to.flush()
    }
}

/// Bytes of the index read at a time: every temporary of a listing stays this small, so a long
/// history's listing leaves no large freed block behind (glibc would then serve the next
/// listing's buffers from a heap it keeps, instead of mappings it returns).
const CHUNK: usize = 64 * 1024;

/// The index in `bytes`, or why it cannot be trusted.
#[cfg(test)]
pub(crate) fn decode(bytes: &[u8]) -> Result<IndexFile, String> {
    read(bytes)
}

/// The index read from `from` a chunk at a time, or why it cannot be trusted. Entries are
/// decoded as the bytes arrive; the checksum covers all of them and is checked at the end,
/// so an index damaged anywhere is refused whole, whatever was decoded before.
pub(crate) fn read(mut from: impl Read) -> Result<IndexFile, String> {
    let mut header = [0; HEADER_LEN];
    from.read_exact(&mut header)
        .map_err(|_| "shorter than its header")?;
    let (magic, rest) = header.split_at(MAGIC.len());
    if magic != MAGIC {
        return Err("not an i2v index".into());
    }
    let format = u32::from_le_bytes(word(rest, 0));
    if format != FORMAT {
        return Err(format!("format {format}, this i2v writes {FORMAT}"));
    }
    let stamped_at = i64::from_le_bytes(word(rest, 4));
    let body_len = u64::from_le_bytes(word(rest, 12));
    let crc = u32::from_le_bytes(word(rest, 20));
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&header[..HEADER_LEN - 4]);
    let mut body = Body {
        from,
        left: body_len,
        hasher,
        buf: Vec::with_capacity(CHUNK),
        at: 0,
    };

    let count: usize = body.take(|bytes| {
        let (count, rest) = postcard::take_from_bytes(bytes)?;
        Ok((count, bytes.len() - rest.len()))
    })?;
    // The count comes from the file: trust it only as far as a plausible history. Reserved
    // once and kept (the entries become the listing), so it never grows by doubling.
    let mut entries = Vec::with_capacity(count.min(1 << 20));
    let mut prompts = HashSet::new();
    for _ in 0..count {
        let summary = body.take(|bytes| {
            let (entry, rest) = postcard::take_from_bytes::<Entry<'_>>(bytes)?;
            Ok((entry.into_summary(&mut prompts), bytes.len() - rest.len()))
        })?;
        entries.push(summary.ok_or("an entry does not hold a valid job")?);
    }
    body.finish(crc)?;
    Ok(IndexFile {
        stamped_at,
        entries,
    })
}

/// The body as it is read: `buf[at..]` is read but not decoded yet, `left` is what the header
/// says is still to come.
struct Body<R> {
    from: R,
    left: u64,
    hasher: crc32fast::Hasher,
    buf: Vec<u8>,
    at: usize,
}

impl<R: Read> Body<R> {
    /// The next value `parse` finds (with how many bytes it used), reading on while the
    /// bytes at hand end inside it.
    fn take<T>(
        &mut self,
        mut parse: impl FnMut(&[u8]) -> postcard::Result<(T, usize)>,
    ) -> Result<T, String> {
        loop {
            match parse(&self.buf[self.at..]) {
                Ok((value, used)) => {
                    self.at += used;
                    return Ok(value);
                }
                Err(postcard::Error::DeserializeUnexpectedEnd) if self.left > 0 => self.fill()?,
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    /// Up to another chunk after what is not decoded yet (an entry longer than a chunk
    /// takes several).
    fn fill(&mut self) -> Result<(), String> {
        self.buf.drain(..self.at);
        self.at = 0;
        let start = self.buf.len();
        let n = usize::try_from(self.left).map_or(CHUNK, |left| left.min(CHUNK));
        self.buf.resize(start + n, 0);
        self.from
            .read_exact(&mut self.buf[start..])
            .map_err(|_| "shorter than its header says")?;
        self.hasher.update(&self.buf[start..]);
        self.left -= n as u64;
        Ok(())
    }

    /// Every byte the header announced decoded, nothing after them, and the checksum right.
    fn finish(mut self, crc: u32) -> Result<(), String> {
        if self.at != self.buf.len() || self.left != 0 {
            return Err("bytes after the last entry".into());
        }
        match self.from.read(&mut [0]) {
            Ok(0) => {}
            Ok(_) => return Err("longer than its header says".into()),
            Err(e) => return Err(format!("could not read: {e}")),
        }
        if self.hasher.finalize() != crc {
            return Err("checksum mismatch".into());
        }
        Ok(())
    }
}

/// `N` bytes of `bytes` from `at`; the caller checked the length.
fn word<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(&bytes[at..at + N]);
    out
}

/// Serialises the entries as one sequence without copying them first.
struct Entries<'a>(&'a [(Stamp, Summary)]);

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|(stamp, s)| Entry::of(*stamp, s)))
    }
}

/// One job as stored: borrowed from the summary when written, from the index's bytes when
/// read.
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    stamp: Stamp,
    id: &'a str,
    created: (i64, u32),
    updated: (i64, u32),
    state: StoredState,
    prompt: &'a str,
    image: &'a str,
    prompt_optimizer: bool,
    rating: Option<u8>,
    /// The note's start (format 4; a flag before).
    note: Option<&'a str>,
    batch: Option<&'a str>,
    price_usd: Option<f64>,
    has_video: bool,
    has_file: bool,
    error_kind: Option<&'a str>,
    continues: Option<&'a str>,
    /// Queued, running and inference seconds (format 3).
    timings: (Option<f64>, Option<f64>, Option<f64>),
    /// Brought in from fal's records (format 5).
    imported: bool,
}

impl<'a> Entry<'a> {
    fn of(stamp: Stamp, s: &'a Summary) -> Entry<'a> {
        Entry {
            stamp,
            id: s.id.as_str(),
            created: instant(s.created_at),
            updated: instant(s.updated_at),
            state: StoredState::of(&s.state),
            prompt: &s.prompt,
            image: &s.image,
            prompt_optimizer: s.prompt_optimizer,
            rating: s.rating,
            note: s.note.as_deref(),
            batch: s.batch.as_ref().map(|b| b.as_str()),
            price_usd: s.price_usd,
            has_video: s.has_video,
            has_file: s.has_file,
            error_kind: s.error_kind.as_ref().map(|k| k.as_str()),
            continues: s.continues.as_ref().map(|c| c.as_str()),
            timings: (s.timings.queued, s.timings.running, s.timings.inference),
            imported: s.imported,
        }
    }

    fn into_summary(self, prompts: &mut HashSet<Arc<str>>) -> Option<(Stamp, Summary)> {
        let prompt = match prompts.get(self.prompt) {
            Some(known) => known.clone(),
            None => {
                let new: Arc<str> = Arc::from(self.prompt);
                prompts.insert(new.clone());
                new
            }
        };
        let summary = Summary {
            id: JobId::parse(self.id)?,
            created_at: DateTime::from_timestamp(self.created.0, self.created.1)?,
            updated_at: DateTime::from_timestamp(self.updated.0, self.updated.1)?,
            state: self.state.into_state(),
            prompt,
            image: self.image.to_owned(),
            prompt_optimizer: self.prompt_optimizer,
            rating: self.rating,
            note: self.note.map(Box::from),
            batch: match self.batch {
                Some(batch) => Some(BatchId::parse(batch)?),
                None => None,
            },
            price_usd: self.price_usd,
            has_video: self.has_video,
            has_file: self.has_file,
            error_kind: self.error_kind.map(ErrorKind::from),
            continues: match self.continues {
                Some(continues) => Some(JobId::parse(continues)?),
                None => None,
            },
            timings: Timings {
                queued: self.timings.0,
                running: self.timings.1,
                inference: self.timings.2,
            },
            imported: self.imported,
        };
        Some((self.stamp, summary))
    }
}

fn instant(at: DateTime<Utc>) -> (i64, u32) {
    (at.timestamp(), at.timestamp_subsec_nanos())
}

/// [`JobState`] in a form postcard can carry (the record's JSON form is internally tagged,
/// which a non-self-describing format cannot read back).
#[derive(Serialize, Deserialize)]
enum StoredState {
    Preparing,
    Queued(Option<u32>),
    Running,
    Downloading,
    ResultPending,
    Completed,
    Failed,
    Cancelled,
    MaybeSubmitted,
}

impl StoredState {
    fn of(state: &JobState) -> StoredState {
        match state {
            JobState::Preparing => Self::Preparing,
            JobState::Queued { position } => Self::Queued(*position),
            JobState::Running => Self::Running,
            JobState::Downloading => Self::Downloading,
            JobState::ResultPending => Self::ResultPending,
            JobState::Completed => Self::Completed,
            JobState::Failed => Self::Failed,
            JobState::Cancelled => Self::Cancelled,
            JobState::MaybeSubmitted => Self::MaybeSubmitted,
        }
    }

    fn into_state(self) -> JobState {
        match self {
            Self::Preparing => JobState::Preparing,
            Self::Queued(position) => JobState::Queued { position },
            Self::Running => JobState::Running,
            Self::Downloading => JobState::Downloading,
            Self::ResultPending => JobState::ResultPending,
            Self::Completed => JobState::Completed,
            Self::Failed => JobState::Failed,
            Self::Cancelled => JobState::Cancelled,
            Self::MaybeSubmitted => JobState::MaybeSubmitted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{ImageSource, JobInput, JobRecord};

    fn entry() -> (Stamp, Summary) {
        let mut record = JobRecord::new(
            "m",
            JobInput {
                prompt: "a fox\nin snow".into(),
                image: ImageSource::Url {
                    url: "https://example.com/fox.png".into(),
                },
                prompt_optimizer: true,
            },
        );
        record.id = JobId::parse("01JFOX0000000000000000000A").unwrap_or_default();
        record.created_at = DateTime::from_timestamp(1_800_000_000, 123).unwrap_or_default();
        record.updated_at = record.created_at;
        record.state = JobState::Queued { position: Some(4) };
        record.note = Some("sharp".into());
        let stamp = Stamp {
            len: 1234,
            modified_ns: 5,
            changed_ns: 6,
            inode: 7,
        };
        let mut summary = Summary::of(&record);
        summary.timings = Timings {
            queued: Some(7.5),
            running: None,
            inference: Some(58.25),
        };
        (stamp, summary)
    }

    #[test]
    fn entries_read_back_as_written() {
        let entries = vec![entry(), entry()];
        let bytes = encode(42, &entries).unwrap();
        let read = decode(&bytes).unwrap();
        assert_eq!(read.stamped_at, 42);
        assert_eq!(read.entries, entries);
    }

    #[test]
    fn any_damage_is_refused() {
        let bytes = encode(42, &[entry()]).unwrap();
        for cut in [0, 5, HEADER_LEN, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for at in [0, 8, 12, 20, 28, HEADER_LEN, bytes.len() - 1] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x20;
            assert!(decode(&flipped).is_err(), "byte {at} flipped");
        }
    }

    /// An index of many chunks, each entry's prompt its own and one longer than a chunk.
    fn long_index() -> (Vec<(Stamp, Summary)>, Vec<u8>) {
        let entries: Vec<_> = (0..1000)
            .map(|n| {
                let (stamp, mut summary) = entry();
                let words = if n == 500 { 20_000 } else { 40 };
                summary.prompt = format!("{n} {}", "fox ".repeat(words)).into();
                (stamp, summary)
            })
            .collect();
        let bytes = encode(42, &entries).unwrap();
        assert!(bytes.len() > 3 * CHUNK, "{} bytes", bytes.len());
        (entries, bytes)
    }

    #[test]
    fn a_long_index_is_read_whole_a_chunk_at_a_time() {
        let (entries, bytes) = long_index();
        assert_eq!(decode(&bytes).unwrap().entries, entries);
        // A reader that hands out a few bytes at a time, as a pipe or a slow disk may.
        let trickle = std::io::BufReader::with_capacity(7, &bytes[..]);
        assert_eq!(read(trickle).unwrap().entries, entries);
    }

    /// Damage that still decodes is only found by the checksum, once every entry is read.
    #[test]
    fn damage_found_only_at_the_end_refuses_everything_read_before() {
        let (_, bytes) = long_index();
        let last = bytes.windows(4).rposition(|w| w == b"fox ").unwrap();
        assert!(last > bytes.len() - 100, "a letter of the last prompt");
        let mut changed = bytes.clone();
        changed[last] = b'b';
        assert_eq!(decode(&changed).unwrap_err(), "checksum mismatch");

        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_err(), "a byte after the body");
    }

    /// Changing what an entry holds changes these bytes: bump [`FORMAT`] with the new ones, so
    /// old indexes are rebuilt instead of misread.
    #[test]
    fn the_encoding_is_pinned() {
        let bytes = encode(42, &[entry()]).unwrap();
        let body = &bytes[HEADER_LEN..];
        let hex: String = body.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(FORMAT, 5);
        assert_eq!(
            hex,
            "01d2090a0c071a30314a464f58303030303030303030303030303030303030304180c8ceb40d7b80c8ceb40d7b0101040d6120666f780a696e20736e6f771b68747470733a2f2f6578616d706c652e636f6d2f666f782e706e67010001057368617270000000000000010000000000001e4000010000000000204d4000"
        );
    }
}
