//! The storyboard of a chain of shots, pinned with insta at 80×24 and 120×36: the film's
//! shots as cards (picture, place, rating, length, prompt's start), the take the film uses
//! where several continue a shot, and the effects its keys ask for (a take remembered, the
//! film played from a shot, exported where the user says).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

#[allow(unused_imports)]
mod ui_support;

use std::time::Duration;

use crossterm::event::KeyCode;
use i2v::preview::{Colors, Graphics};
use i2v::ui::{App, Effect, Msg};
use i2v_store::{JobRecord, JobState, Rating};
use insta::assert_snapshot;
use ui_support::*;

/// 7 "a lighthouse at dusk" → 8 "the storm breaks" (rated 4) → 9 "lightning strikes the
/// lamp", and a second take of the second shot, 10 "the storm passes".
fn chain() -> Vec<JobRecord> {
    let shot = |n: u32, prompt: &str, minutes_ago: i64, continues: Option<u32>| {
        let mut r = record(
            n,
            prompt,
            "lighthouse.png",
            JobState::Completed,
            minutes_ago,
        );
        r.continues = continues.map(id);
        r
    };
    let mut storm = shot(
        8,
        "the storm breaks, slow orbit around the tower",
        7,
        Some(7),
    );
    storm.rating = Rating::new(4);
    vec![
        shot(10, "the storm passes, sun through the clouds", 2, Some(7)),
        shot(9, "lightning strikes the lamp", 5, Some(8)),
        storm,
        shot(7, "a lighthouse at dusk, slow dolly in", 9, None),
    ]
}

/// The storyboard opened with `b` on the history's oldest job (the chain's first shot), its
/// pictures made and its shots' lengths found; the effects its opening asked for.
fn storyboard(width: u16, height: u16) -> (App, Vec<Effect>) {
    let mut app = app();
    app.update(Msg::Graphics(Graphics::Halfblocks(Colors::TrueColor)));
    app.update(Msg::Resize(width, height));
    send(&mut app, history_loaded(chain()));
    for n in [7, 8, 9, 10] {
        app.update(Msg::Strip {
            id: id(n),
            result: Ok(sample_strip()),
        });
    }
    tab(&mut app, 4);
    let mut effects = send(&mut app, [key(KeyCode::End), ch('b')]);
    // The film is found as the storyboard is drawn; its lengths are asked for after.
    render(&mut app, width, height);
    effects.extend(app.update(Msg::Takes(Ok(Default::default()))));
    let shots = vec![id(7), id(8), id(9)];
    assert!(
        effects.contains(&Effect::PlanFilm(shots.clone())),
        "{effects:?}"
    );
    app.update(Msg::FilmPlanned {
        shots,
        result: Ok(vec![Duration::from_secs(6); 3]),
    });
    (app, effects)
}

#[test]
fn the_storyboard_at_120x36() {
    let (mut app, effects) = storyboard(120, 36);
    assert!(effects.contains(&Effect::ReadTakes), "{effects:?}");
    assert_snapshot!("storyboard_120x36", render(&mut app, 120, 36));
}

#[test]
fn the_storyboard_at_80x24() {
    let (mut app, _) = storyboard(80, 24);
    assert_snapshot!("storyboard_80x24", render(&mut app, 80, 24));
}

#[test]
fn t_chooses_the_next_take_and_remembers_it() {
    let (mut app, _) = storyboard(120, 36);
    // The second place: take 1 of 2.
    send(&mut app, [ch('l')]);
    let effects = send(&mut app, [ch('t')]);
    assert!(
        effects.contains(&Effect::ChooseTake {
            shot: id(7),
            take: id(10),
        }),
        "{effects:?}"
    );
    let screen = render(&mut app, 120, 36);
    assert!(screen.contains("Storyboard · 2 shots"), "{screen}");
    assert!(screen.contains("take 2 of 2"), "{screen}");
    assert!(screen.contains("the storm passes"), "{screen}");
    assert!(!screen.contains("lightning"), "{screen}");
    // And round again.
    let effects = send(&mut app, [ch('t')]);
    assert!(
        effects.contains(&Effect::ChooseTake {
            shot: id(7),
            take: id(8),
        }),
        "{effects:?}"
    );
    assert!(render(&mut app, 120, 36).contains("Storyboard · 3 shots"));
}

#[test]
fn p_plays_from_the_shot_and_e_exports_where_asked() {
    let (mut app, _) = storyboard(120, 36);
    send(&mut app, [ch('l')]);
    let effects = send(&mut app, [ch('p')]);
    assert!(
        effects.contains(&Effect::PlayFilm {
            id: id(7),
            shots: vec![id(7), id(8), id(9)],
            from: 1,
        }),
        "{effects:?}"
    );
    send(&mut app, [ch('E')]);
    let screen = render(&mut app, 120, 36);
    assert!(screen.contains("Export to:"), "{screen}");
    // Typed as text: q and t are letters of the path here.
    type_text(&mut app, "/tmp/quiet.mp4");
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    assert!(
        effects.contains(&Effect::ExportFilm {
            shots: vec![id(7), id(8), id(9)],
            path: Some("/tmp/quiet.mp4".into()),
        }),
        "{effects:?}"
    );
    assert!(!render(&mut app, 120, 36).contains("Export to:"));
    // Empty: the data dir's films/.
    send(&mut app, [ch('E')]);
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    assert!(
        effects.contains(&Effect::ExportFilm {
            shots: vec![id(7), id(8), id(9)],
            path: None,
        }),
        "{effects:?}"
    );
}
