//! Every job the UI knows about: listed from the history's index or announced by the engine
//! this session ("live", shown in the queue). Every job has a [`Row`] (what lists, filters
//! and sorts need); live jobs and the history jobs opened lately also have their full
//! record. Log text is sanitised once, as it arrives, so drawing never touches raw remote
//! text.

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::{DateTime, Utc};
use i2v_store::{JobId, JobRecord, JobState, LogEntry, Rating, Summary};

pub use crate::ui::model::history_rows::HistoryRows;
pub(crate) use crate::ui::model::row::{Prompts, Row, Slot, Sort};
use crate::ui::model::slot_index::SlotIndex;

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

/// More new jobs than this at once are sorted in with the rest rather than one by one (each
/// of those moves the order's tail).
const FEW_NEW: usize = 64;

/// How many history records opened lately stay in memory besides the live jobs.
const RECORDS_KEPT: usize = 64;

#[derive(Debug, Default)]
pub(crate) struct Book {
    /// Full records: every live job, and the history jobs opened lately.
    entries: HashMap<JobId, Entry>,
    /// History jobs in `entries`, least recently loaded first (dropped beyond
    /// `RECORDS_KEPT`).
    opened: VecDeque<JobId>,
    /// Every job, as the history lists it.
    rows: Vec<Row>,
    slots: SlotIndex,
    /// How many rows have a rating: the history shows a column for stars if any has, and
    /// finding out by reading every row takes a frame's time at 100,000 rows not read lately.
    rated: usize,
    /// `rows` in the order of `sort`.
    order: Vec<Slot>,
    sort: Sort,
    /// Live jobs, newest first.
    live: Vec<JobId>,
    /// History records that could not be read, and why: not read ahead again until their
    /// files change (asked for by an action, they are).
    unreadable: HashMap<JobId, String>,
    /// Counts changes to the rows: what a filter found is good for one version only.
    version: u64,
    prompts: Prompts,
    /// The history files have been listed once.
    listed: bool,
    /// The takes chosen in the storyboard (the data dir's takes.json), and how often they
    /// changed.
    takes: (i2v_store::Takes, u64),
}

impl Book {
    /// Whether the history files have been listed (until then it shows only live jobs).
    pub fn listed(&self) -> bool {
        self.listed
    }

    /// Why the record of `id` could not be read, if it could not (the last time it was).
    pub fn unreadable(&self, id: &JobId) -> Option<&str> {
        self.unreadable.get(id).map(String::as_str)
    }

    pub fn set_unreadable(&mut self, id: &JobId, why: &str) {
        self.unreadable.insert(id.clone(), why.to_owned());
    }

    /// The full record of a live job or of a history job loaded lately.
    pub fn get(&self, id: &JobId) -> Option<&Entry> {
        self.entries.get(id)
    }

    /// Whether the book lists `id` at all (its full record may not be loaded).
    pub fn knows(&self, id: &JobId) -> bool {
        self.slot(id).is_some()
    }

    pub fn slot(&self, id: &JobId) -> Option<Slot> {
        self.slots.get(&self.rows, id)
    }

    pub fn row(&self, id: &JobId) -> Option<&Row> {
        self.slot(id).map(|slot| self.row_at(slot))
    }

