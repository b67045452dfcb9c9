//! `i2v history rm` and `i2v history prune`: finished jobs, their videos and thumbnails, to
//! the trash folder in the data dir (or deleted with `--purge`). A job still running is never
//! removed.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::bail;
use chrono::Utc;
use i2v_store::{JobId, Removal, Removed, Store, StoreError, Summary};

use super::history::{JobLine, look, plural};
use super::history_filter::StateArg;
use super::stream::Stream;
use crate::text::sanitize;

pub fn rm(store: &Store, ids: &[String], purge: bool) -> anyhow::Result<ExitCode> {
    // Every id must name one job before anything is touched.
    let mut jobs = Vec::new();
    for id in ids {
        let record = store.find(id)?;
        if !jobs.contains(&record.id) {
            jobs.push(record.id);
        }
    }
    let refused = remove_all(store, &jobs, how(purge));
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

pub struct PruneArgs {
    pub older_than: chrono::Duration,
    pub status: Vec<StateArg>,
    pub yes: bool,
    pub dry_run: bool,
    pub purge: bool,
}

pub fn prune(store: &Store, args: PruneArgs) -> anyhow::Result<ExitCode> {
    let cutoff = Utc::now() - args.older_than;
    let history = look(store);
    let chosen: Vec<&Summary> = history
        .jobs
        .iter()
        .filter(|job| job.created_at < cutoff)
        .filter(|job| args.status.is_empty() || args.status.iter().any(|s| s.matches(&job.state)))
        .collect();
    let (finished, unfinished): (Vec<&Summary>, Vec<&Summary>) =
        chosen.into_iter().partition(|job| job.state.is_terminal());

    // What will happen, first: the jobs on stdout, the sum on stderr.
    let mut out = Stream::stdout();
    let mut bytes = 0;
    for job in &finished {
        if let Ok(record) = store.load(&job.id) {
            bytes += store.job_files(&record).map_or(0, |f| f.bytes);
        }
        out.write(JobLine(job))?;
    }
    out.finish()?;
    if !unfinished.is_empty() {
        eprintln!(
            "{} unfinished job{} of that age left alone (cancel or resume them first)",
            unfinished.len(),
            plural(unfinished.len())
        );
    }
    if finished.is_empty() {
        eprintln!(
            "no finished jobs created before {}",
            cutoff.format("%Y-%m-%d %H:%M")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let action = match how(args.purge) {
        Removal::Trash => format!("moved to {}", store.trash_dir().display()),
        Removal::Purge => "deleted".to_owned(),
    };
    eprintln!(
        "{} job{} created before {} ({}), to be {action}",
        finished.len(),
        plural(finished.len()),
        cutoff.format("%Y-%m-%d %H:%M"),
        human_bytes(bytes)
    );
    if args.dry_run {
        eprintln!("dry run: nothing removed");
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes && !confirmed(finished.len())? {
        eprintln!("nothing removed");
        return Ok(ExitCode::SUCCESS);
    }
    let ids: Vec<JobId> = finished.iter().map(|job| job.id.clone()).collect();
    let refused = remove_all(store, &ids, how(args.purge));
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// Asks on the terminal; without one, refuses: a script must say `--yes`.
fn confirmed(count: usize) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "not asking without a terminal: add --yes to remove them, or --dry-run to only list them"
        );
    }
    eprint!("remove {count} job{}? [y/N] ", plural(count));
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

fn how(purge: bool) -> Removal {
    if purge {
        Removal::Purge
    } else {
        Removal::Trash
    }
}

/// Removes each job, saying what happened on stderr; returns how many were refused.
fn remove_all(store: &Store, ids: &[JobId], how: Removal) -> usize {
    let mut refused = 0;
    let mut bytes = 0;
    let mut removed = 0;
    for id in ids {
        match store.remove(id, how) {
            Ok(done) => {
                removed += 1;
                bytes += done.bytes;
                if ids.len() <= 20 {
                    eprintln!("{}", describe(&done));
                }
            }
            Err(err @ (StoreError::Unfinished { .. } | StoreError::Busy(_))) => {
                refused += 1;
                eprintln!("not removed: {err}");
            }
            Err(err) => {
                refused += 1;
                eprintln!("not removed: job {id}: {}", sanitize(&err.to_string()));
            }
        }
    }
    if ids.len() > 20 || removed > 1 {
        let verb = match how {
            Removal::Trash => format!("moved to {}", store.trash_dir().display()),
            Removal::Purge => "deleted".to_owned(),
        };
        eprintln!(
            "{removed} job{} {verb} ({})",
            plural(removed),
            human_bytes(bytes)
        );
    }
    refused
}

fn describe(done: &Removed) -> String {
    let others = done.files.len().saturating_sub(1);
    let what = match (&done.trash, others) {
        (Some(dir), 0) => format!("moved job {} to {}", done.id, dir.display()),
        (Some(dir), n) => format!(
            "moved job {} and {n} file{} ({}) to {}",
            done.id,
            plural(n),
            human_bytes(done.bytes),
            dir.display()
        ),
        (None, 0) => format!("deleted job {}", done.id),
        (None, n) => format!(
            "deleted job {} and {n} file{} ({})",
            done.id,
            plural(n),
            human_bytes(done.bytes)
        ),
    };
    match &done.left {
        Some(video) => format!(
            "{what}; its video {} is outside the data dir and was left there",
            sanitize(&video.display().to_string())
        ),
        None => what,
    }
}

fn human_bytes(bytes: u64) -> String {
    crate::byte_size::human_size(bytes)
}
