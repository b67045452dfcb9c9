//! The real `i2v` binary in a pseudo-terminal, in demo mode (the simulated fal runs inside
//! it): what a user types, what they see, and the terminal they get back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use tempfile::TempDir;
use tui_support::fixture_png;
use tui_support::keys::{TAB, ctrl_byte};
use tui_support::pty::{Pty, demo_env};
use tui_support::screen::Screen;

const COLS: u16 = 100;
const ROWS: u16 = 30;

/// Leaving the alternate screen: the last thing a well-behaved full-screen program does.
const LEAVE_ALT_SCREEN: &[u8] = b"\x1b[?1049l";
const ENTER_ALT_SCREEN: &[u8] = b"\x1b[?1049h";
/// Show the cursor, bracketed paste off, reset attributes.
const RESETS: &[&[u8]] = &[b"\x1b[?25h", b"\x1b[?2004l", b"\x1b[0m", b"\x1b[m"];

fn start(home: &TempDir) -> Pty {
    let mut pty = Pty::spawn(&["--demo"], &demo_env(home.path()), COLS, ROWS);
    pty.wait_for("the demo banner", |s| s.contains("DEMO"));
    pty
}

/// Types the prompt, Tab, and the test image's path: a job filled in, not yet submitted.
fn fill_in(pty: &mut Pty, prompt: &str) {
    pty.type_text(prompt);
    pty.send(&[TAB]);
    pty.type_text(&fixture_png());
}

/// Presses Ctrl-Q and checks that i2v exits successfully.
#[track_caller]
fn quit(pty: &mut Pty) {
    let before = pty.screen();
    pty.send(&[ctrl_byte('q')]);
    let status = pty.wait_exit();
    assert!(
        status.success(),
        "i2v exited with {status:?} after Ctrl-Q; the screen before:\n{before}"
    );
}

/// Sends SIG`name` and checks that i2v exits successfully, as on a quit.
#[track_caller]
fn signal(pty: &mut Pty, name: &str) {
    pty.signal(name);
    let status = pty.wait_exit();
    assert!(
        status.success(),
        "i2v exited with {status:?} after SIG{name}"
    );
}

fn last_position(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The program gave the terminal back: main screen, cursor visible, no bracketed paste, and
/// the last alternate-screen switch in its output is the one that leaves it.
fn assert_terminal_restored(pty: &Pty) {
    let raw = pty.raw();
    let entered = last_position(&raw, ENTER_ALT_SCREEN);
    let left = last_position(&raw, LEAVE_ALT_SCREEN);
    assert!(entered.is_some(), "i2v never entered the alternate screen");
    assert!(
        left > entered,
        "the output must leave the alternate screen after entering it; it ends with {:?}",
        String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..])
    );
    // Only mode resets may follow (ratatui shows the cursor when the terminal is dropped):
    // nothing drawn, nothing switched back on.
    let mut after = &raw[left.unwrap_or(0) + LEAVE_ALT_SCREEN.len()..];
    while let Some(rest) = RESETS.iter().find_map(|r| after.strip_prefix(*r)) {
        after = rest;
    }
    assert!(
        after.is_empty(),
        "only mode resets may follow leaving the alternate screen, not {:?}",
        String::from_utf8_lossy(after)
    );
    pty.terminal_state(|t| {
        assert!(!t.alternate_screen(), "still on the alternate screen");
        assert!(!t.hide_cursor(), "the cursor is still hidden");
        assert!(!t.bracketed_paste(), "bracketed paste is still on");
    });
}

