//! `i2v film`: shots joined into one MP4 (or an animated GIF), its path on stdout, progress
//! on stderr. Every shot is checked before anything is written; shots never downloaded are
//! fetched first.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use i2v_film::Film;
use i2v_store::{JobRecord, Store};

use super::args::FilmArgs;
use super::output::print_line;
use crate::byte_size::human_size;
use crate::film::{Fetching, Written, chain_ending_at, chain_film, output_path, refusal};
use crate::setup::Backend;

/// How often a progress line may be printed.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// `backend` builds the fal client, asked for only when a shot must be fetched (so films of
/// downloaded shots need no key and no network).
pub async fn film<F, Fut>(store: &Store, args: FilmArgs, backend: F) -> anyhow::Result<ExitCode>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = anyhow::Result<Backend>>,
{
    let shots = shots(store, &args.ids)?;
    let mut meter = Meter::new();
    let files = crate::film::videos(store, &shots, backend, |heard| match heard {
        Fetching::Shot {
            record, n, count, ..
        } => {
            eprintln!(
                "fetching job {}'s video ({n} of {count}, never downloaded)",
                record.id
            );
            meter = Meter::new();
        }
        Fetching::Bytes(got, total) => meter.tick(|| match total {
            Some(total) => format!("  {} of {}", human_size(got), human_size(total)),
            None => format!("  {}", human_size(got)),
        }),
        Fetching::Saved(file) => eprintln!("  saved {}", file.display()),
    })
    .await?;
    let film = Film::plan(&files).map_err(|err| refusal(err, &shots))?;
    let out = output_path(store, &shots, args.gif, args.output);
    let summary = crate::film::summary(&film.info());
    let out_for_task = out.clone();
    let gif = args.gif;
    // Decoding for a GIF takes seconds: off the runtime's threads.
    let written = tokio::task::spawn_blocking(move || {
        let mut meter = Meter::new();
        crate::film::write(&film, &out_for_task, gif, &mut |written| {
            meter.tick(|| match written {
                Written::Frames(done, total) => format!("  GIF frame {done} of about {total}"),
                Written::Bytes(done, total) => {
                    format!("  {} of {}", human_size(done), human_size(total))
                }
            });
        })
    })
    .await
    .context("the film's writer stopped unexpectedly")?
    .map_err(|err| refusal(err, &shots))?;
    eprintln!("{summary}, {written}");
    print_line(out.display());
    Ok(ExitCode::SUCCESS)
}

/// The shots `ids` name: one id is the chain that ends at that job, `chain:ID` the whole chain
/// through it (on by the takes chosen in the storyboard), several are those jobs in that order.
fn shots(store: &Store, ids: &[String]) -> anyhow::Result<Vec<JobRecord>> {
    if let [one] = ids
        && let Some(id) = one.strip_prefix("chain:")
    {
        return chain_film(store, store.find(id)?);
    }
    let mut records = Vec::with_capacity(ids.len());
    for id in ids {
        records.push(store.find(id)?);
    }
    match <[JobRecord; 1]>::try_from(records) {
        Ok([last]) => chain_ending_at(store, last),
        Err(records) if records.is_empty() => bail!("name a job, or several"),
        Err(records) => Ok(records),
    }
}

/// Progress lines on stderr, at most one a second (and none for work quicker than that).
struct Meter {
    last: Instant,
}

impl Meter {
    fn new() -> Meter {
        Meter {
            last: Instant::now(),
        }
    }

    fn tick(&mut self, line: impl FnOnce() -> String) {
        if self.last.elapsed() >= PROGRESS_EVERY {
            self.last = Instant::now();
            let _ = writeln!(std::io::stderr().lock(), "{}", line());
        }
    }
}
