//! The storyboard of a chain of shots: its film's shots in order, a strip of pictures (each
//! shot's middle frame) with their places, ratings, lengths and prompts' starts. Where
//! several takes continue a shot, the card says which take the film uses and how many there
//! are, and `t` chooses the next (remembered in the data dir, so `i2v film chain:ID` and the
//! export make the same film). `p` plays the film from the selected shot, `P` from its
//! start, the card of the shot on screen lit; `f` full screen; `v` opens a shot's details;
//! `E` exports the film, asking where.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use i2v_store::JobId;
use i2v_video::Frame as VideoFrame;

use crate::preview::{Playback, Still};
use crate::text::sanitize;
use crate::ui::kit::chain::next_shots;
use crate::ui::kit::component::{
    Command, Component, Ctx, Outcome, Overlay, Request, View, fixed, hint, hints, quiet,
};
use crate::ui::kit::draw::{frame_block, inner};
use crate::ui::kit::job;
use crate::ui::kit::text_field::TextField;
use crate::ui::model::book::Book;
use crate::ui::model::effect::Effect;
use crate::ui::model::format::cut;
use crate::ui::model::keys::Action;
use crate::ui::model::media::video_of;

/// Narrowest a card is drawn (more shots than fit scroll along).
const CARD_WIDTH: u16 = 22;
/// Text rows under a card's picture: rating and length, the prompt's start, the takes.
const CARD_TEXT: u16 = 3;

pub(crate) struct Storyboard {
    /// The shots the user fixed: the chain to the shot it was opened from, or to the take
    /// last chosen. The film goes on from the last by the takes remembered.
    through: Vec<JobId>,
    selected: usize,
    /// The film as last found, for the book's version and takes it was found at; with the
    /// takes at each place (which one, of how many).
    film: Option<Found>,
    /// Each shot's middle frame, kept encoded for the size last drawn.
    stills: HashMap<JobId, (Arc<[VideoFrame; 3]>, Still)>,
    /// Asking where to export the film.
    asking: Option<TextField>,
    /// The first card shown (more shots than fit scroll along).
    first: usize,
    /// The film played here when it was last drawn.
    playing: bool,
}

struct Found {
    version: (u64, u64),
    shots: Vec<JobId>,
    /// At each place: the take's number among those continuing the shot before, of how
    /// many (the first shot: 1 of 1).
    takes: Vec<(usize, usize)>,
}

impl Found {
    /// The film through `through`, on by the takes chosen, as `book` has them.
    fn of(through: &[JobId], book: &Book, version: (u64, u64)) -> Found {
        let shots = crate::film::film_through(through.to_vec(), book.takes(), |id| {
            next_shots(book, id)
                .into_iter()
                .map(|r| r.id.clone())
                .collect()
        });
        let takes = shots
            .iter()
            .enumerate()
            .map(
                |(i, id)| match i.checked_sub(1).and_then(|b| shots.get(b)) {
                    None => (1, 1),
                    Some(before) => {
                        let all = next_shots(book, before);
                        let at = all.iter().position(|r| r.id == *id).unwrap_or(0);
                        (at + 1, all.len().max(1))
                    }
                },
            )
            .collect();
        Found {
            version,
            shots,
            takes,
        }
    }
}

impl Storyboard {
    /// The storyboard through `to` (the chain that ends at the shot it is opened from), that
    /// shot selected.
    pub fn open(to: Vec<JobId>) -> Self {
        let selected = to.len().saturating_sub(1);
        Self {
            through: to,
            selected,
            film: None,
            stills: HashMap::new(),
            asking: None,
            first: 0,
            playing: false,
        }
    }

    /// The film's shots as last found (found again when the book or the takes changed).
    fn find(&mut self, book: &Book) -> &Found {
        let version = (book.version(), book.takes_version());
        if self.film.as_ref().is_some_and(|f| f.version != version) {
            self.film = None;
        }
        let through = &self.through;
        let found = self
            .film
            .get_or_insert_with(|| Found::of(through, book, version));
        self.selected = self.selected.min(found.shots.len().saturating_sub(1));
        found
    }

