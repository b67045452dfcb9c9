//! The joiner on committed shots (made by tests/assets/make.sh), judged by the project's own
//! decoder: the film's frames must be the shots' frames, in order, and nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use i2v_film::{Film, FilmError, GifOptions, Problem};
use i2v_video::{RgbImage, Video};

fn asset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/assets")
        .join(name)
}

/// High profile, B-frames (reorder delay 2): yellow then magenta.
fn high_a() -> PathBuf {
    asset("shot_high_a_320x180.mp4")
}
/// High profile, same settings as `high_a`: cyan then orange.
fn high_b() -> PathBuf {
    asset("shot_high_b_320x180.mp4")
}
/// Main profile, one B-frame (reorder delay 1): purple then lime.
fn main_profile() -> PathBuf {
    asset("shot_main_320x180.mp4")
}

/// Every frame of a video, decoded, in display order, with when it is shown.
fn frames(path: &Path) -> Vec<(Duration, RgbImage)> {
    let video = Video::open(path).unwrap();
    let mut frames = Vec::new();
    video
        .each_picture(|picture| {
            frames.push((picture.time(), picture.to_rgb()));
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(frames.len(), video.info().frame_count, "{}", path.display());
    frames
}

fn join(shots: &[PathBuf]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("film.mp4");
    Film::plan(shots)
        .unwrap()
        .save(&out, &mut |_, _| {})
        .unwrap();
    (dir, out)
}

fn centre(image: &RgbImage) -> [u8; 3] {
    image.get_pixel(image.width() / 2, image.height() / 2).0
}

#[track_caller]
fn assert_near(actual: [u8; 3], expected: [u8; 3], what: &str) {
    let close = actual
        .iter()
        .zip(expected)
        .all(|(&a, e)| (i16::from(a) - i16::from(e)).abs() <= 16);
    assert!(close, "{what}: got {actual:?}, expected about {expected:?}");
}

/// The film's decoded frames are exactly the shots' own, in order, shown one frame apart
/// from the first to the last (no gap, no overlap at a join).
#[track_caller]
fn assert_film_of(shots: &[PathBuf]) {
    let (_dir, film) = join(shots);
    let expected: Vec<RgbImage> = shots
        .iter()
        .flat_map(|shot| frames(shot).into_iter().map(|(_, image)| image))
        .collect();
    let got = frames(&film);
    assert_eq!(got.len(), expected.len());
    for (i, ((at, image), want)) in got.iter().zip(&expected).enumerate() {
        assert!(image == want, "frame {i} differs from the shot's own");
        let should = Duration::from_secs_f64(i as f64 / 24.0);
        let off = at.as_secs_f64() - should.as_secs_f64();
        assert!(
            off.abs() < 0.001,
            "frame {i} shown at {at:?}, not {should:?}"
        );
    }
}

#[test]
fn two_high_profile_shots_with_b_frames_join_frame_for_frame() {
    assert_film_of(&[high_a(), high_b()]);
}

#[test]
fn high_then_main_profile_join_frame_for_frame() {
    assert_film_of(&[high_a(), main_profile()]);
}

#[test]
fn main_then_high_and_back_join_frame_for_frame() {
    assert_film_of(&[main_profile(), high_b(), main_profile(), high_a()]);
}

#[test]
fn many_shots_of_the_same_settings_join_frame_for_frame() {
    assert_film_of(&[high_a(), high_b(), high_a(), high_b()]);
}

#[test]
fn the_shots_really_differ_where_they_meet() {
    // Else frame-for-frame equality would prove little at the join.
    let (_dir, film) = join(&[high_a(), main_profile()]);
    let got = frames(&film);
    assert_near(
        centre(&got[0].1),
        [255, 255, 0],
        "the first shot's first frame",
    );
    assert_near(
        centre(&got[23].1),
        [255, 0, 255],
        "the first shot's last frame",
    );
    assert_near(
        centre(&got[24].1),
        [128, 0, 128],
        "the second shot's first frame",
    );
    assert_near(
        centre(&got[47].1),
        [0, 255, 0],
        "the second shot's last frame",
    );
}

#[test]
fn frame_count_and_duration_add_up() {
    let shots = [high_a(), high_b(), main_profile()];
    let film = Film::plan(&shots).unwrap();
    let info = film.info();
    assert_eq!((info.shots, info.frames), (3, 72));
    assert_eq!((info.width, info.height), (320, 180));
    assert_eq!(info.duration, Duration::from_secs(3));
    assert_eq!(
        info.shot_starts,
        [0, 1, 2].map(Duration::from_secs).to_vec()
    );

    let (_dir, path) = join(&shots);
    let video = Video::open(&path).unwrap();
    let own = video.info();
    assert_eq!(own.frame_count, 72);
    assert_eq!(own.duration, Duration::from_secs(3));
    assert!((own.fps - 24.0).abs() < 0.01, "{}", own.fps);
}

/// Top-level boxes of an MP4: kind and size.
fn boxes(bytes: &[u8]) -> Vec<(String, u64)> {
    let mut at = 0usize;
    let mut out = Vec::new();
    while at + 8 <= bytes.len() {
        let size = u64::from(u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()));
        let kind = String::from_utf8_lossy(&bytes[at + 4..at + 8]).into_owned();
        out.push((kind, size));
        at += size as usize;
    }
    assert_eq!(at, bytes.len(), "boxes cover the file exactly");
    out
}

#[test]
fn the_index_comes_first_so_it_plays_while_it_downloads() {
    let (_dir, path) = join(&[high_a(), high_b()]);
    let bytes = std::fs::read(&path).unwrap();
    let kinds: Vec<String> = boxes(&bytes).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["ftyp", "moov", "mdat"]);
}

