//! The persisted shape of one job. This is a contract with every history file already on
//! disk: add fields with `#[serde(default)]`, never rename or remove one without bumping
//! [`SCHEMA_VERSION`] and teaching the reader the old shape.

use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Version written into every record. Readers accept this version and older ones.
///
/// 2 added `rating`, `note`, `price_usd` and `batch`, and lets `Queued` hold no position
/// (`null`); version 1 files read as they are (their fields are a subset; a position of 0
/// stays 0, which fal uses for "next in line").
pub const SCHEMA_VERSION: u32 = 2;

macro_rules! ulid_ids {
    ($($(#[$doc:meta])* $name:ident,)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new() -> Self {
                Self(ulid::Ulid::new().to_string())
            }

            /// Accepts only the characters a ULID may hold, so an id can never escape the
            /// store's directory when used as a file name.
            pub fn parse(s: &str) -> Option<Self> {
                let ok = !s.is_empty()
                    && s.len() <= 64
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                ok.then(|| Self(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}

ulid_ids! {
    /// Our own id for a job; a ULID, so ids sort by creation time and make safe file names.
    JobId,
    /// Jobs submitted together (a prompt matrix, repeats, a re-run of several): one id for
    /// all, a ULID like [`JobId`].
    BatchId,
}

/// fal's id for a submitted request.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestId(pub String);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub schema: u32,
    pub id: JobId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// fal endpoint id, e.g. `fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video`.
    pub model: String,
    pub input: JobInput,
    /// Set once fal accepted the submit; what `resume` needs.
    #[serde(default)]
    pub request: Option<RequestInfo>,
    /// Whether (and when) the submit went out: saved, synced, just before the POST is sent,
    /// so a job with no request id is known to be either on fal perhaps (sent) or certainly
    /// not (not sent).
    #[serde(
        default,
        rename = "submit_sent_at",
        skip_serializing_if = "SubmitSent::is_unrecorded"
    )]
    pub submit_sent: SubmitSent,
    pub state: JobState,
    /// Every state change, in order, with the queue position at that moment.
    #[serde(default)]
    pub timeline: Vec<StatusChange>,
    /// Every log line fal sent, in order, each once, stored exactly as received (untrusted:
    /// strip control sequences before drawing).
    #[serde(default)]
    pub logs: Vec<LogEntry>,
    #[serde(default)]
    pub result: Option<VideoResult>,
    #[serde(default)]
    pub error: Option<JobError>,
    #[serde(default)]
    pub metrics: Metrics,
    /// The job whose last frame this one started from (a chained shot), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continues: Option<JobId>,
    /// Submitted with `--no-download`: resuming must not download either.
    #[serde(default)]
    pub no_download: bool,
    /// fal's optional request headers the job was sent with.
    #[serde(default, skip_serializing_if = "crate::FalOptions::is_default")]
    pub fal_options: crate::FalOptions,
    // The fields below are always written, `null` when unset: a key missing from a new
    // write would be carried over from the old file as "a newer i2v's field" (see
    // `Store::save`), so clearing a rating would not stick.
    /// The user's judgement of the result, 1 to 5 ([`Rating`]).
    #[serde(default, deserialize_with = "lenient_rating")]
    pub rating: Option<Rating>,
    /// The user's one-line note on the result.
    #[serde(default)]
    pub note: Option<String>,
    /// Price per video in force when the job was submitted, in USD. What a completed job
    /// cost; `None` for jobs from before prices were recorded.
    #[serde(default)]
    pub price_usd: Option<f64>,
    /// The batch the job was submitted in, if it was submitted with others.
    #[serde(default)]
    pub batch: Option<BatchId>,
    /// Set when the submit's answer was lost: why, and what fal's records said of it (see
    /// [`crate::LostSubmit`]).
    #[serde(default)]
    pub lost_submit: Option<crate::LostSubmit>,
    /// When the job was brought in from fal's records (`i2v history import --from-fal`): it
    /// was made elsewhere (fal's playground, another machine), not submitted from here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_at: Option<DateTime<Utc>>,
}

impl JobRecord {
    pub fn new(model: impl Into<String>, input: JobInput) -> Self {
        let now = Utc::now();
        Self {
            schema: SCHEMA_VERSION,
            id: JobId::new(),
            created_at: now,
            updated_at: now,
            model: model.into(),
            input,
            request: None,
            submit_sent: SubmitSent::NotSent,
            state: JobState::Preparing,
            timeline: vec![StatusChange {
                at: now,
                state: JobState::Preparing,
            }],
            logs: Vec::new(),
            result: None,
            error: None,
            metrics: Metrics::default(),
            continues: None,
            no_download: false,
            fal_options: crate::FalOptions::default(),
            rating: None,
            note: None,
            price_usd: None,
            batch: None,
            lost_submit: None,
            imported_at: None,
        }
    }

    /// Moves to `state`, recording it in the timeline unless nothing changed. A move
    /// [`JobState::can_become`] does not allow (a finished job starting again, say) is
    /// refused, logged and reported as an error; the record is left as it was.
    pub fn set_state(&mut self, state: JobState) -> Result<(), BadTransition> {
        if self.state == state {
            self.updated_at = Utc::now();
            return Ok(());
        }
        if !self.state.can_become(&state) {
            let refused = BadTransition {
                job: self.id.clone(),
                from: self.state.clone(),
                to: state,
            };
            tracing::warn!(%refused, "job state change refused");
            return Err(refused);
        }
        let now = Utc::now();
        self.updated_at = now;
        self.state = state.clone();
        self.timeline.push(StatusChange { at: now, state });
        Ok(())
    }

    /// The first line of the prompt, for one-line lists.
    pub fn title(&self) -> &str {
        self.input.prompt.lines().next().unwrap_or("")
    }

    /// Completed, with the video URL fal gave, but no copy here because the download failed
    /// (a full disk, a broken link), not because it was sent with `--no-download`: the video
    /// can be fetched again while fal serves it.
    pub fn lacks_its_video(&self) -> bool {
        self.state == JobState::Completed
            && !self.no_download
            && self.error.is_some()
            && self
                .result
                .as_ref()
                .is_some_and(|r| r.local_file.is_none() && is_web_url(&r.url))
    }
}

/// An `http://` or `https://` URL: what a video URL from fal must be to be fetched.
pub fn is_web_url(url: &str) -> bool {
    let scheme_end = url.find("://").unwrap_or(0);
    let scheme = &url[..scheme_end];
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        && url.len() > scheme_end + 3
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobInput {
    pub prompt: String,
    pub image: ImageSource,
    pub prompt_optimizer: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImageSource {
    /// An http(s) URL passed through to fal unchanged.
    Url { url: String },
    /// A local file; `uploaded_url` is set once fal storage (or a data URI) stands for it.
    File {
        path: PathBuf,
        content_type: String,
        size: u64,
        #[serde(default)]
        uploaded_url: Option<String>,
    },
}

impl ImageSource {
    /// What to send as `image_url`, if it is known yet.
    pub fn image_url(&self) -> Option<&str> {
        match self {
            Self::Url { url } => Some(url),
            Self::File { uploaded_url, .. } => uploaded_url.as_deref(),
        }
    }

    /// What the user typed: the URL or the path.
    pub fn display(&self) -> String {
        match self {
            Self::Url { url } => url.clone(),
            Self::File { path, .. } => path.display().to_string(),
        }
    }
}

/// Whether a job's submit went out to fal, as its record says. Written as the time it went
/// out, or `null` before; records from an i2v that did not note it lack the field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SubmitSent {
    /// Written by an i2v that did not note it: a job with no request id may have been sent.
    #[default]
    Unrecorded,
    /// Not sent: nothing of this job reached fal's queue.
    NotSent,
    /// Sent (or about to be: the record is saved first) at this time.
    At(DateTime<Utc>),
}

impl SubmitSent {
    pub fn is_unrecorded(&self) -> bool {
        *self == Self::Unrecorded
    }

    /// Whether the job may be on fal, as far as the record knows.
    pub fn may_have_reached_fal(&self) -> bool {
        *self != Self::NotSent
    }

    pub fn at(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::At(at) => Some(*at),
            _ => None,
        }
    }
}

impl Serialize for SubmitSent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.at().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SubmitSent {
    /// Only called when the field is there: `null` is "not sent".
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<DateTime<Utc>>::deserialize(deserializer)? {
            Some(at) => Self::At(at),
            None => Self::NotSent,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestInfo {
    pub request_id: RequestId,
    pub status_url: String,
    pub response_url: String,
    pub cancel_url: String,
}

/// A state change the job's life does not allow, refused by [`JobRecord::set_state`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("job {job}: {} -> {} is not a state change a job makes", .from.label(), .to.label())]
pub struct BadTransition {
    pub job: JobId,
    pub from: JobState,
    pub to: JobState,
}

/// Where a job is. Terminal states are `Completed`, `Failed`, `Cancelled` and
/// `MaybeSubmitted`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum JobState {
    /// Created locally: uploading the image and submitting.
    Preparing,
    /// Accepted by fal, waiting for a runner: `position` is fal's queue position (0 is next
    /// in line), `None` when fal did not say.
    Queued {
        #[serde(default)]
        position: Option<u32>,
    },
    /// A runner is working on it.
    Running,
    /// fal finished; fetching the result and the video file.
    Downloading,
    /// fal finished, but reading the result went wrong (5xx, a stall, a garbled answer): the
    /// video is paid for, so the result is asked for again, now or on resume.
    ResultPending,
    /// Video URL known (and, unless downloads were off, the file saved).
    Completed,
    Failed,
    Cancelled,
    /// The submit was sent but its answer was lost (a timeout, a dropped connection): fal may
    /// or may not have the job. It is never sent again on its own (that could pay twice);
    /// fal's records settle it when they can: the job then follows the request they show
    /// (`Queued`), or fails as never made.
    MaybeSubmitted,
}

impl JobState {
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed | Self::Cancelled | Self::MaybeSubmitted
        )
    }

    /// Whether a job in this state may move to `next`. Following fal's answers: preparing,
    /// then queued (its position changing), running, fal done (downloading, or the result
    /// asked for again), and one terminal state, which is final. fal may put a running job
    /// back in the queue (a runner lost), and answers COMPLETED straight from the queue when
    /// a job fails or is cancelled there. Any live state may end in failure or cancellation.
    /// A job maybe sent is settled by fal's records: it follows the request found there
    /// (queued), or fails as never made.
    pub fn can_become(&self, next: &JobState) -> bool {
        use JobState::*;
        if *self == MaybeSubmitted {
            return matches!(next, Queued { .. } | Failed);
        }
        if self.is_terminal() {
            return false;
        }
        matches!(
            (self, next),
            (_, Failed | Cancelled)
                | (Preparing, Queued { .. } | MaybeSubmitted)
                | (
                    Queued { .. } | Running,
                    Queued { .. } | Running | Downloading | ResultPending
                )
                | (
                    Downloading | ResultPending,
                    Downloading | ResultPending | Completed
                )
        )
    }

    /// The label, with the queue position where fal gave one, in the words every view uses:
    /// fal's position counts the jobs ahead, so 0 is "next in line", never "#0".
    pub fn describe(&self) -> String {
        match self {
            Self::Queued { position: Some(0) } => "queued, next in line".to_owned(),
            Self::Queued {
                position: Some(ahead),
            } => format!("queued, {ahead} ahead"),
            other => other.label().to_owned(),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Preparing => "preparing",
            Self::Queued { .. } => "queued",
            Self::Running => "running",
            Self::Downloading => "downloading",
            Self::ResultPending => "result pending",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::MaybeSubmitted => "maybe sent",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub state: JobState,
}

/// One fal log line, as fal sent it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub message: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub timestamp: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VideoResult {
    pub url: String,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub file_name: Option<String>,
    /// Size fal advertised, if it did.
    #[serde(default)]
    pub file_size: Option<u64>,
    /// Where the video was saved, once downloaded.
    #[serde(default)]
    pub local_file: Option<PathBuf>,
    #[serde(default)]
    pub local_size: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobError {
    /// What kind of failure, stored as a stable snake_case word (`auth`, `validation`...).
    pub kind: ErrorKind,
    /// What happened and what to do, for people.
    pub message: String,
}

impl JobError {
    pub fn new(kind: impl Into<ErrorKind>, message: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

macro_rules! error_kinds {
    ($($(#[$doc:meta])* $kind:ident $word:literal,)*) => {
        /// Why a job failed. Stored as its word, so records stay readable by people and by
        /// older versions; a word this version does not know (fal's own `error_type`, or a
        /// newer i2v's kind) is kept as [`ErrorKind::Other`].
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorKind {
            $($(#[$doc])* $kind,)*
            Other(String),
        }

        impl ErrorKind {
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$kind => $word,)*
                    Self::Other(word) => word,
                }
            }
        }

        impl From<&str> for ErrorKind {
            fn from(word: &str) -> Self {
                match word {
                    $($word => Self::$kind,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }
    };
}

error_kinds! {
    /// The key was refused.
    Auth "auth",
    /// fal locked the account for billing.
    Billing "billing",
    /// fal refused the input (422).
    Validation "validation",
    /// The image or prompt was unusable before anything was sent.
    Input "input",
    /// The submit went out but its answer was lost.
    UnknownOutcome "unknown_outcome",
    /// fal has no such request: never submitted, safe to re-run.
    NotSubmitted "not_submitted",
    /// No runner started the job within the requested time.
    StartTimeout "start_timeout",
    /// The model run failed on fal.
    Model "model",
    Http "http",
    Network "network",
    Malformed "malformed",
    NotReady "not_ready",
    /// The video could not be saved (its URL is kept).
    Download "download",
    File "file",
    Config "config",
    /// The record could not be written, so nothing was sent.
    Store "store",
    Cancelled "cancelled",
    /// Stopped before anything reached fal.
    Interrupted "interrupted",
    /// Left unfinished by a demo session whose simulated fal is gone.
    Demo "demo",
    Internal "internal",
}

impl ErrorKind {
    /// Failures the user fixes by changing the input or the setup, not by re-running.
    pub fn is_bad_input_or_setup(&self) -> bool {
        matches!(
            self,
            Self::Auth | Self::Billing | Self::Validation | Self::Input
        )
    }
}

impl From<String> for ErrorKind {
    fn from(word: String) -> Self {
        Self::from(word.as_str())
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

/// A rating that is not 1 to 5 in a file (edited by hand, say) reads as no rating rather
/// than making the whole record, and its history, unreadable.
fn lenient_rating<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Rating>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    Ok(value
        .as_ref()
        .and_then(serde_json::Value::as_u64)
        .and_then(|n| u8::try_from(n).ok())
        .and_then(Rating::new))
}

/// A judgement of a result: 1 to 5 stars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Rating(u8);

impl Rating {
    pub const MAX: u8 = 5;

    /// `None` outside 1..=5.
    pub fn new(stars: u8) -> Option<Self> {
        (1..=Self::MAX).contains(&stars).then_some(Self(stars))
    }

    pub fn stars(self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Rating {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stars = u8::deserialize(deserializer)?;
        Rating::new(stars).ok_or_else(|| {
            serde::de::Error::custom(format!("rating {stars} is not between 1 and 5"))
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// fal's `metrics.inference_time`, seconds.
    #[serde(default)]
    pub inference_time: Option<f64>,
    /// Seconds from submit to leaving the queue.
    #[serde(default)]
    pub queue_seconds: Option<f64>,
    /// Seconds from submit to completion as seen by us.
    #[serde(default)]
    pub total_seconds: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_positions_count_the_jobs_ahead() {
        let queued = |position| JobState::Queued { position }.describe();
        assert_eq!(queued(Some(0)), "queued, next in line");
        assert_eq!(queued(Some(1)), "queued, 1 ahead");
        assert_eq!(queued(Some(12)), "queued, 12 ahead");
        assert_eq!(queued(None), "queued");
        assert_eq!(JobState::Running.describe(), "running");
    }

    fn all_states() -> Vec<JobState> {
        use JobState::*;
        vec![
            Preparing,
            Queued { position: Some(3) },
            Queued { position: None },
            Running,
            Downloading,
            ResultPending,
            Completed,
            Failed,
            Cancelled,
            MaybeSubmitted,
        ]
    }

    /// Every pair of states against the life a job has; a row per state it may reach.
    #[test]
    fn state_changes_follow_a_jobs_life() {
        let allowed: &[(&str, &[&str])] = &[
            (
                "preparing",
                &["queued", "failed", "cancelled", "maybe sent"],
            ),
            (
                "queued",
                &[
                    "queued",
                    "running",
                    "downloading",
                    "result pending",
                    "failed",
                    "cancelled",
                ],
            ),
            (
                "running",
                &[
                    "queued",
                    "running",
                    "downloading",
                    "result pending",
                    "failed",
                    "cancelled",
                ],
            ),
            (
                "downloading",
                &[
                    "downloading",
                    "result pending",
                    "completed",
                    "failed",
                    "cancelled",
                ],
            ),
            (
                "result pending",
                &[
                    "downloading",
                    "result pending",
                    "completed",
                    "failed",
                    "cancelled",
                ],
            ),
            ("completed", &[]),
            ("failed", &[]),
            ("cancelled", &[]),
            ("maybe sent", &["queued", "failed"]),
        ];
        for from in all_states() {
            let row = allowed
                .iter()
                .find(|(label, _)| *label == from.label())
                .map(|(_, to)| *to)
                .unwrap_or_default();
            for to in all_states() {
                assert_eq!(
                    from.can_become(&to),
                    row.contains(&to.label()),
                    "{} -> {}",
                    from.label(),
                    to.label()
                );
            }
        }
    }

    #[test]
    fn a_refused_change_leaves_the_record_as_it_was() {
        let input = JobInput {
            prompt: "p".into(),
            image: ImageSource::Url { url: "u".into() },
            prompt_optimizer: true,
        };
        let mut record = JobRecord::new("m", input);
        assert!(record.set_state(JobState::Running).is_err());
        record
            .set_state(JobState::Queued { position: None })
            .unwrap();
        record.set_state(JobState::Failed).unwrap();
        let before = record.clone();
        let err = record.set_state(JobState::Running).unwrap_err();
        assert_eq!(record, before);
        assert_eq!(
            err.to_string(),
            format!(
                "job {}: failed -> running is not a state change a job makes",
                record.id
            )
        );
        // The same state again is not a change (a repeated status answer).
        assert!(record.set_state(JobState::Failed).is_ok());
        assert_eq!(record.timeline.len(), before.timeline.len());
    }

    #[test]
    fn error_kinds_round_trip_and_keep_unknown_words() {
        for word in [
            "auth",
            "billing",
            "not_submitted",
            "request_cancelled",
            "newer_kind",
        ] {
            let kind = ErrorKind::from(word);
            assert_eq!(kind.as_str(), word);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{word}\""));
            assert_eq!(serde_json::from_str::<ErrorKind>(&json).unwrap(), kind);
        }
        assert_eq!(ErrorKind::from("auth"), ErrorKind::Auth);
        assert_eq!(
            ErrorKind::from("request_cancelled"),
            ErrorKind::Other("request_cancelled".into())
        );
    }

    #[test]
    fn ratings_are_one_to_five_and_a_bad_one_in_a_file_reads_as_none() {
        assert!(Rating::new(0).is_none());
        assert!(Rating::new(6).is_none());
        assert_eq!(Rating::new(5).map(Rating::stars), Some(5));
        for (json, expected) in [("4", Some(4)), ("9", None), ("\"x\"", None), ("null", None)] {
            #[derive(Deserialize)]
            struct Holder {
                #[serde(deserialize_with = "lenient_rating")]
                rating: Option<Rating>,
            }
            let holder: Holder = serde_json::from_str(&format!("{{\"rating\": {json}}}")).unwrap();
            assert_eq!(holder.rating.map(Rating::stars), expected, "{json}");
        }
    }
}
