//! Shared helpers for the tests that drive the workbench like a user: a text view of a
//! screen that can find panes by title, key presses, an in-process workbench against the
//! simulated fal, and the real binary in a pseudo-terminal.
#![allow(dead_code)] // each test crate uses a different part

pub mod bench;
pub mod keys;
pub mod link;
pub mod pty;
pub mod screen;

use std::time::Duration;

/// How long any wait for the screen gives up after. Generous: a slow shared machine must
/// not make a correct workbench fail, and a broken one fails with the screen printed.
pub const WAIT: Duration = Duration::from_secs(20);

/// The test image every scenario submits, as an absolute path so the working directory
/// of the test (or of the spawned binary) does not matter.
pub fn fixture_png() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/frame.png").to_owned()
}

/// A job of the model, from an image URL, in `state`, created `minutes_ago`: a record to put
/// in the store before a workbench starts on it.
pub fn past_record(
    prompt: &str,
    state: i2v_store::JobState,
    minutes_ago: i64,
) -> i2v_store::JobRecord {
    let mut record = i2v_store::JobRecord::new(
        "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video",
        i2v_store::JobInput {
            prompt: prompt.into(),
            image: i2v_store::ImageSource::Url {
                url: "https://example.com/frame.png".into(),
            },
            prompt_optimizer: true,
        },
    );
    record.created_at = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago);
    record.state = state;
    record
}
