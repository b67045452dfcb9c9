//! The workbench driven like a user would: keys and job events in, effects and screen out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod ui_support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::Duration;
use crossterm::event::KeyCode;
use i2v::jobs::{JobEvent, NewJob, Progress};
use i2v::ui::{App, AppOptions, Draft, Effect, Focus, ImageInfo, KeyMap, Msg};
use i2v_store::JobState;
use ui_support::*;

fn submits(effects: &[Effect]) -> Vec<&NewJob> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Submit(job) => Some(job),
            _ => None,
        })
        .collect()
}

fn with_history() -> App {
    let mut app = app();
    send(&mut app, history_loaded(history()));
    app
}

#[test]
fn typing_goes_into_the_editor() {
    let mut app = app();
    assert_eq!(app.focus(), Focus::Editor);
    type_text(&mut app, "a cat? q");
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "jumps");
    assert_eq!(app.draft().prompt, "a cat? q\njumps");
    assert!(!app.should_quit(), "q in a text field is text");
    assert_shows(&mut app, "14 chars");
}

#[test]
fn submit_with_an_empty_prompt_is_an_error_and_submits_nothing() {
    let mut app = app();
    tab(&mut app, 1);
    type_text(&mut app, "frames/cat.png");
    let effects = app.update(ctrl('s'));
    assert!(submits(&effects).is_empty(), "{effects:?}");
    assert_shows(&mut app, "the prompt is empty");
    assert_eq!(
        app.focus(),
        Focus::Editor,
        "the cursor goes where the problem is"
    );
    assert_eq!(app.draft().image, "frames/cat.png", "nothing lost");
}

#[test]
fn submit_without_an_image_keeps_the_prompt() {
    let mut app = app();
    type_text(&mut app, "a cat");
    let effects = app.update(key(KeyCode::F(5)));
    assert!(submits(&effects).is_empty());
    assert_eq!(app.focus(), Focus::Image);
    assert_eq!(app.draft().prompt, "a cat");
    assert_shows(&mut app, "set the image");
}

#[test]
fn submit_sends_exactly_the_input() {
    let mut app = app();
    type_text(&mut app, "a cat");
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "slow pan");
    tab(&mut app, 1);
    type_text(&mut app, "frames/cat.png");
    // The optimizer starts on (the model's default); Ctrl-O turns it off.
    app.update(ctrl('o'));
    let effects = app.update(ctrl('s'));
    assert_eq!(
        effects,
        [Effect::Submit(NewJob {
            prompt: "a cat\nslow pan".to_owned(),
            image: "frames/cat.png".to_owned(),
            prompt_optimizer: false,
            check_limits: true,
        })]
    );
    // F5 does the same (asking first, as that very job is on its way), and the prompt
    // stays for the next variation.
    assert!(submits(&app.update(key(KeyCode::F(5)))).is_empty());
    assert_eq!(submits(&app.update(ch('y'))).len(), 1);
    assert_eq!(app.draft().prompt, "a cat\nslow pan");
}

#[test]
fn a_failed_submit_shows_the_error_and_keeps_the_prompt() {
    let mut app = app();
    type_text(&mut app, "a cat");
    app.update(Msg::Submitted(
        Err("fal said 401: check FAL_KEY".to_owned()),
    ));
    assert_shows(&mut app, "Submit failed: fal said 401");
    assert_eq!(app.draft().prompt, "a cat");
    // The error stays until a key, and that key only dismisses it.
    app.update(Msg::Tick);
    assert_shows(&mut app, "Submit failed");
    type_text(&mut app, "!");
    assert_hides(&mut app, "Submit failed");
    assert_eq!(app.draft().prompt, "a cat");
    type_text(&mut app, "!");
    assert_eq!(app.draft().prompt, "a cat!");
}

