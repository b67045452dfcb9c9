//! What was spent, as the history's title shows it: completed jobs created since the
//! workbench started, and since local midnight, with what is in flight (which the budget
//! counts too), counted again only when the book or the day changed.

use chrono::{DateTime, Utc};
use i2v_store::JobId;

use crate::budget::{Budget, Committed, Standing};
use crate::spend::local_midnight;
use crate::ui::model::book::Book;

/// What was spent and is in flight, as the history's title shows it, and the budget it is
/// shown against.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct SpendShown {
    pub session: Committed,
    pub today: Committed,
    pub budget: Budget,
}

impl SpendShown {
    pub fn standing(&self) -> Standing {
        Standing {
            today: self.today,
            session: self.session,
        }
    }
}

/// `a` moved by `after - before`.
fn moved_by(a: Committed, after: Committed, before: Committed) -> Committed {
    Committed {
        spent: a.spent + after.spent - before.spent,
        in_flight: a.in_flight + after.in_flight - before.in_flight,
    }
}

/// The spend shown and what it was counted from.
pub(crate) struct Spend {
    /// When this workbench started: what "spent this session" counts from.
    started: DateTime<Utc>,
    /// The local midnight "spent today" was last counted from.
    day: DateTime<Utc>,
    /// The book's version the spend was last counted at.
    version: Option<u64>,
    pub shown: SpendShown,
}

impl Spend {
    pub fn new(started: DateTime<Utc>, budget: Budget) -> Spend {
        Spend {
            started,
            day: DateTime::<Utc>::MIN_UTC,
            version: None,
            shown: SpendShown {
                budget,
                ..SpendShown::default()
            },
        }
    }

    /// "Today" started again since the last count.
    pub fn new_day(&self, now: DateTime<Utc>) -> bool {
        local_midnight(now) != self.day
    }

    /// Whether the spend shown counts the book as it is.
    pub fn counted(&self, now: DateTime<Utc>, book: &Book) -> bool {
        !self.new_day(now) && self.version == Some(book.version())
    }

    /// What the jobs `ids` (as the book lists them now) count for in the spend shown.
    pub fn of(&self, book: &Book, ids: &[JobId], price: f64) -> SpendShown {
        let jobs = || {
            ids.iter()
                .filter_map(|id| book.row(id))
                .map(|r| (r.created_at, &r.state, r.price_usd))
        };
        SpendShown {
            session: Committed::of(jobs(), Some(self.started), price),
            today: Committed::of(jobs(), Some(self.day), price),
            budget: self.shown.budget,
        }
    }

    /// The jobs `ids` changed from counting `before` to what the book says now: the spend
    /// shown moves by the difference, without reading every row again.
    pub fn moved(&mut self, book: &Book, ids: &[JobId], price: f64, before: SpendShown) {
        let after = self.of(book, ids, price);
        self.shown.session = moved_by(self.shown.session, after.session, before.session);
        self.shown.today = moved_by(self.shown.today, after.today, before.today);
        self.version = Some(book.version());
    }

    /// Counts every row again, unless the book and the day are as last counted.
    pub fn recount(&mut self, now: DateTime<Utc>, book: &Book, price: f64) {
        let midnight = local_midnight(now);
        if self.day == midnight && self.version == Some(book.version()) {
            return;
        }
        let jobs = || {
            book.rows()
                .iter()
                .map(|r| (r.created_at, &r.state, r.price_usd))
        };
        self.day = midnight;
        self.version = Some(book.version());
        self.shown = SpendShown {
            session: Committed::of(jobs(), Some(self.started), price),
            today: Committed::of(jobs(), Some(midnight), price),
            budget: self.shown.budget,
        };
    }
}
