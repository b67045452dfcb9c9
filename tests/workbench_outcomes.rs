//! Every way a submit can end, driven through the workbench's event loop against the
//! simulated fal, counting the submits fal received: exactly one wherever fal may have the
//! job. Also the billing pause and 422 details.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use crossterm::event::KeyCode;
use i2v::ui::Focus;
use i2v_sim::{Fault, Route, SimConfig};
use i2v_store::JobState;
use tui_support::bench::{Harness, Setup};
use tui_support::fixture_png;
use tui_support::keys::ctrl;

const PROMPT: &str = "a heron lifts off the lake";

fn fill_and_submit(h: &mut Harness) {
    h.type_text(PROMPT);
    h.focus(Focus::Image);
    h.type_text(&fixture_png());
    h.send(ctrl('s'));
}

fn submits(h: &Harness) -> u64 {
    h.sim.stats().by_route.get("submit").copied().unwrap_or(0)
}

async fn harness_with(route: Route, fault: Fault, times: u32) -> Harness {
    let h = Harness::start().await;
    h.sim.faults().push(route, fault, times);
    h
}

#[tokio::test]
async fn a_5xx_naming_its_request_is_followed_to_completion_with_one_submit() {
    let mut h = harness_with(
        Route::Submit,
        Fault::ErrorWithId {
            status: 500,
            taken: true,
        },
        1,
    )
    .await;
    fill_and_submit(&mut h);
    h.wait_for("the job to complete", |s| {
        s.pane_text("History").contains("completed")
    })
    .await;
    assert_eq!(submits(&h), 1);
}

#[tokio::test]
async fn a_request_fal_does_not_know_ends_not_submitted_and_says_it_is_safe_to_rerun() {
    let mut h = harness_with(
        Route::Submit,
        Fault::ErrorWithId {
            status: 502,
            taken: false,
        },
        1,
    )
    .await;
    fill_and_submit(&mut h);
    h.wait_for("the failure", |s| s.contains("safe to re-run"))
        .await;
    assert_eq!(submits(&h), 1);
    let record = &h.store().list().records[0];
    assert_eq!(record.state, JobState::Failed);
    assert_eq!(
        record.error.as_ref().unwrap().kind,
        i2v_store::ErrorKind::NotSubmitted
    );
}

#[tokio::test]
async fn an_ingress_error_is_retried_and_the_job_completes() {
    let mut h = harness_with(Route::Submit, Fault::Ingress(503), 1).await;
    fill_and_submit(&mut h);
    h.wait_for("the job to complete", |s| {
        s.pane_text("History").contains("completed")
    })
    .await;
    assert_eq!(submits(&h), 2, "one nginx page, then the submit");
}

#[tokio::test]
async fn a_lost_answer_is_settled_from_fals_records_and_the_job_followed() {
    let mut h = harness_with(Route::Submit, Fault::ResetAfterBody, 1).await;
    fill_and_submit(&mut h);
    let screen = h
        .wait_for("the job found on fal and completed", |s| {
            s.pane_text("History").contains("completed")
        })
        .await;
    assert!(!screen.contains("maybe sent"), "{screen}");
    assert_eq!(submits(&h), 1, "never sent again");
    let record = &h.store().list().records[0];
    assert!(record.request.is_some());
    assert_eq!(
        record.lost_submit.as_ref().and_then(|l| l.verdict.clone()),
        Some(i2v_store::Verdict::Found)
    );
}

#[tokio::test]
async fn a_lost_answer_fals_records_cannot_settle_stays_maybe_sent_until_the_next_start() {
    let mut h = harness_with(Route::Submit, Fault::ResetAfterBody, 1).await;
    h.sim.faults().push(Route::Requests, Fault::Unauthorized, 1);
    fill_and_submit(&mut h);
    let screen = h
        .wait_for("the job marked maybe sent", |s| {
            s.pane_text("History").contains("maybe sent")
        })
        .await;
    assert!(
        screen.contains("may have been submitted"),
        "the status bar says so:\n{screen}"
    );
    assert_eq!(submits(&h), 1);

    // The details say what is known and how to check.
    h.focus(Focus::History);
    h.press(KeyCode::Home);
    h.press(KeyCode::Char('v'));
    let detail = h.screen().to_string();
    assert!(detail.contains("answer was lost"), "{detail}");
    assert!(detail.contains("could not ask fal's records"), "{detail}");
    assert!(detail.contains("fal.ai/dashboard"), "{detail}");
    h.press(KeyCode::Esc);

    // The next start asks fal's records again, and follows the request they show.
    let dir = h.dir.clone();
    let sim = std::mem::replace(
        &mut h.sim,
        i2v_sim::SimServer::start(SimConfig::fast()).await.unwrap(),
    );
    drop(h);
    let mut h = Harness::with(Setup {
        dir: Some(dir),
        running_sim: Some(sim),
        ..Setup::new(SimConfig::fast())
    })
    .await;
    h.wait_for("the job settled and completed", |s| {
        s.pane_text("History").contains("completed")
    })
    .await;
    assert_eq!(submits(&h), 1, "settled, never re-sent");
}

