//! Judging results: a rating of 1 to 5 stars and a one-line note, kept in the job's record.
//! Written through the store's per-job lock, and only to a completed job that no other
//! process is running, so a judgement never races the process that owns the job.

use std::time::{Duration, Instant};

use i2v_store::{JobClaim, JobId, JobRecord, JobState, Rating, Store, StoreError};

/// What a judgement changes; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// `Some(None)` clears the rating.
    pub rating: Option<Option<Rating>>,
    /// `Some(None)` clears the note.
    pub note: Option<Option<String>>,
}

impl Verdict {
    /// Rates with `stars` 1 to 5; 0 (or anything outside 1..=5) clears the rating.
    pub fn stars(stars: u8) -> Verdict {
        Verdict {
            rating: Some(Rating::new(stars)),
            note: None,
        }
    }

    /// Sets the note to `text` made one line; blank text clears it.
    pub fn note(text: &str) -> Verdict {
        Verdict {
            rating: None,
            note: Some(one_line(text)),
        }
    }

    pub fn apply(&self, record: &mut JobRecord) {
        if let Some(rating) = self.rating {
            record.rating = rating;
        }
        if let Some(note) = &self.note {
            record.note.clone_from(note);
        }
    }
}

/// A note is one line: lines typed or pasted are joined with spaces; blank is none.
pub fn one_line(text: &str) -> Option<String> {
    let joined = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}

#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    #[error("job {0} is being run by another i2v process right now; rate it once that is done")]
    Busy(JobId),
    #[error("job {id} is {state}: only a completed job (one with a video) can be rated")]
    NotCompleted { id: JobId, state: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How long a judgement waits for another one (from another `i2v rate`, or a workbench) to
/// let go of the job: those take milliseconds; a run takes far longer.
const CLAIM_WAIT: Duration = Duration::from_secs(2);

/// Applies `verdict` to job `id`'s record on disk and returns the record as saved. Blocking
/// file I/O: call it off the UI task.
pub fn judge(store: &Store, id: &JobId, verdict: &Verdict) -> Result<JobRecord, JudgeError> {
    // Holding the run claim keeps any other process from taking the job up meanwhile.
    let _claim = claim_within(store, id, CLAIM_WAIT)?;
    // Read under the claim: whatever the caller saw may be stale.
    let current = store.load(id)?;
    if current.state != JobState::Completed {
        return Err(JudgeError::NotCompleted {
            id: id.clone(),
            state: current.state.label(),
        });
    }
    Ok(store.update(id, |record| verdict.apply(record))?)
}

/// `★★★★☆`: five places, the rating's filled.
pub fn stars(rating: Rating) -> String {
    let full = usize::from(rating.stars());
    let empty = usize::from(Rating::MAX).saturating_sub(full);
    format!("{}{}", "★".repeat(full), "☆".repeat(empty))
}

/// The job's run claim, waiting up to `wait` for whoever holds it (a judgement from another
/// process is over in milliseconds); `Busy` if it is still held then (a run).
fn claim_within(store: &Store, id: &JobId, wait: Duration) -> Result<JobClaim, JudgeError> {
    let deadline = Instant::now() + wait;
    loop {
        if let Some(claim) = store.claim(id)? {
            return Ok(claim);
        }
        if Instant::now() >= deadline {
            return Err(JudgeError::Busy(id.clone()));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_clears_and_one_to_five_rate() {
        assert_eq!(Verdict::stars(0).rating, Some(None));
        assert_eq!(Verdict::stars(4).rating, Some(Rating::new(4)));
        assert_eq!(Verdict::stars(6).rating, Some(None));
        assert_eq!(Verdict::stars(3).note, None, "a rating leaves the note");
    }

    #[test]
    fn notes_are_one_line_and_blank_clears() {
        assert_eq!(
            Verdict::note(" warm\n light \n").note,
            Some(Some("warm light".into()))
        );
        assert_eq!(Verdict::note("  \n ").note, Some(None));
        assert_eq!(Verdict::note("x").rating, None, "a note leaves the rating");
    }

    fn saved(store: &Store, state: JobState) -> JobRecord {
        let record = crate::test_record::record("a fox", state);
        store.save(&record).unwrap();
        record
    }

    #[test]
    fn a_completed_job_is_judged_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let job = saved(&store, JobState::Completed);

        judge(&store, &job.id, &Verdict::stars(4)).unwrap();
        judge(&store, &job.id, &Verdict::note("soft light")).unwrap();
        let on_disk = store.load(&job.id).unwrap();
        assert_eq!(on_disk.rating, Rating::new(4));
        assert_eq!(on_disk.note.as_deref(), Some("soft light"));

        judge(&store, &job.id, &Verdict::stars(0)).unwrap();
        assert_eq!(store.load(&job.id).unwrap().rating, None);
    }

    #[test]
    fn a_job_still_running_or_run_elsewhere_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let running = saved(&store, JobState::Running);
        let err = judge(&store, &running.id, &Verdict::stars(5)).unwrap_err();
        assert!(err.to_string().contains("is running"), "{err}");

        let done = saved(&store, JobState::Completed);
        let claim = store.claim(&done.id).unwrap().unwrap();
        let err = judge(&store, &done.id, &Verdict::stars(5)).unwrap_err();
        assert!(err.to_string().contains("another i2v process"), "{err}");
        drop(claim);
        assert_eq!(store.load(&done.id).unwrap().rating, None);
    }

    #[test]
    fn stars_read_as_stars() {
        assert_eq!(stars(Rating::new(4).unwrap()), "★★★★☆");
        assert_eq!(stars(Rating::new(1).unwrap()), "★☆☆☆☆");
    }
}
