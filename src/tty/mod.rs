//! The terminal's two byte streams, apart from what is drawn: its input read and sorted
//! (the user's keys, and the terminal's answers), and frames written at the pace the far
//! end of the link shows them, thinned to what the link carries.
//!
//! Everything that draws moving pictures draws through one [`Pace`]: the workbench's loop
//! (every view, every player, spinners and logs alike), and the link bench.

mod decode;
mod meter;
mod pace;
mod reader;
mod thin;

use std::io::Write;
use std::time::{Duration, Instant};

use ratatui::backend::Backend;
use ratatui::{Frame, Terminal};

pub use decode::{Decoder, Input};
pub use meter::{Metered, Written};
pub use pace::{FIRST_ANSWER, FRAME_TIME, LADDER, LATE_ANSWER, LinkReport, Pacer, Thinning};
pub use reader::Reader;
pub use thin::Thinner;

/// The status request: every terminal answers `CSI 0 n`, after what came before it.
pub const QUESTION: &[u8] = b"\x1b[5n";

/// Frames drawn at the link's pace: the [`Pacer`] says when, the [`Thinner`] how thin, and
/// the question after each frame goes to `ask`.
pub struct Pace {
    pacer: Pacer,
    thinner: Thinner,
    /// Where the question goes and how many bytes the terminal was sent; none for a
    /// terminal that is not one (tests' in-memory backends).
    link: Option<(Written, Box<dyn Write + Send>)>,
}

impl Pace {
    /// Every frame drawn whole, at once, nothing asked.
    pub fn unpaced() -> Pace {
        Pace {
            pacer: Pacer::unpaced(),
            thinner: Thinner::new(),
            link: None,
        }
    }

    /// Paced by the answers to questions written to `ask`; `written` counts the bytes the
    /// terminal's backend writes.
    pub fn asking(written: Written, ask: Box<dyn Write + Send>) -> Pace {
        Pace {
            pacer: Pacer::asking(),
            thinner: Thinner::new(),
            link: Some((written, ask)),
        }
    }

    /// Whether a frame may be drawn now; `urgent` for one the user caused.
    pub fn may_draw(&mut self, now: Instant, urgent: bool) -> bool {
        self.pacer.expire(now);
        self.pacer.may_draw(now, urgent)
    }

    /// How long one frame of what plays lasts, `None` when nothing plays (see
    /// [`Pacer::set_frame_time`]).
    pub fn set_frame_time(&mut self, frame_time: Option<Duration>) {
        self.pacer.set_frame_time(frame_time);
    }

    /// When a frame held back may go without an answer.
    pub fn wake_at(&self) -> Option<Instant> {
        self.pacer.wake_at()
    }

    /// Draws one frame with `render`, thinned, and asks after it. `picture` says it has a
    /// new picture in it (a player's frame), which the frame rate counts.
    pub fn draw<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        picture: bool,
        render: impl FnOnce(&mut Frame),
    ) -> std::io::Result<()> {
        let start = Instant::now();
        if self.pacer.probe(start) {
            self.ask();
        }
        let before = self.written();
        let thinning = self.pacer.thinning();
        let thinner = &mut self.thinner;
        terminal
            .draw(|frame| {
                render(frame);
                thinner.apply(frame.buffer_mut(), thinning);
            })
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let end = Instant::now();
        let bytes = self.written().saturating_sub(before);
        if self.pacer.drawn(end, bytes, end - start, picture) {
            self.ask();
        }
        Ok(())
    }

    /// The terminal answered a question.
    pub fn shown(&mut self, now: Instant) {
        self.pacer.answered(now);
    }

    /// Questions not answered yet.
    pub fn awaiting(&self) -> usize {
        self.pacer.awaiting()
    }

    /// The screen was cleared and the answers in flight thrown away (back from the editor).
    pub fn forget(&mut self) {
        self.pacer.forget();
        self.thinner.forget();
    }

    pub fn report(&self, now: Instant) -> LinkReport {
        self.pacer.report(now)
    }

    pub fn thinning(&self) -> Thinning {
        self.pacer.thinning()
    }

    fn written(&self) -> u64 {
        self.link.as_ref().map_or(0, |(written, _)| written.get())
    }

    fn ask(&mut self) {
        if let Some((_, ask)) = &mut self.link {
            // A failed write means the terminal is gone; the loop learns it from its input.
            let _ = ask.write_all(QUESTION).and_then(|()| ask.flush());
        }
    }
}
