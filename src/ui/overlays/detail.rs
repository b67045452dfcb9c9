//! The detail view of one job: everything the record knows, remote text sanitised.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use i2v_store::{ImageSource, JobId, JobState};

use crate::jobs::Progress;
use crate::text::{sanitize, sanitize_lines};
use crate::ui::kit::chain;
use crate::ui::kit::component::{
    Command, Component, Ctx, Outcome, Overlay, Request, View, hint, hints, quiet, result_hint, said,
};
use crate::ui::kit::job;
use crate::ui::kit::scroll::{Text, TextView};
use crate::ui::kit::wrap::{wrap_line, wrap_lines};
use crate::ui::model::book::Book;
use crate::ui::model::effect::Effect;
use crate::ui::model::format::{bytes_text, mm_ss, progress_text, state_text, timestamp, timings};
use crate::ui::model::keys::Action;

/// The detail view: the job's frames (or its video playing) over everything its record
/// knows.
pub(crate) struct Detail {
    id: JobId,
    text: TextView<DetailText>,
    frames: crate::ui::kit::frames::Frames,
    /// The last draw showed the frames, whose title names the play key.
    frames_shown: bool,
}

impl Detail {
    /// The view of `id`; `back_from` is the shot continuing it that `[` came back from, so
    /// that `]` opens the one after.
    pub fn open(id: JobId, back_from: Option<JobId>) -> Self {
        Self {
            text: TextView::new(DetailText {
                id: id.clone(),
                next: chain::NextShots::default(),
                back_from,
                shots: (false, false),
                video: (false, false),
                fetch: false,
            }),
            frames: crate::ui::kit::frames::Frames::default(),
            frames_shown: false,
            id,
        }
    }
}

impl Component for Detail {
    fn commands(&self) -> Vec<Command> {
        let mut commands = self.text.commands();
        if self.frames_shown {
            for command in &mut commands {
                if matches!(
                    command,
                    Command::Action {
                        action: Action::Play,
                        ..
                    }
                ) {
                    *command = command.said_by_view();
                }
            }
        }
        commands
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        self.text.act(action, ctx)
    }

    fn selected_job(&self, _book: &Book) -> Option<JobId> {
        Some(self.id.clone())
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let height = self.frames.height(view, &self.id, area);
        self.frames_shown = height > 0;
        let [pictures, text] =
            Layout::vertical([Constraint::Length(height), Constraint::Fill(1)]).areas(area);
        if height > 0 {
            self.frames.draw(
                view,
                &self.id,
                std::slice::from_ref(&self.id),
                frame,
                pictures,
            );
        }
        self.text.draw(view, frame, text);
    }
}

impl Overlay for Detail {
    fn name(&self) -> &'static str {
        "the job's details"
    }

    fn rect(&self, screen: Rect) -> Rect {
        self.text.rect(screen)
    }

    fn wheel(&mut self, up: bool) {
        self.text.wheel(up);
    }

    fn shows_frames_of(&self) -> Vec<JobId> {
        vec![self.id.clone()]
    }

    fn job(&self) -> Option<&JobId> {
        Some(&self.id)
    }
}

struct DetailText {
    id: JobId,
    next: chain::NextShots,
    back_from: Option<JobId>,
    /// Whether the job continues a shot the history has, and whether one continues it: the
    /// status bar then names `[` and `]`. Found when the lines are made (the status bar is
    /// drawn again after the view for it).
    shots: (bool, bool),
    /// Whether the job has a video URL and a downloaded file, found likewise: only then are
    /// copying, playing and opening it offered.
    video: (bool, bool),
    /// Whether the job is completed without its video, its download having failed: only
    /// then is fetching it again offered.
    fetch: bool,
}

impl Text for DetailText {
    fn title(&self) -> String {
        format!("Job {} — Esc closes", sanitize(self.id.as_str()))
    }

