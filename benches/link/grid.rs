//! Four 1080p clips judged in the workbench's own grid, on one core: the real `App`,
//! `Runtime` and event loop (`Workbench::run`) drawing at the pace of the far-end terminal
//! (`tests/tui_support/link.rs`, unthrottled), driven by keys as a user would press them:
//! the history (Alt-4), `*` to mark the batch of four, `=` for the grid, `p` to play every
//! cell in step, then `l` and `h` in turn every 150–350 ms while they play.
//!
//! What the far end shows is read after every frame (when the terminal answers the status
//! request that follows it, before the answer goes back): each cell's picture is matched
//! against the clip's frames made at the cell's size the way the player makes them, which
//! tells which frame of the clip each cell showed. From that:
//! - frames shown per second per clip: a cell's new frames that reached the far end;
//! - in step: how far apart (in frames) the four cells' pictures were at each frame;
//! - key → frame: from the key's arrival in the workbench's input to the far end showing
//!   the selected cell's border moved.

use std::collections::HashSet;
use std::path::Path;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use i2v::preview::{Clock, Colors, Graphics, Playback, Player};
use i2v::tty::{Input, Metered, Pace, Written};
use i2v::ui::event_loop::Workbench;
use i2v::ui::runtime::{Jobs, Runtime};
use i2v::ui::{App, AppOptions, Msg, NotifyConfig};
use i2v_store::{BatchId, ImageSource, JobInput, JobRecord, JobState, Store, VideoResult};
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::style::Color;
use ratatui::widgets::Widget;
use ratatui::{Terminal, TerminalOptions, Viewport};

use super::link::{self, Link, Received};
use super::{HEIGHT, ToLink, WIDTH, clip, percentile};

const ALTERNATIVES: [&str; 4] = ["red", "blue", "gold", "green"];

/// A cell's picture colours, top and bottom of each halfblock, row by row over its inside.
type Colours = Vec<[u8; 6]>;

/// Every frame of the clip at one size, and which of the cells the picture covers.
type Reference = (Vec<Colours>, Vec<bool>);

/// What the far end showed after one frame.
struct Snapshot {
    at: Instant,
    /// Bytes the workbench had written by then.
    written: u64,
    cells: Vec<Colours>,
}

/// What the grid run measured.
pub struct GridRun {
    pub cells: Vec<Rect>,
    pub seconds: f64,
    /// Per cell: new frames of its clip that reached the far end, per second.
    pub fps: Vec<f64>,
    /// Screen updates the far end showed a second, and bytes each.
    pub updates: f64,
    pub bytes_per_update: f64,
    /// Of the updates with all four cells recognised: how many showed the same frame in
    /// every cell, the mean and the largest spread (frames between the furthest apart).
    pub recognised: usize,
    pub same: usize,
    pub spread_mean: f64,
    pub spread_max: usize,
    pub keys: Vec<Duration>,
    pub thinning: String,
    pub rate: String,
}

/// Four finished jobs of one batch (a matrix of four colours), each with the 1080p clip as
/// its video.
fn history(dir: &Path) {
    let store = Store::open(dir).unwrap();
    let batch = BatchId::new();
    for (i, colour) in ALTERNATIVES.iter().enumerate() {
        let mut record = JobRecord::new(
            "fal-ai/minimax/hailuo-2.3-fast/pro/image-to-video",
            JobInput {
                prompt: format!("a {colour} fox at dusk"),
                image: ImageSource::Url {
                    url: "https://example.com/frame.png".into(),
                },
                prompt_optimizer: true,
            },
        );
        record.created_at = chrono::Utc::now() - chrono::Duration::minutes(10 - i as i64);
        record.state = JobState::Completed;
        record.batch = Some(batch.clone());
        record.result = Some(VideoResult {
            url: "https://example.com/result.mp4".into(),
            content_type: Some("video/mp4".into()),
            file_name: None,
            file_size: None,
            local_file: Some(clip()),
            local_size: None,
        });
        store.save(&record).unwrap();
    }
}

fn rgb(color: vt100::Color) -> [u8; 3] {
    match color {
        vt100::Color::Rgb(r, g, b) => [r, g, b],
        vt100::Color::Idx(i) => [i, i, i],
        vt100::Color::Default => [0, 0, 0],
    }
}

