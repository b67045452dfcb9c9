//! A batch judged as a grid, through the app's update and draw: `*` marks a batch (or every
//! listed job), `=` with 3 to 9 marked opens the grid, its keys move, rate, note, play and
//! open details, and the grid is pinned with insta at 80×24, 120×36 and 200×60.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

// Not every helper is used here.
#[allow(unused_imports)]
mod ui_support;

use crossterm::event::KeyCode;
use i2v::preview::{Clock, Colors, Graphics, Player};
use i2v::ui::{App, Effect, Msg};
use i2v_store::{BatchId, JobId, JobState, Rating};
use insta::assert_snapshot;
use ratatui::layout::Size;
use ui_support::*;

const COLOURS: [&str; 3] = ["red", "blue", "gold"];
const MOVES: [&str; 3] = ["runs", "sleeps", "swims"];

/// The nine jobs of `a {red|blue|gold} fox {runs|sleeps|swims} at dusk`, sent together:
/// job 1 rated with a note, job 5 failed, job 9 still running; one job sent on its own.
fn matrix_app() -> App {
    let batch = BatchId::new();
    let mut records = Vec::new();
    for (i, colour) in COLOURS.iter().enumerate() {
        for (j, motion) in MOVES.iter().enumerate() {
            let n = (i * 3 + j + 1) as u32;
            let state = match n {
                5 => JobState::Failed,
                9 => JobState::Running,
                _ => JobState::Completed,
            };
            // Sent in the matrix's order: the first the oldest.
            let mut r = record(
                n,
                &format!("a {colour} fox {motion} at dusk"),
                "fox.png",
                state,
                20 - i64::from(n),
            );
            r.batch = Some(batch.clone());
            if n == 1 {
                r.rating = Rating::new(4);
                r.note = Some("best light".into());
            }
            records.push(r);
        }
    }
    records.push(record(20, "a fox alone", "fox.png", JobState::Completed, 1));
    let mut app = app();
    app.update(Msg::Graphics(Graphics::Halfblocks(Colors::TrueColor)));
    send(&mut app, history_loaded(records));
    for n in 1..=9 {
        app.update(Msg::Strip {
            id: id(n),
            result: Ok(sample_strip()),
        });
    }
    tab(&mut app, 4);
    app
}

/// Moves the history's selection to job `n` (newest first: the lone job, then 9 … 1).
fn select(app: &mut App, n: u32) {
    send(app, [key(KeyCode::Home)]);
    let down = if n == 20 { 0 } else { 1 + (9 - n as usize) };
    for _ in 0..down {
        app.update(ch('j'));
    }
}

fn grid_of_the_batch(width: u16, height: u16) -> App {
    let mut app = matrix_app();
    app.update(Msg::Resize(width, height));
    select(&mut app, 4);
    send(&mut app, [ch('*'), ch('=')]);
    app
}

fn screen(app: &mut App, width: u16, height: u16) -> String {
    render(app, width, height)
}

#[test]
fn star_marks_the_batch_and_again_unmarks_it() {
    let mut app = matrix_app();
    app.update(Msg::Resize(120, 36));
    select(&mut app, 4);
    app.update(ch('*'));
    let text = screen(&mut app, 120, 36);
    assert!(text.contains("9 marked"), "{text}");
    assert!(text.contains("Marked the 9 jobs of the batch"), "{text}");
    app.update(ch('*'));
    let text = screen(&mut app, 120, 36);
    assert!(!text.contains("marked ·"), "{text}");
    assert!(text.contains("Unmarked the 9 jobs of the batch"), "{text}");
    // A job sent alone has no batch: it says so, and what a filter does instead.
    select(&mut app, 20);
    app.update(ch('*'));
    let text = screen(&mut app, 120, 36);
    assert!(text.contains("sent on its own"), "{text}");
}

#[test]
fn with_a_filter_star_marks_every_listed_job() {
    let mut app = matrix_app();
    app.update(Msg::Resize(120, 36));
    app.update(ch('/'));
    type_text(&mut app, "blue");
    app.update(key(KeyCode::Enter));
    app.update(ch('*'));
    let text = screen(&mut app, 120, 36);
    assert!(text.contains("3 marked"), "{text}");
    assert!(text.contains("Marked the 3 jobs listed"), "{text}");
    app.update(ch('='));
    let text = screen(&mut app, 120, 36);
    assert!(text.contains("Grid · 3 jobs"), "{text}");
    for cell in ["1 runs", "2 sleeps", "3 swims"] {
        assert!(text.contains(cell), "{cell}:\n{text}");
    }
}

