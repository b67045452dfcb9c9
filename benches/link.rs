//! Playback over links of several widths, paced by the far end as the workbench paces it
//! (`i2v::tty::Pace`: a frame only once the one before was shown, thinned to cross the link in
//! about 100 ms). A plain binary that prints a report (`cargo bench --bench link`; add
//! `-- --quick` for shorter runs).
//!
//! The far end is `tests/tui_support/link.rs`, the terminal the throttled pty tests use: what
//! is written is carried at the link's rate, 10 ms later, into a vt100 parser that answers
//! status requests once it has processed everything before them; answers come back 10 ms
//! later (unthrottled: no latency).
//!
//! - **one clip at 160×48**, drawn here through the same `Pace`, `Player` and `Picture` the
//!   workbench's detail view draws with: the 1080p bench clip (`crates/video/tests/assets/
//!   bench_1080p_6s.mp4`, 24 fps) in 160×47 cells under a one-line title, for one loop of
//!   the clip, then a stop key: bytes per frame, frames the far end showed per second, the
//!   thinning the link settled on, and how long the stop took to show;
//! - **four clips in the workbench's grid** (`link/grid.rs`): the real `App` and event loop,
//!   four jobs whose videos are that clip, `*`, `=` and `p` pressed as a user would, on one
//!   core (the bench runs itself again under `taskset -c 0`), unthrottled: each clip's frames
//!   shown per second, how far apart the cells' frames are, and key → frame while the four
//!   play (`l` and `h` every 150–350 ms; timed until the far end shows the selection moved).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

#[path = "../tests/tui_support/link.rs"]
#[allow(dead_code)]
mod link;

#[path = "link/grid.rs"]
mod grid;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use i2v::preview::{Clock, Colors, Playback, Player};
use i2v::tty::{Decoder, Input, Metered, Pace, Written};
use link::{Link, Received};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::{Rect, Size};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::{Terminal, TerminalOptions, Viewport};

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;
const LATENCY: Duration = Duration::from_millis(10);

fn clip() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/video/tests/assets/bench_1080p_6s.mp4")
}

/// The far end's answers, each handed to `each` at the time it arrives back (when due), on a
/// thread of their own until `each` says to stop or the link closes.
fn answer_back(
    returns: Receiver<(Instant, Vec<u8>)>,
    mut each: impl FnMut(Input) -> bool + Send + 'static,
) {
    std::thread::spawn(move || {
        let mut decoder = Decoder::new();
        let mut out = Vec::new();
        for (due, bytes) in returns {
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            decoder.feed(&bytes, false, &mut out);
            for input in out.drain(..) {
                if !each(input) {
                    return;
                }
            }
        }
    });
}

/// Bytes written to the link, carried by the far end.
struct ToLink(Sender<(Instant, Vec<u8>)>);

impl Write for ToLink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.send((Instant::now(), buf.to_vec()));
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

type Screen = Terminal<CrosstermBackend<Metered<std::io::BufWriter<ToLink>>>>;

/// A terminal behind `link`: what to draw on, where its answers come, and what it shows.
struct Far {
    terminal: Screen,
    pace: Pace,
    answers: Receiver<()>,
    parser: Arc<Mutex<vt100::Parser>>,
    written: Written,
}

fn far(link: Link) -> Far {
    let (chunks, taken) = channel();
    let (back, returns) = channel::<(Instant, Vec<u8>)>();
    let parser = Arc::new(Mutex::new(vt100::Parser::new(HEIGHT, WIDTH, 0)));
    let received = Arc::new(Mutex::new(Received::default()));
    link::far_end(link, taken, parser.clone(), received, back);
    let (shown, answers) = channel();
    answer_back(returns, move |input| {
        input != Input::Shown || shown.send(()).is_ok()
    });
    let written = Written::new();
    let writer = |w: &Written| {
        Metered::new(
            std::io::BufWriter::with_capacity(1 << 16, ToLink(chunks.clone())),
            w.clone(),
        )
    };
    let terminal = Terminal::with_options(
        CrosstermBackend::new(writer(&written)),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT)),
        },
    )
    .unwrap();
    // Questions go the same way, counted apart from the frames.
    let pace = Pace::asking(written.clone(), Box::new(writer(&Written::new())));
    Far {
        terminal,
        pace,
        answers,
        parser,
        written,
    }
}

impl Far {
    fn shows(&self, text: &str) -> bool {
        self.parser
            .lock()
            .unwrap()
            .screen()
            .contents()
            .contains(text)
    }
}

/// What one run measured.
#[derive(Default)]
struct Run {
    frames: u64,
    bytes: u64,
    seconds: f64,
    /// Key → shown at the far end, each key.
    keys: Vec<Duration>,
    thinning: String,
    rate: String,
}

