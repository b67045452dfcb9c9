//! fal's optional request headers: from `i2v submit` flags and the config file's `[fal]`
//! table to the simulated fal, and recorded with the job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod support;

use i2v_sim::Route;
use support::{Sandbox, Sim, fixture, quick};

fn headers_of(sim: &Sim, route: Route) -> std::collections::BTreeMap<String, String> {
    sim.stats()
        .fal_headers
        .into_iter()
        .find(|h| h.route == route)
        .unwrap_or_else(|| panic!("no x-fal-* headers on {route}"))
        .headers
}

#[test]
fn each_flag_reaches_fal_as_its_header_and_is_recorded() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let png = fixture("frame.png");
    let run = sandbox.submit(
        "a cat",
        &png,
        &[
            "--no-download",
            "--start-timeout",
            "300",
            "--priority",
            "low",
            "--output-expiry",
            "86400",
            "--input-expiry",
            "3600",
            "--no-store-io",
            "--no-fallbacks",
        ],
    );
    run.expect_code(0)
        .expect_stderr("waits behind every normal-priority request");

    let submit = headers_of(&sim, Route::Submit);
    assert_eq!(submit["x-fal-request-timeout"], "300");
    assert_eq!(submit["x-fal-queue-priority"], "low");
    assert_eq!(
        submit["x-fal-object-lifecycle-preference"],
        r#"{"expiration_duration_seconds":86400}"#
    );
    assert_eq!(submit["x-fal-store-io"], "0");
    assert_eq!(submit["x-fal-disable-fallbacks"], "true");
    assert!(!submit.contains_key("x-fal-object-lifecycle"));
    let upload = headers_of(&sim, Route::Upload);
    assert_eq!(
        upload["x-fal-object-lifecycle"],
        r#"{"expiration_duration_seconds":3600}"#
    );

    let record = sandbox.only_record();
    let options = &record.fal_options;
    assert_eq!(options.start_timeout_secs, Some(300));
    assert_eq!(options.priority.as_deref(), Some("low"));
    assert_eq!(options.output_expiry_secs, Some(86_400));
    assert_eq!(options.input_expiry_secs, Some(3_600));
    assert!(options.no_store_io && options.disable_fallbacks);
    sandbox
        .run(&["history", "show", record.id.as_str()])
        .expect_stdout("priority low");
}

#[test]
fn the_config_files_fal_table_applies_and_flags_override_it() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let config = sandbox.config_path();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[fal]\nstart_timeout = 120\npriority = \"normal\"\nstore_io = false\nfallbacks = false\n",
    )
    .unwrap();
    sandbox
        .submit(
            "a cat",
            "https://example.com/frame.png",
            &["--no-download", "--start-timeout", "60"],
        )
        .expect_code(0);
    let submit = headers_of(&sim, Route::Submit);
    assert_eq!(submit["x-fal-request-timeout"], "60", "the flag wins");
    assert_eq!(submit["x-fal-queue-priority"], "normal");
    assert_eq!(submit["x-fal-store-io"], "0");
    assert_eq!(submit["x-fal-disable-fallbacks"], "true");
}

#[test]
fn without_options_no_optional_header_is_sent() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    sandbox
        .submit("a cat", fixture("frame.png"), &["--no-download"])
        .expect_code(0);
    assert!(
        sim.stats().fal_headers.is_empty(),
        "{:?}",
        sim.stats().fal_headers
    );
    assert!(sandbox.only_record().fal_options.is_default());
}

#[test]
fn an_unknown_key_in_the_fal_table_is_refused_by_name() {
    let sim = Sim::start(quick());
    let sandbox = Sandbox::new(&sim.url());
    let config = sandbox.config_path();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "[fal]\npriorty = \"low\"\n").unwrap();
    sandbox
        .submit("a cat", "https://example.com/frame.png", &[])
        .expect_code(2)
        .expect_stderr("priorty");
    assert_eq!(sim.count("submit"), 0);
}