    fn shots(&self) -> &[JobId] {
        self.film.as_ref().map_or(&self.through, |f| &f.shots)
    }

    fn selected_id(&self) -> Option<JobId> {
        self.shots().get(self.selected).cloned()
    }

    /// `t`: the next take at the selected place, remembered.
    fn next_take(&mut self, ctx: &mut Ctx) {
        let shots = self.find(ctx.book).shots.clone();
        let i = self.selected;
        let Some(before) = i.checked_sub(1).and_then(|b| shots.get(b)) else {
            ctx.notice("The first shot has no other takes: takes continue a shot");
            return;
        };
        let takes: Vec<JobId> = next_shots(ctx.book, before)
            .into_iter()
            .map(|r| r.id.clone())
            .collect();
        if takes.len() < 2 {
            ctx.notice("No other take continues the shot before this one");
            return;
        }
        let now = takes.iter().position(|t| Some(t) == shots.get(i));
        let next = takes[now.map_or(0, |n| (n + 1) % takes.len())].clone();
        let mut through = shots[..i].to_vec();
        through.push(next.clone());
        self.through = through;
        self.film = None;
        let n = takes.iter().position(|t| *t == next).map_or(1, |n| n + 1);
        ctx.notice(format!("Shot {}: take {n} of {}", i + 1, takes.len()));
        ctx.effect(Effect::ChooseTake {
            shot: before.clone(),
            take: next,
        });
    }

    /// Plays the film from its `from`-th shot, drawn in the cards.
    fn play(&mut self, from: usize, ctx: &mut Ctx) {
        let shots = self.find(ctx.book).shots.clone();
        if let Some(first) = shots.first().cloned() {
            ctx.ask(Request::PlayShots {
                id: first,
                shots,
                from,
            });
        }
    }

    fn export(&mut self, ctx: &mut Ctx) {
        let path = self.asking.take().map(|f| f.lines().concat());
        let path = path.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
        let shots = self.find(ctx.book).shots.clone();
        ctx.effect(Effect::ExportFilm {
            shots,
            path: path.map(PathBuf::from),
        });
    }
}

impl Component for Storyboard {
    fn commands(&self) -> Vec<Command> {
        if self.asking.is_some() {
            return vec![fixed("Enter", "export"), fixed("Esc", "cancel")];
        }
        let mut commands = vec![
            hint(Action::Back, "close"),
            hints(Action::Left, Action::Right, "move"),
            quiet(Action::Right),
            hint(Action::NextTake, "take"),
            hint(Action::Play, "play"),
            hint(Action::PlayFilm, "from start"),
            hint(Action::ExportFilm, "export"),
            hint(Action::Detail, "details"),
            hint(Action::FullScreen, "full screen"),
        ];
        commands.extend(job::rating());
        commands.extend([
            quiet(Action::Quit),
            quiet(Action::Help),
            quiet(Action::Messages),
        ]);
        commands
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let len = self.find(ctx.book).shots.len();
        match action {
            Action::Back => ctx.close(),
            Action::Left => self.selected = self.selected.saturating_sub(1),
            Action::Right => self.selected = (self.selected + 1).min(len.saturating_sub(1)),
            Action::NextTake => self.next_take(ctx),
            Action::Play => self.play(self.selected, ctx),
            Action::PlayFilm => self.play(0, ctx),
            // The film full screen: playing on, or from the selected shot.
            Action::FullScreen => {
                let Some(first) = self.find(ctx.book).shots.first().cloned() else {
                    return Outcome::Handled;
                };
                if !self.playing {
                    self.play(self.selected, ctx);
                }
                ctx.ask(Request::FullScreen(first));
            }
            Action::ExportFilm => {
                self.asking = Some(TextField::new(
                    Vec::new(),
                    "a path (.mp4, or .gif for a GIF); empty: the data dir's films/",
                    false,
                ));
            }
            Action::Detail => {
                if let Some(id) = self.selected_id() {
                    ctx.ask(Request::Detail(id));
                }
            }
            _ => return job::act(action, self.selected_id(), ctx),
        }
        Outcome::Handled
    }

    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Outcome {
        let Some(field) = self.asking.as_mut() else {
            return Outcome::HandBack;
        };
        match key.code {
            KeyCode::Enter => self.export(ctx),
            KeyCode::Esc => {
                self.asking = None;
                ctx.notice("Not exported");
            }
            _ => field.type_key(key),
        }
        Outcome::Handled
    }

    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> Outcome {
        match self.asking.as_mut() {
            Some(field) => {
                field.insert(&crate::ui::model::paste::single_line(text));
                Outcome::Handled
            }
            None => Outcome::HandBack,
        }
    }

