//! Everything that can happen to the workbench, as one enum: terminal input, job events and
//! the replies to the [`Effect`](crate::ui::Effect)s the runtime carried out.

use crossterm::event::KeyEvent;
use i2v_store::{JobId, JobRecord, Summary};

use crate::ui::HistoryRows;

use crate::jobs::JobEvent;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Bracketed paste: inserted into the focused text field as one edit.
    Paste(String),
    Resize(u16, u16),
    /// Only arrives with `[ui] mouse = true`.
    Mouse(crossterm::event::MouseEvent),
    Job(JobEvent),
    /// Animation (spinner, elapsed time, fading notices). The runtime sends it only while
    /// [`App::animating`](crate::ui::App::animating) is true, so an idle screen costs nothing.
    Tick,
    /// Every job's row, newest first, from the history's index, at start. Built off the
    /// UI thread.
    HistoryLoaded {
        rows: HistoryRows,
        problems: Vec<String>,
    },
    /// What changed in the jobs dir since (another process, a sync): jobs new or changed,
    /// jobs whose files are gone, and the files that could not be read.
    HistoryChanged {
        changed: Vec<Summary>,
        removed: Vec<JobId>,
        problems: Vec<String>,
    },
    /// Jobs the last run left in flight that the engine follows again: they belong in the
    /// queue at once, with the logs saved so far, not only when their state next changes.
    Resumed(Vec<JobRecord>),
    /// Reply to `Effect::ReadRecords`: each record, or the job and why it could not be read.
    RecordsRead(Vec<Result<JobRecord, (JobId, String)>>),
    /// Reply to `Effect::Trash`: the jobs moved to the trash, and those that were not, why.
    Trashed {
        moved: Vec<JobId>,
        failed: Vec<(JobId, String)>,
        /// Where they went.
        trash: std::path::PathBuf,
    },
    /// Replies to `Effect::LookAtFal` and `Effect::ImportFromFal`.
    FalImport(FalImport),
    /// Reply to `Effect::InspectImage(text)`; ignored when `text` is no longer the field's.
    ImageInspected {
        text: String,
        result: Result<ImageInfo, String>,
    },
    /// Reply to `Effect::CompletePath(text)`: what Tab makes of `text`, `None` when there
    /// is nothing to complete (then Tab leaves the field, as it does elsewhere).
    PathCompleted {
        text: String,
        completion: Option<crate::path_complete::Completion>,
    },
    /// Reply to `Effect::EditExternally`: the edited prompt, or why the editor failed.
    EditorReturned(Result<String, String>),
    /// Reply to `Effect::Submit`.
    Submitted(Result<JobId, String>),
    /// Reply to `Effect::OpenVideo` when the opener could not be run or failed.
    OpenFailed {
        path: std::path::PathBuf,
        reason: String,
    },
    /// The terminal's graphics, found out after the first frame (or the config's choice).
    Graphics(crate::preview::Graphics),
    /// Which keys the terminal can send, found out with the graphics: keys it cannot send
    /// are no longer offered, and a remap to one is warned about.
    Keyboard(crate::preview::Keyboard),
    /// The image field's thumbnail, made after `text` checked out as a local image.
    Thumbnail {
        text: String,
        result: Result<std::sync::Arc<image::RgbImage>, String>,
    },
    /// Reply to `Effect::WantStrip`.
    Strip {
        id: JobId,
        result: crate::preview::StripResult,
    },
    /// Reply to `Effect::Play`: each video plays on its own thread until its player is
    /// dropped.
    Playing(Vec<(JobId, crate::preview::Player)>),
    /// Reply to `Effect::PlayFilm`: the film's player and where its shots start, or why it
    /// cannot be played (naming the shot).
    FilmPlaying {
        id: JobId,
        result: Result<(crate::preview::Player, crate::ui::model::media::FilmPlaying), String>,
    },
    /// How fetching the videos never downloaded of the film to play where `id` plays goes
    /// (`fetching shot 2 of 3's video, 1.2 MB of 3.4 MB`), before `Msg::FilmPlaying`.
    FilmJoining {
        id: JobId,
        how_far: String,
    },
    /// Reply to `Effect::ReadTakes` and `Effect::ChooseTake`: every take chosen now.
    Takes(Result<i2v_store::Takes, String>),
    /// Reply to `Effect::PlanFilm`.
    FilmPlanned {
        shots: Vec<JobId>,
        result: Result<Vec<std::time::Duration>, String>,
    },
    /// How an `Effect::ExportFilm` goes.
    FilmExport(FilmExport),
    /// The player has a new frame: draw it.
    Frame,
    /// What the link to the terminal does, for the player's title (and how much smaller
    /// pictures are played for it), from the loop while a video plays.
    Link(crate::tty::LinkReport),
    /// Reply to `Effect::SaveLastFrame`: where the PNG went, or why there is none.
    LastFrameSaved {
        id: JobId,
        result: Result<std::path::PathBuf, String>,
    },
    /// Reply to `Effect::Judge`: the record as saved, or why it was not.
    Judged {
        id: JobId,
        result: Result<Box<JobRecord>, String>,
    },
    /// A transient message for the status bar.
    Notice(String),
    /// A problem found at start (config, theme, keys, draft): shown until the next key,
    /// which it does not take, then it fades.
    Warning(String),
    /// An error the user must see; stays until the next key.
    Error(String),
}

/// How bringing in jobs made elsewhere from fal's records goes.
#[derive(Debug)]
pub enum FalImport {
    /// What fal's records hold since `since` that the history lacks, or why they could not
    /// be read.
    Found {
        since: chrono::DateTime<chrono::Utc>,
        result: Result<crate::fal_import::Found, String>,
    },
    /// The jobs saved (and the videos being fetched), or why none could be.
    Imported(Result<crate::fal_import::Imported, String>),
}

/// How exporting a film goes.
#[derive(Debug, Clone, PartialEq)]
pub enum FilmExport {
    /// How far (`3.2 MB of 12 MB`, `GIF frame 40 of about 144`).
    Going(String),
    /// Written to this path: what (`4 shots, 24.0 s, 1920×1080, 576 frames`).
    Done(std::path::PathBuf, String),
    /// Not written, and why (naming the shot).
    Failed(String),
}

/// What the runtime found out about the image field's text.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageInfo {
    /// One line, e.g. `frame.png · PNG · 12.3 KB · 640×480` or `URL`.
    pub summary: String,
    /// The model's documented limit the image breaks, if it does: submitting asks first.
    pub limit: Option<String>,
}