#[test]
fn a_warning_at_start_waits_to_be_seen_and_lets_the_key_through() {
    let mut app = app();
    app.update(Msg::Warning(
        "[ui.keys] frobnicate: no such action".to_owned(),
    ));
    // A notice arriving meanwhile (jobs resumed) does not hide it, nor does time.
    app.update(Msg::Notice("Following 1 job left in flight".to_owned()));
    app.set_now(t0() + Duration::minutes(5));
    app.update(Msg::Tick);
    assert_shows(&mut app, "frobnicate");
    // The key that sees it is typed; the warning stays a moment to be read, then goes.
    type_text(&mut app, "a");
    assert_eq!(app.draft().prompt, "a");
    assert_shows(&mut app, "frobnicate");
    assert!(app.animating(), "it fades on the tick");
    app.set_now(t0() + Duration::minutes(6));
    app.update(Msg::Tick);
    assert_hides(&mut app, "frobnicate");
}

#[test]
fn job_events_fill_the_queue_and_the_logs() {
    let mut app = app();
    let mut job = dog_job(JobState::Queued { position: Some(4) });
    app.update(updated(&job));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("queued, 4 ahead"), "{screen}");
    assert!(screen.contains("A dog surfing"));
    assert!(screen.contains("01:00"), "elapsed since creation: {screen}");

    job.set_state(JobState::Running).unwrap();
    app.update(updated(&job));
    app.update(logs(7, &["step 1/30", "step 2/30"]));
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("running"), "{screen}");
    assert!(screen.contains("step 2/30"), "{screen}");
    assert!(app.animating());
}

#[test]
fn a_finished_job_notifies_and_stops_the_animation() {
    let mut app = app();
    let mut job = dog_job(JobState::Downloading);
    app.update(updated(&job));
    job.state = JobState::Completed;
    let effects = app.update(updated(&job));
    assert!(
        matches!(&effects[..], [Effect::Notify { title, body }]
            if title.contains("completed") && body == "A dog surfing"),
        "{effects:?}"
    );
    assert_shows(&mut app, "completed: A dog surfing");
    // The notice fades once its time is up.
    app.set_now(t0() + Duration::seconds(10));
    app.update(Msg::Tick);
    assert_hides(&mut app, "completed: A dog surfing");
    assert!(!app.animating());
}

#[test]
fn logs_follow_the_tail_until_scrolled_up() {
    let mut app = app_with_dog_job(JobState::Running);
    let lines: Vec<String> = (1..=40).map(|i| format!("log line {i:02}")).collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    app.update(logs(7, &refs));
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("log line 40") && !screen.contains("log line 20"),
        "{screen}"
    );

    tab(&mut app, 3); // queue
    assert_eq!(app.focus(), Focus::Queue);
    app.update(key(KeyCode::PageUp));
    app.update(logs(7, &["log line 41"]));
    let screen = render(&mut app, 80, 24);
    assert!(
        !screen.contains("log line 41"),
        "scrolled: new lines do not move the view"
    );
    assert!(screen.contains("paused"), "{screen}");

    app.update(key(KeyCode::End));
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("log line 41") && !screen.contains("paused"),
        "{screen}"
    );

    app.update(ch('g'));
    assert_shows(&mut app, "log line 01");
    app.update(ch('G'));
    assert_shows(&mut app, "log line 41");
}

#[test]
fn the_history_filter_narrows_and_esc_clears_it() {
    let mut app = with_history();
    tab(&mut app, 4);
    assert_eq!(app.focus(), Focus::History);
    let all = render(&mut app, 80, 24);
    assert!(
        all.contains("red fox") && all.contains("Astronaut"),
        "{all}"
    );

    app.update(ch('/'));
    type_text(&mut app, "moon");
    let filtered = render(&mut app, 80, 24);
    assert!(filtered.contains("Astronaut"), "{filtered}");
    assert!(!filtered.contains("red fox"), "{filtered}");
    assert!(
        !filtered.contains("Paper boat"),
        "scattered m…o…o…n hits are dropped: {filtered}"
    );
    assert!(filtered.contains("1/4 match"), "{filtered}");

    app.update(key(KeyCode::Esc));
    assert_shows(&mut app, "red fox");
}

