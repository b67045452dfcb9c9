//! Settling a submit whose answer was lost, from fal's own records (the Platform API's list of
//! the endpoint's requests, `fal-queue-protocol.md`, "Paying twice"): the request fal made
//! from the same input, sent in the window around the submit, is this job. Found, the job
//! follows it as if the answer had come; still missing at a look at least
//! [`EngineOptions::settle_after`](crate::jobs::EngineOptions) after the submit (the list lags
//! a few seconds), it was never made: failed, safe to re-run. A request is adopted by at most
//! one job: identical inputs in flight (a matrix with `--repeat`) are paired by time. Nothing
//! is ever sent again here.

use std::time::Duration;

use chrono::{DateTime, Utc};
use i2v_fal::{FalError, MAX_PAGE, RequestQuery};
use i2v_store::{ErrorKind, JobError, JobState, LostSubmit, Verdict};

use super::{JobRun, Stop};
use crate::jobs::convert;
use crate::jobs::event::{JobEvent, Progress};
use crate::jobs::fal_records::{
    CLOCK_MARGIN, Look, MAX_PAGES, Wanted, judge, neighbours, sent_between, sent_input,
};

/// How a settling ended, when it did not end in a request to follow.
enum Unsettled {
    /// fal never made it: why that is known.
    NotMade(String),
    /// fal's records could not tell: the verdict kept, and why.
    Undecided(Verdict, String),
}

impl JobRun {
    /// Notes that the submit's answer was lost, durably, before anything else (when it went
    /// out is saved already: `submit_sent_at`).
    pub(super) async fn lost(&mut self, reason: String) -> Stop {
        self.record.lost_submit = Some(LostSubmit::new(reason.clone()));
        self.save().await;
        Stop::Unsure(reason)
    }

    /// Asks fal's records about the lost submit until they settle it: a request found is
    /// followed to the end; otherwise the job ends failed (never made) or stays maybe sent,
    /// saying why.
    pub(super) async fn settle(&mut self, reason: String) -> Result<(), Stop> {
        match self.search(&reason).await? {
            Ok(()) => self.drive(None).await,
            Err(Unsettled::NotMade(why)) => Err(Stop::Failed(JobError::new(
                ErrorKind::NotSubmitted,
                format!("not submitted, safe to re-run: {why}"),
            ))),
            Err(Unsettled::Undecided(verdict, why)) => {
                self.note_verdict(verdict);
                Err(Stop::Undecided { reason, why })
            }
        }
    }

