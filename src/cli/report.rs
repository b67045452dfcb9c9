//! Follows jobs on stderr for people: state changes with elapsed time, and every fal log line
//! (sanitised: it is remote text and this is someone's terminal).

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use i2v_store::{JobId, JobRecord, JobState};

use crate::jobs::{JobEvent, Progress};
use crate::text::sanitize;

pub struct Reporter {
    started: Instant,
    last_state: HashMap<JobId, JobState>,
    /// With several jobs at once, lines are prefixed with a short job id.
    prefix_ids: bool,
}

impl Reporter {
    pub fn new(prefix_ids: bool) -> Self {
        Self {
            started: Instant::now(),
            last_state: HashMap::new(),
            prefix_ids,
        }
    }

    /// Prints what `event` says; returns the record when the job reached a terminal state.
    pub fn handle(&mut self, event: &JobEvent) -> Option<JobRecord> {
        let mut err = std::io::stderr().lock();
        match event {
            JobEvent::Updated(record) => {
                let changed = self.last_state.get(&record.id) != Some(&record.state);
                if changed {
                    self.last_state
                        .insert(record.id.clone(), record.state.clone());
                    let _ = writeln!(
                        err,
                        "{}{} {}",
                        self.prefix(&record.id),
                        self.elapsed(),
                        describe_state(record)
                    );
                }
                if record.state.is_terminal() {
                    return Some((**record).clone());
                }
            }
            JobEvent::Logs { id, entries } => {
                for entry in entries {
                    let _ = writeln!(
                        err,
                        "{}{}   {} {}",
                        self.prefix(id),
                        self.elapsed(),
                        sanitize(&entry.level),
                        sanitize(&entry.message)
                    );
                }
            }
            JobEvent::Progress { id, progress } => {
                if let Some(text) = describe_progress(progress) {
                    let _ = writeln!(err, "{}{} {text}", self.prefix(id), self.elapsed());
                }
            }
            JobEvent::StoreFailed { id, message } | JobEvent::Warning { id, message } => {
                let _ = writeln!(err, "{}warning: {}", self.prefix(id), sanitize(message));
            }
            JobEvent::StoreRecovered { id } => {
                let _ = writeln!(
                    err,
                    "{}{} record saved again",
                    self.prefix(id),
                    self.elapsed()
                );
            }
        }
        None
    }

    fn prefix(&self, id: &JobId) -> String {
        if self.prefix_ids {
            let s = id.as_str();
            format!("[{}] ", &s[s.len().saturating_sub(6)..])
        } else {
            String::new()
        }
    }

    fn elapsed(&self) -> String {
        let secs = self.started.elapsed().as_secs();
        format!("[{:02}:{:02}]", secs / 60, secs % 60)
    }
}

fn describe_state(record: &JobRecord) -> String {
    match &record.state {
        JobState::Preparing => format!("job {} created", record.id),
        // In the words of the workbench's queue and details.
        JobState::Queued { .. } => record.state.describe(),
        JobState::Running => "running".into(),
        JobState::Downloading => "finished on fal; fetching the result".into(),
        JobState::ResultPending => {
            "finished on fal, but the result could not be read yet; asking again".into()
        }
        JobState::Completed => "completed".into(),
        // The reason is printed once, with the final result.
        JobState::Failed => "failed".into(),
        JobState::Cancelled => "cancelled".into(),
        // The reason and what to do are printed once, with the final result.
        JobState::MaybeSubmitted => "submitted, but fal's answer was lost".into(),
    }
}

fn describe_progress(progress: &Progress) -> Option<String> {
    Some(match progress {
        Progress::Uploading { bytes } => {
            format!("uploading image ({})", crate::byte_size::human_size(*bytes))
        }
        Progress::Submitting => "submitting".into(),
        Progress::Checking { look: 1 } => {
            "fal's answer to the submit was lost: checking fal's records for the job".into()
        }
        // One line for the first look is enough; the outcome is printed when it comes.
        Progress::Checking { .. } => return None,
        Progress::Reconnecting { reason } => {
            format!("status stream interrupted ({}); polling", sanitize(reason))
        }
        Progress::Retrying {
            attempt,
            delay,
            reason,
        } => crate::jobs::retry_text(*attempt, *delay, &sanitize(reason)),
        // Per-chunk download progress would flood a log; the final line says where it went.
        Progress::Downloading { .. } => return None,
        Progress::Downloaded { path } => format!("saved {}", sanitize(&path.display().to_string())),
    })
}
