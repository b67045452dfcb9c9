//! Chains of shots in the workbench, driven through the real loop against a history on
//! disk: the history marks each shot's place in its chain (`⛓2/3`), the filter's
//! `chain:ID` lists a chain whole, other takes too, and `P` in a chained shot's details plays
//! the film that ends at it, across the joins.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;
#[path = "ui_support/mod.rs"]
#[allow(clippy::duplicate_mod, unused_imports)]
mod ui_support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crossterm::event::KeyCode;
use i2v::preview::{Colors, Graphics};
use i2v::ui::Focus;
use i2v_sim::{SimConfig, SimServer};
use i2v_store::{JobRecord, JobState};
use ratatui::style::Color;
use tui_support::WAIT;
use tui_support::bench::{Harness, Setup};
use tui_support::screen::Screen;
use ui_support::record;

/// a "dawn" → b "noon" → c "dusk", and a second take of b, "rain"; "alone" chains nothing.
fn chained() -> Vec<JobRecord> {
    let shot = |n: u32, prompt: &str, minutes_ago: i64, continues: Option<&JobRecord>| {
        let mut r = record(n, prompt, "frames/x.png", JobState::Completed, minutes_ago);
        r.continues = continues.map(|c| c.id.clone());
        r
    };
    let a = shot(1, "dawn over the harbour", 50, None);
    let b = shot(2, "noon over the harbour", 40, Some(&a));
    let c = shot(3, "dusk over the harbour", 30, Some(&b));
    let take = shot(4, "rain over the harbour", 20, Some(&a));
    let alone = shot(5, "alone in a field", 10, None);
    vec![a, b, c, take, alone]
}

fn row_with(screen: &Screen, word: &str) -> String {
    screen
        .pane_text("History")
        .lines()
        .find(|r| r.contains(word))
        .unwrap_or_else(|| panic!("no row with {word}:\n{screen}"))
        .to_owned()
}

#[tokio::test]
async fn the_history_marks_each_shots_place_in_its_chain() {
    let jobs = chained();
    let mut h = Harness::with_history(&jobs).await;
    let screen = h
        .wait_for("the history listed", |s| {
            s.pane_text("History").contains("alone")
        })
        .await;
    assert!(row_with(&screen, "dawn").contains("⛓1/3"), "{screen}");
    assert!(row_with(&screen, "noon").contains("⛓2/3"), "{screen}");
    assert!(row_with(&screen, "dusk").contains("⛓3/3"), "{screen}");
    assert!(row_with(&screen, "rain").contains("⛓2/2"), "{screen}");
    assert!(!row_with(&screen, "alone").contains('⛓'), "{screen}");

    // chain: lists the chain whole from any of its shots, by an id start in any case.
    h.focus(Focus::History);
    h.press(KeyCode::Char('/'));
    let dusk = jobs[2].id.as_str()[..16].to_lowercase();
    h.type_text(&format!("chain:{dusk}"));
    let screen = h.screen();
    assert!(screen.contains("4/5 match"), "{screen}");
    for word in ["dawn", "noon", "dusk", "rain"] {
        assert!(
            screen.pane_text("History").contains(word),
            "{word}: {screen}"
        );
    }
    assert!(!screen.pane_text("History").contains("alone"), "{screen}");
    // With words, both hold.
    h.type_text(" rain");
    assert!(h.screen().contains("1/5 match"), "{}", h.screen());
}

fn asset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/film/tests/assets")
        .join(name)
}

/// a "dawn" (a High-profile shot: yellow, then magenta) → b "noon" (a Main-profile one:
/// purple, then lime), each 24 frames at 24 fps, their videos on disk.
fn filmed() -> Vec<JobRecord> {
    let shot = |n: u32, prompt: &str, video: &str, continues: Option<&JobRecord>| {
        let mut r = record(
            n,
            prompt,
            "frames/x.png",
            JobState::Completed,
            60 - i64::from(n),
        );
        r.continues = continues.map(|c| c.id.clone());
        r.result.as_mut().unwrap().local_file = Some(asset(video));
        r
    };
    let a = shot(1, "dawn over the harbour", "shot_high_a_320x180.mp4", None);
    let b = shot(
        2,
        "noon over the harbour",
        "shot_main_320x180.mp4",
        Some(&a),
    );
    vec![a, b]
}

