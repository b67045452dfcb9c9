//! A job record for unit tests: `prompt` over an image URL, in `state`, nothing else recorded.

use i2v_store::{ImageSource, JobInput, JobRecord, JobState};

pub(crate) fn record(prompt: &str, state: JobState) -> JobRecord {
    let mut record = JobRecord::new(
        "model",
        JobInput {
            prompt: prompt.to_owned(),
            image: ImageSource::Url {
                url: "https://example.com/heron.png".to_owned(),
            },
            prompt_optimizer: true,
        },
    );
    record.state = state;
    record
}
