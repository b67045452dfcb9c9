//! Choosing jobs from the history's summaries: `--status`, `--since`, `--grep`, `--batch`,
//! `--min-rating`.

use clap::Args;
use i2v_store::{JobState, Summary};

use crate::words::Words;

/// Which jobs a history command looks at; every given filter must match.
#[derive(Debug, Default, Clone, Args)]
pub struct HistoryFilterArgs {
    /// Only jobs in this state (repeatable).
    #[arg(long, value_enum, value_name = "STATE")]
    pub status: Vec<StateArg>,
    /// Only jobs created since: 2026-11-03, 2026-11-03T14:00:00Z, today, yesterday, 36h,
    /// 7d, 2w.
    #[arg(long, value_name = "DATE", value_parser = super::dates::parse_since)]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only jobs with these words: each begins a word of the prompt or of the image's file
    /// name, in any order, ignoring case (as the workbench's filter).
    #[arg(long, value_name = "WORDS")]
    pub grep: Option<String>,
    /// Only jobs of this batch (an id or its unique start).
    #[arg(long, value_name = "ID")]
    pub batch: Option<String>,
    /// Only jobs rated N or better (1 to 5).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=5))]
    pub min_rating: Option<u8>,
}

/// A job state as typed on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StateArg {
    Preparing,
    Queued,
    Running,
    Downloading,
    ResultPending,
    Completed,
    Failed,
    Cancelled,
    #[value(alias = "maybe-submitted")]
    MaybeSent,
}

impl StateArg {
    pub fn matches(self, state: &JobState) -> bool {
        matches!(
            (self, state),
            (Self::Preparing, JobState::Preparing)
                | (Self::Queued, JobState::Queued { .. })
                | (Self::Running, JobState::Running)
                | (Self::Downloading, JobState::Downloading)
                | (Self::ResultPending, JobState::ResultPending)
                | (Self::Completed, JobState::Completed)
                | (Self::Failed, JobState::Failed)
                | (Self::Cancelled, JobState::Cancelled)
                | (Self::MaybeSent, JobState::MaybeSubmitted)
        )
    }
}

/// The state as the record names it (`completed`, `result_pending`, `maybe_submitted`...).
pub fn state_name(state: &JobState) -> &'static str {
    match state {
        JobState::Preparing => "preparing",
        JobState::Queued { .. } => "queued",
        JobState::Running => "running",
        JobState::Downloading => "downloading",
        JobState::ResultPending => "result_pending",
        JobState::Completed => "completed",
        JobState::Failed => "failed",
        JobState::Cancelled => "cancelled",
        JobState::MaybeSubmitted => "maybe_submitted",
    }
}

/// The filter flags, ready to test summaries against.
pub struct Filter {
    args: HistoryFilterArgs,
    /// `--grep`'s words, as the workbench's filter reads them.
    words: Option<Words>,
}

impl Filter {
    pub fn new(args: HistoryFilterArgs) -> Filter {
        let words = args.grep.as_deref().map(Words::new);
        Filter { args, words }
    }

    pub fn matches(&self, job: &Summary) -> bool {
        let args = &self.args;
        (args.status.is_empty() || args.status.iter().any(|s| s.matches(&job.state)))
            && args.since.is_none_or(|since| job.created_at >= since)
            && self
                .words
                .as_ref()
                .is_none_or(|words| words.matches(&job.prompt, &job.image))
            && args.batch.as_deref().is_none_or(|wanted| {
                job.batch
                    .as_ref()
                    .is_some_and(|batch| starts_with_ignore_case(batch.as_str(), wanted))
            })
            && args
                .min_rating
                .is_none_or(|min| job.rating.is_some_and(|r| r >= min))
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_are_the_records_own() {
        let states = [
            JobState::Preparing,
            JobState::Queued { position: Some(2) },
            JobState::Running,
            JobState::Downloading,
            JobState::ResultPending,
            JobState::Completed,
            JobState::Failed,
            JobState::Cancelled,
            JobState::MaybeSubmitted,
        ];
        for state in states {
            let value = serde_json::to_value(&state).unwrap();
            assert_eq!(value["state"], state_name(&state), "{state:?}");
        }
    }
}