/// The film's video track, decoded from its index.
fn track(path: &Path) -> mp4_atom::Trak {
    let bytes = std::fs::read(path).unwrap();
    let mut at = 0usize;
    loop {
        let size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        if &bytes[at + 4..at + 8] == b"moov" {
            let moov =
                <mp4_atom::Moov as mp4_atom::Decode>::decode(&mut &bytes[at..at + size]).unwrap();
            return moov.trak.into_iter().next().unwrap();
        }
        at += size;
    }
}

#[test]
fn b_frames_keep_their_composition_offsets_across_the_join() {
    let (_dir, path) = join(&[high_a(), main_profile()]);
    let trak = track(&path);
    let stbl = &trak.mdia.minf.stbl;
    let ctts = stbl
        .ctts
        .as_ref()
        .expect("B-frames need composition offsets");
    let offsets: Vec<i64> = ctts
        .entries
        .iter()
        .flat_map(|e| std::iter::repeat_n(e.sample_offset, e.sample_count as usize))
        .collect();
    assert_eq!(offsets.len(), 48);
    // A frame is 512 ticks. The High shot's pictures are shown two frames after decoding
    // starts; the Main shot's one, so its offsets grow by a frame to keep the film's pace.
    assert_eq!(offsets[0], 1024);
    assert_eq!(
        offsets[24], 1024,
        "the Main shot's keyframe, one frame later than its own"
    );
    let edit = &trak.edts.unwrap().elst.unwrap().entries[0];
    assert_eq!(
        edit.media_time,
        Some(1024),
        "the film starts at its first picture"
    );
}

