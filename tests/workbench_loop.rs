//! The workbench's event loop driven like a user: keys into the real app, jobs through the
//! real engine against the simulated fal, every frame drawn on a `TestBackend` and checked as
//! text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;
// Its job records; it also brings its own copy of the key helpers.
#[path = "ui_support/mod.rs"]
#[allow(clippy::duplicate_mod, unused_imports)]
mod ui_support;

use std::time::Duration;

use crossterm::event::KeyCode;
use i2v::ui::runtime::TerminalRequest;
use i2v::ui::{Draft, Focus, Msg};
use i2v_sim::SimConfig;
use i2v_store::JobState;
use tui_support::bench::{Harness, Setup};
use tui_support::fixture_png;
use tui_support::keys::ctrl;
use tui_support::screen::{Screen, is_unsafe};

const PROMPT: &str = "a fox runs in the snow";

/// Types the prompt, moves to the image field, types the path, submits with Ctrl-S.
fn fill_and_submit(h: &mut Harness, prompt: &str) {
    assert_eq!(
        h.bench.app.focus(),
        Focus::Editor,
        "focus starts in the editor"
    );
    h.type_text(prompt);
    h.focus(Focus::Image);
    h.type_text(&fixture_png());
    h.send(ctrl('s'));
}

/// A simulated fal whose queue holds a job long enough that it is still queued whenever the
/// test's keys arrive.
fn long_queue() -> SimConfig {
    SimConfig {
        queue_time: Duration::from_secs(120),
        ..SimConfig::fast()
    }
}

#[tokio::test]
async fn a_job_goes_from_the_editor_through_the_queue_into_history_and_back() {
    let mut h = Harness::start().await;
    fill_and_submit(&mut h, PROMPT);

    h.wait_for("the job in the queue", |s| {
        s.pane_text("Queue").contains(PROMPT)
    })
    .await;
    h.wait_for("a log line from the sim", |s| {
        s.pane_text("Logs").contains("Loading model")
    })
    .await;
    h.wait_for("the job to complete", |s| {
        s.pane_text("Queue").contains("completed")
    })
    .await;
    h.wait_for("the job in the history", |s| {
        let history = s.pane_text("History");
        history.contains(PROMPT) && history.contains("completed")
    })
    .await;

    // Empty the editor, so getting the prompt back proves something.
    h.focus(Focus::Editor);
    for _ in PROMPT.chars() {
        h.press(KeyCode::Backspace);
    }
    assert!(
        !h.screen().pane_text("Prompt").contains(PROMPT),
        "the editor should be empty:\n{}",
        h.screen()
    );

    h.focus(Focus::History);
    h.press(KeyCode::Home);
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert_eq!(
        h.bench.app.focus(),
        Focus::Editor,
        "Enter goes back to the editor"
    );
    assert!(
        screen.pane_text("Prompt").contains(PROMPT),
        "the editor should hold the job's prompt again:\n{screen}"
    );
    assert_eq!(
        h.bench.app.draft(),
        Draft {
            prompt: PROMPT.to_owned(),
            image: fixture_png(),
            prompt_optimizer: h.bench.app.draft().prompt_optimizer,
            ..Draft::default()
        }
    );

    let records = h.store().list().records;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].state, JobState::Completed);
    assert_eq!(records[0].input.prompt, PROMPT);
}

#[tokio::test]
async fn submitting_an_empty_prompt_shows_an_error_and_submits_nothing() {
    let mut h = Harness::start().await;
    h.focus(Focus::Image);
    h.type_text(&fixture_png());
    h.send(ctrl('s'));
    h.settle();

    let screen = h.screen();
    assert!(
        screen.status_bar().contains("prompt is empty"),
        "the status bar should say why:\n{screen}"
    );
    assert!(
        screen.pane_text("Queue").contains("No jobs yet"),
        "{screen}"
    );
    let engine = h.bench.runtime.engine().unwrap();
    assert_eq!(engine.running_count(), 0, "no job may start");
    assert!(
        h.store().list().records.is_empty(),
        "no record may be saved"
    );
    assert_eq!(h.sim.stats().requests, 0, "nothing may reach fal");
}

#[tokio::test]
async fn the_history_filter_finds_a_job_and_enter_restores_it() {
    let mut h = Harness::start().await;
    for prompt in ["a heron lifts off the lake", "city lights at dusk"] {
        h.focus(Focus::Editor);
        while !h.bench.app.draft().prompt.is_empty() {
            h.press(KeyCode::Backspace);
        }
        h.type_text(prompt);
        // The image stays in its field from one job to the next.
        if h.bench.app.draft().image.is_empty() {
            h.focus(Focus::Image);
            h.type_text(&fixture_png());
        }
        h.send(ctrl('s'));
        h.wait_for("the job in the history, completed", |s| {
            s.pane_text("History")
                .lines()
                .any(|row| row.contains(prompt) && row.contains("completed"))
        })
        .await;
    }

    h.focus(Focus::History);
    h.press(KeyCode::Char('/'));
    h.type_text("heron");
    let screen = h.screen();
    let history = screen.pane_text("History");
    assert!(history.contains("a heron lifts off"), "{screen}");
    assert!(
        !history.contains("city lights"),
        "the filter should hide it:\n{screen}"
    );

    h.press(KeyCode::Enter); // keeps the filter, leaves the filter line
    h.press(KeyCode::Enter); // restores the selected job
    assert_eq!(h.bench.app.focus(), Focus::Editor);
    assert_eq!(h.bench.app.draft().prompt, "a heron lifts off the lake");
}

#[tokio::test]
async fn a_queued_job_cancelled_from_the_queue_ends_cancelled() {
    let mut h = Harness::with(Setup::new(long_queue())).await;
    fill_and_submit(&mut h, PROMPT);
    // The history row shows the saved state; the queue row may show a progress note.
    h.wait_for("the job to be queued on fal", |s| {
        s.pane_text("History").contains("queued")
    })
    .await;

    h.focus(Focus::Queue);
    h.press(KeyCode::Char('c'));
    let screen = h.screen();
    assert!(
        screen.contains("Cancel job"),
        "c should ask before cancelling:\n{screen}"
    );
    h.press(KeyCode::Char('y'));
    h.wait_for("the job to end cancelled", |s| {
        s.pane_text("Queue").contains("cancelled")
    })
    .await;

    let records = h.store().list().records;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].state, JobState::Cancelled);
    assert!(
        h.sim.stats().by_route.get("cancel").copied().unwrap_or(0) >= 1,
        "the cancel must reach fal: {:?}",
        h.sim.stats().by_route
    );
}

