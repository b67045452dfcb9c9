//! The optional fal controls a job was sent with (`X-Fal-*` request headers), kept with the
//! job so its history says how it ran. Read tolerantly: older records have none.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FalOptions {
    /// `X-Fal-Request-Timeout`: seconds fal waits for a runner to start the job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_timeout_secs: Option<u64>,
    /// `X-Fal-Queue-Priority`: `normal` or `low`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// `X-Fal-Object-Lifecycle-Preference`: seconds fal keeps the output video.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_expiry_secs: Option<u64>,
    /// `X-Fal-Object-Lifecycle` on upload: seconds fal keeps the uploaded image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_expiry_secs: Option<u64>,
    /// `X-Fal-Store-IO: 0`: fal does not keep the request's JSON payloads.
    #[serde(skip_serializing_if = "is_false")]
    pub no_store_io: bool,
    /// `x-fal-disable-fallbacks`.
    #[serde(skip_serializing_if = "is_false")]
    pub disable_fallbacks: bool,
}

impl FalOptions {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// One line for people, e.g. `start timeout 300 s · priority low`; empty when none.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(secs) = self.start_timeout_secs {
            parts.push(format!("start timeout {secs} s"));
        }
        if let Some(priority) = &self.priority {
            parts.push(format!("priority {priority}"));
        }
        if let Some(secs) = self.output_expiry_secs {
            parts.push(format!("video kept {secs} s"));
        }
        if let Some(secs) = self.input_expiry_secs {
            parts.push(format!("image kept {secs} s"));
        }
        if self.no_store_io {
            parts.push("payloads not stored".to_owned());
        }
        if self.disable_fallbacks {
            parts.push("no fallbacks".to_owned());
        }
        parts.join(" · ")
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(test)]
mod tests {
    use crate::{ImageSource, JobInput, JobRecord};

    use super::FalOptions;

    fn record() -> JobRecord {
        JobRecord::new(
            "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video",
            JobInput {
                prompt: "a cat".into(),
                image: ImageSource::Url {
                    url: "https://example.com/a.png".into(),
                },
                prompt_optimizer: true,
            },
        )
    }

    #[test]
    fn records_without_options_stay_as_they_were_and_still_read() {
        let plain = record();
        let json = serde_json::to_string(&plain).unwrap();
        assert!(!json.contains("fal_options"), "{json}");
        let back: JobRecord = serde_json::from_str(&json).unwrap();
        assert!(back.fal_options.is_default());
    }

    #[test]
    fn options_round_trip() {
        let mut with = record();
        with.fal_options = FalOptions {
            start_timeout_secs: Some(300),
            priority: Some("low".into()),
            output_expiry_secs: Some(86_400),
            input_expiry_secs: Some(3_600),
            no_store_io: true,
            disable_fallbacks: true,
        };
        let json = serde_json::to_string(&with).unwrap();
        let back: JobRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back.fal_options, with.fal_options);
        assert_eq!(
            back.fal_options.summary(),
            "start timeout 300 s · priority low · video kept 86400 s · image kept 3600 s · \
             payloads not stored · no fallbacks"
        );
    }
}
