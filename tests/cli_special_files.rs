//! Issue 21 §4–5: a FIFO, a link to `/dev/zero` or a file far too large at each path i2v
//! reads or appends to (the config, a theme, `jobs.index`, the day's log, the draft, a
//! prompt file, an image): every command returns at once, saying which file and why, where
//! it used to block forever or read until memory ran out.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;
mod tui_support;

use std::path::{Path, PathBuf};

use support::{Sandbox, Sim, quick};

const IMAGE_URL: &str = "https://example.com/frame.png";

/// What can sit at a path instead of the file: each must be refused, none may hang.
#[derive(Clone, Copy, Debug)]
enum Trap {
    Fifo,
    DevZero,
    /// A regular file of this many bytes of `x`.
    Huge(u64),
}

impl Trap {
    fn plant(self, path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(path);
        match self {
            Trap::Fifo => {
                let made = std::process::Command::new("mkfifo").arg(path).status();
                assert!(made.unwrap().success());
            }
            Trap::DevZero => std::os::unix::fs::symlink("/dev/zero", path).unwrap(),
            Trap::Huge(len) => std::fs::write(path, vec![b'x'; len as usize]).unwrap(),
        }
    }

    /// The words of the refusal.
    fn refusal(self) -> &'static str {
        match self {
            Trap::Fifo | Trap::DevZero => "not a regular file",
            Trap::Huge(_) => "larger than 1 MB",
        }
    }
}

const TRAPS: [Trap; 3] = [Trap::Fifo, Trap::DevZero, Trap::Huge(2 << 20)];

fn today_log(data: &Path) -> PathBuf {
    data.join(format!("i2v.{}.log", chrono::Utc::now().format("%Y-%m-%d")))
}

#[test]
fn a_config_that_is_no_config_file_is_refused_by_every_command() {
    let sim = Sim::start(quick());
    for trap in TRAPS {
        let sandbox = Sandbox::new(&sim.url());
        trap.plant(&sandbox.config_path());
        for args in [
            vec!["history", "list"],
            vec!["history", "stats"],
            vec!["submit", "--prompt", "x", "--image", IMAGE_URL],
            vec![],
        ] {
            let run =
                support::finish_or_kill(sandbox.spawn(&args), &format!("{args:?} with {trap:?}"));
            run.expect_code(2)
                .expect_stderr("config.toml")
                .expect_stderr(trap.refusal());
        }
    }
    assert_eq!(sim.stats().requests, 0);
}

#[test]
fn an_index_that_is_no_index_is_rebuilt_from_the_records() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a cat walks", IMAGE_URL, &["--no-download"])
        .expect_code(0);
    let index = sandbox.data_dir().join("jobs.index");
    for trap in [Trap::Fifo, Trap::DevZero] {
        trap.plant(&index);
        for args in [["history", "list"], ["history", "stats"]] {
            let run =
                support::finish_or_kill(sandbox.spawn(&args), &format!("{args:?} with {trap:?}"));
            run.expect_code(0);
        }
        let run = support::finish_or_kill(sandbox.spawn(&["history", "list"]), "history list");
        run.expect_stdout("a cat walks");
    }
}

#[test]
fn a_log_that_is_no_file_costs_a_warning_and_nothing_more() {
    let sim = Sim::start(quick());
    for trap in [Trap::Fifo, Trap::DevZero] {
        let sandbox = Sandbox::new(&sim.url());
        trap.plant(&today_log(&sandbox.data_dir()));
        let child = sandbox.spawn(&[
            "submit",
            "--prompt",
            "a cat walks",
            "--image",
            IMAGE_URL,
            "--no-download",
        ]);
        let run = support::finish_or_kill(child, &format!("submit with the log a {trap:?}"));
        run.expect_code(0)
            .expect_stderr("no log file")
            .expect_stderr("not a regular file");
    }
}