    fn lines(&mut self, view: &View, width: usize) -> Vec<Line<'static>> {
        let continues = view
            .book
            .get(&self.id)
            .and_then(|e| e.record.continues.as_ref())
            .is_some_and(|prev| view.book.knows(prev));
        self.shots = (continues, !self.next.of(view.book, &self.id).is_empty());
        let result = view
            .book
            .get(&self.id)
            .and_then(|e| e.record.result.as_ref());
        self.video = (
            result.is_some_and(|r| !r.url.is_empty()),
            result.is_some_and(|r| r.local_file.is_some()),
        );
        self.fetch = view
            .book
            .get(&self.id)
            .is_some_and(|e| e.record.lacks_its_video());
        lines(
            view,
            &self.id,
            &mut self.next,
            self.back_from.as_ref(),
            width,
        )
    }

    fn commands(&self) -> Vec<Command> {
        let mut commands = vec![
            // The title says it too.
            said(Action::Back, "close"),
            hint(Action::Down, "scroll"),
            match self.video.1 {
                true => hint(Action::Play, "play"),
                false => quiet(Action::Play),
            },
            match self.video.1 {
                true => hint(Action::FullScreen, "full screen"),
                false => quiet(Action::FullScreen),
            },
            match self.video.0 {
                true => hint(Action::CopyUrl, "copy URL"),
                false => quiet(Action::CopyUrl),
            },
            match self.video.1 {
                true => hint(Action::OpenVideo, "open"),
                false => quiet(Action::OpenVideo),
            },
            quiet(Action::CopyPath),
            match self.fetch {
                true => hint(Action::FetchVideo, "fetch video"),
                false => quiet(Action::FetchVideo),
            },
            // Both ways named as one where both go somewhere, to leave room for judging.
            match self.shots {
                (true, true) => hints(Action::PrevShot, Action::NextShot, "shots"),
                (true, false) => hint(Action::PrevShot, "shot before"),
                _ => quiet(Action::PrevShot),
            },
            match self.shots {
                (false, true) => hint(Action::NextShot, "next shot"),
                _ => quiet(Action::NextShot),
            },
        ];
        commands.extend(job::judging(false));
        // A chained shot with its video, downloaded or still on fal (fetched for the film):
        // the film that ends at it (named where there is room once the judging keys are).
        commands.push(match self.shots.0 && (self.video.0 || self.video.1) {
            true => result_hint(Action::PlayFilm, "film"),
            false => quiet(Action::PlayFilm),
        });
        commands.push(match self.shots.0 || self.shots.1 {
            true => result_hint(Action::Storyboard, "storyboard"),
            false => quiet(Action::Storyboard),
        });
        commands
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let id = self.id.clone();
        match action {
            Action::PrevShot | Action::NextShot => {
                match chain::neighbour(ctx.book, &id, action, self.back_from.as_ref()) {
                    Ok((prev, _)) if action == Action::PrevShot => {
                        ctx.ask(Request::DetailBack { id: prev, from: id })
                    }
                    Ok((next, place)) => {
                        ctx.ask(Request::Detail(next));
                        if let Some((i, n)) = place {
                            ctx.notice(several_next_shots(ctx.keys, i, n));
                        }
                    }
                    Err(why) => ctx.notice(why),
                }
            }
            // The chained shot is written in the editor: this view makes way.
            Action::ContinueShot => {
                if job::continue_shot(Some(id), ctx) {
                    ctx.close();
                }
            }
            Action::Note => job::note(Some(id), true, ctx),
            Action::PlayFilm => ctx.ask(Request::PlayFilm(id)),
            Action::Storyboard => ctx.ask(Request::Storyboard(id)),
            Action::FetchVideo => fetch_video(id, ctx),
            _ => return job::act(action, Some(id), ctx),
        }
        Outcome::Handled
    }
}

/// `F`: a completed job whose download failed (a full disk, a link that broke) has its video
/// fetched again while fal keeps it; for any other job, why there is nothing to fetch.
fn fetch_video(id: JobId, ctx: &mut Ctx) {
    let Some(record) = ctx.book.get(&id).map(|e| &e.record) else {
        return;
    };
    if record.lacks_its_video() {
        ctx.notice(format!("Fetching the video of job {id} again"));
        ctx.effect(Effect::FetchVideo(id));
        return;
    }
    let result = record.result.as_ref();
    let why = if record.state != JobState::Completed {
        format!(
            "Job {id} is {}: only a completed job has a video to fetch",
            record.state.label()
        )
    } else if result.is_some_and(|r| r.local_file.is_some()) {
        format!("Job {id} has its video already")
    } else if record.no_download {
        format!("Job {id} was sent without downloading (--no-download): its video stays on fal")
    } else {
        format!("Job {id} has no video URL to fetch it from")
    };
    ctx.notice(why);
}

