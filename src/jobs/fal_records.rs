//! Judging fal's records of the endpoint's requests against a job whose submit's answer was
//! lost: which request is the job's, if any, and when an empty list means it was never made.
//! Pure but for the reading of the history's recent records; the looking itself (and its
//! waits) is the run's (`run/settle.rs`).

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use i2v_fal::{ModelInput, PlatformRequest};
use i2v_store::{JobId, JobRecord, JobState, LostSubmit, Store};

/// How far before the submit the records are searched: fal's clock and ours may differ.
pub(crate) const CLOCK_MARGIN: chrono::Duration = chrono::Duration::seconds(60);
/// Pages of the list read at one look (100 requests each); more in a few minutes' window
/// than this is not a list this job can be told apart in.
pub(crate) const MAX_PAGES: usize = 20;

/// The lost submit, as the records are searched for it.
pub(crate) struct Wanted {
    pub id: JobId,
    pub input: ModelInput,
    /// The submit went out at or after this: the window starts a little before it, and jobs
    /// with the same input are paired in this order.
    pub earliest: DateTime<Utc>,
    /// The submit went out at or before this: only a look long enough after it can say
    /// that fal does not have it.
    pub latest: DateTime<Utc>,
}

/// What one look at fal's records found.
#[derive(Debug, PartialEq)]
pub(crate) enum Look {
    /// This request is the job's.
    Found(String),
    /// Nothing yet, but the list may still lag behind the submit.
    NotYet,
    /// Nothing, long enough after the submit: fal never made it.
    NotMade,
    /// Requests without their inputs (sent with `X-Fal-Store-IO: 0`) were made then: any of
    /// them could be this job.
    NoPayloads { unmatched: usize },
    /// More requests were made then than one look reads.
    TooMany,
}

/// What the rest of the history says about a look.
#[derive(Debug, Default)]
pub(crate) struct Neighbours {
    /// Requests other jobs already follow.
    pub adopted: HashSet<String>,
    /// Unsettled jobs with the same input sent before this one: each takes one matching
    /// request first, in order.
    pub ahead: usize,
    /// Jobs with the same input whose submit is under way (no answer yet, none lost): a
    /// request that matches may be theirs.
    pub pending: usize,
}

/// Judges one look: `items` is fal's list of the window, `looked_at` when it was asked for.
pub(crate) fn judge(
    wanted: &Wanted,
    neighbours: &Neighbours,
    items: &[PlatformRequest],
    cut: bool,
    looked_at: DateTime<Utc>,
    settle_after: Duration,
) -> Look {
    let Neighbours {
        adopted,
        ahead,
        pending,
    } = neighbours;
    let late_enough = (looked_at - wanted.latest)
        .to_std()
        .is_ok_and(|since| since >= settle_after);
    if *pending > 0 && !late_enough {
        // Their answers name their requests soon; what is left is this job's.
        return Look::NotYet;
    }
    let free = |item: &&PlatformRequest| !adopted.contains(&item.request_id);
    let mut matching: Vec<&PlatformRequest> = items
        .iter()
        .filter(free)
        .filter(|item| {
            item.json_input
                .as_ref()
                .is_some_and(|sent| same_input(sent, &wanted.input))
        })
        .collect();
    // Oldest first: the earliest unsettled job takes the earliest request.
    matching.sort_by(|a, b| {
        a.sent_at
            .cmp(&b.sent_at)
            .then(a.request_id.cmp(&b.request_id))
    });
    if let Some(found) = matching.get(*ahead) {
        return Look::Found(found.request_id.clone());
    }
    if !late_enough {
        return Look::NotYet;
    }
    if cut {
        return Look::TooMany;
    }
    let unmatched = items
        .iter()
        .filter(free)
        .filter(|item| item.json_input.is_none())
        .count();
    if unmatched > 0 {
        Look::NoPayloads { unmatched }
    } else {
        Look::NotMade
    }
}

