//! Pictures in the workbench, driven like a user through the real event loop against the
//! simulated fal (whose videos are 12 frames: red, green, blue thirds with a white box), drawn
//! in halfblocks on a `TestBackend`: the image field's thumbnail, a finished job's frames in
//! its detail view and beside the history, and playback with `p`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use std::collections::HashSet;
use std::time::Instant;

use crossterm::event::KeyCode;
use i2v::preview::{Colors, Graphics};
use i2v::ui::Focus;
use i2v_sim::SimConfig;
use ratatui::style::Color;
use tui_support::WAIT;
use tui_support::bench::{Harness, Setup};
use tui_support::fixture_png;
use tui_support::keys::ctrl;
use tui_support::screen::Screen;

async fn with_pictures() -> Harness {
    let mut h = Harness::with(Setup::new(SimConfig::fast())).await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    h
}

/// The 24-bit colours drawn inside the pane titled `title` (the theme draws none: these are
/// pictures).
fn picture_colours(h: &Harness, title: &str) -> HashSet<(u8, u8, u8)> {
    let buffer = h.bench.terminal.backend().buffer();
    let screen = h.screen();
    let rows = screen.rows();
    let Some((top, left)) = rows.iter().enumerate().find_map(|(y, row)| {
        let x = row.find(&format!(" {title} "))?;
        Some((y, row[..x].chars().count().saturating_sub(1)))
    }) else {
        return HashSet::new();
    };
    let mut colours = HashSet::new();
    for y in top + 1..rows.len() {
        let corner = rows[y].chars().nth(left);
        if matches!(corner, Some('└' | '┗')) {
            break;
        }
        for x in left + 1..usize::from(buffer.area.width) {
            let cell = &buffer[(x as u16, y as u16)];
            if matches!(cell.symbol(), "│" | "┃") {
                break;
            }
            for colour in [cell.fg, cell.bg] {
                if let Color::Rgb(r, g, b) = colour {
                    colours.insert((r, g, b));
                }
            }
        }
    }
    colours
}

/// Some pixel close to `rgb` is among `colours`.
fn shows(colours: &HashSet<(u8, u8, u8)>, rgb: (u8, u8, u8)) -> bool {
    let near = |a: u8, b: u8| a.abs_diff(b) <= 40;
    colours
        .iter()
        .any(|&(r, g, b)| near(r, rgb.0) && near(g, rgb.1) && near(b, rgb.2))
}

/// Waits (handling background messages) until `done` holds for the harness.
async fn wait_until(h: &mut Harness, what: &str, done: impl Fn(&Harness) -> bool) {
    let deadline = Instant::now() + WAIT;
    loop {
        h.bench.draw().unwrap();
        if done(h) {
            return;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, h.bench.runtime.next()).await {
            Ok(Some(msg)) => {
                h.bench.handle(msg);
            }
            _ => panic!("gave up waiting for {what}; the screen:\n{}", h.screen()),
        }
    }
}

/// Submits a job and waits until it completed with its video downloaded.
async fn finished_job(h: &mut Harness) {
    h.type_text("a slow dolly in");
    h.focus(Focus::Image);
    h.type_text(&fixture_png());
    h.send(ctrl('s'));
    h.wait_for("the job to complete", |s| {
        s.pane_text("Queue").contains("completed")
    })
    .await;
}

fn frame_number(screen: &Screen) -> Option<u32> {
    let rows = screen.rows();
    let row = rows.iter().find(|r| r.contains("▶ frame "))?;
    let (_, rest) = row.split_once("▶ frame ")?;
    rest.split('/').next()?.parse().ok()
}

#[tokio::test]
async fn the_image_field_shows_a_thumbnail_once_the_image_checks_out() {
    let mut h = with_pictures().await;
    h.focus(Focus::Image);
    assert!(picture_colours(&h, "Image").is_empty());
    h.type_text(&fixture_png());
    wait_until(&mut h, "the thumbnail", |h| {
        !picture_colours(h, "Image").is_empty()
    })
    .await;
    assert!(h.screen().pane_text("Image").contains("✓ frame.png"));

    // Another text: the old picture goes with it.
    for _ in 0..3 {
        h.press(KeyCode::Backspace);
    }
    h.settle();
    assert!(
        picture_colours(&h, "Image").is_empty(),
        "the thumbnail of another text stays:\n{}",
        h.screen()
    );
}

