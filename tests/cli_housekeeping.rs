//! What a well-kept command line owes its user beyond the jobs: `--version`, shell
//! completions, a man page, `i2v paths`; read-only commands that leave the disk alone; and a
//! log file that is best effort, never a reason to fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use std::path::{Path, PathBuf};

use support::{Run, Sandbox};

#[test]
fn version_names_the_package_version() {
    let sandbox = Sandbox::offline();
    sandbox
        .run(&["--version"])
        .expect_code(0)
        .expect_stdout(&format!("i2v {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    let sandbox = Sandbox::offline();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef i2v"),
        ("fish", "complete -c i2v"),
        ("elvish", "edit:completion:arg-completer[i2v]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = sandbox.run(&["completions", shell]);
        run.expect_code(0).expect_stdout(marker);
        for word in ["submit", "history", "resume", "paths", "no-download"] {
            run.expect_stdout(word);
        }
    }
    sandbox
        .run(&["completions", "tcsh"])
        .expect_code(2)
        .expect_stderr("tcsh");
}

#[test]
fn man_page_is_roff_covering_the_commands() {
    let sandbox = Sandbox::offline();
    let run = sandbox.run(&["man"]);
    run.expect_code(0)
        .expect_stdout(".TH i2v 1")
        .expect_stdout(".SH NAME")
        .expect_stdout("Hailuo");
    for word in [
        "submit",
        "history",
        "resume",
        "completions",
        "paths",
        "\\-\\-demo",
    ] {
        run.expect_stdout(word);
    }
}

#[test]
fn paths_prints_config_data_log_and_themes() {
    let sandbox = Sandbox::offline();
    let run = sandbox.run(&["paths"]);
    run.expect_code(0);
    let line = |name: &str| -> PathBuf {
        let line = run
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} line in:\n{}", run.stdout));
        PathBuf::from(line[name.len()..].trim())
    };
    assert_eq!(line("config"), sandbox.config_path());
    assert_eq!(line("data"), sandbox.data_dir());
    assert_eq!(line("log"), log_path(&sandbox.data_dir(), today()));
    assert_eq!(
        line("themes"),
        sandbox.config_path().parent().unwrap().join("themes")
    );
    // Paths, and that is all: nothing created.
    assert!(!sandbox.data_dir().exists());

    let demo = sandbox.run(&["--demo", "paths"]);
    demo.expect_code(0)
        .expect_stdout(sandbox.data_dir().join("demo").to_str().unwrap());
}

/// Defect: `i2v man` listed `i2v-submit(1)`, `i2v-history(1)`… in SEE ALSO, and `i2v man
/// submit` was refused. Each page it names prints; an unknown one is named with the list.
#[test]
fn man_prints_each_subcommands_page_it_names() {
    let sandbox = Sandbox::offline();
    sandbox
        .run(&["man"])
        .expect_code(0)
        .expect_stdout("i2v\\-submit(1)");
    for (args, title, word) in [
        (&["man", "submit"][..], ".TH i2v-submit 1", "\\-\\-prompt"),
        (&["man", "i2v-submit"], ".TH i2v-submit 1", "\\-\\-prompt"),
        (
            &["man", "history", "list"],
            ".TH i2v-history-list 1",
            "\\-\\-grep",
        ),
        (
            &["man", "history"],
            ".TH i2v-history 1",
            "i2v\\-history\\-list(1)",
        ),
        (&["man", "fake-fal"], ".TH i2v-fake-fal 1", "\\-\\-port"),
    ] {
        sandbox
            .run(args)
            .expect_code(0)
            .expect_stdout(title)
            .expect_stdout(word);
    }
    sandbox
        .run(&["man", "sumbit"])
        .expect_code(2)
        .expect_stderr("no man page i2v-sumbit")
        .expect_stderr("i2v-submit, ");
}

/// Defect: `--demo`'s help ("run against a simulated fal") showed on `man`, `paths` and
/// `history`, where it means nothing or something else. It is offered where it means
/// something, saying what it means there, and works before or after the subcommand.
#[test]
fn demo_is_offered_only_where_it_means_something() {
    let sandbox = Sandbox::offline();
    for args in [
        &["man", "--help"][..],
        &["completions", "--help"],
        &["fake-fal", "--help"],
    ] {
        let run = sandbox.run(args);
        run.expect_code(0);
        assert!(!run.stdout.contains("--demo"), "{args:?}:\n{}", run.stdout);
    }
    for args in [
        &["paths", "--help"][..],
        &["history", "list", "--help"],
        &["rate", "--help"],
    ] {
        let run = sandbox.run(args);
        run.expect_code(0).expect_stdout("The demo's own history");
        assert!(
            !run.stdout.contains("simulated fal"),
            "{args:?}:\n{}",
            run.stdout
        );
    }
    sandbox
        .run(&["submit", "--help"])
        .expect_code(0)
        .expect_stdout("simulated fal");
    sandbox
        .run(&["man", "--demo"])
        .expect_code(2)
        .expect_stderr("--demo");
    let demo_dir = sandbox.data_dir().join("demo");
    for args in [&["paths", "--demo"][..], &["--demo", "paths"]] {
        sandbox
            .run(args)
            .expect_code(0)
            .expect_stdout(demo_dir.to_str().unwrap());
    }
    sandbox.run(&["history", "list", "--demo"]).expect_code(0);
    sandbox.run(&["history", "--demo", "list"]).expect_code(0);
}

