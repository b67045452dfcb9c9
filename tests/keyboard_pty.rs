//! The real `i2v` binary in a pseudo-terminal that plays a terminal speaking the kitty
//! keyboard protocol, or one that stays silent: the question (`CSI ? u`) goes out after the
//! first frame, a terminal that answers gets the protocol turned on (and off again on every
//! way out) and its Ctrl-Enter acts, a silent one costs the wait once, keeps every key typed
//! meanwhile, and is never offered a key it cannot send.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use tempfile::TempDir;
use tui_support::fixture_png;
use tui_support::pty::{Pty, demo_env_without};

/// The keyboard question alone (pictures are not asked about here), closed by the status
/// request every terminal answers.
const QUESTION: &[u8] = b"\x1b[?u\x1b[5n";
/// Disambiguate escape codes (1) and report alternate keys (4).
const PUSH: &[u8] = b"\x1b[>5u";
const POP: &[u8] = b"\x1b[<1u";
const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
/// What a kitty-keyboard terminal sends for Ctrl-Enter and Ctrl-Q.
const CTRL_ENTER: &[u8] = b"\x1b[13;5u";
const CTRL_Q: &[u8] = b"\x1b[113;5u";

/// `demo_env` lets the keyboard be asked about (it is not, by default).
fn env_auto(home: &TempDir) -> Vec<(String, String)> {
    demo_env_without(home.path(), "I2V_KEYBOARD")
}

fn with_keys(home: &TempDir, keys: &str) {
    let dir = home.path().join("config");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), format!("[ui.keys]\n{keys}\n")).unwrap();
}

