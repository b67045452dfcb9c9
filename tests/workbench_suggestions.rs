//! The two lists that open beside the cursor, through the real event loop: Tab completing a
//! path in the image field, and `[` offering Hailuo's camera commands in the prompt.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use std::path::Path;

use crossterm::event::KeyCode;
use i2v::ui::Focus;
use ratatui::style::Color;
use tui_support::bench::Harness;
use tui_support::keys::{ctrl, key};

/// A folder with two images, a text file, a hidden image and a subfolder.
fn shots() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let shots = dir.path().join("shots");
    std::fs::create_dir_all(shots.join("sunset")).unwrap();
    for name in ["a1.png", "a2.jpg", "about.txt", ".a3.png"] {
        std::fs::write(shots.join(name), b"not read by Tab").unwrap();
    }
    dir
}

fn text_of(path: &Path) -> String {
    path.to_str().unwrap().to_owned()
}

const LIST: &str = "Tab · Enter takes";

#[tokio::test]
async fn tab_lists_the_images_and_folders_that_match_and_enter_takes_one() {
    let dir = shots();
    let mut h = Harness::start().await;
    h.focus(Focus::Image);
    let typed = format!("{}/a", text_of(&dir.path().join("shots")));
    h.type_text(&typed);
    h.press(KeyCode::Tab);
    let screen = h.wait_for("Tab's list", |s| s.pane(LIST).is_some()).await;
    let list = screen.pane(LIST).unwrap();
    insta::assert_snapshot!("tab_list_of_paths", list.to_string());
    assert!(
        !list.contains("about.txt") && !list.contains(".a3.png"),
        "only images, and hidden ones only when asked for:\n{screen}"
    );
    assert_eq!(h.bench.app.focus(), Focus::Image, "the keyboard stays");
    assert_eq!(
        h.bench.app.draft().image,
        typed,
        "the two agree on nothing more"
    );

    // Tab moves down the list, Enter takes the name.
    h.press(KeyCode::Tab);
    h.press(KeyCode::Enter);
    assert_eq!(
        h.bench.app.draft().image,
        text_of(&dir.path().join("shots/a2.jpg"))
    );
    assert!(h.screen().pane(LIST).is_none(), "taken, the list closes");
    assert_eq!(h.bench.app.focus(), Focus::Image);
}

#[tokio::test]
async fn tab_completes_a_single_match_and_leaves_when_nothing_is_left_to_complete() {
    let dir = shots();
    let mut h = Harness::start().await;
    h.focus(Focus::Image);
    let folder = text_of(&dir.path().join("shots"));
    h.type_text(&format!("{folder}/su"));
    h.press(KeyCode::Tab);
    let expected = format!("{folder}/sunset/");
    for _ in 0..50 {
        if h.bench.app.draft().image == expected {
            break;
        }
        h.quiet().await;
    }
    assert_eq!(h.bench.app.draft().image, expected);
    assert_eq!(h.bench.app.focus(), Focus::Image);

    // An empty folder has nothing to offer: Tab goes on to the next pane, as elsewhere.
    h.press(KeyCode::Tab);
    let mut left = false;
    for _ in 0..50 {
        h.quiet().await;
        if h.bench.app.focus() != Focus::Image {
            left = true;
            break;
        }
    }
    assert!(left, "Tab stayed in the field:\n{}", h.screen());
    assert_eq!(h.bench.app.draft().image, expected, "nothing lost");
}

#[tokio::test]
async fn esc_closes_the_list_and_typing_closes_it_too() {
    let dir = shots();
    let mut h = Harness::start().await;
    h.focus(Focus::Image);
    h.type_text(&format!("{}/a", text_of(&dir.path().join("shots"))));
    h.press(KeyCode::Tab);
    h.wait_for("Tab's list", |s| s.pane(LIST).is_some()).await;
    h.press(KeyCode::Esc);
    assert!(h.screen().pane(LIST).is_none(), "{}", h.screen());
    assert_eq!(
        h.bench.app.focus(),
        Focus::Image,
        "Esc closed only the list"
    );

    h.press(KeyCode::Tab);
    h.wait_for("Tab's list again", |s| s.pane(LIST).is_some())
        .await;
    h.type_text("1");
    assert!(h.screen().pane(LIST).is_none(), "typing closes it");
    assert!(h.bench.app.draft().image.ends_with("/a1"));
}

const CAMERA: &str = "camera · Enter inserts";

