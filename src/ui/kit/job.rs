//! What can be done to the selected job wherever it is shown: the queue, the history and the
//! detail view share these.

use std::path::PathBuf;

use i2v_store::{JobId, JobRecord, JobState};
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

use crate::judge::{Verdict, stars};
use crate::text::sanitize;
use crate::ui::kit::component::View;
use crate::ui::kit::component::{Command, Ctx, Outcome, Request, quiet, result_hint, result_hints};
use crate::ui::model::book::Book;
use crate::ui::model::effect::Effect;
use crate::ui::model::format::cut;
use crate::ui::model::keys::{Action, KeyMap};

/// Judging the selected job and chaining from it: the queue, the history and the detail view
/// all take these. The status bar names the most used while the selected job is a finished
/// result (help lists them all); `mark` adds the history's marking, which compare needs.
pub(crate) fn judging(mark: bool) -> Vec<Command> {
    let mut commands = rating().to_vec();
    commands.extend([
        result_hint(Action::Note, "note"),
        result_hint(Action::ContinueShot, "continue"),
    ]);
    if mark {
        commands.push(result_hint(Action::Mark, "mark"));
        commands.push(result_hint(Action::MarkBatch, "mark batch"));
    }
    commands.push(result_hint(Action::Compare, "compare"));
    commands
}

/// The digits that rate (one hint names them all) and 0, which clears: every view that
/// judges a job takes these.
pub(crate) const fn rating() -> [Command; 6] {
    [
        result_hints(Action::Rate1, Action::Rate5, "rate"),
        quiet(Action::Rate2),
        quiet(Action::Rate3),
        quiet(Action::Rate4),
        quiet(Action::Rate5),
        quiet(Action::Unrate),
    ]
}

/// Carries out one of the selected job's actions on `id`; hands back the others.
pub(crate) fn act(action: Action, id: Option<JobId>, ctx: &mut Ctx) -> Outcome {
    match action {
        Action::Detail => {
            if let Some(id) = id {
                ctx.ask(Request::Detail(id));
            }
        }
        Action::CopyUrl => copy_url(id, ctx),
        Action::OpenVideo => open_video(id, ctx),
        Action::CopyPath => copy_path(id, ctx),
        Action::Play => {
            if let Some(id) = id {
                ctx.ask(Request::Play(id));
            }
        }
        Action::FullScreen => {
            if let Some(id) = id {
                ctx.ask(Request::FullScreen(id));
            }
        }
        Action::Storyboard => {
            if let Some(id) = id {
                ctx.ask(Request::Storyboard(id));
            }
        }
        Action::ContinueShot => {
            continue_shot(id, ctx);
        }
        Action::Note => note(id, false, ctx),
        Action::Compare => {
            if let Some(id) = id {
                ctx.ask(Request::Compare(id));
            }
        }
        _ => match action.stars() {
            Some(stars) => rate(id, stars, ctx),
            None => return Outcome::HandBack,
        },
    }
    Outcome::Handled
}

fn copy_url(id: Option<JobId>, ctx: &mut Ctx) {
    let url = id
        .and_then(|id| ctx.book.get(&id))
        .and_then(|e| e.record.result.as_ref())
        .map(|r| r.url.clone());
    match url.as_deref().map(crate::text::copyable_url) {
        Some(Ok(url)) => {
            ctx.notice("Copied the video URL");
            ctx.effect(Effect::CopyToClipboard(url.to_owned()));
        }
        Some(Err(why)) => ctx.error(why),
        None => ctx.notice("No video URL for this job yet"),
    }
}

/// The selected job's video on disk, asked the way every view asks (only a completed job
/// has one: a failed or cancelled record may still name a file from before).
fn video_file(id: Option<JobId>, book: &Book) -> Option<PathBuf> {
    crate::ui::model::media::video_of(book, &id?)
}

fn open_video(id: Option<JobId>, ctx: &mut Ctx) {
    match video_file(id.clone(), ctx.book) {
        // A player started here would play on the remote machine, where nobody sees it:
        // the video plays in the terminal instead, if the user wants.
        Some(path) if ctx.remote => {
            let play = ctx
                .keys
                .short_label(Action::Play)
                .map(|key| format!(": {key} plays it here, in the terminal"))
                .unwrap_or_default();
            let text = format!(
                "Over SSH a player would open on the remote machine, where you cannot see \
                 it{play} (the file is {})",
                path.display()
            );
            let text = with_copy_hint(ctx.keys, text);
            ctx.notice(text);
            if let Some(id) = id {
                ctx.ask(Request::Detail(id));
            }
        }
        Some(path) => ctx.effect(Effect::OpenVideo(path)),
        None => ctx.notice("No downloaded video for this job"),
    }
}

fn copy_path(id: Option<JobId>, ctx: &mut Ctx) {
    match video_file(id, ctx.book) {
        Some(path) => ctx.effect(Effect::CopyToClipboard(path.display().to_string())),
        None => ctx.notice("No downloaded video for this job"),
    }
}