const YELLOW: (u8, u8, u8) = (255, 255, 0);
const MAGENTA: (u8, u8, u8) = (255, 0, 255);
const PURPLE: (u8, u8, u8) = (128, 0, 128);
const LIME: (u8, u8, u8) = (0, 255, 0);

/// The 24-bit colours drawn in the box whose title says `words` (the theme draws none:
/// these are the picture's); none when no title says it.
fn colours_under(h: &Harness, words: &str) -> HashSet<(u8, u8, u8)> {
    let buffer = h.bench.terminal.backend().buffer();
    let (width, height) = (buffer.area.width, buffer.area.height);
    let symbols =
        |y: u16, from: u16| -> String { (from..width).map(|x| buffer[(x, y)].symbol()).collect() };
    let corner = (0..height).find_map(|y| {
        (0..width)
            .rev()
            .filter(|&x| matches!(buffer[(x, y)].symbol(), "┌" | "┏" | "╭"))
            .find(|&x| {
                let title = symbols(y, x + 1);
                let end = title.find(['┐', '┓', '╮']).unwrap_or(title.len());
                title[..end].contains(words)
            })
            .map(|x| (x, y))
    });
    let mut colours = HashSet::new();
    let Some((left, top)) = corner else {
        return colours;
    };
    for y in top + 1..height {
        if matches!(buffer[(left, y)].symbol(), "└" | "┗" | "╰") {
            break;
        }
        for x in left + 1..width {
            let cell = &buffer[(x, y)];
            if matches!(cell.symbol(), "│" | "┃") {
                break;
            }
            for colour in [cell.fg, cell.bg] {
                if let Color::Rgb(r, g, b) = colour {
                    colours.insert((r, g, b));
                }
            }
        }
    }
    colours
}

/// Some drawn colour is close to `rgb`.
fn shows(colours: &HashSet<(u8, u8, u8)>, rgb: (u8, u8, u8)) -> bool {
    let near = |a: u8, b: u8| a.abs_diff(b) <= 40;
    colours
        .iter()
        .any(|&(r, g, b)| near(r, rgb.0) && near(g, rgb.1) && near(b, rgb.2))
}

/// Handles background messages, drawing after each, until `done` holds for the harness.
async fn wait_until(h: &mut Harness, what: &str, done: impl Fn(&Harness) -> bool) {
    let deadline = Instant::now() + WAIT;
    loop {
        h.bench.draw().unwrap();
        if done(h) {
            return;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, h.bench.runtime.next()).await {
            Ok(Some(msg)) => {
                h.bench.handle(msg);
            }
            _ => panic!("gave up waiting for {what}; the screen:\n{}", h.screen()),
        }
    }
}

/// The details of the history's job whose prompt has `word`, a shot that continues another.
async fn open_details(h: &mut Harness, word: &str) {
    h.focus(Focus::History);
    h.press(KeyCode::Char('/'));
    h.type_text(word);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('v'));
    h.wait_for("the details", |s| s.contains("Continues")).await;
}

