//! What the workbench shows of pictures and videos: which graphics the terminal has, the
//! frame strips made for the views (a few kept), and the video playing, if one is. The
//! decoding itself happens in `preview` off the UI task; this is state, changed only in
//! `update`, read by the views while they draw.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use i2v_store::JobId;

use crate::preview::{Graphics, Playback, Player, StripResult};
use crate::ui::model::book::Book;
use crate::ui::model::effect::Effect;

/// How many strips stay in memory (about 1 MB each).
const STRIPS_KEPT: usize = 12;

pub(crate) struct Media {
    pub graphics: Graphics,
    /// Newest last.
    strips: Vec<(JobId, StripResult)>,
    /// Asked for and not answered yet.
    asked: HashSet<JobId>,
    /// The videos playing, in step: one in a detail view, two in a compare.
    pub playing: Vec<Playing>,
    /// The videos a play effect went out for, until their players come: players that come
    /// for anything else (stopped, or others asked for meanwhile) are dropped.
    starting: Vec<JobId>,
    /// What the link to the terminal does while they play.
    pub link: crate::tty::LinkReport,
    /// The film the one video playing is, if it is one: which shot is on screen when.
    pub film: Option<FilmPlaying>,
    /// The film a view shows (the storyboard) and how long its shots are, or why they make
    /// no film; `None` inside while asked.
    plan: Option<(Vec<JobId>, Option<Lengths>)>,
    /// A film being joined to play where this job plays: full screen waits for it.
    pub joining: Option<JobId>,
}

/// How long each shot of a film is, or why the shots make no film.
type Lengths = Result<Vec<Duration>, String>;

/// A film playing as one video (its shots joined): which of them is on screen when.
#[derive(Debug)]
pub struct FilmPlaying {
    /// The film's shots, first first.
    pub shots: Vec<JobId>,
    /// The shot the video starts at (played from a later shot: the film from there).
    pub from: usize,
    /// When each shot from there starts in the video.
    pub starts: Vec<Duration>,
}

/// The shot of a film on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FilmShot<'a> {
    /// Its place in the film, from 1.
    pub place: usize,
    /// How many shots the film has.
    pub of: usize,
    pub id: &'a JobId,
}

impl FilmPlaying {
    /// The shot on screen `at` into the video.
    pub(crate) fn shot_at(&self, at: Duration) -> Option<FilmShot<'_>> {
        let k = self.starts.iter().rposition(|s| *s <= at).unwrap_or(0);
        let place = self.from + k + 1;
        Some(FilmShot {
            place,
            of: self.shots.len(),
            id: self.shots.get(place - 1)?,
        })
    }
}

pub(crate) struct Playing {
    pub id: JobId,
    pub player: Player,
}

impl Media {
    pub fn new(graphics: Graphics) -> Media {
        Media {
            graphics,
            strips: Vec::new(),
            asked: HashSet::new(),
            playing: Vec::new(),
            starting: Vec::new(),
            link: crate::tty::LinkReport::default(),
            film: None,
            plan: None,
            joining: None,
        }
    }

    /// The cells a player drawn in `area` gets: all of it on a link that carries the full
    /// picture, less on a thin one (the picture is drawn centred).
    pub fn player_cells(&self, area: ratatui::layout::Size) -> ratatui::layout::Size {
        let scale = u32::from(self.link.thinning.scale.clamp(1, 100));
        let part = |n: u16| (u32::from(n) * scale).div_ceil(100) as u16;
        ratatui::layout::Size::new(part(area.width), part(area.height))
    }

    /// How a player's title starts: `▶ 8 fps · 1.1 Mbit/s ·` once the link was measured
    /// (frames the far end showed, and the link's rate), else `▶`.
    pub fn playing_label(&self) -> String {
        if self.link.fps > 0.0 {
            format!("▶ {} ·", self.link.label())
        } else {
            "▶".to_owned()
        }
    }

    pub fn on(&self) -> bool {
        !self.graphics.is_off()
    }

    /// The strip of `id`, if made (or why it could not be).
    pub fn strip(&self, id: &JobId) -> Option<&StripResult> {
        self.strips
            .iter()
            .find(|(job, _)| job == id)
            .map(|(_, strip)| strip)
    }

    /// Asks for the strip of `id` unless it is here, asked for, or there is nothing to make
    /// it from (no finished job with a video on disk, pictures off).
    pub fn want_strip(&mut self, book: &Book, id: &JobId) -> Option<Effect> {
        if !self.on() || self.asked.contains(id) || self.strip(id).is_some() {
            return None;
        }
        let video = video_of(book, id)?;
        self.asked.insert(id.clone());
        Some(Effect::WantStrip {
            id: id.clone(),
            video,
        })
    }

    pub fn strip_made(&mut self, id: JobId, strip: StripResult) {
        self.asked.remove(&id);
        self.strips.retain(|(job, _)| *job != id);
        if self.strips.len() >= STRIPS_KEPT {
            drop(self.strips.remove(0));
        }
        self.strips.push((id, strip));
    }

