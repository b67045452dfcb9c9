//! The workbench against a fal that misbehaves for a while: a paid job is never given up for
//! lost because of an outage, and a refused cancel is reported once, not hammered.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use std::time::Duration;

use crossterm::event::KeyCode;
use i2v::ui::Focus;
use i2v_sim::{Fault, Route, SimConfig};
use i2v_store::JobState;
use tui_support::bench::{Harness, Setup};
use tui_support::fixture_png;
use tui_support::keys::ctrl;

const PROMPT: &str = "a heron lifts off the water";

fn submit(h: &mut Harness) {
    h.type_text(PROMPT);
    h.focus(Focus::Image);
    h.type_text(&fixture_png());
    h.send(ctrl('s'));
}

#[tokio::test]
async fn a_status_outage_longer_than_the_retries_does_not_fail_the_job() {
    let mut h = Harness::start().await;
    // Every way of reading the status fails for a while: each poll exhausts its retries and
    // the status watch gives up more than once before fal answers again.
    h.sim.faults().push(Route::Stream, Fault::Reset, 6);
    h.sim.faults().push(Route::Status, Fault::Status(503), 30);
    submit(&mut h);
    h.wait_for("the job to complete once fal answers again", |s| {
        s.pane_text("Queue").contains("completed")
    })
    .await;
    // The test client polls up to 4 times per status read and a watch gives up after 3
    // failed reads: more than 12 status requests means the job outlived a watch giving up.
    let status_reads = h.sim.stats().by_route["status"];
    assert!(status_reads > 12, "only {status_reads} status reads");
    let record = h.store().list().records.remove(0);
    assert_eq!(record.state, JobState::Completed, "{record:#?}");
    assert!(record.error.is_none(), "{:?}", record.error);
    assert_eq!(h.sim.stats().by_route["submit"], 1, "never submitted again");
}

#[tokio::test]
async fn a_refused_cancel_is_reported_once_and_the_job_goes_on() {
    let mut h = Harness::with(Setup::new(SimConfig {
        queue_time: Duration::from_millis(600),
        ..SimConfig::fast()
    }))
    .await;
    h.sim.faults().push(Route::Cancel, Fault::Status(404), 100);
    submit(&mut h);
    h.wait_for("the job queued on fal", |s| {
        s.pane_text("History").contains("queued")
    })
    .await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('c'));
    h.press(KeyCode::Char('y'));
    h.wait_for("the refusal in the status bar", |s| {
        s.status_bar().contains("could not cancel")
    })
    .await;
    h.wait_for("the job to complete anyway", |s| {
        s.pane_text("Queue").contains("completed")
    })
    .await;
    assert_eq!(
        h.sim.stats().by_route["cancel"],
        1,
        "a refused cancel is not retried in a loop"
    );
}
