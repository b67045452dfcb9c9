//! What lists, filters and sorts need of a job, without its logs, timeline and request: a few
//! hundred bytes against a record's kilobytes, so a history of 100,000 jobs can be held and
//! searched as summaries while full records load only when a job is opened.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::record::{BatchId, ErrorKind, JobId, JobRecord, JobState};

#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub id: JobId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub state: JobState,
    /// The whole prompt, as stored (untrusted for drawing: sanitise first). Filters match it.
    /// Shared: iterating on an idea gives many jobs one prompt, and a long history read from
    /// the index holds each distinct prompt once.
    pub prompt: Arc<str>,
    /// The image as the user gave it: the URL or the path.
    pub image: String,
    pub prompt_optimizer: bool,
    /// 1 to 5, if the user rated the result.
    pub rating: Option<u8>,
    /// The note's start (see [`note_start`]), so lists show it without reading the record.
    pub note: Option<Box<str>>,
    pub batch: Option<BatchId>,
    /// Price per video in force when the job was submitted, in USD.
    pub price_usd: Option<f64>,
    /// fal gave the job a video URL.
    pub has_video: bool,
    /// The video was saved to a local file.
    pub has_file: bool,
    /// The failure's kind (`auth`, `network`...), if the job recorded one.
    pub error_kind: Option<ErrorKind>,
    /// The job whose last frame this one started from (a chained shot), if any.
    pub continues: Option<JobId>,
    /// How long fal took, from the record's timeline and metrics.
    pub timings: Timings,
    /// Brought in from fal's records, made elsewhere.
    pub imported: bool,
}

/// How long a job spent where, in seconds; `None` where the record does not say.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Timings {
    /// From entering fal's queue to leaving it.
    pub queued: Option<f64>,
    /// From a runner starting the job to fal finishing it.
    pub running: Option<f64>,
    /// fal's own inference time.
    pub inference: Option<f64>,
}

impl Timings {
    pub fn of(record: &JobRecord) -> Timings {
        Timings {
            queued: time_in(record, |s| matches!(s, JobState::Queued { .. })),
            running: time_in(record, |s| *s == JobState::Running),
            inference: record
                .metrics
                .inference_time
                .filter(|t| t.is_finite() && *t >= 0.0),
        }
    }
}

/// Seconds from the first timeline entry in a state `within` to the first after it that is
/// not; `None` if the job never entered or never left it.
fn time_in(record: &JobRecord, within: fn(&JobState) -> bool) -> Option<f64> {
    let start = record.timeline.iter().position(|c| within(&c.state))?;
    let entered = record.timeline[start].at;
    let left = record.timeline[start..]
        .iter()
        .find(|c| !within(&c.state))?
        .at;
    (left - entered).to_std().ok().map(|d| d.as_secs_f64())
}

impl Summary {
    pub fn of(record: &JobRecord) -> Summary {
        let result = record.result.as_ref();
        Summary {
            id: record.id.clone(),
            created_at: record.created_at,
            updated_at: record.updated_at,
            state: record.state.clone(),
            prompt: Arc::from(record.input.prompt.as_str()),
            image: record.input.image.display(),
            prompt_optimizer: record.input.prompt_optimizer,
            rating: record.rating.map(|r| r.stars()),
            note: record.note.as_deref().and_then(note_start),
            batch: record.batch.clone(),
            price_usd: record.price_usd,
            has_video: result.is_some_and(|r| !r.url.is_empty()),
            has_file: result.is_some_and(|r| r.local_file.is_some()),
            error_kind: record.error.as_ref().map(|e| e.kind.clone()),
            continues: record.continues.clone(),
            timings: Timings::of(record),
            imported: record.imported_at.is_some(),
        }
    }

    pub fn has_note(&self) -> bool {
        self.note.is_some()
    }

    /// The first line of the prompt, for one-line lists.
    pub fn title(&self) -> &str {
        self.prompt.lines().next().unwrap_or("")
    }
}

/// The most of a note a summary keeps, in characters: what a list row has room for.
pub const NOTE_CHARS: usize = 80;

/// A note as a summary keeps it: trimmed, its lines joined by a space, and when longer than
/// [`NOTE_CHARS`] cut to that many with `…` as the last; `None` for a blank one.
pub fn note_start(note: &str) -> Option<Box<str>> {
    let mut words = note.split_whitespace().peekable();
    words.peek()?;
    let mut start = String::new();
    let mut chars = 0;
    for word in words {
        if chars > 0 {
            start.push(' ');
            chars += 1;
        }
        start.push_str(word);
        chars += word.chars().count();
        if chars > NOTE_CHARS {
            break;
        }
    }
    if chars > NOTE_CHARS {
        let cut = start
            .char_indices()
            .nth(NOTE_CHARS - 1)
            .map_or(start.len(), |(at, _)| at);
        start.truncate(cut);
        start.push('…');
    }
    Some(start.into_boxed_str())
}

/// Newest first: by creation time, then by id (the order every history list uses).
pub(crate) fn newest_first(a: &Summary, b: &Summary) -> std::cmp::Ordering {
    b.created_at
        .cmp(&a.created_at)
        .then_with(|| b.id.cmp(&a.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_keeps_the_start_of_a_note() {
        assert_eq!(note_start("  "), None);
        assert_eq!(
            note_start(" good\n  motion ").as_deref(),
            Some("good motion")
        );
        let long = "é".repeat(NOTE_CHARS + 10);
        let kept = note_start(&long).unwrap_or_default();
        assert_eq!(kept.chars().count(), NOTE_CHARS);
        assert!(kept.ends_with("é…"), "{kept}");
        let exact = "x".repeat(NOTE_CHARS);
        assert_eq!(note_start(&exact).as_deref(), Some(exact.as_str()));
    }
}