#[tokio::test]
async fn a_locked_account_pauses_submits_with_one_banner() {
    let mut h = harness_with(Route::Submit, Fault::Locked, 5).await;
    fill_and_submit(&mut h);
    let screen = h
        .wait_for("the billing banner", |s| {
            s.contains("fal.ai/dashboard/billing") && s.contains("submits paused")
        })
        .await;
    assert!(!screen.contains("FAL_KEY"), "{screen}");
    assert_eq!(submits(&h), 1);
    // Defect: the status bar kept a green "Submitted job …" under the banner.
    let status = screen.status_bar();
    assert!(!status.contains("Submitted job"), "{screen}");
    assert!(
        status.contains("not run: fal locked the account"),
        "{screen}"
    );

    // Further submits are held back, not sent to fail one by one.
    h.send(ctrl('s'));
    h.settle();
    let screen = h.screen();
    assert!(screen.contains("Not submitted"), "{screen}");
    assert_eq!(submits(&h), 1);
    assert_eq!(h.store().list().records.len(), 1, "no second failed job");

    // The first key only dismisses that message; the banner stays.
    h.press(KeyCode::Esc);
    assert!(h.screen().contains("submits paused"));

    // Esc resumes submitting once the user has topped up.
    h.sim.faults().clear();
    h.press(KeyCode::Esc);
    assert!(!h.screen().contains("submits paused"));
    h.focus(Focus::Editor);
    h.send(ctrl('s'));
    h.wait_for("the second job to complete", |s| {
        s.pane_text("History").contains("completed")
    })
    .await;
    assert_eq!(submits(&h), 2);
}

#[tokio::test]
async fn a_422_shows_each_field_and_message_in_the_jobs_detail() {
    let mut h = harness_with(Route::Submit, Fault::Validation, 1).await;
    fill_and_submit(&mut h);
    h.wait_for("the job to fail", |s| {
        s.pane_text("History").contains("failed")
    })
    .await;
    // Defect: the status bar said `fal rejected the input:  prompt: …` (the detail's line
    // break dropped, its indent kept).
    let status = h.screen().status_bar();
    assert!(
        status.contains("fal rejected the input: prompt: Simulated fault"),
        "{status}"
    );
    h.focus(Focus::History);
    h.press(KeyCode::Home);
    h.press(KeyCode::Char('v'));
    let detail = h.screen().to_string();
    assert!(detail.contains("fal rejected the input:"), "{detail}");
    assert!(
        detail.contains("  prompt: Simulated fault: prompt was rejected"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_retry_in_progress_shows_its_reason_and_next_attempt_in_the_detail() {
    let mut h = Harness::with(Setup::new(SimConfig {
        queue_time: std::time::Duration::from_secs(120),
        ..SimConfig::fast()
    }))
    .await;
    // The stream is refused, and polling meets 503s: each poll retries.
    h.sim.faults().push(Route::Stream, Fault::Reset, 1000);
    h.sim.faults().push(Route::Status, Fault::Status(503), 1000);
    fill_and_submit(&mut h);
    h.wait_for("the job in the queue", |s| {
        s.pane_text("Queue").contains(PROMPT)
    })
    .await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    h.wait_for("a retry line in the detail", |s| {
        s.contains("retry 1 in ") && s.contains(" s: HTTP 503")
    })
    .await;
    h.sim.faults().clear();
}

/// Issue 21 §3: a job whose download failed ends completed with fal's URL kept; `F` in its
/// details fetches the video again, and the job then has it, with no error. Sent once.
#[tokio::test]
async fn a_video_whose_download_failed_is_fetched_again_from_the_jobs_details() {
    // An error page served as the video, once.
    let mut h = harness_with(Route::File, Fault::NotMp4, 1).await;
    fill_and_submit(&mut h);
    h.wait_for("the job to complete without its video", |s| {
        s.status_bar().contains("not an MP4")
    })
    .await;
    // The next day, as it were: a new start on the same history, fal keeping the video.
    let mut h = h.restart().await;
    let store = h.store();
    assert!(store.list().records[0].lacks_its_video());
    h.focus(Focus::History);
    h.press(KeyCode::Home);
    h.press(KeyCode::Char('v'));
    let detail = h
        .wait_for("the details with the download's error", |s| {
            s.contains("not an MP4")
        })
        .await;
    let hints = detail.status_bar();
    assert!(hints.contains("F fetch video"), "{detail}");
    assert_eq!(h.sim.stats().by_route.get("file").copied(), Some(1));

    h.press(KeyCode::Char('F'));
    let fetched = h
        .wait_for("the video fetched again", |s| {
            s.status_bar().contains("video fetched, saved as")
        })
        .await;
    assert!(!fetched.contains("not an MP4"), "{fetched}");
    assert!(fetched.contains("File       "), "{fetched}");
    let record = store.list().records.remove(0);
    assert_eq!(record.state, JobState::Completed);
    assert!(record.error.is_none(), "{:?}", record.error);
    let file = record.result.unwrap().local_file.expect("the video saved");
    assert!(std::fs::metadata(file).unwrap().len() > 0);
    assert_eq!(submits(&h), 1);
    assert_eq!(h.sim.stats().by_route.get("file").copied(), Some(2));

    // Nothing left to fetch: `F` says so, and fetches nothing.
    h.press(KeyCode::Char('F'));
    let said = h.screen().status_bar();
    assert!(said.contains("has its video already"), "{said}");
    h.quiet().await;
    assert_eq!(h.sim.stats().by_route.get("file").copied(), Some(2));
}
