//! The film as bytes: `ftyp`, the index (`moov`), then the frames (`mdat`). The index comes
//! first so a player can start before the file is all there; its chunk offsets point past
//! itself, which works because its size does not depend on their values.
//!
//! Frames are copied from the shots' files a piece at a time (contiguous frames of a shot in
//! one read, at most a megabyte), never held whole: memory does not grow with the film, apart
//! from its index, about 20 bytes a frame.

use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::Path;

use mp4_atom::{
    Co64, Ctts, CttsEntry, Dinf, Dref, DrefEntry, Edts, Elst, ElstEntry, Encode, FourCC, Ftyp,
    Hdlr, Mdhd, Mdia, Minf, Moov, Mvhd, Stbl, Stco, Stsc, StscEntry, Stsd, Stss, Stsz, StszSamples,
    Stts, SttsEntry, Tkhd, Trak, Url, Vmhd,
};

use crate::error::{FilmError, Problem, ShotError};
use crate::film::{Film, rescale};

/// The movie header's clock: milliseconds, as most writers use.
const MOVIE_TIMESCALE: u32 = 1000;
/// The most bytes read from a shot and written in one go.
const PIECE: usize = 1 << 20;

impl Film {
    /// Writes the film as one MP4, index first, to `out`; `progress` hears bytes written of
    /// the total after each piece. Samples are copied a piece at a time, never held whole.
    pub fn write_to(
        &self,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(), FilmError> {
        write(self, out, progress)
    }

    /// Writes the film to `path`: beside it first, renamed over it once whole.
    pub fn save(&self, path: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<(), FilmError> {
        crate::save::beside_then_rename(path, |out| self.write_to(out, progress))
    }
}

fn write(
    film: &Film,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(), FilmError> {
    let tables = Tables::of(film)?;
    let (payload, chunk_sizes) = (tables.payload, tables.chunk_sizes.clone());
    let ftyp = encode(&ftyp())?;
    let mdat_header = mdat_header(payload);

    // Sizes first (offsets of zero take the room real ones will), then the real offsets.
    let mut index = moov(film, tables);
    set_offsets(&mut index, offsets(false, 0, &chunk_sizes));
    let before_frames = |moov_len: usize| (ftyp.len() + moov_len + mdat_header.len()) as u64;
    let wide = before_frames(encode(&index)?.len()) + payload > u64::from(u32::MAX);
    set_offsets(&mut index, offsets(wide, 0, &chunk_sizes));
    let moov_len = encode(&index)?.len();
    let first_frame = before_frames(moov_len);
    set_offsets(&mut index, offsets(wide, first_frame, &chunk_sizes));
    let index = encode(&index)?;
    if index.len() != moov_len {
        return Err(FilmError::Output(std::io::Error::other(
            "the index changed size when its offsets were filled in",
        )));
    }

    let total = first_frame + payload;
    let mut done = 0u64;
    for part in [&ftyp, &index, &mdat_header] {
        out.write_all(part).map_err(FilmError::Output)?;
        done += part.len() as u64;
    }
    progress(done, total);
    copy_frames(film, out, &mut |n| {
        done += n;
        progress(done, total);
    })
}

/// The film's sample tables, gathered in one walk over its frames.
struct Tables {
    stts: Vec<SttsEntry>,
    ctts: Vec<CttsEntry>,
    sizes: Vec<u32>,
    /// Numbers (from 1) of the keyframes, or `None` when every frame is one.
    sync: Option<Vec<u32>>,
    stsc: Vec<StscEntry>,
    chunk_sizes: Vec<u64>,
    /// Bytes of all frames.
    payload: u64,
    /// In the film's ticks.
    duration: u64,
}

impl Tables {
    fn of(film: &Film) -> Result<Tables, FilmError> {
        let mut t = Tables {
            stts: Vec::new(),
            ctts: Vec::new(),
            sizes: Vec::new(),
            sync: Some(Vec::new()),
            stsc: Vec::new(),
            chunk_sizes: Vec::new(),
            payload: 0,
            duration: 0,
        };
        let mut all_sync = true;
        let mut chunk_samples = 0u32;
        let mut chunk_entry = 0u32;
        let close_chunk = |t: &mut Tables, samples: u32, entry: u32| {
            if samples == 0 {
                return;
            }
            // Called before the next chunk is counted: this chunk's number (from 1) is the
            // count so far.
            let same = t.stsc.last().is_some_and(|last| {
                (last.samples_per_chunk, last.sample_description_index) == (samples, entry + 1)
            });
            if !same {
                t.stsc.push(StscEntry {
                    first_chunk: t.chunk_sizes.len() as u32,
                    samples_per_chunk: samples,
                    sample_description_index: entry + 1,
                });
            }
        };
        film.each_sample(|s| {
            if s.chunk_start {
                close_chunk(&mut t, chunk_samples, chunk_entry);
                t.chunk_sizes.push(0);
                chunk_samples = 0;
                chunk_entry = s.entry;
            }
            chunk_samples += 1;
            if let Some(last) = t.chunk_sizes.last_mut() {
                *last += u64::from(s.size);
            }
            t.payload += u64::from(s.size);
            t.duration += u64::from(s.duration);
            t.sizes.push(s.size);
            run(
                &mut t.stts,
                s.duration,
                |e| &mut e.sample_count,
                |e| e.sample_delta,
                |n, d| SttsEntry {
                    sample_count: n,
                    sample_delta: d,
                },
            );
            run(
                &mut t.ctts,
                s.shown_after,
                |e| &mut e.sample_count,
                |e| e.sample_offset,
                |n, o| CttsEntry {
                    sample_count: n,
                    sample_offset: o,
                },
            );
            all_sync &= s.sample.sync;
            if s.sample.sync
                && let Some(sync) = &mut t.sync
            {
                sync.push(t.sizes.len() as u32);
            }
            Ok::<(), FilmError>(())
        })?;
        close_chunk(&mut t, chunk_samples, chunk_entry);
        if all_sync {
            t.sync = None;
        }
        if t.ctts.iter().all(|e| e.sample_offset == 0) {
            t.ctts.clear();
        }
        Ok(t)
    }
}

/// Adds `value` to run-length `entries`: one more of the last run when it has the value.
fn run<E, V: PartialEq + Copy>(
    entries: &mut Vec<E>,
    value: V,
    count: impl Fn(&mut E) -> &mut u32,
    value_of: impl Fn(&E) -> V,
    new: impl Fn(u32, V) -> E,
) {
    if let Some(last) = entries.last_mut()
        && value_of(last) == value
    {
        *count(last) += 1;
        return;
    }
    entries.push(new(1, value));
}

enum Offsets {
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

fn offsets(wide: bool, first: u64, chunk_sizes: &[u64]) -> Offsets {
    let mut at = first;
    let starts = chunk_sizes.iter().map(move |size| {
        let start = at;
        at += size;
        start
    });
    if wide {
        Offsets::Wide(starts.collect())
    } else {
        // Narrow only when the whole file ends below 4 GiB, so every start fits.
        Offsets::Narrow(starts.map(|s| s as u32).collect())
    }
}

fn ftyp() -> Ftyp {
    Ftyp {
        major_brand: FourCC::new(b"isom"),
        minor_version: 512,
        compatible_brands: [b"isom", b"iso2", b"avc1", b"mp41"]
            .into_iter()
            .map(FourCC::new)
            .collect(),
    }
}

fn mdat_header(payload: u64) -> Vec<u8> {
    let mut header = Vec::with_capacity(16);
    if payload + 8 > u64::from(u32::MAX) {
        header.extend_from_slice(&1u32.to_be_bytes());
        header.extend_from_slice(b"mdat");
        header.extend_from_slice(&(payload + 16).to_be_bytes());
    } else {
        header.extend_from_slice(&((payload + 8) as u32).to_be_bytes());
        header.extend_from_slice(b"mdat");
    }
    header
}

fn set_offsets(moov: &mut Moov, offsets: Offsets) {
    if let Some(trak) = moov.trak.first_mut() {
        let stbl = &mut trak.mdia.minf.stbl;
        (stbl.stco, stbl.co64) = match offsets {
            Offsets::Narrow(entries) => (Some(Stco { entries }), None),
            Offsets::Wide(entries) => (None, Some(Co64 { entries })),
        };
    }
}

/// The film's index, its chunk offsets left for [`set_offsets`].
fn moov(film: &Film, tables: Tables) -> Moov {
    let info = film.info();
    let movie_duration =
        rescale(tables.duration as i64, film.timescale, MOVIE_TIMESCALE).max(0) as u64;
    let stbl = Stbl {
        stsd: Stsd {
            codecs: film.entries.clone(),
        },
        stts: Stts {
            entries: tables.stts,
        },
        ctts: (!tables.ctts.is_empty()).then_some(Ctts {
            entries: tables.ctts,
        }),
        stss: tables.sync.map(|entries| Stss { entries }),
        stsc: Stsc {
            entries: tables.stsc,
        },
        stsz: Stsz {
            samples: StszSamples::Different {
                sizes: tables.sizes,
            },
        },
        ..Stbl::default()
    };
    Moov {
        mvhd: Mvhd {
            timescale: MOVIE_TIMESCALE,
            duration: movie_duration,
            rate: 1u16.into(),
            volume: 1u8.into(),
            next_track_id: 2,
            ..Mvhd::default()
        },
        trak: vec![Trak {
            tkhd: Tkhd {
                track_id: 1,
                duration: movie_duration,
                enabled: true,
                in_movie: true,
                width: (info.width.min(u32::from(u16::MAX)) as u16).into(),
                height: (info.height.min(u32::from(u16::MAX)) as u16).into(),
                ..Tkhd::default()
            },
            // The pictures start after the longest B-frame delay of any shot: the one edit
            // starts the film there.
            edts: Some(Edts {
                elst: Some(Elst {
                    entries: vec![ElstEntry {
                        segment_duration: movie_duration,
                        media_time: Some(film.delay.max(0) as u64),
                        media_rate: 1i16.into(),
                    }],
                }),
            }),
            mdia: Mdia {
                mdhd: Mdhd {
                    timescale: film.timescale,
                    duration: tables.duration,
                    language: "und".into(),
                    ..Mdhd::default()
                },
                hdlr: Hdlr {
                    handler: FourCC::new(b"vide"),
                    name: "VideoHandler".into(),
                },
                minf: Minf {
                    vmhd: Some(Vmhd::default()),
                    dinf: Dinf {
                        dref: Dref {
                            entries: vec![DrefEntry::Url(Url::default())],
                        },
                    },
                    stbl,
                    ..Minf::default()
                },
            },
            ..Trak::default()
        }],
        ..Moov::default()
    }
}

fn encode(atom: &impl Encode) -> Result<Vec<u8>, FilmError> {
    let mut bytes = Vec::new();
    atom.encode(&mut bytes)
        .map_err(|err| FilmError::Output(std::io::Error::other(format!("its index: {err}"))))?;
    Ok(bytes)
}

/// Copies every frame into `out` in the film's order, in-band parameter sets before the
/// frames that need them; `copied` hears each piece's bytes.
fn copy_frames(
    film: &Film,
    out: &mut dyn Write,
    copied: &mut dyn FnMut(u64),
) -> Result<(), FilmError> {
    let mut copier = Copier {
        film,
        buffer: vec![0u8; PIECE],
        open: None,
        pending: None,
    };
    film.each_sample(|s| {
        let (offset, size) = (s.sample.offset, u64::from(s.sample.size));
        if s.in_band.is_none()
            && let Some(run) = &mut copier.pending
            && run.shot == s.shot
            && run.start + run.len == offset
        {
            run.len += size;
            return Ok::<(), FilmError>(());
        }
        copier.flush(out, copied)?;
        if let Some(sets) = s.in_band {
            out.write_all(sets).map_err(FilmError::Output)?;
            copied(sets.len() as u64);
        }
        copier.pending = Some(Run {
            shot: s.shot,
            start: offset,
            len: size,
        });
        Ok(())
    })?;
    copier.flush(out, copied)
}

/// Frames of one shot that lie one after the other in its file, copied in one go.
struct Run {
    shot: usize,
    start: u64,
    len: u64,
}

struct Copier<'a> {
    film: &'a Film,
    buffer: Vec<u8>,
    open: Option<(usize, File)>,
    pending: Option<Run>,
}

impl Copier<'_> {
    fn flush(&mut self, out: &mut dyn Write, copied: &mut dyn FnMut(u64)) -> Result<(), FilmError> {
        let Some(run) = self.pending.take() else {
            return Ok(());
        };
        let path = &self.film.shots[run.shot].path;
        let failed = |err: std::io::Error| {
            let problem = if err.kind() == ErrorKind::UnexpectedEof {
                Problem::Changed
            } else {
                Problem::Io(err)
            };
            FilmError::from(ShotError::new(run.shot, path, problem))
        };
        let file = shot_file(self.film, run.shot, &mut self.open)?;
        file.seek(SeekFrom::Start(run.start)).map_err(failed)?;
        let mut left = run.len;
        while left > 0 {
            let n = left.min(PIECE as u64) as usize;
            file.read_exact(&mut self.buffer[..n]).map_err(failed)?;
            out.write_all(&self.buffer[..n])
                .map_err(FilmError::Output)?;
            copied(n as u64);
            left -= n as u64;
        }
        Ok(())
    }
}

/// The open file of shot `index`, opened (and checked not to have shrunk) on first use.
fn shot_file<'a>(
    film: &Film,
    index: usize,
    open: &'a mut Option<(usize, File)>,
) -> Result<&'a mut File, FilmError> {
    if open.as_ref().is_none_or(|(shot, _)| *shot != index) {
        let shot = &film.shots[index];
        let failed = |problem: Problem| FilmError::from(ShotError::new(index, &shot.path, problem));
        let file = File::open(&shot.path).map_err(|err| failed(Problem::Io(err)))?;
        let len = file
            .metadata()
            .map_err(|err| failed(Problem::Io(err)))?
            .len();
        if len < shot.len {
            return Err(failed(Problem::Changed));
        }
        *open = Some((index, file));
    }
    match open {
        Some((_, file)) => Ok(file),
        None => Err(FilmError::NoShots),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_film_past_4_gib_gets_a_large_mdat_header_and_64_bit_offsets() {
        assert_eq!(mdat_header(100), [0, 0, 0, 108, b'm', b'd', b'a', b't']);
        let large = mdat_header(u64::from(u32::MAX));
        assert_eq!(&large[..8], [0, 0, 0, 1, b'm', b'd', b'a', b't']);
        assert_eq!(large[8..], (u64::from(u32::MAX) + 16).to_be_bytes());
        assert!(matches!(offsets(true, 10, &[5, 7]), Offsets::Wide(o) if o == [10, 15]));
        assert!(matches!(offsets(false, 10, &[5, 7]), Offsets::Narrow(o) if o == [10, 15]));
    }
}