#[test]
fn a_demo_job_runs_from_keys_to_history_and_the_terminal_comes_back() {
    let home = tempfile::tempdir().unwrap();
    let prompt = "a fox in the snow";
    let mut pty = start(&home);

    pty.type_text(prompt);
    pty.wait_for("the prompt in the editor", |s| {
        s.pane_text("Prompt").contains(prompt)
    });
    pty.send(&[TAB]);
    pty.type_text(&fixture_png());
    pty.wait_for("the image path in the image field", |s| {
        s.pane_text("Image").contains("frame.png")
    });
    pty.send(&[ctrl_byte('s')]);

    pty.wait_for("the job in the queue", |s| {
        s.pane_text("Queue").contains(prompt)
    });
    pty.wait_for("a log line from the simulated fal", |s| {
        s.pane_text("Logs").contains("Loading model")
    });
    pty.wait_for("the job to complete", |s| {
        s.pane_text("Queue").contains("completed")
    });

    quit(&mut pty);
    assert_terminal_restored(&pty);

    let mut pty = start(&home);
    let screen = pty.wait_for("the job in the history pane", |s: &Screen| {
        let history = s.pane_text("History");
        history.contains(prompt) && history.contains("completed")
    });
    assert!(
        screen.pane_text("Prompt").contains(prompt),
        "the draft saved on Ctrl-Q should fill the editor again:\n{screen}"
    );
    quit(&mut pty);
    assert_terminal_restored(&pty);
}

#[test]
fn sigterm_exits_restores_the_terminal_and_keeps_the_draft() {
    let home = tempfile::tempdir().unwrap();
    let draft = "typed before the signal";
    let mut pty = start(&home);

    fill_in(&mut pty, draft);
    pty.wait_for("the draft on screen", |s| {
        s.pane_text("Prompt").contains(draft) && s.pane_text("Image").contains("frame.png")
    });

    signal(&mut pty, "TERM");
    assert_terminal_restored(&pty);

    let mut pty = start(&home);
    pty.wait_for("the draft back in the editor", |s| {
        s.pane_text("Prompt").contains(draft) && s.pane_text("Image").contains("frame.png")
    });
    quit(&mut pty);
}

#[test]
fn sighup_from_a_dropped_link_restores_the_terminal_and_keeps_the_draft() {
    let home = tempfile::tempdir().unwrap();
    let draft = "typed before the link dropped";
    let mut pty = start(&home);
    pty.type_text(draft);
    pty.wait_for("the draft on screen", |s| {
        s.pane_text("Prompt").contains(draft)
    });

    signal(&mut pty, "HUP");
    assert_terminal_restored(&pty);

    let mut pty = start(&home);
    pty.wait_for("the draft back in the editor", |s| {
        s.pane_text("Prompt").contains(draft)
    });
    quit(&mut pty);
}

#[test]
fn without_a_key_the_screen_opens_and_says_how_to_set_fal_key() {
    let home = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(&[], &demo_env(home.path()), COLS, ROWS);
    pty.wait_for("the missing-key banner", |s| {
        s.contains("FAL_KEY") && s.contains("--demo")
    });
    // Defect: with the prompt empty, Ctrl-S (which the banner points to) said only that the
    // prompt was empty. The key comes first.
    pty.send(&[ctrl_byte('s')]);
    let screen = pty.wait_for("submitting says how to set the key", |s| {
        s.status_bar().contains("FAL_KEY")
    });
    assert!(!screen.status_bar().contains("prompt is empty"), "{screen}");
    pty.send(b"\x1b");
    pty.wait_for("the message dismissed", |s| {
        !s.status_bar().contains("FAL_KEY")
    });
    fill_in(&mut pty, "a prompt");
    pty.send(&[ctrl_byte('s')]);
    let screen = pty.wait_for("submitting explains why it cannot", |s| {
        s.status_bar().contains("FAL_KEY")
    });
    assert!(
        screen.pane_text("Prompt").contains("a prompt"),
        "the prompt is kept:\n{screen}"
    );
    quit(&mut pty);
    assert_terminal_restored(&pty);
}

#[test]
fn a_broken_theme_is_reported_and_the_workbench_still_opens() {
    let home = tempfile::tempdir().unwrap();
    let themes = home.path().join("config/themes");
    std::fs::create_dir_all(&themes).unwrap();
    std::fs::write(themes.join("mine.toml"), "accent = [not toml").unwrap();
    let mut pty = Pty::spawn(
        &["--demo", "--theme", "mine"],
        &demo_env(home.path()),
        COLS,
        ROWS,
    );
    pty.wait_for("the warning about the theme", |s| {
        s.contains("DEMO") && s.status_bar().contains("mine")
    });
    quit(&mut pty);
    assert_terminal_restored(&pty);
}

