//! `i2v history stats`: jobs by state, spend at the recorded prices, fal's inference time and
//! the median queue wait and run time, over real runs against the simulated fal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use i2v_sim::{Fault, Route};
use serde_json::Value;
use support::{Sandbox, Sim, quick};

const IMAGE_URL: &str = "https://example.com/frame.png";

fn stats_json(sandbox: &Sandbox, extra: &[&str]) -> Value {
    let mut args = vec!["history", "stats", "--json"];
    args.extend_from_slice(extra);
    let run = sandbox.run(&args);
    run.expect_code(0);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn an_empty_history_reads_as_nothing_and_creates_nothing() {
    let sandbox = Sandbox::offline();
    sandbox
        .run(&["history", "stats"])
        .expect_code(0)
        .expect_stdout("jobs        0")
        .expect_stdout("spent       $0.00 for 0 completed videos");
    assert!(!sandbox.data_dir().exists());
}

#[test]
fn counts_states_spend_and_times_of_real_runs() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let config = sandbox.config_path();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "price_per_video = 0.5\n").unwrap();

    sandbox
        .submit("a {red|blue} fox", IMAGE_URL, &["--yes", "--no-download"])
        .expect_code(0);
    sim.faults().push(Route::Submit, Fault::Validation, 1);
    sandbox
        .submit("refused", IMAGE_URL, &["--no-download"])
        .expect_code(2);

    // The price is the one in force at submit: raising it later changes nothing spent.
    std::fs::write(&config, "price_per_video = 2.0\n").unwrap();
    let stats = stats_json(&sandbox, &[]);
    assert_eq!(stats["jobs"], 3);
    assert_eq!(stats["by_state"]["completed"], 2);
    assert_eq!(stats["by_state"]["failed"], 1);
    assert_eq!(stats["videos"], 2);
    assert_eq!(stats["spend_usd"], 1.0);
    assert_eq!(stats["unpriced_videos"], 0);
    assert!(
        stats["inference_seconds"].as_f64().unwrap() > 0.0,
        "{stats}"
    );
    assert_eq!(stats["queue_samples"], 2);
    assert_eq!(stats["run_samples"], 2);
    let run = stats["median_run_seconds"].as_f64().unwrap();
    assert!(run > 0.1 && run < 10.0, "{stats}");
    assert!(stats["median_queue_seconds"].as_f64().is_some(), "{stats}");

    // Since tomorrow: nothing; since long ago: everything.
    let tomorrow = (chrono::Local::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(stats_json(&sandbox, &["--since", &tomorrow])["jobs"], 0);
    assert_eq!(stats_json(&sandbox, &["--since", "2000-01-01"])["jobs"], 3);
    assert_eq!(stats_json(&sandbox, &["--since", "1h"])["jobs"], 3);
    sandbox
        .run(&["history", "stats", "--since", "last tuesday"])
        .expect_code(2)
        .expect_stderr("not a date");

    // A record from before prices were kept counts at today's price, and says so.
    let mut records = sandbox.records();
    let old = records.iter_mut().find(|r| r.price_usd.is_some()).unwrap();
    let path = sandbox.jobs_dir().join(format!("{}.json", old.id));
    let mut value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    value.as_object_mut().unwrap().remove("price_usd");
    value["schema"] = 1.into();
    std::fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
    let stats = stats_json(&sandbox, &[]);
    assert_eq!(stats["unpriced_videos"], 1);
    assert_eq!(stats["spend_usd"], 2.5);
    sandbox
        .run(&["history", "stats"])
        .expect_code(0)
        .expect_stdout(
            "spent       $2.50 for 2 completed videos (1 with no recorded price, counted at $2.00)",
        )
        .expect_stdout("  completed       2")
        .expect_stdout("  failed          1")
        .expect_stdout("run time    median ");
}
