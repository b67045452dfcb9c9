//! The submits in flight: those sent to the engine and not answered yet, the jobs they
//! became, the billing pause, and the chained shots whose last frames were taken here. What
//! "identical to a job in flight" compares with, and what a submit continues.

use std::collections::VecDeque;

use i2v_store::JobId;

use crate::jobs::NewJob;
use crate::ui::model::book::Book;

/// What a submit sends, once every question is answered.
#[derive(Clone, Debug)]
pub(crate) enum Sending {
    One(NewJob),
    /// Several jobs as one batch; `from_marks` when they are the history's marked jobs (the
    /// marks go once sent).
    Batch {
        jobs: Vec<NewJob>,
        from_marks: bool,
    },
}

impl Sending {
    pub fn jobs(&self) -> usize {
        match self {
            Sending::One(_) => 1,
            Sending::Batch { jobs, .. } => jobs.len(),
        }
    }
}

#[derive(Default)]
pub(crate) struct Submits {
    /// A submit is on its way to the engine.
    pub submitting: bool,
    /// Submits sent to the runtime and not yet answered, oldest first (answers come in
    /// order), then the jobs they became: what "identical to a job in flight" compares with
    /// before the engine's first report of a job arrives.
    awaiting: VecDeque<NewJob>,
    sent: Vec<(JobId, NewJob)>,
    /// fal refused a job because the account is locked for billing: submits are paused
    /// (one banner, not one failed job after another) until the user dismisses it.
    pub billing_pause: bool,
    /// The job whose last frame is being taken for a chained shot.
    pub chaining: Option<JobId>,
    /// Last frames taken this session (image text → the job they end), so a submit from
    /// one records what it continues.
    chains: Vec<(String, JobId)>,
}

impl Submits {
    /// `jobs` go to the engine.
    pub fn send(&mut self, jobs: impl IntoIterator<Item = NewJob>) {
        self.submitting = true;
        self.awaiting.extend(jobs);
    }

    /// Submits on their way that the engine has not answered yet: no job of the book shows
    /// them, but they will cost.
    pub fn unanswered(&self) -> usize {
        self.awaiting.len()
    }

    /// The engine answered the oldest submit: it became job `id`, or (`None`) failed.
    pub fn answered(&mut self, id: Option<&JobId>) {
        self.submitting = false;
        let job = self.awaiting.pop_front();
        if let (Some(id), Some(job)) = (id, job) {
            self.sent.push((id.clone(), job));
        }
    }

    /// Jobs gone from the book, which must not count as still running.
    pub fn forget(&mut self, gone: &[JobId]) {
        self.sent.retain(|(id, _)| !gone.contains(id));
    }

    /// Whether a job with this very input is on its way or still running.
    pub fn in_flight(&mut self, book: &Book, job: &NewJob) -> bool {
        let running = |id: &JobId| book.get(id).is_none_or(|e| !e.record.state.is_terminal());
        self.sent.retain(|(id, _)| running(id));
        self.awaiting.contains(job)
            || self.sent.iter().any(|(_, sent)| sent == job)
            || book.live().any(|e| {
                let input = &e.record.input;
                !e.record.state.is_terminal()
                    && input.prompt == job.prompt
                    && input.prompt_optimizer == job.prompt_optimizer
                    && input.image.display() == job.image
            })
    }

    /// `image` is the last frame of `id`, taken here.
    pub fn chained(&mut self, image: String, id: JobId) {
        self.chains.retain(|(shot, _)| *shot != image);
        self.chains.push((image, id));
    }

    /// The job `image` continues, if it is a last frame taken here, or the image of a job
    /// that continued one (a re-run of a chained shot is chained too).
    pub fn continues_for(&self, book: &Book, image: &str) -> Option<JobId> {
        if let Some((_, id)) = self.chains.iter().rev().find(|(shot, _)| shot == image) {
            return Some(id.clone());
        }
        book.rows()
            .iter()
            .filter(|r| r.continues.is_some() && &*r.image == image)
            .max_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)))
            .and_then(|r| r.continues.clone())
    }
}