#[tokio::test]
async fn a_bracket_offers_the_camera_commands_and_enter_inserts_one() {
    let mut h = Harness::start().await;
    h.focus(Focus::Editor);
    h.type_text("A heron lifts off [");
    let screen = h.screen();
    let list = screen.pane(CAMERA).expect("offered after [");
    assert_eq!(
        list.rows().len(),
        8,
        "eight rows of fifteen at once:\n{screen}"
    );

    h.type_text("p");
    let screen = h.screen();
    insta::assert_snapshot!("camera_list_after_p", screen.to_string());
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    assert_eq!(h.bench.app.draft().prompt, "A heron lifts off [Pan right]");
    assert!(
        h.screen().pane(CAMERA).is_none(),
        "inserted, the list closes"
    );

    // A second command in the same bracket, typed in the middle: Tab inserts too, and the
    // bracket is not closed twice.
    h.press(KeyCode::Left);
    h.type_text(", ti");
    assert!(h.screen().pane(CAMERA).is_some());
    h.press(KeyCode::Tab);
    assert_eq!(
        h.bench.app.draft().prompt,
        "A heron lifts off [Pan right, Tilt up]"
    );
    assert_eq!(h.bench.app.focus(), Focus::Editor, "Tab inserted, stayed");

    // One undo takes the inserted command back.
    h.send(ctrl('z'));
    assert_eq!(
        h.bench.app.draft().prompt,
        "A heron lifts off [Pan right, ti]"
    );
}

#[tokio::test]
async fn known_commands_are_coloured_and_a_bracket_of_anything_else_is_named() {
    let mut h = Harness::start().await;
    h.focus(Focus::Editor);
    h.type_text("A fox [Push in] then [Dolly zoom");
    // Esc closes the list (nothing matches "Dolly zoom" anyway) and the bracket is closed.
    h.type_text("]");
    let screen = h.screen();
    assert!(
        screen.contains("[Dolly zoom] is no camera command"),
        "{screen}"
    );
    let buffer = h.bench.terminal.backend().buffer();
    let row = (0..buffer.area.height)
        .find(|&y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .contains("A fox [Push in]")
        })
        .unwrap();
    let cells: Vec<&str> = (0..buffer.area.width)
        .map(|x| buffer[(x, row)].symbol())
        .collect();
    let at = |needle: &str| {
        let len = needle.chars().count();
        let x = (0..cells.len() - len)
            .find(|&x| cells[x..x + len].concat() == needle)
            .unwrap();
        u16::try_from(x).unwrap()
    };
    let fg = |x: u16| buffer[(x, row)].fg;
    let known = at("[Push in]");
    let unknown = at("[Dolly zoom]");
    let plain = at("fox");
    assert_ne!(fg(known), fg(plain), "a known command stands out");
    assert_ne!(fg(known), Color::Reset);
    assert_eq!(
        fg(unknown),
        fg(plain),
        "an unknown one is not shown as known"
    );

    // Esc closes the list where it is, and only the list.
    h.type_text(" [zo");
    assert!(h.screen().pane(CAMERA).is_some());
    h.send(key(KeyCode::Esc));
    assert!(h.screen().pane(CAMERA).is_none());
    h.type_text("o");
    assert!(
        h.screen().pane(CAMERA).is_none(),
        "not again in this bracket"
    );
    assert_eq!(h.bench.app.focus(), Focus::Editor);
}

/// Keys typed before Tab's answer came wait for it, so each lands where it would have on a
/// quick machine: Tab, Tab through a field with nothing to complete moves on twice (one of
/// them was lost, and the next keys went to the wrong pane), and a letter typed after a Tab
/// that completes goes after the completion.
#[tokio::test]
async fn keys_typed_before_tabs_answer_wait_for_it() {
    let dir = shots();
    let mut h = Harness::start().await;
    h.focus(Focus::Image);
    let folder = text_of(&dir.path().join("shots"));
    // A whole file name (not an image a check would pass): Tab asks, and has nothing to add.
    h.type_text(&format!("{folder}/a1.png"));
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    // Tab's order: the prompt, the image, the optimizer, the queue, the history.
    let twice = Focus::Queue;
    for _ in 0..50 {
        if h.bench.app.focus() == twice {
            break;
        }
        h.quiet().await;
    }
    assert_eq!(h.bench.app.focus(), twice, "{}", h.screen());

    // Back in the field: a partial name, Tab, and a letter at once.
    h.focus(Focus::Image);
    h.press(KeyCode::Backspace);
    for _ in 0..50 {
        if h.bench.app.draft().image.is_empty() {
            break;
        }
        h.press(KeyCode::Backspace);
    }
    h.type_text(&format!("{folder}/su"));
    h.press(KeyCode::Tab);
    h.type_text("x");
    let expected = format!("{folder}/sunset/x");
    for _ in 0..50 {
        if h.bench.app.draft().image == expected {
            break;
        }
        h.quiet().await;
    }
    assert_eq!(h.bench.app.draft().image, expected);
}
