//! Jobs made elsewhere (fal's playground, another machine, another history) brought in from
//! fal's records: every request for this endpoint that no local record names becomes a
//! history record, marked imported, with its prompt, image URL, optimizer, times, state and
//! video URL as fal's records give them. Looking ([`look`]) changes nothing; bringing in
//! ([`bring_in`]) saves what a look found and has the engine fetch the videos. Both
//! `i2v history import --from-fal` and the workbench's history (`I`) go through these two.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use i2v_fal::{FalClient, FalError, PlatformRequest, RequestList, RequestQuery};
use i2v_store::{
    ErrorKind, ImageSource, JobError, JobId, JobInput, JobRecord, JobState, RequestId, RequestInfo,
    StatusChange, Store, SubmitSent, VideoResult,
};
use serde_json::Value;

use crate::jobs::{Engine, Resumed};

/// How far back fal's records are read unless told otherwise (`--since`).
pub const DEFAULT_SINCE: Duration = Duration::days(7);

/// Pages of fal's list read at most (100 requests each).
const MAX_PAGES: usize = 50;
/// How long before the window local records are read for the requests they name: a job
/// created a little before it may have been sent inside it.
const LOCAL_MARGIN: Duration = Duration::days(1);

/// What a look at fal's records found.
#[derive(Debug, Default)]
pub struct Found {
    /// A record for each request no local record names, oldest first; not saved.
    pub records: Vec<JobRecord>,
    /// Requests fal kept no input of (sent with `X-Fal-Store-IO: 0`, or their payloads
    /// deleted): nothing to make a record from.
    pub without_input: usize,
    /// Requests with the input of a local job whose submit's answer was lost: likely that
    /// job's, so left for `i2v history check` to settle rather than imported twice.
    pub maybe_ours: usize,
    /// fal's list held more than one look reads: the oldest were not seen.
    pub cut: bool,
}

/// Asks fal's records for the endpoint's requests sent since `since` and makes a record of
/// each one this history lacks, at `price` a video; `no_download` is recorded with them.
/// Reads local records too (blocking file I/O): see [`ask`] and [`sift`] to do that apart.
pub async fn look(
    client: &FalClient,
    store: &Store,
    since: DateTime<Utc>,
    price: f64,
    no_download: bool,
) -> Result<Found, FalError> {
    let list = ask(client, since).await?;
    Ok(sift(client, store, &list, since, price, no_download))
}

/// fal's records of the endpoint's requests sent since `since`, as many as one look reads.
pub async fn ask(client: &FalClient, since: DateTime<Utc>) -> Result<RequestList, FalError> {
    client
        .requests(
            RequestQuery {
                start: Some(since),
                payloads: true,
                limit: i2v_fal::MAX_PAGE,
                ..RequestQuery::default()
            },
            MAX_PAGES,
        )
        .await
}

/// Of `list` (fal's records since `since`), a record of each request this history lacks;
/// blocking, as it reads the local records of the window.
pub fn sift(
    client: &FalClient,
    store: &Store,
    list: &RequestList,
    since: DateTime<Utc>,
    price: f64,
    no_download: bool,
) -> Found {
    let local = Local::read(store, since - LOCAL_MARGIN);
    let now = Utc::now();
    let mut found = Found {
        cut: list.cut,
        ..Found::default()
    };
    let mut seen = HashSet::new();
    for item in &list.items {
        let ours = item.endpoint_id.is_empty() || item.endpoint_id == i2v_fal::MODEL_ID;
        if !ours || local.requests.contains(&item.request_id) || !seen.insert(&item.request_id) {
            continue;
        }
        let Some(input) = item.json_input.as_ref().and_then(input_of) else {
            found.without_input += 1;
            continue;
        };
        if local.unsettled.iter().any(|lost| same(lost, &input)) {
            found.maybe_ours += 1;
            continue;
        }
        let urls = client.urls_for(&item.request_id);
        let request = RequestInfo {
            request_id: RequestId(urls.request_id),
            status_url: urls.status_url,
            response_url: urls.response_url,
            cancel_url: urls.cancel_url,
        };
        found
            .records
            .push(record_of(item, input, request, price, no_download, now));
    }
    found.records.sort_by_key(|r| r.created_at);
    found
}

