//! Judging results in the workbench, driven like a user through the real event loop against
//! the simulated fal: digits rate a finished job and `0` clears it, `n` writes a one-line
//! note, refusals are said in the status bar, `l` continues from a job's last frame (the next
//! job records the chain, its details walk it with `[` and `]`), and `=` compares the
//! selected job with the one marked with Space.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use std::time::Duration;

use crossterm::event::KeyCode;
use i2v::preview::{Colors, Graphics};
use i2v::ui::{Focus, Msg};
use i2v_sim::SimConfig;
use i2v_store::{JobId, JobState, Rating};
use tui_support::bench::{Harness, Setup};
use tui_support::keys::ctrl;
use tui_support::screen::Screen;

/// Handles background messages until `count` jobs are in `state`.
async fn wait_for_jobs(h: &mut Harness, what: &str, state: JobState, count: usize) {
    let store = h.store();
    h.wait_for(what, |_| {
        let records = store.list().records;
        records.iter().filter(|r| r.state == state).count() >= count
    })
    .await;
}

fn newest(h: &Harness) -> JobId {
    let mut records = h.store().list().records;
    records.sort_by_key(|r| r.created_at);
    records.last().unwrap().id.clone()
}

fn count(screen: &Screen, needle: &str) -> usize {
    screen
        .rows()
        .iter()
        .map(|r| r.matches(needle).count())
        .sum()
}

/// Moves the workbench's clock past the notices on show ("Job completed", "Submitted job"),
/// which fade after a few seconds, so the status bar shows its hints again.
fn let_notices_fade(h: &mut Harness) {
    h.bench
        .app
        .set_now(chrono::Utc::now() + chrono::Duration::seconds(10));
    h.send(Msg::Tick);
}

fn frame_titles(screen: &Screen) -> usize {
    count(screen, "▶ frame ")
}

#[tokio::test]
async fn digits_rate_a_finished_job_shown_as_stars_and_0_clears_it() {
    let mut h = Harness::start().await;
    let id = h.submit_and_complete("a slow dolly in").await;
    h.focus(Focus::History);
    h.press(KeyCode::Char('4'));
    let screen = h
        .wait_for("the stars", |s| s.pane_text("History").contains("★★★★☆"))
        .await;
    assert!(screen.status_bar().contains("Rated job"), "{screen}");
    assert_eq!(h.store().load(&id).unwrap().rating, Rating::new(4));

    // The queue rates too, and its rows show the stars as well.
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('2'));
    h.wait_for("two stars in both lists", |s| {
        s.pane_text("Queue").contains("★★☆☆☆") && s.pane_text("History").contains("★★☆☆☆")
    })
    .await;
    assert_eq!(h.store().load(&id).unwrap().rating, Rating::new(2));

    h.press(KeyCode::Char('0'));
    h.wait_for("the stars to go", |s| !s.contains("★")).await;
    assert_eq!(h.store().load(&id).unwrap().rating, None);
}

#[tokio::test]
async fn the_status_bar_offers_the_judging_keys_of_a_finished_job_where_there_is_room() {
    let mut h = Harness::start().await;
    h.submit_and_complete("a slow dolly in").await;
    let_notices_fade(&mut h);
    h.focus(Focus::History);
    let bar = h.screen().status_bar();
    for hint in ["1–5 rate", "n note", "l continue", "Space mark"] {
        assert!(bar.contains(hint), "{hint:?} in {bar:?}");
    }
    assert!(bar.trim_end().ends_with("F1 help"), "{bar:?}");
    h.focus(Focus::Queue);
    let bar = h.screen().status_bar();
    for hint in ["1–5 rate", "n note", "l continue", "= compare"] {
        assert!(bar.contains(hint), "{hint:?} in {bar:?}");
    }

    // On a narrow screen the pane's own hints come first, whole: the judging keys make way.
    h.bench.terminal.backend_mut().resize(80, 24);
    h.send(Msg::Resize(80, 24));
    let bar = h.screen().status_bar();
    assert!(!bar.contains("rate"), "{bar:?}");
    assert!(bar.trim_end().ends_with("F1 help"), "{bar:?}");
}