#[test]
fn a_demo_job_left_running_at_quit_is_closed_with_a_reason_on_the_next_demo() {
    let home = tempfile::tempdir().unwrap();
    let mut env = demo_env(home.path());
    for (name, value) in &mut env {
        if name == "I2V_DEMO_RUN_MS" {
            *value = "60000".into();
        }
    }
    let mut pty = Pty::spawn(&["--demo"], &env, COLS, ROWS);
    pty.wait_for("the demo banner", |s| s.contains("DEMO"));
    fill_in(&mut pty, "a very long take");
    pty.send(&[ctrl_byte('s')]);
    pty.wait_for("the job running", |s| {
        s.pane_text("Queue").contains("running")
    });
    pty.send(&[ctrl_byte('q')]);
    pty.wait_for("the demo's question", |s| s.contains("Quit the demo?"));
    pty.send(b"y");
    assert!(pty.wait_exit().success());

    let mut pty = Pty::spawn(&["--demo"], &env, COLS, ROWS);
    let screen = pty.wait_for("the old job closed as failed", |s| {
        s.pane_text("History").contains("failed")
    });
    assert!(
        !screen.pane_text("History").contains("running"),
        "nothing is left spinning:\n{screen}"
    );
    // Its details say why, rather than a puzzling error from a fal that is gone.
    pty.send(&[TAB, TAB, TAB, TAB]);
    pty.send(b"v");
    pty.wait_for("the reason in the details", |s| {
        s.contains("earlier demo session")
    });
    pty.send(b"\x1b");
    // Esc and Ctrl-Q read together would be one key, Alt-Ctrl-Q: see Esc land first.
    pty.wait_for("the details to close", |s| {
        !s.contains("earlier demo session")
    });
    quit(&mut pty);
}

#[test]
fn keys_typed_into_the_external_editor_all_reach_it() {
    let home = tempfile::tempdir().unwrap();
    // An "editor" that reads one line from the terminal and saves it as the prompt. Run
    // through `sh`, so the script needs no exec bit (and cannot hit ETXTBSY).
    let script = home.path().join("line-editor.sh");
    std::fs::write(
        &script,
        "printf 'LINE-EDITOR READY\\n' >/dev/tty\nIFS= read -r line </dev/tty\nprintf '%s\\n' \"$line\" >\"$1\"\n",
    )
    .unwrap();
    let mut env = demo_env(home.path());
    env.push(("EDITOR".into(), format!("sh {}", script.display())));
    let mut pty = Pty::spawn(&["--demo"], &env, COLS, ROWS);
    pty.wait_for("the demo banner", |s| s.contains("DEMO"));

    pty.send(&[ctrl_byte('e')]);
    pty.wait_for("the editor to start", |s| s.contains("LINE-EDITOR READY"));
    pty.type_text("edited-by-keys\r");
    let screen = pty.wait_for("the edited prompt back in the workbench", |s| {
        s.contains("DEMO") && !s.contains("LINE-EDITOR READY")
    });
    assert!(
        screen.pane_text("Prompt").contains("edited-by-keys"),
        "every key typed into the editor reaches it:\n{screen}"
    );

    // The terminal is the workbench's again: keys land in the prompt.
    pty.type_text(" and more");
    pty.wait_for("keys typed after the editor in the prompt", |s| {
        s.pane_text("Prompt").contains("edited-by-keys and more")
    });
    quit(&mut pty);
    assert_terminal_restored(&pty);
}