#[test]
fn paths_works_with_a_broken_config_file() {
    let sandbox = Sandbox::offline();
    write(&sandbox.config_path(), "this is = = not toml");
    sandbox
        .run(&["paths"])
        .expect_code(0)
        .expect_stdout(sandbox.config_path().to_str().unwrap());
}

/// Read-only commands against a data dir that does not exist (and one that is empty) create
/// no directory and no file.
#[test]
fn read_only_commands_create_nothing() {
    let sandbox = Sandbox::offline();
    let commands: &[&[&str]] = &[
        &["history", "list"],
        &["history", "list", "--json"],
        &["--demo", "history", "list"],
        &["paths"],
        &["--help"],
        &["history", "--help"],
        &["--version"],
        &["completions", "zsh"],
        &["man"],
    ];
    for args in commands {
        sandbox.run(args).expect_code(0);
        assert!(
            !sandbox.data_dir().exists(),
            "`i2v {}` created the data dir",
            args.join(" ")
        );
    }
    let show = sandbox.run(&["history", "show", "01JABC"]);
    show.expect_code(2).expect_stderr("01JABC");
    assert!(!sandbox.data_dir().exists(), "`history show` created it");

    std::fs::create_dir_all(sandbox.data_dir()).unwrap();
    for args in commands {
        sandbox.run(args).expect_code(0);
    }
    sandbox.run(&["history", "show", "01JABC"]).expect_code(2);
    let left: Vec<_> = std::fs::read_dir(sandbox.data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "read-only commands left {left:?}");
}

#[test]
fn commands_that_run_jobs_do_write_the_log() {
    let sandbox = Sandbox::new("http://127.0.0.1:9");
    sandbox.run(&["resume"]).expect_code(0);
    assert!(
        has_log(&sandbox.data_dir()),
        "no log file in {:?}",
        sandbox.data_files()
    );
}

// --- the log is best effort ---------------------------------------------------------------

/// `i2v resume` with nothing to resume: a command that logs, needs no network, and says
/// "nothing to resume" when it works.
fn resume_still_works(run: Run) {
    run.expect_code(0)
        .expect_stderr("nothing to resume")
        .expect_stderr("warning: no log file");
    assert_eq!(
        run.stderr.matches("no log file").count(),
        1,
        "warned more than once:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// Puts `make` at today's and tomorrow's log file names, so the test holds across midnight.
fn block_log_file(data_dir: &Path, make: impl Fn(&Path)) {
    std::fs::create_dir_all(data_dir).unwrap();
    let day = chrono::Duration::days(1);
    for date in [today(), today() + day] {
        make(&log_path(data_dir, date));
    }
}

#[test]
fn a_directory_where_the_log_goes_is_only_a_warning() {
    let sandbox = Sandbox::new("http://127.0.0.1:9");
    block_log_file(&sandbox.data_dir(), |path| {
        std::fs::create_dir_all(path).unwrap()
    });
    resume_still_works(sandbox.run(&["resume"]));
    // The other commands too: the history, and the workbench's sibling `submit` refusing bad
    // input after logging started.
    sandbox.run(&["history", "list"]).expect_code(0);
    let submit = sandbox.run(&["submit", "--prompt", "x", "--image", "/no/such.png"]);
    submit.expect_code(2).expect_stderr("no such file");
    assert!(!submit.stderr.contains("panicked"), "{}", submit.stderr);
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_where_the_log_goes_is_only_a_warning() {
    let sandbox = Sandbox::new("http://127.0.0.1:9");
    let nowhere = sandbox.root().join("gone/away/i2v.log");
    block_log_file(&sandbox.data_dir(), |path| {
        std::os::unix::fs::symlink(&nowhere, path).unwrap()
    });
    resume_still_works(sandbox.run(&["resume"]));
    assert!(!nowhere.exists());
}

#[cfg(unix)]
#[test]
fn a_read_only_data_dir_is_only_a_warning_for_the_log() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let sandbox = Sandbox::new("http://127.0.0.1:9");
    // The history exists already; only the log would be new.
    i2v_store::Store::open(sandbox.data_dir()).unwrap();
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode(&sandbox.data_dir(), 0o555);
    let mut command = sandbox.command(&["resume"]);
    if running_as_root(sandbox.root()) {
        // Permissions do not stop root: run as nobody, who may enter the sandbox but not
        // write in the data dir.
        mode(sandbox.root(), 0o755);
        for dir in ["jobs", "videos", "locks"] {
            mode(&sandbox.data_dir().join(dir), 0o777);
        }
        command.uid(65534).gid(65534);
    }
    let run = Run::from(command.output().unwrap());
    mode(&sandbox.data_dir(), 0o755);
    resume_still_works(run);
}

#[cfg(unix)]
fn running_as_root(owned_by_us: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(owned_by_us).unwrap().uid() == 0
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn log_path(data_dir: &Path, date: chrono::NaiveDate) -> PathBuf {
    data_dir.join(format!("i2v.{}.log", date.format("%Y-%m-%d")))
}

fn has_log(data_dir: &Path) -> bool {
    std::fs::read_dir(data_dir).unwrap().any(|e| {
        let name = e.unwrap().file_name();
        let name = name.to_string_lossy();
        name.starts_with("i2v.") && name.ends_with(".log")
    })
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
