//! The decoder on committed High-profile clips with B-frames (made by tests/assets/make.sh).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::path::{Path, PathBuf};

use i2v_video::{Frame, Position, Problem, RgbImage, ThumbCache, Video, VideoError};

fn asset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/assets")
        .join(name)
}

/// 320×180, 24 fps, 48 frames: 0–15 red, 16–31 green, 32–47 blue.
fn thirds() -> PathBuf {
    asset("thirds_320x180.mp4")
}

const RED: [u8; 3] = [255, 0, 0];
const GREEN: [u8; 3] = [0, 128, 0];
const BLUE: [u8; 3] = [0, 0, 255];

#[track_caller]
fn assert_colour(actual: [u8; 3], expected: [u8; 3], what: &str) {
    let close = actual
        .iter()
        .zip(expected)
        .all(|(&a, e)| (i16::from(a) - i16::from(e)).abs() <= 12);
    assert!(close, "{what}: got {actual:?}, expected about {expected:?}");
}

#[test]
fn reads_the_facts_from_the_index() {
    let video = Video::open(thirds()).unwrap();
    let info = video.info();
    assert_eq!((info.width, info.height), (320, 180));
    assert_eq!(info.frame_count, 48);
    assert!((info.fps - 24.0).abs() < 0.01, "{}", info.fps);
    assert_eq!(info.duration.as_millis(), 2000);
}

#[test]
fn first_middle_and_last_frames_have_their_colours() {
    let video = Video::open(thirds()).unwrap();
    let frames = video.frames(&Position::STRIP).unwrap();
    let indices: Vec<usize> = frames.iter().map(|f| f.index).collect();
    assert_eq!(indices, [0, 24, 47]);
    for (frame, (colour, name)) in
        frames
            .iter()
            .zip([(RED, "first"), (GREEN, "middle"), (BLUE, "last")])
    {
        assert_eq!((frame.width(), frame.height()), (320, 180), "{name}");
        assert_colour(frame.mean_rgb(0.5), colour, name);
    }
}

#[test]
fn the_first_frame_alone_is_the_one_a_full_pass_gives() {
    for clip in [thirds(), asset("../../../sim/assets/sample.mp4")] {
        let video = Video::open(&clip).unwrap();
        let alone = video.frames(&[Position::First]).unwrap();
        let strip = video.frames(&Position::STRIP).unwrap();
        assert_eq!(alone[0], strip[0], "{}", clip.display());
    }
}

#[test]
fn every_frame_comes_out_in_display_order() {
    let video = Video::open(thirds()).unwrap();
    assert_eq!(video.decode_all().unwrap(), 48);
    // Frames on each side of the colour changes: a B-frame out of order would show here.
    let positions: Vec<Position> = [15, 16, 31, 32]
        .map(|n| Position::At(n as f64 / 24.0))
        .into();
    let frames = video.frames(&positions).unwrap();
    let expected = [(15, RED), (16, GREEN), (31, GREEN), (32, BLUE)];
    for (frame, (index, colour)) in frames.iter().zip(expected) {
        assert_eq!(frame.index, index);
        assert_colour(frame.mean_rgb(0.5), colour, &format!("frame {index}"));
    }
}

#[test]
fn a_time_picks_the_frame_on_screen_then() {
    let video = Video::open(thirds()).unwrap();
    let index = |s: f64| video.index_of(Position::At(s)).unwrap();
    assert_eq!(index(0.0), 0);
    assert_eq!(index(1.0), 24);
    assert_eq!(index(1.99), 47);
    assert_eq!(index(2.0), 47);
    let past = video.index_of(Position::At(2.5)).unwrap_err();
    assert!(matches!(past.problem, Problem::PastEnd { .. }), "{past}");
    assert!(past.to_string().contains("thirds_320x180.mp4"), "{past}");
}

#[test]
fn frames_save_as_png_at_the_video_size() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("last.png");
    let video = Video::open(thirds()).unwrap();
    let [last] = <[_; 1]>::try_from(video.frames(&[Position::Last]).unwrap()).unwrap();
    last.save_png(&out, video.path()).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&bytes[16..24], &[0, 0, 1, 64, 0, 0, 0, 180]);
}

