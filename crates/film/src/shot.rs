//! One shot as the joiner sees it: where its H.264 samples lie in the file, how long each
//! lasts and when it is shown, and its sample descriptions, all read from the index (moov)
//! alone. The samples stay on disk until they are copied.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use mp4_atom::{Codec, Decode, DrefEntry, FourCC, Stbl, StszSamples, Trak};

use crate::error::Problem;

/// A result video's index is a few kB; one this large is not one, and reading it would only
/// cost memory.
const MAX_INDEX: u64 = 64 << 20;
/// More frames than a day of video at 120 fps: a table that claims more is damaged.
const MAX_SAMPLES: u64 = 10_000_000;

pub(crate) struct Shot {
    pub path: PathBuf,
    /// The file's length when it was read: every sample lies inside it.
    pub len: u64,
    /// Ticks per second of the video track.
    pub timescale: u32,
    pub width: u32,
    pub height: u32,
    /// The track's sample descriptions, all H.264.
    pub entries: Vec<Codec>,
    /// In decoding order.
    pub samples: Vec<Sample>,
}

/// One coded picture: about 24 bytes, so a film's tables stay small however long it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sample {
    pub offset: u64,
    pub size: u32,
    /// Ticks until the next sample is decoded.
    pub duration: u32,
    /// Ticks from decoding to showing (composition offset; negative in some files).
    pub shown_after: i32,
    pub sync: bool,
    /// Which of the shot's `entries` describes it.
    pub entry: u16,
}

impl Shot {
    /// Decoding time of every sample and the whole length, in the shot's ticks.
    pub fn duration(&self) -> u64 {
        self.samples.iter().map(|s| u64::from(s.duration)).sum()
    }

    /// When the first picture is shown, in ticks from the first decoding: the delay B-frames
    /// add, which the edit list of the shot's own file hides.
    pub fn delay(&self) -> i64 {
        let mut decoded = 0i64;
        let mut first_shown = i64::MAX;
        for sample in &self.samples {
            first_shown = first_shown.min(decoded + i64::from(sample.shown_after));
            decoded += i64::from(sample.duration);
        }
        if first_shown == i64::MAX {
            0
        } else {
            first_shown
        }
    }
}

/// Reads the index of `path`; the samples are only located, not read.
pub(crate) fn read(path: &Path) -> Result<Shot, Problem> {
    // A FIFO at the path would block the open for good, and a device has no end: only a
    // regular file is a shot (the joining opens it again, after this look).
    if !std::fs::metadata(path)?.is_file() {
        return Err(Problem::Io(std::io::Error::other(
            "not a regular file (a FIFO, device or directory)",
        )));
    }
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let moov = find_moov(&mut file, len)?;
    let trak = video_track(&moov)?;
    let timescale = trak.mdia.mdhd.timescale;
    if timescale == 0 {
        return Err(corrupt("the video track has no timescale"));
    }
    let stbl = &trak.mdia.minf.stbl;
    let entries = h264_entries(&trak)?;
    let (width, height) = match entries.first() {
        Some(Codec::Avc1(avc1)) => (avc1.visual.width, avc1.visual.height),
        Some(Codec::Avc3(avc3)) => (avc3.visual.width, avc3.visual.height),
        _ => return Err(Problem::NoVideo),
    };
    let samples = samples(stbl, entries.len(), len)?;
    if samples.first().is_some_and(|s| !s.sync) {
        return Err(Problem::NoKeyframeFirst);
    }
    Ok(Shot {
        path: path.to_path_buf(),
        len,
        timescale,
        width: u32::from(width),
        height: u32::from(height),
        entries,
        samples,
    })
}

fn corrupt(what: &str) -> Problem {
    Problem::Corrupt(what.to_owned())
}