/// What [`bring_in`] did with the records a look found.
#[derive(Debug, Default)]
pub struct Imported {
    /// The records saved, as saved, oldest first.
    pub saved: Vec<JobRecord>,
    /// Of them, the jobs whose videos the engine fetches now.
    pub fetching: Vec<JobId>,
    /// Of them, the jobs still on fal that the engine follows now ([`Unfinished::Follow`]).
    pub following: Vec<JobId>,
    /// The first save that failed, and how many records were left unsaved with it (none
    /// after it was tried: the disk that refused one would refuse the next).
    pub not_saved: Option<(usize, String)>,
}

impl Imported {
    /// How many of the saved jobs are in `state`.
    pub fn count(&self, state: &JobState) -> usize {
        self.saved.iter().filter(|r| r.state == *state).count()
    }

    /// How many of the saved jobs fal has not finished (or whose result is still to ask
    /// for).
    pub fn unfinished(&self) -> usize {
        self.saved.iter().filter(|r| !r.state.is_terminal()).count()
    }
}

/// What [`bring_in`] does with imported jobs fal has not finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unfinished {
    /// Follows them at once, as any job of this process (the workbench).
    Follow,
    /// Leaves them saved for `i2v resume` (or the workbench's next start) to follow: a
    /// one-off command does not wait minutes for a run someone else started.
    Leave,
}

/// Saves `records` (from [`look`]) into the engine's history, then has the engine fetch the
/// videos of the completed ones (unless it does not download) and, as `unfinished` says,
/// follow those fal still runs. Blocking: the saves are file I/O.
pub fn bring_in(engine: &Engine, records: Vec<JobRecord>, unfinished: Unfinished) -> Imported {
    let mut imported = save(engine.store(), records, engine.downloads());
    (imported.fetching, imported.following) = start(engine, &imported.saved, unfinished);
    imported
}

/// The first half of [`bring_in`]: saves `records`, each completed one saying its video is
/// still to fetch when `download`. Nothing is fetched or followed yet.
pub fn save(store: &Store, records: Vec<JobRecord>, download: bool) -> Imported {
    let mut imported = Imported::default();
    let total = records.len();
    for mut record in records {
        let wants_video = download
            && record.state == JobState::Completed
            && record
                .result
                .as_ref()
                .is_some_and(|r| r.local_file.is_none());
        if wants_video {
            // Until its video is here, the record says so; fetched by `start`, or `resume`.
            record.error = Some(JobError::new(ErrorKind::Download, NOT_FETCHED_YET));
        }
        if let Err(err) = store.save(&record) {
            let left = total - imported.saved.len();
            imported.not_saved = Some((left, err.to_string()));
            break;
        }
        imported.saved.push(record);
    }
    imported
}

/// What an imported job whose video is still to fetch says of it.
pub const NOT_FETCHED_YET: &str = "made elsewhere and imported from fal's records; its video is \
                                   not downloaded yet (`i2v resume` fetches it)";

/// The second half of [`bring_in`]: has the engine fetch the videos of the `saved` jobs that
/// lack them and, as `unfinished` says, follow those fal still runs; the jobs it started
/// each on (the rest are followed by another i2v, or finished meanwhile).
pub fn start(
    engine: &Engine,
    saved: &[JobRecord],
    unfinished: Unfinished,
) -> (Vec<JobId>, Vec<JobId>) {
    let (mut fetching, mut following) = (Vec::new(), Vec::new());
    for record in saved {
        let id = record.id.clone();
        if record.lacks_its_video() {
            if engine.fetch_video_again(record.clone()) == Resumed::Started {
                fetching.push(id);
            }
        } else if !record.state.is_terminal()
            && unfinished == Unfinished::Follow
            && engine.resume(record.clone()) == Resumed::Started
        {
            following.push(id);
        }
    }
    (fetching, following)
}

