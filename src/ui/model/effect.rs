//! What [`App::update`](crate::ui::App::update) asks the runtime to do. The app itself never
//! touches the network, the disk or the terminal; each effect's outcome, if it has one,
//! comes back as a [`Msg`](crate::ui::Msg).

use std::path::PathBuf;

use i2v_store::JobId;
use serde::{Deserialize, Serialize};

use crate::jobs::NewJob;
use crate::judge::Verdict;

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Submit(NewJob),
    /// Several jobs sent together, the user having confirmed them: the runtime gives them
    /// one new batch id.
    SubmitBatch(Vec<NewJob>),
    /// A chained shot: submit `job`, recording that its image is `continues`'s last frame.
    SubmitContinuing {
        job: NewJob,
        continues: JobId,
    },
    /// If a later `Submit` names the local file `path` and it is gone, send `url` (the copy
    /// fal already has from an earlier run) instead.
    ImageFallback {
        path: String,
        url: String,
    },
    Cancel(JobId),
    /// Fetch again the video of a completed job whose download failed (a full disk, a link
    /// that broke) while fal keeps it; the job's record comes back in its events, a refusal
    /// as `Msg::Error` or `Msg::Notice`.
    FetchVideo(JobId),
    /// Read these jobs' full records (history lists only summaries); answer with
    /// `Msg::RecordsRead`.
    ReadRecords(Vec<JobId>),
    /// Ask fal's records for this model's requests sent since `since` that no local record
    /// names (as `i2v history import --from-fal` does); answer with `Msg::FalImport`'s
    /// `Found`.
    LookAtFal {
        since: chrono::DateTime<chrono::Utc>,
    },
    /// Save these jobs found in fal's records, marked imported, and have the engine fetch
    /// their videos and follow those fal still runs; answer with `Msg::FalImport`'s
    /// `Imported` (the jobs' own events then say how their downloads go).
    ImportFromFal(Vec<i2v_store::JobRecord>),
    /// Move these finished jobs, their videos and thumbnails to the trash; answer with
    /// `Msg::Trashed`.
    Trash(Vec<JobId>),
    /// Look at the image field's text (stat the file, read its header); answer with
    /// `Msg::ImageInspected`. Sent on every change: debounce in the runtime if needed.
    InspectImage(String),
    /// Complete the image field's text as a local path (list its folder); answer with
    /// `Msg::PathCompleted`.
    CompletePath(String),
    /// Hand the prompt to `$VISUAL`/`$EDITOR`; answer with `Msg::EditorReturned`.
    EditExternally(String),
    /// Write to the system clipboard (OSC 52, so it works over SSH).
    CopyToClipboard(String),
    OpenVideo(PathBuf),
    /// Make (or read from the cache) the frame strip of `id`'s video, in the background;
    /// answer with `Msg::Strip`.
    WantStrip {
        id: JobId,
        video: PathBuf,
    },
    /// Read the takes chosen (takes.json); answer with `Msg::Takes`.
    ReadTakes,
    /// Remember that `take` follows `shot` in its chain's film; answer with `Msg::Takes`.
    ChooseTake {
        shot: JobId,
        take: JobId,
    },
    /// How long each of `shots` is, or why they make no film; answer with
    /// `Msg::FilmPlanned`.
    PlanFilm(Vec<JobId>),
    /// Write `shots` as one film to `path` (the data dir's films/ when `None`; a `.gif` an
    /// animated GIF), as `i2v film` does; answer with `Msg::FilmExport` as it goes.
    ExportFilm {
        shots: Vec<JobId>,
        path: Option<PathBuf>,
    },
    /// Play these jobs' videos in the terminal, in step (one clock: a compare plays two);
    /// answer with `Msg::Playing`, then `Msg::Frame` for each frame to draw.
    Play(Vec<(JobId, PathBuf)>),
    /// Join `shots` from the `from`-th on into one video and play it where `id` plays;
    /// answer with `Msg::FilmPlaying`, then `Msg::Frame` for each frame to draw.
    PlayFilm {
        id: JobId,
        shots: Vec<JobId>,
        from: usize,
    },
    /// Save the last frame of `id`'s video as a PNG in the data dir (a whole decoding pass);
    /// answer with `Msg::LastFrameSaved`.
    SaveLastFrame(JobId),
    /// Write a rating or note into `id`'s record (under its lock, refused while another
    /// process runs it); answer with `Msg::Judged`.
    Judge {
        id: JobId,
        verdict: Verdict,
    },
    /// A job finished: bell / OSC 9 / OSC 777 as the notify config says.
    Notify {
        title: String,
        body: String,
    },
    Quit,
    /// Rows the history no longer shows, to be freed off the UI thread: freeing 100,000
    /// rows takes about 15 ms, a frame's time.
    Discard(crate::ui::HistoryRows),
}

/// The editor's content, and how the history is sorted: saved a moment after each change
/// and on quit, and restored on the next start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub prompt: String,
    pub image: String,
    pub prompt_optimizer: bool,
    pub history_sort: crate::ui::model::row::Sort,
}

/// An empty editor, with the optimizer on as the model's own default.
impl Default for Draft {
    fn default() -> Self {
        Self {
            prompt: String::new(),
            image: String::new(),
            prompt_optimizer: true,
            history_sort: crate::ui::model::row::Sort::default(),
        }
    }
}
