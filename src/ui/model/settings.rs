//! What the workbench was started with and keeps: the theme, the key map, what to say when
//! a job ends, where it runs, what a video costs, the banner.

use crate::ui::model::config::NotifyConfig;
use crate::ui::model::keys::KeyMap;
use crate::ui::model::theme::Theme;

/// What a video costs, how many one submit may send and what may be spent (the config's
/// `price_per_video`, `max_jobs_per_submit` and `[budget]`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pricing {
    pub price_per_video: f64,
    pub max_jobs_per_submit: u64,
    pub budget: crate::budget::Budget,
}

impl Default for Pricing {
    fn default() -> Self {
        Self {
            price_per_video: crate::config::DEFAULT_PRICE_PER_VIDEO,
            max_jobs_per_submit: crate::config::DEFAULT_MAX_JOBS_PER_SUBMIT,
            budget: crate::budget::Budget::default(),
        }
    }
}

pub(crate) struct Settings {
    pub theme: Theme,
    pub keys: KeyMap,
    pub notify: NotifyConfig,
    /// Running over SSH: a video player started here would not be seen.
    pub remote: bool,
    pub pricing: Pricing,
    /// A line across the top, e.g. demo mode or a missing key.
    pub banner: Option<String>,
    /// Why nothing can be submitted at all (no API key, say): a submit says this before
    /// anything about the prompt or the image.
    pub cannot_submit: Option<String>,
    /// Running against the simulated fal (`--demo`).
    pub demo: bool,
}