#[test]
fn the_filter_also_matches_image_and_id() {
    let mut app = with_history();
    tab(&mut app, 4);
    app.update(ch('/'));
    type_text(&mut app, "boat.png");
    app.update(key(KeyCode::Enter));
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("Paper boat") && !screen.contains("windowsill"),
        "{screen}"
    );
    // Enter closed the filter line: keys are commands again, the filter stays.
    app.update(key(KeyCode::Enter));
    assert_eq!(app.draft().prompt, history()[2].input.prompt);
}

#[test]
fn enter_in_history_restores_the_input() {
    let mut app = with_history();
    type_text(&mut app, "my current idea");
    tab(&mut app, 4);
    app.update(ch('j')); // second newest: the paper boat
    let effects = app.update(key(KeyCode::Enter));
    assert_eq!(
        app.draft(),
        Draft {
            prompt: "Paper boat drifts down a rainy gutter\nmacro lens, shallow focus".to_owned(),
            image: "frames/boat.png".to_owned(),
            prompt_optimizer: false,
            ..Draft::default()
        }
    );
    assert_eq!(app.focus(), Focus::Editor);
    assert_eq!(
        effects,
        [Effect::InspectImage("frames/boat.png".to_owned())]
    );
    // One undo brings the previous prompt back: the replacement is one edit.
    app.update(ctrl('z'));
    assert_eq!(app.draft().prompt, "my current idea");
}

#[test]
fn r_reruns_a_history_job_with_its_input() {
    let mut app = with_history();
    tab(&mut app, 4);
    app.update(ch('G')); // oldest: the fox
    let effects = app.update(ch('r'));
    assert_eq!(
        effects,
        [Effect::Submit(NewJob {
            prompt: history()[0].input.prompt.clone(),
            image: "frames/fox.png".to_owned(),
            prompt_optimizer: false,
            check_limits: true,
        })]
    );
}

#[test]
fn cancel_asks_first() {
    let mut app = app_with_dog_job(JobState::Running);
    tab(&mut app, 3);
    assert!(app.update(ch('c')).is_empty());
    assert_shows(&mut app, "Cancel job");
    assert!(app.update(ch('n')).is_empty());
    assert_hides(&mut app, "Cancel job");

    app.update(ch('c'));
    assert_eq!(app.update(ch('y')), [Effect::Cancel(id(7))]);
}

#[test]
fn finished_jobs_cannot_be_cancelled() {
    let mut app = app_with_dog_job(JobState::Completed);
    tab(&mut app, 3);
    assert!(app.update(ch('c')).is_empty());
    assert_hides(&mut app, "Cancel job");
    assert_shows(&mut app, "already finished");
}

#[test]
fn a_job_fal_already_finished_is_not_offered_for_cancelling() {
    let mut app = app_with_dog_job(JobState::Downloading);
    tab(&mut app, 3);
    assert!(app.update(ch('c')).is_empty());
    assert_hides(&mut app, "Cancel job");
    assert_shows(&mut app, "already finished on fal");

    // Asked while it ran, answered once fal had finished it: still nothing to cancel.
    let mut job = dog_job(JobState::Running);
    let mut app = app_with_dog_job(JobState::Running);
    tab(&mut app, 3);
    app.update(ch('c'));
    assert_shows(&mut app, "Cancel job");
    job.set_state(JobState::Downloading).unwrap();
    app.update(updated(&job));
    assert!(app.update(ch('y')).is_empty());
    assert_hides(&mut app, "Cancel job");
    assert_shows(&mut app, "already finished on fal");
}

#[test]
fn y_copies_the_video_url_and_o_opens_the_file() {
    let mut app = with_history();
    tab(&mut app, 4); // newest first: the cat, completed
    assert_eq!(
        app.update(ch('y')),
        [Effect::CopyToClipboard(
            "https://v3.fal.media/files/video-4.mp4".to_owned()
        )]
    );
    assert_eq!(
        app.update(ch('o')),
        [Effect::OpenVideo(PathBuf::from(format!(
            "/home/me/videos/{}.mp4",
            id(4)
        )))]
    );
    // A failed job has no video: a notice, no effect.
    app.update(ch('j'));
    app.update(ch('j'));
    assert!(app.update(ch('y')).is_empty());
    assert_shows(&mut app, "No video URL");
}

