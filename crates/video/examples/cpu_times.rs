//! CPU time per operation on the 1080p bench clip, read from the kernel's per-thread
//! accounting (`/proc/thread-self/schedstat`, Linux), beside wall time. On a shared machine
//! wall time mostly measures the neighbours; CPU time is what the work itself costs.
//!
//! `cargo run --release -p i2v-video --example cpu_times`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

use std::path::Path;
use std::time::Instant;

use i2v_video::{Position, ThumbCache, Video};

fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn measure(name: &str, runs: u32, mut work: impl FnMut()) {
    work();
    let (cpu, wall) = (cpu_ns(), Instant::now());
    for _ in 0..runs {
        work();
    }
    let cpu_ms = cpu_ns().saturating_sub(cpu) as f64 / f64::from(runs) / 1e6;
    let wall_ms = wall.elapsed().as_secs_f64() * 1e3 / f64::from(runs);
    println!("{name:20} cpu {cpu_ms:9.2} ms   wall {wall_ms:9.2} ms   ({runs} runs)");
}

fn main() {
    let clip = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/assets/bench_1080p_6s.mp4");
    let open = || Video::open(&clip).expect("the bench clip");
    measure("open", 50, || drop(open()));
    measure("first_frame", 20, || {
        drop(open().frames(&[Position::First]))
    });
    measure("decode_everything", 3, || drop(open().decode_all()));
    measure("strip_one_pass", 3, || {
        drop(open().frames(&Position::STRIP))
    });
    let dir = tempfile::tempdir().expect("a temp dir");
    let cache = ThumbCache::new(dir.path());
    cache.strip("job", &clip).expect("the strip");
    measure("strip_cached", 200, || drop(cache.cached("job")));
    let kept = std::fs::metadata(cache.path("job")).expect("cached").len();
    println!("thumbs/: {kept} bytes a job");
}