/// The colours the far end shows inside `area`.
fn colours(screen: &vt100::Screen, area: Rect) -> Colours {
    let mut out = Vec::with_capacity(usize::from(area.width * area.height));
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let [a, b, c, d, e, f] = match screen.cell(y, x) {
                Some(cell) => {
                    let (fg, bg) = (rgb(cell.fgcolor()), rgb(cell.bgcolor()));
                    [fg[0], fg[1], fg[2], bg[0], bg[1], bg[2]]
                }
                None => [0; 6],
            };
            out.push([a, b, c, d, e, f]);
        }
    }
    out
}

/// Inside the borders of the grid's cells, found on the far end's screen by their titles
/// (` 1 red `…) and corners.
fn cell_areas(screen: &vt100::Screen) -> Vec<Rect> {
    let rows: Vec<Vec<char>> = (0..HEIGHT)
        .map(|y| {
            (0..WIDTH)
                .map(|x| {
                    screen
                        .cell(y, x)
                        .and_then(|c| c.contents().chars().next())
                        .unwrap_or(' ')
                })
                .collect()
        })
        .collect();
    let corner = |c: char, set: &[char]| set.contains(&c);
    let (top_left, top_right, bottom_left) = (['┌', '╭'], ['┐', '╮'], ['└', '╰']);
    ALTERNATIVES
        .iter()
        .enumerate()
        .map(|(i, colour)| {
            let title: Vec<char> = format!(" {} {colour} ", i + 1).chars().collect();
            let (y, x) = rows
                .iter()
                .enumerate()
                .find_map(|(y, row)| {
                    row.windows(title.len())
                        .position(|w| w == title.as_slice())
                        .map(|x| (y, x))
                })
                .unwrap_or_else(|| panic!("cell {} not on screen", i + 1));
            let left = (0..x)
                .rev()
                .find(|&x| corner(rows[y][x], &top_left))
                .unwrap();
            let right = (x..usize::from(WIDTH))
                .find(|&x| corner(rows[y][x], &top_right))
                .unwrap();
            let bottom = (y + 1..usize::from(HEIGHT))
                .find(|&y| corner(rows[y][left], &bottom_left))
                .unwrap();
            Rect::new(
                left as u16 + 1,
                y as u16 + 1,
                (right - left - 1) as u16,
                (bottom - y - 1) as u16,
            )
        })
        .collect()
}

/// Every frame of the clip as the player makes it for `cells` and the grid draws it there:
/// the colours of each, and which of the cells the picture covers.
fn reference(cells: Size) -> Reference {
    let clock = Clock::manual();
    let player = Player::start(&clip(), &clock, cells, Colors::TrueColor);
    let area = Rect::new(0, 0, cells.width, cells.height);
    let mut frames = Vec::new();
    let mut covered = Vec::new();
    let mut count = usize::MAX;
    let mut index = 0;
    while index < count {
        let deadline = Instant::now() + Duration::from_secs(20);
        let shown = loop {
            match player.now() {
                Playback::Playing(shown) if shown.index == index => break shown,
                Playback::Failed(err) => panic!("{err}"),
                _ => {}
            }
            assert!(Instant::now() < deadline, "frame {index} never came");
            std::thread::sleep(Duration::from_millis(1));
        };
        count = shown.count;
        let mut buf = Buffer::empty(area);
        (&shown.picture).render(area, &mut buf);
        let mut colours = Vec::new();
        covered.clear();
        for y in 0..area.height {
            for x in 0..area.width {
                let cell = &buf[(x, y)];
                let part = |c: Color| match c {
                    Color::Rgb(r, g, b) => Some([r, g, b]),
                    _ => None,
                };
                let (fg, bg) = (part(cell.fg), part(cell.bg));
                covered.push(fg.is_some() || bg.is_some());
                let (fg, bg) = (fg.unwrap_or_default(), bg.unwrap_or_default());
                colours.push([fg[0], fg[1], fg[2], bg[0], bg[1], bg[2]]);
            }
        }
        frames.push(colours);
        index += 1;
        clock.advance(shown.frame);
    }
    (frames, covered)
}

