//! The history pane: every job, newest first (or best match first while filtering), and
//! the filter line.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use i2v_store::{ImageSource, JobId, JobInput};

use crate::jobs::NewJob;
use crate::spend::usd;
use crate::text::sanitize;
use crate::ui::kit::component::{
    Command, Component, Ctx, MOVES, Outcome, Request, View, fixed, hint, quiet,
};
use crate::ui::kit::draw::{fit, frame_block, inner, selected};
use crate::ui::kit::job;
use crate::ui::kit::list::DrawnList;
use crate::ui::model::book::{Book, Slot, Sort};
use crate::ui::model::chains::Chains;
use crate::ui::model::effect::Effect;
use crate::ui::model::filter::Hits;
use crate::ui::model::format::{ago, count, image_name, prompt_row, state_icon};
use crate::ui::model::keys::{Action, KeyBinding};
use crate::ui::overlays::confirm::Confirm;
use unicode_width::UnicodeWidthStr;

use std::sync::Arc;

use i2v_video::Frame as VideoFrame;

use crate::preview::Still;

/// How much of a batch id a row shows: its end, where ids made in the same millisecond
/// differ (`batch:` in the filter matches any part).
const BATCH_CHARS: usize = 6;

/// What marks a job imported from fal's records (made elsewhere) in its row, in a column
/// of its own while such a row is on screen.
const IMPORTED: &str = "⇣ ";

/// Columns a row keeps for its prompt and image name (when they need that many) before its
/// note takes more than [`job::NOTE_WIDTH`].
const PROMPT_ROOM: usize = 48;

#[derive(Debug, Default)]
pub(crate) struct HistoryPane {
    selected: Option<JobId>,
    filter: String,
    /// The filter line has the keyboard.
    filtering: bool,
    /// What the pane lists, in order: the filter applied to the book.
    visible: Vec<Slot>,
    /// What the filter found last, for the next key.
    hits: Hits,
    /// What the filter says of terms it left out (`is:bogus`), drawn on its line.
    left_out: Option<String>,
    /// The book's version and the filter line `visible` was made for: a refresh with both the
    /// same (a record read ahead, a key in the filter line that moves the selection) has
    /// nothing to filter again.
    listed: Option<(u64, String)>,
    /// Jobs marked (Space) to be re-run together, in the order they were marked.
    marked: Vec<JobId>,
    drawn: DrawnList,
    /// The selected job's middle frame, when there is room for it beside the list.
    preview: Option<(Arc<[VideoFrame; 3]>, Still)>,
    /// Whether a listed job is rated, for the book's version it was counted at: it takes a
    /// look at every listed row (100,000 at the most), too much for every frame.
    rated: Option<(u64, bool)>,
    /// Where each chained shot is in its chain (`⛓2/4`), for the book's version it was found
    /// at: finding out takes a look at every row.
    chains: Option<(u64, Chains)>,
}

/// Screens at least this wide show the selected job's frame beside the history list.
const PREVIEW_MIN_WIDTH: u16 = 110;
/// Its width in cells.
const PREVIEW_WIDTH: u16 = 24;

/// Whether a screen of `size` has room for the selected job's frame.
pub(crate) fn has_preview_room(size: Rect) -> bool {
    size.width >= PREVIEW_MIN_WIDTH
}

/// A past job's input as a new job, and the effect that lets it fall back to the copy fal
/// has of its image if the local file is gone.
pub(crate) fn rerun_job(input: &JobInput) -> (NewJob, Option<Effect>) {
    let job = NewJob {
        prompt: input.prompt.clone(),
        image: input.image.display(),
        prompt_optimizer: input.prompt_optimizer,
        // The engine refuses an image outside the limits (a failed job, nothing uploaded
        // or paid); the editor's submit asks instead.
        check_limits: true,
    };
    let fallback = match &input.image {
        ImageSource::File {
            path,
            uploaded_url: Some(url),
            ..
        } => Some(Effect::ImageFallback {
            path: path.display().to_string(),
            url: url.clone(),
        }),
        _ => None,
    };
    (job, fallback)
}