#[test]
fn y_works_in_the_queue_too() {
    let mut app = app_with_dog_job(JobState::Completed);
    tab(&mut app, 3);
    assert_eq!(
        app.update(ch('y')),
        [Effect::CopyToClipboard(
            "https://v3.fal.media/files/video-7.mp4".to_owned()
        )]
    );
}

#[test]
fn hostile_log_text_is_drawn_without_escapes() {
    let mut app = app_with_dog_job(JobState::Running);
    app.update(logs(
        7,
        &["\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b[31mstep\u{202E}1\x1b[0m\r\x08 done\x1b]0;owned\x07"],
    ));
    app.update(Msg::Error("\x1b[5mfal\u{9b}1m error\x07".to_owned()));
    let terminal = terminal(&mut app, 80, 24);
    let buffer = terminal.backend().buffer();
    let controls: Vec<char> = buffer
        .content()
        .iter()
        .flat_map(|c| c.symbol().chars())
        .filter(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(c))
        .collect();
    assert!(controls.is_empty(), "{controls:?}");
    let screen = buffer_text(buffer);
    assert!(screen.contains("step1 done"), "{screen}");
    assert!(screen.contains("fal1m error"), "{screen}");
}

#[test]
fn pasted_text_goes_into_the_focused_field_cleaned() {
    let mut app = app();
    app.update(Msg::Paste("a cat\r\nin \x1b[31mred".to_owned()));
    assert_eq!(app.draft().prompt, "a cat\nin red");
    tab(&mut app, 1);
    let effects = app.update(Msg::Paste("frames/cat.png\nrm -rf".to_owned()));
    assert_eq!(app.draft().image, "frames/cat.png");
    assert_eq!(effects, [Effect::InspectImage("frames/cat.png".to_owned())]);
}

#[test]
fn image_inspection_shows_only_for_the_current_text() {
    let mut app = app();
    tab(&mut app, 1);
    type_text(&mut app, "cat.png");
    app.update(Msg::ImageInspected {
        text: "cat.pn".to_owned(),
        result: Err("no such file".to_owned()),
    });
    assert_hides(&mut app, "no such file");
    app.update(Msg::ImageInspected {
        text: "cat.png".to_owned(),
        result: Ok(ImageInfo {
            summary: "cat.png · PNG · 1.2 KB · 640×480".to_owned(),
            limit: None,
        }),
    });
    assert_shows(&mut app, "640×480");
}

#[test]
fn ctrl_e_hands_the_prompt_to_the_editor_and_takes_it_back() {
    let mut app = app();
    type_text(&mut app, "draft");
    assert_eq!(
        app.update(ctrl('e')),
        [Effect::EditExternally("draft".to_owned())]
    );
    app.update(Msg::EditorReturned(Ok("final\nversion\n".to_owned())));
    assert_eq!(app.draft().prompt, "final\nversion");
    app.update(Msg::EditorReturned(Err("vim exited with 1".to_owned())));
    assert_eq!(app.draft().prompt, "final\nversion");
    assert_shows(&mut app, "vim exited with 1");
}

/// One way out: the app asks to quit, and the loop saves the draft once as it shuts down
/// (workbench_loop checks the file).
#[test]
fn quitting_asks_to_quit_once() {
    for quit in [ctrl('q'), ctrl('c')] {
        let mut app = app();
        type_text(&mut app, "keep me");
        let effects = app.update(quit);
        assert_eq!(effects, [Effect::Quit]);
        assert!(app.should_quit());
        assert_eq!(app.draft().prompt, "keep me");
    }
    let mut app = app();
    tab(&mut app, 3);
    assert_eq!(app.update(ch('q')).last(), Some(&Effect::Quit));
}

#[test]
fn tab_cycles_focus_both_ways() {
    let mut app = app();
    let order = [
        Focus::Image,
        Focus::Optimizer,
        Focus::Queue,
        Focus::History,
        Focus::Editor,
    ];
    for want in order {
        app.update(key(KeyCode::Tab));
        assert_eq!(app.focus(), want);
    }
    app.update(key(KeyCode::BackTab));
    assert_eq!(app.focus(), Focus::History);
}

