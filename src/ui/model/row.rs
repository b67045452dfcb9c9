//! A job as the history lists, filters and sorts it: a few words of its record, not the
//! record. At 100,000 jobs the workbench holds these (about 200 bytes each); full records
//! are read when a job is opened.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use i2v_store::{BatchId, JobId, JobRecord, JobState, Summary};

/// Where a job's row sits in the book: stable until the history is replaced.
pub(crate) type Slot = u32;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Row {
    pub id: JobId,
    pub created_at: DateTime<Utc>,
    pub state: JobState,
    /// 1 to 5, if the user rated the result.
    pub rating: Option<u8>,
    /// The note's start, as the index keeps it ([`i2v_store::note_start`]).
    pub note: Option<Box<str>>,
    /// Price per video when it was submitted, in USD.
    pub price_usd: Option<f64>,
    pub batch: Option<BatchId>,
    /// The whole prompt, as stored (untrusted: sanitise before drawing). The filter
    /// matches it. Shared by the jobs with the same prompt: iterating means many.
    pub prompt: Arc<str>,
    /// The image as the user gave it: the URL or the path.
    pub image: Box<str>,
    /// The job whose last frame this one started from (a chained shot), if any.
    pub continues: Option<JobId>,
    /// Brought in from fal's records, made elsewhere.
    pub imported: bool,
}

impl Row {
    /// Takes the summary's strings as they are: the index decodes each one once, at its
    /// size, so a copy would only double the listing's memory for a moment and leave the
    /// holes behind (glibc keeps them).
    pub fn of_summary(summary: Summary, prompts: &mut Prompts) -> Row {
        Row {
            id: summary.id,
            created_at: summary.created_at,
            state: summary.state,
            rating: summary.rating,
            note: summary.note,
            price_usd: summary.price_usd,
            batch: summary.batch,
            prompt: prompts.share(summary.prompt),
            image: summary.image.into_boxed_str(),
            continues: summary.continues,
            imported: summary.imported,
        }
    }

    pub fn of_record(record: &JobRecord, prompts: &mut Prompts) -> Row {
        Row {
            id: record.id.clone(),
            created_at: record.created_at,
            state: record.state.clone(),
            rating: record.rating.map(|r| r.stars()),
            note: record.note.as_deref().and_then(i2v_store::note_start),
            price_usd: record.price_usd,
            batch: record.batch.clone(),
            prompt: prompts.get(&record.input.prompt),
            image: record.input.image.display().into_boxed_str(),
            continues: record.continues.clone(),
            imported: record.imported_at.is_some(),
        }
    }
}

/// Each prompt once, however many jobs share it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Prompts(HashSet<Arc<str>>);

impl Prompts {
    pub fn get(&mut self, prompt: &str) -> Arc<str> {
        if let Some(known) = self.0.get(prompt) {
            return known.clone();
        }
        let new: Arc<str> = Arc::from(prompt);
        self.0.insert(new.clone());
        new
    }

    /// [`Prompts::get`] for a prompt already shared (the index shares each distinct one).
    pub fn share(&mut self, prompt: Arc<str>) -> Arc<str> {
        if let Some(known) = self.0.get(&*prompt) {
            return known.clone();
        }
        self.0.insert(prompt.clone());
        prompt
    }
}

/// The order the history lists jobs in (`s` cycles), kept between runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest first.
    #[default]
    Date,
    /// Unfinished, then completed, failed, cancelled, unknown; newest first within each.
    Status,
    /// Most stars first, unrated last; newest first among equals.
    Rating,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Date => Sort::Status,
            Sort::Status => Sort::Rating,
            Sort::Rating => Sort::Date,
        }
    }

    /// How the history's title names it.
    pub fn label(self) -> &'static str {
        match self {
            Sort::Date => "newest first",
            Sort::Status => "by status",
            Sort::Rating => "by rating",
        }
    }

    /// `a` before `b`?
    pub(crate) fn cmp(self, a: &Row, b: &Row) -> std::cmp::Ordering {
        let newest = || {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| b.id.cmp(&a.id))
        };
        match self {
            Sort::Date => newest(),
            Sort::Status => status_rank(&a.state)
                .cmp(&status_rank(&b.state))
                .then_with(newest),
            Sort::Rating => b.rating.cmp(&a.rating).then_with(newest),
        }
    }
}

/// Where a state goes when sorting by status: what still needs watching first.
fn status_rank(state: &JobState) -> u8 {
    match state {
        JobState::Preparing
        | JobState::Queued { .. }
        | JobState::Running
        | JobState::Downloading
        | JobState::ResultPending => 0,
        JobState::Completed => 1,
        JobState::Failed => 2,
        JobState::Cancelled => 3,
        JobState::MaybeSubmitted => 4,
    }
}
