//! One video file: its facts from the index, and frames decoded in a single pass.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Duration;

use image::RgbImage;
use openh264::OpenH264API;
use openh264::decoder::{DecodeOptions, DecodedYUV, Decoder, DecoderConfig, Flush};
use openh264::formats::YUVSource;

use crate::container::{Container, VideoInfo};
use crate::error::{Problem, VideoError};
use crate::frame::Frame;
use crate::position::Position;

/// An MP4 file held in memory (results are a few MB), ready to decode.
pub struct Video {
    path: PathBuf,
    bytes: Vec<u8>,
    container: Container,
}

/// More than any 6-second result is: a file past it is no video i2v made.
const MAX_VIDEO_BYTES: u64 = 4 << 30;

/// The whole file, if it is a regular one within [`MAX_VIDEO_BYTES`]: a FIFO at a video's
/// path would block the open (without `O_NONBLOCK`) or the read, and `/dev/zero` would read
/// until memory runs out.
fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = open_regular(path, false)?;
    read_within(file, MAX_VIDEO_BYTES).map_err(|err| match err.kind() {
        std::io::ErrorKind::FileTooLarge => std::io::Error::other(format!(
            "larger than {} GB, more than a video ever is, so it was not read",
            MAX_VIDEO_BYTES >> 30
        )),
        _ => err,
    })
}

/// `path` opened for reading (and writing, with `write`) if it is a regular file: opened
/// with `O_NONBLOCK`, so a FIFO there fails the check instead of blocking the open.
pub(crate) fn open_regular(path: &Path, write: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(write);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (a FIFO, device or directory), so it was not read",
        ));
    }
    Ok(file)
}

/// The rest of `file`, refused (`FileTooLarge`) past `cap` bytes: it may grow between the
/// look at its size and the read.
pub(crate) fn read_within(file: std::fs::File, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let too_large = || std::io::Error::from(std::io::ErrorKind::FileTooLarge);
    let len = file.metadata()?.len();
    if len > cap {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large());
    }
    Ok(bytes)
}

impl Video {
    /// Reads and indexes the file; decodes nothing yet.
    pub fn open(path: impl AsRef<Path>) -> Result<Video, VideoError> {
        let path = path.as_ref();
        let bytes = read_regular(path).map_err(|err| VideoError::new(path, err))?;
        Self::from_bytes(path, bytes)
    }

    /// As [`Video::open`], for bytes already read; `path` only names it in errors.
    pub fn from_bytes(path: impl AsRef<Path>, bytes: Vec<u8>) -> Result<Video, VideoError> {
        let path = path.as_ref();
        let container = guarded(path, || Container::parse(path, &bytes))?;
        Ok(Video {
            path: path.to_path_buf(),
            bytes,
            container,
        })
    }

