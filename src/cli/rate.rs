//! `i2v rate ID N [--note TEXT]`: a judgement of a completed job, kept in its record. Written
//! through the store's per-job lock, and only while no other process runs the job.

use std::process::ExitCode;

use anyhow::bail;
use i2v_store::{JobRecord, JobState, Rating, Store};

use super::args::RateArgs;
use super::output::print_line;
use crate::text::sanitize;

/// What the command changes; `None` leaves a field as it is.
#[derive(Debug, PartialEq)]
struct Change {
    rating: Option<Option<Rating>>,
    note: Option<Option<String>>,
}

impl Change {
    fn from_args(args: &RateArgs) -> Change {
        if args.clear {
            return Change {
                rating: Some(None),
                note: Some(None),
            };
        }
        Change {
            // 0 unrates; clap keeps N within 0..=5.
            rating: args.rating.map(Rating::new),
            note: args.note.as_deref().map(one_line),
        }
    }

    fn apply(&self, record: &mut JobRecord) {
        if let Some(rating) = self.rating {
            record.rating = rating;
        }
        if let Some(note) = &self.note {
            record.note = note.clone();
        }
    }
}

/// A note is one line: lines typed or pasted are joined; an empty note is none.
fn one_line(text: &str) -> Option<String> {
    let joined = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}

pub fn rate(store: &Store, args: &RateArgs) -> anyhow::Result<ExitCode> {
    let found = store.find(&args.id)?;
    let id = found.id.clone();
    let Some(_claim) = store.claim(&id)? else {
        bail!("job {id} is being run by another i2v process right now; rate it once that is done");
    };
    // Read again under the claim: what was found may have changed meanwhile.
    let current = store.load(&id)?;
    if current.state != JobState::Completed {
        bail!(
            "job {id} is {}: only a completed job (one with a video) can be rated",
            current.state.label()
        );
    }
    let change = Change::from_args(args);
    let saved = store.update(&id, |record| change.apply(record))?;
    print_line(describe(&saved));
    Ok(ExitCode::SUCCESS)
}

/// `01M…  ★★★★☆ 4/5  great light`, or `01M…  unrated`.
fn describe(record: &JobRecord) -> String {
    let rating = match record.rating {
        Some(rating) => format!("{} {}/5", stars(rating), rating.stars()),
        None => "unrated".to_owned(),
    };
    match &record.note {
        Some(note) => format!("{}  {rating}  {}", record.id, sanitize(note)),
        None => format!("{}  {rating}", record.id),
    }
}

/// `★★★★☆`
pub fn stars(rating: Rating) -> String {
    let full = usize::from(rating.stars());
    let empty = usize::from(Rating::MAX).saturating_sub(full);
    format!("{}{}", "★".repeat(full), "☆".repeat(empty))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(rating: Option<u8>, note: Option<&str>, clear: bool) -> RateArgs {
        RateArgs {
            id: "x".into(),
            rating,
            note: note.map(str::to_owned),
            clear,
        }
    }

    #[test]
    fn what_each_form_changes() {
        assert_eq!(
            Change::from_args(&args(Some(4), None, false)),
            Change {
                rating: Some(Rating::new(4)),
                note: None
            }
        );
        assert_eq!(
            Change::from_args(&args(Some(0), Some(""), false)),
            Change {
                rating: Some(None),
                note: Some(None)
            }
        );
        assert_eq!(
            Change::from_args(&args(None, Some(" warm\n light \n"), false)),
            Change {
                rating: None,
                note: Some(Some("warm light".into()))
            }
        );
        assert_eq!(
            Change::from_args(&args(None, None, true)),
            Change {
                rating: Some(None),
                note: Some(None)
            }
        );
    }

    #[test]
    fn stars_read_as_stars() {
        assert_eq!(stars(Rating::new(4).unwrap()), "★★★★☆");
        assert_eq!(stars(Rating::new(1).unwrap()), "★☆☆☆☆");
    }
}
