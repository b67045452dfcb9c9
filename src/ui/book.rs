//! Every job the UI knows about: loaded from history or announced by the engine this
//! session ("live", shown in the queue). Log text is sanitised once, as it arrives, so
//! drawing never touches raw remote text.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use i2v_store::{JobId, JobRecord, JobState, LogEntry, Rating};

use crate::jobs::Progress;
use crate::text::sanitize_lines;

#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub record: JobRecord,
    /// `record.logs`, sanitised, one entry per display line.
    pub log_lines: Vec<LogLine>,
    /// How many of `record.logs` `log_lines` covers.
    logs_seen: usize,
    pub progress: Option<Progress>,
    /// When `progress` arrived: a retry's wait counts down from there.
    pub progress_at: Option<DateTime<Utc>>,
    /// Announced by the engine during this session.
    pub live: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LogLine {
    pub level: String,
    pub text: String,
}

impl Entry {
    fn new(record: JobRecord, live: bool) -> Self {
        let mut entry = Self {
            record,
            log_lines: Vec::new(),
            logs_seen: 0,
            progress: None,
            progress_at: None,
            live,
        };
        // History entries get their log lines when first shown: sanitising every line of
        // thousands of old jobs up front would stall the UI when the history arrives.
        if live {
            entry.sync_logs();
        }
        entry
    }

    fn sync_logs(&mut self) {
        for log in &self.record.logs[self.logs_seen..] {
            let level = crate::text::sanitize(&log.level);
            for text in sanitize_lines(&log.message) {
                self.log_lines.push(LogLine {
                    level: level.clone(),
                    text,
                });
            }
        }
        self.logs_seen = self.record.logs.len();
    }
}

/// What an update changed, for notifications.
pub(crate) struct Finished {
    pub state: JobState,
}

#[derive(Debug, Default)]
pub(crate) struct Book {
    entries: HashMap<JobId, Entry>,
    /// Newest first, by creation time then id.
    order: Vec<JobId>,
}

