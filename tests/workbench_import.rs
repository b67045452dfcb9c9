//! The history's `I`: jobs made elsewhere (fal's playground, another machine) brought in from
//! fal's records, driven like a user through the real event loop against the simulated fal.
//! A look first, then a question naming the count, then the import (the same code as
//! `i2v history import --from-fal`), the rows marked imported; n and Esc import nothing, a
//! second look finds nothing, and records out of reach are an error in the status bar.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use std::time::Duration;

use crossterm::event::KeyCode;
use i2v::ui::Focus;
use i2v_sim::{Elsewhere, Fault, Route, SimConfig};
use i2v_store::{JobRecord, JobState, Store};
use serde_json::json;
use tui_support::bench::{Harness, Setup};
use tui_support::screen::Screen;

const MODEL: &str = "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video";
const HOUR: Duration = Duration::from_secs(3600);

fn input(prompt: &str) -> serde_json::Value {
    json!({"prompt": prompt, "image_url": "https://example.com/frame.png", "prompt_optimizer": false})
}

fn submits(h: &Harness) -> u64 {
    h.sim.stats().by_route.get("submit").copied().unwrap_or(0)
}

/// The jobs of `store` marked imported.
fn imported_in(store: &Store) -> Vec<JobRecord> {
    let records = store.list().records;
    records
        .into_iter()
        .filter(|r| r.imported_at.is_some())
        .collect()
}

fn imported(h: &Harness) -> Vec<JobRecord> {
    imported_in(&h.store())
}

/// `I` in the history, and the question it leads to.
async fn ask(h: &mut Harness) -> Screen {
    h.focus(Focus::History);
    h.press(KeyCode::Char('I'));
    h.wait_for("the question with the count", |s| {
        s.contains("from fal's records?")
    })
    .await
}

#[tokio::test]
async fn i_asks_fals_records_and_imports_the_jobs_made_elsewhere_once() {
    let mut h = Harness::start().await;
    h.submit_and_complete("made here").await;
    let fox = h
        .sim
        .made_elsewhere(MODEL, Some(input("a fox in the playground")), HOUR);
    h.sim
        .made_elsewhere(MODEL, Some(input("an owl at dusk")), 2 * HOUR);
    h.sim
        .made_elsewhere(MODEL, Some(input("a crash sim:fail")), 3 * HOUR);

    let question = ask(&mut h).await;
    assert!(
        question.contains("Import 3 jobs from fal's records?"),
        "{question}"
    );
    assert!(question.contains("2 completed, 1 failed"), "{question}");
    assert!(
        question.contains("their videos are downloaded"),
        "{question}"
    );
    assert!(imported(&h).is_empty(), "nothing saved before the yes");

    h.press(KeyCode::Char('y'));
    let screen = h
        .wait_for("the imported jobs in the history", |s| {
            let history = s.pane_text("History");
            s.status_bar()
                .contains("Imported 3 jobs from fal's records")
                && history.contains("a fox in the playground")
                && history.contains("an owl at dusk")
                && history.contains("a crash")
        })
        .await;
    assert!(
        screen
            .status_bar()
            .contains("2 completed, 1 failed; fetching 2 videos"),
        "{screen}"
    );
    // Marked as imported, the job made here not.
    let history = screen.pane_text("History");
    assert_eq!(history.matches('⇣').count(), 3, "{history}");
    let here = history.lines().find(|l| l.contains("made here")).unwrap();
    assert!(!here.contains('⇣'), "{here}");

    // Their videos arrive as the jobs made here do, said once both are in; a video
    // fetched is no job in flight, so the queue has only the job made here.
    let store = h.store();
    let fetched = h
        .wait_for("both videos downloaded", |s| {
            let videos = imported_in(&store)
                .iter()
                .filter(|r| r.result.as_ref().is_some_and(|v| v.local_file.is_some()))
                .count();
            videos == 2
                && s.status_bar()
                    .contains("The imported jobs' videos are fetched")
        })
        .await;
    let queue = fetched.pane_text("Queue");
    assert!(!queue.contains("a fox in the playground"), "{fetched}");
    let records = imported(&h);
    assert_eq!(records.len(), 3);
    let done = records
        .iter()
        .find(|r| r.request.as_ref().unwrap().request_id.0 == fox)
        .unwrap();
    assert_eq!(done.state, JobState::Completed);
    assert!(done.error.is_none(), "{:?}", done.error);
    assert!(!done.input.prompt_optimizer);

    // Again: nothing to import, nothing twice.
    h.press(KeyCode::Char('I'));
    let again = h
        .wait_for("nothing to import", |s| {
            s.status_bar().contains("Nothing to import")
        })
        .await;
    assert!(!again.contains("from fal's records?"), "{again}");
    assert_eq!(imported(&h).len(), 3);
    assert_eq!(h.store().list().records.len(), 4);
    assert_eq!(submits(&h), 1, "importing never submits");
}

