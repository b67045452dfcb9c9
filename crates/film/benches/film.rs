//! A report (no criterion: each figure wants its own clean process state) on the 1080p, 6 s
//! High-profile clip of `crates/video/tests/assets/bench_1080p_6s.mp4` (144 frames, B-frames,
//! one keyframe), standing in for a result video:
//! - joining ten of them (60 s of video) into one MP4: target under a second;
//! - peak resident memory of a join of 10 and of 60 shots: the same, since frames are streamed
//!   (`/proc/self/clear_refs` resets the peak before each, `VmHWM` reads it after);
//! - an animated GIF of one shot (≤ 480 px wide, ≤ 12 fps): target under 5 s on one core. The
//!   export runs on this one thread; CPU time is read from `/proc/thread-self/schedstat`.
//!
//! `cargo bench -p i2v-film` (add `-- --quick` for fewer runs). Linux only for the memory
//! and CPU figures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use i2v_film::{Film, GifOptions};

fn clip() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../video/tests/assets/bench_1080p_6s.mp4")
}

fn cpu() -> Duration {
    let ns = std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| {
            line.strip_prefix(field)?
                .trim_start_matches(':')
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

fn reset_peak() {
    // "5" resets VmHWM to the current RSS (Linux 4.0+).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// Runs `work` `runs` times; the median (wall, CPU) of one run.
fn timed(runs: usize, mut work: impl FnMut()) -> (Duration, Duration) {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..runs {
        let (wall, cpu0) = (Instant::now(), cpu());
        work();
        walls.push(wall.elapsed());
        cpus.push(cpu() - cpu0);
    }
    walls.sort();
    cpus.sort();
    (walls[runs / 2], cpus[runs / 2])
}

fn verdict(met: bool) -> &'static str {
    if met { "TARGET MET" } else { "TARGET MISSED" }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runs = if quick { 3 } else { 7 };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("film.mp4");
    let shots = |n: usize| vec![clip(); n];

    let (wall, cpu) = timed(runs, || {
        Film::plan(&shots(10))
            .unwrap()
            .save(&out, &mut |_, _| {})
            .unwrap();
    });
    let size = std::fs::metadata(&out).unwrap().len();
    let info = Film::plan(&shots(10)).unwrap().info();
    println!(
        "join 10 × 1080p 6 s ({} frames, {:.0} s, {:.1} MB): median {:.0} ms wall, {:.0} ms CPU ({runs} runs)   {}",
        info.frames,
        info.duration.as_secs_f64(),
        size as f64 / 1e6,
        wall.as_secs_f64() * 1e3,
        cpu.as_secs_f64() * 1e3,
        verdict(wall < Duration::from_secs(1)),
    );

    let mut peaks = Vec::new();
    for n in [10, 60] {
        let before = status_kb("VmRSS");
        reset_peak();
        Film::plan(&shots(n))
            .unwrap()
            .save(&out, &mut |_, _| {})
            .unwrap();
        let peak = status_kb("VmHWM");
        println!(
            "join {n:2} shots: resident before {:.1} MB, peak during {:.1} MB (+{:.1} MB)",
            mb(before),
            mb(peak),
            mb(peak.saturating_sub(before)),
        );
        peaks.push(peak.saturating_sub(before));
    }
    // Independent of the length: six times the film, not a megabyte more (its index grows by
    // about 20 bytes a frame: 7,200 more frames are 150 kB).
    let grew = peaks[1].saturating_sub(peaks[0]);
    println!(
        "peak growth from 10 to 60 shots: {:.2} MB   {}",
        mb(grew),
        verdict(grew < 1024)
    );

    let gif = dir.path().join("shot.gif");
    let one = Film::plan(&shots(1)).unwrap();
    let mut frames = 0;
    let (wall, cpu) = timed(if quick { 1 } else { 3 }, || {
        frames = one
            .save_gif(&gif, GifOptions::default(), &mut |_, _| {})
            .unwrap()
            .frames;
    });
    println!(
        "GIF of one 1080p 6 s shot ({frames} frames at 480×270, {:.1} MB): median {:.2} s wall, {:.2} s CPU on one thread   {}",
        std::fs::metadata(&gif).unwrap().len() as f64 / 1e6,
        wall.as_secs_f64(),
        cpu.as_secs_f64(),
        verdict(cpu < Duration::from_secs(5)),
    );
}