/// The selected job, if it is completed: only a result can be judged.
fn completed(id: Option<JobId>, ctx: &mut Ctx, what: &str) -> Option<JobId> {
    let id = id?;
    let state = &ctx.book.get(&id)?.record.state;
    if *state == JobState::Completed {
        return Some(id);
    }
    ctx.error(format!(
        "Job {id} is {}: only a completed job (one with a video) {what}",
        state.label()
    ));
    None
}

fn rate(id: Option<JobId>, stars: u8, ctx: &mut Ctx) {
    if let Some(id) = completed(id, ctx, "can be rated") {
        let verdict = Verdict::stars(stars);
        ctx.effect(Effect::Judge { id, verdict });
    }
}

/// Opens the note editor on `id`; `from_detail`: its detail view comes back after.
pub(crate) fn note(id: Option<JobId>, from_detail: bool, ctx: &mut Ctx) {
    let Some(id) = completed(id, ctx, "takes a note") else {
        return;
    };
    let current = ctx
        .book
        .get(&id)
        .and_then(|e| e.record.note.clone())
        .unwrap_or_default();
    ctx.ask(Request::Note {
        id,
        current,
        from_detail,
    });
}

/// `l`: a chained shot needs the job's video on disk; say why not before asking for it.
/// True when asked.
pub(crate) fn continue_shot(id: Option<JobId>, ctx: &mut Ctx) -> bool {
    let Some(entry) = id.and_then(|id| ctx.book.get(&id)) else {
        return false;
    };
    let id = entry.record.id.clone();
    match crate::frames::video_file(&entry.record) {
        Ok(_) => {
            ctx.ask(Request::Chain(id));
            true
        }
        Err(why) => {
            ctx.error(format!("Cannot continue from it: {why}"));
            false
        }
    }
}

/// Whether a list shows a rating column: only once one of its jobs is rated.
pub(crate) fn any_rated<'a>(mut records: impl Iterator<Item = &'a JobRecord>) -> bool {
    records.any(|r| r.rating.is_some())
}

/// A list row's judgement: the stars (a column, blank for an unrated job, when `column`),
/// then the note cut to `note_width` (none when 0), each followed by a space.
pub(crate) fn judgement_spans(
    view: &View,
    record: &JobRecord,
    column: bool,
    note_width: usize,
) -> Vec<Span<'static>> {
    let note = Note::Text(record.note.as_deref());
    judgement_parts(view, record.rating, note, column, note_width)
}

/// The narrowest a list row's note is drawn, quotes included, where it is drawn at all; it
/// takes more of the row's free width when there is some.
pub(crate) const NOTE_WIDTH: usize = 24;

/// Columns `row`'s note takes in a list, quotes included: the start the row keeps (the
/// index's summaries carry it, so a row whose record is not read shows it too).
pub(crate) fn note_cells(row: &crate::ui::model::row::Row) -> usize {
    row.note.as_deref().map_or(0, |n| sanitize(n).width() + 2)
}

/// A row's note, if it has one.
pub(crate) enum Note<'a> {
    Text(Option<&'a str>),
}

/// [`judgement_spans`] from a rating and a note.
pub(crate) fn judgement_parts(
    view: &View,
    rating: Option<i2v_store::Rating>,
    note: Note<'_>,
    column: bool,
    note_width: usize,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    if column {
        let rating = rating.map_or_else(|| " ".repeat(5), stars);
        spans.push(Span::styled(format!("{rating} "), view.theme.accent()));
    }
    if note_width <= 2 {
        return spans;
    }
    let note = match note {
        Note::Text(Some(note)) => format!("“{}”", cut(&sanitize(note), note_width - 2)),
        Note::Text(None) => String::new(),
    };
    // A column: the prompts after it start level, noted or not.
    let pad = note_width.saturating_sub(note.width());
    spans.push(Span::styled(
        format!("{note}{} ", " ".repeat(pad)),
        view.theme.muted(),
    ));
    spans
}

/// `text`, plus the key that copies the video's path, if one is bound.
pub(crate) fn with_copy_hint(keys: &KeyMap, text: String) -> String {
    match keys.short_label(Action::CopyPath) {
        Some(key) => format!("{text} · {key} copies the path"),
        None => text,
    }
}

/// Why cancelling `id` would do nothing, if it would. Once fal has finished a job
/// (downloading its result), there is nothing left to cancel there.
pub(crate) fn cancel_refusal(book: &Book, id: &JobId) -> Option<String> {
    match book.get(id).map(|e| &e.record.state) {
        None => Some(format!(
            "job {id} is not in this workbench; nothing to cancel"
        )),
        Some(JobState::Downloading | JobState::ResultPending) => Some(format!(
            "job {id} already finished on fal; nothing to cancel"
        )),
        Some(state) if state.is_terminal() => Some(format!(
            "job {id} already finished ({}); nothing to cancel",
            state.label()
        )),
        Some(_) => None,
    }
}

/// The id `delta` places from `current` in `ids`, clamped to the ends.
pub(crate) fn step(ids: &[JobId], current: Option<&JobId>, delta: isize) -> Option<JobId> {
    if ids.is_empty() {
        return None;
    }
    let at = current
        .and_then(|c| ids.iter().position(|id| id == c))
        .unwrap_or(0) as isize;
    let next = (at + delta).clamp(0, ids.len() as isize - 1) as usize;
    ids.get(next).cloned()
}
