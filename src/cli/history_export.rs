//! `i2v history export --format jsonl|csv [--out FILE]`: one row per job, from the full
//! records (read one at a time, in the history's order), for spreadsheets and scripts.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use i2v_store::{JobRecord, Store};
use serde::Serialize;

use super::history::{look, plural};
use super::history_filter::{Filter, HistoryFilterArgs, state_name};
use super::stream::Stream;
use crate::text::{escape_json_controls, printable_url, sanitize, sanitize_lines};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated, with a header row.
    Csv,
}

pub fn export(
    store: &Store,
    format: ExportFormat,
    out: Option<&Path>,
    filter: HistoryFilterArgs,
) -> anyhow::Result<ExitCode> {
    let history = look(store);
    let filter = Filter::new(filter);
    let jobs = history.jobs.iter().filter(|job| filter.matches(job));
    let records = jobs.filter_map(|job| match store.load(&job.id) {
        Ok(record) => Some(record),
        Err(err) => {
            eprintln!("warning: {}", sanitize(&err.to_string()));
            None
        }
    });
    let count = match out {
        Some(path) => {
            let file = File::create(path)
                .with_context(|| format!("could not create {}", path.display()))?;
            let count = write_rows(file, format, records)
                .with_context(|| format!("could not write {}", path.display()))?;
            eprintln!("{count} job{} written to {}", plural(count), path.display());
            count
        }
        None => write_rows(std::io::stdout().lock(), format, records)?,
    };
    if count == 0 {
        eprintln!("no jobs to export");
    }
    Ok(ExitCode::SUCCESS)
}

fn write_rows(
    out: impl Write,
    format: ExportFormat,
    records: impl Iterator<Item = JobRecord>,
) -> anyhow::Result<usize> {
    let mut count = 0;
    match format {
        ExportFormat::Jsonl => {
            let mut out = Stream::new(out);
            for record in records {
                let row = serde_json::to_string(&Row::of(&record))?;
                out.write(format_args!("{}\n", escape_json_controls(&row)))?;
                count += 1;
                if out.gone() {
                    break;
                }
            }
            out.finish()?;
        }
        ExportFormat::Csv => {
            let mut out = csv::Writer::from_writer(out);
            for record in records {
                // Plain text only: a spreadsheet shows control characters raw, and runs a
                // cell that starts like a formula.
                let row = Row::of(&record).sanitized().without_formulas();
                match out.serialize(row) {
                    Err(err) if is_broken_pipe(&err) => return Ok(count),
                    other => other?,
                }
                count += 1;
            }
            match out.flush() {
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(count)
}

fn is_broken_pipe(err: &csv::Error) -> bool {
    matches!(err.kind(), csv::ErrorKind::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// One exported job. The same columns in both formats; the record's own names.
#[derive(Serialize)]
struct Row {
    id: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    state: &'static str,
    prompt: String,
    /// The image as given: URL or path.
    image: String,
    prompt_optimizer: bool,
    video_url: Option<String>,
    video_file: Option<String>,
    price_usd: Option<f64>,
    batch: Option<String>,
    rating: Option<u8>,
    note: Option<String>,
    error_kind: Option<String>,
    error: Option<String>,
}

impl Row {
    fn of(record: &JobRecord) -> Row {
        let result = record.result.as_ref();
        Row {
            id: record.id.to_string(),
            created_at: record.created_at,
            updated_at: record.updated_at,
            state: state_name(&record.state),
            prompt: record.input.prompt.clone(),
            image: record.input.image.display(),
            prompt_optimizer: record.input.prompt_optimizer,
            video_url: result.map(|r| r.url.clone()),
            video_file: result
                .and_then(|r| r.local_file.as_ref())
                .map(|f| f.display().to_string()),
            price_usd: record.price_usd,
            batch: record.batch.as_ref().map(|b| b.to_string()),
            rating: record.rating.map(|r| r.stars()),
            note: record.note.clone(),
            error_kind: record.error.as_ref().map(|e| e.kind.as_str().to_owned()),
            error: record.error.as_ref().map(|e| e.message.clone()),
        }
    }

    /// Remote and stored text made safe to show as it is: URLs percent-encoded, control and
    /// escape characters stripped, line breaks in the prompt and error kept.
    fn sanitized(self) -> Row {
        let lines = |text: String| sanitize_lines(&text).join("\n");
        Row {
            prompt: lines(self.prompt),
            image: sanitize(&self.image),
            video_url: self.video_url.as_deref().map(printable_url),
            video_file: self.video_file.as_deref().map(sanitize),
            batch: self.batch.as_deref().map(sanitize),
            note: self.note.map(lines),
            error_kind: self.error_kind.as_deref().map(sanitize),
            error: self.error.map(lines),
            ..self
        }
    }

    /// Every text cell a spreadsheet would take for a formula (`=HYPERLINK(…)` in a prompt
    /// or a video URL from fal) made plain text, by OWASP's rule: a leading `'`. JSONL stays
    /// exact; this is for CSV only.
    fn without_formulas(self) -> Row {
        let cell = |text: String| neutralise_formula(text);
        Row {
            id: cell(self.id),
            prompt: cell(self.prompt),
            image: cell(self.image),
            video_url: self.video_url.map(cell),
            video_file: self.video_file.map(cell),
            batch: self.batch.map(cell),
            note: self.note.map(cell),
            error_kind: self.error_kind.map(cell),
            error: self.error.map(cell),
            ..self
        }
    }
}

/// `text` with a `'` in front if a spreadsheet would read it as a formula: it starts with
/// `=`, `+`, `-` or `@` (after any spaces, which some spreadsheets skip), or with a tab or
/// carriage return.
fn neutralise_formula(text: String) -> String {
    let first = text.trim_start_matches(' ').chars().next();
    let starts_like_formula =
        matches!(first, Some('=' | '+' | '-' | '@')) || text.starts_with(['\t', '\r']);
    if starts_like_formula {
        format!("'{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_like_formulas_are_made_text() {
        for (cell, shown) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("  =1+1", "'  =1+1"),
            ("\tx", "'\tx"),
            ("a = b", "a = b"),
            ("plain", "plain"),
            ("", ""),
        ] {
            assert_eq!(neutralise_formula(cell.to_owned()), shown, "{cell:?}");
        }
    }
}