#[tokio::test]
async fn the_queue_row_and_the_timeline_say_how_many_jobs_are_ahead() {
    let mut h = Harness::with(Setup::new(long_queue())).await;
    fill_and_submit(&mut h, PROMPT);
    let screen = h
        .wait_for("the saved record to say queued", |s| {
            s.pane_text("History").contains("queued")
        })
        .await;
    // "Submitting" was true a moment ago; once fal has queued the job the row must say so,
    // and fal's position 0 is next in line, not "#0".
    assert!(
        screen.pane_text("Queue").contains("queued, next in line"),
        "the queue row should say the job is next, not a finished step:\n{screen}"
    );
    assert!(!screen.contains("#0"), "{screen}");

    // A second job waits behind the first.
    h.focus(Focus::Editor);
    h.type_text(" again");
    h.send(ctrl('s'));
    h.wait_for("the second job behind the first", |s| {
        s.pane_text("Queue").contains("queued, 1 ahead")
    })
    .await;

    // The details' timeline says it in the same words.
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    let screen = h.screen();
    assert!(
        screen.contains("Timeline") && screen.contains("queued, 1 ahead"),
        "{screen}"
    );
    assert!(!screen.contains("queued #"), "{screen}");
}

#[tokio::test]
async fn a_long_value_in_the_details_wraps_under_the_value_not_its_label() {
    let mut h = Harness::start().await;
    h.submit_and_complete(PROMPT).await;
    h.bench.terminal.backend_mut().resize(80, 24);
    h.send(Msg::Resize(80, 24));
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    let rows = h.screen().rows();
    // The video's URL is longer than the view is wide.
    let at = rows
        .iter()
        .position(|r| r.contains("Video      http"))
        .unwrap_or_else(|| panic!("{}", h.screen()));
    // Inside the view: after its left border.
    let inside = |row: &str| row.split_once('┃').map(|(_, r)| r.to_owned()).unwrap();
    assert!(inside(&rows[at]).starts_with("Video"), "{}", h.screen());
    let next = inside(&rows[at + 1]);
    assert!(
        next.starts_with(&" ".repeat(11)) && !next[11..].starts_with(' '),
        "the URL goes on under itself:\n{}",
        h.screen()
    );
}

#[tokio::test]
async fn an_empty_field_without_the_keyboard_shows_its_placeholder_level_with_the_text_below() {
    let h = Harness::start().await;
    assert_eq!(h.bench.app.focus(), Focus::Editor);
    let screen = h.screen();
    let image = screen.pane("Image").unwrap().rows();
    assert!(image[0].starts_with("path/to/frame.png"), "{screen}");
    assert!(image[1].starts_with("PNG, JPEG or WebP"), "{screen}");
}

#[tokio::test]
async fn a_row_cut_at_the_edge_of_its_list_ends_in_an_ellipsis() {
    let mut h = Harness::start().await;
    let prompt = "a slow dolly shot of a lighthouse at dusk while a storm rolls in from the \
                  sea and waves crash on the black rocks below";
    fill_and_submit(&mut h, prompt);
    let screen = h
        .wait_for("the job in both lists", |s| {
            s.pane_text("Queue").contains("a slow dolly")
                && s.pane_text("History").contains("a slow dolly")
        })
        .await;
    for pane in ["Queue", "History"] {
        let text = screen.pane_text(pane);
        let row = text.lines().find(|r| r.contains("a slow dolly")).unwrap();
        assert!(
            row.trim_end().ends_with('…') && !row.contains("rocks below"),
            "{pane}: {row:?}\n{screen}"
        );
    }
}

/// No cell may hold a control character or a bidi override, whatever the logs contained.
fn assert_clean(screen: &Screen) {
    for symbol in screen.symbols() {
        assert!(
            !symbol.chars().any(is_unsafe),
            "unsafe character {symbol:?} reached the screen:\n{screen}"
        );
    }
    // ratatui drops a lone ESC itself; what follows it is the proof of sanitising.
    for leftover in ["pwned", "[2J", "[31m", "[?1049h"] {
        assert!(
            !screen.contains(leftover),
            "part of an escape sequence ({leftover}) was drawn:\n{screen}"
        );
    }
}

#[tokio::test]
async fn hostile_logs_never_put_control_characters_on_screen() {
    let mut h = Harness::with(Setup::new(SimConfig {
        hostile_logs: true,
        ..SimConfig::fast()
    }))
    .await;
    fill_and_submit(&mut h, PROMPT);
    // Every frame on the way is checked, not just the last.
    h.wait_for("a hostile log line, sanitised", |s| {
        assert_clean(s);
        s.pane_text("Logs").contains("overwritten")
    })
    .await;
    h.wait_for("the job to complete", |s| {
        assert_clean(s);
        s.pane_text("Queue").contains("completed")
    })
    .await;
    // The detail view shows the whole log too.
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    assert_clean(&h.screen());
}

#[tokio::test]
async fn a_rejected_key_shows_an_error_that_mentions_fal_key() {
    let mut h = Harness::with(Setup {
        key: "not-the-key".to_owned(),
        ..Setup::new(SimConfig {
            accepted_key: Some("the-key".to_owned()),
            ..SimConfig::fast()
        })
    })
    .await;
    fill_and_submit(&mut h, PROMPT);
    let screen = h
        .wait_for("an error about the key", |s| s.contains("FAL_KEY"))
        .await;
    assert!(
        screen.pane_text("Queue").contains("failed"),
        "the job should end failed:\n{screen}"
    );
    let by_route = h.sim.stats().by_route;
    assert!(
        by_route.values().all(|&n| n <= 1),
        "a rejected key must not be retried: {by_route:?}"
    );
}

#[tokio::test]
async fn the_draft_is_saved_on_quit_and_restored_on_the_next_start() {
    let mut h = Harness::start().await;
    h.type_text("half-written idea");
    h.focus(Focus::Image);
    h.type_text(&fixture_png());
    h.focus(Focus::Optimizer);
    let optimizer = h.bench.app.draft().prompt_optimizer;
    h.press(KeyCode::Char(' '));
    let before = h.bench.app.draft();
    assert_eq!(before.prompt_optimizer, !optimizer, "Space toggles it");
    assert!(matches!(h.send(ctrl('q')), TerminalRequest::Quit));
    h.bench.shutdown().await;
    assert_eq!(h.draft_on_disk(), Some(before.clone()));

    let dir = h.dir.clone();
    drop(h);
    let h = Harness::with(Setup {
        dir: Some(dir),
        ..Setup::new(SimConfig::fast())
    })
    .await;
    let screen = h.screen();
    assert_eq!(h.bench.app.draft(), before);
    assert!(
        screen.pane_text("Prompt").contains("half-written idea"),
        "{screen}"
    );
    assert!(screen.pane_text("Image").contains("frame.png"), "{screen}");
}

/// Defect: started in `a/` with `--image shot.png`, quit, started in `b/`, the image field
/// said `✗ shot.png: no such file`. The draft keeps the path resolved, as job records do.
#[tokio::test]
async fn the_draft_keeps_a_relative_image_path_resolved() {
    let mut h = Harness::start().await;
    h.focus(Focus::Image);
    // Tests run in the package's directory.
    h.type_text("tests/fixtures/frame.png");
    assert!(matches!(h.send(ctrl('q')), TerminalRequest::Quit));
    h.bench.shutdown().await;
    let whole = std::env::current_dir()
        .unwrap()
        .join("tests/fixtures/frame.png");
    assert_eq!(
        h.draft_on_disk().unwrap().image,
        whole.display().to_string()
    );
    // What the user typed stays in the field while this run lasts.
    assert_eq!(h.bench.app.draft().image, "tests/fixtures/frame.png");

    let dir = h.dir.clone();
    drop(h);
    let mut h = Harness::with(Setup {
        dir: Some(dir),
        ..Setup::new(SimConfig::fast())
    })
    .await;
    h.wait_for("the kept image to check out", |s| {
        s.pane_text("Image").contains("✓ frame.png")
    })
    .await;
}