/// The clip's frame `shown` is, if it is one of them (a picture thinned or half drawn is
/// none): the nearest by colour, when that is near.
fn recognise(shown: &Colours, frames: &[Colours], covered: &[bool]) -> Option<usize> {
    let picture = covered.iter().filter(|&&c| c).count().max(1);
    let (best, distance) = frames
        .iter()
        .enumerate()
        .map(|(i, frame)| {
            let d: u64 = frame
                .iter()
                .zip(shown)
                .zip(covered)
                .filter(|(_, c)| **c)
                .map(|((a, b), _)| {
                    a.iter()
                        .zip(b)
                        .map(|(a, b)| u64::from(a.abs_diff(*b)))
                        .sum::<u64>()
                })
                .sum();
            (i, d)
        })
        .min_by_key(|(_, d)| *d)?;
    // An exact match is 0; a few colour steps a cell still counts.
    (distance / picture as u64 <= 6).then_some(best)
}

/// Frames between `a` and `b` on a loop of `count`.
fn apart(a: usize, b: usize, count: usize) -> usize {
    let d = a.abs_diff(b);
    d.min(count - d)
}

/// Runs the grid for `time` and measures it.
pub fn run(time: Duration) -> GridRun {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    history(&data);

    // The far end, and the way back: its answers (and the keys sent below) become the
    // workbench's input.
    let (chunks, taken) = std::sync::mpsc::channel();
    let (back, returns) = std::sync::mpsc::channel::<(Instant, Vec<u8>)>();
    let parser = Arc::new(Mutex::new(vt100::Parser::new(HEIGHT, WIDTH, 0)));
    let received = Arc::new(Mutex::new(Received::default()));
    link::far_end(Link::unthrottled(), taken, parser.clone(), received, back);
    let (input, inputs) = tokio::sync::mpsc::unbounded_channel::<Input>();
    let written = Written::new();
    let recording: Arc<Mutex<Option<Vec<Rect>>>> = Arc::new(Mutex::new(None));
    let snapshots = Arc::new(Mutex::new(Vec::<Snapshot>::new()));
    answers(
        returns,
        input.clone(),
        parser.clone(),
        recording.clone(),
        snapshots.clone(),
        written.clone(),
    );

    let writer = |w: &Written| {
        Metered::new(
            std::io::BufWriter::with_capacity(1 << 16, ToLink(chunks.clone())),
            w.clone(),
        )
    };
    let terminal = Terminal::with_options(
        ratatui::backend::CrosstermBackend::new(writer(&written)),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT)),
        },
    )
    .unwrap();
    let pace = Pace::asking(written.clone(), Box::new(writer(&Written::new())));
    drop(chunks);

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let driver = {
        let (parser, recording) = (parser.clone(), recording.clone());
        std::thread::spawn(move || drive(&parser, &input, &recording, time, stop))
    };

    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (thinning, rate) = tokio.block_on(async move {
        let store = Store::open(&data).unwrap();
        let jobs = Jobs::Unavailable {
            reason: "the bench has no key".into(),
        };
        let mut runtime = Runtime::new(jobs, store, NotifyConfig::default());
        runtime.out = Box::new(std::io::sink());
        let mut bench = Workbench::new(terminal, App::new(AppOptions::default()), runtime);
        bench.set_graphics(Graphics::Halfblocks(Colors::TrueColor));
        bench.pace = pace;
        let mut inputs = Some(inputs);
        let ending = bench
            .run(
                move || {
                    let mut rx = inputs.take();
                    futures_util::stream::poll_fn(move |cx| match rx.as_mut() {
                        Some(rx) => rx.poll_recv(cx),
                        None => std::task::Poll::Ready(None),
                    })
                },
                async move {
                    let _ = stopped.await;
                },
                |_, _| Msg::Tick,
            )
            .await;
        ending.unwrap();
        let report = bench.pace.report(Instant::now());
        bench.shutdown().await;
        let thinning = match report.thinning.is_full() {
            true => "nothing thinned".to_owned(),
            false => format!("{:?}", report.thinning),
        };
        let rate = report.bits_per_second.map_or_else(
            || "not measured".to_owned(),
            |b| format!("{:.1} Mbit/s", b / 1e6),
        );
        (thinning, rate)
    });
    let (cells, keys, window) = driver.join().unwrap();
    let snapshots = std::mem::take(&mut *snapshots.lock().unwrap());
    analyse(cells, keys, window, &snapshots, thinning, rate)
}

