//! What the history's title says was spent, from the app alone with a fixed clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod ui_support;

use chrono::{Duration, Local, TimeZone, Utc};
use i2v::ui::{App, AppOptions, Msg};
use i2v_store::JobState;
use ui_support::{history_loaded, record, render, send};

#[test]
fn spent_today_starts_again_at_local_midnight() {
    let before_midnight = Local
        .with_ymd_and_hms(2026, 11, 25, 23, 50, 0)
        .unwrap()
        .with_timezone(&Utc);
    let mut app = App::new(AppOptions::default());
    app.set_now(before_midnight);
    let mut job = record(
        1,
        "a fox runs",
        "https://example.com/a.png",
        JobState::Completed,
        0,
    );
    job.created_at = before_midnight - Duration::minutes(5);
    job.price_usd = Some(0.5);
    send(&mut app, history_loaded(vec![job]));
    let screen = render(&mut app, 100, 30);
    assert!(screen.contains("$0.50 today"), "{screen}");

    // Nothing about the job changes; the day does.
    app.set_now(before_midnight + Duration::minutes(20));
    app.update(Msg::Tick);
    let screen = render(&mut app, 100, 30);
    assert!(screen.contains("$0.00 today"), "{screen}");
}