/// Said on opening one of several shots that continue a job: which, and how to reach the
/// others.
fn several_next_shots(keys: &crate::ui::model::keys::KeyMap, i: usize, n: usize) -> String {
    let how = match (
        keys.short_label(Action::PrevShot),
        keys.short_label(Action::NextShot),
    ) {
        (Some(back), Some(next)) => format!(": {back} then {next} opens the next"),
        _ => String::new(),
    };
    format!("Next shot {i} of {n}{how}")
}

fn lines(
    view: &View,
    id: &JobId,
    next: &mut chain::NextShots,
    back_from: Option<&JobId>,
    width: usize,
) -> Vec<Line<'static>> {
    let theme = view.theme;
    let Some(entry) = view.book.get(id) else {
        return vec![crate::ui::kit::unread::unread(view.book, id)];
    };
    let r = &entry.record;
    let field = |name: &str, value: String| -> Line<'static> {
        Line::from(vec![
            Span::styled(format!("{name:<10} "), theme.muted()),
            Span::raw(value),
        ])
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{:<10} ", "State"), theme.muted()),
            Span::styled(state_text(entry, view.now), theme.state(&r.state)),
        ]),
        field("Created", timestamp(r.created_at)),
        field("Updated", timestamp(r.updated_at)),
        field("Model", sanitize(&r.model)),
    ];
    if let Some(at) = r.imported_at {
        lines.push(field(
            "Imported",
            format!(
                "{} from fal's records, made elsewhere (is:imported in the filter)",
                timestamp(at)
            ),
        ));
    }
    let image = match &r.input.image {
        ImageSource::Url { url } => sanitize(url),
        ImageSource::File {
            path,
            content_type,
            size,
            ..
        } => format!(
            "{} ({}, {})",
            sanitize(&path.display().to_string()),
            sanitize(content_type),
            bytes_text(*size)
        ),
    };
    lines.push(field("Image", image));
    if !r.state.is_terminal()
        && let Some(progress) = &entry.progress
    {
        lines.push(field("Now", progress_detail(progress)));
    }
    let optimizer = if r.input.prompt_optimizer {
        "on"
    } else {
        "off"
    };
    lines.push(field("Optimizer", optimizer.to_owned()));
    lines.extend(chain::lines(
        view,
        r,
        next.of(view.book, id),
        back_from,
        |name, value| {
            let mut spans = vec![Span::styled(format!("{name:<10} "), theme.muted())];
            spans.extend(value);
            Line::from(spans)
        },
    ));
    if !r.fal_options.is_default() {
        lines.push(field("fal", sanitize(&r.fal_options.summary())));
    }
    if let Some(price) = r.price_usd {
        lines.push(field("Price", crate::spend::usd(price)));
    }
    if let Some(batch) = &r.batch {
        lines.push(field(
            "Batch",
            format!("{} (batch: in the filter)", sanitize(batch.as_str())),
        ));
    }
    if let Some(request) = &r.request {
        lines.push(field("Request", sanitize(&request.request_id.0)));
    }
    if let Some(result) = &r.result {
        lines.push(field("Video", sanitize(&result.url)));
        // The file as o and p find it: a job that did not complete has none to offer.
        if let Some(path) = crate::frames::local_video(r) {
            let size = result.local_size.map(|s| format!(" ({})", bytes_text(s)));
            lines.push(field(
                "File",
                format!(
                    "{}{}",
                    sanitize(&path.display().to_string()),
                    size.unwrap_or_default()
                ),
            ));
        }
    }
    if let Some(error) = &r.error {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<10} ", "Error"), theme.muted()),
            Span::styled(
                format!("[{}] ", sanitize(error.kind.as_str())),
                theme.error(),
            ),
        ]));
        for line in sanitize_lines(&error.message) {
            lines.push(Line::styled(format!("  {line}"), theme.error()));
        }
    }
    if let Some(timings) = timings(&r.metrics) {
        lines.push(field("Timings", timings));
    }

    lines.push(Line::from(""));
    lines.push(Line::styled("Prompt", theme.title(true)));
    for line in sanitize_lines(&r.input.prompt) {
        lines.push(Line::from(format!("  {line}")));
    }

    lines.push(Line::from(""));
    lines.push(Line::styled("Timeline", theme.title(true)));
    for change in &r.timeline {
        let offset = (change.at - r.created_at).num_seconds().max(0);
        let what = change.state.describe();
        lines.push(Line::from(vec![
            Span::styled(format!("  +{}  ", mm_ss(offset)), theme.muted()),
            Span::styled(what, theme.state(&change.state)),
        ]));
    }

    lines.push(Line::from(""));
    lines.push(Line::styled(
        format!("Logs ({})", entry.log_lines.len()),
        theme.title(true),
    ));
    for log in &entry.log_lines {
        lines.push(Line::from(format!("  {}", log.text)));
    }
    // A field's value wraps under the value, not under its label (long paths and URLs
    // do, on a narrow screen); other lines hang under their own indent.
    lines
        .into_iter()
        .flat_map(|line| match is_field(&line) {
            true => wrap_line(line, width, LABEL_WIDTH),
            false => wrap_lines(vec![line], width),
        })
        .collect()
}

