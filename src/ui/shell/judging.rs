//! What the app does with finished results beyond showing them: a chained shot from a job's
//! last frame, ratings and notes coming back from the store, and comparing two jobs.
//! The panes ask for these through `Request`s; the slow parts (decoding, writing the record)
//! are effects the runtime carries out.

use std::path::PathBuf;

use i2v_store::{JobId, JobRecord};

use crate::judge::stars;
use crate::ui::kit::component::Ctx;
use crate::ui::model::effect::Effect;
use crate::ui::model::focus::Focus;
use crate::ui::model::keys::Action;
use crate::ui::model::messages::Origin;
use crate::ui::model::paste::clean_paste;
use crate::ui::overlays::compare::Compare;
use crate::ui::overlays::grid::{FEWEST as GRID_FEWEST, Grid, MOST as GRID_MOST};
use crate::ui::shell::app::App;

impl App {
    /// `l` on a finished job with its video on disk: take its last frame (a whole decoding
    /// pass, so in the runtime, with progress in the status bar).
    pub(crate) fn start_chain(&mut self, id: JobId) -> Vec<Effect> {
        if let Some(busy) = &self.submits.chaining {
            self.notice(format!("Still taking the last frame of job {busy}…"));
            return Vec::new();
        }
        // The next shot is written in the editor: a video playing in a view stops, so the
        // view can make way.
        self.media.stop();
        // Every view makes way for the editor, those it was opened from too.
        self.beneath.clear();
        self.overlay = None;
        self.submits.chaining = Some(id.clone());
        vec![Effect::SaveLastFrame(id)]
    }

    /// The last frame of `id` is saved (or not): it becomes the image, the editor keeps the
    /// prompt being written (or, when empty, gets the job's own to start from), and the next
    /// submit from it records that it continues `id`.
    pub(crate) fn last_frame_saved(
        &mut self,
        id: JobId,
        result: Result<PathBuf, String>,
    ) -> Vec<Effect> {
        if self.submits.chaining.as_ref() == Some(&id) {
            self.submits.chaining = None;
        }
        let path = match result {
            Ok(path) => path,
            Err(why) => {
                self.error(format!("Could not take the last frame of job {id}: {why}"));
                return Vec::new();
            }
        };
        let image = path.display().to_string();
        let job_prompt = self.book.get(&id).map(|e| e.record.input.prompt.clone());
        let load_prompt = self.panes.prompt.text().trim().is_empty() && job_prompt.is_some();
        let mut out = Vec::new();
        let mut ctx = Ctx::of(&self.book, &self.settings, &mut out);
        self.panes.image.replace(&image, &mut ctx);
        if load_prompt && let Some(prompt) = job_prompt {
            self.panes.prompt.replace(&clean_paste(&prompt));
        }
        ctx.focus(Focus::Editor);
        let prompt = if load_prompt {
            "its prompt is loaded (the editor was empty): change it for the next shot"
        } else {
            "your prompt is kept: say what happens next"
        };
        ctx.notice(format!(
            "Continuing job {id}: its last frame is the image; {prompt}"
        ));
        self.submits.chained(image, id);
        self.handle_requests(out)
    }

    /// A rating or note was written (or refused): the lists show what the file now holds.
    pub(crate) fn judged(&mut self, id: JobId, result: Result<Box<JobRecord>, String>) {
        let saved = match result {
            Ok(saved) => saved,
            Err(why) => {
                self.error(format!("Not saved: {why}"));
                return;
            }
        };
        let before = self
            .book
            .get(&id)
            .map(|e| (e.record.rating, e.record.note.clone()));
        self.book
            .set_judgement(&id, saved.rating, saved.note.clone());
        self.panes.history.refresh(&self.book);
        let text = match before {
            Some((rating, _)) if rating != saved.rating => match saved.rating {
                Some(rating) => format!("Rated job {id} {}", stars(rating)),
                None => format!("Job {id} is unrated"),
            },
            Some((_, note)) if note != saved.note => match saved.note {
                Some(_) => format!("Note saved on job {id}"),
                None => format!("Note removed from job {id}"),
            },
            _ => format!("Job {id}: nothing changed"),
        };
        self.notice(text);
    }

    /// `=`: the selected job `id` beside the one marked job (Space in the history); with
    /// 3 to 9 jobs between the marked and the selected one, a grid of them.
    pub(crate) fn compare(&mut self, id: JobId) -> Vec<Effect> {
        let mut jobs: Vec<JobId> = self.panes.history.marked().to_vec();
        if !jobs.contains(&id) {
            jobs.push(id.clone());
        }
        let mark = self.key_name(Action::Mark);
        let batch = self.key_name(Action::MarkBatch);
        let compare = self.key_name(Action::Compare);
        if jobs.len() > GRID_MOST {
            self.notice(format!(
                "{} jobs are marked: a grid takes {GRID_FEWEST} to {GRID_MOST}. Unmark some \
                 ({mark}), or Esc in the history clears the marks",
                self.panes.history.marked().len()
            ));
            return Vec::new();
        }
        if jobs.len() >= GRID_FEWEST {
            // What marking them said ("= shows them in a grid") is done.
            self.messages
                .forget_notice_about(Origin::Action(Action::MarkBatch));
            // Its strips are asked for as for any open view (`App::follow_media`).
            self.media.stop();
            self.show(Box::new(Grid::open(jobs)));
            // Used, as by compare: the next D or r must not act on them.
            self.panes.history.clear_marks();
            return Vec::new();
        }
        let Some(marked) = jobs.into_iter().find(|m| *m != id) else {
            self.notice(format!(
                "Nothing to compare with: mark a job in the history ({mark}), then select \
                 another and press {compare}; {batch} marks a whole batch for a grid"
            ));
            return Vec::new();
        };
        // A past job's record may not be read yet: the view asks for it (`follow_records`).
        if !self.book.knows(&marked) && self.book.get(&marked).is_none() {
            self.notice(format!("Job {marked} is no longer here: mark another"));
            return Vec::new();
        }
        // Its strips are asked for as for any open view (`App::follow_media`).
        self.media.stop();
        self.show(Box::new(Compare::open(marked, id)));
        // Used: a mark left behind would make the next D or r act on it.
        self.panes.history.clear_marks();
        Vec::new()
    }

    fn key_name(&self, action: Action) -> String {
        self.settings
            .keys
            .short_label(action)
            .unwrap_or_else(|| format!("the {} key", action.name()))
    }
}
