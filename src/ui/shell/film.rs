//! Films in the workbench: `P` in a chained shot's details plays the film that ends at it,
//! shot after shot. The runtime joins the shots (no re-encoding, well under a second) and
//! plays the one file, so nothing waits at the joins; the title names the shot from where
//! the film is.

use i2v_store::JobId;

use i2v_store::Takes;

use crate::preview::Player;
use crate::text::sanitize;
use crate::ui::model::effect::Effect;
use crate::ui::model::media::{FilmPlaying, Playing};
use crate::ui::model::msg::FilmExport;
use crate::ui::overlays::storyboard::Storyboard;
use crate::ui::shell::app::App;

impl App {
    /// `P` on `id`: stops what plays, else asks for the film that ends at `id`.
    pub(crate) fn play_film(&mut self, id: JobId) -> Vec<Effect> {
        let shots = crate::ui::model::chains::chain_to(&self.book, &id);
        self.play_shots(id, shots, 0)
    }

    /// Plays `shots` from the `from`-th on as one film, drawn where `id` plays (its detail
    /// view, the storyboard); stops what plays instead if something does.
    pub(crate) fn play_shots(&mut self, id: JobId, shots: Vec<JobId>, from: usize) -> Vec<Effect> {
        if self.media.stop() {
            return Vec::new();
        }
        if !self.media.on() {
            self.notice("Pictures are off ([ui] preview = \"off\"): nothing is played");
            return Vec::new();
        }
        if shots.len() > 1 {
            self.notice(format!(
                "Joining {} shots…",
                shots.len() - from.min(shots.len())
            ));
        }
        self.media.joining = Some(id.clone());
        vec![Effect::PlayFilm { id, shots, from }]
    }

    /// The film that ends at `id` is joined and plays (or why not): shown if its view is
    /// still open and nothing else started meanwhile.
    pub(crate) fn film_playing(
        &mut self,
        id: JobId,
        result: Result<(Player, FilmPlaying), String>,
    ) -> Vec<Effect> {
        self.media.joining = None;
        let wanted = self.overlay.is_some() && self.media.playing.is_empty();
        match result {
            Ok((player, film)) if wanted => {
                self.media.playing = vec![Playing { id, player }];
                self.media.film = Some(film);
            }
            Ok(_) => {}
            Err(why) => self.error(why),
        }
        Vec::new()
    }

    /// How fetching the shots of the film asked for where `id` plays goes, in the status bar
    /// while it is still wanted.
    pub(crate) fn film_joining(&mut self, id: &JobId, how_far: &str) {
        if self.media.joining.as_ref() == Some(id) {
            self.notice(format!("Joining the film: {}…", sanitize(how_far)));
        }
    }

    /// `b`: the storyboard of the chain `id` is in, through it.
    pub(crate) fn storyboard(&mut self, id: JobId) -> Vec<Effect> {
        let to = crate::ui::model::chains::chain_to(&self.book, &id);
        self.media.stop();
        self.show(Box::new(Storyboard::open(to)));
        vec![Effect::ReadTakes]
    }

    pub(crate) fn takes_read(&mut self, result: Result<Takes, String>) {
        match result {
            Ok(takes) => self.book.set_takes(takes),
            Err(why) => self.error(why),
        }
    }

    /// How exporting a film goes, in the status bar.
    pub(crate) fn film_export(&mut self, export: FilmExport) {
        match export {
            FilmExport::Going(how_far) => self.notice(format!("Exporting the film: {how_far}…")),
            FilmExport::Done(path, what) => self.notice(format!(
                "Film written to {}: {what}",
                sanitize(&path.display().to_string())
            )),
            FilmExport::Failed(why) => self.error(format!("Film not exported: {why}")),
        }
    }

    /// What a view showing a film needs: how long its shots are.
    pub(crate) fn follow_film(&mut self) -> Vec<Effect> {
        let Some(shots) = self
            .overlay
            .as_ref()
            .and_then(|o| o.film())
            .map(<[JobId]>::to_vec)
        else {
            return Vec::new();
        };
        self.media.want_plan(&shots).into_iter().collect()
    }
}
