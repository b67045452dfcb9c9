//! Money from fal: the price per video from fal's price list (remembered a day in the data
//! dir; the config's `price_per_video` wins; the built-in $0.33 when neither is there), and
//! where the price in force came from, as `history stats` and `paths` say.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use i2v_sim::{Fault, Route, SimConfig};
use support::{Sandbox, Sim, quick};

const IMAGE_URL: &str = "https://example.com/frame.png";

fn priced_sim(price: f64) -> Sim {
    Sim::start(SimConfig {
        price_usd: price,
        ..quick()
    })
}

fn submit(sandbox: &Sandbox) -> support::Run {
    sandbox.submit("a cat walks", IMAGE_URL, &["--no-download"])
}

fn prices(sandbox: &Sandbox) -> Vec<f64> {
    sandbox
        .records()
        .iter()
        .map(|r| r.price_usd.unwrap())
        .collect()
}

fn stats_json(sandbox: &Sandbox) -> serde_json::Value {
    let run = sandbox.run(&["history", "stats", "--json"]);
    run.expect_code(0);
    serde_json::from_str(run.stdout.trim()).unwrap()
}

#[test]
fn the_price_comes_from_fals_price_list_and_is_remembered_for_a_day() {
    let sim = priced_sim(0.4);
    let sandbox = Sandbox::new(&sim.url());
    submit(&sandbox).expect_code(0);
    assert_eq!(prices(&sandbox), [0.4], "recorded at fal's price");
    assert_eq!(sim.count("pricing"), 1);
    assert!(sandbox.data_dir().join("price.json").is_file());

    submit(&sandbox).expect_code(0);
    assert_eq!(sim.count("pricing"), 1, "remembered, not asked again");
    assert_eq!(prices(&sandbox), [0.4, 0.4]);

    sandbox
        .run(&["history", "stats"])
        .expect_code(0)
        .expect_stdout("price       $0.40 per video: fal's price list, fetched ");
    let stats = stats_json(&sandbox);
    assert_eq!(stats["price_per_video_usd"], 0.4);
    assert_eq!(stats["price_source"], "fal");
    assert_eq!(stats["spend_usd"], 0.8);
    sandbox
        .run(&["paths"])
        .expect_code(0)
        .expect_stdout("price  $0.40 per video: fal's price list, fetched ");
}

#[test]
fn a_price_remembered_more_than_a_day_ago_is_asked_for_again() {
    let sim = priced_sim(0.4);
    let sandbox = Sandbox::new(&sim.url());
    std::fs::create_dir_all(sandbox.data_dir()).unwrap();
    let old = serde_json::json!({
        "endpoint_id": i2v_fal::MODEL_ID,
        "unit_price": 0.2,
        "unit": "video",
        "currency": "USD",
        "fetched_at": (chrono::Utc::now() - chrono::Duration::hours(25)).to_rfc3339(),
    });
    std::fs::write(sandbox.data_dir().join("price.json"), old.to_string()).unwrap();
    submit(&sandbox).expect_code(0);
    assert_eq!(sim.count("pricing"), 1);
    assert_eq!(prices(&sandbox), [0.4]);
}

#[test]
fn the_configs_price_wins_and_fal_is_not_asked() {
    let sim = priced_sim(0.4);
    let sandbox = Sandbox::new(&sim.url());
    sandbox.write_config("price_per_video = 0.5\n");
    submit(&sandbox).expect_code(0);
    assert_eq!(sim.count("pricing"), 0);
    assert_eq!(prices(&sandbox), [0.5]);
    assert_eq!(stats_json(&sandbox)["price_source"], "config");
    sandbox
        .run(&["history", "stats"])
        .expect_stdout("price       $0.50 per video: price_per_video in the config");
}

