//! A matrix judged as a grid, driven like a user through the real event loop against the
//! simulated fal: the matrix is sent, `*` marks its batch, `=` opens the grid, and its keys
//! move, rate, note, play every cell in step, open details and come back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use crossterm::event::KeyCode;
use i2v::preview::{Colors, Graphics};
use i2v::ui::Focus;
use tui_support::bench::Harness;
use tui_support::keys::ctrl;
use tui_support::screen::Screen;

/// How many cells stand side by side: the most cell borders on one row, two a cell.
fn cells_in_a_row(screen: &Screen) -> usize {
    screen
        .rows()
        .iter()
        .map(|r| r.matches('│').count() / 2)
        .max()
        .unwrap_or(0)
}

#[tokio::test]
async fn star_marks_the_matrix_and_the_grid_judges_it() {
    let mut h = Harness::start().await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    h.fill("a {red|blue|gold} fox at dusk");
    h.send(ctrl('s'));
    h.press(KeyCode::Char('y'));
    h.wait_for("the three jobs completed", |s| {
        s.pane_text("History").matches("✓ completed").count() == 3
    })
    .await;
    h.focus(Focus::History);

    h.press(KeyCode::Char('*'));
    let screen = h.screen();
    assert!(screen.contains("3 marked"), "{screen}");
    h.press(KeyCode::Char('='));
    let screen = h
        .wait_for("the grid with its frames", |s| {
            s.contains("Grid · 3 jobs") && !s.contains("making its frames")
        })
        .await;
    for cell in ["1 red", "2 blue", "3 gold"] {
        assert!(screen.contains(cell), "{cell}:\n{screen}");
    }
    assert_eq!(cells_in_a_row(&screen), 2, "two cells a row:\n{screen}");

    // Right to blue, rate it.
    h.press(KeyCode::Char('l'));
    h.press(KeyCode::Char('5'));
    h.wait_for("blue rated", |s| s.contains("★★★★★")).await;
    let store = h.store();
    let rated: Vec<String> = store
        .list()
        .records
        .into_iter()
        .filter(|r| r.rating.is_some())
        .map(|r| r.input.prompt)
        .collect();
    assert_eq!(rated, ["a blue fox at dusk"]);

    // Down to gold, note it: the grid comes back with its note marker.
    h.press(KeyCode::Char('j'));
    h.press(KeyCode::Char('n'));
    h.type_text("too warm");
    h.press(KeyCode::Enter);
    h.wait_for("gold noted", |s| {
        s.contains("Grid · 3 jobs") && s.contains("✎")
    })
    .await;

    // p plays every cell: each cell's picture moves.
    h.press(KeyCode::Char('p'));
    let first = h.screen();
    let screen = h
        .wait_for("every cell playing", |s| {
            s.status_bar().contains("p stop") && s.rows() != first.rows()
        })
        .await;
    assert!(
        screen.contains("▶ Grid · 3 jobs"),
        "the title says so:\n{screen}"
    );

    // v opens the selected job's details, its video playing on; Esc leaves them, back to the
    // grid still playing (the grid's playback is the grid's to stop).
    h.press(KeyCode::Char('v'));
    let screen = h.screen();
    assert!(screen.contains("a gold fox at dusk"), "{screen}");
    assert!(
        screen.contains("· p stops") && !screen.contains("Esc stops"),
        "{screen}"
    );
    h.press(KeyCode::Esc);
    let back = h.screen();
    assert!(back.contains("Grid · 3 jobs"), "{back}");
    assert!(back.status_bar().contains("p stop"), "{back}");
    h.wait_for("the cells still moving", |s| s.rows() != back.rows())
        .await;
    // Esc in the grid stops them, the next closes it.
    h.press(KeyCode::Esc);
    let screen = h.screen();
    assert!(screen.contains("Grid · 3 jobs"), "{screen}");
    assert!(screen.status_bar().contains("play all"), "{screen}");
    h.press(KeyCode::Esc);
    assert!(!h.screen().contains("Grid ·"), "{}", h.screen());
}
