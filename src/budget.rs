//! A budget the user sets (`[budget]` in the config): caps on what today and one session may
//! cost, checked before anything is sent. What counts against a cap is what is spent
//! (completed jobs) and what is in flight (jobs fal has or may have: queued, running, maybe
//! sent), each at the price it was sent at: a job in flight is paid for once it completes.

use chrono::{DateTime, Utc};
use i2v_store::JobState;
use serde::Deserialize;

use crate::spend::usd;

/// `[budget]` in the config: no cap unless set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// The most that jobs created since local midnight may cost, in USD.
    pub daily_usd: Option<f64>,
    /// The most one session may cost, in USD: a workbench from start to quit, or one
    /// `i2v submit`.
    pub session_usd: Option<f64>,
}

/// From this share of a cap on, the workbench warns.
pub const WARN_FROM: f64 = 0.8;

/// Which cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cap {
    Daily,
    Session,
}

impl Cap {
    /// Its name in the config file.
    pub fn setting(self) -> &'static str {
        match self {
            Cap::Daily => "[budget] daily_usd",
            Cap::Session => "[budget] session_usd",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Cap::Daily => "daily budget",
            Cap::Session => "session budget",
        }
    }

    /// The window it caps, as a title says it.
    pub fn when(self) -> &'static str {
        match self {
            Cap::Daily => "today",
            Cap::Session => "this session",
        }
    }
}

/// What counts against a cap over some window of jobs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Committed {
    /// Completed jobs.
    pub spent: f64,
    /// Jobs fal has or may have that have not ended.
    pub in_flight: f64,
}

impl Committed {
    pub fn total(&self) -> f64 {
        self.spent + self.in_flight
    }

    /// `cost` more in flight.
    pub fn plus(self, cost: f64) -> Self {
        Self {
            in_flight: self.in_flight + cost,
            ..self
        }
    }

    /// What the jobs created at or after `since` (all of them: `None`) commit: each a
    /// `(created, state, price it was sent at)`, `price_now` when it has none.
    pub fn of<'a>(
        jobs: impl IntoIterator<Item = (DateTime<Utc>, &'a JobState, Option<f64>)>,
        since: Option<DateTime<Utc>>,
        price_now: f64,
    ) -> Self {
        let mut committed = Self::default();
        for (created_at, state, price) in jobs {
            if since.is_some_and(|since| created_at < since) {
                continue;
            }
            let price = price
                .filter(|p| p.is_finite() && *p >= 0.0)
                .unwrap_or(price_now);
            match state {
                JobState::Completed => committed.spent += price,
                // Ended without a video: fal bills nothing (or it is not known to).
                JobState::Failed | JobState::Cancelled => {}
                // Paid once it completes; maybe sent may well be on fal.
                JobState::Preparing
                | JobState::Queued { .. }
                | JobState::Running
                | JobState::Downloading
                | JobState::ResultPending
                | JobState::MaybeSubmitted => committed.in_flight += price,
            }
        }
        committed
    }
}

/// Where things stand against the caps.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Standing {
    /// Jobs created since local midnight.
    pub today: Committed,
    /// Jobs created in this session.
    pub session: Committed,
}

/// A submit the budget refuses: the first cap it would pass.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Over {
    pub cap: Cap,
    pub limit: f64,
    /// What counts against the cap before the submit.
    pub committed: Committed,
    /// What the submit would cost.
    pub cost: f64,
}

impl Over {
    /// One line naming the cap, what counts against it and what the submit would cost.
    pub fn describe(&self) -> String {
        let Committed { spent, in_flight } = self.committed;
        let when = self.cap.when();
        let so_far = if in_flight > 0.0 {
            format!(
                "{} spent {when} and {} in flight",
                usd(spent),
                usd(in_flight)
            )
        } else {
            format!("{} spent {when}", usd(spent))
        };
        format!(
            "over the {} of {}: {so_far}, and this would cost {} more ({} in all)",
            self.cap.name(),
            usd(self.limit),
            usd(self.cost),
            usd(self.committed.total() + self.cost),
        )
    }
}

/// Pennies of rounding are not a reason to refuse.
const SLACK: f64 = 1e-9;

impl Budget {
    /// Whether any cap is set.
    pub fn is_set(&self) -> bool {
        self.daily_usd.is_some() || self.session_usd.is_some()
    }

    fn caps(&self) -> impl Iterator<Item = (Cap, f64)> {
        [
            (Cap::Daily, self.daily_usd),
            (Cap::Session, self.session_usd),
        ]
        .into_iter()
        .filter_map(|(cap, limit)| limit.map(|limit| (cap, limit)))
    }

    /// The cap a submit costing `cost` would pass, if any.
    pub fn check(&self, standing: &Standing, cost: f64) -> Option<Over> {
        self.caps().find_map(|(cap, limit)| {
            let committed = match cap {
                Cap::Daily => standing.today,
                Cap::Session => standing.session,
            };
            (committed.total() + cost > limit + SLACK).then_some(Over {
                cap,
                limit,
                committed,
                cost,
            })
        })
    }