/// Columns of a field's label (`Image      `), the value after it.
const LABEL_WIDTH: usize = 11;

/// A `Label      value` line: its first span is the padded label.
fn is_field(line: &Line) -> bool {
    line.spans.len() > 1
        && line.spans.first().is_some_and(|label| {
            label.content.chars().count() == LABEL_WIDTH && !label.content.starts_with(' ')
        })
}

/// Progress with its reason, which the one-line queue row leaves out.
fn progress_detail(progress: &Progress) -> String {
    match progress {
        Progress::Reconnecting { reason } => format!("reconnecting: {}", sanitize(reason)),
        Progress::Retrying {
            attempt,
            delay,
            reason,
        } => crate::jobs::retry_text(*attempt, *delay, &sanitize(reason)),
        Progress::Downloaded { path } => {
            format!("downloaded to {}", sanitize(&path.display().to_string()))
        }
        other => progress_text(other),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crossterm::event::{KeyCode, KeyModifiers};
    use i2v_store::{ErrorKind, JobError, JobRecord, JobState};

    use super::*;
    use crate::test_record::{continuing, record, with_video};
    use crate::ui::kit::test_component::{HOSTILE, TestComponent, assert_shows, shown};

    /// The details of `jobs[0]`, every job known.
    fn detail(jobs: Vec<JobRecord>) -> (JobId, TestComponent<Detail>) {
        let id = jobs[0].id.clone();
        let view = TestComponent::new(Detail::open(id.clone(), None)).with_jobs(jobs);
        (id, view)
    }

    fn press(view: &mut TestComponent<Detail>, c: char) -> Vec<Request> {
        view.press(KeyCode::Char(c), KeyModifiers::NONE);
        view.take()
    }

    #[test]
    fn it_shows_what_the_record_knows_remote_text_sanitised() {
        let mut job = record("a heron\nat dusk", JobState::Failed);
        job.error = Some(JobError::new(
            ErrorKind::Validation,
            format!("image too small{HOSTILE} (200 px)"),
        ));
        job.price_usd = Some(0.33);
        let (id, mut view) = detail(vec![job]);
        assert_shows(
            &view.screen(80, 30),
            &[
                format!("Job {id} — Esc closes").as_str(),
                "Model      model",
                "Image      https://example.com/heron.png",
                "Optimizer  on",
                "Price      $0.33",
                "Error      [validation]",
                "  image too small (200 px)",
                "Prompt",
                "  a heron",
                "  at dusk",
                "Timeline",
                "Logs (0)",
            ],
        );
    }

    #[test]
    fn playing_copying_and_opening_are_offered_only_with_a_video_on_disk() {
        let (_, mut running) = detail(vec![record("a heron", JobState::Running)]);
        running.draw(80, 30);
        assert_eq!(
            running.hints(),
            ["close", "scroll", "rate", "note", "continue", "compare"]
        );
        let (id, mut done) = detail(vec![with_video("a heron")]);
        let screen = done.screen(80, 30);
        assert!(
            screen.contains(&format!("File       /videos/{id}.mp4 (976.6 KB)")),
            "{screen}"
        );
        for offered in ["play", "full screen", "copy URL", "open"] {
            assert!(
                done.hints().contains(&offered),
                "{offered}: {:?}",
                done.hints()
            );
        }
        assert!(matches!(&press(&mut done, 'p')[..], [Request::Play(p)] if *p == id));
        assert!(matches!(&press(&mut done, 'f')[..], [Request::FullScreen(f)] if *f == id));
        assert!(matches!(
            &press(&mut done, 'o')[..],
            [Request::Effect(Effect::OpenVideo(path))] if path.ends_with(format!("{id}.mp4"))
        ));
    }

    #[test]
    fn f_fetches_again_only_a_video_whose_download_failed() {
        let mut lost = with_video("a heron");
        if let Some(result) = lost.result.as_mut() {
            result.local_file = None;
        }
        lost.error = Some(JobError::new(
            ErrorKind::Other("download".into()),
            "disk full",
        ));
        let (id, mut view) = detail(vec![lost]);
        view.draw(80, 30);
        assert!(view.hints().contains(&"fetch video"), "{:?}", view.hints());
        let asked = press(&mut view, 'F');
        assert!(matches!(
            &asked[..],
            [Request::Notice(_), Request::Effect(Effect::FetchVideo(f))] if *f == id
        ));

        let (id, mut view) = detail(vec![with_video("a heron")]);
        view.draw(80, 30);
        assert!(!view.hints().contains(&"fetch video"));
        let asked = press(&mut view, 'F');
        let already = format!("Job {id} has its video already");
        assert!(
            matches!(&asked[..], [Request::Notice(n)] if *n == already),
            "no effect"
        );
    }

    #[test]
    fn brackets_walk_the_chain_and_say_where_it_ends() {
        let first = with_video("a heron wades");
        let (take_1, take_2) = (
            continuing("the heron takes off", &first),
            continuing("the heron dives", &first),
        );
        let jobs = vec![first.clone(), take_1.clone(), take_2.clone()];

        let (_, mut middle) = detail(vec![take_1.clone(), first.clone(), take_2.clone()]);
        middle.draw(80, 30);
        assert!(
            middle.hints().contains(&"shot before"),
            "{:?}",
            middle.hints()
        );
        assert!(matches!(
            &press(&mut middle, '[')[..],
            [Request::DetailBack { id, from }] if *id == first.id && *from == take_1.id
        ));
        let asked = press(&mut middle, ']');
        assert!(
            matches!(&asked[..], [Request::Notice(_)]),
            "the last shot says nothing follows it"
        );

        let (_, mut start) = detail(jobs);
        start.draw(80, 30);
        assert!(!start.hints().contains(&"shot before"));
        let asked = press(&mut start, ']');
        assert!(matches!(&asked[0], Request::Detail(next) if *next == take_1.id));
        assert!(
            matches!(&asked[1], Request::Notice(n) if n == "Next shot 1 of 2: [ then ] opens the next")
        );
    }

    #[test]
    fn with_pictures_its_frames_stand_over_the_text_naming_the_play_key() {
        let (id, mut view) = detail(vec![with_video("a heron")]);
        let play_said = |view: &TestComponent<Detail>| {
            view.component.commands().iter().any(
                |c| matches!(c, Command::Action { action: Action::Play, hint: Some(h) } if h.said),
            )
        };
        view.draw(80, 30);
        assert!(
            !play_said(&view),
            "pictures off: no frames, the status bar names p"
        );
        let mut view = view.pictures();
        view.with_strip(&id);
        let screen = view.screen(80, 30);
        assert!(screen.contains("⏸ Frames · p plays"), "{screen}");
        assert!(play_said(&view));
        view.play(&id, shown(36, 144, Duration::from_secs(1)));
        let screen = view.screen(80, 30);
        assert!(screen.contains("frame 37/144 · p or Esc stops"), "{screen}");
    }

    #[test]
    fn continuing_makes_way_for_the_editor_and_esc_closes() {
        let (id, mut view) = detail(vec![with_video("a heron")]);
        let asked = press(&mut view, 'l');
        assert!(matches!(&asked[..], [Request::Chain(c), Request::Close] if *c == id));
        view.press(KeyCode::Esc, KeyModifiers::NONE);
        assert!(matches!(view.take().as_slice(), [Request::Close]));

        let (_, mut running) = detail(vec![record("a heron", JobState::Running)]);
        running.press(KeyCode::Char('l'), KeyModifiers::NONE);
        assert!(!running.requests.iter().any(|r| matches!(r, Request::Close)));
        assert!(running.said()[0].starts_with("Cannot continue from it"));
    }
}
