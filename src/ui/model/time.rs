//! The workbench's clock: the time every message is handled at (fixed in tests and
//! screenshots), and the ticks that move spinners while something runs.

use chrono::{DateTime, Utc};

pub(crate) struct Time {
    pub now: DateTime<Utc>,
    /// Stopped at `now`: the wall clock is no longer read.
    fixed: bool,
    pub ticks: u64,
}

impl Time {
    pub fn new() -> Time {
        Time {
            now: Utc::now(),
            fixed: false,
            ticks: 0,
        }
    }

    /// Stops the clock at `now`.
    pub fn fix(&mut self, now: DateTime<Utc>) {
        self.now = now;
        self.fixed = true;
    }

    /// A message arrives: it is handled at the wall clock's time, unless the clock is fixed.
    pub fn advance(&mut self) {
        if !self.fixed {
            self.now = Utc::now();
        }
    }

    pub fn tick(&mut self) {
        self.ticks = self.ticks.wrapping_add(1);
    }
}