#[test]
fn a_prompt_file_that_is_no_file_is_refused_and_stdin_is_bounded() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let prompt = sandbox.root().join("prompt.txt");
    for trap in TRAPS {
        trap.plant(&prompt);
        let child = sandbox.spawn(&[
            "submit",
            "--prompt-file",
            prompt.to_str().unwrap(),
            "--image",
            IMAGE_URL,
        ]);
        let run = support::finish_or_kill(child, &format!("--prompt-file {trap:?}"));
        run.expect_code(2)
            .expect_stderr("prompt.txt")
            .expect_stderr(trap.refusal());
        if let Trap::Huge(_) = trap {
            run.expect_stderr("more than a prompt ever holds");
        } else {
            run.expect_stderr("--prompt-file -");
        }
    }
    // Two megabytes on stdin: read up to the cap, then refused.
    let mut child = sandbox
        .command(&["submit", "--prompt-file", "-", "--image", IMAGE_URL])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(&vec![b'x'; 2 << 20]);
    });
    let run = support::finish_or_kill(child, "--prompt-file - with 2 MB");
    let _ = writer.join();
    run.expect_code(2).expect_stderr("larger than 1 MB");
    assert_eq!(sim.stats().requests, 0);
}

#[test]
fn an_image_that_is_a_fifo_is_refused_at_once() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let image = sandbox.root().join("frame.png");
    Trap::Fifo.plant(&image);
    let child = sandbox.spawn(&[
        "submit",
        "--prompt",
        "x",
        "--image",
        image.to_str().unwrap(),
    ]);
    support::finish_or_kill(child, "--image FIFO")
        .expect_code(2)
        .expect_stderr("not a regular file");
    assert_eq!(sim.stats().requests, 0);
}

/// The workbench itself: a FIFO as its theme, its draft, its history's index and its log,
/// and a 50 MB draft. It starts, says what it could not read, and Ctrl-Q quits.
#[test]
fn the_workbench_starts_past_fifos_and_says_so() {
    use tui_support::keys::ctrl_byte;
    use tui_support::pty::{Pty, demo_env};

    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data/demo");
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[ui]\ntheme = \"mine\"\n").unwrap();
    Trap::Fifo.plant(&config.join("themes/mine.toml"));
    Trap::Fifo.plant(&data.join("jobs.index"));
    Trap::Fifo.plant(&today_log(&data));
    for draft in [Trap::Fifo, Trap::DevZero, Trap::Huge(50 << 20)] {
        draft.plant(&data.join("draft.json"));
        let mut pty = Pty::spawn(&["--demo"], &demo_env(home.path()), 120, 36);
        // The latest warning is the draft's; the theme's is in the messages (F3).
        let screen = pty.wait_for("the workbench and the draft's warning", |s| {
            s.contains("Prompt") && s.status_bar().contains("draft")
        });
        let said = screen.status_bar();
        match draft {
            Trap::Huge(_) => assert!(said.contains("larger than 4 MB"), "{said}"),
            _ => assert!(said.contains("not a regular file"), "{said}"),
        }
        pty.send(&[ctrl_byte('q')]);
        assert!(
            pty.wait_exit().success(),
            "{draft:?}:\n{}",
            screen.rows().join("\n")
        );
    }
    // The 50 MB draft is kept aside, not replaced by the quit's save.
    let kept: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("draft.json.bad-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
}

/// A theme that is a FIFO, a link to /dev/zero or a file far too large: the workbench starts
/// at once in the dark theme and says why in the status bar, where the user is looking.
#[test]
fn a_theme_that_is_no_theme_file_leaves_the_dark_theme_and_says_so() {
    use tui_support::keys::ctrl_byte;
    use tui_support::pty::{Pty, demo_env};

    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[ui]\ntheme = \"mine\"\n").unwrap();
    for trap in TRAPS {
        trap.plant(&config.join("themes/mine.toml"));
        let mut pty = Pty::spawn(&["--demo"], &demo_env(home.path()), 120, 36);
        let screen = pty.wait_for("the workbench and the theme's warning", |s| {
            s.contains("Prompt") && s.status_bar().contains("theme")
        });
        let said = screen.status_bar();
        assert!(
            said.contains(trap.refusal()) && said.contains("mine.toml"),
            "{trap:?}: {said}"
        );
        pty.send(&[ctrl_byte('q')]);
        assert!(pty.wait_exit().success(), "{trap:?}");
    }
}
