//! Chains of shots in the workbench, driven through the real loop against a history on
//! disk: the history marks each shot's place in its chain (`⛓2/3`), and the filter's
//! `chain:ID` lists a chain whole, other takes too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;
#[path = "ui_support/mod.rs"]
#[allow(clippy::duplicate_mod, unused_imports)]
mod ui_support;

use crossterm::event::KeyCode;
use i2v::ui::Focus;
use i2v_store::{JobRecord, JobState};
use tui_support::bench::Harness;
use tui_support::screen::Screen;
use ui_support::record;

/// a "dawn" → b "noon" → c "dusk", and a second take of b, "rain"; "alone" chains nothing.
fn chained() -> Vec<JobRecord> {
    let shot = |n: u32, prompt: &str, minutes_ago: i64, continues: Option<&JobRecord>| {
        let mut r = record(n, prompt, "frames/x.png", JobState::Completed, minutes_ago);
        r.continues = continues.map(|c| c.id.clone());
        r
    };
    let a = shot(1, "dawn over the harbour", 50, None);
    let b = shot(2, "noon over the harbour", 40, Some(&a));
    let c = shot(3, "dusk over the harbour", 30, Some(&b));
    let take = shot(4, "rain over the harbour", 20, Some(&a));
    let alone = shot(5, "alone in a field", 10, None);
    vec![a, b, c, take, alone]
}

fn row_with(screen: &Screen, word: &str) -> String {
    screen
        .pane_text("History")
        .lines()
        .find(|r| r.contains(word))
        .unwrap_or_else(|| panic!("no row with {word}:\n{screen}"))
        .to_owned()
}

#[tokio::test]
async fn the_history_marks_each_shots_place_in_its_chain() {
    let jobs = chained();
    let mut h = Harness::with_history(&jobs).await;
    let screen = h
        .wait_for("the history listed", |s| {
            s.pane_text("History").contains("alone")
        })
        .await;
    assert!(row_with(&screen, "dawn").contains("⛓1/3"), "{screen}");
    assert!(row_with(&screen, "noon").contains("⛓2/3"), "{screen}");
    assert!(row_with(&screen, "dusk").contains("⛓3/3"), "{screen}");
    assert!(row_with(&screen, "rain").contains("⛓2/2"), "{screen}");
    assert!(!row_with(&screen, "alone").contains('⛓'), "{screen}");

    // chain: lists the chain whole from any of its shots, by an id start in any case.
    h.focus(Focus::History);
    h.press(KeyCode::Char('/'));
    let dusk = jobs[2].id.as_str()[..16].to_lowercase();
    h.type_text(&format!("chain:{dusk}"));
    let screen = h.screen();
    assert!(screen.contains("4/5 match"), "{screen}");
    for word in ["dawn", "noon", "dusk", "rain"] {
        assert!(
            screen.pane_text("History").contains(word),
            "{word}: {screen}"
        );
    }
    assert!(!screen.pane_text("History").contains("alone"), "{screen}");
    // With words, both hold.
    h.type_text(" rain");
    assert!(h.screen().contains("1/5 match"), "{}", h.screen());
}
