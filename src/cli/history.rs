//! `i2v history list|show` and `i2v cancel`: read the store, print for people or as JSON.

use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use i2v_fal::{CancelOutcome, FalClient};
use i2v_store::{History, JobRecord, Rating, Store, Summary};
use serde::Serialize;

use super::history_filter::{Filter, HistoryFilterArgs, state_name};
use super::output::{print_line, print_text};
use super::stream::Stream;
use crate::text::{escape_json_controls, printable_url, sanitize};

/// Below this many records to read, indexing is quick enough to pass without a word.
const SAY_INDEXING_FROM: usize = 1000;

/// The history from its index, brought up to date; problems and a slow first indexing are
/// told on stderr.
pub fn look(store: &Store) -> History {
    let told = std::sync::Once::new();
    let history = store.history_with(&|_, total| {
        if total >= SAY_INDEXING_FROM {
            told.call_once(|| {
                eprintln!("indexing the history: reading {total} job records (later looks read only what changed)");
            });
        }
    });
    for problem in &history.problems {
        eprintln!("warning: {}", sanitize(&problem.to_string()));
    }
    history
}

pub fn list(
    store: &Store,
    filter: HistoryFilterArgs,
    json: bool,
    full: bool,
) -> anyhow::Result<ExitCode> {
    let history = look(store);
    let filter = Filter::new(filter);
    let mut jobs = history
        .jobs
        .iter()
        .filter(|job| filter.matches(job))
        .peekable();
    if jobs.peek().is_none() && !json {
        if history.jobs.is_empty() {
            eprintln!("no jobs yet");
        } else {
            eprintln!("no jobs match");
        }
    }
    let mut out = Stream::stdout();
    if json {
        // A JSON array written one element at a time.
        out.write("[")?;
        let mut first = true;
        for job in jobs {
            let text = if full {
                match store.load(&job.id) {
                    Ok(record) => serde_json::to_string(&record)?,
                    Err(err) => {
                        eprintln!("warning: {}", sanitize(&err.to_string()));
                        continue;
                    }
                }
            } else {
                serde_json::to_string(&SummaryJson::of(job))?
            };
            let separator = if first { "\n" } else { ",\n" };
            first = false;
            out.write(format_args!("{separator}{}", escape_json_controls(&text)))?;
            if out.gone() {
                break;
            }
        }
        out.write("\n]\n")?;
    } else {
        for job in jobs {
            out.write(JobLine(job))?;
            if out.gone() {
                break;
            }
        }
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// A job as one line for people: id, creation time, state, stars (blank when unrated),
/// title, and the note's start in quotes; `history list` and the jobs `history rm|prune`
/// will remove.
pub struct JobLine<'a>(pub &'a Summary);

impl std::fmt::Display for JobLine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let job = self.0;
        let stars = job
            .rating
            .and_then(Rating::new)
            .map_or_else(|| " ".repeat(usize::from(Rating::MAX)), crate::judge::stars);
        write!(
            f,
            "{}  {}  {:<11}  {stars}  {}",
            job.id,
            job.created_at.format("%Y-%m-%d %H:%M"),
            job.state.label(),
            sanitize(job.title())
        )?;
        if let Some(note) = &job.note {
            write!(f, "  “{}”", sanitize(note))?;
        }
        writeln!(f)
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One job in `history list --json`: its summary, named as in the record where the record
/// has the same thing.
#[derive(Serialize)]
struct SummaryJson<'a> {
    id: &'a str,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    state: &'static str,
    prompt: &'a str,
    /// The image as given: URL or path.
    image: &'a str,
    prompt_optimizer: bool,
    rating: Option<u8>,
    has_note: bool,
    /// The note's start, as the index keeps it (the record has it whole).
    note: Option<&'a str>,
    batch: Option<&'a str>,
    price_usd: Option<f64>,
    has_video: bool,
    has_file: bool,
    error_kind: Option<&'a str>,
    /// Made elsewhere, brought in from fal's records (the record's `imported_at`).
    imported: bool,
}

