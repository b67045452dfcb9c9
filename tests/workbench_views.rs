//! Paging through what is longer than its box, driven like a user through the real event loop
//! against the simulated fal: PageUp/PageDown and the wheel in the queue's logs, the detail
//! view and the compare view's prompt diff; and the help, which lists what the pane with the
//! keyboard takes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;
#[path = "ui_support/mod.rs"]
#[allow(clippy::duplicate_mod, unused_imports)]
mod ui_support;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers, MouseEvent, MouseEventKind};
use i2v::ui::{Action, Focus, KeyMap, Msg, Scope};
use i2v_sim::SimConfig;
use i2v_store::JobState;
use tui_support::bench::{Harness, Setup};
use tui_support::keys::ch;
use tui_support::screen::Screen;

/// A simulated fal whose runs print 120 log lines, many more than any box shows.
async fn chatty() -> Harness {
    Harness::with(Setup::new(SimConfig {
        run_time: Duration::from_millis(600),
        log_interval: Duration::from_millis(5),
        ..SimConfig::fast()
    }))
    .await
}

/// The rows inside the box whose title holds `title`; panics with the screen if none.
fn inside(screen: &Screen, title: &str) -> Vec<String> {
    screen
        .pane(title)
        .unwrap_or_else(|| panic!("no box titled {title:?}:\n{screen}"))
        .rows()
}

/// The step of the first log line in `rows` ("Generating frame 12/48 (step 3)").
fn first_step(rows: &[String]) -> usize {
    rows.iter()
        .find_map(|r| {
            let (_, rest) = r.split_once("(step ")?;
            rest.split_once(')')?.0.parse().ok()
        })
        .unwrap_or_else(|| panic!("no step in {rows:#?}"))
}

