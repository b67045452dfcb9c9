//! `i2v rate ID N [--note TEXT]`: a judgement of a completed job, kept in its record. Written
//! through the store's per-job lock, and only while no other process runs the job.

use std::process::ExitCode;

use i2v_store::{JobRecord, Rating, Store};

use super::args::RateArgs;
use super::output::print_line;
use crate::judge::{Verdict, judge, one_line, stars};
use crate::text::sanitize;

fn verdict(args: &RateArgs) -> Verdict {
    if args.clear {
        return Verdict {
            rating: Some(None),
            note: Some(None),
        };
    }
    Verdict {
        // 0 unrates; clap keeps N within 0..=5.
        rating: args.rating.map(Rating::new),
        note: args.note.as_deref().map(one_line),
    }
}

pub fn rate(store: &Store, args: &RateArgs) -> anyhow::Result<ExitCode> {
    let found = store.find(&args.id)?;
    let saved = judge(store, &found.id, &verdict(args))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(rating: Option<u8>, note: Option<&str>, clear: bool) -> RateArgs {
        RateArgs {
            id: "x".into(),
            rating,
            note: note.map(str::to_owned),
            clear,
            demo: Default::default(),
        }
    }

    #[test]
    fn what_each_form_changes() {
        assert_eq!(
            verdict(&args(Some(4), None, false)),
            Verdict {
                rating: Some(Rating::new(4)),
                note: None
            }
        );
        assert_eq!(
            verdict(&args(Some(0), Some(""), false)),
            Verdict {
                rating: Some(None),
                note: Some(None)
            }
        );
        assert_eq!(
            verdict(&args(None, Some(" warm\n light \n"), false)),
            Verdict {
                rating: None,
                note: Some(Some("warm light".into()))
            }
        );
        assert_eq!(
            verdict(&args(None, None, true)),
            Verdict {
                rating: Some(None),
                note: Some(None)
            }
        );
    }
}