    /// The cap most used, from [`WARN_FROM`] of it on: which, and the share used (spent and
    /// in flight; 1.0 and more is reached or past).
    pub fn warning(&self, standing: &Standing) -> Option<(Cap, f64)> {
        self.caps()
            .map(|(cap, limit)| {
                let committed = match cap {
                    Cap::Daily => standing.today.total(),
                    Cap::Session => standing.session.total(),
                };
                let share = if limit > 0.0 {
                    committed / limit
                } else if committed > 0.0 {
                    f64::INFINITY
                } else {
                    1.0
                };
                (cap, share)
            })
            .filter(|(_, share)| *share + SLACK >= WARN_FROM)
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The cap set for this window, if any.
    pub fn limit(&self, cap: Cap) -> Option<f64> {
        match cap {
            Cap::Daily => self.daily_usd,
            Cap::Session => self.session_usd,
        }
    }

    /// From [`WARN_FROM`] of a cap on, where things stand against it, e.g. `$4.29 of the
    /// $5.00 daily budget spent or in flight (86 %)`.
    pub fn near(&self, standing: &Standing) -> Option<String> {
        let (cap, share) = self.warning(standing)?;
        let limit = self.limit(cap)?;
        let committed = match cap {
            Cap::Daily => standing.today.total(),
            Cap::Session => standing.session.total(),
        };
        let percent = if share.is_finite() {
            format!(" ({:.0} %)", share * 100.0)
        } else {
            String::new()
        };
        Some(format!(
            "{} of the {} {} spent or in flight{percent}",
            usd(committed),
            usd(limit),
            cap.name()
        ))
    }

    /// A cap that is not a sum of money is an error naming it.
    pub fn validate(&self) -> Result<(), String> {
        for (cap, limit) in self.caps() {
            if !limit.is_finite() || limit < 0.0 {
                return Err(format!(
                    "{} must be an amount in USD, 0 or more",
                    cap.setting()
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed(spent: f64, in_flight: f64) -> Committed {
        Committed { spent, in_flight }
    }

    #[test]
    fn what_counts_is_spent_and_in_flight_since_the_window_starts() {
        let now = Utc::now();
        let hour = chrono::Duration::hours(1);
        let jobs = [
            (now, JobState::Completed, Some(0.5)),
            (now, JobState::Running, Some(0.4)),
            (now, JobState::MaybeSubmitted, None),
            (now, JobState::Failed, Some(0.3)),
            (now, JobState::Cancelled, Some(0.3)),
            (now - hour * 3, JobState::Completed, Some(9.0)),
        ];
        let of = |since| Committed::of(jobs.iter().map(|(t, s, p)| (*t, s, *p)), since, 0.33);
        let recent = of(Some(now - hour));
        assert!((recent.spent - 0.5).abs() < 1e-9, "{recent:?}");
        assert!((recent.in_flight - 0.73).abs() < 1e-9, "{recent:?}");
        assert!((of(None).spent - 9.5).abs() < 1e-9);
    }

    #[test]
    fn a_submit_past_a_cap_is_refused_naming_it() {
        let budget = Budget {
            daily_usd: Some(5.0),
            session_usd: Some(1.0),
        };
        let standing = Standing {
            today: committed(4.0, 0.62),
            session: committed(0.33, 0.0),
        };
        assert_eq!(
            budget.check(&standing, 0.33),
            None,
            "exactly up to a cap is fine"
        );
        let over = budget.check(&standing, 0.66).unwrap();
        assert_eq!(over.cap, Cap::Daily);
        assert_eq!(
            over.describe(),
            "over the daily budget of $5.00: $4.00 spent today and $0.62 in flight, and this \
             would cost $0.66 more ($5.28 in all)"
        );
        let over = budget
            .check(
                &Standing {
                    today: committed(0.0, 0.0),
                    ..standing
                },
                0.99,
            )
            .unwrap();
        assert_eq!(over.cap, Cap::Session);
        assert!(
            over.describe()
                .starts_with("over the session budget of $1.00: $0.33 spent this session, and")
        );
        assert_eq!(
            Budget::default().check(&standing, 1e6),
            None,
            "no cap, no refusal"
        );
    }

    #[test]
    fn the_warning_starts_at_80_percent_of_the_cap_most_used() {
        let budget = Budget {
            daily_usd: Some(5.0),
            session_usd: Some(2.0),
        };
        let at = |today: f64, session: f64| {
            budget.warning(&Standing {
                today: committed(today, 0.0),
                session: committed(0.0, session),
            })
        };
        assert_eq!(at(3.9, 1.5), None);
        assert_eq!(at(4.0, 1.5).map(|w| w.0), Some(Cap::Daily));
        assert_eq!(at(4.0, 1.9).map(|w| w.0), Some(Cap::Session));
        assert!(at(6.0, 0.0).unwrap().1 > 1.0);
        let standing = Standing {
            today: committed(3.0, 1.29),
            session: committed(0.0, 0.0),
        };
        assert_eq!(
            budget.near(&standing).unwrap(),
            "$4.29 of the $5.00 daily budget spent or in flight (86 %)"
        );
    }

    #[test]
    fn a_cap_must_be_money() {
        assert!(Budget::default().validate().is_ok());
        let bad = Budget {
            daily_usd: Some(-1.0),
            session_usd: None,
        };
        assert!(bad.validate().unwrap_err().contains("daily_usd"));
    }
}