#[tokio::test]
async fn rating_an_unfinished_job_is_refused_in_the_status_bar() {
    let mut h = Harness::with(Setup::new(SimConfig {
        run_time: Duration::from_secs(30),
        ..SimConfig::fast()
    }))
    .await;
    h.fill("still running");
    h.send(ctrl('s'));
    wait_for_jobs(&mut h, "the job to run", JobState::Running, 1).await;
    h.focus(Focus::Queue);
    let_notices_fade(&mut h);
    // Nothing to judge yet, so the status bar does not offer it.
    let bar = h.screen().status_bar();
    assert!(!bar.contains("rate") && bar.contains("cancel"), "{bar:?}");
    h.press(KeyCode::Char('5'));
    let screen = h.screen();
    assert!(
        screen.status_bar().contains("only a completed job"),
        "{screen}"
    );
    assert!(!screen.contains("★"), "{screen}");
    // Esc dismisses the error (any other key would too, and do nothing else).
    h.press(KeyCode::Esc);
    assert!(!h.screen().status_bar().contains("only a completed job"));
    h.press(KeyCode::Char('n'));
    assert!(
        h.screen().status_bar().contains("only a completed job"),
        "{}",
        h.screen()
    );
    assert!(!h.screen().contains("Note on job"), "{}", h.screen());
}

#[tokio::test]
async fn a_job_another_process_holds_is_not_rated_and_the_status_bar_says_why() {
    let mut h = Harness::start().await;
    let id = h.submit_and_complete("a slow dolly in").await;
    // This test holds the job's run claim, as another i2v following it would.
    let claim = h.store().claim(&id).unwrap().expect("the claim");
    h.focus(Focus::History);
    h.press(KeyCode::Char('3'));
    h.wait_for("the refusal", |s| {
        s.status_bar().contains("another i2v process")
    })
    .await;
    assert_eq!(h.store().load(&id).unwrap().rating, None);
    drop(claim);
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('3'));
    h.wait_for("the stars", |s| s.pane_text("History").contains("★★★☆☆"))
        .await;
}

#[tokio::test]
async fn n_writes_a_one_line_note_enter_saves_and_esc_cancels() {
    let mut h = Harness::start().await;
    let id = h.submit_and_complete("a slow dolly in").await;
    h.focus(Focus::History);
    h.press(KeyCode::Char('n'));
    assert!(h.screen().contains("Note on job"), "{}", h.screen());
    // Every letter types itself: these are keys of the lists elsewhere.
    h.type_text("too dark, jump at 3s");
    h.press(KeyCode::Enter);
    h.wait_for("the note in the history row", |s| {
        s.pane_text("History").contains("“too dark, jump at 3s”")
    })
    .await;
    assert_eq!(
        h.store().load(&id).unwrap().note.as_deref(),
        Some("too dark, jump at 3s")
    );

    // Esc leaves it as it was.
    h.press(KeyCode::Char('n'));
    h.type_text(" and more");
    h.press(KeyCode::Esc);
    h.settle();
    assert!(!h.screen().contains("Note on job"), "{}", h.screen());
    assert!(h.screen().status_bar().contains("Note left as it was"));
    assert_eq!(
        h.store().load(&id).unwrap().note.as_deref(),
        Some("too dark, jump at 3s")
    );

    // The detail view shows it, and takes `n` too.
    h.press(KeyCode::Char('v'));
    assert!(
        h.screen().contains("too dark, jump at 3s"),
        "{}",
        h.screen()
    );
}

#[tokio::test]
async fn a_noted_row_keeps_the_prompts_of_the_history_level() {
    let mut h = Harness::start().await;
    h.submit_and_complete("a lighthouse at dusk").await;
    h.submit_and_complete("a lighthouse at dusk, slow orbit")
        .await;
    h.focus(Focus::History);
    h.press(KeyCode::Char('n'));
    h.type_text("good light");
    h.press(KeyCode::Enter);
    let screen = h
        .wait_for("the note in the history row", |s| {
            s.pane_text("History").contains("“good light”")
        })
        .await;
    let history = screen.pane_text("History");
    let starts: Vec<usize> = history
        .lines()
        .filter_map(|row| Some(row[..row.find("a lighthouse at dusk")?].chars().count()))
        .collect();
    assert_eq!(starts.len(), 2, "{screen}");
    assert_eq!(starts[0], starts[1], "the prompts start level:\n{screen}");
    // The column is as wide as the notes on screen need, no wider.
    assert!(history.contains("“good light” a lighthouse"), "{screen}");
}