#[test]
fn keys_remapped_in_the_config_file_take_effect() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    // Help moves from F1 to F2.
    std::fs::write(config.join("config.toml"), "[ui.keys]\nhelp = \"f2\"\n").unwrap();
    let mut pty = start(&home);
    pty.send(b"\x1bOQ"); // F2
    pty.wait_for("help opened by the remapped key", |s| {
        s.contains("Help") && s.contains("F2")
    });
    pty.send(b"\x1b");
    pty.wait_for("help closed", |s| !s.contains("Esc closes"));
    pty.send(b"\x1bOP"); // F1 no longer opens help
    pty.type_text("still typing");
    let screen = pty.wait_for("the typed text", |s| {
        s.pane_text("Prompt").contains("still typing")
    });
    assert!(
        !screen.contains("Esc closes"),
        "F1 is unbound now:\n{screen}"
    );
    quit(&mut pty);
}

/// Defect 18, on quitting: jobs in flight are not cancelled by a quit, so say what becomes of
/// them (in the demo, they end with the process).
#[test]
fn quitting_the_demo_with_a_job_running_says_it_ends_with_it() {
    let home = tempfile::tempdir().unwrap();
    let mut env = demo_env(home.path());
    for (name, value) in &mut env {
        if name == "I2V_DEMO_RUN_MS" {
            *value = "60000".into();
        }
    }
    let mut pty = Pty::spawn(&["--demo"], &env, COLS, ROWS);
    pty.wait_for("the demo banner", |s| s.contains("DEMO"));
    fill_in(&mut pty, "a very long take");
    pty.send(&[ctrl_byte('s')]);
    pty.wait_for("the job running", |s| {
        s.pane_text("Queue").contains("running")
    });
    pty.send(&[ctrl_byte('q')]);
    pty.wait_for("the demo's question", |s| s.contains("Quit the demo?"));
    pty.send(b"y");
    assert!(pty.wait_exit().success());
    let screen = pty.screen();
    assert!(
        screen.contains("1 job of this demo ended with it"),
        "the restored terminal says what became of the job:\n{screen}"
    );
}

/// Defect 8: the draft died with the process. It is saved about a second after the last
/// edit, so even `kill -9` (no hook runs) keeps it for the next start.
#[test]
fn the_draft_survives_kill_9_once_typing_pauses() {
    let home = tempfile::tempdir().unwrap();
    let prompt = "an idea typed just before a power cut";
    let mut pty = start(&home);
    pty.type_text(prompt);
    pty.wait_for("the prompt in the editor", |s| {
        s.pane_text("Prompt").contains(prompt)
    });
    let saved = || {
        walk(home.path())
            .into_iter()
            .filter(|p| p.file_name().is_some_and(|n| n == "draft.json"))
            .any(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains(prompt)))
    };
    let deadline = std::time::Instant::now() + tui_support::WAIT;
    while !saved() {
        assert!(
            std::time::Instant::now() < deadline,
            "the draft was never saved while the workbench ran"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    pty.signal("KILL");
    pty.wait_exit();

    let mut pty = start(&home);
    pty.wait_for("the draft back in the editor", |s| {
        s.pane_text("Prompt").contains(prompt)
    });
    quit(&mut pty);
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Defect 10: the prompt handed to `$EDITOR` ended without a newline, so a line-based
/// editor or script appended to its last line. It ends with one, and one is taken off on
/// return.
#[test]
fn a_script_appending_a_line_in_editor_adds_a_line() {
    let home = tempfile::tempdir().unwrap();
    let script = home.path().join("append.sh");
    std::fs::write(&script, "printf 'second line\\n' >>\"$1\"\n").unwrap();
    let mut env = demo_env(home.path());
    env.push(("EDITOR".into(), format!("sh {}", script.display())));
    let mut pty = Pty::spawn(&["--demo"], &env, COLS, ROWS);
    pty.wait_for("the demo banner", |s| s.contains("DEMO"));
    pty.type_text("first line");
    pty.wait_for("the prompt typed", |s| {
        s.pane_text("Prompt").contains("first line")
    });
    pty.send(&[ctrl_byte('e')]);
    pty.wait_for("the appended line back in the workbench", |s| {
        s.pane_text("Prompt").contains("second line")
    });
    quit(&mut pty);
    let drafts: Vec<String> = walk(home.path())
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "draft.json"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    assert!(
        drafts
            .iter()
            .any(|d| d.contains("\"first line\\nsecond line\"")),
        "the prompt is the two lines, no trailing newline: {drafts:?}"
    );
}

/// Defect 12: `rerun = "j"` silently took "move down" away in the history. A remap that
/// shadows another action in the same pane is reported at start.
#[test]
fn a_remap_that_shadows_another_key_is_reported_at_start() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[ui.keys]\nrerun = \"j\"\n").unwrap();
    let mut pty = start(&home);
    pty.wait_for("the warning about j", |s| {
        s.status_bar().contains("j in the history runs rerun")
    });
    quit(&mut pty);
}