#[test]
fn space_on_the_optimizer_toggles_it() {
    let mut app = app();
    tab(&mut app, 2);
    assert!(app.draft().prompt_optimizer, "on by default, as the model");
    app.update(ch(' '));
    assert!(!app.draft().prompt_optimizer);
    assert!(app.draft().prompt.is_empty());
    app.update(ch(' '));
    assert!(app.draft().prompt_optimizer);
}

#[test]
fn keys_can_be_remapped() {
    let config = BTreeMap::from([
        ("submit".to_owned(), "ctrl-g".to_owned()),
        ("quit".to_owned(), "ctrl-x".to_owned()),
    ]);
    let (keys, warnings) = KeyMap::from_config(&config);
    assert!(warnings.is_empty());
    let mut app = app_with(AppOptions {
        prompt: Some("a cat".to_owned()),
        image: Some("cat.png".to_owned()),
        keys,
        ..AppOptions::default()
    });
    assert!(submits(&app.update(ctrl('s'))).is_empty());
    assert_eq!(submits(&app.update(ctrl('g'))).len(), 1);
    assert!(!app.update(ctrl('q')).contains(&Effect::Quit));
    assert!(app.update(ctrl('x')).contains(&Effect::Quit));
    // Help follows the map.
    app.update(key(KeyCode::F(1)));
    let help = render(&mut app, 120, 40);
    assert!(
        help.contains("Ctrl-G") && !help.contains("Ctrl-S"),
        "{help}"
    );
}

#[test]
fn help_lists_every_action() {
    let mut app = app();
    // Tall enough for the whole list, unscrolled.
    app.update(Msg::Resize(120, 140));
    app.update(key(KeyCode::F(1)));
    let help = render(&mut app, 120, 140);
    for action in i2v::ui::Action::ALL {
        assert!(
            help.contains(&format!("({})", action.name())),
            "{action:?}\n{help}"
        );
    }
    // The keys that are not actions are named too: Tab's completion, the camera commands.
    assert!(help.contains("Tab completes a local path"), "{help}");
    assert!(help.contains("Tracking shot"), "{help}");
    app.update(key(KeyCode::Esc));
    assert!(!render(&mut app, 120, 120).contains("(submit)"));
}

#[test]
fn options_prefill_the_editor_over_the_draft() {
    let mut app = App::new(AppOptions {
        prompt: Some("from the command line".to_owned()),
        draft: Some(Draft {
            prompt: "old draft".to_owned(),
            image: "old.png".to_owned(),
            prompt_optimizer: true,
            ..Draft::default()
        }),
        ..AppOptions::default()
    });
    assert_eq!(
        app.draft(),
        Draft {
            prompt: "from the command line".to_owned(),
            image: "old.png".to_owned(),
            prompt_optimizer: true,
            ..Draft::default()
        }
    );
    assert_eq!(app.init(), [Effect::InspectImage("old.png".to_owned())]);
}

#[test]
fn history_problems_are_reported() {
    let mut app = app();
    app.update(Msg::HistoryLoaded {
        rows: i2v::ui::HistoryRows::of(history().iter().map(i2v_store::Summary::of).collect()),
        problems: vec![
            "bad.json: expected value".to_owned(),
            "x.json: eof".to_owned(),
        ],
    });
    assert_shows(&mut app, "bad.json: expected value (and 1 more)");
}

/// A history listed again replaces the rows; the old ones go back to the runtime to be freed
/// off the UI thread (at 100,000 jobs freeing them takes a frame's time).
#[test]
fn rows_replaced_by_a_new_listing_are_handed_back_to_be_freed() {
    let mut app = app();
    let first = app.update(history_listed(&history()));
    assert!(
        !first.iter().any(|e| matches!(e, Effect::Discard(_))),
        "nothing to free yet: {first:?}"
    );
    let again = app.update(history_listed(&history()[1..]));
    let freed: Vec<usize> = again
        .iter()
        .filter_map(|e| match e {
            Effect::Discard(rows) => Some(rows.len()),
            _ => None,
        })
        .collect();
    assert_eq!(freed, vec![history().len()]);
}

