//! A job's place in a chain of shots, for its detail view: the shot whose last frame it
//! starts from, and the shots that start from its own, each with the key that opens it.
//! Several shots may continue one job (takes of the same next shot): `]` opens the first,
//! and in a view reached back from one of them with `[`, the one after it, so `[` `]` walks
//! through them all.

use ratatui::text::{Line, Span};

use i2v_store::{JobId, JobRecord};

use crate::judge::stars;
use crate::text::sanitize;
use crate::ui::kit::component::View;
use crate::ui::model::book::{Book, Row};
use crate::ui::model::format::cut;
use crate::ui::model::keys::Action;

/// The jobs that continue `id`, oldest first (the order they were shot in).
pub(crate) fn next_shots<'a>(book: &'a Book, id: &JobId) -> Vec<&'a Row> {
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

/// Which of `next` (the shots that continue a job, oldest first) `]` opens: the one after
/// `back_from` (the shot this view was reached back from, going round), else the first.
pub(crate) fn opened_next(next: &[JobId], back_from: Option<&JobId>) -> Option<usize> {
    if next.is_empty() {
        return None;
    }
    let after = back_from.and_then(|from| next.iter().position(|id| id == from));
    Some(after.map_or(0, |i| (i + 1) % next.len()))
}

/// The shot `action` (previous or next shot) leads to from `id`, or why there is none.
/// `back_from` as for [`opened_next`]. A next shot comes with its place among several
/// (`(2, 3)`: the second of three), `None` when it is the only one.
pub(crate) fn neighbour(
    book: &Book,
    id: &JobId,
    action: Action,
    back_from: Option<&JobId>,
) -> Result<(JobId, Option<(usize, usize)>), String> {
    let record = &book.get(id).ok_or("This job is no longer known")?.record;
    if action == Action::PrevShot {
        return match &record.continues {
            Some(prev) if book.knows(prev) => Ok((prev.clone(), None)),
            Some(prev) => Err(format!(
                "Job {prev}, which this one continues, is not in this history"
            )),
            None => Err("This job does not continue another: it is the first shot".into()),
        };
    }
    let next: Vec<JobId> = next_shots(book, id)
        .into_iter()
        .map(|r| r.id.clone())
        .collect();
    let i = opened_next(&next, back_from).ok_or("No shot continues this job yet")?;
    let place = (next.len() > 1).then_some((i + 1, next.len()));
    Ok((next[i].clone(), place))
}

/// The detail view's lines for `record`'s judgement and chain: rating, note, the shot before
/// and the shots after (`next`, found by [`NextShots`]; `back_from` as for [`opened_next`]).
/// `field` lays out a name and a value.
pub(crate) fn lines(
    view: &View,
    record: &JobRecord,
    next: &[JobId],
    back_from: Option<&JobId>,
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
    let opened = opened_next(next, back_from);
    for (i, shot_id) in next.iter().enumerate() {
        let mut spans = shot(shot_id, Action::NextShot);
        if Some(i) != opened {
            // The key names the one it opens; the others are named, the one just seen too.
            spans.truncate(2);
            if Some(shot_id) == back_from {
                spans.push(Span::styled("  (just seen)", theme.muted()));
            }
        }
        let name = match next.len() {
            1 => "Next shot".to_owned(),
            n => format!("Next {}/{n}", i + 1),
        };
        lines.push(field(&name, spans));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> JobRecord {
        crate::test_record::record("a heron", i2v_store::JobState::Preparing)
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

    #[test]
    fn the_next_shot_opened_is_the_one_after_the_shot_come_back_from() {
        let ids: Vec<JobId> = (0..3).map(|_| job().id).collect();
        assert_eq!(opened_next(&[], None), None);
        assert_eq!(opened_next(&ids, None), Some(0));
        assert_eq!(opened_next(&ids, Some(&ids[0])), Some(1));
        assert_eq!(opened_next(&ids, Some(&ids[2])), Some(0), "round again");
        let stranger = job().id;
        assert_eq!(opened_next(&ids, Some(&stranger)), Some(0));
    }
}