#[cfg(unix)]
#[tokio::test]
async fn the_saved_draft_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mut h = Harness::start().await;
    h.type_text("a private idea");
    assert!(matches!(h.send(ctrl('q')), TerminalRequest::Quit));
    h.bench.shutdown().await;
    let path = h.bench.runtime.draft_path();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{} has mode {mode:o}", path.display());
}

#[tokio::test]
async fn jobs_in_flight_at_quit_are_followed_again_on_the_next_start() {
    let slow = SimConfig {
        run_time: Duration::from_millis(1500),
        log_interval: Duration::from_millis(50),
        ..SimConfig::fast()
    };
    let mut h = Harness::with(Setup::new(slow)).await;
    fill_and_submit(&mut h, PROMPT);
    h.wait_for("logs to stream", |s| {
        s.pane_text("Logs").contains("Loading model")
    })
    .await;
    assert!(matches!(h.send(ctrl('q')), TerminalRequest::Quit));
    h.bench.shutdown().await;

    let stored = h.bench.runtime.store.list().records;
    assert_eq!(stored.len(), 1);
    assert!(
        !stored[0].state.is_terminal(),
        "quit mid-run leaves the job unfinished: {:?}",
        stored[0].state
    );
    let logs_at_quit = stored[0].logs.len();
    assert!(logs_at_quit > 0, "logs seen before quitting were saved");

    // Restart against the same fal, which kept working on the job meanwhile.
    let mut h = h.restart().await;
    h.wait_for("the resumed job to complete", |s| {
        s.pane_text("Queue").contains("completed")
    })
    .await;
    let record = h.bench.runtime.store.list().records.remove(0);
    assert_eq!(record.state, JobState::Completed);
    let mut seen = std::collections::HashSet::new();
    for log in &record.logs {
        assert!(
            seen.insert((&log.timestamp, &log.message)),
            "log line repeated after resuming: {log:?}"
        );
    }
    assert!(
        record.logs.len() > logs_at_quit,
        "logs continued where they stopped"
    );
    assert!(
        record
            .logs
            .iter()
            .any(|l| l.message.contains("Encoding video")),
        "the last log lines arrived: {:?}",
        record.logs
    );
    assert_eq!(
        h.sim.stats().by_route.get("submit"),
        Some(&1),
        "resuming follows the job; it never submits it again"
    );
}

#[tokio::test]
async fn a_finished_job_rings_the_bell_and_y_copies_its_url_over_osc_52() {
    use base64::Engine as _;
    let mut h = Harness::start().await;
    h.submit_and_complete(PROMPT).await;
    let channel = h.side_channel.clone();
    let sent = move || String::from_utf8_lossy(&channel.0.lock().unwrap()).into_owned();
    assert!(sent().contains('\x07'), "the bell rang: {:?}", sent());

    let url = h.store().list().records[0]
        .result
        .as_ref()
        .expect("a result")
        .url
        .clone();
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('y'));
    let encoded = base64::engine::general_purpose::STANDARD.encode(url.as_bytes());
    assert!(
        sent().contains(&format!("\x1b]52;c;{encoded}\x07")),
        "OSC 52 with the video URL: {:?}",
        sent()
    );
    h.wait_for("the copy notice", |s| s.status_bar().contains("copied"))
        .await;
}

#[tokio::test]
async fn r_in_the_history_runs_a_past_job_again() {
    let mut h = Harness::start().await;
    h.submit_and_complete(PROMPT).await;

    h.focus(Focus::History);
    h.press(KeyCode::Char('r'));
    h.wait_for("a second run in the history", |s| {
        s.pane_text("History").matches(PROMPT).count() == 2
    })
    .await;
    h.wait_for("both runs completed", |s| {
        s.pane_text("History").matches("completed").count() == 2
    })
    .await;
    let records = h.store().list().records;
    assert_eq!(records.len(), 2);
    // The same input again (a local image is uploaded afresh: it may have changed).
    let (again, first) = (&records[0].input, &records[1].input);
    assert_eq!(again.prompt, first.prompt);
    assert_eq!(again.image.display(), first.image.display());
    assert_eq!(again.prompt_optimizer, first.prompt_optimizer);
    assert_eq!(h.sim.stats().by_route["submit"], 2);
}

#[tokio::test]
async fn o_opens_the_downloaded_video_with_the_configured_opener() {
    let mut h = Harness::start().await;
    let opened = h.dir.path().join("opened.txt");
    // Stands in for a video player: records the path it was given.
    h.bench.runtime.opener = format!("printf %s > '{}'", opened.display());
    let video = completed_job(&mut h).await;

    h.focus(Focus::Queue);
    h.press(KeyCode::Char('o'));
    h.wait_for("the opening notice", |s| s.status_bar().contains("opening"))
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let written = || std::fs::read_to_string(&opened).unwrap_or_default();
    while written().is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        written(),
        video.display().to_string(),
        "the opener got the file"
    );
}

#[tokio::test]
async fn d_in_the_history_diffs_a_past_prompt_against_the_editor() {
    let mut h = Harness::start().await;
    h.submit_and_complete(PROMPT).await;
    h.focus(Focus::Editor);
    h.type_text(" at dusk");
    h.focus(Focus::History);
    h.press(KeyCode::Char('d'));
    let screen = h.screen();
    assert!(screen.contains("Diff"), "{screen}");
    assert!(
        screen.contains("dusk"),
        "the editor's words are in the diff:\n{screen}"
    );
}

/// Defect 1: a job resumed at start was invisible (no queue row, no logs, no cancel) until
/// its state next changed.
#[tokio::test]
async fn a_job_resumed_at_start_is_in_the_queue_at_once_with_its_logs_and_can_be_cancelled() {
    // Long enough that the job's state cannot change while the test looks.
    let slow = SimConfig {
        run_time: Duration::from_secs(600),
        log_interval: Duration::from_millis(200),
        ..SimConfig::fast()
    };
    let mut h = Harness::with(Setup::new(slow)).await;
    fill_and_submit(&mut h, PROMPT);
    h.wait_for("logs to stream", |s| {
        s.pane_text("Logs").contains("Loading model")
    })
    .await;
    assert!(matches!(h.send(ctrl('q')), TerminalRequest::Quit));
    h.bench.shutdown().await;

    let mut h = h.restart().await;
    let screen = h
        .wait_for("the resumed job in the queue", |s| {
            s.pane_text("Queue").contains(PROMPT)
        })
        .await;
    assert!(
        screen.pane_text("Logs").contains("Loading model"),
        "the logs saved before quitting show at once:\n{screen}"
    );
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('c'));
    h.press(KeyCode::Char('y'));
    h.wait_for("the resumed job to end cancelled", |s| {
        s.pane_text("Queue").contains("cancelled")
    })
    .await;
    assert_eq!(h.store().list().records[0].state, JobState::Cancelled);
}