#[test]
fn shots_with_other_parameter_sets_get_their_own_description_and_carry_them_in_band() {
    let (_dir, path) = join(&[high_a(), main_profile()]);
    let trak = track(&path);
    let stbl = &trak.mdia.minf.stbl;
    let avcc = |i: usize| match &stbl.stsd.codecs[i] {
        mp4_atom::Codec::Avc1(avc1) => avc1.avcc.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(stbl.stsd.codecs.len(), 2);
    assert_eq!(avcc(0).avc_profile_indication, 100, "High");
    assert_eq!(avcc(1).avc_profile_indication, 77, "Main");
    let chunks: Vec<(u32, u32)> = stbl
        .stsc
        .entries
        .iter()
        .map(|e| (e.first_chunk, e.sample_description_index))
        .collect();
    assert_eq!(chunks, [(1, 1), (2, 2)]);

    // The Main shot's first frame opens with its SPS and PPS, as its own description has them.
    let bytes = std::fs::read(&path).unwrap();
    let offset = match &stbl.stco {
        Some(stco) => stco.entries[1] as usize,
        None => panic!("a small film needs no 64-bit offsets"),
    };
    let sps = &avcc(1).sequence_parameter_sets[0];
    let len = u32::from_be_bytes(bytes[offset..offset + 4].try_into().unwrap()) as usize;
    assert_eq!(&bytes[offset + 4..offset + 4 + len], sps.as_slice());

    // Shots that share their settings share one description and get nothing added.
    let (_dir, same) = join(&[high_a(), high_b()]);
    let stbl = track(&same).mdia.minf.stbl;
    assert_eq!(stbl.stsd.codecs.len(), 1);
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    assert!(size(&same) < size(&high_a()) + size(&high_b()));
}

#[test]
fn a_film_joins_again_as_a_shot() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.mp4");
    Film::plan(&[high_a(), main_profile()])
        .unwrap()
        .save(&first, &mut |_, _| {})
        .unwrap();
    assert_film_of(&[first, high_b()]);
}

#[test]
fn progress_counts_up_to_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("film.mp4");
    let mut seen = Vec::new();
    Film::plan(&[high_a(), high_b()])
        .unwrap()
        .save(&out, &mut |done, total| seen.push((done, total)))
        .unwrap();
    let size = std::fs::metadata(&out).unwrap().len();
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));
    assert_eq!(seen.last(), Some(&(size, size)));
}

#[cfg(unix)]
#[test]
fn a_film_gets_the_permissions_of_any_new_file_not_a_temporary_ones() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, film) = join(&[high_a()]);
    let plain = dir.path().join("plain");
    std::fs::write(&plain, b"").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&film), mode(&plain));
}

/// Nothing at all is left in `dir` but `keep`.
#[track_caller]
fn assert_only(dir: &Path, keep: &[&str]) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, keep);
}

#[test]
fn a_truncated_shot_is_refused_by_name_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.mp4");
    let whole = std::fs::read(high_b()).unwrap();
    std::fs::write(&cut, &whole[..whole.len() * 2 / 3]).unwrap();
    let out = dir.path().join("film.mp4");

    let err = Film::plan(&[high_a(), cut.clone()])
        .and_then(|film| film.save(&out, &mut |_, _| {}))
        .unwrap_err();
    let FilmError::Shot(shot) = &err else {
        panic!("{err}");
    };
    assert_eq!((shot.index, shot.path.as_path()), (1, cut.as_path()));
    assert!(matches!(shot.problem, Problem::Truncated { .. }), "{err}");
    assert!(err.to_string().contains("cut short"), "{err}");
    assert_only(dir.path(), &["cut.mp4"]);
}

#[test]
fn a_shot_cut_while_it_is_copied_leaves_nothing_at_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shot.mp4");
    std::fs::copy(high_b(), &shot).unwrap();
    let film = Film::plan(&[high_a(), shot.clone()]).unwrap();
    let whole = std::fs::read(&shot).unwrap();
    std::fs::write(&shot, &whole[..whole.len() / 2]).unwrap();
    let out = dir.path().join("film.mp4");
    std::fs::write(&out, b"the film from before").unwrap();

    let err = film.save(&out, &mut |_, _| {}).unwrap_err();
    assert!(
        matches!(&err, FilmError::Shot(s) if s.index == 1 && matches!(s.problem, Problem::Changed)),
        "{err}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"the film from before");
    assert_only(dir.path(), &["film.mp4", "shot.mp4"]);
}

