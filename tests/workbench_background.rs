//! Defect 12 of the second daily-use pass: a theme's background is the whole screen's. The
//! high-contrast theme paints black; a cell left at the terminal's own background (a view
//! cleared and not repainted, a border drawn without it) shows as a band of another colour.
//! Every view a user opens is checked, through the event loop, cell by cell.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use crossterm::event::KeyCode;
use i2v::preview::{Colors, Graphics};
use i2v::ui::{Focus, Theme};
use ratatui::style::Color;
use tui_support::bench::{Harness, Setup};
use tui_support::keys::ch;

/// The cells (x, y) whose background is the terminal's own, not the theme's.
fn bare_cells(h: &Harness) -> Vec<(u16, u16)> {
    let buffer = h.bench.terminal.backend().buffer();
    buffer
        .area
        .positions()
        .filter(|&p| buffer[p].bg == Color::Reset)
        .map(|p| (p.x, p.y))
        .collect()
}

/// Notes `view` in `failed` (with its screen) when some of its cells are bare.
fn check(h: &Harness, view: &str, failed: &mut Vec<String>) {
    let bare = bare_cells(h);
    if !bare.is_empty() {
        failed.push(format!(
            "{view}: {} cells keep the terminal's background, the first at {:?}:\n{}",
            bare.len(),
            &bare[..bare.len().min(5)],
            h.screen()
        ));
    }
}

#[tokio::test]
async fn every_view_of_the_high_contrast_theme_paints_its_background() {
    let (theme, problem) = Theme::load("high-contrast", None);
    assert_eq!(problem, None);
    let mut failed = Vec::new();
    let mut h = Harness::with(Setup {
        theme: Some(theme),
        ..Setup::new(sim_fast())
    })
    .await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    check(&h, "the panes", &mut failed);
    for prompt in ["a heron lifts off", "a heron lands", "a heron waits"] {
        h.submit_and_complete(prompt).await;
    }
    check(&h, "the panes with three jobs", &mut failed);

    // The prompt's camera commands.
    h.focus(Focus::Editor);
    h.type_text(" [");
    assert!(h.screen().pane("camera").is_some());
    check(&h, "the camera commands", &mut failed);
    h.press(KeyCode::Esc);
    h.press(KeyCode::Backspace);
    h.press(KeyCode::Backspace);

    h.press(KeyCode::F(1));
    check(&h, "the help", &mut failed);
    h.press(KeyCode::Esc);

    h.focus(Focus::History);
    h.send(ch('v'));
    h.wait_for("the detail view's frames", |s| s.contains("middle · frame"))
        .await;
    check(&h, "a job's details with its frames", &mut failed);
    h.send(ch('n'));
    assert!(h.screen().contains("Note on job"));
    check(&h, "the note over the details", &mut failed);
    h.press(KeyCode::Esc);
    h.press(KeyCode::Esc);

    h.send(ch('f'));
    h.wait_for("the full-screen player", |s| {
        s.contains("frame") && !s.rows()[0].contains("Prompt")
    })
    .await;
    check(&h, "the full-screen player", &mut failed);
    h.press(KeyCode::Esc);
    h.quiet().await;

    // Two marked: compare; three: the grid.
    h.press(KeyCode::Home);
    h.send(ch(' '));
    h.press(KeyCode::Down);
    h.send(ch('='));
    h.quiet().await;
    assert!(h.screen().contains("Compare: A (marked)"), "{}", h.screen());
    check(&h, "compare", &mut failed);
    h.press(KeyCode::Esc);
    h.press(KeyCode::Home);
    for _ in 0..3 {
        h.send(ch(' '));
        h.press(KeyCode::Down);
    }
    h.send(ch('='));
    h.quiet().await;
    let screen = h.screen();
    assert!(
        !screen.rows()[0].contains("Prompt") && !screen.contains("Compare"),
        "{screen}"
    );
    check(&h, "the grid", &mut failed);
    h.press(KeyCode::Esc);

    h.send(ch('D'));
    assert!(h.screen().contains("move to the trash"), "{}", h.screen());
    check(&h, "the trash question", &mut failed);
    h.press(KeyCode::Esc);

    h.press(KeyCode::F(3));
    assert!(h.screen().contains("Messages — Esc closes"));
    check(&h, "the messages", &mut failed);
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

fn sim_fast() -> i2v_sim::SimConfig {
    i2v_sim::SimConfig::fast()
}