/// Defect 18: six Ctrl-S presses sent six paid jobs. A submit identical to a job on its way,
/// queued or running asks first.
#[tokio::test]
async fn submitting_the_same_job_again_while_it_runs_asks_first() {
    let mut h = Harness::with(Setup::new(long_queue())).await;
    fill_and_submit(&mut h, PROMPT);
    // Pressed again before the first press is even answered.
    for _ in 0..5 {
        h.send(ctrl('s'));
    }
    let screen = h.screen();
    assert!(
        screen.contains("Submit again?"),
        "a second identical submit asks first:\n{screen}"
    );
    h.press(KeyCode::Char('n'));
    h.wait_for("the job to be queued on fal", |s| {
        s.pane_text("History").contains("queued")
    })
    .await;
    assert_eq!(h.store().list().records.len(), 1, "one job, not six");

    // Still queued: asked again, and a yes does submit it.
    h.send(ctrl('s'));
    assert!(h.screen().contains("Submit again?"), "{}", h.screen());
    h.press(KeyCode::Char('y'));
    h.wait_for("the second job", |s| {
        s.pane_text("History").matches(PROMPT).count() == 2
    })
    .await;
    assert_eq!(h.store().list().records.len(), 2);
}

/// Defect 2: a paste whose lines end in CR (tmux's default) arrived as one line.
#[tokio::test]
async fn a_paste_keeps_its_line_breaks_whether_cr_lf_or_crlf() {
    let mut h = Harness::start().await;
    h.send(Msg::Paste(
        "line one\rline two\r\nline three\nline four".to_owned(),
    ));
    assert_eq!(
        h.bench.app.draft().prompt,
        "line one\nline two\nline three\nline four"
    );
    let prompt = h.screen().pane_text("Prompt");
    assert!(
        prompt.lines().any(|l| l.trim() == "line two"),
        "each line on its own row:\n{prompt}"
    );
}

/// Defect 3: the key that dismisses an error only dismisses it: `q` neither quits nor types.
#[tokio::test]
async fn the_key_that_dismisses_an_error_does_nothing_else() {
    let mut h = Harness::start().await;
    h.focus(Focus::History);
    h.send(Msg::Error("[ui.keys] launch: no such action".to_owned()));
    assert!(h.screen().status_bar().contains("no such action"));
    assert!(
        matches!(h.press(KeyCode::Char('q')), TerminalRequest::None),
        "q dismissed the error and must not quit"
    );
    assert!(!h.screen().status_bar().contains("no such action"));

    h.focus(Focus::Editor);
    h.send(Msg::Error("something went wrong".to_owned()));
    h.press(KeyCode::Char('q'));
    assert_eq!(h.bench.app.draft().prompt, "", "q was not typed");
    assert!(
        matches!(h.press(KeyCode::Char('x')), TerminalRequest::None),
        "with the error gone, keys act again"
    );
    assert_eq!(h.bench.app.draft().prompt, "x");
}

/// Defect 5: below the minimum size keys acted unseen (Ctrl-S submitted a job). Only quit
/// works there.
#[tokio::test]
async fn on_a_too_small_screen_only_quit_acts() {
    let mut h = Harness::start().await;
    h.type_text(PROMPT);
    h.focus(Focus::Image);
    h.type_text(&fixture_png());
    h.bench.terminal.backend_mut().resize(30, 10);
    h.send(Msg::Resize(30, 10));
    // Whole, even this narrow, with the key that works.
    let screen = h.screen();
    for line in [
        "terminal too small",
        "need 80×24, have 30×10",
        "Ctrl-Q quits",
    ] {
        assert!(screen.contains(line), "{line}:\n{screen}");
    }
    h.send(ctrl('s'));
    h.press(KeyCode::Backspace);
    h.press(KeyCode::Tab);
    let engine = h.bench.runtime.engine().unwrap();
    assert_eq!(engine.running_count(), 0, "no job may start unseen");

    h.bench.terminal.backend_mut().resize(120, 40);
    h.send(Msg::Resize(120, 40));
    assert_eq!(h.bench.app.focus(), Focus::Image, "Tab did nothing");
    assert_eq!(h.bench.app.draft().image, fixture_png(), "nothing deleted");
    h.bench.terminal.backend_mut().resize(60, 10);
    h.send(Msg::Resize(60, 10));
    assert!(matches!(h.send(ctrl('q')), TerminalRequest::Quit));
}

/// Defect 19, the small ones: "1 jobs", "✗ ✗", spinners frozen in the history.
#[tokio::test]
async fn counts_marks_and_spinners_read_right() {
    let mut h = Harness::with(Setup::new(long_queue())).await;
    fill_and_submit(&mut h, PROMPT);
    let screen = h
        .wait_for("the job queued", |s| {
            s.pane_text("History").contains("queued")
        })
        .await;
    let title = screen.rows().into_iter().find(|r| r.contains("History ·"));
    assert!(
        title.as_deref().is_some_and(|t| t.contains("· 1 job ")),
        "one job, not \"1 jobs\":\n{screen}"
    );
    let icon = |s: &Screen| {
        s.pane_text("History")
            .lines()
            .find(|l| l.contains(PROMPT))
            .and_then(|l| l.trim().chars().next())
    };
    let before = icon(&h.screen());
    h.send(Msg::Tick);
    h.send(Msg::Tick);
    assert_ne!(
        icon(&h.screen()),
        before,
        "a running job's spinner turns in the history too:\n{}",
        h.screen()
    );
}

#[tokio::test]
async fn a_failed_job_is_marked_once_in_the_status_bar() {
    let mut h = Harness::with(Setup {
        key: "not-the-key".to_owned(),
        ..Setup::new(SimConfig {
            accepted_key: Some("the-key".to_owned()),
            ..SimConfig::fast()
        })
    })
    .await;
    fill_and_submit(&mut h, PROMPT);
    let screen = h
        .wait_for("the failure in the status bar", |s| {
            s.status_bar().contains("Job failed")
        })
        .await;
    assert!(
        !screen.status_bar().contains("✗ ✗"),
        "one mark is enough:\n{screen}"
    );
}

/// Defect 19: `--prompt` silently replaced the saved draft; it stays one undo away.
#[tokio::test]
async fn a_prompt_from_the_command_line_keeps_the_draft_one_undo_away() {
    let mut h = Harness::start().await;
    h.type_text("my saved idea");
    assert!(matches!(h.send(ctrl('q')), TerminalRequest::Quit));
    h.bench.shutdown().await;
    let dir = h.dir.clone();
    drop(h);

    let mut h = Harness::with(Setup {
        dir: Some(dir),
        prompt: Some("from the command line".to_owned()),
        ..Setup::new(SimConfig::fast())
    })
    .await;
    assert_eq!(h.bench.app.draft().prompt, "from the command line");
    assert!(
        h.screen().status_bar().contains("brings it back"),
        "{}",
        h.screen()
    );
    h.send(ctrl('z'));
    assert_eq!(h.bench.app.draft().prompt, "my saved idea");
}