/// What the local history already holds of fal's requests.
struct Local {
    /// Request ids local records name.
    requests: HashSet<String>,
    /// The inputs of jobs whose submit may have reached fal with no answer naming a request.
    unsettled: Vec<JobInput>,
}

impl Local {
    fn read(store: &Store, since: DateTime<Utc>) -> Local {
        let history = store.history();
        let mut local = Local {
            requests: HashSet::new(),
            unsettled: Vec::new(),
        };
        for summary in history.jobs.iter().filter(|s| s.created_at >= since) {
            let Ok(record) = store.load(&summary.id) else {
                continue;
            };
            match &record.request {
                Some(request) => {
                    local.requests.insert(request.request_id.0.clone());
                }
                None if record.submit_sent.may_have_reached_fal()
                    && matches!(record.state, JobState::MaybeSubmitted | JobState::Preparing) =>
                {
                    local.unsettled.push(record.input);
                }
                None => {}
            }
        }
        local
    }
}

/// A request's input as a job's: `None` without a prompt or an image URL.
fn input_of(sent: &Value) -> Option<JobInput> {
    let prompt = sent.get("prompt")?.as_str()?;
    let image_url = sent.get("image_url")?.as_str()?;
    Some(JobInput {
        prompt: prompt.to_owned(),
        image: ImageSource::Url {
            url: image_url.to_owned(),
        },
        // The model's default when the request left it out.
        prompt_optimizer: sent
            .get("prompt_optimizer")
            .and_then(Value::as_bool)
            .unwrap_or(true),
    })
}

/// A local job's input is the same as `imported`: prompt, image as sent and optimizer.
fn same(local: &JobInput, imported: &JobInput) -> bool {
    local.prompt == imported.prompt
        && local.prompt_optimizer == imported.prompt_optimizer
        && local
            .image
            .image_url()
            .is_none_or(|url| Some(url) == imported.image.image_url())
}

/// The record of one request fal made: its times from fal's, its state from the status code
/// (a video: completed with its URL; a success without output in the records, or an error
/// status: failed, saying why; none yet: still on fal, queued or running, to be followed).
fn record_of(
    item: &PlatformRequest,
    input: JobInput,
    request: RequestInfo,
    price: f64,
    no_download: bool,
    now: DateTime<Utc>,
) -> JobRecord {
    let mut record = JobRecord::new(i2v_fal::MODEL_ID, input);
    let sent = item.sent_at.unwrap_or(now);
    record.created_at = sent;
    record.submit_sent = SubmitSent::At(sent);
    record.request = Some(request);
    record.price_usd = Some(price);
    record.no_download = no_download;
    record.imported_at = Some(now);
    let mut timeline = vec![StatusChange {
        at: sent,
        state: JobState::Queued { position: None },
    }];
    if let Some(started) = item.started_at {
        timeline.push(StatusChange {
            at: started,
            state: JobState::Running,
        });
    }
    let state = match item.status_code {
        None if item.started_at.is_some() => JobState::Running,
        None => JobState::Queued { position: None },
        Some(code) if (200..300).contains(&code) => match item.video_url() {
            Some(url) => {
                record.result = Some(VideoResult {
                    url: url.to_owned(),
                    content_type: None,
                    file_name: None,
                    file_size: None,
                    local_file: None,
                    local_size: None,
                });
                JobState::Completed
            }
            // Its input is in the records but its output is not (deleted, or never kept):
            // nothing names a video to fetch, and asking fal's queue for the result of a
            // request made elsewhere long ago would only wait on an answer that is gone.
            None => {
                record.error = Some(JobError::new(
                    ErrorKind::Malformed,
                    format!(
                        "made elsewhere; fal's records say it finished (HTTP {code}) but hold \
                         no output of it, so there is no video to import (r runs it again)"
                    ),
                ));
                JobState::Failed
            }
        },
        Some(code) => {
            record.error = Some(failure(code));
            JobState::Failed
        }
    };
    if let Some(ended) = item.ended_at.filter(|_| state.is_terminal()) {
        timeline.push(StatusChange {
            at: ended,
            state: state.clone(),
        });
    }
    record.updated_at = timeline.last().map_or(sent, |change| change.at);
    record.timeline = timeline;
    record.state = state;
    record
}