impl<'a> SummaryJson<'a> {
    fn of(job: &'a Summary) -> SummaryJson<'a> {
        SummaryJson {
            id: job.id.as_str(),
            created_at: job.created_at,
            updated_at: job.updated_at,
            state: state_name(&job.state),
            prompt: &job.prompt,
            image: &job.image,
            prompt_optimizer: job.prompt_optimizer,
            rating: job.rating,
            has_note: job.has_note(),
            note: job.note.as_deref(),
            batch: job.batch.as_ref().map(|b| b.as_str()),
            price_usd: job.price_usd,
            has_video: job.has_video,
            has_file: job.has_file,
            error_kind: job.error_kind.as_ref().map(|k| k.as_str()),
            imported: job.imported,
        }
    }
}

pub fn show(store: &Store, id: &str, json: bool) -> anyhow::Result<ExitCode> {
    let record = store.find(id)?;
    if json {
        print_line(escape_json_controls(&serde_json::to_string_pretty(
            &record,
        )?));
    } else {
        print_text(describe(&record));
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(record: &JobRecord) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "job       {}", record.id);
    let _ = writeln!(out, "state     {}", record.state.label());
    let _ = writeln!(out, "created   {}", record.created_at.to_rfc3339());
    let _ = writeln!(out, "image     {}", sanitize(&record.input.image.display()));
    let _ = writeln!(out, "optimizer {}", record.input.prompt_optimizer);
    if !record.fal_options.is_default() {
        let _ = writeln!(out, "fal       {}", sanitize(&record.fal_options.summary()));
    }
    if let Some(at) = record.imported_at {
        let _ = writeln!(
            out,
            "imported  from fal's records, {} (made elsewhere)",
            at.format("%Y-%m-%d %H:%M UTC")
        );
    }
    if let Some(previous) = &record.continues {
        let _ = writeln!(out, "continues {previous} (from its last frame)");
    }
    if let Some(batch) = &record.batch {
        let _ = writeln!(out, "batch     {batch}");
    }
    if let Some(price) = record.price_usd {
        let _ = writeln!(out, "price     {}", crate::spend::usd(price));
    }
    if let Some(rating) = record.rating {
        let _ = writeln!(out, "rating    {}/5", rating.stars());
    }
    if let Some(note) = &record.note {
        let _ = writeln!(out, "note      {}", sanitize(note));
    }
    if let Some(request) = &record.request {
        let _ = writeln!(out, "request   {}", sanitize(&request.request_id.0));
    }
    if let Some(result) = &record.result {
        let _ = writeln!(out, "video     {}", printable_url(&result.url));
        if let Some(file) = &result.local_file {
            let _ = writeln!(out, "file      {}", sanitize(&file.display().to_string()));
        }
    }
    if let Some(error) = &record.error {
        let message = crate::text::sanitize_lines(&error.message).join("\n          ");
        let _ = writeln!(out, "error     {message}");
    }
    let _ = writeln!(out, "prompt");
    for line in record.input.prompt.lines() {
        let _ = writeln!(out, "  {}", sanitize(line));
    }
    if !record.logs.is_empty() {
        let _ = writeln!(out, "logs");
        for log in &record.logs {
            let _ = writeln!(
                out,
                "  {} {} {}",
                sanitize(&log.timestamp),
                sanitize(&log.level),
                sanitize(&log.message)
            );
        }
    }
    out
}

pub async fn cancel(client: &FalClient, store: &Store, id: &str) -> anyhow::Result<ExitCode> {
    let record = store.find(id)?;
    if record.state.is_terminal() {
        eprintln!("job {} already {}", record.id, record.state.label());
        return Ok(ExitCode::SUCCESS);
    }
    let request = record.request.as_ref().with_context(|| {
        format!(
            "job {} was never accepted by fal, so there is nothing to cancel there",
            record.id
        )
    })?;
    let urls = crate::jobs::convert::request_urls(request);
    match client.cancel(&urls).await? {
        CancelOutcome::Requested => eprintln!(
            "cancellation requested for job {}; `i2v resume` (or the workbench) records the outcome",
            record.id
        ),
        CancelOutcome::AlreadyCompleted => {
            eprintln!("job {} had already completed on fal", record.id)
        }
    }
    Ok(ExitCode::SUCCESS)
}