#[test]
fn two_marked_still_compare_side_by_side_and_ten_are_refused() {
    let mut app = matrix_app();
    app.update(Msg::Resize(130, 44));
    select(&mut app, 2);
    send(&mut app, [ch(' '), ch('j'), ch('=')]);
    assert!(screen(&mut app, 130, 44).contains("Compare: A (marked) and B"));
    app.update(key(KeyCode::Esc));
    // All nine, and the lone job too: ten is more than a grid takes.
    select(&mut app, 4);
    app.update(ch('*'));
    select(&mut app, 20);
    app.update(ch('='));
    let text = screen(&mut app, 130, 44);
    assert!(!text.contains("Grid ·"), "{text}");
    assert!(text.contains("a grid takes 3 to 9"), "{text}");
}

#[test]
fn the_grid_names_what_differs_and_says_why_a_cell_has_no_video() {
    let mut app = grid_of_the_batch(200, 60);
    let text = screen(&mut app, 200, 60);
    assert!(text.contains("Grid · 9 jobs"), "{text}");
    for cell in ["1 red · runs", "5 blue · sleeps", "9 gold · swims"] {
        assert!(text.contains(cell), "{cell}:\n{text}");
    }
    assert!(text.contains("★★★★☆ ✎"), "{text}");
    assert!(text.contains("image is smaller than 300×300"), "{text}");
    assert!(text.contains("running: no video yet"), "{text}");
}

#[test]
fn keys_move_rate_note_play_and_open_details() {
    let mut app = grid_of_the_batch(120, 36);
    // Right, down, left: from cell 1 to 2, to 5, to 4.
    send(&mut app, [ch('l'), ch('j'), ch('h')]);
    let effects = app.update(ch('3'));
    assert_eq!(judged(&effects), vec![(id(4), "3 stars")]);
    send(&mut app, [key(KeyCode::Right), key(KeyCode::Up)]);
    let effects = app.update(ch('5'));
    assert_eq!(judged(&effects), vec![(id(2), "5 stars")]);
    // Past the last cell it stays on the last.
    for _ in 0..12 {
        app.update(key(KeyCode::Right));
    }
    let effects = app.update(ch('2'));
    // Job 9 runs: it cannot be rated, and says so.
    assert!(judged(&effects).is_empty());
    assert!(screen(&mut app, 120, 36).contains("only a completed job"));

    // n notes the selected cell's job; Enter saves and the grid is back. (Esc first
    // dismisses the error; Home goes to the first cell.)
    send(&mut app, [key(KeyCode::Esc), key(KeyCode::Home)]);
    app.update(ch('n'));
    // The grid stays in sight under the note.
    let text = screen(&mut app, 120, 36);
    assert!(
        text.contains("Note on job") && text.contains("Grid · 9 jobs"),
        "{text}"
    );
    type_text(&mut app, "too dark");
    let effects = app.update(key(KeyCode::Enter));
    assert_eq!(judged(&effects), vec![(id(1), "note")]);
    assert!(screen(&mut app, 120, 36).contains("Grid · 9 jobs"));

    // p plays every cell with a video, in step (the runtime answers with players).
    let effects = app.update(ch('p'));
    assert_eq!(played(&effects), [1, 2, 3, 4, 6, 7, 8].map(id));

    // v opens the selected job's details, drawn over the grid (not over the panes); Esc
    // comes back to the grid.
    app.update(ch('v'));
    let text = screen(&mut app, 120, 36);
    assert!(text.contains(&format!("Job {}", id(1))), "{text}");
    assert!(
        text.contains("Grid · 9 jobs") && !text.contains("Prompt ·"),
        "{text}"
    );
    app.update(key(KeyCode::Esc));
    let text = screen(&mut app, 120, 36);
    assert!(text.contains("Grid · 9 jobs"), "{text}");
    // Esc closes the grid.
    app.update(key(KeyCode::Esc));
    assert!(!screen(&mut app, 120, 36).contains("Grid ·"));
}

/// The jobs a play effect among `effects` starts, in order (none without one).
fn played(effects: &[Effect]) -> Vec<JobId> {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Play(videos) => Some(videos.iter().map(|(id, _)| id.clone()).collect()),
            _ => None,
        })
        .unwrap_or_default()
}

