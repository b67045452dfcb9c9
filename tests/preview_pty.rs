//! The real `i2v` binary in a pseudo-terminal that plays the terminal's part in graphics
//! detection (`[ui] preview = "auto"`): the question goes out after the first frame, keys
//! typed while it is out are not lost, a silent terminal costs the wait once, and the answer
//! is remembered so the next start asks nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use tempfile::TempDir;
use tui_support::keys::ctrl_byte;
use tui_support::pty::{Pty, demo_env_without};

/// The question ends with a status request, which every terminal answers.
const QUESTION_END: &[u8] = b"\x1b[5n";
const KITTY_PROBE: &[u8] = b"\x1b_Gi=31";

fn env_auto(home: &TempDir) -> Vec<(String, String)> {
    demo_env_without(home.path(), "I2V_PREVIEW")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn wait_for_question(pty: &Pty) {
    pty.wait_for_raw("the question to the terminal", QUESTION_END);
}

fn quit(pty: &mut Pty) {
    pty.send(&[ctrl_byte('q')]);
    assert!(pty.wait_exit().success());
}

fn remembered(home: &TempDir) -> String {
    std::fs::read_to_string(home.path().join("data/terminals.json")).unwrap_or_default()
}

#[test]
fn the_terminal_is_asked_after_the_first_frame_and_keys_typed_meanwhile_are_kept() {
    let home = TempDir::new().unwrap();
    let mut pty = Pty::spawn(&["--demo"], &env_auto(&home), 100, 30);
    wait_for_question(&pty);
    assert!(
        pty.screen().contains("DEMO"),
        "the first frame comes before the question:\n{}",
        pty.screen()
    );
    // Keys typed before the answer, then the answer of a terminal with neither kitty nor
    // sixel graphics, then more keys.
    pty.type_text("dolly ");
    pty.send(b"\x1b_Gi=31;ENOTSUPPORTED\x1b\\\x1b[?62;22c\x1b[0n");
    pty.type_text("in");
    pty.wait_for("every key in the prompt", |s| s.contains("dolly in"));
    quit(&mut pty);
    assert!(
        remembered(&home).contains("halfblocks"),
        "the answer is remembered: {}",
        remembered(&home)
    );

    // The same terminal again: nothing is asked.
    let mut again = Pty::spawn(&["--demo"], &env_auto(&home), 100, 30);
    again.wait_for("the demo banner", |s| s.contains("DEMO"));
    again.type_text("x");
    again.wait_for("a key typed at once", |s| s.contains("dolly inx"));
    assert!(!contains(&again.raw(), KITTY_PROBE), "asked again");
    quit(&mut again);
}

#[test]
fn a_terminal_that_never_answers_costs_the_wait_once_and_loses_no_key() {
    let home = TempDir::new().unwrap();
    let mut pty = Pty::spawn(&["--demo"], &env_auto(&home), 100, 30);
    wait_for_question(&pty);
    pty.type_text("slow");
    pty.wait_for("the keys typed while nobody answered", |s| {
        s.contains("slow")
    });
    quit(&mut pty);
    assert!(remembered(&home).contains("halfblocks"));
}