/// Plays the clip in `area` for `time`, then a stop key. Draws as the workbench's loop does.
fn play(link: Link, area: Rect, time: Duration) -> Run {
    let areas = [area];
    let mut far = far(link);
    let clock = Clock::new();
    let players: Vec<Player> = areas
        .iter()
        .map(|area| Player::start(&clip(), &clock, area.as_size(), Colors::TrueColor))
        .collect();
    let mut drawn: Vec<Option<usize>> = vec![None; players.len()];
    let mut run = Run::default();
    let start = Instant::now();
    // The key pressed, when, and the text that shows it.
    let mut pending: Option<(Instant, String)> = None;
    let mut status = String::from("no key yet");
    let mut playing = true;
    let mut stopped_at = None;
    let mut first = None;
    let (mut dirty, mut urgent, mut picture) = (true, false, false);
    loop {
        let now = Instant::now();
        while far.answers.try_recv().is_ok() {
            far.pace.shown(Instant::now());
        }
        if let Some((at, text)) = &pending
            && far.shows(text)
        {
            run.keys.push(at.elapsed());
            if !playing {
                break;
            }
            pending = None;
        }
        if playing && now >= start + time {
            // Stop: the last pictures stay, the title says so.
            playing = false;
            stopped_at = Some(now);
            status = "⏸ stopped".into();
            pending = Some((now, status.clone()));
            (dirty, urgent) = (true, true);
        }
        if stopped_at.is_some_and(|at| now.duration_since(at) > Duration::from_secs(30)) {
            panic!("the stop never showed");
        }
        let mut frame_time = None;
        if playing {
            for (player, seen) in players.iter().zip(drawn.iter_mut()) {
                if let Playback::Playing(shown) = player.now() {
                    frame_time = Some(shown.frame);
                    if *seen != Some(shown.index) {
                        (dirty, picture) = (true, true);
                    }
                }
            }
        }
        // As the workbench's loop tells it what plays.
        far.pace.set_frame_time(frame_time);
        if dirty && far.pace.may_draw(now, urgent) {
            let scale = u32::from(far.pace.thinning().scale);
            let before = far.written.get();
            let report = far.pace.report(now);
            let title = if playing {
                format!("▶ {} · {status}", report.label())
            } else {
                status.clone()
            };
            let frames: Vec<_> = players.iter().map(Player::now).collect();
            far.pace
                .draw(&mut far.terminal, picture, |frame| {
                    frame.render_widget(
                        Paragraph::new(Line::from(title)),
                        Rect::new(0, 0, WIDTH, 1),
                    );
                    for ((area, now), player) in areas.iter().zip(&frames).zip(&players) {
                        let part = |n: u16| (u32::from(n) * scale).div_ceil(100) as u16;
                        player.resize(Size::new(part(area.width), part(area.height)));
                        if let Playback::Playing(shown) = now {
                            frame.render_widget(ratatui::widgets::Clear, *area);
                            frame.render_widget(&shown.picture, *area);
                        }
                    }
                })
                .unwrap();
            if picture {
                run.frames += 1;
                run.bytes += far.written.get() - before;
                first.get_or_insert(now);
                for (now, seen) in frames.iter().zip(drawn.iter_mut()) {
                    if let Playback::Playing(shown) = now {
                        *seen = Some(shown.index);
                    }
                }
            }
            (dirty, urgent, picture) = (false, false, false);
        }
        if far.answers.recv_timeout(Duration::from_millis(1)).is_ok() {
            far.pace.shown(Instant::now());
        }
    }
    let report = far.pace.report(Instant::now());
    run.seconds = stopped_at
        .zip(first)
        .map_or(1.0, |(end, start)| end.duration_since(start).as_secs_f64());
    run.thinning = format!("{:?}", report.thinning);
    run.rate = report.label();
    drop(players);
    run
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    if args.iter().any(|a| a == "--grid-on-one-core") {
        return grid(quick);
    }
    let time = Duration::from_secs(if quick { 3 } else { 6 });
    let full = Rect::new(0, 1, WIDTH, HEIGHT - 1);
    println!(
        "One 1080p clip (bench_1080p_6s.mp4, 24 fps) at {WIDTH}×{} cells, {:.0} s, then a stop key",
        HEIGHT - 1,
        time.as_secs_f64()
    );
    println!(
        "| link | bytes per frame | frames shown per second | stop shown after | thinning settled on | measured |"
    );
    println!("|---|---|---|---|---|---|");
    for (name, link) in [
        ("unthrottled", Link::unthrottled()),
        ("10 Mbit/s", Link::bits(10e6, LATENCY)),
        ("1 Mbit/s", Link::bits(1e6, LATENCY)),
        ("0.25 Mbit/s", Link::bits(0.25e6, LATENCY)),
    ] {
        let run = play(link, full, time);
        println!(
            "| {name} | {:.0} | {:.1} | {:.0} ms | {} | {} |",
            run.bytes as f64 / run.frames.max(1) as f64,
            run.frames as f64 / run.seconds,
            run.keys.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
            run.thinning,
            run.rate,
        );
    }
    // Four players on one core: the bench again, under taskset.
    let exe = std::env::current_exe().unwrap();
    let mut child = std::process::Command::new("taskset");
    child.args(["-c", "0"]).arg(exe).arg("--grid-on-one-core");
    if quick {
        child.arg("--quick");
    }
    match child.status() {
        Ok(status) if status.success() => {}
        Ok(status) => panic!("the grid run failed: {status}"),
        Err(err) => {
            println!("(taskset not found: {err}; the grid runs on every core)");
            grid(quick);
        }
    }
}

/// Four clips in the workbench's grid, on whatever cores this process may use.
fn grid(quick: bool) {
    let time = Duration::from_secs(if quick { 4 } else { 8 });
    grid::report(&grid::run(time));
}
