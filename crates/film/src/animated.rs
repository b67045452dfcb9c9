//! A film as an animated GIF, for pasting into a chat or an issue: the shots decoded one after
//! the other (one shot in memory at a time), boxed down to at most 480 pixels wide, at most 12
//! frames a second, each frame with its own 256-colour palette (NeuQuant), looping.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;
use std::time::Duration;

use i2v_video::{RgbImage, Video};

use crate::error::{FilmError, Problem, ShotError};
use crate::film::Film;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GifOptions {
    pub max_width: u32,
    pub max_fps: f64,
    /// NeuQuant's speed, 1 (best) to 30 (fastest); 10 is its authors' balance.
    pub quantizer_speed: i32,
}

impl Default for GifOptions {
    fn default() -> Self {
        GifOptions {
            max_width: 480,
            max_fps: 12.0,
            quantizer_speed: 10,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GifInfo {
    pub width: u32,
    pub height: u32,
    pub frames: usize,
    pub duration: Duration,
}

impl Film {
    /// Writes the film as an animated GIF to `path` (beside it first, renamed once whole);
    /// `progress` hears frames written of about how many there will be.
    pub fn save_gif(
        &self,
        path: &Path,
        options: GifOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<GifInfo, FilmError> {
        let mut info = None;
        crate::save::beside_then_rename(path, |out| {
            info = Some(self.write_gif(out, options, progress)?);
            Ok(())
        })?;
        info.ok_or(FilmError::NoShots)
    }

    /// As [`Film::save_gif`], to any writer.
    pub fn write_gif(
        &self,
        out: &mut dyn Write,
        options: GifOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<GifInfo, FilmError> {
        let film = self.info();
        let (width, height) = i2v_video::fit(film.width, film.height, options.max_width, u32::MAX);
        let (gif_width, gif_height) = (
            u16::try_from(width).unwrap_or(u16::MAX),
            u16::try_from(height).unwrap_or(u16::MAX),
        );
        let period = 1.0 / options.max_fps.max(0.1);
        let expected = (film.duration.as_secs_f64() / period).ceil() as usize;
        let speed = options.quantizer_speed.clamp(1, 30);

        let mut encoder = gif::Encoder::new(out, gif_width, gif_height, &[]).map_err(encoding)?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .map_err(encoding)?;
        let mut held: Option<(RgbImage, f64)> = None;
        let mut written = 0usize;
        // The frame before is written once the next one's time says how long it shows.
        let mut emit = |encoder: &mut gif::Encoder<&mut dyn Write>,
                        held: &mut Option<(RgbImage, f64)>,
                        next: Option<(RgbImage, f64)>,
                        until: f64|
         -> Result<(), FilmError> {
            if let Some((image, at)) = held.take() {
                let mut frame =
                    gif::Frame::from_rgb_speed(gif_width, gif_height, image.as_raw(), speed);
                // Centiseconds, rounded on the film's clock so rounding never adds up.
                let delay = (until * 100.0).round() - (at * 100.0).round();
                frame.delay = delay.clamp(1.0, f64::from(u16::MAX)) as u16;
                encoder.write_frame(&frame).map_err(encoding)?;
                written += 1;
                progress(written, expected.max(written));
            }
            *held = next;
            Ok(())
        };

        let mut next_slot = 0.0f64;
        for (index, (path, start)) in self.paths().zip(&film.shot_starts).enumerate() {
            let unreadable = |err: i2v_video::VideoError| {
                ShotError::new(index, path, Problem::Unreadable(err.problem))
            };
            let video = Video::open(path).map_err(unreadable)?;
            let start = start.as_secs_f64();
            let mut failed = None;
            video
                .each_picture(|picture| {
                    let at = start + picture.time().as_secs_f64();
                    // A millisecond of slack: times in ticks rarely land on the slot exactly.
                    if at + 0.001 < next_slot {
                        return ControlFlow::Continue(());
                    }
                    while next_slot <= at + 0.001 {
                        next_slot += period;
                    }
                    let image = picture.to_small_rgb(width, height);
                    if image.dimensions() != (width, height) {
                        failed = Some(ShotError::new(
                            index,
                            path,
                            Problem::Corrupt("a frame has another size than the film".into()),
                        ));
                        return ControlFlow::Break(());
                    }
                    match emit(&mut encoder, &mut held, Some((image, at)), at) {
                        Ok(()) => ControlFlow::Continue(()),
                        Err(err) => {
                            failed = Some(ShotError::new(
                                index,
                                path,
                                Problem::Corrupt(err.to_string()),
                            ));
                            ControlFlow::Break(())
                        }
                    }
                })
                .map_err(unreadable)?;
            if let Some(err) = failed {
                return Err(err.into());
            }
        }
        emit(&mut encoder, &mut held, None, film.duration.as_secs_f64())?;
        drop(encoder);
        Ok(GifInfo {
            width,
            height,
            frames: written,
            duration: film.duration,
        })
    }
}

fn encoding(err: gif::EncodingError) -> FilmError {
    match err {
        gif::EncodingError::Io(err) => FilmError::Output(err),
        other => FilmError::Output(std::io::Error::other(other.to_string())),
    }
}
