//! Shared fixtures for the `ui_*` tests: a fixed clock, job records, key helpers and a
//! renderer that turns a frame into text (and styles into text, for themes).
#![allow(dead_code)] // each test crate uses a different part

use std::path::PathBuf;

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::KeyCode;
use i2v::jobs::{JobEvent, Progress};
use i2v::ui::{App, AppOptions, Effect, Msg, draw};
use i2v_store::{
    ErrorKind, ImageSource, JobError, JobId, JobInput, JobRecord, JobState, LogEntry, Metrics,
    RequestId, RequestInfo, StatusChange, SubmitSent, VideoResult,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

// The key helpers live with the other workbench tests' support; one home for both.
#[path = "../tui_support/keys.rs"]
mod keys;
#[allow(unused_imports)] // each test crate uses a different part
pub use keys::{ch, ctrl, key};

pub const MODEL: &str = "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video";

/// The moment every test screen is drawn at.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

pub fn app_with(opts: AppOptions) -> App {
    let mut app = App::new(opts);
    app.set_now(t0());
    app.update(Msg::Resize(80, 24));
    app
}

pub fn app() -> App {
    app_with(AppOptions::default())
}

/// Sends each message, returning every effect in order.
pub fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| app.update(m)).collect()
}

/// Types `text` key by key, as a user would.
pub fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    send(app, text.chars().map(ch))
}

pub fn tab(app: &mut App, times: usize) {
    for _ in 0..times {
        app.update(key(KeyCode::Tab));
    }
}

/// A fixed id so snapshots do not change between runs (`n` < 36).
pub fn id(n: u32) -> JobId {
    let c = char::from_digit(n, 36).unwrap().to_ascii_uppercase();
    JobId::parse(&format!("01JDQ7Z8K4M2N6P8R0T2V4X6Y{c}")).unwrap()
}

/// A record created `minutes_ago` before [`t0`], in `state`.
pub fn record(n: u32, prompt: &str, image: &str, state: JobState, minutes_ago: i64) -> JobRecord {
    let created = t0() - Duration::minutes(minutes_ago);
    let image = if image.starts_with("http") {
        ImageSource::Url {
            url: image.to_owned(),
        }
    } else {
        ImageSource::File {
            path: PathBuf::from(image),
            content_type: "image/png".to_owned(),
            size: 12_595,
            uploaded_url: None,
        }
    };
    let mut timeline = vec![StatusChange {
        at: created,
        state: JobState::Preparing,
    }];
    if state != JobState::Preparing {
        timeline.push(StatusChange {
            at: created + Duration::seconds(2),
            state: JobState::Queued { position: Some(2) },
        });
    }
    if !matches!(state, JobState::Preparing | JobState::Queued { .. }) {
        timeline.push(StatusChange {
            at: created + Duration::seconds(9),
            state: JobState::Running,
        });
    }
    let finished = created + Duration::seconds(71);
    if state.is_terminal() {
        timeline.push(StatusChange {
            at: finished,
            state: state.clone(),
        });
    }
    let mut record = JobRecord {
        schema: i2v_store::SCHEMA_VERSION,
        id: id(n),
        created_at: created,
        updated_at: if state.is_terminal() {
            finished
        } else {
            created + Duration::seconds(9)
        },
        model: MODEL.to_owned(),
        input: JobInput {
            prompt: prompt.to_owned(),
            image,
            prompt_optimizer: n.is_multiple_of(2),
        },
        request: Some(RequestInfo {
            request_id: RequestId(format!("req-{n}")),
            status_url: String::new(),
            response_url: String::new(),
            cancel_url: String::new(),
        }),
        submit_sent: SubmitSent::At(created),
        state: state.clone(),
        timeline,
        logs: Vec::new(),
        result: None,
        error: None,
        metrics: Metrics::default(),
        fal_options: Default::default(),
        lost_submit: None,
        imported_at: None,
        continues: None,
        no_download: false,
        rating: None,
        note: None,
        price_usd: None,
        batch: None,
    };
    match state {
        JobState::Completed => {
            record.result = Some(VideoResult {
                url: format!("https://v3.fal.media/files/video-{n}.mp4"),
                content_type: Some("video/mp4".to_owned()),
                file_name: Some(format!("video-{n}.mp4")),
                file_size: Some(1_843_200),
                local_file: Some(PathBuf::from(format!("/home/me/videos/{}.mp4", id(n)))),
                local_size: Some(1_843_200),
            });
            record.metrics = Metrics {
                inference_time: Some(58.2),
                queue_seconds: Some(7.9),
                total_seconds: Some(71.0),
            };
        }
        JobState::Failed => {
            record.error = Some(JobError::new(
                ErrorKind::Validation,
                "image_url: the image is smaller than 300×300",
            ));
        }
        _ => {}
    }
    record
}

pub fn log(message: &str) -> LogEntry {
    LogEntry {
        message: message.to_owned(),
        level: "INFO".to_owned(),
        source: "USER".to_owned(),
        timestamp: "2026-11-25T11:59:50Z".to_owned(),
    }
}

/// The job most queue tests need: job 7, "A dog surfing" from `dog.png`, created a minute
/// before [`t0`], in `state`.
pub fn dog_job(state: JobState) -> JobRecord {
    record(7, "A dog surfing", "dog.png", state, 1)
}

/// A fresh workbench whose queue holds [`dog_job`] in `state`.
pub fn app_with_dog_job(state: JobState) -> App {
    let mut app = app();
    app.update(updated(&dog_job(state)));
    app
}

/// The history's index listed `records`, with no problems, and their full records were
/// read (as for jobs opened lately): most tests want both.
pub fn history_loaded(records: Vec<JobRecord>) -> [Msg; 2] {
    [
        history_listed(&records),
        Msg::RecordsRead(records.into_iter().map(Ok).collect()),
    ]
}

