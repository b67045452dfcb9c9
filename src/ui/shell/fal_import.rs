//! Jobs made elsewhere brought in from fal's records, from the history (`I`): a look at
//! the records first, then a question with the count, then the import, as
//! `i2v history import --from-fal` does it (same code, in the runtime). The rows appear in
//! the history at once, marked imported; videos being fetched and jobs fal still runs show
//! in the queue as they go.

use i2v_store::{JobRecord, JobState, Summary};

use crate::fal_import::{Found, Imported};
use crate::text::sanitize_one_line;
use crate::ui::model::effect::Effect;
use crate::ui::model::format::count;
use crate::ui::model::importing::Importing;
use crate::ui::model::msg::FalImport;
use crate::ui::overlays::confirm::Confirm;
use crate::ui::shell::app::App;

/// The window looked at, as the question and the notices say it.
const WINDOW: &str = "the last 7 days";

impl App {
    /// `I` in the history: asks fal's records what the history lacks, unless a look or an
    /// import is under way.
    pub(crate) fn look_at_fal(&mut self) -> Vec<Effect> {
        match self.imports.stage {
            Some(Importing::Looking) => self.notice("Still asking fal's records…"),
            Some(Importing::Saving) => self.notice("Still importing from fal's records…"),
            None => {
                self.imports.stage = Some(Importing::Looking);
                self.notice(format!(
                    "Asking fal's records for jobs made elsewhere in {WINDOW}…"
                ));
                let since = self.time.now - crate::fal_import::DEFAULT_SINCE;
                return vec![Effect::LookAtFal { since }];
            }
        }
        Vec::new()
    }

    /// `y` to the question: the jobs found are saved (and their videos fetched).
    pub(crate) fn import_from_fal(&mut self, records: Vec<JobRecord>) -> Vec<Effect> {
        if self.imports.stage.is_some() {
            self.notice("Still importing from fal's records…");
            return Vec::new();
        }
        self.imports.stage = Some(Importing::Saving);
        self.notice(format!(
            "Importing {} from fal's records…",
            count(records.len(), "job", "jobs")
        ));
        vec![Effect::ImportFromFal(records)]
    }

    pub(crate) fn fal_import(&mut self, msg: FalImport) {
        self.imports.stage = None;
        match msg {
            FalImport::Found {
                result: Err(why), ..
            } => self.error(format!(
                "fal's records could not be read, so nothing was imported: {}",
                sanitize_one_line(&why)
            )),
            FalImport::Found {
                result: Ok(found), ..
            } => self.found_on_fal(found),
            FalImport::Imported(Err(why)) => self.error(format!(
                "Nothing imported from fal's records: {}",
                sanitize_one_line(&why)
            )),
            FalImport::Imported(Ok(imported)) => self.imported_from_fal(imported),
        }
    }

    /// What the look found: nothing to import (and what was left out), or the question.
    fn found_on_fal(&mut self, found: Found) {
        let left_out = left_out(&found);
        if found.records.is_empty() {
            let mut text = format!(
                "Nothing to import: fal's records of {WINDOW} hold no job the history lacks"
            );
            for note in left_out {
                text.push_str(&format!("; {note}"));
            }
            self.notice(text);
            return;
        }
        let mut about = vec![format!(
            "made elsewhere in {WINDOW}: {}",
            states(&found.records)
        )];
        let completed = found.records.iter().any(|r| r.state == JobState::Completed);
        if completed {
            about.push(match found.records.iter().any(|r| r.no_download) {
                true => "their videos stay on fal (downloads are off)".to_owned(),
                false => "their videos are downloaded".to_owned(),
            });
        }
        about.extend(left_out);
        self.notice(format!(
            "fal's records hold {} the history lacks",
            count(found.records.len(), "job", "jobs")
        ));
        self.show(Box::new(Confirm::Import {
            records: found.records,
            about,
        }));
    }

    /// The jobs saved: in the history at once, those fal still runs in the queue too (their
    /// own events then say how they go). The engine starts on them only after this answer,
    /// so no event of theirs comes first.
    fn imported_from_fal(&mut self, imported: Imported) {
        let rows: Vec<Summary> = imported.saved.iter().map(Summary::of).collect();
        self.book.apply_changes(rows, &[]);
        // Their records at hand, so the fetches' events update them where they are (a
        // video fetched is no job in flight: it stays out of the queue).
        let moving: Vec<JobRecord> = imported
            .saved
            .iter()
            .filter(|r| imported.fetching.contains(&r.id) || imported.following.contains(&r.id))
            .cloned()
            .collect();
        self.book.add_loaded(moving);
        for id in &imported.following {
            self.book.mark_live(id);
        }
        self.imports.fetch(imported.fetching.iter().cloned());
        self.panes.history.refresh(&self.book);
        self.recount_spend();
        if !imported.saved.is_empty() {
            let mut text = format!(
                "Imported {} from fal's records: {}",
                count(imported.saved.len(), "job", "jobs"),
                states(&imported.saved)
            );
            if !imported.fetching.is_empty() {
                text.push_str(&format!(
                    "; fetching {}",
                    count(imported.fetching.len(), "video", "videos")
                ));
            }
            if !imported.following.is_empty() {
                text.push_str(&format!(
                    "; following {} still on fal",
                    imported.following.len()
                ));
            }
            self.notice(text);
        }
        if let Some((left, why)) = imported.not_saved {
            self.error(format!(
                "{} not imported: the history could not save them: {}",
                count(left, "job", "jobs"),
                sanitize_one_line(&why)
            ));
        }
    }
}

impl App {
    /// A job whose video an import fetches changed: said once all of them are in (each that
    /// failed at once, as an error), not job by job.
    pub(crate) fn import_fetched(&mut self, id: &i2v_store::JobId) {
        let Some(record) = self.book.get(id).map(|e| &e.record) else {
            return;
        };
        let fetched = record
            .result
            .as_ref()
            .is_some_and(|r| r.local_file.is_some());
        let failed = record
            .error
            .as_ref()
            .filter(|e| e.message != crate::fal_import::NOT_FETCHED_YET)
            .map(|e| sanitize_one_line(&e.message));
        if !fetched && failed.is_none() {
            return;
        }
        let all_in = self.imports.fetched(id);
        if let Some(why) = failed.filter(|_| !fetched) {
            self.error(format!(
                "Imported job {id}: its video could not be fetched: {why}"
            ));
        } else if all_in {
            self.notice("The imported jobs' videos are fetched");
        }
    }
}

/// `2 completed, 1 failed, 1 still on fal`.
fn states(records: &[JobRecord]) -> String {
    let of = |wanted: fn(&JobState) -> bool| records.iter().filter(|r| wanted(&r.state)).count();
    let parts = [
        (of(|s| *s == JobState::Completed), "completed"),
        (of(|s| *s == JobState::Failed), "failed"),
        (
            of(|s| s.is_terminal() && !matches!(s, JobState::Completed | JobState::Failed)),
            "ended otherwise",
        ),
        (of(|s| !s.is_terminal()), "still on fal"),
    ];
    parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the look left out, and why, one line each.
fn left_out(found: &Found) -> Vec<String> {
    let mut notes = Vec::new();
    if found.without_input > 0 {
        notes.push(format!(
            "{} left out: fal kept no input of them",
            found.without_input
        ));
    }
    if found.maybe_ours > 0 {
        notes.push(format!(
            "{} left out: likely jobs sent from here whose answer was lost (checked at start)",
            found.maybe_ours
        ));
    }
    if found.cut {
        notes.push("the oldest requests were not looked at: more than one look reads".to_owned());
    }
    notes
}
