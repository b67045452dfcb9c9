//! Shots planned into one film: which sample description each frame gets, when it is decoded
//! and shown, and where the parameter sets go when they change at a join.
//!
//! Why one description per distinct set of parameters *and* the sets in-band at the join:
//! a description per set is what ISO/IEC 14496-15 asks of `avc1` tracks (each sample entry
//! holds the sets its samples use), and players that switch descriptions (ffmpeg and so VLC,
//! mpv, Chrome; QuickTime) decode from it. Readers that look only at a track's first
//! description (Android's extractor, Firefox, this project's own decoder) still decode every
//! shot, because the shot's SPS and PPS also come first in its first keyframe, where every
//! H.264 decoder must take them (broadcast streams change them so). A change of sets is only
//! allowed at an IDR frame, and every shot starts with one. Where all shots share their sets
//! (the usual case: one model, one encoder), the film has one description and nothing is
//! added to any frame.

use std::path::Path;
use std::time::Duration;

use mp4_atom::Codec;

use crate::error::{FilmError, Problem, ShotError};
use crate::shot::{self, Sample, Shot};

/// Shots whose indexes were read and checked, ready to be written as one MP4.
pub struct Film {
    pub(crate) shots: Vec<Shot>,
    /// Ticks per second of the film's track.
    pub(crate) timescale: u32,
    /// The film's sample descriptions, each once.
    pub(crate) entries: Vec<Codec>,
    /// For each shot, the film's description (index into `entries`) of each of its own.
    entry_of: Vec<Vec<u32>>,
    /// The longest B-frame delay of any shot, in the film's ticks. Every shot is shown this
    /// long after its first frame is decoded, so no two pictures share a time at a join.
    pub(crate) delay: i64,
    /// Each description's parameter sets as length-prefixed NAL units, put before the first
    /// frame of a run of frames that uses it (none before the film's first frame).
    in_band: Vec<Vec<u8>>,
}

/// What a film is, known before a byte of it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilmInfo {
    pub shots: usize,
    pub frames: usize,
    pub width: u32,
    pub height: u32,
    pub duration: Duration,
    /// Where each shot starts, from the film's start.
    pub shot_starts: Vec<Duration>,
}

/// One frame as the film has it.
pub(crate) struct FilmSample<'a> {
    pub shot: usize,
    /// Its place in its shot, in decoding order from 0.
    pub index: usize,
    pub sample: &'a Sample,
    /// Bytes in the film: the shot's own, after the parameter sets put before it.
    pub size: u32,
    pub in_band: Option<&'a [u8]>,
    pub duration: u32,
    /// Ticks from decoding to showing.
    pub shown_after: i64,
    /// The film's description, from 0.
    pub entry: u32,
    /// A new chunk starts here (a new shot, or another description).
    pub chunk_start: bool,
}

impl Film {
    /// Reads and checks the index of every shot, in film order. Nothing is written; the first
    /// shot that cannot be joined is named in the error.
    pub fn plan(paths: &[impl AsRef<Path>]) -> Result<Film, FilmError> {
        if paths.is_empty() {
            return Err(FilmError::NoShots);
        }
        let mut shots = Vec::with_capacity(paths.len());
        for (index, path) in paths.iter().enumerate() {
            let path = path.as_ref();
            let shot = guarded(index, path, || shot::read(path))?;
            if let Some(first) = shots.first() {
                let first: &Shot = first;
                if (shot.width, shot.height) != (first.width, first.height) {
                    return Err(ShotError::new(
                        index,
                        path,
                        Problem::OtherSize {
                            width: shot.width,
                            height: shot.height,
                            first_width: first.width,
                            first_height: first.height,
                        },
                    )
                    .into());
                }
            }
            shots.push(shot);
        }

        let timescale = film_timescale(shots.iter().map(|s| s.timescale));
        let mut entries: Vec<Codec> = Vec::new();
        let mut entry_of = Vec::with_capacity(shots.len());
        for shot in &shots {
            let mut of = Vec::with_capacity(shot.entries.len());
            for entry in &shot.entries {
                let entry = comparable(entry);
                let index = match entries.iter().position(|e| *e == entry) {
                    Some(index) => index,
                    None => {
                        entries.push(entry);
                        entries.len() - 1
                    }
                };
                of.push(index as u32);
            }
            entry_of.push(of);
        }
        let in_band = entries.iter().map(parameter_sets).collect();
        let delay = shots
            .iter()
            .map(|s| rescale(s.delay(), s.timescale, timescale))
            .max()
            .unwrap_or(0)
            .max(0);
        let film = Film {
            shots,
            timescale,
            entries,
            entry_of,
            delay,
            in_band,
        };
        film.check_frames()?;
        Ok(film)
    }

