//! Prompt matrices and repeats through the real binary against the simulated fal: what is
//! expanded, what is asked, what is refused, and how many submits the sim received.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;
mod tui_support;

use support::{Sandbox, Sim, TEST_KEY, quick};
use tui_support::pty::Pty;

const IMAGE_URL: &str = "https://example.com/frame.png";

/// The prompts of every record, in the order they were created.
fn prompts(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .records()
        .into_iter()
        .map(|r| r.input.prompt)
        .collect()
}

#[test]
fn a_matrix_with_yes_sends_every_combination_in_order() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.submit(
        "a {red|blue} fox {runs|sleeps}",
        IMAGE_URL,
        &["--yes", "--no-download"],
    );
    run.expect_code(0)
        .expect_stderr("4 jobs, $1.32 at $0.33 a video");
    assert_eq!(sim.count("submit"), 4);
    assert_eq!(
        prompts(&sandbox),
        [
            "a red fox runs",
            "a red fox sleeps",
            "a blue fox runs",
            "a blue fox sleeps"
        ]
    );
    // One batch, each at the price in force.
    let records = sandbox.records();
    let batch = records[0].batch.clone().expect("a batch id");
    for record in &records {
        assert_eq!(record.batch.as_ref(), Some(&batch));
        assert_eq!(record.price_usd, Some(0.33));
    }
    run.expect_stderr(&format!("batch {batch}: 4 jobs"));
    sandbox
        .run(&["history", "show", records[0].id.as_str()])
        .expect_code(0)
        .expect_stdout(&format!("batch     {batch}"))
        .expect_stdout("price     $0.33");
    // One URL line per job on stdout, in the order sent.
    let urls: Vec<&str> = records
        .iter()
        .map(|r| r.result.as_ref().unwrap().url.as_str())
        .collect();
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), urls);
}

#[test]
fn without_a_terminal_and_without_yes_nothing_is_sent() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let run = sandbox.submit("a {red|blue} fox {runs|sleeps}", IMAGE_URL, &[]);
    run.expect_code(2)
        .expect_stderr("4 jobs, $1.32 at $0.33 a video")
        .expect_stderr("   1. a red fox runs")
        .expect_stderr("   4. a blue fox sleeps")
        .expect_stderr("nothing was sent: add --yes");
    assert_eq!(sim.count("submit"), 0);
    assert_eq!(sim.count("upload"), 0);
    assert!(sandbox.records().is_empty());
}

#[test]
fn repeat_sends_each_prompt_n_times_and_asks_first() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a cat walks", IMAGE_URL, &["--repeat", "3"])
        .expect_code(2)
        .expect_stderr("3 jobs (1 prompt × 3), $0.99")
        .expect_stderr("1. a cat walks (×3)");
    assert_eq!(sim.count("submit"), 0);

    sandbox
        .submit(
            "a {cat|dog} walks",
            IMAGE_URL,
            &["--repeat", "2", "--yes", "--no-download"],
        )
        .expect_code(0);
    assert_eq!(sim.count("submit"), 4);
    assert_eq!(
        prompts(&sandbox),
        ["a cat walks", "a cat walks", "a dog walks", "a dog walks"]
    );

    sandbox
        .submit("a cat walks", IMAGE_URL, &["--repeat", "0"])
        .expect_code(2);
}

#[test]
fn escapes_are_literal_and_literal_sends_braces_as_written() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit(
            r"a \{sign\} says \| {hi|bye} \\o/",
            IMAGE_URL,
            &["--yes", "--no-download"],
        )
        .expect_code(0);
    assert_eq!(
        prompts(&sandbox),
        [r"a {sign} says | hi \o/", r"a {sign} says | bye \o/"]
    );

    let sandbox = Sandbox::new(&sim.url());
    // One job: nothing to ask.
    sandbox
        .submit(
            "a {red|blue} fox",
            IMAGE_URL,
            &["--literal", "--no-download"],
        )
        .expect_code(0);
    assert_eq!(prompts(&sandbox), ["a {red|blue} fox"]);
    assert_eq!(sim.count("submit"), 3);
}

#[test]
fn a_broken_group_names_its_column_and_sends_nothing() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    for (prompt, expected) in [
        ("a {red|blue fox", "column 3 is never closed"),
        ("a red} fox", "column 6 closes no group"),
        ("a {} fox", "group at column 3 is empty"),
    ] {
        sandbox
            .submit(prompt, IMAGE_URL, &["--yes"])
            .expect_code(2)
            .expect_stderr(expected)
            .expect_stderr("--literal");
    }
    assert_eq!(sim.count("submit"), 0);
    assert!(sandbox.records().is_empty());
}