#[tokio::test]
async fn capital_p_in_a_chained_shots_details_plays_its_film_across_the_join() {
    let mut h = Harness::with_history(&filmed()).await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    open_details(&mut h, "noon").await;
    let screen = h.screen();
    assert!(screen.status_bar().contains("P film"), "{screen}");

    h.press(KeyCode::Char('P'));
    // One video of both shots' 48 frames: the first shot's pictures under its name...
    wait_until(&mut h, "the first shot playing", |h| {
        let colours = colours_under(h, "shot 1/2 · frame ");
        (shows(&colours, YELLOW) || shows(&colours, MAGENTA))
            && !shows(&colours, PURPLE)
            && !shows(&colours, LIME)
    })
    .await;
    assert!(
        h.screen().contains("/48 · p or Esc stops"),
        "{}",
        h.screen()
    );
    // ...then, with no pause, the second's (High profile, then Main: other parameter sets).
    wait_until(&mut h, "the second shot playing", |h| {
        let colours = colours_under(h, "shot 2/2 · frame ");
        (shows(&colours, PURPLE) || shows(&colours, LIME))
            && !shows(&colours, YELLOW)
            && !shows(&colours, MAGENTA)
    })
    .await;

    // p stops it; P again plays, and Esc stops it with the view kept.
    h.press(KeyCode::Char('p'));
    let screen = h.screen();
    assert!(screen.contains("Frames · p plays"), "{screen}");
    h.press(KeyCode::Char('P'));
    h.wait_for("the film again", |s| {
        s.contains("shot 1/2 · frame") || s.contains("shot 2/2 · frame")
    })
    .await;
    // f: full screen, the title naming the shot on screen; f again back to the details,
    // the film playing on.
    h.press(KeyCode::Char('f'));
    h.wait_for("the film full screen", |s| {
        let top = &s.rows()[0];
        (top.contains("shot 1/2 · job") && top.contains("dawn"))
            || (top.contains("shot 2/2 · job") && top.contains("noon"))
    })
    .await;
    h.press(KeyCode::Char('f'));
    h.wait_for("the details, the film playing on", |s| {
        s.contains("Continues")
            && (s.contains("shot 1/2 · frame") || s.contains("shot 2/2 · frame"))
    })
    .await;
    h.press(KeyCode::Esc);
    let screen = h.screen();
    assert!(
        screen.contains("Frames · p plays") && screen.contains("Esc closes"),
        "{screen}"
    );
}

/// [`filmed`]'s two shots as jobs sent with `--no-download` leave them: no video on disk, and
/// the URL fal gave kept (a simulated fal serves the shots' videos there); the workbench
/// against that fal.
async fn never_downloaded() -> (Harness, Vec<JobRecord>) {
    let sim = SimServer::start(SimConfig::fast()).await.unwrap();
    let mut jobs = filmed();
    for (job, video) in jobs
        .iter_mut()
        .zip(["shot_high_a_320x180.mp4", "shot_main_320x180.mp4"])
    {
        let bytes = std::fs::read(asset(video)).unwrap();
        let size = bytes.len() as u64;
        let result = job.result.as_mut().unwrap();
        result.url = sim.store_file("video/mp4", "output.mp4", bytes);
        result.file_size = Some(size);
        result.local_file = None;
        result.local_size = None;
        job.no_download = true;
    }
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let store = i2v_store::Store::open(dir.path().join("data")).unwrap();
    for job in &jobs {
        store.save(job).unwrap();
    }
    let mut h = Harness::with(Setup {
        dir: Some(dir),
        running_sim: Some(sim),
        download: false,
        ..Setup::new(SimConfig::fast())
    })
    .await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    (h, jobs)
}

/// Both shots' videos are on disk now, recorded with their jobs as a download would have.
fn fetched(h: &Harness, jobs: &[JobRecord]) {
    for job in jobs {
        let saved = h.store().load(&job.id).unwrap();
        let file = saved.result.unwrap().local_file.unwrap();
        assert!(file.exists(), "{}", file.display());
    }
}