impl HistoryPane {
    /// The job selected, if any.
    pub fn selected(&self) -> Option<&JobId> {
        self.selected.as_ref()
    }

    /// The jobs marked (Space), in the order they were marked.
    pub fn marked(&self) -> &[JobId] {
        &self.marked
    }

    /// The marked jobs were sent: the marks go.
    pub fn clear_marks(&mut self) {
        self.marked.clear();
    }

    /// These jobs are no longer marked.
    pub fn unmark(&mut self, ids: &[JobId]) {
        self.marked.retain(|id| !ids.contains(id));
    }

    /// Recomputes the list after the jobs or the filter changed, keeping the selection on
    /// the same job when it is still listed.
    pub fn refresh(&mut self, book: &Book) {
        let same = self
            .listed
            .as_ref()
            .is_some_and(|(version, filter)| *version == book.version() && *filter == self.filter);
        if !same {
            self.left_out = crate::ui::model::filter::filter(
                book,
                &self.filter,
                &mut self.hits,
                &mut self.visible,
            );
            self.rated = None;
            self.listed = Some((book.version(), self.filter.clone()));
        }
        // Marks on jobs gone from the history (trashed, removed behind our back) go too.
        self.marked.retain(|id| book.knows(id));
        if self.position(book).is_none() {
            self.selected = self
                .visible
                .first()
                .map(|&slot| book.row_at(slot).id.clone());
        }
    }

    /// Whether a listed job is rated (then every row keeps a column for the stars).
    fn any_rated(&mut self, book: &Book) -> bool {
        match self.rated {
            Some((version, rated)) if version == book.version() => rated,
            _ => {
                // Every job listed: the book counts them, so no row is read.
                let rated = if self.visible.len() == book.len() {
                    book.any_rated()
                } else {
                    self.visible
                        .iter()
                        .any(|&slot| book.row_at(slot).rating.is_some())
                };
                self.rated = Some((book.version(), rated));
                rated
            }
        }
    }

    /// Where the selected job is in the list.
    fn position(&self, book: &Book) -> Option<usize> {
        let selected = self.selected.as_ref()?;
        let slot = book.slot(selected)?;
        self.visible.iter().position(|&s| s == slot)
    }

    pub fn step(&mut self, book: &Book, delta: isize) {
        if self.visible.is_empty() {
            self.selected = None;
            return;
        }
        let at = self.position(book).unwrap_or(0) as isize;
        let next = (at + delta).clamp(0, self.visible.len() as isize - 1) as usize;
        self.selected = Some(book.row_at(self.visible[next]).id.clone());
    }

    /// A click on screen row `y`: selects the row shown there.
    pub fn click(&mut self, book: &Book, y: u16) {
        if let Some(i) = self.drawn.item_at(y, self.visible.len()) {
            self.selected = Some(book.row_at(self.visible[i]).id.clone());
        }
    }

    /// The jobs `action` needs the full records of, when some are not read yet: the app
    /// reads them and then carries the action out.
    fn unread(&self, action: Action, ctx: &Ctx) -> Option<Vec<JobId>> {
        let wanted: Vec<JobId> = match action {
            Action::Rerun if !self.marked.is_empty() => self.marked.clone(),
            Action::Restore
            | Action::Rerun
            | Action::Diff
            | Action::CopyUrl
            | Action::OpenVideo
            | Action::CopyPath
            | Action::Play
            | Action::FullScreen => self.selected.iter().cloned().collect(),
            _ => return None,
        };
        let unread: Vec<JobId> = wanted
            .into_iter()
            .filter(|id| ctx.book.get(id).is_none() && ctx.book.knows(id))
            .collect();
        (!unread.is_empty()).then_some(unread)
    }

    /// The focus moved away: the filter line closes (keeping its text).
    pub fn blur(&mut self) {
        self.filtering = false;
    }

    fn rerun(&self, ctx: &mut Ctx) {
        if !self.marked.is_empty() {
            ctx.ask(Request::RerunMarked(self.marked.clone()));
            return;
        }
        let Some(entry) = self.selected.as_ref().and_then(|id| ctx.book.get(id)) else {
            return;
        };
        let (job, fallback) = rerun_job(&entry.record.input);
        if let Some(fallback) = fallback {
            ctx.effect(fallback);
        }
        ctx.ask(Request::Submit {
            job,
            checked: false,
        });
    }

