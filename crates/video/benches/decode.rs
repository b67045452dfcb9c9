//! Frames of a 1080p, 6 s, High-profile H.264 clip with B-frames and one keyframe
//! (tests/assets/bench_1080p_6s.mp4: 144 frames, so the last frame costs the whole clip):
//! - `first_frame`: open the file and decode frame 0 (target ≤ 100 ms);
//! - `decode_everything`: every frame decoded, none converted to RGB: the floor of any pass;
//! - `strip_one_pass`: first, middle and last in one pass (target ≤ 1.2 × decode_everything);
//! - `strip_cold_cache`: the same, plus thumbnails made and written to the cache;
//! - `strip_cached`: the second look, from the cache: three JPEGs read and decoded (target
//!   ≤ 5 ms); the bytes it takes in `thumbs/` are printed (target ≤ 100 KB a job).
//!
//! `cargo bench -p i2v-video`; add `-- --quick` for a shorter run, or a name to filter.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use i2v_video::{Position, ThumbCache, Video};

fn clip() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/assets/bench_1080p_6s.mp4")
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    let mut quick = c.benchmark_group("video");
    quick.bench_function("first_frame", |b| {
        b.iter(|| {
            let video = Video::open(clip()).expect("bench clip");
            black_box(video.frames(&[Position::First]).expect("first frame"))
        })
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = ThumbCache::new(dir.path().join("warm"));
    cache.strip("job", &clip()).expect("strip");
    let kept = std::fs::metadata(cache.path("job")).expect("cached").len();
    println!("thumbs/: {kept} bytes a job (the bench clip's strip, one file)");
    quick.bench_function("strip_cached", |b| {
        b.iter(|| black_box(cache.cached("job").expect("cached strip")))
    });
    quick.finish();

    // Whole passes take seconds each: ten flat samples.
    let mut slow = c.benchmark_group("video_pass");
    slow.sample_size(10)
        .sampling_mode(criterion::SamplingMode::Flat)
        .measurement_time(Duration::from_secs(20));
    slow.bench_function("decode_everything", |b| {
        b.iter(|| {
            let video = Video::open(clip()).expect("bench clip");
            black_box(video.decode_all().expect("decode"))
        })
    });
    slow.bench_function("strip_one_pass", |b| {
        b.iter(|| {
            let video = Video::open(clip()).expect("bench clip");
            black_box(video.frames(&Position::STRIP).expect("strip"))
        })
    });
    let mut run = 0u32;
    slow.bench_function("strip_cold_cache", |b| {
        b.iter_batched(
            || {
                run += 1;
                ThumbCache::new(dir.path().join(format!("cold{run}")))
            },
            |cache| black_box(cache.strip("job", &clip()).expect("strip")),
            BatchSize::PerIteration,
        )
    });
    slow.finish();
    c.final_summary();
}
