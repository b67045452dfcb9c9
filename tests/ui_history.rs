//! The history on summaries, at the level of `App::update`: what is read when, and what the
//! filter's incremental matching finds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod ui_support;

use crossterm::event::KeyCode;
use i2v::ui::{App, Effect, Msg};
use i2v_store::{JobRecord, JobState};
use ui_support::*;

fn listed() -> (App, Vec<JobRecord>) {
    let mut app = app();
    let records = history();
    app.update(history_listed(&records));
    (app, records)
}

/// Listed, and the effects of the listing.
fn listed_with_effects() -> (App, Vec<JobRecord>, Vec<Effect>) {
    let mut app = app();
    let records = history();
    let effects = app.update(history_listed(&records));
    (app, records, effects)
}

fn reads(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ReadRecords(ids) => Some(ids.iter().map(|id| id.to_string())),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn only_the_selected_job_is_read_and_enter_waits_for_it() {
    let (mut app, records, mut effects) = listed_with_effects();
    // Listed from summaries: every job shows; only the newest, selected, is read (ahead of
    // Enter).
    assert_shows(&mut app, "4 jobs");
    for _ in 0..4 {
        effects.extend(app.update(key(KeyCode::Tab)));
    }
    let newest = records[3].id.to_string();
    assert_eq!(reads(&effects), [newest]);
    // Enter before it arrives: nothing yet, and not asked twice.
    let effects = app.update(key(KeyCode::Enter));
    assert!(reads(&effects).is_empty(), "{effects:?}");
    assert_eq!(app.draft().prompt, "");
    app.update(Msg::RecordsRead(vec![Ok(records[3].clone())]));
    assert_eq!(app.draft().prompt, records[3].input.prompt);
}

#[test]
fn a_record_that_cannot_be_read_says_why() {
    let (mut app, records) = listed();
    tab(&mut app, 4);
    app.update(key(KeyCode::Enter));
    app.update(Msg::RecordsRead(vec![Err((
        records[3].id.clone(),
        "the file is not valid JSON".to_owned(),
    ))]));
    assert_shows(&mut app, "not valid JSON");
    assert_eq!(app.draft().prompt, "");
}

#[test]
fn a_key_pressed_elsewhere_meanwhile_drops_the_waiting_action() {
    let (mut app, records) = listed();
    tab(&mut app, 4);
    app.update(key(KeyCode::Enter));
    app.update(ch('j'));
    app.update(Msg::RecordsRead(vec![Ok(records[3].clone())]));
    assert_eq!(
        app.draft().prompt,
        "",
        "the selection moved: nothing restored"
    );
}

/// Many prompts, so the incremental filter has something to get wrong.
fn many() -> Vec<JobRecord> {
    let words = [
        "fox", "heron", "lake", "snow", "dolly", "orbit", "dusk", "rain", "red", "boat",
    ];
    (0..30u32)
        .map(|n| {
            let prompt = format!(
                "{} {} {}, {}",
                words[n as usize % 10],
                words[(n as usize * 3 + 1) % 10],
                words[(n as usize * 7 + 2) % 10],
                if n % 4 == 0 {
                    "slow dolly in"
                } else {
                    "static"
                }
            );
            let state = if n % 5 == 0 {
                JobState::Failed
            } else {
                JobState::Completed
            };
            record(n, &prompt, &format!("frames/{n}.png"), state, n as i64 + 1)
        })
        .collect()
}

#[test]
fn typing_key_by_key_finds_what_the_whole_line_finds() {
    for query in [
        "fox lake",
        "red snow",
        "is:failed dolly",
        "is:f fox",
        "dolly is:completed",
        "id:01jdq",
        "rating:>4",
        "frames/1",
    ] {
        let mut typed = app();
        typed.update(Msg::Resize(100, 50));
        send(&mut typed, history_loaded(many()));
        tab(&mut typed, 4);
        typed.update(ch('/'));
        type_text(&mut typed, query);

        let mut pasted = app();
        pasted.update(Msg::Resize(100, 50));
        send(&mut pasted, history_loaded(many()));
        tab(&mut pasted, 4);
        pasted.update(ch('/'));
        pasted.update(Msg::Paste(query.to_owned()));

        assert_eq!(
            render(&mut typed, 100, 50),
            render(&mut pasted, 100, 50),
            "{query}"
        );
    }
}

/// The title's count while filtering with `query` over three jobs whose images share a
/// folder.
fn matches(query: &str) -> String {
    let jobs = ["heron", "fox", "cat"]
        .iter()
        .enumerate()
        .map(|(n, name)| {
            let image = format!("/home/me/library/{name}.png");
            record(
                n as u32 + 1,
                &format!("a {name}"),
                &image,
                JobState::Completed,
                5,
            )
        })
        .collect();
    let mut app = app();
    app.update(Msg::Resize(120, 30));
    send(&mut app, history_loaded(jobs));
    tab(&mut app, 4);
    app.update(ch('/'));
    app.update(Msg::Paste(query.to_owned()));
    let screen = render(&mut app, 120, 30);
    screen
        .split("· ")
        .find(|part| part.contains(" match"))
        .map(|part| part.trim().to_owned())
        .unwrap_or_else(|| panic!("no count for {query}:\n{screen}"))
}

#[test]
fn words_match_the_image_by_its_name_and_img_by_its_path() {
    // Every job's folder would match a word: only the file name counts.
    assert_eq!(matches("library"), "0/3 match");
    assert_eq!(matches("img:library"), "3/3 match");
    assert_eq!(matches("heron.png"), "1/3 match");
    assert_eq!(matches("png"), "3/3 match");
}

#[test]
fn a_record_that_cannot_be_read_is_not_read_again_and_again() {
    let (mut app, records) = listed();
    tab(&mut app, 4);
    app.update(ch('v'));
    app.update(Msg::RecordsRead(vec![Err((
        records[3].id.clone(),
        "the file is not valid JSON".to_owned(),
    ))]));
    // The detail view stays open on it; ticks and keys do not ask for it again.
    let mut effects = send(&mut app, [Msg::Tick, Msg::Tick, ch('j')]);
    assert!(reads(&effects).is_empty(), "{effects:?}");
    // A new listing (the file may have been mended) tries again.
    effects = app.update(history_listed(&records));
    assert_eq!(reads(&effects), [records[3].id.to_string()]);
}

/// History rows name the image by its file (a URL by its last path segment) instead of a
/// whole path cut off behind its folders; the detail view keeps the full path, and `img:`
/// still matches it.
#[test]
fn history_rows_show_the_image_file_name_the_detail_view_its_path() {
    let folder = "/home/me/library/shots/2026/lighthouse-series/takes";
    let jobs = vec![
        record(
            1,
            "a heron",
            &format!("{folder}/heron.png"),
            JobState::Completed,
            9,
        ),
        record(
            2,
            "a fox",
            "https://cdn.example/u/7/fox.webp?sig=abc",
            JobState::Completed,
            5,
        ),
    ];
    let mut app = app();
    app.update(Msg::Resize(120, 30));
    send(&mut app, history_loaded(jobs));
    let screen = render(&mut app, 120, 30);
    let row = |prompt: &str| {
        screen
            .lines()
            .find(|l| l.contains(prompt))
            .unwrap_or_else(|| panic!("{prompt}:\n{screen}"))
            .to_owned()
    };
    let heron = row("a heron");
    assert!(
        heron.contains("  heron.png") && !heron.contains("library"),
        "{screen}"
    );
    let fox = row("a fox");
    assert!(
        fox.contains("  fox.webp") && !fox.contains("cdn.example") && !fox.contains("sig="),
        "{screen}"
    );

    tab(&mut app, 4);
    app.update(ch('/'));
    app.update(Msg::Paste("img:lighthouse-series".to_owned()));
    assert_shows(&mut app, "1/2 match");
    app.update(key(KeyCode::Enter));
    app.update(ch('v'));
    let screen = render(&mut app, 120, 30);
    assert!(
        screen.contains(&format!("{folder}/heron.png")),
        "the detail view shows the whole path:\n{screen}"
    );
}
