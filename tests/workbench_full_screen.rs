//! The full-screen player, driven like a user through the real event loop against the
//! simulated fal: `f` where a video is (the history, the detail view, the grid), the
//! picture as large as the screen allows, `p` stops and plays it on, `,` and `.` step while
//! it stands, digits rate, and `f` or Esc go back to where it was.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use crossterm::event::KeyCode;
use i2v::preview::{Colors, Graphics};
use i2v::ui::Focus;
use tui_support::bench::Harness;
use tui_support::screen::Screen;

/// The full-screen player's title: its first row, `▶ job … · frame 3/12`.
fn title(screen: &Screen) -> String {
    screen.rows().first().cloned().unwrap_or_default()
}

/// The frame number the title shows.
fn frame(screen: &Screen) -> usize {
    let title = title(screen);
    let at = title.find("frame ").expect("a frame in the title") + "frame ".len();
    title[at..]
        .split('/')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a frame number")
}

/// Rows of the screen with a halfblock on them: how much of it the picture covers.
fn picture_rows(screen: &Screen) -> usize {
    screen
        .rows()
        .iter()
        .filter(|r| r.contains('▀') || r.contains('▄'))
        .count()
}

#[tokio::test]
async fn f_fills_the_screen_steps_when_stopped_rates_and_goes_back() {
    let mut h = Harness::start().await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    let id = h
        .submit_and_complete("a lighthouse at dusk, slow dolly in")
        .await;
    h.focus(Focus::History);
    h.press(KeyCode::Char('g'));

    h.press(KeyCode::Char('f'));
    let screen = h
        .wait_for("playing full screen", |s| {
            title(s).contains("▶ job") && title(s).contains("frame ")
        })
        .await;
    let top = title(&screen);
    assert!(
        top.contains(id.as_str()) && top.contains("a lighthouse at dusk"),
        "the title names the job and its prompt's start: {top}"
    );
    assert!(
        !screen.contains("History ·"),
        "nothing but the player: {screen}"
    );

    // p stops it where it is: the picture stays.
    h.press(KeyCode::Char('p'));
    // The frame due when it stopped may still be on its way.
    h.quiet().await;
    let stopped = h.screen();
    assert!(title(&stopped).contains("⏸"), "{stopped}");
    assert!(picture_rows(&stopped) > 0, "the picture stays: {stopped}");
    let at = frame(&stopped);
    // . steps a frame on, , a frame back.
    h.press(KeyCode::Char('.'));
    let on = h.wait_for("a frame on", |s| frame(s) == at % 12 + 1).await;
    assert!(title(&on).contains("⏸"), "still stopped: {on}");
    h.press(KeyCode::Char(','));
    h.wait_for("a frame back", |s| frame(s) == at).await;
    // Played on, it moves again.
    h.press(KeyCode::Char('p'));
    h.wait_for("playing on", |s| title(s).contains("▶") && frame(s) != at)
        .await;

    // Digits rate the job shown.
    h.press(KeyCode::Char('4'));
    h.wait_for("rated", |s| s.status_bar().contains("Rated job"))
        .await;

    // f goes back to the history.
    h.press(KeyCode::Char('f'));
    let back = h.screen();
    assert!(back.contains("History ·"), "{back}");
    assert!(back.contains("★★★★☆"), "{back}");
}

#[tokio::test]
async fn from_the_detail_view_f_and_esc_come_back_to_it_still_playing() {
    let mut h = Harness::start().await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    h.submit_and_complete("a harbour at night").await;
    h.focus(Focus::History);
    h.press(KeyCode::Char('g'));
    h.press(KeyCode::Char('v'));
    h.press(KeyCode::Char('p'));
    h.wait_for("playing in the details", |s| s.contains("p or Esc stops"))
        .await;
    let small = picture_rows(&h.screen());

    h.press(KeyCode::Char('f'));
    let full = h
        .wait_for("full screen and larger", |s| {
            title(s).contains("▶ job") && picture_rows(s) > small
        })
        .await;
    assert!(picture_rows(&full) > small, "{full}");

    h.press(KeyCode::Esc);
    h.wait_for("the details again, playing", |s| {
        s.contains("p or Esc stops") && s.contains("Job ")
    })
    .await;
}