#[test]
fn what_cannot_be_joined_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("page.mp4");
    std::fs::write(&html, "<html><body>Not found</body></html>").unwrap();
    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, "").unwrap();
    let mpeg4 = Path::new(env!("CARGO_MANIFEST_DIR")).join("../video/tests/assets/mpeg4_64x36.mp4");
    let larger = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sim/assets/sample.mp4");
    let missing = dir.path().join("gone.mp4");

    let refusal = |second: &Path| match Film::plan(&[high_a(), second.to_path_buf()]) {
        Err(FilmError::Shot(shot)) => {
            assert_eq!((shot.index, shot.path.as_path()), (1, second));
            shot.problem
        }
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("{} was accepted", second.display()),
    };
    assert!(matches!(refusal(&html), Problem::NotMp4(_)));
    assert!(matches!(refusal(&empty), Problem::NoIndex));
    assert!(matches!(refusal(&mpeg4), Problem::UnsupportedCodec(_)));
    assert!(matches!(refusal(&missing), Problem::Io(_)));
    let size = refusal(&larger);
    assert!(
        matches!(
            size,
            Problem::OtherSize {
                width: 640,
                height: 360,
                first_width: 320,
                first_height: 180
            }
        ),
        "{size}"
    );
    assert!(matches!(
        Film::plan(&Vec::<PathBuf>::new()),
        Err(FilmError::NoShots)
    ));
}

#[test]
fn every_cut_of_a_shot_is_refused() {
    // The index sits before the frames (faststart), so any cut loses frames the index names.
    let dir = tempfile::tempdir().unwrap();
    let whole = std::fs::read(main_profile()).unwrap();
    let cut = dir.path().join("cut.mp4");
    for len in (0..whole.len()).step_by(97) {
        std::fs::write(&cut, &whole[..len]).unwrap();
        assert!(
            Film::plan(std::slice::from_ref(&cut)).is_err(),
            "cut at {len} of {}",
            whole.len()
        );
    }
}

#[test]
fn a_gif_shows_the_shots_at_twelve_frames_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("film.gif");
    let film = Film::plan(&[high_a(), main_profile()]).unwrap();
    let info = film
        .save_gif(&out, GifOptions::default(), &mut |_, _| {})
        .unwrap();
    assert_eq!((info.width, info.height, info.frames), (320, 180, 24));

    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(std::fs::File::open(&out).unwrap())
        .unwrap();
    assert_eq!((decoder.width(), decoder.height()), (320, 180));
    let mut centres = Vec::new();
    let mut centiseconds = 0u32;
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        centiseconds += u32::from(frame.delay);
        let at = (usize::from(frame.height) / 2 * usize::from(frame.width)
            + usize::from(frame.width) / 2)
            * 4;
        centres.push([frame.buffer[at], frame.buffer[at + 1], frame.buffer[at + 2]]);
    }
    assert_eq!(centres.len(), 24);
    assert_eq!(centiseconds, 200, "the GIF lasts as long as the film");
    assert_near(centres[0], [255, 255, 0], "first frame");
    assert_near(centres[11], [255, 0, 255], "the first shot's last frame");
    assert_near(centres[12], [128, 0, 128], "the second shot's first frame");
    assert_near(centres[23], [0, 255, 0], "last frame");
}

#[test]
fn a_gif_of_a_large_shot_is_at_most_480_wide() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("film.gif");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sim/assets/sample.mp4");
    let film = Film::plan(&[sample]).unwrap();
    let info = film
        .save_gif(&out, GifOptions::default(), &mut |_, _| {})
        .unwrap();
    // 640×360 at 12 fps, 12 frames: every frame kept, boxed down.
    assert_eq!((info.width, info.height, info.frames), (480, 270, 12));
}
