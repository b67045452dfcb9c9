//! When the next frame may be written, and how thin it must be, from what the far end of the
//! link has shown.
//!
//! After each frame the terminal is asked for a status report (`CSI 5 n`). It answers only
//! once it has processed everything written before the question, wherever it is: at the far
//! end of an SSH link, behind tmux, on this machine. So a frame is written only when the one
//! before it was answered for: about one frame is ever in flight, and frames the player
//! makes meanwhile are never queued (the loop draws the newest when the answer comes). A
//! frame caused by the user (a key, a paste, a resize) may go while one other is in flight,
//! so a key is never kept waiting behind a picture.
//!
//! The answers also measure the link: the quickest answer to a question with nothing before
//! it (a probe, sent now and then just before a frame) is its latency; a frame's answer,
//! less that, its bytes' time on the wire. From those the frames are thinned (see [`LADDER`])
//! to cross in about [`FRAME_TIME`], and fattened again as soon as the link allows. While a
//! video plays, the full picture must also cross within one of its frames (with the latency)
//! to be kept: where it does not but a frame with only its visible changes would, those are
//! sent instead, so a link that carries the clip's frame rate plays at it. The lossy steps
//! (fewer colours, a smaller picture) are taken only for [`FRAME_TIME`].
//!
//! A terminal that never answers (no first answer within [`FIRST_ANSWER`]) is paced by the
//! time its writes take instead: a write that blocks because the far end drains slowly
//! delays the next frame by as long.
//!
//! Pure: every call is given the time, so tests run on a made-up clock.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How long the first answer is waited for before the terminal is taken not to answer.
pub const FIRST_ANSWER: Duration = Duration::from_secs(1);

/// How long a terminal that answers is waited for before a frame goes anyway (the link
/// stalled, or the answer was lost): the screen never freezes for longer.
pub const LATE_ANSWER: Duration = Duration::from_secs(2);

/// The time one frame should take to cross the link: what its bytes are thinned to fit.
/// A key pressed meanwhile is shown about a frame's time plus the latency later.
pub const FRAME_TIME: Duration = Duration::from_millis(100);

/// The slowest link planned for: a question waits for its answer the time its frame's bytes
/// take at this rate on top of [`FIRST_ANSWER`] or [`LATE_ANSWER`] (128 kbit/s).
const SLOWEST: f64 = 16_000.0;

/// How often the latency is probed.
const PROBE_EVERY: Duration = Duration::from_secs(1);

/// How long a probe's answer counts towards the latency.
const LATENCY_WINDOW: Duration = Duration::from_secs(5);

/// Frames smaller than this say little about the link's rate (their time is mostly latency).
const MEASURED_BYTES: u64 = 1024;

/// A silent terminal's frames wait at most this long for the last write's time.
const MAX_WRITE_GAP: Duration = Duration::from_millis(500);

/// How often a terminal that stayed silent is asked again, in case it answers after all.
const ASK_SILENT_EVERY: Duration = Duration::from_secs(5);

/// How long the thinning stays before the pictures may grow again.
const STEADY: Duration = Duration::from_secs(1);

/// How a frame is thinned: pictures' colours (24-bit, or the 256-colour palette), how far a
/// picture cell's colours may move before it is written again, and the picture's size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thinning {
    pub palette: bool,
    /// The largest change, summed over red, green and blue of each half of a cell, that is
    /// not written (0: every change is).
    pub tolerance: u16,
    /// The picture's size, in percent of its area's width and height.
    pub scale: u8,
}

impl Thinning {
    pub const FULL: Thinning = Thinning {
        palette: false,
        tolerance: 0,
        scale: 100,
    };

    pub fn is_full(self) -> bool {
        self == Thinning::FULL
    }
}

/// From the full picture to the thinnest, each step about half the bytes of the one before
/// on the 1080p bench clip (`benches/link.rs`); [`SHARE`] is that share of the full frame.
pub const LADDER: [Thinning; 6] = [
    Thinning::FULL,
    Thinning {
        palette: false,
        tolerance: 24,
        scale: 100,
    },
    Thinning {
        palette: true,
        tolerance: 24,
        scale: 100,
    },
    Thinning {
        palette: true,
        tolerance: 36,
        scale: 75,
    },
    Thinning {
        palette: true,
        tolerance: 48,
        scale: 55,
    },
    Thinning {
        palette: true,
        tolerance: 48,
        scale: 40,
    },
];