    pub fn row_at(&self, slot: Slot) -> &Row {
        &self.rows[slot as usize]
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Every job's slot, in the order of [`Book::sort`].
    pub fn order(&self) -> &[Slot] {
        &self.order
    }

    /// Every job's row, in no particular order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// Which take follows a shot where several continue it, as the storyboard chose.
    pub fn takes(&self) -> &i2v_store::Takes {
        &self.takes.0
    }

    /// Counts changes to the takes chosen.
    pub fn takes_version(&self) -> u64 {
        self.takes.1
    }

    pub fn set_takes(&mut self, takes: i2v_store::Takes) {
        if takes != self.takes.0 {
            self.takes = (takes, self.takes.1 + 1);
        }
    }

    pub fn sort(&self) -> Sort {
        self.sort
    }

    pub fn set_sort(&mut self, sort: Sort) {
        if sort != self.sort {
            self.sort = sort;
            self.reorder();
        }
    }

    /// The queue panel's jobs, newest first.
    pub fn live(&self) -> impl Iterator<Item = &Entry> {
        self.live.iter().filter_map(|id| self.entries.get(id))
    }

    pub fn any_active(&self) -> bool {
        self.live().any(|e| !e.record.state.is_terminal())
    }

    /// Makes sure `log_lines` covers every log line of the job (before showing them).
    pub fn ensure_logs(&mut self, id: &JobId) {
        if let Some(entry) = self.entries.get_mut(id) {
            entry.sync_logs();
        }
    }

    /// The history as the index lists it. It replaces what the book listed before, except
    /// for jobs this session follows, whose records are newer than any listing; a history
    /// record loaded earlier that changed since is dropped, to be read again when wanted.
    /// Gives back the rows it replaced, for the caller to free where it costs no frame.
    pub fn set_history(&mut self, listed: HistoryRows) -> HistoryRows {
        let HistoryRows {
            mut rows,
            mut slots,
            mut prompts,
        } = listed;
        self.listed = true;
        // Only records loaded earlier can be stale: the rest of the book is its rows.
        let stale: Vec<JobId> = self
            .opened
            .iter()
            .filter(|id| match slots.get(&rows, id) {
                Some(slot) => self.row(id).is_some_and(|old| *old != rows[slot as usize]),
                None => true,
            })
            .cloned()
            .collect();
        for id in stale {
            self.forget(&id);
        }
        self.unreadable.clear();
        for id in &self.live {
            let Some(entry) = self.entries.get(id) else {
                continue;
            };
            let row = Row::of_record(&entry.record, &mut prompts);
            match slots.get(&rows, id) {
                Some(slot) => rows[slot as usize] = row,
                None => {
                    rows.push(row);
                    slots.insert(&rows, rows.len() as Slot - 1);
                }
            }
        }
        let old = HistoryRows {
            rows: std::mem::replace(&mut self.rows, rows),
            slots: std::mem::replace(&mut self.slots, slots),
            prompts: std::mem::replace(&mut self.prompts, prompts),
        };
        self.rated = self.rows.iter().filter(|r| r.rating.is_some()).count();
        self.reorder();
        old
    }

    /// History records read for showing or acting on: kept until later ones push them out
    /// (never those read together, which an action is waiting for).
    pub fn add_loaded(&mut self, records: Vec<JobRecord>) {
        let kept = RECORDS_KEPT.max(records.len());
        for record in records {
            let id = record.id.clone();
            self.unreadable.remove(&id);
            if self.entries.get(&id).is_some_and(|e| e.live) || !self.knows(&id) {
                continue;
            }
            // The file may have changed since the listing: the row follows what was read.
            let row = Row::of_record(&record, &mut self.prompts);
            self.put_row(row);
            self.opened.retain(|o| *o != id);
            self.opened.push_back(id.clone());
            let mut entry = Entry::new(record, false);
            entry.sync_logs();
            self.entries.insert(id, entry);
        }
        while self.opened.len() > kept {
            if let Some(old) = self.opened.pop_front() {
                self.entries.remove(&old);
            }
        }
    }

    /// Drops a history job's loaded record (not a live job's).
    fn forget(&mut self, id: &JobId) {
        if self.entries.get(id).is_some_and(|e| !e.live) {
            self.entries.remove(id);
            self.opened.retain(|o| o != id);
        }
    }

    /// Jobs gone from the history (moved to the trash). A job finished this session goes
    /// from the queue too: the user asked for it gone, and only finished jobs are moved.
    pub fn remove(&mut self, ids: &[JobId]) {
        let ids: HashSet<&JobId> = ids.iter().collect();
        for id in &ids {
            self.entries.remove(*id);
        }
        self.opened.retain(|id| !ids.contains(id));
        self.live.retain(|id| !ids.contains(id));
        self.drop_rows(&ids);
    }

    /// What changed in the history's files since it was listed (another process, a sync).
    /// The jobs this session follows keep what the book has: their records are newer than
    /// any file. A history record loaded earlier that changed is dropped, to be read again
    /// when wanted.
    pub fn apply_changes(&mut self, changed: Vec<Summary>, removed: &[JobId]) {
        // A few new jobs go where the order puts them; many (a sync) are sorted in at once.
        let new = changed.iter().filter(|s| !self.knows(&s.id)).count();
        let mut resort = new > FEW_NEW;
        for summary in changed {
            // Its file changed: worth reading again.
            self.unreadable.remove(&summary.id);
            if self.entries.get(&summary.id).is_some_and(|e| e.live) {
                continue;
            }
            let row = Row::of_summary(summary, &mut self.prompts);
            let Some(slot) = self.slot(&row.id) else {
                if resort {
                    self.rated += usize::from(row.rating.is_some());
                    self.rows.push(row);
                    self.slots.insert(&self.rows, self.rows.len() as Slot - 1);
                } else {
                    self.put_row(row);
                }
                continue;
            };
            let old = &self.rows[slot as usize];
            if *old == row {
                continue;
            }
            resort |= self.sort.cmp(old, &row).is_ne();
            self.forget(&row.id);
            self.set_row_at(slot, row);
            self.version += 1;
        }
        let gone: HashSet<&JobId> = removed
            .iter()
            .filter(|id| !self.entries.get(*id).is_some_and(|e| e.live))
            .collect();
        for id in &gone {
            self.forget(id);
        }
        if self.drop_rows(&gone) {
            resort = false;
        }
        if resort {
            self.reorder();
        }
    }

    /// Drops the rows of `ids`, keeping the others' order. Returns whether any went. No
    /// block as long as the history is made anew: at 100,000 jobs glibc would keep it.
    fn drop_rows(&mut self, ids: &HashSet<&JobId>) -> bool {
        let before = self.rows.len();
        let mut rated = 0;
        self.rows.retain(|row| {
            let keep = !ids.contains(&row.id);
            rated += usize::from(keep && row.rating.is_some());
            keep
        });
        self.rated = rated;
        if self.rows.len() == before {
            return false;
        }
        self.slots.rebuild(&self.rows);
        self.reorder();
        true
    }

    /// The engine's latest version of a job. Returns `Some` when it just finished. A version
    /// whose state the job cannot get to from the one shown (a stale event taking a finished
    /// job back to running) is refused and logged: what the screen shows never goes back.
    pub fn update(&mut self, record: JobRecord) -> Option<Finished> {
        let Some(entry) = self.entries.get_mut(&record.id) else {
            let id = record.id.clone();
            self.set_row(&record);
            self.entries.insert(id.clone(), Entry::new(record, true));
            self.make_live(id);
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
        entry.sync_logs();
        let now_terminal = entry.record.state.is_terminal();
        let finished = (!was_terminal && now_terminal).then(|| Finished {
            state: entry.record.state.clone(),
        });
        let id = entry.record.id.clone();
        let row = Row::of_record(&entry.record, &mut self.prompts);
        self.put_row(row);
        self.make_live(id);
        finished
    }

    /// A history job the engine follows again this session: it joins the queue, its saved
    /// logs ready to show. Returns false for a job the book does not hold in full.
    pub fn mark_live(&mut self, id: &JobId) -> bool {
        let Some(entry) = self.entries.get_mut(id) else {
            return false;
        };
        entry.sync_logs();
        self.make_live(id.clone());
        true
    }

    /// A rating and note as the job's file now holds them. Only those: the rest of the
    /// record is the engine's (or the record watch's) to change.
    pub fn set_judgement(&mut self, id: &JobId, rating: Option<Rating>, note: Option<String>) {
        if let Some(mut row) = self.row(id).cloned() {
            row.rating = rating.map(|r| r.stars());
            row.note = note.as_deref().and_then(i2v_store::note_start);
            self.put_row(row);
        }
        if let Some(entry) = self.entries.get_mut(id) {
            entry.record.rating = rating;
            entry.record.note = note;
        }
    }

    fn make_live(&mut self, id: JobId) {
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        entry.live = true;
        self.opened.retain(|o| *o != id);
        if !self.live.contains(&id) {
            self.live.push(id);
            let entries = &self.entries;
            let key = |id: &JobId| entries.get(id).map(|e| (e.record.created_at, id.clone()));
            self.live
                .sort_by_cached_key(|id| std::cmp::Reverse(key(id)));
        }
    }

    fn set_row(&mut self, record: &JobRecord) {
        let row = Row::of_record(record, &mut self.prompts);
        self.put_row(row);
    }

    /// Replaces the row in `slot`.
    fn set_row_at(&mut self, slot: Slot, row: Row) {
        let old = std::mem::replace(&mut self.rows[slot as usize], row);
        let new = &self.rows[slot as usize];
        self.rated =
            self.rated + usize::from(new.rating.is_some()) - usize::from(old.rating.is_some());
    }

    /// Whether any listed job is rated.
    pub fn any_rated(&self) -> bool {
        self.rated > 0
    }

    /// Puts `row` in the book, replacing the job's old row, and keeps the order.
    fn put_row(&mut self, row: Row) {
        match self.slot(&row.id) {
            Some(slot) if self.rows[slot as usize] == row => {}
            Some(slot) => {
                self.set_row_at(slot, row);
                self.reorder();
            }
            None => {
                let slot = self.rows.len() as Slot;
                self.rated += usize::from(row.rating.is_some());
                self.rows.push(row);
                self.slots.insert(&self.rows, slot);
                // Usually the newest job: it goes where the order puts it, without
                // sorting everything again.
                let rows = &self.rows;
                let sort = self.sort;
                let at = self.order.partition_point(|&s| {
                    sort.cmp(&rows[s as usize], &rows[slot as usize]).is_lt()
                });
                self.order.insert(at, slot);
                self.version += 1;
            }
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

    fn reorder(&mut self) {
        let rows = &self.rows;
        let sort = self.sort;
        // In the block it had: one as long as the history, made anew, would stay resident.
        self.order.clear();
        self.order.extend(0..rows.len() as Slot);
        self.order
            .sort_unstable_by(|&a, &b| sort.cmp(&rows[a as usize], &rows[b as usize]));
        self.version += 1;
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

    fn job(state: JobState) -> JobRecord {
        crate::test_record::record("a heron", state)
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
            // Settled by fal's records, and followed, perhaps by another process.
            (MaybeSubmitted, Running, true),
            (MaybeSubmitted, Failed, true),
            (MaybeSubmitted, Preparing, false),
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

    /// Rows as the order lists them: (prompt, state label).
    fn listed(book: &Book) -> Vec<(String, &'static str)> {
        book.order()
            .iter()
            .map(|&slot| {
                let row = book.row_at(slot);
                (row.prompt.to_string(), row.state.label())
            })
            .collect()
    }

    fn history_of(prompts: &[(&str, JobState)]) -> Vec<JobRecord> {
        prompts
            .iter()
            .enumerate()
            .map(|(n, (prompt, state))| {
                let mut record = job(state.clone());
                record.input.prompt = (*prompt).to_owned();
                record.created_at += chrono::Duration::minutes(n as i64);
                record
            })
            .collect()
    }

    fn summaries(records: &[JobRecord]) -> Vec<Summary> {
        records.iter().map(Summary::of).collect()
    }

    #[test]
    fn changes_behind_its_back_keep_rows_slots_and_order_true() {
        use JobState::*;
        let records = history_of(&[
            ("fox", Completed),
            ("heron", Failed),
            ("boat", Completed),
            ("kite", Cancelled),
            ("owl", Completed),
        ]);
        let mut book = Book::default();
        book.set_history(HistoryRows::of(summaries(&records)));
        book.set_sort(Sort::Status);
        let version = book.version();

        // The heron is run again elsewhere and completes; the boat and the kite are removed;
        // a new job arrives.
        let mut heron = records[1].clone();
        heron.state = Completed;
        let mut hare = job(Running);
        hare.input.prompt = "hare".to_owned();
        hare.created_at += chrono::Duration::minutes(10);
        let removed = [records[2].id.clone(), records[3].id.clone()];
        book.apply_changes(summaries(&[heron, hare]), &removed);

        assert_eq!(
            listed(&book),
            [
                ("hare".to_owned(), "running"),
                ("owl".to_owned(), "completed"),
                ("heron".to_owned(), "completed"),
                ("fox".to_owned(), "completed"),
            ]
        );
        assert!(book.version() > version, "what a filter found is stale");
        assert!(!book.knows(&records[2].id) && !book.knows(&records[3].id));
        for record in [&records[0], &records[4]] {
            let row = book.row(&record.id).map(|r| r.prompt.to_string());
            assert_eq!(row.as_deref(), Some(record.input.prompt.as_str()));
        }
        assert_eq!(book.len(), 4);
    }

    #[test]
    fn a_job_this_session_follows_keeps_its_newer_record() {
        let records = history_of(&[("fox", JobState::Completed)]);
        let mut book = Book::default();
        book.set_history(HistoryRows::of(summaries(&records)));
        let mut running = job(JobState::Running);
        running.input.prompt = "live heron".to_owned();
        book.update(running.clone());

        // Its file says something older, then is gone (a sync from another machine).
        let mut older = running.clone();
        older.state = JobState::Preparing;
        book.apply_changes(summaries(&[older]), &[]);
        assert_eq!(
            book.row(&running.id).map(|r| r.state.label()),
            Some("running")
        );
        book.apply_changes(Vec::new(), std::slice::from_ref(&running.id));
        assert!(book.knows(&running.id));
        assert_eq!(book.live().count(), 1);
    }

    #[test]
    fn a_record_loaded_earlier_that_changed_is_read_again() {
        let records = history_of(&[("fox", JobState::Completed)]);
        let mut book = Book::default();
        book.set_history(HistoryRows::of(summaries(&records)));
        book.add_loaded(records.clone());
        assert!(book.get(&records[0].id).is_some());

        book.apply_changes(summaries(&records), &[]);
        assert!(book.get(&records[0].id).is_some(), "unchanged: kept");
        assert!(!book.any_rated());
        let mut rated = records[0].clone();
        rated.rating = Rating::new(4);
        book.apply_changes(summaries(&[rated]), &[]);
        assert!(
            book.get(&records[0].id).is_none(),
            "changed: read again when wanted"
        );
        assert_eq!(book.row(&records[0].id).and_then(|r| r.rating), Some(4));
        assert!(book.any_rated(), "the stars column is kept for it");
        book.apply_changes(Vec::new(), std::slice::from_ref(&records[0].id));
        assert!(!book.any_rated(), "gone with it");
    }
}
