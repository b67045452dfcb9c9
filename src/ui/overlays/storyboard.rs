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
    Command, Component, Ctx, Outcome, Overlay, QUIT_HELP_MESSAGES, Request, View, fixed, hint,
    hints, quiet,
};
use crate::ui::kit::draw::{above_status_bar, frame_block, inner};
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
        commands.extend(QUIT_HELP_MESSAGES);
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
        above_status_bar(screen)
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crossterm::event::KeyModifiers;
    use i2v_store::{JobRecord, Rating};

    use super::*;
    use crate::test_record::{continuing, with_video};
    use crate::ui::kit::test_component::{TestComponent, assert_shows, shown};
    use crate::ui::model::media::FilmPlaying;

    /// A chain of three shots where two takes continue the first: `[first, take 1, take 2,
    /// the shot after take 1]`, take 2 shot after take 1.
    fn chain() -> [JobRecord; 4] {
        let first = with_video("a heron wades");
        let take_1 = continuing("the heron takes off", &first);
        let mut take_2 = continuing("the heron dives", &first);
        take_2.created_at = take_1.created_at + chrono::Duration::seconds(1);
        let mut after = continuing("the heron lands", &take_1);
        after.rating = Rating::new(3);
        [first, take_1, take_2, after]
    }

    /// The storyboard opened from take 1, every shot known.
    fn storyboard(jobs: &[JobRecord; 4]) -> TestComponent<Storyboard> {
        let to = vec![jobs[0].id.clone(), jobs[1].id.clone()];
        TestComponent::new(Storyboard::open(to)).with_jobs(jobs.iter().cloned())
    }

    fn press(view: &mut TestComponent<Storyboard>, c: char) -> Vec<Request> {
        view.press(KeyCode::Char(c), KeyModifiers::NONE);
        view.take()
    }

    #[test]
    fn the_film_goes_on_past_the_shot_it_was_opened_from_one_card_a_shot() {
        let jobs = chain();
        let film: Vec<JobId> = [0, 1, 3].map(|i| jobs[i].id.clone()).to_vec();
        let mut view = storyboard(&jobs);
        let screen = view.screen(80, 16);
        assert_shows(
            &screen,
            &[
                "Storyboard · 3 shots — Esc closes",
                " 1/3 ",
                " 2/3 ",
                " 3/3 ",
                "a heron wades",
                "the heron takes off",
                "the heron lands",
                "take 1 of 2 · 1 other",
                "★★★☆☆",
                "film of 3",
            ],
        );
        assert!(!screen.contains("the heron dives"), "{screen}");
        assert_eq!(view.component.film(), Some(film.as_slice()));
        assert_eq!(
            view.component.selected_job(&view.book),
            Some(jobs[1].id.clone())
        );
        // How long the shots are, once found; or why they make no film.
        assert!(view.media.want_plan(&film).is_some());
        let lengths = [3, 4, 5].map(Duration::from_secs).to_vec();
        view.media.film_planned(film.clone(), Ok(lengths));
        assert_shows(
            &view.screen(80, 16),
            &["unrated · 4.0 s", "film of 3 · 12.0 s"],
        );
        view.media.want_plan(&[]);
        view.media.want_plan(&film);
        view.media
            .film_planned(film, Err("shot 2 is 720p".to_owned()));
        assert_shows(&view.screen(80, 16), &["film of 3 · ✗ shot 2 is 720p"]);
    }

    #[test]
    fn t_chooses_the_next_take_at_once_and_asks_for_it_to_be_remembered() {
        let jobs = chain();
        let mut view = storyboard(&jobs);
        let asked = press(&mut view, 't');
        assert!(matches!(&asked[0], Request::Notice(n) if n == "Shot 2: take 2 of 2"));
        assert!(matches!(
            &asked[1],
            Request::Effect(Effect::ChooseTake { shot, take })
                if *shot == jobs[0].id && *take == jobs[2].id
        ));
        let screen = view.screen(80, 16);
        assert_shows(
            &screen,
            &["2 shots", "the heron dives", "take 2 of 2 · 1 other"],
        );
        assert!(!screen.contains("the heron lands"), "{screen}");
        // Round again, to the first take and the film that goes on from it.
        press(&mut view, 't');
        assert_shows(&view.screen(80, 16), &["3 shots", "the heron lands"]);
        // The first shot and a shot continued once have no other take.
        for (key, why) in [
            (
                'h',
                "The first shot has no other takes: takes continue a shot",
            ),
            ('l', "No other take continues the shot before this one"),
        ] {
            press(&mut view, key);
            press(&mut view, key);
            let asked = press(&mut view, 't');
            assert!(
                matches!(&asked[..], [Request::Notice(n)] if n == why),
                "{why}"
            );
        }
    }

    #[test]
    fn p_plays_from_the_selected_shot_and_shift_p_from_the_start() {
        let jobs = chain();
        let film: Vec<JobId> = [0, 1, 3].map(|i| jobs[i].id.clone()).to_vec();
        let first = film[0].clone();
        let mut view = storyboard(&jobs);
        let plays = |asked: &[Request], at: usize| {
            matches!(asked, [Request::PlayShots { id, shots, from }, ..]
                if *id == first && *shots == film && *from == at)
        };
        assert!(plays(&press(&mut view, 'p'), 1));
        assert!(plays(&press(&mut view, 'P'), 0));
        assert!(matches!(&press(&mut view, 'v')[..], [Request::Detail(d)] if *d == jobs[1].id));
        assert!(matches!(
            &press(&mut view, '5')[..],
            [Request::Effect(Effect::Judge { id, .. })] if *id == jobs[1].id
        ));
        // Full screen, not playing: the film from the selected shot, there.
        let asked = press(&mut view, 'f');
        assert!(plays(&asked, 1));
        assert!(matches!(&asked[1], Request::FullScreen(f) if *f == first));
        // Playing (the third shot on screen): its card is selected, and full screen goes on
        // with what plays.
        view.play(&first, shown(100, 144, Duration::from_secs(8)));
        view.media.film = Some(FilmPlaying {
            shots: film.clone(),
            from: 0,
            starts: [0, 3, 7].map(Duration::from_secs).to_vec(),
        });
        let title = view.draw(80, 16).remove(0);
        assert!(title.contains("▶ shot 3/3 · frame 101/144"), "{title}");
        assert_eq!(
            view.component.selected_job(&view.book),
            Some(film[2].clone())
        );
        assert!(matches!(&press(&mut view, 'f')[..], [Request::FullScreen(f)] if *f == first));
        view.press(KeyCode::Esc, KeyModifiers::NONE);
        assert!(matches!(view.take().as_slice(), [Request::Close]));
    }

    #[test]
    fn e_asks_where_to_export_and_every_key_is_the_paths_until_enter_or_esc() {
        let jobs = chain();
        let film: Vec<JobId> = [0, 1, 3].map(|i| jobs[i].id.clone()).to_vec();
        let mut view = storyboard(&jobs);
        assert_eq!(
            view.paste("films/x.mp4"),
            Outcome::HandBack,
            "nothing asked yet"
        );
        press(&mut view, 'E');
        assert_eq!(view.hints(), ["export", "cancel"]);
        // p, t, f and Esc's cousins are letters of the path here.
        view.type_text("films/p");
        // A pasted paragraph: its first line.
        view.paste("tf.gif\nrm -rf films");
        assert!(view.take().is_empty());
        assert_shows(&view.screen(80, 16), &["Export to: films/ptf.gif"]);
        view.press(KeyCode::Enter, KeyModifiers::NONE);
        assert!(matches!(
            view.effects().as_slice(),
            [Effect::ExportFilm { shots, path: Some(path) }]
                if *shots == film && path.as_os_str() == "films/ptf.gif"
        ));
        assert!(
            view.hints().contains(&"export"),
            "back to the storyboard's keys"
        );
        assert!(view.hints().contains(&"take"));
        // Empty: the data dir's films/.
        press(&mut view, 'E');
        view.press(KeyCode::Enter, KeyModifiers::NONE);
        assert!(matches!(
            view.effects().as_slice(),
            [Effect::ExportFilm { path: None, .. }]
        ));
        // Esc leaves the question, not the storyboard.
        press(&mut view, 'E');
        view.type_text("x.mp4");
        view.press(KeyCode::Esc, KeyModifiers::NONE);
        assert!(matches!(view.take().as_slice(), [Request::Notice(n)] if n == "Not exported"));
        assert!(view.hints().contains(&"take"));
    }

    #[test]
    fn more_shots_than_fit_scroll_along_with_the_selection() {
        let mut shots = vec![with_video("shot 1")];
        for n in 2..=5 {
            let next = continuing(&format!("shot {n}"), &shots[shots.len() - 1]);
            shots.push(next);
        }
        let to = vec![shots[0].id.clone()];
        let mut view = TestComponent::new(Storyboard::open(to)).with_jobs(shots);
        // Three cards fit 80 columns: the first three, two after.
        let screen = view.screen(80, 16);
        assert_shows(
            &screen,
            &[" 1/5 ", " 3/5 ", "0 before · 2 after · film of 5"],
        );
        assert!(!screen.contains(" 4/5 "), "{screen}");
        for _ in 0..4 {
            press(&mut view, 'l');
        }
        let screen = view.screen(80, 16);
        assert_shows(
            &screen,
            &[" 3/5 ", " 5/5 ", "2 before · 0 after · film of 5"],
        );
        assert!(!screen.contains(" 2/5 "), "{screen}");
    }
}