/// Why a request fal's records show ended with `code` failed, as far as they say.
fn failure(code: u16) -> JobError {
    let kind = match code {
        422 => ErrorKind::Validation,
        401 | 403 => ErrorKind::Auth,
        500..=599 => ErrorKind::Model,
        _ => ErrorKind::Http,
    };
    JobError::new(
        kind,
        format!("made elsewhere; fal's records say it ended with HTTP {code}, without a video"),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn request(status_code: Option<u16>, output: Option<Value>) -> PlatformRequest {
        let at = |s: i64| DateTime::from_timestamp(1_800_000_000 + s, 0);
        PlatformRequest {
            request_id: "req-1".into(),
            endpoint_id: i2v_fal::MODEL_ID.into(),
            sent_at: at(0),
            started_at: at(5),
            ended_at: status_code.and(at(50)),
            status_code,
            duration: None,
            json_input: Some(json!({"prompt": "a fox", "image_url": "https://e/x.png"})),
            json_output: output,
        }
    }

    fn record(item: &PlatformRequest) -> JobRecord {
        let input = input_of(item.json_input.as_ref().unwrap()).unwrap();
        let request = RequestInfo {
            request_id: RequestId(item.request_id.clone()),
            status_url: String::new(),
            response_url: String::new(),
            cancel_url: String::new(),
        };
        record_of(item, input, request, 0.33, false, Utc::now())
    }

    #[test]
    fn a_finished_request_becomes_a_completed_job_with_fals_times_and_its_video() {
        let item = request(
            Some(200),
            Some(json!({"video": {"url": "https://cdn/v.mp4"}})),
        );
        let made = record(&item);
        assert_eq!(made.state, JobState::Completed);
        assert_eq!(made.result.unwrap().url, "https://cdn/v.mp4");
        assert_eq!(made.created_at, item.sent_at.unwrap());
        assert_eq!(made.updated_at, item.ended_at.unwrap());
        assert!(made.input.prompt_optimizer, "the model's default");
        assert!(made.imported_at.is_some());
        assert_eq!(made.price_usd, Some(0.33));
        let states: Vec<&str> = made.timeline.iter().map(|c| c.state.label()).collect();
        assert_eq!(states.len(), 3, "{states:?}");
    }

    #[test]
    fn the_status_code_decides_the_state() {
        let without_output = record(&request(Some(200), None));
        assert_eq!(without_output.state, JobState::Failed);
        let why = without_output.error.unwrap();
        assert!(why.message.contains("hold no output"), "{}", why.message);
        assert!(
            without_output.timeline.last().unwrap().state == JobState::Failed,
            "ended when fal says"
        );
        let failed = record(&request(Some(422), None));
        assert_eq!(failed.state, JobState::Failed);
        assert_eq!(failed.error.unwrap().kind, ErrorKind::Validation);
        assert_eq!(record(&request(None, None)).state, JobState::Running);
    }

    #[test]
    fn an_input_needs_a_prompt_and_an_image_url() {
        assert!(input_of(&json!({"prompt": "p"})).is_none());
        assert!(input_of(&json!({"image_url": "u"})).is_none());
        let input =
            input_of(&json!({"prompt": "p", "image_url": "u", "prompt_optimizer": false})).unwrap();
        assert!(!input.prompt_optimizer);
    }
}