/// The body of the top-level `moov` box, wherever it is; `mdat` is skipped, never read.
fn find_moov(file: &mut File, len: u64) -> Result<Vec<u8>, Problem> {
    let mut at = 0u64;
    while at < len {
        file.seek(SeekFrom::Start(at))?;
        let mut header = [0u8; 16];
        let short = len - at < 8;
        if short {
            return Err(Problem::Truncated {
                needed: at + 8,
                len,
            });
        }
        file.read_exact(&mut header[..8])?;
        let kind = FourCC::new(&[header[4], header[5], header[6], header[7]]);
        if at == 0 && !looks_like_mp4(kind) {
            return Err(Problem::NotMp4(format!("it starts with {kind:?}")));
        }
        let (header_len, size) =
            match u32::from_be_bytes([header[0], header[1], header[2], header[3]]) {
                0 => (8, len - at),
                1 => {
                    if len - at < 16 {
                        return Err(Problem::Truncated {
                            needed: at + 16,
                            len,
                        });
                    }
                    file.read_exact(&mut header[8..16])?;
                    let mut large = [0u8; 8];
                    large.copy_from_slice(&header[8..16]);
                    (16, u64::from_be_bytes(large))
                }
                n => (8, u64::from(n)),
            };
        if size < header_len {
            return Err(Problem::NotMp4(format!(
                "a box claims {size} bytes, less than its own header"
            )));
        }
        let end = at
            .checked_add(size)
            .ok_or_else(|| corrupt("a box runs past any file"))?;
        if end > len {
            // The index may be in the missing part, or be the part cut: either way the file
            // is short, and saying so beats "no index".
            return Err(Problem::Truncated { needed: end, len });
        }
        if kind == FourCC::new(b"moov") {
            let body = size - header_len;
            if body > MAX_INDEX {
                return Err(corrupt("its index is larger than any video's"));
            }
            let mut moov = Vec::new();
            file.take(body).read_to_end(&mut moov)?;
            if moov.len() as u64 != body {
                return Err(Problem::Truncated { needed: end, len });
            }
            return Ok(moov);
        }
        at = end;
    }
    Err(Problem::NoIndex)
}

/// Whether a file may start with a box of this kind (ISO/IEC 14496-12 files start with
/// `ftyp`; older QuickTime files with others).
fn looks_like_mp4(kind: FourCC) -> bool {
    [
        b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid", b"styp",
    ]
    .iter()
    .any(|k| kind == FourCC::new(k))
}

/// The first video track of a moov body, decoded; other boxes of the moov are left alone, so
/// metadata the reader does not know never stops a join.
fn video_track(moov: &[u8]) -> Result<Trak, Problem> {
    let mut rest = moov;
    while rest.len() >= 8 {
        let size = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let size = match size {
            0 => rest.len(),
            1 => {
                let large = rest
                    .get(8..16)
                    .ok_or_else(|| corrupt("its index is cut short"))?;
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(large);
                usize::try_from(u64::from_be_bytes(bytes)).unwrap_or(usize::MAX)
            }
            n => n as usize,
        };
        if size < 8 || size > rest.len() {
            return Err(corrupt("a box of its index runs past the index"));
        }
        let (child, tail) = rest.split_at(size);
        rest = tail;
        if &child[4..8] != b"trak" {
            continue;
        }
        let trak = Trak::decode(&mut &child[..])
            .map_err(|err| Problem::NotMp4(format!("its track header: {err}")))?;
        if trak.mdia.hdlr.handler == FourCC::new(b"vide") {
            return Ok(trak);
        }
    }
    Err(Problem::NoVideo)
}

/// The track's sample descriptions, refused unless every one is H.264 with its frames in
/// this file.
fn h264_entries(trak: &Trak) -> Result<Vec<Codec>, Problem> {
    let dref = &trak.mdia.minf.dinf.dref.entries;
    let mut entries = Vec::new();
    for codec in &trak.mdia.minf.stbl.stsd.codecs {
        let reference = match codec {
            Codec::Avc1(avc1) => avc1.visual.data_reference_index,
            Codec::Avc3(avc3) => avc3.visual.data_reference_index,
            other => return Err(Problem::UnsupportedCodec(codec_name(other))),
        };
        let here = match dref.get(usize::from(reference).wrapping_sub(1)) {
            Some(DrefEntry::Url(url)) => url.location.is_empty(),
            // No data references at all: nothing points elsewhere.
            None => dref.is_empty(),
            Some(_) => false,
        };
        if !here {
            return Err(Problem::ExternalData);
        }
        entries.push(codec.clone());
    }
    if entries.is_empty() {
        return Err(Problem::NoVideo);
    }
    Ok(entries)
}

fn codec_name(codec: &Codec) -> String {
    match codec {
        Codec::Hev1(_) | Codec::Hvc1(_) => "H.265".into(),
        Codec::Av01(_) => "AV1".into(),
        Codec::Vp08(_) => "VP8".into(),
        Codec::Vp09(_) => "VP9".into(),
        Codec::Unknown(kind, _) => format!("{kind:?}"),
        _ => "not H.264".into(),
    }
}