    /// Looks at fal's records, with waits between looks, until they say something final.
    /// `Ok(Ok(()))`: the job now follows the request found.
    async fn search(&mut self, reason: &str) -> Result<Result<(), Unsettled>, Stop> {
        let now = Utc::now();
        let (earliest, latest) = sent_between(&self.record, now);
        if self.record.lost_submit.is_none() {
            self.record.lost_submit = Some(LostSubmit::new(reason));
        }
        let Some(input) = sent_input(&self.record) else {
            // A local image's upload URL is saved before the submit: without one, the job
            // stopped before anything could be sent.
            self.note_verdict(Verdict::NotMade);
            return Ok(Err(Unsettled::NotMade(
                "the job stopped before its image was uploaded, so nothing was sent to fal".into(),
            )));
        };
        let wanted = Wanted {
            id: self.record.id.clone(),
            input,
            earliest,
            latest,
        };
        let settle_after = self.settle_after();
        let mut looks = 0;
        loop {
            looks += 1;
            self.progress(Progress::Checking { look: looks });
            let shutdown = self.inner.shutdown.clone();
            let look = tokio::select! {
                _ = shutdown.cancelled() => return Err(Stop::Shutdown),
                look = self.look(&wanted, settle_after) => look,
            };
            if let Some(lost) = &mut self.record.lost_submit {
                lost.checked_at = Some(Utc::now());
            }
            let look = match look {
                Ok(look) => look,
                Err(err) => {
                    tracing::warn!(job = %self.record.id, error = %err, "could not read fal's records");
                    return Ok(Err(Unsettled::Undecided(
                        Verdict::Unreachable,
                        format!(
                            "i2v could not ask fal's records about it ({err}); `i2v resume`, the \
                             workbench's next start or `i2v history check {}` asks again",
                            self.record.id
                        ),
                    )));
                }
            };
            tracing::info!(job = %self.record.id, ?look, looks, "looked for a lost submit in fal's records");
            match look {
                // Adopted as it was found (see `look`).
                Look::Found(_) => return Ok(Ok(())),
                Look::NotMade => {
                    self.note_verdict(Verdict::NotMade);
                    let waited = settle_after.as_secs_f64();
                    return Ok(Err(Unsettled::NotMade(format!(
                        "fal's answer to the submit was lost ({reason}), and fal's records \
                         showed no request like it {waited} s and more after it went out"
                    ))));
                }
                Look::NoPayloads { unmatched } => {
                    return Ok(Err(Unsettled::Undecided(
                        Verdict::NoPayloads,
                        format!(
                            "fal was asked not to keep request inputs (X-Fal-Store-IO: 0), so its \
                             records cannot tell whether this job is among the {unmatched} \
                             request(s) made then without them"
                        ),
                    )));
                }
                Look::TooMany => {
                    return Ok(Err(Unsettled::Undecided(
                        Verdict::Unreachable,
                        "fal's records hold more requests from then than i2v reads at one look"
                            .into(),
                    )));
                }
                Look::NotYet => {}
            }
            let delay = next_look(looks, latest, settle_after, Utc::now());
            tokio::select! {
                _ = self.inner.shutdown.cancelled() => return Err(Stop::Shutdown),
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// One look: fal's list for the window, judged against the other jobs of this history.
    /// Looks are taken one at a time in this process, so two jobs never adopt one request.
    async fn look(&mut self, wanted: &Wanted, settle_after: Duration) -> Result<Look, FalError> {
        let inner = self.inner.clone();
        let _one_at_a_time = inner.settling.lock().await;
        let looked_at = Utc::now();
        let query = RequestQuery {
            start: Some(wanted.earliest - CLOCK_MARGIN),
            payloads: true,
            limit: MAX_PAGE,
            ..RequestQuery::default()
        };
        let list = self.client.requests(query, MAX_PAGES).await?;
        let store = inner.store.clone();
        let probe = Wanted {
            id: wanted.id.clone(),
            input: wanted.input.clone(),
            earliest: wanted.earliest,
            latest: wanted.latest,
        };
        let neighbours = tokio::task::spawn_blocking(move || neighbours(&store, &probe))
            .await
            .unwrap_or_default();
        let look = judge(
            wanted,
            &neighbours,
            &list.items,
            list.cut,
            looked_at,
            settle_after,
        );
        if let Look::Found(request_id) = &look {
            // Saved before the next look of any job in this process, under the same lock.
            self.adopt(request_id).await;
        }
        Ok(look)
    }

    /// The job takes `request_id` as its own: from here on it is followed as if fal's answer
    /// to the submit had come.
    async fn adopt(&mut self, request_id: &str) {
        if self.record.request.is_some() {
            return;
        }
        self.note_verdict(Verdict::Found);
        self.record.request = Some(convert::request_info(self.client.urls_for(request_id)));
        self.record.error = None;
        let _ = self.record.set_state(JobState::Queued { position: None });
        self.save_and_announce().await;
        let _ = self.inner.events.send(JobEvent::Warning {
            id: self.record.id.clone(),
            message: format!(
                "fal's answer to the submit was lost, but fal's records show the request it \
                 made ({request_id}): following it"
            ),
        });
    }

    fn note_verdict(&mut self, verdict: Verdict) {
        if let Some(lost) = &mut self.record.lost_submit {
            lost.verdict = Some(verdict);
            lost.checked_at = Some(Utc::now());
        }
    }

    fn settle_after(&self) -> Duration {
        self.inner.options.settle_after
    }
}

/// The wait before look `looks + 1`: growing, and landing a look right when the submit is old
/// enough for an empty list to mean "never made".
fn next_look(
    looks: u32,
    latest: DateTime<Utc>,
    settle_after: Duration,
    now: DateTime<Utc>,
) -> Duration {
    let first = (settle_after / 8).max(Duration::from_millis(50));
    let backoff = first.saturating_mul(1 << looks.saturating_sub(1).min(8));
    let until_late_enough = (latest + chrono::Duration::from_std(settle_after).unwrap_or_default()
        - now)
        .to_std()
        .unwrap_or_default();
    if until_late_enough.is_zero() {
        backoff
    } else {
        // A hair past the mark, so the look after the wait is late enough.
        backoff.min(until_late_enough + Duration::from_millis(20))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    const TEN: Duration = Duration::from_secs(10);

    #[test]
    fn looks_grow_and_one_lands_when_the_submit_is_old_enough() {
        let latest = at(100);
        let first = next_look(1, latest, TEN, at(100));
        assert_eq!(first, Duration::from_millis(1250));
        // Close to the mark: wait just past it, not a whole backoff.
        let near = next_look(4, latest, TEN, at(109));
        assert!(
            near <= Duration::from_millis(1020) && near >= Duration::from_secs(1),
            "{near:?}"
        );
        // Past it (a look failed to conclude only if something was found meanwhile).
        assert_eq!(
            next_look(2, latest, TEN, at(200)),
            Duration::from_millis(2500)
        );
    }
}
