//! Rendering and start-up costs of the workbench, with criterion:
//! - `frame/*`: one frame at 200×50 with 50 live jobs of ~100 log lines each (target ≤ 1 ms);
//! - `startup/*`: what happens before the first frame with 10,000 jobs in history (target
//!   ≤ 50 ms for the first frame), and the background history load measured on its own;
//! - before the benches, the peak RSS of listing those 10,000 jobs in the App (summaries from
//!   the index, as the workbench does), printed;
//! - and key → frame with 200 jobs in history and 20 live jobs streaming logs (target p99
//!   ≤ 16 ms), printed as percentiles.
//!
//! `cargo bench --bench render`; add `-- --quick` for a shorter run, or a name to filter.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod fixture;

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Utc};
use criterion::{BatchSize, Criterion, SamplingMode};
use fixture::{Rng, base_record, history_record, log_line, status_kb, write_history};
use i2v::jobs::JobEvent;
use i2v::ui::{App, AppOptions, HistoryRows, Msg, draw};
use i2v_store::{JobRecord, JobState, StatusChange, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WIDTH: u16 = 200;
const HEIGHT: u16 = 50;
const LIVE_JOBS: usize = 50;
const LOG_LINES: usize = 100;
const HISTORY: usize = 10_000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = write_history(&dir.path().join("store"), HISTORY);
    report_memory(&store);
    report_key_to_frame();

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench_frame(&mut c);
    bench_startup(&mut c, &store);
    c.final_summary();
}

// ---------------------------------------------------------------------------------------
// (a) A busy frame.