    pub fn info(&self) -> &VideoInfo {
        &self.container.info
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which frame, counted in display order, a position means.
    pub fn index_of(&self, position: Position) -> Result<usize, VideoError> {
        let count = self.container.info.frame_count;
        match position {
            Position::First => Ok(0),
            Position::Middle => Ok(count / 2),
            Position::Last => Ok(count.saturating_sub(1)),
            Position::At(seconds) => {
                let duration = self.container.info.duration.as_secs_f64();
                if seconds > duration {
                    return Err(VideoError::new(
                        &self.path,
                        Problem::PastEnd {
                            at: seconds,
                            duration,
                        },
                    ));
                }
                let times = &self.container.display_times;
                let start = times.first().copied().unwrap_or(0);
                let ticks =
                    start.saturating_add((seconds * self.container.timescale as f64) as i64);
                // The frame on screen at that moment: the last one shown at or before it.
                Ok(times.partition_point(|&t| t <= ticks).saturating_sub(1))
            }
        }
    }

    /// Decodes the frames at `positions`, in one pass from the start that stops as soon as
    /// the last one wanted is out. Frames come back in the order asked.
    pub fn frames(&self, positions: &[Position]) -> Result<Vec<Frame>, VideoError> {
        let wanted = positions
            .iter()
            .map(|&p| self.index_of(p))
            .collect::<Result<Vec<_>, _>>()?;
        let Some(&last_wanted) = wanted.iter().max() else {
            return Ok(Vec::new());
        };
        let mut images: BTreeMap<usize, RgbImage> =
            wanted.iter().map(|&i| (i, RgbImage::new(0, 0))).collect();
        let shown = self.decode(last_wanted + 1, |index, yuv| {
            if let Some(slot) = images.get_mut(&index) {
                *slot = to_rgb(yuv);
            }
            ControlFlow::Continue(())
        })?;
        if shown <= last_wanted {
            return Err(self.error(Problem::MissingFrames {
                decoded: shown,
                count: self.container.info.frame_count,
            }));
        }
        Ok(positions
            .iter()
            .zip(wanted)
            .map(|(&position, index)| Frame {
                index,
                position,
                image: images.get(&index).cloned().unwrap_or_default(),
            })
            .collect())
    }

    /// Decodes every frame and converts none: the floor any single pass costs.
    pub fn decode_all(&self) -> Result<usize, VideoError> {
        self.decode(usize::MAX, |_, _| ControlFlow::Continue(()))
    }

    /// Decodes the pictures in display order, handing each to `picture` as it comes out of
    /// the decoder, until `picture` breaks or the stream ends; returns how many came out.
    /// Nothing is converted unless `picture` asks: playback decodes every frame but shows
    /// only those it has time for.
    pub fn each_picture(
        &self,
        mut picture: impl FnMut(Picture<'_>) -> ControlFlow<()>,
    ) -> Result<usize, VideoError> {
        self.decode(usize::MAX, |index, yuv| {
            picture(Picture {
                index,
                time: self.time_of(index),
                yuv,
            })
        })
    }

    /// When the frame with this display index is shown, counted from the first one.
    pub fn time_of(&self, index: usize) -> Duration {
        let times = &self.container.display_times;
        let first = times.first().copied().unwrap_or(0);
        let at = times.get(index).copied().unwrap_or(first);
        let ticks = at.saturating_sub(first).max(0) as f64;
        Duration::from_secs_f64(ticks / self.container.timescale as f64)
    }

    /// Feeds samples to a fresh decoder until `needed` pictures came out, the stream ended or
    /// `picture` broke, handing each to `picture` with its display index; returns how many
    /// came out.
    fn decode(
        &self,
        needed: usize,
        mut picture: impl FnMut(usize, &DecodedYUV<'_>) -> ControlFlow<()>,
    ) -> Result<usize, VideoError> {
        guarded(&self.path, || {
            // openh264's default flushes after every packet, which loses B-frame streams
            // after a few frames; holding pictures back and flushing once at the end does not.
            let config = DecoderConfig::new().flush_after_decode(Flush::NoFlush);
            let mut decoder = Decoder::with_api_config(OpenH264API::from_source(), config)
                .map_err(|err| self.error(Problem::DecoderSetup(err.to_string())))?;
            let count = self.container.samples.len();
            let first_shown = self.container.display_times.first().copied().unwrap_or(0);
            let mut shown = 0;
            let mut annexb = Vec::new();
            // The sequence parameters in force: the configuration's, until a stream brings
            // others in band.
            let mut active: Vec<Vec<u8>> = self.container.config.sequence_sets().to_vec();
            for (i, sample) in self.container.samples.iter().enumerate() {
                let damaged = |message: String| {
                    self.error(Problem::Decode {
                        sample: i + 1,
                        count,
                        message,
                    })
                };
                let bytes = &self.bytes[sample.start..sample.end];
                // Every picture before an IDR is shown before it. Where the IDR brings other
                // sequence parameters in band (shots with other settings joined into a film),
                // openh264 starts afresh and drops the pictures it still holds back for
                // reordering, unless they are flushed out first. (Flushed at every IDR, the
                // same stream fails later on with other frames.)
                if i > 0
                    && let Some(sets) = self.container.config.new_sequence(bytes)
                    && sets.iter().any(|set| !active.iter().any(|a| a == set))
                {
                    active = sets.iter().map(|set| set.to_vec()).collect();
                    let held = decoder
                        .flush_remaining()
                        .map_err(|err| damaged(err.to_string()))?;
                    for yuv in held {
                        if shown >= needed {
                            return Ok(shown);
                        }
                        let flow = picture(shown, &yuv);
                        shown += 1;
                        if flow.is_break() {
                            return Ok(shown);
                        }
                    }
                }
                self.container
                    .config
                    .to_annexb(bytes, i == 0, &mut annexb)
                    .map_err(damaged)?;
                // The first picture shown is nearly always the first decoded (the keyframe).
                // When it is all that is wanted, flushing it out at once saves decoding the
                // frames the decoder would hold back for reordering. Flushing mid-stream is
                // what breaks B-frame streams, so only a pass that stops here may do it.
                let flush = if needed == 1 && i == 0 && sample.pts == first_shown {
                    Flush::Flush
                } else {
                    Flush::NoFlush
                };
                match decoder
                    .decode_with_options(&annexb, DecodeOptions::new().flush_after_decode(flush))
                {
                    Ok(Some(yuv)) => {
                        let flow = picture(shown, &yuv);
                        shown += 1;
                        if flow.is_break() {
                            return Ok(shown);
                        }
                    }
                    Ok(None) => {}
                    Err(err) => return Err(damaged(err.to_string())),
                }
                if shown >= needed {
                    return Ok(shown);
                }
            }
            let rest = decoder.flush_remaining().map_err(|err| {
                self.error(Problem::Decode {
                    sample: count,
                    count,
                    message: err.to_string(),
                })
            })?;
            for yuv in rest {
                if shown >= needed {
                    break;
                }
                let flow = picture(shown, &yuv);
                shown += 1;
                if flow.is_break() {
                    break;
                }
            }
            Ok(shown)
        })
    }

    fn error(&self, problem: Problem) -> VideoError {
        VideoError::new(&self.path, problem)
    }
}

/// One picture out of the decoder, in display order, lent until the next one comes out.
pub struct Picture<'a> {
    index: usize,
    time: Duration,
    yuv: &'a DecodedYUV<'a>,
}

impl Picture<'_> {
    /// Which frame this is, counted in display order from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// When it is shown, counted from the first frame.
    pub fn time(&self) -> Duration {
        self.time
    }

    /// The whole picture as RGB.
    pub fn to_rgb(&self) -> RgbImage {
        to_rgb(self.yuv)
    }

    /// The picture boxed down to fit in `max_width`×`max_height`, aspect kept: far cheaper
    /// than [`Picture::to_rgb`] and a resize when the target is small.
    pub fn to_small_rgb(&self, max_width: u32, max_height: u32) -> RgbImage {
        crate::scale::yuv_to_small_rgb(self.yuv, max_width, max_height)
    }
}

fn to_rgb(yuv: &DecodedYUV<'_>) -> RgbImage {
    let (width, height) = yuv.dimensions();
    let mut rgb = vec![0; yuv.rgb8_len()];
    yuv.write_rgb8(&mut rgb);
    // The buffer is exactly width × height × 3, so this cannot fail; an empty image would
    // show the mistake rather than hide it.
    RgbImage::from_raw(width as u32, height as u32, rgb).unwrap_or_default()
}

/// Hostile files must end in an error, never a crash: the parsers and the C decoder are
/// fuzzed upstream, but a panic that slips through still becomes an error naming the file.
fn guarded<T>(path: &Path, work: impl FnOnce() -> Result<T, VideoError>) -> Result<T, VideoError> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unexpected failure".into());
        Err(VideoError::new(path, Problem::Crashed(message)))
    })
}