/// A config warning at start is not an error: the user's first key is not taken to dismiss
/// it. The warning stays in sight while they type, and goes a little later.
#[test]
fn a_config_warning_at_start_lets_the_first_key_through_and_stays_readable() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[ui.keys]
frobnicate = \"x\"\n",
    )
    .unwrap();
    let mut pty = start(&home);
    pty.wait_for("the warning about the unknown action", |s| {
        s.status_bar().contains("frobnicate")
    });
    pty.type_text("a heron");
    let screen = pty.wait_for("the prompt typed", |s| {
        s.pane_text("Prompt").contains("heron")
    });
    assert!(
        screen.pane_text("Prompt").contains("a heron"),
        "the first key was swallowed:\n{screen}"
    );
    assert!(
        screen.status_bar().contains("frobnicate"),
        "the warning is gone before it could be read:\n{screen}"
    );
    pty.wait_for("the warning to fade", |s| {
        !s.status_bar().contains("frobnicate")
    });
    quit(&mut pty);
}

/// Section 3: the mouse is off unless the config asks for it (capturing it takes away the
/// terminal's own text selection).
#[test]
fn the_mouse_is_captured_only_when_the_config_asks() {
    const CAPTURE: &[u8] = b"\x1b[?1000h";
    let home = tempfile::tempdir().unwrap();
    let mut pty = start(&home);
    quit(&mut pty);
    let raw = pty.raw();
    assert!(
        !raw.windows(CAPTURE.len()).any(|w| w == CAPTURE),
        "mouse captured by default"
    );

    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[ui]\nmouse = true\n").unwrap();
    let mut pty = start(&home);
    quit(&mut pty);
    let raw = pty.raw();
    assert!(
        raw.windows(CAPTURE.len()).any(|w| w == CAPTURE),
        "mouse captured when asked"
    );
    assert_terminal_restored(&pty);
}

/// Section 3 with the mouse on: the wheel, as the terminal reports it (SGR), scrolls the view
/// under it, a notch a line each way.
#[test]
fn with_the_mouse_on_the_wheel_scrolls_a_view() {
    /// The scroll position in a view's bottom border, "[3/40]".
    fn position(screen: &Screen) -> String {
        let is_position = |s: &str| {
            s.split_once('/').is_some_and(|(a, b)| {
                [a, b]
                    .iter()
                    .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            })
        };
        screen
            .rows()
            .iter()
            .flat_map(|r| r.split('[').skip(1).filter_map(|s| s.split_once(']')))
            .map(|(inside, _)| inside.to_owned())
            .find(|inside| is_position(inside))
            .unwrap_or_default()
    }
    // Wheel down and up at column 40, row 15 (SGR mouse reports count from 1).
    const WHEEL_DOWN: &[u8] = b"\x1b[<65;40;15M";
    const WHEEL_UP: &[u8] = b"\x1b[<64;40;15M";
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[ui]\nmouse = true\n").unwrap();
    let mut pty = start(&home);
    pty.send(b"\x1bOP"); // F1: the help, longer than its box
    let screen = pty.wait_for("the help", |s| position(s).starts_with("1/"));
    let end = position(&screen).split_once('/').unwrap().1.to_owned();
    for _ in 0..3 {
        pty.send(WHEEL_DOWN);
    }
    pty.wait_for("three lines down", |s| position(s) == format!("4/{end}"));
    pty.send(WHEEL_UP);
    pty.wait_for("a line up", |s| position(s) == format!("3/{end}"));
    quit(&mut pty);
    assert_terminal_restored(&pty);
}
