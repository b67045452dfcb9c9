//! What the real binary does with a damaged data dir: things in `jobs/` that are not record
//! files, lock files left behind, a jobs dir it cannot write.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use i2v_store::JobState;
use support::{Run, Sandbox, Sim, quick};

const IMAGE_URL: &str = "https://example.com/frame.png";

/// A ULID-shaped name for a record file, so the store takes it for one.
fn record_name(n: u32) -> String {
    format!("01HZZZZZZZZZZZZZZZZZZZZZ{n:02}.json")
}

#[cfg(unix)]
#[test]
fn history_list_reports_a_fifo_and_a_dev_zero_link_instead_of_hanging() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a cat walks", IMAGE_URL, &["--no-download"])
        .expect_code(0);
    let fifo = sandbox.jobs_dir().join(record_name(1));
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let zero = sandbox.jobs_dir().join(record_name(2));
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();

    let run = support::finish_or_kill(sandbox.spawn(&["history", "list"]), "history list");

    run.expect_code(0);
    run.expect_stdout("a cat walks");
    for bad in [&fifo, &zero] {
        run.expect_stderr(bad.file_name().unwrap().to_str().unwrap());
    }
    assert_eq!(
        run.stderr.matches("not a regular file").count(),
        2,
        "{}",
        run.stderr
    );
}

#[test]
fn a_finished_job_leaves_no_lock_files() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a cat walks", IMAGE_URL, &["--no-download"])
        .expect_code(0);
    assert_eq!(sandbox.only_record().state, JobState::Completed);
    let locks: Vec<_> = std::fs::read_dir(sandbox.data_dir().join("locks"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(locks.is_empty(), "lock files left behind: {locks:?}");
}

#[cfg(unix)]
#[test]
fn a_file_or_a_link_loop_as_the_data_dir_is_named_once_and_plainly() {
    // Nothing is sent: the store fails to open first.
    let mut sandbox = Sandbox::new("http://127.0.0.1:9");
    let file = sandbox.root().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    sandbox.set("I2V_DATA_DIR", file.to_str().unwrap());
    let run = sandbox.run(&["resume"]);
    run.expect_code(2);
    let error = history_error(&run);
    assert!(error.contains("exists but is not a directory"), "{error}");
    assert_eq!(error.matches("not-a-dir").count(), 1, "{error}");
    assert_eq!(error.matches("not a directory").count(), 1, "{error}");
    assert!(!error.contains("File exists"), "{error}");

    let looped = sandbox.root().join("loop");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    sandbox.set("I2V_DATA_DIR", looped.to_str().unwrap());
    let run = sandbox.run(&["resume"]);
    run.expect_code(2);
    let error = history_error(&run);
    assert_eq!(error.matches("symbolic links").count(), 1, "{error}");
    assert!(!error.contains("File exists"), "{error}");
}

/// The line saying why the history could not be opened (the log file has its own warning).
fn history_error(run: &Run) -> String {
    run.stderr
        .lines()
        .find(|l| l.contains("could not open the history"))
        .unwrap_or_else(|| panic!("no history error in:\n{}", run.stderr))
        .to_owned()
}

/// Issue 21 §8: an OS error is said once, where the error chain printed it twice ("(os
/// error 30): Read-only file system (os error 30)").
#[cfg(target_os = "linux")]
#[test]
fn an_os_error_is_said_once() {
    let mut sandbox = Sandbox::new("http://127.0.0.1:9");
    // /proc takes no new directories.
    sandbox.set("I2V_DATA_DIR", "/proc/i2v-test/data");
    let run = sandbox.run(&["resume"]);
    run.expect_code(2);
    let error = history_error(&run);
    assert!(error.contains("/proc/i2v-test"), "{error}");
    for line in run.stderr.lines() {
        assert_eq!(line.matches("(os error").count(), 1, "{}", run.stderr);
    }
}