#[tokio::test]
async fn l_continues_from_the_last_frame_and_the_details_walk_the_chain() {
    let mut h = Harness::start().await;
    let first = h.submit_and_complete("a lighthouse at dusk").await;

    // Writing the next shot's prompt first: `l` keeps it.
    h.focus(Focus::Editor);
    for _ in 0.."a lighthouse at dusk".len() {
        h.press(KeyCode::Backspace);
    }
    h.type_text("the storm breaks");
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('l'));
    let screen = h
        .wait_for("the last frame as the image", |s| {
            s.pane_text("Image").contains("frames") && s.pane_text("Image").contains("✓")
        })
        .await;
    assert_eq!(h.bench.app.focus(), Focus::Editor, "{screen}");
    assert!(screen.status_bar().contains("Continuing job"), "{screen}");
    assert!(
        screen.pane_text("Prompt").contains("the storm breaks"),
        "{screen}"
    );
    let data = h.store().root().to_path_buf();
    let png = std::fs::read_dir(data.join("frames"))
        .unwrap()
        .next()
        .expect("the last frame in the data dir's frames/")
        .unwrap()
        .path();
    assert_eq!(png.extension().unwrap(), "png");

    h.send(ctrl('s'));
    wait_for_jobs(&mut h, "the chained shot", JobState::Completed, 2).await;
    let second = newest(&h);
    assert_ne!(second, first);
    assert_eq!(
        h.store().load(&second).unwrap().continues,
        Some(first.clone())
    );

    // The second shot's details name the first; `[` opens it, and `]` comes back.
    h.focus(Focus::History);
    h.press(KeyCode::Char('g'));
    h.press(KeyCode::Char('v'));
    let screen = h.screen();
    assert!(screen.contains("Continues"), "{screen}");
    assert!(screen.contains(first.as_str()), "{screen}");
    h.press(KeyCode::Char('['));
    let screen = h.screen();
    assert!(screen.contains("Next shot"), "{screen}");
    assert!(screen.contains(second.as_str()), "{screen}");
    h.press(KeyCode::Char('['));
    assert!(
        h.screen().status_bar().contains("first shot"),
        "{}",
        h.screen()
    );
    h.press(KeyCode::Char(']'));
    assert!(h.screen().contains("Continues"), "{}", h.screen());
}

#[tokio::test]
async fn l_with_an_empty_editor_loads_the_jobs_prompt() {
    let mut h = Harness::start().await;
    h.submit_and_complete("a lighthouse at dusk").await;
    h.focus(Focus::Editor);
    for _ in 0.."a lighthouse at dusk".len() {
        h.press(KeyCode::Backspace);
    }
    h.focus(Focus::History);
    h.press(KeyCode::Char('l'));
    let screen = h
        .wait_for("the prompt back", |s| {
            s.status_bar().contains("its prompt is loaded")
        })
        .await;
    assert!(
        screen.pane_text("Prompt").contains("a lighthouse at dusk"),
        "{screen}"
    );
}

#[tokio::test]
async fn compare_shows_the_marked_and_the_selected_job_and_p_plays_both() {
    let mut h = Harness::start().await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    h.submit_and_complete("a lighthouse at dusk").await;
    let second = h
        .submit_and_complete("a lighthouse at dusk, storm rolling in")
        .await;
    h.focus(Focus::History);
    h.press(KeyCode::Char('g'));

    // Nothing marked: the status bar says how.
    h.press(KeyCode::Char('='));
    assert!(
        h.screen().status_bar().contains("mark a job"),
        "{}",
        h.screen()
    );

    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Char('j'));
    // Marking and moving are the steps it advises: it stays while they are taken.
    assert!(
        h.screen().status_bar().contains("mark a job"),
        "{}",
        h.screen()
    );
    h.press(KeyCode::Char('='));
    // The view opened: the advice on how to open it is stale and gone, its keys in its place.
    let status = h.screen().status_bar();
    assert!(
        !status.contains("mark a job") && status.contains("Esc close"),
        "{}",
        h.screen()
    );
    let screen = h
        .wait_for("both strips", |s| {
            s.contains("Compare: A (marked) and B") && count(s, "last · frame 12") == 2
        })
        .await;
    assert!(screen.contains(&format!("A  {second}")), "{screen}");
    // A's "dusk, storm rolling in" against B's "dusk": three words, the comma no word.
    assert!(
        screen.contains("3 words removed") && !screen.contains("removed,"),
        "the prompt diff:\n{screen}"
    );
    assert!(screen.contains("storm rolling in"), "{screen}");
    assert!(screen.contains("optimizer"), "{screen}");

    h.press(KeyCode::Char('p'));
    h.wait_for("both playing", |s| frame_titles(s) == 2).await;
    h.press(KeyCode::Char('p'));
    assert_eq!(frame_titles(&h.screen()), 0, "{}", h.screen());
    h.press(KeyCode::Char('p'));
    h.wait_for("both playing again", |s| frame_titles(s) == 2)
        .await;
    // Esc stops them, then closes the view.
    h.press(KeyCode::Esc);
    assert!(h.screen().contains("Compare: A"), "{}", h.screen());
    h.press(KeyCode::Esc);
    assert!(!h.screen().contains("Compare: A"), "{}", h.screen());
}

