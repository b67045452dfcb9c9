//! `i2v frame`: frames of a job's downloaded video as PNG files, from the real binary; and the
//! cached strip the UI reads (`i2v::frames::strip`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::path::{Path, PathBuf};

use i2v_store::{ImageSource, JobInput, JobRecord, JobState, Store, VideoResult};
use support::{Sandbox, Sim, quick};

const MODEL: &str = "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video";
const IMAGE_URL: &str = "https://example.com/frame.png";

/// 320×180, 48 frames at 24 fps, High profile with B-frames: red, then green, then blue.
fn thirds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/video/tests/assets/thirds_320x180.mp4")
}

/// Width and height from a PNG's header, checking it is one.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is not a PNG",
        path.display()
    );
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

/// A completed job whose downloaded video is a copy of `video` in the data dir.
fn completed_job(sandbox: &Sandbox, video: Option<&Path>) -> JobRecord {
    let store = Store::open(sandbox.data_dir()).unwrap();
    let mut record = JobRecord::new(
        MODEL,
        JobInput {
            prompt: "a red, green and blue clip".into(),
            image: ImageSource::Url {
                url: IMAGE_URL.into(),
            },
            prompt_optimizer: true,
        },
    );
    let local_file = video.map(|video| {
        let dest = store.videos_dir().join(format!("{}.mp4", record.id));
        std::fs::create_dir_all(store.videos_dir()).unwrap();
        std::fs::copy(video, &dest).unwrap();
        dest
    });
    record.result = Some(VideoResult {
        url: "https://example.com/result.mp4".into(),
        content_type: Some("video/mp4".into()),
        file_name: None,
        file_size: None,
        local_file,
        local_size: None,
    });
    record.state = JobState::Completed;
    store.save(&record).unwrap();
    record
}

#[test]
fn a_job_finished_on_the_simulated_fal_gives_its_frames() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox.submit("a cat walks", IMAGE_URL, &[]).expect_code(0);
    let record = sandbox.only_record();

    // By a prefix of the id, into the data dir by default, the last frame unless told.
    let run = sandbox.run(&["frame", &record.id.as_str()[..10]]);
    run.expect_code(0);
    let saved = PathBuf::from(run.stdout.trim());
    assert_eq!(
        saved,
        sandbox
            .data_dir()
            .join("frames")
            .join(format!("{}-last.png", record.id))
    );
    // The simulated fal's sample video is 640×360.
    assert_eq!(png_size(&saved), (640, 360));

    let out = sandbox.root().join("first.png");
    let run = sandbox.run(&[
        "frame",
        record.id.as_str(),
        "--at",
        "first",
        "-o",
        out.to_str().unwrap(),
    ]);
    run.expect_code(0);
    assert_eq!(run.stdout.trim(), out.to_str().unwrap());
    assert_eq!(png_size(&out), (640, 360));
}

#[test]
fn at_picks_the_frame_by_place_or_time() {
    let sandbox = Sandbox::offline();
    let record = completed_job(&sandbox, Some(&thirds()));
    let frames = sandbox.data_dir().join("frames");
    for (at, file, colour) in [
        ("first", "first", [255, 0, 0]),
        ("middle", "middle", [0, 128, 0]),
        ("last", "last", [0, 0, 255]),
        ("1.5", "1.5s", [0, 0, 255]),
        ("0.5", "0.5s", [255, 0, 0]),
    ] {
        let run = sandbox.run(&["frame", record.id.as_str(), "--at", at]);
        run.expect_code(0);
        let path = frames.join(format!("{}-{file}.png", record.id));
        assert_eq!(run.stdout.trim(), path.to_str().unwrap());
        assert_eq!(png_size(&path), (320, 180));
        let centre = i2v_video::image::open(&path)
            .unwrap()
            .to_rgb8()
            .get_pixel(160, 120)
            .0;
        let close = centre
            .iter()
            .zip(colour)
            .all(|(&a, e): (&u8, i32)| (i32::from(a) - e).abs() <= 12);
        assert!(
            close,
            "--at {at}: centre pixel {centre:?}, expected about {colour:?}"
        );
    }
}

#[test]
fn a_job_without_a_downloaded_video_is_a_clear_error() {
    let sandbox = Sandbox::offline();
    let record = completed_job(&sandbox, None);
    let run = sandbox.run(&["frame", record.id.as_str()]);
    run.expect_code(2)
        .expect_stderr(record.id.as_str())
        .expect_stderr("no downloaded video (it was not downloaded); download it first")
        .expect_stderr("https://example.com/result.mp4");
    assert!(!sandbox.data_dir().join("frames").exists());
}

