//! The layouts with pictures, pinned with insta: halfblocks are text and colours, so each
//! screen is snapshot twice, as text and as a map of the colours its pictures draw (R, G, B
//! and W for the nearest of red, green, blue and white, `.` for anything else, blank where no
//! picture is). Frames come from the simulated fal's video (red, green, blue thirds with a
//! white box moving along the top).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

// Not every helper is used here.
#[allow(unused_imports)]
mod ui_support;

use std::sync::Arc;

use i2v::preview::{Colors, Graphics};
use i2v::ui::{App, ImageInfo, Msg};
use i2v_store::JobState;
use image::{Rgb, RgbImage};
use insta::assert_snapshot;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ui_support::*;

fn with_halfblocks(mut app: App) -> App {
    app.update(Msg::Graphics(Graphics::Halfblocks(Colors::TrueColor)));
    app
}

/// Which primary each picture cell's background is nearest to.
fn colour_map(buffer: &Buffer) -> String {
    let area = buffer.area;
    let letter = |colour: Color| match colour {
        Color::Rgb(r, g, b) => {
            let near = |rgb: (u8, u8, u8)| {
                r.abs_diff(rgb.0) < 60 && g.abs_diff(rgb.1) < 60 && b.abs_diff(rgb.2) < 60
            };
            if near((255, 0, 0)) {
                'R'
            } else if near((0, 128, 0)) {
                'G'
            } else if near((0, 0, 255)) {
                'B'
            } else if near((255, 255, 255)) {
                'W'
            } else {
                '.'
            }
        }
        _ => ' ',
    };
    (area.top()..area.bottom())
        .map(|y| {
            let row: String = (area.left()..area.right())
                .map(|x| letter(buffer[(x, y)].bg))
                .collect();
            row.trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn snapshot_both(name: &str, app: &mut App, width: u16, height: u16) {
    let terminal = terminal(app, width, height);
    let buffer = terminal.backend().buffer();
    assert_snapshot!(format!("{name}_text"), buffer_text(buffer));
    assert_snapshot!(format!("{name}_colours"), colour_map(buffer));
}

#[test]
fn detail_view_with_the_frame_strip() {
    let mut app = with_halfblocks(app_with_dog_job(JobState::Completed));
    app.update(Msg::Resize(100, 32));
    app.update(Msg::Strip {
        id: id(7),
        result: Ok(sample_strip()),
    });
    tab(&mut app, 3);
    app.update(ch('v'));
    snapshot_both("detail_strip", &mut app, 100, 32);
}

#[test]
fn image_field_with_its_thumbnail() {
    let mut app = with_halfblocks(app());
    app.update(Msg::Resize(100, 32));
    tab(&mut app, 1);
    type_text(&mut app, "frame.png");
    app.update(Msg::ImageInspected {
        text: "frame.png".into(),
        result: Ok(ImageInfo {
            summary: "frame.png · PNG · 919 B · 400×300".into(),
            limit: None,
        }),
    });
    // Red above, blue below.
    let image = RgbImage::from_fn(400, 300, |_, y| {
        if y < 150 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    });
    app.update(Msg::Thumbnail {
        text: "frame.png".into(),
        result: Ok(Arc::new(image)),
    });
    snapshot_both("image_thumbnail", &mut app, 100, 32);
}

#[test]
fn history_with_the_selected_job_frame() {
    let mut app = with_halfblocks(app());
    app.update(Msg::Resize(120, 36));
    send(&mut app, history_loaded(vec![dog_job(JobState::Completed)]));
    tab(&mut app, 4);
    app.update(Msg::Strip {
        id: id(7),
        result: Ok(sample_strip()),
    });
    snapshot_both("history_frame", &mut app, 120, 36);
}

/// Two finished shots of one scene, the second continuing the first: the older rated with a
/// note, both with frames made.
fn two_shots() -> App {
    let mut first = record(
        7,
        "a lighthouse at dusk, slow dolly in",
        "lighthouse.png",
        JobState::Completed,
        9,
    );
    first.rating = i2v_store::Rating::new(4);
    first.note = Some("good light, the waves stutter".into());
    let mut second = record(
        8,
        "a lighthouse at dusk, the storm breaks, slow orbit",
        "frames/lighthouse-last.png",
        JobState::Completed,
        2,
    );
    second.continues = Some(id(7));
    let mut app = with_halfblocks(app());
    send(&mut app, history_loaded(vec![second, first]));
    for n in [7, 8] {
        app.update(Msg::Strip {
            id: id(n),
            result: Ok(sample_strip()),
        });
    }
    tab(&mut app, 4);
    app
}

/// Space marks the newest shot, `=` on the older one compares them.
fn compare_two_shots(width: u16, height: u16) -> App {
    let mut app = two_shots();
    app.update(Msg::Resize(width, height));
    send(&mut app, [ch(' '), ch('j'), ch('=')]);
    app
}

#[test]
fn compare_view_side_by_side() {
    let mut app = compare_two_shots(130, 44);
    snapshot_both("compare_wide", &mut app, 130, 44);
}

#[test]
fn compare_view_stacked_on_a_narrow_screen() {
    let mut app = compare_two_shots(90, 44);
    snapshot_both("compare_narrow", &mut app, 90, 44);
}

#[test]
fn compare_view_too_short_for_pictures_keeps_facts_and_diff() {
    let mut app = compare_two_shots(80, 24);
    let text = buffer_text(terminal(&mut app, 80, 24).backend().buffer());
    assert!(!text.contains("Frames"), "{text}");
    assert!(text.contains("Prompts: A − · B +"), "{text}");
    assert_snapshot!("compare_short_text", text);
}

#[test]
fn detail_of_a_shot_in_the_middle_of_a_chain() {
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
    let first = shot(7, "a lighthouse at dusk, slow dolly in", 9, None);
    let mut middle = shot(8, "the storm breaks, slow orbit", 5, Some(7));
    middle.rating = i2v_store::Rating::new(4);
    middle.note = Some("good light, the waves stutter".into());
    let last = shot(9, "lightning strikes the lamp", 2, Some(8));
    let mut app = with_halfblocks(app());
    app.update(Msg::Resize(110, 44));
    send(&mut app, history_loaded(vec![last, middle, first]));
    app.update(Msg::Strip {
        id: id(8),
        result: Ok(sample_strip()),
    });
    tab(&mut app, 4);
    send(&mut app, [ch('j'), ch('v')]);
    snapshot_both("chain_detail", &mut app, 110, 44);
    // At 100 columns every key that applies is still named: those the view says itself
    // (Esc in its title, p over the frames) make way first.
    app.update(Msg::Resize(100, 32));
    let text = buffer_text(terminal(&mut app, 100, 32).backend().buffer());
    let status = text.lines().last().unwrap_or_default();
    for hint in [
        "f full screen",
        "[/] shots",
        "1–5 rate",
        "n note",
        "l continue",
        "= compare",
    ] {
        assert!(status.contains(hint), "{hint}:\n{text}");
    }
}

#[test]
fn history_rows_keep_the_note_beside_the_frame() {
    let mut app = two_shots();
    app.update(Msg::Resize(120, 40));
    app.update(ch('j'));
    let text = buffer_text(terminal(&mut app, 120, 40).backend().buffer());
    let row = text
        .lines()
        .find(|l| l.contains("slow dolly"))
        .unwrap_or_default();
    assert!(row.contains("★★★★☆ “good light, the waves…”"), "{text}");
    // The frame beside the list is drawn too.
    assert!(colour_map(terminal(&mut app, 120, 40).backend().buffer()).contains('G'));
}
