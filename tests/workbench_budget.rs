//! The budget in the workbench, driven like a user through the real event loop against the
//! simulated fal: the history's title shows what was spent against each cap, a submit from
//! 80 % of a cap on says where things stand, and one that would pass a cap is asked about
//! first (Enter and n send nothing; y sends it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use crossterm::event::KeyCode;
use i2v::budget::Budget;
use i2v::ui::{Pricing, Theme};
use i2v_sim::SimConfig;
use ratatui::style::Color;
use tui_support::bench::{Harness, Setup};
use tui_support::keys::ctrl;
use tui_support::screen::Screen;

async fn with_budget(budget: Budget) -> Harness {
    Harness::with(Setup {
        pricing: Pricing {
            budget,
            ..Pricing::default()
        },
        ..Setup::new(SimConfig::fast())
    })
    .await
}

fn submits(h: &Harness) -> u64 {
    h.sim.stats().by_route.get("submit").copied().unwrap_or(0)
}

/// The foreground colour the history's title draws `text` in.
fn title_colour(h: &Harness, text: &str) -> Option<Color> {
    let buffer = h.bench.terminal.backend().buffer();
    let width = buffer.area.width as usize;
    let cells = buffer.content();
    for row in cells.chunks(width) {
        let line: String = row.iter().map(|c| c.symbol()).collect();
        if let Some(at) = line.find(text) {
            let column = line[..at].chars().count();
            return row[column].style().fg;
        }
    }
    None
}

async fn wait_completed(h: &mut Harness, n: usize) -> Screen {
    h.wait_for(&format!("{n} completed jobs"), |s| {
        s.pane_text("History").matches("✓ completed").count() == n
    })
    .await
}

#[tokio::test]
async fn the_daily_budget_is_shown_warned_from_80_percent_and_asked_before_passing_it() {
    let mut h = with_budget(Budget {
        daily_usd: Some(1.0),
        session_usd: None,
    })
    .await;
    assert!(
        h.screen()
            .contains("spent $0.00 this session, $0.00 of $1.00 today")
    );

    h.submit_and_complete("a fox runs").await;
    h.submit_and_complete("a fox sleeps").await;
    let screen = h.screen();
    assert!(screen.contains("$0.66 of $1.00 today"), "{screen}");
    assert!(!screen.status_bar().contains("budget"), "66 % says nothing");
    let muted = Theme::default().muted().fg;
    assert_eq!(title_colour(&h, "$0.66 of $1.00 today"), muted);

    // The third job takes what is spent and in flight to 99 %: said as it is sent.
    h.fill("a fox jumps");
    h.send(ctrl('s'));
    let status = h.screen().status_bar();
    assert!(
        status.contains("$0.99 of the $1.00 daily budget spent or in flight (99 %)"),
        "{status}"
    );
    wait_completed(&mut h, 3).await;
    let warning = Theme::default().warning().fg;
    assert_ne!(warning, muted);
    assert_eq!(title_colour(&h, "$0.99 of $1.00 today"), warning);

    // The fourth would pass the cap: asked first, and Enter is no.
    h.fill("a fox yawns");
    h.send(ctrl('s'));
    let screen = h.screen();
    for line in [
        "Over the budget",
        "Send this job past the budget?",
        "Over the daily budget of $1.00: $0.99 spent today, and this would cost $0.33",
        "y: send anyway",
    ] {
        assert!(screen.contains(line), "{line:?} missing:\n{screen}");
    }
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(!screen.contains("Over the budget"), "{screen}");
    assert!(
        screen
            .status_bar()
            .contains("Not submitted: it would pass the budget"),
        "{screen}"
    );
    h.send(ctrl('s'));
    h.press(KeyCode::Char('n'));
    assert_eq!(submits(&h), 3, "nothing more may reach fal");

    h.send(ctrl('s'));
    h.press(KeyCode::Char('y'));
    wait_completed(&mut h, 4).await;
    assert_eq!(submits(&h), 4);
    assert_eq!(
        title_colour(&h, "$1.32 of $1.00 today"),
        Theme::default().error().fg
    );
}

#[tokio::test]
async fn a_matrix_past_the_session_budget_is_asked_about_after_its_count_and_cost() {
    let mut h = with_budget(Budget {
        daily_usd: None,
        session_usd: Some(0.5),
    })
    .await;
    assert!(
        h.screen()
            .contains("spent $0.00 of $0.50 this session, $0.00 today")
    );
    h.fill("a {red|blue} fox");
    h.send(ctrl('s'));
    assert!(h.screen().contains("Send 2 jobs?"));
    h.press(KeyCode::Char('y'));
    let screen = h.screen();
    for line in [
        "Send these 2 jobs past the budget?",
        "Over the session budget of $0.50: $0.00 spent this session, and this would cost",
        "$0.66 more ($0.66 in all)",
    ] {
        assert!(screen.contains(line), "{line:?} missing:\n{screen}");
    }
    h.press(KeyCode::Char('n'));
    h.settle();
    assert_eq!(h.sim.stats().requests, 0, "nothing may reach fal");
    assert!(!h.screen().contains("past the budget?"));
}
