//! Job records for unit tests: `prompt` over an image URL, in `state`, nothing else recorded;
//! a finished one with its video downloaded; a shot continuing another.

use std::path::PathBuf;

use i2v_store::{ImageSource, JobInput, JobRecord, JobState, VideoResult};

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

/// A completed job `prompt` whose video was downloaded (to a path under /videos that need
/// not exist: the views only name it and hand it on).
pub(crate) fn with_video(prompt: &str) -> JobRecord {
    let mut record = record(prompt, JobState::Completed);
    record.result = Some(VideoResult {
        url: format!("https://fal.media/files/{}.mp4", record.id),
        content_type: Some("video/mp4".to_owned()),
        file_name: None,
        file_size: None,
        local_file: Some(PathBuf::from(format!("/videos/{}.mp4", record.id))),
        local_size: Some(1_000_000),
    });
    record
}

/// A completed shot `prompt` with its video, continuing `before` from its last frame.
pub(crate) fn continuing(prompt: &str, before: &JobRecord) -> JobRecord {
    let mut record = with_video(prompt);
    record.continues = Some(before.id.clone());
    record
}
