//! Money: what jobs cost, as people read it, and what was spent. A job counts as spent once
//! it completed (fal made the video), at the price recorded when it was submitted.

use chrono::{DateTime, Local, NaiveTime, Utc};
use i2v_store::JobState;

/// `$1.32`; amounts under a cent keep their digits (`$0.005`) so a cheap price is not shown
/// as free.
pub fn usd(amount: f64) -> String {
    if amount != 0.0 && amount.abs() < 0.01 {
        format!("${amount:.3}")
    } else {
        format!("${amount:.2}")
    }
}

/// What completed jobs cost.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spend {
    /// Completed jobs: videos paid for.
    pub videos: u64,
    pub usd: f64,
    /// Of those, how many had no recorded price (older records) and were counted at the
    /// price in force now.
    pub unpriced: u64,
}

impl Spend {
    /// A job in `state`, submitted at `price` (if recorded).
    pub fn add_job(&mut self, state: &JobState, price: Option<f64>, price_now: f64) {
        if *state != JobState::Completed {
            return;
        }
        self.videos += 1;
        match recorded_price(price) {
            Some(price) => self.usd += price,
            None => {
                self.usd += price_now;
                self.unpriced += 1;
            }
        }
    }
}

/// The last local midnight at or before `now`: where "today" starts.
pub fn local_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&Local);
    local
        .date_naive()
        .and_time(NaiveTime::MIN)
        .and_local_timezone(Local)
        .earliest()
        .map_or(now, |midnight| midnight.with_timezone(&Utc))
}

/// What the jobs created at or after `since` cost, from what each holds: when it was
/// created, its state and its recorded price.
pub fn jobs_spent_since<'a>(
    jobs: impl IntoIterator<Item = (DateTime<Utc>, &'a JobState, Option<f64>)>,
    since: Option<DateTime<Utc>>,
    price_now: f64,
) -> Spend {
    let mut spend = Spend::default();
    for (created_at, state, price) in jobs {
        if since.is_none_or(|since| created_at >= since) {
            spend.add_job(state, price, price_now);
        }
    }
    spend
}

/// The price the job was submitted at, if its record says (and says it sensibly: a file
/// edited by hand may not).
fn recorded_price(price: Option<f64>) -> Option<f64> {
    price.filter(|p| p.is_finite() && *p >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_and_cents() {
        assert_eq!(usd(0.33), "$0.33");
        assert_eq!(usd(4.0 * 0.33), "$1.32");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(0.005), "$0.005");
        assert_eq!(usd(16.5), "$16.50");
    }
}