/// `sent` (fal's record of a request's input) is `input`. Fields fal adds are ignored; a
/// missing `prompt_optimizer` is the model's default, true.
fn same_input(sent: &serde_json::Value, input: &ModelInput) -> bool {
    let text = |name: &str| sent.get(name).and_then(serde_json::Value::as_str);
    text("prompt") == Some(input.prompt.as_str())
        && text("image_url") == Some(input.image_url.as_str())
        && sent
            .get("prompt_optimizer")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true)
            == input.prompt_optimizer
}

/// What the job sent, if its record says (a local image's upload URL is saved before the
/// submit).
pub(crate) fn sent_input(record: &JobRecord) -> Option<ModelInput> {
    Some(ModelInput {
        prompt: record.input.prompt.clone(),
        image_url: record.input.image.image_url()?.to_owned(),
        prompt_optimizer: record.input.prompt_optimizer,
    })
}

/// Whether `record` is a job whose lost submit is still to be settled: maybe sent, or left
/// preparing by a process that lost the submit's answer and then stopped.
pub fn unsettled(record: &JobRecord) -> bool {
    if record.request.is_some() {
        return false;
    }
    match (&record.state, &record.lost_submit) {
        (JobState::MaybeSubmitted, lost) => !lost.as_ref().is_some_and(LostSubmit::is_settled),
        (JobState::Preparing, Some(lost)) => !lost.is_settled(),
        _ => false,
    }
}

/// When the submit went out, as closely as the record says: (at or after, at or before).
/// `now` stands for the latest when nothing later is known (the process that sent it has
/// gone, and it sent before it went).
pub(crate) fn sent_between(
    record: &JobRecord,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    if let Some(sent) = record.submit_sent.at() {
        return (sent, sent);
    }
    let concluded = record
        .timeline
        .iter()
        .find(|change| change.state == JobState::MaybeSubmitted)
        .map(|change| change.at);
    (record.created_at, concluded.unwrap_or(now))
}