#[test]
fn the_strip_is_cached_and_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ThumbCache::new(dir.path().join("thumbs"));
    assert!(cache.cached("job").is_none());
    let made = cache.strip("job", &thirds()).unwrap();
    let again = cache.cached("job").expect("cached after the first look");
    assert_eq!(made, again);
    assert_eq!(made.each_ref().map(|f| f.index), [0, 24, 47]);
    assert_colour(again[2].mean_rgb(0.5), BLUE, "cached last");
    // The second look does not touch the video at all.
    let gone = dir.path().join("gone.mp4");
    assert_eq!(cache.strip("job", &gone).unwrap(), made);
    // One small file a job.
    let files: Vec<_> = std::fs::read_dir(dir.path().join("thumbs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files, [cache.path("job")]);
    assert!(std::fs::metadata(&files[0]).unwrap().len() < 100_000);
}

#[test]
fn thumbnails_are_bounded_and_keep_the_aspect_ratio() {
    let frame = |w, h| Frame {
        index: 0,
        position: Position::First,
        image: RgbImage::new(w, h),
    };
    assert_eq!(
        frame(1920, 1080).thumbnail(480, 270).image.dimensions(),
        (480, 270)
    );
    assert_eq!(
        frame(1080, 1920).thumbnail(480, 270).image.dimensions(),
        (152, 270)
    );
    assert_eq!(
        frame(320, 180).thumbnail(480, 270).image.dimensions(),
        (320, 180),
        "never enlarged"
    );
}

#[test]
fn the_bench_clip_is_1080p_6s() {
    let video = Video::open(asset("bench_1080p_6s.mp4")).unwrap();
    let info = video.info();
    assert_eq!(
        (info.width, info.height, info.frame_count),
        (1920, 1080, 144)
    );
    assert_eq!(info.duration.as_secs(), 6);
}

#[test]
fn a_damaged_cache_file_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ThumbCache::new(dir.path());
    let made = cache.strip("job", &thirds()).unwrap();
    let file = cache.path("job");
    let len = std::fs::metadata(&file).unwrap().len();
    std::fs::write(&file, &std::fs::read(&file).unwrap()[..(len / 2) as usize]).unwrap();
    assert!(cache.cached("job").is_none());
    assert_eq!(cache.strip("job", &thirds()).unwrap(), made);
}

fn problem(err: &VideoError) -> &Problem {
    &err.problem
}

#[test]
fn other_codecs_are_named_not_decoded() {
    let err = Video::open(asset("mpeg4_64x36.mp4"))
        .err()
        .expect("not H.264");
    assert!(
        matches!(problem(&err), Problem::UnsupportedCodec(_)),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("mpeg4_64x36.mp4") && text.contains("only H.264"),
        "{text}"
    );
}

#[test]
fn missing_and_non_mp4_files_are_clear_errors() {
    let err = Video::open(asset("nope.mp4")).err().unwrap();
    assert!(matches!(problem(&err), Problem::Io(_)), "{err}");
    assert!(err.to_string().contains("nope.mp4"));
    let err = Video::from_bytes("notes.txt", b"hello, this is not a video".to_vec())
        .err()
        .unwrap();
    assert!(err.to_string().starts_with("notes.txt: "), "{err}");
}

#[test]
fn truncated_files_give_errors_at_every_cut() {
    let bytes = std::fs::read(thirds()).unwrap();
    let len = bytes.len();
    let mut cuts: Vec<usize> = (0..len).step_by(97).collect();
    cuts.extend([1, 8, 40, len / 2, len - 100, len - 1]);
    for cut in cuts {
        let result = Video::from_bytes("cut.mp4", bytes[..cut].to_vec())
            .and_then(|video| video.frames(&Position::STRIP));
        let err = result
            .err()
            .unwrap_or_else(|| panic!("cut at {cut} of {len} decoded"));
        assert!(
            err.to_string().starts_with("cut.mp4: "),
            "cut at {cut}: {err}"
        );
    }
}

#[test]
fn a_download_cut_short_says_so() {
    let bytes = std::fs::read(thirds()).unwrap();
    let err = Video::from_bytes("cut.mp4", bytes[..bytes.len() - 500].to_vec())
        .err()
        .unwrap();
    assert!(matches!(problem(&err), Problem::Truncated { .. }), "{err}");
    assert!(err.to_string().contains("cut short"), "{err}");
}

/// Flipped bytes anywhere: an error or (damage the codec conceals) frames, never a panic or
/// a crash. A fixed xorshift keeps the run the same every time.
#[test]
fn flipped_bytes_never_crash() {
    let bytes = std::fs::read(thirds()).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut errors = 0;
    for round in 0..150 {
        let mut damaged = bytes.clone();
        for _ in 0..1 + round % 8 {
            let at = (next() % damaged.len() as u64) as usize;
            damaged[at] ^= 1 << (next() % 8);
        }
        match Video::from_bytes("flipped.mp4", damaged).and_then(|v| v.frames(&Position::STRIP)) {
            Ok(frames) => assert_eq!(frames.len(), 3),
            Err(err) => {
                assert!(err.to_string().starts_with("flipped.mp4: "), "{err}");
                errors += 1;
            }
        }
    }
    assert!(errors > 0, "no flip was ever noticed");
}

#[test]
fn pictures_come_in_display_order_with_their_times_and_small_copies() {
    let video = Video::open(thirds()).unwrap();
    let mut seen = Vec::new();
    let shown = video
        .each_picture(|picture| {
            let small = picture.to_small_rgb(32, 32);
            assert_eq!(small.dimensions(), (32, 18));
            let whole = Frame {
                index: picture.index(),
                position: Position::First,
                image: small,
            };
            seen.push((picture.index(), picture.time(), whole.mean_rgb(0.5)));
            if picture.index() == 40 {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!(shown, 41, "stops when asked");
    let indices: Vec<usize> = seen.iter().map(|s| s.0).collect();
    assert_eq!(indices, (0..=40).collect::<Vec<_>>());
    // 24 fps.
    assert_eq!(seen[12].1, std::time::Duration::from_millis(500));
    assert_eq!(video.time_of(24), std::time::Duration::from_secs(1));
    for (index, colour) in [(15, RED), (16, GREEN), (31, GREEN), (32, BLUE)] {
        assert_colour(seen[index].2, colour, &format!("small frame {index}"));
    }
}
