//! The event loop's pacing, driven through `Workbench::run` with the terminal's input under
//! the test's control (keys, and the terminal's answers to the status request asked after
//! each frame) while a video plays: a key that has arrived is handled before the next frame
//! is drawn, however many frames wait; a frame is drawn only once the one before was shown,
//! except one the user caused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not shipping code

mod tui_support;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures_util::Stream;
use i2v::preview::{Colors, Graphics};
use i2v::tty::{Input, Pace, QUESTION, Written};
use i2v::ui::{Focus, Msg};
use i2v_sim::SimConfig;
use tokio::sync::{Notify, mpsc};
use tui_support::bench::{Harness, Setup};
use tui_support::fixture_png;
use tui_support::keys::ctrl;

/// Where the loop's questions to the terminal go: counted, and each wakes `asked`.
#[derive(Clone, Default)]
struct Questions {
    count: Arc<AtomicUsize>,
    asked: Arc<Notify>,
}

impl Write for Questions {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        assert_eq!(buf, QUESTION);
        self.count.fetch_add(1, Ordering::SeqCst);
        self.asked.notify_one();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Questions {
    fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Waits (10 s at most) until `n` questions were asked.
    async fn asked(&self, n: usize, what: &str) {
        let waited = tokio::time::timeout(Duration::from_secs(10), async {
            while self.count() < n {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await;
        assert!(waited.is_ok(), "{what}: {} questions", self.count());
    }
}

/// A workbench whose job's video plays in its detail view, drawn at the pace of answers the
/// test gives.
async fn playing() -> (Harness, Questions) {
    let mut h = Harness::with(Setup::new(SimConfig::fast())).await;
    h.bench
        .set_graphics(Graphics::Halfblocks(Colors::TrueColor));
    h.type_text("a slow dolly in");
    h.focus(Focus::Image);
    h.type_text(&fixture_png());
    h.send(ctrl('s'));
    h.wait_for("the job to complete", |s| {
        s.pane_text("Queue").contains("completed")
    })
    .await;
    h.focus(Focus::Queue);
    h.press(KeyCode::Char('v'));
    h.press(KeyCode::Char('p'));
    h.wait_for("playback", |s| s.contains("▶ frame")).await;
    let questions = Questions::default();
    h.bench.pace = Pace::asking(Written::new(), Box::new(questions.clone()));
    (h, questions)
}

/// The terminal's input as the test writes it.
fn input(
    rx: mpsc::UnboundedReceiver<Input>,
) -> impl FnMut() -> Box<dyn Stream<Item = Input> + Unpin> {
    let mut rx = Some(rx);
    move || {
        let mut rx = rx.take().expect("the input is opened once");
        Box::new(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
    }
}

fn key(c: char) -> Input {
    Input::Event(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

#[tokio::test]
async fn a_key_that_arrived_is_handled_before_the_frames_waiting_are_drawn() {
    let (mut h, questions) = playing().await;
    // Frames wait to be drawn, and the stop key has arrived meanwhile.
    let frames = h.bench.runtime.sender();
    for _ in 0..50 {
        frames.send(Msg::Frame).unwrap();
    }
    let (keys, rx) = mpsc::unbounded_channel();
    keys.send(key('p')).unwrap();
    // The loop ends once it has drawn (and asked after) its first frame.
    let asked = questions.asked.clone();
    let ending = h
        .bench
        .run(input(rx), async move { asked.notified().await }, |_, _| {
            unreachable!("no editor here")
        })
        .await
        .unwrap();
    assert_eq!(ending, i2v::ui::event_loop::Ending::Signal);
    assert_eq!(questions.count(), 1);
    let screen = h.screen();
    assert!(
        screen.contains("⏸ Frames") && !screen.contains("▶"),
        "the first frame drawn shows the key handled:\n{screen}"
    );
    drop(keys);
}

#[tokio::test]
async fn a_frame_waits_for_the_one_before_to_be_shown_but_a_key_does_not() {
    let (mut h, questions) = playing().await;
    let (terminal, rx) = mpsc::unbounded_channel();
    let stop = Arc::new(Notify::new());
    let stopped = stop.clone();
    let test = async {
        // The player makes 12 frames a second; the terminal answers nothing yet.
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(
            questions.count(),
            1,
            "one frame in flight, the others dropped"
        );
        // Shown: the newest frame goes (after a probe of the link's latency, asked first with
        // nothing in flight), and no other until it is shown in turn.
        terminal.send(Input::Shown).unwrap();
        questions
            .asked(2, "the next frame once the first was shown")
            .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let in_flight = questions.count();
        assert!(in_flight <= 3, "{in_flight}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(questions.count(), in_flight);
        // A key while a frame is in flight is drawn at once; a frame after it waits again.
        terminal.send(key('j')).unwrap();
        questions
            .asked(in_flight + 1, "the key's frame at once")
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(questions.count(), in_flight + 1);
        stopped.notify_one();
    };
    let run = h
        .bench
        .run(input(rx), async move { stop.notified().await }, |_, _| {
            unreachable!("no editor here")
        });
    let (ending, ()) = tokio::join!(run, test);
    assert_eq!(ending.unwrap(), i2v::ui::event_loop::Ending::Signal);
}