/// Defect 9: undo went one character at a time, and a restored prompt took two undos with
/// an empty prompt between. Whole words, whole replacements.
#[tokio::test]
async fn undo_takes_back_whole_words_and_whole_replacements() {
    let mut h = Harness::start().await;
    h.type_text("a slow dolly");
    h.send(ctrl('z'));
    assert_eq!(h.bench.app.draft().prompt, "a slow ", "one undo, one word");
    h.send(ctrl('z'));
    h.send(ctrl('z'));
    assert_eq!(h.bench.app.draft().prompt, "");
    h.send(ctrl('y'));
    assert_eq!(h.bench.app.draft().prompt, "a ");

    // A paste is one step too.
    h.send(Msg::Paste("over the sea".to_owned()));
    h.send(ctrl('z'));
    assert_eq!(h.bench.app.draft().prompt, "a ");

    // The external editor's return replaces the prompt: one undo brings the old one back.
    h.send(Msg::EditorReturned(Ok("written in vim".to_owned())));
    assert_eq!(h.bench.app.draft().prompt, "written in vim");
    h.send(ctrl('z'));
    assert_eq!(
        h.bench.app.draft().prompt,
        "a ",
        "no empty prompt in between"
    );
}

/// Section 3: Alt-1 to Alt-4 jump to a pane from anywhere, even out of a text field.
#[tokio::test]
async fn alt_digits_jump_between_panes() {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let alt = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT));
    let mut h = Harness::start().await;
    for (c, focus) in [
        ('4', Focus::History),
        ('2', Focus::Image),
        ('3', Focus::Queue),
        ('1', Focus::Editor),
    ] {
        h.send(alt(c));
        assert_eq!(h.bench.app.focus(), focus, "Alt-{c}");
    }
    assert_eq!(h.bench.app.draft().prompt, "", "nothing typed");
    h.press(KeyCode::F(1));
    assert!(h.screen().contains("Alt-3"), "help lists them");
}

/// Defect 11: a long error was cut at the screen's width, and of several warnings only the
/// last showed. The message log (F3) keeps them all, in full, wrapped.
#[tokio::test]
async fn the_message_log_keeps_every_message_in_full() {
    let mut h = Harness::start().await;
    let long = format!(
        "the first warning, long enough to be cut at the edge of the screen: {} END-OF-FIRST",
        "word ".repeat(30)
    );
    h.send(Msg::Error(long.clone()));
    h.send(Msg::Error("the second warning".to_owned()));
    let screen = h.screen();
    assert!(
        screen.status_bar().contains("1 more"),
        "the status bar says another message is behind this one:\n{screen}"
    );
    h.press(KeyCode::Esc); // dismisses
    h.press(KeyCode::F(3));
    let screen = h.screen();
    let log = screen.pane_text("Messages");
    assert!(
        log.contains("END-OF-FIRST"),
        "the whole first message:\n{screen}"
    );
    assert!(log.contains("the second warning"), "{screen}");
    h.press(KeyCode::Esc);
    assert!(!h.screen().contains("END-OF-FIRST"));
}

/// Defect 15: `/frame.png` matched other jobs through letters of their ids, and `/failed`
/// matched no failed job. Words match prompt and image; is:, id:, img: narrow exactly.
#[tokio::test]
async fn the_history_filter_matches_prompt_and_image_and_narrows_by_state_id_and_image() {
    use ui_support::{id, record};
    let mut h = Harness::with_history(&[
        record(
            1,
            "a lighthouse at dusk",
            "shots/frame.png",
            JobState::Completed,
            30,
        ),
        record(
            2,
            "fast river, mossy rocks",
            "shots/rapids.jpg",
            JobState::Failed,
            20,
        ),
        record(
            3,
            "paper boat, rain",
            "shots/boat.png",
            JobState::Cancelled,
            10,
        ),
    ])
    .await;
    h.focus(Focus::History);
    let rows = |h: &mut Harness, query: &str| {
        h.press(KeyCode::Esc);
        h.press(KeyCode::Char('/'));
        h.type_text(query);
        let history = h.screen().pane_text("History");
        ["lighthouse", "river", "paper boat"]
            .into_iter()
            .filter(|p| history.contains(p))
            .collect::<Vec<_>>()
    };
    assert_eq!(rows(&mut h, "frame.png"), ["lighthouse"]);
    // Letters every id has, typed as a word: ids are for `id:`, not for words.
    assert_eq!(rows(&mut h, "k4m2n6"), Vec::<&str>::new());
    assert_eq!(rows(&mut h, "is:failed"), ["river"]);
    assert_eq!(rows(&mut h, &format!("id:{}", id(3))), ["paper boat"]);
    assert_eq!(rows(&mut h, "img:rapids"), ["river"]);
    assert_eq!(rows(&mut h, "is:completed dusk"), ["lighthouse"]);
}

/// Defect 16: a file manager pastes paths quoted, backslash-escaped or as `file://` URIs; the
/// image field takes each as the file it means, and the check finds it.
#[tokio::test]
async fn image_paths_pasted_from_a_file_manager_are_accepted() {
    let mut h = Harness::start().await;
    let dir = h.dir.path().join("my shots");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("first frame.png");
    std::fs::copy(fixture_png(), &file).unwrap();
    let path = file.display().to_string();
    h.focus(Focus::Image);
    for pasted in [
        format!("'{path}'"),
        path.replace(' ', "\\ "),
        format!("file://{}", path.replace(' ', "%20")),
    ] {
        while !h.bench.app.draft().image.is_empty() {
            h.press(KeyCode::Backspace);
        }
        h.send(Msg::Paste(pasted.clone()));
        assert_eq!(h.bench.app.draft().image, path, "pasted {pasted:?}");
        h.wait_for("the image check to pass", |s| {
            s.pane_text("Image").contains("✓ first frame.png")
        })
        .await;
    }
}

/// Defect 17: rows showed only a prompt's first line, so iterations that differ further
/// down looked identical. A row shows where it differs from the one below.
#[tokio::test]
async fn history_rows_show_where_iterations_of_a_prompt_differ() {
    use ui_support::record;
    let h = Harness::with_history(&[
        record(
            1,
            "a fox runs\nslow pan left",
            "shots/fox.png",
            JobState::Completed,
            30,
        ),
        record(
            2,
            "a fox runs\nfast zoom in",
            "shots/fox.png",
            JobState::Completed,
            20,
        ),
        record(
            3,
            "a fox runs\nfast zoom in\nat dusk",
            "shots/fox.png",
            JobState::Completed,
            10,
        ),
    ])
    .await;
    let screen = h.screen();
    let history = screen.pane_text("History");
    for part in ["at dusk", "fast zoom in", "slow pan left"] {
        assert!(history.contains(part), "{part:?} shows:\n{screen}");
    }
}

/// Submits a job and waits until it completed and its video was downloaded; returns the
/// video's path.
async fn completed_job(h: &mut Harness) -> std::path::PathBuf {
    let id = h.submit_and_complete(PROMPT).await;
    h.store()
        .load(&id)
        .unwrap()
        .result
        .and_then(|r| r.local_file)
        .expect("the video was downloaded")
}