#[test]
fn store_failures_are_shown() {
    let mut app = app();
    app.update(Msg::Job(JobEvent::StoreFailed {
        id: id(3),
        message: "disk full".to_owned(),
    }));
    assert_shows(&mut app, "disk full");
}

#[test]
fn enter_opens_details_in_the_queue_and_esc_closes_them() {
    let mut app = app_with_dog_job(JobState::Failed);
    tab(&mut app, 3);
    app.update(key(KeyCode::Enter));
    let screen = render(&mut app, 80, 24);
    assert!(
        screen.contains("Timeline") && screen.contains("smaller than 300×300"),
        "{screen}"
    );
    app.update(key(KeyCode::Esc));
    assert_hides(&mut app, "Timeline");
}

#[test]
fn a_notice_does_not_hide_an_unread_error() {
    let mut app = app();
    app.update(Msg::Error("upload failed".to_owned()));
    app.update(Msg::Notice("resumed 1 job".to_owned()));
    assert_shows(&mut app, "upload failed");
}

#[test]
fn progress_shows_in_the_queue_and_its_reason_in_the_details() {
    let mut app = app_with_dog_job(JobState::Running);
    app.update(progress(
        7,
        Progress::Retrying {
            attempt: 2,
            delay: std::time::Duration::from_secs(4),
            reason: "HTTP 503".to_owned(),
        },
    ));
    assert_shows(&mut app, "retry #2");
    tab(&mut app, 3);
    app.update(ch('v'));
    assert_shows(&mut app, "retry 2 in 4 s: HTTP 503");
}

#[test]
fn a_long_retry_wait_counts_down_in_the_queue() {
    let mut app = app_with_dog_job(JobState::Running);
    app.set_now(t0());
    app.update(progress(
        7,
        Progress::Retrying {
            attempt: 3,
            delay: std::time::Duration::from_secs(90),
            reason: "HTTP 429".to_owned(),
        },
    ));
    assert_shows(&mut app, "retry #3 in 90s");
    app.set_now(t0() + chrono::Duration::seconds(35));
    assert_shows(&mut app, "retry #3 in 55s");
    app.set_now(t0() + chrono::Duration::seconds(95));
    assert_hides(&mut app, " in 0s");
    assert_shows(&mut app, "retry #3");
}

#[test]
fn a_hostile_history_file_cannot_inject_escapes() {
    // Ids come from files on disk too, and serde does not run `JobId::parse`.
    let mut record = record(1, "x\x1b]0;t\x07y", "a\x1b[2J.png", JobState::Failed, 5);
    record.id = serde_json::from_str("\"01J\\u001b[31mBAD\"").unwrap();
    record.error.as_mut().unwrap().message = "bad\x1b]52;c;eA==\x07".to_owned();
    let mut app = app();
    send(&mut app, history_loaded(vec![record]));
    tab(&mut app, 4);
    for keys in [vec![], vec![ch('v')], vec![key(KeyCode::Esc), ch('d')]] {
        send(&mut app, keys);
        let screen = render(&mut app, 120, 40);
        assert!(
            !screen.chars().any(|c| c.is_control() && c != '\n'),
            "{screen:?}"
        );
        // ratatui drops control characters itself, but would print what follows an ESC.
        for remnant in ["[31m", "]0;", "[2J", "]52;"] {
            assert!(!screen.contains(remnant), "{remnant} in\n{screen}");
        }
    }
}

#[test]
fn details_of_an_old_job_show_its_logs() {
    let mut app = app();
    let mut old = record(9, "A heron lifts off", "heron.png", JobState::Completed, 90);
    old.logs = vec![log("Loading model weights"), log("Encoding the heron")];
    send(&mut app, history_loaded(vec![old]));
    tab(&mut app, 4);
    app.update(ch('v'));
    // The logs section is further down the detail view.
    for _ in 0..30 {
        app.update(ch('j'));
    }
    let screen = render(&mut app, 80, 40);
    assert!(screen.contains("Encoding the heron"), "{screen}");
}