    /// The shot on screen `at` into the video playing where `id` plays, if it is a film.
    pub fn film_shot(&self, id: &JobId, at: Duration) -> Option<FilmShot<'_>> {
        self.playing(id)?;
        self.film.as_ref()?.shot_at(at)
    }

    /// Asks how long `shots` are unless that was asked already.
    pub fn want_plan(&mut self, shots: &[JobId]) -> Option<Effect> {
        if self.plan.as_ref().is_some_and(|(asked, _)| asked == shots) {
            return None;
        }
        self.plan = Some((shots.to_vec(), None));
        Some(Effect::PlanFilm(shots.to_vec()))
    }

    pub fn film_planned(&mut self, shots: Vec<JobId>, result: Result<Vec<Duration>, String>) {
        if self.plan.as_ref().is_some_and(|(asked, _)| *asked == shots) {
            self.plan = Some((shots, Some(result)));
        }
    }

    /// How long each of `shots` is, if found.
    pub fn film_lengths(&self, shots: &[JobId]) -> Option<&[Duration]> {
        match &self.plan {
            Some((asked, Some(Ok(lengths)))) if asked == shots => Some(lengths),
            _ => None,
        }
    }

    /// Why `shots` make no film, if found.
    pub fn film_refusal(&self, shots: &[JobId]) -> Option<&str> {
        match &self.plan {
            Some((asked, Some(Err(why)))) if asked == shots => Some(why),
            _ => None,
        }
    }

    /// How long one frame lasts in the quickest clip playing, once its first frame is out.
    pub fn frame_time(&self) -> Option<Duration> {
        self.playing
            .iter()
            .filter_map(|playing| match playing.player.now() {
                Playback::Playing(shown) => Some(shown.frame),
                _ => None,
            })
            .min()
    }

    /// The player of `id`, if it plays.
    pub fn playing(&self, id: &JobId) -> Option<&Playing> {
        self.playing.iter().find(|p| p.id == *id)
    }

    /// Whether something plays and all of it is among `ids` (what a view shows): then the
    /// playback is that view's, which Esc stops. Otherwise it plays for a view beneath.
    pub fn plays_only(&self, ids: &[JobId]) -> bool {
        !self.playing.is_empty() && self.playing.iter().all(|p| ids.contains(&p.id))
    }

    /// `p` on `ids` (one job, or the two compared): stops them if they play, else asks for
    /// those with a video to play together.
    pub fn toggle_play(&mut self, book: &Book, ids: &[JobId]) -> Result<Option<Effect>, String> {
        if ids
            .iter()
            .any(|id| self.playing(id).is_some() || self.starting.contains(id))
        {
            self.stop();
            return Ok(None);
        }
        self.stop();
        if !self.on() {
            return Err("Pictures are off ([ui] preview = \"off\"): nothing is played".into());
        }
        let videos: Vec<(JobId, PathBuf)> = ids
            .iter()
            .filter_map(|id| Some((id.clone(), video_of(book, id)?)))
            .collect();
        if videos.is_empty() {
            return Err("No downloaded video to play for this job".into());
        }
        self.starting = videos.iter().map(|(id, _)| id.clone()).collect();
        Ok(Some(Effect::Play(videos)))
    }

    /// Whether `id`'s video was asked to play and its player has not come yet.
    pub fn is_starting(&self, id: &JobId) -> bool {
        self.starting.contains(id)
    }

    /// The players a play effect was answered with: they play if they are still the ones
    /// wanted, else they are dropped (and stop).
    pub fn started(&mut self, players: Vec<(JobId, Player)>) {
        let wanted = !self.starting.is_empty()
            && players.len() == self.starting.len()
            && players
                .iter()
                .zip(&self.starting)
                .all(|((id, _), w)| id == w);
        if wanted {
            self.starting.clear();
            self.playing = players
                .into_iter()
                .map(|(id, player)| Playing { id, player })
                .collect();
        }
    }

    /// `p` full screen: stops `id`'s video where it is (its picture stays), or plays it on
    /// from there; one that does not play starts (the effect).
    pub fn pause_or_play(&mut self, book: &Book, id: &JobId) -> Result<Option<Effect>, String> {
        if let Some(playing) = self.playing(id) {
            let clock = playing.player.clock();
            if clock.is_paused() {
                clock.resume();
            } else {
                clock.pause();
            }
            return Ok(None);
        }
        self.toggle_play(book, std::slice::from_ref(id))
    }

    /// `,` and `.`: a frame back or on in `id`'s stopped video.
    pub fn step(&self, id: &JobId, forward: bool) -> Step {
        let Some(playing) = self.playing(id) else {
            return Step::NotPlaying;
        };
        let clock = playing.player.clock();
        if !clock.is_paused() {
            return Step::Playing;
        }
        let Playback::Playing(shown) = playing.player.now() else {
            return Step::Stepped;
        };
        // From where the clock stands (a step asked before the last one was drawn counts),
        // a quarter of a frame into the next one, clear of rounding.
        let at = clock.at();
        let to = if forward {
            at + shown.frame
        } else {
            at.saturating_sub(shown.frame)
        };
        let into = to.as_nanos() % shown.frame.as_nanos().max(1);
        let start = to.saturating_sub(Duration::from_nanos(u64::try_from(into).unwrap_or(0)));
        clock.seek(start + shown.frame / 4);
        Step::Stepped
    }

    /// Stops playback (and what was starting); true if something was playing or starting.
    pub fn stop(&mut self) -> bool {
        let was = !self.playing.is_empty() || !self.starting.is_empty();
        self.playing.clear();
        self.film = None;
        self.starting.clear();
        was
    }
}

/// What a step asked for did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Stepped,
    /// Nothing plays: nothing to step through.
    NotPlaying,
    /// It plays: a step needs it stopped.
    Playing,
}

/// The video file of a finished job, if it was downloaded.
pub(crate) fn video_of(book: &Book, id: &JobId) -> Option<PathBuf> {
    crate::frames::local_video(&book.get(id)?.record).map(PathBuf::from)
}