/// The way back from the far end: after each answer, what the far end shows (once the grid
/// plays), then the answer to the workbench.
fn answers(
    returns: Receiver<(Instant, Vec<u8>)>,
    input: tokio::sync::mpsc::UnboundedSender<Input>,
    parser: Arc<Mutex<vt100::Parser>>,
    recording: Arc<Mutex<Option<Vec<Rect>>>>,
    snapshots: Arc<Mutex<Vec<Snapshot>>>,
    written: Written,
) {
    super::answer_back(returns, move |answer| {
        if answer == Input::Shown
            && let Some(areas) = recording.lock().unwrap().as_ref()
        {
            let parser = parser.lock().unwrap();
            let cells = areas.iter().map(|a| colours(parser.screen(), *a)).collect();
            snapshots.lock().unwrap().push(Snapshot {
                at: Instant::now(),
                written: written.get(),
                cells,
            });
        }
        input.send(answer).is_ok()
    });
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Input {
    Input::Event(Event::Key(KeyEvent::new(code, modifiers)))
}

/// The cells, each key's key → frame time, and the measured window.
type Driven = (Vec<Rect>, Vec<Duration>, (Instant, Instant));

/// Presses the keys a user would and times them; the far end is looked at every
/// millisecond.
fn drive(
    parser: &Mutex<vt100::Parser>,
    input: &tokio::sync::mpsc::UnboundedSender<Input>,
    recording: &Mutex<Option<Vec<Rect>>>,
    time: Duration,
    stop: tokio::sync::oneshot::Sender<()>,
) -> Driven {
    let shows = |what: &str, check: &dyn Fn(&vt100::Screen) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if check(parser.lock().unwrap().screen()) {
                return;
            }
            let contents = parser.lock().unwrap().screen().contents();
            assert!(
                Instant::now() < deadline,
                "never saw {what}; the far end shows:\n{contents}"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    let press = |code| input.send(key(code, KeyModifiers::NONE)).unwrap();
    shows("the history", &|s| {
        s.contents().contains("a green fox at dusk")
    });
    input
        .send(key(KeyCode::Char('4'), KeyModifiers::ALT))
        .unwrap();
    shows("the history focused", &|s| s.contents().contains("details"));
    press(KeyCode::Char('*'));
    shows("the batch marked", &|s| s.contents().contains("4 marked"));
    press(KeyCode::Char('='));
    shows("the grid with its frames", &|s| {
        let text = s.contents();
        text.contains("Grid · 4 jobs") && !text.contains("making its frames")
    });
    let cells = cell_areas(parser.lock().unwrap().screen());
    // The selected cell's border is drawn in another colour: cell 1's is, cell 2's is not.
    let corner = |s: &vt100::Screen, cell: Rect| {
        s.cell(cell.y - 1, cell.x - 1)
            .map(|c| rgb(c.fgcolor()))
            .unwrap_or_default()
    };
    let (chosen, other) = {
        let parser = parser.lock().unwrap();
        (
            corner(parser.screen(), cells[0]),
            corner(parser.screen(), cells[1]),
        )
    };
    assert_ne!(chosen, other, "the selected cell stands out");
    press(KeyCode::Char('p'));
    // Each cell's middle frame gives way to "starting…", then to its video.
    let playing = |s: &vt100::Screen| {
        let text = s.contents();
        text.contains("p stop") && !text.contains("starting…")
    };
    shows("every cell playing", &playing);
    // A second to settle (the players reach full size, the link is measured), then measure.
    std::thread::sleep(Duration::from_secs(1));
    *recording.lock().unwrap() = Some(cells.clone());
    let start = Instant::now();
    let mut keys = Vec::new();
    let mut on = 1;
    while start.elapsed() < time {
        std::thread::sleep(Duration::from_millis(150 + fastrand::u64(0..200)));
        let to = 1 - on;
        let code = if to == 1 { 'l' } else { 'h' };
        let at = Instant::now();
        press(KeyCode::Char(code));
        shows("the selection move", &|s| corner(s, cells[to]) == chosen);
        keys.push(at.elapsed());
        on = to;
    }
    let end = Instant::now();
    *recording.lock().unwrap() = None;
    let _ = stop.send(());
    (cells, keys, (start, end))
}

fn analyse(
    cells: Vec<Rect>,
    mut keys: Vec<Duration>,
    (start, end): (Instant, Instant),
    snapshots: &[Snapshot],
    thinning: String,
    rate: String,
) -> GridRun {
    let seconds = end.duration_since(start).as_secs_f64();
    let sizes: HashSet<Size> = cells.iter().map(|c| c.as_size()).collect();
    let references: Vec<(Size, Reference)> = sizes.into_iter().map(|s| (s, reference(s))).collect();
    let of = |cell: &Rect| {
        &references
            .iter()
            .find(|(s, _)| *s == cell.as_size())
            .unwrap()
            .1
    };
    let count = of(&cells[0]).0.len();
    let shown: Vec<Vec<Option<usize>>> = snapshots
        .iter()
        .map(|snap| {
            cells
                .iter()
                .zip(&snap.cells)
                .map(|(cell, colours)| {
                    let (frames, covered) = of(cell);
                    recognise(colours, frames, covered)
                })
                .collect()
        })
        .collect();
    let mut fps = Vec::new();
    for c in 0..cells.len() {
        let mut last = None;
        let mut new = 0;
        for snap in &shown {
            if let Some(i) = snap[c]
                && last != Some(i)
            {
                new += 1;
                last = Some(i);
            }
        }
        fps.push(new as f64 / seconds);
    }
    let (mut recognised, mut same, mut spread_sum, mut spread_max) = (0, 0, 0, 0);
    for snap in &shown {
        let Some(all) = snap.iter().copied().collect::<Option<Vec<usize>>>() else {
            continue;
        };
        recognised += 1;
        let spread = all
            .iter()
            .flat_map(|a| all.iter().map(move |b| apart(*a, *b, count)))
            .max()
            .unwrap_or(0);
        if spread == 0 {
            same += 1;
        }
        spread_sum += spread;
        spread_max = spread_max.max(spread);
    }
    let bytes = match (snapshots.first(), snapshots.last()) {
        (Some(a), Some(b)) if snapshots.len() > 1 => {
            (b.written - a.written) as f64 / (snapshots.len() - 1) as f64
        }
        _ => 0.0,
    };
    let updates = snapshots
        .iter()
        .filter(|s| s.at >= start && s.at <= end)
        .count() as f64
        / seconds;
    keys.sort();
    GridRun {
        cells,
        seconds,
        fps,
        updates,
        bytes_per_update: bytes,
        recognised,
        same,
        spread_mean: spread_sum as f64 / recognised.max(1) as f64,
        spread_max,
        keys,
        thinning,
        rate,
    }
}

/// Prints the run as the README's table row.
pub fn report(run: &GridRun) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let cell = run.cells[0];
    println!();
    println!(
        "Four 1080p clips in the workbench's grid (`*`, `=`, `p`; {}×{} cells each inside \
         their borders) on {cores} core(s), unthrottled, {:.0} s",
        cell.width, cell.height, run.seconds
    );
    println!(
        "| frames shown per second, each clip | screen updates per second | bytes each | same frame in all four | spread mean / max | key → frame p50 | p99 | max | keys | thinning |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let fps: Vec<String> = run.fps.iter().map(|f| format!("{f:.1}")).collect();
    println!(
        "| {} | {:.1} | {:.0} | {} of {} | {:.2} / {} frames | {:.1} ms | {:.1} ms | {:.1} ms | {} | {} ({}) |",
        fps.join(" · "),
        run.updates,
        run.bytes_per_update,
        run.same,
        run.recognised,
        run.spread_mean,
        run.spread_max,
        percentile(&run.keys, 0.5).as_secs_f64() * 1e3,
        percentile(&run.keys, 0.99).as_secs_f64() * 1e3,
        run.keys.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        run.keys.len(),
        run.thinning,
        run.rate,
    );
}