fn spawn(home: &TempDir) -> Pty {
    let image = fixture_png();
    Pty::spawn(&["--demo", "--image", &image], &env_auto(home), 110, 32)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The protocol was turned off after it was turned on, and before the alternate screen was
/// left (the terminal keeps one stack of flags per screen).
fn assert_popped(raw: &[u8]) {
    let pushed = rfind(raw, PUSH).expect("the protocol was turned on");
    let popped = rfind(raw, POP).expect("the protocol was turned off");
    let left = rfind(raw, LEAVE_ALTERNATE_SCREEN).expect("the alternate screen was left");
    assert!(
        pushed < popped && popped < left,
        "push at {pushed}, pop at {popped}, alternate screen left at {left}"
    );
}

fn remembered(home: &TempDir) -> String {
    std::fs::read_to_string(home.path().join("data/terminals.json")).unwrap_or_default()
}

#[test]
fn a_kitty_keyboard_terminal_gets_the_protocol_and_its_ctrl_enter_submits() {
    let home = TempDir::new().unwrap();
    // A key no legacy terminal can send is the only way to submit.
    with_keys(&home, "submit = \"ctrl-enter\"");
    let mut pty = spawn(&home);
    pty.wait_for_raw("the keyboard question", QUESTION);
    assert!(
        pty.screen().contains("DEMO"),
        "the first frame comes before the question:\n{}",
        pty.screen()
    );
    pty.type_text("a heron");
    pty.send(b"\x1b[?0u\x1b[0n");
    pty.wait_for_raw("the protocol turned on", PUSH);
    pty.type_text(" takes off");
    let screen = pty.wait_for("every key in the prompt, and the hint", |s| {
        s.pane_text("Prompt").contains("a heron takes off")
            && s.status_bar().contains("Ctrl-Enter submit")
    });
    assert!(
        !screen.status_bar().contains("cannot send"),
        "no warning for a key that arrives:\n{screen}"
    );
    pty.send(CTRL_ENTER);
    pty.wait_for("the job Ctrl-Enter submitted", |s| {
        s.pane_text("Queue").contains("a heron takes off")
    });
    pty.send(CTRL_Q);
    // The demo's job still runs, and would end with it: it asks.
    pty.wait_for("the demo's question", |s| s.contains("Quit the demo?"));
    pty.send(b"y");
    assert!(pty.wait_exit().success());
    assert_popped(&pty.raw());
    assert!(
        remembered(&home).contains("\"kitty\""),
        "the answer is remembered: {}",
        remembered(&home)
    );

    // The same terminal again: nothing is asked, the protocol is on at once, and a signal
    // turns it off too.
    let mut again = spawn(&home);
    again.wait_for("the demo banner", |s| s.contains("DEMO"));
    again.wait_for_raw("the protocol turned on", PUSH);
    assert!(find(&again.raw(), b"\x1b[?u").is_none(), "asked again");
    again.signal("TERM");
    again.wait_exit();
    assert_popped(&again.raw());
}

#[test]
fn a_silent_terminal_costs_the_wait_once_and_is_offered_only_keys_it_sends() {
    let home = TempDir::new().unwrap();
    with_keys(&home, "submit = \"ctrl-enter, f5\"");
    let mut pty = spawn(&home);
    pty.wait_for_raw("the keyboard question", QUESTION);
    assert!(
        pty.screen().contains("DEMO"),
        "the first frame does not wait for an answer:\n{}",
        pty.screen()
    );
    // No answer ever comes; keys typed while the question is out are kept.
    pty.type_text("a heron");
    let screen = pty.wait_for("the keys typed meanwhile, and the warning", |s| {
        s.pane_text("Prompt").contains("a heron") && s.status_bar().contains("cannot send")
    });
    assert!(
        screen.status_bar().contains("Ctrl-Enter"),
        "the warning names the key:\n{screen}"
    );
    // A warning is not an error: the next key is typed, and the warning fades after it.
    pty.type_text("x");
    let screen = pty.wait_for("the hints back", |s| s.status_bar().contains("F5 submit"));
    assert!(
        screen.pane_text("Prompt").contains("a heronx"),
        "the key after the warning is typed:\n{screen}"
    );
    assert!(
        !screen.contains("Ctrl-Enter"),
        "Ctrl-Enter is not offered:\n{screen}"
    );
    pty.send(b"\x1bOP");
    let screen = pty.wait_for("the help", |s| s.contains("submit the prompt"));
    assert!(
        !screen.contains("Ctrl-Enter"),
        "the help offers no key this terminal cannot send:\n{screen}"
    );
    pty.send(b"\x1bOP");
    pty.wait_for("the help closed", |s| !s.contains("submit the prompt"));
    // The key that works does.
    pty.send(b"\x1b[15~");
    pty.wait_for("the job F5 submitted", |s| {
        s.pane_text("Queue").contains("a heronx")
    });
    pty.send(&[tui_support::keys::ctrl_byte('q')]);
    // The demo's job still runs, and would end with it: it asks.
    pty.wait_for("the demo's question", |s| s.contains("Quit the demo?"));
    pty.send(b"y");
    assert!(pty.wait_exit().success());
    let raw = pty.raw();
    assert!(
        find(&raw, b"\x1b[>").is_none(),
        "the protocol was turned on"
    );
    assert!(find(&raw, POP).is_none(), "nothing to turn off");
    assert!(
        remembered(&home).contains("\"legacy\""),
        "silence is remembered: {}",
        remembered(&home)
    );

    // The same terminal again: nothing is asked, and the remap is still warned about.
    let mut again = spawn(&home);
    again.wait_for("the warning at once", |s| {
        s.status_bar().contains("cannot send")
    });
    assert!(find(&again.raw(), b"\x1b[?u").is_none(), "asked again");
    again.send(&[tui_support::keys::ctrl_byte('q')]);
    assert!(again.wait_exit().success());
}

/// A signal while the terminal is still being asked about (its screen already taken, the
/// loop not yet running) ended the process by the signal's default action: raw mode and the
/// alternate screen were left behind. The handlers are in place before the screen is taken,
/// so the start finishes its question and the loop gives the terminal back.
#[test]
fn sigterm_while_the_terminal_is_asked_gives_the_terminal_back() {
    let home = TempDir::new().unwrap();
    let mut pty = spawn(&home);
    pty.wait_for_raw("the keyboard question", QUESTION);
    // No answer: the start waits out its deadline, and the signal comes meanwhile.
    pty.signal("TERM");
    let status = pty.wait_exit();
    assert!(status.success(), "ended by the signal itself: {status:?}");
    let raw = pty.raw();
    let asked = rfind(&raw, QUESTION).unwrap();
    let left = rfind(&raw, LEAVE_ALTERNATE_SCREEN).expect("the alternate screen was left");
    assert!(asked < left);
    assert!(
        find(&raw[asked..], b"\x1b[?2004l").is_some(),
        "bracketed paste turned off"
    );
}