    /// Refuses what the film could not hold: a change of parameters away from a keyframe, a
    /// frame that outgrows the size field with its parameter sets.
    fn check_frames(&self) -> Result<(), FilmError> {
        self.each_sample(|s| {
            let number = s.index + 1;
            let problem = if s.in_band.is_some() && !s.sample.sync {
                Problem::ChangeBetweenKeyframes(number)
            } else if s.size < s.sample.size {
                Problem::Corrupt(format!("frame {number} is too large"))
            } else {
                return Ok(());
            };
            Err(ShotError::new(s.shot, &self.shots[s.shot].path, problem).into())
        })
    }

    pub fn info(&self) -> FilmInfo {
        let mut shot_starts = Vec::with_capacity(self.shots.len());
        let mut ticks = 0u64;
        for shot in &self.shots {
            shot_starts.push(self.seconds(ticks));
            ticks += self.shot_duration(shot);
        }
        FilmInfo {
            shots: self.shots.len(),
            frames: self.shots.iter().map(|s| s.samples.len()).sum(),
            width: self.shots.first().map_or(0, |s| s.width),
            height: self.shots.first().map_or(0, |s| s.height),
            duration: self.seconds(ticks),
            shot_starts,
        }
    }

    /// The shots' files, in film order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.shots.iter().map(|s| s.path.as_path())
    }

    fn seconds(&self, ticks: u64) -> Duration {
        Duration::from_secs_f64(ticks as f64 / f64::from(self.timescale))
    }

    /// A shot's length in the film's ticks.
    pub(crate) fn shot_duration(&self, shot: &Shot) -> u64 {
        rescale(shot.duration() as i64, shot.timescale, self.timescale).max(0) as u64
    }

    /// Hands every frame of the film to `each` in decoding order, as the film has it, until
    /// `each` fails.
    pub(crate) fn each_sample<'a, E>(
        &'a self,
        mut each: impl FnMut(FilmSample<'a>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut previous_entry = None;
        for (index, shot) in self.shots.iter().enumerate() {
            let from = shot.timescale;
            let delay = rescale(shot.delay(), from, self.timescale);
            let shot_end = self.shot_duration(shot) as i64;
            let mut decoded = 0i64;
            for (i, sample) in shot.samples.iter().enumerate() {
                let entry = self.entry_of[index][usize::from(sample.entry)];
                let changed = previous_entry.is_some_and(|p| p != entry);
                let in_band = changed.then(|| self.in_band[entry as usize].as_slice());
                let in_band = in_band.filter(|sets| !sets.is_empty());
                let at = rescale(decoded, from, self.timescale);
                decoded += i64::from(sample.duration);
                let next = if i + 1 == shot.samples.len() {
                    shot_end
                } else {
                    rescale(decoded, from, self.timescale)
                };
                let shown = rescale(
                    decoded - i64::from(sample.duration) + i64::from(sample.shown_after),
                    from,
                    self.timescale,
                );
                let extra = in_band.map_or(0, <[u8]>::len);
                each(FilmSample {
                    shot: index,
                    index: i,
                    sample,
                    size: u32::try_from(u64::from(sample.size) + extra as u64).unwrap_or(0),
                    in_band,
                    duration: u32::try_from((next - at).max(0)).unwrap_or(u32::MAX),
                    shown_after: shown - delay + self.delay - at,
                    entry,
                    chunk_start: i == 0 || changed,
                })?;
                previous_entry = Some(entry);
            }
        }
        Ok(())
    }
}