    /// `D`: asks before moving the marked jobs to the trash when the selected one is among
    /// them, else the selected one alone, naming each (a few, and how many more). Unfinished
    /// jobs are refused here, as the store would.
    fn trash(&self, ctx: &mut Ctx) {
        let ids: Vec<JobId> = match &self.selected {
            Some(selected) if !self.marked.contains(selected) => vec![selected.clone()],
            _ if self.marked.is_empty() => self.selected.iter().cloned().collect(),
            _ => self.marked.clone(),
        };
        let rows: Vec<_> = ids.iter().filter_map(|id| ctx.book.row(id)).collect();
        if rows.is_empty() {
            return;
        }
        if let Some(busy) = rows.iter().find(|r| !r.state.is_terminal()) {
            ctx.error(format!(
                "Job {} is {}: only finished jobs go to the trash (cancel it first)",
                busy.id,
                busy.state.label()
            ));
            return;
        }
        const NAMED: usize = 6;
        let mut what: Vec<String> = rows
            .iter()
            .take(NAMED)
            .map(|r| {
                let first = r.prompt.lines().next().unwrap_or("");
                format!(
                    "{} · {}",
                    &r.id.as_str()[..r.id.as_str().len().min(10)],
                    sanitize(first)
                )
            })
            .collect();
        if rows.len() > NAMED {
            what.push(format!("and {} more", rows.len() - NAMED));
        }
        ctx.open(Confirm::Trash { ids, what });
    }

    /// `*`: marks every job of the selected job's batch (a matrix, a repeat, a re-run of
    /// several), or with a filter every listed job, in the order they were sent. When all
    /// of them are marked already, unmarks them.
    fn mark_batch(&mut self, ctx: &mut Ctx) {
        let book = ctx.book;
        let filtered = !self.filter.is_empty();
        let mut rows: Vec<&crate::ui::model::row::Row> = if filtered {
            self.visible.iter().map(|&slot| book.row_at(slot)).collect()
        } else {
            let Some(row) = self.selected.as_ref().and_then(|id| book.row(id)) else {
                return;
            };
            let Some(batch) = row.batch.clone() else {
                ctx.notice(format!(
                    "Job {} was sent on its own: no batch to mark (with a filter, {} marks \
                     every listed job)",
                    row.id,
                    ctx.keys.short_label(Action::MarkBatch).unwrap_or_default()
                ));
                return;
            };
            book.rows()
                .iter()
                .filter(|r| r.batch.as_ref() == Some(&batch))
                .collect()
        };
        // In the order they were sent: a matrix's alternatives as written.
        rows.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        let jobs: Vec<JobId> = rows.into_iter().map(|r| r.id.clone()).collect();
        if jobs.is_empty() {
            return;
        }
        let what = if filtered { "listed" } else { "of the batch" };
        if jobs.iter().all(|id| self.marked.contains(id)) {
            self.marked.retain(|id| !jobs.contains(id));
            ctx.notice(format!("Unmarked the {} jobs {what}", jobs.len()));
            return;
        }
        for id in &jobs {
            if !self.marked.contains(id) {
                self.marked.push(id.clone());
            }
        }
        let compare = ctx.keys.short_label(Action::Compare).unwrap_or_default();
        let next = match self.marked.len() {
            n if (3..=9).contains(&n) => format!(": {compare} shows them in a grid"),
            2 => format!(": {compare} compares them"),
            _ => String::new(),
        };
        ctx.notice(format!(
            "Marked the {} jobs {what} ({} marked){next}",
            jobs.len(),
            self.marked.len()
        ));
    }

    /// Marks the selected job, or unmarks it.
    fn toggle_mark(&mut self) {
        let Some(id) = self.selected.clone() else {
            return;
        };
        match self.marked.iter().position(|m| *m == id) {
            Some(at) => {
                self.marked.remove(at);
            }
            None => self.marked.push(id),
        }
    }
}

