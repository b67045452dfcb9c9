//! Screens as text (and, for themes, as styles), reviewed by eye and pinned with insta.
//! These are also the README's screenshots. Update with
//! `INSTA_UPDATE=always cargo test -p i2v --test ui_snapshots`, then review the diff.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod ui_support;

use crossterm::event::KeyCode;
use i2v::ui::{App, AppOptions, Msg, Theme};
use insta::assert_snapshot;
use ui_support::*;

fn focused(tabs: usize) -> App {
    let mut app = busy_app();
    tab(&mut app, tabs);
    app
}

#[test]
fn main_screen_editor_focused() {
    assert_snapshot!(render(&mut busy_app(), 80, 24));
}

#[test]
fn main_screen_image_focused() {
    assert_snapshot!(render(&mut focused(1), 80, 24));
}

#[test]
fn main_screen_optimizer_focused() {
    assert_snapshot!(render(&mut focused(2), 80, 24));
}

#[test]
fn main_screen_queue_focused() {
    assert_snapshot!(render(&mut focused(3), 80, 24));
}

#[test]
fn main_screen_history_focused() {
    assert_snapshot!(render(&mut focused(4), 80, 24));
}

#[test]
fn main_screen_large_with_banner() {
    let mut app = app_with(AppOptions {
        banner: Some("DEMO — simulated fal, no key needed".to_owned()),
        ..AppOptions::default()
    });
    fill_busy(&mut app);
    app.update(Msg::Resize(120, 40));
    assert_snapshot!(render(&mut app, 120, 40));
}

#[test]
fn help_overlay() {
    let mut app = busy_app();
    app.update(key(KeyCode::F(1)));
    assert_snapshot!("help_80x24", render(&mut app, 80, 24));
    app.update(Msg::Resize(120, 40));
    assert_snapshot!("help_120x40", render(&mut app, 120, 40));
}

#[test]
fn help_overlay_scrolled_to_the_end() {
    let mut app = busy_app();
    app.update(key(KeyCode::F(1)));
    app.update(ch('G'));
    assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn history_detail_of_a_failed_job() {
    let mut app = focused(4);
    send(&mut app, [ch('j'), ch('j'), ch('v')]);
    assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn queue_detail_of_a_running_job() {
    let mut app = focused(3);
    app.update(ch('j')); // the running job, below the queued one
    app.update(ch('v'));
    assert_snapshot!(render(&mut app, 120, 40));
}

#[test]
fn diff_overlay() {
    let mut app = focused(4); // the cat on the windowsill vs the editor's cat
    app.update(ch('d'));
    assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn diff_overlay_without_colour_marks_changes() {
    let mut app = app_with(AppOptions {
        theme: Theme::no_color(),
        ..AppOptions::default()
    });
    send(&mut app, history_loaded(history()));
    type_text(
        &mut app,
        "A cat on a sofa watches the rain, soft evening light",
    );
    tab(&mut app, 4);
    app.update(ch('d'));
    assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn error_in_the_status_bar() {
    let mut app = app();
    app.update(ctrl('s'));
    assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn cancel_confirmation() {
    let mut app = focused(3);
    app.update(ch('c'));
    assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn history_filter_open() {
    let mut app = focused(4);
    app.update(ch('/'));
    type_text(&mut app, "cat");
    assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn terminal_too_small() {
    let mut app = busy_app();
    assert_snapshot!("too_small_79x24", render(&mut app, 79, 24));
    assert_snapshot!("too_small_60x10", render(&mut app, 60, 10));
}

fn theme_snapshot(theme: Theme) -> String {
    let mut app = app_with(AppOptions {
        theme,
        banner: Some("No FAL_KEY: set FAL_KEY=… or key in config; --demo to try".to_owned()),
        ..AppOptions::default()
    });
    fill_busy(&mut app);
    tab(&mut app, 4);
    app.update(Msg::Error("fal returned 500".to_owned()));
    let terminal = terminal(&mut app, 80, 24);
    style_runs(terminal.backend().buffer())
}

#[test]
fn theme_dark() {
    assert_snapshot!(theme_snapshot(Theme::load("dark", None).0));
}

#[test]
fn theme_light() {
    assert_snapshot!(theme_snapshot(Theme::load("light", None).0));
}

#[test]
fn theme_high_contrast() {
    assert_snapshot!(theme_snapshot(Theme::load("high-contrast", None).0));
}

#[test]
fn theme_no_color() {
    assert_snapshot!(theme_snapshot(Theme::no_color()));
}

/// A workbench in use with `budget` set, the history focused.
fn with_budget(budget: i2v::budget::Budget) -> App {
    let mut app = app_with(AppOptions {
        pricing: i2v::ui::Pricing {
            budget,
            ..i2v::ui::Pricing::default()
        },
        ..AppOptions::default()
    });
    fill_busy(&mut app);
    tab(&mut app, 4);
    app
}

#[test]
fn history_title_with_a_daily_budget_80x24() {
    let mut app = with_budget(i2v::budget::Budget {
        daily_usd: Some(5.0),
        session_usd: None,
    });
    assert_snapshot!(render(&mut app, 80, 24));
}

#[test]
fn history_title_with_both_caps_80x24() {
    let mut app = with_budget(i2v::budget::Budget {
        daily_usd: Some(5.0),
        session_usd: Some(2.0),
    });
    assert_snapshot!(render(&mut app, 80, 24));
}