/// Defect 6: `o` failed silently when the opener was missing or failed. It says so, where
/// the file is, and which key copies its path.
#[tokio::test]
async fn o_says_so_when_the_opener_fails_and_offers_the_path() {
    let mut h = Harness::start().await;
    h.bench.runtime.opener = "exit 3".to_owned();
    let video = completed_job(&mut h).await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('o'));
    let screen = h
        .wait_for("the failure in the status bar", |s| {
            s.status_bar().contains("Could not open")
        })
        .await;
    let name = video.file_name().unwrap().to_string_lossy().into_owned();
    h.press(KeyCode::F(3));
    let log = h.screen().pane_text("Messages");
    assert!(log.contains(&name), "where the file is:\n{}", h.screen());
    assert!(log.contains("Y copies the path"), "{screen}");
}

/// Defect 6, over SSH: a local opener would play the video where nobody sees it.
#[tokio::test]
async fn o_over_ssh_says_where_the_video_is_and_y_copies_its_path() {
    use base64::Engine as _;
    let mut h = Harness::with(Setup {
        remote: true,
        ..Setup::new(SimConfig::fast())
    })
    .await;
    let opened = h.dir.path().join("opened.txt");
    h.bench.runtime.opener = format!("printf %s > '{}'", opened.display());
    let video = completed_job(&mut h).await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('o'));
    assert!(
        h.screen().status_bar().contains("Over SSH"),
        "{}",
        h.screen()
    );
    assert!(!opened.exists(), "no player started on the remote machine");
    h.press(KeyCode::Esc);
    h.send(tui_support::keys::ch('Y'));
    let encoded = base64::engine::general_purpose::STANDARD.encode(video.display().to_string());
    let sent = String::from_utf8_lossy(&h.side_channel.0.lock().unwrap()).into_owned();
    assert!(sent.contains(&encoded), "Y copies the path: {sent:?}");
}