impl Book {
    pub fn get(&self, id: &JobId) -> Option<&Entry> {
        self.entries.get(id)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Every job, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Entry> {
        self.order.iter().filter_map(|id| self.entries.get(id))
    }

    /// The queue panel's jobs, newest first.
    pub fn live(&self) -> impl Iterator<Item = &Entry> {
        self.newest_first().filter(|e| e.live)
    }

    pub fn any_active(&self) -> bool {
        self.live().any(|e| !e.record.state.is_terminal())
    }

    /// A record read from the history files. A job the engine already told us about
    /// keeps the engine's (newer) version.
    /// Makes sure `log_lines` covers every log line of the job (before showing them).
    pub fn ensure_logs(&mut self, id: &JobId) {
        if let Some(entry) = self.entries.get_mut(id) {
            entry.sync_logs();
        }
    }

    pub fn add_from_history(&mut self, records: Vec<JobRecord>) {
        for record in records {
            if !self.entries.contains_key(&record.id) {
                self.order.push(record.id.clone());
                self.entries
                    .insert(record.id.clone(), Entry::new(record, false));
            }
        }
        self.sort();
    }

    /// The engine's latest version of a job. Returns `Some` when it just finished. A version
    /// whose state the job cannot get to from the one shown (a stale event taking a finished
    /// job back to running) is refused and logged: what the screen shows never goes back.
    pub fn update(&mut self, record: JobRecord) -> Option<Finished> {
        let Some(entry) = self.entries.get_mut(&record.id) else {
            self.order.push(record.id.clone());
            self.entries
                .insert(record.id.clone(), Entry::new(record, true));
            self.sort();
            return None;
        };
        let (from, to) = (&entry.record.state, &record.state);
        if from != to && !can_reach(from, to) {
            tracing::warn!(
                job = %record.id,
                from = from.label(),
                to = to.label(),
                "stale job update refused"
            );
            return None;
        }
        let was_terminal = entry.record.state.is_terminal();
        let had_logs = entry.record.logs.len();
        let mut record = record;
        if record.logs.len() < had_logs {
            // Log events ran ahead of the saved record; ours are the fuller list.
            record.logs = std::mem::take(&mut entry.record.logs);
        } else if record.logs[..had_logs] != entry.record.logs[..] {
            // Different history than we assumed: start the display over.
            entry.log_lines.clear();
            entry.logs_seen = 0;
        }
        // What the engine was doing ("submitting", "reconnecting") belonged to the old state.
        if entry.record.state != record.state {
            entry.progress = None;
        }
        entry.record = record;
        entry.live = true;
        entry.sync_logs();
        let now_terminal = entry.record.state.is_terminal();
        (!was_terminal && now_terminal).then(|| Finished {
            state: entry.record.state.clone(),
        })
    }

    /// A history job the engine follows again this session: it joins the queue, its saved
    /// logs ready to show. Returns false for a job the book does not hold.
    pub fn mark_live(&mut self, id: &JobId) -> bool {
        let Some(entry) = self.entries.get_mut(id) else {
            return false;
        };
        entry.live = true;
        entry.sync_logs();
        true
    }

    /// A rating and note as the job's file now holds them. Only those: the rest of the
    /// record is the engine's (or the record watch's) to change.
    pub fn set_judgement(&mut self, id: &JobId, rating: Option<Rating>, note: Option<String>) {
        if let Some(entry) = self.entries.get_mut(id) {
            entry.record.rating = rating;
            entry.record.note = note;
        }
    }

    pub fn append_logs(&mut self, id: &JobId, logs: Vec<LogEntry>) {
        if let Some(entry) = self.entries.get_mut(id) {
            // Logs flowing again means the engine is back in touch with fal.
            if matches!(entry.progress, Some(Progress::Reconnecting { .. })) {
                entry.progress = None;
            }
            entry.record.logs.extend(logs);
            entry.sync_logs();
        }
    }

    pub fn set_progress(&mut self, id: &JobId, progress: Progress, now: DateTime<Utc>) {
        if let Some(entry) = self.entries.get_mut(id) {
            entry.progress = Some(progress);
            entry.progress_at = Some(now);
        }
    }

    fn sort(&mut self) {
        let entries = &self.entries;
        let key = |id: &JobId| entries.get(id).map(|e| (e.record.created_at, id.clone()));
        self.order
            .sort_by_cached_key(|id| std::cmp::Reverse(key(id)));
    }
}

/// Whether a job shown in `from` can be in `to` now, perhaps through states this workbench
/// never saw (the record of a job another process follows is read once a second).
fn can_reach(from: &JobState, to: &JobState) -> bool {
    use JobState::*;
    const KINDS: [JobState; 9] = [
        Preparing,
        Queued { position: None },
        Running,
        Downloading,
        ResultPending,
        Completed,
        Failed,
        Cancelled,
        MaybeSubmitted,
    ];
    let kind = std::mem::discriminant::<JobState>;
    let mut seen = vec![kind(from)];
    let mut next = vec![from.clone()];
    while let Some(state) = next.pop() {
        if state.can_become(to) {
            return true;
        }
        for step in &KINDS {
            if state.can_become(step) && !seen.contains(&kind(step)) {
                seen.push(kind(step));
                next.push(step.clone());
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use i2v_store::{ImageSource, JobInput};

    fn job(state: JobState) -> JobRecord {
        let mut record = JobRecord::new(
            "model",
            JobInput {
                prompt: "a heron".to_owned(),
                image: ImageSource::Url {
                    url: "https://example.com/heron.png".to_owned(),
                },
                prompt_optimizer: true,
            },
        );
        record.state = state;
        record
    }

    /// What the queue shows after the engine reports `to` for a job it showed in `from`.
    fn shown_after(from: JobState, to: JobState) -> JobState {
        let mut book = Book::default();
        let first = job(from);
        let mut next = first.clone();
        next.state = to;
        book.update(first);
        book.update(next.clone());
        book.get(&next.id)
            .map(|e| e.record.state.clone())
            .unwrap_or(JobState::Preparing)
    }

    #[test]
    fn a_job_moves_only_forward_on_screen() {
        use JobState::*;
        let queued = |n| Queued { position: Some(n) };
        // (shown, reported, accepted)
        let table = [
            (Preparing, queued(3), true),
            (queued(3), queued(1), true),
            (queued(1), Running, true),
            (Running, Downloading, true),
            (Downloading, Completed, true),
            (Running, ResultPending, true),
            (ResultPending, Completed, true),
            (Running, Failed, true),
            (queued(2), Cancelled, true),
            (Preparing, MaybeSubmitted, true),
            (Running, Running, true),
            // Through states read too late to be seen (a record read once a second).
            (Running, Completed, true),
            (Preparing, Running, true),
            // Stale or impossible: the screen keeps what it showed.
            (Completed, Running, false),
            (Failed, Running, false),
            (Cancelled, queued(1), false),
            (Completed, Failed, false),
            (MaybeSubmitted, Running, false),
            (Running, Preparing, false),
            (Downloading, Running, false),
            (Preparing, Preparing, true),
        ];
        for (from, to, accepted) in table {
            let shown = shown_after(from.clone(), to.clone());
            let expected = if accepted { to.clone() } else { from.clone() };
            assert_eq!(shown, expected, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn a_refused_update_announces_nothing() {
        let mut book = Book::default();
        let done = job(JobState::Completed);
        book.update(done.clone());
        let mut stale = done.clone();
        stale.state = JobState::Failed;
        assert!(book.update(stale).is_none(), "no second 'finished'");
        assert_eq!(
            book.get(&done.id).map(|e| e.record.state.clone()),
            Some(JobState::Completed)
        );
    }
}