#[tokio::test]
async fn capital_p_fetches_the_shots_never_downloaded_then_plays_the_film() {
    let (mut h, jobs) = never_downloaded().await;
    open_details(&mut h, "noon").await;
    h.press(KeyCode::Char('P'));
    // Where the user is looking: which shot's video is being fetched.
    wait_until(&mut h, "the first shot fetched", |h| {
        h.screen()
            .status_bar()
            .contains("Joining the film: fetching shot 1 of 2's video")
    })
    .await;
    wait_until(&mut h, "the second shot fetched", |h| {
        h.screen()
            .status_bar()
            .contains("fetching shot 2 of 2's video")
    })
    .await;
    wait_until(&mut h, "the first shot playing", |h| {
        let colours = colours_under(h, "shot 1/2 · frame ");
        shows(&colours, YELLOW) || shows(&colours, MAGENTA)
    })
    .await;
    wait_until(&mut h, "the second shot playing", |h| {
        let colours = colours_under(h, "shot 2/2 · frame ");
        shows(&colours, PURPLE) || shows(&colours, LIME)
    })
    .await;
    fetched(&h, &jobs);
}

#[tokio::test]
async fn capital_e_fetches_the_shots_never_downloaded_then_exports_the_film() {
    let (mut h, jobs) = never_downloaded().await;
    h.focus(Focus::History);
    h.press(KeyCode::Char('/'));
    h.type_text("dawn");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('b'));
    h.wait_for("the storyboard", |s| s.contains("Storyboard · 2 shots"))
        .await;
    let out = h.dir.path().join("the film.mp4");
    export_to(&mut h, &out);
    wait_until(&mut h, "the second shot fetched", |h| {
        h.screen()
            .status_bar()
            .contains("Exporting the film: fetching shot 2 of 2's video")
    })
    .await;
    // Both shots' frames, in order: yellow first, then the second shot's purple.
    let centres = two_shot_film_written(&mut h, &out).await;
    assert!(near(centres[0], [255, 255, 0]), "{:?}", centres[0]);
    assert!(near(centres[24], [128, 0, 128]), "{:?}", centres[24]);
    fetched(&h, &jobs);
}

#[tokio::test]
async fn a_shot_fal_no_longer_has_is_named_and_nothing_is_written() {
    let (mut h, jobs) = never_downloaded().await;
    // The first shot's link has expired: fal answers 404.
    let gone = format!("{}/files/gone/output.mp4", h.sim.base_url());
    h.store()
        .update(&jobs[0].id, |r| r.result.as_mut().unwrap().url = gone)
        .unwrap();
    let first = jobs[0].id.to_string();
    open_details(&mut h, "noon").await;
    h.press(KeyCode::Char('P'));
    let screen = h
        .wait_for("the refusal", |s| {
            s.status_bar().contains("fal no longer has it")
        })
        .await;
    assert!(screen.status_bar().contains(&first[..8]), "{screen}");
    assert!(!screen.contains("shot 1/2 · frame"), "{screen}");

    // E: not exported, and nothing at the path.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('b'));
    h.wait_for("the storyboard", |s| s.contains("Storyboard · 2 shots"))
        .await;
    let out = h.dir.path().join("gone.mp4");
    export_to(&mut h, &out);
    let screen = h
        .wait_for("the export refused", |s| {
            s.status_bar().contains("Film not exported")
        })
        .await;
    assert!(screen.status_bar().contains(&first[..8]), "{screen}");
    assert!(!out.exists());
    let names: Vec<_> = std::fs::read_dir(h.dir.path()).unwrap().collect();
    assert!(
        names.iter().all(|e| !e
            .as_ref()
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("gone")),
        "{names:?}"
    );
}

/// dawn (yellow, then magenta) → noon (purple, then lime) → dusk (cyan, then orange), and a
/// second take of the second shot, rain (cyan, then orange).
fn branched() -> Vec<JobRecord> {
    let mut jobs = filmed();
    let shot = |n: u32, prompt: &str, continues: &JobRecord| {
        let mut r = record(
            n,
            prompt,
            "frames/x.png",
            JobState::Completed,
            60 - i64::from(n),
        );
        r.continues = Some(continues.id.clone());
        r.result.as_mut().unwrap().local_file = Some(asset("shot_high_b_320x180.mp4"));
        r
    };
    let dusk = shot(3, "dusk over the harbour", &jobs[1]);
    let rain = shot(4, "rain over the harbour", &jobs[0]);
    jobs[1].rating = i2v_store::Rating::new(4);
    jobs.extend([dusk, rain]);
    jobs
}

