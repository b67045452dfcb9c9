//! Playback through a link: the real `i2v` binary in a pseudo-terminal whose output is read at
//! once (as sshd reads it into TCP's buffers) and carried at a given rate to a terminal that
//! answers status requests only once it has shown what came before (`tui_support::link`).
//! The workbench writes a frame only when the one before it was shown, and thins frames to
//! what the link carries, so a key stays quick however thin the link, and the picture moves.
//!
//! The clip is `crates/video/tests/assets/motion_320x180.mp4`: 96 frames at 24 fps whose hue
//! turns so every picture cell changes on every frame, played in a job's detail view.
//!
//! How long a key takes to show is measured in what the link carried meanwhile (bytes at
//! its rate, plus its latency both ways), which the machine's load does not change; the
//! wall-clock bounds are only there to catch frames piling up.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use i2v_store::{JobState, Store, VideoResult};
use tempfile::TempDir;
use tui_support::link::Link;
use tui_support::pty::{Pty, demo_env};
use tui_support::screen::Screen;

const LATENCY: Duration = Duration::from_millis(10);
const FRAMES: u32 = 96;

fn clip() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/video/tests/assets/motion_320x180.mp4")
}

/// A history holding one finished job whose video is the clip.
fn home_with_a_video() -> TempDir {
    let home = TempDir::new().unwrap();
    let store = Store::open(home.path().join("data")).unwrap();
    let mut record = tui_support::past_record("a lighthouse at dusk", JobState::Completed, 5);
    record.result = Some(VideoResult {
        url: "https://example.com/result.mp4".into(),
        content_type: Some("video/mp4".into()),
        file_name: None,
        file_size: None,
        local_file: Some(clip()),
        local_size: None,
    });
    store.save(&record).unwrap();
    home
}

/// The workbench (no key: the history is browsable) in a 120×40 terminal behind `link`, its
/// job's video playing in the detail view.
fn playing(home: &TempDir, link: Link) -> Pty {
    let mut env = demo_env(home.path());
    env.push(("COLORTERM".into(), "truecolor".into()));
    let mut pty = Pty::spawn_linked(&[], &env, 120, 40, link);
    pty.wait_for("the history", |s| s.contains("a lighthouse at dusk"));
    // Alt-4: the history; v: the job's details; p: play.
    pty.send(b"\x1b4");
    pty.wait_for("the history focused", |s| {
        s.status_bar().contains("details")
    });
    pty.send(b"v");
    pty.wait_for("the frame strip", |s| s.contains("⏸ Frames"));
    pty.send(b"p");
    pty.wait_for("playback", |s| frame(s).is_some());
    pty
}

/// The frame the player's title names.
fn frame(screen: &Screen) -> Option<u32> {
    let rows = screen.rows();
    let row = rows
        .iter()
        .find(|r| r.contains("▶") && r.contains(" frame "))?;
    let (_, rest) = row.split_once(" frame ")?;
    rest.split('/').next()?.parse().ok()
}

/// The frames the far end showed during `time`, looking every few milliseconds.
fn frames_shown(pty: &Pty, time: Duration) -> HashSet<u32> {
    let end = Instant::now() + time;
    let mut seen = HashSet::new();
    while Instant::now() < end {
        seen.extend(frame(&pty.screen()));
        std::thread::sleep(Duration::from_millis(5));
    }
    seen
}

/// Presses `p` at the far end and measures until the far end shows playback stopped: in the
/// link's time (what it carried meanwhile at `rate`, and the latency both ways), and on the
/// wall clock.
fn stop(pty: &mut Pty, rate: f64) -> (Duration, Duration) {
    let (start, before) = (Instant::now(), pty.delivered());
    pty.send(b"p");
    loop {
        if pty.screen().contains("⏸ Frames") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the stop never showed; the screen:\n{}",
            pty.screen()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let carried = (pty.delivered() - before) as f64 / rate;
    (
        Duration::from_secs_f64(carried) + 2 * LATENCY,
        start.elapsed(),
    )
}

fn through(bits: f64, stop_within: Duration) {
    let home = home_with_a_video();
    let mut pty = playing(&home, Link::bits(bits, LATENCY));
    let seen = frames_shown(&pty, Duration::from_secs(2));
    assert!(
        seen.len() >= 3,
        "the picture moves: frames {seen:?}; the screen:\n{}",
        pty.screen()
    );
    let (link_time, wall) = stop(&mut pty, bits / 8.0);
    eprintln!(
        "{bits} bit/s: {} frames shown in 2 s; stop shown after {link_time:?} of the link's time, {wall:?} on the clock",
        seen.len()
    );
    assert!(
        link_time <= stop_within,
        "the stop waited behind {link_time:?} of the link's time ({wall:?} on the clock)"
    );
    assert!(
        wall <= Duration::from_secs(3),
        "frames piled up: the stop showed after {wall:?}"
    );
    // Stopped means stopped: nothing moves any more.
    let still = frames_shown(&pty, Duration::from_millis(300));
    assert!(still.is_empty(), "{still:?}");
    pty.send(&[tui_support::keys::ctrl_byte('q')]);
    assert!(pty.wait_exit().success());
}

#[test]
fn at_1_mbit_s_a_stop_key_is_shown_within_0_3_s_and_the_picture_moves() {
    through(1e6, Duration::from_millis(300));
}

#[test]
fn at_256_kbit_s_a_stop_key_is_shown_within_0_5_s_and_the_picture_moves() {
    through(256e3, Duration::from_millis(500));
}

#[test]
fn on_a_fast_terminal_playback_keeps_the_clips_frame_rate() {
    let home = home_with_a_video();
    let mut pty = playing(&home, Link::unthrottled());
    let seen = frames_shown(&pty, Duration::from_secs(3));
    // 72 frames are due in 3 s; a loaded machine may skip some, a paced one not half.
    assert!(
        seen.len() as u32 >= 72 / 2,
        "{} of 72 frames shown: {seen:?}",
        seen.len()
    );
    assert!(seen.iter().all(|&n| n <= FRAMES));
    assert!(
        pty.answered() > 36,
        "the terminal was asked after every frame"
    );
    pty.send(&[tui_support::keys::ctrl_byte('q')]);
    assert!(pty.wait_exit().success());
}
