//! `i2v history stats`: how many jobs ended how, what they cost, and how long fal took.

use std::collections::BTreeMap;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use i2v_store::{Store, Summary};
use serde::Serialize;

use super::history_filter::state_name;
use super::output::{print_line, print_text};
use crate::spend::{Spend, jobs_spent_since, usd};
use crate::text::sanitize;

/// The figures, as `--json` prints them.
#[derive(Debug, PartialEq, Serialize)]
pub struct Stats {
    /// Only jobs created at or after this moment count (`null`: every job).
    pub since: Option<DateTime<Utc>>,
    pub jobs: u64,
    /// Jobs per state, by the state's name in the history files (`completed`, `failed`…).
    pub by_state: BTreeMap<String, u64>,
    /// Completed jobs: videos fal made, and so paid for.
    pub videos: u64,
    pub spend_usd: f64,
    /// Completed jobs whose record holds no price (made before prices were recorded),
    /// counted at the price configured now.
    pub unpriced_videos: u64,
    /// fal's own inference time, summed over every job that reports one.
    pub inference_seconds: f64,
    /// From entering fal's queue to leaving it, median over jobs that did both.
    pub median_queue_seconds: Option<f64>,
    pub queue_samples: u64,
    /// From a runner starting the job to fal finishing it, median over jobs that did both.
    pub median_run_seconds: Option<f64>,
    pub run_samples: u64,
    /// The price of a video in force now, and where it came from (`config`, `fal`: fal's
    /// price list, or `built_in`).
    pub price_per_video_usd: f64,
    pub price_source: &'static str,
}

impl Stats {
    pub fn of(jobs: &[Summary], since: Option<DateTime<Utc>>, price_now: f64) -> Stats {
        let counted: Vec<&Summary> = jobs
            .iter()
            .filter(|s| since.is_none_or(|since| s.created_at >= since))
            .collect();
        let mut by_state = BTreeMap::new();
        for job in &counted {
            *by_state
                .entry(state_name(&job.state).to_owned())
                .or_insert(0) += 1;
        }
        let Spend {
            videos,
            usd: spend_usd,
            unpriced,
        } = jobs_spent_since(
            counted
                .iter()
                .map(|s| (s.created_at, &s.state, s.price_usd)),
            None,
            price_now,
        );
        let queue: Vec<f64> = counted.iter().filter_map(|s| s.timings.queued).collect();
        let run: Vec<f64> = counted.iter().filter_map(|s| s.timings.running).collect();
        Stats {
            since,
            jobs: counted.len() as u64,
            by_state,
            videos,
            spend_usd,
            unpriced_videos: unpriced,
            // An empty f64 sum is -0.0, which prints as "-0.0 s": adding 0.0 makes it 0.0.
            inference_seconds: counted
                .iter()
                .filter_map(|s| s.timings.inference)
                .sum::<f64>()
                + 0.0,
            queue_samples: queue.len() as u64,
            median_queue_seconds: median(queue),
            run_samples: run.len() as u64,
            median_run_seconds: median(run),
            price_per_video_usd: price_now,
            price_source: "",
        }
    }

    fn describe(&self, price_now: f64) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let when = match self.since {
            Some(since) => format!(
                " since {}",
                since.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")
            ),
            None => String::new(),
        };
        let _ = writeln!(out, "jobs        {}{when}", self.jobs);
        for (state, count) in &self.by_state {
            let _ = writeln!(out, "  {:<16}{count}", sanitize(state));
        }
        let _ = write!(
            out,
            "spent       {} for {} completed {}",
            usd(self.spend_usd),
            self.videos,
            if self.videos == 1 { "video" } else { "videos" }
        );
        if self.unpriced_videos > 0 {
            let _ = write!(
                out,
                " ({} with no recorded price, counted at {})",
                self.unpriced_videos,
                usd(price_now)
            );
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "inference   {} of fal inference time",
            seconds(self.inference_seconds)
        );
        let median_line = |median: Option<f64>, samples: u64| match median {
            Some(median) => format!("median {} ({samples} jobs)", seconds(median)),
            None => "no job yet".to_owned(),
        };
        let _ = writeln!(
            out,
            "queue wait  {}",
            median_line(self.median_queue_seconds, self.queue_samples)
        );
        let _ = writeln!(
            out,
            "run time    {}",
            median_line(self.median_run_seconds, self.run_samples)
        );
        out
    }
}