impl Component for HistoryPane {
    fn commands(&self) -> Vec<Command> {
        if self.filtering {
            return vec![
                quiet(Action::Back),
                fixed("Enter", "keep filter"),
                fixed("Esc", "clear"),
                fixed("↑↓", "move"),
            ];
        }
        let rerun = if self.marked.is_empty() {
            "re-run"
        } else {
            "re-run marked"
        };
        let mut commands = vec![
            hint(Action::Restore, "load"),
            hint(Action::Rerun, rerun),
            hint(Action::Diff, "diff"),
            hint(Action::Filter, "filter"),
            quiet(Action::Sort),
            quiet(Action::Trash),
            quiet(Action::ImportFal),
            hint(Action::Detail, "details"),
            hint(Action::CopyUrl, "copy URL"),
            quiet(Action::OpenVideo),
            quiet(Action::CopyPath),
            quiet(Action::Play),
            quiet(Action::FullScreen),
            quiet(Action::Storyboard),
            quiet(Action::Back),
        ];
        commands.extend(job::judging(true));
        commands.push(hint(Action::Help, "help"));
        commands.extend(MOVES);
        commands
    }

    fn selected_job(&self, _book: &Book) -> Option<JobId> {
        self.selected.clone()
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let len = self.visible.len() as isize;
        if let Some(ids) = self.unread(action, ctx) {
            ctx.ask(Request::WhenRead { ids, action });
            return Outcome::Handled;
        }
        match action {
            Action::Back if self.filtering || !self.filter.is_empty() => {
                self.filter.clear();
                self.filtering = false;
                self.refresh(ctx.book);
            }
            Action::Back if !self.marked.is_empty() => {
                ctx.notice(format!(
                    "Unmarked {}",
                    count(self.marked.len(), "job", "jobs")
                ));
                self.marked.clear();
            }
            Action::Mark => self.toggle_mark(),
            Action::MarkBatch => self.mark_batch(ctx),
            Action::Up => self.step(ctx.book, -1),
            Action::Down => self.step(ctx.book, 1),
            Action::PageUp => self.step(ctx.book, -self.drawn.page()),
            Action::PageDown => self.step(ctx.book, self.drawn.page()),
            Action::Top => self.step(ctx.book, -len),
            Action::Bottom => self.step(ctx.book, len),
            Action::Filter => self.filtering = true,
            Action::Sort => ctx.ask(Request::Sort(ctx.book.sort().next())),
            Action::Trash => self.trash(ctx),
            Action::ImportFal => ctx.ask(Request::LookAtFal),
            Action::Restore => {
                if let Some(entry) = self.selected.as_ref().and_then(|id| ctx.book.get(id)) {
                    ctx.ask(Request::Restore {
                        id: entry.record.id.clone(),
                        input: entry.record.input.clone(),
                    });
                }
            }
            Action::Rerun => self.rerun(ctx),
            Action::Diff => {
                if let Some(id) = self.selected.clone() {
                    ctx.ask(Request::Diff(id));
                }
            }
            _ => return job::act(action, self.selected.clone(), ctx),
        }
        Outcome::Handled
    }

    /// The filter line's own keys.
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Outcome {
        if !self.filtering {
            return Outcome::HandBack;
        }
        match key.code {
            KeyCode::Enter => self.filtering = false,
            KeyCode::Backspace => {
                self.filter.pop();
            }
            KeyCode::Up => self.step(ctx.book, -1),
            KeyCode::Down => self.step(ctx.book, 1),
            KeyCode::Char(c) if KeyBinding::from_event(&key).is_plain_char() => {
                self.filter.push(c);
            }
            _ => return Outcome::HandBack,
        }
        self.refresh(ctx.book);
        Outcome::Handled
    }

    fn takes_text(&self, key: KeyBinding) -> bool {
        self.filtering && key.is_plain_char()
    }