fn bench_frame(c: &mut Criterion) {
    let mut app = App::new(AppOptions::default());
    app.update(Msg::Resize(WIDTH, HEIGHT));
    let now = Utc::now();
    let mut rng = Rng(0x5eed);
    for i in 0..LIVE_JOBS {
        let record = live_record(i, &mut rng, now);
        app.update(Msg::Job(JobEvent::Updated(Box::new(record))));
    }
    // The last job announced is the selected one, with its logs in the logs pane.
    let mut terminal = terminal();

    let mut group = c.benchmark_group("frame");
    group.bench_function("200x50_50_live_jobs/redraw", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| draw(black_box(&mut app), frame))
                .expect("draw");
        })
    });
    // A tick moves the spinners and elapsed times, so the frame differs from the last one.
    group.bench_function("200x50_50_live_jobs/tick_then_draw", |b| {
        b.iter(|| {
            app.update(Msg::Tick);
            terminal
                .draw(|frame| draw(black_box(&mut app), frame))
                .expect("draw");
        })
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------
// (b) Start-up with a long history.

fn bench_startup(c: &mut Criterion, store: &Store) {
    let history = store.history();
    assert_eq!(history.jobs.len(), HISTORY, "fixture history reads back");
    assert!(history.problems.is_empty(), "{:?}", history.problems);
    let summaries = history.jobs;

    let mut group = c.benchmark_group("startup");
    group.sample_size(50);
    // What the workbench does before its first frame: the history loads in the background.
    group.bench_function("first_frame", |b| {
        b.iter_with_large_drop(|| {
            let mut app = App::new(AppOptions::default());
            app.update(Msg::Resize(WIDTH, HEIGHT));
            black_box(app.init());
            let mut terminal = terminal();
            terminal.draw(|frame| draw(&mut app, frame)).expect("draw");
            (app, terminal)
        })
    });
    // The background load and the frame that shows it, each far slower than a frame: few,
    // equal-sized samples keep the run short.
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.bench_function("store_history_10k", |b| {
        b.iter(|| black_box(store.history()));
    });
    // The same message without the draw: how the cost splits between update and draw.
    group.bench_function("history_loaded_10k_update", |b| {
        b.iter_batched(
            || {
                let mut app = App::new(AppOptions::default());
                app.update(Msg::Resize(WIDTH, HEIGHT));
                (app, HistoryRows::of(summaries.clone()))
            },
            |(mut app, rows)| {
                app.update(Msg::HistoryLoaded {
                    rows,
                    problems: Vec::new(),
                });
                app
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("history_loaded_10k_update_and_draw", |b| {
        b.iter_batched(
            || {
                let mut app = App::new(AppOptions::default());
                app.update(Msg::Resize(WIDTH, HEIGHT));
                let mut terminal = terminal();
                terminal.draw(|frame| draw(&mut app, frame)).expect("draw");
                (app, terminal, HistoryRows::of(summaries.clone()))
            },
            |(mut app, mut terminal, rows)| {
                app.update(Msg::HistoryLoaded {
                    rows,
                    problems: Vec::new(),
                });
                terminal.draw(|frame| draw(&mut app, frame)).expect("draw");
                (app, terminal)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------
// (c) Peak memory with the history loaded.

/// Loads the whole history into an App as the workbench does, and prints the process's
/// peak RSS. Runs before any benchmark, and the fixture was written one record at a time,
/// so little else has touched memory yet.
fn report_memory(store: &Store) {
    // Writing 5 to clear_refs resets the peak (VmHWM) to the current RSS (Linux ≥ 4.0).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kb("VmRSS");
    let mut app = App::new(AppOptions::default());
    app.update(Msg::Resize(WIDTH, HEIGHT));
    let history = store.history();
    let count = history.jobs.len();
    app.update(Msg::HistoryLoaded {
        rows: HistoryRows::of(history.jobs),
        problems: Vec::new(),
    });
    let mut terminal = terminal();
    terminal.draw(|frame| draw(&mut app, frame)).expect("draw");
    let peak = status_kb("VmHWM");
    let after = status_kb("VmRSS");
    let mb = |kb: Option<u64>| {
        kb.map(|kb| format!("{:.1} MB", kb as f64 / 1024.0))
            .unwrap_or_else(|| "unknown".into())
    };
    println!("memory: {count} history jobs listed in the App and drawn at {WIDTH}×{HEIGHT}");
    println!("  RSS before loading:        {}", mb(before));
    println!(
        "  peak RSS (VmHWM):          {}{}",
        mb(peak),
        if reset {
            ""
        } else {
            " (peak not reset: includes writing the fixture)"
        }
    );
    println!("  RSS after, App holding it: {}", mb(after));
    drop((app, terminal));
}

// ---------------------------------------------------------------------------------------
// Fixtures.

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal")
}

/// A job of this session, somewhere in its life, with `LOG_LINES` log lines.
fn live_record(i: usize, rng: &mut Rng, now: DateTime<Utc>) -> JobRecord {
    let created = now - chrono::Duration::seconds(10 * (LIVE_JOBS - i) as i64);
    let mut record = base_record(i, rng, created, LOG_LINES);
    record.state = match i % 5 {
        0 => JobState::Queued {
            position: Some((i % 7) as u32),
        },
        1 | 2 => JobState::Running,
        3 => JobState::Downloading,
        _ => JobState::Completed,
    };
    record.timeline = vec![
        StatusChange {
            at: created,
            state: JobState::Preparing,
        },
        StatusChange {
            at: created + chrono::Duration::seconds(1),
            state: record.state.clone(),
        },
    ];
    record
}

// ---------------------------------------------------------------------------------------
// (d) Key → frame: what a keypress costs while jobs stream.

const KEY_HISTORY: usize = 200;
const KEY_LIVE: usize = 20;
const KEY_PRESSES: usize = 3_000;
/// One frame at 60 Hz.
const KEY_TARGET: Duration = Duration::from_millis(16);

/// Key → frame with 200 jobs in history and 20 live ones streaming logs: before each key,
/// every live job gets a new log line (as fal streams them), then the key is handled and the
/// frame drawn, as the loop does (it drains waiting messages, then draws once). Timed from
/// the first message to the drawn frame; printed as percentiles with the target.
fn report_key_to_frame() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let now = Utc::now();
    let mut rng = Rng(0xbeef);
    let mut app = App::new(AppOptions::default());
    app.update(Msg::Resize(WIDTH, HEIGHT));
    let history: Vec<JobRecord> = (0..KEY_HISTORY)
        .map(|i| history_record(i, &mut rng, now))
        .collect();
    app.update(Msg::HistoryLoaded {
        rows: HistoryRows::of(history.iter().map(i2v_store::Summary::of).collect()),
        problems: Vec::new(),
    });
    let mut live = Vec::new();
    for i in 0..KEY_LIVE {
        let mut record = live_record(KEY_HISTORY + i, &mut rng, now);
        record.state = JobState::Running;
        live.push((record.id.clone(), record.created_at, record.logs.len()));
        app.update(Msg::Job(JobEvent::Updated(Box::new(record))));
    }
    let mut terminal = terminal();
    terminal.draw(|frame| draw(&mut app, frame)).expect("draw");
    let key = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    // Into the history (Tab ×4), then down and up through it, then back to typing.
    let keys: Vec<Msg> = (0..KEY_PRESSES)
        .map(|i| match i % 10 {
            0..=3 => key(KeyCode::Tab),
            4..=6 => key(KeyCode::Char('j')),
            7 => key(KeyCode::Char('k')),
            _ => key(KeyCode::Tab),
        })
        .collect();
    let mut times = Vec::with_capacity(KEY_PRESSES);
    for msg in keys {
        let start = std::time::Instant::now();
        for (id, created, logs) in &mut live {
            *logs += 1;
            app.update(Msg::Job(JobEvent::Logs {
                id: id.clone(),
                entries: vec![log_line(*logs, *logs + 50, *created)],
            }));
        }
        app.update(msg);
        terminal
            .draw(|frame| draw(black_box(&mut app), frame))
            .expect("draw");
        times.push(start.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1000.0);
    let p99 = at(0.99);
    println!(
        "key → frame: {KEY_PRESSES} keys, {KEY_HISTORY} jobs in history, {KEY_LIVE} live jobs \
         streaming a log line each per key, {WIDTH}×{HEIGHT}"
    );
    println!(
        "  p50 {}  p99 {}  max {}  (target p99 ≤ {}): {}",
        ms(at(0.5)),
        ms(p99),
        ms(at(1.0)),
        ms(KEY_TARGET),
        if p99 <= KEY_TARGET {
            "TARGET MET"
        } else {
            "TARGET MISSED"
        }
    );
}