/// The history's index listed `records` (summaries only), with no problems.
pub fn history_listed(records: &[JobRecord]) -> Msg {
    Msg::HistoryLoaded {
        rows: i2v::ui::HistoryRows::of(records.iter().map(i2v_store::Summary::of).collect()),
        problems: Vec::new(),
    }
}

pub fn updated(record: &JobRecord) -> Msg {
    Msg::Job(JobEvent::Updated(Box::new(record.clone())))
}

pub fn logs(n: u32, lines: &[&str]) -> Msg {
    Msg::Job(JobEvent::Logs {
        id: id(n),
        entries: lines.iter().map(|l| log(l)).collect(),
    })
}

pub fn progress(n: u32, progress: Progress) -> Msg {
    Msg::Job(JobEvent::Progress {
        id: id(n),
        progress,
    })
}

/// Four finished jobs in the history.
pub fn history() -> Vec<JobRecord> {
    vec![
        record(
            1,
            "A red fox trots through fresh snow, slow dolly in, breath visible",
            "frames/fox.png",
            JobState::Completed,
            180,
        ),
        record(
            2,
            "Astronaut waves on the moon, earth rising behind, handheld",
            "https://example.com/moon.jpg",
            JobState::Failed,
            95,
        ),
        record(
            3,
            "Paper boat drifts down a rainy gutter\nmacro lens, shallow focus",
            "frames/boat.png",
            JobState::Cancelled,
            40,
        ),
        record(
            4,
            "A cat on a windowsill watches the rain, soft morning light",
            "frames/cat.png",
            JobState::Completed,
            12,
        ),
    ]
}

/// A workbench in use: history loaded, one job running with logs, one queued, a prompt in
/// the editor and an inspected image.
pub fn busy_app() -> App {
    let mut app = app();
    fill_busy(&mut app);
    app
}

/// Gives `app` the content of [`busy_app`].
pub fn fill_busy(app: &mut App) {
    send(app, history_loaded(history()));
    let mut running = record(
        5,
        "The cat stretches and yawns, camera slowly pushes in",
        "frames/cat.png",
        JobState::Running,
        1,
    );
    running.logs = vec![log("Loading model weights"), log("Generating frames 0-24")];
    app.update(updated(&running));
    app.update(logs(
        5,
        &["Generating frames 24-48", "Generating frames 48-72 (68%)"],
    ));
    let queued = record(
        6,
        "Same cat, but at dusk with neon reflections",
        "frames/cat.png",
        JobState::Queued { position: Some(3) },
        0,
    );
    app.update(updated(&queued));
    type_text(
        app,
        "The cat stretches, yawns and jumps down; slow push-in, warm light",
    );
    tab(app, 1);
    type_text(app, "frames/cat.png");
    app.update(Msg::ImageInspected {
        text: "frames/cat.png".to_owned(),
        result: Ok(i2v::ui::ImageInfo {
            summary: "cat.png · PNG · 12.3 KB · 1280×720".to_owned(),
            limit: None,
        }),
    });
    tab(app, 4); // back to the editor
}

pub fn terminal(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| draw(app, frame)).unwrap();
    terminal
}

/// The screen as text, one line per row, trailing spaces trimmed.
pub fn render(app: &mut App, width: u16, height: u16) -> String {
    buffer_text(terminal(app, width, height).backend().buffer())
}

/// Panics with the screen unless the 80×24 screen shows `text`.
#[track_caller]
pub fn assert_shows(app: &mut App, text: &str) {
    let screen = render(app, 80, 24);
    assert!(
        screen.contains(text),
        "{text:?} is not on the screen:\n{screen}"
    );
}

/// Panics with the screen if the 80×24 screen shows `text`.
#[track_caller]
pub fn assert_hides(app: &mut App, text: &str) {
    let screen = render(app, 80, 24);
    assert!(
        !screen.contains(text),
        "{text:?} is on the screen:\n{screen}"
    );
}

pub fn buffer_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut row = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = symbol.width().saturating_sub(1);
            row.push_str(symbol);
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

/// Every run of same-styled cells, row by row: what a text snapshot cannot show.
pub fn style_runs(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let style = buffer[(x, y)].style();
            let start = x;
            let mut text = String::new();
            while x < area.width && buffer[(x, y)].style() == style {
                text.push_str(buffer[(x, y)].symbol());
                x += 1;
            }
            let text = text.trim_end();
            let plain_bg = matches!(style.bg, None | Some(ratatui::style::Color::Reset));
            if text.trim().is_empty() && plain_bg {
                continue;
            }
            let fg = style.fg.map_or("-".to_owned(), |c| c.to_string());
            let bg = style.bg.map_or("-".to_owned(), |c| c.to_string());
            out.push_str(&format!(
                "{y:>2}:{start:<3} fg={fg:<9} bg={bg:<9} {:?} {text:?}\n",
                style.add_modifier
            ));
        }
    }
    out
}

/// The simulated fal's video (red, green, blue thirds with a white box moving along the
/// top) as a frame strip of 480×270 thumbnails, as the strip maker makes them.
pub fn sample_strip() -> std::sync::Arc<[i2v_video::Frame; 3]> {
    let video =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/sim/assets/sample.mp4");
    let frames = i2v_video::Video::open(video)
        .unwrap()
        .frames(&i2v_video::Position::STRIP)
        .unwrap();
    let thumbs: Vec<_> = frames.iter().map(|f| f.thumbnail(480, 270)).collect();
    std::sync::Arc::new(<[_; 3]>::try_from(thumbs).unwrap())
}