/// A fake `tmux` in `dir`: answers `show-options` with the contents of `dir/setting`, keeps
/// what `load-buffer` reads in `dir/buffer` and its arguments in `dir/args`, and refuses
/// `load-buffer` while `dir/refuse` exists.
#[cfg(unix)]
fn fake_tmux(dir: &std::path::Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let d = dir.display();
    let script = format!(
        "#!/bin/sh\n\
         case \"$1\" in\n\
         show-options) cat '{d}/setting' ;;\n\
         load-buffer) [ -e '{d}/refuse' ] && {{ echo 'no server running' >&2; exit 1; }}\n\
           echo \"$@\" > '{d}/args'; cat > '{d}/buffer' ;;\n\
         *) exit 1 ;;\n\
         esac\n"
    );
    let path = dir.join("tmux");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

/// Defect: inside tmux with its default `set-clipboard external`, `y` said `copied to the
/// clipboard (OSC 52, through tmux)` while tmux kept nothing (it passes a program's OSC 52
/// on only when the option is `on`). tmux is asked; when it is not `on`, its own buffer
/// takes the text (`load-buffer -w`), and the status bar says what happened.
#[cfg(unix)]
#[tokio::test]
async fn y_inside_tmux_copies_through_tmuxs_buffer_unless_set_clipboard_is_on() {
    let mut h = Harness::start().await;
    completed_job(&mut h).await;
    let dir = tempfile::tempdir().unwrap();
    h.bench.runtime.tmux = Some(fake_tmux(dir.path()));
    let setting =
        |value: &str| std::fs::write(dir.path().join("setting"), format!("{value}\n")).unwrap();
    let buffer = || std::fs::read_to_string(dir.path().join("buffer")).ok();
    h.focus(Focus::Queue);

    setting("external");
    h.press(KeyCode::Char('y'));
    let screen = h
        .wait_for("the copy through tmux's buffer", |s| {
            s.status_bar().contains("tmux's buffer")
        })
        .await;
    assert!(
        screen.status_bar().contains("sends on to the clipboard"),
        "{screen}"
    );
    assert!(
        buffer().is_some_and(|b| b.starts_with("http")),
        "{:?}",
        buffer()
    );
    let args = std::fs::read_to_string(dir.path().join("args")).unwrap();
    assert_eq!(args.trim(), "load-buffer -w -");
    h.press(KeyCode::Esc);

    setting("off");
    h.press(KeyCode::Char('y'));
    let screen = h
        .wait_for("the buffer-only copy", |s| {
            s.status_bar().contains("buffer only")
        })
        .await;
    assert!(
        screen.status_bar().contains("set-clipboard is off"),
        "{screen}"
    );
    h.press(KeyCode::Esc);

    std::fs::write(dir.path().join("refuse"), "").unwrap();
    std::fs::remove_file(dir.path().join("buffer")).unwrap();
    h.press(KeyCode::Char('y'));
    let screen = h
        .wait_for("the failure", |s| s.status_bar().contains("not copied"))
        .await;
    assert!(screen.status_bar().contains("set-clipboard"), "{screen}");
    assert!(!screen.status_bar().contains("copied to"), "{screen}");
    h.press(KeyCode::Esc);

    setting("on");
    h.press(KeyCode::Char('y'));
    h.wait_for("the copy through tmux", |s| {
        s.status_bar().contains("(OSC 52, through tmux)")
    })
    .await;
    assert_eq!(
        buffer(),
        None,
        "with set-clipboard on, OSC 52 alone does it"
    );
}

/// Defect 4: a job whose image was typed as a relative path could not be run again from
/// another directory, nor once the file was gone. The path is stored absolute, and a gone
/// file is replaced by the copy fal already has, saying so.
#[tokio::test]
async fn r_runs_a_job_again_after_its_image_file_is_gone() {
    let mut h = Harness::start().await;
    // Relative to the test's working directory, the package root.
    fill_and_submit_image(&mut h, PROMPT, "tests/fixtures/frame.png");
    h.wait_for("the first run to complete", |s| {
        s.pane_text("History").contains("completed")
    })
    .await;
    let record = h.store().list().records.remove(0);
    let i2v_store::ImageSource::File { path, .. } = &record.input.image else {
        panic!("a local image: {:?}", record.input.image);
    };
    assert!(path.is_absolute(), "stored as an absolute path: {path:?}");

    let copy = h.dir.path().join("frame-copy.png");
    std::fs::copy(fixture_png(), &copy).unwrap();
    h.focus(Focus::Editor);
    h.type_text(" again");
    h.focus(Focus::Image);
    while !h.bench.app.draft().image.is_empty() {
        h.press(KeyCode::Backspace);
    }
    h.type_text(&copy.display().to_string());
    h.send(ctrl('s'));
    h.wait_for("the second job to complete", |s| {
        s.pane_text("History").matches("completed").count() == 2
    })
    .await;
    std::fs::remove_file(&copy).unwrap();
    let uploads = h.sim.stats().by_route.get("upload").copied();

    h.focus(Focus::History);
    h.press(KeyCode::Home);
    h.press(KeyCode::Char('r'));
    h.wait_for("the re-run to complete", |s| {
        s.pane_text("History").matches("completed").count() == 3
    })
    .await;
    assert_eq!(
        h.sim.stats().by_route.get("upload").copied(),
        uploads,
        "nothing uploaded again: fal's copy was used"
    );
    h.press(KeyCode::F(3));
    assert!(
        h.screen().pane_text("Messages").contains("is gone"),
        "{}",
        h.screen()
    );
}

/// Like [`fill_and_submit`], with the image given.
fn fill_and_submit_image(h: &mut Harness, prompt: &str, image: &str) {
    h.type_text(prompt);
    h.focus(Focus::Image);
    h.type_text(image);
    h.send(ctrl('s'));
}

/// Section 3, the mouse (with `[ui] mouse = true`): a click focuses the pane under it and
/// selects the row clicked; the wheel moves through the history.
#[tokio::test]
async fn a_click_selects_a_history_row_and_the_wheel_moves_through_it() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    use ui_support::record;
    let mouse = |kind, column, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut h = Harness::with_history(&[
        record(1, "oldest: a heron", "shots/a.png", JobState::Completed, 30),
        record(2, "middle: a boat", "shots/b.png", JobState::Completed, 20),
        record(3, "newest: a fox", "shots/c.png", JobState::Completed, 10),
    ])
    .await;
    let screen = h.screen();
    let row = screen
        .rows()
        .iter()
        .position(|r| r.contains("middle: a boat"))
        .expect("the row is on screen") as u16;
    h.send(mouse(MouseEventKind::Down(MouseButton::Left), 10, row));
    assert_eq!(h.bench.app.focus(), Focus::History, "the click focused it");
    h.press(KeyCode::Enter);
    // The history lists summaries: the record is read, then loaded into the editor.
    h.wait_for("the clicked row in the editor", |s| {
        s.pane_text("Prompt").contains("middle: a boat")
    })
    .await;

    h.send(mouse(MouseEventKind::ScrollDown, 10, row));
    h.focus(Focus::History);
    h.press(KeyCode::Enter);
    h.wait_for("the row the wheel moved to in the editor", |s| {
        s.pane_text("Prompt").contains("oldest: a heron")
    })
    .await;
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Issue 10 §3: an image outside the model's documented limits is named in the image field
/// and submitting it asks first; "n" sends nothing, "y" sends it anyway (and the simulated
/// fal refuses it with a 422, as fal would).
#[tokio::test]
async fn an_image_outside_the_limits_is_named_and_sent_only_when_confirmed() {
    let mut h = Harness::start().await;
    h.type_text(PROMPT);
    h.focus(Focus::Image);
    h.type_text(&fixture("too-small.png"));
    h.wait_for("the image field to name the limit", |s| {
        s.pane_text("Image")
            .contains("64×48 is too small: the short side must be at least 300 px")
    })
    .await;

    h.send(ctrl('s'));
    let screen = h.screen();
    assert!(
        screen.contains("Outside the model's limits") && screen.contains("y: send it anyway"),
        "submitting asks first:\n{screen}"
    );
    h.press(KeyCode::Char('n'));
    h.settle();
    assert!(!h.screen().contains("Outside the model's limits"));
    assert_eq!(h.sim.stats().requests, 0, "n sends nothing");
    assert!(h.store().list().records.is_empty(), "n records nothing");

    h.send(ctrl('s'));
    h.press(KeyCode::Char('y'));
    h.wait_for("the job to fail on fal's refusal", |s| {
        s.pane_text("History").contains("failed")
    })
    .await;
    assert_eq!(h.sim.stats().by_route.get("submit").copied(), Some(1));
    let records = h.store().list().records;
    assert_eq!(records.len(), 1);
    let error = records[0].error.as_ref().expect("fal's refusal");
    assert_eq!(error.kind, i2v_store::ErrorKind::Validation);
    assert!(error.message.contains("image_url"), "{}", error.message);
}

/// Issue 21 §2: a PNG cut short passes a look at its header (640×360); the image field
/// names the damage, and submitting asks first, as for any limit.
#[tokio::test]
async fn an_image_cut_short_is_named_in_the_field_and_not_sent_unasked() {
    let mut h = Harness::start().await;
    h.type_text(PROMPT);
    h.focus(Focus::Image);
    h.type_text(&fixture("truncated.png"));
    h.wait_for("the image field to name the damage", |s| {
        s.pane_text("Image")
            .contains("the PNG is damaged or cut short")
    })
    .await;
    h.send(ctrl('s'));
    assert!(h.screen().contains("Outside the model's limits"));
    h.press(KeyCode::Char('n'));
    h.settle();
    assert_eq!(h.sim.stats().requests, 0, "n sends nothing");
}

#[tokio::test]
async fn an_image_within_the_limits_submits_without_asking() {
    let mut h = Harness::start().await;
    h.type_text(PROMPT);
    h.focus(Focus::Image);
    h.type_text(&fixture("frame.webp"));
    h.wait_for("the image field to accept it", |s| {
        s.pane_text("Image").contains("✓ frame.webp · WebP")
    })
    .await;
    h.send(ctrl('s'));
    assert!(!h.screen().contains("Outside the model's limits"));
    h.wait_for("the job to complete", |s| {
        s.pane_text("History").contains("completed")
    })
    .await;
}

/// A URL is looked at by the runtime (the app never speaks HTTP); one outside the limits is
/// named like a file.
#[tokio::test]
async fn an_image_url_outside_the_limits_is_named_in_the_field() {
    let mut h = Harness::start().await;
    let wide = std::fs::read(fixture("too-wide.png")).unwrap();
    let url = h.sim.store_file("image/png", "wide.png", wide);
    h.focus(Focus::Image);
    h.send(Msg::Paste(url));
    h.wait_for("the image field to name the limit", |s| {
        s.pane_text("Image").contains("800×300 is too wide")
    })
    .await;
}

#[tokio::test]
async fn a_prompt_over_2000_characters_is_flagged_in_the_editor() {
    let mut h = Harness::start().await;
    h.send(Msg::Paste("a".repeat(2000)));
    h.settle();
    assert!(!h.screen().contains("fal may refuse it"), "{}", h.screen());
    h.type_text("b");
    let screen = h.screen();
    assert!(
        screen.contains("2001 chars") && screen.contains("over 2000: fal may refuse it"),
        "{screen}"
    );
}

#[tokio::test]
async fn y_refuses_a_video_url_with_control_characters_and_says_why() {
    let mut h = Harness::start().await;
    h.sim
        .faults()
        .push(i2v_sim::Route::Result, i2v_sim::Fault::HostileUrl, 1);
    fill_and_submit(&mut h, PROMPT);
    h.wait_for("the job to complete", |s| {
        s.pane_text("Queue").contains("completed")
    })
    .await;
    let url = h.store().list().records[0].result.clone().unwrap().url;
    assert!(url.ends_with(i2v_sim::HOSTILE_QUERY), "{url:?}");
    h.side_channel.0.lock().unwrap().clear();

    h.focus(Focus::Queue);
    h.press(KeyCode::Char('y'));
    h.settle();
    let sent = String::from_utf8_lossy(&h.side_channel.0.lock().unwrap()).into_owned();
    assert!(
        !sent.contains("\x1b]52"),
        "nothing may reach the clipboard: {sent:?}"
    );
    let screen = h.screen();
    assert!(
        screen.status_bar().contains("control characters"),
        "the status bar should say why:\n{screen}"
    );
}

#[tokio::test]
async fn a_job_another_process_follows_is_shown_as_its_record_changes() {
    use i2v_store::{ImageSource, JobInput, JobRecord, RequestId, RequestInfo, Store, VideoResult};
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let store = Store::open(dir.path().join("data")).unwrap();
    let mut record = JobRecord::new(
        "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video",
        JobInput {
            prompt: "followed elsewhere".into(),
            image: ImageSource::Url {
                url: "https://example.com/frame.png".into(),
            },
            prompt_optimizer: true,
        },
    );
    record.request = Some(RequestInfo {
        request_id: RequestId("elsewhere".into()),
        status_url: "http://127.0.0.1:9/status".into(),
        response_url: "http://127.0.0.1:9/result".into(),
        cancel_url: "http://127.0.0.1:9/cancel".into(),
    });
    record
        .set_state(JobState::Queued { position: Some(3) })
        .unwrap();
    store.save(&record).unwrap();
    // Held by "another process" (an `i2v resume`) for the whole test.
    let claim = store.claim(&record.id).unwrap().expect("a free job");

    let mut h = Harness::with(Setup {
        dir: Some(dir),
        ..Setup::new(SimConfig::fast())
    })
    .await;
    h.wait_for("the job shown queued", |s| {
        s.pane_text("History").contains("queued")
    })
    .await;

    store
        .update(&record.id, |job| {
            job.set_state(JobState::Running).unwrap();
        })
        .unwrap();
    h.wait_for("the job shown running", |s| {
        s.pane_text("History").contains("running")
    })
    .await;
    store
        .update(&record.id, |job| {
            job.result = Some(VideoResult {
                url: "https://example.com/v.mp4".into(),
                content_type: None,
                file_name: None,
                file_size: None,
                local_file: None,
                local_size: None,
            });
            job.set_state(JobState::Downloading).unwrap();
            job.set_state(JobState::Completed).unwrap();
        })
        .unwrap();
    h.wait_for("the job shown completed", |s| {
        s.pane_text("History").contains("completed")
    })
    .await;
    drop(claim);
    assert_eq!(
        h.sim.stats().requests,
        0,
        "this workbench never followed it"
    );
}

#[tokio::test]
async fn a_draft_that_does_not_parse_is_kept_aside_and_what_can_be_read_is_loaded() {
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    // One mistyped field: the prompt is still worth having.
    let bad = br#"{"prompt": "a kept idea", "image": "frame.png", "prompt_optimizer": "yes"}"#;
    std::fs::write(data.join("draft.json"), bad).unwrap();

    let mut h = Harness::with(Setup {
        dir: Some(dir),
        ..Setup::new(SimConfig::fast())
    })
    .await;
    let screen = h.screen();
    assert!(
        screen.status_bar().contains("did not parse"),
        "the status bar should say so:\n{screen}"
    );
    assert!(
        screen.pane_text("Prompt").contains("a kept idea"),
        "{screen}"
    );
    let aside: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("draft.json.bad-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(std::fs::read(&aside[0]).unwrap(), bad);

    assert!(matches!(h.send(ctrl('q')), TerminalRequest::Quit));
    h.bench.shutdown().await;
    assert_eq!(std::fs::read(&aside[0]).unwrap(), bad, "quitting keeps it");
    assert_eq!(h.draft_on_disk().unwrap().prompt, "a kept idea");
}

/// An image path longer than its field: without the keyboard the field shows the path's end
/// (the file name) and starts with "…", so the hidden start is not mistaken for the whole.
#[tokio::test]
async fn an_unfocused_long_image_path_starts_with_an_ellipsis() {
    let mut h = Harness::start().await;
    h.bench.terminal.backend_mut().resize(80, 24);
    h.send(Msg::Resize(80, 24));
    let path = format!("/srv/{}/last-frame.png", "shots/2026/lighthouse".repeat(4));
    h.focus(Focus::Image);
    h.type_text(&path);
    h.focus(Focus::Editor);
    let screen = h.screen();
    let field = screen.pane_text("Image");
    let row = field.lines().next().unwrap().trim_end();
    assert!(
        row.starts_with('…') && row.ends_with("lighthouse/last-frame.png"),
        "{screen}"
    );
    assert!(path.ends_with(&row['…'.len_utf8()..]), "{screen}");
    // Short enough to fit, it shows whole.
    h.focus(Focus::Image);
    for _ in 0..path.len() {
        h.press(KeyCode::Backspace);
    }
    h.type_text("/srv/frame.png");
    h.focus(Focus::Editor);
    let screen = h.screen();
    assert!(
        screen.pane_text("Image").starts_with("/srv/frame.png"),
        "{screen}"
    );
}

/// A job that did not complete has no video to offer, even when its record still names a
/// file (downloaded before it was marked failed, or cancelled after): `o` opens nothing,
/// `Y` copies nothing and its details name no file, as `p` already refused.
#[tokio::test]
async fn a_failed_or_cancelled_job_naming_a_stale_file_offers_no_video() {
    use i2v_store::{Store, VideoResult};
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let store = Store::open(dir.path().join("data")).unwrap();
    let stale = dir.path().join("stale.mp4");
    std::fs::write(&stale, b"not the job's video").unwrap();
    for (prompt, state) in [
        ("failed after its download", JobState::Failed),
        ("cancelled after its download", JobState::Cancelled),
    ] {
        let mut record = tui_support::past_record(prompt, state, 1);
        record.result = Some(VideoResult {
            url: "https://example.com/v.mp4".into(),
            content_type: None,
            file_name: None,
            file_size: None,
            local_file: Some(stale.clone()),
            local_size: Some(19),
        });
        store.save(&record).unwrap();
    }
    let mut h = Harness::with(Setup {
        dir: Some(dir.clone()),
        ..Setup::new(SimConfig::fast())
    })
    .await;
    let opened = dir.path().join("opened.txt");
    h.bench.runtime.opener = format!("printf %s > '{}'", opened.display());
    h.focus(Focus::History);
    let mut fade = 0;
    for row in 0..2 {
        if row > 0 {
            h.press(KeyCode::Char('j'));
        }
        // Each key says so (its record read first), the notice let fade before the next.
        for key in ['o', 'Y'] {
            h.press(KeyCode::Char(key));
            h.wait_for("the refusal", |s| {
                s.status_bar().contains("No downloaded video")
            })
            .await;
            fade += 10;
            let later = chrono::Utc::now() + chrono::Duration::seconds(fade);
            h.bench.app.set_now(later);
            h.send(Msg::Tick);
            assert!(!h.screen().status_bar().contains("No downloaded video"));
        }
        h.press(KeyCode::Char('v'));
        let screen = h.wait_for("the details", |s| s.contains("Video ")).await;
        assert!(!screen.contains("stale.mp4"), "no file named:\n{screen}");
        h.press(KeyCode::Esc);
    }
    // Nothing was handed to the opener or the clipboard meanwhile.
    tokio::time::sleep(Duration::from_millis(200)).await;
    h.settle();
    assert!(!opened.exists(), "the opener was run");
    let written = h.side_channel.0.lock().unwrap().clone();
    assert!(
        !String::from_utf8_lossy(&written).contains("]52;"),
        "a path was copied"
    );
}