#[tokio::test]
async fn n_and_esc_import_nothing() {
    let mut h = Harness::start().await;
    h.sim
        .made_elsewhere(MODEL, Some(input("a fox in the playground")), HOUR);
    h.sim
        .made_elsewhere(MODEL, Some(input("an owl at dusk")), 2 * HOUR);
    for no in [KeyCode::Char('n'), KeyCode::Esc] {
        let question = ask(&mut h).await;
        assert!(
            question.contains("Import 2 jobs from fal's records?"),
            "{question}"
        );
        h.press(no);
        let screen = h.screen();
        assert!(!screen.contains("from fal's records?"), "{screen}");
        assert!(screen.status_bar().contains("Nothing imported"), "{screen}");
        h.quiet().await;
        assert!(imported(&h).is_empty(), "{no:?} imported");
        assert!(
            !h.screen().pane_text("History").contains("a fox"),
            "{}",
            h.screen()
        );
    }
}

#[tokio::test]
async fn records_out_of_reach_are_an_error_in_the_status_bar_and_import_nothing() {
    let mut h = Harness::start().await;
    h.sim
        .made_elsewhere(MODEL, Some(input("a fox in the playground")), HOUR);
    h.sim.faults().push(Route::Requests, Fault::Unauthorized, 1);
    h.focus(Focus::History);
    h.press(KeyCode::Char('I'));
    let screen = h
        .wait_for("the error", |s| {
            s.status_bar()
                .contains("fal's records could not be read, so nothing was imported")
        })
        .await;
    assert!(!screen.contains("from fal's records?"), "{screen}");
    assert!(imported(&h).is_empty());
    // Once they answer again, the same key works (the error goes with the first key).
    h.press(KeyCode::Esc);
    let question = ask(&mut h).await;
    assert!(
        question.contains("Import 1 job from fal's records?"),
        "{question}"
    );
}

#[tokio::test]
async fn with_downloads_off_the_videos_stay_on_fal() {
    let mut h = Harness::with(Setup {
        download: false,
        ..Setup::new(SimConfig::fast())
    })
    .await;
    h.sim
        .made_elsewhere(MODEL, Some(input("a fox in the playground")), HOUR);
    let question = ask(&mut h).await;
    assert!(
        question.contains("their videos stay on fal (downloads are off)"),
        "{question}"
    );
    h.press(KeyCode::Char('y'));
    h.wait_for("the import", |s| {
        s.status_bar()
            .contains("Imported 1 job from fal's records: 1 completed")
    })
    .await;
    h.quiet().await;
    let records = imported(&h);
    assert_eq!(records.len(), 1);
    assert!(records[0].no_download);
    assert!(records[0].error.is_none(), "{:?}", records[0].error);
    let result = records[0].result.as_ref().unwrap();
    assert!(result.url.starts_with("http") && result.local_file.is_none());
    assert_eq!(h.sim.stats().by_route.get("file").copied().unwrap_or(0), 0);
}

#[tokio::test]
async fn a_job_fal_still_runs_is_followed_in_the_queue_to_its_video() {
    let mut h = Harness::with(Setup::new(SimConfig {
        run_time: Duration::from_millis(1500),
        ..SimConfig::fast()
    }))
    .await;
    let heron = h.sim.made_elsewhere_as(
        MODEL,
        Some(input("a heron still running")),
        Duration::from_secs(60),
        Elsewhere::Running,
    );
    let question = ask(&mut h).await;
    assert!(question.contains("1 still on fal"), "{question}");
    h.press(KeyCode::Char('y'));
    let screen = h
        .wait_for("the job in the queue", |s| {
            s.pane_text("Queue").contains("a heron still running")
        })
        .await;
    assert!(
        screen.status_bar().contains("following 1 still on fal"),
        "{screen}"
    );
    let store = h.store();
    h.wait_for("the job completed with its video", |s| {
        let done = imported_in(&store).into_iter().any(|r| {
            r.state == JobState::Completed && r.result.is_some_and(|v| v.local_file.is_some())
        });
        done && s.pane_text("Queue").contains("completed")
    })
    .await;
    let record = imported(&h).remove(0);
    assert_eq!(record.request.unwrap().request_id.0, heron);
    assert_eq!(submits(&h), 0);
}