/// What the records made since a little before the window say (a job is made before its
/// submit, and an import after the request it names).
pub(crate) fn neighbours(store: &Store, wanted: &Wanted) -> Neighbours {
    let since = wanted.earliest - CLOCK_MARGIN - chrono::Duration::hours(1);
    let since_ms = u64::try_from(since.timestamp_millis()).unwrap_or(0);
    let mut found = Neighbours::default();
    let ids = store.ids().unwrap_or_default();
    let recent = ids.iter().filter(|id| {
        ulid::Ulid::from_string(id.as_str()).map_or(true, |ulid| ulid.timestamp_ms() >= since_ms)
    });
    let now = Utc::now();
    for id in recent {
        if *id == wanted.id {
            continue;
        }
        let Ok(record) = store.load(id) else {
            continue;
        };
        if let Some(request) = &record.request {
            found.adopted.insert(request.request_id.0.clone());
            continue;
        }
        if !sent_input(&record).is_some_and(|input| input == wanted.input) {
            continue;
        }
        if unsettled(&record) {
            let (earliest, _) = sent_between(&record, now);
            if (earliest, &record.id) < (wanted.earliest, &wanted.id) {
                found.ahead += 1;
            }
        } else if record.state == JobState::Preparing && record.submit_sent.at().is_some() {
            found.pending += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input(prompt: &str) -> ModelInput {
        ModelInput {
            prompt: prompt.into(),
            image_url: "https://example.com/a.png".into(),
            prompt_optimizer: true,
        }
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn wanted(prompt: &str, sent: i64) -> Wanted {
        Wanted {
            id: JobId::new(),
            input: input(prompt),
            earliest: at(sent),
            latest: at(sent),
        }
    }

    fn request(id: &str, sent: i64, payload: Option<serde_json::Value>) -> PlatformRequest {
        PlatformRequest {
            request_id: id.into(),
            endpoint_id: i2v_fal::MODEL_ID.into(),
            sent_at: Some(at(sent)),
            started_at: None,
            ended_at: None,
            status_code: None,
            duration: None,
            json_input: payload,
            json_output: None,
        }
    }

    fn sent(prompt: &str) -> Option<serde_json::Value> {
        Some(serde_json::to_value(input(prompt)).unwrap())
    }

    const TEN: Duration = Duration::from_secs(10);

    fn look(
        w: &Wanted,
        ahead: usize,
        items: &[PlatformRequest],
        adopted: &[&str],
        now: i64,
    ) -> Look {
        let neighbours = Neighbours {
            adopted: adopted.iter().map(|s| s.to_string()).collect(),
            ahead,
            pending: 0,
        };
        judge(w, &neighbours, items, false, at(now), TEN)
    }

    #[test]
    fn the_request_with_the_same_input_is_found() {
        let w = wanted("a cat", 100);
        let items = [
            request("other", 101, sent("a dog")),
            request("mine", 101, sent("a cat")),
        ];
        assert_eq!(look(&w, 0, &items, &[], 102), Look::Found("mine".into()));
    }

    #[test]
    fn nothing_is_not_yet_until_ten_seconds_after_the_submit() {
        let w = wanted("a cat", 100);
        let items = [request("other", 101, sent("a dog"))];
        assert_eq!(look(&w, 0, &items, &[], 105), Look::NotYet);
        assert_eq!(look(&w, 0, &items, &[], 109), Look::NotYet);
        assert_eq!(look(&w, 0, &items, &[], 110), Look::NotMade);
    }

    #[test]
    fn a_request_another_job_follows_is_not_taken_again() {
        let w = wanted("a cat", 100);
        let items = [request("taken", 101, sent("a cat"))];
        assert_eq!(look(&w, 0, &items, &["taken"], 111), Look::NotMade);
    }

    #[test]
    fn identical_inputs_are_paired_by_time() {
        let items = [
            request("second", 103, sent("a cat")),
            request("first", 101, sent("a cat")),
        ];
        let w = wanted("a cat", 100);
        assert_eq!(look(&w, 0, &items, &[], 104), Look::Found("first".into()));
        assert_eq!(look(&w, 1, &items, &[], 104), Look::Found("second".into()));
        // The third of three in flight waits for its own to show.
        assert_eq!(look(&w, 2, &items, &[], 104), Look::NotYet);
    }

    #[test]
    fn requests_without_payloads_leave_it_undecided() {
        let w = wanted("a cat", 100);
        let items = [
            request("blind", 101, None),
            request("dog", 101, sent("a dog")),
        ];
        assert_eq!(look(&w, 0, &items, &[], 104), Look::NotYet);
        assert_eq!(
            look(&w, 0, &items, &[], 111),
            Look::NoPayloads { unmatched: 1 }
        );
        assert_eq!(look(&w, 0, &items, &["blind"], 111), Look::NotMade);
    }

    #[test]
    fn a_list_cut_short_cannot_say_never_made() {
        let w = wanted("a cat", 100);
        let none = Neighbours::default();
        assert_eq!(judge(&w, &none, &[], true, at(111), TEN), Look::TooMany);
    }

    #[test]
    fn a_request_a_submit_under_way_may_own_is_not_taken_until_it_answers() {
        let w = wanted("a cat", 100);
        let items = [request("theirs or mine", 101, sent("a cat"))];
        let busy = Neighbours {
            pending: 1,
            ..Neighbours::default()
        };
        assert_eq!(judge(&w, &busy, &items, false, at(103), TEN), Look::NotYet);
        // A submit still without an answer long after is not waited for any more.
        assert_eq!(
            judge(&w, &busy, &items, false, at(111), TEN),
            Look::Found("theirs or mine".into())
        );
    }

    #[test]
    fn inputs_match_field_by_field() {
        let cat = input("a cat");
        assert!(same_input(
            &json!({"prompt": "a cat", "image_url": "https://example.com/a.png"}),
            &cat
        ));
        assert!(same_input(
            &json!({"prompt": "a cat", "image_url": "https://example.com/a.png", "prompt_optimizer": true, "extra": 1}),
            &cat
        ));
        assert!(!same_input(
            &json!({"prompt": "a cat", "image_url": "https://example.com/a.png", "prompt_optimizer": false}),
            &cat
        ));
        assert!(!same_input(
            &json!({"prompt": "a cat ", "image_url": "https://example.com/a.png"}),
            &cat
        ));
        assert!(!same_input(&json!("a cat"), &cat));
    }
}
