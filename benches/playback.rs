//! Playback in the terminal, frame by frame, on the 1080p 6 s High-profile clip with
//! B-frames (crates/video/tests/assets/bench_1080p_6s.mp4, 144 frames at 24 fps), on one
//! thread — what the player thread does for every frame it shows:
//! - `playback/decode_only`: every frame decoded, nothing made of it (the floor);
//! - `playback/halfblocks_160x48`: decoded, boxed down from YUV to 160×90 pixels, encoded as
//!   halfblocks and drawn into a 160×48 buffer (target ≥ 12 frames/s on one core);
//! - `playback/rgb_then_resize_160x48`: the same with a whole-frame RGB conversion and a
//!   triangle-filter resize instead of the YUV box, to show why the player does not do that.
//!
//! Criterion reports each pass of 144 frames as a throughput in frames/s (elements/s).
//! Before that, the same passes are timed in CPU time (`/proc/thread-self/schedstat`), which a
//! shared machine does not inflate as it does wall time.
//!
//! `cargo bench --bench playback`; add `-- --quick` for a shorter run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::hint::black_box;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput};
use i2v::preview::{Colors, Picture, halfblock_pixels};
use i2v_video::Video;
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::widgets::Widget;

const CELLS: Size = Size::new(160, 48);

fn clip() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/video/tests/assets/bench_1080p_6s.mp4")
}

/// One pass over the clip; `show` makes something of each frame. Returns frames shown.
fn pass(video: &Video, mut show: impl FnMut(&i2v_video::Picture<'_>)) -> usize {
    let mut shown = 0;
    video
        .each_picture(|picture| {
            show(&picture);
            shown += 1;
            ControlFlow::Continue(())
        })
        .expect("the bench clip decodes");
    shown
}

fn halfblocks(video: &Video, picture: &i2v_video::Picture<'_>, buf: &mut Buffer) {
    let info = video.info();
    let (w, h) = halfblock_pixels(info.width, info.height, CELLS);
    let image = picture.to_small_rgb(w, h);
    let shown = Picture::halfblocks(&image, CELLS, Colors::TrueColor);
    (&shown).render(buf.area, buf);
}

fn rgb_then_resize(picture: &i2v_video::Picture<'_>, buf: &mut Buffer) {
    let image = picture.to_rgb();
    let (w, h) = halfblock_pixels(image.width(), image.height(), CELLS);
    let small = image::imageops::resize(&image, w, h, image::imageops::FilterType::Triangle);
    let shown = Picture::halfblocks(&small, CELLS, Colors::TrueColor);
    (&shown).render(buf.area, buf);
}

fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn report_cpu(video: &Video) {
    let mut buf = Buffer::empty(Rect::new(0, 0, CELLS.width, CELLS.height));
    let measure = |name: &str, show: &mut dyn FnMut(&i2v_video::Picture<'_>)| {
        let (cpu, wall) = (cpu_ns(), Instant::now());
        let frames = pass(video, |p| show(p));
        let cpu_s = cpu_ns().saturating_sub(cpu) as f64 / 1e9;
        let wall_s = wall.elapsed().as_secs_f64();
        println!(
            "{name:28} {frames} frames: cpu {:6.1} ms/frame = {:5.1} frames/s on one core \
             (wall {:5.1} ms/frame)",
            cpu_s * 1e3 / frames as f64,
            frames as f64 / cpu_s.max(1e-9),
            wall_s * 1e3 / frames as f64,
        );
    };
    measure("decode_only", &mut |_| {});
    measure("halfblocks_160x48", &mut |p| halfblocks(video, p, &mut buf));
    let mut buf = Buffer::empty(Rect::new(0, 0, CELLS.width, CELLS.height));
    measure("rgb_then_resize_160x48", &mut |p| {
        rgb_then_resize(p, &mut buf)
    });
}

fn main() {
    let video = Video::open(clip()).expect("the bench clip");
    let frames = video.info().frame_count as u64;
    report_cpu(&video);

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20))
        .configure_from_args();
    let mut group = c.benchmark_group("playback");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Elements(frames));
    group.bench_function("decode_only", |b| {
        b.iter(|| black_box(pass(&video, |_| {})))
    });
    let mut buf = Buffer::empty(Rect::new(0, 0, CELLS.width, CELLS.height));
    group.bench_function("halfblocks_160x48", |b| {
        b.iter(|| black_box(pass(&video, |p| halfblocks(&video, p, &mut buf))))
    });
    group.bench_function("rgb_then_resize_160x48", |b| {
        b.iter(|| black_box(pass(&video, |p| rgb_then_resize(p, &mut buf))))
    });
    group.finish();
    c.final_summary();
}