pub fn stats(
    store: &Store,
    since: Option<DateTime<Utc>>,
    json: bool,
    price: &crate::pricing::Price,
) -> anyhow::Result<ExitCode> {
    // From the index's summaries, which carry the timings: no record is parsed.
    let history = super::history::look(store);
    let stats = Stats {
        price_source: price.source_word(),
        ..Stats::of(&history.jobs, since, price.usd)
    };
    if json {
        print_line(serde_json::to_string(&stats)?);
    } else {
        let mut text = stats.describe(price.usd);
        text.push_str(&format!(
            "price       {} per video: {}\n",
            usd(price.usd),
            sanitize(&price.source_text())
        ));
        print_text(text);
    }
    Ok(ExitCode::SUCCESS)
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    })
}

/// `41.2 s`, `5m 32s`, `2h 05m`
fn seconds(total: f64) -> String {
    if total < 60.0 {
        return format!("{total:.1} s");
    }
    let whole = total.round() as u64;
    if whole < 3600 {
        format!("{}m {:02}s", whole / 60, whole % 60)
    } else {
        format!("{}h {:02}m", whole / 3600, (whole % 3600) / 60)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use i2v_store::{JobState, StatusChange};

    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 3, 12, 0, 0).unwrap() + chrono::Duration::seconds(seconds)
    }

    /// A job created at `created` that went through `steps` (state, seconds after creation),
    /// as the index lists it.
    fn job(created: i64, steps: &[(JobState, i64)], inference: Option<f64>) -> Summary {
        let mut record = crate::test_record::record("p", JobState::Preparing);
        record.created_at = at(created);
        record.timeline = vec![StatusChange {
            at: at(created),
            state: JobState::Preparing,
        }];
        for (state, after) in steps {
            record.timeline.push(StatusChange {
                at: at(created + after),
                state: state.clone(),
            });
            record.state = state.clone();
        }
        record.metrics.inference_time = inference;
        Summary::of(&record)
    }

    fn queued(position: u32) -> JobState {
        JobState::Queued {
            position: Some(position),
        }
    }

    #[test]
    fn counts_spend_and_medians() {
        use JobState::*;
        let records = [
            job(
                0,
                &[
                    (queued(2), 1),
                    (queued(0), 3),
                    (Running, 5),
                    (Downloading, 45),
                    (Completed, 46),
                ],
                Some(40.0),
            ),
            job(
                10,
                &[(queued(0), 1), (Running, 2), (Completed, 32)],
                Some(30.0),
            ),
            job(20, &[(queued(0), 1), (Running, 9), (Failed, 10)], Some(1.0)),
            job(30, &[(queued(0), 1)], None),
            job(40, &[(Failed, 1)], None),
        ];
        let stats = Stats::of(&records, None, 0.33);
        assert_eq!(stats.jobs, 5);
        assert_eq!(
            stats.by_state,
            BTreeMap::from([
                ("completed".to_owned(), 2),
                ("failed".to_owned(), 2),
                ("queued".to_owned(), 1)
            ])
        );
        assert_eq!(stats.videos, 2);
        assert!((stats.spend_usd - 0.66).abs() < 1e-9, "{}", stats.spend_usd);
        assert_eq!(stats.inference_seconds, 71.0);
        // Queue waits 4, 1, 8 (the still-queued job has none yet); runs 40, 30, 1.
        assert_eq!(stats.median_queue_seconds, Some(4.0));
        assert_eq!(stats.queue_samples, 3);
        assert_eq!(stats.median_run_seconds, Some(30.0));
        assert_eq!(stats.run_samples, 3);

        let since = Stats::of(&records, Some(at(15)), 0.33);
        assert_eq!(since.jobs, 3);
        assert_eq!(since.videos, 0);
        assert_eq!(since.median_queue_seconds, Some(8.0));
    }

    #[test]
    fn an_empty_history_says_so() {
        let stats = Stats::of(&[], None, 0.33);
        assert_eq!(stats.jobs, 0);
        assert_eq!(stats.median_run_seconds, None);
        let text = stats.describe(0.33);
        assert!(
            text.contains("spent       $0.00 for 0 completed videos"),
            "{text}"
        );
        assert!(text.contains("queue wait  no job yet"), "{text}");
        assert!(
            text.contains("inference   0.0 s of fal inference time"),
            "no minus zero: {text}"
        );
    }

    #[test]
    fn medians_of_even_counts_and_durations_read_well() {
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(seconds(41.23), "41.2 s");
        assert_eq!(seconds(332.0), "5m 32s");
        assert_eq!(seconds(7500.0), "2h 05m");
    }
}