/// Every sample of the track, in decoding order, from its tables: sizes (stsz), durations
/// (stts), composition offsets (ctts), chunks (stsc with stco or co64) and keyframes (stss).
fn samples(stbl: &Stbl, entry_count: usize, len: u64) -> Result<Vec<Sample>, Problem> {
    let count = match &stbl.stsz.samples {
        StszSamples::Identical { count, size } => {
            if *size == 0 && *count > 0 {
                return Err(corrupt("its frames are all 0 bytes"));
            }
            u64::from(*count)
        }
        StszSamples::Different { sizes } => sizes.len() as u64,
    };
    if count == 0 {
        return Err(corrupt("the video track has no frames"));
    }
    // Each sample takes at least a byte of the file.
    if count > MAX_SAMPLES || count > len {
        return Err(corrupt("its index claims more frames than the file holds"));
    }
    let count = count as usize;
    let size_of = |i: usize| match &stbl.stsz.samples {
        StszSamples::Identical { size, .. } => *size,
        StszSamples::Different { sizes } => sizes.get(i).copied().unwrap_or(0),
    };

    let durations = expand(
        stbl.stts
            .entries
            .iter()
            .map(|e| (e.sample_count, e.sample_delta)),
        count,
    )
    .ok_or_else(|| corrupt("its timing table (stts) covers fewer frames than it has"))?;
    let offsets: Vec<i32> = match &stbl.ctts {
        Some(ctts) => expand(
            ctts.entries.iter().map(|e| {
                // The low 32 bits: version 1 offsets are signed, and some writers put
                // negative offsets in version 0 boxes as their two's complement.
                (e.sample_count, e.sample_offset as i32)
            }),
            count,
        )
        .ok_or_else(|| corrupt("its composition table (ctts) covers fewer frames than it has"))?,
        None => vec![0; count],
    };

    let chunk_offsets: Vec<u64> = match (&stbl.stco, &stbl.co64) {
        (Some(stco), _) => stco.entries.iter().map(|&o| u64::from(o)).collect(),
        (None, Some(co64)) => co64.entries.clone(),
        (None, None) => return Err(corrupt("it has no chunk offsets (stco)")),
    };
    let mut samples = Vec::with_capacity(count);
    let runs = &stbl.stsc.entries;
    'chunks: for (r, run) in runs.iter().enumerate() {
        let first = run.first_chunk as usize;
        let next_first = runs
            .get(r + 1)
            .map_or(chunk_offsets.len() + 1, |next| next.first_chunk as usize);
        if first == 0 || next_first < first {
            return Err(corrupt("its chunk table (stsc) is out of order"));
        }
        let entry = run
            .sample_description_index
            .checked_sub(1)
            .filter(|&e| (e as usize) < entry_count)
            .and_then(|e| u16::try_from(e).ok())
            .ok_or_else(|| corrupt("a chunk names a sample description it does not have"))?;
        for chunk in first..next_first {
            let mut at = *chunk_offsets
                .get(chunk - 1)
                .ok_or_else(|| corrupt("its chunk table names chunks it has no offset for"))?;
            for _ in 0..run.samples_per_chunk {
                let i = samples.len();
                if i == count {
                    break 'chunks;
                }
                let size = size_of(i);
                let end = at
                    .checked_add(u64::from(size))
                    .ok_or_else(|| corrupt("a frame lies past any file"))?;
                if end > len {
                    return Err(Problem::Truncated { needed: end, len });
                }
                samples.push(Sample {
                    offset: at,
                    size,
                    duration: durations[i],
                    shown_after: offsets[i],
                    sync: stbl.stss.is_none(),
                    entry,
                });
                at = end;
            }
        }
    }
    if samples.len() < count {
        return Err(corrupt("its chunks hold fewer frames than it has"));
    }
    if let Some(stss) = &stbl.stss {
        for &number in &stss.entries {
            if let Some(sample) = samples.get_mut((number as usize).wrapping_sub(1)) {
                sample.sync = true;
            }
        }
    }
    Ok(samples)
}

/// Run-length pairs `(count, value)` as `count` values, or `None` when they cover fewer.
fn expand<T: Copy>(runs: impl Iterator<Item = (u32, T)>, count: usize) -> Option<Vec<T>> {
    let mut out = Vec::with_capacity(count);
    for (n, value) in runs {
        let take = (n as usize).min(count - out.len());
        out.extend(std::iter::repeat_n(value, take));
        if out.len() == count {
            return Some(out);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_expand_to_exactly_the_count() {
        assert_eq!(
            expand([(2, 5), (3, 7)].into_iter(), 4),
            Some(vec![5, 5, 7, 7])
        );
        assert_eq!(expand([(2, 5)].into_iter(), 3), None);
        assert_eq!(expand([(u32::MAX, 1u8)].into_iter(), 2), Some(vec![1, 1]));
    }

    #[test]
    fn only_plausible_first_boxes_pass() {
        assert!(looks_like_mp4(FourCC::new(b"ftyp")));
        assert!(!looks_like_mp4(FourCC::new(b"<htm")));
    }
}