    fn selected_job(&self, _book: &Book) -> Option<JobId> {
        self.selected_id()
    }

    fn draw(&mut self, view: &View, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        let count = self.find(view.book).shots.len();
        let playing = self.shots().first().and_then(|id| {
            let player = view.media.playing(id)?;
            match player.player.now() {
                Playback::Playing(shown) => {
                    Some((view.media.film_shot(id, shown.at)?.place, shown))
                }
                _ => None,
            }
        });
        self.playing = playing.is_some();
        // The card of the shot on screen is the one selected while the film plays.
        if let Some((place, _)) = &playing {
            self.selected = place.saturating_sub(1);
        }
        let title = match &playing {
            Some((place, shown)) => format!(
                " {} shot {place}/{count} · frame {}/{} ",
                view.media.playing_label(),
                shown.index + 1,
                shown.count
            ),
            None => format!(
                " Storyboard · {count} {} — Esc closes ",
                if count == 1 { "shot" } else { "shots" }
            ),
        };
        frame.render_widget(Clear, area);
        frame.render_widget(frame_block(theme, Line::from(title), true), area);
        let inside = inner(area);
        let [cards, footer] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inside);
        // As many cards as fit at their narrowest, the selected one among them.
        let fit = usize::from((cards.width / CARD_WIDTH).max(1)).min(count.max(1));
        if self.selected < self.first {
            self.first = self.selected;
        } else if self.selected >= self.first + fit {
            self.first = self.selected + 1 - fit;
        }
        let columns = Layout::horizontal((0..fit).map(|_| Constraint::Fill(1))).split(cards);
        let shots = self.shots().to_vec();
        let takes = self
            .film
            .as_ref()
            .map(|f| f.takes.clone())
            .unwrap_or_default();
        for (column, i) in columns.iter().zip(self.first..count) {
            let Some(id) = shots.get(i) else { continue };
            let selected = i == self.selected;
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border(selected))
                .title(Line::styled(
                    format!(" {}/{count} ", i + 1),
                    theme.title(selected),
                ));
            let card = block.inner(*column);
            frame.render_widget(block, *column);
            let text_rows = CARD_TEXT.min(card.height);
            let [picture, text] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(text_rows)]).areas(card);
            match &playing {
                Some((place, shown)) if *place == i + 1 => {
                    if let Some(p) = shots.first().and_then(|f| view.media.playing(f)) {
                        p.player.resize(view.media.player_cells(picture.as_size()));
                    }
                    frame.render_widget(&shown.picture, picture);
                }
                _ => self.draw_still(view, id, frame, picture),
            }
            let width = usize::from(text.width);
            let row = view.book.row(id);
            let stars = row
                .and_then(|r| i2v_store::Rating::new(r.rating?))
                .map(crate::judge::stars)
                .unwrap_or_else(|| "unrated".to_owned());
            let length = view
                .media
                .film_lengths(&shots)
                .and_then(|l| l.get(i).copied())
                .map(|d| format!(" · {:.1} s", d.as_secs_f64()))
                .unwrap_or_default();
            let prompt = row
                .map(|r| sanitize(r.prompt.lines().next().unwrap_or("")))
                .unwrap_or_else(|| "(not in this history)".to_owned());
            let take = match takes.get(i) {
                Some(&(n, of)) if of > 1 => Line::styled(
                    cut(&format!("take {n} of {of} · {} other", of - 1), width),
                    theme.accent(),
                ),
                _ => Line::default(),
            };
            let lines = vec![
                Line::from(vec![
                    Span::styled(stars, theme.accent()),
                    Span::styled(length, theme.muted()),
                ]),
                Line::from(cut(&prompt, width)),
                take,
            ];
            frame.render_widget(Paragraph::new(lines), text);
        }
        let footer_text = match &mut self.asking {
            Some(field) => {
                let label = "Export to: ";
                let [l, f] =
                    Layout::horizontal([Constraint::Length(11), Constraint::Fill(1)]).areas(footer);
                frame.render_widget(Paragraph::new(Line::styled(label, theme.accent())), l);
                field.style(theme, true);
                frame.render_widget(&field.area, f);
                return;
            }
            None => {
                let more = match (self.first, count.saturating_sub(self.first + fit)) {
                    (0, 0) => String::new(),
                    (before, after) => format!("{before} before · {after} after · "),
                };
                let total = view
                    .media
                    .film_lengths(&shots)
                    .map(|l| {
                        format!(
                            " · {:.1} s",
                            l.iter().sum::<std::time::Duration>().as_secs_f64()
                        )
                    })
                    .unwrap_or_default();
                let why = view
                    .media
                    .film_refusal(&shots)
                    .map(|w| format!(" · ✗ {}", sanitize(w)));
                format!("{more}film of {count}{total}{}", why.unwrap_or_default())
            }
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                cut(&footer_text, usize::from(footer.width)),
                theme.muted(),
            )),
            footer,
        );
    }
}