#[test]
fn reconnecting_lapses_once_logs_flow_again() {
    let mut app = app();
    let job = record(4, "A kite over dunes", "kite.png", JobState::Running, 0);
    app.update(updated(&job));
    app.update(progress(
        4,
        Progress::Reconnecting {
            reason: "status stream ended early".to_owned(),
        },
    ));
    assert_shows(&mut app, "reconnecting");
    app.update(logs(4, &["Generating frame 30/48"]));
    assert_hides(&mut app, "reconnecting");
    assert_shows(&mut app, "running");
}

#[test]
fn an_image_that_failed_its_check_is_not_submitted() {
    let mut app = app();
    type_text(&mut app, "a cat");
    tab(&mut app, 1);
    type_text(&mut app, "missing.png");
    app.update(Msg::ImageInspected {
        text: "missing.png".to_owned(),
        result: Err("missing.png: no such file".to_owned()),
    });
    assert_eq!(app.update(ctrl('s')), []);
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("missing.png: no such file"), "{screen}");
    assert_eq!(app.draft().prompt, "a cat", "the prompt is kept");
}

#[test]
fn compare_takes_the_one_marked_job_and_a_grid_takes_more() {
    let mut app = app();
    app.update(Msg::Resize(120, 40));
    send(
        &mut app,
        history_loaded(vec![
            record(9, "a fox at dawn", "fox.png", JobState::Completed, 1),
            record(8, "a fox at noon", "fox.png", JobState::Completed, 2),
            record(7, "a fox at dusk", "fox.png", JobState::Completed, 3),
        ]),
    );
    tab(&mut app, 4);
    // Two marked besides the selected one: the three of them in a grid, named by what
    // sets their prompts apart.
    send(&mut app, [ch(' '), ch('j'), ch(' '), ch('j'), ch('=')]);
    assert_shows(&mut app, "Grid · 3 jobs");
    assert_shows(&mut app, "1 dawn");
    assert_shows(&mut app, "3 dusk");
    assert_hides(&mut app, "Compare: A");
    app.update(key(KeyCode::Esc));
    // The marks went with the grid. One marked: it is A, the selected job B.
    assert_hides(&mut app, "marked ·");
    send(&mut app, [ch('g'), ch(' '), ch('G'), ch('=')]);
    assert_shows(&mut app, "Compare: A (marked) and B");
    assert_shows(&mut app, "a fox at dawn");
    assert_shows(&mut app, "a fox at dusk");
}

#[test]
fn a_paste_goes_into_the_note_as_one_line_and_enter_saves_it() {
    let mut app = app_with_dog_job(JobState::Completed);
    app.update(Msg::Resize(120, 40));
    tab(&mut app, 3);
    app.update(ch('n'));
    assert_shows(&mut app, "Note on job");
    app.update(Msg::Paste("waves stutter\n  at 3 s\n".into()));
    let effects = app.update(key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Judge {
            id: id(7),
            verdict: i2v::judge::Verdict::note("waves stutter at 3 s"),
        }]
    );
    assert_hides(&mut app, "Note on job");
}

/// A message longer than the status bar is cut with "…" before the key of the log where it
/// is whole; one that fits keeps every word, whatever of the hint after it does not fit.
#[test]
fn a_message_longer_than_the_status_bar_is_cut_before_the_key_of_the_log() {
    let mut app = app();
    let long = format!("the editor said: {}", "far too much ".repeat(20));
    app.update(Msg::EditorReturned(Err(long)));
    let screen = render(&mut app, 80, 24);
    let status = screen.lines().last().unwrap_or_default();
    assert!(
        status.contains("Editor: the editor said: far too much"),
        "{status}"
    );
    assert!(status.trim_end().ends_with("… (F3)"), "{status}");

    let fits = format!("the editor said: {}", "x".repeat(50));
    app.update(Msg::EditorReturned(Err(fits.clone())));
    let screen = render(&mut app, 80, 24);
    let status = screen.lines().last().unwrap_or_default();
    assert!(status.contains(&fits), "{status}");
}
