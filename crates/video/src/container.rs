//! The MP4 side: finds the H.264 track, its parameter sets and where each sample lies.

use std::io::Cursor;
use std::path::Path;
use std::time::Duration;

use mp4parse::unstable::{CheckedInteger, create_sample_table};
use mp4parse::{CodecType, SampleEntry, Track, TrackType, VideoCodecSpecific};

use crate::annexb::AvcConfig;
use crate::error::{Problem, VideoError};

/// What a video is, read from its index without decoding anything.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoInfo {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub frame_count: usize,
    pub duration: Duration,
}

/// One coded picture: where its bytes are and when it is shown.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    pub start: usize,
    pub end: usize,
    /// Presentation time in the track's timescale.
    pub pts: i64,
}

pub(crate) struct Container {
    pub info: VideoInfo,
    pub config: AvcConfig,
    /// In decoding order.
    pub samples: Vec<Sample>,
    /// Presentation times sorted, so the n-th decoded picture out of the decoder (which comes
    /// out in display order) is shown at `display_times[n]`.
    pub display_times: Vec<i64>,
    pub timescale: u64,
}

impl Container {
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Container, VideoError> {
        let fail = |problem: Problem| VideoError::new(path, problem);
        let context = mp4parse::read_mp4(&mut Cursor::new(bytes)).map_err(|err| {
            // A cut download is the likely story: say so rather than quote the parser.
            fail(match (cut_short(bytes), err) {
                (Some(needed), _) => Problem::Truncated {
                    needed,
                    len: bytes.len() as u64,
                },
                (None, mp4parse::Error::UnexpectedEOF) => Problem::EndsEarly {
                    len: bytes.len() as u64,
                },
                (None, other) => Problem::NotMp4(describe(&other)),
            })
        })?;
        let track = context
            .tracks
            .iter()
            .find(|t| t.track_type == TrackType::Video)
            .ok_or_else(|| fail(Problem::NoVideo))?;
        let entry = video_entry(track).ok_or_else(|| fail(Problem::NoVideo))?;
        let avcc = match (&entry.codec_type, &entry.codec_specific) {
            (CodecType::H264, VideoCodecSpecific::AVCConfig(avcc)) => avcc,
            (codec, _) => return Err(fail(Problem::UnsupportedCodec(codec_name(codec)))),
        };
        let config = AvcConfig::parse(avcc).map_err(|m| fail(Problem::Corrupt(m)))?;

        let timescale = track
            .timescale
            .as_ref()
            .map(|t| t.0)
            .filter(|&t| t > 0)
            .ok_or_else(|| fail(Problem::Corrupt("the video track has no timescale".into())))?;
        let table = create_sample_table(track, CheckedInteger(0))
            .ok_or_else(|| fail(Problem::Corrupt("the sample table is incomplete".into())))?;
        let mut samples = Vec::with_capacity(table.len());
        for indice in table.iter() {
            let (start, end) = (indice.start_offset.0, indice.end_offset.0);
            if end > bytes.len() as u64 {
                return Err(fail(Problem::Truncated {
                    needed: end,
                    len: bytes.len() as u64,
                }));
            }
            samples.push(Sample {
                // Both fit: they are at most the length of a slice.
                start: start as usize,
                end: end as usize,
                pts: indice.start_composition.0,
            });
        }
        if samples.is_empty() {
            return Err(fail(Problem::Corrupt(
                "the video track has no frames".into(),
            )));
        }
        if samples.iter().any(|s| s.start > s.end) {
            return Err(fail(Problem::Corrupt(
                "a sample ends before it starts".into(),
            )));
        }
        let mut display_times: Vec<i64> = samples.iter().map(|s| s.pts).collect();
        display_times.sort_unstable();

        let frame_count = samples.len();
        let duration_ticks = track
            .duration
            .as_ref()
            .map(|d| d.0)
            .filter(|&d| d > 0)
            .unwrap_or_else(|| {
                let first = display_times.first().copied().unwrap_or(0);
                let last = display_times.last().copied().unwrap_or(0);
                // One frame's worth past the last one shown.
                let span = last.saturating_sub(first) as u64;
                span + span / (frame_count as u64).saturating_sub(1).max(1)
            });
        let duration = Duration::from_secs_f64(duration_ticks as f64 / timescale as f64);
        let fps = if duration.is_zero() {
            0.0
        } else {
            frame_count as f64 / duration.as_secs_f64()
        };
        Ok(Container {
            info: VideoInfo {
                width: u32::from(entry.width),
                height: u32::from(entry.height),
                fps,
                frame_count,
                duration,
            },
            config,
            samples,
            display_times,
            timescale,
        })
    }
}

/// Where the top-level box that runs past the end of the file says it ends, if one does.
fn cut_short(bytes: &[u8]) -> Option<u64> {
    let len = bytes.len() as u64;
    let mut at = 0u64;
    while at + 8 <= len {
        let header = &bytes[at as usize..];
        let size32 = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let size = match size32 {
            // Runs to the end of the file by definition.
            0 => return None,
            1 => {
                let large = header.get(8..16)?;
                u64::from_be_bytes(large.try_into().ok()?)
            }
            n => u64::from(n),
        };
        if size < 8 {
            return None;
        }
        let end = at.checked_add(size)?;
        if end > len {
            return Some(end);
        }
        at = end;
    }
    None
}

fn video_entry(track: &Track) -> Option<&mp4parse::VideoSampleEntry> {
    track
        .stsd
        .as_ref()?
        .descriptions
        .iter()
        .find_map(|entry| match entry {
            SampleEntry::Video(video) => Some(video),
            _ => None,
        })
}

fn codec_name(codec: &CodecType) -> String {
    match codec {
        CodecType::Unknown => "an unknown codec".into(),
        CodecType::MP4V => "MPEG-4 Part 2".into(),
        other => format!("{other:?}"),
    }
}

fn describe(err: &mp4parse::Error) -> String {
    match err {
        mp4parse::Error::InvalidData(status) => format!("{status:?}"),
        mp4parse::Error::Unsupported(what) => format!("unsupported: {what}"),
        mp4parse::Error::UnexpectedEOF => "it ends too early".into(),
        mp4parse::Error::Io(err) => err.to_string(),
        mp4parse::Error::MoovMissing => "it has no index (moov box)".into(),
        mp4parse::Error::OutOfMemory => "its index claims more memory than there is".into(),
    }
}