impl Storyboard {
    /// A shot's middle frame in `area`, or why there is none.
    fn draw_still(&mut self, view: &View, id: &JobId, frame: &mut Frame, area: Rect) {
        let theme = view.theme;
        let say = |frame: &mut Frame, text: &str, style| {
            frame.render_widget(Paragraph::new(Line::styled(text.to_owned(), style)), area);
        };
        if !view.media.on() {
            return;
        }
        if video_of(view.book, id).is_none() {
            let why = match view.book.row(id) {
                Some(r) if !r.state.is_terminal() => "not finished",
                Some(_) => "no video here",
                None => "not in this history",
            };
            say(frame, why, theme.muted());
            return;
        }
        match view.media.strip(id) {
            None => say(frame, "…", theme.muted()),
            Some(Err(err)) => say(frame, &format!("✗ {}", sanitize(err)), theme.error()),
            Some(Ok(made)) => {
                let fresh = self
                    .stills
                    .get(id)
                    .is_some_and(|(from, _)| Arc::ptr_eq(from, made));
                if !fresh {
                    let still = Still::new(Arc::new(made[1].image.clone()));
                    self.stills.insert(id.clone(), (made.clone(), still));
                }
                if let Some((_, still)) = self.stills.get_mut(id) {
                    still.render(&view.media.graphics, area, frame.buffer_mut());
                }
            }
        }
    }
}

impl Overlay for Storyboard {
    fn name(&self) -> &'static str {
        "the storyboard"
    }

    fn rect(&self, screen: Rect) -> Rect {
        // The whole screen but the status bar, which names the keys.
        Rect {
            height: screen.height.saturating_sub(1),
            ..screen
        }
    }

    fn shows_frames_of(&self) -> Vec<JobId> {
        self.shots().to_vec()
    }

    fn film(&self) -> Option<&[JobId]> {
        self.film.as_ref().map(|f| f.shots.as_slice())
    }

    fn stays_beneath(&self) -> bool {
        true
    }
}