#[test]
fn a_damaged_or_cut_video_is_named_in_the_error() {
    let sandbox = Sandbox::offline();
    let record = completed_job(&sandbox, Some(&thirds()));
    let video = record.result.as_ref().unwrap().local_file.clone().unwrap();
    let bytes = std::fs::read(&video).unwrap();

    std::fs::write(&video, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let run = sandbox.run(&["frame", record.id.as_str()]);
    run.expect_code(2)
        .expect_stderr(video.to_str().unwrap())
        .expect_stderr("cut short");

    std::fs::write(&video, b"<html>not a video</html>").unwrap();
    let run = sandbox.run(&["frame", record.id.as_str()]);
    run.expect_code(2).expect_stderr(video.to_str().unwrap());
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_time_past_the_end_or_a_bad_position_is_refused() {
    let sandbox = Sandbox::offline();
    let record = completed_job(&sandbox, Some(&thirds()));
    let run = sandbox.run(&["frame", record.id.as_str(), "--at", "9"]);
    run.expect_code(2).expect_stderr("past its end");
    let run = sandbox.run(&["frame", record.id.as_str(), "--at", "end"]);
    run.expect_code(2).expect_stderr("not a position");
}

#[test]
fn the_strip_is_decoded_once_then_read_from_the_cache() {
    let sandbox = Sandbox::offline();
    let record = completed_job(&sandbox, Some(&thirds()));
    let store = Store::open(sandbox.data_dir()).unwrap();
    let strip = i2v::frames::strip(&store, &record).unwrap();
    assert_eq!(strip.each_ref().map(|f| f.index), [0, 24, 47]);
    assert!(sandbox.data_dir().join("thumbs").is_dir());

    // With the video gone, the second look still works: it never opens the video.
    std::fs::remove_file(record.result.as_ref().unwrap().local_file.as_ref().unwrap()).unwrap();
    assert_eq!(i2v::frames::strip(&store, &record).unwrap(), strip);
}

#[test]
fn submit_from_last_frame_chains_the_jobs() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox.submit("a cat walks", IMAGE_URL, &[]).expect_code(0);
    let first = sandbox.only_record();

    let prefix = &first.id.as_str()[..12];
    let run = sandbox.run(&[
        "submit",
        "--prompt",
        "the cat sits down",
        "--from-last-frame",
        prefix,
    ]);
    run.expect_code(0)
        .expect_stderr(&format!("continuing job {}", first.id));

    let records = sandbox.records();
    assert_eq!(records.len(), 2);
    let next = records.iter().find(|r| r.id != first.id).unwrap();
    assert_eq!(next.state, JobState::Completed, "{next:#?}");
    assert_eq!(next.continues.as_ref(), Some(&first.id));
    let frame = sandbox
        .data_dir()
        .join("frames")
        .join(format!("{}-last.png", first.id));
    match &next.input.image {
        ImageSource::File {
            path, content_type, ..
        } => {
            assert_eq!(path, &frame);
            assert_eq!(content_type, "image/png");
        }
        other => panic!("expected the saved frame as the image, got {other:?}"),
    }
    assert_eq!(png_size(&frame), (640, 360));

    sandbox
        .run(&["history", "show", next.id.as_str()])
        .expect_code(0)
        .expect_stdout(&format!("continues {}", first.id));
    // The first job continues nothing, and its file does not even mention it.
    let first_file =
        std::fs::read_to_string(sandbox.jobs_dir().join(format!("{}.json", first.id))).unwrap();
    assert!(!first_file.contains("continues"), "{first_file}");
}

#[test]
fn from_last_frame_needs_a_downloaded_video_and_no_image() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a cat walks", IMAGE_URL, &["--no-download"])
        .expect_code(0);
    let first = sandbox.only_record();

    let run = sandbox.run(&[
        "submit",
        "--prompt",
        "next",
        "--from-last-frame",
        first.id.as_str(),
    ]);
    run.expect_code(2).expect_stderr("no downloaded video");
    assert_eq!(sandbox.records().len(), 1, "nothing submitted");

    let run = sandbox.run(&[
        "submit",
        "--prompt",
        "next",
        "--image",
        IMAGE_URL,
        "--from-last-frame",
        first.id.as_str(),
    ]);
    run.expect_code(2).expect_stderr("cannot be used with");
    assert_eq!(sandbox.records().len(), 1);
    assert_eq!(sim.count("submit"), 1);
}
