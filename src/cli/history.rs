//! `i2v history list|show` and `i2v cancel`: read the store, print for people or as JSON.

use std::process::ExitCode;

use anyhow::Context;
use i2v_fal::{CancelOutcome, FalClient};
use i2v_store::{JobRecord, Store};

use super::output::{print_line, print_text};
use crate::text::{escape_json_controls, printable_url, sanitize};

pub fn list(store: &Store, json: bool) -> anyhow::Result<ExitCode> {
    let listing = store.list();
    for problem in &listing.problems {
        eprintln!("warning: {}", sanitize(&problem.to_string()));
    }
    if json {
        print_line(escape_json_controls(&serde_json::to_string(
            &listing.records,
        )?));
        return Ok(ExitCode::SUCCESS);
    }
    if listing.records.is_empty() {
        eprintln!("no jobs yet");
    }
    for record in &listing.records {
        print_line(format_args!(
            "{}  {}  {:<11}  {}",
            record.id,
            record.created_at.format("%Y-%m-%d %H:%M"),
            record.state.label(),
            sanitize(record.title())
        ));
    }
    Ok(ExitCode::SUCCESS)
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