    fn paste(&mut self, text: &str, ctx: &mut Ctx) -> Outcome {
        if !self.filtering {
            return Outcome::HandBack;
        }
        self.filter
            .push_str(&crate::ui::model::paste::single_line(text));
        self.refresh(ctx.book);
        Outcome::Handled
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        let count = if self.filter.is_empty() {
            format!("· {} ", count(self.visible.len(), "job", "jobs"))
        } else {
            format!("· {}/{} match ", self.visible.len(), view.book.len())
        };
        let mut title = vec![Span::raw(" History "), Span::styled(count, theme.muted())];
        if view.book.sort() != Sort::Date {
            title.push(Span::styled(
                format!("· {} ", view.book.sort().label()),
                theme.accent(),
            ));
        }
        if !self.marked.is_empty() {
            title.push(Span::styled(
                format!("· {} marked ", self.marked.len()),
                theme.accent(),
            ));
        }
        // What the frame's corners leave of the top line once the rest of the title is in.
        let taken: usize = title.iter().map(|span| span.content.width()).sum();
        let room = usize::from(area.width.saturating_sub(2)).saturating_sub(taken);
        title.push(spend_title(view, room));
        let title = Line::from(title);
        frame.render_widget(frame_block(theme, title, view.focused), area);
        let mut inner = inner(area);
        if let Some(picture) = self.preview_area(view, &mut inner) {
            self.draw_preview(view, frame, picture);
        }
        if self.filtering || !self.filter.is_empty() {
            let filter_row = Rect {
                y: inner.bottom().saturating_sub(1),
                height: 1.min(inner.height),
                ..inner
            };
            inner.height = inner.height.saturating_sub(1);
            let mut spans = vec![
                Span::styled("/", theme.key()),
                Span::raw(sanitize(&self.filter)),
            ];
            if self.filtering {
                spans.push(Span::styled("▏", theme.accent()));
            }
            if let Some(left_out) = &self.left_out {
                spans.push(Span::styled(format!("  {left_out}"), theme.warning()));
            } else if self.filtering {
                spans.push(Span::styled("  Enter keeps · Esc clears", theme.muted()));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), filter_row);
        }
        if self.visible.is_empty() {
            self.drawn.record(inner, 0);
            let text = if !view.book.listed() {
                "loading history…"
            } else if !self.filter.is_empty() {
                "nothing matches the filter"
            } else {
                "no jobs yet"
            };
            frame.render_widget(Paragraph::new(text).style(theme.muted()), inner);
            return;
        }
        let at = self.position(view.book).unwrap_or(0);
        let height = usize::from(inner.height);
        let offset = DrawnList::offset_for(at, height);
        self.drawn.record(inner, offset);
        let rated = self.any_rated(view.book);
        let visible = &self.visible;
        // A note only where the row has room for it beside the prompt, in a column as wide
        // as the widest on screen (so the prompts start level), at most what the row has
        // free once the prompt has PROMPT_ROOM (and never less than NOTE_WIDTH).
        let on_screen = || {
            visible
                .iter()
                .skip(offset)
                .take(height)
                .map(|&slot| view.book.row_at(slot))
        };
        // Batch tags in a column too, while a row on screen has one.
        let batched = on_screen().any(|row| row.batch.is_some());
        // And the mark of jobs imported from fal's records (made elsewhere).
        let imports = on_screen().any(|row| row.imported);
        // Chain places too (`⛓2/4`), as wide as the widest on screen.
        if self
            .chains
            .as_ref()
            .is_none_or(|(version, _)| *version != view.book.version())
        {
            self.chains = Some((view.book.version(), Chains::of(view.book)));
        }
        let chains = self.chains.as_ref().map(|(_, chains)| chains);
        let place_of = |row: &crate::ui::model::book::Row| {
            chains
                .and_then(|c| c.place(&row.id))
                .map(|p| format!("⛓{}/{}", p.shot, p.of))
        };
        let chain_width = on_screen()
            .filter_map(|row| place_of(row).map(|p| p.chars().count() + 1))
            .max()
            .unwrap_or(0);
        // Mark, icon, state, age, batch tag and stars: what a row has before its note.
        let fixed = usize::from(!self.marked.is_empty())
            + 2
            + 11
            + 11
            + usize::from(batched) * (BATCH_CHARS + 2)
            + usize::from(imports) * IMPORTED.chars().count()
            + chain_width
            + usize::from(rated) * 6;
        // What the prompts and image names on screen take, up to PROMPT_ROOM (a long
        // prompt is cut to make room for the note).
        let prompts = on_screen()
            .map(|row| {
                let first = row.prompt.lines().next().unwrap_or("");
                sanitize(first).width() + 2 + sanitize(image_name(&row.image)).width()
            })
            .max()
            .unwrap_or(0)
            .min(PROMPT_ROOM);
        let room = usize::from(inner.width)
            .saturating_sub(fixed + prompts + 1)
            .max(job::NOTE_WIDTH);
        let note_width = match inner.width >= 90 {
            true => on_screen()
                .map(job::note_cells)
                .max()
                .unwrap_or(0)
                .min(room),
            false => 0,
        };
        let lines: Vec<Line> = visible
            .iter()
            .enumerate()
            .skip(offset)
            .take(height)
            .map(|(i, &slot)| {
                let record = view.book.row_at(slot);
                let id = &record.id;
                let below = visible
                    .get(i + 1)
                    .or_else(|| visible.get(i.checked_sub(1)?))
                    .map(|&slot| &*view.book.row_at(slot).prompt);
                let live = view.book.get(id).is_some_and(|e| e.live);
                let state_style = theme.state(&record.state);
                // A spinner only where something moves: an unfinished job nobody here
                // follows would spin without ever changing.
                let icon = if live || record.state.is_terminal() {
                    state_icon(&record.state, view.ticks)
                } else {
                    "◌"
                };
                // A column of marks only while something is marked.
                let mark = match (self.marked.is_empty(), self.marked.contains(id)) {
                    (true, _) => "",
                    (false, true) => "●",
                    (false, false) => " ",
                };
                let batch = record
                    .batch
                    .as_ref()
                    .map(|b| {
                        let b = b.as_str();
                        format!("⧉{} ", &b[b.len().saturating_sub(BATCH_CHARS)..])
                    })
                    .unwrap_or_else(|| match batched {
                        true => " ".repeat(BATCH_CHARS + 2),
                        false => String::new(),
                    });
                let mut spans = vec![
                    Span::styled(mark, theme.accent()),
                    Span::styled(format!("{icon} "), state_style),
                    Span::styled(format!("{:<10} ", record.state.label()), state_style),
                    Span::styled(
                        format!("{:>9}  ", ago(record.created_at, view.now)),
                        theme.muted(),
                    ),
                    Span::styled(sanitize(&batch), theme.muted()),
                ];
                if imports {
                    let mark = if record.imported { IMPORTED } else { "  " };
                    spans.push(Span::styled(mark, theme.muted()));
                }
                if chain_width > 0 {
                    let place = place_of(record).unwrap_or_default();
                    spans.push(Span::styled(
                        format!("{place:<0$}", chain_width),
                        theme.muted(),
                    ));
                }
                let note = job::Note::Text(record.note.as_deref());
                let rating = record.rating.and_then(i2v_store::Rating::new);
                spans.extend(job::judgement_parts(view, rating, note, rated, note_width));
                spans.extend([
                    Span::raw(sanitize(&prompt_row(&record.prompt, below))),
                    // The file name: the full path is in the detail view, `img:` matches it.
                    Span::styled(
                        format!("  {}", sanitize(image_name(&record.image))),
                        theme.muted(),
                    ),
                ]);
                let line = fit(Line::from(spans), usize::from(inner.width));
                if i == at && view.focused {
                    selected(line, theme)
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

impl HistoryPane {
    /// Takes the preview's columns off the right of `inner` when there is a frame to show
    /// and room for it.
    fn preview_area(&mut self, view: &View, inner: &mut Rect) -> Option<Rect> {
        let strip = self
            .selected
            .as_ref()
            .and_then(|id| view.media.strip(id))
            .and_then(|strip| strip.as_ref().ok());
        let Some(strip) = strip.filter(|_| {
            view.media.on() && inner.width + 2 >= PREVIEW_MIN_WIDTH && inner.height >= 4
        }) else {
            self.preview = None;
            return None;
        };
        if !self
            .preview
            .as_ref()
            .is_some_and(|(from, _)| Arc::ptr_eq(from, strip))
        {
            let middle = Arc::new(strip[1].image.clone());
            self.preview = Some((strip.clone(), Still::new(middle)));
        }
        let area = Rect {
            x: inner.right().saturating_sub(PREVIEW_WIDTH),
            width: PREVIEW_WIDTH.min(inner.width),
            ..*inner
        };
        inner.width = inner.width.saturating_sub(PREVIEW_WIDTH + 1);
        Some(area)
    }

    fn draw_preview(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        if let Some((_, still)) = self.preview.as_mut() {
            still.render(&view.media.graphics, area, frame.buffer_mut());
        }
    }
}

/// What was spent this session and today, each against its cap when the budget sets one
/// (`$3.96 of $5.00 today`), with what is in flight once that counts against a cap; in the
/// warning colour from 80 % of a cap (spent and in flight), the error colour past one. In
/// `room` columns: where the whole does not fit, what a cap does not watch goes first, then
/// the words get shorter (`$3.96/$5.00 today`), then only the cap nearest to being passed
/// stays, so a narrow screen shows the figure that matters whole rather than cut.
fn spend_title(view: &View, room: usize) -> Span<'static> {
    let spend = &view.spend;
    let budget = spend.budget;
    let style = match budget.warning(&spend.standing()) {
        None => view.theme.muted(),
        Some((_, share)) if share <= 1.0 => view.theme.warning(),
        Some(_) => view.theme.error(),
    };
    let text = spend_texts(view)
        .into_iter()
        .reduce(|fits, shorter| match fits.width() <= room {
            true => fits,
            false => shorter,
        })
        .unwrap_or_default();
    Span::styled(text, style)
}

/// The spend in the history's title, longest first, each shorter than the one before.
fn spend_texts(view: &View) -> Vec<String> {
    use crate::budget::Cap;
    let spend = &view.spend;
    let budget = spend.budget;
    let spent = |cap: Cap| match cap {
        Cap::Session => spend.session.spent,
        Cap::Daily => spend.today.spent,
    };
    let in_flight = |cap: Cap| match cap {
        Cap::Session => spend.session.in_flight,
        Cap::Daily => spend.today.in_flight,
    };
    let flying = |cap: Cap| match in_flight(cap) > 0.0 {
        true => format!("+{} in flight ", usd(in_flight(cap))),
        false => String::new(),
    };
    let long = |cap: Cap| match budget.limit(cap) {
        Some(limit) => format!("{} of {} {}", usd(spent(cap)), usd(limit), cap.when()),
        None => format!("{} {}", usd(spent(cap)), cap.when()),
    };
    let short = |cap: Cap| {
        let when = match cap {
            Cap::Session => "session",
            Cap::Daily => "today",
        };
        match budget.limit(cap) {
            Some(limit) => format!("{}/{} {when}", usd(spent(cap)), usd(limit)),
            None => format!("{} {when}", usd(spent(cap))),
        }
    };
    let capped: Vec<Cap> = [Cap::Session, Cap::Daily]
        .into_iter()
        .filter(|cap| budget.limit(*cap).is_some())
        .collect();
    // The cap whose in-flight jobs are shown: the day's when it has one.
    let flight_cap = match budget.daily_usd {
        Some(_) => Cap::Daily,
        None => Cap::Session,
    };
    let flight = match capped.is_empty() {
        true => String::new(),
        false => flying(flight_cap),
    };
    let mut texts = vec![format!(
        "· spent {}, {} {flight}",
        long(Cap::Session),
        long(Cap::Daily)
    )];
    // The caps set, alone (the day alone with none).
    let watched = match capped.is_empty() {
        true => vec![Cap::Daily],
        false => capped.clone(),
    };
    let joined = |form: &dyn Fn(Cap) -> String| {
        watched
            .iter()
            .map(|cap| form(*cap))
            .collect::<Vec<_>>()
            .join(", ")
    };
    texts.push(format!("· spent {} {flight}", joined(&long)));
    texts.push(format!("· {} {flight}", joined(&short)));
    // The cap nearest to being passed (the day's when none is near).
    let nearest = budget
        .warning(&spend.standing())
        .map(|(cap, _)| cap)
        .unwrap_or(*watched.last().unwrap_or(&Cap::Daily));
    let nearest_flight = match capped.is_empty() {
        true => String::new(),
        false => flying(nearest),
    };
    texts.push(format!("· {} {nearest_flight}", short(nearest)));
    texts.push(format!("· {} ", short(nearest)));
    texts
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyModifiers;
    use i2v_store::{JobRecord, JobState};

    use super::*;
    use crate::test_record::record;
    use crate::ui::kit::test_component::TestComponent;

    /// A finished job `prompt`, created `minutes_ago`.
    fn job(prompt: &str, minutes_ago: i64) -> JobRecord {
        let mut job = record(prompt, JobState::Completed);
        job.created_at = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago);
        job
    }

    /// The history of `jobs`, listed.
    fn history(jobs: Vec<JobRecord>) -> TestComponent<HistoryPane> {
        let mut pane = TestComponent::new(HistoryPane::default()).with_jobs(jobs);
        pane.component.refresh(&pane.book);
        pane
    }

    fn press(pane: &mut TestComponent<HistoryPane>, code: KeyCode) -> Outcome {
        pane.press(code, KeyModifiers::NONE)
    }

    #[test]
    fn slash_filters_as_you_type_enter_keeps_it_and_esc_clears_it() {
        let (heron, fox) = (job("a heron at dusk", 2), job("a fox in snow", 1));
        let (heron_id, fox_id) = (heron.id.clone(), fox.id.clone());
        let mut pane = history(vec![heron, fox]);
        assert_eq!(pane.component.selected(), Some(&fox_id), "newest first");
        press(&mut pane, KeyCode::Char('/'));
        // Letters that are keys elsewhere (d diff, r re-run, s sort) are the filter's text.
        pane.type_text("dusk");
        assert!(pane.take().is_empty(), "nothing but the filter happened");
        assert_eq!(pane.component.selected(), Some(&heron_id));
        let screen = pane.screen(60, 8);
        assert!(screen.contains("1/2 match"), "{screen}");
        assert!(!screen.contains("a fox in snow"), "{screen}");
        press(&mut pane, KeyCode::Enter);
        // The filter line closed: d is the diff again.
        press(&mut pane, KeyCode::Char('d'));
        assert!(matches!(pane.take().as_slice(), [Request::Diff(id)] if *id == heron_id));
        press(&mut pane, KeyCode::Esc);
        assert!(pane.screen(60, 8).contains("a fox in snow"));
    }

    #[test]
    fn space_marks_and_esc_unmarks_saying_how_many() {
        let mut pane = history(vec![job("a heron", 3), job("a fox", 2), job("an owl", 1)]);
        press(&mut pane, KeyCode::Char(' '));
        press(&mut pane, KeyCode::Char('j'));
        press(&mut pane, KeyCode::Char(' '));
        assert_eq!(pane.component.marked().len(), 2);
        assert!(pane.screen(60, 8).contains("2 marked"));
        assert!(pane.hints().contains(&"re-run marked"));
        press(&mut pane, KeyCode::Esc);
        assert!(pane.component.marked().is_empty());
        assert_eq!(pane.said(), ["Unmarked 2 jobs"]);
    }

    #[test]
    fn enter_loads_the_selected_job_into_the_editor_and_r_re_runs_it() {
        let heron = job("a heron", 1);
        let id = heron.id.clone();
        let mut pane = history(vec![heron]);
        press(&mut pane, KeyCode::Enter);
        assert!(matches!(
            pane.take().as_slice(),
            [Request::Restore { id: restored, input }] if *restored == id && input.prompt == "a heron"
        ));
        press(&mut pane, KeyCode::Char('r'));
        assert!(!pane.take().is_empty(), "r asks the app to submit it again");
    }

    #[test]
    fn an_empty_history_says_so() {
        let mut pane = history(Vec::new());
        press(&mut pane, KeyCode::Char('j'));
        assert_eq!(pane.component.selected(), None);
        assert!(pane.screen(40, 5).contains("History · 0 jobs"));
    }
}