/// The shots' common timescale, or one every shot's ticks convert to exactly (their least
/// common multiple), or failing that the finest of them.
fn film_timescale(scales: impl Iterator<Item = u32>) -> u32 {
    let scales: Vec<u32> = scales.collect();
    let mut lcm: u64 = 1;
    for &scale in &scales {
        lcm = lcm / gcd(lcm, u64::from(scale)) * u64::from(scale);
        if lcm > u64::from(u32::MAX) {
            return scales.iter().copied().max().unwrap_or(1);
        }
    }
    lcm as u32
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `ticks` of a `from` timescale in a `to` one, rounded to the nearest.
pub(crate) fn rescale(ticks: i64, from: u32, to: u32) -> i64 {
    if from == to || from == 0 {
        return ticks;
    }
    let scaled = i128::from(ticks) * i128::from(to);
    let from = i128::from(from);
    let rounded = if scaled >= 0 {
        (scaled + from / 2) / from
    } else {
        (scaled - from / 2) / from
    };
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// A description as it goes into the film: what differs between files of the same settings
/// (the bitrate box, which data reference) is dropped, so such shots share one.
fn comparable(codec: &Codec) -> Codec {
    let mut codec = codec.clone();
    match &mut codec {
        Codec::Avc1(avc1) => {
            avc1.btrt = None;
            avc1.visual.data_reference_index = 1;
        }
        Codec::Avc3(avc3) => {
            avc3.btrt = None;
            avc3.visual.data_reference_index = 1;
        }
        _ => {}
    }
    codec
}

/// A description's SPS and PPS as the NAL units of a frame (length-prefixed as its frames'
/// are), for putting in-band.
fn parameter_sets(codec: &Codec) -> Vec<u8> {
    let avcc = match codec {
        Codec::Avc1(avc1) => &avc1.avcc,
        Codec::Avc3(avc3) => &avc3.avcc,
        _ => return Vec::new(),
    };
    let length_size = usize::from(avcc.length_size).clamp(1, 4);
    let mut out = Vec::new();
    let ext = avcc.ext.iter().flat_map(|e| &e.sequence_parameter_sets_ext);
    for unit in avcc
        .sequence_parameter_sets
        .iter()
        .chain(ext)
        .chain(&avcc.picture_parameter_sets)
    {
        let len = unit.len() as u64;
        out.extend_from_slice(&len.to_be_bytes()[8 - length_size..]);
        out.extend_from_slice(unit);
    }
    out
}

/// Hostile files must end in an error naming the shot, never a crash: a panic in the box
/// reader becomes one.
fn guarded(
    index: usize,
    path: &Path,
    read: impl FnOnce() -> Result<Shot, Problem>,
) -> Result<Shot, ShotError> {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    let result = result.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unexpected failure".into());
        Err(Problem::Crashed(message))
    });
    result.map_err(|problem| ShotError::new(index, path, problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timescales_meet_where_every_tick_converts_exactly() {
        assert_eq!(film_timescale([12288, 12288].into_iter()), 12288);
        assert_eq!(film_timescale([12288, 24000].into_iter()), 1_536_000);
        assert_eq!(
            film_timescale([u32::MAX, u32::MAX - 1].into_iter()),
            u32::MAX
        );
    }

    #[test]
    fn rescaling_rounds_to_the_nearest_tick_both_ways() {
        assert_eq!(rescale(512, 12288, 24000), 1000);
        assert_eq!(rescale(1, 3, 2), 1);
        assert_eq!(rescale(-1, 3, 2), -1);
        assert_eq!(rescale(7, 90000, 90000), 7);
    }

    #[test]
    fn parameter_sets_take_the_frames_length_prefix() {
        let mut avc1 = mp4_atom::Avc1::default();
        avc1.avcc.length_size = 2;
        avc1.avcc.sequence_parameter_sets = vec![vec![0x67, 1]];
        avc1.avcc.picture_parameter_sets = vec![vec![0x68]];
        assert_eq!(
            parameter_sets(&Codec::Avc1(avc1)),
            [0, 2, 0x67, 1, 0, 1, 0x68]
        );
    }
}
