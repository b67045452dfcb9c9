//! The prompt editor as a user types into it, through the real event loop: how its soft
//! wrap looks and how the cursor moves over it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use i2v::ui::{Focus, Msg};
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use tui_support::bench::Harness;

/// The inside of the pane titled `title`, in the workbench's last frame.
fn pane_inside(h: &Harness, title: &str) -> Rect {
    let buffer = h.bench.terminal.backend().buffer();
    let area = buffer.area;
    let symbol = |x: u16, y: u16| buffer[(x, y)].symbol();
    let row_text = |y: u16| -> String { (0..area.width).map(|x| symbol(x, y)).collect() };
    let top = (0..area.height)
        .find(|&y| row_text(y).contains(title))
        .unwrap();
    let at = (0..area.width)
        .find(|&x| {
            (x..area.width)
                .map(|x| symbol(x, top))
                .collect::<String>()
                .starts_with(title)
        })
        .unwrap();
    let left = (0..at)
        .rev()
        .find(|&x| ["┏", "┌"].contains(&symbol(x, top)))
        .unwrap();
    let right = (at..area.width)
        .find(|&x| ["┓", "┐"].contains(&symbol(x, top)))
        .unwrap();
    let bottom = (top + 1..area.height)
        .find(|&y| ["┗", "└"].contains(&symbol(left, y)))
        .unwrap();
    Rect::new(left + 1, top + 1, right - left - 1, bottom - top - 1)
}

/// Where the cursor (the one reversed cell) is inside the pane titled `title`, counted from
/// the pane's inside top-left, as (column, row).
fn cursor_in(h: &Harness, title: &str) -> Option<(u16, u16)> {
    let inside = pane_inside(h, title);
    let buffer = h.bench.terminal.backend().buffer();
    inside
        .positions()
        .find(|&p| buffer[p].modifier.contains(Modifier::REVERSED))
        .map(|p| (p.x - inside.x, p.y - inside.y))
}

/// A line that breaks at a space starts its next row with the word, not with the space
/// (the text area's wrap put the space there), and the cursor still goes where the text is.
#[tokio::test]
async fn a_wrapped_line_starts_its_next_row_with_the_word_not_the_space() {
    let mut h = Harness::start().await;
    let width = usize::from(pane_inside(&h, "Prompt").width);
    // "tide" ends exactly at the right edge: the space after it cannot fit on the row.
    let first_row = format!("{} tide", "x".repeat(width - 5));
    assert_eq!(first_row.chars().count(), width);
    let text = format!("{first_row} rolls in");
    h.type_text(&text);
    let screen = h.screen();
    let rows = screen.pane("Prompt").unwrap().rows();
    assert_eq!(rows[0], first_row, "{screen}");
    assert_eq!(rows[1], "rolls in", "no space before the word:\n{screen}");
    assert!(
        screen.contains(&format!("· {} chars", text.chars().count())),
        "the space still counts:\n{screen}"
    );
    assert_eq!(
        cursor_in(&h, "Prompt"),
        Some((8, 1)),
        "after \"in\":\n{screen}"
    );

    // Up and back Down keep the column the user sees.
    h.press(KeyCode::Left);
    assert_eq!(cursor_in(&h, "Prompt"), Some((7, 1)));
    h.press(KeyCode::Up);
    assert_eq!(cursor_in(&h, "Prompt"), Some((7, 0)));
    h.press(KeyCode::Down);
    assert_eq!(cursor_in(&h, "Prompt"), Some((7, 1)));

    // Home of the row is the word: the space is before it, at the end of "tide".
    for _ in 0..7 {
        h.press(KeyCode::Left);
    }
    assert_eq!(
        cursor_in(&h, "Prompt"),
        Some((0, 1)),
        "on the r:\n{}",
        h.screen()
    );
    h.press(KeyCode::Left);
    let screen = h.screen();
    assert_eq!(
        cursor_in(&h, "Prompt"),
        Some((0, 1)),
        "on the space, shown while the cursor is on it:\n{screen}"
    );
    assert_eq!(screen.pane("Prompt").unwrap().rows()[1], " rolls in");
    // Typed there, a letter goes before the space, as the text says.
    h.type_text("s");
    assert_eq!(
        h.bench.app.draft().prompt,
        format!("{} tides rolls in", "x".repeat(width - 5))
    );
    let rows = h.screen().pane("Prompt").unwrap().rows();
    assert_eq!(rows[1], "tides rolls in", "{}", h.screen());
}

fn ctrl_key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::CONTROL))
}

/// Defect: Ctrl-Home and Ctrl-End went to the start and end of the line, not of the prompt,
/// and no key cleared the prompt (a user pressed Ctrl-K twelve times). Ctrl-Home/End take
/// the whole text's ends; Ctrl-L clears it, and one undo brings it back.
#[tokio::test]
async fn ctrl_home_and_end_reach_the_whole_texts_ends_and_ctrl_l_clears_it_undoably() {
    let mut h = Harness::start().await;
    h.type_text("first line");
    h.press(KeyCode::Enter);
    h.type_text("second line");
    h.press(KeyCode::Enter);
    h.type_text("third");
    h.press(KeyCode::Up);
    h.send(ctrl_key(KeyCode::Home));
    h.type_text(">");
    h.send(ctrl_key(KeyCode::End));
    h.type_text("<");
    assert_eq!(
        h.bench.app.draft().prompt,
        ">first line\nsecond line\nthird<"
    );
    h.send(tui_support::keys::ctrl('l'));
    assert_eq!(h.bench.app.draft().prompt, "");
    assert!(
        h.screen()
            .status_bar()
            .contains("Prompt cleared: Ctrl-Z brings it back"),
        "{}",
        h.screen()
    );
    h.send(tui_support::keys::ctrl('z'));
    assert_eq!(
        h.bench.app.draft().prompt,
        ">first line\nsecond line\nthird<"
    );
    // The image field clears the same way.
    h.focus(Focus::Image);
    h.type_text("shot.png");
    h.send(tui_support::keys::ctrl('l'));
    assert_eq!(h.bench.app.draft().image, "");
    h.send(tui_support::keys::ctrl('z'));
    assert_eq!(h.bench.app.draft().image, "shot.png");
}
