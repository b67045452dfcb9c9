//! Playing a video in the terminal: a thread decodes its frames in order, at the video's
//! frame rate (or as fast as one core allows), and hands over only the latest, already made
//! small and encoded as halfblocks, so drawing it is a copy. Frames the viewer had no time
//! for are dropped, never queued. It loops, and stops as soon as the [`Player`] is dropped.
//!
//! Players that share a [`Clock`] play in step: the clock says where in the loop everyone
//! is, and the loop is as long as the longest of their videos.
//!
//! Playback is drawn in halfblocks on every terminal: kitty, sixel or iTerm2 would send
//! each frame as a new picture, hundreds of kilobytes a frame, which neither SSH links nor
//! the terminals' image stores are made for.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use i2v_video::Video;
use ratatui::layout::Size;
use std::ops::ControlFlow;
use tokio::sync::watch;

use super::colors::Colors;
use super::picture::{Picture, halfblock_pixels};

/// Longest a waiting player sleeps before looking at its stop flag again.
const NAP: Duration = Duration::from_millis(10);

/// Playback time, shared by the players that play in step. It can be paused, and set to
/// another moment (stepping frame by frame while paused): every player on it follows.
#[derive(Clone, Debug)]
pub struct Clock(Arc<ClockInner>);

#[derive(Debug)]
struct ClockInner {
    state: Mutex<ClockState>,
    /// The longest video playing on it, in nanoseconds: the length of the loop.
    period: AtomicU64,
}

#[derive(Debug)]
struct ClockState {
    /// Time elapsed up to `running_since` (or up to now, while paused).
    base: Duration,
    /// When it last started running; `None` while paused (a manual clock never runs).
    running_since: Option<Instant>,
    /// Counts the times it was set back: a player then decodes again from the start.
    rewinds: u64,
}

impl Clock {
    /// A clock running from now.
    pub fn new() -> Clock {
        Clock::make(Some(Instant::now()))
    }

    /// A clock that stands still until [`Clock::advance`] moves it.
    pub fn manual() -> Clock {
        Clock::make(None)
    }