/// What the runtime answers a play effect with: a player for each video, on one clock.
fn players_for(effects: &[Effect]) -> Msg {
    let clock = Clock::new();
    let videos = effects.iter().find_map(|e| match e {
        Effect::Play(videos) => Some(videos.clone()),
        _ => None,
    });
    Msg::Playing(
        videos
            .expect("a play effect")
            .into_iter()
            .map(|(id, path)| {
                let player = Player::start(&path, &clock, Size::new(20, 6), Colors::TrueColor);
                (id, player)
            })
            .collect(),
    )
}

#[test]
fn paging_a_playing_grid_plays_the_next_page_in_step() {
    let mut app = grid_of_the_batch(80, 24);
    // Page 1 holds jobs 1 to 6; job 5 failed and has no video.
    assert!(screen(&mut app, 80, 24).contains("page 1 of 2"));
    let effects = app.update(ch('p'));
    assert_eq!(played(&effects), [1, 2, 3, 4, 6].map(id));
    app.update(players_for(&effects));
    // Down twice: to the second row, then page 2, which plays in the first's place (job 9
    // still runs).
    let effects = send(&mut app, [ch('j'), ch('j')]);
    assert_eq!(played(&effects), [7, 8].map(id));
    app.update(players_for(&effects));
    assert!(screen(&mut app, 80, 24).contains("page 2 of 2"));
    // And back: page 1 plays again; p there stops it, and a page turned then starts nothing.
    let effects = app.update(key(KeyCode::PageUp));
    assert_eq!(played(&effects), [1, 2, 3, 4, 6].map(id));
    app.update(players_for(&effects));
    assert!(played(&app.update(ch('p'))).is_empty());
    let effects = app.update(key(KeyCode::PageDown));
    assert!(played(&effects).is_empty(), "{effects:?}");
}

#[test]
fn pages_turned_before_the_players_come_play_the_page_shown() {
    let mut app = grid_of_the_batch(80, 24);
    assert!(screen(&mut app, 80, 24).contains("page 1 of 2"));
    // Keys come before the runtime's answers: p, then two pages turned before any player
    // has come.
    let first = app.update(ch('p'));
    assert_eq!(played(&first), [1, 2, 3, 4, 6].map(id));
    let second = app.update(key(KeyCode::PageDown));
    assert_eq!(played(&second), [7, 8].map(id));
    let third = app.update(key(KeyCode::PageUp));
    assert_eq!(played(&third), [1, 2, 3, 4, 6].map(id));
    // Page 2's players come late: no longer wanted, they are dropped.
    app.update(players_for(&second));
    let status = last_row(&screen(&mut app, 80, 24));
    assert!(status.contains("p play all"), "{status}");
    // The page shown plays once its own come.
    app.update(players_for(&third));
    let status = last_row(&screen(&mut app, 80, 24));
    assert!(status.contains("p stop"), "{status}");
}

fn last_row(text: &str) -> String {
    text.lines().last().unwrap_or_default().to_owned()
}

/// The rating or note effects among `effects`, as (job, what).
fn judged(effects: &[Effect]) -> Vec<(JobId, &'static str)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Judge { id, verdict } => Some((
                id.clone(),
                match verdict.rating.map(|r| r.map(Rating::stars)) {
                    Some(Some(3)) => "3 stars",
                    Some(Some(5)) => "5 stars",
                    Some(_) => "stars",
                    None => "note",
                },
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn a_small_screen_pages_the_grid() {
    let mut app = grid_of_the_batch(80, 24);
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("page 1 of 2"), "{text}");
    assert!(
        text.contains("6 blue · swims") && !text.contains("7 gold"),
        "{text}"
    );
    // Down twice: to the second row, then the next page. Nothing played: nothing starts.
    let effects = send(&mut app, [ch('j'), ch('j')]);
    assert!(played(&effects).is_empty(), "{effects:?}");
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("page 2 of 2"), "{text}");
    assert!(
        text.contains("7 gold · runs") && !text.contains("1 red"),
        "{text}"
    );
}

#[test]
fn grid_snapshots() {
    for (width, height) in [(80, 24), (120, 36), (200, 60)] {
        let mut app = grid_of_the_batch(width, height);
        assert_snapshot!(
            format!("grid_{width}x{height}"),
            screen(&mut app, width, height)
        );
    }
}