#[test]
fn without_fals_price_list_the_built_in_price_is_used_and_the_submit_goes_on() {
    let sim = priced_sim(0.4);
    sim.faults().push(Route::Pricing, Fault::Unauthorized, 1);
    let sandbox = Sandbox::new(&sim.url());
    submit(&sandbox).expect_code(0);
    assert_eq!(sim.count("pricing"), 1);
    assert_eq!(sim.count("submit"), 1);
    assert_eq!(prices(&sandbox), [0.33]);
    assert!(!sandbox.data_dir().join("price.json").exists());
    assert_eq!(stats_json(&sandbox)["price_source"], "built_in");
    sandbox
        .run(&["history", "stats"])
        .expect_stdout("price       $0.33 per video: built in");

    // Reachable again: asked again (nothing was remembered), and remembered now.
    submit(&sandbox).expect_code(0);
    assert_eq!(sim.count("pricing"), 2);
    assert_eq!(prices(&sandbox), [0.33, 0.4]);
}

fn submits(sim: &Sim) -> u64 {
    sim.count("submit")
}

#[test]
fn a_submit_past_the_daily_budget_is_refused_before_anything_is_sent_unless_over_budget() {
    let sim = priced_sim(0.4);
    let sandbox = Sandbox::new(&sim.url());
    submit(&sandbox).expect_code(0);
    sandbox.write_config("[budget]\ndaily_usd = 0.7\n");

    let refused = submit(&sandbox);
    refused.expect_code(2).expect_stderr(
        "over the daily budget of $0.70: $0.40 spent today, and this would cost $0.40 more \
         ($0.80 in all); nothing was sent: raise [budget] daily_usd in ",
    );
    refused.expect_stderr("or add --over-budget to send anyway");
    assert_eq!(submits(&sim), 1, "nothing may reach fal");
    assert_eq!(sandbox.records().len(), 1, "no record either");

    sandbox
        .submit(
            "a cat walks",
            IMAGE_URL,
            &["--no-download", "--over-budget"],
        )
        .expect_code(0)
        .expect_stderr("warning: over the daily budget of $0.70");
    assert_eq!(submits(&sim), 2);

    // Up to the cap exactly is within it.
    sandbox.write_config("[budget]\ndaily_usd = 1.2\n");
    submit(&sandbox).expect_code(0);
    assert_eq!(submits(&sim), 3);
}

#[test]
fn the_session_budget_weighs_a_whole_matrix_before_any_of_it_is_sent() {
    let sim = priced_sim(0.4);
    let sandbox = Sandbox::new(&sim.url());
    sandbox.write_config("[budget]\nsession_usd = 1.0\n");
    sandbox
        .submit(
            "a {red|blue|green} fox",
            IMAGE_URL,
            &["--no-download", "--yes"],
        )
        .expect_code(2)
        .expect_stderr(
            "over the session budget of $1.00: $0.00 spent this session, and this would cost \
             $1.20 more ($1.20 in all); nothing was sent: raise [budget] session_usd in ",
        );
    assert_eq!(submits(&sim), 0);
    // A session of the CLI is one submit: what earlier ones cost does not count against it.
    for _ in 0..2 {
        sandbox
            .submit(
                "a fox",
                IMAGE_URL,
                &["--no-download", "--yes", "--repeat", "2"],
            )
            .expect_code(0);
    }
    assert_eq!(submits(&sim), 4);
}

#[test]
fn jobs_still_in_flight_count_against_the_budget() {
    let sim = Sim::start(SimConfig {
        price_usd: 0.4,
        run_time: std::time::Duration::from_secs(60),
        ..quick()
    });
    let sandbox = Sandbox::new(&sim.url());
    submit_with(&sandbox, &["--timeout", "1s"]).expect_code(124);
    sandbox.write_config("[budget]\ndaily_usd = 0.5\n");
    submit(&sandbox).expect_code(2).expect_stderr(
        "over the daily budget of $0.50: $0.00 spent today and $0.40 in flight, and this would \
         cost $0.40 more ($0.80 in all)",
    );
    assert_eq!(submits(&sim), 1);
}

fn submit_with(sandbox: &Sandbox, extra: &[&str]) -> support::Run {
    let mut args = vec!["--no-download"];
    args.extend_from_slice(extra);
    sandbox.submit("a cat walks", IMAGE_URL, &args)
}