/// E in the storyboard, `out` typed as the path, Enter.
fn export_to(h: &mut Harness, out: &Path) {
    h.press(KeyCode::Char('E'));
    h.type_text(out.to_str().unwrap());
    h.press(KeyCode::Enter);
}

/// Waits for the export of a film of two one-second shots to be said done, and returns the
/// centre pixel of each of its 48 frames.
async fn two_shot_film_written(h: &mut Harness, out: &Path) -> Vec<[u8; 3]> {
    let screen = h
        .wait_for("the film written", |s| {
            s.status_bar().contains("Film written")
        })
        .await;
    assert!(screen.status_bar().contains("2 shots, 2.0 s"), "{screen}");
    let centres = centres(out);
    assert_eq!(centres.len(), 48);
    centres
}

/// Whether two colours are the same after encoding.
fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) <= 16)
}

/// The centre pixel of every frame of a video, in display order.
fn centres(path: &Path) -> Vec<[u8; 3]> {
    let video = i2v_video::Video::open(path).unwrap();
    let mut centres = Vec::new();
    video
        .each_picture(|picture| {
            let image = picture.to_rgb();
            centres.push(image.get_pixel(image.width() / 2, image.height() / 2).0);
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    centres
}

#[tokio::test]
async fn the_storyboards_take_choice_changes_the_film_it_exports() {
    let jobs = branched();
    let (dawn, rain) = (jobs[0].id.clone(), jobs[3].id.clone());
    let mut h = Harness::with_history(&jobs).await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    // b in the history, on the chain's first shot.
    h.focus(Focus::History);
    h.press(KeyCode::Char('/'));
    h.type_text("dawn");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('b'));
    let screen = h
        .wait_for("the storyboard, its lengths found", |s| {
            s.contains("Storyboard · 3 shots") && s.contains("film of 3 · 3.0 s")
        })
        .await;
    for said in [
        "1/3",
        "2/3",
        "3/3",
        "noon over",
        "dusk over",
        "★★★★☆",
        "1.0 s",
        "take 1 of 2",
    ] {
        assert!(screen.contains(said), "{said}:\n{screen}");
    }

    // The second place's other take: the film is two shots, and the choice is remembered.
    h.press(KeyCode::Right);
    h.press(KeyCode::Char('t'));
    let screen = h
        .wait_for("the other take", |s| s.contains("Storyboard · 2 shots"))
        .await;
    assert!(
        screen.contains("take 2 of 2") && screen.contains("rain over"),
        "{screen}"
    );
    let store = h.store();
    wait_until(&mut h, "the take remembered", |_| {
        store.takes().unwrap().after(&dawn) == Some(&rain)
    })
    .await;

    // E, a path, Enter: written as i2v film chain:ID writes it, progress in the status bar.
    let out = h.dir.path().join("the film.mp4");
    export_to(&mut h, &out);
    let centres = two_shot_film_written(&mut h, &out).await;
    assert!(
        near(centres[0], [255, 255, 0]),
        "the first shot: {:?}",
        centres[0]
    );
    assert!(
        near(centres[24], [0, 255, 255]),
        "the take chosen: {:?}",
        centres[24]
    );
    let chain = i2v::film::chain_film(&store, store.load(&dawn).unwrap()).unwrap();
    let ids: Vec<_> = chain.into_iter().map(|r| r.id).collect();
    assert_eq!(ids, [dawn, rain], "i2v film chain:ID makes the same film");

    // p plays from the selected shot, its card lit, the title naming it.
    h.press(KeyCode::Char('p'));
    h.wait_for("the film from the second shot", |s| {
        s.contains("shot 2/2 · frame")
    })
    .await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Esc);
    h.wait_for("the storyboard closed", |s| !s.contains("Storyboard"))
        .await;
}