/// Defect: at 80×24 no frames fit in the compare view, yet the hints offered `p play both`
/// and `p` switched them to `p stop` with nothing playing. Only what the screen shows is
/// offered.
#[tokio::test]
async fn compare_offers_play_only_where_its_frames_fit() {
    let mut h = Harness::start().await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    h.submit_and_complete("a lighthouse at dusk").await;
    h.submit_and_complete("a lighthouse at dusk, storm rolling in")
        .await;
    h.bench.terminal.backend_mut().resize(80, 24);
    h.send(Msg::Resize(80, 24));
    h.focus(Focus::History);
    h.press(KeyCode::Char('g'));
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Char('j'));
    h.press(KeyCode::Char('='));
    let screen = h
        .wait_for("the compare view", |s| {
            s.contains("Compare: A (marked) and B")
        })
        .await;
    let_notices_fade(&mut h);
    let screen_now = h.screen();
    assert!(
        !screen_now.status_bar().contains("play"),
        "no frames, no play:\n{screen}\n{screen_now}"
    );
    h.press(KeyCode::Char('p'));
    let screen = h.screen();
    assert!(!screen.status_bar().contains("stop"), "{screen}");
    assert!(
        screen.status_bar().contains("No frames to play here"),
        "{screen}"
    );
    assert_eq!(frame_titles(&screen), 0, "{screen}");

    // Given the room, the frames show and play is offered.
    h.bench.terminal.backend_mut().resize(120, 40);
    h.send(Msg::Resize(120, 40));
    h.wait_for("both strips", |s| count(s, "last · frame 12") == 2)
        .await;
    // Past the notice `p` gave (itself shown on the clock moved on above).
    h.bench
        .app
        .set_now(chrono::Utc::now() + chrono::Duration::seconds(60));
    h.send(Msg::Tick);
    assert!(
        h.screen().status_bar().contains("play both"),
        "{}",
        h.screen()
    );
}

#[tokio::test]
async fn side_by_side_the_two_frame_strips_are_as_wide_as_each_other() {
    let mut h = Harness::start().await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    h.submit_and_complete("a lighthouse at dusk").await;
    h.submit_and_complete("a lighthouse at dusk, slow orbit")
        .await;
    h.bench.terminal.backend_mut().resize(160, 48);
    h.send(Msg::Resize(160, 48));
    h.focus(Focus::History);
    h.press(KeyCode::Char('g'));
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Char('j'));
    h.press(KeyCode::Char('='));
    let screen = h
        .wait_for("both strips", |s| count(s, "last · frame 12") == 2)
        .await;
    let row = screen
        .rows()
        .into_iter()
        .find(|r| r.matches("┌ ⏸ Frames").count() == 2)
        .unwrap_or_else(|| panic!("{screen}"));
    let chars: Vec<char> = row.chars().collect();
    let chars = &chars;
    let corners = |c: char| (0..chars.len()).filter(move |&i| chars[i] == c);
    let widths: Vec<usize> = corners('┌').zip(corners('┐')).map(|(l, r)| r - l).collect();
    assert_eq!(widths.len(), 2, "{screen}");
    assert_eq!(widths[0], widths[1], "{screen}");
}