#[test]
fn more_than_the_cap_is_refused_with_how_to_raise_it() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    // 10 × 6 = 60, over the default 50, even with --yes.
    let run = sandbox.submit("{a|b|c|d|e|f|g|h|i|j} {1|2|3|4|5|6}", IMAGE_URL, &["--yes"]);
    run.expect_code(2)
        .expect_stderr("60 jobs, more than the 50 allowed in one submit")
        .expect_stderr("max_jobs_per_submit");
    let config = sandbox.config_path();
    assert!(
        run.stderr.contains(config.to_str().unwrap()),
        "{}",
        run.stderr
    );

    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "max_jobs_per_submit = 3\nprice_per_video = 0.5\n").unwrap();
    sandbox
        .submit("{a|b}", IMAGE_URL, &["--repeat", "2", "--yes"])
        .expect_code(2)
        .expect_stderr("4 jobs (2 prompts × 2 each), more than the 3 allowed");
    assert_eq!(sim.count("submit"), 0);

    // The configured price is what is shown, and recorded.
    sandbox
        .submit("{a|b}", IMAGE_URL, &[])
        .expect_code(2)
        .expect_stderr("2 jobs, $1.00 at $0.50 a video");
    sandbox
        .submit("{a|b}", IMAGE_URL, &["--yes", "--no-download"])
        .expect_code(0);
    let records = sandbox.records();
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r.price_usd == Some(0.5)));
    // A single job belongs to no batch.
    sandbox
        .submit("c", IMAGE_URL, &["--no-download"])
        .expect_code(0);
    let single = sandbox.records().pop().unwrap();
    assert_eq!((single.batch, single.price_usd), (None, Some(0.5)));
}

/// `i2v submit …` in a pseudo-terminal, pointed at the sim, with `sandbox`'s paths.
fn submit_in_terminal(sim: &Sim, sandbox: &Sandbox, prompt: &str) -> Pty {
    let path = |p: std::path::PathBuf| p.to_string_lossy().into_owned();
    let env: Vec<(String, String)> = [
        ("HOME", path(sandbox.root().join("home"))),
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("TERM", "xterm-256color".into()),
        ("I2V_DATA_DIR", path(sandbox.data_dir())),
        ("I2V_CONFIG", path(sandbox.config_path())),
        ("FAL_KEY", TEST_KEY.into()),
        ("I2V_QUEUE_URL", sim.url()),
        ("I2V_REST_URL", sim.url()),
        ("I2V_API_URL", format!("{}/v1", sim.url())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let args = [
        "submit",
        "--prompt",
        prompt,
        "--image",
        IMAGE_URL,
        "--no-download",
    ];
    Pty::spawn(&args, &env, 100, 30)
}

#[test]
fn on_a_terminal_it_asks_and_only_a_yes_sends() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());

    let mut pty = submit_in_terminal(&sim, &sandbox, "a {red|blue} fox");
    pty.wait_for("the question", |s| {
        s.contains("Send 2 jobs for $0.66? [y/N]")
    });
    let screen = pty.screen();
    assert!(screen.contains("1. a red fox"), "{screen}");
    assert!(screen.contains("2. a blue fox"), "{screen}");
    pty.type_text("n\r");
    assert_eq!(pty.wait_exit().exit_code(), 2);
    assert!(pty.screen().contains("nothing was sent"));
    assert_eq!(sim.count("submit"), 0);
    assert!(sandbox.records().is_empty());

    let mut pty = submit_in_terminal(&sim, &sandbox, "a {red|blue} fox");
    pty.wait_for("the question", |s| s.contains("[y/N]"));
    pty.type_text("y\r");
    assert_eq!(pty.wait_exit().exit_code(), 0, "{}", pty.screen());
    assert_eq!(sim.count("submit"), 2);
    assert_eq!(prompts(&sandbox), ["a red fox", "a blue fox"]);
}

#[test]
fn a_batch_uploads_its_local_image_once() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let png = support::fixture("frame.png");
    sandbox
        .submit("one", &png, &["--no-download"])
        .expect_code(0);
    let per_upload = sim.count("upload");
    assert!(per_upload > 0);

    sandbox
        .submit(
            "{a|b|c}",
            &png,
            &["--repeat", "2", "--yes", "--no-download"],
        )
        .expect_code(0);
    assert_eq!(
        sim.count("upload"),
        2 * per_upload,
        "one upload for six jobs"
    );
    let records = sandbox.records();
    let urls: std::collections::BTreeSet<_> = records[1..]
        .iter()
        .map(|r| r.input.image.image_url().map(str::to_owned))
        .collect();
    assert_eq!(urls.len(), 1, "{urls:?}");
    assert!(urls.iter().all(Option::is_some));
}

#[test]
fn when_the_shared_upload_fails_the_next_job_uploads_its_own() {
    let sim = Sim::start(quick());
    sim.faults()
        .push(i2v_sim::Route::Upload, i2v_sim::Fault::Status(400), 1);
    let sandbox = Sandbox::new(&sim.url());
    let png = support::fixture("frame.png");
    sandbox
        .submit("{a|b|c}", &png, &["--yes", "--no-download"])
        .expect_code(1);
    let states: Vec<_> = sandbox.records().iter().map(|r| r.state.label()).collect();
    let failed = states.iter().filter(|s| **s == "failed").count();
    let completed = states.iter().filter(|s| **s == "completed").count();
    assert_eq!((failed, completed), (1, 2), "{states:?}");
}
