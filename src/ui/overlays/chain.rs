//! A job's place in a chain of shots, for its detail view: the shot whose last frame it
//! starts from, and the shots that start from its own, each with the key that opens it.

use ratatui::text::{Line, Span};

use i2v_store::{JobId, JobRecord};

use crate::judge::stars;
use crate::text::sanitize;
use crate::ui::book::{Book, Row};
use crate::ui::component::View;
use crate::ui::format::cut;
use crate::ui::keys::Action;

/// The jobs that continue `id`, oldest first (the order they were shot in).
fn next_shots<'a>(book: &'a Book, id: &JobId) -> Vec<&'a Row> {
    let mut next: Vec<&Row> = book
        .rows()
        .iter()
        .filter(|r| r.continues.as_ref() == Some(id))
        .collect();
    next.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    next
}

/// The jobs that continue a job, kept for the book's version they were found at: finding
/// them takes a look at every row (100,000 at the most), too much for every frame of a
/// detail view (its video playing, its job's spinner turning).
#[derive(Default)]
pub(crate) struct NextShots(Option<(u64, JobId, Vec<JobId>)>);

impl NextShots {
    pub fn of(&mut self, book: &Book, id: &JobId) -> &[JobId] {
        let stale = self
            .0
            .as_ref()
            .is_none_or(|(version, of, _)| *version != book.version() || of != id);
        if stale {
            let next = next_shots(book, id).into_iter().map(|r| r.id.clone());
            self.0 = Some((book.version(), id.clone(), next.collect()));
        }
        self.0.as_ref().map_or(&[], |(_, _, next)| next)
    }
}

/// The shot `action` (previous or next shot) leads to from `id`, or why there is none.
pub(crate) fn neighbour(book: &Book, id: &JobId, action: Action) -> Result<JobId, String> {
    let record = &book.get(id).ok_or("This job is no longer known")?.record;
    if action == Action::PrevShot {
        return match &record.continues {
            Some(prev) if book.knows(prev) => Ok(prev.clone()),
            Some(prev) => Err(format!(
                "Job {prev}, which this one continues, is not in this history"
            )),
            None => Err("This job does not continue another: it is the first shot".into()),
        };
    }
    next_shots(book, id)
        .first()
        .map(|r| r.id.clone())
        .ok_or_else(|| "No shot continues this job yet".into())
}

/// The detail view's lines for `record`'s judgement and chain: rating, note, the shot before
/// and the shots after (`next`, found by [`NextShots`]). `field` lays out a name and a value.
pub(crate) fn lines(
    view: &View,
    record: &JobRecord,
    next: &[JobId],
    field: impl Fn(&str, Vec<Span<'static>>) -> Line<'static>,
) -> Vec<Line<'static>> {
    let theme = view.theme;
    let mut lines = Vec::new();
    if let Some(rating) = record.rating {
        let text = format!("{} {}/5", stars(rating), rating.stars());
        lines.push(field("Rating", vec![Span::styled(text, theme.accent())]));
    }
    if let Some(note) = &record.note {
        lines.push(field("Note", vec![Span::raw(sanitize(note))]));
    }
    let shot = |id: &JobId, action: Action| -> Vec<Span<'static>> {
        let title = view
            .book
            .row(id)
            .map(|r| {
                format!(
                    " “{}”",
                    cut(&sanitize(r.prompt.lines().next().unwrap_or("")), 40)
                )
            })
            .unwrap_or_else(|| " (not in this history)".to_owned());
        let mut spans = vec![Span::raw(sanitize(id.as_str())), Span::raw(title)];
        if let Some(key) = view.keys.short_label(action) {
            spans.push(Span::styled(format!("  {key} opens it"), theme.muted()));
        }
        spans
    };
    if let Some(prev) = &record.continues {
        lines.push(field("Continues", shot(prev, Action::PrevShot)));
    }
    for (i, next) in next.iter().enumerate() {
        let mut spans = shot(next, Action::NextShot);
        if i > 0 {
            // Only the first is a key away; the others are named.
            spans.truncate(2);
        }
        lines.push(field("Next shot", spans));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use i2v_store::{ImageSource, JobInput};

    fn job() -> JobRecord {
        JobRecord::new(
            "model",
            JobInput {
                prompt: "a heron".to_owned(),
                image: ImageSource::Url {
                    url: "https://example.com/heron.png".to_owned(),
                },
                prompt_optimizer: true,
            },
        )
    }

    #[test]
    fn a_shot_added_while_the_view_is_open_is_found() {
        let mut book = Book::default();
        let first = job();
        book.update(first.clone());
        let mut next = NextShots::default();
        assert!(next.of(&book, &first.id).is_empty());
        let mut second = job();
        second.continues = Some(first.id.clone());
        book.update(second.clone());
        assert_eq!(next.of(&book, &first.id), [second.id.clone()]);
        assert!(next.of(&book, &second.id).is_empty(), "another job's");
    }
}
