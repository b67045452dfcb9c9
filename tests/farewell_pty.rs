//! The real `i2v` binary in a pseudo-terminal against a simulated fal outside it (not the
//! demo): quitting with a job still running on fal says it goes on there and is followed
//! again, and the next start does follow it (issue 7, defects 18 and 1).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use std::time::Duration;

use i2v_sim::{SimConfig, SimServer};
use tui_support::keys::{TAB, ctrl_byte};
use tui_support::pty::{Pty, demo_env};

/// A simulated fal on loopback whose jobs run for a minute, served by its own runtime.
fn slow_fal() -> (tokio::runtime::Runtime, SimServer) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = rt
        .block_on(SimServer::start(SimConfig {
            queue_time: Duration::from_millis(50),
            run_time: Duration::from_secs(60),
            log_interval: Duration::from_millis(200),
            ..SimConfig::default()
        }))
        .unwrap();
    (rt, server)
}

#[test]
fn quitting_with_a_job_running_on_fal_says_it_goes_on_and_the_next_start_follows_it() {
    let (_rt, fal) = slow_fal();
    let home = tempfile::tempdir().unwrap();
    let mut env = demo_env(home.path());
    env.extend([
        ("FAL_KEY".to_owned(), "test-key".to_owned()),
        ("I2V_QUEUE_URL".to_owned(), fal.base_url()),
        ("I2V_REST_URL".to_owned(), fal.base_url()),
        ("I2V_API_URL".to_owned(), fal.api_url()),
    ]);
    let prompt = "a lighthouse in a storm";
    let mut pty = Pty::spawn(&[], &env, 100, 30);
    pty.wait_for("the workbench", |s| s.contains("Prompt"));
    pty.type_text(prompt);
    pty.send(&[TAB]);
    pty.type_text(&tui_support::fixture_png());
    pty.send(&[ctrl_byte('s')]);
    pty.wait_for("the job running on fal", |s| {
        s.pane_text("Queue").contains("running")
    });
    pty.send(&[ctrl_byte('q')]);
    assert!(pty.wait_exit().success());
    let screen = pty.screen();
    assert!(
        screen.contains("1 job still running on fal: they go on there and are followed again"),
        "the restored terminal says the job goes on:\n{screen}"
    );

    let mut again = Pty::spawn(&[], &env, 100, 30);
    again.wait_for("the job followed again, in the queue", |s| {
        s.pane_text("Queue").contains("running") && s.pane_text("Queue").contains("lighthouse")
    });
    again.send(&[ctrl_byte('q')]);
    assert!(again.wait_exit().success());
}
