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
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use i2v_video::Video;
use ratatui::layout::Size;
use std::ops::ControlFlow;
use tokio::sync::watch;

use super::colors::Colors;
use super::picture::{Picture, halfblock_pixels};

/// Longest a waiting player sleeps before looking at its stop flag again.
const NAP: Duration = Duration::from_millis(10);

/// Playback time, shared by the players that play in step.
#[derive(Clone, Debug)]
pub struct Clock(Arc<ClockInner>);

#[derive(Debug)]
struct ClockInner {
    start: Instant,
    /// Set for a clock that moves only when told to (tests): nanoseconds elapsed.
    manual: Option<AtomicU64>,
    /// The longest video playing on it, in nanoseconds: the length of the loop.
    period: AtomicU64,
}

impl Clock {
    /// A clock running from now.
    pub fn new() -> Clock {
        Clock::make(None)
    }

    /// A clock that stands still until [`Clock::advance`] moves it.
    pub fn manual() -> Clock {
        Clock::make(Some(AtomicU64::new(0)))
    }

    fn make(manual: Option<AtomicU64>) -> Clock {
        Clock(Arc::new(ClockInner {
            start: Instant::now(),
            manual,
            period: AtomicU64::new(0),
        }))
    }

    /// Moves a manual clock on; a running clock ignores it.
    pub fn advance(&self, by: Duration) {
        if let Some(elapsed) = &self.0.manual {
            elapsed.fetch_add(nanos(by), Ordering::SeqCst);
        }
    }

    fn elapsed(&self) -> Duration {
        match &self.0.manual {
            Some(elapsed) => Duration::from_nanos(elapsed.load(Ordering::SeqCst)),
            None => self.0.start.elapsed(),
        }
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
    pub picture: Picture,
}

/// A video playing on its own thread until dropped.
pub struct Player {
    shared: Arc<Shared>,
    frames: watch::Receiver<Playback>,
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
        };
        let spawned = std::thread::Builder::new()
            .name("i2v-player".into())
            .spawn(move || job.run());
        if let Err(err) = spawned {
            // The job went down with the failed spawn, and its sender with it: say why here.
            let (tx, rx) =
                watch::channel(Playback::Failed(format!("could not start playback: {err}")));
            drop(tx);
            return Player { shared, frames: rx };
        }
        Player { shared, frames }
    }

    /// The size the view now has for it; the next frame is made to fit.
    pub fn resize(&self, cells: Size) {
        self.shared.cells.store(pack(cells), Ordering::Relaxed);
    }

    /// The latest frame (or why there is none).
    pub fn now(&self) -> Playback {
        self.frames.borrow().clone()
    }

    /// Wakes whoever waits on it when a new frame is ready: the runtime redraws then.
    pub fn watch(&self) -> watch::Receiver<Playback> {
        self.frames.clone()
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
        loop {
            let (round, _) = self.clock.position();
            let played = video.each_picture(|picture| {
                if !self.wait_until(round, picture.time()) {
                    return ControlFlow::Break(());
                }
                // Already late for the next one too: skip making this one.
                let next = picture.index() + 1;
                if next < info.frame_count {
                    let (now_round, at) = self.clock.position();
                    if now_round == round && at >= video.time_of(next) {
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
                    picture: Picture::halfblocks(&image, cells, self.colors),
                };
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
            while self.clock.position().0 == round {
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

    /// Sleeps until `due` in round `round`; false if the player was stopped or the loop
    /// went round meanwhile (then decoding starts over).
    fn wait_until(&self, round: u64, due: Duration) -> bool {
        loop {
            if self.stopped() {
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

#[cfg(test)]
mod tests {
    use super::*;

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