fn wheel(kind: MouseEventKind, column: u16, row: u16) -> Msg {
    Msg::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

/// Where on screen the first row holding `needle` is, as (column, row).
fn position_of(screen: &Screen, needle: &str) -> (u16, u16) {
    let rows = screen.rows();
    let y = rows
        .iter()
        .position(|r| r.contains(needle))
        .unwrap_or_else(|| panic!("no {needle:?} on screen:\n{screen}"));
    let x = rows[y][..rows[y].find(needle).unwrap()].chars().count();
    (x as u16, y as u16)
}

#[tokio::test]
async fn page_up_and_down_in_the_queue_page_through_the_selected_jobs_logs() {
    let mut h = chatty().await;
    h.submit_and_complete("a fox runs in the snow").await;
    h.focus(Focus::Queue);
    let tail = inside(&h.screen(), "Logs");
    assert!(
        tail.iter().any(|r| r.contains("Encoding video")),
        "{tail:#?}"
    );
    let height = tail.len();

    h.press(KeyCode::PageUp);
    let screen = h.screen();
    let page = inside(&screen, "Logs");
    assert!(
        !page.iter().any(|r| r.contains("Encoding video")),
        "{screen}"
    );
    // A page is the box less one line: the top line before is the bottom line now.
    assert_eq!(page.last(), tail.first(), "{screen}");
    assert_eq!(
        first_step(&page),
        first_step(&tail) - (height - 1),
        "{screen}"
    );
    assert!(screen.contains("Logs · paused"), "{screen}");

    h.press(KeyCode::PageUp);
    let earlier = inside(&h.screen(), "Logs");
    assert_eq!(earlier.last(), page.first(), "{}", h.screen());

    h.press(KeyCode::PageDown);
    assert_eq!(inside(&h.screen(), "Logs"), page, "{}", h.screen());
    // Back at the tail it follows again.
    h.press(KeyCode::PageDown);
    let screen = h.screen();
    assert_eq!(inside(&screen, "Logs"), tail, "{screen}");
    assert!(!screen.contains("paused"), "{screen}");

    h.press(KeyCode::Home);
    let top = inside(&h.screen(), "Logs");
    assert!(top[0].contains("Loading model"), "{}", h.screen());
}

#[tokio::test]
async fn the_wheel_over_the_queues_logs_scrolls_them_three_lines_a_notch() {
    let mut h = chatty().await;
    h.submit_and_complete("a fox runs in the snow").await;
    let screen = h.screen();
    let tail = inside(&screen, "Logs");
    let (x, y) = position_of(&screen, "Encoding video");
    h.send(wheel(MouseEventKind::ScrollUp, x, y));
    h.send(wheel(MouseEventKind::ScrollUp, x, y));
    let screen = h.screen();
    let up = inside(&screen, "Logs");
    assert_eq!(first_step(&up), first_step(&tail) - 6, "{screen}");
    assert!(screen.contains("Logs · paused"), "{screen}");
    h.send(wheel(MouseEventKind::ScrollDown, x, y));
    let down = inside(&h.screen(), "Logs");
    assert_eq!(first_step(&down), first_step(&tail) - 3, "{}", h.screen());
}

#[tokio::test]
async fn page_up_and_down_in_the_detail_view_page_through_its_logs() {
    let mut h = chatty().await;
    h.submit_and_complete("a fox runs in the snow").await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    let screen = h.screen();
    let first = inside(&screen, "Esc closes");
    assert!(first.iter().any(|r| r.contains("Prompt")), "{screen}");
    assert!(
        !first.iter().any(|r| r.contains("Encoding video")),
        "{screen}"
    );

    h.press(KeyCode::PageDown);
    let screen = h.screen();
    let second = inside(&screen, "Esc closes");
    assert_eq!(second.first(), first.last(), "{screen}");
    assert!(!second.iter().any(|r| r.contains("Prompt ")), "{screen}");
    h.press(KeyCode::PageDown);
    let third = inside(&h.screen(), "Esc closes");
    assert_eq!(third.first(), second.last(), "{}", h.screen());

    h.press(KeyCode::PageUp);
    assert_eq!(inside(&h.screen(), "Esc closes"), second, "{}", h.screen());
    h.press(KeyCode::PageUp);
    assert_eq!(inside(&h.screen(), "Esc closes"), first, "{}", h.screen());

    h.press(KeyCode::End);
    let end = inside(&h.screen(), "Esc closes");
    assert!(
        end.iter().any(|r| r.contains("Encoding video")),
        "{}",
        h.screen()
    );
}

#[tokio::test]
async fn the_wheel_in_the_detail_view_scrolls_it_a_line_a_notch() {
    let mut h = chatty().await;
    h.submit_and_complete("a fox runs in the snow").await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    let first = inside(&h.screen(), "Esc closes");
    let (x, y) = position_of(&h.screen(), "Esc closes");
    let (x, y) = (x, y + 5);
    for _ in 0..3 {
        h.send(wheel(MouseEventKind::ScrollDown, x, y));
    }
    let down = inside(&h.screen(), "Esc closes");
    assert_eq!(down[0], first[3], "{}", h.screen());
    h.send(wheel(MouseEventKind::ScrollUp, x, y));
    let up = inside(&h.screen(), "Esc closes");
    assert_eq!(up[0], first[2], "{}", h.screen());
}

/// The help's first section: its heading and, per line, the keys and what they do. A line
/// too long for the box goes on under its text, not under its keys.
fn here(screen: &Screen) -> (String, Vec<(String, String)>) {
    let rows = inside(screen, "Help —");
    let at = rows
        .iter()
        .position(|r| r.starts_with("Here, in "))
        .unwrap_or_else(|| panic!("no \"Here, in\" heading:\n{screen}"));
    let mut lines: Vec<(String, String)> = Vec::new();
    for row in rows[at + 1..].iter().take_while(|r| !r.trim().is_empty()) {
        match row.strip_prefix("  ").filter(|r| !r.starts_with(' ')) {
            Some(line) => {
                let (keys, about) = line
                    .split_once("  ")
                    .unwrap_or_else(|| panic!("no keys in {line:?}:\n{screen}"));
                lines.push((keys.to_owned(), about.trim_start().to_owned()));
            }
            None => {
                let (_, about) = lines.last_mut().unwrap();
                about.push(' ');
                about.push_str(row.trim());
            }
        }
    }
    (rows[at].trim().to_owned(), lines)
}

/// Opens the help with F1 where `focus` has the keyboard and checks its first section: the
/// pane's name, each line's keys as the key map has them (less those an earlier line took),
/// the actions in `takes` listed and none in `not` nor any of the app's own. Esc closes it.
/// Returns the section's lines (keys, what they do).
fn check_help(
    h: &mut Harness,
    focus: Focus,
    pane: &str,
    takes: &[Action],
    not: &[Action],
) -> Vec<(String, String)> {
    h.focus(focus);
    h.press(KeyCode::F(1));
    let screen = h.screen();
    let (heading, lines) = here(&screen);
    assert_eq!(heading, format!("Here, in {pane}"), "{screen}");
    let keys = KeyMap::default();
    let listed: Vec<Action> = lines
        .iter()
        .filter_map(|(label, about)| {
            // Two actions share a text (the optimizer's own toggle and Ctrl-O): the keys
            // tell them apart.
            // A key an earlier line of the pane took is left out of a later one's.
            let within = |a: Action| {
                let all: Vec<String> = keys.label(a).split(", ").map(str::to_owned).collect();
                label.split(", ").all(|k| all.iter().any(|a| a == k))
            };
            Action::ALL
                .iter()
                .copied()
                .find(|&a| a.about() == about && within(a))
        })
        .collect();
    for &action in takes {
        assert!(
            listed.contains(&action),
            "{pane}: {action:?} ({}) listed with its keys {:?}:\n{screen}",
            action.about(),
            keys.label(action)
        );
    }
    // The app's own keys are listed once, under "Anywhere", not under every pane.
    let global: Vec<&Action> = listed
        .iter()
        .filter(|a| a.scope() == Scope::Global)
        .collect();
    assert!(global.is_empty(), "{pane} lists {global:?}:\n{screen}");
    for &action in not {
        assert!(
            !listed.contains(&action),
            "{pane} lists {action:?}, which it does not take:\n{screen}"
        );
    }
    h.press(KeyCode::Esc);
    let screen = h.screen();
    assert!(
        !screen.contains("Here, in"),
        "Esc closes the help:\n{screen}"
    );
    assert_eq!(h.bench.app.focus(), focus, "{screen}");
    lines
}

#[tokio::test]
async fn f1_lists_the_keys_of_the_pane_with_the_keyboard_and_esc_closes_it() {
    use Action::*;
    let mut h = Harness::start().await;
    // Tall enough for the longest first section (the history's) without scrolling.
    h.bench.terminal.backend_mut().resize(120, 90);
    h.send(Msg::Resize(120, 90));
    check_help(
        &mut h,
        Focus::Editor,
        "the prompt",
        &[EditExternally, Undo, Redo, RepeatMore],
        &[Toggle, Up, Cancel, Filter, Detail],
    );
    check_help(
        &mut h,
        Focus::Image,
        "the image field",
        &[EditExternally, Undo, Redo],
        &[Toggle, Up, Cancel, Filter],
    );
    check_help(
        &mut h,
        Focus::Optimizer,
        "the optimizer toggle",
        &[Toggle],
        &[Undo, Up, Cancel, Filter],
    );
    check_help(
        &mut h,
        Focus::Queue,
        "the queue",
        &[
            Cancel,
            Up,
            PageUp,
            PageDown,
            Detail,
            Rate4,
            Note,
            ContinueShot,
        ],
        &[Filter, Trash, Rerun, Restore, Mark, Undo],
    );
    let history = check_help(
        &mut h,
        Focus::History,
        "the history",
        &[
            Filter, Trash, Rerun, Restore, Mark, Diff, Sort, Detail, Rate4, PageDown,
        ],
        &[Cancel, Undo, Toggle],
    );
    // Enter loads the job into the editor there: details are on `v` alone.
    let keys_of = |action: Action| {
        history
            .iter()
            .find(|(_, about)| about == action.about())
            .map(|(keys, _)| keys.clone())
    };
    assert_eq!(keys_of(Restore).as_deref(), Some("Enter"));
    assert_eq!(keys_of(Detail).as_deref(), Some("v"));
}

#[tokio::test]
async fn f1_in_a_jobs_details_lists_their_keys_and_closing_it_comes_back_to_them() {
    use Action::*;
    let mut h = Harness::start().await;
    h.bench.terminal.backend_mut().resize(120, 90);
    h.send(Msg::Resize(120, 90));
    let id = h.submit_and_complete("a fox runs in the snow").await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    let details = format!("Job {id} — Esc closes");
    assert!(h.screen().contains(&details), "{}", h.screen());

    h.press(KeyCode::F(1));
    let screen = h.screen();
    let (heading, lines) = here(&screen);
    assert_eq!(heading, "Here, in the job's details", "{screen}");
    let about: Vec<&str> = lines.iter().map(|(_, about)| about.as_str()).collect();
    for action in [Back, Play, FullScreen, Note, Rate4] {
        assert!(about.contains(&action.about()), "{action:?}:\n{screen}");
    }
    for action in [Cancel, Filter, Quit] {
        assert!(!about.contains(&action.about()), "{action:?}:\n{screen}");
    }
    // Each once, with its keys.
    for (keys, about) in &lines {
        assert_eq!(
            lines.iter().filter(|(_, a)| a == about).count(),
            1,
            "{about}:\n{screen}"
        );
        assert!(!keys.contains("something else"), "{about}:\n{screen}");
    }

    // Closing the help goes back to the details it was opened from, then Esc to the panes.
    h.press(KeyCode::Esc);
    let screen = h.screen();
    assert!(!screen.contains("Help —"), "{screen}");
    assert!(screen.contains(&details), "{screen}");
    h.press(KeyCode::F(1));
    h.press(KeyCode::F(1));
    assert!(h.screen().contains(&details), "{}", h.screen());
    h.press(KeyCode::Esc);
    assert!(!h.screen().contains(&details), "{}", h.screen());
    assert_eq!(h.bench.app.focus(), Focus::Queue);
}

#[tokio::test]
async fn question_mark_opens_the_help_from_a_list_and_closes_it_but_types_in_the_prompt() {
    let mut h = Harness::start().await;
    h.focus(Focus::Editor);
    h.type_text("why?");
    let screen = h.screen();
    assert!(!screen.contains("Here, in"), "{screen}");
    assert!(screen.pane_text("Prompt").contains("why?"), "{screen}");

    h.focus(Focus::History);
    h.send(ch('?'));
    assert!(
        h.screen().contains("Here, in the history"),
        "{}",
        h.screen()
    );
    // Its own key closes it too.
    h.send(ch('?'));
    assert!(!h.screen().contains("Here, in"), "{}", h.screen());
    assert_eq!(h.bench.app.draft().prompt, "why?");
}

/// Two past jobs whose prompts differ on every one of 40 lines: a diff longer than its box.
async fn two_long_prompts() -> Harness {
    let prompt = |animal: &str| {
        (1..=40)
            .map(|n| format!("shot {n}: the {animal} crosses the frame"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut h = Harness::with_history(&[
        ui_support::record(1, &prompt("fox"), "shots/a.png", JobState::Completed, 20),
        ui_support::record(2, &prompt("heron"), "shots/b.png", JobState::Completed, 10),
    ])
    .await;
    h.focus(Focus::History);
    h.press(KeyCode::Home);
    h.send(ch(' '));
    h.press(KeyCode::Down);
    h.send(ch('='));
    h.wait_for("the prompt diff", |s| {
        s.pane_text("Prompts: A").contains("shot 1:")
    })
    .await;
    h
}

#[tokio::test]
async fn page_up_and_down_in_the_compare_view_page_through_the_prompt_diff() {
    let mut h = two_long_prompts().await;
    let screen = h.screen();
    let first = inside(&screen, "Prompts: A");
    assert!(first.iter().any(|r| r.contains("shot 1:")), "{screen}");
    h.press(KeyCode::PageDown);
    let screen = h.screen();
    let second = inside(&screen, "Prompts: A");
    assert_eq!(second.first(), first.last(), "{screen}");
    h.press(KeyCode::PageUp);
    assert_eq!(inside(&h.screen(), "Prompts: A"), first, "{}", h.screen());
    h.press(KeyCode::End);
    let end = inside(&h.screen(), "Prompts: A");
    assert!(end.iter().any(|r| r.contains("shot 40:")), "{}", h.screen());
}

#[tokio::test]
async fn the_wheel_in_the_compare_view_scrolls_the_prompt_diff() {
    let mut h = two_long_prompts().await;
    let screen = h.screen();
    let first = inside(&screen, "Prompts: A");
    let (x, y) = position_of(&screen, "Prompts: A");
    let (x, y) = (x, y + 3);
    h.send(wheel(MouseEventKind::ScrollDown, x, y));
    h.send(wheel(MouseEventKind::ScrollDown, x, y));
    assert_eq!(
        inside(&h.screen(), "Prompts: A")[0],
        first[2],
        "{}",
        h.screen()
    );
    h.send(wheel(MouseEventKind::ScrollUp, x, y));
    assert_eq!(
        inside(&h.screen(), "Prompts: A")[0],
        first[1],
        "{}",
        h.screen()
    );
}

/// Defect: a failed job's details offered `p play` and `o open`, and `p` answered "No
/// downloaded video". Only what the job has is offered.
#[tokio::test]
async fn a_failed_jobs_details_offer_no_video_keys() {
    let mut failed = ui_support::record(
        1,
        "A heron lifts off a misty lake",
        "frames/heron.png",
        i2v_store::JobState::Failed,
        20,
    );
    failed.result = None;
    let mut h = Harness::with_history(&[failed]).await;
    h.focus(Focus::History);
    h.press(KeyCode::Home);
    h.send(tui_support::keys::ch('v'));
    let screen = h
        .wait_for("the details", |s| s.contains("Esc closes"))
        .await;
    let status = screen.status_bar();
    for offered in ["play", "open", "copy URL"] {
        assert!(!status.contains(offered), "{offered:?} offered:\n{screen}");
    }
    assert!(status.contains("close"), "{screen}");
}

/// Defect: at 80×24 the logs title ran into the corner (`…379T48┐`) and the image info lost
/// the resolution (`53.4 KB ·`). Titles and info fit, the least useful part going first.
#[tokio::test]
async fn at_80x24_the_logs_title_and_the_image_info_fit() {
    let mut h = Harness::start().await;
    h.bench.terminal.backend_mut().resize(80, 24);
    h.send(Msg::Resize(80, 24));
    let id = h.submit_and_complete("a lighthouse at dusk").await;
    let screen = h
        .wait_for("the image checked", |s| s.pane_text("Image").contains("✓"))
        .await;
    let logs = screen
        .rows()
        .into_iter()
        .find(|r| r.contains("Logs"))
        .expect("the logs pane");
    let title = &logs[logs.find("Logs").unwrap()..];
    assert!(
        title.contains(&id.as_str()[20..]),
        "its id's end:\n{screen}"
    );
    assert!(
        title.trim_end().ends_with("─┐"),
        "a corner of its own:\n{screen}"
    );
    assert!(screen.pane_text("Image").contains("400×300"), "{screen}");
}

/// Defect 13's other half: a long file name made the image info overflow its two rows at
/// 80×24, and the resolution, the fact fal's limits are about, was cut off. The file name
/// (the field above shows it) gives way first.
#[tokio::test]
async fn at_80x24_a_long_file_name_gives_way_to_the_images_size() {
    let dir = tempfile::tempdir().unwrap();
    let long = dir
        .path()
        .join("a-lighthouse-at-dusk-seen-from-the-harbour-wall-take-seven-final.png");
    std::fs::copy(tui_support::fixture_png(), &long).unwrap();
    let mut h = Harness::start().await;
    h.bench.terminal.backend_mut().resize(80, 24);
    h.send(Msg::Resize(80, 24));
    h.focus(Focus::Image);
    h.type_text(long.to_str().unwrap());
    let screen = h
        .wait_for("the image checked", |s| s.pane_text("Image").contains("✓"))
        .await;
    let info = screen.pane_text("Image");
    assert!(info.contains("400×300"), "{screen}");
    assert!(info.contains("PNG · 919 B"), "{screen}");
}