#[tokio::test]
async fn on_a_short_screen_the_image_facts_stay_whole_and_the_thumbnail_makes_way() {
    let mut h = with_pictures().await;
    h.focus(Focus::Image);
    h.type_text(&fixture_png());
    wait_until(&mut h, "the thumbnail", |h| {
        !picture_colours(h, "Image").is_empty()
    })
    .await;
    // 80×24: the box has one row for the facts, where a picture of a few cells would cut
    // them ("400×3").
    h.bench.terminal.backend_mut().resize(80, 24);
    h.send(i2v::ui::Msg::Resize(80, 24));
    let image = h.screen().pane_text("Image");
    assert!(image.contains("400×300"), "{}", h.screen());
    assert!(picture_colours(&h, "Image").is_empty(), "{}", h.screen());
}

#[tokio::test]
async fn without_pictures_nothing_is_made() {
    let mut h = Harness::start().await;
    h.focus(Focus::Image);
    h.type_text(&fixture_png());
    h.wait_for("the check", |s| s.pane_text("Image").contains("✓"))
        .await;
    h.settle();
    assert!(picture_colours(&h, "Image").is_empty());
}

#[tokio::test]
async fn a_finished_job_shows_its_first_middle_and_last_frames_in_its_detail_view() {
    let mut h = with_pictures().await;
    finished_job(&mut h).await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    wait_until(&mut h, "the strip", |h| {
        let colours = picture_colours(h, "Frames · p plays");
        shows(&colours, (255, 0, 0)) && shows(&colours, (0, 128, 0)) && shows(&colours, (0, 0, 255))
    })
    .await;
    let frames = h.screen().pane_text("Frames · p plays");
    for caption in ["first · frame 1", "middle · frame 7", "last · frame 12"] {
        assert!(frames.contains(caption), "{caption}:\n{}", h.screen());
    }
}

#[tokio::test]
async fn p_plays_the_video_frames_advance_and_p_or_esc_stop_it() {
    let mut h = with_pictures().await;
    finished_job(&mut h).await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    h.press(KeyCode::Char('p'));
    let first = frame_number(&h.wait_for("playback", |s| frame_number(s).is_some()).await);
    h.wait_for("another frame", |s| {
        frame_number(s).is_some_and(|n| Some(n) != first)
    })
    .await;
    wait_until(&mut h, "a frame drawn", |h| {
        !picture_colours(h, "▶ frame").is_empty()
    })
    .await;

    h.press(KeyCode::Char('p'));
    assert!(h.screen().contains("Frames · p plays"), "{}", h.screen());
    h.press(KeyCode::Char('p'));
    h.wait_for("playback again", |s| frame_number(s).is_some())
        .await;
    h.press(KeyCode::Esc);
    let screen = h.screen();
    assert!(
        screen.contains("Frames · p plays") && screen.contains("Esc closes"),
        "Esc stops playback, the view stays:\n{screen}"
    );
    h.press(KeyCode::Esc);
    assert!(!h.screen().contains("Esc closes"), "{}", h.screen());
}

#[tokio::test]
async fn p_in_the_queue_opens_the_view_and_plays() {
    let mut h = with_pictures().await;
    finished_job(&mut h).await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('p'));
    h.wait_for("playback", |s| frame_number(s).is_some()).await;
}

#[tokio::test]
async fn the_selected_finished_job_shows_a_frame_beside_the_history() {
    let mut h = with_pictures().await;
    finished_job(&mut h).await;
    h.focus(Focus::History);
    wait_until(&mut h, "the frame beside the list", |h| {
        shows(&picture_colours(h, "History"), (0, 128, 0))
    })
    .await;
}

#[tokio::test]
async fn o_over_ssh_explains_and_offers_playback_here() {
    let mut h = Harness::with(Setup {
        remote: true,
        ..Setup::new(SimConfig::fast())
    })
    .await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    finished_job(&mut h).await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('o'));
    let screen = h.screen();
    assert!(screen.status_bar().contains("p plays it here"), "{screen}");
    assert!(
        screen.contains("Esc closes"),
        "the detail view opens:\n{screen}"
    );
    h.press(KeyCode::Char('p'));
    h.wait_for("playback", |s| frame_number(s).is_some()).await;
}

#[tokio::test]
async fn a_detail_view_opened_while_the_job_runs_shows_its_frames_once_it_finishes() {
    let mut h = Harness::with(Setup::new(SimConfig {
        run_time: std::time::Duration::from_millis(800),
        ..SimConfig::fast()
    }))
    .await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    h.type_text("a slow dolly in");
    h.focus(Focus::Image);
    h.type_text(&fixture_png());
    h.send(ctrl('s'));
    h.wait_for("the job in the queue", |s| {
        s.pane_text("Queue").contains("a slow dolly in")
    })
    .await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    assert!(
        !h.screen().contains("last · frame 12"),
        "finished too soon for this test:\n{}",
        h.screen()
    );
    h.wait_for("the strip", |s| s.contains("last · frame 12"))
        .await;
}