/// About how many bytes a frame of each step of [`LADDER`] takes, as a share of the full one.
const SHARE: [f64; 6] = [1.0, 0.75, 0.45, 0.26, 0.14, 0.08];

/// What the answers have told of the link, for the player's title.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkReport {
    /// Frames with a new picture the far end showed in the last seconds, per second.
    pub fps: f64,
    /// The link's rate, once measured.
    pub bits_per_second: Option<f64>,
    pub thinning: Thinning,
}

impl Default for LinkReport {
    fn default() -> Self {
        LinkReport {
            fps: 0.0,
            bits_per_second: None,
            thinning: Thinning::FULL,
        }
    }
}

impl LinkReport {
    /// `8 fps · 1.1 Mbit/s`, or the frames alone before the rate is known.
    pub fn label(&self) -> String {
        let fps = format!("{:.0} fps", self.fps);
        match self.bits_per_second {
            Some(bits) if bits >= 1e6 => format!("{fps} · {:.1} Mbit/s", bits / 1e6),
            Some(bits) => format!("{fps} · {:.0} kbit/s", bits / 1e3),
            None => fps,
        }
    }

    /// Whether the title would read differently.
    pub fn differs(&self, other: &LinkReport) -> bool {
        self.label() != other.label() || self.thinning != other.thinning
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answers {
    /// Nothing is asked: every frame goes at once (tests on an in-memory backend).
    Off,
    /// Asked, never answered yet.
    Unknown,
    Answering,
    /// Did not answer in time: paced by write time.
    Silent,
}

#[derive(Debug)]
struct Flight {
    asked: Instant,
    bytes: u64,
    /// The frame had a new picture in it.
    picture: bool,
    /// A question with no frame before it (it measures the latency and gates nothing).
    probe: bool,
}

impl Flight {
    /// When its answer is given up on: `wait`, and the time its bytes take on the slowest link.
    fn overdue(&self, wait: Duration) -> Instant {
        self.asked + wait + Duration::from_secs_f64(self.bytes as f64 / SLOWEST)
    }
}

/// See the module's description.
#[derive(Debug)]
pub struct Pacer {
    answers: Answers,
    /// Questions not answered yet, oldest first.
    flights: VecDeque<Flight>,
    /// When the last frame's write ended, and how long it took.
    written: Option<(Instant, Duration)>,
    last_probe: Option<Instant>,
    /// Recent answers' delays, for the latency (the quickest of them).
    delays: VecDeque<(Instant, Duration)>,
    bytes_per_second: Option<f64>,
    level: usize,
    level_since: Option<Instant>,
    /// Bytes of a frame with a new picture at this level, smoothed.
    picture_bytes: Option<f64>,
    /// When frames with a new picture were shown, the last seconds'.
    shown: VecDeque<Instant>,
    /// How long one frame of what plays lasts, while something plays.
    frame_time: Option<Duration>,
}

impl Pacer {
    /// A pacer that asks the terminal after every frame.
    pub fn asking() -> Pacer {
        Pacer {
            answers: Answers::Unknown,
            ..Pacer::unpaced()
        }
    }

    /// A pacer that lets every frame go and asks nothing.
    pub fn unpaced() -> Pacer {
        Pacer {
            answers: Answers::Off,
            flights: VecDeque::new(),
            written: None,
            last_probe: None,
            delays: VecDeque::new(),
            bytes_per_second: None,
            level: 0,
            level_since: None,
            picture_bytes: None,
            shown: VecDeque::new(),
            frame_time: None,
        }
    }

    /// How long one frame of what plays lasts (the quickest clip's), or `None` when nothing
    /// plays: the full picture is kept only if it crosses within that.
    pub fn set_frame_time(&mut self, frame_time: Option<Duration>) {
        self.frame_time = frame_time;
    }

    /// Gives up on answers that are overdue: a terminal that never answered is silent from
    /// now on; one that did has its oldest question forgotten.
    pub fn expire(&mut self, now: Instant) {
        let bound = match self.answers {
            Answers::Unknown => FIRST_ANSWER,
            Answers::Answering => LATE_ANSWER,
            Answers::Off | Answers::Silent => return,
        };
        if self.flights.front().is_none_or(|f| now < f.overdue(bound)) {
            return;
        }
        if self.answers == Answers::Unknown {
            tracing::info!("the terminal does not answer status requests: pacing by write time");
            self.answers = Answers::Silent;
            self.flights.clear();
            self.last_probe = Some(now);
            return;
        }
        tracing::debug!("an answer is overdue: drawing without it");
        while self
            .flights
            .front()
            .is_some_and(|f| now >= f.overdue(bound))
        {
            self.flights.pop_front();
        }
    }

    /// Whether a frame may be written now; `urgent` for one the user caused.
    pub fn may_draw(&self, now: Instant, urgent: bool) -> bool {
        match self.answers {
            Answers::Off => true,
            Answers::Silent => self
                .written
                .is_none_or(|(end, took)| urgent || now >= end + took.min(MAX_WRITE_GAP)),
            Answers::Unknown | Answers::Answering => {
                let frames = self.flights.iter().filter(|f| !f.probe).count();
                frames < if urgent { 2 } else { 1 }
            }
        }
    }

    /// When a frame that may not be written now may be, without an answer.
    pub fn wake_at(&self) -> Option<Instant> {
        match self.answers {
            Answers::Off => None,
            Answers::Silent => self
                .written
                .map(|(end, took)| end + took.min(MAX_WRITE_GAP)),
            Answers::Unknown => self.flights.front().map(|f| f.overdue(FIRST_ANSWER)),
            Answers::Answering => self.flights.front().map(|f| f.overdue(LATE_ANSWER)),
        }
    }

    /// Just before a frame is written: whether to ask first, with nothing in flight, so the
    /// answer measures the latency alone.
    pub fn probe(&mut self, now: Instant) -> bool {
        let due = self.answers == Answers::Answering
            && self.flights.is_empty()
            && self
                .last_probe
                .is_none_or(|at| now.duration_since(at) >= PROBE_EVERY);
        if due {
            self.last_probe = Some(now);
            self.flights.push_back(Flight {
                asked: now,
                bytes: 0,
                picture: false,
                probe: true,
            });
        }
        due
    }

    /// A frame of `bytes` was written, ending at `now` after `took`; `picture` if it had a new
    /// picture in it. Returns whether to ask the terminal now.
    pub fn drawn(&mut self, now: Instant, bytes: u64, took: Duration, picture: bool) -> bool {
        self.written = Some((now, took));
        match self.answers {
            Answers::Off => false,
            Answers::Silent => {
                // Asked now and then: a terminal that answers after all is paced by its answers.
                let ask = self
                    .last_probe
                    .is_none_or(|at| now.duration_since(at) >= ASK_SILENT_EVERY);
                if ask {
                    self.last_probe = Some(now);
                }
                ask
            }
            Answers::Unknown | Answers::Answering => {
                self.flights.push_back(Flight {
                    asked: now,
                    bytes,
                    picture,
                    probe: false,
                });
                true
            }
        }
    }

    /// The terminal answered: everything up to the oldest question was shown.
    pub fn answered(&mut self, now: Instant) {
        match self.answers {
            Answers::Off => return,
            Answers::Unknown | Answers::Silent => self.answers = Answers::Answering,
            Answers::Answering => {}
        }
        let Some(flight) = self.flights.pop_front() else {
            return;
        };
        let delay = now.saturating_duration_since(flight.asked);
        if flight.bytes < MEASURED_BYTES {
            self.delays.push_back((now, delay));
        }
        while self
            .delays
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > LATENCY_WINDOW)
        {
            self.delays.pop_front();
        }
        if flight.bytes >= MEASURED_BYTES {
            let wire = delay
                .saturating_sub(self.latency())
                .max(Duration::from_millis(1));
            let rate = flight.bytes as f64 / wire.as_secs_f64();
            self.bytes_per_second = Some(match self.bytes_per_second {
                Some(old) => old * 0.7 + rate * 0.3,
                None => rate,
            });
        }
        if flight.picture && !flight.probe {
            self.shown.push_back(now);
            self.picture_bytes = Some(match self.picture_bytes {
                Some(old) => old * 0.6 + flight.bytes as f64 * 0.4,
                None => flight.bytes as f64,
            });
            self.choose_level(now);
        }
        while self
            .shown
            .front()
            .is_some_and(|at| now.duration_since(*at) > Duration::from_secs(2))
        {
            self.shown.pop_front();
        }
    }

    /// The quickest recent answer to a probe or a small frame: the link's round trip and the
    /// terminal's own time. Zero before there is one, so the rate is underestimated rather than
    /// over.
    fn latency(&self) -> Duration {
        self.delays
            .iter()
            .map(|(_, delay)| *delay)
            .min()
            .unwrap_or_default()
    }

    /// The thinnest step whose frames cross in their budget (see [`Pacer::budget`]) is taken
    /// at once; a fuller one only after the pictures kept their size for [`STEADY`], and only
    /// with room to spare.
    fn choose_level(&mut self, now: Instant) {
        let (Some(rate), Some(bytes)) = (self.bytes_per_second, self.picture_bytes) else {
            return;
        };
        let at = |level: usize| bytes * SHARE[level] / SHARE[self.level];
        let fits = (0..LADDER.len())
            .find(|&level| at(level) <= self.budget(level, rate))
            .unwrap_or(LADDER.len() - 1);
        let steady = self
            .level_since
            .is_none_or(|since| now.duration_since(since) >= STEADY);
        let next = if fits > self.level {
            fits
        } else if fits < self.level
            && steady
            && at(self.level - 1) <= self.budget(self.level - 1, rate) * 0.6
        {
            self.level - 1
        } else {
            self.level
        };
        if next != self.level {
            tracing::debug!(from = self.level, to = next, rate, bytes, "thinning");
            self.picture_bytes = Some(at(next));
            self.level = next;
            self.level_since = Some(now);
        }
    }

    /// The bytes a frame at `level` may take on a link of `rate` bytes a second: what crosses
    /// in [`FRAME_TIME`]; for the full picture while a video plays, no more than what crosses
    /// in one of its frames beside the latency, so the next step (the same picture, only its
    /// visible changes) is taken where that keeps the clip's frame rate. A link whose latency
    /// alone takes most of a frame gains nothing from it, and keeps the full picture.
    fn budget(&self, level: usize, rate: f64) -> f64 {
        let budget = rate * FRAME_TIME.as_secs_f64();
        let Some(frame) = self.frame_time.filter(|_| level == 0) else {
            return budget;
        };
        let latency = self.latency();
        if latency.as_secs_f64() >= frame.as_secs_f64() * 0.75 {
            return budget;
        }
        budget.min(rate * (frame - latency).as_secs_f64())
    }

    pub fn thinning(&self) -> Thinning {
        LADDER[self.level]
    }

    /// Questions not answered yet (probes too).
    pub fn awaiting(&self) -> usize {
        self.flights.len()
    }

    /// Forgets the questions in flight: their answers were thrown away (the terminal's input
    /// was flushed after the editor).
    pub fn forget(&mut self) {
        self.flights.clear();
    }

    pub fn report(&self, now: Instant) -> LinkReport {
        let recent = self
            .shown
            .iter()
            .filter(|at| now.duration_since(**at) <= Duration::from_secs(2))
            .count();
        LinkReport {
            fps: recent as f64 / 2.0,
            bits_per_second: self.bytes_per_second.map(|b| b * 8.0),
            thinning: self.thinning(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A far end that shows `rate` bytes a second after `latency`, one frame after another,
    /// and the pacer drawing `bytes` per frame at full thinning whenever it may.
    struct Link {
        pacer: Pacer,
        now: Instant,
        rate: f64,
        latency: Duration,
        /// When each question in flight is answered.
        answers: VecDeque<Instant>,
        /// When the far end is done with everything written so far.
        busy_until: Instant,
    }

    impl Link {
        fn new(rate: f64, latency: Duration) -> Link {
            let now = Instant::now();
            Link {
                pacer: Pacer::asking(),
                now,
                rate,
                latency,
                answers: VecDeque::new(),
                busy_until: now,
            }
        }

        fn write(&mut self, bytes: u64, picture: bool) {
            if self.pacer.probe(self.now) {
                self.ask();
            }
            let start = self.busy_until.max(self.now + self.latency / 2);
            self.busy_until = start + Duration::from_secs_f64(bytes as f64 / self.rate);
            if self.pacer.drawn(self.now, bytes, Duration::ZERO, picture) {
                self.ask();
            }
        }

        fn ask(&mut self) {
            let processed = self.busy_until.max(self.now + self.latency / 2);
            self.answers.push_back(processed + self.latency / 2);
        }

        /// Moves the clock on by `step`, delivering the answers due.
        fn run(&mut self, step: Duration) {
            self.now += step;
            while self.answers.front().is_some_and(|at| *at <= self.now) {
                self.answers.pop_front();
                self.pacer.answered(self.now);
            }
            self.pacer.expire(self.now);
        }

        /// Plays for `secs`, offering a frame every `every`, each `full` bytes at full size;
        /// the pacer is told the clip's frame time, as the workbench tells it.
        fn play(&mut self, secs: f64, every: Duration, full: u64) -> usize {
            self.pacer.set_frame_time(Some(every));
            self.play_untold(secs, every, full)
        }

        /// [`Link::play`] with the pacer not told the frame time.
        fn play_untold(&mut self, secs: f64, every: Duration, full: u64) -> usize {
            let end = self.now + Duration::from_secs_f64(secs);
            let mut next = self.now;
            let mut drawn = 0;
            while self.now < end {
                if self.now >= next && self.pacer.may_draw(self.now, false) {
                    let share = SHARE[self.pacer.level];
                    self.write((full as f64 * share) as u64, true);
                    drawn += 1;
                    next = self.now + every;
                }
                self.run(ms(1));
            }
            drawn
        }
    }

    #[test]
    fn one_frame_in_flight_and_the_next_when_it_was_shown() {
        let mut link = Link::new(1e9, ms(20));
        assert!(link.pacer.may_draw(link.now, false));
        link.write(5000, true);
        assert!(
            !link.pacer.may_draw(link.now, false),
            "the first is in flight"
        );
        link.run(ms(10));
        assert!(!link.pacer.may_draw(link.now, false));
        link.run(ms(15));
        assert!(link.pacer.may_draw(link.now, false), "answered after 20 ms");
    }

    #[test]
    fn a_key_does_not_wait_behind_a_picture_but_a_third_frame_does() {
        let mut link = Link::new(10_000.0, ms(0));
        link.write(50_000, true);
        assert!(link.pacer.may_draw(link.now, true), "a key's frame goes");
        link.write(100, false);
        assert!(!link.pacer.may_draw(link.now, true));
        assert!(!link.pacer.may_draw(link.now, false));
    }

    #[test]
    fn a_terminal_that_never_answers_is_paced_by_write_time() {
        let mut pacer = Pacer::asking();
        let start = Instant::now();
        assert!(pacer.drawn(start, 1600, ms(0), true));
        assert!(!pacer.may_draw(start + ms(500), false));
        // The first answer is waited for longer after a larger frame.
        let given_up = start + FIRST_ANSWER + ms(100);
        assert_eq!(pacer.wake_at(), Some(given_up));
        pacer.expire(given_up - ms(1));
        assert!(!pacer.may_draw(given_up - ms(1), false));
        pacer.expire(given_up);
        let now = given_up;
        assert!(
            pacer.may_draw(now, false),
            "silent: no answer is waited for"
        );
        // A write that blocked for 300 ms keeps the next frame back as long.
        assert!(
            !pacer.drawn(now, 1000, ms(300), true),
            "not asked again at once"
        );
        assert!(!pacer.may_draw(now + ms(200), false));
        assert!(pacer.may_draw(now + ms(200), true), "a key's frame goes");
        assert!(pacer.may_draw(now + ms(300), false));
        // An answer after all: paced by answers again.
        pacer.answered(now + ms(400));
        assert!(pacer.drawn(now + ms(400), 1000, ms(0), true));
        assert!(!pacer.may_draw(now + ms(1400), false));
    }

    #[test]
    fn an_answer_that_never_comes_holds_a_frame_back_only_so_long() {
        let mut link = Link::new(1e9, ms(0));
        link.write(100, false);
        link.run(ms(1));
        assert!(link.pacer.may_draw(link.now, false));
        link.write(160, false);
        // This answer is lost.
        link.answers.clear();
        link.run(LATE_ANSWER + ms(8));
        assert!(!link.pacer.may_draw(link.now, false));
        link.run(ms(2));
        assert!(link.pacer.may_draw(link.now, false));
    }

    #[test]
    fn a_fast_link_plays_every_frame_whole() {
        let mut link = Link::new(100e6 / 8.0, ms(2));
        let drawn = link.play(3.0, ms(41), 30_000);
        assert!(drawn >= 70, "24 fps for 3 s: {drawn}");
        assert!(link.pacer.thinning().is_full());
        let report = link.pacer.report(link.now);
        assert!(report.fps >= 22.0, "{report:?}");
    }

    #[test]
    fn a_thin_link_thins_the_frames_to_cross_in_a_frame_time() {
        // 1 Mbit/s, 30 ms latency, 30 KB frames at full size.
        let mut link = Link::new(125_000.0, ms(30));
        link.play(4.0, ms(41), 30_000);
        let level = link.pacer.level;
        assert!(level >= 2, "{level}");
        let bytes = 30_000.0 * SHARE[level];
        assert!(
            bytes / 125_000.0 <= FRAME_TIME.as_secs_f64() * 1.01,
            "{bytes}"
        );
        let report = link.pacer.report(link.now);
        assert!(report.fps >= 4.0, "{report:?}");
        let bits = report.bits_per_second.unwrap();
        assert!((0.7e6..1.3e6).contains(&bits), "measured {bits}");
        assert!(report.label().ends_with("bit/s"), "{}", report.label());

        // The link widens: the full picture comes back.
        link.rate = 100e6 / 8.0;
        link.play(6.0, ms(41), 30_000);
        assert!(link.pacer.thinning().is_full(), "{}", link.pacer.level);
    }

    #[test]
    fn a_link_that_carries_the_frame_rate_without_invisible_changes_plays_at_it() {
        // 10 Mbit/s, 20 ms round trip, 36 KB frames at full size, 24 fps: the full picture
        // takes 29 ms on the wire, so one a round trip makes 20 fps; its visible changes
        // alone cross in time for every frame.
        let every = Duration::from_secs_f64(1.0 / 24.0);
        let mut untold = Link::new(10e6 / 8.0, ms(20));
        untold.play_untold(4.0, every, 36_000);
        assert!(untold.pacer.thinning().is_full(), "{}", untold.pacer.level);
        let slow = untold.pacer.report(untold.now).fps;
        assert!(slow < 22.0, "one full frame a round trip: {slow}");

        let mut link = Link::new(10e6 / 8.0, ms(20));
        link.play(4.0, every, 36_000);
        assert_eq!(
            link.pacer.thinning(),
            LADDER[1],
            "visible changes, all colours, whole"
        );
        let fps = link.pacer.report(link.now).fps;
        assert!(fps >= 23.0, "the clip's frame rate: {fps}");

        // Nothing plays any more (a spinner, a key): the full picture is not held back.
        link.pacer.set_frame_time(None);
        link.run(STEADY);
        link.play_untold(3.0, every, 36_000);
        assert!(link.pacer.thinning().is_full(), "{}", link.pacer.level);
    }

    #[test]
    fn a_very_thin_link_takes_the_thinnest_step() {
        let mut link = Link::new(32_000.0, ms(30));
        link.play(4.0, ms(41), 60_000);
        assert_eq!(link.pacer.level, LADDER.len() - 1);
        assert!(link.pacer.report(link.now).fps >= 2.0);
    }

    #[test]
    fn latency_alone_does_not_thin_the_picture() {
        // A fat link far away: 100 Mbit/s, 150 ms round trip.
        let mut link = Link::new(100e6 / 8.0, ms(150));
        link.play(5.0, ms(41), 30_000);
        assert!(link.pacer.thinning().is_full(), "{}", link.pacer.level);
        let fps = link.pacer.report(link.now).fps;
        assert!((5.0..8.0).contains(&fps), "one frame per round trip: {fps}");
    }

    #[test]
    fn unpaced_draws_everything_and_asks_nothing() {
        let mut pacer = Pacer::unpaced();
        let now = Instant::now();
        assert!(!pacer.drawn(now, 1000, ms(0), true));
        assert!(pacer.may_draw(now, false));
        assert!(!pacer.probe(now));
        assert_eq!(pacer.wake_at(), None);
    }

    #[test]
    fn the_label() {
        let report = LinkReport {
            fps: 8.2,
            bits_per_second: Some(1.1e6),
            thinning: Thinning::FULL,
        };
        assert_eq!(report.label(), "8 fps · 1.1 Mbit/s");
        let slow = LinkReport {
            bits_per_second: Some(256e3),
            ..report
        };
        assert_eq!(slow.label(), "8 fps · 256 kbit/s");
        assert_eq!(LinkReport::default().label(), "0 fps");
    }
}