#[tokio::test]
async fn l_in_a_detail_view_that_plays_the_video_stops_it_and_closes_the_view() {
    let mut h = Harness::start().await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    h.submit_and_complete("a lighthouse at dusk").await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    h.press(KeyCode::Char('p'));
    h.wait_for("playback", |s| frame_titles(s) == 1).await;
    h.press(KeyCode::Char('l'));
    let screen = h.screen();
    assert!(!screen.contains("Esc closes"), "{screen}");
    assert_eq!(frame_titles(&screen), 0, "{screen}");
    h.wait_for("the last frame as the image", |s| {
        s.pane_text("Image").contains("frames")
    })
    .await;
    assert_eq!(h.bench.app.focus(), Focus::Editor);
}

/// While the video plays, the status bar's hint for the play key says it stops it.
#[tokio::test]
async fn while_the_video_plays_the_hint_says_p_stops_it() {
    let mut h = Harness::start().await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    h.submit_and_complete("a lighthouse at dusk").await;
    let_notices_fade(&mut h);
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    let status = h.screen().status_bar();
    assert!(status.contains("p play"), "{status}");
    h.press(KeyCode::Char('p'));
    h.wait_for("playback", |s| frame_titles(s) == 1).await;
    let status = h.screen().status_bar();
    assert!(
        status.contains("p stop") && !status.contains("p play"),
        "{status}"
    );
    h.press(KeyCode::Char('p'));
    let status = h.screen().status_bar();
    assert!(
        status.contains("p play"),
        "stopped, p plays again: {status}"
    );
}

/// Several shots continue one job (takes of the same next shot): `]` opens the first, and
/// `[` back from one of them, then `]`, opens the one after, round to the first again.
#[tokio::test]
async fn every_shot_that_continues_a_job_is_reached_with_brackets() {
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let store = i2v_store::Store::open(dir.path().join("data")).unwrap();
    let shot = |prompt: &str, continues: Option<&JobId>, minutes_ago: i64| -> JobId {
        let mut record = tui_support::past_record(prompt, JobState::Completed, minutes_ago);
        record.continues = continues.cloned();
        store.save(&record).unwrap();
        record.id
    };
    let first = shot("a lighthouse at dusk", None, 10);
    let takes = [
        shot("take one: the storm breaks", Some(&first), 9),
        shot("take two: the storm passes", Some(&first), 8),
        shot("take three: night falls", Some(&first), 7),
    ];
    let mut h = Harness::with(Setup {
        dir: Some(dir),
        ..Setup::new(SimConfig::fast())
    })
    .await;
    h.focus(Focus::History);
    // Newest first: the first shot is at the bottom.
    h.press(KeyCode::Char('G'));
    h.press(KeyCode::Char('v'));
    let screen = h
        .wait_for("the first shot's details", |s| s.contains("Next 1/3"))
        .await;
    assert!(screen.contains(&format!("Job {first}")), "{screen}");
    // The status bar names the key that walks on, and not the one back: there is none.
    assert!(screen.status_bar().contains("] next shot"), "{screen}");
    assert!(!screen.status_bar().contains("shot before"), "{screen}");
    // From the view's first frame: opened again, its record already read.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('v'));
    let screen = h.screen();
    assert!(screen.contains("Next 1/3"), "{screen}");
    assert!(screen.status_bar().contains("] next shot"), "{screen}");
    for (i, take) in takes.iter().enumerate() {
        let name = format!("Next {}/3", i + 1);
        assert!(
            screen
                .rows()
                .iter()
                .any(|row| row.contains(&name) && row.contains(take.as_str())),
            "each take listed:\n{screen}"
        );
    }

    // Round the takes and back to the first.
    for take in takes.iter().chain(&takes[..1]) {
        h.press(KeyCode::Char(']'));
        let screen = h
            .wait_for("the take's details", |s| s.contains("Continues"))
            .await;
        assert!(screen.contains(&format!("Job {take}")), "{screen}");
        assert!(screen.status_bar().contains("of 3"), "{screen}");
        h.press(KeyCode::Char('['));
        let screen = h
            .wait_for("the first shot's details", |s| s.contains("Next 1/3"))
            .await;
        assert!(screen.contains(&format!("Job {first}")), "{screen}");
        assert!(
            screen.contains(&format!("{take} “")) && screen.contains("(just seen)"),
            "{screen}"
        );
    }
}