    fn make(running_since: Option<Instant>) -> Clock {
        Clock(Arc::new(ClockInner {
            state: Mutex::new(ClockState {
                base: Duration::ZERO,
                running_since,
                rewinds: 0,
            }),
            period: AtomicU64::new(0),
        }))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ClockState> {
        self.0.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves a stopped (or manual) clock on; a running clock ignores it.
    pub fn advance(&self, by: Duration) {
        let mut state = self.state();
        if state.running_since.is_none() {
            state.base += by;
        }
    }

    /// Stops time where it is: players keep showing the frame due now.
    pub fn pause(&self) {
        let mut state = self.state();
        if let Some(since) = state.running_since.take() {
            state.base += since.elapsed();
        }
    }

    /// Runs again from where it stood.
    pub fn resume(&self) {
        let mut state = self.state();
        if state.running_since.is_none() {
            state.running_since = Some(Instant::now());
        }
    }

    pub fn is_paused(&self) -> bool {
        self.state().running_since.is_none()
    }

    /// Sets it to `at` into the loop (stepping while paused). Backwards, the players decode
    /// again from the start up to there.
    pub fn seek(&self, at: Duration) {
        let period = Duration::from_nanos(self.0.period.load(Ordering::SeqCst).max(1));
        let at = at.min(period.saturating_sub(Duration::from_nanos(1)));
        let (round, now) = self.position();
        let mut state = self.state();
        if at < now {
            state.rewinds += 1;
        }
        let target = period * u32::try_from(round).unwrap_or(u32::MAX) + at;
        state.base = target;
        if state.running_since.is_some() {
            state.running_since = Some(Instant::now());
        }
    }

    /// How far into the loop it is.
    pub fn at(&self) -> Duration {
        self.position().1
    }

    fn elapsed(&self) -> Duration {
        let state = self.state();
        state.base + state.running_since.map_or(Duration::ZERO, |s| s.elapsed())
    }

    fn rewinds(&self) -> u64 {
        self.state().rewinds
    }

    /// A video of this length plays on the clock: the loop is at least that long.
    fn register(&self, length: Duration) {
        self.0
            .period
            .fetch_max(nanos(length).max(1), Ordering::SeqCst);
    }

    /// Which round of the loop it is, and how far into it.
    fn position(&self) -> (u64, Duration) {
        let period = self.0.period.load(Ordering::SeqCst).max(1);
        let elapsed = nanos(self.elapsed());
        (elapsed / period, Duration::from_nanos(elapsed % period))
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// What a player has to show.
#[derive(Clone)]
pub enum Playback {
    /// Opening the file, decoding the first frame.
    Starting,
    Playing(Arc<Shown>),
    /// The video could not be played; the message names the file.
    Failed(String),
}

/// One frame, ready to draw.
pub struct Shown {
    /// Which frame (display order, from 0) of how many.
    pub index: usize,
    pub count: usize,
    /// When it is shown, from the start of the video.
    pub at: Duration,
    /// How long one frame lasts (one over the frame rate): a step, while paused.
    pub frame: Duration,
    pub picture: Picture,
}

/// A video playing on its own thread until dropped.
pub struct Player {
    shared: Arc<Shared>,
    frames: watch::Receiver<Playback>,
    clock: Clock,
}

struct Shared {
    stop: AtomicBool,
    /// The size asked for, in cells: width in the high half, height in the low.
    cells: AtomicU32,
}

impl Shared {
    fn cells(&self) -> Size {
        let packed = self.cells.load(Ordering::Relaxed);
        Size::new((packed >> 16) as u16, packed as u16)
    }
}

fn pack(cells: Size) -> u32 {
    (u32::from(cells.width) << 16) | u32::from(cells.height)
}

impl Player {
    /// Starts playing `video` on `clock`, each frame made to fit in `cells` of halfblocks.
    pub fn start(video: &Path, clock: &Clock, cells: Size, colors: Colors) -> Player {
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            cells: AtomicU32::new(pack(cells)),
        });
        let (tx, frames) = watch::channel(Playback::Starting);
        let job = Job {
            path: video.to_path_buf(),
            clock: clock.clone(),
            shared: shared.clone(),
            colors,
            tx,
            made_for: std::cell::Cell::new(cells),
            made_at: std::cell::Cell::new(None),
        };
        let spawned = std::thread::Builder::new()
            .name("i2v-player".into())
            .spawn(move || job.run());
        if let Err(err) = spawned {
            // The job went down with the failed spawn, and its sender with it: say why here.
            let (tx, rx) =
                watch::channel(Playback::Failed(format!("could not start playback: {err}")));
            drop(tx);
            return Player {
                shared,
                frames: rx,
                clock: clock.clone(),
            };
        }
        Player {
            shared,
            frames,
            clock: clock.clone(),
        }
    }

    /// The size the view now has for it; the next frame is made to fit.
    pub fn resize(&self, cells: Size) {
        self.shared.cells.store(pack(cells), Ordering::Relaxed);
    }

    /// The latest frame (or why there is none).
    pub fn now(&self) -> Playback {
        self.frames.borrow().clone()
    }

    /// The clock it plays on (shared with the players in step with it).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Wakes whoever waits on it when a new frame is ready: the runtime redraws then.
    pub fn watch(&self) -> watch::Receiver<Playback> {
        self.frames.clone()
    }
}

#[cfg(test)]
impl Player {
    /// A stand-in for the views' unit tests: it shows `playback` for good, on a running clock
    /// (pause it to see a paused player), with no thread and no file behind it.
    pub(crate) fn showing(playback: Playback) -> Player {
        let (_, frames) = watch::channel(playback);
        Player {
            shared: Arc::new(Shared {
                stop: AtomicBool::new(false),
                cells: AtomicU32::new(0),
            }),
            frames,
            clock: Clock::new(),
        }
    }
}

impl std::fmt::Debug for Player {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Player")
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        // The thread sees this within one frame's decoding and ends; nobody waits for it.
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}

/// The player thread's side.
struct Job {
    path: PathBuf,
    clock: Clock,
    shared: Arc<Shared>,
    colors: Colors,
    tx: watch::Sender<Playback>,
    /// The size in cells the frame on screen was made for.
    made_for: std::cell::Cell<Size>,
    /// When the frame on screen was made.
    made_at: std::cell::Cell<Option<Instant>>,
}

impl Job {
    fn stopped(&self) -> bool {
        self.shared.stop.load(Ordering::Relaxed) || self.tx.is_closed()
    }

    fn run(self) {
        let video = match Video::open(&self.path) {
            Ok(video) => video,
            Err(err) => {
                let _ = self.tx.send(Playback::Failed(err.to_string()));
                return;
            }
        };
        let info = video.info().clone();
        self.clock.register(info.duration);
        let frame = Duration::from_secs_f64(1.0 / info.fps.max(1.0));
        loop {
            let (round, _) = self.clock.position();
            let rewinds = self.clock.rewinds();
            // This pass makes the frame due now at the size asked for now.
            self.made_for.set(self.shared.cells());
            let played = video.each_picture(|picture| {
                if !self.wait_until(round, rewinds, picture.time()) {
                    return ControlFlow::Break(());
                }
                // Already late for the next one too: skip making this one (unless nothing
                // was made for a frame's time, see `skip`).
                let next = picture.index() + 1;
                if next < info.frame_count {
                    let (now_round, at) = self.clock.position();
                    let late = now_round == round && at >= video.time_of(next);
                    let since = self.made_at.get().map(|made| made.elapsed());
                    if skip(late, !self.clock.is_paused(), since, frame) {
                        return ControlFlow::Continue(());
                    }
                }
                let cells = self.shared.cells();
                let (width, height) = halfblock_pixels(info.width, info.height, cells);
                let image = picture.to_small_rgb(width, height);
                let shown = Shown {
                    index: picture.index(),
                    count: info.frame_count,
                    at: picture.time(),
                    frame,
                    picture: Picture::halfblocks(&image, cells, self.colors),
                };
                self.made_for.set(cells);
                self.made_at.set(Some(Instant::now()));
                match self.tx.send(Playback::Playing(Arc::new(shown))) {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(_) => ControlFlow::Break(()),
                }
            });
            if let Err(err) = played {
                let _ = self.tx.send(Playback::Failed(err.to_string()));
                return;
            }
            // The last frame stays on screen until the loop comes round.
            while self.clock.position().0 == round && !self.start_over(rewinds) {
                if self.stopped() {
                    return;
                }
                std::thread::sleep(NAP);
            }
            if self.stopped() {
                return;
            }
        }
    }

    /// Whether decoding must start again from the first frame: the clock was set back, or
    /// it stands still and the frame on screen was made for another size (the view grew to
    /// full screen while paused), so the frame due now is made again.
    fn start_over(&self, rewinds: u64) -> bool {
        self.clock.rewinds() != rewinds
            || (self.clock.is_paused() && self.shared.cells() != self.made_for.get())
    }

    /// Sleeps until `due` in round `round`; false if the player was stopped, the loop went
    /// round meanwhile or decoding must start over (then it starts over).
    fn wait_until(&self, round: u64, rewinds: u64, due: Duration) -> bool {
        loop {
            if self.stopped() || self.start_over(rewinds) {
                return false;
            }
            let (now_round, at) = self.clock.position();
            if now_round != round {
                return false;
            }
            if at >= due {
                return true;
            }
            std::thread::sleep((due - at).min(NAP));
        }
    }
}

/// Whether a frame that is `late` (the next one is due already) is skipped rather than
/// made: it is, unless the clock runs and nothing was made for one `frame`'s time (or ever).
/// Catching up after a jump, decoding runs ahead of that and skips most; a machine too slow
/// to decode in real time (four 1080p clips on one busy core) is late for every frame, and
/// shows each it decodes, as fast as it decodes them, instead of "starting…" for good. Making
/// one costs a small part of decoding it. A stopped clock that was moved on (a seek) goes
/// straight to the frame due.
fn skip(late: bool, running: bool, since_made: Option<Duration>, frame: Duration) -> bool {
    late && !(running && since_made.is_none_or(|since| since >= frame))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_player_that_cannot_keep_up_still_shows_what_it_decodes() {
        let frame = Duration::from_millis(40);
        // On time: made.
        assert!(!skip(false, true, Some(Duration::ZERO), frame));
        // Late, a frame made just now (catching up): skipped, the next may be on time.
        assert!(skip(true, true, Some(Duration::from_millis(10)), frame));
        // Late, and a frame's time since the last one made (or none yet): made anyway, so
        // a slow machine shows something that moves.
        assert!(!skip(true, true, Some(frame), frame));
        assert!(!skip(true, true, None, frame));
        // A stopped clock moved on: straight to the frame due, whatever came before.
        assert!(skip(true, false, None, frame));
        assert!(skip(true, false, Some(Duration::from_secs(5)), frame));
    }

    fn sample() -> PathBuf {
        // 12 frames at 12 fps, 640×360: red, green, blue thirds.
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/sim/assets/sample.mp4")
    }

    /// Waits (a few seconds at most) for the player to show a frame that `wanted` accepts.
    fn wait_for(player: &Player, wanted: impl Fn(&Shown) -> bool) -> Arc<Shown> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match player.now() {
                Playback::Playing(shown) if wanted(&shown) => return shown,
                Playback::Failed(err) => panic!("playback failed: {err}"),
                _ => {}
            }
            assert!(Instant::now() < deadline, "the player did not get there");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn frames_follow_the_clock_and_the_loop_comes_round() {
        let clock = Clock::manual();
        let player = Player::start(&sample(), &clock, Size::new(32, 9), Colors::TrueColor);
        let first = wait_for(&player, |_| true);
        assert_eq!((first.index, first.count), (0, 12));
        assert_eq!(first.picture.size(), Size::new(32, 9));
        // The clock stands still: so does the picture.
        std::thread::sleep(Duration::from_millis(50));
        assert!(matches!(player.now(), Playback::Playing(s) if s.index == 0));

        clock.advance(Duration::from_millis(500));
        let middle = wait_for(&player, |s| s.index > 0);
        assert_eq!(middle.index, 6, "half a second in, at 12 fps");

        // Past the end: round again to the first frame.
        clock.advance(Duration::from_millis(600));
        wait_for(&player, |s| s.index == 1);
    }

    #[test]
    fn a_late_viewer_gets_the_latest_frame_not_a_backlog() {
        let clock = Clock::manual();
        let player = Player::start(&sample(), &clock, Size::new(16, 5), Colors::TrueColor);
        wait_for(&player, |_| true);
        clock.advance(Duration::from_millis(920));
        let shown = wait_for(&player, |s| s.index > 0);
        assert_eq!(shown.index, 11, "frames 1 to 10 were due and gone: dropped");
    }

    #[test]
    fn players_on_one_clock_keep_in_step() {
        let clock = Clock::manual();
        let a = Player::start(&sample(), &clock, Size::new(8, 3), Colors::TrueColor);
        let b = Player::start(&sample(), &clock, Size::new(8, 3), Colors::TrueColor);
        wait_for(&a, |_| true);
        wait_for(&b, |_| true);
        clock.advance(Duration::from_millis(250));
        assert_eq!(wait_for(&a, |s| s.index > 0).index, 3);
        assert_eq!(wait_for(&b, |s| s.index > 0).index, 3);
    }

    #[test]
    fn a_paused_clock_steps_both_ways_and_a_new_size_remakes_the_frame() {
        let clock = Clock::new();
        let player = Player::start(&sample(), &clock, Size::new(16, 5), Colors::TrueColor);
        wait_for(&player, |_| true);
        clock.pause();
        assert!(clock.is_paused());
        clock.seek(Duration::from_millis(5 * 1000 / 12 + 10));
        let five = wait_for(&player, |s| s.index == 5);
        assert_eq!(five.frame, Duration::from_secs_f64(1.0 / 12.0));
        // Paused, it stays there.
        std::thread::sleep(Duration::from_millis(120));
        assert!(matches!(player.now(), Playback::Playing(s) if s.index == 5));
        // One frame on, then two back: back means decoding again from the start.
        clock.seek(five.at + five.frame + five.frame / 4);
        wait_for(&player, |s| s.index == 6);
        clock.seek(five.at - five.frame * 2 + five.frame / 4);
        wait_for(&player, |s| s.index == 3);
        // The view grows (full screen) while paused: the same frame, made for the new size.
        player.resize(Size::new(32, 9));
        let bigger = wait_for(&player, |s| s.picture.size() == Size::new(32, 9));
        assert_eq!(bigger.index, 3);
        // Running again, it moves on from there.
        clock.resume();
        wait_for(&player, |s| s.index > 3);
    }

    #[test]
    fn dropping_the_player_ends_its_thread() {
        let clock = Clock::manual();
        let player = Player::start(&sample(), &clock, Size::new(8, 3), Colors::TrueColor);
        wait_for(&player, |_| true);
        let mut watch = player.watch();
        drop(player);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let ended = runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), async {
                // `changed` fails once the thread let go of its sender.
                while watch.changed().await.is_ok() {}
            })
            .await
        });
        assert!(ended.is_ok(), "the thread still runs");
    }

    #[test]
    fn a_broken_file_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.mp4");
        let bytes = std::fs::read(sample()).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
        let player = Player::start(&path, &Clock::manual(), Size::new(8, 3), Colors::TrueColor);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Playback::Failed(err) = player.now() {
                assert!(err.contains("cut.mp4"), "{err}");
                break;
            }
            assert!(Instant::now() < deadline, "no error came");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
